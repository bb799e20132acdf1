//! The JavaScript API as plain Rust: input and output types (serde, camelCase as JavaScript
//! sees them) and the operations. No wasm-bindgen here, so native unit tests cover all of it;
//! `lib.rs` only converts `JsValue`s and turns errors into thrown JS `Error`s.

use crate::position::{Position, TextIndex};
use schemasim_engine::{
    self as engine, ChangeKind, Migration, MigrationOutcome, Notice, OnError, Outcome, Replay, Warning,
};
use serde::{Deserialize, Serialize};

/// One migration file as JavaScript passes it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MigrationInput {
    pub name: Option<String>,
    pub path: Option<String>,
    pub sql: String,
    pub transaction: Option<bool>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OnErrorInput {
    Stop,
    Continue,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReplayOptionsInput {
    pub on_error: Option<OnErrorInput>,
    pub search_path: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RollbackOptionsInput {
    pub search_path: Option<String>,
}

/// A migration and its optional down migration.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StepInput {
    pub up: MigrationInput,
    pub down: Option<MigrationInput>,
}

/// The fields an input object may have. serde-wasm-bindgen reads only the fields it knows (it
/// ignores `deny_unknown_fields`), so `lib.rs` checks the keys of each object against this list.
pub trait Fields {
    const FIELDS: &'static [&'static str];
}

impl Fields for MigrationInput {
    const FIELDS: &'static [&'static str] = &["name", "path", "sql", "transaction"];
}

impl Fields for ReplayOptionsInput {
    const FIELDS: &'static [&'static str] = &["onError", "searchPath"];
}

impl Fields for RollbackOptionsInput {
    const FIELDS: &'static [&'static str] = &["searchPath"];
}

impl Fields for StepInput {
    const FIELDS: &'static [&'static str] = &["up", "down"];
}

/// serde's message for an unknown field.
pub fn unknown_field(field: &str, expected: &[&str]) -> String {
    let list: Vec<String> = expected.iter().map(|f| format!("`{f}`")).collect();
    match list.as_slice() {
        [one] => format!("unknown field `{field}`, expected {one}"),
        [a, b] => format!("unknown field `{field}`, expected {a} or {b}"),
        _ => format!("unknown field `{field}`, expected one of {}", list.join(", ")),
    }
}

/// A state of a history for `diff`: a 0-based count of migrations applied (0 = the empty
/// database, n = after the n-th migration), or a migration's name or path (the state after it).
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum StateInput {
    Count(f64),
    Name(String),
}

impl ReplayOptionsInput {
    fn engine(&self) -> engine::ReplayOptions {
        engine::ReplayOptions {
            on_error: match self.on_error {
                Some(OnErrorInput::Continue) => OnError::Continue,
                Some(OnErrorInput::Stop) | None => OnError::Stop,
            },
            search_path: self.search_path.clone(),
        }
    }
}

/// The engine's migration, with defaults: name = path, else `migration N` (1-based);
/// path = name; no transaction (each statement autocommits, as psql runs a file).
pub fn migration(input: MigrationInput, position: usize) -> Migration {
    let name = input.name.or_else(|| input.path.clone()).unwrap_or_else(|| format!("migration {position}"));
    Migration {
        path: input.path.unwrap_or_else(|| name.clone()),
        name,
        sql: input.sql,
        transaction: input.transaction.unwrap_or(false),
    }
}

pub fn migrations(inputs: Vec<MigrationInput>) -> Vec<Migration> {
    inputs.into_iter().enumerate().map(|(i, m)| migration(m, i + 1)).collect()
}

