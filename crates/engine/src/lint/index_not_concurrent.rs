//! SS205 index-not-concurrent: `CREATE INDEX` without `CONCURRENTLY` on a table that existed
//! before this migration.
//!
//! Why: a plain CREATE INDEX holds a SHARE lock for the whole build: reads go on, but every
//! INSERT, UPDATE and DELETE waits. `CREATE INDEX CONCURRENTLY` (outside a transaction) does not
//! block writes.
//!
//! A partitioned table is flagged only when the statement builds something: `CREATE INDEX ON
//! ONLY parent` makes an invalid index on the parent alone (no rows read), and a partitioned table
//! without partitions has no rows. Otherwise every partition is locked for its build, and since
//! PostgreSQL refuses CONCURRENTLY on a partitioned table (`cannot create index on partitioned
//! table ... concurrently`), the message gives the way that works: the index `ON ONLY` the
//! parent, `CREATE INDEX CONCURRENTLY` on each partition, then `ALTER INDEX ... ATTACH PARTITION`.
//!
//! "Existing" means existing when this migration (file or transaction) begins, as squawk counts a
//! table created in the same file or transaction as new: a table created by an earlier migration
//! of the history is flagged even if that migration is just before this one. The history does not
//! say where one deploy ends: migrations usually reach production one release at a time, and the
//! application fills a table between two of them, so its age in migrations says nothing about its
//! size (umami's `03_metric_performance_index` indexes tables of `01_init`, full by then). A team
//! that deploys a table and its index together can put them in one migration, or suppress the
//! finding with a `schemasim-ignore` comment.
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
    let Some((qn, table)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    // IF NOT EXISTS on an index that is there builds nothing.
    if ctx.before == ctx.after {
        return Vec::new();
    }
    if table.partition_by.is_some() {
        // ON ONLY: an invalid index on the parent alone; no partitions: no rows.
        if !rv.inh || !ctx.has_partitions(&qn) {
            return Vec::new();
        }
        return vec![format!(
            "builds an index on partitioned table {qn} and each of its partitions: writes wait until the builds end \
             (CONCURRENTLY is not supported on a partitioned table: create the index ON ONLY {qn}, then \
             CONCURRENTLY on each partition, and ALTER INDEX ... ATTACH PARTITION each one)"
        )];
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

    #[test]
    fn partitioned_tables_are_flagged_only_when_partitions_are_built() {
        let parent = "CREATE TABLE m (id int, a int) PARTITION BY RANGE (id);";
        let part = "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (10);";
        // ON ONLY builds nothing: an invalid index on the parent alone.
        assert_eq!(count(&[&format!("{parent} {part}"), "CREATE INDEX ON ONLY m (a);"], "SS205"), 0);
        // No partitions, no rows.
        assert_eq!(count(&[parent, "CREATE INDEX ON m (a);"], "SS205"), 0);
        // Every partition is built under lock; the message tells how to avoid it.
        let f = crate::lint::tests::lint_sql(&[&format!("{parent} {part}"), "CREATE INDEX ON m (a);"]);
        let f: Vec<_> = f.iter().filter(|f| f.code == "SS205").collect();
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("ON ONLY public.m"), "{}", f[0].message);
        // A partition itself is a table like any other.
        assert_eq!(count(&[&format!("{parent} {part}"), "CREATE INDEX ON m1 (a);"], "SS205"), 1);
    }
}
