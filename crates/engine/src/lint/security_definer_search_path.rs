//! SS403 security-definer-search-path: `CREATE FUNCTION ... SECURITY DEFINER` without a
//! `SET search_path` clause.
//!
//! Why: the function runs with its owner's privileges but resolves unqualified names through
//! the caller's search_path, so a caller who can create objects in a schema on that path can
//! make it call their own function or read their own table as the owner (PostgreSQL's
//! documentation: "Writing SECURITY DEFINER Functions Safely").
//!
//! Example: `CREATE FUNCTION find_user(text) RETURNS uuid SECURITY DEFINER LANGUAGE sql AS $$
//! SELECT id FROM users WHERE email = lower($1) $$;`.

use super::{Rule, Severity, StatementCtx};
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS403",
    name: "security-definer-search-path",
    severity: Severity::Warning,
    summary: "SECURITY DEFINER function without SET search_path",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::CreateFunctionStmt(stmt) = ctx.node else { return Vec::new() };
    let mut definer = false;
    let mut pinned = false;
    for o in &stmt.options {
        let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else { continue };
        match (d.defname.as_str(), d.arg.as_deref().and_then(|a| a.node.as_ref())) {
            ("security", Some(NodeEnum::Boolean(b))) => definer = b.boolval,
            ("set", Some(NodeEnum::VariableSetStmt(v))) if v.name == "search_path" => pinned = true,
            _ => {}
        }
    }
    if !definer || pinned {
        return Vec::new();
    }
    let name = crate::types::name_list(&stmt.funcname);
    vec![format!(
        "function {} is SECURITY DEFINER without SET search_path: it resolves names through the caller's search_path with its owner's rights",
        name.join(".")
    )]
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn a_pinned_search_path_is_fine() {
        let body = "RETURNS int LANGUAGE sql AS $$ SELECT 1 $$";
        assert_eq!(count(&[&format!("CREATE FUNCTION f() {body} SECURITY DEFINER;")], "SS403"), 1);
        assert_eq!(count(&[&format!("CREATE FUNCTION f() {body} SECURITY DEFINER SET search_path = '';")], "SS403"), 0);
        assert_eq!(count(&[&format!("CREATE FUNCTION f() {body};")], "SS403"), 0);
    }
}
