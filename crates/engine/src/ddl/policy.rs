//! Row-level security policies: CREATE/ALTER POLICY. ENABLE/FORCE ROW LEVEL SECURITY are
//! ALTER TABLE subcommands (see alter.rs). Policies may reference columns of their table.

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::session::Ctx;
use pg_query::protobuf;
use pg_query::NodeEnum;
use schemasim_catalog::Policy;

fn role_names(nodes: &[protobuf::Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) => Some(match r.roletype {
                // ROLESPEC_CSTRING = 1; the others are CURRENT_ROLE, CURRENT_USER, SESSION_USER, PUBLIC.
                1 => r.rolename.clone(),
                2 => "CURRENT_ROLE".into(),
                3 => "CURRENT_USER".into(),
                4 => "SESSION_USER".into(),
                _ => "public".into(),
            }),
            _ => None,
        })
        .filter(|r| r != "public")
        .collect()
}

fn check_roles(ctx: &Ctx<'_>, roles: &[String]) -> PgResult<()> {
    for r in roles {
        if r.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
            continue;
        }
        if !ctx.catalog.roles.contains_key(r) && r != crate::session::SESSION_USER {
            return Err(PgError::new("42704", format!("role \"{r}\" does not exist")));
        }
    }
    Ok(())
}

fn check_columns(ctx: &Ctx<'_>, table: &schemasim_catalog::Table, e: &protobuf::Node) -> PgResult<String> {
    // Only unqualified references must be columns of the table; sub-selects may read others.
    // System columns and the table's own name (a whole-row reference) resolve too.
    if !expr::contains_subquery(e) {
        for c in expr::column_refs(e) {
            let system = matches!(c.as_str(), "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid");
            if table.column(&c).is_none() && !system && c != table.name.name {
                return Err(PgError::undefined_column(&c));
            }
        }
    }
    expr::check_no_aggregates(e, "policy expressions")?;
    let _ = ctx;
    expr::deparse_expr(e)
}

/// `CREATE POLICY name ON table [AS PERMISSIVE|RESTRICTIVE] [FOR cmd] [TO roles] [USING] [WITH CHECK]`.
pub fn create_policy(ctx: &mut Ctx<'_>, stmt: &protobuf::CreatePolicyStmt) -> PgResult<()> {
    let rv = stmt.table.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
    let qn = ctx.resolve_table(rv)?;
    let table = ctx.table(&qn)?.clone();
    if table.policies.iter().any(|p| p.name == stmt.policy_name) {
        return Err(PgError::new(
            "42710",
            format!("policy \"{}\" for table \"{}\" already exists", stmt.policy_name, qn.name),
        ));
    }
    let command = stmt.cmd_name.to_uppercase();
    let command = if command.is_empty() { "ALL".to_string() } else { command };
    if stmt.with_check.is_some() && (command == "SELECT" || command == "DELETE") {
        return Err(PgError::new("42601", "WITH CHECK cannot be applied to SELECT or DELETE"));
    }
    if stmt.qual.is_some() && command == "INSERT" {
        return Err(PgError::new("42601", "only WITH CHECK expression allowed for INSERT"));
    }
    let roles = role_names(&stmt.roles);
    check_roles(ctx, &roles)?;
    let using = stmt.qual.as_deref().map(|e| check_columns(ctx, &table, e)).transpose()?;
    let with_check = stmt.with_check.as_deref().map(|e| check_columns(ctx, &table, e)).transpose()?;
    let seq = ctx.catalog.allocate_seq();
    ctx.table_mut(&qn)?.policies.push(Policy {
        name: stmt.policy_name.clone(),
        seq,
        command,
        permissive: stmt.permissive,
        roles,
        using,
        with_check,
        comment: None,
    });
    Ok(())
}

/// `ALTER POLICY name ON table [TO roles] [USING (...)] [WITH CHECK (...)]`.
pub fn alter_policy(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterPolicyStmt) -> PgResult<()> {
    let rv = stmt.table.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
    let qn = ctx.resolve_table(rv)?;
    let table = ctx.table(&qn)?.clone();
    if !table.policies.iter().any(|p| p.name == stmt.policy_name) {
        return Err(PgError::new(
            "42704",
            format!("policy \"{}\" for table \"{}\" does not exist", stmt.policy_name, qn.name),
        ));
    }
    let roles = role_names(&stmt.roles);
    check_roles(ctx, &roles)?;
    let using = stmt.qual.as_deref().map(|e| check_columns(ctx, &table, e)).transpose()?;
    let with_check = stmt.with_check.as_deref().map(|e| check_columns(ctx, &table, e)).transpose()?;
    let t = ctx.table_mut(&qn)?;
    let Some(p) = t.policies.iter_mut().find(|p| p.name == stmt.policy_name) else {
        return Ok(());
    };
    if !stmt.roles.is_empty() {
        p.roles = roles;
    }
    if using.is_some() {
        p.using = using;
    }
    if with_check.is_some() {
        p.with_check = with_check;
    }
    Ok(())
}
