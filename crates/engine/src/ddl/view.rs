//! CREATE [OR REPLACE] VIEW and CREATE MATERIALIZED VIEW: the query's relations must exist;
//! output column names follow PostgreSQL's FigureColname; the view depends on every relation
//! and column it reads, which blocks DROP and ALTER COLUMN TYPE on them.

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::session::{written, Ctx};
use crate::types::name_list;
use pg_query::protobuf::{self, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{QualName, Relation, View};

/// What the query reads: relations in FROM order (CTE names excluded) and output columns.
struct Analysis {
    relations: Vec<QualName>,
    columns: Vec<String>,
    column_deps: Vec<(QualName, String)>,
}

fn relation_columns(ctx: &Ctx<'_>, qn: &QualName) -> Vec<String> {
    match ctx.catalog.relations.get(qn) {
        Some(Relation::Table(t)) => t.columns.iter().map(|c| c.name.clone()).collect(),
        Some(Relation::View(v)) => v.columns.clone(),
        _ => Vec::new(),
    }
}

fn analyse(ctx: &Ctx<'_>, query: &protobuf::Node) -> PgResult<Analysis> {
    let ctes: Vec<String> = expr::find_all(query, "CommonTableExpr")
        .iter()
        .filter_map(|c| c.get("ctename").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    let mut relations = Vec::new();
    for (schema, rel) in expr::range_vars(query) {
        if schema.is_empty() && ctes.contains(&rel) {
            continue;
        }
        if schema == "pg_catalog" || schema == "information_schema" || (schema.is_empty() && rel.starts_with("pg_")) {
            continue;
        }
        match ctx.lookup_relation(&schema, &rel)? {
            Some(qn) => {
                if !relations.contains(&qn) {
                    relations.push(qn)
                }
            }
            None => {
                let w = if schema.is_empty() { rel } else { format!("{schema}.{rel}") };
                return Err(PgError::undefined_table(&w));
            }
        }
    }
    let mut column_deps = Vec::new();
    for name in expr::column_refs(query) {
        if let Some(t) = relations.iter().find(|qn| relation_columns(ctx, qn).contains(&name)) {
            column_deps.push((t.clone(), name));
        }
    }
    let mut columns = Vec::new();
    // The output columns of the top-level SELECT (the first arm of a UNION).
    let mut select: Option<&protobuf::SelectStmt> = match query.node.as_ref() {
        Some(NodeEnum::SelectStmt(s)) => Some(s),
        _ => None,
    };
    while let Some(s) = select {
        if let Some(left) = s.larg.as_deref().filter(|_| s.target_list.is_empty()) {
            select = Some(left);
            continue;
        }
        for t in &s.target_list {
            let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else {
                continue;
            };
            if !rt.name.is_empty() {
                columns.push(rt.name.clone());
                continue;
            }
            match rt.val.as_ref().and_then(|v| v.node.as_ref()) {
                Some(NodeEnum::ColumnRef(cr)) => {
                    let star = cr.fields.last().is_some_and(|f| matches!(f.node, Some(NodeEnum::AStar(_))));
                    if star {
                        let qualifier = name_list(&cr.fields);
                        for qn in &relations {
                            if qualifier.is_empty() || qualifier.last() == Some(&qn.name) {
                                for c in relation_columns(ctx, qn) {
                                    column_deps.push((qn.clone(), c.clone()));
                                    columns.push(c);
                                }
                            }
                        }
                    } else {
                        columns.push(name_list(&cr.fields).pop().unwrap_or_else(|| "?column?".into()));
                    }
                }
                Some(other) => columns.push(figure_colname(other)),
                None => columns.push("?column?".into()),
            }
        }
        break;
    }
    Ok(Analysis { relations, columns, column_deps })
}

/// PostgreSQL's FigureColname for an unnamed target expression.
fn figure_colname(node: &NodeEnum) -> String {
    match node {
        NodeEnum::FuncCall(fc) => name_list(&fc.funcname).pop().unwrap_or_else(|| "?column?".into()),
        NodeEnum::TypeCast(tc) => match tc.arg.as_ref().and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::ColumnRef(cr)) => name_list(&cr.fields).pop().unwrap_or_else(|| "?column?".into()),
            Some(inner @ NodeEnum::FuncCall(_)) => figure_colname(inner),
            _ => tc.type_name.as_ref().and_then(|t| name_list(&t.names).pop()).unwrap_or_else(|| "?column?".into()),
        },
        NodeEnum::CoalesceExpr(_) => "coalesce".into(),
        NodeEnum::CaseExpr(_) => "case".into(),
        NodeEnum::MinMaxExpr(m) => {
            if m.op == 1 {
                "greatest".into()
            } else {
                "least".into()
            }
        }
        NodeEnum::SubLink(_) => "exists".into(),
        NodeEnum::AArrayExpr(_) => "array".into(),
        NodeEnum::RowExpr(_) => "row".into(),
        _ => "?column?".into(),
    }
}

