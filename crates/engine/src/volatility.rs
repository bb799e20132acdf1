//! Function volatility where PostgreSQL demands IMMUTABLE: index expressions and predicates
//! (42P17 "functions in index expression must be marked IMMUTABLE") and generated columns.
//!
//! Known to be non-immutable: user functions not declared IMMUTABLE, the built-ins below,
//! SQL value functions (CURRENT_TIMESTAMP, CURRENT_USER...), and casts whose I/O function is
//! only STABLE (an enum or a timestamp with time zone to text). Built-ins not listed are
//! assumed immutable.

use crate::expr::find_all;
use pg_query::protobuf::Node;
use schemasim_catalog::{Catalog, Table, TypeKind};

/// Built-in functions that are STABLE or VOLATILE whatever their arguments (overloads whose
/// volatility depends on the arguments, like one-argument `to_tsvector`, are left out).
const NOT_IMMUTABLE: &[&str] = &[
    "now",
    "statement_timestamp",
    "transaction_timestamp",
    "clock_timestamp",
    "timeofday",
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "nextval",
    "currval",
    "lastval",
    "setval",
    "txid_current",
    "current_setting",
    "set_config",
    "pg_backend_pid",
];

fn last_names(values: &[serde_json::Value], field: &str) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| {
            v.get(field)?
                .as_array()?
                .iter()
                .filter_map(|n| n.pointer("/node/String/sval")?.as_str())
                .next_back()
                .map(str::to_string)
        })
        .collect()
}

/// Whether `expr`, evaluated over the columns of `table`, is immutable as far as schemasim knows.
pub fn is_immutable(catalog: &Catalog, table: &Table, expr: &Node) -> bool {
    is_immutable_at(catalog, table, expr, 0)
}

/// The expression a simple `LANGUAGE sql` function's body returns (`SELECT expr` without FROM,
/// or `RETURN expr`): the planner inlines such a function before checking mutability, so its
/// own volatility marking does not count.
fn inlinable_body(f: &schemasim_catalog::Function) -> Option<Node> {
    use pg_query::NodeEnum;
    if f.language != "sql" || f.security_definer || !f.config.is_empty() {
        return None;
    }
    if f.returns.as_deref().is_some_and(|r| r.starts_with("SETOF") || r.starts_with("TABLE")) {
        return None;
    }
    let parsed = pg_query::parse(&f.definition).ok()?;
    let Some(NodeEnum::CreateFunctionStmt(stmt)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return None;
    };
    let select = match stmt.sql_body.as_deref().and_then(|b| b.node.as_ref()) {
        Some(NodeEnum::ReturnStmt(r)) => return r.returnval.as_deref().cloned(),
        Some(_) => return None,
        None => {
            let body = stmt.options.iter().find_map(|o| match o.node.as_ref() {
                Some(NodeEnum::DefElem(d)) if d.defname == "as" => match d.arg.as_ref()?.node.as_ref()? {
                    NodeEnum::List(l) => match l.items.first()?.node.as_ref()? {
                        NodeEnum::String(s) => Some(s.sval.clone()),
                        _ => None,
                    },
                    NodeEnum::String(s) => Some(s.sval.clone()),
                    _ => None,
                },
                _ => None,
            })?;
            let parsed = pg_query::parse(&body).ok()?;
            if parsed.protobuf.stmts.len() != 1 {
                return None;
            }
            match parsed.protobuf.stmts.into_iter().next()?.stmt?.node? {
                NodeEnum::SelectStmt(s) => s,
                _ => return None,
            }
        }
    };
    let simple = select.from_clause.is_empty()
        && select.where_clause.is_none()
        && select.group_clause.is_empty()
        && select.having_clause.is_none()
        && select.with_clause.is_none()
        && select.larg.is_none()
        && select.values_lists.is_empty()
        && select.target_list.len() == 1;
    if !simple {
        return None;
    }
    match select.target_list.first()?.node.as_ref()? {
        NodeEnum::ResTarget(rt) => rt.val.as_deref().cloned(),
        _ => None,
    }
}

fn is_immutable_at(catalog: &Catalog, table: &Table, expr: &Node, depth: usize) -> bool {
    for name in last_names(&find_all(expr, "FuncCall"), "funcname") {
        let user = catalog.functions.values().filter(|f| f.key.name.name == name).collect::<Vec<_>>();
        if !user.is_empty() {
            let immutable = |f: &&schemasim_catalog::Function| {
                f.volatility == 'i'
                    || (depth < 8 && inlinable_body(f).is_some_and(|b| is_immutable_at(catalog, table, &b, depth + 1)))
            };
            if !user.iter().any(immutable) {
                return false;
            }
        } else if NOT_IMMUTABLE.contains(&name.as_str()) {
            return false;
        }
    }
    if !find_all(expr, "SQLValueFunction").is_empty() {
        return false;
    }
    for cast in find_all(expr, "TypeCast") {
        let target = cast
            .pointer("/type_name/names")
            .and_then(|n| n.as_array())
            .and_then(|n| n.iter().filter_map(|x| x.pointer("/node/String/sval")?.as_str()).next_back())
            .unwrap_or("");
        let source_column = cast
            .pointer("/arg/node/ColumnRef/fields")
            .and_then(|f| f.as_array())
            .and_then(|f| f.iter().filter_map(|x| x.pointer("/node/String/sval")?.as_str()).next_back())
            .and_then(|c| table.column(c));
        let Some(column) = source_column else { continue };
        let to_text = matches!(target, "text" | "varchar" | "bpchar" | "name");
        let enum_column = catalog
            .types
            .iter()
            .any(|(qn, t)| matches!(t.kind, TypeKind::Enum { .. }) && column.type_name == qn.to_string());
        let timestamptz = column.type_name == "timestamp with time zone";
        if (to_text && (enum_column || timestamptz)) || (timestamptz && matches!(target, "date" | "timestamp" | "time"))
        {
            return false;
        }
    }
    true
}
