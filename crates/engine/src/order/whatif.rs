//! What if the migrations ran in another order: [`try_order`] replays a permutation or subset
//! and explains the first failure or the schema difference from the original order;
//! [`check_pairs`] swaps pairs of migrations and compares the two schemas.

use super::{refs, walk, Edge, Provenance};
use crate::diff::{diff, order_only, Change};
use crate::{parse, replay_from, run_migration, Migration, MigrationOutcome, Outcome, Replay, ReplayOptions, Session};
use schemasim_catalog::{Catalog, Relation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The migration that last wrote an object in one order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Writer {
    pub migration: String,
    pub provenance: Provenance,
}

/// One schema difference (original order → tried order) with who wrote the object in each.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedChange {
    #[serde(flatten)]
    pub change: Change,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<Writer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tried: Option<Writer>,
}

/// An existing object the failing statement names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedObject {
    pub object: String,
    /// What the statement does with it.
    pub verb: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tried: Option<Writer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original: Option<Writer>,
}

/// The first statement that fails in the tried order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub migration: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub sqlstate: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The existing objects the statement names, and who wrote them in each order.
    pub names: Vec<NamedObject>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Original,
    Tried,
}

/// A NOTICE or WARNING one order raises and the other does not (e.g. `relation "users" already
/// exists, skipping`: a statement that only runs in one of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeChange {
    pub migration: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub severity: String,
    pub message: String,
    pub only_in: Side,
}

/// A statement skipped with a NOTICE in the tried order (`CREATE TABLE IF NOT EXISTS` on a table
/// that exists) that declares objects a later migration of the tried order writes instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedStatement {
    pub migration: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    /// The NOTICE (`relation "users" already exists, skipping`).
    pub notice: String,
    /// What it declares that comes from a migration running after it.
    pub from_later: Vec<NamedObject>,
}

/// The outcome of replaying another order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TryReport {
    /// The tried order, by name.
    pub order: Vec<String>,
    /// Migrations of the history left out.
    pub omitted: Vec<String>,
    /// The first statement that fails in a migration that succeeds in the original order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// Migrations that fail in both orders.
    pub failing_as_before: Vec<String>,
    /// Edges of the original order's dependency graph this order breaks: the later migration
    /// runs without the earlier one (left out), or before it. Indexes are the history's.
    pub broken: Vec<Edge>,
    /// Final schema, original order → tried order (computed when nothing new failed).
    pub changes: Vec<ExplainedChange>,
    /// Only column order differs.
    pub order_only: bool,
    pub notices: Vec<NoticeChange>,
    pub skipped: Vec<SkippedStatement>,
}