/// A whole SQL text given instead of a list: one migration.
pub fn single_migration(sql: String) -> Vec<Migration> {
    vec![migration(MigrationInput { name: Some("migration.sql".into()), sql, ..Default::default() }, 1)]
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementReport {
    /// Where the statement starts (first token, after comments).
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    /// Length of the statement text without its `;`.
    pub length: usize,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlstate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// PostgreSQL's error cursor, when it reports one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_position: Option<Position>,
    pub notices: Vec<Notice>,
    pub warnings: Vec<Warning>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MigrationReport {
    pub name: String,
    pub path: String,
    pub outcome: MigrationOutcome,
    pub statements: Vec<StatementReport>,
}

/// A failing statement, located at PostgreSQL's error cursor when it has one, else at the
/// statement's start.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayError {
    pub migration: String,
    pub path: String,
    /// 0-based index of the statement in its migration.
    pub statement: usize,
    pub line: u32,
    pub column: u32,
    pub offset: usize,
    pub sqlstate: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayResult {
    /// No statement failed.
    pub ok: bool,
    pub migrations: Vec<MigrationReport>,
    /// Every failing statement, in order (one per failed migration at most).
    pub errors: Vec<ReplayError>,
    /// The final schema as SQL (pg_dump style).
    pub dump: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub object: String,
    pub kind: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    /// Only a difference of order (column order, reordered lines).
    pub order_only: bool,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiffResult {
    pub changes: Vec<Change>,
    /// Failing statements of the replays the two states came from.
    pub errors: Vec<ReplayError>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum DownOutcome {
    Missing,
    #[serde(rename_all = "camelCase")]
    UpFailed {
        sqlstate: String,
        message: String,
    },
    Ok,
    #[serde(rename_all = "camelCase")]
    Failed {
        path: String,
        line: u32,
        column: u32,
        offset: usize,
        sqlstate: String,
        message: String,
    },
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SqlError {
    pub sqlstate: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepRollback {
    pub name: String,
    pub down: DownOutcome,
    pub residue: Vec<Change>,
    pub order_only: bool,
    /// Whether the up succeeds again after the down; `null` when the down did not succeed.
    pub redo_ok: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redo_error: Option<SqlError>,
    pub destroys: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullDown {
    pub name: String,
    pub down: DownOutcome,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FullRollback {
    pub downs: Vec<FullDown>,
    pub residue: Vec<Change>,
    pub order_only: bool,
    /// The schema after every down ran, as SQL.
    pub dump: String,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RollbackReport {
    /// Every down succeeds, restores its step's schema exactly and allows the redo, and the
    /// full rollback returns to the empty start.
    pub ok: bool,
    pub steps: Vec<StepRollback>,
    pub full: FullRollback,
}

fn statement_report(index: &TextIndex, s: &engine::StatementReport) -> StatementReport {
    let start = index.position(s.offset);
    StatementReport {
        line: start.line,
        column: start.column,
        offset: start.offset,
        length: index.utf16(s.offset + s.len) - start.offset,
        outcome: s.outcome,
        sqlstate: s.sqlstate.clone(),
        message: s.message.clone(),
        detail: s.detail.clone(),
        hint: s.hint.clone(),
        error_position: s.error_position.map(|(l, c)| index.position_of_line_column(l, c)),
        notices: s.notices.clone(),
        warnings: s.warnings.clone(),
    }
}

fn migration_report(m: &Migration, r: &engine::MigrationReport, errors: &mut Vec<ReplayError>) -> MigrationReport {
    let index = TextIndex::new(&m.sql);
    let statements: Vec<StatementReport> = r.statements.iter().map(|s| statement_report(&index, s)).collect();
    for (i, s) in statements.iter().enumerate() {
        if s.outcome == Outcome::Error {
            let at = s.error_position.unwrap_or(Position { line: s.line, column: s.column, offset: s.offset });
            errors.push(ReplayError {
                migration: r.name.clone(),
                path: r.path.clone(),
                statement: i,
                line: at.line,
                column: at.column,
                offset: at.offset,
                sqlstate: s.sqlstate.clone().unwrap_or_default(),
                message: s.message.clone().unwrap_or_default(),
                detail: s.detail.clone(),
                hint: s.hint.clone(),
            });
        }
    }
    MigrationReport { name: r.name.clone(), path: r.path.clone(), outcome: r.outcome, statements }
}

/// The reports of `replay` (of `migrations`) and its errors.
fn reports(migrations: &[Migration], replay: &Replay) -> (Vec<MigrationReport>, Vec<ReplayError>) {
    let mut errors = Vec::new();
    let reports = migrations.iter().zip(&replay.migrations).map(|(m, r)| migration_report(m, r, &mut errors)).collect();
    (reports, errors)
}

pub fn replay(migrations: &[Migration], options: &ReplayOptionsInput) -> ReplayResult {
    let replay = engine::replay(migrations, &options.engine());
    let (migrations, errors) = reports(migrations, &replay);
    ReplayResult { ok: errors.is_empty(), migrations, errors, dump: engine::dump(&replay.catalog) }
}

pub fn dump(migrations: &[Migration], options: &ReplayOptionsInput) -> String {
    engine::dump(&engine::replay(migrations, &options.engine()).catalog)
}

fn changes(changes: Vec<engine::Change>) -> Vec<Change> {
    changes
        .into_iter()
        .map(|c| Change {
            order_only: c.is_order_only(),
            object: c.object,
            kind: c.kind,
            before: c.before,
            after: c.after,
        })
        .collect()
}

/// The number of migrations applied at `state` (see [`StateInput`]).
pub fn resolve_state(migrations: &[Migration], state: &StateInput, what: &str) -> Result<usize, String> {
    match state {
        StateInput::Count(n) => {
            if n.fract() != 0.0 || *n < 0.0 || *n > migrations.len() as f64 {
                return Err(format!(
                    "{what}: {n} is not a state of this history: give 0 (empty database) to {} (after the last \
                     migration), or a migration's name",
                    migrations.len()
                ));
            }
            Ok(*n as usize)
        }
        StateInput::Name(name) => migrations
            .iter()
            .position(|m| &m.name == name)
            .or_else(|| migrations.iter().position(|m| &m.path == name))
            .map(|i| i + 1)
            .ok_or_else(|| format!("{what}: no migration is named {name:?}")),
    }
}

/// What changed between two states of one history.
pub fn diff(
    migrations: &[Migration],
    from: &StateInput,
    to: &StateInput,
    options: &ReplayOptionsInput,
) -> Result<DiffResult, String> {
    let from = resolve_state(migrations, from, "from")?;
    let to = resolve_state(migrations, to, "to")?;
    let options = options.engine();
    let applied = &migrations[..from.max(to)];
    let replay = engine::replay(applied, &options);
    let empty = engine::new_session(&options).catalog;
    let state = |i: usize| if i == 0 { &empty } else { &replay.migrations[i - 1].catalog_after };
    let (_, errors) = reports(applied, &replay);
    Ok(DiffResult { changes: changes(engine::diff(state(from), state(to))), errors })
}

/// What changed from the final schema of one history to the final schema of another (e.g.
/// the migrations against a desired schema file).
pub fn diff_schemas(from: &[Migration], to: &[Migration], options: &ReplayOptionsInput) -> DiffResult {
    let options = options.engine();
    let a = engine::replay(from, &options);
    let b = engine::replay(to, &options);
    let (_, mut errors) = reports(from, &a);
    errors.extend(reports(to, &b).1);
    DiffResult { changes: changes(engine::diff(&a.catalog, &b.catalog)), errors }
}

/// The engine's steps, with the down's defaults taken from its up: name `<up> (down)`, the
/// up's transaction mode.
pub fn steps(inputs: Vec<StepInput>) -> Vec<engine::Step> {
    inputs
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            let up = migration(s.up, i + 1);
            let down = s.down.map(|d| {
                let d = MigrationInput {
                    name: d.name.or_else(|| Some(format!("{} (down)", up.name))),
                    transaction: d.transaction.or(Some(up.transaction)),
                    ..d
                };
                migration(d, i + 1)
            });
            engine::Step { up, down }
        })
        .collect()
}

fn down_outcome(outcome: &engine::DownOutcome, sql: Option<&str>) -> DownOutcome {
    match outcome {
        engine::DownOutcome::Missing => DownOutcome::Missing,
        engine::DownOutcome::Ok => DownOutcome::Ok,
        engine::DownOutcome::UpFailed { sqlstate, message } => {
            DownOutcome::UpFailed { sqlstate: sqlstate.clone(), message: message.clone() }
        }
        engine::DownOutcome::Failed { path, line, column, sqlstate, message } => {
            let at = TextIndex::new(sql.unwrap_or_default()).position_of_line_column(*line, *column);
            DownOutcome::Failed {
                path: path.clone(),
                line: at.line,
                column: at.column,
                offset: at.offset,
                sqlstate: sqlstate.clone(),
                message: message.clone(),
            }
        }
    }
}

pub fn rollback_check(steps: &[engine::Step], options: &RollbackOptionsInput) -> RollbackReport {
    let base =
        engine::new_session(&engine::ReplayOptions { search_path: options.search_path.clone(), ..Default::default() });
    let report = engine::rollback_check(&base, steps);
    let down_sql = |name: &str| steps.iter().find(|s| s.up.name == name).and_then(|s| s.down.as_ref()).map(|d| &*d.sql);
    let ok = report.findings().next().is_none()
        && !report.full.downs.iter().any(|(_, d)| matches!(d, engine::DownOutcome::Failed { .. }))
        && report.full.residue.is_empty();
    let step_reports = report
        .steps
        .iter()
        .zip(steps)
        .map(|(s, step)| StepRollback {
            name: s.name.clone(),
            down: down_outcome(&s.down, step.down.as_ref().map(|d| &*d.sql)),
            residue: changes(s.residue.clone()),
            order_only: s.order_only,
            redo_ok: s.redo_ok,
            redo_error: s.redo_error.clone().map(|(sqlstate, message)| SqlError { sqlstate, message }),
            destroys: s.destroys.clone(),
        })
        .collect();
    let full = FullRollback {
        downs: report
            .full
            .downs
            .iter()
            .map(|(name, d)| FullDown { name: name.clone(), down: down_outcome(d, down_sql(name)) })
            .collect(),
        residue: changes(report.full.residue.clone()),
        order_only: report.full.order_only,
        dump: engine::dump(&report.full.catalog),
    };
    RollbackReport { ok, steps: step_reports, full }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn input(name: &str, sql: &str) -> MigrationInput {
        MigrationInput { name: Some(name.into()), sql: sql.into(), ..Default::default() }
    }

    fn to_json(v: impl Serialize) -> Value {
        serde_json::to_value(v).unwrap()
    }

    #[test]
    fn defaults_for_names_paths_and_transactions() {
        let ms: Vec<MigrationInput> = serde_json::from_value(
            json!([{ "sql": "select 1" }, { "path": "db/2.sql", "sql": "", "transaction": true }]),
        )
        .unwrap();
        let ms = migrations(ms);
        assert_eq!(
            (ms[0].name.as_str(), ms[0].path.as_str(), ms[0].transaction),
            ("migration 1", "migration 1", false)
        );
        assert_eq!((ms[1].name.as_str(), ms[1].path.as_str(), ms[1].transaction), ("db/2.sql", "db/2.sql", true));
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_errors() {
        let e = serde_json::from_value::<MigrationInput>(json!({ "sql": "", "transation": true })).unwrap_err();
        assert!(e.to_string().contains("unknown field `transation`"), "{e}");
        let e = serde_json::from_value::<MigrationInput>(json!({ "name": "a" })).unwrap_err();
        assert!(e.to_string().contains("missing field `sql`"), "{e}");
        let e = serde_json::from_value::<ReplayOptionsInput>(json!({ "onError": "abort" })).unwrap_err();
        assert!(e.to_string().contains("unknown variant `abort`, expected `stop` or `continue`"), "{e}");
        let o: ReplayOptionsInput =
            serde_json::from_value(json!({ "onError": "continue", "searchPath": "app" })).unwrap();
        assert_eq!(o.engine().on_error, OnError::Continue);
    }

    #[test]
    fn field_lists_match_the_types() {
        fn check<T: Fields + serde::de::DeserializeOwned + std::fmt::Debug>(mut all: Value) {
            for f in T::FIELDS {
                assert!(all.get(f).is_some(), "{f} missing in the sample");
            }
            assert_eq!(all.as_object().unwrap().len(), T::FIELDS.len());
            serde_json::from_value::<T>(all.clone()).unwrap();
            all["extra"] = json!(1);
            let e = serde_json::from_value::<T>(all).unwrap_err().to_string();
            assert!(e.starts_with(&unknown_field("extra", T::FIELDS)), "{e}");
        }
        let m = json!({ "name": "a", "path": "a.sql", "sql": "", "transaction": true });
        check::<MigrationInput>(m.clone());
        check::<ReplayOptionsInput>(json!({ "onError": "stop", "searchPath": "x" }));
        check::<RollbackOptionsInput>(json!({ "searchPath": "x" }));
        check::<StepInput>(json!({ "up": m, "down": m }));
    }

    #[test]
    fn replay_reports_errors_with_positions() {
        let ms = migrations(vec![
            input("001", "CREATE TABLE t (id int);"),
            input("002", "-- é\nALTER TABLE users ADD COLUMN x int;"),
            input("003", "CREATE TABLE u (id int);"),
        ]);
        let r = replay(&ms, &ReplayOptionsInput::default());
        assert!(!r.ok);
        let v = to_json(&r);
        assert_eq!(v["migrations"][1]["outcome"], "error");
        assert_eq!(v["migrations"][2]["outcome"], "skipped");
        let s = &v["migrations"][1]["statements"][0];
        assert_eq!(s["sqlstate"], "42P01");
        assert_eq!(s["message"], "relation \"users\" does not exist");
        assert_eq!((s["line"].clone(), s["column"].clone(), s["offset"].clone()), (json!(2), json!(1), json!(5)));
        assert_eq!(s["length"], json!("ALTER TABLE users ADD COLUMN x int".len()));
        assert!(s.get("hint").is_none());
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].migration, "002");
        assert!(r.dump.contains("CREATE TABLE public.t"), "{}", r.dump);
        assert!(!r.dump.contains("public.u"));
    }

    #[test]
    fn syntax_error_position_counts_utf16_units() {
        let ms = single_migration("SELECT '😀';\nCREATE TABLE t (id int,);".into());
        let r = replay(&ms, &ReplayOptionsInput::default());
        let e = &r.errors[0];
        assert_eq!(e.sqlstate, "42601");
        assert_eq!(e.message, "syntax error at or near \")\"");
        assert_eq!((e.line, e.column), (2, 24));
        let sql = &ms[0].sql;
        let units: Vec<u16> = sql.encode_utf16().collect();
        assert_eq!(String::from_utf16(&units[e.offset..e.offset + 1]).unwrap(), ")");
    }

    #[test]
    fn continue_runs_later_migrations() {
        let ms = migrations(vec![input("1", "DROP TABLE nope;"), input("2", "CREATE TABLE t (id int);")]);
        let continue_ = ReplayOptionsInput { on_error: Some(OnErrorInput::Continue), search_path: None };
        let r = replay(&ms, &continue_);
        assert_eq!(r.migrations[1].outcome, MigrationOutcome::Ok);
        assert!(dump(&ms, &continue_).contains("public.t"));
        assert!(!dump(&ms, &ReplayOptionsInput::default()).contains("public.t"));
    }

    #[test]
    fn diff_between_states() {
        let ms = migrations(vec![
            input("001_users", "CREATE TABLE users (id int);"),
            input("002_email", "ALTER TABLE users ADD COLUMN email text;"),
        ]);
        let opts = ReplayOptionsInput::default();
        let d = diff(&ms, &StateInput::Name("001_users".into()), &StateInput::Count(2.0), &opts).unwrap();
        let email = d.changes.iter().find(|c| c.object == "column email of table public.users").unwrap();
        assert_eq!(
            (email.kind, email.after.as_deref(), email.order_only),
            (ChangeKind::Added, Some("email text"), false)
        );
        let d = diff(&ms, &StateInput::Count(0.0), &StateInput::Count(1.0), &opts).unwrap();
        assert!(d.changes.iter().all(|c| c.kind == ChangeKind::Added));
        assert!(diff(&ms, &StateInput::Count(3.0), &StateInput::Count(1.0), &opts)
            .unwrap_err()
            .starts_with("from: 3 "));
        assert!(diff(&ms, &StateInput::Count(1.5), &StateInput::Count(1.0), &opts).is_err());
        assert!(diff(&ms, &StateInput::Count(0.0), &StateInput::Name("x".into()), &opts)
            .unwrap_err()
            .contains("no migration is named \"x\""));
        let d = diff_schemas(&ms[..1], &single_migration("CREATE TABLE users (id bigint);".into()), &opts);
        assert_eq!(d.changes[0].kind, ChangeKind::Changed);
        assert!(d.errors.is_empty());
    }

    #[test]
    fn rollback_check_reports_a_failing_down() {
        let steps = steps(vec![
            StepInput {
                up: input("001", "CREATE TABLE a (id int);"),
                down: Some(MigrationInput { sql: "DROP TABLE a;".into(), ..Default::default() }),
            },
            StepInput {
                up: input("002", "CREATE TABLE b (id int);"),
                down: Some(MigrationInput { sql: "-- undo\nDROP TABLE bb;".into(), ..Default::default() }),
            },
        ]);
        assert_eq!(steps[1].down.as_ref().unwrap().name, "002 (down)");
        let r = rollback_check(&steps, &RollbackOptionsInput::default());
        assert!(!r.ok);
        assert_eq!(r.steps[0].down, DownOutcome::Ok);
        assert_eq!(r.steps[0].redo_ok, Some(true));
        let v = to_json(&r);
        assert_eq!(
            v["steps"][1]["down"],
            json!({ "status": "failed", "path": "002 (down)", "line": 2, "column": 1, "offset": 8,
                    "sqlstate": "42P01", "message": "table \"bb\" does not exist" })
        );
        assert_eq!(v["steps"][1]["redoOk"], Value::Null);
        assert_eq!(v["full"]["downs"][0]["name"], "002");
        assert_eq!(v["full"]["downs"][0]["down"]["status"], "failed");
        assert!(r.full.dump.contains("public.b"));
    }
}
