//! CREATE [OR REPLACE] VIEW and CREATE MATERIALIZED VIEW: the query's relations must exist;
//! output column names follow PostgreSQL's FigureColname; the view depends on every relation
//! and column it reads, which blocks DROP and ALTER COLUMN TYPE on them.

use super::query::{analyze, apply_edits, name_tokens_in, scan_tokens, Analysis, Edit};
use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use crate::types::name_list;
use pg_query::protobuf::{self, ObjectType};
use schemasim_catalog::{quote_ident, QualName, Relation, View, ViewDef};

/// What a view's query reads and the text to store: relations schema-qualified and `*`
/// written out as the columns it stood for when the view was created, so the stored query
/// means the same whatever the search_path and whatever columns its tables get later.
pub struct Prepared {
    pub text: String,
    pub analysis: Analysis,
}

pub fn prepare_query(ctx: &Ctx<'_>, query: &protobuf::Node) -> PgResult<Prepared> {
    let text = deparse_query(query)?;
    if !matches!(query.node, Some(pg_query::NodeEnum::SelectStmt(_))) {
        // CREATE TABLE ... AS EXECUTE: what the prepared statement returns is not known.
        return Ok(Prepared { text, analysis: Analysis::default() });
    }
    let search_path = ctx.search_path_schemas();
    let first = analyze(&ctx.catalog, &search_path, &text)?;
    let mut edits = Vec::new();
    for r in first.relation_uses.iter().filter(|r| !r.qualified) {
        edits.push(Edit { start: r.location, end: r.location, text: format!("{}.", quote_ident(&r.table.schema)) });
    }
    let tokens = if first.stars.is_empty() { Vec::new() } else { scan_tokens(&text) };
    for s in &first.stars {
        if let Some(&(_, end)) = name_tokens_in(&text, &tokens, s.location).last() {
            edits.push(Edit { start: s.location, end, text: s.expansion.clone() });
        }
    }
    if edits.is_empty() {
        // The stored text is the text analysed: a second analysis would give the same result.
        return Ok(Prepared { text, analysis: first });
    }
    let stored = apply_edits(&text, edits);
    if first.stars.is_empty() {
        // Only relations were schema-qualified: each names the relation it resolved to, with
        // the same reference name, so the stored text reads the same relations and columns in
        // the same order and analyses without error; what callers use of it (relations,
        // column_deps, and the output columns taken from `first` anyway) is `first`'s.
        return Ok(Prepared { text: stored, analysis: first });
    }
    match analyze(&ctx.catalog, &search_path, &stored) {
        Ok(mut analysis) => {
            analysis.columns = first.columns;
            analysis.column_types = first.column_types;
            Ok(Prepared { text: stored, analysis })
        }
        Err(_) => Ok(Prepared { text, analysis: first }),
    }
}

/// Output column names of a view must be unique.
fn check_unique_columns(columns: &[String]) -> PgResult<()> {
    for (i, c) in columns.iter().enumerate() {
        if columns[..i].contains(c) {
            return Err(PgError::new("42701", format!("column \"{c}\" specified more than once")));
        }
    }
    Ok(())
}

/// `CREATE [OR REPLACE] VIEW`.
pub fn create_view(ctx: &mut Ctx<'_>, stmt: &protobuf::ViewStmt) -> PgResult<()> {
    let rv = stmt.view.as_ref().ok_or_else(|| PgError::new("42601", "missing view name"))?;
    let query = stmt.query.as_deref().ok_or_else(|| PgError::new("42601", "missing query"))?;
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let qn = QualName::new(schema, rv.relname.clone());
    let Prepared { text, analysis } = prepare_query(ctx, query)?;
    let mut columns = analysis.columns;
    let aliases = name_list(&stmt.aliases);
    if aliases.len() > columns.len() {
        return Err(PgError::new("42601", "CREATE VIEW specifies more column names than columns"));
    }
    for (i, alias) in aliases.into_iter().enumerate() {
        columns[i] = alias;
    }
    check_unique_columns(&columns)?;
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
    let view: View = ViewDef {
        name: qn.clone(),
        seq,
        materialized: false,
        query: text,
        columns,
        column_types: analysis.column_types,
        depends_on: analysis.relations,
        column_deps: analysis.column_deps,
        options: super::reloptions(&stmt.options),
        check_option,
        with_data: true,
        comment: None,
        column_comments: Vec::new(),
        grants: Vec::new(),
        owner: None,
    }
    .into();
    ctx.catalog.relations.insert(qn, Relation::View(view));
    Ok(())
}

fn deparse_query(query: &protobuf::Node) -> PgResult<String> {
    query.deparse().map_err(|e| PgError::new("XX000", format!("could not deparse query: {e}")))
}

/// The INTO clause of a top-level SELECT: PostgreSQL reads it on the leftmost SELECT of a
/// UNION/INTERSECT/EXCEPT tree (`transformOptionalSelectInto`).
pub fn select_into_clause(stmt: &protobuf::SelectStmt) -> Option<&protobuf::IntoClause> {
    let mut leftmost = stmt;
    while let Some(larg) = leftmost.larg.as_deref() {
        leftmost = larg;
    }
    leftmost.into_clause.as_deref()
}