/// Replays `order` (indexes into `migrations`, a permutation or subset) from `base` and
/// compares it with `original`, the replay of `migrations` in their own order from `base`.
pub fn try_order(
    base: &Session,
    migrations: &[Migration],
    original: &Replay,
    order: &[usize],
    options: &ReplayOptions,
) -> TryReport {
    let tried_migrations: Vec<Migration> = order.iter().filter_map(|i| migrations.get(*i).cloned()).collect();
    let tried = replay_from(base.clone(), &tried_migrations, options);
    let (original_edges, original_writers) = walk(&base.catalog, migrations, original, options);
    let position = |i: usize| order.iter().position(|o| *o == i);
    let broken: Vec<Edge> = original_edges
        .into_iter()
        .filter(|e| match (position(e.from), position(e.to)) {
            (_, None) => false,
            (None, Some(_)) => true,
            (Some(f), Some(t)) => f > t,
        })
        .collect();
    let (_, tried_writers) = walk(&base.catalog, &tried_migrations, &tried, options);
    let writer = |writers: &HashMap<String, (usize, Provenance)>, names: &[Migration], object: &str| {
        writers.get(&writer_key(object)).map(|(i, p)| Writer { migration: names[*i].name.clone(), provenance: *p })
    };
    let failed_originally: Vec<&str> = original
        .migrations
        .iter()
        .zip(migrations)
        .filter(|(r, _)| r.outcome == MigrationOutcome::Error)
        .map(|(_, m)| m.name.as_str())
        .collect();
    let failing_as_before: Vec<String> = tried
        .migrations
        .iter()
        .zip(&tried_migrations)
        .filter(|(r, m)| r.outcome == MigrationOutcome::Error && failed_originally.contains(&m.name.as_str()))
        .map(|(_, m)| m.name.clone())
        .collect();
    let failure = first_failure(&tried_migrations, &tried, &failing_as_before).map(|(k, s, mut failure)| {
        let before = statement_before(base, &tried, k, s);
        let parsed = parse::parse_file(&tried_migrations[k].sql);
        if let Some(Ok(node)) = parsed.get(s).map(|p| &p.node) {
            let search_path = crate::new_session(options).search_path;
            let itself = |w: &Option<Writer>| w.as_ref().is_some_and(|w| w.migration == failure.migration);
            failure.names = refs::references(node, before, &search_path)
                .into_iter()
                .map(|r| NamedObject {
                    tried: writer(&tried_writers, &tried_migrations, &r.object),
                    original: writer(&original_writers, migrations, &r.object),
                    object: r.object,
                    verb: r.verb,
                })
                .filter(|n| !(itself(&n.tried) && itself(&n.original)))
                .collect();
        }
        failure
    });
    let (changes, order_only) = if failure.is_none() {
        let changes = diff(&original.catalog, &tried.catalog);
        let only = order_only(&changes);
        let explained = changes
            .into_iter()
            .map(|change| ExplainedChange {
                original: writer(&original_writers, migrations, &change.object),
                tried: writer(&tried_writers, &tried_migrations, &change.object),
                change,
            })
            .collect();
        (explained, only)
    } else {
        (Vec::new(), false)
    };
    TryReport {
        order: tried_migrations.iter().map(|m| m.name.clone()).collect(),
        omitted: migrations
            .iter()
            .enumerate()
            .filter(|(i, _)| !order.contains(i))
            .map(|(_, m)| m.name.clone())
            .collect(),
        failure,
        failing_as_before,
        broken,
        changes,
        order_only,
        notices: notice_changes(migrations, original, &tried_migrations, &tried),
        skipped: skipped_statements(&tried_migrations, &tried, &tried_writers, options, |object| {
            writer(&original_writers, migrations, object)
        }),
    }
}

/// Statements skipped with an `already exists, skipping` NOTICE whose declared objects, in the
/// final schema of `replay`, were written by a migration that ran after them.
fn skipped_statements(
    migrations: &[Migration],
    replay: &Replay,
    writers: &HashMap<String, (usize, Provenance)>,
    options: &ReplayOptions,
    original: impl Fn(&str) -> Option<Writer>,
) -> Vec<SkippedStatement> {
    let search_path = crate::new_session(options).search_path;
    let mut out = Vec::new();
    for (k, (m, r)) in migrations.iter().zip(&replay.migrations).enumerate() {
        let skipping: Vec<(usize, &crate::StatementReport, &crate::Notice)> = r
            .statements
            .iter()
            .enumerate()
            .filter_map(|(i, s)| {
                s.notices.iter().find(|n| n.message.ends_with("already exists, skipping")).map(|n| (i, s, n))
            })
            .collect();
        if skipping.is_empty() {
            continue;
        }
        let parsed = parse::parse_file(&m.sql);
        for (i, s, notice) in skipping {
            let Some(Ok(node)) = parsed.get(i).map(|p| &p.node) else { continue };
            let from_later: Vec<NamedObject> = refs::references(node, &replay.catalog, &search_path)
                .into_iter()
                .filter_map(|r| {
                    let (j, provenance) = writers.get(&r.object).copied()?;
                    (j > k).then(|| NamedObject {
                        tried: Some(Writer { migration: migrations[j].name.clone(), provenance }),
                        original: original(&r.object),
                        object: r.object,
                        verb: r.verb,
                    })
                })
                .collect();
            if !from_later.is_empty() {
                out.push(SkippedStatement {
                    migration: m.name.clone(),
                    path: m.path.clone(),
                    line: s.line,
                    column: s.column,
                    notice: notice.message.clone(),
                    from_later,
                });
            }
        }
    }
    out
}

