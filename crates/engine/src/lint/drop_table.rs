//! SS101 drop-table: `DROP TABLE` of a table that existed before this migration.
//!
//! Why: its rows are gone, and a rollback can re-create the table but not the data. A table
//! created earlier in the same migration is not flagged (it holds nothing yet).
//!
//! Example: `DROP TABLE legacy_orders;` in 0042, where 0007 created `legacy_orders`.

use super::{drop_objects, Rule, Severity, StatementCtx};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS101",
    name: "drop-table",
    severity: Severity::Warning,
    summary: "DROP TABLE of a table that existed before the migration (its data is lost)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::DropStmt(stmt) = ctx.node else { return Vec::new() };
    if stmt.remove_type != ObjectType::ObjectTable as i32 {
        return Vec::new();
    }
    drop_objects(stmt)
        .iter()
        .filter_map(|(schema, name)| ctx.resolve(schema, name))
        .filter(|qn| ctx.existing_table(qn).is_some())
        .map(|qn| format!("drops table {qn}, which existed before this migration: its rows are lost"))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_only_tables_from_earlier_migrations() {
        assert_eq!(count(&["CREATE TABLE t (id int);", "DROP TABLE t;"], "SS101"), 1);
        assert_eq!(count(&["CREATE TABLE t (id int); DROP TABLE t;"], "SS101"), 0);
        assert_eq!(count(&["CREATE TABLE t (id int);", "DROP TABLE IF EXISTS u;"], "SS101"), 0);
        // Re-created in this migration: the dropped table is the new one.
        assert_eq!(
            count(&["CREATE TABLE t (id int);", "DROP TABLE t; CREATE TABLE t (id int); DROP TABLE t;"], "SS101"),
            1
        );
    }
}
