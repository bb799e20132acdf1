//! `DO` blocks: a small PL/pgSQL interpreter over libpg_query's PL/pgSQL parse tree
//! (`pg_query::parse_plpgsql`), for the idempotent patterns migrations use.
//!
//! PostgreSQL compiles the body as an anonymous function and runs it in the statement's
//! transaction: variables are initialized when their block is entered; `IF`/`CASE`/loops
//! decide with SQL expressions; SQL statements run as they would at top level; `EXECUTE`
//! runs a computed string; `RAISE` sends notices or throws (SQLSTATE P0001 unless told
//! otherwise); a block with an `EXCEPTION` clause is a subtransaction: when its body fails,
//! its changes are rolled back and the first handler whose condition matches runs, otherwise
//! the error propagates and, unhandled, fails the DO statement with that same error.
//!
//! Here SQL statements go through [`crate::statement::execute`] exactly like top-level ones;
//! expressions and catalog lookups (`EXISTS (SELECT 1 FROM pg_roles WHERE ...)`) are evaluated
//! by [`crate::catalog_query`]. When a decision depends on something the simulator does not
//! know (rows of user tables, functions it does not run), or on a construct it does not
//! interpret (cursors, `FOR ... IN EXECUTE`, `CALL`, transaction control), the block stops
//! there with a warning naming what was not simulated: nothing is guessed.

use crate::catalog_query::{EvalState, Evaluator, QueryRows, Value, Variables};
use crate::error::{Notice, PgError, PgResult};
use crate::plpgsql_conditions::CONDITIONS;
use crate::session::Ctx;
use pg_query::NodeEnum;
use serde_json::Value as Json;
use std::collections::HashMap;

/// Loop iterations a DO block may run before the rest is reported as not simulated.
const LOOP_BUDGET: usize = 10_000;

/// Runs the body of `DO $$ ... $$ LANGUAGE plpgsql`.
pub fn run(ctx: &mut Ctx<'_>, body: &str) -> PgResult<()> {
    let wrapped =
        format!("CREATE FUNCTION schemasim_do() RETURNS void LANGUAGE plpgsql AS $schemasim${body}$schemasim$");
    let tree = pg_query::parse_plpgsql(&wrapped).map_err(|e| compile_error(&e.to_string()))?;
    let Some(function) = tree.pointer("/0/PLpgSQL_function") else {
        ctx.not_simulated("DO block: the PL/pgSQL parse tree has an unexpected shape; the block was not simulated");
        return Ok(());
    };
    let Some(action) = function.pointer("/action/PLpgSQL_stmt_block") else {
        ctx.not_simulated("DO block: the PL/pgSQL parse tree has an unexpected shape; the block was not simulated");
        return Ok(());
    };
    let datums = function.get("datums").and_then(Json::as_array).cloned().unwrap_or_default();
    let mut interp = Interp::new(&datums, action, 0);
    let result = interp.block(ctx, action);
    interp.finish(ctx, result)
}

thread_local! {
    /// Procedures being run (CALL inside a procedure nests).
    static CALL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Nested CALLs run before the rest is reported as not simulated.
const MAX_CALL_DEPTH: usize = 16;

/// Runs a `LANGUAGE plpgsql` procedure (`definition`: its CREATE PROCEDURE text) with its IN
/// parameters set to `args`, as CALL does.
pub fn call(ctx: &mut Ctx<'_>, name: &str, definition: &str, args: Vec<Value>) -> PgResult<()> {
    let depth = CALL_DEPTH.with(|d| d.get());
    if depth >= MAX_CALL_DEPTH {
        ctx.not_simulated(format!("CALL {name}: calls nested more than {MAX_CALL_DEPTH} deep are not simulated"));
        return Ok(());
    }
    let tree = pg_query::parse_plpgsql(definition).map_err(|e| compile_error(&e.to_string()))?;
    let function = tree.pointer("/0/PLpgSQL_function");
    let Some(action) = function.and_then(|f| f.pointer("/action/PLpgSQL_stmt_block")) else {
        ctx.not_simulated(format!(
            "CALL {name}: the procedure's PL/pgSQL parse tree has an unexpected shape; not simulated"
        ));
        return Ok(());
    };
    let datums = function.and_then(|f| f.get("datums")).and_then(Json::as_array).cloned().unwrap_or_default();
    let mut interp = Interp::new(&datums, action, args.len());
    for (i, value) in args.into_iter().enumerate() {
        interp.store(ctx, i, value)?;
    }
    CALL_DEPTH.with(|d| d.set(depth + 1));
    let result = interp.block(ctx, action);
    CALL_DEPTH.with(|d| d.set(depth));
    interp.finish(ctx, result)
}

/// PL/pgSQL compile errors with their SQLSTATEs (pl_gram.y, pl_comp.c).
fn compile_error(message: &str) -> PgError {
    let m = message.strip_prefix("Invalid statement: ").unwrap_or(message).to_string();
    let sqlstate = if m.starts_with("unrecognized exception condition") {
        "42704"
    } else if m.ends_with("is declared CONSTANT") {
        "22005"
    } else {
        "42601"
    };
    PgError::new(sqlstate, m)
}

/// How a statement list ended.
#[derive(Debug, PartialEq)]
enum Flow {
    Normal,
    Exit(Option<String>),
    Continue(Option<String>),
    Return,
    /// Something was not simulated (already reported): the rest of the block does not run.
    Stop,
}

/// A PL/pgSQL datum: a scalar variable, a record, or something not addressed by name.
#[derive(Clone, Debug)]
enum Slot {
    Var { name: String, typ: String, default: Option<String>, not_null: bool, value: Value },
    Rec { name: String, fields: Option<Vec<(String, Value)>> },
    Other,
}

impl Slot {
    fn name(&self) -> Option<&str> {
        match self {
            Slot::Var { name, .. } | Slot::Rec { name, .. } => Some(name),
            Slot::Other => None,
        }
    }
}

struct Interp {
    slots: Vec<Slot>,
    /// Variable scopes, innermost last; frame 0 holds implicit variables (FOUND, CASE temporaries).
    scopes: Vec<Vec<usize>>,
    /// Labels of the enclosing blocks and loops, with the scope depth of their variables.
    labels: Vec<(String, usize)>,
    /// Datums each block declares, keyed by the block's address in the parse tree.
    decls: HashMap<usize, Vec<usize>>,
    /// Integer FOR loop variables by (name, line).
    loop_vars: HashMap<(String, i64), usize>,
    /// Errors being handled (innermost last): SQLSTATE, SQLERRM and bare RAISE.
    errors: Vec<PgError>,
    state: EvalState,
    budget: usize,
    /// The datum of FOUND: after the routine's parameters.
    found: usize,
}

fn str_of<'j>(j: &'j Json, key: &str) -> Option<&'j str> {
    j.get(key).and_then(Json::as_str)
}

