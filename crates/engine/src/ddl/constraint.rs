//! Table constraints: PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY, EXCLUDE — from CREATE TABLE and
//! ALTER TABLE ADD CONSTRAINT. Names are generated as PostgreSQL does: `<table>_pkey`,
//! `<table>_<cols>_key` (index names, pg_class namespace), `<table>_<col>_check` and
//! `<table>_<cols>_fkey` (pg_constraint namespace), numbered on collision.

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::naming::{choose_constraint_name, choose_relation_name, column_name_addition};
use crate::session::{written, Ctx};
use crate::types::name_list;
use pg_query::protobuf::{self, ConstrType};
use pg_query::NodeEnum;
use schemasim_catalog::{Constraint, ConstraintKind, ForeignKey, Index, IndexDef, QualName, Relation};

/// A constraint waiting for its table to exist.
#[derive(Clone, Debug)]
pub enum PendingConstraint {
    /// From the parser; `column` is set for a column constraint.
    Parsed { con: Box<protobuf::Constraint>, column: Option<String> },
    /// Copied by LIKE ... INCLUDING CONSTRAINTS.
    CopiedCheck { name: String, expr: String, no_inherit: bool },
    /// Copied by LIKE ... INCLUDING INDEXES, or inherited by a partition from its parent.
    CopiedIndex { index: Box<Index>, constraints: Vec<Constraint> },
}

impl PendingConstraint {
    pub fn table_level(con: protobuf::Constraint) -> Self {
        PendingConstraint::Parsed { con: Box::new(con), column: None }
    }

    pub fn column_level(con: protobuf::Constraint, column: String) -> Self {
        PendingConstraint::Parsed { con: Box::new(con), column: Some(column) }
    }

    pub fn copied_check(name: String, expr: String, no_inherit: bool) -> Self {
        PendingConstraint::CopiedCheck { name, expr, no_inherit }
    }

    pub fn copied_index(index: Index, constraints: Vec<Constraint>) -> Self {
        PendingConstraint::CopiedIndex { index: Box::new(index), constraints }
    }

    /// CHECKs are named and created first, then indexes, then foreign keys.
    pub fn creation_rank(&self) -> u8 {
        match self {
            PendingConstraint::CopiedCheck { .. } => 0,
            PendingConstraint::CopiedIndex { .. } => 1,
            PendingConstraint::Parsed { con, .. } => match ConstrType::try_from(con.contype) {
                Ok(ConstrType::ConstrCheck) => 0,
                Ok(ConstrType::ConstrForeign) => 2,
                _ => 1,
            },
        }
    }
}

/// Within one statement, a UNIQUE constraint over exactly the columns of the PRIMARY KEY (or
/// of an earlier UNIQUE) is merged into it rather than creating a second index, as
/// transformIndexConstraints does; the primary key is built first.
pub fn merge_redundant_index_constraints(pending: Vec<PendingConstraint>) -> Vec<PendingConstraint> {
    type Key = (Vec<String>, Vec<String>, bool, bool, bool, String);
    fn key(p: &PendingConstraint) -> Option<(bool, Key)> {
        let PendingConstraint::Parsed { con, column } = p else { return None };
        let kind = ConstrType::try_from(con.contype).ok()?;
        if !matches!(kind, ConstrType::ConstrPrimary | ConstrType::ConstrUnique) || !con.indexname.is_empty() {
            return None;
        }
        let columns = match column {
            Some(c) => vec![c.clone()],
            None => key_names(&con.keys),
        };
        Some((
            kind == ConstrType::ConstrPrimary,
            (
                columns,
                key_names(&con.including),
                con.nulls_not_distinct,
                con.deferrable,
                con.initdeferred,
                con.indexspace.clone(),
            ),
        ))
    }
    let mut out: Vec<PendingConstraint> = Vec::new();
    let mut kept: Vec<(usize, Key)> = Vec::new();
    // The primary key first (only the first one: a second is an error later).
    let pk = pending.iter().position(|p| key(p).is_some_and(|(primary, _)| primary));
    let order: Vec<usize> = pk.into_iter().chain((0..pending.len()).filter(|i| Some(*i) != pk)).collect();
    let mut slots: Vec<Option<PendingConstraint>> = pending.into_iter().map(Some).collect();
    for i in order {
        let Some(p) = slots[i].take() else { continue };
        if let Some((_, k)) = key(&p) {
            if let Some((at, _)) = kept.iter().find(|(_, prior)| *prior == k) {
                // Merged: an unnamed prior takes this one's name.
                let name = match &p {
                    PendingConstraint::Parsed { con, .. } => con.conname.clone(),
                    _ => String::new(),
                };
                if let Some(PendingConstraint::Parsed { con, .. }) = out.get_mut(*at) {
                    if con.conname.is_empty() {
                        con.conname = name;
                    }
                }
                continue;
            }
            kept.push((out.len(), k));
        }
        out.push(p);
    }
    out
}

