//! Drift: a production schema (a plain `pg_dump --schema-only`, with or without `--no-owner`
//! and `--no-privileges`) compared with what a migration history says the schema is.
//!
//! The dump is replayed with the same engine as the migrations (every statement run even after
//! an error, as psql without `ON_ERROR_STOP` does), on a database that already has the history's roles (roles are
//! cluster-wide: `pg_dump` does not dump them, production has them). Both schemas are then
//! compared object by object with the texts [`crate::diff`] uses, plus grants when the dump has
//! any (a `--no-privileges` dump says nothing about them).
//!
//! The report says what is missing in production, extra there or different; how far production
//! is from the state after each step, and which step it matches best; and, per migration,
//! whether the effects it made that survive to the end of the history are present in
//! production, absent, or partly present.
//!
//! Rows are data: a schema-only dump says nothing about them. The rows the history itself puts
//! into its tables (seed data such as a table of roles the application looks up by key) are
//! still part of what production should hold, so [`expected_rows`] lists them, per table, from
//! the history's own INSERT / COPY / MERGE statements, as rows to check by other means.

use crate::diff::object_texts;
use crate::{parse, Migration, MigrationOutcome, Outcome, Replay, ReplayOptions, Session};
use pg_query::protobuf::{CmdType, DropBehavior, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, ConstraintKind, Grant, QualName, Relation};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

type Texts = BTreeMap<String, String>;

/// A statement of the dump that failed when replayed (its effects are missing from production).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DumpError {
    pub line: u32,
    pub column: u32,
    pub sqlstate: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftKind {
    /// The history has it, production does not.
    Missing,
    /// Production has it, the history does not.
    Extra,
    /// Both have it, defined differently.
    Differs,
}

/// One object that differs between the expected schema and production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DriftItem {
    /// As [`crate::Change`] names it (`column status of table public.users`).
    pub object: String,
    pub kind: DriftKind,
    /// The expected definition (from the history).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The definition in production.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub production: Option<String>,
    /// The migration that gave the object its expected definition (or, for an object only
    /// production has, the migration whose effect it is, when one matches).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectStatus {
    /// Every lasting effect of the migration is in production.
    Present,
    /// None is.
    Absent,
    /// Some are.
    Partial,
    /// The migration changes nothing that lasts to the end of the history (no schema effect,
    /// or later migrations replaced all of it).
    NoLastingEffects,
}

/// Whether one migration's effects are in production.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationDrift {
    pub name: String,
    pub status: EffectStatus,
    /// Objects this migration defines (as they are at the end of the history) that production
    /// has exactly.
    pub present: Vec<String>,
    /// Those production lacks or defines differently.
    pub absent: Vec<DriftItem>,
}

/// How far production is from the state after one step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepDistance {
    /// 0 = before the first migration, k = after the k-th.
    pub step: usize,
    pub name: String,
    pub differences: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DriftReport {
    /// Statements of the dump the engine rejected.
    pub dump_errors: Vec<DumpError>,
    /// Grants are compared only when the dump has some (not a `--no-privileges` dump).
    pub grants_compared: bool,
    /// The history's final schema vs production.
    pub differences: Vec<DriftItem>,
    pub steps: Vec<StepDistance>,
    /// The step production is closest to (fewest differences; the latest on a tie).
    pub best_step: StepDistance,
    /// Production vs the state after the best step, each difference traced to a migration.
    pub best_step_differences: Vec<DriftItem>,
    pub migrations: Vec<MigrationDrift>,
    /// One sentence: `production = state after 004_x, except ...`.
    pub summary: String,
    /// Rows the history inserts into its own tables, which a schema-only dump cannot show
    /// ([`expected_rows`]); empty from [`drift`], which has no migration SQL, filled by
    /// [`drift_with_rows`].
    #[serde(default)]
    pub expected_rows: Vec<ExpectedRows>,
    /// Production's schema as replayed from the dump.
    #[serde(skip)]
    pub production: Catalog,
}

/// Replays a plain-format `pg_dump` on a database that has `roles_from`'s roles, continuing after
/// errors as psql does by default. Returns the schema and the failed statements.
pub fn load_dump(sql: &str, roles_from: &Catalog) -> (Catalog, Vec<DumpError>) {
    let mut catalog = Catalog::new();
    catalog.roles = roles_from.roles.clone();
    catalog.next_seq = catalog.next_seq.max(roles_from.next_seq);
    let mut session = Session::new(catalog);
    let mut errors = Vec::new();
    for p in crate::parse::parse_file(sql) {
        if let Err(e) = session.execute_parsed(&p, sql).0 {
            let (line, column) = crate::parse::line_column(sql, e.position.unwrap_or(p.offset));
            errors.push(DumpError { line, column, sqlstate: e.sqlstate, message: e.message });
        }
    }
    (session.catalog, errors)
}

