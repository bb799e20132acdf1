//! CREATE INDEX. Unnamed indexes are called `<table>_<columns>_idx` (`_key` when UNIQUE is a
//! constraint), `expr` standing for an expression; `CONCURRENTLY` cannot run in a transaction
//! block (25001).

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::naming::{choose_relation_name, column_name_addition};
use crate::session::Ctx;
use crate::types::name_list;
use pg_query::protobuf::{self, SortByDir, SortByNulls};
use pg_query::NodeEnum;
use schemasim_catalog::{quote_ident, Index, IndexDef, QualName, Relation};

/// PostgreSQL 17 builds an index with `search_path` restricted to `pg_catalog, pg_temp`
/// (DefineIndex calls RestrictSearchPath) and checks its expressions' mutability after
/// planning, which inlines `LANGUAGE sql` functions: the planner parses the body of a function
/// called there (an `AS '...'` body; a `BEGIN ATOMIC`/`RETURN` body is stored resolved) unless
/// it is SECURITY DEFINER, has a SET clause, or returns a set or `record`. A cast to a user type
/// written without its schema in such a body then fails: `type "t" does not exist`. Calls whose
/// function is not certain (overloads with the same argument count) are left alone.
fn check_inlined_bodies(catalog: &schemasim_catalog::Catalog, e: &protobuf::Node) -> PgResult<()> {
    for call in expr::find_all(e, "FuncCall") {
        let names: Vec<&str> = call
            .get("funcname")
            .and_then(|n| n.as_array())
            .map(|a| a.iter().filter_map(|n| n.pointer("/node/String/sval")?.as_str()).collect())
            .unwrap_or_default();
        let nargs = call.get("args").and_then(|a| a.as_array()).map_or(0, Vec::len);
        let (schema, name) = match names.as_slice() {
            [n] => (None, *n),
            [s, n] => (Some(*s), *n),
            _ => continue,
        };
        let mut candidates = catalog.functions.values().filter(|f| {
            f.key.name.name == name && schema.is_none_or(|s| f.key.name.schema == s) && f.key.arg_types.len() == nargs
        });
        let (Some(f), None) = (candidates.next(), candidates.next()) else { continue };
        let returns = f.returns.as_deref().unwrap_or("").to_ascii_lowercase();
        if f.language != "sql"
            || f.procedure
            || f.security_definer
            || !f.config.is_empty()
            || returns.starts_with("setof")
            || returns.starts_with("table")
            || returns == "record"
        {
            continue;
        }
        let Some(body) = crate::rows::function_body(&f.definition) else { continue };
        let Ok(parsed) = pg_query::parse(&body) else { continue };
        let [stmt] = parsed.protobuf.stmts.as_slice() else { continue };
        let Some(tree) = stmt.stmt.as_deref() else { continue };
        for cast in expr::find_all(tree, "TypeCast") {
            let type_names: Vec<&str> = cast
                .pointer("/type_name/names")
                .and_then(|n| n.as_array())
                .map(|a| a.iter().filter_map(|n| n.pointer("/node/String/sval")?.as_str()).collect())
                .unwrap_or_default();
            let [type_name] = type_names.as_slice() else { continue };
            let user_type = catalog.types.keys().any(|q| q.name == *type_name && q.schema != "pg_catalog");
            if user_type && !crate::catalog_query::is_builtin_type(type_name) {
                return Err(PgError::undefined_type(type_name));
            }
        }
    }
    Ok(())
}

/// One index key as SQL text: `email`, `(lower(email))`, `created_at DESC NULLS LAST`.
pub fn index_elem_text(elem: &protobuf::IndexElem) -> PgResult<String> {
    let mut text = if !elem.name.is_empty() {
        quote_ident(&elem.name)
    } else if let Some(e) = &elem.expr {
        format!("({})", expr::deparse_expr(e)?)
    } else {
        return Err(PgError::new("42601", "index element needs a column or expression"));
    };
    if !elem.collation.is_empty() {
        text.push_str(&format!(
            " COLLATE {}",
            name_list(&elem.collation).iter().map(|n| quote_ident(n)).collect::<Vec<_>>().join(".")
        ));
    }
    if !elem.opclass.is_empty() {
        text.push(' ');
        text.push_str(&name_list(&elem.opclass).join("."));
    }
    // As pg_get_indexdef prints it: ASC is the default, and so are NULLS LAST after ASC and
    // NULLS FIRST after DESC.
    let desc = SortByDir::try_from(elem.ordering) == Ok(SortByDir::SortbyDesc);
    if desc {
        text.push_str(" DESC");
    }
    match SortByNulls::try_from(elem.nulls_ordering) {
        Ok(SortByNulls::SortbyNullsFirst) if !desc => text.push_str(" NULLS FIRST"),
        Ok(SortByNulls::SortbyNullsLast) if desc => text.push_str(" NULLS LAST"),
        _ => {}
    }
    Ok(text)
}

