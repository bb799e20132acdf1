//! SS204 constraint-not-valid: `ADD CONSTRAINT ... FOREIGN KEY` or `CHECK` on a table that
//! existed before this migration, without `NOT VALID`.
//!
//! Why: the existing rows are checked while the table is locked (a FOREIGN KEY also locks the
//! referenced table: SHARE ROW EXCLUSIVE on both). Adding the constraint `NOT VALID` is
//! instant; `VALIDATE CONSTRAINT` later checks the rows under a lock that lets writes through.
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
    let Some((qn, _)) = ctx.existing_table_rv(rv) else { return Vec::new() };
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
            format!("adds a {kind} constraint to {qn} without NOT VALID: every existing row is checked while the table is locked")
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
}
