//! Row knowledge: which tables certainly hold no rows.
//!
//! The simulator does not store rows, but a replay starts from an empty database, so a table
//! made by `CREATE TABLE` is empty until something writes to it. Migrations do read row counts
//! (`IF (SELECT count(*) FROM t) > 1000 THEN RAISE ...`); when the table is certainly empty the
//! evaluator can answer them. Knowledge is kept only while it is certain:
//! - INSERT / COPY FROM into a plain table without triggers, children, or user functions in the
//!   statement or the table's expressions marks that table as possibly non-empty;
//! - UPDATE / DELETE add no rows to their target, but they fire triggers (statement-level ones
//!   always, row-level ones when rows may exist), cascade through foreign keys and may move rows
//!   between partitions; any of these, like any call of a user-defined function (which may write
//!   anywhere), any data-modifying WITH, a write through a view, or anything reported as not
//!   simulated (`Catalog::forget_empty_tables` from `Ctx::not_simulated`), forgets every table's
//!   emptiness.

use crate::session::Ctx;
use pg_query::protobuf::{self, Node, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, ConstraintKind, Function, QualName, Relation, Table, Trigger};

/// Updates the row knowledge for a statement about to run (its changes are discarded with the
/// catalog if it fails).
pub fn before_statement(ctx: &mut Ctx<'_>, node: &NodeEnum) {
    // Whether the statement calls a user function that may write: walked only for the
    // statements below that ask (a serde walk of the whole tree, costly for big DDL), and
    // always before anything that changes `ctx`.
    let calls_user_function = |ctx: &Ctx<'_>| calls_writing_function(ctx, node);
    let forget = match node {
        NodeEnum::InsertStmt(s) => {
            calls_user_function(ctx)
                || modifying_with(s.with_clause.as_ref())
                || if inserts_no_rows(ctx, s) {
                    !changes_quietly(ctx, s.relation.as_ref(), Event::Insert)
                } else {
                    !inserts_into(ctx, s.relation.as_ref())
                }
        }
        NodeEnum::CopyStmt(s) if s.is_from => calls_user_function(ctx) || !inserts_into(ctx, s.relation.as_ref()),
        NodeEnum::UpdateStmt(s) => {
            calls_user_function(ctx)
                || modifying_with(s.with_clause.as_ref())
                || !changes_quietly(ctx, s.relation.as_ref(), Event::Update)
        }
        NodeEnum::DeleteStmt(s) => {
            calls_user_function(ctx)
                || modifying_with(s.with_clause.as_ref())
                || !changes_quietly(ctx, s.relation.as_ref(), Event::Delete)
        }
        NodeEnum::SelectStmt(s) => {
            calls_user_function(ctx) || s.into_clause.is_some() || has_modifying_cte(&Node { node: Some(node.clone()) })
        }
        NodeEnum::CopyStmt(_) => calls_user_function(ctx),
        // Rewriting or scanning existing rows evaluates the statement's expressions per row.
        NodeEnum::AlterTableStmt(s) => !scan_known_empty(ctx, s.relation.as_ref()) && calls_user_function(ctx),
        NodeEnum::IndexStmt(s) => !scan_known_empty(ctx, s.relation.as_ref()) && calls_user_function(ctx),
        _ => false,
    };
    if forget {
        ctx.catalog.forget_empty_tables();
    }
}

/// Whether a scan of `rv` (with its partitions and inheritance children) certainly returns no
/// rows. `false` when the relation is not a table or cannot be resolved.
pub fn scan_known_empty(ctx: &Ctx<'_>, rv: Option<&RangeVar>) -> bool {
    let Some(rv) = rv else { return false };
    match ctx.lookup_relation(&rv.schemaname, &rv.relname) {
        Ok(Some(qn)) => tree_known_empty(ctx, &qn, 0),
        _ => false,
    }
}

fn tree_known_empty(ctx: &Ctx<'_>, name: &QualName, depth: usize) -> bool {
    // Inheritance cannot be circular; the bound only guards against a malformed catalog.
    if depth > 64 {
        return false;
    }
    match ctx.catalog.relations.get(name) {
        Some(Relation::Table(t)) if t.known_empty => {
            children(ctx, name).iter().all(|c| tree_known_empty(ctx, c, depth + 1))
        }
        _ => false,
    }
}

