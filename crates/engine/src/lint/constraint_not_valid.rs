//! SS204 constraint-not-valid: `ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` on a table that
//! existed before this migration, without `NOT VALID`.
//!
//! Why: the existing rows are checked while the table is locked (a FOREIGN KEY also locks the
//! referenced table: SHARE ROW EXCLUSIVE on both). Adding the constraint `NOT VALID` is
//! instant; `VALIDATE CONSTRAINT` later checks the rows under a lock that lets writes through.
//!
//! A partitioned table without partitions holds no rows: not flagged. On one with partitions,
//! PostgreSQL 17 refuses `NOT VALID` for a FOREIGN KEY (`cannot add NOT VALID foreign key on
//! partitioned table`), so the message says so and points to the partitions instead (a CHECK
//! may be NOT VALID there too).
//!
//! "Existing" means existing when this migration (file or transaction) begins, as squawk counts a
//! table created in the same file or transaction as new: a table created by an earlier migration
//! is flagged even when that migration is the one just before, since the application may fill it
//! between two deploys and the history does not say where a deploy ends. A constraint on a
//! column added by an earlier statement (all NULL) is flagged too: PostgreSQL still scans every
//! row to validate it (`ADD CONSTRAINT ... FOREIGN KEY` is always validated, unlike a
//! `REFERENCES` clause of `ADD COLUMN` without default, which is not flagged).
//!
//! Example: `ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users;`.

use super::{alter_table, constr_type, constraint_def, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::{AlterTableType, ConstrType};

pub(super) const RULE: Rule = Rule {
    code: "SS204",
    name: "constraint-not-valid",
    severity: Severity::Warning,
    summary: "ADD FOREIGN KEY / CHECK on an existing table without NOT VALID (rows checked under lock)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some((qn, table)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let partitioned = table.partition_by.is_some();
    if partitioned && !ctx.has_partitions(&qn) {
        return Vec::new();
    }
    cmds.iter()
        .filter(|c| subtype(c) == AlterTableType::AtAddConstraint)
        .filter_map(|c| constraint_def(c))
        .filter(|c| !c.skip_validation)
        .filter_map(|c| match constr_type(c) {
            ConstrType::ConstrForeign => Some("FOREIGN KEY"),
            ConstrType::ConstrCheck => Some("CHECK"),
            _ => None,
        })
        .map(|kind| {
            if partitioned && kind == "FOREIGN KEY" {
                format!(
                    "adds a FOREIGN KEY constraint to partitioned table {qn}: every row of its partitions is checked while \
                     they are locked, and PostgreSQL 17 does not allow NOT VALID here (add the constraint NOT VALID to \
                     each partition and VALIDATE it there first)"
                )
            } else {
                format!(
                    "adds a {kind} constraint to {qn} without NOT VALID: every existing row is checked while the table is locked"
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn not_valid_or_new_tables_are_fine() {
        let base = "CREATE TABLE u (id int PRIMARY KEY); CREATE TABLE t (id int, u int);";
        assert_eq!(count(&[base, "ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES u;"], "SS204"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ADD CHECK (id > 0);"], "SS204"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ADD FOREIGN KEY (u) REFERENCES u NOT VALID;"], "SS204"), 0);
        assert_eq!(count(&[base, "ALTER TABLE t ADD UNIQUE (id);"], "SS204"), 0);
        assert_eq!(count(&["CREATE TABLE t (id int); ALTER TABLE t ADD CHECK (id > 0);"], "SS204"), 0);
    }

    #[test]
    fn partitioned_tables() {
        let base = "CREATE TABLE u (id int PRIMARY KEY); CREATE TABLE m (id int, u int) PARTITION BY RANGE (id);";
        let part = "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);";
        // No partitions: no rows to check.
        assert_eq!(count(&[base, "ALTER TABLE m ADD FOREIGN KEY (u) REFERENCES u;"], "SS204"), 0);
        assert_eq!(count(&[base, "ALTER TABLE m ADD CHECK (id >= 0);"], "SS204"), 0);
        // With partitions: flagged; for a FOREIGN KEY the message does not ask for NOT VALID,
        // which PostgreSQL 17 rejects on a partitioned table.
        let fk = crate::lint::tests::lint_sql(&[
            &format!("{base} {part}"),
            "ALTER TABLE m ADD FOREIGN KEY (u) REFERENCES u;",
        ]);
        let fk: Vec<_> = fk.iter().filter(|f| f.code == "SS204").collect();
        assert_eq!(fk.len(), 1);
        assert!(fk[0].message.contains("does not allow NOT VALID"), "{}", fk[0].message);
        assert_eq!(count(&[&format!("{base} {part}"), "ALTER TABLE m ADD CHECK (id >= 0);"], "SS204"), 1);
    }
}
