//! Row-level security as a reviewer reads it: per table, who may do what under which
//! predicate. PostgreSQL combines the policies that apply to a role and command: permissive
//! ones with OR, then restrictive ones with AND; with no permissive policy no row qualifies.
//! `USING` filters the rows read, updated or deleted; `WITH CHECK` the rows written (an
//! `UPDATE` or `ALL` policy without it uses its `USING`).
use schemasim_catalog::{Catalog, Policy, Relation, Table};

pub const COMMANDS: [&str; 4] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
pub const PUBLIC: &str = "PUBLIC";

/// The effective rule for one role and command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Access {
    /// The table's RLS is off: the privileges decide, no policy applies.
    NotEnforced,
    /// RLS on and no permissive policy applies: no row.
    Denied,
    /// Rows visible (`using`) and rows that may be written (`check`), as combined predicates.
    Allowed { using: Option<String>, check: Option<String> },
}

/// Policies that apply to `role` (or any role, for `PUBLIC`) and `command`.
pub fn applicable<'a>(table: &'a Table, role: &str, command: &str) -> Vec<&'a Policy> {
    table
        .policies
        .iter()
        .filter(|p| p.command == "ALL" || p.command == command)
        .filter(|p| p.roles.is_empty() || p.roles.iter().any(|r| r == role || r.eq_ignore_ascii_case("public")))
        .collect()
}

fn combine(parts: Vec<String>, op: &str) -> Option<String> {
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(parts.into_iter().map(|p| format!("({p})")).collect::<Vec<_>>().join(op)),
    }
}

/// Permissive predicates ORed, then restrictive ones ANDed onto them (`true` for a policy
/// without the clause).
fn effective(policies: &[&Policy], clause: impl Fn(&Policy) -> Option<String>) -> Option<String> {
    let permissive: Vec<String> =
        policies.iter().filter(|p| p.permissive).map(|p| clause(p).unwrap_or_else(|| "true".into())).collect();
    let restrictive: Vec<String> =
        policies.iter().filter(|p| !p.permissive).map(|p| clause(p).unwrap_or_else(|| "true".into())).collect();
    let mut parts = Vec::new();
    if let Some(p) = combine(permissive, " OR ") {
        parts.push(p);
    }
    parts.extend(restrictive);
    combine(parts, " AND ")
}

pub fn access(table: &Table, role: &str, command: &str) -> Access {
    if !table.rls_enabled {
        return Access::NotEnforced;
    }
    let policies = applicable(table, role, command);
    if !policies.iter().any(|p| p.permissive) {
        return Access::Denied;
    }
    let reads = command != "INSERT";
    let writes = command == "INSERT" || command == "UPDATE";
    let using = reads.then(|| effective(&policies, |p| p.using.clone())).flatten();
    let check = writes.then(|| effective(&policies, |p| p.with_check.clone().or_else(|| p.using.clone()))).flatten();
    Access::Allowed { using, check }
}

/// The roles a table's matrix shows: every role its policies name, then `PUBLIC`.
pub fn roles(table: &Table) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for p in &table.policies {
        for r in &p.roles {
            if !r.eq_ignore_ascii_case("public") && !roles.contains(r) {
                roles.push(r.clone());
            }
        }
    }
    roles.sort();
    roles.push(PUBLIC.into());
    roles
}

/// What a reviewer should know about a table's RLS set-up.
pub fn warnings(catalog: &Catalog, table: &Table) -> Vec<String> {
    let mut out = Vec::new();
    if table.rls_enabled && table.policies.is_empty() {
        out.push(format!(
            "RLS is enabled on {} but it has no policy: every row is hidden from roles other than the owner{}.",
            table.name,
            if table.rls_forced { " (and from the owner too: FORCE)" } else { "" }
        ));
    }
    if !table.rls_enabled && !table.policies.is_empty() {
        out.push(format!(
            "{} has {} polic{} but RLS is disabled: they are ignored (ALTER TABLE ... ENABLE ROW LEVEL SECURITY).",
            table.name,
            table.policies.len(),
            if table.policies.len() == 1 { "y" } else { "ies" }
        ));
    }
    for p in &table.policies {
        for r in &p.roles {
            if !r.eq_ignore_ascii_case("public") && !is_predefined_role(r) && !catalog.roles.contains_key(r) {
                out.push(format!("Policy {} names role {r}, which no migration creates.", p.name));
            }
        }
        for clause in [&p.using, &p.with_check].into_iter().flatten() {
            for (schema, name) in qualified_calls(clause) {
                let exists = catalog.functions.keys().any(|k| k.name.schema == schema && k.name.name == name);
                if !exists && schema != "pg_catalog" {
                    out.push(format!("Policy {} calls {schema}.{name}(), which does not exist at this step.", p.name));
                }
            }
        }
    }
    out
}