fn line_of(j: &Json) -> i64 {
    j.get("lineno").and_then(Json::as_i64).unwrap_or(0)
}

/// The SQL text of a `PLpgSQL_expr` under `key`.
fn expr_text<'j>(j: &'j Json, key: &str) -> Option<&'j str> {
    j.get(key).and_then(|e| e.pointer("/PLpgSQL_expr/query")).and_then(Json::as_str)
}

fn stmts<'j>(j: &'j Json, key: &str) -> &'j [Json] {
    j.get(key).and_then(Json::as_array).map_or(&[], Vec::as_slice)
}

/// The statement kind and its fields (`{"PLpgSQL_stmt_if": {...}}`).
fn kind_of(s: &Json) -> Option<(&str, &Json)> {
    s.as_object().and_then(|o| o.iter().next()).map(|(k, v)| (k.as_str(), v))
}

/// Child statement lists of a statement, for the declaration pre-pass.
fn children(body: &Json) -> Vec<&[Json]> {
    let mut out =
        vec![stmts(body, "body"), stmts(body, "then_body"), stmts(body, "else_body"), stmts(body, "else_stmts")];
    for e in stmts(body, "elsif_list") {
        if let Some(x) = e.get("PLpgSQL_if_elsif") {
            out.push(stmts(x, "stmts"));
        }
    }
    for w in stmts(body, "case_when_list") {
        if let Some(x) = w.get("PLpgSQL_case_when") {
            out.push(stmts(x, "stmts"));
        }
    }
    if let Some(list) = body.pointer("/exceptions/PLpgSQL_exception_block/exc_list").and_then(Json::as_array) {
        for h in list {
            if let Some(x) = h.get("PLpgSQL_exception") {
                out.push(stmts(x, "action"));
            }
        }
    }
    out
}

impl Interp {
    /// `params`: the routine's parameters, the first datums (none for a DO block).
    fn new(datums: &[Json], action: &Json, params: usize) -> Self {
        let mut slots = Vec::with_capacity(datums.len());
        for d in datums {
            slots.push(match kind_of(d) {
                Some(("PLpgSQL_var", v)) => Slot::Var {
                    name: str_of(v, "refname").unwrap_or("").to_string(),
                    typ: v.pointer("/datatype/PLpgSQL_type/typname").and_then(Json::as_str).unwrap_or("").to_string(),
                    default: expr_text(v, "default_val").map(str::to_string),
                    not_null: v.get("notnull").and_then(Json::as_bool).unwrap_or(false),
                    value: Value::Null,
                },
                Some(("PLpgSQL_rec", v)) => {
                    Slot::Rec { name: str_of(v, "refname").unwrap_or("").to_string(), fields: None }
                }
                _ => Slot::Other,
            });
        }
        let mut interp = Interp {
            slots,
            scopes: Vec::new(),
            labels: Vec::new(),
            decls: HashMap::new(),
            loop_vars: HashMap::new(),
            errors: Vec::new(),
            state: EvalState::default(),
            budget: LOOP_BUDGET,
            found: params,
        };
        // Loop variables of integer FOR loops are datums of their own, scoped to the loop.
        let mut loops = Vec::new();
        for child in children(action) {
            collect_fori(child, &mut loops);
        }
        let mut implicit: Vec<usize> = Vec::new();
        for (i, d) in datums.iter().enumerate() {
            let Some((_, v)) = kind_of(d) else { continue };
            let name = str_of(v, "refname").unwrap_or("");
            let line = line_of(v);
            if let Some(pos) = loops.iter().position(|(n, l)| n == name && *l == line) {
                let key = loops.remove(pos);
                interp.loop_vars.insert(key, i);
                continue;
            }
            let is_implicit = i <= params
                || name.starts_with("__Case__Variable_")
                || (v.get("isconst").and_then(Json::as_bool) == Some(true) && matches!(name, "sqlstate" | "sqlerrm"));
            if is_implicit {
                implicit.push(i);
            }
        }
        interp.scopes.push(implicit.clone());
        // Declared variables belong to the block whose DECLARE section precedes its BEGIN line.
        let declared: Vec<(usize, i64)> = datums
            .iter()
            .enumerate()
            .filter(|(i, d)| {
                matches!(kind_of(d), Some(("PLpgSQL_var" | "PLpgSQL_rec", _)))
                    && !implicit.contains(i)
                    && !interp.loop_vars.values().any(|v| v == i)
            })
            .map(|(i, d)| (i, kind_of(d).map_or(0, |(_, v)| line_of(v))))
            .collect();
        let mut claimed = vec![false; datums.len()];
        assign_block(action, 0, &declared, &mut claimed, &mut interp.decls);
        interp
    }

    /// After the outermost block of a DO or CALL: `set_config(..., true)` lasts until the end
    /// of the statement's own transaction, and an error is reported at the statement, not at a
    /// position inside the body.
    fn finish(&mut self, ctx: &mut Ctx<'_>, result: PgResult<Flow>) -> PgResult<()> {
        if let Some(path) = self.state.search_path_before_local.take() {
            *ctx.search_path = path;
        }
        match result {
            Ok(_) => Ok(()),
            Err(mut e) => {
                e.position = None;
                Err(e)
            }
        }
    }

    /// Runs a block: declarations, body, and its EXCEPTION handlers as a subtransaction.
    fn block(&mut self, ctx: &mut Ctx<'_>, b: &Json) -> PgResult<Flow> {
        let decls = self.decls.get(&(b as *const Json as usize)).cloned().unwrap_or_default();
        self.scopes.push(decls.clone());
        let label = str_of(b, "label").map(str::to_string);
        if let Some(l) = &label {
            self.labels.push((l.clone(), self.scopes.len() - 1));
        }
        let result = self.block_inner(ctx, b, &decls);
        if label.is_some() {
            self.labels.pop();
        }
        self.scopes.pop();
        match result {
            Ok(Flow::Exit(Some(l))) if Some(&l) == label.as_ref() => Ok(Flow::Normal),
            other => other,
        }
    }

    fn block_inner(&mut self, ctx: &mut Ctx<'_>, b: &Json, decls: &[usize]) -> PgResult<Flow> {
        for &d in decls {
            if let Some(flow) = self.init(ctx, d)? {
                return Ok(flow);
            }
        }
        let body = stmts(b, "body");
        let Some(handlers) = b.pointer("/exceptions/PLpgSQL_exception_block/exc_list").and_then(Json::as_array) else {
            return self.list(ctx, body);
        };
        // The block is a subtransaction: a failure rolls back what it did.
        let catalog = ctx.catalog.clone();
        let search_path = ctx.search_path.clone();
        let enum_values = ctx.new_enum_values.len();
        let settings = self.state.settings.clone();
        let error = match self.list(ctx, body) {
            Ok(flow) => return Ok(flow),
            Err(e) => e,
        };
        for h in handlers {
            let Some(h) = h.get("PLpgSQL_exception") else { continue };
            let matches = stmts(h, "conditions").iter().any(|c| {
                c.pointer("/PLpgSQL_condition/condname")
                    .and_then(Json::as_str)
                    .is_some_and(|name| condition_matches(name, &error.sqlstate))
            });
            if matches {
                ctx.catalog = catalog;
                *ctx.search_path = search_path;
                ctx.new_enum_values.truncate(enum_values);
                self.state.settings = settings;
                self.errors.push(error);
                let result = self.list(ctx, stmts(h, "action"));
                self.errors.pop();
                return result;
            }
        }
        Err(error)
    }

