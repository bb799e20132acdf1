//! Evaluating the queries and expressions migrations use to inspect the catalog, without a
//! database: `EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon')`, `SELECT ... INTO` from
//! `information_schema.table_constraints`, `'storage.buckets'::regclass`, `format()`,
//! `current_setting()`.
//!
//! PostgreSQL answers these from its system catalogs. Here the system views are built on
//! demand from the simulated [`Catalog`](schemasim_catalog::Catalog) plus the built-in objects
//! of a fresh PostgreSQL 17 database ([`builtin`]), and a small relational evaluator runs the
//! query: FROM lists and joins over those views, WHERE, target lists, `count(*)`, ORDER BY,
//! LIMIT, EXISTS / IN / scalar sub-queries, and the scalar functions and operators such code
//! uses. Everything the simulator does not know (columns it does not model, rows of user
//! tables, functions it does not run) evaluates to [`Value::Unknown`]; callers report a
//! decision that depends on an unknown value as not simulated rather than guessing.

mod builtin;
mod functions;
pub(crate) mod tables;
mod value;

pub use value::{as_condition, Value};

use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use pg_query::protobuf::{self, Node, SelectStmt};
use pg_query::NodeEnum;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// The PL/pgSQL variables an expression can read (none at top level).
pub trait Variables {
    /// The value of the variable a column reference names (`x`, `rec.field`, `label.x`), or
    /// `None` when no variable has that name.
    fn variable(&self, fields: &[String]) -> Option<Value>;
}

/// No variables: top-level SQL.
pub struct NoVariables;

impl Variables for NoVariables {
    fn variable(&self, _fields: &[String]) -> Option<Value> {
        None
    }
}

/// Session state the evaluated code changes besides the catalog.
#[derive(Debug, Default)]
pub struct EvalState {
    /// Custom settings (`set_config('app.x', ...)`) made by the code being evaluated.
    pub settings: BTreeMap<String, String>,
    /// The search_path before a transaction-local change (`set_config(..., true)`), to restore
    /// when the statement's own transaction ends.
    pub search_path_before_local: Option<Vec<String>>,
    /// Custom settings already reported as read without knowing earlier `SET`s.
    warned_settings: BTreeSet<String>,
}

/// The rows of a query the evaluator ran.
#[derive(Clone, Debug, Default)]
pub struct QueryRows {
    pub columns: Vec<String>,
    /// Rows certainly in the result.
    pub rows: Vec<Vec<Value>>,
    /// Rows may exist whose membership is unknown (their WHERE evaluated to an unknown value).
    pub uncertain: bool,
    /// Some rows stand for one or more rows each (a built-in function's overloads, a system
    /// table's columns): the row count is only a lower bound.
    pub inexact_count: bool,
    /// The rows are in PostgreSQL's order (an evaluated ORDER BY, or at most one row).
    pub ordered: bool,
}

impl QueryRows {
    /// `EXISTS (query)`.
    pub fn exists(&self) -> Value {
        if !self.rows.is_empty() {
            Value::Bool(true)
        } else if self.uncertain {
            Value::Unknown
        } else {
            Value::Bool(false)
        }
    }

    /// The exact rows in PostgreSQL's order, when they are known.
    pub fn exact(&self) -> Option<&[Vec<Value>]> {
        (!self.uncertain && !self.inexact_count && self.ordered).then_some(self.rows.as_slice())
    }

    /// The first row, as `SELECT ... INTO` takes it: `Ok(None)` when there is none,
    /// `Err(())` when which row comes first is not known.
    #[allow(clippy::result_unit_err)]
    pub fn first(&self) -> Result<Option<&Vec<Value>>, ()> {
        if self.uncertain {
            return Err(());
        }
        let first = self.rows.first();
        if self.ordered || self.rows.iter().all(|r| Some(r) == first) {
            Ok(first)
        } else {
            Err(())
        }
    }
}

/// One FROM item's current row: its name (alias or relation name), columns and values.
#[derive(Clone, Debug)]
struct Binding {
    name: String,
    columns: Rc<Vec<String>>,
    values: Vec<Value>,
}

/// A row of the FROM clause: one binding per FROM item.
#[derive(Clone, Debug, Default)]
struct Row {
    bindings: Vec<Binding>,
    /// Stands for one or more rows.
    placeholder: bool,
    /// May not exist (a join condition evaluated to an unknown value).
    uncertain: bool,
}

/// Rows of one FROM item, or `None` when they are not known.
type Source = Option<Vec<Row>>;

/// Evaluates expressions and catalog queries against the catalog of `ctx`.
pub struct Evaluator<'e, 'a> {
    pub(super) ctx: &'e mut Ctx<'a>,
    vars: &'e dyn Variables,
    pub(super) state: &'e mut EvalState,
    /// Evaluating a WHERE conjunct on a partly built FROM row: names not found in its
    /// bindings are unknown (they may belong to a FROM item not joined yet).
    partial: bool,
    /// A column reference fell through to the enclosing scopes (the query is correlated).
    fell_through: bool,
    /// Results of uncorrelated sub-queries, by the address of their parse tree.
    subquery_cache: HashMap<usize, Option<QueryRows>>,
}

/// Rows a query may build before its result is reported as unknown (a guard against joins of
/// large system views).
const MAX_ROWS: usize = 200_000;