/// Does the dump grant anything? (`--no-privileges` dumps have no GRANT/REVOKE.)
fn has_privileges(catalog: &Catalog) -> bool {
    grant_texts(catalog).next().is_some()
}

fn grant_lines(grants: &[Grant]) -> String {
    let mut lines: Vec<String> = grants
        .iter()
        .map(|g| {
            let mut privileges = g.privileges.clone();
            privileges.sort();
            let columns = if g.columns.is_empty() { String::new() } else { format!(" ({})", g.columns.join(", ")) };
            let option = if g.with_grant_option { " WITH GRANT OPTION" } else { "" };
            format!("{}{columns} TO {}{option}", privileges.join(", "), g.grantee)
        })
        .collect();
    lines.sort();
    lines.join("\n")
}

/// `grants on table public.t` → its grants, for every object that has some.
fn grant_texts(catalog: &Catalog) -> impl Iterator<Item = (String, String)> + '_ {
    let schemas = catalog.schemas.values().map(|s| (format!("grants on schema {}", s.name), &s.grants));
    let relations = catalog.relations.values().filter_map(|r| match r {
        Relation::Table(t) => Some((format!("grants on table {}", t.name), &t.grants)),
        Relation::View(v) => Some((format!("grants on {} {}", r.kind_noun(), v.name), &v.grants)),
        Relation::Sequence(s) => Some((format!("grants on sequence {}", s.name), &s.grants)),
        Relation::Index(_) => None,
    });
    let types = catalog.types.values().map(|t| (format!("grants on type {}", t.name), &t.grants));
    let functions = catalog
        .functions
        .values()
        .filter(|f| f.extension.is_none())
        .map(|f| (format!("grants on function {}.{}", f.key.name.schema, f.key), &f.grants));
    schemas
        .chain(relations)
        .chain(types)
        .chain(functions)
        .filter(|(_, g)| !g.is_empty())
        .map(|(k, g)| (k, grant_lines(g)))
}

/// The compared texts of a schema: [`object_texts`] of its expressions in the comparable form
/// ([`crate::canon`]), without roles (cluster-wide, not in a dump), plus grants when asked.
fn texts(catalog: &Catalog, grants: bool) -> Texts {
    let mut out = object_texts(&crate::canon::catalog(catalog));
    out.retain(|k, _| !k.starts_with("role "));
    if grants {
        out.extend(grant_texts(catalog));
    }
    out
}

/// A column order that differs only because columns are missing or extra is not a difference
/// of its own (the columns are).
fn same_text(object: &str, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if object.starts_with("column order of ") {
        let set = |s: &str| s.split(", ").map(str::to_string).collect::<BTreeSet<_>>();
        return set(a) != set(b);
    }
    false
}

fn compare(expected: &Texts, production: &Texts) -> Vec<DriftItem> {
    let mut items = Vec::new();
    for (object, text) in expected {
        match production.get(object) {
            None => items.push(DriftItem {
                object: object.clone(),
                kind: DriftKind::Missing,
                expected: Some(text.clone()),
                production: None,
                migration: None,
            }),
            Some(p) if !same_text(object, text, p) => items.push(DriftItem {
                object: object.clone(),
                kind: DriftKind::Differs,
                expected: Some(text.clone()),
                production: Some(p.clone()),
                migration: None,
            }),
            Some(_) => {}
        }
    }
    for (object, text) in production {
        if !expected.contains_key(object) {
            items.push(DriftItem {
                object: object.clone(),
                kind: DriftKind::Extra,
                expected: None,
                production: Some(text.clone()),
                migration: None,
            });
        }
    }
    items
}

/// Objects whose text differs between two states (added, removed or changed).
fn effects(before: &Texts, after: &Texts) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = before.keys().filter(|k| after.get(*k) != before.get(*k)).cloned().collect();
    out.extend(after.keys().filter(|k| !before.contains_key(*k)).cloned());
    out.retain(|k| !k.starts_with("column order of "));
    out
}

