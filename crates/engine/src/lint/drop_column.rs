//! SS102 drop-column: `ALTER TABLE ... DROP COLUMN` of a column that existed before this
//! migration.
//!
//! Why: the column's values are gone for good (a down migration can add the column back, empty),
//! and application code still selecting it fails as soon as the migration runs.
//!
//! Example: `ALTER TABLE users DROP COLUMN email_opt_in;` after copying it elsewhere.

use super::{alter_table, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::AlterTableType;

pub(super) const RULE: Rule = Rule {
    code: "SS102",
    name: "drop-column",
    severity: Severity::Warning,
    summary: "DROP COLUMN of a column that existed before the migration (its data is lost)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some((qn, _)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let Some(start) = ctx.migration_start.table(&qn) else { return Vec::new() };
    cmds.iter()
        .filter(|c| subtype(c) == AlterTableType::AtDropColumn)
        .filter(|c| {
            start.column(&c.name).is_some() && ctx.before.table(&qn).is_some_and(|t| t.column(&c.name).is_some())
        })
        .map(|c| format!("drops column {}.{}, which existed before this migration: its values are lost", qn, c.name))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_existing_columns_only() {
        let base = "CREATE TABLE t (id int, a int);";
        assert_eq!(count(&[base, "ALTER TABLE t DROP COLUMN a;"], "SS102"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ADD COLUMN b int; ALTER TABLE t DROP COLUMN b;"], "SS102"), 0);
        assert_eq!(count(&["CREATE TABLE t (id int, a int); ALTER TABLE t DROP COLUMN a;"], "SS102"), 0);
        assert_eq!(count(&[base, "ALTER TABLE t DROP COLUMN IF EXISTS zz;"], "SS102"), 0);
    }
}
