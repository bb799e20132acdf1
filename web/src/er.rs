//! The ER diagram: tables as records (name, then columns with their types; key columns
//! marked) and foreign keys as edges, laid out by `layout-rs` (a Graphviz-style layered
//! layout) and rendered to SVG.
use layout::backends::svg::SVGWriter;
use layout::gv::{DotParser, GraphBuilder};
use schemasim_catalog::{Catalog, ConstraintKind, Relation};
use std::fmt::Write;

/// The largest diagram drawn: beyond this the layout takes too long to be interactive.
pub const MAX_TABLES: usize = 80;

/// Characters with a meaning in a record label are escaped.
fn record_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '{' | '}' | '|' | '<' | '>' | '"' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The catalog's tables (those whose name contains `filter`) as a Graphviz graph.
pub fn to_dot(catalog: &Catalog, filter: &str) -> (String, usize) {
    let filter = filter.to_lowercase();
    let tables: Vec<_> = catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) if t.name.to_string().to_lowercase().contains(&filter) => Some(t),
            _ => None,
        })
        .take(MAX_TABLES)
        .collect();
    let mut dot = String::from("digraph er {\n  rankdir=LR;\n");
    let id = |i: usize| format!("t{i}");
    for (i, t) in tables.iter().enumerate() {
        let keys: Vec<&String> = t
            .constraints
            .iter()
            .filter_map(|c| match &c.kind {
                ConstraintKind::PrimaryKey { columns, .. } => Some(columns.iter()),
                _ => None,
            })
            .flatten()
            .collect();
        let columns: Vec<String> = t
            .columns
            .iter()
            .map(|c| {
                let mark = if keys.contains(&&c.name) { "# " } else { "" };
                record_escape(&format!("{mark}{} {}", c.name, c.type_name))
            })
            .collect();
        let _ = writeln!(
            dot,
            "  {} [shape=record, label=\"{}|{}\"];",
            id(i),
            record_escape(&t.name.to_string()),
            if columns.is_empty() { " ".to_string() } else { columns.join("\\n") }
        );
    }
    for (i, t) in tables.iter().enumerate() {
        for c in &t.constraints {
            let ConstraintKind::ForeignKey(fk) = &c.kind else { continue };
            if let Some(j) = tables.iter().position(|o| o.name == fk.ref_table) {
                let _ =
                    writeln!(dot, "  {} -> {} [label=\"{}\"];", id(i), id(j), record_escape(&fk.columns.join(", ")));
            }
        }
    }
    dot.push_str("}\n");
    (dot, tables.len())
}

/// The diagram as SVG, or why it could not be drawn.
pub fn render(catalog: &Catalog, filter: &str) -> Result<(String, usize), String> {
    let (dot, count) = to_dot(catalog, filter);
    if count == 0 {
        return Ok((String::new(), 0));
    }
    let mut parser = DotParser::new(&dot);
    let graph = parser.process().map_err(|e| format!("diagram: {e}"))?;
    let mut builder = GraphBuilder::new();
    builder.visit_graph(&graph);
    let mut visual = builder.get();
    let mut svg = SVGWriter::new();
    visual.do_it(false, false, false, &mut svg);
    Ok((svg.finalize(), count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemasim_engine::{replay, Migration, ReplayOptions};

    #[test]
    fn draws_tables_and_foreign_keys() {
        let sql = "CREATE TABLE teams (id int PRIMARY KEY, \"na|me\" text);
                   CREATE TABLE users (id int PRIMARY KEY, team_id int REFERENCES teams);";
        let m = Migration { name: "m".into(), path: "m.sql".into(), sql: sql.into(), transaction: true };
        let catalog = replay(&[m], &ReplayOptions::default()).catalog;
        let (dot, count) = to_dot(&catalog, "");
        assert_eq!(count, 2);
        assert!(dot.contains("-> t0 [label=\"team_id\"]"), "{dot}");
        assert!(dot.contains("na\\|me"), "{dot}");
        let (svg, count) = render(&catalog, "").expect("renders");
        assert_eq!(count, 2);
        assert!(svg.contains("<svg") && svg.contains("public.users"), "{svg}");
        assert_eq!(render(&catalog, "nothing-matches").expect("empty").1, 0);
    }
}