/// Compares production (`production_sql`, a plain pg_dump) with `replay`, whose state before the
/// first migration was `start`.
pub fn drift(replay: &Replay, start: &Catalog, production_sql: &str) -> DriftReport {
    let (production, dump_errors) = load_dump(production_sql, &replay.catalog);
    let grants = has_privileges(&production);
    let prod = texts(&production, grants);
    let mut states = vec![texts(start, grants)];
    states.extend(replay.migrations.iter().map(|m| texts(&m.catalog_after, grants)));
    let names: Vec<String> = std::iter::once("(empty database)".to_string())
        .chain(replay.migrations.iter().map(|m| m.name.clone()))
        .collect();
    let last = states.len() - 1;
    let made: Vec<BTreeSet<String>> = (1..=last).map(|k| effects(&states[k - 1], &states[k])).collect();
    // The migration that last defined each object of a state.
    let origin = |upto: usize, object: &str| -> Option<String> {
        (1..=upto).rev().find(|k| made[k - 1].contains(object)).map(|k| names[k].clone())
    };
    // A later migration whose effect production shows.
    let later_origin = |after: usize, object: &str, text: &str| -> Option<String> {
        (after + 1..=last)
            .find(|k| made[k - 1].contains(object) && states[*k].get(object).is_some_and(|t| t == text))
            .map(|k| names[k].clone())
    };
    let attribute = |step: usize, mut items: Vec<DriftItem>| -> Vec<DriftItem> {
        for item in &mut items {
            item.migration = match item.kind {
                DriftKind::Extra | DriftKind::Differs => item
                    .production
                    .as_deref()
                    .and_then(|p| later_origin(step, &item.object, p))
                    .or_else(|| origin(step, &item.object)),
                DriftKind::Missing => origin(step, &item.object),
            };
        }
        items
    };
    let steps: Vec<StepDistance> = states
        .iter()
        .enumerate()
        .map(|(k, s)| StepDistance { step: k, name: names[k].clone(), differences: compare(s, &prod).len() })
        .collect();
    let best_step = steps.iter().rev().min_by_key(|s| s.differences).cloned().unwrap_or(StepDistance {
        step: 0,
        name: names[0].clone(),
        differences: 0,
    });
    let differences = attribute(last, compare(&states[last], &prod));
    let best_step_differences = attribute(best_step.step, compare(&states[best_step.step], &prod));
    let migrations = (1..=last)
        .map(|k| {
            let lasting: Vec<&String> =
                made[k - 1].iter().filter(|o| states[last].get(*o) == states[k].get(*o)).collect();
            let mut present = Vec::new();
            let mut absent = Vec::new();
            for o in lasting {
                let expected = states[last].get(o);
                match (expected, prod.get(o)) {
                    (e, p) if e == p => present.push(o.clone()),
                    (e, p) => absent.push(DriftItem {
                        object: o.clone(),
                        kind: match (e, p) {
                            (Some(_), None) => DriftKind::Missing,
                            (None, Some(_)) => DriftKind::Extra,
                            _ => DriftKind::Differs,
                        },
                        expected: e.cloned(),
                        production: p.cloned(),
                        migration: Some(names[k].clone()),
                    }),
                }
            }
            let status = match (present.is_empty(), absent.is_empty()) {
                (true, true) => EffectStatus::NoLastingEffects,
                (false, true) => EffectStatus::Present,
                (true, false) => EffectStatus::Absent,
                (false, false) => EffectStatus::Partial,
            };
            MigrationDrift { name: names[k].clone(), status, present, absent }
        })
        .collect();
    let summary = summary(&best_step, &best_step_differences);
    DriftReport {
        dump_errors,
        grants_compared: grants,
        differences,
        steps,
        best_step,
        best_step_differences,
        migrations,
        summary,
        expected_rows: Vec::new(),
        production,
    }
}

/// [`drift`] plus the rows the history expects ([`expected_rows`]): `migrations` as replayed
/// into `replay` from `start` with `options`.
pub fn drift_with_rows(
    start: &Catalog,
    migrations: &[Migration],
    replay: &Replay,
    options: &ReplayOptions,
    production_sql: &str,
) -> DriftReport {
    let mut report = drift(replay, start, production_sql);
    report.expected_rows = expected_rows(start, migrations, replay, options);
    report
}

/// Rows the history leaves in one of its tables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpectedRows {
    /// The table as named at the end of the history (`public.team_roles`), after renames.
    pub table: String,
    /// How many rows the statements below leave, when every count is known from the SQL and
    /// no later DELETE with a condition may have removed some.
    pub rows: Option<usize>,
    /// Some of the statements have ON CONFLICT: rows that conflict are skipped or update
    /// existing ones, so `rows` is an upper bound.
    pub at_most: bool,
    /// A later DELETE with a WHERE or USING clause (or one cascading through a foreign key)
    /// may have removed some of the rows.
    pub partly_deleted: bool,
    /// The statements that write them, in history order.
    pub inserts: Vec<RowInsert>,
}

/// One statement of the history that adds rows to a table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowInsert {
    pub migration: String,
    pub path: String,
    /// 1-based line and column of the statement in its file.
    pub line: u32,
    pub column: u32,
    /// `INSERT`, `COPY` or `MERGE`.
    pub statement: String,
    /// The rows it adds when the SQL says (`INSERT ... VALUES` with n rows, `DEFAULT VALUES`);
    /// `None` for `INSERT ... SELECT`, `COPY` and `MERGE`, whose rows come from data.
    pub rows: Option<usize>,
    /// `ON CONFLICT DO NOTHING / DO UPDATE`: conflicting rows are not added.
    pub on_conflict: bool,
}

