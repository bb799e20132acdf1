//! Migration order: which migration needs which, derived from the replay itself, and what
//! happens when the order changes.
//!
//! [`dependency_graph`] walks a replay statement by statement. For each statement it takes
//! - what the statement created, changed or dropped: the catalog before and after it compared
//!   object by object (`touch`; a rename keeps the object's identity);
//! - the existing objects its parse tree names, resolved in the catalog before it (`refs`), with
//!   what it does to them (`adds a foreign key to`, `re-declares (IF NOT EXISTS, skipped)`);
//! - what the objects it created depend on in the catalog after it (a foreign key's referenced
//!   columns, an index's columns, a column's type, a trigger's function, a view's relations).
//!
//! Every object keeps the migration that created it and the one that changed it last; an edge
//! links that migration to a later one that uses, changes or drops the object (or re-creates
//! one that was dropped), with a sentence saying why.
//!
//! [`try_order`] replays another order and explains the outcome; [`check_pairs`] swaps pairs of
//! migrations and reports those whose two orders give different schemas.

mod refs;
mod touch;
mod whatif;

pub use whatif::{
    check_pairs, try_order, ExplainedChange, Failure, NamedObject, NoticeChange, PairCheck, PairOutcome, Side,
    SkippedStatement, TryReport, Writer,
};

use crate::diff::ChangeKind;
use crate::{parse, Migration, MigrationOutcome, Outcome, Replay, ReplayOptions};
use refs::Reference;
use schemasim_catalog::Catalog;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use touch::{Id, Touch};

/// What the later migration does with the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// Names it or depends on it (a foreign key to it, an index on it, a call, a re-declaration).
    Uses,
    /// Changes it (ALTER, rename, comment, grant...).
    Changes,
    /// Drops it.
    Drops,
    /// Creates an object of the same name after the earlier migration dropped it.
    Recreates,
}

/// What the earlier migration had done to the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Created,
    /// Changed it last before the later migration.
    Changed,
    Dropped,
    /// Named it while it had its old name or before it was dropped: the later migration renames
    /// or drops it, so the earlier one would fail after it.
    Used,
}

impl Provenance {
    fn participle(self) -> &'static str {
        match self {
            Provenance::Created => "created by",
            Provenance::Changed => "last changed by",
            Provenance::Dropped => "dropped by",
            Provenance::Used => "used by",
        }
    }
}

/// `to` must come after `from` because of `object`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// Index of the earlier migration.
    pub from: usize,
    /// Index of the later migration.
    pub to: usize,
    pub kind: EdgeKind,
    /// The object, as `diff` names it (`column status of table public.users`).
    pub object: String,
    pub provenance: Provenance,
    /// Where in `to`'s file the statement is (1-based).
    pub line: u32,
    pub column: u32,
    /// `0005_x renames table public.iso_agents (now public.users), created by 0001_y`.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationNode {
    pub name: String,
    pub path: String,
    pub outcome: MigrationOutcome,
    /// No edge in or out: it could run anywhere in the history as far as the replay shows.
    pub free: bool,
}

/// Migrations and why each needs the earlier ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DependencyGraph {
    pub migrations: Vec<MigrationNode>,
    /// Sorted by `to`, then statement position, then `from`.
    pub edges: Vec<Edge>,
}

impl DependencyGraph {
    /// Indexes of the migrations with no edge at all.
    pub fn free(&self) -> Vec<usize> {
        self.migrations.iter().enumerate().filter(|(_, m)| m.free).map(|(i, _)| i).collect()
    }

    /// Whether an edge links `a` and `b` (either way).
    pub fn linked(&self, a: usize, b: usize) -> bool {
        self.edges.iter().any(|e| (e.from == a && e.to == b) || (e.from == b && e.to == a))
    }
}

#[derive(Clone, Copy, Default)]
struct Record {
    created: Option<usize>,
    changed: Option<usize>,
}

/// Who wrote each object so far, while walking a replay.
#[derive(Default)]
struct History {
    records: HashMap<Id, Record>,
    /// The migrations that named each object (so a later rename or drop depends on them).
    readers: HashMap<Id, Vec<usize>>,
    /// Dropped objects by description, with the migration that dropped them.
    dropped: HashMap<String, usize>,
    /// The last migration that wrote each object, by its current description (for explaining
    /// a schema difference): `(migration, created or changed)`.
    last_writer: HashMap<String, (usize, Provenance)>,
}

