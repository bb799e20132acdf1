//! DML, queries and DO blocks. Rows are not stored: INSERT/UPDATE/DELETE/SELECT are checked
//! against the schema (their tables and target columns must exist, with PostgreSQL's errors);
//! a query's `set_config('search_path', ...)` calls change the session's search_path; DO
//! blocks run through the PL/pgSQL interpreter ([`crate::plpgsql`]).

use crate::error::{PgError, PgResult};
use crate::session::{written, Ctx};
use pg_query::protobuf;
use pg_query::NodeEnum;
use schemasim_catalog::Relation;

/// Checks a DML statement or query against the current schema.
pub fn check(ctx: &mut Ctx<'_>, node: &NodeEnum) -> PgResult<()> {
    let target = match node {
        NodeEnum::InsertStmt(s) => s.relation.as_ref(),
        NodeEnum::UpdateStmt(s) => s.relation.as_ref(),
        NodeEnum::DeleteStmt(s) => s.relation.as_ref(),
        _ => None,
    };
    if let Some(rv) = target {
        if crate::catalog_query::is_system_relation(&rv.schemaname, &rv.relname) {
            // A superuser may change system catalogs with DML (lemmy flips pg_index.indisready).
            ctx.not_simulated(format!("changes to the system catalog {} are not simulated", rv.relname));
            return Ok(());
        }
    }
    match node {
        NodeEnum::InsertStmt(s) => {
            let rv = s.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
            let qn = resolve(ctx, rv)?;
            let columns: Vec<String> = match ctx.catalog.relations.get(&qn) {
                Some(Relation::Table(t)) => t.columns.iter().map(|c| c.name.clone()).collect(),
                Some(Relation::View(v)) => v.columns.clone(),
                _ => return Err(PgError::wrong_object_type(&written(rv), "a table")),
            };
            for c in &s.cols {
                if let Some(NodeEnum::ResTarget(rt)) = c.node.as_ref() {
                    if !columns.contains(&rt.name) {
                        return Err(PgError::undefined_column_of(&rt.name, &rv.relname).at(rt.location));
                    }
                }
            }
            if let Some(Relation::Table(t)) = ctx.catalog.relations.get(&qn) {
                check_insert_values(t, s)?;
            }
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })?;
            check_insert_query(ctx, s)
        }
        NodeEnum::UpdateStmt(s) => {
            let rv = s.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
            let qn = resolve(ctx, rv)?;
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })?;
            let mut values = Vec::new();
            for t in &s.target_list {
                let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else { continue };
                match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                    Some(NodeEnum::SetToDefault(_)) | None => {}
                    Some(NodeEnum::MultiAssignRef(m)) if m.colno == 1 => values.extend(m.source.as_deref().cloned()),
                    Some(NodeEnum::MultiAssignRef(_)) => {}
                    Some(_) => values.extend(rt.val.as_deref().cloned()),
                }
            }
            values.extend(s.returning_list.iter().filter_map(|r| match r.node.as_ref() {
                Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref().cloned(),
                _ => None,
            }));
            let query = DmlQuery { with: s.with_clause.as_ref(), target: s.relation.as_ref(), from: &s.from_clause };
            // Parse analysis reads FROM, WHERE, RETURNING and the SET values before it looks up
            // the SET columns (transformUpdateStmt).
            check_dml_query(ctx, query, values, s.where_clause.as_deref())?;
            if let Some(Relation::Table(t)) = ctx.catalog.relations.get(&qn) {
                for c in &s.target_list {
                    if let Some(NodeEnum::ResTarget(rt)) = c.node.as_ref() {
                        let Some(column) = t.column(&rt.name) else {
                            return Err(PgError::undefined_column_of(&rt.name, &rv.relname).at(rt.location));
                        };
                        let to_default =
                            matches!(rt.val.as_ref().and_then(|v| v.node.as_ref()), Some(NodeEnum::SetToDefault(_)));
                        if let Some(detail) = generated_always(column).filter(|_| !to_default) {
                            return Err(PgError::new(
                                "428C9",
                                format!("column \"{}\" can only be updated to DEFAULT", rt.name),
                            )
                            .with_detail(detail));
                        }
                    }
                }
            }
            Ok(())
        }
        NodeEnum::DeleteStmt(s) => {
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })?;
            let values = s
                .returning_list
                .iter()
                .filter_map(|r| match r.node.as_ref() {
                    Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref().cloned(),
                    _ => None,
                })
                .collect();
            let query = DmlQuery { with: s.with_clause.as_ref(), target: s.relation.as_ref(), from: &s.using_clause };
            check_dml_query(ctx, query, values, s.where_clause.as_deref())
        }
        NodeEnum::SelectStmt(select) => {
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })?;
            check_query_names(ctx, ctx.source)?;
            crate::unknown_function::check(&ctx.catalog, &ctx.search_path_schemas(), node)?;
            set_config_calls(ctx, select)
        }
        _ => check_relations(ctx, &protobuf::Node { node: Some(node.clone()) }),
    }
}

