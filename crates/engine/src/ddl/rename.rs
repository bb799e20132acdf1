//! ALTER ... RENAME. PostgreSQL stores expressions by OID, so a rename shows up everywhere the
//! object is used; here the stored SQL text is rewritten (columns in constraints, indexes,
//! policies and views; tables in foreign keys, views and triggers).

use crate::error::{PgError, PgResult};
use crate::expr::rename_identifier;
use crate::session::{written, Ctx};
use crate::types::name_list;
use pg_query::protobuf::{self, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{ConstraintKind, QualName, Relation};

fn rename_in_list(list: &mut [String], old: &str, new: &str) {
    for x in list.iter_mut() {
        if x == old {
            *x = new.to_string();
        }
    }
}

/// `ALTER ... RENAME [COLUMN|CONSTRAINT] ... TO ...`.
pub fn rename(ctx: &mut Ctx<'_>, stmt: &protobuf::RenameStmt) -> PgResult<()> {
    let kind = ObjectType::try_from(stmt.rename_type).unwrap_or(ObjectType::Undefined);
    match kind {
        ObjectType::ObjectTable
        | ObjectType::ObjectView
        | ObjectType::ObjectMatview
        | ObjectType::ObjectIndex
        | ObjectType::ObjectSequence => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing name"))?;
            let Some(qn) = ctx.lookup_relation(&rv.schemaname, &rv.relname)? else {
                if stmt.missing_ok {
                    ctx.notice(format!("relation \"{}\" does not exist, skipping", written(rv)));
                    return Ok(());
                }
                return Err(PgError::undefined_table(&written(rv)));
            };
            rename_relation(ctx, &qn, &stmt.newname)
        }
        ObjectType::ObjectColumn => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing name"))?;
            let Some(qn) = ctx.lookup_relation(&rv.schemaname, &rv.relname)? else {
                if stmt.missing_ok {
                    ctx.notice(format!("relation \"{}\" does not exist, skipping", written(rv)));
                    return Ok(());
                }
                return Err(PgError::undefined_table(&written(rv)));
            };
            // renameatt_internal: without ONLY, the inherited column is renamed in every
            // descendant too; it cannot be renamed in a child alone.
            let (old, new) = (&stmt.subname, &stmt.newname);
            if let Some(t) = ctx.catalog.table(&qn) {
                if t.of_type.is_some() {
                    return Err(PgError::new("42809", "cannot rename column of typed table"));
                }
                if !rv.inh && !super::inherit::direct_children(ctx, &qn).is_empty() {
                    return Err(PgError::new(
                        "42P16",
                        format!("inherited column \"{old}\" must be renamed in child tables too"),
                    ));
                }
                if t.column(old).is_some_and(|c| c.inherited) {
                    return Err(PgError::new("42P16", format!("cannot rename inherited column \"{old}\"")));
                }
            }
            let descendants = if rv.inh { super::inherit::descendants(ctx, &qn) } else { Vec::new() };
            rename_column(ctx, &qn, old, new)?;
            for d in descendants {
                if ctx.catalog.table(&d).and_then(|t| t.column(old)).is_some_and(|c| c.inherited) {
                    rename_column(ctx, &d, old, new)?;
                }
            }
            Ok(())
        }
        ObjectType::ObjectTabconstraint => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing name"))?;
            let qn = ctx.resolve_table(rv)?;
            let (old, new) = (&stmt.subname, &stmt.newname);
            let t = ctx.table(&qn)?;
            // rename_constraint_internal: an inheritable CHECK is renamed along the hierarchy.
            let inheritable_check =
                t.constraint(old).is_some_and(|c| matches!(c.kind, ConstraintKind::Check { .. }) && !c.no_inherit);
            if inheritable_check {
                if !rv.inh && !super::inherit::direct_children(ctx, &qn).is_empty() {
                    return Err(PgError::new(
                        "42P16",
                        format!("inherited constraint \"{old}\" must be renamed in child tables too"),
                    ));
                }
                if super::inherit::constraint_is_inherited(ctx, t, old) {
                    return Err(PgError::new("42P16", format!("cannot rename inherited constraint \"{old}\"")));
                }
            }
            let descendants =
                if inheritable_check && rv.inh { super::inherit::descendants(ctx, &qn) } else { Vec::new() };
            rename_constraint(ctx, &qn, old, new)?;
            for d in descendants {
                if ctx.catalog.table(&d).is_some_and(|t| t.constraint(old).is_some()) {
                    rename_constraint(ctx, &d, old, new)?;
                }
            }
            Ok(())
        }
        ObjectType::ObjectType | ObjectType::ObjectDomain => {
            let names = match stmt.object.as_deref().and_then(|o| o.node.as_ref()) {
                Some(NodeEnum::List(l)) => name_list(&l.items),
                Some(NodeEnum::TypeName(t)) => name_list(&t.names),
                _ => Vec::new(),
            };
            let qn = super::types::resolve_type_name(ctx, &names)?;
            let new = QualName::new(qn.schema.clone(), stmt.newname.clone());
            if ctx.catalog.type_name_taken(&new) {
                return Err(PgError::new("42710", format!("type \"{}\" already exists", stmt.newname)));
            }
            let Some(mut t) = ctx.catalog.types.remove(&qn) else {
                // A relation's row type: renamed with its relation only.
                return Err(PgError::new("42809", format!("{} is a table's row type", qn.name))
                    .with_hint("Use ALTER TABLE instead."));
            };
            t.name = new.clone();
            ctx.catalog.types.insert(new.clone(), t);
            retype_everywhere(ctx, &qn, &new);
            Ok(())
        }
        ObjectType::ObjectSchema => {
            let old = stmt.subname.clone();
            if !ctx.catalog.schemas.contains_key(&old) {
                return Err(PgError::undefined_schema(&old));
            }
            if ctx.catalog.schemas.contains_key(&stmt.newname) {
                return Err(PgError::new("42P06", format!("schema \"{}\" already exists", stmt.newname)));
            }
            ctx.not_simulated("ALTER SCHEMA RENAME: objects inside keep their old schema name in schemasim");
            if let Some(mut s) = ctx.catalog.schemas.remove(&old) {
                s.name = stmt.newname.clone();
                ctx.catalog.schemas.insert(stmt.newname.clone(), s);
            }
            Ok(())
        }
        ObjectType::ObjectFunction | ObjectType::ObjectProcedure | ObjectType::ObjectRoutine => {
            let Some(NodeEnum::ObjectWithArgs(owa)) = stmt.object.as_deref().and_then(|o| o.node.as_ref()) else {
                return Ok(());
            };
            let key = super::function::resolve_function(ctx, owa, kind)?
                .ok_or_else(|| super::function::undefined_function(ctx, owa, kind))?;
            let mut new_key = key.clone();
            new_key.name.name = stmt.newname.clone();
            if ctx.catalog.functions.contains_key(&new_key) {
                return Err(PgError::new(
                    "42723",
                    format!("function {} already exists in schema \"{}\"", new_key, key.name.schema),
                ));
            }
            let Some(mut f) = ctx.catalog.functions.remove(&key) else {
                return Err(super::function::undefined_function(ctx, owa, kind));
            };
            f.definition = super::function::retarget_definition(&f.definition, &new_key.name)?;
            f.key = new_key.clone();
            rename_function_uses(ctx, &key, &stmt.newname);
            ctx.catalog.functions.insert(new_key, f);
            Ok(())
        }
        ObjectType::ObjectStatisticExt => {
            let names = match stmt.object.as_deref().and_then(|o| o.node.as_ref()) {
                Some(NodeEnum::List(l)) => name_list(&l.items),
                _ => Vec::new(),
            };
            super::statistics::rename(ctx, &names, &stmt.newname)
        }
        ObjectType::ObjectAttribute => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
            let mut names = Vec::new();
            if !rv.schemaname.is_empty() {
                names.push(rv.schemaname.clone());
            }
            names.push(rv.relname.clone());
            let qn = super::types::resolve_type_name(ctx, &names)?;
            let typed = super::alter::typed_tables(ctx, &qn);
            let cascade = protobuf::DropBehavior::try_from(stmt.behavior) == Ok(protobuf::DropBehavior::DropCascade);
            if !typed.is_empty() && !cascade {
                return Err(super::alter::typed_table_dependency(&qn.name));
            }
            for table in &typed {
                if let Some(c) = ctx.catalog.table_mut(table).and_then(|t| t.column_mut(&stmt.subname)) {
                    c.name = stmt.newname.clone();
                }
            }
            let Some(t) = ctx.catalog.types.get_mut(&qn) else {
                return Err(PgError::wrong_object_type(&rv.relname, "a composite type"));
            };
            let schemasim_catalog::TypeKind::Composite { attributes } = &mut t.kind else {
                return Err(PgError::wrong_object_type(&rv.relname, "a composite type"));
            };
            if attributes.iter().any(|(n, _)| n == &stmt.newname) {
                return Err(PgError::duplicate_column(&stmt.newname, &qn.name));
            }
            match attributes.iter_mut().find(|(n, _)| n == &stmt.subname) {
                Some(a) => {
                    a.0 = stmt.newname.clone();
                    Ok(())
                }
                None => Err(PgError::undefined_column_of(&stmt.subname, &qn.name)),
            }
        }
        ObjectType::ObjectPolicy | ObjectType::ObjectTrigger => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
            let qn = ctx.resolve_table(rv)?;
            let t = ctx.table_mut(&qn)?;
            let (what, found) = if kind == ObjectType::ObjectPolicy {
                ("policy", t.policies.iter_mut().find(|p| p.name == stmt.subname).map(|p| &mut p.name))
            } else {
                ("trigger", t.triggers.iter_mut().find(|p| p.name == stmt.subname).map(|p| &mut p.name))
            };
            match found {
                Some(n) => {
                    *n = stmt.newname.clone();
                    Ok(())
                }
                None => Err(PgError::new(
                    "42704",
                    format!("{what} \"{}\" for table \"{}\" does not exist", stmt.subname, qn.name),
                )),
            }
        }
        other => {
            ctx.not_simulated(format!("RENAME of {} is not simulated", other.as_str_name()));
            Ok(())
        }
    }
}