/// The object whose writer explains a difference: `column order of table t` and
/// `row level security on table t` are the table's, `comment on x` is x's.
fn writer_key(object: &str) -> String {
    let object = object.strip_prefix("comment on ").unwrap_or(object);
    let object = object.strip_prefix("column order of ").unwrap_or(object);
    match object.strip_prefix("row level security on ") {
        Some(table) => table.to_string(),
        None => object.to_string(),
    }
}

/// The catalog just before statement `s` of migration `k`.
fn statement_before<'a>(base: &'a Session, replay: &'a Replay, k: usize, s: usize) -> &'a Catalog {
    let previous = replay.migrations[k].statements[..s].iter().rev().find_map(|st| st.catalog_after.as_ref());
    previous.unwrap_or_else(|| if k == 0 { &base.catalog } else { &replay.migrations[k - 1].catalog_after })
}

/// The first failing statement, outside the migrations listed in `as_before`.
fn first_failure(migrations: &[Migration], replay: &Replay, as_before: &[String]) -> Option<(usize, usize, Failure)> {
    replay.migrations.iter().enumerate().find_map(|(k, r)| {
        if as_before.contains(&migrations[k].name) {
            return None;
        }
        let (s, st) = r.statements.iter().enumerate().find(|(_, st)| st.outcome == Outcome::Error)?;
        let (line, column) = st.error_position.unwrap_or((st.line, st.column));
        Some((
            k,
            s,
            Failure {
                migration: migrations[k].name.clone(),
                path: migrations[k].path.clone(),
                line,
                column,
                sqlstate: st.sqlstate.clone().unwrap_or_default(),
                message: st.message.clone().unwrap_or_default(),
                detail: st.detail.clone(),
                hint: st.hint.clone(),
                names: Vec::new(),
            },
        ))
    })
}

/// NOTICEs and WARNINGs of each migration that one order raises and the other does not.
fn notice_changes(
    migrations: &[Migration],
    original: &Replay,
    tried: &[Migration],
    replay: &Replay,
) -> Vec<NoticeChange> {
    let originals: HashMap<&str, &crate::MigrationReport> =
        migrations.iter().zip(&original.migrations).map(|(m, r)| (m.name.as_str(), r)).collect();
    let mut out = Vec::new();
    for (m, r) in tried.iter().zip(&replay.migrations) {
        let Some(o) = originals.get(m.name.as_str()) else { continue };
        for (a, b) in o.statements.iter().zip(&r.statements) {
            let differ = |x: &crate::StatementReport, y: &crate::StatementReport, side| {
                x.notices
                    .iter()
                    .filter(|n| !y.notices.contains(n))
                    .map(|n| NoticeChange {
                        migration: m.name.clone(),
                        path: m.path.clone(),
                        line: x.line,
                        column: x.column,
                        severity: n.severity.clone(),
                        message: n.message.clone(),
                        only_in: side,
                    })
                    .collect::<Vec<_>>()
            };
            out.extend(differ(a, b, Side::Original));
            out.extend(differ(b, a, Side::Tried));
        }
    }
    out
}

/// What swapping two migrations does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PairOutcome {
    /// Both orders give the same schema.
    Same,
    /// Both orders succeed with different schemas.
    Differ { changes: Vec<Change>, order_only: bool },
    /// The swapped order fails.
    SwapFails { migration: String, line: u32, column: u32, sqlstate: String, message: String },
}

/// Swapping migrations `first` and `second` (first < second): the original order runs
/// `first..=second`; the swapped one runs `second`, the ones between, then `first`, from the
/// same state. The schemas after both are compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairCheck {
    pub first: usize,
    pub second: usize,
    #[serde(flatten)]
    pub outcome: PairOutcome,
}