    /// Initializes a declared variable when its block is entered.
    fn init(&mut self, ctx: &mut Ctx<'_>, d: usize) -> PgResult<Option<Flow>> {
        match self.slots.get(d).cloned() {
            Some(Slot::Var { name, default, not_null, .. }) => {
                let value = match &default {
                    Some(text) => self.eval(ctx, text)?,
                    None => Value::Null,
                };
                self.store(ctx, d, value)?;
                if not_null && matches!(self.var_value(d), Value::Null) {
                    return Err(PgError::new(
                        "22004",
                        format!("null value cannot be assigned to variable \"{name}\" declared NOT NULL"),
                    ));
                }
            }
            Some(Slot::Rec { .. }) => {
                if let Some(Slot::Rec { fields, .. }) = self.slots.get_mut(d) {
                    *fields = None;
                }
            }
            _ => {}
        }
        Ok(None)
    }

    fn var_value(&self, d: usize) -> Value {
        match self.slots.get(d) {
            Some(Slot::Var { value, .. }) => value.clone(),
            _ => Value::Unknown,
        }
    }

    /// Assigns a value to a scalar variable, converted to its declared type.
    fn store(&mut self, ctx: &mut Ctx<'_>, d: usize, value: Value) -> PgResult<()> {
        let Some(Slot::Var { typ, name, not_null, .. }) = self.slots.get(d).cloned() else {
            return Ok(());
        };
        let converted = {
            let scope =
                Scope { slots: &self.slots, scopes: &self.scopes, labels: &self.labels, error: self.errors.last() };
            let mut ev = Evaluator::new(ctx, &scope, &mut self.state);
            ev.coerce(value, &typ)?
        };
        if not_null && matches!(converted, Value::Null) {
            return Err(PgError::new(
                "22004",
                format!("null value cannot be assigned to variable \"{name}\" declared NOT NULL"),
            ));
        }
        if let Some(Slot::Var { value, .. }) = self.slots.get_mut(d) {
            *value = converted;
        }
        Ok(())
    }

    fn set_found(&mut self, v: Value) {
        if let Some(Slot::Var { value, .. }) = self.slots.get_mut(self.found) {
            *value = v;
        }
    }

    /// Evaluates a PL/pgSQL expression.
    fn eval(&mut self, ctx: &mut Ctx<'_>, text: &str) -> PgResult<Value> {
        let scope = Scope { slots: &self.slots, scopes: &self.scopes, labels: &self.labels, error: self.errors.last() };
        let mut ev = Evaluator::new(ctx, &scope, &mut self.state);
        ev.expression(text)
    }

    /// Runs a query (`SELECT ...`): its rows, `None` when they cannot be known.
    fn query(&mut self, ctx: &mut Ctx<'_>, stmt: &pg_query::protobuf::SelectStmt) -> PgResult<Option<QueryRows>> {
        let scope = Scope { slots: &self.slots, scopes: &self.scopes, labels: &self.labels, error: self.errors.last() };
        let mut ev = Evaluator::new(ctx, &scope, &mut self.state);
        ev.run_select(stmt)
    }

    /// Evaluates a condition: `None` (after reporting it) when it cannot be decided.
    fn decide(&mut self, ctx: &mut Ctx<'_>, text: &str, line: i64) -> PgResult<Option<bool>> {
        match crate::catalog_query::as_condition(self.eval(ctx, text)?) {
            Value::Bool(b) => Ok(Some(b)),
            Value::Null => Ok(Some(false)),
            _ => {
                ctx.not_simulated(format!(
                    "DO block line {line}: the condition `{}` could not be evaluated against the simulated catalog; \
                     the rest of the block was not simulated",
                    one_line(text)
                ));
                Ok(None)
            }
        }
    }

    fn stop(&self, ctx: &mut Ctx<'_>, line: i64, what: &str) -> PgResult<Flow> {
        ctx.not_simulated(format!(
            "DO block line {line}: {what} not simulated; the rest of the block was not simulated"
        ));
        Ok(Flow::Stop)
    }