impl History {
    /// The earlier writers of an object: its creator and its last changer.
    fn providers(&self, id: &Id, k: usize) -> Vec<(usize, Provenance)> {
        let Some(r) = self.records.get(id) else { return Vec::new() };
        let mut out = Vec::new();
        if let Some(j) = r.created.filter(|j| *j < k) {
            out.push((j, Provenance::Created));
        }
        if let Some(j) = r.changed.filter(|j| *j < k && Some(*j) != r.created) {
            out.push((j, Provenance::Changed));
        }
        out
    }

    fn record(&mut self, k: usize, t: &Touch) {
        match t.kind {
            ChangeKind::Added => {
                self.records.insert(t.id.clone(), Record { created: Some(k), changed: None });
                self.dropped.remove(&t.object);
                self.last_writer.insert(t.object.clone(), (k, Provenance::Created));
            }
            ChangeKind::Changed => {
                let mut r = t.old_id.as_ref().and_then(|old| self.records.remove(old)).unwrap_or_default();
                if let Some(existing) = self.records.get(&t.id) {
                    r = *existing;
                }
                r.changed = Some(k);
                self.records.insert(t.id.clone(), r);
                if let Some(readers) = t.old_id.as_ref().and_then(|old| self.readers.remove(old)) {
                    self.readers.entry(t.id.clone()).or_default().extend(readers);
                }
                if let Some(old) = &t.renamed_from {
                    self.last_writer.remove(old);
                }
                self.last_writer.insert(t.object.clone(), (k, Provenance::Changed));
            }
            ChangeKind::Removed => {
                self.records.remove(&t.id);
                self.readers.remove(&t.id);
                self.dropped.insert(t.object.clone(), k);
                self.last_writer.insert(t.object.clone(), (k, Provenance::Dropped));
            }
        }
    }
}

/// The per-statement walk shared by the graph and the what-if explanations.
struct Walker<'a> {
    migrations: &'a [Migration],
    search_path: Vec<String>,
    history: History,
    edges: Vec<Edge>,
    seen: HashSet<(usize, usize, String)>,
}

impl<'a> Walker<'a> {
    fn new(migrations: &'a [Migration], options: &ReplayOptions) -> Self {
        Walker {
            migrations,
            search_path: crate::new_session(options).search_path,
            history: History::default(),
            edges: Vec::new(),
            seen: HashSet::new(),
        }
    }

    /// An edge from `provider` (the earlier migration and what it did) to `to`.
    fn edge(
        &mut self,
        (from, provenance): (usize, Provenance),
        to: usize,
        kind: EdgeKind,
        object: &str,
        at: (u32, u32),
        what: String,
    ) {
        if !self.seen.insert((from, to, object.to_string())) {
            return;
        }
        let reason =
            format!("{} {what}, {} {}", self.migrations[to].name, provenance.participle(), self.migrations[from].name);
        self.edges.push(Edge {
            from,
            to,
            kind,
            object: object.to_string(),
            provenance,
            line: at.0,
            column: at.1,
            reason,
        });
    }

    /// Walks migration `k` of `replay`, starting from `before`.
    fn migration(&mut self, k: usize, report: &crate::MigrationReport, before: &Catalog) {
        let m = &self.migrations[k];
        let writes = report.outcome == MigrationOutcome::Ok || !m.transaction;
        let parsed = parse::parse_file(&m.sql);
        let mut before = before.clone();
        let search_path_at_start = self.search_path.clone();
        for (p, s) in parsed.iter().zip(&report.statements) {
            let Ok(node) = &p.node else { continue };
            let at = (s.line, s.column);
            let after = match (s.outcome, &s.catalog_after) {
                (Outcome::Ok, Some(after)) => after,
                (Outcome::Error, _) => {
                    // What the failing statement tried to use or change.
                    for r in refs::references(node, &before, &self.search_path) {
                        self.used(k, &r, at);
                    }
                    continue;
                }
                _ => continue,
            };
            if let Some(path) = set_search_path(node) {
                self.search_path = path;
            }
            // A migration that fails and is rolled back still did this before failing: its
            // edges count, but what it wrote is gone for the migrations after it.
            let touches = touch::touches(&before, after);
            for t in &touches {
                self.touched(k, t, at);
            }
            let touched: HashSet<&Id> =
                touches.iter().flat_map(|t| [Some(&t.id), t.old_id.as_ref()]).flatten().collect();
            let mut references = refs::references(node, &before, &self.search_path);
            for t in touches.iter().filter(|t| t.kind == ChangeKind::Added) {
                references.extend(refs::requirements(after, t, &self.search_path));
            }
            for r in references.iter().filter(|r| !touched.contains(&r.id)) {
                self.used(k, r, at);
            }
            if writes {
                for t in &touches {
                    self.history.record(k, t);
                }
            }
            before = after.clone();
        }
        if !writes {
            // Rolled back, with the settings it made.
            self.search_path = search_path_at_start;
        }
    }

