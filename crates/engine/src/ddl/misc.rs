//! Schemas, extensions, roles, session settings (search_path), COMMENT ON and GRANT/REVOKE.

use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use crate::types::name_list;
use pg_query::protobuf::{self, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{Extension, Grant, Relation, Role, Schema};

/// `CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role] [elements...]`.
pub fn create_schema(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateSchemaStmt) -> PgResult<Option<String>> {
    let name = if stmt.schemaname.is_empty() {
        stmt.authrole.as_ref().map(|r| r.rolename.clone()).unwrap_or_default()
    } else {
        stmt.schemaname.clone()
    };
    if ctx.catalog.schemas.contains_key(&name) {
        if stmt.if_not_exists {
            ctx.notice(format!("schema \"{name}\" already exists, skipping"));
            return Ok(None);
        }
        return Err(PgError::new("42P06", format!("schema \"{name}\" already exists")));
    }
    if let Some(role) = &stmt.authrole {
        check_role(ctx, &role.rolename)?;
    }
    let seq = ctx.catalog.allocate_seq();
    ctx.catalog.schemas.insert(
        name.clone(),
        Schema {
            name: name.clone(),
            seq,
            owner: stmt.authrole.as_ref().map(|r| r.rolename.clone()),
            comment: None,
            grants: Vec::new(),
        },
    );
    Ok(Some(name))
}

fn check_role(ctx: &Ctx<'_>, role: &str) -> PgResult<()> {
    if role.is_empty() || role == crate::session::SESSION_USER || ctx.catalog.roles.contains_key(role) {
        Ok(())
    } else {
        Err(PgError::new("42704", format!("role \"{role}\" does not exist")))
    }
}

/// `CREATE EXTENSION [IF NOT EXISTS] name [SCHEMA s] [VERSION v]`.
pub fn create_extension(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateExtensionStmt) -> PgResult<()> {
    if ctx.catalog.extensions.contains_key(&stmt.extname) {
        if stmt.if_not_exists {
            ctx.notice(format!("extension \"{}\" already exists, skipping", stmt.extname));
            return Ok(());
        }
        return Err(PgError::new("42710", format!("extension \"{}\" already exists", stmt.extname)));
    }
    let mut schema = String::new();
    let mut version = None;
    for o in &stmt.options {
        if let Some(NodeEnum::DefElem(d)) = o.node.as_ref() {
            if let Some(NodeEnum::String(s)) = d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                match d.defname.as_str() {
                    "schema" => schema = s.sval.clone(),
                    "new_version" => version = Some(s.sval.clone()),
                    _ => {}
                }
            }
        }
    }
    let schema = if stmt.extname == "plpgsql" { "pg_catalog".to_string() } else { ctx.creation_schema(&schema)? };
    let seq = ctx.catalog.allocate_seq();
    ctx.catalog
        .extensions
        .insert(stmt.extname.clone(), Extension { name: stmt.extname.clone(), schema, seq, version, comment: None });
    Ok(())
}

/// `CREATE ROLE / USER / GROUP`.
pub fn create_role(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateRoleStmt) -> PgResult<()> {
    if ctx.catalog.roles.contains_key(&stmt.role) || stmt.role == crate::session::SESSION_USER {
        return Err(PgError::new("42710", format!("role \"{}\" already exists", stmt.role)));
    }
    let mut role =
        Role { name: stmt.role.clone(), seq: 0, login: stmt.stmt_type == 2, superuser: false, member_of: Vec::new() };
    for o in &stmt.options {
        if let Some(NodeEnum::DefElem(d)) = o.node.as_ref() {
            let on = matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval);
            match d.defname.as_str() {
                "canlogin" => role.login = on,
                "superuser" => role.superuser = on,
                "addroleto" => {}
                "rolemembers" => {}
                _ => {}
            }
        }
    }
    role.seq = ctx.catalog.allocate_seq();
    ctx.catalog.roles.insert(role.name.clone(), role);
    Ok(())
}