/// `CREATE INDEX`.
pub fn create_index(ctx: &mut Ctx<'_>, stmt: &protobuf::IndexStmt) -> PgResult<()> {
    if stmt.concurrent && ctx.in_block {
        return Err(PgError::new("25001", "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"));
    }
    let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table name"))?;
    let table_name = ctx.resolve_relation(rv)?;
    let table = match ctx.catalog.relations.get(&table_name) {
        Some(Relation::Table(t)) => t.clone(),
        Some(Relation::View(v)) if v.materialized => {
            let mut t = schemasim_catalog::TableDef { name: table_name.clone(), ..Default::default() };
            t.columns = v.columns.iter().map(|c| schemasim_catalog::Column::new(c.clone(), "")).collect();
            t.into()
        }
        _ => return Err(PgError::wrong_object_type(&rv.relname, "a table or materialized view")),
    };
    let mut elements = Vec::new();
    let mut key_columns = Vec::new();
    let mut name_parts = Vec::new();
    for p in &stmt.index_params {
        let Some(NodeEnum::IndexElem(e)) = p.node.as_ref() else {
            continue;
        };
        if !e.name.is_empty() {
            if table.column(&e.name).is_none() {
                return Err(PgError::undefined_column(&e.name));
            }
            key_columns.push(e.name.clone());
            name_parts.push(e.name.clone());
        } else if let Some(x) = &e.expr {
            for c in expr::column_refs(x) {
                if table.column(&c).is_none() {
                    return Err(PgError::undefined_column(&c));
                }
                if !key_columns.contains(&c) {
                    key_columns.push(c);
                }
            }
            expr::check_no_aggregates(x, "index expressions")?;
            check_inlined_bodies(&ctx.catalog, x)?;
            if !crate::volatility::is_immutable(&ctx.catalog, &table, x) {
                return Err(PgError::new("42P17", "functions in index expression must be marked IMMUTABLE"));
            }
            name_parts.push(if e.indexcolname.is_empty() { expr_name(x) } else { e.indexcolname.clone() });
        }
        elements.push(index_elem_text(e)?);
    }
    let mut include = Vec::new();
    for p in &stmt.index_including_params {
        if let Some(NodeEnum::IndexElem(e)) = p.node.as_ref() {
            if table.column(&e.name).is_none() {
                return Err(PgError::undefined_column(&e.name));
            }
            include.push(e.name.clone());
            name_parts.push(e.name.clone());
        }
    }
    let predicate = match &stmt.where_clause {
        Some(w) => {
            for c in expr::column_refs(w) {
                if table.column(&c).is_none() {
                    return Err(PgError::undefined_column(&c));
                }
            }
            expr::check_no_aggregates(w, "index predicates")?;
            check_inlined_bodies(&ctx.catalog, w)?;
            if !crate::volatility::is_immutable(&ctx.catalog, &table, w) {
                return Err(PgError::new("42P17", "functions in index predicate must be marked IMMUTABLE"));
            }
            Some(expr::deparse_expr(w)?)
        }
        None => None,
    };
    let schema = table_name.schema.clone();
    let name = if stmt.idxname.is_empty() {
        let label = if stmt.primary {
            "pkey"
        } else if stmt.unique && stmt.isconstraint {
            "key"
        } else {
            "idx"
        };
        choose_relation_name(
            &ctx.catalog,
            &schema,
            &table_name.name,
            Some(&column_name_addition(&name_parts)),
            label,
            false,
            &[],
        )
    } else {
        let qn = QualName::new(schema.clone(), stmt.idxname.clone());
        if ctx.catalog.relations.contains_key(&qn) {
            if stmt.if_not_exists {
                ctx.notice(format!("relation \"{}\" already exists, skipping", stmt.idxname));
                return Ok(());
            }
            return Err(PgError::duplicate_relation(&stmt.idxname));
        }
        stmt.idxname.clone()
    };
    let method = if stmt.access_method.is_empty() { "btree".to_string() } else { stmt.access_method.clone() };
    let seq = ctx.catalog.allocate_seq();
    let index: Index = IndexDef {
        name: QualName::new(schema, name),
        seq,
        table: table_name.clone(),
        unique: stmt.unique,
        nulls_not_distinct: stmt.nulls_not_distinct,
        method,
        elements,
        key_columns,
        include,
        predicate,
        constraint: None,
        options: super::reloptions(&stmt.options),
        comment: None,
        only: !rv.inh,
    }
    .into();
    ctx.catalog.relations.insert(index.name.clone(), Relation::Index(index.clone()));
    if rv.inh {
        // An index on a partitioned table is created on every partition too.
        for partition in partitions_of(ctx, &table_name) {
            clone_index(ctx, &table_name, &partition, index.clone())?;
        }
    }
    Ok(())
}

/// The column name PostgreSQL derives for an expression key (FigureColname): the function name,
/// else `expr`.
fn expr_name(e: &protobuf::Node) -> String {
    match e.node.as_ref() {
        Some(NodeEnum::FuncCall(fc)) => name_list(&fc.funcname).pop().unwrap_or_else(|| "expr".into()),
        Some(NodeEnum::TypeCast(tc)) => tc.arg.as_deref().map(expr_name).unwrap_or_else(|| "expr".into()),
        _ => "expr".into(),
    }
}