fn key_names(nodes: &[protobuf::Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            Some(NodeEnum::IndexElem(e)) => Some(e.name.clone()),
            _ => None,
        })
        .collect()
}

/// Adds one constraint to `table`. `creating` is true inside CREATE TABLE (NOT VALID is then
/// ignored, as PostgreSQL does for a new table).
pub fn add_constraint(
    ctx: &mut Ctx<'_>,
    table_name: &QualName,
    pending: PendingConstraint,
    creating: bool,
) -> PgResult<()> {
    let table = ctx.catalog.table(table_name).cloned().ok_or_else(|| PgError::undefined_table(&table_name.name))?;
    let schema = table_name.schema.clone();
    match pending {
        PendingConstraint::CopiedCheck { name, expr, no_inherit } => {
            // A copied CHECK that an inherited one already defines identically merges with it.
            if let Some(existing) = table.constraint(&name) {
                if matches!(&existing.kind, ConstraintKind::Check { expr: e } if *e == expr) && !no_inherit {
                    ctx.notice(format!("merging constraint \"{name}\" with inherited definition"));
                    return Ok(());
                }
                return Err(PgError::new(
                    "42710",
                    format!("constraint \"{name}\" for relation \"{}\" already exists", table_name.name),
                ));
            }
            let seq = ctx.catalog.allocate_seq();
            push_constraint(
                ctx,
                table_name,
                Constraint {
                    name,
                    seq,
                    kind: ConstraintKind::Check { expr },
                    deferrable: false,
                    initially_deferred: false,
                    validated: true,
                    no_inherit,
                    comment: None,
                },
            );
            Ok(())
        }
        PendingConstraint::CopiedIndex { index, constraints } => {
            let owning = index.constraint.as_ref().and_then(|c| constraints.iter().find(|k| &k.name == c));
            let label = match owning.map(|c| &c.kind) {
                Some(ConstraintKind::PrimaryKey { .. }) => "pkey",
                Some(ConstraintKind::Exclude { .. }) => "excl",
                Some(_) => "key",
                None => "idx",
            };
            let addition = if label == "pkey" { None } else { Some(column_name_addition(&index_name_columns(&index))) };
            let new_name = choose_relation_name(
                &ctx.catalog,
                &schema,
                &table_name.name,
                addition.as_deref(),
                label,
                owning.is_some(),
                &[],
            );
            let seq = ctx.catalog.allocate_seq();
            let mut new_index: Index = IndexDef {
                name: QualName::new(schema.clone(), new_name.clone()),
                seq,
                table: table_name.clone(),
                constraint: owning.map(|_| new_name.clone()),
                comment: None,
                ..(*index).into_inner()
            }
            .into();
            if let Some(con) = owning {
                let kind = match &con.kind {
                    ConstraintKind::PrimaryKey { columns, include, .. } => {
                        set_not_null(ctx, table_name, columns);
                        ConstraintKind::PrimaryKey {
                            columns: columns.clone(),
                            include: include.clone(),
                            index: new_name.clone(),
                        }
                    }
                    ConstraintKind::Unique { columns, include, nulls_not_distinct, .. } => ConstraintKind::Unique {
                        columns: columns.clone(),
                        include: include.clone(),
                        index: new_name.clone(),
                        nulls_not_distinct: *nulls_not_distinct,
                    },
                    ConstraintKind::Exclude { definition, .. } => {
                        ConstraintKind::Exclude { index: new_name.clone(), definition: definition.clone() }
                    }
                    other => other.clone(),
                };
                let cseq = ctx.catalog.allocate_seq();
                push_constraint(
                    ctx,
                    table_name,
                    Constraint { name: new_name.clone(), seq: cseq, kind, comment: None, ..con.clone() },
                );
            } else {
                new_index.constraint = None;
            }
            ctx.catalog.relations.insert(new_index.name.clone(), Relation::Index(new_index));
            Ok(())
        }
        PendingConstraint::Parsed { con, column } => {
            add_parsed_constraint(ctx, table_name, &table, &schema, *con, column, creating)
        }
    }
}