    fn list(&mut self, ctx: &mut Ctx<'_>, list: &[Json]) -> PgResult<Flow> {
        for s in list {
            let flow = self.stmt(ctx, s)?;
            if flow != Flow::Normal {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn stmt(&mut self, ctx: &mut Ctx<'_>, s: &Json) -> PgResult<Flow> {
        let Some((kind, body)) = kind_of(s) else { return Ok(Flow::Normal) };
        let line = line_of(body);
        match kind {
            "PLpgSQL_stmt_block" => self.block(ctx, body),
            "PLpgSQL_stmt_assign" => self.assign(ctx, body, line),
            "PLpgSQL_stmt_if" => self.if_stmt(ctx, body, line),
            "PLpgSQL_stmt_case" => self.case_stmt(ctx, body),
            "PLpgSQL_stmt_loop" | "PLpgSQL_stmt_while" | "PLpgSQL_stmt_fori" | "PLpgSQL_stmt_fors" => {
                self.loop_stmt(ctx, kind, body, line)
            }
            "PLpgSQL_stmt_exit" => {
                if let Some(cond) = expr_text(body, "cond") {
                    match self.decide(ctx, cond, line)? {
                        Some(true) => {}
                        Some(false) => return Ok(Flow::Normal),
                        None => return Ok(Flow::Stop),
                    }
                }
                let label = str_of(body, "label").map(str::to_string);
                Ok(if body.get("is_exit").and_then(Json::as_bool) == Some(true) {
                    Flow::Exit(label)
                } else {
                    Flow::Continue(label)
                })
            }
            "PLpgSQL_stmt_return" => Ok(Flow::Return),
            "PLpgSQL_stmt_raise" => self.raise(ctx, body, line),
            "PLpgSQL_stmt_assert" => {
                let Some(cond) = expr_text(body, "cond") else { return Ok(Flow::Normal) };
                match self.decide(ctx, cond, line)? {
                    Some(true) => Ok(Flow::Normal),
                    Some(false) => {
                        let message = match expr_text(body, "message") {
                            Some(m) => match self.eval(ctx, m)?.output() {
                                Value::Text(t) => t,
                                Value::Null => "assertion failed".to_string(),
                                _ => return self.stop(ctx, line, "an ASSERT message the simulator cannot compute"),
                            },
                            None => "assertion failed".to_string(),
                        };
                        Err(PgError::new("P0004", message))
                    }
                    None => Ok(Flow::Stop),
                }
            }
            "PLpgSQL_stmt_execsql" => self.execsql(ctx, body),
            "PLpgSQL_stmt_dynexecute" => self.dynexecute(ctx, body, line),
            "PLpgSQL_stmt_perform" => self.perform(ctx, body, line),
            "PLpgSQL_stmt_getdiag" => {
                for item in stmts(body, "diag_items") {
                    if let Some(t) = item.pointer("/PLpgSQL_diag_item/target").and_then(Json::as_u64) {
                        self.assign_unknown_dno(t as usize);
                    }
                }
                Ok(Flow::Normal)
            }
            "PLpgSQL_stmt_commit" | "PLpgSQL_stmt_rollback" => {
                if ctx.in_block || !self.errors.is_empty() {
                    return Err(PgError::new("2D000", "invalid transaction termination"));
                }
                self.stop(ctx, line, "COMMIT/ROLLBACK inside a DO block")
            }
            "PLpgSQL_stmt_dynfors" => self.stop(ctx, line, "FOR ... IN EXECUTE loops are"),
            "PLpgSQL_stmt_foreach_a" => self.stop(ctx, line, "FOREACH loops are"),
            "PLpgSQL_stmt_call" => self.stop(ctx, line, "CALL (the procedure's effects) is"),
            other => {
                let name = other.trim_start_matches("PLpgSQL_stmt_").to_uppercase();
                self.stop(ctx, line, &format!("the {name} statement is"))
            }
        }
    }

    /// `target := expression`.
    fn assign(&mut self, ctx: &mut Ctx<'_>, body: &Json, line: i64) -> PgResult<Flow> {
        let Some(text) = expr_text(body, "expr") else { return Ok(Flow::Normal) };
        let Some(varno) = body.get("varno").and_then(Json::as_u64).map(|v| v as usize) else {
            return self.stop(ctx, line, "this assignment is");
        };
        let Some((target, expression)) = split_assignment(text) else {
            return self.stop(ctx, line, "this assignment is");
        };
        let simple = match self.slots.get(varno) {
            Some(Slot::Var { name, .. }) => {
                target.trim().trim_matches('"').eq_ignore_ascii_case(name) && !target.contains(['.', '['])
            }
            _ => false,
        };
        if !simple {
            return self.stop(ctx, line, &format!("the assignment to `{}` is", target.trim()));
        }
        let value = self.eval(ctx, expression)?;
        self.store(ctx, varno, value)?;
        Ok(Flow::Normal)
    }

    fn if_stmt(&mut self, ctx: &mut Ctx<'_>, body: &Json, line: i64) -> PgResult<Flow> {
        let cond = expr_text(body, "cond").unwrap_or("NULL");
        match self.decide(ctx, cond, line)? {
            Some(true) => return self.list(ctx, stmts(body, "then_body")),
            Some(false) => {}
            None => return Ok(Flow::Stop),
        }
        for e in stmts(body, "elsif_list") {
            let Some(e) = e.get("PLpgSQL_if_elsif") else { continue };
            let cond = expr_text(e, "cond").unwrap_or("NULL");
            match self.decide(ctx, cond, line_of(e))? {
                Some(true) => return self.list(ctx, stmts(e, "stmts")),
                Some(false) => {}
                None => return Ok(Flow::Stop),
            }
        }
        self.list(ctx, stmts(body, "else_body"))
    }

    fn case_stmt(&mut self, ctx: &mut Ctx<'_>, body: &Json) -> PgResult<Flow> {
        if let (Some(t), Some(varno)) = (expr_text(body, "t_expr"), body.get("t_varno").and_then(Json::as_u64)) {
            let v = self.eval(ctx, t)?;
            if let Some(Slot::Var { value, .. }) = self.slots.get_mut(varno as usize) {
                *value = v;
            }
        }
        for w in stmts(body, "case_when_list") {
            let Some(w) = w.get("PLpgSQL_case_when") else { continue };
            let cond = expr_text(w, "expr").unwrap_or("NULL");
            match self.decide(ctx, cond, line_of(w))? {
                Some(true) => return self.list(ctx, stmts(w, "stmts")),
                Some(false) => {}
                None => return Ok(Flow::Stop),
            }
        }
        if body.get("have_else").and_then(Json::as_bool) == Some(true) {
            return self.list(ctx, stmts(body, "else_stmts"));
        }
        Err(PgError::new("20000", "case not found").with_hint("CASE statement is missing ELSE part."))
    }

    /// Spends one loop iteration of the budget; false when it is exhausted.
    fn tick(&mut self) -> bool {
        if self.budget == 0 {
            return false;
        }
        self.budget -= 1;
        true
    }

    /// What a loop does with its body's outcome: `Some(flow)` leaves the loop with it.
    fn after_iteration(flow: Flow, label: Option<&str>) -> Option<Flow> {
        match flow {
            Flow::Normal => None,
            Flow::Continue(None) => None,
            Flow::Continue(Some(l)) if Some(l.as_str()) == label => None,
            Flow::Exit(None) => Some(Flow::Normal),
            Flow::Exit(Some(l)) if Some(l.as_str()) == label => Some(Flow::Normal),
            other => Some(other),
        }
    }

    fn loop_stmt(&mut self, ctx: &mut Ctx<'_>, kind: &str, body: &Json, line: i64) -> PgResult<Flow> {
        let label = str_of(body, "label").map(str::to_string);
        let list = stmts(body, "body");
        let exhausted = "a loop running more than 10000 iterations is";
        match kind {
            "PLpgSQL_stmt_loop" => loop {
                if !self.tick() {
                    return self.stop(ctx, line, exhausted);
                }
                let flow = self.list(ctx, list)?;
                if let Some(out) = Self::after_iteration(flow, label.as_deref()) {
                    return Ok(out);
                }
            },
            "PLpgSQL_stmt_while" => loop {
                let cond = expr_text(body, "cond").unwrap_or("NULL");
                match self.decide(ctx, cond, line)? {
                    Some(true) => {}
                    Some(false) => return Ok(Flow::Normal),
                    None => return Ok(Flow::Stop),
                }
                if !self.tick() {
                    return self.stop(ctx, line, exhausted);
                }
                let flow = self.list(ctx, list)?;
                if let Some(out) = Self::after_iteration(flow, label.as_deref()) {
                    return Ok(out);
                }
            },
            "PLpgSQL_stmt_fori" => {
                let var = body.get("var").and_then(|v| v.get("PLpgSQL_var"));
                let key = var.map(|v| (str_of(v, "refname").unwrap_or("").to_string(), line_of(v)));
                let Some(&dno) = key.as_ref().and_then(|k| self.loop_vars.get(k)) else {
                    return self.stop(ctx, line, "this FOR loop is");
                };
                let bound = |me: &mut Self, ctx: &mut Ctx<'_>, key: &str| -> PgResult<Option<i64>> {
                    match expr_text(body, key) {
                        Some(t) => match me.eval(ctx, t)? {
                            Value::Int(i) => Ok(Some(i)),
                            Value::Text(s) => Ok(s.trim().parse().ok()),
                            Value::Null => Err(PgError::new(
                                "22004",
                                format!(
                                    "{} bound of FOR loop cannot be null",
                                    if key == "lower" { "lower" } else { "upper" }
                                ),
                            )),
                            _ => Ok(None),
                        },
                        None => Ok(Some(1)),
                    }
                };
                let (Some(lower), Some(upper), Some(step)) =
                    (bound(self, ctx, "lower")?, bound(self, ctx, "upper")?, bound(self, ctx, "step")?)
                else {
                    return self.stop(ctx, line, "a FOR loop with bounds the simulator cannot compute is");
                };
                if step <= 0 {
                    return Err(PgError::new("22023", "BY value of FOR loop must be greater than zero"));
                }
                let reverse = body.get("reverse").and_then(Json::as_bool) == Some(true);
                self.scopes.push(vec![dno]);
                let result = (|| {
                    let mut i = lower;
                    let mut ran = false;
                    loop {
                        let done = if reverse { i < upper } else { i > upper };
                        if done {
                            break;
                        }
                        if !self.tick() {
                            return self.stop(ctx, line, exhausted);
                        }
                        ran = true;
                        if let Some(Slot::Var { value, .. }) = self.slots.get_mut(dno) {
                            *value = Value::Int(i);
                        }
                        let flow = self.list(ctx, list)?;
                        if let Some(out) = Self::after_iteration(flow, label.as_deref()) {
                            self.set_found(Value::Bool(true));
                            return Ok(out);
                        }
                        i = if reverse { i.saturating_sub(step) } else { i.saturating_add(step) };
                    }
                    self.set_found(Value::Bool(ran));
                    Ok(Flow::Normal)
                })();
                self.scopes.pop();
                result
            }
            _ => {
                // FOR target IN query LOOP: the rows must be known exactly, in order.
                let Some(text) = expr_text(body, "query") else { return Ok(Flow::Normal) };
                let stmt = match crate::catalog_query::parse_select(text) {
                    Ok(s) => s,
                    Err(_) => return self.stop(ctx, line, &format!("the FOR loop over `{}` is", one_line(text))),
                };
                let rows = self.query(ctx, &stmt)?;
                let Some(rows) = rows.as_ref().and_then(|r| r.exact().map(|x| (r.columns.clone(), x.to_vec()))) else {
                    return self.stop(
                        ctx,
                        line,
                        &format!("the FOR loop over `{}` (rows the simulator cannot list) is", one_line(text)),
                    );
                };
                let target = body.get("var").cloned().unwrap_or(Json::Null);
                let (columns, rows) = rows;
                for row in &rows {
                    if !self.tick() {
                        return self.stop(ctx, line, exhausted);
                    }
                    self.assign_row(ctx, &target, &columns, row)?;
                    let flow = self.list(ctx, list)?;
                    if let Some(out) = Self::after_iteration(flow, label.as_deref()) {
                        self.set_found(Value::Bool(true));
                        return Ok(out);
                    }
                }
                self.set_found(Value::Bool(!rows.is_empty()));
                Ok(Flow::Normal)
            }
        }
    }

    /// `RAISE level 'format' [, args] [USING ...]`.
    fn raise(&mut self, ctx: &mut Ctx<'_>, body: &Json, line: i64) -> PgResult<Flow> {
        let level = body.get("elog_level").and_then(Json::as_i64).unwrap_or(21);
        let condname = str_of(body, "condname");
        let message_format = str_of(body, "message");
        let options = stmts(body, "options");
        if condname.is_none() && message_format.is_none() && options.is_empty() {
            // Re-throw the error being handled.
            return match self.errors.last() {
                Some(e) => Err(e.clone()),
                None => {
                    Err(PgError::new("0Z002", "RAISE without parameters cannot be used outside an exception handler"))
                }
            };
        }
        let mut known = true;
        let mut sqlstate = condname.map(|c| condition_sqlstate(c).unwrap_or(c).to_string());
        let mut message = None;
        if let Some(fmt) = message_format {
            let mut params = Vec::new();
            for p in stmts(body, "params") {
                let text = p.pointer("/PLpgSQL_expr/query").and_then(Json::as_str).unwrap_or("NULL");
                params.push(self.eval(ctx, text)?.output());
            }
            let mut out = String::new();
            let mut params = params.into_iter();
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '%' {
                    if chars.peek() == Some(&'%') {
                        chars.next();
                        out.push('%');
                        continue;
                    }
                    match params.next() {
                        Some(Value::Text(t)) => out.push_str(&t),
                        Some(Value::Null) => out.push_str("<NULL>"),
                        _ => known = false,
                    }
                } else {
                    out.push(c);
                }
            }
            message = Some(out);
        }
        let (mut detail, mut hint) = (None, None);
        for o in options {
            let Some(o) = o.get("PLpgSQL_raise_option") else { continue };
            let kind = o.get("opt_type").and_then(Json::as_i64).unwrap_or(-1);
            let value = match expr_text(o, "expr") {
                Some(t) => self.eval(ctx, t)?.output(),
                None => Value::Null,
            };
            let text = match value {
                Value::Text(t) => Some(t),
                Value::Null => None,
                _ => {
                    known = false;
                    None
                }
            };
            match kind {
                0 => {
                    if let Some(t) = text {
                        sqlstate = Some(match condition_sqlstate(&t) {
                            Some(s) => s.to_string(),
                            None if is_sqlstate(&t) => t,
                            None => {
                                return Err(PgError::new("42704", format!("unrecognized exception condition \"{t}\"")))
                            }
                        });
                    }
                }
                1 => message = text,
                2 => detail = text,
                3 => hint = text,
                _ => {}
            }
        }
        let message = message.or_else(|| condname.map(str::to_string)).unwrap_or_else(|| {
            sqlstate.as_deref().map_or_else(|| "unrecognized exception condition".to_string(), str::to_string)
        });
        if level >= 21 {
            if !known {
                ctx.not_simulated(format!(
                    "DO block line {line}: the RAISE message's values are not known to the simulator"
                ));
            }
            let mut e = PgError::new(sqlstate.as_deref().unwrap_or("P0001"), message);
            e.detail = detail;
            e.hint = hint;
            return Err(e);
        }
        if !known {
            ctx.not_simulated(format!("DO block line {line}: a RAISE message with values the simulator does not know"));
            return Ok(Flow::Normal);
        }
        match level {
            19 | 20 => ctx.effects.notices.push(Notice::warning(message)),
            18 => ctx.effects.notices.push(Notice::info(message)),
            17 => ctx.effects.notices.push(Notice { severity: "INFO".into(), message }),
            // LOG and DEBUG messages are not sent to the client (client_min_messages = notice).
            _ => {}
        }
        Ok(Flow::Normal)
    }

    /// A SQL statement in the body.
    fn execsql(&mut self, ctx: &mut Ctx<'_>, body: &Json) -> PgResult<Flow> {
        let Some(text) = expr_text(body, "sqlstmt") else { return Ok(Flow::Normal) };
        let into = body.get("into").and_then(Json::as_bool) == Some(true);
        let strict = body.get("strict").and_then(Json::as_bool) == Some(true);
        let target = body.get("target").cloned().unwrap_or(Json::Null);
        let node = parse_one(text)?;
        let Some(node) = node else { return Ok(Flow::Normal) };
        match &node {
            NodeEnum::SelectStmt(select) => {
                crate::dml::check_relations_of(ctx, &node)?;
                crate::rows::before_statement(ctx, &node);
                let rows = self.query(ctx, select)?;
                if !into {
                    return Err(no_destination());
                }
                self.assign_into(ctx, &target, rows.as_ref(), strict, true)?;
                Ok(Flow::Normal)
            }
            NodeEnum::InsertStmt(_) | NodeEnum::UpdateStmt(_) | NodeEnum::DeleteStmt(_) | NodeEnum::MergeStmt(_) => {
                execute_nested(ctx, &node, text)?;
                let returning =
                    crate::expr::find_all(&pg_query::protobuf::Node { node: Some(node.clone()) }, "returning_list")
                        .iter()
                        .any(|l| l.as_array().is_some_and(|a| !a.is_empty()));
                if returning && !into {
                    return Err(no_destination());
                }
                if into {
                    self.assign_unknown(&target);
                }
                self.set_found(Value::Unknown);
                Ok(Flow::Normal)
            }
            _ => {
                execute_nested(ctx, &node, text)?;
                Ok(Flow::Normal)
            }
        }
    }

    /// `EXECUTE string [INTO target] [USING ...]`.
    fn dynexecute(&mut self, ctx: &mut Ctx<'_>, body: &Json, line: i64) -> PgResult<Flow> {
        let Some(text) = expr_text(body, "query") else { return Ok(Flow::Normal) };
        let sql = match self.eval(ctx, text)?.to_text() {
            Value::Text(s) => s,
            Value::Null => return Err(PgError::new("22004", "query string argument of EXECUTE is null")),
            _ => {
                return self.stop(
                    ctx,
                    line,
                    &format!("EXECUTE of `{}` (a string the simulator cannot compute) is", one_line(text)),
                )
            }
        };
        let into = body.get("into").and_then(Json::as_bool) == Some(true);
        let strict = body.get("strict").and_then(Json::as_bool) == Some(true);
        let target = body.get("target").cloned().unwrap_or(Json::Null);
        // The whole string is parsed before anything runs.
        let parsed = crate::parse::parse_file(&sql);
        let mut nodes = Vec::with_capacity(parsed.len());
        for p in &parsed {
            match &p.node {
                Ok(n) => nodes.push((n.clone(), p.text(&sql).to_string())),
                Err(e) => {
                    let mut e = e.clone();
                    e.position = None;
                    return Err(e);
                }
            }
        }
        if into {
            match nodes.as_slice() {
                [(NodeEnum::SelectStmt(select), _)] => {
                    let node = NodeEnum::SelectStmt(select.clone());
                    crate::dml::check_relations_of(ctx, &node)?;
                    let rows = self.query(ctx, select)?;
                    self.assign_into(ctx, &target, rows.as_ref(), strict, false)?;
                }
                _ => {
                    for (node, text) in &nodes {
                        execute_nested(ctx, node, text)?;
                    }
                    self.assign_unknown(&target);
                }
            }
            return Ok(Flow::Normal);
        }
        for (node, text) in &nodes {
            execute_nested(ctx, node, text)?;
        }
        Ok(Flow::Normal)
    }

    /// `PERFORM query`: runs the query for its side effects; FOUND tells whether it returned rows.
    fn perform(&mut self, ctx: &mut Ctx<'_>, body: &Json, line: i64) -> PgResult<Flow> {
        let Some(text) = expr_text(body, "expr") else { return Ok(Flow::Normal) };
        let node = parse_one(text)?;
        let Some(NodeEnum::SelectStmt(select)) = &node else {
            return self.stop(ctx, line, "this PERFORM is");
        };
        let node = NodeEnum::SelectStmt(select.clone());
        crate::dml::check_relations_of(ctx, &node)?;
        for name in crate::expr::function_calls(&pg_query::protobuf::Node { node: Some(node.clone()) }) {
            let Some(last) = name.last() else { continue };
            if ctx.catalog.functions.keys().any(|k| &k.name.name == last) {
                ctx.not_simulated(format!(
                    "DO block line {line}: the effects of calling {} are not simulated",
                    name.join(".")
                ));
            }
        }
        let rows = self.query(ctx, select)?;
        self.set_found(rows.map_or(Value::Unknown, |r| r.exists()));
        Ok(Flow::Normal)
    }

    /// Assigns a query's first row to an INTO target, as `SELECT ... INTO [STRICT]` does.
    fn assign_into(
        &mut self,
        ctx: &mut Ctx<'_>,
        target: &Json,
        rows: Option<&QueryRows>,
        strict: bool,
        sets_found: bool,
    ) -> PgResult<()> {
        let Some(rows) = rows else {
            self.assign_unknown(target);
            if sets_found {
                self.set_found(Value::Unknown);
            }
            return Ok(());
        };
        if strict && !rows.uncertain && !rows.inexact_count {
            match rows.rows.len() {
                0 => return Err(PgError::new("P0002", "query returned no rows")),
                1 => {}
                _ => {
                    return Err(PgError::new("P0003", "query returned more than one row")
                        .with_hint("Make sure the query returns a single row, or use LIMIT 1."))
                }
            }
        }
        match rows.first() {
            Ok(Some(row)) => {
                let row = row.clone();
                self.assign_row(ctx, target, &rows.columns, &row)?;
                if sets_found {
                    self.set_found(Value::Bool(true));
                }
            }
            Ok(None) => {
                let nulls = vec![Value::Null; rows.columns.len()];
                self.assign_row(ctx, target, &rows.columns, &nulls)?;
                if sets_found {
                    self.set_found(Value::Bool(false));
                }
            }
            Err(()) => {
                self.assign_unknown(target);
                if sets_found {
                    self.set_found(rows.exists());
                }
            }
        }
        Ok(())
    }

    /// Assigns one row to a target: a record, or a list of variables.
    fn assign_row(&mut self, ctx: &mut Ctx<'_>, target: &Json, columns: &[String], row: &[Value]) -> PgResult<()> {
        if let Some(dno) = target.pointer("/PLpgSQL_rec/dno").and_then(Json::as_u64) {
            if let Some(Slot::Rec { fields, .. }) = self.slots.get_mut(dno as usize) {
                *fields = Some(columns.iter().cloned().zip(row.iter().cloned()).collect());
            }
            return Ok(());
        }
        let varnos: Vec<usize> = target
            .pointer("/PLpgSQL_row/fields")
            .and_then(Json::as_array)
            .map(|f| f.iter().filter_map(|x| x.get("varno").and_then(Json::as_u64)).map(|v| v as usize).collect())
            .unwrap_or_default();
        for (i, varno) in varnos.into_iter().enumerate() {
            let v = row.get(i).cloned().unwrap_or(Value::Null);
            match self.slots.get(varno) {
                Some(Slot::Var { .. }) => self.store(ctx, varno, v)?,
                Some(Slot::Rec { .. }) => self.assign_unknown_dno(varno),
                _ => {}
            }
        }
        Ok(())
    }

    fn assign_unknown(&mut self, target: &Json) {
        if let Some(dno) = target.pointer("/PLpgSQL_rec/dno").and_then(Json::as_u64) {
            self.assign_unknown_dno(dno as usize);
            return;
        }
        if let Some(fields) = target.pointer("/PLpgSQL_row/fields").and_then(Json::as_array) {
            for f in fields {
                if let Some(v) = f.get("varno").and_then(Json::as_u64) {
                    self.assign_unknown_dno(v as usize);
                }
            }
        }
    }

    fn assign_unknown_dno(&mut self, dno: usize) {
        match self.slots.get_mut(dno) {
            Some(Slot::Var { value, .. }) => *value = Value::Unknown,
            Some(Slot::Rec { fields, .. }) => *fields = Some(Vec::new()),
            _ => {}
        }
    }
}

/// The variables visible to an expression.
struct Scope<'i> {
    slots: &'i [Slot],
    scopes: &'i [Vec<usize>],
    labels: &'i [(String, usize)],
    error: Option<&'i PgError>,
}

