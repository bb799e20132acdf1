//! Expressions stored in the catalog as SQL text: deparsing parse trees, finding the columns an
//! expression reads, and rewriting them when a column or table is renamed.

use crate::error::{PgError, PgResult};
use pg_query::protobuf::{Node, ResTarget, SelectStmt};
use pg_query::NodeEnum;

fn select_of(expr: &Node) -> NodeEnum {
    NodeEnum::SelectStmt(Box::new(SelectStmt {
        target_list: vec![Node {
            node: Some(NodeEnum::ResTarget(Box::new(ResTarget {
                name: String::new(),
                indirection: vec![],
                val: Some(Box::new(expr.clone())),
                location: 0,
            }))),
        }],
        // The C deparser asserts on the protobuf "undefined" (0) enum values.
        limit_option: pg_query::protobuf::LimitOption::Default as i32,
        op: pg_query::protobuf::SetOperation::SetopNone as i32,
        ..Default::default()
    }))
}

/// SQL text of an expression node, as pg_query's deparser writes it.
pub fn deparse_expr(expr: &Node) -> PgResult<String> {
    let text =
        select_of(expr).deparse().map_err(|e| PgError::new("XX000", format!("could not deparse expression: {e}")))?;
    Ok(text.strip_prefix("SELECT ").unwrap_or(&text).to_string())
}

/// Parses SQL expression text back into a node.
pub fn parse_expr(text: &str) -> PgResult<Node> {
    let parsed = pg_query::parse(&format!("SELECT {text}"))
        .map_err(|e| PgError::new("XX000", format!("could not parse stored expression: {e}")))?;
    let stmt = parsed.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node);
    match stmt {
        Some(NodeEnum::SelectStmt(select)) => select
            .target_list
            .into_iter()
            .next()
            .and_then(|t| match t.node {
                Some(NodeEnum::ResTarget(rt)) => rt.val.map(|v| *v),
                _ => None,
            })
            .ok_or_else(|| PgError::new("XX000", "stored expression is empty")),
        _ => Err(PgError::new("XX000", "stored expression is not an expression")),
    }
}

/// Every object found under `key` anywhere in the tree (e.g. all `ColumnRef`s), via the parse
/// tree's serde form: a generic walk that no node kind can escape.
pub fn find_all(expr: &Node, key: &str) -> Vec<serde_json::Value> {
    fn walk(value: &serde_json::Value, key: &str, out: &mut Vec<serde_json::Value>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    if k == key {
                        out.push(v.clone());
                    }
                    walk(v, key, out);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(value) = serde_json::to_value(expr) {
        walk(&value, key, &mut out);
    }
    out
}

/// The strings of a serde-form name list (`fields` of a ColumnRef, `funcname` of a FuncCall).
fn json_names(list: Option<&serde_json::Value>) -> Vec<String> {
    list.and_then(|l| l.as_array())
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.pointer("/node/String/sval").and_then(|s| s.as_str()).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Column names referenced by an expression (the last field of each column reference: the
/// column for `col` and `tbl.col`).
pub fn column_refs(expr: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for cr in find_all(expr, "ColumnRef") {
        if let Some(name) = json_names(cr.get("fields")).pop() {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// Qualified names of functions an expression calls, as written.
pub fn function_calls(expr: &Node) -> Vec<Vec<String>> {
    find_all(expr, "FuncCall").iter().map(|fc| json_names(fc.get("funcname"))).collect()
}

/// Relations a statement names, as `(schema, name)` written (schema empty when unqualified):
/// RangeVar nodes (FROM items) and the `relation` fields of INSERT/UPDATE/DELETE/MERGE.
pub fn range_vars(tree: &Node) -> Vec<(String, String)> {
    find_all(tree, "RangeVar")
        .iter()
        .chain(find_all(tree, "relation").iter())
        .filter(|rv| rv.is_object())
        .map(|rv| {
            let get = |k: &str| rv.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
            (get("schemaname"), get("relname"))
        })
        .collect()
}

/// Replaces identifier tokens equal to `old` with `new` in SQL text (a column or table rename
/// propagating into a stored expression). Works on the scanner's tokens, so strings and
/// comments are untouched; function names (an identifier followed by `(`) are kept.
pub fn rename_identifier(text: &str, old: &str, new: &str) -> String {
    let Ok(scan) = pg_query::scan(text) else {
        return text.to_string();
    };
    let tokens = &scan.tokens;
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        let (start, end) = (token.start as usize, token.end as usize);
        let Some(raw) = text.get(start..end) else {
            continue;
        };
        let ident = if raw.starts_with('"') { raw.trim_matches('"').replace("\"\"", "\"") } else { raw.to_lowercase() };
        let is_ident = token.token == pg_query::protobuf::Token::Ident as i32
            || token.keyword_kind != pg_query::protobuf::KeywordKind::NoKeyword as i32 && !raw.starts_with('"');
        let followed_by_paren =
            tokens.get(i + 1).is_some_and(|t| text.get(t.start as usize..t.end as usize) == Some("("));
        if is_ident && ident == old && !followed_by_paren {
            out.push_str(&text[last..start]);
            out.push_str(&schemasim_catalog::quote_ident(new));
            last = end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// True when the expression contains a sub-select, which PostgreSQL forbids in DEFAULT,
/// CHECK and index expressions.
pub fn contains_subquery(expr: &Node) -> bool {
    !find_all(expr, "SubLink").is_empty()
}