/// `INSERT ... SELECT`: the query's names are analysed as a top-level SELECT's are (with the
/// INSERT's WITH clause, which the query sees).
fn check_insert_query(ctx: &Ctx<'_>, s: &protobuf::InsertStmt) -> PgResult<()> {
    let Some(NodeEnum::SelectStmt(select)) = s.select_stmt.as_ref().and_then(|n| n.node.as_ref()) else {
        return Ok(());
    };
    if !select.values_lists.is_empty() {
        return Ok(());
    }
    let mut query = select.clone();
    match (&s.with_clause, &query.with_clause) {
        (Some(_), Some(_)) => return Ok(()),
        (Some(w), None) => query.with_clause = Some(w.clone()),
        _ => {}
    }
    match NodeEnum::SelectStmt(query).deparse() {
        Ok(text) => check_query_names(ctx, &text),
        Err(_) => Ok(()),
    }
}

/// The parts of an UPDATE or DELETE that read like a query's FROM list.
struct DmlQuery<'q> {
    with: Option<&'q protobuf::WithClause>,
    target: Option<&'q protobuf::RangeVar>,
    from: &'q [protobuf::Node],
}

/// UPDATE / DELETE: their names resolve as those of `WITH ... SELECT <SET values, RETURNING>
/// FROM target, <FROM/USING items> WHERE ...` do, and PostgreSQL analyses every CTE, referenced
/// or not. `WHERE CURRENT OF` is left alone.
fn check_dml_query(
    ctx: &Ctx<'_>,
    q: DmlQuery<'_>,
    values: Vec<protobuf::Node>,
    where_clause: Option<&protobuf::Node>,
) -> PgResult<()> {
    if where_clause.is_some_and(|w| matches!(w.node, Some(NodeEnum::CurrentOfExpr(_)))) {
        return Ok(());
    }
    let Ok(one) = pg_query::parse("SELECT 1") else { return Ok(()) };
    let Some(NodeEnum::SelectStmt(mut query)) =
        one.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node)
    else {
        return Ok(());
    };
    query.with_clause = q.with.cloned();
    if !values.is_empty() {
        query.target_list = values
            .into_iter()
            .map(|v| protobuf::Node {
                node: Some(NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
                    val: Some(Box::new(v)),
                    ..Default::default()
                }))),
            })
            .collect();
    }
    if let Some(rv) = q.target {
        let mut rv = rv.clone();
        rv.inh = true;
        query.from_clause.push(protobuf::Node { node: Some(NodeEnum::RangeVar(rv)) });
    }
    query.from_clause.extend(q.from.iter().cloned());
    query.where_clause = where_clause.map(|w| Box::new(w.clone()));
    match NodeEnum::SelectStmt(query).deparse() {
        Ok(text) => check_query_names(ctx, &text),
        Err(_) => Ok(()),
    }
}

/// Why a column only takes its default: a generated column, or an identity column defined as
/// GENERATED ALWAYS (the DETAIL of PostgreSQL's 428C9 errors).
fn generated_always(column: &schemasim_catalog::Column) -> Option<String> {
    if column.generated.is_some() {
        Some(format!("Column \"{}\" is a generated column.", column.name))
    } else if column.identity == Some(schemasim_catalog::Identity::Always) {
        Some(format!("Column \"{}\" is an identity column defined as GENERATED ALWAYS.", column.name))
    } else {
        None
    }
}