/// `CREATE [OR REPLACE] VIEW`.
pub fn create_view(ctx: &mut Ctx<'_>, stmt: &protobuf::ViewStmt) -> PgResult<()> {
    let rv = stmt.view.as_ref().ok_or_else(|| PgError::new("42601", "missing view name"))?;
    let query = stmt.query.as_deref().ok_or_else(|| PgError::new("42601", "missing query"))?;
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let qn = QualName::new(schema, rv.relname.clone());
    let analysis = analyse(ctx, query)?;
    let mut columns = analysis.columns;
    for (i, alias) in name_list(&stmt.aliases).into_iter().enumerate() {
        if i < columns.len() {
            columns[i] = alias;
        }
    }
    let existing = ctx.catalog.relations.get(&qn).cloned();
    let mut seq = None;
    match existing {
        Some(Relation::View(old)) if !old.materialized => {
            if !stmt.replace {
                return Err(PgError::duplicate_relation(&rv.relname));
            }
            if columns.len() < old.columns.len() {
                return Err(PgError::new("42P16", "cannot drop columns from view"));
            }
            for (o, n) in old.columns.iter().zip(&columns) {
                if o != n {
                    return Err(PgError::new("42P16", format!("cannot change name of view column \"{o}\" to \"{n}\""))
                        .with_hint("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead."));
                }
            }
            seq = Some(old.seq);
        }
        Some(r) => {
            if stmt.replace {
                return Err(PgError::wrong_object_type(&rv.relname, "a view"));
            }
            let _ = r;
            return Err(PgError::duplicate_relation(&rv.relname));
        }
        None => {}
    }
    let seq = seq.unwrap_or_else(|| ctx.catalog.allocate_seq());
    let check_option = match stmt.with_check_option {
        2 => Some("LOCAL".to_string()),
        3 => Some("CASCADED".to_string()),
        _ => None,
    };
    let view = View {
        name: qn.clone(),
        seq,
        materialized: false,
        query: deparse_query(query)?,
        columns,
        depends_on: analysis.relations,
        column_deps: analysis.column_deps,
        options: super::reloptions(&stmt.options),
        check_option,
        with_data: true,
        comment: None,
        column_comments: Vec::new(),
        grants: Vec::new(),
        owner: None,
    };
    ctx.catalog.relations.insert(qn, Relation::View(view));
    Ok(())
}

fn deparse_query(query: &protobuf::Node) -> PgResult<String> {
    query.deparse().map_err(|e| PgError::new("XX000", format!("could not deparse query: {e}")))
}

/// `CREATE MATERIALIZED VIEW` and `CREATE TABLE ... AS`.
pub fn create_table_as(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateTableAsStmt) -> PgResult<()> {
    let into = stmt.into.as_ref().ok_or_else(|| PgError::new("42601", "missing target"))?;
    let rv = into.rel.as_ref().ok_or_else(|| PgError::new("42601", "missing target"))?;
    let query = stmt.query.as_deref().ok_or_else(|| PgError::new("42601", "missing query"))?;
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let qn = QualName::new(schema, rv.relname.clone());
    if ctx.catalog.relations.contains_key(&qn) {
        if stmt.if_not_exists {
            ctx.notice(format!("relation \"{}\" already exists, skipping", rv.relname));
            return Ok(());
        }
        return Err(PgError::duplicate_relation(&written(rv)));
    }
    let analysis = analyse(ctx, query)?;
    let mut columns = analysis.columns;
    for (i, alias) in name_list(&into.col_names).into_iter().enumerate() {
        if i < columns.len() {
            columns[i] = alias;
        }
    }
    let materialized = ObjectType::try_from(stmt.objtype) == Ok(ObjectType::ObjectMatview);
    if !materialized {
        ctx.not_simulated("CREATE TABLE AS: column types of the new table are not inferred (recorded as text)");
        let seq = ctx.catalog.allocate_seq();
        let mut t = schemasim_catalog::Table { name: qn.clone(), seq, ..Default::default() };
        t.columns = columns.into_iter().map(|c| schemasim_catalog::Column::new(c, "text")).collect();
        ctx.catalog.relations.insert(qn, Relation::Table(t));
        return Ok(());
    }
    let seq = ctx.catalog.allocate_seq();
    let view = View {
        name: qn.clone(),
        seq,
        materialized: true,
        query: deparse_query(query)?,
        columns,
        depends_on: analysis.relations,
        column_deps: analysis.column_deps,
        options: super::reloptions(&into.options),
        check_option: None,
        with_data: !into.skip_data,
        comment: None,
        column_comments: Vec::new(),
        grants: Vec::new(),
        owner: None,
    };
    ctx.catalog.relations.insert(qn, Relation::View(view));
    Ok(())
}
