//! schemasim's engine: parses migration files with the PostgreSQL 17 parser (libpg_query) and
//! replays them into a [`Catalog`], statement by statement, as a PostgreSQL 17 server would.
//!
//! The public API is plain data in, plain data out: no IO, threads or clocks, so it runs
//! natively, in the CLI and in WebAssembly.
#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
use schemasim_wasm_shim as _;

pub mod app_query;
pub mod audit;
mod canon;
mod catalog_query;
mod ddl;
mod deps;
pub mod diff;
mod dml;
pub mod drift;
pub mod dump;
mod enum_use;
mod error;
mod expr;
pub mod lint;
mod naming;
pub mod order;
pub mod parse;
mod plpgsql;
mod plpgsql_conditions;
#[cfg(test)]
mod role_tests;
pub mod rollback;
mod rows;
mod session;
mod statement;
mod types;
mod unknown_function;
mod volatility;

pub use app_query::check_queries;
pub use audit::{audit, AuditReport, Section};
pub use diff::{diff, Change, ChangeKind};
pub use drift::{drift, DriftItem, DriftKind, DriftReport, EffectStatus, MigrationDrift, StepDistance};
pub use dump::{dump, object_ddl};
pub use error::{Notice, PgError, Warning};
pub use lint::{lint, rules, Finding, LintReport, RuleInfo, Severity};
pub use rollback::{rollback_check, DownOutcome, RollbackReport, Step};
pub use schemasim_catalog::Catalog;
pub use session::Session;

use serde::{Deserialize, Serialize};

/// One migration to replay.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Migration {
    pub name: String,
    /// Where it came from, for messages (`migrations/004_add_status.sql`).
    pub path: String,
    pub sql: String,
    /// Run the whole file in one transaction (Diesel, Flyway, golang-migrate, psql
    /// `--single-transaction`); otherwise each statement autocommits (psql's default).
    pub transaction: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Stop the replay at the first failing migration; later ones are reported as skipped.
    #[default]
    Stop,
    /// A failing migration stops at its error (rolled back when transactional), as psql with
    /// ON_ERROR_STOP does, and the next migration still runs, each in its own session.
    Continue,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ReplayOptions {
    pub on_error: OnError,
    /// Initial `search_path` (as `PGOPTIONS=-c search_path=...` would set it).
    pub search_path: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Error,
    Skipped,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MigrationOutcome {
    Ok,
    Error,
    Skipped,
}

/// What happened to one statement.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StatementReport {
    /// 1-based line and column of the statement's first token in its file.
    pub line: u32,
    pub column: u32,
    /// Byte range of the statement in its file.
    pub offset: usize,
    pub len: usize,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sqlstate: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// 1-based line/column of PostgreSQL's error cursor, when it reports one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_position: Option<(u32, u32)>,
    pub notices: Vec<Notice>,
    pub warnings: Vec<Warning>,
    /// The catalog after this statement (shared structure: cheap to keep).
    #[serde(skip)]
    pub catalog_after: Option<Catalog>,
}

/// What happened to one migration.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MigrationReport {
    pub name: String,
    pub path: String,
    pub outcome: MigrationOutcome,
    pub statements: Vec<StatementReport>,
    /// The catalog once the migration finished (committed or rolled back).
    #[serde(skip)]
    pub catalog_after: Catalog,
}

impl MigrationReport {
    pub fn first_error(&self) -> Option<&StatementReport> {
        self.statements.iter().find(|s| s.outcome == Outcome::Error)
    }
}

/// The result of replaying a history.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Replay {
    pub migrations: Vec<MigrationReport>,
    /// The final schema.
    #[serde(skip)]
    pub catalog: Catalog,
}

/// A connection to a fresh database, with the options' initial search_path.
pub fn new_session(options: &ReplayOptions) -> Session {
    let mut session = Session::default();
    if let Some(path) = &options.search_path {
        session.search_path = ddl::misc::parse_search_path(path);
    }
    session
}