fn children(ctx: &Ctx<'_>, name: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .iter()
        .filter_map(|(n, r)| match r {
            Relation::Table(t) if t.partition_of.as_ref().is_some_and(|p| &p.parent == name) => Some(n.clone()),
            Relation::Table(t) if t.inherits.contains(name) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

fn target_table<'c>(ctx: &'c Ctx<'_>, rv: Option<&RangeVar>) -> Option<(QualName, &'c Table)> {
    let rv = rv?;
    let qn = ctx.lookup_relation(&rv.schemaname, &rv.relname).ok()??;
    match ctx.catalog.relations.get(&qn) {
        Some(Relation::Table(t)) => Some((qn, t)),
        _ => None,
    }
}

/// `INSERT ... SELECT` from a query that certainly returns no rows writes nothing.
fn inserts_no_rows(ctx: &Ctx<'_>, s: &protobuf::InsertStmt) -> bool {
    let Some(NodeEnum::SelectStmt(query)) = s.select_stmt.as_deref().and_then(|q| q.node.as_ref()) else {
        return false;
    };
    let mut ctes = Vec::new();
    if let Some(w) = &s.with_clause {
        if !with_ctes(ctx, w, &mut ctes) {
            return false;
        }
    }
    certainly_empty(ctx, query, &ctes, 0)
}

/// Adds a WITH clause's CTEs to `ctes` (name, certainly empty); `false` for a recursive WITH.
fn with_ctes(ctx: &Ctx<'_>, w: &protobuf::WithClause, ctes: &mut Vec<(String, bool)>) -> bool {
    if w.recursive {
        return false;
    }
    for c in &w.ctes {
        let Some(NodeEnum::CommonTableExpr(cte)) = c.node.as_ref() else { return false };
        let empty = match cte.ctequery.as_deref().and_then(|q| q.node.as_ref()) {
            Some(NodeEnum::SelectStmt(q)) => certainly_empty(ctx, q, ctes, 1),
            _ => false,
        };
        ctes.push((cte.ctename.clone(), empty));
    }
    true
}

/// Whether a query certainly returns no rows: a FROM item that is certainly empty (a table
/// known to be empty, an empty CTE or sub-query, through inner joins) and nothing that makes
/// a row out of no rows (aggregates without GROUP BY, VALUES). Any doubt answers `false`.
fn certainly_empty(ctx: &Ctx<'_>, q: &protobuf::SelectStmt, outer: &[(String, bool)], depth: usize) -> bool {
    if depth > 32 {
        return false;
    }
    let mut ctes = outer.to_vec();
    if let Some(w) = &q.with_clause {
        if !with_ctes(ctx, w, &mut ctes) {
            return false;
        }
    }
    let arm =
        |a: &Option<Box<protobuf::SelectStmt>>| a.as_deref().is_some_and(|a| certainly_empty(ctx, a, &ctes, depth + 1));
    match protobuf::SetOperation::try_from(q.op) {
        Ok(protobuf::SetOperation::SetopUnion) => return arm(&q.larg) && arm(&q.rarg),
        Ok(protobuf::SetOperation::SetopIntersect) => return arm(&q.larg) || arm(&q.rarg),
        Ok(protobuf::SetOperation::SetopExcept) => return arm(&q.larg),
        Ok(protobuf::SetOperation::SetopNone) => {}
        _ => return false,
    }
    if !q.values_lists.is_empty() || q.having_clause.is_some() {
        return false;
    }
    // Any function in the target list may be an aggregate (one row from none).
    let targets = Node { node: Some(NodeEnum::List(protobuf::List { items: q.target_list.clone() })) };
    if q.group_clause.is_empty() && !crate::expr::find_all(&targets, "FuncCall").is_empty() {
        return false;
    }
    q.from_clause.iter().any(|item| item_empty(ctx, item, &ctes, depth + 1))
}

fn item_empty(ctx: &Ctx<'_>, item: &Node, ctes: &[(String, bool)], depth: usize) -> bool {
    match item.node.as_ref() {
        Some(NodeEnum::RangeVar(rv)) => {
            if rv.schemaname.is_empty() {
                if let Some((_, empty)) = ctes.iter().rev().find(|(n, _)| n == &rv.relname) {
                    return *empty;
                }
            }
            scan_known_empty(ctx, Some(rv))
        }
        Some(NodeEnum::RangeSubselect(rs)) => match rs.subquery.as_deref().and_then(|q| q.node.as_ref()) {
            Some(NodeEnum::SelectStmt(q)) => certainly_empty(ctx, q, ctes, depth + 1),
            _ => false,
        },
        Some(NodeEnum::JoinExpr(j)) => {
            let side = |n: &Option<Box<Node>>| n.as_deref().is_some_and(|n| item_empty(ctx, n, ctes, depth + 1));
            match protobuf::JoinType::try_from(j.jointype) {
                Ok(protobuf::JoinType::JoinInner) => side(&j.larg) || side(&j.rarg),
                Ok(protobuf::JoinType::JoinLeft) => side(&j.larg),
                Ok(protobuf::JoinType::JoinRight) => side(&j.rarg),
                Ok(protobuf::JoinType::JoinFull) => side(&j.larg) && side(&j.rarg),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Rows go into the target: marks it possibly non-empty; `false` when the write may reach
/// further than the target (triggers, partitions or children, a view, user functions in its
/// defaults or constraints).
fn inserts_into(ctx: &mut Ctx<'_>, rv: Option<&RangeVar>) -> bool {
    let Some((qn, t)) = target_table(ctx, rv) else { return false };
    let writing_triggers = t
        .triggers
        .iter()
        .any(|tr| fires_on(&tr.definition.to_ascii_uppercase(), Event::Insert) && trigger_may_write(ctx, tr));
    if writing_triggers || t.partition_by.is_some() || !children(ctx, &qn).is_empty() {
        return false;
    }
    if mentions_user_function(ctx, t) {
        return false;
    }
    if let Some(Relation::Table(t)) = ctx.catalog.relations.get_mut(&qn) {
        t.known_empty = false;
    }
    true
}

/// An UPDATE or DELETE (or an INSERT of no rows) adds no rows to its target; `false` when it
/// may write elsewhere: triggers on `event` that fire (statement-level ones even for no rows),
/// foreign-key actions on referencing tables, rows moving between partitions, a view.
fn changes_quietly(ctx: &Ctx<'_>, rv: Option<&RangeVar>, event: Event) -> bool {
    let Some((qn, t)) = target_table(ctx, rv) else { return false };
    let empty = tree_known_empty(ctx, &qn, 0);
    let firing: Vec<String> = t
        .triggers
        .iter()
        .filter(|tr| trigger_may_write(ctx, tr))
        .map(|tr| tr.definition.to_ascii_uppercase())
        .filter(|d| fires_on(d, event))
        .collect();
    if firing.iter().any(|d| !d.contains("FOR EACH ROW")) || (!empty && !firing.is_empty()) {
        return false;
    }
    if empty {
        return true;
    }
    if !children(ctx, &qn).is_empty() || (event == Event::Update && mentions_user_function(ctx, t)) {
        return false;
    }
    !ctx.catalog.relations.values().any(|r| match r {
        Relation::Table(other) => other.constraints.iter().any(|c| match &c.kind {
            ConstraintKind::ForeignKey(fk) if fk.ref_table == qn => {
                let action = if event == Event::Update { fk.on_update } else { fk.on_delete };
                matches!(action, 'c' | 'n' | 'd')
            }
            _ => false,
        }),
        _ => false,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Event {
    Insert,
    Update,
    Delete,
}

/// Whether a trigger definition (`CREATE TRIGGER name BEFORE INSERT OR UPDATE ON ...`, upper
/// case) lists `event`: the words before the first ` ON ` (a trigger name containing the word
/// only makes the answer more cautious).
fn fires_on(definition: &str, event: Event) -> bool {
    let word = match event {
        Event::Insert => "INSERT",
        Event::Update => "UPDATE",
        Event::Delete => "DELETE",
    };
    let head = definition.split(" ON ").next().unwrap_or(definition);
    head.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == word)
}

/// Whether a user-defined function's name followed by `(` appears anywhere in the table's
/// definition (defaults, generated columns, constraints): an over-approximation of the
/// functions writing a row may call.
fn mentions_user_function(ctx: &Ctx<'_>, t: &Table) -> bool {
    let text = serde_json::to_string(t).unwrap_or_default().to_ascii_lowercase();
    ctx.catalog.functions.keys().any(|k| {
        text.contains(&format!("{}(", k.name.name.to_ascii_lowercase())) && may_write(&ctx.catalog, &k.name.name)
    })
}

fn trigger_may_write(ctx: &Ctx<'_>, tr: &Trigger) -> bool {
    may_write(&ctx.catalog, &tr.function.name)
}

/// Statement words that write rows (or run code that may).
const WRITES: &[&str] =
    &["INSERT", "UPDATE", "DELETE", "MERGE", "COPY", "EXECUTE", "PERFORM", "CALL", "TRUNCATE", "DO", "CREATE", "ALTER"];

/// Whether calling a user-defined function named `name` (any overload) may write rows: its
/// body (SQL or PL/pgSQL) has a word that writes or runs dynamic code, or calls a user function
/// that may write. Other languages, and any doubt, answer `true`. `false` for a name no user
/// function has (built-in functions do not write to user tables).
pub fn may_write(catalog: &Catalog, name: &str) -> bool {
    may_write_at(catalog, name, 0)
}

fn may_write_at(catalog: &Catalog, name: &str, depth: usize) -> bool {
    catalog
        .functions
        .values()
        .filter(|f| f.key.name.name == name)
        .any(|f| depth > 16 || body_may_write(catalog, f, depth))
}

fn body_may_write(catalog: &Catalog, f: &Function, depth: usize) -> bool {
    let sql = match f.language.as_str() {
        "sql" => true,
        "plpgsql" => false,
        _ => return true,
    };
    let Some(body) = function_body(&f.definition) else { return true };
    let Ok(scan) = pg_query::scan(&body) else { return true };
    let words: Vec<&str> =
        scan.tokens.iter().map(|t| body.get(t.start as usize..t.end as usize).unwrap_or("")).collect();
    words.iter().enumerate().any(|(i, w)| {
        let upper = w.to_ascii_uppercase();
        if WRITES.contains(&upper.as_str()) || (sql && upper == "INTO") {
            return true;
        }
        if words.get(i + 1) != Some(&"(") {
            return false;
        }
        let name = match w.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
            Some(quoted) => quoted.replace("\"\"", "\""),
            None => w.to_ascii_lowercase(),
        };
        may_write_at(catalog, &name, depth + 1)
    })
}

/// The body of `CREATE FUNCTION ... AS 'body'` (not `BEGIN ATOMIC` bodies).
pub fn function_body(definition: &str) -> Option<String> {
    let parsed = pg_query::parse(definition).ok()?;
    let Some(NodeEnum::CreateFunctionStmt(stmt)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return None;
    };
    stmt.options.iter().find_map(|o| match o.node.as_ref() {
        Some(NodeEnum::DefElem(d)) if d.defname == "as" => match d.arg.as_ref()?.node.as_ref()? {
            NodeEnum::List(l) if l.items.len() == 1 => match l.items.first()?.node.as_ref()? {
                NodeEnum::String(s) => Some(s.sval.clone()),
                _ => None,
            },
            NodeEnum::String(s) => Some(s.sval.clone()),
            _ => None,
        },
        _ => None,
    })
}

/// Whether the statement calls a user-defined function that may write.
fn calls_writing_function(ctx: &Ctx<'_>, node: &NodeEnum) -> bool {
    crate::expr::find_all(&Node { node: Some(node.clone()) }, "FuncCall").iter().any(|fc| {
        let last = fc
            .get("funcname")
            .and_then(|n| n.as_array())
            .and_then(|names| names.last()?.pointer("/node/String/sval")?.as_str());
        last.is_some_and(|name| may_write(&ctx.catalog, name))
    })
}

fn modifying_with(with: Option<&protobuf::WithClause>) -> bool {
    with.is_some_and(|w| has_modifying_cte(&Node { node: Some(NodeEnum::WithClause(w.clone())) }))
}

fn has_modifying_cte(tree: &Node) -> bool {
    crate::expr::find_all(tree, "CommonTableExpr").iter().any(|cte| {
        cte.pointer("/ctequery/node").and_then(|n| n.as_object()).is_some_and(|n| {
            n.contains_key("InsertStmt")
                || n.contains_key("UpdateStmt")
                || n.contains_key("DeleteStmt")
                || n.contains_key("MergeStmt")
        })
    })
}

#[cfg(test)]
mod tests {
    use crate::session::{Effects, Session};
    use schemasim_catalog::{QualName, Relation};

    fn run_sql(session: &mut Session, sql: &str) -> Effects {
        let mut all = Effects::default();
        for p in crate::parse::parse_file(sql) {
            let node = p.node.clone().expect("test SQL parses");
            let (r, e) = session.execute(&node, p.text(sql));
            assert!(r.is_ok(), "{}: {r:?}", p.text(sql));
            all.warnings.extend(e.warnings);
        }
        all
    }

    fn known_empty(session: &Session, name: &str) -> bool {
        matches!(session.catalog.relations.get(&QualName::new("public", name)), Some(Relation::Table(t)) if t.known_empty)
    }

    #[test]
    fn writes_forget_emptiness_only_where_they_may_reach() {
        let mut s = Session::default();
        run_sql(&mut s, "CREATE TABLE a (x int); CREATE TABLE b (x int); CREATE TABLE c (x int)");
        assert!(known_empty(&s, "a") && known_empty(&s, "b") && known_empty(&s, "c"));
        // From an empty table: nothing is inserted.
        run_sql(&mut s, "INSERT INTO b SELECT x FROM a; UPDATE c SET x = 1; DELETE FROM c");
        assert!(known_empty(&s, "b") && known_empty(&s, "c"));
        run_sql(&mut s, "INSERT INTO a VALUES (1)");
        assert!(!known_empty(&s, "a") && known_empty(&s, "b"));
        // An aggregate makes a row out of none.
        run_sql(&mut s, "INSERT INTO b SELECT count(*) FROM c");
        assert!(!known_empty(&s, "b") && known_empty(&s, "c"));
        // A user function that only reads writes nothing; one that writes (or calls one that
        // does) may write anywhere.
        run_sql(&mut s, "CREATE FUNCTION r() RETURNS int LANGUAGE sql AS 'SELECT 1'; SELECT r()");
        assert!(known_empty(&s, "c"));
        run_sql(
            &mut s,
            "CREATE FUNCTION w() RETURNS int LANGUAGE sql AS 'INSERT INTO a VALUES (1) RETURNING 1';              CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS 'BEGIN RETURN r() + w(); END'; SELECT f()",
        );
        assert!(!known_empty(&s, "c"));
    }

    #[test]
    fn triggers_and_unsimulated_statements_forget_every_table() {
        let mut s = Session::default();
        run_sql(
            &mut s,
            "CREATE TABLE a (x int); CREATE TABLE b (x int); \
             CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN INSERT INTO b VALUES (0); RETURN NEW; END'; \
             CREATE TRIGGER tr AFTER INSERT ON a FOR EACH STATEMENT EXECUTE FUNCTION g()",
        );
        // Triggers on other events do not fire.
        run_sql(&mut s, "INSERT INTO b VALUES (1); CREATE TABLE d (x int)");
        run_sql(&mut s, "CREATE TRIGGER tb BEFORE INSERT OR UPDATE ON b FOR EACH ROW EXECUTE FUNCTION g()");
        run_sql(&mut s, "DELETE FROM b WHERE x = 1");
        assert!(known_empty(&s, "d"));
        run_sql(&mut s, "UPDATE b SET x = 2");
        assert!(!known_empty(&s, "d"));
        run_sql(&mut s, "CREATE TABLE e (x int)");
        // A statement-level trigger fires even when no row is inserted.
        run_sql(&mut s, "INSERT INTO a SELECT x FROM e");
        assert!(!known_empty(&s, "e"));
        run_sql(&mut s, "CREATE TABLE c (x int)");
        assert!(known_empty(&s, "c"));
        // The rest of a block that was not simulated may have written rows.
        let e = run_sql(&mut s, "DO $$ BEGIN IF random() > 0.5 THEN INSERT INTO c VALUES (1); END IF; END $$");
        assert!(!e.warnings.is_empty());
        assert!(!known_empty(&s, "c"));
    }
}
