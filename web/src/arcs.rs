//! The dependency view's geometry: the migrations as rows of a timeline, and an arc from each
//! migration to each later one that needs it (all the edges between two migrations make one
//! arc). Plain data, so it is tested natively; `components/order.rs` draws it as SVG.
//!
//! Histories the size of Lemmy's have thousands of edges: past [`ALL_ARCS_LIMIT`] arcs only
//! those of the migration in focus (and the ones the sandbox's order breaks) are drawn, so the
//! view stays readable and cheap to render.
use schemasim_engine::order::{DependencyGraph, Edge};
use std::collections::{BTreeMap, HashSet};

pub const ROW_HEIGHT: f64 = 20.0;
/// Width of the band the arcs bulge into, left of the rows.
pub const ARC_BAND: f64 = 160.0;
pub const ALL_ARCS_LIMIT: usize = 600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArcRole {
    /// Needed by the migration in focus.
    Into,
    /// Needs the migration in focus.
    OutOf,
    /// The sandbox's order breaks it.
    Broken,
    Other,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arc {
    pub from: usize,
    pub to: usize,
    /// Indexes into the graph's `edges`.
    pub edges: Vec<usize>,
    pub role: ArcRole,
    /// The SVG path, from the earlier row to the later one.
    pub path: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ArcView {
    pub arcs: Vec<Arc>,
    /// Arcs between distinct pairs of migrations, drawn or not.
    pub total: usize,
    /// Only the focus's arcs are drawn (too many to draw them all).
    pub focus_only: bool,
    pub height: f64,
}

/// The y of row `i`'s middle.
pub fn row_y(i: usize) -> f64 {
    ROW_HEIGHT * i as f64 + ROW_HEIGHT / 2.0
}

/// `broken` are edges (as `from`, `to` pairs of the graph's migrations) the tried order breaks.
pub fn arc_view(graph: &DependencyGraph, focus: Option<usize>, broken: &[Edge]) -> ArcView {
    let mut pairs: BTreeMap<(usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, e) in graph.edges.iter().enumerate() {
        if e.from != e.to {
            pairs.entry((e.from.min(e.to), e.from.max(e.to))).or_default().push(i);
        }
    }
    let broken: HashSet<(usize, usize)> = broken.iter().map(|e| (e.from.min(e.to), e.from.max(e.to))).collect();
    let total = pairs.len();
    let focus_only = total > ALL_ARCS_LIMIT;
    let mut arcs: Vec<Arc> = pairs
        .into_iter()
        .filter_map(|((from, to), edges)| {
            let role = if focus == Some(to) {
                ArcRole::Into
            } else if focus == Some(from) {
                ArcRole::OutOf
            } else if broken.contains(&(from, to)) {
                ArcRole::Broken
            } else {
                ArcRole::Other
            };
            if focus_only && role == ArcRole::Other {
                return None;
            }
            Some(Arc { from, to, edges, role, path: arc_path(from, to) })
        })
        .collect();
    // Highlighted arcs last, so they are drawn on top.
    arcs.sort_by_key(|a| a.role != ArcRole::Other);
    ArcView { arcs, total, focus_only, height: ROW_HEIGHT * graph.migrations.len() as f64 }
}

/// Half an ellipse left of the rows: as tall as the rows it spans, as wide as the distance
/// allows within the band.
fn arc_path(from: usize, to: usize) -> String {
    let (y1, y2) = (row_y(from), row_y(to));
    let ry = (y2 - y1) / 2.0;
    let rx = ry.clamp(4.0, ARC_BAND - 8.0);
    format!("M {ARC_BAND} {y1} A {rx} {ry} 0 0 0 {ARC_BAND} {y2}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemasim_engine::order::{EdgeKind, MigrationNode, Provenance};
    use schemasim_engine::MigrationOutcome;

    fn graph(n: usize, pairs: &[(usize, usize)]) -> DependencyGraph {
        DependencyGraph {
            migrations: (0..n)
                .map(|i| MigrationNode {
                    name: format!("m{i}"),
                    path: format!("m{i}.sql"),
                    outcome: MigrationOutcome::Ok,
                    free: !pairs.iter().any(|&(a, b)| a == i || b == i),
                })
                .collect(),
            edges: pairs
                .iter()
                .map(|&(from, to)| Edge {
                    from,
                    to,
                    kind: EdgeKind::Uses,
                    object: format!("table t{from}"),
                    provenance: Provenance::Created,
                    line: 1,
                    column: 1,
                    reason: format!("m{to} uses table t{from}, created by m{from}"),
                })
                .collect(),
        }
    }

    #[test]
    fn edges_between_two_migrations_make_one_arc_with_their_roles() {
        let g = graph(4, &[(0, 1), (0, 1), (0, 3), (1, 2)]);
        let view = arc_view(&g, Some(1), &[g.edges[2].clone()]);
        assert_eq!(view.total, 3);
        assert!(!view.focus_only);
        let roles: Vec<_> = view.arcs.iter().map(|a| (a.from, a.to, a.edges.len(), a.role)).collect();
        assert!(roles.contains(&(0, 1, 2, ArcRole::Into)), "{roles:?}");
        assert!(roles.contains(&(1, 2, 1, ArcRole::OutOf)), "{roles:?}");
        assert!(roles.contains(&(0, 3, 1, ArcRole::Broken)), "{roles:?}");
        assert_eq!(view.height, 4.0 * ROW_HEIGHT);
        assert!(view.arcs[0].path.starts_with(&format!("M {ARC_BAND} {}", row_y(0))));
    }

    #[test]
    fn big_graphs_draw_only_the_focus_s_arcs() {
        let n = 400;
        let pairs: Vec<_> = (0..n - 2).flat_map(|i| [(i, i + 1), (i, i + 2)]).collect();
        let g = graph(n, &pairs);
        let unfocused = arc_view(&g, None, &[]);
        assert!(unfocused.focus_only && unfocused.arcs.is_empty(), "{} arcs", unfocused.arcs.len());
        let focused = arc_view(&g, Some(10), &[]);
        assert_eq!(focused.arcs.len(), 4, "two in, two out");
        assert!(focused.arcs.iter().all(|a| a.role != ArcRole::Other));
    }
}
