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
        rename_enum_label(ctx, &qn, &stmt.old_val, &stmt.new_val);
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

/// `ALTER TYPE ... RENAME VALUE old TO new`: PostgreSQL stores enum constants by OID, so every
/// stored expression holding the label shows the new one. Here the label is rewritten where
/// its type is known to be the enum: a column default of the enum's type, a cast to the enum,
/// and a literal compared with (or IN a list against) a column of the enum's type.
fn rename_enum_label(ctx: &mut Ctx<'_>, enum_name: &QualName, old: &str, new: &str) {
    use schemasim_catalog::Relation;
    let enum_text = enum_name.to_string();
    let is_enum = |type_text: &str| type_text.trim_end_matches("[]") == enum_text;
    let keys: Vec<QualName> = ctx.catalog.relations.keys().cloned().collect();
    for k in keys {
        let Some(rel) = ctx.catalog.relations.get(&k).cloned() else { continue };
        match rel {
            Relation::Table(mut t) => {
                let types: Vec<(String, String)> =
                    t.columns.iter().map(|c| (c.name.clone(), c.type_name.clone())).collect();
                let column_type = |cr: &serde_json::Value| -> Option<String> {
                    let name = last_field(cr)?;
                    types.iter().find(|(n, _)| *n == name).map(|(_, t)| t.clone())
                };
                let fix = |text: &str, whole_is_enum: bool| {
                    relabel(text, enum_name, old, new, whole_is_enum, &is_enum, &column_type)
                };
                for c in &mut t.columns {
                    let whole = is_enum(&c.type_name);
                    c.default = c.default.as_deref().map(|d| fix(d, whole));
                    c.generated = c.generated.as_deref().map(|g| fix(g, false));
                }
                for con in &mut t.constraints {
                    if let schemasim_catalog::ConstraintKind::Check { expr } = &mut con.kind {
                        *expr = fix(expr, false);
                    }
                }
                for p in &mut t.policies {
                    p.using = p.using.as_deref().map(|e| fix(e, false));
                    p.with_check = p.with_check.as_deref().map(|e| fix(e, false));
                }
                ctx.catalog.relations.insert(k, Relation::Table(t));
            }
            Relation::Index(mut i) => {
                let types: Vec<(String, String)> = ctx
                    .catalog
                    .table(&i.table)
                    .map(|t| t.columns.iter().map(|c| (c.name.clone(), c.type_name.clone())).collect())
                    .unwrap_or_default();
                let column_type = |cr: &serde_json::Value| -> Option<String> {
                    let name = last_field(cr)?;
                    types.iter().find(|(n, _)| *n == name).map(|(_, t)| t.clone())
                };
                i.predicate =
                    i.predicate.as_deref().map(|p| relabel(p, enum_name, old, new, false, &is_enum, &column_type));
                for e in &mut i.elements {
                    *e = relabel(e, enum_name, old, new, false, &is_enum, &column_type);
                }
                ctx.catalog.relations.insert(k, Relation::Index(i));
            }
            Relation::View(mut v) => {
                let Ok(analysis) = super::query::analyze(&ctx.catalog, &[], &v.query) else { continue };
                let types: Vec<(usize, String)> = analysis
                    .column_uses
                    .iter()
                    .filter_map(|u| {
                        let t = match ctx.catalog.relations.get(&u.table) {
                            Some(Relation::Table(t)) => t.column(&u.column).map(|c| c.type_name.clone()),
                            _ => None,
                        }?;
                        Some((u.location, t))
                    })
                    .collect();
                let column_type = |cr: &serde_json::Value| -> Option<String> {
                    let loc = cr.get("location").and_then(|l| l.as_u64())? as usize;
                    types.iter().find(|(l, _)| *l == loc).map(|(_, t)| t.clone())
                };
                v.query = relabel_query(&v.query, enum_name, old, new, &is_enum, &column_type);
                ctx.catalog.relations.insert(k, Relation::View(v));
            }
            Relation::Sequence(_) => {}
        }
    }
    let type_keys: Vec<QualName> = ctx.catalog.types.keys().cloned().collect();
    for k in type_keys {
        if let Some(t) = ctx.catalog.types.get_mut(&k) {
            if let TypeKind::Domain(d) = &mut t.kind {
                if is_enum(&d.base_type) {
                    let none = |_: &serde_json::Value| None;
                    d.default = d.default.as_deref().map(|e| relabel(e, enum_name, old, new, true, &is_enum, &none));
                }
            }
        }
    }
}

fn last_field(cr: &serde_json::Value) -> Option<String> {
    cr.get("fields")?
        .as_array()?
        .iter()
        .filter_map(|f| f.pointer("/node/String/sval").and_then(|s| s.as_str()))
        .next_back()
        .map(str::to_string)
}