impl Scope<'_> {
    fn lookup(&self, name: &str, frames: &[Vec<usize>]) -> Option<usize> {
        for frame in frames.iter().rev() {
            for &d in frame.iter().rev() {
                if self.slots.get(d).and_then(Slot::name) == Some(name) {
                    return Some(d);
                }
            }
        }
        None
    }
}

impl Variables for Scope<'_> {
    fn variable(&self, fields: &[String]) -> Option<Value> {
        match fields {
            [name] => {
                if let (Some(e), "sqlstate" | "sqlerrm") = (self.error, name.as_str()) {
                    return Some(Value::Text(if name == "sqlstate" { e.sqlstate.clone() } else { e.message.clone() }));
                }
                match self.slots.get(self.lookup(name, self.scopes)?)? {
                    Slot::Var { value, .. } => Some(value.clone()),
                    _ => Some(Value::Unknown),
                }
            }
            [a, f] => {
                if let Some(d) = self.lookup(a, self.scopes) {
                    if let Some(Slot::Rec { fields, .. }) = self.slots.get(d) {
                        return Some(
                            fields
                                .as_ref()
                                .and_then(|fs| fs.iter().find(|(n, _)| n == f).map(|(_, v)| v.clone()))
                                .unwrap_or(Value::Unknown),
                        );
                    }
                }
                // `label.variable`.
                let (_, depth) = self.labels.iter().rev().find(|(l, _)| l == a)?;
                let frame = self.scopes.get(*depth)?;
                let d = self.lookup(f, std::slice::from_ref(frame))?;
                match self.slots.get(d)? {
                    Slot::Var { value, .. } => Some(value.clone()),
                    _ => Some(Value::Unknown),
                }
            }
            _ => None,
        }
    }
}