    fn touched(&mut self, k: usize, t: &Touch, at: (u32, u32)) {
        let (kind, verb) = match t.kind {
            ChangeKind::Added => {
                if let Some(j) = self.history.dropped.get(&t.object).copied().filter(|j| *j < k) {
                    let what = format!("re-creates {}", t.object);
                    self.edge((j, Provenance::Dropped), k, EdgeKind::Recreates, &t.object, at, what);
                }
                return;
            }
            ChangeKind::Changed => (EdgeKind::Changes, "changes"),
            ChangeKind::Removed => (EdgeKind::Drops, "drops"),
        };
        let what = match &t.renamed_from {
            Some(old) => format!("renames {old} (now {})", t.object),
            None => format!("{verb} {}", t.object),
        };
        let id = t.old_id.as_ref().unwrap_or(&t.id);
        let providers = self.history.providers(id, k);
        for &(j, provenance) in &providers {
            self.edge((j, provenance), k, kind, &t.object, at, what.clone());
        }
        if t.kind == ChangeKind::Removed || t.renamed_from.is_some() {
            let readers: Vec<usize> = self.history.readers.get(id).cloned().unwrap_or_default();
            for j in readers.into_iter().filter(|j| *j < k && !providers.iter().any(|(p, _)| p == j)) {
                self.edge((j, Provenance::Used), k, kind, &t.object, at, what.clone());
            }
        }
    }

    fn used(&mut self, k: usize, r: &Reference, at: (u32, u32)) {
        let readers = self.history.readers.entry(r.id.clone()).or_default();
        if readers.last() != Some(&k) {
            readers.push(k);
        }
        for (j, provenance) in self.history.providers(&r.id, k) {
            self.edge((j, provenance), k, EdgeKind::Uses, &r.object, at, format!("{} {}", r.verb, r.object));
        }
    }
}

/// The search_path a `SET search_path` / `RESET search_path` statement sets, as the session
/// does (`ddl::misc::set_variable`).
pub(crate) fn set_search_path(node: &pg_query::NodeEnum) -> Option<Vec<String>> {
    use pg_query::protobuf::a_const::Val;
    let pg_query::NodeEnum::VariableSetStmt(stmt) = node else { return None };
    if stmt.name != "search_path" {
        return None;
    }
    let values: Vec<String> = stmt
        .args
        .iter()
        .filter_map(|a| match a.node.as_ref() {
            Some(pg_query::NodeEnum::AConst(c)) => match &c.val {
                Some(Val::Sval(s)) => Some(s.sval.clone()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    Some(if stmt.kind == 1 {
        crate::ddl::misc::parse_search_path(&values.join(","))
    } else {
        vec!["\"$user\"".into(), "public".into()]
    })
}

/// The dependency graph of a replay: `migrations` as replayed into `replay` from `base` (the
/// catalog before the first one; `Catalog::new()` for a fresh database) with `options`.
pub fn dependency_graph(
    base: &Catalog,
    migrations: &[Migration],
    replay: &Replay,
    options: &ReplayOptions,
) -> DependencyGraph {
    let (edges, _) = walk(base, migrations, replay, options);
    graph(migrations, replay, edges)
}

/// Walks a whole replay: its edges and who last wrote each object.
fn walk(
    base: &Catalog,
    migrations: &[Migration],
    replay: &Replay,
    options: &ReplayOptions,
) -> (Vec<Edge>, HashMap<String, (usize, Provenance)>) {
    let mut walker = Walker::new(migrations, options);
    let mut before = base;
    for (k, report) in replay.migrations.iter().enumerate().take(migrations.len()) {
        walker.migration(k, report, before);
        before = &report.catalog_after;
    }
    let mut edges = walker.edges;
    edges.sort_by_key(|e| (e.to, e.line, e.column, e.from));
    (edges, walker.history.last_writer)
}

fn graph(migrations: &[Migration], replay: &Replay, edges: Vec<Edge>) -> DependencyGraph {
    let nodes = migrations
        .iter()
        .zip(&replay.migrations)
        .enumerate()
        .map(|(i, (m, r))| MigrationNode {
            name: m.name.clone(),
            path: m.path.clone(),
            outcome: r.outcome,
            free: !edges.iter().any(|e| e.from == i || e.to == i),
        })
        .collect();
    DependencyGraph { migrations: nodes, edges }
}