fn index_name_columns(index: &Index) -> Vec<String> {
    index
        .elements
        .iter()
        .zip(index.key_columns.iter().map(Some).chain(std::iter::repeat(None)))
        .map(|(e, _)| {
            if e.starts_with('(') {
                "expr".to_string()
            } else {
                e.split_whitespace().next().unwrap_or(e).trim_matches('"').to_string()
            }
        })
        .collect()
}

fn push_constraint(ctx: &mut Ctx<'_>, table_name: &QualName, con: Constraint) {
    if let Some(t) = ctx.catalog.table_mut(table_name) {
        t.constraints.push(con);
    }
}

fn set_not_null(ctx: &mut Ctx<'_>, table_name: &QualName, columns: &[String]) {
    if let Some(t) = ctx.catalog.table_mut(table_name) {
        for c in columns {
            if let Some(col) = t.column_mut(c) {
                col.not_null = true;
            }
        }
    }
}

/// MergeWithExistingConstraint: a named CHECK that only the parents define (the child's copy is
/// inherited, and the child is not yet a partition) merges with an identical local definition;
/// `Ok(false)` leaves the "already exists" error to the caller.
fn merges_with_inherited_check(
    ctx: &mut Ctx<'_>,
    table: &schemasim_catalog::Table,
    existing: &Constraint,
    con: &protobuf::Constraint,
    creating: bool,
) -> PgResult<bool> {
    let ConstraintKind::Check { expr: existing_expr } = &existing.kind else { return Ok(false) };
    let Some(raw) = con.raw_expr.as_ref() else { return Ok(false) };
    let parents: Vec<&QualName> = table.inherits.iter().chain(table.partition_of.as_ref().map(|p| &p.parent)).collect();
    let inherited = parents
        .iter()
        .any(|p| ctx.catalog.table(p).and_then(|t| t.constraint(&existing.name)).is_some_and(|c| !c.no_inherit));
    let allow_merge = inherited && (creating || table.partition_of.is_none());
    if expr::deparse_expr(raw)? != *existing_expr || !allow_merge {
        return Ok(false);
    }
    if existing.no_inherit {
        return Err(PgError::new(
            "42P17",
            format!(
                "constraint \"{}\" conflicts with non-inherited constraint on relation \"{}\"",
                existing.name, table.name.name
            ),
        ));
    }
    if con.is_no_inherit {
        return Err(PgError::new(
            "42P17",
            format!(
                "constraint \"{}\" conflicts with inherited constraint on relation \"{}\"",
                existing.name, table.name.name
            ),
        ));
    }
    ctx.notice(format!("merging constraint \"{}\" with inherited definition", existing.name));
    Ok(true)
}

