//! DROP of every object kind, with PostgreSQL's dependency rules: RESTRICT refuses with 2BP01
//! `cannot drop X because other objects depend on it` when a normal dependent exists; CASCADE
//! drops dependents recursively with `drop cascades to ...` NOTICEs.

use crate::deps::{dependents, describe, Obj};
use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use crate::types::name_list;
use pg_query::protobuf::{self, DropBehavior, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{QualName, Relation};

/// Drops `root` and what depends on it; fails without CASCADE when a normal dependent exists.
pub fn drop_object(ctx: &mut Ctx<'_>, root: Obj, cascade: bool) -> PgResult<()> {
    drop_objects(ctx, vec![root], cascade)
}

/// Drops several objects together (`DROP TABLE a, b`): a dependent that is itself being
/// dropped does not block the drop.
pub fn drop_objects(ctx: &mut Ctx<'_>, roots: Vec<Obj>, cascade: bool) -> PgResult<()> {
    for root in &roots {
        internal_index_check(ctx, root)?;
    }
    let mut to_drop: Vec<Obj> = roots.clone();
    let mut cascaded: Vec<Obj> = Vec::new();
    let mut i = 0;
    while i < to_drop.len() {
        let (normal, auto) = dependents(&ctx.catalog, &to_drop[i]);
        for d in normal {
            if to_drop.contains(&d) || covered_by(&to_drop, &d) {
                continue;
            }
            if !cascade {
                // Reported against the root the dependency chain starts from.
                let root = roots.iter().find(|r| dependents(&ctx.catalog, r).0.contains(&d)).unwrap_or(&roots[0]);
                let detail: Vec<String> = dependents(&ctx.catalog, root)
                    .0
                    .iter()
                    .filter(|x| !roots.contains(x) && !covered_by(&roots, x))
                    .map(|x| format!("{} depends on {}", describe(&ctx.catalog, x), describe(&ctx.catalog, root)))
                    .collect();
                let detail = if detail.is_empty() {
                    format!("{} depends on {}", describe(&ctx.catalog, &d), describe(&ctx.catalog, &to_drop[i]))
                } else {
                    detail.join("\n")
                };
                return Err(PgError::new(
                    "2BP01",
                    format!("cannot drop {} because other objects depend on it", describe(&ctx.catalog, root)),
                )
                .with_detail(detail)
                .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
            }
            cascaded.push(d.clone());
            to_drop.push(d);
        }
        for d in auto {
            if !to_drop.contains(&d) {
                to_drop.push(d);
            }
        }
        i += 1;
    }
    match cascaded.len() {
        0 => {}
        1 => ctx.notice(format!("drop cascades to {}", describe(&ctx.catalog, &cascaded[0]))),
        n => ctx.notice(format!("drop cascades to {n} other objects")),
    }
    for obj in to_drop.iter().rev() {
        remove(ctx, obj);
    }
    Ok(())
}

/// An index that implements a constraint is dropped with the constraint only.
fn internal_index_check(ctx: &Ctx<'_>, root: &Obj) -> PgResult<()> {
    if let Obj::Relation(qn) = root {
        if let Some(Relation::Index(i)) = ctx.catalog.relations.get(qn) {
            if let Some(con) =
                i.constraint.as_ref().filter(|c| ctx.catalog.table(&i.table).is_some_and(|t| t.constraint(c).is_some()))
            {
                // The index is internal to its constraint (DEPENDENCY_INTERNAL).
                let owner = describe(&ctx.catalog, &Obj::Constraint(i.table.clone(), con.clone()));
                return Err(PgError::new(
                    "2BP01",
                    format!("cannot drop {} because {owner} requires it", describe(&ctx.catalog, root)),
                )
                .with_hint(format!("You can drop {owner} instead.")));
            }
        }
    }
    Ok(())
}

/// A column of a relation that is itself being dropped needs no separate drop.
fn covered_by(to_drop: &[Obj], obj: &Obj) -> bool {
    match obj {
        Obj::Column(t, _)
        | Obj::Default(t, _)
        | Obj::Constraint(t, _)
        | Obj::Policy(t, _)
        | Obj::Trigger(t, _)
        | Obj::Statistics(t, _) => to_drop.contains(&Obj::Relation(t.clone())),
        _ => false,
    }
}

/// Removes one object from the catalog (its dependents were handled by the caller).
pub fn remove(ctx: &mut Ctx<'_>, obj: &Obj) {
    let catalog = &mut ctx.catalog;
    match obj {
        Obj::Schema(s) => {
            catalog.schemas.remove(s);
        }
        Obj::Relation(qn) => {
            if let Some(Relation::Table(_)) = catalog.relations.get(qn) {
                // The table's index-backed constraints own indexes.
                let owned: Vec<QualName> = catalog.indexes_of(qn).iter().map(|i| i.name.clone()).collect();
                for i in owned {
                    catalog.relations.remove(&i);
                }
            }
            catalog.relations.remove(qn);
        }
        Obj::Column(t, c) => {
            if let Some(table) = catalog.table_mut(t) {
                table.columns.retain(|col| &col.name != c);
            }
        }
        Obj::Default(t, c) => {
            if let Some(col) = catalog.table_mut(t).and_then(|tb| tb.column_mut(c)) {
                col.default = None;
            }
        }
        Obj::Constraint(t, c) => {
            let index = catalog.table(t).and_then(|tb| tb.constraint(c)).and_then(|con| match &con.kind {
                schemasim_catalog::ConstraintKind::PrimaryKey { index, .. }
                | schemasim_catalog::ConstraintKind::Unique { index, .. }
                | schemasim_catalog::ConstraintKind::Exclude { index, .. } => Some(index.clone()),
                _ => None,
            });
            if let Some(i) = index {
                catalog.relations.remove(&QualName::new(t.schema.clone(), i));
            }
            if let Some(table) = catalog.table_mut(t) {
                table.constraints.retain(|con| &con.name != c);
            }
        }
        Obj::Policy(t, p) => {
            if let Some(table) = catalog.table_mut(t) {
                table.policies.retain(|pol| &pol.name != p);
            }
        }
        Obj::Trigger(t, tr) => {
            if let Some(table) = catalog.table_mut(t) {
                table.triggers.retain(|x| &x.name != tr);
            }
        }
        Obj::Type(qn) => {
            catalog.types.remove(qn);
        }
        Obj::Function(k) => {
            catalog.functions.remove(k);
        }
        Obj::Extension(e) => {
            catalog.extensions.remove(e);
        }
        Obj::Statistics(t, s) => {
            if let Some(table) = catalog.table_mut(t) {
                table.ext_statistics.retain(|x| &x.name != s);
            }
        }
    }
}

/// `DROP TABLE/VIEW/INDEX/SEQUENCE/TYPE/DOMAIN/FUNCTION/SCHEMA/EXTENSION/POLICY/TRIGGER ...`.
pub fn drop_stmt(ctx: &mut Ctx<'_>, stmt: &protobuf::DropStmt) -> PgResult<()> {
    let kind = ObjectType::try_from(stmt.remove_type).unwrap_or(ObjectType::Undefined);
    let cascade = DropBehavior::try_from(stmt.behavior) == Ok(DropBehavior::DropCascade);
    if stmt.concurrent && ctx.in_block {
        return Err(PgError::new("25001", "DROP INDEX CONCURRENTLY cannot run inside a transaction block"));
    }
    // PostgreSQL resolves every name first, then drops them together.
    let mut roots = Vec::new();
    for object in &stmt.objects {
        if let Some(obj) = resolve(ctx, kind, object, stmt.missing_ok)? {
            roots.push(obj);
        }
    }
    let roots: Vec<Obj> = roots.into_iter().filter(|r| still_exists(ctx, r)).collect();
    if roots.is_empty() {
        return Ok(());
    }
    drop_objects(ctx, roots, cascade)
}

fn still_exists(ctx: &Ctx<'_>, obj: &Obj) -> bool {
    let c = &ctx.catalog;
    match obj {
        Obj::Relation(qn) => c.relations.contains_key(qn),
        Obj::Type(qn) => c.types.contains_key(qn),
        Obj::Function(k) => c.functions.contains_key(k),
        Obj::Schema(s) => c.schemas.contains_key(s),
        Obj::Extension(e) => c.extensions.contains_key(e),
        _ => true,
    }
}

fn noun(kind: ObjectType) -> &'static str {
    match kind {
        ObjectType::ObjectTable => "table",
        ObjectType::ObjectView => "view",
        ObjectType::ObjectMatview => "materialized view",
        ObjectType::ObjectIndex => "index",
        ObjectType::ObjectSequence => "sequence",
        ObjectType::ObjectForeignTable => "foreign table",
        _ => "relation",
    }
}

fn expected_kind(kind: ObjectType, rel: &Relation) -> bool {
    match (kind, rel) {
        (ObjectType::ObjectTable, Relation::Table(_)) => true,
        (ObjectType::ObjectView, Relation::View(v)) => !v.materialized,
        (ObjectType::ObjectMatview, Relation::View(v)) => v.materialized,
        (ObjectType::ObjectIndex, Relation::Index(_)) => true,
        (ObjectType::ObjectSequence, Relation::Sequence(_)) => true,
        _ => false,
    }
}

/// Resolves one name of a DROP; `None` when it is missing and IF EXISTS was given (after the
/// NOTICE PostgreSQL prints).
fn resolve(ctx: &mut Ctx<'_>, kind: ObjectType, object: &protobuf::Node, missing_ok: bool) -> PgResult<Option<Obj>> {
    match kind {
        ObjectType::ObjectTable
        | ObjectType::ObjectView
        | ObjectType::ObjectMatview
        | ObjectType::ObjectIndex
        | ObjectType::ObjectSequence
        | ObjectType::ObjectForeignTable => {
            let names = match object.node.as_ref() {
                Some(NodeEnum::List(l)) => name_list(&l.items),
                _ => Vec::new(),
            };
            let (schema, name) = split_name(&names);
            let written = names.join(".");
            let missing = |ctx: &mut Ctx<'_>| -> PgResult<Option<Obj>> {
                if missing_ok {
                    ctx.notice(format!("{} \"{}\" does not exist, skipping", noun(kind), written));
                    Ok(None)
                } else {
                    Err(PgError::new("42P01", format!("{} \"{}\" does not exist", noun(kind), written)))
                }
            };
            if !schema.is_empty() && !ctx.catalog.schemas.contains_key(&schema) {
                if missing_ok {
                    ctx.notice(format!("schema \"{schema}\" does not exist, skipping"));
                    return Ok(None);
                }
                return Err(PgError::undefined_schema(&schema));
            }
            let Some(qn) = ctx.lookup_relation(&schema, &name)? else {
                return missing(ctx);
            };
            let rel = ctx.catalog.relations.get(&qn).cloned();
            match rel {
                Some(r) if expected_kind(kind, &r) => Ok(Some(Obj::Relation(qn))),
                Some(r) => {
                    let hint = format!(
                        "Use DROP {} to remove {} {}.",
                        r.kind_noun().to_uppercase(),
                        article(r.kind_noun()),
                        r.kind_noun()
                    );
                    Err(PgError::new("42809", format!("\"{name}\" is not {} {}", article(noun(kind)), noun(kind)))
                        .with_hint(hint))
                }
                None => missing(ctx),
            }
        }
        ObjectType::ObjectType | ObjectType::ObjectDomain => {
            let names = match object.node.as_ref() {
                Some(NodeEnum::TypeName(t)) => name_list(&t.names),
                Some(NodeEnum::List(l)) => name_list(&l.items),
                _ => Vec::new(),
            };
            let written = names.join(".");
            match super::types::resolve_type_name(ctx, &names) {
                Ok(qn) if ctx.catalog.types.contains_key(&qn) => Ok(Some(Obj::Type(qn))),
                Ok(qn) if ctx.catalog.relations.contains_key(&qn) => {
                    Err(PgError::wrong_object_type(&written, "a type").with_hint("Use DROP TABLE to remove a table."))
                }
                _ if missing_ok => {
                    ctx.notice(format!("type \"{written}\" does not exist, skipping"));
                    Ok(None)
                }
                _ => Err(PgError::undefined_type(&written)),
            }
        }
        ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
            let Some(NodeEnum::ObjectWithArgs(owa)) = object.node.as_ref() else {
                return Ok(None);
            };
            match super::function::resolve_function(ctx, owa, kind)? {
                Some(k) => Ok(Some(Obj::Function(k))),
                None if missing_ok => {
                    let what = if kind == ObjectType::ObjectProcedure { "procedure" } else { "function" };
                    ctx.notice(format!(
                        "{what} {} does not exist, skipping",
                        super::function::written_signature(ctx, owa)
                    ));
                    Ok(None)
                }
                None => Err(super::function::undefined_function(ctx, owa, kind)),
            }
        }
        ObjectType::ObjectSchema => {
            let name = match object.node.as_ref() {
                Some(NodeEnum::String(s)) => s.sval.clone(),
                _ => String::new(),
            };
            if ctx.catalog.schemas.contains_key(&name) {
                Ok(Some(Obj::Schema(name)))
            } else if missing_ok {
                ctx.notice(format!("schema \"{name}\" does not exist, skipping"));
                Ok(None)
            } else {
                Err(PgError::undefined_schema(&name))
            }
        }
        ObjectType::ObjectExtension => {
            let name = match object.node.as_ref() {
                Some(NodeEnum::String(s)) => s.sval.clone(),
                _ => String::new(),
            };
            if ctx.catalog.extensions.contains_key(&name) {
                Ok(Some(Obj::Extension(name)))
            } else if missing_ok {
                ctx.notice(format!("extension \"{name}\" does not exist, skipping"));
                Ok(None)
            } else {
                Err(PgError::new("42704", format!("extension \"{name}\" does not exist")))
            }
        }
        ObjectType::ObjectStatisticExt => {
            let names = match object.node.as_ref() {
                Some(NodeEnum::List(l)) => name_list(&l.items),
                _ => Vec::new(),
            };
            Ok(super::statistics::resolve_for_drop(ctx, &names, missing_ok)?.map(|(t, s)| Obj::Statistics(t, s)))
        }
        ObjectType::ObjectPolicy | ObjectType::ObjectTrigger | ObjectType::ObjectRule => {
            let names = match object.node.as_ref() {
                Some(NodeEnum::List(l)) => name_list(&l.items),
                _ => Vec::new(),
            };
            let Some((member, table_parts)) = names.split_last() else {
                return Ok(None);
            };
            let (schema, table) = split_name(table_parts);
            let what = match kind {
                ObjectType::ObjectPolicy => "policy",
                ObjectType::ObjectTrigger => "trigger",
                _ => "rule",
            };
            let Some(qn) = ctx.lookup_relation(&schema, &table)? else {
                if missing_ok {
                    ctx.notice(format!("relation \"{}\" does not exist, skipping", table_parts.join(".")));
                    return Ok(None);
                }
                return Err(PgError::undefined_table(&table_parts.join(".")));
            };
            let exists = ctx.catalog.table(&qn).is_some_and(|t| match kind {
                ObjectType::ObjectPolicy => t.policies.iter().any(|p| &p.name == member),
                ObjectType::ObjectTrigger => t.triggers.iter().any(|p| &p.name == member),
                _ => false,
            });
            if exists {
                Ok(Some(if kind == ObjectType::ObjectPolicy {
                    Obj::Policy(qn, member.clone())
                } else {
                    Obj::Trigger(qn, member.clone())
                }))
            } else if missing_ok {
                ctx.notice(format!("{what} \"{member}\" for relation \"{table}\" does not exist, skipping"));
                Ok(None)
            } else {
                Err(PgError::new("42704", format!("{what} \"{member}\" for table \"{table}\" does not exist")))
            }
        }
        other => {
            ctx.not_simulated(format!("DROP of {} is not simulated", other.as_str_name()));
            Ok(None)
        }
    }
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// `[schema, name]` or `[name]` (a leading catalog name is ignored).
pub fn split_name(names: &[String]) -> (String, String) {
    match names {
        [name] => (String::new(), name.clone()),
        [schema, name] | [_, schema, name] => (schema.clone(), name.clone()),
        _ => (String::new(), String::new()),
    }
}
