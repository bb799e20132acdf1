//! Structural diff of two catalogs, object by object. Each object is rendered as the DDL the dump
//! would emit for it (columns one by one, column order as its own entry), so a difference reads
//! like a pg_dump diff and creation order (OIDs) never counts.
//!
//! Texts are compared in the form PostgreSQL stores them, not as written: a function's options
//! in pg_dump's order, a view's output columns apart from their order, an index expression's
//! calls bound and coerced as the server binds them (see `canonical_*`). Each normalization
//! only removes spellings of the same stored object; anything else still differs.

use crate::dump;
use schemasim_catalog::{quote_ident, Catalog, Relation, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One object that differs between two catalogs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// What it is, as PostgreSQL names it (`column status of table public.users`).
    pub object: String,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

impl Change {
    /// A difference only in order: a table's or view's column order (same columns, same
    /// definitions), or a text whose lines are the same lines reordered or re-indented (what a
    /// pg_dump diff reads as reordering: indentation and trailing commas ignored).
    pub fn is_order_only(&self) -> bool {
        if self.object.starts_with("column order of ") {
            return true;
        }
        match (&self.before, &self.after) {
            (Some(a), Some(b)) if self.kind == ChangeKind::Changed => same_lines_reordered(a, b),
            _ => false,
        }
    }
}

/// What changed from `before` to `after`.
pub fn diff(before: &Catalog, after: &Catalog) -> Vec<Change> {
    let a = object_texts(before);
    let b = object_texts(after);
    let mut changes = Vec::new();
    for (object, text) in &a {
        match b.get(object) {
            None => changes.push(Change {
                object: object.clone(),
                kind: ChangeKind::Removed,
                before: Some(text.clone()),
                after: None,
            }),
            Some(other) if other != text => changes.push(Change {
                object: object.clone(),
                kind: ChangeKind::Changed,
                before: Some(text.clone()),
                after: Some(other.clone()),
            }),
            Some(_) => {}
        }
    }
    for (object, text) in &b {
        if !a.contains_key(object) {
            changes.push(Change {
                object: object.clone(),
                kind: ChangeKind::Added,
                before: None,
                after: Some(text.clone()),
            });
        }
    }
    changes
}

/// True when the only differences are column order.
pub fn order_only(changes: &[Change]) -> bool {
    !changes.is_empty() && changes.iter().all(Change::is_order_only)
}

/// The lines of both texts are the same multiset once indentation and trailing commas are ignored.
fn same_lines_reordered(a: &str, b: &str) -> bool {
    fn lines(text: &str) -> Vec<&str> {
        let mut v: Vec<&str> =
            text.lines().map(|l| l.trim().trim_end_matches(',').trim_end()).filter(|l| !l.is_empty()).collect();
        v.sort_unstable();
        v
    }
    lines(a) == lines(b)
}

/// Where pg_dump prints a function's options (`dumpFunc`); the body (`AS`) last.
fn function_option_rank(name: &str) -> usize {
    const ORDER: [&str; 12] = [
        "language",
        "window",
        "transform",
        "volatility",
        "leakproof",
        "strict",
        "security",
        "parallel",
        "cost",
        "rows",
        "support",
        "set",
    ];
    ORDER.iter().position(|n| *n == name).unwrap_or(ORDER.len())
}

/// A function definition as PostgreSQL keeps it: the options are attributes of pg_proc, so their
/// order in the source (and `OR REPLACE`, keyword case, whitespace outside the body) does not
/// count; the body is compared as stored (`prosrc` is kept verbatim).
fn canonical_function(definition: &str) -> String {
    use pg_query::NodeEnum;
    let Ok(parsed) = pg_query::parse(definition) else {
        return definition.to_string();
    };
    let Some(NodeEnum::CreateFunctionStmt(f)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return definition.to_string();
    };
    let mut f = f.clone();
    f.replace = false;
    let rank = |n: &pg_query::protobuf::Node| match &n.node {
        Some(NodeEnum::DefElem(d)) if d.defname == "as" => usize::MAX,
        Some(NodeEnum::DefElem(d)) => function_option_rank(&d.defname),
        _ => usize::MAX - 1,
    };
    f.options.sort_by_key(rank);
    NodeEnum::CreateFunctionStmt(f).deparse().unwrap_or_else(|_| definition.to_string())
}

/// A view's DDL with its output columns (name and expression together) sorted by name, and its
/// column order apart: a view re-created over a table whose columns moved (`SELECT *` expanded
/// in the new order) differs from the old one only in column order, as a table does. Queries
/// where the select list's order has meaning of its own (set operations, positional `ORDER BY`,
/// `GROUP BY` or `DISTINCT ON`) stay as they are.
fn canonical_view(v: &schemasim_catalog::View) -> (String, Option<String>) {
    use pg_query::NodeEnum;
    let unchanged = || (dump::view_ddl(v), None);
    let Ok(parsed) = pg_query::parse(&v.query) else {
        return unchanged();
    };
    let Some(NodeEnum::SelectStmt(select)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return unchanged();
    };
    let positional = |n: &pg_query::protobuf::Node| {
        let inner = match &n.node {
            Some(NodeEnum::SortBy(s)) => s.node.as_deref().and_then(|n| n.node.as_ref()),
            other => other.as_ref(),
        };
        matches!(inner, Some(NodeEnum::AConst(_)))
    };
    let star = select.target_list.iter().any(|t| match &t.node {
        Some(NodeEnum::ResTarget(r)) => {
            matches!(r.val.as_deref().and_then(|n| n.node.as_ref()), Some(NodeEnum::ColumnRef(c)) if c.fields.iter().any(|f| matches!(f.node, Some(NodeEnum::AStar(_)))))
        }
        _ => true,
    });
    if select.larg.is_some()
        || select.rarg.is_some()
        || star
        || select.target_list.len() != v.columns.len()
        || select.sort_clause.iter().chain(&select.group_clause).chain(&select.distinct_clause).any(positional)
    {
        return unchanged();
    }
    let mut index: Vec<usize> = (0..v.columns.len()).collect();
    index.sort_by(|a, b| v.columns[*a].cmp(&v.columns[*b]));
    let mut sorted = select.clone();
    sorted.target_list = index.iter().map(|i| select.target_list[*i].clone()).collect();
    let Ok(query) = NodeEnum::SelectStmt(sorted).deparse() else {
        return unchanged();
    };
    let mut canonical = v.clone();
    canonical.columns = index.iter().map(|i| v.columns[*i].clone()).collect();
    canonical.query = query;
    (dump::view_ddl(&canonical), Some(v.columns.join(", ")))
}

/// An index definition as PostgreSQL stores it, which the text as written may not show: an
/// unqualified call of a user function is bound to that function (pg_dump qualifies it), and an
/// explicit cast of an argument to the type PostgreSQL coerces it to anyway (the parameter type
/// of the only candidate; `text` for a `varchar`/`text` column passed to a built-in function) is
/// the same expression as no cast. Other expressions are compared as written.
fn canonical_index(catalog: &Catalog, i: &schemasim_catalog::Index) -> String {
    use pg_query::NodeEnum;
    let text = dump::index_ddl(catalog, i);
    let Ok(parsed) = pg_query::parse(&text) else {
        return text;
    };
    let Some(NodeEnum::IndexStmt(stmt)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return text;
    };
    let mut stmt = stmt.clone();
    let table = catalog.table(&i.table);
    let column_type = |name: &str| table.and_then(|t| t.column(name)).map(|c| c.type_name.clone());
    let ctx = ExprContext { catalog, column_type: &column_type };
    for p in &mut stmt.index_params {
        if let Some(NodeEnum::IndexElem(e)) = p.node.as_mut() {
            if let Some(expr) = e.expr.as_deref_mut() {
                ctx.canonical_expr(expr);
                // An expression that is just a column makes a column index.
                if let Some(NodeEnum::ColumnRef(c)) = &expr.node {
                    if let [column] = node_strings(&c.fields).as_slice() {
                        if c.fields.len() == 1 {
                            e.name = column.clone();
                            e.expr = None;
                        }
                    }
                }
            }
        }
    }
    if let Some(w) = stmt.where_clause.as_deref_mut() {
        ctx.canonical_expr(w);
    }
    NodeEnum::IndexStmt(stmt).deparse().unwrap_or(text)
}

struct ExprContext<'a> {
    catalog: &'a Catalog,
    column_type: &'a dyn Fn(&str) -> Option<String>,
}

