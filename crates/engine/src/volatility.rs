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
    for name in last_names(&find_all(expr, "FuncCall"), "funcname") {
        let user = catalog.functions.values().filter(|f| f.key.name.name == name).collect::<Vec<_>>();
        if !user.is_empty() {
            if user.iter().all(|f| f.volatility != 'i') {
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
