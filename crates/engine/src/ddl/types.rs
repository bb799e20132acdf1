//! CREATE TYPE (enum, composite, range), CREATE DOMAIN, ALTER TYPE ... ADD/RENAME VALUE.
//! A new enum value cannot be used before its transaction commits (55P04); the session tracks
//! values added in the open block.

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::session::Ctx;
use crate::types::{format_type, name_list};
use pg_query::protobuf;
use pg_query::NodeEnum;
use schemasim_catalog::{Domain, QualName, TypeDef, TypeKind};

/// Resolves a (possibly qualified) type name to the catalog entry it names: a user type, or a
/// relation's row type. Errors like PostgreSQL when it does not exist.
pub fn resolve_type_name(ctx: &Ctx<'_>, names: &[String]) -> PgResult<QualName> {
    let (schema, name) = super::drop::split_name(names);
    if !schema.is_empty() {
        if !ctx.catalog.schemas.contains_key(&schema) {
            return Err(PgError::undefined_schema(&schema));
        }
        let qn = QualName::new(schema, name);
        return if ctx.catalog.type_name_taken(&qn) { Ok(qn) } else { Err(PgError::undefined_type(&names.join("."))) };
    }
    ctx.search_path_schemas()
        .into_iter()
        .map(|s| QualName::new(s, name.clone()))
        .find(|qn| ctx.catalog.type_name_taken(qn))
        .ok_or_else(|| PgError::undefined_type(&names.join(".")))
}

fn new_type_name(ctx: &Ctx<'_>, names: &[String]) -> PgResult<QualName> {
    let (schema, name) = super::drop::split_name(names);
    let schema = ctx.creation_schema(&schema)?;
    let qn = QualName::new(schema, name);
    if ctx.catalog.type_name_taken(&qn) {
        return Err(PgError::new("42710", format!("type \"{}\" already exists", qn.name)));
    }
    Ok(qn)
}

fn insert_type(ctx: &mut Ctx<'_>, name: QualName, kind: TypeKind) {
    let seq = ctx.catalog.allocate_seq();
    ctx.catalog.types.insert(name.clone(), TypeDef { name, seq, kind, comment: None, owner: None, grants: Vec::new() });
}

/// `CREATE TYPE name AS ENUM (...)`.
pub fn create_enum(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateEnumStmt) -> PgResult<()> {
    let qn = new_type_name(ctx, &name_list(&stmt.type_name))?;
    let values = name_list(&stmt.vals);
    for (i, v) in values.iter().enumerate() {
        if values[..i].contains(v) {
            return Err(PgError::new("42710", format!("enum label \"{v}\" used more than once")));
        }
    }
    insert_type(ctx, qn, TypeKind::Enum { values });
    Ok(())
}

/// `CREATE TYPE name AS (attr type, ...)`.
pub fn create_composite(ctx: &mut Ctx<'_>, stmt: &protobuf::CompositeTypeStmt) -> PgResult<()> {
    let rv = stmt.typevar.as_ref().ok_or_else(|| PgError::new("42601", "missing type name"))?;
    let mut names = Vec::new();
    if !rv.schemaname.is_empty() {
        names.push(rv.schemaname.clone());
    }
    names.push(rv.relname.clone());
    let qn = new_type_name(ctx, &names)?;
    if ctx.catalog.relations.contains_key(&qn) {
        return Err(PgError::duplicate_relation(&qn.name));
    }
    let mut attributes = Vec::new();
    for c in &stmt.coldeflist {
        if let Some(NodeEnum::ColumnDef(def)) = c.node.as_ref() {
            let t = def.type_name.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
            attributes.push((def.colname.clone(), format_type(ctx, t)?));
        }
    }
    insert_type(ctx, qn, TypeKind::Composite { attributes });
    Ok(())
}

/// `CREATE TYPE name AS RANGE (subtype = ...)`.
pub fn create_range(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateRangeStmt) -> PgResult<()> {
    let qn = new_type_name(ctx, &name_list(&stmt.type_name))?;
    let mut subtype = String::new();
    let mut options = Vec::new();
    for p in &stmt.params {
        if let Some(NodeEnum::DefElem(d)) = p.node.as_ref() {
            if let Some(NodeEnum::TypeName(t)) = d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                let text = format_type(ctx, t)?;
                if d.defname == "subtype" {
                    subtype = text;
                } else {
                    options.push(format!("{} = {text}", d.defname));
                }
            }
        }
    }
    insert_type(ctx, qn, TypeKind::Range { subtype, options });
    Ok(())
}