/// Finds the variables of integer FOR loops, `(name, line)`.
fn collect_fori(list: &[Json], out: &mut Vec<(String, i64)>) {
    for s in list {
        let Some((kind, body)) = kind_of(s) else { continue };
        if kind == "PLpgSQL_stmt_fori" {
            if let Some(v) = body.get("var").and_then(|v| v.get("PLpgSQL_var")) {
                out.push((str_of(v, "refname").unwrap_or("").to_string(), line_of(v)));
            }
        }
        for child in children(body) {
            collect_fori(child, out);
        }
    }
}

/// Gives each block the declared datums between the previous statement's line (`floor`) and
/// its BEGIN line, visiting blocks in source order.
fn assign_block(
    block: &Json,
    floor: i64,
    declared: &[(usize, i64)],
    claimed: &mut [bool],
    decls: &mut HashMap<usize, Vec<usize>>,
) {
    let begin = line_of(block);
    let mut mine = Vec::new();
    for &(d, line) in declared {
        if !claimed[d] && line >= floor && line <= begin {
            claimed[d] = true;
            mine.push(d);
        }
    }
    decls.insert(block as *const Json as usize, mine);
    for child in children(block) {
        assign_list(child, begin, declared, claimed, decls);
    }
}

fn assign_list(
    list: &[Json],
    floor: i64,
    declared: &[(usize, i64)],
    claimed: &mut [bool],
    decls: &mut HashMap<usize, Vec<usize>>,
) {
    let mut floor = floor;
    for s in list {
        let Some((kind, body)) = kind_of(s) else { continue };
        if kind == "PLpgSQL_stmt_block" {
            assign_block(body, floor, declared, claimed, decls);
        } else {
            for child in children(body) {
                assign_list(child, line_of(body).max(floor), declared, claimed, decls);
            }
        }
        floor = floor.max(line_of(body));
    }
}

