//! SS104 narrowing-column-type: `ALTER COLUMN ... TYPE` to a narrower type on a column that
//! existed before this migration: a shorter `varchar`, a `char(n)`, fewer numeric digits or
//! scale, a smaller integer, `real` from `double precision`, an integer from a fractional type.
//!
//! Why: values are rounded or cut (numeric scale, fractional to integer), or the statement fails
//! on the first row that no longer fits, in production only, where the data is.
//!
//! Example: `ALTER TABLE users ALTER COLUMN name TYPE varchar(50);` where it was `varchar(255)`.

use super::alter_column_type::{type_change, type_changes, TypeChange};
use super::{Rule, Severity, StatementCtx};

pub(super) const RULE: Rule = Rule {
    code: "SS104",
    name: "narrowing-column-type",
    severity: Severity::Warning,
    summary: "ALTER COLUMN TYPE to a narrower type on an existing column (values cut, rounded or rejected)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    type_changes(ctx)
        .into_iter()
        .filter(|(_, old, new)| type_change(old, new) == TypeChange::Narrowing)
        .map(|(column, old, new)| {
            format!("narrows {column} from {old} to {new}: existing values may be cut, rounded or rejected")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_narrowing_of_existing_columns() {
        let base = "CREATE TABLE t (id bigint, name varchar(255), price numeric(10,2));";
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN name TYPE varchar(50);"], "SS104"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN id TYPE integer;"], "SS104"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN price TYPE numeric(10,0);"], "SS104"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN name TYPE text;"], "SS104"), 0);
    }
}