/// What the history's statements leave in one table (identified by its creation `seq`, so a
/// renamed table keeps its rows and a table dropped and created again starts empty).
#[derive(Default)]
struct TableRows {
    inserts: Vec<RowInsert>,
    partly_deleted: bool,
}

/// The rows the history puts into its own tables and that remain at its end, per table, in the
/// order the tables are first written. Derived from the committed statements of the replay (a
/// migration rolled back as a whole wrote nothing), each statement's names resolved in the
/// catalog just before it with the connection's search_path (following `SET search_path`):
/// - `INSERT` into a table (row count from `VALUES` / `DEFAULT VALUES`, else unknown),
///   `COPY ... FROM`, and `MERGE` with a `WHEN NOT MATCHED THEN INSERT` action add rows;
/// - `TRUNCATE` (with the partitions and inheritance children it reaches, and the tables
///   referencing it by foreign key under CASCADE) and `DELETE` without WHERE or USING (with the
///   children it reaches) remove all of them; a `DELETE` with a condition, or one cascading
///   through an `ON DELETE CASCADE` foreign key, may remove some;
/// - a table dropped by the end of the history is not listed.
///
/// Not seen: statements run inside DO blocks or functions, data-modifying WITH, the data
/// lines of `COPY FROM STDIN` (the engine parses SQL only), and triggers that write rows.
pub fn expected_rows(
    start: &Catalog,
    migrations: &[Migration],
    replay: &Replay,
    options: &ReplayOptions,
) -> Vec<ExpectedRows> {
    let mut tables: BTreeMap<u64, TableRows> = BTreeMap::new();
    let mut first_written: Vec<u64> = Vec::new();
    let mut search_path = crate::new_session(options).search_path;
    let mut before = start.clone();
    for (m, report) in migrations.iter().zip(&replay.migrations) {
        let writes = report.outcome == MigrationOutcome::Ok || !m.transaction;
        if writes {
            let parsed = parse::parse_file(&m.sql);
            for (p, s) in parsed.iter().zip(&report.statements) {
                let (Ok(node), Outcome::Ok, Some(after)) = (&p.node, s.outcome, &s.catalog_after) else { continue };
                if let Some(path) = crate::order::set_search_path(node) {
                    search_path = path;
                }
                let at = RowInsert {
                    migration: m.name.clone(),
                    path: m.path.clone(),
                    line: s.line,
                    column: s.column,
                    statement: String::new(),
                    rows: None,
                    on_conflict: false,
                };
                for change in row_changes(node, &before, &search_path) {
                    match change {
                        RowChange::Insert { table, statement, rows, on_conflict } => {
                            if !first_written.contains(&table) {
                                first_written.push(table);
                            }
                            let insert =
                                RowInsert { statement: statement.to_string(), rows, on_conflict, ..at.clone() };
                            tables.entry(table).or_default().inserts.push(insert);
                        }
                        RowChange::Clear(table) => {
                            tables.remove(&table);
                        }
                        RowChange::PartlyDelete(table) => {
                            if let Some(t) = tables.get_mut(&table) {
                                t.partly_deleted = true;
                            }
                        }
                    }
                }
                before = after.clone();
            }
        }
        // The next migration starts from what this one left: its rolled-back state, SET
        // search_path included, when it failed in a transaction.
        before = report.catalog_after.clone();
    }
    let final_names: BTreeMap<u64, &QualName> = replay
        .catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) => Some((t.seq, &t.name)),
            _ => None,
        })
        .collect();
    first_written
        .into_iter()
        .filter_map(|seq| {
            let name = final_names.get(&seq)?;
            let t = tables.remove(&seq).filter(|t| !t.inserts.is_empty())?;
            let total = t.inserts.iter().map(|i| i.rows).sum::<Option<usize>>();
            Some(ExpectedRows {
                table: name.to_string(),
                rows: total.filter(|_| !t.partly_deleted),
                at_most: t.inserts.iter().any(|i| i.on_conflict),
                partly_deleted: t.partly_deleted,
                inserts: t.inserts,
            })
        })
        .collect()
}

