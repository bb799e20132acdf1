//! SS206 concurrently-in-transaction: `CREATE INDEX CONCURRENTLY`, `DROP INDEX CONCURRENTLY` or
//! `REINDEX ... CONCURRENTLY` inside a transaction block: the migration tool's per-file
//! transaction (Diesel, Flyway, golang-migrate...) or an explicit BEGIN.
//!
//! Why: PostgreSQL refuses it (25001 `... cannot run inside a transaction block`), so the
//! migration fails; the fix is the tool's no-transaction mode for that file.
//!
//! Example: a Diesel `up.sql` with `CREATE INDEX CONCURRENTLY ...` (Diesel wraps it in a
//! transaction unless `run_in_transaction = false`).

use super::{Rule, Severity, StatementCtx};
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS206",
    name: "concurrently-in-transaction",
    severity: Severity::Error,
    summary: "CONCURRENTLY inside a transaction block (PostgreSQL refuses it)",
    on_failed: true,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    if !ctx.in_block {
        return Vec::new();
    }
    let what = match ctx.node {
        NodeEnum::IndexStmt(s) if s.concurrent => "CREATE INDEX CONCURRENTLY",
        NodeEnum::DropStmt(s) if s.concurrent => "DROP INDEX CONCURRENTLY",
        NodeEnum::ReindexStmt(s)
            if s.params
                .iter()
                .any(|p| matches!(p.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "concurrently")) =>
        {
            "REINDEX CONCURRENTLY"
        }
        _ => return Vec::new(),
    };
    vec![format!(
        "{what} runs inside a transaction block, which PostgreSQL refuses: run this migration without a transaction"
    )]
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;
    use crate::{Migration, ReplayOptions};

    #[test]
    fn flags_concurrently_in_a_transaction_only() {
        let base = "CREATE TABLE t (id int);";
        assert_eq!(count(&[base, "CREATE INDEX CONCURRENTLY i ON t (id);"], "SS206"), 1);
        let autocommit = [
            Migration { name: "1".into(), path: "1.sql".into(), sql: base.into(), transaction: false },
            Migration {
                name: "2".into(),
                path: "2.sql".into(),
                sql: "CREATE INDEX CONCURRENTLY i ON t (id);".into(),
                transaction: false,
            },
        ];
        let report = crate::lint::lint(&autocommit, &ReplayOptions::default());
        assert!(report.findings.iter().all(|f| f.code != "SS206"), "{:?}", report.findings);
    }
}