/// Splits `target := expression` (or `=`) at the assignment operator.
fn split_assignment(text: &str) -> Option<(&str, &str)> {
    let scan = pg_query::scan(text).ok()?;
    for token in &scan.tokens {
        let (a, b) = (token.start as usize, token.end as usize);
        if matches!(text.get(a..b), Some(":=") | Some("=")) {
            return Some((&text[..a], &text[b..]));
        }
    }
    None
}

/// Parses one SQL statement of the body.
fn parse_one(text: &str) -> PgResult<Option<NodeEnum>> {
    let parsed = pg_query::parse(text).map_err(|e| compile_error(&e.to_string()))?;
    Ok(parsed.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node))
}

fn no_destination() -> PgError {
    PgError::new("42601", "query has no destination for result data")
        .with_hint("If you want to discard the results of a SELECT, use PERFORM instead.")
}

/// Runs a statement of the body (or of an EXECUTE string) as a top-level statement, with its
/// own text as the statement source.
fn execute_nested(ctx: &mut Ctx<'_>, node: &NodeEnum, text: &str) -> PgResult<()> {
    let mut inner = Ctx {
        catalog: std::mem::take(&mut ctx.catalog),
        search_path: &mut *ctx.search_path,
        effects: &mut *ctx.effects,
        source: text,
        in_block: ctx.in_block,
        new_enum_values: &mut *ctx.new_enum_values,
        check_function_bodies: ctx.check_function_bodies,
    };
    let result = crate::statement::execute(&mut inner, node);
    ctx.catalog = inner.catalog;
    result.map_err(|mut e| {
        e.position = None;
        e
    })
}