/// What one statement does to the rows of the tables it names (tables by `seq`).
enum RowChange {
    Insert { table: u64, statement: &'static str, rows: Option<usize>, on_conflict: bool },
    Clear(u64),
    PartlyDelete(u64),
}

fn row_changes(node: &NodeEnum, catalog: &Catalog, search_path: &[String]) -> Vec<RowChange> {
    let table = |rv: Option<&RangeVar>| rv.and_then(|rv| table_seq(catalog, search_path, rv));
    match node {
        NodeEnum::InsertStmt(s) => {
            let Some(t) = table(s.relation.as_ref()) else { return Vec::new() };
            let rows = match s.select_stmt.as_deref().and_then(|q| q.node.as_ref()) {
                // INSERT ... DEFAULT VALUES
                None => Some(1),
                Some(NodeEnum::SelectStmt(q)) if !q.values_lists.is_empty() => Some(q.values_lists.len()),
                Some(_) => None,
            };
            vec![RowChange::Insert { table: t, statement: "INSERT", rows, on_conflict: s.on_conflict_clause.is_some() }]
        }
        NodeEnum::CopyStmt(s) if s.is_from => table(s.relation.as_ref())
            .map(|t| RowChange::Insert { table: t, statement: "COPY", rows: None, on_conflict: false })
            .into_iter()
            .collect(),
        NodeEnum::MergeStmt(s) => {
            let inserts = s.merge_when_clauses.iter().any(|c| {
                matches!(&c.node, Some(NodeEnum::MergeWhenClause(w)) if w.command_type == CmdType::CmdInsert as i32)
            });
            let mut out = Vec::new();
            if let Some(t) = table(s.relation.as_ref()) {
                if s.merge_when_clauses.iter().any(|c| {
                    matches!(&c.node, Some(NodeEnum::MergeWhenClause(w)) if w.command_type == CmdType::CmdDelete as i32)
                }) {
                    out.push(RowChange::PartlyDelete(t));
                }
                if inserts {
                    out.push(RowChange::Insert { table: t, statement: "MERGE", rows: None, on_conflict: false });
                }
            }
            out
        }
        NodeEnum::DeleteStmt(s) => {
            let Some(rv) = s.relation.as_ref() else { return Vec::new() };
            let Some(t) = table(Some(rv)) else { return Vec::new() };
            let reached = with_children(catalog, t, rv.inh);
            let mut out: Vec<RowChange> = if s.where_clause.is_none() && s.using_clause.is_empty() {
                reached.iter().map(|t| RowChange::Clear(*t)).collect()
            } else {
                reached.iter().map(|t| RowChange::PartlyDelete(*t)).collect()
            };
            out.extend(referencing(catalog, &reached, true).into_iter().map(RowChange::PartlyDelete));
            out
        }
        NodeEnum::TruncateStmt(s) => {
            let mut cleared = Vec::new();
            for rel in &s.relations {
                let Some(NodeEnum::RangeVar(rv)) = rel.node.as_ref() else { continue };
                if let Some(t) = table(Some(rv)) {
                    cleared.extend(with_children(catalog, t, rv.inh));
                }
            }
            if s.behavior == DropBehavior::DropCascade as i32 {
                // TRUNCATE ... CASCADE empties the tables referencing these, and theirs.
                loop {
                    let more: Vec<u64> =
                        referencing(catalog, &cleared, false).into_iter().filter(|t| !cleared.contains(t)).collect();
                    if more.is_empty() {
                        break;
                    }
                    cleared.extend(more);
                }
            }
            cleared.into_iter().map(RowChange::Clear).collect()
        }
        _ => Vec::new(),
    }
}

/// The `seq` of the table `rv` names: a schema-qualified name, else the first search_path
/// schema holding it, else the one schema holding it (search_path may have been changed in a
/// way the statements do not show, e.g. by `set_config`). `None` for views and unknown names.
fn table_seq(catalog: &Catalog, search_path: &[String], rv: &RangeVar) -> Option<u64> {
    let find = |schema: &str| match catalog.relations.get(&QualName::new(schema, rv.relname.as_str())) {
        Some(Relation::Table(t)) => Some(t.seq),
        _ => None,
    };
    if !rv.schemaname.is_empty() {
        return find(&rv.schemaname);
    }
    let in_path = search_path
        .iter()
        .map(|s| if s == "\"$user\"" || s == "$user" { crate::session::SESSION_USER } else { s.as_str() })
        .find_map(find);
    if in_path.is_some() {
        return in_path;
    }
    let mut found = catalog.schemas.keys().filter_map(|s| find(s));
    match (found.next(), found.next()) {
        (Some(seq), None) => Some(seq),
        _ => None,
    }
}

/// `table` and, unless the statement says ONLY (`inh` false), its partitions and inheritance
/// children, recursively.
fn with_children(catalog: &Catalog, table: u64, inh: bool) -> Vec<u64> {
    let mut out = vec![table];
    if !inh {
        return out;
    }
    let mut i = 0;
    while i < out.len() {
        let Some(parent) = table_name(catalog, out[i]) else { break };
        for r in catalog.relations.values() {
            if let Relation::Table(t) = r {
                let child = t.inherits.contains(parent) || t.partition_of.as_ref().is_some_and(|p| &p.parent == parent);
                if child && !out.contains(&t.seq) {
                    out.push(t.seq);
                }
            }
        }
        i += 1;
    }
    out
}

fn table_name(catalog: &Catalog, seq: u64) -> Option<&QualName> {
    catalog.relations.values().find_map(|r| match r {
        Relation::Table(t) if t.seq == seq => Some(&t.name),
        _ => None,
    })
}

/// Tables with a foreign key to one of `tables` (only `ON DELETE CASCADE` ones when
/// `cascading_deletes`).
fn referencing(catalog: &Catalog, tables: &[u64], cascading_deletes: bool) -> Vec<u64> {
    let names: Vec<&QualName> = tables.iter().filter_map(|t| table_name(catalog, *t)).collect();
    catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t)
                if t.constraints.iter().any(|c| match &c.kind {
                    ConstraintKind::ForeignKey(fk) => {
                        names.contains(&&fk.ref_table) && (!cascading_deletes || fk.on_delete == 'c')
                    }
                    _ => false,
                }) =>
            {
                Some(t.seq)
            }
            _ => None,
        })
        .collect()
}

