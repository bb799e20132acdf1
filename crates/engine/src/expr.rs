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
    map_found(expr, key, serde_json::Value::clone)
}

/// `find_all` on a tree already in serde form, without cloning: references to every object
/// under `key`, in the same order.
pub fn find_in<'v>(value: &'v serde_json::Value, key: &str, out: &mut Vec<&'v serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                if k == key {
                    out.push(v);
                }
                find_in(v, key, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| find_in(v, key, out)),
        _ => {}
    }
}

/// Is there an object under `key` anywhere in the serde-form tree?
fn has_key(value: &serde_json::Value, key: &str) -> bool {
    match value {
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k == key || has_key(v, key)),
        serde_json::Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

/// The objects under `key` in `expr`'s serde form, mapped by `f` (one serialization, no clones).
fn map_found<T>(expr: &Node, key: &str, f: impl Fn(&serde_json::Value) -> T) -> Vec<T> {
    let Ok(value) = serde_json::to_value(expr) else { return Vec::new() };
    let mut found = Vec::new();
    find_in(&value, key, &mut found);
    found.into_iter().map(f).collect()
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
    for name in map_found(expr, "ColumnRef", |cr| json_names(cr.get("fields")).pop()).into_iter().flatten() {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// Qualified names of functions an expression calls, as written.
pub fn function_calls(expr: &Node) -> Vec<Vec<String>> {
    map_found(expr, "FuncCall", |fc| json_names(fc.get("funcname")))
}

/// Relations a statement names, as `(schema, name)` written (schema empty when unqualified):
/// RangeVar nodes (FROM items) and the `relation` fields of INSERT/UPDATE/DELETE/MERGE.
pub fn range_vars(tree: &Node) -> Vec<(String, String)> {
    let Ok(value) = serde_json::to_value(tree) else { return Vec::new() };
    let mut found = Vec::new();
    find_in(&value, "RangeVar", &mut found);
    find_in(&value, "relation", &mut found);
    // A `relation` field may hold a wrapped node (TABLESAMPLE's) rather than a RangeVar; the
    // RangeVar inside it is found by the first search.
    found
        .into_iter()
        .filter(|rv| rv.get("relname").is_some_and(|n| n.is_string()))
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
    serde_json::to_value(expr).is_ok_and(|v| has_key(&v, "SubLink"))
}

/// Rewrites `'name'::regclass` literals that name relation `old` so they name it by
/// `new_text` (a sequence rename: PostgreSQL stores the OID, so `nextval` follows it).
pub fn rename_regclass_literal(text: &str, old: &schemasim_catalog::QualName, new_text: &str) -> String {
    let Ok(scan) = pg_query::scan(text) else {
        return text.to_string();
    };
    let tokens = &scan.tokens;
    let slice = |i: usize| tokens.get(i).and_then(|t| text.get(t.start as usize..t.end as usize)).unwrap_or("");
    let mut out = String::with_capacity(text.len());
    let mut last = 0usize;
    for (i, token) in tokens.iter().enumerate() {
        if token.token != pg_query::protobuf::Token::Sconst as i32 {
            continue;
        }
        if slice(i + 1) != "::" || !slice(i + 2).eq_ignore_ascii_case("regclass") {
            continue;
        }
        let raw = slice(i);
        let Some(value) = raw.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) else {
            continue;
        };
        let value = value.replace("''", "'");
        let parts: Vec<String> = split_qualified(&value);
        let matches = match parts.as_slice() {
            [name] => name == &old.name,
            [schema, name] => schema == &old.schema && name == &old.name,
            _ => false,
        };
        if matches {
            out.push_str(&text[last..token.start as usize]);
            out.push_str(&schemasim_catalog::quote_literal(new_text));
            last = token.end as usize;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Splits `schema.name` text as regclass input does: double quotes keep case and dots.
fn split_qualified(value: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            c if quoted => current.push(c),
            c => current.extend(c.to_lowercase()),
        }
    }
    parts.push(current);
    parts
}

/// Renames calls of function `old` taking `arity` arguments in SQL text (a statement):
/// the last name token of each matching call is replaced.
pub fn rename_function_calls(text: &str, old: &schemasim_catalog::QualName, arity: usize, new: &str) -> String {
    let Ok(parsed) = pg_query::parse(text) else {
        return text.to_string();
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return text.to_string();
    };
    let mut calls = Vec::new();
    fn walk<'v>(v: &'v serde_json::Value, out: &mut Vec<&'v serde_json::Value>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(fc) = map.get("FuncCall") {
                    out.push(fc);
                }
                map.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&tree, &mut calls);
    let mut tokens = None;
    let mut edits = Vec::new();
    for fc in calls {
        let name = json_names(fc.get("funcname"));
        let matches = match name.as_slice() {
            [n] => n == &old.name,
            [s, n] => s == &old.schema && n == &old.name,
            _ => false,
        };
        let args = fc.get("args").and_then(|a| a.as_array()).map_or(0, |a| a.len());
        let star = fc.get("agg_star").and_then(|s| s.as_bool()).unwrap_or(false);
        if !matches || args != arity || star {
            continue;
        }
        let Some(location) = fc.get("location").and_then(|l| l.as_u64()) else { continue };
        let tokens = tokens.get_or_insert_with(|| crate::ddl::query::scan_tokens(text));
        if let Some(&(start, end)) = crate::ddl::query::name_tokens_in(text, tokens, location as usize).last() {
            edits.push(crate::ddl::query::Edit { start, end, text: schemasim_catalog::quote_ident(new) });
        }
    }
    crate::ddl::query::apply_edits(text, edits)
}

/// Renames type `old` to `new` where SQL text (a statement) casts to it (`'x'::old`,
/// `CAST(x AS old[])`): the type name written is replaced by the new qualified name.
pub fn rename_type_in_casts(
    text: &str,
    old: &schemasim_catalog::QualName,
    new: &schemasim_catalog::QualName,
) -> String {
    if !may_name(text, old) {
        return text.to_string();
    }
    let Ok(parsed) = pg_query::parse(text) else {
        return text.to_string();
    };
    let Ok(tree) = serde_json::to_value(&parsed.protobuf) else {
        return text.to_string();
    };
    let mut edits = Vec::new();
    let mut names = Vec::new();
    let mut tokens = None;
    fn walk<'v>(v: &'v serde_json::Value, out: &mut Vec<&'v serde_json::Value>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(t) = map.get("TypeCast").and_then(|tc| tc.get("type_name")) {
                    out.push(t);
                }
                map.values().for_each(|x| walk(x, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    walk(&tree, &mut names);
    for t in names {
        let written = json_names(t.get("names"));
        let matches = match written.as_slice() {
            [n] => n == &old.name,
            [s, n] => s == &old.schema && n == &old.name,
            _ => false,
        };
        let Some(location) = t.get("location").and_then(|l| l.as_u64()) else { continue };
        if !matches {
            continue;
        }
        let all = tokens.get_or_insert_with(|| crate::ddl::query::scan_tokens(text));
        let tokens = crate::ddl::query::name_tokens_in(text, all, location as usize);
        if let (Some(first), Some(last)) = (tokens.first(), tokens.get(written.len().saturating_sub(1))) {
            edits.push(crate::ddl::query::Edit { start: first.0, end: last.1, text: new.to_string() });
        }
    }
    crate::ddl::query::apply_edits(text, edits)
}

/// Cheap test before parsing: can SQL text name `old` at all? A name the parser produces is
/// written in the text (ASCII case aside, possibly truncated to a prefix that is `old.name`),
/// except for `U&"..."` identifiers, names with doubled quotes and the `pg_catalog` names
/// the grammar supplies itself (`integer` → `pg_catalog.int4`): those always parse.
fn may_name(text: &str, old: &schemasim_catalog::QualName) -> bool {
    if old.schema == "pg_catalog" || old.name.contains('"') || old.name.is_empty() {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    lower.contains("u&") || lower.contains(&old.name.to_ascii_lowercase())
}

/// Built-in aggregate functions (pg_aggregate), by name.
pub const AGGREGATES: &[&str] = &[
    "avg",
    "count",
    "sum",
    "min",
    "max",
    "array_agg",
    "string_agg",
    "bool_and",
    "bool_or",
    "every",
    "bit_and",
    "bit_or",
    "bit_xor",
    "json_agg",
    "jsonb_agg",
    "json_object_agg",
    "jsonb_object_agg",
    "stddev",
    "stddev_pop",
    "stddev_samp",
    "variance",
    "var_pop",
    "var_samp",
    "xmlagg",
    "range_agg",
    "range_intersect_agg",
    "corr",
    "covar_pop",
    "covar_samp",
    "regr_avgx",
    "regr_avgy",
    "regr_count",
    "regr_intercept",
    "regr_r2",
    "regr_slope",
    "regr_sxx",
    "regr_sxy",
    "regr_syy",
    "mode",
    "percentile_cont",
    "percentile_disc",
    "any_value",
];

/// Built-in set-returning functions, by name.
pub const SET_RETURNING: &[&str] = &[
    "generate_series",
    "generate_subscripts",
    "unnest",
    "regexp_matches",
    "regexp_split_to_table",
    "json_each",
    "jsonb_each",
    "json_each_text",
    "jsonb_each_text",
    "json_array_elements",
    "jsonb_array_elements",
    "json_array_elements_text",
    "jsonb_array_elements_text",
    "json_object_keys",
    "jsonb_object_keys",
    "jsonb_path_query",
    "string_to_table",
    "json_to_recordset",
    "jsonb_to_recordset",
    "json_populate_recordset",
    "jsonb_populate_recordset",
];

/// Parse analysis of an expression where PostgreSQL allows no aggregate, window or
/// set-returning function (`context` as its messages name it: "check constraints", "DEFAULT
/// expressions", "policy expressions"...).
pub fn check_no_aggregates(expr: &Node, context: &str) -> PgResult<()> {
    for call in find_all(expr, "FuncCall") {
        let name = call
            .pointer("/funcname")
            .and_then(|n| n.as_array())
            .and_then(|n| n.iter().filter_map(|x| x.pointer("/node/String/sval")?.as_str()).next_back())
            .unwrap_or("");
        if call.get("over").is_some_and(|o| !o.is_null()) {
            return Err(PgError::new("42P20", format!("window functions are not allowed in {context}")));
        }
        if call.get("agg_star").and_then(|s| s.as_bool()) == Some(true) || AGGREGATES.contains(&name) {
            return Err(PgError::new("42803", format!("aggregate functions are not allowed in {context}")));
        }
        if SET_RETURNING.contains(&name) {
            return Err(PgError::new("0A000", format!("set-returning functions are not allowed in {context}")));
        }
    }
    Ok(())
}
