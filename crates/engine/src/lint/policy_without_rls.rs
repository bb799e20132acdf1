//! SS402 policy-without-rls: `CREATE POLICY` on a table that, at the end of the history, does
//! not have row level security enabled.
//!
//! Why: policies only apply once `ALTER TABLE ... ENABLE ROW LEVEL SECURITY` ran; until then
//! every role with table privileges sees every row, whatever the policy says.
//!
//! Example: `CREATE POLICY tenant_isolation ON invoices USING (tenant_id = current_tenant());`
//! without enabling RLS on `invoices`.

use super::{Rule, Severity, StatementCtx};
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS402",
    name: "policy-without-rls",
    severity: Severity::Warning,
    summary: "CREATE POLICY on a table whose row level security is never enabled (the policy has no effect)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::CreatePolicyStmt(stmt) = ctx.node else { return Vec::new() };
    let Some(rv) = stmt.table.as_ref() else { return Vec::new() };
    let Some(qn) = ctx.resolve_rv(rv) else { return Vec::new() };
    let Some(seq) = ctx.after.table(&qn).map(|t| t.seq) else { return Vec::new() };
    let last = ctx.later.last().map_or(ctx.migration_end, |s| &s.after);
    let final_table = last.relations.values().find_map(|r| match r {
        schemasim_catalog::Relation::Table(t) if t.seq == seq => Some(t),
        _ => None,
    });
    match final_table {
        Some(t) if !t.rls_enabled && t.policies.iter().any(|p| p.name == stmt.policy_name) => vec![format!(
            "creates policy {} on {qn}, whose row level security is not enabled by the end of the history: the policy has no effect",
            stmt.policy_name
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn enabling_rls_anywhere_later_is_enough() {
        let base = "CREATE TABLE t (id int);";
        assert_eq!(count(&[base, "CREATE POLICY p ON t USING (true);"], "SS402"), 1);
        assert_eq!(
            count(&[base, "CREATE POLICY p ON t USING (true);", "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"], "SS402"),
            0
        );
    }
}