/// Swaps each pair of `pairs` (indexes into `migrations`, replayed from `base`) and compares the
/// two schemas. Pairs whose original run fails somewhere between them are left out.
pub fn check_pairs(base: &Session, migrations: &[Migration], pairs: &[(usize, usize)]) -> Vec<PairCheck> {
    let last = pairs.iter().map(|(a, b)| (*a).max(*b)).max();
    let Some(last) = last.filter(|l| *l < migrations.len()) else { return Vec::new() };
    // The session before each migration, and the original outcome of each.
    let mut sessions = Vec::with_capacity(last + 2);
    let mut ok = Vec::with_capacity(last + 1);
    let mut session = base.clone();
    for m in &migrations[..=last] {
        sessions.push(session.clone());
        ok.push(run_migration(&mut session, m).outcome == MigrationOutcome::Ok);
    }
    sessions.push(session);
    let mut out = Vec::new();
    for &(a, b) in pairs {
        let (first, second) = (a.min(b), a.max(b));
        if first == second || second > last || !ok[first..=second].iter().all(|o| *o) {
            continue;
        }
        let mut swapped = sessions[first].clone();
        let order = std::iter::once(second).chain(first + 1..second).chain(std::iter::once(first));
        let mut failed = None;
        for i in order {
            let report = run_migration(&mut swapped, &migrations[i]);
            if let Some(e) = report.first_error() {
                let (line, column) = e.error_position.unwrap_or((e.line, e.column));
                failed = Some(PairOutcome::SwapFails {
                    migration: migrations[i].name.clone(),
                    line,
                    column,
                    sqlstate: e.sqlstate.clone().unwrap_or_default(),
                    message: e.message.clone().unwrap_or_default(),
                });
                break;
            }
        }
        let expected = &sessions[second + 1].catalog;
        let outcome = match failed {
            Some(f) => f,
            None if same_ignoring_seq(expected, &swapped.catalog) => PairOutcome::Same,
            None => {
                let changes = diff(expected, &swapped.catalog);
                if changes.is_empty() {
                    PairOutcome::Same
                } else {
                    PairOutcome::Differ { order_only: order_only(&changes), changes }
                }
            }
        };
        out.push(PairCheck { first, second, outcome });
    }
    out
}

/// Equal but for creation order (seq numbers, the order of a table's constraints, triggers and
/// policies): a quick test that spares rendering both catalogs when nothing differs.
fn same_ignoring_seq(a: &Catalog, b: &Catalog) -> bool {
    fn same<K: Ord + Clone, V: Clone + PartialEq>(
        a: &imbl::OrdMap<K, V>,
        b: &imbl::OrdMap<K, V>,
        normalize: impl Fn(&V) -> V,
    ) -> bool {
        a.diff(b).all(|item| match item {
            imbl::ordmap::DiffItem::Update { old: (_, x), new: (_, y) } => normalize(x) == normalize(y),
            _ => false,
        })
    }
    same(&a.schemas, &b.schemas, |s| schemasim_catalog::Schema { seq: 0, ..s.clone() })
        && same(&a.extensions, &b.extensions, |e| schemasim_catalog::Extension { seq: 0, ..e.clone() })
        && same(&a.roles, &b.roles, |r| schemasim_catalog::Role { seq: 0, ..r.clone() })
        && same(&a.types, &b.types, |t| schemasim_catalog::TypeDef { seq: 0, ..t.clone() })
        && same(&a.functions, &b.functions, |f| schemasim_catalog::Function { seq: 0, ..f.clone() })
        && same(&a.relations, &b.relations, normalize_relation)
}

fn normalize_relation(rel: &Relation) -> Relation {
    let mut rel = rel.clone();
    match &mut rel {
        Relation::Table(t) => {
            t.seq = 0;
            t.constraints.iter_mut().for_each(|c| c.seq = 0);
            t.constraints.sort_by(|x, y| x.name.cmp(&y.name));
            t.triggers.iter_mut().for_each(|x| x.seq = 0);
            t.triggers.sort_by(|x, y| x.name.cmp(&y.name));
            t.policies.iter_mut().for_each(|x| x.seq = 0);
            t.policies.sort_by(|x, y| x.name.cmp(&y.name));
            t.ext_statistics.iter_mut().for_each(|x| x.seq = 0);
        }
        Relation::View(v) => v.seq = 0,
        Relation::Sequence(s) => s.seq = 0,
        Relation::Index(i) => i.seq = 0,
    }
    rel
}