/// `SELECT ... INTO [TEMP | UNLOGGED] [TABLE] t FROM ...`: PostgreSQL's parse analysis turns it
/// into `CREATE TABLE t AS SELECT ...` (`transformOptionalSelectInto`: the INTO clause is taken
/// off the leftmost SELECT and becomes the target), so it creates `t` with the query's output
/// columns and fails as CREATE TABLE AS does (`relation "t" already exists`; no IF NOT EXISTS
/// form exists).
pub fn select_into(ctx: &mut Ctx<'_>, stmt: &protobuf::SelectStmt) -> PgResult<()> {
    let mut query = stmt.clone();
    let mut leftmost = &mut query;
    while leftmost.larg.is_some() {
        let Some(larg) = leftmost.larg.as_deref_mut() else { break };
        leftmost = larg;
    }
    let into = leftmost.into_clause.take().ok_or_else(|| PgError::new("42601", "missing target"))?;
    let ctas = protobuf::CreateTableAsStmt {
        query: Some(Box::new(protobuf::Node { node: Some(pg_query::NodeEnum::SelectStmt(Box::new(query))) })),
        into: Some(into),
        objtype: ObjectType::ObjectTable as i32,
        is_select_into: true,
        if_not_exists: false,
    };
    create_table_as(ctx, &ctas)
}

/// An INTO clause left in a query after the top-level one was taken: PostgreSQL rejects it in
/// parse analysis, on a later branch of UNION/INTERSECT/EXCEPT (`transformSetOperationTree`)
/// and anywhere else (subqueries, CTEs: `transformSelectStmt`).
pub fn check_misplaced_into(query: &protobuf::Node) -> PgResult<()> {
    let Ok(value) = serde_json::to_value(query) else { return Ok(()) };
    match misplaced_into(&value) {
        Some(message) => Err(PgError::new("42601", message)),
        None => Ok(()),
    }
}

/// The first misplaced INTO in a serde-form tree, as PostgreSQL's message.
fn misplaced_into(value: &serde_json::Value) -> Option<&'static str> {
    match value {
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| match k.as_str() {
            "SelectStmt" => misplaced_in_select(v, false),
            _ => misplaced_into(v),
        }),
        serde_json::Value::Array(items) => items.iter().find_map(misplaced_into),
        _ => None,
    }
}

/// `later_branch`: `select` is a right-hand branch of a set operation, or on the left spine of
/// one.
fn misplaced_in_select(select: &serde_json::Value, later_branch: bool) -> Option<&'static str> {
    let serde_json::Value::Object(map) = select else { return None };
    if map.get("into_clause").is_some_and(|i| !i.is_null()) {
        return Some(if later_branch {
            "INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT"
        } else {
            "SELECT ... INTO is not allowed here"
        });
    }
    map.iter().find_map(|(k, v)| match k.as_str() {
        "larg" if !v.is_null() => misplaced_in_select(v, later_branch),
        "rarg" if !v.is_null() => misplaced_in_select(v, true),
        _ => misplaced_into(v),
    })
}

/// `CREATE MATERIALIZED VIEW` and `CREATE TABLE ... AS` (and `SELECT ... INTO`, which is one).
/// The query is analysed first (parse analysis), so its errors come before the check that the
/// relation does not exist yet (`CreateTableAsRelExists` at execution, whose messages name the
/// relation unqualified).
pub fn create_table_as(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateTableAsStmt) -> PgResult<()> {
    let into = stmt.into.as_ref().ok_or_else(|| PgError::new("42601", "missing target"))?;
    let rv = into.rel.as_ref().ok_or_else(|| PgError::new("42601", "missing target"))?;
    let query = stmt.query.as_deref().ok_or_else(|| PgError::new("42601", "missing query"))?;
    check_misplaced_into(query)?;
    let Prepared { text, analysis } = prepare_query(ctx, query)?;
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let qn = QualName::new(schema, rv.relname.clone());
    if ctx.catalog.relations.contains_key(&qn) {
        if stmt.if_not_exists {
            ctx.notice(format!("relation \"{}\" already exists, skipping", rv.relname));
            return Ok(());
        }
        return Err(PgError::duplicate_relation(&rv.relname));
    }
    let mut columns = analysis.columns;
    let aliases = name_list(&into.col_names);
    if aliases.len() > columns.len() {
        return Err(PgError::new("42601", "too many column names were specified"));
    }
    for (i, alias) in aliases.into_iter().enumerate() {
        columns[i] = alias;
    }
    check_unique_columns(&columns)?;
    let materialized = ObjectType::try_from(stmt.objtype) == Ok(ObjectType::ObjectMatview);
    if !materialized {
        let unknown: Vec<&String> = columns
            .iter()
            .enumerate()
            .filter(|(i, _)| analysis.column_types.get(*i).is_none_or(|t| t.is_none()))
            .map(|(_, c)| c)
            .collect();
        if !unknown.is_empty() {
            ctx.not_simulated(format!(
                "CREATE TABLE AS: the type of column(s) {} could not be inferred (recorded as text)",
                unknown.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            ));
        }
        let seq = ctx.catalog.allocate_seq();
        let mut t =
            schemasim_catalog::TableDef { name: qn.clone(), seq, persistence: persistence(rv), ..Default::default() };
        t.columns = columns
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let type_name = analysis.column_types.get(i).cloned().flatten().unwrap_or_else(|| "text".into());
                schemasim_catalog::Column::new(c, type_name)
            })
            .collect();
        ctx.catalog.relations.insert(qn, Relation::Table(t.into()));
        return Ok(());
    }
    let seq = ctx.catalog.allocate_seq();
    let view: View = ViewDef {
        name: qn.clone(),
        seq,
        materialized: true,
        query: text,
        columns,
        column_types: analysis.column_types,
        depends_on: analysis.relations,
        column_deps: analysis.column_deps,
        options: super::reloptions(&into.options),
        check_option: None,
        with_data: !into.skip_data,
        comment: None,
        column_comments: Vec::new(),
        grants: Vec::new(),
        owner: None,
    }
    .into();
    ctx.catalog.relations.insert(qn, Relation::View(view));
    Ok(())
}

