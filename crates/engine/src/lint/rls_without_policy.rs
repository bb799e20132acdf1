//! SS401 rls-without-policy: `ENABLE ROW LEVEL SECURITY` on a table that, at the end of the
//! history, has RLS enabled and no policy.
//!
//! Why: with RLS on and no policy, every role but the owner (and BYPASSRLS roles) sees no rows
//! and can write none: the API returns empty results instead of an error.
//!
//! Example: `ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;` with the `CREATE POLICY` forgotten.
//!
//! Severity info: enabling RLS without policies is also a deliberate way to lock a table to its
//! owner (graphile-worker's private tables do it).

use super::{alter_table, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::AlterTableType;

pub(super) const RULE: Rule = Rule {
    code: "SS401",
    name: "rls-without-policy",
    severity: Severity::Info,
    summary: "ROW LEVEL SECURITY enabled on a table that never gets a policy (non-owners see no rows)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    if !cmds.iter().any(|c| subtype(c) == AlterTableType::AtEnableRowSecurity) {
        return Vec::new();
    }
    let Some(qn) = ctx.resolve_rv(rv) else { return Vec::new() };
    let Some(seq) = ctx.after.table(&qn).map(|t| t.seq) else { return Vec::new() };
    let last = ctx.later.last().map_or(ctx.migration_end, |s| &s.after);
    let final_table = last.relations.values().find_map(|r| match r {
        schemasim_catalog::Relation::Table(t) if t.seq == seq => Some(t),
        _ => None,
    });
    match final_table {
        Some(t) if t.rls_enabled && t.policies.is_empty() => vec![format!(
            "enables row level security on {qn}, which has no policy by the end of the history: roles other than the owner see and change no rows"
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn a_policy_in_any_later_migration_is_enough() {
        let base = "CREATE TABLE t (id int);";
        assert_eq!(count(&[base, "ALTER TABLE t ENABLE ROW LEVEL SECURITY;"], "SS401"), 1);
        assert_eq!(
            count(&[base, "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", "CREATE POLICY p ON t USING (true);"], "SS401"),
            0
        );
        assert_eq!(
            count(
                &[base, "ALTER TABLE t ENABLE ROW LEVEL SECURITY;", "ALTER TABLE t DISABLE ROW LEVEL SECURITY;"],
                "SS401"
            ),
            0
        );
    }
}