/// INSERT ... VALUES into a table: no row may have more values than target columns (parse
/// analysis), and the rewriter rejects a value other than DEFAULT, in any row, for a generated
/// column, and for a GENERATED ALWAYS identity column unless OVERRIDING SYSTEM VALUE (or USER
/// VALUE, which discards it) is given.
fn check_insert_values(table: &schemasim_catalog::Table, s: &protobuf::InsertStmt) -> PgResult<()> {
    let Some(NodeEnum::SelectStmt(select)) = s.select_stmt.as_ref().and_then(|n| n.node.as_ref()) else {
        return Ok(());
    };
    let targets: Vec<&schemasim_catalog::Column> = if s.cols.is_empty() {
        table.columns.iter().collect()
    } else {
        s.cols
            .iter()
            .filter_map(|c| match c.node.as_ref() {
                Some(NodeEnum::ResTarget(rt)) => table.column(&rt.name),
                _ => None,
            })
            .collect()
    };
    let overriding = protobuf::OverridingKind::try_from(s.r#override).unwrap_or(protobuf::OverridingKind::Undefined);
    for row in &select.values_lists {
        let Some(NodeEnum::List(values)) = row.node.as_ref() else { continue };
        if values.items.len() > targets.len() {
            return Err(PgError::new("42601", "INSERT has more expressions than target columns"));
        }
        if !s.cols.is_empty() && values.items.len() < targets.len() {
            return Err(PgError::new("42601", "INSERT has more target columns than expressions"));
        }
        for (value, column) in values.items.iter().zip(&targets) {
            if matches!(value.node.as_ref(), Some(NodeEnum::SetToDefault(_))) {
                continue;
            }
            let identity_overridden = column.identity == Some(schemasim_catalog::Identity::Always)
                && matches!(
                    overriding,
                    protobuf::OverridingKind::OverridingSystemValue | protobuf::OverridingKind::OverridingUserValue
                );
            let Some(detail) = generated_always(column).filter(|_| !identity_overridden) else { continue };
            let error =
                PgError::new("428C9", format!("cannot insert a non-DEFAULT value into column \"{}\"", column.name))
                    .with_detail(detail);
            return Err(if column.generated.is_none() {
                error.with_hint("Use OVERRIDING SYSTEM VALUE to override.")
            } else {
                error
            });
        }
    }
    Ok(())
}

/// System columns every table has; the name analysis does not model them.
pub(crate) const SYSTEM_COLUMNS: &[&str] = &["tableoid", "ctid", "xmin", "xmax", "cmin", "cmax"];

/// Parse analysis of a query: its columns must exist and be unambiguous. Only the name errors
/// of the analysis are reported (42703 undefined column, 42702 ambiguous column, 42P01 missing
/// FROM entry) and literals that are not labels of the enum column they are compared with
/// (22P02); anything else the analysis does not model is left to the server.
/// System columns (`ctid`, `tableoid`...) and data-modifying CTEs are not modelled by the
/// analysis, so queries using them are not checked.
pub fn check_query_names(ctx: &Ctx<'_>, text: &str) -> PgResult<()> {
    match crate::ddl::query::analyze(&ctx.catalog, &ctx.search_path_schemas(), text) {
        Err(e) if SYSTEM_COLUMNS.iter().any(|c| e.message.contains(c)) => Ok(()),
        Err(e) if matches!(e.sqlstate.as_str(), "42703" | "42702" | "42P01") && !has_modifying_cte(text) => Err(e),
        // A literal compared with an enum column is read as a label at parse analysis.
        Err(e) if e.sqlstate == "22P02" && e.message.starts_with("invalid input value for enum ") => Err(e),
        _ => Ok(()),
    }
}

fn has_modifying_cte(text: &str) -> bool {
    let Ok(parsed) = pg_query::parse(text) else { return false };
    parsed.protobuf.stmts.iter().filter_map(|s| s.stmt.as_deref()).any(|tree| {
        crate::expr::find_all(tree, "CommonTableExpr").iter().any(|cte| {
            cte.pointer("/ctequery/node").and_then(|n| n.as_object()).is_some_and(|n| {
                n.contains_key("InsertStmt") || n.contains_key("UpdateStmt") || n.contains_key("DeleteStmt")
            })
        })
    })
}

/// A relation a query names; a missing schema is reported as a missing relation, as the
/// server does for queries (`relation "nosuch.t" does not exist`).
fn resolve(ctx: &Ctx<'_>, rv: &protobuf::RangeVar) -> PgResult<schemasim_catalog::QualName> {
    match ctx.lookup_relation(&rv.schemaname, &rv.relname) {
        Ok(Some(qn)) => Ok(qn),
        _ => Err(PgError::undefined_table(&written(rv))),
    }
}

/// The relation checks [`check`] makes, for queries run inside DO blocks.
pub fn check_relations_of(ctx: &Ctx<'_>, node: &NodeEnum) -> PgResult<()> {
    check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })
}