/// Views reading `relation`, in catalog order.
fn views_reading(ctx: &Ctx<'_>, relation: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::View(v) if v.depends_on.contains(relation) && &v.name != relation => Some(v.name.clone()),
            _ => None,
        })
        .collect()
}

/// Column `relation.old` becomes `new`: every view query reading it is rewritten where it
/// reads it (PostgreSQL stores column numbers, so its views follow the rename). The view's
/// own output column names do not change. Call before the catalog shows the new name.
pub fn rename_column_in_views(ctx: &mut Ctx<'_>, relation: &QualName, old: &str, new: &str) {
    for name in views_reading(ctx, relation) {
        let Some(Relation::View(view)) = ctx.catalog.relations.get(&name).cloned() else { continue };
        if !view.column_deps.iter().any(|(t, c)| t == relation && c == old) {
            continue;
        }
        let query = match analyze(&ctx.catalog, &[], &view.query) {
            Ok(a) => {
                let tokens = scan_tokens(&view.query);
                let edits = a
                    .column_uses
                    .iter()
                    .filter(|u| &u.table == relation && u.column == old)
                    .filter_map(|u| name_tokens_in(&view.query, &tokens, u.location).last().copied())
                    .map(|(start, end)| Edit { start, end, text: quote_ident(new) })
                    .collect();
                apply_edits(&view.query, edits)
            }
            Err(_) => crate::expr::rename_identifier(&view.query, old, new),
        };
        let mut view = view;
        view.query = query;
        for (t, c) in &mut view.column_deps {
            if t == relation && c == old {
                *c = new.to_string();
            }
        }
        ctx.catalog.relations.insert(name, Relation::View(view));
    }
}

/// Relation `old` is renamed to `new` (same schema): view queries name it by its new name,
/// and so do column references qualified by its old name. Call before the catalog changes.
pub fn rename_relation_in_views(ctx: &mut Ctx<'_>, old: &QualName, new: &QualName) {
    for name in views_reading(ctx, old) {
        let Some(Relation::View(view)) = ctx.catalog.relations.get(&name).cloned() else { continue };
        let query = match analyze(&ctx.catalog, &[], &view.query) {
            Ok(a) => {
                let mut edits = Vec::new();
                let all = scan_tokens(&view.query);
                for r in a.relation_uses.iter().filter(|r| &r.table == old) {
                    if let Some(&(start, end)) = name_tokens_in(&view.query, &all, r.location).last() {
                        edits.push(Edit { start, end, text: quote_ident(&new.name) });
                    }
                }
                for u in a.column_uses.iter().filter(|u| &u.table == old && u.qualified_by_relation) {
                    let tokens = name_tokens_in(&view.query, &all, u.location);
                    if tokens.len() == u.fields && u.fields >= 2 {
                        let (start, end) = tokens[u.fields - 2];
                        edits.push(Edit { start, end, text: quote_ident(&new.name) });
                    }
                }
                apply_edits(&view.query, edits)
            }
            Err(_) => crate::expr::rename_identifier(&view.query, &old.name, &new.name),
        };
        let mut view = view;
        view.query = query;
        for d in &mut view.depends_on {
            if d == old {
                *d = new.clone();
            }
        }
        for (t, _) in &mut view.column_deps {
            if t == old {
                *t = new.clone();
            }
        }
        ctx.catalog.relations.insert(name, Relation::View(view));
    }
}

fn persistence(rv: &protobuf::RangeVar) -> schemasim_catalog::Persistence {
    match rv.relpersistence.as_str() {
        "u" => schemasim_catalog::Persistence::Unlogged,
        "t" => schemasim_catalog::Persistence::Temporary,
        _ => schemasim_catalog::Persistence::Permanent,
    }
}