fn is_predefined_role(role: &str) -> bool {
    role.starts_with("pg_") || role == "current_user" || role == "session_user" || role == "current_role"
}

/// `(schema, function)` names called with `(` in an expression (outside string literals), as
/// the catalog stores unquoted names (folded to lower case).
fn qualified_calls(expr: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let tokens: Vec<_> = crate::highlight::tokenize(expr)
        .into_iter()
        .filter(|t| t.0 != crate::highlight::TokenKind::Whitespace)
        .collect();
    for w in tokens.windows(4) {
        let ident = |t: &(crate::highlight::TokenKind, &str)| {
            matches!(t.0, crate::highlight::TokenKind::Identifier | crate::highlight::TokenKind::Keyword)
        };
        if ident(&w[0]) && w[1].1 == "." && ident(&w[2]) && w[3].1 == "(" {
            out.push((w[0].1.to_lowercase(), w[2].1.to_lowercase()));
        }
    }
    out
}

/// The tables a panel lists: RLS enabled, or with policies.
pub fn tables_with_rls(catalog: &Catalog) -> Vec<&Table> {
    catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) if t.rls_enabled || !t.policies.is_empty() => Some(t),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemasim_engine::{replay, Migration, ReplayOptions};

    fn catalog(sql: &str) -> Catalog {
        let m = Migration { name: "m".into(), path: "m.sql".into(), sql: sql.into(), transaction: true };
        let r = replay(&[m], &ReplayOptions::default());
        assert!(r.migrations[0].first_error().is_none(), "{:?}", r.migrations[0].first_error());
        r.catalog
    }

    const SETUP: &str = "CREATE ROLE app; CREATE ROLE admin;
        CREATE TABLE docs (id int, owner text, org int, archived bool);
        ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own ON docs FOR SELECT TO app USING (owner = current_user);
        CREATE POLICY org ON docs TO app USING (org = 1) WITH CHECK (org = 1);
        CREATE POLICY live ON docs AS RESTRICTIVE FOR SELECT TO app USING (NOT archived);
        CREATE POLICY admins ON docs FOR ALL TO admin USING (true);
        CREATE SCHEMA auth; CREATE FUNCTION auth.org() RETURNS int LANGUAGE sql AS 'SELECT 1';
        CREATE POLICY by_org ON docs FOR DELETE TO admin USING (org = auth.org());";

    #[test]
    fn permissive_policies_are_ored_and_restrictive_ones_anded() {
        let c = catalog(SETUP);
        let t = c.table(&schemasim_catalog::QualName::new("public", "docs")).expect("docs exists");
        let Access::Allowed { using: Some(using), check: None } = access(t, "app", "SELECT") else {
            panic!("{:?}", access(t, "app", "SELECT"))
        };
        assert!(using.contains(" OR ") && using.contains(" AND "), "{using}");
        assert!(using.contains("archived"), "{using}");
        // INSERT: only the ALL policy applies, its WITH CHECK.
        assert_eq!(access(t, "app", "INSERT"), Access::Allowed { using: None, check: Some("org = 1".into()) });
        assert_eq!(access(t, PUBLIC, "DELETE"), Access::Denied);
        assert_eq!(roles(t), vec!["admin".to_string(), "app".into(), PUBLIC.into()]);
        assert!(warnings(&c, t).is_empty(), "{:?}", warnings(&c, t));
    }

    #[test]
    fn warns_about_rls_without_policies_and_policies_without_rls() {
        let c = catalog(
            "CREATE TABLE a (id int); ALTER TABLE a ENABLE ROW LEVEL SECURITY;
             CREATE TABLE b (id int); CREATE POLICY p ON b USING (true);",
        );
        let a = c.table(&schemasim_catalog::QualName::new("public", "a")).expect("a");
        let b = c.table(&schemasim_catalog::QualName::new("public", "b")).expect("b");
        assert!(warnings(&c, a)[0].contains("no policy"));
        assert!(warnings(&c, b)[0].contains("RLS is disabled"));
        assert_eq!(access(b, PUBLIC, "SELECT"), Access::NotEnforced);
    }
}