fn node_strings(nodes: &[pg_query::protobuf::Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match &n.node {
            Some(pg_query::NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// A type name as `format_type` prints it, for the names a cast usually spells.
fn format_type_name(name: &str) -> &str {
    match name {
        "int4" | "int" => "integer",
        "int8" => "bigint",
        "int2" => "smallint",
        "float8" => "double precision",
        "float4" => "real",
        "bool" => "boolean",
        "varchar" => "character varying",
        "bpchar" => "character",
        "timestamptz" => "timestamp with time zone",
        "timestamp" => "timestamp without time zone",
        "timetz" => "time with time zone",
        "time" => "time without time zone",
        other => other,
    }
}

impl ExprContext<'_> {
    /// `date(col)` on a `date` column: a call named like the argument's own type is a no-op
    /// coercion, which PostgreSQL drops (the index is then on the column itself).
    fn noop_coercion(&self, node: &pg_query::protobuf::Node) -> Option<pg_query::protobuf::Node> {
        use pg_query::NodeEnum;
        let Some(NodeEnum::FuncCall(fc)) = &node.node else { return None };
        let name = node_strings(&fc.funcname);
        let type_name = match name.as_slice() {
            [n] => n.as_str(),
            [s, n] if s == "pg_catalog" => n.as_str(),
            _ => return None,
        };
        let plain = fc.agg_order.is_empty()
            && fc.agg_filter.is_none()
            && fc.over.is_none()
            && !fc.agg_star
            && !fc.agg_distinct
            && !fc.func_variadic;
        let user = self.catalog.functions.values().any(|f| f.key.name.name == type_name);
        let [arg] = fc.args.as_slice() else { return None };
        let Some(NodeEnum::ColumnRef(c)) = &arg.node else { return None };
        let column_type = node_strings(&c.fields).pop().and_then(|c| (self.column_type)(&c))?;
        (plain && !user && column_type == format_type_name(type_name)).then(|| arg.clone())
    }

    fn canonical_expr(&self, node: &mut pg_query::protobuf::Node) {
        use pg_query::NodeEnum;
        if let Some(inner) = self.noop_coercion(node) {
            *node = inner;
            return;
        }
        match node.node.as_mut() {
            Some(NodeEnum::FuncCall(fc)) => {
                let name = node_strings(&fc.funcname);
                let named: Vec<_> = self
                    .catalog
                    .functions
                    .values()
                    .filter(|f| match name.as_slice() {
                        [n] => &f.key.name.name == n,
                        [s, n] => &f.key.name.schema == s && &f.key.name.name == n,
                        _ => false,
                    })
                    .collect();
                let mut schemas: Vec<&str> = named.iter().map(|f| f.key.name.schema.as_str()).collect();
                schemas.sort_unstable();
                schemas.dedup();
                if let ([n], [schema]) = (name.as_slice(), schemas.as_slice()) {
                    fc.funcname = [schema.to_string(), n.clone()]
                        .into_iter()
                        .map(|sval| pg_query::protobuf::Node {
                            node: Some(NodeEnum::String(pg_query::protobuf::String { sval })),
                        })
                        .collect();
                }
                let arity = fc.args.len();
                let candidates: Vec<_> = named.iter().filter(|f| f.key.arg_types.len() == arity).collect();
                let params = match candidates.as_slice() {
                    [f] if !fc.func_variadic => Some(&f.key.arg_types),
                    _ => None,
                };
                let builtin = named.is_empty();
                for (k, arg) in fc.args.iter_mut().enumerate() {
                    let strip = match &arg.node {
                        Some(NodeEnum::TypeCast(tc)) => {
                            let target = tc
                                .type_name
                                .as_ref()
                                .filter(|t| t.typmods.is_empty() && t.array_bounds.is_empty() && !t.setof)
                                .and_then(|t| node_strings(&t.names).pop());
                            let column = match tc.arg.as_deref().and_then(|a| a.node.as_ref()) {
                                Some(NodeEnum::ColumnRef(c)) => node_strings(&c.fields).pop(),
                                _ => None,
                            };
                            let column_type = column.and_then(|c| (self.column_type)(&c));
                            match target.as_deref().map(format_type_name) {
                                None => false,
                                Some(t) => {
                                    params.is_some_and(|p| p[k] == t)
                                        || column_type.as_deref() == Some(t)
                                        || (builtin
                                            && t == "text"
                                            && column_type
                                                .as_deref()
                                                .is_some_and(|c| c.starts_with("character varying")))
                                }
                            }
                        }
                        _ => false,
                    };
                    if strip {
                        if let Some(NodeEnum::TypeCast(tc)) = arg.node.take() {
                            if let Some(inner) = tc.arg {
                                *arg = *inner;
                            }
                        }
                    }
                    self.canonical_expr(arg);
                }
            }
            Some(NodeEnum::TypeCast(tc)) => {
                if let Some(a) = tc.arg.as_deref_mut() {
                    self.canonical_expr(a);
                }
            }
            Some(NodeEnum::AExpr(e)) => {
                for side in [e.lexpr.as_deref_mut(), e.rexpr.as_deref_mut()].into_iter().flatten() {
                    self.canonical_expr(side);
                }
            }
            Some(NodeEnum::BoolExpr(b)) => b.args.iter_mut().for_each(|a| self.canonical_expr(a)),
            _ => {}
        }
    }
}

fn column_text(c: &schemasim_catalog::Column) -> String {
    let mut s = format!("{} {}", quote_ident(&c.name), c.type_name);
    if let Some(coll) = &c.collation {
        s.push_str(&format!(" COLLATE {coll}"));
    }
    if let Some(g) = &c.generated {
        s.push_str(&format!(" GENERATED ALWAYS AS ({g}) STORED"));
    }
    match c.identity {
        Some(schemasim_catalog::Identity::Always) => s.push_str(" GENERATED ALWAYS AS IDENTITY"),
        Some(schemasim_catalog::Identity::ByDefault) => s.push_str(" GENERATED BY DEFAULT AS IDENTITY"),
        None => {}
    }
    if let Some(d) = &c.default {
        s.push_str(&format!(" DEFAULT {d}"));
    }
    if c.not_null {
        s.push_str(" NOT NULL");
    }
    s
}

/// Every object of the catalog keyed by its description, with its DDL.
pub(crate) fn object_texts(catalog: &Catalog) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for s in catalog.schemas.values() {
        out.insert(format!("schema {}", s.name), format!("CREATE SCHEMA {}", quote_ident(&s.name)));
        if let Some(c) = &s.comment {
            out.insert(format!("comment on schema {}", s.name), c.clone());
        }
    }
    for e in catalog.extensions.values() {
        out.insert(format!("extension {}", e.name), format!("CREATE EXTENSION {} SCHEMA {}", e.name, e.schema));
    }
    for r in catalog.roles.values() {
        out.insert(format!("role {}", r.name), format!("CREATE ROLE {}", quote_ident(&r.name)));
    }
    for t in catalog.types.values() {
        out.insert(format!("type {}", t.name), dump::type_ddl(t));
        if let Some(c) = &t.comment {
            out.insert(format!("comment on type {}", t.name), c.clone());
        }
    }
    for f in catalog.functions.values().filter(|f| f.extension.is_none()) {
        let what = if f.procedure { "procedure" } else { "function" };
        out.insert(format!("{what} {}.{}", quote_ident(&f.key.name.schema), f.key), canonical_function(&f.definition));
        if let Some(c) = &f.comment {
            out.insert(format!("comment on {what} {}", f.key), c.clone());
        }
    }
    for rel in catalog.relations.values() {
        match rel {
            Relation::Table(t) => table_texts(t, &mut out),
            Relation::View(v) => {
                let noun = if v.materialized { "materialized view" } else { "view" };
                let (text, order) = canonical_view(v);
                out.insert(format!("{noun} {}", v.name), text);
                if let Some(order) = order {
                    out.insert(format!("column order of {noun} {}", v.name), order);
                }
                if let Some(c) = &v.comment {
                    out.insert(format!("comment on {noun} {}", v.name), c.clone());
                }
            }
            Relation::Sequence(s) if !s.identity => {
                let mut text = dump::sequence_ddl(s);
                if let Some((t, c)) = &s.owned_by {
                    text.push_str(&format!("OWNED BY {t}.{}\n", quote_ident(c)));
                }
                out.insert(format!("sequence {}", s.name), text);
            }
            Relation::Index(i) if i.constraint.is_none() => {
                out.insert(format!("index {}", i.name), canonical_index(catalog, i));
                if let Some(c) = &i.comment {
                    out.insert(format!("comment on index {}", i.name), c.clone());
                }
            }
            _ => {}
        }
    }
    out
}

fn table_texts(t: &Table, out: &mut BTreeMap<String, String>) {
    let mut header = t.clone();
    header.columns.retain(|_| false);
    out.insert(format!("table {}", t.name), dump::table_ddl(&header).replace(" ();", ";"));
    for c in &t.columns {
        out.insert(format!("column {} of table {}", c.name, t.name), column_text(c));
        if let Some(comment) = &c.comment {
            out.insert(format!("comment on column {} of table {}", c.name, t.name), comment.clone());
        }
    }
    // Column order matters to PostgreSQL (attnum): a column dropped and re-added moves to the end.
    let order: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
    out.insert(format!("column order of table {}", t.name), order.join(", "));
    for con in &t.constraints {
        out.insert(format!("constraint {} on table {}", con.name, t.name), dump::constraint_ddl(t, con));
    }
    for tr in &t.triggers {
        out.insert(format!("trigger {} on table {}", tr.name, t.name), dump::trigger_ddl(t, tr));
    }
    let rls = dump::rls_ddl(t);
    if !rls.is_empty() {
        out.insert(format!("row level security on table {}", t.name), rls);
    }
    for p in &t.policies {
        out.insert(format!("policy {} on table {}", p.name, t.name), dump::policy_ddl(t, p));
    }
    if let Some(c) = &t.comment {
        out.insert(format!("comment on table {}", t.name), c.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{new_session, run_migration, Migration, MigrationOutcome, ReplayOptions};

    fn catalog(sql: &str) -> Catalog {
        let mut session = new_session(&ReplayOptions::default());
        let report = run_migration(
            &mut session,
            &Migration { name: "t".into(), path: "t.sql".into(), sql: sql.into(), transaction: true },
        );
        assert_eq!(report.outcome, MigrationOutcome::Ok, "{sql}: {:?}", report.first_error());
        session.catalog
    }

    fn changes(a: &str, b: &str) -> Vec<Change> {
        diff(&catalog(a), &catalog(b))
    }

    #[test]
    fn function_options_in_any_order_are_the_same_function() {
        let a = "CREATE FUNCTION f(x numeric) RETURNS float8 AS $$ BEGIN RETURN x; END $$ LANGUAGE plpgsql IMMUTABLE PARALLEL safe;";
        let b = "CREATE OR REPLACE FUNCTION f(x numeric) RETURNS float8 LANGUAGE plpgsql PARALLEL SAFE IMMUTABLE AS $$ BEGIN RETURN x; END $$;";
        assert_eq!(changes(a, b), vec![]);
        let stable = "CREATE FUNCTION f(x numeric) RETURNS float8 LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$ BEGIN RETURN x; END $$;";
        assert_eq!(changes(a, stable).len(), 1);
        let body = "CREATE FUNCTION f(x numeric) RETURNS float8 LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN x + 1; END $$;";
        assert_eq!(changes(a, body).len(), 1);
    }

    #[test]
    fn reindented_body_is_order_only_and_a_new_body_is_not() {
        let a = "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n    IF (\n        true\n    ) THEN\n        RETURN 1;\n    END IF;\n    RETURN 0;\nEND\n$$;";
        let b = a.replace("    ) THEN", "        ) THEN");
        let c = changes(a, &b);
        assert_eq!(c.len(), 1);
        assert!(order_only(&c));
        let other = a.replace("RETURN 0", "RETURN 2");
        let c = changes(a, &other);
        assert_eq!(c.len(), 1);
        assert!(!order_only(&c));
    }

    #[test]
    fn renamed_trigger_reads_as_created_under_its_new_name() {
        let base = "CREATE TABLE t (id int); CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;";
        let renamed = format!(
            "{base} CREATE TRIGGER old_name AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf(); ALTER TRIGGER old_name ON t RENAME TO new_name;"
        );
        let created = format!("{base} CREATE TRIGGER new_name AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION tf();");
        assert_eq!(changes(&renamed, &created), vec![]);
        let other = format!("{base} CREATE TRIGGER new_name AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION tf();");
        assert_eq!(changes(&renamed, &other).len(), 1);
    }

    #[test]
    fn view_columns_in_another_order_are_order_only() {
        let a = "CREATE TABLE t (a int, b int, c int); CREATE VIEW v AS SELECT t.a, t.b, t.c FROM t;";
        let b = "CREATE TABLE t (a int, b int, c int); CREATE VIEW v AS SELECT t.a, t.c, t.b FROM t;";
        let c = changes(a, b);
        assert_eq!(c.iter().map(|c| c.object.as_str()).collect::<Vec<_>>(), ["column order of view public.v"]);
        assert!(order_only(&c));
        let other = "CREATE TABLE t (a int, b int, c int); CREATE VIEW v AS SELECT t.a, t.c AS b, t.b AS c FROM t;";
        let c = changes(a, other);
        assert!(c.iter().any(|c| c.object == "view public.v"));
        assert!(!order_only(&c));
        // A positional ORDER BY gives the select list's order a meaning of its own.
        let sorted = "CREATE TABLE t (a int, b int, c int); CREATE VIEW v AS SELECT t.a, t.b, t.c FROM t ORDER BY 2;";
        let resorted = "CREATE TABLE t (a int, b int, c int); CREATE VIEW v AS SELECT t.a, t.c, t.b FROM t ORDER BY 2;";
        assert!(changes(sorted, resorted).iter().any(|c| c.object == "view public.v"));
    }

    #[test]
    fn index_calls_compare_as_bound_and_coerced() {
        let setup = "CREATE TABLE t (n int, m int, name varchar(50), ts timestamptz); \
                     CREATE FUNCTION rank(x numeric, t timestamptz) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 1.0::float8 $$;";
        let a = format!("{setup} CREATE INDEX i ON t (rank(n, ts)); CREATE INDEX j ON t (lower(name));");
        let b = format!(
            "{setup} CREATE INDEX i ON t (public.rank((n)::numeric, ts)); CREATE INDEX j ON t (lower(name::text));"
        );
        assert_eq!(changes(&a, &b), vec![]);
        let other = format!("{setup} CREATE INDEX i ON t (rank(m, ts)); CREATE INDEX j ON t (upper(name));");
        assert_eq!(changes(&a, &other).len(), 2);
        // With two candidates, the cast chooses the function: no longer the same expression.
        let overloaded = "CREATE FUNCTION rank(x integer, t timestamptz) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$ SELECT 1.0::float8 $$;";
        let a = format!("{setup} {overloaded} CREATE INDEX i ON t (rank(n, ts));");
        let b = format!("{setup} {overloaded} CREATE INDEX i ON t (rank(n::numeric, ts));");
        assert_eq!(changes(&a, &b).len(), 1);
    }

    #[test]
    fn a_call_named_like_its_argument_type_is_no_call() {
        let a = "CREATE TABLE t (d timestamp); CREATE INDEX i ON t (date(d)); ALTER TABLE t ALTER COLUMN d TYPE date;";
        let b = "CREATE TABLE t (d date); CREATE INDEX i ON t (d);";
        let c = changes(a, b);
        assert!(c.iter().all(|c| c.object != "index public.i"), "{c:?}");
        let timestamp = "CREATE TABLE t (d timestamp); CREATE INDEX i ON t (date(d));";
        let column = "CREATE TABLE t (d timestamp); CREATE INDEX i ON t (d);";
        assert_eq!(changes(timestamp, column).len(), 1);
    }
}
