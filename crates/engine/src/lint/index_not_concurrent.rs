//! SS205 index-not-concurrent: `CREATE INDEX` without `CONCURRENTLY` on a table that existed
//! before this migration.
//!
//! Why: a plain CREATE INDEX holds a SHARE lock for the whole build: reads go on, but every
//! INSERT, UPDATE and DELETE waits. `CREATE INDEX CONCURRENTLY` (outside a transaction) does not
//! block writes.
//!
//! Example: `CREATE INDEX orders_user_id_idx ON orders (user_id);` on a busy table.

use super::{Rule, Severity, StatementCtx};
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS205",
    name: "index-not-concurrent",
    severity: Severity::Warning,
    summary: "CREATE INDEX without CONCURRENTLY on an existing table (writes blocked during the build)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::IndexStmt(stmt) = ctx.node else { return Vec::new() };
    if stmt.concurrent {
        return Vec::new();
    }
    let Some(rv) = stmt.relation.as_ref() else { return Vec::new() };
    let Some((qn, _)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    // IF NOT EXISTS on an index that is there builds nothing.
    if ctx.before == ctx.after {
        return Vec::new();
    }
    vec![format!("builds an index on {qn} without CONCURRENTLY: writes to the table wait until the build ends")]
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_plain_index_builds_on_existing_tables() {
        let base = "CREATE TABLE t (id int, a int);";
        assert_eq!(count(&[base, "CREATE INDEX ON t (a);"], "SS205"), 1);
        assert_eq!(count(&["CREATE TABLE t (id int); CREATE INDEX ON t (id);"], "SS205"), 0);
        assert_eq!(count(&[base, "CREATE INDEX i ON t (a);", "CREATE INDEX IF NOT EXISTS i ON t (a);"], "SS205"), 1);
    }
}
