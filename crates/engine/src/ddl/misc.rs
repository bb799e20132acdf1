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
                Some(if r.roletype == 4 { "PUBLIC".to_string() } else { r.rolename.clone() })
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