/// `SET [LOCAL] name = value`, `RESET name`: only search_path changes the simulation.
pub fn set_variable(ctx: &mut Ctx<'_>, stmt: &protobuf::VariableSetStmt) -> PgResult<()> {
    if stmt.name != "search_path" {
        return Ok(());
    }
    // VAR_SET_VALUE = 1, VAR_SET_DEFAULT = 2, VAR_RESET = 5.
    let values: Vec<String> = stmt
        .args
        .iter()
        .filter_map(|a| match a.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    if stmt.is_local && !ctx.in_block {
        ctx.effects.notices.push(crate::error::Notice::warning("SET LOCAL can only be used in transaction blocks"));
        return Ok(());
    }
    *ctx.search_path =
        if stmt.kind == 1 { parse_search_path(&values.join(",")) } else { vec!["\"$user\"".into(), "public".into()] };
    Ok(())
}

/// Splits a search_path setting (`"$user", public`) into entries.
pub fn parse_search_path(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(
            |s| {
                if s == "\"$user\"" || s == "$user" {
                    "\"$user\"".to_string()
                } else {
                    s.trim_matches('"').to_string()
                }
            },
        )
        .collect()
}

/// `COMMENT ON ... IS '...'`.
pub fn comment(ctx: &mut Ctx<'_>, stmt: &protobuf::CommentStmt) -> PgResult<()> {
    let kind = ObjectType::try_from(stmt.objtype).unwrap_or(ObjectType::Undefined);
    let text = (!stmt.comment.is_empty()).then(|| stmt.comment.clone());
    let object = stmt.object.as_deref();
    let names = match object.and_then(|o| o.node.as_ref()) {
        Some(NodeEnum::List(l)) => name_list(&l.items),
        Some(NodeEnum::String(s)) => vec![s.sval.clone()],
        Some(NodeEnum::TypeName(t)) => name_list(&t.names),
        _ => Vec::new(),
    };
    match kind {
        ObjectType::ObjectTable
        | ObjectType::ObjectView
        | ObjectType::ObjectMatview
        | ObjectType::ObjectIndex
        | ObjectType::ObjectSequence => {
            let (schema, name) = super::drop::split_name(&names);
            let qn = ctx.lookup_relation(&schema, &name)?.ok_or_else(|| PgError::undefined_table(&names.join(".")))?;
            match ctx.catalog.relations.get_mut(&qn) {
                Some(Relation::Table(t)) => t.comment = text,
                Some(Relation::View(v)) => v.comment = text,
                Some(Relation::Index(i)) => i.comment = text,
                Some(Relation::Sequence(s)) => s.comment = text,
                None => {}
            }
        }
        ObjectType::ObjectColumn => {
            let Some((column, rel)) = names.split_last() else {
                return Ok(());
            };
            let (schema, name) = super::drop::split_name(rel);
            let qn = ctx.lookup_relation(&schema, &name)?.ok_or_else(|| PgError::undefined_table(&rel.join(".")))?;
            match ctx.catalog.relations.get_mut(&qn) {
                Some(Relation::Table(t)) => match t.column_mut(column) {
                    Some(c) => c.comment = text,
                    None => return Err(PgError::undefined_column_of(column, &name)),
                },
                Some(Relation::View(v)) => {
                    v.column_comments.retain(|(c, _)| c != column);
                    if let Some(t) = text {
                        v.column_comments.push((column.clone(), t));
                    }
                }
                _ => {}
            }
        }
        ObjectType::ObjectSchema => match ctx.catalog.schemas.get_mut(names.first().map_or("", |s| s.as_str())) {
            Some(s) => s.comment = text,
            None => return Err(PgError::undefined_schema(names.first().map_or("", |s| s.as_str()))),
        },
        ObjectType::ObjectType | ObjectType::ObjectDomain => {
            let qn = super::types::resolve_type_name(ctx, &names)?;
            if let Some(t) = ctx.catalog.types.get_mut(&qn) {
                t.comment = text;
            }
        }
        ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
            let Some(NodeEnum::ObjectWithArgs(owa)) = object.and_then(|o| o.node.as_ref()) else {
                return Ok(());
            };
            let key = super::function::resolve_function(ctx, owa, kind)?
                .ok_or_else(|| super::function::undefined_function(ctx, owa, kind))?;
            if let Some(f) = ctx.catalog.functions.get_mut(&key) {
                f.comment = text;
            }
        }
        ObjectType::ObjectExtension => {
            if let Some(e) = ctx.catalog.extensions.get_mut(names.first().map_or("", |s| s.as_str())) {
                e.comment = text;
            }
        }
        ObjectType::ObjectTabconstraint | ObjectType::ObjectPolicy | ObjectType::ObjectTrigger => {
            let Some((member, rel)) = names.split_last() else {
                return Ok(());
            };
            let (schema, name) = super::drop::split_name(rel);
            let qn = ctx.lookup_relation(&schema, &name)?.ok_or_else(|| PgError::undefined_table(&rel.join(".")))?;
            let Some(t) = ctx.catalog.table_mut(&qn) else {
                return Ok(());
            };
            let slot = match kind {
                ObjectType::ObjectTabconstraint => {
                    t.constraints.iter_mut().find(|c| &c.name == member).map(|c| &mut c.comment)
                }
                ObjectType::ObjectPolicy => t.policies.iter_mut().find(|c| &c.name == member).map(|c| &mut c.comment),
                _ => t.triggers.iter_mut().find(|c| &c.name == member).map(|c| &mut c.comment),
            };
            match slot {
                Some(s) => *s = text,
                None => {
                    return Err(PgError::new(
                        "42704",
                        format!("constraint \"{member}\" for table \"{name}\" does not exist"),
                    ))
                }
            }
        }
        other => ctx.not_simulated(format!("COMMENT ON {} is not simulated", other.as_str_name())),
    }
    Ok(())
}