fn rename_relation(ctx: &mut Ctx<'_>, qn: &QualName, new_name: &str) -> PgResult<()> {
    let new = QualName::new(qn.schema.clone(), new_name);
    if ctx.catalog.relations.contains_key(&new) || ctx.catalog.types.contains_key(&new) {
        return Err(PgError::duplicate_relation(new_name));
    }
    if !matches!(ctx.catalog.relations.get(qn), Some(Relation::Index(_))) {
        super::view::rename_relation_in_views(ctx, qn, &new);
    }
    let Some(mut rel) = ctx.catalog.relations.remove(qn) else {
        return Err(PgError::undefined_table(&qn.name));
    };
    match &mut rel {
        Relation::Table(t) => t.name = new.clone(),
        Relation::View(v) => v.name = new.clone(),
        Relation::Sequence(s) => s.name = new.clone(),
        Relation::Index(i) => {
            i.name = new.clone();
            // Renaming a constraint's index renames the constraint too.
            if let Some(con) = i.constraint.clone() {
                let table = i.table.clone();
                i.constraint = Some(new_name.to_string());
                if let Some(t) = ctx.catalog.table_mut(&table) {
                    if let Some(c) = t.constraints.iter_mut().find(|c| c.name == con) {
                        c.name = new_name.to_string();
                        set_constraint_index(&mut c.kind, new_name);
                    }
                }
            }
        }
    }
    let is_table_like = !matches!(rel, Relation::Index(_));
    if matches!(rel, Relation::Sequence(_)) {
        // Defaults call nextval('seq'::regclass): they follow the sequence's new name.
        let new_text = if new.schema == "public" { schemasim_catalog::quote_ident(&new.name) } else { new.to_string() };
        let keys: Vec<QualName> = ctx.catalog.relations.keys().cloned().collect();
        for k in keys {
            if let Some(Relation::Table(t)) = ctx.catalog.relations.get_mut(&k) {
                for c in &mut t.columns {
                    if let Some(d) = &c.default {
                        c.default = Some(crate::expr::rename_regclass_literal(d, qn, &new_text));
                    }
                }
            }
        }
    }
    ctx.catalog.relations.insert(new.clone(), rel);
    if !is_table_like {
        return Ok(());
    }
    let keys: Vec<QualName> = ctx.catalog.relations.keys().cloned().collect();
    for k in keys {
        let Some(r) = ctx.catalog.relations.get_mut(&k) else {
            continue;
        };
        match r {
            Relation::Table(t) => {
                for c in &mut t.constraints {
                    if let ConstraintKind::ForeignKey(fk) = &mut c.kind {
                        if &fk.ref_table == qn {
                            fk.ref_table = new.clone();
                        }
                    }
                }
                if let Some(p) = &mut t.partition_of {
                    if &p.parent == qn {
                        p.parent = new.clone();
                    }
                }
                for i in &mut t.inherits {
                    if i == qn {
                        *i = new.clone();
                    }
                }
            }
            Relation::Index(i) if &i.table == qn => i.table = new.clone(),
            Relation::Sequence(s) => {
                if let Some((t, _)) = &mut s.owned_by {
                    if t == qn {
                        *t = new.clone();
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn set_constraint_index(kind: &mut ConstraintKind, name: &str) {
    match kind {
        ConstraintKind::PrimaryKey { index, .. }
        | ConstraintKind::Unique { index, .. }
        | ConstraintKind::Exclude { index, .. } => *index = name.to_string(),
        _ => {}
    }
}

fn rename_constraint(ctx: &mut Ctx<'_>, qn: &QualName, old: &str, new: &str) -> PgResult<()> {
    let t = ctx.table(qn)?.clone();
    let Some(con) = t.constraint(old).cloned() else {
        return Err(PgError::new("42704", format!("constraint \"{old}\" for table \"{}\" does not exist", qn.name)));
    };
    if t.constraint(new).is_some() {
        return Err(PgError::new("42710", format!("constraint \"{new}\" for relation \"{}\" already exists", qn.name)));
    }
    let index = match &con.kind {
        ConstraintKind::PrimaryKey { index, .. }
        | ConstraintKind::Unique { index, .. }
        | ConstraintKind::Exclude { index, .. } => Some(QualName::new(qn.schema.clone(), index.clone())),
        _ => None,
    };
    if let Some(index) = index {
        // The constraint's index is renamed with it (RenameRelationInternal on the index).
        let new_index = QualName::new(qn.schema.clone(), new);
        if ctx.catalog.relations.contains_key(&new_index) {
            return Err(PgError::duplicate_relation(new));
        }
        if matches!(ctx.catalog.relations.get(&index), Some(Relation::Index(_))) {
            rename_relation(ctx, &index, new)?;
        }
    }
    let t = ctx.table_mut(qn)?;
    if let Some(c) = t.constraints.iter_mut().find(|c| c.name == old) {
        c.name = new.to_string();
        set_constraint_index(&mut c.kind, new);
    }
    Ok(())
}

/// Column rename: the column and every stored reference to it.
fn rename_column(ctx: &mut Ctx<'_>, qn: &QualName, old: &str, new: &str) -> PgResult<()> {
    let rel = ctx.catalog.relations.get(qn).cloned();
    match rel {
        Some(Relation::View(mut v)) => {
            let Some(pos) = v.columns.iter().position(|c| c == old) else {
                return Err(PgError::undefined_column(old));
            };
            if v.columns.iter().any(|c| c == new) {
                return Err(PgError::duplicate_column(new, &qn.name));
            }
            super::view::rename_column_in_views(ctx, qn, old, new);
            v.columns[pos] = new.to_string();
            ctx.catalog.relations.insert(qn.clone(), Relation::View(v));
            return Ok(());
        }
        Some(Relation::Table(_)) => {}
        _ => {
            return Err(PgError::wrong_object_type(
                &qn.name,
                "a table, view, materialized view, composite type, index, or foreign table",
            ))
        }
    }
    {
        let Some(t) = ctx.catalog.table(qn) else {
            return Err(PgError::undefined_table(&qn.name));
        };
        if t.column(old).is_none() {
            return Err(PgError::undefined_column(old));
        }
        if t.column(new).is_some() {
            return Err(PgError::duplicate_column(new, &qn.name));
        }
    }
    super::view::rename_column_in_views(ctx, qn, old, new);
    let Some(t) = ctx.catalog.table_mut(qn) else {
        return Err(PgError::undefined_table(&qn.name));
    };
    let Some(col) = t.column_mut(old) else {
        return Err(PgError::undefined_column_of(old, &qn.name));
    };
    col.name = new.to_string();
    super::statistics::rename_column(&mut t.ext_statistics, old, new);
    for c in &mut t.columns {
        if let Some(g) = &c.generated {
            c.generated = Some(rename_identifier(g, old, new));
        }
    }
    for c in &mut t.constraints {
        match &mut c.kind {
            ConstraintKind::PrimaryKey { columns, include, .. } | ConstraintKind::Unique { columns, include, .. } => {
                rename_in_list(columns, old, new);
                rename_in_list(include, old, new);
            }
            ConstraintKind::Check { expr } => *expr = rename_identifier(expr, old, new),
            ConstraintKind::ForeignKey(fk) => rename_in_list(&mut fk.columns, old, new),
            ConstraintKind::Exclude { definition, .. } => *definition = rename_identifier(definition, old, new),
        }
    }
    for p in &mut t.policies {
        p.using = p.using.as_deref().map(|e| rename_identifier(e, old, new));
        p.with_check = p.with_check.as_deref().map(|e| rename_identifier(e, old, new));
    }
    // Only the relations the rename reaches are written: a write copies a relation (and its map
    // node) that the previous snapshot still shares.
    let reached = |r: &Relation| match r {
        Relation::Index(i) => &i.table == qn,
        Relation::Table(other) => {
            other.constraints.iter().any(|c| matches!(&c.kind, ConstraintKind::ForeignKey(fk) if &fk.ref_table == qn))
                || other.partition_of.as_ref().is_some_and(|p| &p.parent == qn)
                || other.inherits.contains(qn)
        }
        Relation::Sequence(s) => s.owned_by.as_ref().is_some_and(|(t, c)| t == qn && c == old),
        Relation::View(_) => false,
    };
    let keys: Vec<QualName> =
        ctx.catalog.relations.iter().filter(|(_, r)| reached(r)).map(|(k, _)| k.clone()).collect();
    for k in keys {
        let Some(r) = ctx.catalog.relations.get_mut(&k) else {
            continue;
        };
        match r {
            Relation::Index(i) if &i.table == qn => {
                rename_in_list(&mut i.key_columns, old, new);
                rename_in_list(&mut i.include, old, new);
                for e in &mut i.elements {
                    *e = rename_identifier(e, old, new);
                }
                i.predicate = i.predicate.as_deref().map(|p| rename_identifier(p, old, new));
            }
            Relation::Table(other) => {
                for c in &mut other.constraints {
                    if let ConstraintKind::ForeignKey(fk) = &mut c.kind {
                        if &fk.ref_table == qn {
                            rename_in_list(&mut fk.ref_columns, old, new);
                        }
                    }
                }
                if other.partition_of.as_ref().is_some_and(|p| &p.parent == qn) || other.inherits.contains(qn) {
                    if let Some(c) = other.column_mut(old) {
                        c.name = new.to_string();
                    }
                }
            }
            Relation::Sequence(s) => {
                if let Some((t, c)) = &mut s.owned_by {
                    if t == qn && c == old {
                        *c = new.to_string();
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// After a type rename, columns, domains and function signatures show the new name.
fn retype_everywhere(ctx: &mut Ctx<'_>, old: &QualName, new: &QualName) {
    let (old_text, new_text) = (old.to_string(), new.to_string());
    let swap = |t: &mut String| {
        if let Some(rest) = t.strip_prefix(&old_text) {
            if rest.is_empty() || rest.starts_with('[') || rest.starts_with('(') {
                *t = format!("{new_text}{rest}");
            }
        }
    };
    // Casts in stored expressions name the type by OID in PostgreSQL: they follow too.
    let expr = |text: &str| -> String {
        let wrapped = format!("SELECT {text}");
        let renamed = crate::expr::rename_type_in_casts(&wrapped, old, new);
        renamed.strip_prefix("SELECT ").map(str::to_string).unwrap_or(renamed)
    };
    let keys: Vec<QualName> = ctx.catalog.relations.keys().cloned().collect();
    for k in keys {
        match ctx.catalog.relations.get_mut(&k) {
            Some(Relation::Table(t)) => {
                for c in &mut t.columns {
                    swap(&mut c.type_name);
                }
                rewrite_table_expressions(t, expr);
            }
            Some(Relation::Index(i)) => {
                for e in &mut i.elements {
                    *e = expr(e);
                }
                i.predicate = i.predicate.as_deref().map(expr);
            }
            Some(Relation::View(v)) => {
                v.query = crate::expr::rename_type_in_casts(&v.query, old, new);
                for t in v.column_types.iter_mut().flatten() {
                    swap(t);
                }
            }
            _ => {}
        }
    }
    let type_keys: Vec<QualName> = ctx.catalog.types.keys().cloned().collect();
    for k in type_keys {
        if let Some(t) = ctx.catalog.types.get_mut(&k) {
            match &mut t.kind {
                schemasim_catalog::TypeKind::Domain(d) => swap(&mut d.base_type),
                schemasim_catalog::TypeKind::Composite { attributes } => {
                    attributes.iter_mut().for_each(|(_, t)| swap(t))
                }
                _ => {}
            }
        }
    }
    let fkeys: Vec<_> = ctx.catalog.functions.keys().cloned().collect();
    for k in fkeys {
        if k.arg_types.iter().any(|a| a.starts_with(&old_text)) {
            if let Some(mut f) = ctx.catalog.functions.remove(&k) {
                f.key.arg_types.iter_mut().for_each(&swap);
                ctx.catalog.functions.insert(f.key.clone(), f);
            }
        } else if let Some(f) = ctx.catalog.functions.get_mut(&k) {
            if let Some(r) = &mut f.returns {
                swap(r);
            }
        }
    }
}

/// Applies `rewrite` to every expression stored on a table: column defaults and generation
/// expressions, CHECK constraints, policy USING and WITH CHECK.
fn rewrite_table_expressions(t: &mut schemasim_catalog::Table, rewrite: impl Fn(&str) -> String) {
    for c in &mut t.columns {
        c.default = c.default.as_deref().map(&rewrite);
        c.generated = c.generated.as_deref().map(&rewrite);
    }
    for con in &mut t.constraints {
        if let ConstraintKind::Check { expr } = &mut con.kind {
            *expr = rewrite(expr);
        }
    }
    for p in &mut t.policies {
        p.using = p.using.as_deref().map(&rewrite);
        p.with_check = p.with_check.as_deref().map(&rewrite);
    }
}

/// A function keeps its OID through a rename, so triggers, defaults, constraints, indexes,
/// policies and views calling it show its new name.
fn rename_function_uses(ctx: &mut Ctx<'_>, key: &schemasim_catalog::FunctionKey, new_name: &str) {
    use crate::expr::rename_function_calls as calls;
    let old = &key.name;
    let arity = key.arg_types.len();
    let expr = |text: &str| -> String {
        let wrapped = format!("SELECT {text}");
        let renamed = calls(&wrapped, old, arity, new_name);
        renamed.strip_prefix("SELECT ").map(str::to_string).unwrap_or(renamed)
    };
    let keys: Vec<QualName> = ctx.catalog.relations.keys().cloned().collect();
    for k in keys {
        match ctx.catalog.relations.get_mut(&k) {
            Some(Relation::Table(t)) => {
                rewrite_table_expressions(t, expr);
                if arity == 0 {
                    for tr in &mut t.triggers {
                        if &tr.function == old {
                            tr.function.name = new_name.to_string();
                            tr.definition = super::function::retarget_trigger_function(&tr.definition, &tr.function);
                        }
                    }
                }
            }
            Some(Relation::Index(i)) => {
                for e in &mut i.elements {
                    *e = expr(e);
                }
                i.predicate = i.predicate.as_deref().map(expr);
            }
            Some(Relation::View(v)) => v.query = calls(&v.query, old, arity, new_name),
            _ => {}
        }
    }
}