/// Replays `migrations` in order on a fresh database.
pub fn replay(migrations: &[Migration], options: &ReplayOptions) -> Replay {
    replay_from(new_session(options), migrations, options)
}

/// Replays `migrations` starting from an existing session state (e.g. the snapshot before an
/// edited migration, so only what follows is replayed again).
pub fn replay_from(mut session: Session, migrations: &[Migration], options: &ReplayOptions) -> Replay {
    let mut reports = Vec::with_capacity(migrations.len());
    let mut stopped = false;
    for m in migrations {
        if stopped {
            reports.push(skip_migration(m, &session.catalog));
            continue;
        }
        let report = run_migration(&mut session, m);
        if report.outcome == MigrationOutcome::Error && options.on_error == OnError::Stop {
            stopped = true;
        }
        reports.push(report);
    }
    Replay { migrations: reports, catalog: session.catalog }
}

/// The report of a migration that did not run (a replay that stopped at an earlier error):
/// every statement `Skipped`, the catalog unchanged.
pub fn skip_migration(m: &Migration, catalog: &Catalog) -> MigrationReport {
    let statements = parse::parse_file(&m.sql).iter().map(|p| skipped_statement(&m.sql, p.offset, p.len)).collect();
    MigrationReport {
        name: m.name.clone(),
        path: m.path.clone(),
        outcome: MigrationOutcome::Skipped,
        statements,
        catalog_after: catalog.clone(),
    }
}

/// The report of a statement that did not run, at its place in `sql`.
pub(crate) fn skipped_statement(sql: &str, offset: usize, len: usize) -> StatementReport {
    let (line, column) = parse::line_column(sql, offset);
    StatementReport {
        line,
        column,
        offset,
        len,
        outcome: Outcome::Skipped,
        sqlstate: None,
        message: None,
        detail: None,
        hint: None,
        error_position: None,
        notices: Vec::new(),
        warnings: Vec::new(),
        catalog_after: None,
    }
}

/// Runs one migration file on `session` with psql's ON_ERROR_STOP semantics.
pub fn run_migration(session: &mut Session, m: &Migration) -> MigrationReport {
    let parsed = parse::parse_file(&m.sql);
    let mut statements = Vec::with_capacity(parsed.len());
    let mut failed = false;
    if m.transaction {
        session.begin();
    }
    for p in &parsed {
        let mut report = skipped_statement(&m.sql, p.offset, p.len);
        if failed {
            statements.push(report);
            continue;
        }
        let (result, effects) = session.execute_parsed(p, &m.sql);
        // The parser's NOTICEs come first, as the server sends them before executing.
        report.notices = p.notices.iter().map(Notice::info).chain(effects.notices).collect();
        report.warnings = effects.warnings;
        match result {
            Ok(()) => report.outcome = Outcome::Ok,
            Err(e) => {
                report.outcome = Outcome::Error;
                // A cursor outside the statement came from a re-parsed piece of the file, whose
                // locations are not the file's: better none than a wrong one.
                report.error_position = e
                    .position
                    .filter(|&pos| p.node.is_err() || (pos >= p.offset && pos <= p.offset + p.len))
                    .map(|pos| parse::line_column(&m.sql, pos));
                report.sqlstate = Some(e.sqlstate);
                report.message = Some(e.message);
                report.detail = e.detail;
                report.hint = e.hint;
                failed = true;
            }
        }
        report.catalog_after = Some(session.catalog.clone());
        statements.push(report);
    }
    if failed || !m.transaction {
        // psql exits on the error or at the end of the file; a transaction still open is
        // rolled back with the connection.
        session.rollback();
    } else {
        session.end();
    }
    MigrationReport {
        name: m.name.clone(),
        path: m.path.clone(),
        outcome: if failed { MigrationOutcome::Error } else { MigrationOutcome::Ok },
        statements,
        catalog_after: session.catalog.clone(),
    }
}