/// `GRANT/REVOKE privileges ON objects TO roles`: roles must exist; table and schema grants are
/// recorded.
pub fn grant(ctx: &mut Ctx<'_>, stmt: &protobuf::GrantStmt) -> PgResult<()> {
    let grantees: Vec<String> = stmt
        .grantees
        .iter()
        .filter_map(|g| match g.node.as_ref() {
            Some(NodeEnum::RoleSpec(r)) => {
                Some(if r.roletype == pg_query::protobuf::RoleSpecType::RolespecPublic as i32 {
                    "PUBLIC".to_string()
                } else {
                    r.rolename.clone()
                })
            }
            _ => None,
        })
        .collect();
    for g in &grantees {
        if g != "PUBLIC" && !g.is_empty() {
            check_role(ctx, g)?;
        }
    }
    let privileges: Vec<String> = stmt
        .privileges
        .iter()
        .filter_map(|p| match p.node.as_ref() {
            Some(NodeEnum::AccessPriv(a)) => Some(a.priv_name.to_uppercase()),
            _ => None,
        })
        .collect();
    let privileges = if privileges.is_empty() { vec!["ALL".to_string()] } else { privileges };
    let kind = ObjectType::try_from(stmt.objtype).unwrap_or(ObjectType::Undefined);
    // ACL_TARGET_OBJECT = 1; ALL IN SCHEMA and DEFAULT PRIVILEGES are not tracked per object.
    if stmt.targtype != 1 {
        return Ok(());
    }
    for o in &stmt.objects {
        match (kind, o.node.as_ref()) {
            (ObjectType::ObjectTable | ObjectType::ObjectSequence, Some(NodeEnum::RangeVar(rv))) => {
                let qn = ctx.resolve_relation(rv)?;
                let apply = |grants: &mut Vec<Grant>| {
                    apply_grant(grants, &grantees, &privileges, stmt.is_grant, stmt.grant_option)
                };
                match ctx.catalog.relations.get_mut(&qn) {
                    Some(Relation::Table(t)) => apply(&mut t.grants),
                    Some(Relation::View(v)) => apply(&mut v.grants),
                    Some(Relation::Sequence(s)) => apply(&mut s.grants),
                    _ => {}
                }
            }
            (ObjectType::ObjectSchema, Some(NodeEnum::String(s))) => match ctx.catalog.schemas.get_mut(&s.sval) {
                Some(schema) => {
                    apply_grant(&mut schema.grants, &grantees, &privileges, stmt.is_grant, stmt.grant_option)
                }
                None => return Err(PgError::undefined_schema(&s.sval)),
            },
            (
                ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine,
                Some(NodeEnum::ObjectWithArgs(owa)),
            ) => {
                let key = super::function::resolve_function(ctx, owa, kind)?
                    .ok_or_else(|| super::function::undefined_function(ctx, owa, kind))?;
                if let Some(f) = ctx.catalog.functions.get_mut(&key) {
                    apply_grant(&mut f.grants, &grantees, &privileges, stmt.is_grant, stmt.grant_option);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn apply_grant(grants: &mut Vec<Grant>, grantees: &[String], privileges: &[String], is_grant: bool, option: bool) {
    for g in grantees {
        if is_grant {
            grants.push(Grant {
                grantee: g.clone(),
                privileges: privileges.to_vec(),
                columns: Vec::new(),
                with_grant_option: option,
            });
        } else {
            grants.retain(|x| &x.grantee != g || !privileges.iter().any(|p| p == "ALL" || x.privileges.contains(p)));
        }
    }
}

/// Does the role exist: the session user, a predefined `pg_*` role of PostgreSQL 17, or one
/// the migrations created?
pub fn role_exists(ctx: &Ctx<'_>, role: &str) -> bool {
    role == crate::session::SESSION_USER
        || crate::catalog_query::tables::BUILTIN_ROLES.contains(&role)
        || ctx.catalog.roles.contains_key(role)
}

/// The role a RoleSpec names (`CURRENT_USER`/`SESSION_USER`/`CURRENT_ROLE` are the session user).
fn role_spec_name(spec: &protobuf::RoleSpec) -> Option<String> {
    use protobuf::RoleSpecType as T;
    match T::try_from(spec.roletype).unwrap_or(T::Undefined) {
        T::RolespecCstring => Some(spec.rolename.clone()),
        T::RolespecCurrentRole | T::RolespecCurrentUser | T::RolespecSessionUser => {
            Some(crate::session::SESSION_USER.to_string())
        }
        _ => None,
    }
}

fn undefined_role(role: &str) -> PgError {
    PgError::new("42704", format!("role \"{role}\" does not exist"))
}

/// Is `role` a member of `of`, directly or through other roles?
fn is_member_of(ctx: &Ctx<'_>, role: &str, of: &str) -> bool {
    let mut stack = vec![role.to_string()];
    let mut seen = Vec::new();
    while let Some(r) = stack.pop() {
        if r == of {
            return true;
        }
        if seen.contains(&r) {
            continue;
        }
        if let Some(found) = ctx.catalog.roles.get(&r) {
            stack.extend(found.member_of.iter().cloned());
        }
        seen.push(r);
    }
    false
}

/// `GRANT role TO member` / `REVOKE role FROM member`: both roles must exist (42704); a grant
/// that would make a role a member of itself is refused (0LP01); granting an existing
/// membership is a NOTICE, revoking a missing one a WARNING. Memberships are recorded on the
/// member.
pub fn grant_role(ctx: &mut Ctx<'_>, stmt: &protobuf::GrantRoleStmt) -> PgResult<()> {
    let names = |list: &[protobuf::Node]| -> Vec<String> {
        list.iter()
            .filter_map(|n| match n.node.as_ref() {
                Some(NodeEnum::AccessPriv(a)) => Some(a.priv_name.clone()),
                Some(NodeEnum::RoleSpec(r)) => role_spec_name(r),
                _ => None,
            })
            .collect()
    };
    let granted = names(&stmt.granted_roles);
    let members = names(&stmt.grantee_roles);
    for r in granted.iter().chain(&members) {
        if !role_exists(ctx, r) {
            return Err(undefined_role(r));
        }
    }
    let grantor = crate::session::SESSION_USER;
    for member in &members {
        for role in &granted {
            let already = ctx.catalog.roles.get(member).is_some_and(|m| m.member_of.contains(role));
            if stmt.is_grant {
                if member == role || is_member_of(ctx, role, member) {
                    return Err(PgError::new("0LP01", format!("role \"{role}\" is a member of role \"{member}\"")));
                }
                if already {
                    ctx.notice(format!(
                        "role \"{member}\" has already been granted membership in role \"{role}\" by role \"{grantor}\""
                    ));
                } else if let Some(m) = ctx.catalog.roles.get_mut(member) {
                    m.member_of.push(role.clone());
                }
            } else if already {
                if let Some(m) = ctx.catalog.roles.get_mut(member) {
                    m.member_of.retain(|x| x != role);
                }
            } else {
                ctx.effects.notices.push(crate::error::Notice::warning(format!(
                    "role \"{member}\" has not been granted membership in role \"{role}\" by role \"{grantor}\""
                )));
            }
        }
    }
    Ok(())
}

/// `ALTER ROLE name [WITH] options`: the role must exist; LOGIN and SUPERUSER are recorded.
pub fn alter_role(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterRoleStmt) -> PgResult<()> {
    let Some(name) = stmt.role.as_ref().and_then(role_spec_name) else {
        return Ok(());
    };
    if !role_exists(ctx, &name) {
        return Err(undefined_role(&name));
    }
    if let Some(role) = ctx.catalog.roles.get_mut(&name) {
        for o in &stmt.options {
            if let Some(NodeEnum::DefElem(d)) = o.node.as_ref() {
                let on =
                    matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval);
                match d.defname.as_str() {
                    "canlogin" => role.login = on,
                    "superuser" => role.superuser = on,
                    _ => {}
                }
            }
        }
    }
    Ok(())
}

/// `ALTER ROLE name [IN DATABASE db] SET/RESET ...`: the role must exist (not `ALL`); the
/// per-role settings only apply to later sessions, which the replay does not open.
pub fn alter_role_set(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterRoleSetStmt) -> PgResult<()> {
    match stmt.role.as_ref().and_then(role_spec_name) {
        Some(name) if !role_exists(ctx, &name) => Err(undefined_role(&name)),
        _ => Ok(()),
    }
}

/// `DROP ROLE [IF EXISTS] name, ...`: a missing role is 42704 (a NOTICE with IF EXISTS); a role
/// that owns objects or holds privileges or is named by policies cannot be dropped (2BP01,
/// with DETAIL lines naming them).
pub fn drop_role(ctx: &mut Ctx<'_>, stmt: &protobuf::DropRoleStmt) -> PgResult<()> {
    let mut names = Vec::new();
    for r in &stmt.roles {
        let Some(NodeEnum::RoleSpec(spec)) = r.node.as_ref() else { continue };
        let Some(name) = role_spec_name(spec) else { continue };
        if !ctx.catalog.roles.contains_key(&name) {
            if name == crate::session::SESSION_USER {
                return Err(PgError::new("55006", "current user cannot be dropped"));
            }
            if role_exists(ctx, &name) {
                return Err(PgError::new("42939", format!("cannot drop role {name} because it is reserved")));
            }
            if stmt.missing_ok {
                ctx.notice(format!("role \"{name}\" does not exist, skipping"));
                continue;
            }
            return Err(undefined_role(&name));
        }
        names.push(name);
    }
    for name in &names {
        let details = role_dependents(ctx, name);
        if !details.is_empty() {
            return Err(PgError::new(
                "2BP01",
                format!("role \"{name}\" cannot be dropped because some objects depend on it"),
            )
            .with_detail(details.join("\n")));
        }
    }
    for name in &names {
        ctx.catalog.roles.remove(name);
        let members: Vec<String> =
            ctx.catalog.roles.values().filter(|r| r.member_of.contains(name)).map(|r| r.name.clone()).collect();
        for m in members {
            if let Some(role) = ctx.catalog.roles.get_mut(&m) {
                role.member_of.retain(|x| x != name);
            }
        }
    }
    Ok(())
}

/// What keeps a role from being dropped: objects it owns, privileges granted to it, policies
/// naming it (pg_shdepend), in PostgreSQL's wording.
fn role_dependents(ctx: &Ctx<'_>, role: &str) -> Vec<String> {
    use crate::deps::{describe, Obj};
    let c = &ctx.catalog;
    let mut out = Vec::new();
    let granted = |grants: &[Grant]| grants.iter().any(|g| g.grantee == role);
    let mut check = |obj: Obj, owner: &Option<String>, grants: &[Grant]| {
        if owner.as_deref() == Some(role) {
            out.push(format!("owner of {}", describe(c, &obj)));
        }
        if granted(grants) {
            out.push(format!("privileges for {}", describe(c, &obj)));
        }
    };
    let mut schemas: Vec<_> = c.schemas.values().collect();
    schemas.sort_by_key(|s| s.seq);
    for s in schemas {
        check(Obj::Schema(s.name.clone()), &s.owner, &s.grants);
    }
    let mut relations: Vec<_> = c.relations.values().collect();
    relations.sort_by_key(|r| r.seq());
    for r in relations {
        match r {
            Relation::Table(t) => check(Obj::Relation(t.name.clone()), &t.owner, &t.grants),
            Relation::View(v) => check(Obj::Relation(v.name.clone()), &v.owner, &v.grants),
            Relation::Sequence(s) => check(Obj::Relation(s.name.clone()), &None, &s.grants),
            Relation::Index(_) => {}
        }
    }
    let mut types: Vec<_> = c.types.values().collect();
    types.sort_by_key(|t| t.seq);
    for t in types {
        check(Obj::Type(t.name.clone()), &t.owner, &t.grants);
    }
    let mut functions: Vec<_> = c.functions.values().collect();
    functions.sort_by_key(|f| f.seq);
    for f in functions {
        check(Obj::Function(f.key.clone()), &f.owner, &f.grants);
    }
    let mut relations: Vec<_> = c.relations.values().collect();
    relations.sort_by_key(|r| r.seq());
    for r in relations {
        if let Relation::Table(t) = r {
            for p in t.policies.iter().filter(|p| p.roles.iter().any(|x| x == role)) {
                out.push(format!("target of {}", describe(c, &Obj::Policy(t.name.clone(), p.name.clone()))));
            }
        }
    }
    out
}

/// `SET ROLE name` / `SET ROLE NONE` / `RESET ROLE`: the role must exist (22023). The
/// simulation keeps running as the session user: privileges are not checked.
pub fn set_role(ctx: &mut Ctx<'_>, stmt: &protobuf::VariableSetStmt) -> PgResult<()> {
    for a in &stmt.args {
        if let Some(NodeEnum::AConst(c)) = a.node.as_ref() {
            if let Some(protobuf::a_const::Val::Sval(s)) = &c.val {
                if s.sval != "none" && !role_exists(ctx, &s.sval) {
                    return Err(PgError::new("22023", format!("role \"{}\" does not exist", s.sval)));
                }
            }
        }
    }
    Ok(())
}
