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

use crate::diff::object_texts;
use crate::{Replay, Session};
use schemasim_catalog::{Catalog, Grant, Relation};
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
        let result = match &p.node {
            Ok(node) => session.execute(node, p.text(sql)).0,
            Err(e) => Err(e.clone()),
        };
        if let Err(e) = result {
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
        production,
    }
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

    fn history(files: &[&str]) -> Replay {
        let migrations: Vec<Migration> = files
            .iter()
            .enumerate()
            .map(|(i, sql)| Migration {
                name: format!("{:03}", i + 1),
                path: format!("{:03}.sql", i + 1),
                sql: sql.to_string(),
                transaction: true,
            })
            .collect();
        replay(&migrations, &ReplayOptions::default())
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