impl DriftItem {
    /// The table this item belongs to (`column c of table public.t` → `public.t`).
    pub fn table(&self) -> Option<&str> {
        self.object.rsplit_once(" of table ").or_else(|| self.object.rsplit_once(" on table ")).map(|(_, t)| t)
    }
}

/// Items without those inside a table that is itself missing or extra (the table says it).
pub fn top_level(items: &[DriftItem]) -> Vec<&DriftItem> {
    let whole: BTreeSet<(String, DriftKind)> = items
        .iter()
        .filter(|i| i.kind != DriftKind::Differs)
        .filter_map(|i| i.object.strip_prefix("table ").map(|t| (t.to_string(), i.kind)))
        .collect();
    items.iter().filter(|i| !i.table().is_some_and(|t| whole.contains(&(t.to_string(), i.kind)))).collect()
}

fn summary(best: &StepDistance, items: &[DriftItem]) -> String {
    let state = if best.step == 0 { "the empty database".to_string() } else { format!("state after {}", best.name) };
    if items.is_empty() {
        return format!("production = {state}");
    }
    let parts: Vec<String> = top_level(items)
        .into_iter()
        .map(|i| {
            let from = i.migration.as_deref().map(|m| format!("{m}'s ")).unwrap_or_default();
            match i.kind {
                DriftKind::Missing => format!("{from}{} is missing", i.object),
                DriftKind::Extra if i.migration.is_some() => format!("{from}{} is present", i.object),
                DriftKind::Extra => format!("{} exists only in production", i.object),
                DriftKind::Differs => format!("{from}{} differs", i.object),
            }
        })
        .collect();
    format!("production = {state}, except: {}", parts.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{replay, Migration, ReplayOptions};

    fn migrations(files: &[&str]) -> Vec<Migration> {
        files
            .iter()
            .enumerate()
            .map(|(i, sql)| Migration {
                name: format!("{:03}", i + 1),
                path: format!("{:03}.sql", i + 1),
                sql: sql.to_string(),
                transaction: true,
            })
            .collect()
    }

    fn history(files: &[&str]) -> Replay {
        replay(&migrations(files), &ReplayOptions::default())
    }

    /// (table, rows, at_most, partly_deleted, [(migration, line, statement, rows)]) per table.
    type RowsSummary = (String, Option<usize>, bool, bool, Vec<(String, u32, String, Option<usize>)>);

    fn rows_of(files: &[&str], options: &ReplayOptions) -> Vec<RowsSummary> {
        let ms = migrations(files);
        let r = replay(&ms, options);
        expected_rows(&Catalog::new(), &ms, &r, options)
            .into_iter()
            .map(|e| {
                let inserts =
                    e.inserts.into_iter().map(|i| (i.migration, i.line, i.statement, i.rows)).collect::<Vec<_>>();
                (e.table, e.rows, e.at_most, e.partly_deleted, inserts)
            })
            .collect()
    }

    fn insert(
        migration: &str,
        line: u32,
        statement: &str,
        rows: Option<usize>,
    ) -> (String, u32, String, Option<usize>) {
        (migration.to_string(), line, statement.to_string(), rows)
    }

    #[test]
    fn seed_rows_are_counted_per_table_in_history_order() {
        let rows = rows_of(
            &[
                "CREATE TABLE roles (id int PRIMARY KEY, key text UNIQUE);\n\
                 INSERT INTO roles VALUES (1, 'owner'), (2, 'admin'), (3, 'member');",
                "CREATE TABLE templates (id serial PRIMARY KEY, key text);\n\
                 INSERT INTO templates (key) VALUES ('a');\n\
                 INSERT INTO roles VALUES (4, 'viewer'), (5, 'guest') ON CONFLICT DO NOTHING;",
                "CREATE TABLE copies (key text);\nINSERT INTO copies SELECT key FROM templates;\n\
                 INSERT INTO templates DEFAULT VALUES;",
            ],
            &ReplayOptions::default(),
        );
        assert_eq!(
            rows,
            vec![
                (
                    "public.roles".to_string(),
                    Some(5),
                    true,
                    false,
                    vec![insert("001", 2, "INSERT", Some(3)), insert("002", 3, "INSERT", Some(2))]
                ),
                (
                    "public.templates".to_string(),
                    Some(2),
                    false,
                    false,
                    vec![insert("002", 2, "INSERT", Some(1)), insert("003", 3, "INSERT", Some(1))]
                ),
                ("public.copies".to_string(), None, false, false, vec![insert("003", 2, "INSERT", None)]),
            ]
        );
    }

    #[test]
    fn rows_removed_dropped_or_rolled_back_are_not_expected() {
        let rows = rows_of(
            &[
                "CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1);\n\
                 CREATE TABLE b (a_id int REFERENCES a ON DELETE CASCADE); INSERT INTO b VALUES (1), (1);\n\
                 CREATE TABLE c (id int); INSERT INTO c VALUES (1);\n\
                 CREATE TABLE d (id int); INSERT INTO d VALUES (1);\n\
                 CREATE TABLE e (id int); INSERT INTO e VALUES (1);",
                // Rolled back as a whole: its INSERT never happened, its TRUNCATE neither.
                "INSERT INTO c VALUES (2); TRUNCATE d; SELECT * FROM nowhere;",
                "TRUNCATE c; DELETE FROM d WHERE id > 1; DROP TABLE e; CREATE TABLE e (id int);",
                "DELETE FROM a; ALTER TABLE d RENAME TO d2;",
            ],
            &ReplayOptions { on_error: crate::OnError::Continue, ..Default::default() },
        );
        // a: emptied by DELETE; b: its rows cascade from a's; c: truncated; e: dropped (the new
        // e is empty); d: some may be deleted, listed under its new name.
        assert_eq!(
            rows,
            vec![
                ("public.b".to_string(), None, false, true, vec![insert("001", 2, "INSERT", Some(2))]),
                ("public.d2".to_string(), None, false, true, vec![insert("001", 4, "INSERT", Some(1))]),
            ]
        );
    }

    #[test]
    fn targets_resolve_with_the_search_path_and_truncate_cascades() {
        let options = ReplayOptions { search_path: Some("app, public".into()), ..Default::default() };
        let rows = rows_of(
            &[
                "CREATE TABLE public.t (id int PRIMARY KEY); CREATE TABLE public.u (id int);",
                "CREATE SCHEMA app; CREATE TABLE app.t (id int PRIMARY KEY);\n\
                 INSERT INTO t VALUES (1); INSERT INTO u VALUES (1), (2);\n\
                 SET search_path = public; INSERT INTO t VALUES (7);\n\
                 CREATE TABLE r (t_id int REFERENCES t); INSERT INTO r VALUES (7);",
                "TRUNCATE public.t CASCADE; COPY app.t FROM '/tmp/t.csv';",
            ],
            &options,
        );
        assert_eq!(
            rows,
            vec![
                (
                    "app.t".to_string(),
                    None,
                    false,
                    false,
                    vec![insert("002", 2, "INSERT", Some(1)), insert("003", 1, "COPY", None)]
                ),
                ("public.u".to_string(), Some(2), false, false, vec![insert("002", 2, "INSERT", Some(2))]),
            ]
        );
    }

    const FILES: [&str; 3] = [
        "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);",
        "ALTER TABLE users ADD COLUMN status varchar(20) DEFAULT 'active'; CREATE INDEX users_status ON users (status);",
        "CREATE TABLE teams (id int PRIMARY KEY, name text);",
    ];

    #[test]
    fn production_missing_a_migration_is_traced_to_it() {
        let full = history(&FILES);
        // Production ran 001 and 003 only, dumped as pg_dump writes it.
        let production =
            "\\restrict key\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\
            SET check_function_bodies = false;\n\
            CREATE TABLE public.teams (id integer NOT NULL, name text);\n\
            CREATE TABLE public.users (id integer NOT NULL, email text NOT NULL);\n\
            ALTER TABLE ONLY public.teams ADD CONSTRAINT teams_pkey PRIMARY KEY (id);\n\
            ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);\n\\unrestrict key\n";
        let report = drift(&full, &Catalog::new(), production);
        assert_eq!(report.dump_errors, vec![]);
        let missing: Vec<&str> = report.differences.iter().map(|d| d.object.as_str()).collect();
        assert_eq!(missing, vec!["column status of table public.users", "index public.users_status"]);
        assert!(report
            .differences
            .iter()
            .all(|d| d.kind == DriftKind::Missing && d.migration.as_deref() == Some("002")));
        let status: Vec<EffectStatus> = report.migrations.iter().map(|m| m.status).collect();
        assert_eq!(status, vec![EffectStatus::Present, EffectStatus::Absent, EffectStatus::Present]);
        assert_eq!(report.steps.iter().map(|s| s.differences).collect::<Vec<_>>(), vec![10, 5, 7, 2]);
        assert_eq!(report.best_step.name, "003");
        assert!(
            report.summary.starts_with("production = state after 003, except: 002's column status"),
            "{}",
            report.summary
        );
        assert!(!report.grants_compared);
    }

    #[test]
    fn a_table_only_production_has_is_summarised_as_the_table() {
        let full = history(&FILES[..1]);
        let production = format!("{}\nCREATE TABLE public.extra (id integer, name text);", crate::dump(&full.catalog));
        let report = drift(&full, &Catalog::new(), &production);
        assert_eq!(report.differences.len(), 4, "{:?}", report.differences);
        assert_eq!(
            report.summary,
            "production = state after 001, except: table public.extra exists only in production"
        );
    }

    #[test]
    fn identical_production_matches_the_last_step_and_half_applied_is_partial() {
        let full = history(&FILES);
        let same = crate::dump(&full.catalog);
        let report = drift(&full, &Catalog::new(), &same);
        assert!(report.differences.is_empty(), "{:?}", report.differences);
        assert_eq!(report.summary, "production = state after 003");
        let half = same.replace("CREATE INDEX users_status ON public.users USING btree (status);", "");
        assert_ne!(half, same);
        let report = drift(&full, &Catalog::new(), &half);
        assert_eq!(report.migrations[1].status, EffectStatus::Partial);
        assert_eq!(report.migrations[1].absent.len(), 1);
    }

    #[test]
    fn a_history_matches_pg_dump_s_forms_of_its_objects() {
        // pg_dump prints argument types without modifiers (`bit`, which the grammar reads as
        // `bit(1)`), defaults and constants as stored, and materialized views WITH NO DATA.
        let full =
            history(&["CREATE FUNCTION in_mask(mask bit(8), n int = NULL) RETURNS boolean LANGUAGE sql IMMUTABLE \
             AS $$ SELECT get_bit(mask, n) = 1 $$;\n\
             CREATE TABLE jobs (id int, last_retry timestamptz DEFAULT 'epoch', data bytea DEFAULT '', \
             every interval DEFAULT interval '24 hours');\n\
             CREATE MATERIALIZED VIEW recent AS SELECT id FROM jobs WHERE last_retry > now() - interval '90 days';"]);
        let production = "CREATE FUNCTION public.in_mask(mask bit, n integer = NULL::integer) RETURNS boolean \
            LANGUAGE sql IMMUTABLE AS $$ SELECT get_bit(mask, n) = 1 $$;\n\
            CREATE TABLE public.jobs (id integer, last_retry timestamp with time zone DEFAULT \
            '1970-01-01 00:00:00+00'::timestamp with time zone, data bytea DEFAULT '\\x'::bytea, \
            every interval DEFAULT '24:00:00'::interval);\n\
            CREATE MATERIALIZED VIEW public.recent AS SELECT id FROM public.jobs \
            WHERE (last_retry > (now() - '90 days'::interval)) WITH NO DATA;";
        let report = drift(&full, &Catalog::new(), production);
        assert_eq!(report.dump_errors, vec![]);
        assert!(report.differences.is_empty(), "{:#?}", report.differences);
        // A different constant is a difference.
        let report = drift(&full, &Catalog::new(), &production.replace("'24:00:00'", "'1 day'"));
        let objects: Vec<&str> = report.differences.iter().map(|d| d.object.as_str()).collect();
        assert_eq!(objects, vec!["column every of table public.jobs"]);
    }

    #[test]
    fn grants_are_compared_when_the_dump_has_privileges() {
        let full = history(&["CREATE ROLE app; CREATE TABLE t (id int); GRANT SELECT ON t TO app;"]);
        let report = drift(&full, &Catalog::new(), "CREATE TABLE public.t (id integer);");
        assert!(!report.grants_compared);
        assert!(report.differences.is_empty(), "{:?}", report.differences);
        let report =
            drift(&full, &Catalog::new(), "CREATE TABLE public.t (id integer); GRANT INSERT ON TABLE public.t TO app;");
        assert!(report.grants_compared);
        assert_eq!(report.differences.len(), 1);
        assert_eq!(report.differences[0].object, "grants on table public.t");
        assert_eq!(report.differences[0].kind, DriftKind::Differs);
    }
}
