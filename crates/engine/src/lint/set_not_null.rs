//! SS203 set-not-null: `ALTER COLUMN ... SET NOT NULL` on a column of a table that existed
//! before this migration, without a validated `CHECK (column IS NOT NULL)` on the table.
//!
//! Why: PostgreSQL scans the whole table to prove there is no NULL, holding an ACCESS EXCLUSIVE
//! lock meanwhile. With a validated CHECK constraint saying the same (added `NOT VALID`, then
//! `VALIDATE CONSTRAINT`, which only takes a SHARE UPDATE EXCLUSIVE lock) the scan is skipped.
//!
//! Example: `ALTER TABLE users ALTER COLUMN email SET NOT NULL;` on a large table.

use super::{alter_table, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::AlterTableType;
use schemasim_catalog::{ConstraintKind, Table};

pub(super) const RULE: Rule = Rule {
    code: "SS203",
    name: "set-not-null",
    severity: Severity::Warning,
    summary: "SET NOT NULL on an existing table without a validated CHECK (col IS NOT NULL) (full scan under ACCESS EXCLUSIVE)",
    on_failed: false,
    check,
};

fn has_not_null_check(t: &Table, column: &str) -> bool {
    let wanted = crate::canon::expression(&format!("{} IS NOT NULL", schemasim_catalog::quote_ident(column)));
    t.constraints.iter().any(|c| match &c.kind {
        ConstraintKind::Check { expr } => c.validated && crate::canon::expression(expr) == wanted,
        _ => false,
    })
}

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some((qn, table)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let Some(start) = ctx.migration_start.table(&qn) else { return Vec::new() };
    cmds.iter()
        .filter(|c| subtype(c) == AlterTableType::AtSetNotNull)
        .filter(|c| start.column(&c.name).is_some())
        .filter(|c| table.column(&c.name).is_some_and(|col| !col.not_null))
        .filter(|c| !has_not_null_check(table, &c.name))
        .map(|c| {
            format!(
                "sets {qn}.{} NOT NULL: the whole table is scanned under an ACCESS EXCLUSIVE lock (add CHECK ({} IS NOT NULL) NOT VALID and validate it first)",
                c.name, c.name
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn a_validated_check_avoids_the_scan() {
        let base = "CREATE TABLE t (id int, a int);";
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"], "SS203"), 1);
        let checked = "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT a_nn;";
        assert_eq!(count(&[base, checked, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"], "SS203"), 0);
        let unvalidated = "ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;";
        assert_eq!(count(&[base, unvalidated, "ALTER TABLE t ALTER COLUMN a SET NOT NULL;"], "SS203"), 1);
        assert_eq!(count(&["CREATE TABLE t (id int, a int); ALTER TABLE t ALTER COLUMN a SET NOT NULL;"], "SS203"), 0);
    }
}