/// Whether an unqualified type name is a built-in type (resolvable in `pg_catalog`).
pub fn is_builtin_type(name: &str) -> bool {
    functions::builtin_type(name).is_some()
}

/// Parses `SELECT <text>` (how PL/pgSQL runs an expression) into its statement.
pub fn parse_select(text: &str) -> PgResult<SelectStmt> {
    let parsed = pg_query::parse(text).map_err(|e| {
        let m = e.to_string();
        PgError::new("42601", m.strip_prefix("Invalid statement: ").unwrap_or(&m).to_string())
    })?;
    match parsed.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node) {
        Some(NodeEnum::SelectStmt(s)) => Ok(*s),
        _ => Err(PgError::new("42601", format!("not a query: {text}"))),
    }
}

fn names_of(list: &[Node]) -> Vec<String> {
    list.iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

impl<'e, 'a> Evaluator<'e, 'a> {
    pub fn new(ctx: &'e mut Ctx<'a>, vars: &'e dyn Variables, state: &'e mut EvalState) -> Self {
        Evaluator { ctx, vars, state, partial: false, fell_through: false, subquery_cache: HashMap::new() }
    }

    /// Evaluates a PL/pgSQL expression (`NOT EXISTS (...)`, `'CREATE ROLE ' || r`): the value of
    /// `SELECT <expr>`'s single column.
    pub fn expression(&mut self, text: &str) -> PgResult<Value> {
        let stmt = parse_select(&format!("SELECT {text}"))?;
        if stmt.from_clause.is_empty() && stmt.target_list.len() == 1 && is_plain(&stmt) {
            if let Some(NodeEnum::ResTarget(rt)) = stmt.target_list[0].node.as_ref() {
                if let Some(val) = rt.val.as_deref() {
                    return self.eval(val, &[]);
                }
            }
        }
        let Some(rows) = self.select(&stmt, &[])? else {
            return Ok(Value::Unknown);
        };
        scalar(&rows)
    }

    /// Runs a parsed SELECT; `None` when its rows cannot be known.
    pub fn run_select(&mut self, stmt: &SelectStmt) -> PgResult<Option<QueryRows>> {
        self.select(stmt, &[])
    }

    /// Converts a value to a PL/pgSQL variable's declared type (`text`, `integer`, `boolean`,
    /// `regclass`...), as assignment does; other types keep the value as it is.
    pub fn coerce(&mut self, v: Value, declared: &str) -> PgResult<Value> {
        let mut ty = declared.trim().to_ascii_lowercase().replace('"', "");
        if let Some(rest) = ty.strip_prefix("pg_catalog.") {
            ty = rest.to_string();
        }
        if let Some(i) = ty.find('(') {
            ty.truncate(i);
        }
        let ty = ty.trim();
        if ty.ends_with("[]") {
            return Ok(if v == Value::Null { Value::Null } else { Value::Unknown });
        }
        let target = match ty {
            "text" | "varchar" | "character varying" | "name" | "bpchar" | "character" | "char" | "citext" => "text",
            "bool" | "boolean" => "bool",
            "int" | "integer" | "int4" => "int4",
            "bigint" | "int8" => "int8",
            "smallint" | "int2" => "int2",
            "regclass" | "regtype" | "regnamespace" | "regrole" | "oid" => ty,
            _ => return Ok(v),
        };
        functions::cast(self, v, target)
    }

    /// Runs a parsed SELECT; `outer` are the rows of enclosing queries (correlated sub-queries).
    fn select(&mut self, stmt: &SelectStmt, outer: &[&Row]) -> PgResult<Option<QueryRows>> {
        if !is_plain(stmt) {
            return Ok(None);
        }
        // FROM: the cross product of the items, pruned by the WHERE conjuncts that are
        // already decidable on the items joined so far.
        let conjuncts = stmt.where_clause.as_deref().map(conjuncts_of).unwrap_or_default();
        let mut rows = vec![Row::default()];
        for item in &stmt.from_clause {
            let Some(source) = self.source_of(item, outer)? else {
                return Ok(None);
            };
            if rows.len().saturating_mul(source.len()) > MAX_ROWS {
                return Ok(None);
            }
            rows = cross(&rows, &source);
            if stmt.from_clause.len() > 1 {
                rows = self.prune(rows, &conjuncts, outer)?;
            }
        }
        // WHERE.
        let mut kept = Vec::with_capacity(rows.len());
        let mut uncertain = false;
        for mut row in rows {
            if let Some(w) = stmt.where_clause.as_deref() {
                let v = as_condition(self.eval(w, &scope(&row, outer))?);
                match v {
                    Value::Bool(true) => {}
                    Value::Bool(false) | Value::Null => continue,
                    _ => row.uncertain = true,
                }
            }
            if row.uncertain {
                uncertain = true;
                continue;
            }
            kept.push(row);
        }
        let placeholder = kept.iter().any(|r| r.placeholder);
        // Aggregates: count(*) / count(x) only.
        if let Some(result) = self.aggregate(stmt, &kept, uncertain || placeholder, outer)? {
            return Ok(Some(result));
        }
        // Target list.
        let columns = self.target_names(stmt, kept.first());
        let mut out: Vec<(Vec<Value>, Vec<Value>)> = Vec::with_capacity(kept.len());
        for row in &kept {
            let sc = scope(row, outer);
            let mut values = Vec::new();
            for t in &stmt.target_list {
                let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else { continue };
                let Some(val) = rt.val.as_deref() else { continue };
                if let Some(NodeEnum::ColumnRef(cr)) = val.node.as_ref() {
                    if cr.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))) {
                        for b in &row.bindings {
                            values.extend(b.values.iter().cloned());
                        }
                        continue;
                    }
                }
                values.push(self.eval(val, &sc)?);
            }
            let mut keys = Vec::new();
            for s in &stmt.sort_clause {
                if let Some(NodeEnum::SortBy(sb)) = s.node.as_ref() {
                    let key = match sb.node.as_deref() {
                        Some(n) => self.sort_key(n, &sc, &columns, &values)?,
                        None => Value::Unknown,
                    };
                    keys.push(key);
                }
            }
            out.push((keys, values));
        }
        let mut ordered = out.len() <= 1;
        if !stmt.sort_clause.is_empty() && out.len() > 1 {
            let descending: Vec<bool> = stmt
                .sort_clause
                .iter()
                .map(|s| match s.node.as_ref() {
                    Some(NodeEnum::SortBy(sb)) => sb.sortby_dir == protobuf::SortByDir::SortbyDesc as i32,
                    _ => false,
                })
                .collect();
            let mut comparable = true;
            out.sort_by(|a, b| {
                for (i, (x, y)) in a.0.iter().zip(&b.0).enumerate() {
                    match value::sort_cmp(x, y) {
                        Some(std::cmp::Ordering::Equal) => continue,
                        Some(o) => return if descending.get(i).copied().unwrap_or(false) { o.reverse() } else { o },
                        None => {
                            comparable = false;
                            return std::cmp::Ordering::Equal;
                        }
                    }
                }
                std::cmp::Ordering::Equal
            });
            ordered = comparable && !placeholder;
        }
        let mut result_rows: Vec<Vec<Value>> = out.into_iter().map(|(_, v)| v).collect();
        if !stmt.distinct_clause.is_empty() {
            if result_rows.iter().flatten().any(Value::is_unknown) {
                return Ok(None);
            }
            let mut seen = Vec::new();
            result_rows.retain(|r| {
                if seen.contains(r) {
                    false
                } else {
                    seen.push(r.clone());
                    true
                }
            });
        }
        let mut result = QueryRows { columns, rows: result_rows, uncertain, inexact_count: placeholder, ordered };
        if stmt.limit_offset.is_some() {
            return Ok(None);
        }
        if let Some(limit) = stmt.limit_count.as_deref() {
            match self.eval(limit, outer)? {
                Value::Int(n) if n >= 0 => {
                    let n = n as usize;
                    if result.rows.len() > n {
                        let all_same = result.rows.iter().all(|r| Some(r) == result.rows.first());
                        if !(result.ordered || all_same) {
                            result.ordered = false;
                        }
                        result.rows.truncate(n);
                        result.inexact_count = false;
                    }
                }
                Value::Null => {}
                _ => return Ok(None),
            }
        }
        Ok(Some(result))
    }

    /// Drops rows a WHERE conjunct already rejects (evaluated on the bindings present).
    fn prune(&mut self, rows: Vec<Row>, conjuncts: &[&Node], outer: &[&Row]) -> PgResult<Vec<Row>> {
        if conjuncts.is_empty() {
            return Ok(rows);
        }
        let saved = self.partial;
        self.partial = true;
        let mut kept = Vec::with_capacity(rows.len());
        for row in rows {
            let mut keep = true;
            for c in conjuncts {
                if matches!(as_condition(self.eval(c, &scope(&row, outer))?), Value::Bool(false) | Value::Null) {
                    keep = false;
                    break;
                }
            }
            if keep {
                kept.push(row);
            }
        }
        self.partial = saved;
        Ok(kept)
    }

    /// `count(*)`, `count(x)` without GROUP BY; `None` when the query is not an aggregate.
    fn aggregate(
        &mut self,
        stmt: &SelectStmt,
        rows: &[Row],
        count_unknown: bool,
        outer: &[&Row],
    ) -> PgResult<Option<QueryRows>> {
        let mut is_aggregate = false;
        for t in &stmt.target_list {
            for fc in crate::expr::find_all(t, "FuncCall") {
                let name = fc
                    .get("funcname")
                    .and_then(|l| l.as_array())
                    .and_then(|l| l.last())
                    .and_then(|n| n.pointer("/node/String/sval"))
                    .and_then(|s| s.as_str())
                    .unwrap_or("");
                if fc.get("over").is_none_or(serde_json::Value::is_null)
                    && matches!(
                        name,
                        "count"
                            | "sum"
                            | "max"
                            | "min"
                            | "avg"
                            | "array_agg"
                            | "string_agg"
                            | "bool_and"
                            | "bool_or"
                            | "every"
                            | "json_agg"
                            | "jsonb_agg"
                            | "json_object_agg"
                            | "jsonb_object_agg"
                    )
                {
                    is_aggregate = true;
                }
            }
        }
        if !is_aggregate {
            return Ok(None);
        }
        let columns = self.target_names(stmt, None);
        let mut values = Vec::new();
        for t in &stmt.target_list {
            let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else { continue };
            let value = match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(NodeEnum::FuncCall(fc))
                    if names_of(&fc.funcname).last().map(String::as_str) == Some("count")
                        && fc.agg_filter.is_none()
                        && !fc.agg_distinct =>
                {
                    if count_unknown {
                        Value::Unknown
                    } else if fc.agg_star {
                        Value::Int(rows.len() as i64)
                    } else {
                        let mut n = 0;
                        let mut unknown = false;
                        for row in rows {
                            let sc = scope(row, outer);
                            match fc.args.first().map(|a| self.eval(a, &sc)).transpose()? {
                                Some(Value::Null) => {}
                                Some(v) if v.is_unknown() => unknown = true,
                                _ => n += 1,
                            }
                        }
                        if unknown {
                            Value::Unknown
                        } else {
                            Value::Int(n)
                        }
                    }
                }
                _ => Value::Unknown,
            };
            values.push(value);
        }
        Ok(Some(QueryRows { columns, rows: vec![values], uncertain: false, inexact_count: false, ordered: true }))
    }

    /// Output column names (`?column?` for unnamed expressions, as PostgreSQL names them).
    fn target_names(&self, stmt: &SelectStmt, first: Option<&Row>) -> Vec<String> {
        let mut names = Vec::new();
        for t in &stmt.target_list {
            let Some(NodeEnum::ResTarget(rt)) = t.node.as_ref() else { continue };
            if !rt.name.is_empty() {
                names.push(rt.name.clone());
                continue;
            }
            match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(NodeEnum::ColumnRef(cr)) => {
                    if cr.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))) {
                        if let Some(row) = first {
                            for b in &row.bindings {
                                names.extend(b.columns.iter().cloned());
                            }
                        }
                    } else {
                        names.push(names_of(&cr.fields).pop().unwrap_or_else(|| "?column?".into()));
                    }
                }
                Some(NodeEnum::FuncCall(fc)) => {
                    names.push(names_of(&fc.funcname).pop().unwrap_or_else(|| "?column?".into()))
                }
                Some(NodeEnum::TypeCast(tc)) => match tc.arg.as_deref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::ColumnRef(cr)) => {
                        names.push(names_of(&cr.fields).pop().unwrap_or_else(|| "?column?".into()))
                    }
                    _ => names.push(
                        tc.type_name
                            .as_ref()
                            .and_then(|t| names_of(&t.names).pop())
                            .unwrap_or_else(|| "?column?".into()),
                    ),
                },
                Some(NodeEnum::CoalesceExpr(_)) => names.push("coalesce".into()),
                Some(NodeEnum::SubLink(s)) if s.sub_link_type == protobuf::SubLinkType::ExistsSublink as i32 => {
                    names.push("exists".into())
                }
                _ => names.push("?column?".into()),
            }
        }
        names
    }

    /// An ORDER BY key: an output column position or name, or an expression over the input.
    fn sort_key(&mut self, node: &Node, sc: &[&Row], columns: &[String], values: &[Value]) -> PgResult<Value> {
        match node.node.as_ref() {
            Some(NodeEnum::AConst(c)) => {
                if let Some(protobuf::a_const::Val::Ival(i)) = &c.val {
                    let pos = i.ival as usize;
                    return Ok(pos.checked_sub(1).and_then(|p| values.get(p)).cloned().unwrap_or(Value::Unknown));
                }
                Ok(Value::Unknown)
            }
            Some(NodeEnum::ColumnRef(cr)) if cr.fields.len() == 1 => {
                let name = names_of(&cr.fields).pop().unwrap_or_default();
                if let Some(i) = columns.iter().position(|c| c == &name) {
                    return Ok(values.get(i).cloned().unwrap_or(Value::Unknown));
                }
                self.eval(node, sc)
            }
            _ => self.eval(node, sc),
        }
    }

    /// The rows of one FROM item.
    fn source_of(&mut self, item: &Node, outer: &[&Row]) -> PgResult<Source> {
        match item.node.as_ref() {
            Some(NodeEnum::RangeVar(rv)) => {
                let alias = rv.alias.as_ref().map_or(rv.relname.clone(), |a| a.aliasname.clone());
                let Some(table) = self.relation(rv)? else {
                    return Ok(None);
                };
                let columns = Rc::new(table.columns);
                Ok(Some(
                    table
                        .rows
                        .into_iter()
                        .map(|(values, placeholder)| Row {
                            bindings: vec![Binding { name: alias.clone(), columns: columns.clone(), values }],
                            placeholder,
                            uncertain: false,
                        })
                        .collect(),
                ))
            }
            Some(NodeEnum::RangeSubselect(rs)) => {
                let Some(NodeEnum::SelectStmt(sub)) = rs.subquery.as_deref().and_then(|s| s.node.as_ref()) else {
                    return Ok(None);
                };
                let Some(rows) = self.select(sub, if rs.lateral { outer } else { &[] })? else {
                    return Ok(None);
                };
                if rows.uncertain {
                    return Ok(None);
                }
                let alias = rs.alias.as_ref().map(|a| a.aliasname.clone()).unwrap_or_default();
                let columns = Rc::new(rows.columns.clone());
                Ok(Some(
                    rows.rows
                        .into_iter()
                        .map(|values| Row {
                            bindings: vec![Binding { name: alias.clone(), columns: columns.clone(), values }],
                            placeholder: rows.inexact_count,
                            uncertain: false,
                        })
                        .collect(),
                ))
            }
            Some(NodeEnum::JoinExpr(j)) => {
                if j.is_natural || !j.using_clause.is_empty() || j.alias.is_some() {
                    return Ok(None);
                }
                let (Some(l), Some(r)) = (j.larg.as_deref(), j.rarg.as_deref()) else {
                    return Ok(None);
                };
                let Some(left) = self.source_of(l, outer)? else {
                    return Ok(None);
                };
                let Some(right) = self.source_of(r, outer)? else {
                    return Ok(None);
                };
                let kind = protobuf::JoinType::try_from(j.jointype).unwrap_or(protobuf::JoinType::Undefined);
                let left_outer = match kind {
                    protobuf::JoinType::JoinInner => false,
                    protobuf::JoinType::JoinLeft => true,
                    _ => return Ok(None),
                };
                let right_width: Vec<(String, Rc<Vec<String>>)> = match right.first() {
                    Some(r) => r.bindings.iter().map(|b| (b.name.clone(), b.columns.clone())).collect(),
                    None if left_outer => return Ok(None),
                    None => Vec::new(),
                };
                if left.len().saturating_mul(right.len()) > MAX_ROWS {
                    return Ok(None);
                }
                let mut out = Vec::new();
                for lrow in &left {
                    let mut matched = false;
                    let mut maybe = false;
                    for rrow in &right {
                        let mut joined = lrow.clone();
                        joined.bindings.extend(rrow.bindings.iter().cloned());
                        joined.placeholder |= rrow.placeholder;
                        joined.uncertain |= rrow.uncertain;
                        let v = match j.quals.as_deref() {
                            Some(q) => as_condition(self.eval(q, &scope(&joined, outer))?),
                            None => Value::Bool(true),
                        };
                        match v {
                            Value::Bool(true) => {
                                matched = true;
                                out.push(joined);
                            }
                            Value::Bool(false) | Value::Null => {}
                            _ => {
                                maybe = true;
                                joined.uncertain = true;
                                out.push(joined);
                            }
                        }
                    }
                    if left_outer && !matched {
                        let mut joined = lrow.clone();
                        for (name, columns) in &right_width {
                            joined.bindings.push(Binding {
                                name: name.clone(),
                                columns: columns.clone(),
                                values: vec![Value::Null; columns.len()],
                            });
                        }
                        joined.uncertain |= maybe;
                        out.push(joined);
                    }
                }
                Ok(Some(out))
            }
            _ => Ok(None),
        }
    }

    /// A relation named in FROM: a system view the simulator builds, `None` for relations
    /// whose rows it does not know (user tables, unmodelled system views), or PostgreSQL's
    /// error for one that does not exist.
    fn relation(&mut self, rv: &protobuf::RangeVar) -> PgResult<Option<tables::SysTable>> {
        let schema = rv.schemaname.as_str();
        let name = rv.relname.as_str();
        let system = matches!(schema, "pg_catalog" | "information_schema");
        if schema.is_empty() || system {
            let implicit = if schema.is_empty() { "pg_catalog" } else { schema };
            if let Some(table) = tables::build(self, implicit, name) {
                return Ok(Some(table));
            }
            if builtin::CLASSES.iter().any(|(s, n, _, _)| *s == implicit && *n == name) {
                return Ok(None);
            }
            if system {
                return Err(PgError::undefined_table(&format!("{schema}.{name}")));
            }
        }
        match self.ctx.lookup_relation(schema, name) {
            // A user table's rows are not simulated, except that a table known to be empty
            // (with its partitions and children) has none.
            Ok(Some(qn)) => Ok(match self.ctx.catalog.relations.get(&qn) {
                Some(schemasim_catalog::Relation::Table(t)) if crate::rows::scan_known_empty(self.ctx, Some(rv)) => {
                    Some(tables::SysTable {
                        columns: t.columns.iter().map(|c| c.name.clone()).collect(),
                        rows: Vec::new(),
                    })
                }
                _ => None,
            }),
            _ => Err(PgError::undefined_table(&crate::session::written(rv))),
        }
    }

    /// Evaluates an expression node for the rows in `sc` (innermost query first).
    fn eval(&mut self, node: &Node, sc: &[&Row]) -> PgResult<Value> {
        let Some(n) = node.node.as_ref() else { return Ok(Value::Unknown) };
        Ok(match n {
            NodeEnum::AConst(c) => match &c.val {
                _ if c.isnull => Value::Null,
                None => Value::Null,
                Some(protobuf::a_const::Val::Ival(i)) => Value::Int(i64::from(i.ival)),
                Some(protobuf::a_const::Val::Fval(f)) => match f.fval.parse::<i64>() {
                    Ok(i) => Value::Int(i),
                    Err(_) => Value::Unknown,
                },
                Some(protobuf::a_const::Val::Boolval(b)) => Value::Bool(b.boolval),
                Some(protobuf::a_const::Val::Sval(s)) => Value::Text(s.sval.clone()),
                Some(protobuf::a_const::Val::Bsval(_)) => Value::Unknown,
            },
            NodeEnum::ColumnRef(cr) => self.column(&names_of(&cr.fields), cr.fields.len(), sc),
            NodeEnum::AExpr(e) => self.a_expr(e, sc)?,
            NodeEnum::BoolExpr(b) => {
                let mut values = Vec::with_capacity(b.args.len());
                for a in &b.args {
                    values.push(as_condition(self.eval(a, sc)?));
                }
                match protobuf::BoolExprType::try_from(b.boolop) {
                    Ok(protobuf::BoolExprType::AndExpr) => value::and(&values),
                    Ok(protobuf::BoolExprType::OrExpr) => value::or(&values),
                    Ok(protobuf::BoolExprType::NotExpr) => match values.first() {
                        Some(Value::Bool(v)) => Value::Bool(!v),
                        Some(Value::Null) => Value::Null,
                        _ => Value::Unknown,
                    },
                    _ => Value::Unknown,
                }
            }
            NodeEnum::NullTest(t) => {
                let v = match t.arg.as_deref() {
                    Some(a) => self.eval(a, sc)?,
                    None => Value::Unknown,
                };
                let is_null = match v {
                    Value::Null => true,
                    Value::Unknown => return Ok(Value::Unknown),
                    _ => false,
                };
                Value::Bool(if t.nulltesttype == protobuf::NullTestType::IsNull as i32 { is_null } else { !is_null })
            }
            NodeEnum::BooleanTest(t) => {
                let v = match t.arg.as_deref() {
                    Some(a) => as_condition(self.eval(a, sc)?),
                    None => Value::Unknown,
                };
                use protobuf::BoolTestType as B;
                match (B::try_from(t.booltesttype).unwrap_or(B::Undefined), v) {
                    (_, Value::Unknown) | (B::Undefined, _) => Value::Unknown,
                    (B::IsTrue, v) => Value::Bool(v == Value::Bool(true)),
                    (B::IsNotTrue, v) => Value::Bool(v != Value::Bool(true)),
                    (B::IsFalse, v) => Value::Bool(v == Value::Bool(false)),
                    (B::IsNotFalse, v) => Value::Bool(v != Value::Bool(false)),
                    (B::IsUnknown, v) => Value::Bool(v == Value::Null),
                    (B::IsNotUnknown, v) => Value::Bool(v != Value::Null),
                }
            }
            NodeEnum::TypeCast(tc) => {
                let v = match tc.arg.as_deref() {
                    Some(a) => self.eval(a, sc)?,
                    None => Value::Unknown,
                };
                match tc.type_name.as_ref() {
                    Some(t) if t.array_bounds.is_empty() => self.cast(v, &names_of(&t.names))?,
                    _ => Value::Unknown,
                }
            }
            NodeEnum::CoalesceExpr(c) => {
                for a in &c.args {
                    match self.eval(a, sc)? {
                        Value::Null => continue,
                        v if v.is_unknown() => return Ok(Value::Unknown),
                        v => return Ok(v),
                    }
                }
                Value::Null
            }
            NodeEnum::CaseExpr(c) => {
                let subject = match c.arg.as_deref() {
                    Some(a) => Some(self.eval(a, sc)?),
                    None => None,
                };
                for w in &c.args {
                    let Some(NodeEnum::CaseWhen(cw)) = w.node.as_ref() else { continue };
                    let Some(expr) = cw.expr.as_deref() else { continue };
                    let test = self.eval(expr, sc)?;
                    let hit = match &subject {
                        Some(s) => value::compare_op("=", s, &test),
                        None => as_condition(test),
                    };
                    match hit {
                        Value::Bool(true) => {
                            return match cw.result.as_deref() {
                                Some(r) => self.eval(r, sc),
                                None => Ok(Value::Null),
                            }
                        }
                        Value::Bool(false) | Value::Null => {}
                        _ => return Ok(Value::Unknown),
                    }
                }
                match c.defresult.as_deref() {
                    Some(d) => self.eval(d, sc)?,
                    None => Value::Null,
                }
            }
            NodeEnum::SubLink(s) => self.sub_link(s, sc)?,
            NodeEnum::SqlvalueFunction(f) => {
                use protobuf::SqlValueFunctionOp as Op;
                match Op::try_from(f.op).unwrap_or(Op::SqlvalueFunctionOpUndefined) {
                    Op::SvfopCurrentRole | Op::SvfopCurrentUser | Op::SvfopUser | Op::SvfopSessionUser => {
                        Value::text(crate::session::SESSION_USER)
                    }
                    Op::SvfopCurrentSchema => self.current_schema(),
                    _ => Value::Unknown,
                }
            }
            NodeEnum::FuncCall(fc) => {
                if fc.over.is_some() || fc.agg_star || fc.agg_distinct || !fc.agg_order.is_empty() {
                    return Ok(Value::Unknown);
                }
                let mut args = Vec::with_capacity(fc.args.len());
                for a in &fc.args {
                    if matches!(a.node, Some(NodeEnum::NamedArgExpr(_))) {
                        return Ok(Value::Unknown);
                    }
                    args.push(self.eval(a, sc)?);
                }
                let names = names_of(&fc.funcname);
                if names.last().is_some_and(|n| crate::rows::may_write(&self.ctx.catalog, n)) {
                    // A user-defined function is not run: whatever it may write is not known.
                    self.ctx.catalog.forget_empty_tables();
                }
                functions::call(self, &names, args)?
            }
            _ => Value::Unknown,
        })
    }

    /// Operators: comparisons, `||`, arithmetic, IN lists, LIKE, IS DISTINCT FROM, NULLIF.
    fn a_expr(&mut self, e: &protobuf::AExpr, sc: &[&Row]) -> PgResult<Value> {
        use protobuf::AExprKind as K;
        let op = names_of(&e.name).pop().unwrap_or_default();
        let kind = K::try_from(e.kind).unwrap_or(K::Undefined);
        let left = match e.lexpr.as_deref() {
            Some(l) => Some(self.eval(l, sc)?),
            None => None,
        };
        if kind == K::AexprIn {
            let Some(left) = left else { return Ok(Value::Unknown) };
            let items: Vec<Node> = match e.rexpr.as_deref().and_then(|r| r.node.as_ref()) {
                Some(NodeEnum::List(l)) => l.items.clone(),
                _ => return Ok(Value::Unknown),
            };
            let mut results = Vec::new();
            for i in &items {
                let v = self.eval(i, sc)?;
                results.push(value::compare_op("=", &left, &v));
            }
            let any = value::or(&results);
            return Ok(if op == "<>" {
                match any {
                    Value::Bool(b) => Value::Bool(!b),
                    other => other,
                }
            } else {
                any
            });
        }
        let right = match e.rexpr.as_deref() {
            Some(r) => self.eval(r, sc)?,
            None => Value::Unknown,
        };
        Ok(match (kind, left) {
            (K::AexprOp, Some(l)) => match op.as_str() {
                "=" | "<>" | "!=" | "<" | "<=" | ">" | ">=" => value::compare_op(&op, &l, &right),
                "||" => value::concat(&l, &right),
                "+" | "-" | "*" | "/" | "%" => value::arithmetic(&op, &l, &right)?,
                "~~" | "!~~" | "~~*" | "!~~*" => like_op(&op, &l, &right),
                _ => Value::Unknown,
            },
            (K::AexprOp, None) if op == "-" => value::arithmetic("-", &Value::Int(0), &right)?,
            (K::AexprLike | K::AexprIlike, Some(l)) => like_op(&op, &l, &right),
            (K::AexprDistinct, Some(l)) => value::distinct(&l, &right),
            (K::AexprNotDistinct, Some(l)) => match value::distinct(&l, &right) {
                Value::Bool(b) => Value::Bool(!b),
                other => other,
            },
            (K::AexprNullif, Some(l)) => match value::compare_op("=", &l, &right) {
                Value::Bool(true) => Value::Null,
                Value::Bool(false) | Value::Null => l,
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        })
    }

    /// EXISTS, IN (sub-query) and scalar sub-queries.
    fn sub_link(&mut self, s: &protobuf::SubLink, sc: &[&Row]) -> PgResult<Value> {
        use protobuf::SubLinkType as T;
        let Some(NodeEnum::SelectStmt(sub)) = s.subselect.as_deref().and_then(|n| n.node.as_ref()) else {
            return Ok(Value::Unknown);
        };
        let kind = T::try_from(s.sub_link_type).unwrap_or(T::Undefined);
        let test = match (kind, s.testexpr.as_deref()) {
            (T::AnySublink, Some(t)) => Some(self.eval(t, sc)?),
            _ => None,
        };
        let key = sub.as_ref() as *const SelectStmt as usize;
        let rows = match self.subquery_cache.get(&key) {
            Some(cached) => cached.clone(),
            None => {
                // Evaluated without the outer rows first: when no name falls through to them, the
                // sub-query is uncorrelated and its result is the same for every outer row.
                let saved = (self.fell_through, self.partial);
                self.fell_through = false;
                self.partial = false;
                let alone = self.select(sub, &[]);
                let correlated = self.fell_through;
                (self.fell_through, self.partial) = saved;
                match alone {
                    Ok(rows) if !correlated => {
                        self.subquery_cache.insert(key, rows.clone());
                        rows
                    }
                    _ => self.select(sub, sc)?,
                }
            }
        };
        let Some(rows) = rows else { return Ok(Value::Unknown) };
        Ok(match kind {
            T::ExistsSublink => rows.exists(),
            T::ExprSublink => scalar(&rows)?,
            T::AnySublink => {
                let op = names_of(&s.oper_name).pop().unwrap_or_else(|| "=".into());
                let Some(test) = test else { return Ok(Value::Unknown) };
                let mut results: Vec<Value> = rows
                    .rows
                    .iter()
                    .map(|r| match r.as_slice() {
                        [v] => value::compare_op(&op, &test, v),
                        _ => Value::Unknown,
                    })
                    .collect();
                if rows.uncertain {
                    results.push(Value::Unknown);
                }
                value::or(&results)
            }
            _ => Value::Unknown,
        })
    }

    /// A column reference: a column of the FROM items in scope (innermost query first), else a
    /// PL/pgSQL variable. A name that is both is ambiguous in PostgreSQL: unknown here.
    fn column(&mut self, fields: &[String], written: usize, sc: &[&Row]) -> Value {
        if fields.len() != written {
            return Value::Unknown; // `t.*` and the like
        }
        let variable = self.vars.variable(fields);
        for row in sc {
            let mut found: Vec<&Value> = Vec::new();
            let mut named_binding = false;
            for b in &row.bindings {
                let column = match fields {
                    [c] => c,
                    [t, c] | [_, t, c] => {
                        if &b.name != t {
                            continue;
                        }
                        named_binding = true;
                        c
                    }
                    _ => return Value::Unknown,
                };
                if let Some(i) = b.columns.iter().position(|x| x == column) {
                    found.push(b.values.get(i).unwrap_or(&Value::Unknown));
                }
            }
            match found.as_slice() {
                [v] if variable.is_none() => return (*v).clone(),
                [] if named_binding => return Value::Unknown,
                [] => continue,
                _ => return Value::Unknown,
            }
        }
        self.fell_through = true;
        if self.partial {
            return Value::Unknown;
        }
        variable.unwrap_or(Value::Unknown)
    }

    /// `current_schema`: the first existing schema of the search path.
    fn current_schema(&self) -> Value {
        match self.ctx.search_path_schemas().into_iter().next() {
            Some(s) => Value::Text(s),
            None => Value::Null,
        }
    }

    /// `value::type`.
    fn cast(&mut self, v: Value, type_names: &[String]) -> PgResult<Value> {
        let name = match type_names {
            [n] => n.as_str(),
            [s, n] if s == "pg_catalog" => n.as_str(),
            _ => return Ok(if v == Value::Null { Value::Null } else { Value::Unknown }),
        };
        functions::cast(self, v, name)
    }
}