/// `CREATE DOMAIN name AS type [DEFAULT] [NOT NULL] [CHECK (...)]`; unnamed checks are
/// `<domain>_check`.
pub fn create_domain(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateDomainStmt) -> PgResult<()> {
    let qn = new_type_name(ctx, &name_list(&stmt.domainname))?;
    let t = stmt.type_name.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
    let mut domain =
        Domain { base_type: format_type(ctx, t)?, not_null: false, default: None, collation: None, checks: Vec::new() };
    if let Some(c) = &stmt.coll_clause {
        domain.collation = Some(name_list(&c.collname).join("."));
    }
    for c in &stmt.constraints {
        let Some(NodeEnum::Constraint(con)) = c.node.as_ref() else {
            continue;
        };
        match protobuf::ConstrType::try_from(con.contype) {
            Ok(protobuf::ConstrType::ConstrNotnull) => domain.not_null = true,
            Ok(protobuf::ConstrType::ConstrDefault) => {
                domain.default = con.raw_expr.as_ref().map(|e| expr::deparse_expr(e)).transpose()?
            }
            Ok(protobuf::ConstrType::ConstrCheck) => {
                let text = con.raw_expr.as_ref().map(|e| expr::deparse_expr(e)).transpose()?.unwrap_or_default();
                let name = if con.conname.is_empty() {
                    let taken: Vec<String> = domain.checks.iter().map(|(n, _)| n.clone()).collect();
                    crate::naming::choose_constraint_name(&ctx.catalog, &qn.schema, &qn.name, None, "check", &taken)
                } else {
                    con.conname.clone()
                };
                domain.checks.push((name, text));
            }
            _ => {}
        }
    }
    insert_type(ctx, qn, TypeKind::Domain(domain));
    Ok(())
}

/// `ALTER TYPE ... ADD VALUE [IF NOT EXISTS] ... [BEFORE|AFTER]` and `RENAME VALUE`.
pub fn alter_enum(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterEnumStmt) -> PgResult<()> {
    let names = name_list(&stmt.type_name);
    let qn = resolve_type_name(ctx, &names)?;
    let Some(TypeKind::Enum { values }) = ctx.catalog.types.get(&qn).map(|t| t.kind.clone()) else {
        return Err(PgError::wrong_object_type(&names.join("."), "an enum"));
    };
    let mut values = values;
    if !stmt.old_val.is_empty() {
        let Some(pos) = values.iter().position(|v| v == &stmt.old_val) else {
            return Err(PgError::new("22023", format!("\"{}\" is not an existing enum label", stmt.old_val)));
        };
        if values.contains(&stmt.new_val) {
            return Err(PgError::new("42710", format!("enum label \"{}\" already exists", stmt.new_val)));
        }
        values[pos] = stmt.new_val.clone();
    } else {
        if values.contains(&stmt.new_val) {
            if stmt.skip_if_new_val_exists {
                ctx.notice(format!("enum label \"{}\" already exists, skipping", stmt.new_val));
                return Ok(());
            }
            return Err(PgError::new("42710", format!("enum label \"{}\" already exists", stmt.new_val)));
        }
        let pos = if stmt.new_val_neighbor.is_empty() {
            values.len()
        } else {
            match values.iter().position(|v| v == &stmt.new_val_neighbor) {
                Some(p) if stmt.new_val_is_after => p + 1,
                Some(p) => p,
                None => {
                    return Err(PgError::new(
                        "22023",
                        format!("\"{}\" is not an existing enum label", stmt.new_val_neighbor),
                    ))
                }
            }
        };
        values.insert(pos, stmt.new_val.clone());
        ctx.new_enum_values.push((qn.clone(), stmt.new_val.clone()));
    }
    if let Some(t) = ctx.catalog.types.get_mut(&qn) {
        t.kind = TypeKind::Enum { values };
    }
    Ok(())
}