/// `SELECT set_config('search_path', '...', false)` (pg_dump's header writes
/// `SELECT pg_catalog.set_config('search_path', '', false);`): PostgreSQL changes the setting
/// like `SET` would, or until the end of the transaction when `is_local` is true. The query
/// is evaluated for its set_config calls; other settings do not change the schema.
fn set_config_calls(ctx: &mut Ctx<'_>, select: &protobuf::SelectStmt) -> PgResult<()> {
    let calls =
        crate::expr::function_calls(&protobuf::Node { node: Some(NodeEnum::SelectStmt(Box::new(select.clone()))) });
    if !calls.iter().any(|n| n.last().is_some_and(|l| l == "set_config")) {
        return Ok(());
    }
    let mut state = crate::catalog_query::EvalState::default();
    let rows = {
        let mut ev = crate::catalog_query::Evaluator::new(&mut *ctx, &crate::catalog_query::NoVariables, &mut state);
        ev.run_select(select)?
    };
    if rows.is_none() {
        ctx.not_simulated("set_config() in this query was not simulated: the query could not be evaluated");
    }
    if let Some(path) = state.search_path_before_local.take() {
        // Outside a transaction block the statement's own transaction ends here.
        *ctx.search_path = path;
    }
    Ok(())
}

/// Every relation a statement reads must exist (CTE names and system catalogs excepted); a
/// missing schema is reported as a missing relation, as parse analysis does.
pub(crate) fn check_relations(ctx: &Ctx<'_>, tree: &protobuf::Node) -> PgResult<()> {
    let ctes: Vec<String> = crate::expr::find_all(tree, "CommonTableExpr")
        .iter()
        .filter_map(|c| c.get("ctename").and_then(|n| n.as_str()).map(str::to_string))
        .collect();
    for (schema, rel) in crate::expr::range_vars(tree) {
        if (schema.is_empty() && ctes.contains(&rel))
            || schema == "pg_catalog"
            || schema == "information_schema"
            || (schema.is_empty() && rel.starts_with("pg_"))
        {
            continue;
        }
        if !matches!(ctx.lookup_relation(&schema, &rel), Ok(Some(_))) {
            let w = if schema.is_empty() { rel } else { format!("{schema}.{rel}") };
            return Err(PgError::undefined_table(&w));
        }
    }
    Ok(())
}

/// `CALL proc(args)`: a `LANGUAGE plpgsql` procedure with IN parameters only, whose arguments
/// the simulator can compute, is run by the PL/pgSQL interpreter (what its body does, like
/// EXECUTE of computed DDL, happens in the catalog); anything else is reported as not simulated.
pub fn call(ctx: &mut Ctx<'_>, stmt: &protobuf::CallStmt) -> PgResult<()> {
    let Some(fc) = stmt.funccall.as_ref() else {
        ctx.not_simulated("CallStmt: effects of this statement are not simulated");
        return Ok(());
    };
    let names = crate::types::name_list(&fc.funcname);
    let written_name = names.join(".");
    let (schema, name) = match names.as_slice() {
        [n] => (None, n.clone()),
        [s, n] => (Some(s.clone()), n.clone()),
        _ => {
            ctx.not_simulated(format!("CALL {written_name}: not simulated"));
            return Ok(());
        }
    };
    let schemas = match &schema {
        Some(s) => vec![s.clone()],
        None => ctx.search_path_schemas(),
    };
    let nargs = fc.args.len();
    let found = schemas.iter().find_map(|sc| {
        let mut candidates = ctx.catalog.functions.values().filter(|f| {
            f.procedure && f.key.name.schema == *sc && f.key.name.name == name && f.key.arg_types.len() == nargs
        });
        candidates.next().map(|f| (f.clone(), candidates.next().is_some()))
    });
    let Some((procedure, false)) = found else {
        ctx.not_simulated(format!("CALL {written_name}: the procedure called is not simulated"));
        return Ok(());
    };
    if procedure.language != "plpgsql" || !only_in_parameters(&procedure.definition, nargs) {
        ctx.not_simulated(format!(
            "CALL {written_name}: only LANGUAGE plpgsql procedures with IN parameters are run; not simulated"
        ));
        return Ok(());
    }
    let mut args = Vec::with_capacity(nargs);
    for a in &fc.args {
        let value = match a.node.as_ref() {
            Some(NodeEnum::NamedArgExpr(_)) => crate::catalog_query::Value::Unknown,
            _ => {
                let text = crate::expr::deparse_expr(a)?;
                let mut state = crate::catalog_query::EvalState::default();
                crate::catalog_query::Evaluator::new(ctx, &crate::catalog_query::NoVariables, &mut state)
                    .expression(&text)?
            }
        };
        if value.is_unknown() {
            ctx.not_simulated(format!("CALL {written_name}: an argument the simulator cannot compute; not simulated"));
            return Ok(());
        }
        args.push(value);
    }
    crate::plpgsql::call(ctx, &written_name, &procedure.definition, args)
}