/// `a LIKE b` and friends.
fn like_op(op: &str, l: &Value, r: &Value) -> Value {
    if let (Value::Partial { prefix, .. }, Value::Text(p)) = (l, r) {
        if !op.contains('*') {
            return match value::like_partial(prefix, p) {
                Some(hit) => Value::Bool(if op.starts_with('!') { !hit } else { hit }),
                None => Value::Unknown,
            };
        }
    }
    match (l.to_text(), r.to_text()) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Text(t), Value::Text(p)) => {
            let hit = value::like(&t, &p, op.contains('*'));
            Value::Bool(if op.starts_with('!') { !hit } else { hit })
        }
        _ => Value::Unknown,
    }
}

/// The single value a scalar sub-query yields: NULL for no row, PostgreSQL's error for more
/// than one.
fn scalar(rows: &QueryRows) -> PgResult<Value> {
    if rows.uncertain {
        return Ok(Value::Unknown);
    }
    match rows.rows.as_slice() {
        [] => Ok(Value::Null),
        [row] if !rows.inexact_count => Ok(row.first().cloned().unwrap_or(Value::Unknown)),
        [_] => Ok(Value::Unknown),
        _ => Err(PgError::new("21000", "more than one row returned by a subquery used as an expression")),
    }
}

/// A SELECT the evaluator can run: no set operations, VALUES, CTEs, grouping or windows.
fn is_plain(stmt: &SelectStmt) -> bool {
    let op = protobuf::SetOperation::try_from(stmt.op).unwrap_or(protobuf::SetOperation::Undefined);
    matches!(op, protobuf::SetOperation::SetopNone | protobuf::SetOperation::Undefined)
        && stmt.values_lists.is_empty()
        && stmt.with_clause.is_none()
        && stmt.group_clause.is_empty()
        && stmt.having_clause.is_none()
        && stmt.window_clause.is_empty()
        && stmt.into_clause.is_none()
}