/// The SQLSTATE of a PL/pgSQL condition name.
fn condition_sqlstate(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    CONDITIONS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

fn is_sqlstate(s: &str) -> bool {
    s.len() == 5 && s.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
}

/// Does an exception handler condition (`duplicate_object`, `SQLSTATE '42710'`, a class such
/// as `integrity_constraint_violation`, `others`) catch an error?
fn condition_matches(condition: &str, sqlstate: &str) -> bool {
    if condition == "others" {
        // OTHERS does not catch QUERY_CANCELED and ASSERT_FAILURE.
        return sqlstate != "57014" && sqlstate != "P0004";
    }
    let codes: Vec<&str> = if is_sqlstate(condition) {
        vec![condition]
    } else {
        CONDITIONS.iter().filter(|(n, _)| *n == condition).map(|(_, s)| *s).collect()
    };
    codes.iter().any(|code| {
        if code.ends_with("000") {
            // A class condition catches every error of the class.
            sqlstate.get(..2) == code.get(..2)
        } else {
            *code == sqlstate
        }
    })
}

/// An expression on one line, for messages.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Effects, Session};
    use schemasim_catalog::QualName;

    /// Runs each statement of `sql`; the last statement's result and effects.
    fn run_sql(session: &mut Session, sql: &str) -> (PgResult<()>, Effects) {
        let mut last = (Ok(()), Effects::default());
        for p in crate::parse::parse_file(sql) {
            let node = p.node.clone().expect("test SQL parses");
            last = session.execute(&node, p.text(sql));
        }
        last
    }

    fn has_table(session: &Session, name: &str) -> bool {
        session.catalog.table(&QualName::new("public", name)).is_some()
    }

    #[test]
    fn undecidable_conditions_stop_the_block_with_a_warning() {
        let mut s = Session::default();
        // Rows written: t's rows are not known any more.
        assert!(run_sql(&mut s, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)").0.is_ok());
        let (r, e) = run_sql(
            &mut s,
            "DO $$ BEGIN CREATE TABLE before (a int); IF EXISTS (SELECT 1 FROM t WHERE a = 1) THEN \
             CREATE TABLE yes (a int); END IF; CREATE TABLE after (a int); END $$",
        );
        assert!(r.is_ok());
        assert!(e.warnings.iter().any(|w| w.message.contains("`EXISTS (SELECT 1 FROM t WHERE a = 1)`")), "{e:?}");
        assert!(has_table(&s, "before"));
        assert!(!has_table(&s, "yes") && !has_table(&s, "after"));
    }

    #[test]
    fn unknown_rows_and_constructs_are_reported() {
        let mut s = Session::default();
        assert!(run_sql(&mut s, "CREATE TABLE t (a int); INSERT INTO t VALUES (1)").0.is_ok());
        for (body, expected) in [
            (
                "DECLARE r record; BEGIN FOR r IN SELECT a FROM t LOOP NULL; END LOOP; END",
                "FOR loop over `SELECT a FROM t`",
            ),
            ("DECLARE x int; BEGIN SELECT a INTO x FROM t; EXECUTE 'CREATE TABLE t' || x; END", "EXECUTE of"),
            ("BEGIN CALL p(); END", "CALL"),
            ("DECLARE r record; BEGIN FOR r IN EXECUTE 'select 1' LOOP NULL; END LOOP; END", "FOR ... IN EXECUTE"),
            ("BEGIN IF (SELECT count(*) FROM pg_stat_activity) > 0 THEN NULL; END IF; END", "pg_stat_activity"),
        ] {
            let (r, e) = run_sql(&mut s, &format!("DO $$ {body} $$"));
            assert!(r.is_ok(), "{body}: {r:?}");
            assert!(e.warnings.iter().any(|w| w.message.contains(expected)), "{body}: {e:?}");
        }
    }

    #[test]
    fn recursive_calls_stop_with_a_warning() {
        let mut s = Session::default();
        let (r, _) = run_sql(
            &mut s,
            "CREATE PROCEDURE p(n int) LANGUAGE plpgsql AS $$ BEGIN EXECUTE format('CREATE TABLE t%s (a int)', n); \
             EXECUTE format('CALL p(%s)', n + 1); END $$",
        );
        assert!(r.is_ok(), "{r:?}");
        let (r, e) = run_sql(&mut s, "CALL p(1)");
        assert!(r.is_ok(), "{r:?}");
        assert!(e.warnings.iter().any(|w| w.message.contains("nested more than")), "{e:?}");
        assert!(has_table(&s, "t1") && has_table(&s, "t16") && !has_table(&s, "t17"));
    }

    #[test]
    fn settings_made_in_the_block_are_known() {
        let mut s = Session::default();
        let (r, e) = run_sql(
            &mut s,
            "DO $$ BEGIN PERFORM set_config('app.flag', 'on', true); \
             IF current_setting('app.flag') = 'on' THEN CREATE TABLE flagged (a int); END IF; END $$",
        );
        assert!(r.is_ok(), "{r:?}");
        assert!(e.warnings.is_empty(), "{e:?}");
        assert!(has_table(&s, "flagged"));
        // A transaction-local search_path lasts until the end of the DO statement's transaction.
        assert!(run_sql(&mut s, "DO $$ BEGIN PERFORM set_config('search_path', 'pg_catalog', true); END $$").0.is_ok());
        assert_eq!(s.search_path, vec!["\"$user\"".to_string(), "public".to_string()]);
        assert!(run_sql(&mut s, "SELECT set_config('search_path', 'pg_catalog, public', false)").0.is_ok());
        assert_eq!(s.search_path, vec!["pg_catalog".to_string(), "public".to_string()]);
    }

    #[test]
    fn conditions_match_codes_and_classes() {
        assert!(condition_matches("duplicate_object", "42710"));
        assert!(condition_matches("42710", "42710"));
        assert!(condition_matches("integrity_constraint_violation", "23505"));
        assert!(!condition_matches("unique_violation", "23503"));
        assert!(condition_matches("others", "42P07"));
        assert!(!condition_matches("others", "P0004"));
    }

    #[test]
    fn assignments_split_at_the_operator() {
        assert_eq!(split_assignment("x := a = b"), Some(("x ", " a = b")));
        assert_eq!(split_assignment("x = 1"), Some(("x ", " 1")));
    }
}
