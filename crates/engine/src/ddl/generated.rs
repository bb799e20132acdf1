//! Generated columns: what PostgreSQL checks in a generation expression when CREATE TABLE,
//! ALTER TABLE ADD COLUMN or ALTER COLUMN SET EXPRESSION stores one. The parser
//! (EXPR_KIND_GENERATED_COLUMN) rejects unknown and system columns, subqueries, aggregates,
//! window and set-returning functions; cookDefault then rejects references to generated columns
//! (the column itself included) and whole-row references, and finally a mutable expression.

use crate::error::{PgError, PgResult};
use crate::expr;
use pg_query::protobuf::Node;
use schemasim_catalog::{Catalog, Table};

/// System columns a generation expression may not use (`tableoid` is allowed).
const SYSTEM_COLUMNS: &[&str] = &["ctid", "xmin", "cmin", "xmax", "cmax"];

/// Built-in aggregate functions (pg_aggregate), by name.
const AGGREGATES: &[&str] = &[
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
const SET_RETURNING: &[&str] = &[
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

/// Checks `column`'s generation expression `text` over the columns of `table` (which holds the
/// column itself), in the order PostgreSQL reports the problems.
pub fn check_generation_expression(catalog: &Catalog, table: &Table, text: &str) -> PgResult<()> {
    let raw = expr::parse_expr(text)?;
    for fields in column_ref_fields(&raw) {
        let column = match fields.as_slice() {
            [c] => c,
            [t, c] if *t == table.name.name => c,
            _ => continue,
        };
        if table.column(column).is_some() || column == "tableoid" {
            continue;
        }
        if SYSTEM_COLUMNS.contains(&column.as_str()) {
            return Err(PgError::new(
                "42P10",
                format!("cannot use system column \"{column}\" in column generation expression"),
            ));
        }
        // A bare reference to the table itself is a whole-row variable, rejected below.
        if !(fields.len() == 1 && *column == table.name.name) {
            return Err(PgError::undefined_column(column));
        }
    }
    if expr::contains_subquery(&raw) {
        return Err(PgError::new("0A000", "cannot use subquery in column generation expression"));
    }
    for call in expr::find_all(&raw, "FuncCall") {
        let name = call
            .pointer("/funcname")
            .and_then(|n| n.as_array())
            .and_then(|n| n.iter().filter_map(|x| x.pointer("/node/String/sval")?.as_str()).next_back())
            .unwrap_or("");
        if call.get("over").is_some_and(|o| !o.is_null()) {
            return Err(PgError::new("42P20", "window functions are not allowed in column generation expressions"));
        }
        if call.get("agg_star").and_then(|s| s.as_bool()) == Some(true) || AGGREGATES.contains(&name) {
            return Err(PgError::new("42803", "aggregate functions are not allowed in column generation expressions"));
        }
        if SET_RETURNING.contains(&name) {
            return Err(PgError::new(
                "0A000",
                "set-returning functions are not allowed in column generation expressions",
            ));
        }
    }
    for fields in column_ref_fields(&raw) {
        let column = match fields.as_slice() {
            [c] => c,
            [t, c] if *t == table.name.name => c,
            _ => continue,
        };
        match table.column(column) {
            Some(c) if c.generated.is_some() => {
                return Err(PgError::new(
                    "42P17",
                    format!("cannot use generated column \"{column}\" in column generation expression"),
                )
                .with_detail("A generated column cannot reference another generated column."));
            }
            None if fields.len() == 1 && *column == table.name.name => {
                return Err(PgError::new("42P17", "cannot use whole-row variable in column generation expression")
                    .with_detail("This would cause the generated column to depend on its own value."));
            }
            _ => {}
        }
    }
    if !crate::volatility::is_immutable(catalog, table, &raw) {
        return Err(PgError::new("42P17", "generation expression is not immutable"));
    }
    Ok(())
}

/// The name fields of every column reference (`a`, `t.a`), leaving out `*`.
fn column_ref_fields(raw: &Node) -> Vec<Vec<String>> {
    expr::find_all(raw, "ColumnRef")
        .iter()
        .filter_map(|cr| {
            let fields = cr.get("fields")?.as_array()?;
            fields.iter().map(|f| f.pointer("/node/String/sval")?.as_str().map(str::to_string)).collect()
        })
        .collect()
}
