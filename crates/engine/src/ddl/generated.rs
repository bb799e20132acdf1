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
    expr::check_no_aggregates(&raw, "column generation expressions")?;
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