/// Whether a CREATE PROCEDURE text declares exactly `n` parameters, all IN.
fn only_in_parameters(definition: &str, n: usize) -> bool {
    let Ok(parsed) = pg_query::parse(definition) else { return false };
    let Some(NodeEnum::CreateFunctionStmt(f)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return false;
    };
    f.parameters.len() == n
        && f.parameters.iter().all(|p| match p.node.as_ref() {
            Some(NodeEnum::FunctionParameter(p)) => matches!(
                protobuf::FunctionParameterMode::try_from(p.mode),
                Ok(protobuf::FunctionParameterMode::FuncParamIn | protobuf::FunctionParameterMode::FuncParamDefault)
            ),
            _ => false,
        })
}

/// `DO [LANGUAGE lang] $$ body $$`: PostgreSQL runs the body as an anonymous function in the
/// statement's transaction. PL/pgSQL bodies are interpreted ([`crate::plpgsql`]); an unhandled
/// error in the body fails the DO statement with that error. Other languages are reported as
/// not simulated.
pub fn do_block(ctx: &mut Ctx<'_>, stmt: &protobuf::DoStmt) -> PgResult<()> {
    let mut body = None;
    let mut language = "plpgsql".to_string();
    for a in &stmt.args {
        if let Some(NodeEnum::DefElem(d)) = a.node.as_ref() {
            if let Some(NodeEnum::String(s)) = d.arg.as_ref().and_then(|x| x.node.as_ref()) {
                match d.defname.as_str() {
                    "as" => body = Some(s.sval.clone()),
                    "language" => language = s.sval.clone(),
                    _ => {}
                }
            }
        }
    }
    let Some(body) = body else { return Ok(()) };
    if language != "plpgsql" {
        ctx.not_simulated(format!("effects of this DO block (LANGUAGE {language}) not simulated"));
        return Ok(());
    }
    crate::plpgsql::run(ctx, &body)
}

/// `COPY table (columns) ...`: the named columns must exist and not be generated (the rows
/// themselves are not simulated).
pub fn copy_columns(ctx: &mut Ctx<'_>, stmt: &protobuf::CopyStmt) -> PgResult<()> {
    let Some(rv) = stmt.relation.as_ref() else { return Ok(()) };
    let Ok(Some(qn)) = ctx.lookup_relation(&rv.schemaname, &rv.relname) else { return Ok(()) };
    let Some(Relation::Table(t)) = ctx.catalog.relations.get(&qn) else { return Ok(()) };
    for c in &stmt.attlist {
        let Some(NodeEnum::String(name)) = c.node.as_ref() else { continue };
        match t.column(&name.sval) {
            None => return Err(PgError::undefined_column_of(&name.sval, &rv.relname)),
            Some(col) if col.generated.is_some() => {
                return Err(PgError::new("42P10", format!("column \"{}\" is a generated column", name.sval))
                    .with_detail("Generated columns cannot be used in COPY."));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// `VACUUM` / `ANALYZE` with column lists: each column must exist in its table.
pub fn vacuum_columns(ctx: &mut Ctx<'_>, stmt: &protobuf::VacuumStmt) -> PgResult<()> {
    for r in &stmt.rels {
        let Some(NodeEnum::VacuumRelation(vr)) = r.node.as_ref() else { continue };
        let Some(rv) = vr.relation.as_ref() else { continue };
        let Ok(Some(qn)) = ctx.lookup_relation(&rv.schemaname, &rv.relname) else { continue };
        let Some(Relation::Table(t)) = ctx.catalog.relations.get(&qn) else { continue };
        for c in &vr.va_cols {
            let Some(NodeEnum::String(name)) = c.node.as_ref() else { continue };
            if t.column(&name.sval).is_none() {
                return Err(PgError::undefined_column_of(&name.sval, &rv.relname));
            }
        }
    }
    Ok(())
}