/// Relabels an expression stored as text (parsed as `SELECT <expr>`).
fn relabel(
    text: &str,
    enum_name: &QualName,
    old: &str,
    new: &str,
    whole_is_enum: bool,
    is_enum: &dyn Fn(&str) -> bool,
    column_type: &dyn Fn(&serde_json::Value) -> Option<String>,
) -> String {
    let wrapped = format!("SELECT {text}");
    let out = relabel_query(&wrapped, enum_name, old, new, is_enum, column_type);
    let mut out = out.strip_prefix("SELECT ").map(str::to_string).unwrap_or(out);
    if whole_is_enum && crate::expr::parse_expr(&out).is_ok_and(|n| is_label(&n_json(&n), old)) {
        out = schemasim_catalog::quote_literal(new);
    }
    out
}

fn n_json(n: &pg_query::protobuf::Node) -> serde_json::Value {
    serde_json::to_value(n).unwrap_or(serde_json::Value::Null)
}

/// Is this node the string constant `label`?
fn is_label(v: &serde_json::Value, label: &str) -> bool {
    v.pointer("/node/AConst/val/Sval/sval").and_then(|s| s.as_str()) == Some(label)
}

fn relabel_query(
    text: &str,
    enum_name: &QualName,
    old: &str,
    new: &str,
    is_enum: &dyn Fn(&str) -> bool,
    column_type: &dyn Fn(&serde_json::Value) -> Option<String>,
) -> String {
    // Cheap test before parsing: a string constant equal to `old` is written in the text as
    // is (quotes doubled) unless escapes or a newline-separated continuation are involved.
    let may_hold = text.contains(old)
        || text.contains(&old.replace('\'', "''"))
        || text.contains(['\\', '\n', '\r'])
        || text.to_ascii_lowercase().contains("u&");
    if !may_hold {
        return text.to_string();
    }
    let Ok(parsed) = pg_query::parse(text) else { return text.to_string() };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else { return text.to_string() };
    let mut locations = Vec::new();
    collect_labels(&tree, enum_name, old, is_enum, column_type, &mut locations);
    let edits = locations
        .into_iter()
        .filter_map(|loc| super::query::name_tokens(text, loc).first().copied())
        .map(|(start, end)| super::query::Edit { start, end, text: schemasim_catalog::quote_literal(new) })
        .collect();
    super::query::apply_edits(text, edits)
}

fn collect_labels(
    v: &serde_json::Value,
    enum_name: &QualName,
    old: &str,
    is_enum: &dyn Fn(&str) -> bool,
    column_type: &dyn Fn(&serde_json::Value) -> Option<String>,
    out: &mut Vec<usize>,
) {
    let location = |c: &serde_json::Value| c.pointer("/node/AConst/location").and_then(|l| l.as_u64());
    match v {
        serde_json::Value::Object(map) => {
            if let Some(tc) = map.get("TypeCast") {
                let names: Vec<String> = tc
                    .pointer("/type_name/names")
                    .and_then(|n| n.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.pointer("/node/String/sval").and_then(|s| s.as_str()))
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                let names_enum = match names.as_slice() {
                    [n] => n == &enum_name.name,
                    [s, n] => s == &enum_name.schema && n == &enum_name.name,
                    _ => false,
                };
                if let Some(arg) = tc.get("arg") {
                    if names_enum && is_label(arg, old) {
                        out.extend(location(arg).map(|l| l as usize));
                    }
                }
            }
            if let Some(e) = map.get("A_Expr").or_else(|| map.get("AExpr")) {
                let sides = [e.get("lexpr"), e.get("rexpr")];
                let col_is_enum = |side: Option<&serde_json::Value>| {
                    side.and_then(|s| s.pointer("/node/ColumnRef")).and_then(column_type).is_some_and(|t| is_enum(&t))
                };
                for (col, other) in [(sides[0], sides[1]), (sides[1], sides[0])] {
                    if !col_is_enum(col) {
                        continue;
                    }
                    let Some(other) = other else { continue };
                    let candidates: Vec<serde_json::Value> =
                        match other.pointer("/node/List/items").and_then(|i| i.as_array()) {
                            Some(items) => items.clone(),
                            None => vec![other.clone()],
                        };
                    for c in &candidates {
                        if is_label(c, old) {
                            out.extend(location(c).map(|l| l as usize));
                        }
                    }
                }
            }
            for (_, x) in map {
                collect_labels(x, enum_name, old, is_enum, column_type, out);
            }
        }
        serde_json::Value::Array(items) => {
            for x in items {
                collect_labels(x, enum_name, old, is_enum, column_type, out);
            }
        }
        _ => {}
    }
}
