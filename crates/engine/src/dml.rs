//! DML, queries and DO blocks. Rows are not stored: INSERT/UPDATE/DELETE/SELECT are checked
//! against the schema (their tables and target columns must exist, with PostgreSQL's errors);
//! DO blocks whose body is plain SQL statements, optionally guarded by an EXCEPTION handler,
//! are executed; anything else in a DO block is reported as not simulated.

use crate::error::{PgError, PgResult};
use crate::session::{written, Ctx};
use pg_query::protobuf;
use pg_query::NodeEnum;
use schemasim_catalog::Relation;

/// Checks a DML statement or query against the current schema.
pub fn check(ctx: &mut Ctx<'_>, node: &NodeEnum) -> PgResult<()> {
    match node {
        NodeEnum::InsertStmt(s) => {
            let rv = s.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
            let qn = ctx.resolve_relation(rv)?;
            let columns: Vec<String> = match ctx.catalog.relations.get(&qn) {
                Some(Relation::Table(t)) => t.columns.iter().map(|c| c.name.clone()).collect(),
                Some(Relation::View(v)) => v.columns.clone(),
                _ => return Err(PgError::wrong_object_type(&written(rv), "a table")),
            };
            for c in &s.cols {
                if let Some(NodeEnum::ResTarget(rt)) = c.node.as_ref() {
                    if !columns.contains(&rt.name) {
                        return Err(PgError::undefined_column_of(&rt.name, &rv.relname));
                    }
                }
            }
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })
        }
        NodeEnum::UpdateStmt(s) => {
            let rv = s.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
            let qn = ctx.resolve_relation(rv)?;
            if let Some(Relation::Table(t)) = ctx.catalog.relations.get(&qn) {
                for c in &s.target_list {
                    if let Some(NodeEnum::ResTarget(rt)) = c.node.as_ref() {
                        if t.column(&rt.name).is_none() {
                            return Err(PgError::undefined_column_of(&rt.name, &rv.relname));
                        }
                    }
                }
            }
            check_relations(ctx, &protobuf::Node { node: Some(node.clone()) })
        }
        _ => check_relations(ctx, &protobuf::Node { node: Some(node.clone()) }),
    }
}

/// Every relation a statement reads must exist (CTE names and system catalogs excepted).
fn check_relations(ctx: &Ctx<'_>, tree: &protobuf::Node) -> PgResult<()> {
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
        if ctx.lookup_relation(&schema, &rel)?.is_none() {
            let w = if schema.is_empty() { rel } else { format!("{schema}.{rel}") };
            return Err(PgError::undefined_table(&w));
        }
    }
    Ok(())
}

/// `DO $$ ... $$`: runs the SQL statements of simple bodies.
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
    let wrapped =
        format!("CREATE FUNCTION schemasim_do() RETURNS void LANGUAGE plpgsql AS $schemasim${body}$schemasim$");
    let tree = match pg_query::parse_plpgsql(&wrapped) {
        Ok(t) => t,
        Err(e) => {
            let m = e.to_string();
            return Err(PgError::new("42601", m.strip_prefix("Invalid statement: ").unwrap_or(&m).to_string()));
        }
    };
    let Some(block) = tree.pointer("/0/PLpgSQL_function/action/PLpgSQL_stmt_block") else {
        ctx.not_simulated("effects of this DO block not simulated");
        return Ok(());
    };
    let statements = block.get("body").and_then(|b| b.as_array()).cloned().unwrap_or_default();
    let mut sql = Vec::new();
    for s in &statements {
        match s.pointer("/PLpgSQL_stmt_execsql/sqlstmt/PLpgSQL_expr/query").and_then(|q| q.as_str()) {
            Some(q) => sql.push(q.to_string()),
            None => {
                ctx.not_simulated(
                    "effects of this DO block not simulated (only plain SQL statements in DO bodies are run)",
                );
                return Ok(());
            }
        }
    }
    let handled: Vec<String> = block
        .pointer("/exceptions/PLpgSQL_exception_block/exc_list")
        .and_then(|l| l.as_array())
        .map(|l| {
            l.iter()
                .flat_map(|e| {
                    e.pointer("/PLpgSQL_exception/conditions").and_then(|c| c.as_array()).cloned().unwrap_or_default()
                })
                .filter_map(|c| c.pointer("/PLpgSQL_condition/condname").and_then(|n| n.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let snapshot = ctx.catalog.clone();
    for q in sql {
        let parsed = pg_query::parse(&q).map_err(|e| PgError::new("42601", e.to_string()))?;
        for raw in parsed.protobuf.stmts {
            let Some(node) = raw.stmt.and_then(|s| s.node) else {
                continue;
            };
            if let Err(e) = crate::statement::execute(ctx, &node) {
                if handled.iter().any(|h| condition_matches(h, &e.sqlstate)) {
                    // The block's changes are rolled back to its start, then the handler runs.
                    ctx.catalog = snapshot;
                    return Ok(());
                }
                return Err(e);
            }
        }
    }
    Ok(())
}

/// PL/pgSQL condition names (errcodes.txt) for the SQLSTATEs the simulator raises.
fn condition_matches(condition: &str, sqlstate: &str) -> bool {
    match condition {
        "others" => true,
        "duplicate_object" => sqlstate == "42710",
        "duplicate_table" => sqlstate == "42P07",
        "duplicate_column" => sqlstate == "42701",
        "duplicate_function" => sqlstate == "42723",
        "duplicate_schema" => sqlstate == "42P06",
        "undefined_object" => sqlstate == "42704",
        "undefined_table" => sqlstate == "42P01",
        "undefined_column" => sqlstate == "42703",
        "undefined_function" => sqlstate == "42883",
        "invalid_schema_name" => sqlstate == "3F000",
        "dependent_objects_still_exist" => sqlstate == "2BP01",
        "feature_not_supported" => sqlstate == "0A000",
        _ => false,
    }
}