pub fn partitions_of(ctx: &Ctx<'_>, parent: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) if t.partition_of.as_ref().is_some_and(|p| &p.parent == parent) => Some(t.name.clone()),
            _ => None,
        })
        .collect()
}

/// A new partition gets a copy of each of its parent's indexes (and PK/UNIQUE constraints).
pub fn clone_parent_indexes(ctx: &mut Ctx<'_>, parent: &QualName, partition: &QualName) -> PgResult<()> {
    let indexes: Vec<Index> = ctx.catalog.indexes_of(parent).into_iter().cloned().collect();
    for index in indexes {
        clone_index(ctx, parent, partition, index)?;
    }
    Ok(())
}

fn clone_index(ctx: &mut Ctx<'_>, parent: &QualName, partition: &QualName, index: Index) -> PgResult<()> {
    let constraint =
        index.constraint.as_ref().and_then(|c| ctx.catalog.table(parent).and_then(|t| t.constraint(c))).cloned();
    super::constraint::add_constraint(
        ctx,
        partition,
        super::constraint::PendingConstraint::copied_index(index, constraint.into_iter().collect()),
        true,
    )
}

/// `REINDEX [ (options) ] { INDEX | TABLE | SCHEMA | SYSTEM | DATABASE } [ CONCURRENTLY ] name`
/// (ExecReindex). Rebuilding changes no schema; PostgreSQL first checks that CONCURRENTLY (and
/// any REINDEX of a partitioned relation or of several tables) runs outside a transaction
/// block, that the named relation has the right kind, and that system catalogs are not rebuilt
/// concurrently.
pub fn reindex(ctx: &mut Ctx<'_>, stmt: &protobuf::ReindexStmt) -> PgResult<()> {
    use protobuf::ReindexObjectType as Kind;
    let concurrently = stmt.params.iter().any(|p| {
        matches!(p.node.as_ref(), Some(NodeEnum::DefElem(d)) if d.defname == "concurrently"
            && !matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if !b.boolval))
    });
    let kind = Kind::try_from(stmt.kind).unwrap_or(Kind::Undefined);
    let in_block = |what: &str| PgError::new("25001", format!("{what} cannot run inside a transaction block"));
    let system_catalogs = || PgError::not_supported("cannot reindex system catalogs concurrently");
    if concurrently && ctx.in_block {
        return Err(in_block("REINDEX CONCURRENTLY"));
    }
    match kind {
        Kind::ReindexObjectIndex | Kind::ReindexObjectTable => {
            let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing relation name"))?;
            let index = kind == Kind::ReindexObjectIndex;
            if crate::catalog_query::is_system_relation(&rv.schemaname, &rv.relname) {
                if concurrently {
                    return Err(system_catalogs());
                }
                return Ok(());
            }
            let qn = ctx.resolve_relation(rv)?;
            let partitioned = match ctx.catalog.relations.get(&qn) {
                Some(Relation::Index(i)) if index => {
                    ctx.catalog.table(&i.table).is_some_and(|t| t.partition_by.is_some())
                }
                Some(Relation::Table(t)) if !index => t.partition_by.is_some(),
                Some(Relation::View(v)) if !index && v.materialized => false,
                _ if index => return Err(PgError::wrong_object_type(&rv.relname, "an index")),
                _ => return Err(PgError::wrong_object_type(&rv.relname, "a table or materialized view")),
            };
            if partitioned && ctx.in_block {
                return Err(in_block(if index { "REINDEX INDEX" } else { "REINDEX TABLE" }));
            }
            let exclusion = match ctx.catalog.relations.get(&qn) {
                Some(Relation::Index(i)) => i.elements.iter().any(|e| e.contains(" WITH ")),
                _ => false,
            };
            if concurrently && exclusion {
                return Err(PgError::not_supported(
                    "concurrent index creation for exclusion constraints is not supported",
                ));
            }
        }
        Kind::ReindexObjectSchema | Kind::ReindexObjectSystem | Kind::ReindexObjectDatabase => {
            if ctx.in_block {
                let what = match kind {
                    Kind::ReindexObjectSchema => "REINDEX SCHEMA",
                    Kind::ReindexObjectSystem => "REINDEX SYSTEM",
                    _ => "REINDEX DATABASE",
                };
                return Err(in_block(what));
            }
            if kind == Kind::ReindexObjectSystem && concurrently {
                return Err(system_catalogs());
            }
            let system_schema = matches!(stmt.name.as_str(), "pg_catalog" | "information_schema" | "pg_toast");
            if kind == Kind::ReindexObjectSchema && !system_schema && !ctx.catalog.schemas.contains_key(&stmt.name) {
                return Err(PgError::undefined_schema(&stmt.name));
            }
        }
        Kind::Undefined => {}
    }
    Ok(())
}
