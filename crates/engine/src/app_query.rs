//! Application queries checked against a step's schema: each statement of a file (INSERT,
//! UPDATE, DELETE, SELECT with joins, CTEs, subqueries, RETURNING, ON CONFLICT) runs on its own
//! copy of the session, as a separate request of the application would, and gets PostgreSQL's
//! error when a relation or column it names does not exist or is ambiguous.
//!
//! The statement goes through the same path as a migration's DML ([`crate::Session::execute`]:
//! relations, target columns), where the names inside INSERT, UPDATE and DELETE (WHERE, SET
//! values, FROM/USING, RETURNING, ON CONFLICT) are resolved by [`dml_names`] with the query
//! analysis views use ([`crate::ddl::query`]), through an equivalent SELECT with the same
//! scopes: `UPDATE t SET a = x FROM u WHERE w RETURNING r` reads like
//! `SELECT x, r FROM t, u WHERE w`; ON CONFLICT DO UPDATE sees the target and `excluded`.

use crate::parse::{self, ParsedStatement};
use crate::{Outcome, PgError, ReplayOptions, Session, StatementReport};
use pg_query::protobuf::{self, Node, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::Catalog;

/// Checks every statement of `sql` against `catalog`, each on its own new connection (with
/// `options`' initial search_path, as the application's connection has it). One report per
/// statement, in order (`catalog_after` is left empty).
pub fn check_queries(catalog: &Catalog, options: &ReplayOptions, sql: &str) -> Vec<StatementReport> {
    let mut session = crate::new_session(options);
    session.catalog = catalog.clone();
    parse::parse_file(sql).iter().map(|p| check_one(&session, sql, p)).collect()
}

fn check_one(session: &Session, sql: &str, p: &ParsedStatement) -> StatementReport {
    let mut report = StatementReport { outcome: Outcome::Ok, ..crate::skipped_statement(sql, p.offset, p.len) };
    let (result, effects) = session.clone().execute_parsed(p, sql);
    report.notices = effects.notices;
    report.warnings = effects.warnings;
    if let Err(e) = result {
        report.outcome = Outcome::Error;
        report.error_position = e.position.map(|pos| parse::line_column(sql, pos));
        report.sqlstate = Some(e.sqlstate);
        report.message = Some(e.message);
        report.detail = e.detail;
        report.hint = e.hint;
    }
    report
}

/// The name errors of parse analysis (undefined or ambiguous column, missing FROM entry) in
/// the expressions of an INSERT, UPDATE or DELETE, for the existing schemas of search_path
/// `schemas`. Statements on system catalogs and data-modifying CTEs are not analysed.
pub(crate) fn dml_names(catalog: &Catalog, schemas: &[String], node: &NodeEnum) -> Result<(), PgError> {
    if !analysable(node) {
        return Ok(());
    }
    for select in equivalent_selects(node) {
        let Ok(text) = NodeEnum::SelectStmt(Box::new(select)).deparse() else { continue };
        match crate::ddl::query::analyze(catalog, schemas, &text) {
            // System columns are not modelled by the analysis (see `dml::check_query_names`).
            Err(e) if crate::dml::SYSTEM_COLUMNS.iter().any(|c| e.message.contains(c)) => {}
            Err(mut e) if matches!(e.sqlstate.as_str(), "42703" | "42702" | "42P01") => {
                // The cursor would point into the rewritten text.
                e.position = None;
                return Err(e);
            }
            _ => {}
        }
    }
    // Calls of functions that do not exist, once the names of the statement resolve.
    crate::unknown_function::check(catalog, schemas, node)
}

/// Whether the name checks apply to `node`: not to statements on system catalogs (answered by
/// the catalog query layer) nor to data-modifying CTEs (not analysed).
pub(crate) fn analysable(node: &NodeEnum) -> bool {
    let tree = Node { node: Some(node.clone()) };
    let system = crate::expr::range_vars(&tree)
        .iter()
        .any(|(schema, rel)| crate::catalog_query::is_system_relation(schema, rel) || rel.starts_with("pg_"));
    let modifying_cte = crate::expr::find_all(&tree, "CommonTableExpr").iter().any(|cte| {
        cte.pointer("/ctequery/node").and_then(|n| n.as_object()).is_some_and(|n| {
            n.contains_key("InsertStmt") || n.contains_key("UpdateStmt") || n.contains_key("DeleteStmt")
        })
    });
    !system && !modifying_cte
}

fn node(n: NodeEnum) -> Node {
    Node { node: Some(n) }
}

fn target(val: Node) -> Node {
    node(NodeEnum::ResTarget(Box::new(protobuf::ResTarget {
        name: String::new(),
        indirection: Vec::new(),
        val: Some(Box::new(val)),
        location: -1,
    })))
}

/// The values of SET items (`SET (a, b) = (SELECT ...)` once, `DEFAULT` left out).
fn set_values(items: &[Node]) -> Vec<Node> {
    items
        .iter()
        .filter_map(|i| match i.node.as_ref() {
            Some(NodeEnum::ResTarget(rt)) => rt.val.as_deref(),
            _ => None,
        })
        .filter_map(|v| match v.node.as_ref() {
            Some(NodeEnum::SetToDefault(_)) => None,
            Some(NodeEnum::MultiAssignRef(m)) if m.colno == 1 => m.source.as_deref().cloned(),
            Some(NodeEnum::MultiAssignRef(_)) => None,
            _ => Some(v.clone()),
        })
        .map(target)
        .collect()
}

fn range(rv: &RangeVar) -> Node {
    node(NodeEnum::RangeVar(rv.clone()))
}

fn select(
    targets: Vec<Node>,
    from: Vec<Node>,
    where_clause: Option<Box<Node>>,
    with: Option<protobuf::WithClause>,
) -> protobuf::SelectStmt {
    protobuf::SelectStmt {
        target_list: targets,
        from_clause: from,
        where_clause,
        with_clause: with,
        op: protobuf::SetOperation::SetopNone as i32,
        limit_option: protobuf::LimitOption::Default as i32,
        ..Default::default()
    }
}

/// SELECTs whose name resolution is the statement's.
fn equivalent_selects(n: &NodeEnum) -> Vec<protobuf::SelectStmt> {
    match n {
        NodeEnum::UpdateStmt(s) => {
            let Some(rv) = &s.relation else { return Vec::new() };
            let mut targets = set_values(&s.target_list);
            targets.extend(s.returning_list.iter().cloned());
            let mut from = vec![range(rv)];
            from.extend(s.from_clause.iter().cloned());
            vec![select(targets, from, s.where_clause.clone(), s.with_clause.clone())]
        }
        NodeEnum::DeleteStmt(s) => {
            let Some(rv) = &s.relation else { return Vec::new() };
            let mut from = vec![range(rv)];
            from.extend(s.using_clause.iter().cloned());
            vec![select(s.returning_list.clone(), from, s.where_clause.clone(), s.with_clause.clone())]
        }
        NodeEnum::InsertStmt(s) => {
            let Some(rv) = &s.relation else { return Vec::new() };
            let mut out = Vec::new();
            if let Some(NodeEnum::SelectStmt(source)) = s.select_stmt.as_deref().and_then(|n| n.node.as_ref()) {
                let mut source = (**source).clone();
                if source.with_clause.is_none() {
                    source.with_clause = s.with_clause.clone();
                }
                // VALUES (DEFAULT, ...): DEFAULT is no expression to resolve.
                for list in &mut source.values_lists {
                    if let Some(NodeEnum::List(l)) = list.node.as_mut() {
                        for item in &mut l.items {
                            if matches!(item.node, Some(NodeEnum::SetToDefault(_))) {
                                *item =
                                    node(NodeEnum::AConst(protobuf::AConst { isnull: true, val: None, location: -1 }));
                            }
                        }
                    }
                }
                out.push(source);
            }
            if !s.returning_list.is_empty() {
                out.push(select(s.returning_list.clone(), vec![range(rv)], None, s.with_clause.clone()));
            }
            if let Some(oc) = &s.on_conflict_clause {
                let targets = set_values(&oc.target_list);
                // The conflict target names the table's own columns (or an expression on them).
                if let Some(infer) = &oc.infer {
                    let columns: Vec<Node> = infer
                        .index_elems
                        .iter()
                        .filter_map(|e| match e.node.as_ref() {
                            Some(NodeEnum::IndexElem(ie)) if !ie.name.is_empty() => {
                                Some(target(node(NodeEnum::ColumnRef(protobuf::ColumnRef {
                                    fields: vec![node(NodeEnum::String(protobuf::String { sval: ie.name.clone() }))],
                                    location: -1,
                                }))))
                            }
                            Some(NodeEnum::IndexElem(ie)) => ie.expr.as_deref().cloned().map(target),
                            _ => None,
                        })
                        .collect();
                    out.push(select(columns, vec![range(rv)], infer.where_clause.clone(), None));
                }
                let mut excluded = rv.clone();
                excluded.alias = Some(protobuf::Alias { aliasname: "excluded".into(), colnames: Vec::new() });
                let where_clause =
                    match (oc.where_clause.clone(), oc.infer.as_ref().and_then(|i| i.where_clause.clone())) {
                        (Some(w), _) | (None, Some(w)) => Some(w),
                        (None, None) => None,
                    };
                out.push(select(targets, vec![range(rv), range(&excluded)], where_clause, None));
            }
            out
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::check_queries;
    use crate::{new_session, run_migration, Migration, Outcome, ReplayOptions};

    fn errors(schema: &str, queries: &str) -> Vec<Option<String>> {
        let mut session = new_session(&ReplayOptions::default());
        let m = Migration { name: "s".into(), path: "s.sql".into(), sql: schema.into(), transaction: true };
        run_migration(&mut session, &m);
        check_queries(&session.catalog, &ReplayOptions::default(), queries)
            .into_iter()
            .map(|r| {
                (r.outcome == Outcome::Error)
                    .then(|| format!("{} {}", r.sqlstate.unwrap_or_default(), r.message.unwrap_or_default()))
            })
            .collect()
    }

    const SCHEMA: &str = "CREATE TABLE users (id int PRIMARY KEY, email text, org int); \
                          CREATE TABLE orgs (id int PRIMARY KEY, name text);";

    #[test]
    fn dml_names_resolve_like_postgresql() {
        let queries = "INSERT INTO users (id, email, status) VALUES (1, 'a', 'x');\n\
            INSERT INTO users (id, email) VALUES (1, DEFAULT) ON CONFLICT (id) DO UPDATE SET email = excluded.email RETURNING id;\n\
            INSERT INTO users (id, email) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET email = excluded.mail;\n\
            UPDATE users SET email = 'b' WHERE statuz = 1;\n\
            UPDATE users u SET email = o.name FROM orgs o WHERE o.id = u.org RETURNING u.id, o.name;\n\
            UPDATE users SET email = name FROM orgs WHERE orgs.id = users.org AND id = 1;\n\
            DELETE FROM users USING orgs WHERE orgs.id = users.org RETURNING users.email, nosuch;\n\
            WITH o AS (SELECT id FROM orgs) SELECT u.email FROM users u JOIN o ON o.id = u.org WHERE u.id IN (SELECT id FROM orgs);\n\
            SELECT * FROM user_invitations;\n\
            INSERT INTO users (id) SELECT id FROM orgs WHERE title = 'x';";
        assert_eq!(
            errors(SCHEMA, queries),
            vec![
                Some("42703 column \"status\" of relation \"users\" does not exist".to_string()),
                None,
                Some("42703 column excluded.mail does not exist".to_string()),
                Some("42703 column \"statuz\" does not exist".to_string()),
                None,
                Some("42702 column reference \"id\" is ambiguous".to_string()),
                Some("42703 column \"nosuch\" does not exist".to_string()),
                None,
                Some("42P01 relation \"user_invitations\" does not exist".to_string()),
                Some("42703 column \"title\" does not exist".to_string()),
            ]
        );
    }

    #[test]
    fn a_migration_s_own_dml_gets_the_same_check() {
        let m = Migration {
            name: "m".into(),
            path: "m.sql".into(),
            sql: format!("{SCHEMA} UPDATE users SET email = lower(email) WHERE statuz = 'x';"),
            transaction: true,
        };
        let r = crate::replay(&[m], &ReplayOptions::default());
        let e = r.migrations[0].first_error().expect("fails");
        assert_eq!(e.message.as_deref(), Some("column \"statuz\" does not exist"));
        // System catalogs are not analysed (a superuser may update them).
        let sys = Migration {
            name: "s".into(),
            path: "s.sql".into(),
            sql: "UPDATE pg_index SET indisready = false WHERE indexrelid = 0;".into(),
            transaction: true,
        };
        assert!(crate::replay(&[sys], &ReplayOptions::default()).migrations[0].first_error().is_none());
    }

    #[test]
    fn unknown_functions_get_postgresql_s_error_hint_and_cursor() {
        let mut session = new_session(&ReplayOptions::default());
        let m = Migration { name: "s".into(), path: "s.sql".into(), sql: SCHEMA.into(), transaction: true };
        run_migration(&mut session, &m);
        let queries = "SELECT id FROM users;\nSELECT lower(email), nosuch(org, 'x') FROM users;";
        let reports = check_queries(&session.catalog, &ReplayOptions::default(), queries);
        assert_eq!(reports[0].outcome, Outcome::Ok);
        let r = &reports[1];
        assert_eq!(r.sqlstate.as_deref(), Some("42883"));
        assert_eq!(r.message.as_deref(), Some("function nosuch(integer, unknown) does not exist"));
        assert_eq!(
            r.hint.as_deref(),
            Some("No function matches the given name and argument types. You might need to add explicit type casts.")
        );
        // The cursor is at the call, as psql shows it: line 2, column 22.
        assert_eq!(r.error_position, Some((2, 22)));
    }

    #[test]
    fn unknown_functions_are_reported_only_when_certain() {
        let queries = "SELECT nosuch(email || 'x') FROM users;\n\
            SELECT nosuch(o) FROM orgs o;\n\
            SELECT nosuch($1);\n\
            SELECT lower(1, 2, 3);\n\
            SELECT x.nosuch FROM (SELECT 1 AS nosuch) x;\n\
            SELECT nosuch(a.b) FROM (SELECT 1 AS b) a;\n\
            SELECT 1 FROM users WHERE nosuch(id) AND lower(email) = 'x';";
        assert_eq!(
            errors(SCHEMA, queries),
            vec![
                // The argument's type needs operator resolution: PostgreSQL fails, schemasim
                // cannot spell the message.
                None,
                // A row argument may be a column projection (`o.nosuch`).
                None,
                None,
                // The name exists: overload resolution is not modelled.
                None,
                None,
                // Columns of a subquery have no known type.
                None,
                Some("42883 function nosuch(integer) does not exist".to_string()),
            ]
        );
    }

    #[test]
    fn extensions_bring_functions() {
        // pgcrypto's functions are known; an unknown name is still reported.
        let known = format!("{SCHEMA} CREATE EXTENSION pgcrypto;");
        assert_eq!(
            errors(&known, "SELECT crypt(email, gen_salt('bf')) FROM users; SELECT nosuch(1);"),
            vec![None, Some("42883 function nosuch(integer) does not exist".to_string())]
        );
        // An extension whose functions schemasim does not know may define any name.
        let unknown = format!("{SCHEMA} CREATE EXTENSION postgis;");
        assert_eq!(errors(&unknown, "SELECT st_makepoint(1, 2); SELECT nosuch.f(1);"), vec![None, None]);
        // Without it, a schema that does not exist is reported first.
        assert_eq!(
            errors(SCHEMA, "SELECT nosuch.f(1);"),
            vec![Some("3F000 schema \"nosuch\" does not exist".to_string())]
        );
    }

    #[test]
    fn migrations_dml_calls_are_checked_in_the_replay() {
        let m = Migration {
            name: "m".into(),
            path: "m.sql".into(),
            sql: format!("{SCHEMA} UPDATE users SET email = normalise(email) WHERE org = 1;"),
            transaction: true,
        };
        let r = crate::replay(&[m], &ReplayOptions::default());
        let e = r.migrations[0].first_error().expect("fails");
        assert_eq!(e.message.as_deref(), Some("function normalise(text) does not exist"));
    }

    #[test]
    fn each_query_runs_on_its_own_copy() {
        let queries = "CREATE TABLE extra (id int); SELECT * FROM extra;";
        assert_eq!(errors(SCHEMA, queries), vec![None, Some("42P01 relation \"extra\" does not exist".to_string())]);
    }
}