/// The top-level AND operands of a WHERE clause.
fn conjuncts_of(node: &Node) -> Vec<&Node> {
    match node.node.as_ref() {
        Some(NodeEnum::BoolExpr(b)) if b.boolop == protobuf::BoolExprType::AndExpr as i32 => {
            b.args.iter().flat_map(conjuncts_of).collect()
        }
        _ => vec![node],
    }
}

/// The scope for evaluating expressions of `row`: it, then the enclosing queries' rows.
fn scope<'r>(row: &'r Row, outer: &[&'r Row]) -> Vec<&'r Row> {
    let mut sc = Vec::with_capacity(outer.len() + 1);
    sc.push(row);
    sc.extend_from_slice(outer);
    sc
}

fn cross(left: &[Row], right: &[Row]) -> Vec<Row> {
    let mut out = Vec::with_capacity(left.len() * right.len());
    for l in left {
        for r in right {
            let mut row = l.clone();
            row.bindings.extend(r.bindings.iter().cloned());
            row.placeholder |= r.placeholder;
            row.uncertain |= r.uncertain;
            out.push(row);
        }
    }
    out
}

/// Is `schema.name` (unqualified: found in pg_catalog first) a built-in system relation?
pub fn is_system_relation(schema: &str, name: &str) -> bool {
    let schemas: &[&str] = if schema.is_empty() { &["pg_catalog"] } else { &[schema] };
    schemas.iter().any(|s| builtin::CLASSES.iter().any(|(cs, cn, _, _)| cs == s && *cn == name))
}

/// The text `SHOW search_path` prints for the session's entries.
pub fn search_path_text(entries: &[String]) -> String {
    entries
        .iter()
        .map(|e| if e == "\"$user\"" { e.clone() } else { schemasim_catalog::quote_ident(e) })
        .collect::<Vec<_>>()
        .join(", ")
}