fn add_parsed_constraint(
    ctx: &mut Ctx<'_>,
    table_name: &QualName,
    table: &schemasim_catalog::Table,
    schema: &str,
    con: protobuf::Constraint,
    column: Option<String>,
    creating: bool,
) -> PgResult<()> {
    let kind = ConstrType::try_from(con.contype).unwrap_or(ConstrType::Undefined);
    let explicit_name = (!con.conname.is_empty()).then(|| con.conname.clone());
    if let Some(n) = &explicit_name {
        if let Some(existing) = table.constraint(n) {
            if kind == ConstrType::ConstrCheck && merges_with_inherited_check(ctx, table, existing, &con, creating)? {
                return Ok(());
            }
            return Err(PgError::new(
                "42710",
                format!("constraint \"{n}\" for relation \"{}\" already exists", table_name.name),
            ));
        }
    }
    let validated = creating || !con.skip_validation;
    let base = Constraint {
        name: String::new(),
        seq: 0,
        kind: ConstraintKind::Check { expr: String::new() },
        deferrable: con.deferrable,
        initially_deferred: con.initdeferred,
        validated,
        no_inherit: con.is_no_inherit,
        comment: None,
    };
    match kind {
        ConstrType::ConstrCheck => {
            let raw = con.raw_expr.as_ref().ok_or_else(|| PgError::new("42601", "CHECK needs an expression"))?;
            let refs = expr::column_refs(raw);
            for r in &refs {
                if table.column(r).is_none() {
                    return Err(PgError::undefined_column(r));
                }
            }
            if expr::contains_subquery(raw) {
                return Err(PgError::new("0A000", "cannot use subquery in check constraint"));
            }
            expr::check_no_aggregates(raw, "check constraints")?;
            let name = match explicit_name {
                Some(n) => n,
                None => {
                    let col = column.clone().or_else(|| (refs.len() == 1).then(|| refs[0].clone()));
                    choose_constraint_name(&ctx.catalog, schema, &table_name.name, col.as_deref(), "check", &[])
                }
            };
            let seq = ctx.catalog.allocate_seq();
            push_constraint(
                ctx,
                table_name,
                Constraint { name, seq, kind: ConstraintKind::Check { expr: expr::deparse_expr(raw)? }, ..base },
            );
            Ok(())
        }
        ConstrType::ConstrPrimary | ConstrType::ConstrUnique => {
            let primary = kind == ConstrType::ConstrPrimary;
            let columns = match &column {
                Some(c) => vec![c.clone()],
                None => key_names(&con.keys),
            };
            let include = key_names(&con.including);
            if !con.indexname.is_empty() {
                return add_constraint_using_index(ctx, table_name, &con, primary, base);
            }
            for c in columns.iter().chain(include.iter()) {
                if table.column(c).is_none() {
                    return Err(PgError::new("42703", format!("column \"{c}\" named in key does not exist")));
                }
            }
            if primary && table.primary_key().is_some() {
                return Err(PgError::new(
                    "42P16",
                    format!("multiple primary keys for table \"{}\" are not allowed", table_name.name),
                ));
            }
            let name = match explicit_name {
                Some(n) => {
                    if ctx.catalog.relations.contains_key(&QualName::new(schema, n.clone())) {
                        return Err(PgError::duplicate_relation(&n));
                    }
                    n
                }
                None if primary => {
                    choose_relation_name(&ctx.catalog, schema, &table_name.name, None, "pkey", true, &[])
                }
                None => choose_relation_name(
                    &ctx.catalog,
                    schema,
                    &table_name.name,
                    Some(&column_name_addition(&columns)),
                    "key",
                    true,
                    &[],
                ),
            };
            if primary {
                set_not_null(ctx, table_name, &columns);
            }
            let index_seq = ctx.catalog.allocate_seq();
            let index: Index = IndexDef {
                name: QualName::new(schema, name.clone()),
                seq: index_seq,
                table: table_name.clone(),
                unique: true,
                nulls_not_distinct: con.nulls_not_distinct,
                method: "btree".into(),
                elements: columns.iter().map(|c| schemasim_catalog::quote_ident(c)).collect(),
                key_columns: columns.clone(),
                include: include.clone(),
                predicate: None,
                constraint: Some(name.clone()),
                options: super::reloptions(&con.options),
                comment: None,
                only: false,
            }
            .into();
            ctx.catalog.relations.insert(index.name.clone(), Relation::Index(index));
            let seq = ctx.catalog.allocate_seq();
            let kind = if primary {
                ConstraintKind::PrimaryKey { columns, include, index: name.clone() }
            } else {
                ConstraintKind::Unique {
                    columns,
                    include,
                    index: name.clone(),
                    nulls_not_distinct: con.nulls_not_distinct,
                }
            };
            push_constraint(ctx, table_name, Constraint { name, seq, kind, validated: true, ..base });
            Ok(())
        }
        ConstrType::ConstrForeign => {
            let columns = match &column {
                Some(c) => vec![c.clone()],
                None => key_names(&con.fk_attrs),
            };
            for c in &columns {
                if table.column(c).is_none() {
                    return Err(PgError::new(
                        "42703",
                        format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                    ));
                }
            }
            let pk = con.pktable.as_ref().ok_or_else(|| PgError::new("42601", "REFERENCES needs a table"))?;
            let ref_table = if pk.schemaname.is_empty()
                && pk.relname == table_name.name
                && ctx.lookup_relation("", &pk.relname)?.as_ref() == Some(table_name)
            {
                table_name.clone()
            } else {
                ctx.resolve_relation(pk)?
            };
            let referenced = match ctx.catalog.relations.get(&ref_table) {
                Some(Relation::Table(t)) => t.clone(),
                _ => {
                    return Err(PgError::wrong_object_type(&written(pk), "a table"));
                }
            };
            let mut ref_columns = key_names(&con.pk_attrs);
            if ref_columns.is_empty() {
                match referenced.primary_key().map(|c| &c.kind) {
                    Some(ConstraintKind::PrimaryKey { columns, .. }) => ref_columns = columns.clone(),
                    _ => {
                        return Err(PgError::new(
                            "42830",
                            format!("there is no primary key for referenced table \"{}\"", ref_table.name),
                        ))
                    }
                }
            } else {
                for c in &ref_columns {
                    if referenced.column(c).is_none() {
                        return Err(PgError::new(
                            "42703",
                            format!("column \"{c}\" referenced in foreign key constraint does not exist"),
                        ));
                    }
                }
                let unique_match = referenced.constraints.iter().any(|k| match &k.kind {
                    ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } => {
                        same_set(columns, &ref_columns)
                    }
                    _ => false,
                }) || ctx.catalog.indexes_of(&ref_table).iter().any(|i| {
                    i.unique
                        && i.predicate.is_none()
                        && i.key_columns.len() == i.elements.len()
                        && same_set(&i.key_columns, &ref_columns)
                });
                if !unique_match {
                    return Err(PgError::new(
                        "42830",
                        format!(
                            "there is no unique constraint matching given keys for referenced table \"{}\"",
                            ref_table.name
                        ),
                    ));
                }
            }
            if ref_columns.len() != columns.len() {
                return Err(PgError::new(
                    "42830",
                    "number of referencing and referenced columns for foreign key disagree",
                ));
            }
            let name = match explicit_name {
                Some(n) => n,
                None => choose_constraint_name(
                    &ctx.catalog,
                    schema,
                    &table_name.name,
                    Some(&column_name_addition(&columns)),
                    "fkey",
                    &[],
                ),
            };
            for (c, rc) in columns.iter().zip(&ref_columns) {
                let (Some(fk_col), Some(pk_col)) = (table.column(c), referenced.column(rc)) else { continue };
                if super::casts::foreign_key_comparable(&ctx.catalog, &fk_col.type_name, &pk_col.type_name)
                    == Some(false)
                {
                    return Err(PgError::new(
                        "42804",
                        format!("foreign key constraint \"{name}\" cannot be implemented"),
                    )
                    .with_detail(format!(
                        "Key columns \"{c}\" of the referencing table and \"{rc}\" of the referenced table are of \
                             incompatible types: {} and {}.",
                        super::casts::display_type(&fk_col.type_name),
                        super::casts::display_type(&pk_col.type_name)
                    )));
                }
            }
            let action = |s: &str| s.chars().next().filter(|c| *c != ' ').unwrap_or('a');
            let fk = ForeignKey {
                columns,
                ref_table,
                ref_columns,
                on_delete: action(&con.fk_del_action),
                on_update: action(&con.fk_upd_action),
                match_type: con.fk_matchtype.chars().next().unwrap_or('s'),
                on_delete_columns: key_names(&con.fk_del_set_cols),
            };
            let seq = ctx.catalog.allocate_seq();
            push_constraint(ctx, table_name, Constraint { name, seq, kind: ConstraintKind::ForeignKey(fk), ..base });
            Ok(())
        }
        ConstrType::ConstrExclusion => {
            let mut elements = Vec::new();
            let mut cols = Vec::new();
            for pair in &con.exclusions {
                if let Some(NodeEnum::List(l)) = pair.node.as_ref() {
                    if let [elem, op] = l.items.as_slice() {
                        if let Some(NodeEnum::IndexElem(ie)) = elem.node.as_ref() {
                            let text = super::index::index_elem_text(ie)?;
                            cols.push(if ie.name.is_empty() { "expr".to_string() } else { ie.name.clone() });
                            let op_text = match op.node.as_ref() {
                                Some(NodeEnum::List(ops)) => name_list(&ops.items).join("."),
                                _ => String::new(),
                            };
                            elements.push(format!("{text} WITH {op_text}"));
                        }
                    }
                }
            }
            let method = if con.access_method.is_empty() { "gist".to_string() } else { con.access_method.clone() };
            let mut definition = format!("EXCLUDE USING {method} ({})", elements.join(", "));
            if let Some(w) = &con.where_clause {
                definition.push_str(&format!(" WHERE ({})", expr::deparse_expr(w)?));
            }
            let name = match explicit_name {
                Some(n) => n,
                None => choose_relation_name(
                    &ctx.catalog,
                    schema,
                    &table_name.name,
                    Some(&column_name_addition(&cols)),
                    "excl",
                    true,
                    &[],
                ),
            };
            let index_seq = ctx.catalog.allocate_seq();
            let index: Index = IndexDef {
                name: QualName::new(schema, name.clone()),
                seq: index_seq,
                table: table_name.clone(),
                unique: false,
                nulls_not_distinct: false,
                method,
                elements: elements.clone(),
                key_columns: cols.into_iter().filter(|c| c != "expr").collect(),
                include: key_names(&con.including),
                predicate: None,
                constraint: Some(name.clone()),
                options: Vec::new(),
                comment: None,
                only: false,
            }
            .into();
            ctx.catalog.relations.insert(index.name.clone(), Relation::Index(index));
            let seq = ctx.catalog.allocate_seq();
            push_constraint(
                ctx,
                table_name,
                Constraint {
                    name: name.clone(),
                    seq,
                    kind: ConstraintKind::Exclude { index: name, definition },
                    ..base
                },
            );
            Ok(())
        }
        _ => Ok(()),
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// `ADD CONSTRAINT name PRIMARY KEY/UNIQUE USING INDEX idx`: the index is renamed to the constraint.
fn add_constraint_using_index(
    ctx: &mut Ctx<'_>,
    table_name: &QualName,
    con: &protobuf::Constraint,
    primary: bool,
    base: Constraint,
) -> PgResult<()> {
    let index_qn = QualName::new(table_name.schema.clone(), con.indexname.clone());
    let Some(Relation::Index(index)) = ctx.catalog.relations.get(&index_qn).cloned() else {
        return Err(PgError::undefined_table(&con.indexname));
    };
    if !index.unique {
        return Err(PgError::wrong_object_type(&con.indexname, "a unique index"));
    }
    let name = if con.conname.is_empty() { con.indexname.clone() } else { con.conname.clone() };
    if name != con.indexname {
        ctx.notice(format!(
            "ALTER TABLE / ADD CONSTRAINT USING INDEX will rename index \"{}\" to \"{}\"",
            con.indexname, name
        ));
    }
    ctx.catalog.relations.remove(&index_qn);
    let new_index: Index = IndexDef {
        name: QualName::new(table_name.schema.clone(), name.clone()),
        constraint: Some(name.clone()),
        ..IndexDef::clone(&index)
    }
    .into();
    ctx.catalog.relations.insert(new_index.name.clone(), Relation::Index(new_index));
    let columns = index.key_columns.clone();
    if primary {
        set_not_null(ctx, table_name, &columns);
    }
    let kind = if primary {
        ConstraintKind::PrimaryKey { columns, include: index.include.clone(), index: name.clone() }
    } else {
        ConstraintKind::Unique {
            columns,
            include: index.include.clone(),
            index: name.clone(),
            nulls_not_distinct: index.nulls_not_distinct,
        }
    };
    let seq = ctx.catalog.allocate_seq();
    push_constraint(ctx, table_name, Constraint { name, seq, kind, validated: true, ..base });
    Ok(())
}
