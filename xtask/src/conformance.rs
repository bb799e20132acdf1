//! `cargo xtask conformance`: how closely the engine reproduces real PostgreSQL 17.10 on the
//! conformance corpus (`<repo>/../shared/corpus`, or `$SCHEMASIM_CORPUS`).
//!
//! Migration histories (every corpus but pg-regress):
//! 1. The prelude (if any) and every up file become [`Migration`]s in corpus order, each with its
//!    `transaction` flag from corpus.toml, and `session_pgoptions`' search_path as
//!    [`ReplayOptions::search_path`]. They are replayed as `replay` with [`OnError::Continue`]
//!    does (one [`run_migration`] after another, keeping the sessions for the rollback check),
//!    i.e. *continue with the next migration*: the real run gave every file its own
//!    `psql -v ON_ERROR_STOP=1 [--single-transaction]` session, so a failing file stops at its
//!    error (rolled back when transactional) and the next file still runs.
//! 2. Each migration's outcome is compared with `expected/results.toml` (`up_ok`, and the error
//!    text when the file failed on the server).
//! 3. Round trip: `dump(&catalog)` is loaded into a fresh database (`CREATE DATABASE ... TEMPLATE
//!    template0`, `psql -X -q -v ON_ERROR_STOP=1 -f`), re-dumped with the corpus' pg_dump
//!    options, and compared with `expected/after-up.sql` after the corpus README's normalization
//!    ([`crate::normalize`]). Files land in `target/conformance/<corpus>/`: `dump.sql` (what was
//!    loaded), `after-up.sql` (pg_dump of it), `after-up.diff`, `load-error.txt`, `migrations.txt`.
//!
//! pg-regress is compared statement by statement against the recorded psql output of the real
//! server, without a server ([`crate::regress`]). Its files are psql scripts run without
//! ON_ERROR_STOP, which `replay` does not model, so [`replay_regress`] drives the engine's
//! [`Session`] statement by statement. It is part of the full run and of `--corpus pg-regress`,
//! not of `--quick`.
//!
//! The server is the one PGHOST/PGPORT name when it answers, else `scripts/pg17.sh start`
//! (stopped again at the end). The result is a measurement: the exit code is non-zero only when
//! the harness itself fails (server, IO, unreadable corpus), never for a low score.
//!
//! Rollback (corpora with down files: crates-io, lemmy, river, kratos) runs after step 3 on the
//! same engine run ([`run_rollback`]; listing `rollback.txt`):
//! 4. The base state is the session after the prelude (with the corpus' search_path); the steps
//!    are the ups with their downs, both with the migration's `transaction` flag.
//!    [`rollback_check`] gives, per migration, the single-step verdict (on state k-1: up(k), then
//!    down(k): fails / restores / residue / order-only, then up(k) again: redo ok or not), compared
//!    with `single_down_ok` (+ `single_down_error`'s message), `single_restores`,
//!    `single_order_only` and `redo_up_ok`, counted per finding class as reproduced / missed /
//!    false positives. The corpus calls a difference order-only when the normalized dumps hold the
//!    same lines in another order (indentation and trailing commas ignored), so the engine's
//!    residue is classified by that rule too ([`same_lines_reordered`]), besides its own
//!    column-order-only flag.
//! 5. The chain: every down in reverse order from the fully migrated state, continuing after a
//!    failure (the failed down is rolled back), each compared with `chain_down_ok` /
//!    `chain_down_error`; its end state is compared with the prelude-only one
//!    (`after_down_equals_prelude`), and the catalog is round-tripped as in step 3 against
//!    `expected/after-down.sql` (`dump-after-down.sql`, `after-down.sql`, `after-down.diff`).
//!
//! lemmy's `post_up` file (its replaceable schema) runs after the last up, in one transaction, on
//! a copy of the final state; its outcome is compared with `[[post_up]]` and its catalog
//! round-tripped against `expected/after-post.sql` (`*-after-post.*` files). The rollback starts
//! from the state without it, as the corpus' did.

use crate::corpus::{self, Corpus, RegressToml};
use crate::normalize;
use crate::pg::Server;
use crate::regress::{self, Expected};
use anyhow::{bail, Context, Result};
use schemasim_engine::rollback::StepRollback;
use schemasim_engine::{
    dump, new_session, parse, rollback_check, run_migration, Change, ChangeKind, DownOutcome, Migration,
    MigrationOutcome, MigrationReport, OnError, ReplayOptions, RollbackReport, Session, Step,
};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    /// Run this corpus (repeatable). Default: every corpus.
    #[arg(long = "corpus", value_name = "NAME")]
    corpora: Vec<String>,
    /// Only the small corpora (CI's subset): river, basejump, graphile-worker, umami,
    /// supabase-storage, temporal.
    #[arg(long)]
    quick: bool,
    /// Check the oracle pipeline instead of the engine: load each corpus' expected/after-up.sql
    /// and compare its re-dump with itself (must be identical everywhere).
    #[arg(long)]
    self_check: bool,
    /// Write docs/conformance.md (done anyway by a run over every corpus).
    #[arg(long)]
    docs: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let started = Instant::now();
    let repo = crate::repo_root();
    let corpus_root = match std::env::var_os("SCHEMASIM_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => repo.join("../shared/corpus"),
    };
    let available = corpus::list(&corpus_root).with_context(|| format!("no corpus at {}", corpus_root.display()))?;
    let selected = select(args, &available)?;
    let out_root = repo.join("target/conformance");
    fs::create_dir_all(&out_root).with_context(|| format!("creating {}", out_root.display()))?;
    let mut days = RunDays::new();

    let needs_server = selected.iter().any(|c| c != corpus::PG_REGRESS);
    let server = if needs_server { Some(Server::connect_or_start(&repo)?) } else { None };
    let mut report = Report::default();
    let measured = (|| -> Result<()> {
        for name in &selected {
            let dir = corpus_root.join(name);
            let out_dir = out_root.join(name);
            if out_dir.exists() {
                fs::remove_dir_all(&out_dir).with_context(|| format!("clearing {}", out_dir.display()))?;
            }
            fs::create_dir_all(&out_dir)?;
            eprintln!("conformance: {name}");
            match (name.as_str(), &server) {
                (corpus::PG_REGRESS, _) => report.regress = Some(run_regress(&dir, &out_dir)?),
                (_, Some(server)) => {
                    let corpus = Corpus::load(&dir)?;
                    let result = if args.self_check {
                        self_check(&corpus, server, &out_dir, &mut days)?
                    } else {
                        run_history(&corpus, server, &out_dir, &mut days)?
                    };
                    report.histories.push(result);
                }
                (_, None) => bail!("no server for {name}"),
            }
        }
        Ok(())
    })();
    if let Some(server) = server {
        server.stop()?;
    }
    measured?;

    report.seconds = started.elapsed().as_secs_f64();
    report.date = days.first.clone();
    report.command = command_line();
    report.self_check = args.self_check;
    print!("{}", report.text_table());
    let markdown = report.markdown();
    fs::write(out_root.join("summary.md"), &markdown)?;
    let full_run = args.corpora.is_empty() && !args.quick && !args.self_check;
    if args.docs || full_run {
        let path = repo.join("docs/conformance.md");
        fs::write(&path, &markdown).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("conformance: wrote {}", path.display());
    }
    eprintln!("conformance: details in {}", out_root.display());
    Ok(())
}

fn select(args: &Args, available: &[String]) -> Result<Vec<String>> {
    for name in &args.corpora {
        if !available.contains(name) {
            bail!("unknown corpus {name:?} (available: {})", available.join(", "));
        }
    }
    let wanted = |name: &String| {
        if args.corpora.is_empty() && !args.quick {
            return true;
        }
        args.corpora.contains(name) || (args.quick && corpus::QUICK.contains(&name.as_str()))
    };
    // The self-check round-trips expected dumps; pg-regress has none.
    let mut selected: Vec<String> = available
        .iter()
        .filter(|n| wanted(n) && !(args.self_check && n.as_str() == corpus::PG_REGRESS))
        .cloned()
        .collect();
    // Small corpora first, pg-regress last: the quick ones report early.
    selected.sort_by_key(|n| (n == corpus::PG_REGRESS, !corpus::QUICK.contains(&n.as_str()), n.clone()));
    Ok(selected)
}

fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("cargo xtask {}", args.join(" "))
}

/// The dates whose timestamps the dump comparison masks (the harness may cross midnight).
struct RunDays {
    first: String,
    days: Vec<String>,
}

impl RunDays {
    fn new() -> RunDays {
        let first = today();
        RunDays { days: vec![first.clone()], first }
    }
    fn current(&mut self) -> &[String] {
        let now = today();
        if !self.days.contains(&now) {
            self.days.push(now);
        }
        &self.days
    }
}

/// Today's UTC date as `YYYY-MM-DD`.
fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs engine code, turning a panic into `Err("panicked at FILE:LINE:COL: message")` without
/// printing it (pg-regress may hit the same panic hundreds of times).
fn guarded<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let text = info.to_string().replace('\n', " ");
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
    }));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    panic::set_hook(previous);
    result.map_err(|_| LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "panicked".to_string()))
}

fn database_name(corpus: &str) -> String {
    format!("schemasim_conformance_{}", corpus.replace(|c: char| !c.is_ascii_alphanumeric(), "_"))
}

// ---------------------------------------------------------------------------------------------
// Migration histories

struct HistoryResult {
    name: String,
    /// Up files in the corpus.
    total: usize,
    /// Up files whose engine outcome is the server's.
    identical: usize,
    /// Up files that failed on the server, and how many of those the engine failed with the
    /// same message.
    expected_failures: usize,
    message_identical: usize,
    /// `Some(ok)` when the corpus has a prelude.
    prelude_ok: Option<bool>,
    /// One line per differing migration, in order.
    mismatches: Vec<String>,
    replay_seconds: f64,
    panic: Option<String>,
    round_trip: Option<RoundTrip>,
    /// Corpora with down files.
    rollback: Option<RollbackResult>,
    /// Corpora with `post_up` files (lemmy).
    post_up: Option<PostUpResult>,
}

struct RoundTrip {
    /// The first error psql reported while loading the engine's dump.
    load_error: Option<String>,
    changed_lines: usize,
    expected_lines: usize,
    seconds: f64,
}

fn prelude_of(corpus: &Corpus) -> Option<Migration> {
    corpus.prelude.as_ref().map(|sql| Migration {
        name: "prelude".into(),
        path: "prelude.sql".into(),
        sql: sql.clone(),
        transaction: true,
    })
}

/// The up files as migrations, each with its down (same `transaction` flag) when it has one.
fn steps_of(corpus: &Corpus) -> Vec<Step> {
    corpus
        .migrations
        .iter()
        .map(|m| Step {
            up: Migration {
                name: m.name.clone(),
                path: m.path.clone(),
                sql: m.sql.clone(),
                transaction: m.transaction,
            },
            down: m.down.as_ref().map(|(path, sql)| Migration {
                name: m.name.clone(),
                path: path.clone(),
                sql: sql.clone(),
                transaction: m.transaction,
            }),
        })
        .collect()
}

/// The engine's run of a history, as [`schemasim_engine::replay`] with [`OnError::Continue`]
/// does it, keeping the sessions the rollback check starts from.
struct History {
    /// The session after the prelude (a fresh one without prelude): the rollback's base state.
    base: Session,
    prelude: Option<MigrationReport>,
    ups: Vec<MigrationReport>,
    /// The session after the last up.
    end: Session,
}

fn replay_history(corpus: &Corpus, steps: &[Step], options: &ReplayOptions) -> History {
    let mut session = new_session(options);
    let prelude = prelude_of(corpus).map(|m| run_migration(&mut session, &m));
    let base = session.clone();
    let ups = steps.iter().map(|s| run_migration(&mut session, &s.up)).collect();
    History { base, prelude, ups, end: session }
}

fn describe(report: &MigrationReport) -> String {
    match report.outcome {
        MigrationOutcome::Ok => "ok".into(),
        MigrationOutcome::Skipped => "skipped".into(),
        MigrationOutcome::Error => match report.first_error() {
            Some(s) => format!(
                "error {} at {}:{}: {}",
                s.sqlstate.as_deref().unwrap_or("?"),
                s.line,
                s.column,
                s.message.as_deref().unwrap_or("")
            ),
            None => "error".into(),
        },
    }
}

fn run_history(corpus: &Corpus, server: &Server, out_dir: &Path, days: &mut RunDays) -> Result<HistoryResult> {
    let steps = steps_of(corpus);
    let options = ReplayOptions { on_error: OnError::Continue, search_path: corpus.search_path.clone() };
    let clock = Instant::now();
    let replayed = guarded(|| replay_history(corpus, &steps, &options));
    let replay_seconds = clock.elapsed().as_secs_f64();
    let mut result = HistoryResult {
        name: corpus.name.clone(),
        total: corpus.migrations.len(),
        identical: 0,
        expected_failures: 0,
        message_identical: 0,
        prelude_ok: None,
        mismatches: Vec::new(),
        replay_seconds,
        panic: None,
        round_trip: None,
        rollback: None,
        post_up: None,
    };
    let replayed = match replayed {
        Ok(r) => r,
        Err(panic) => {
            result.panic = Some(panic);
            return Ok(result);
        }
    };

    let reports = replayed.ups.iter();
    let mut listing = String::new();
    if let Some(report) = &replayed.prelude {
        result.prelude_ok = Some(matches!(report.outcome, MigrationOutcome::Ok));
        let _ = writeln!(listing, "prelude\texpected ok\tengine {}", describe(report));
        if !matches!(report.outcome, MigrationOutcome::Ok) {
            result.mismatches.push(format!("prelude: expected ok, engine {}", describe(report)));
        }
    }
    for (m, report) in corpus.migrations.iter().zip(reports) {
        let expected = corpus.expected_for(m.seq);
        let expected_ok = expected.is_none_or(|e| e.up_ok);
        let expected_message = expected.and_then(|e| e.error_message());
        let engine_ok = matches!(report.outcome, MigrationOutcome::Ok);
        let same = expected_ok == engine_ok && !matches!(report.outcome, MigrationOutcome::Skipped);
        if !expected_ok {
            result.expected_failures += 1;
            let engine_message = report.first_error().and_then(|s| s.message.as_deref());
            if same && expected_message.is_some() && engine_message == expected_message {
                result.message_identical += 1;
            }
        }
        let expected_text =
            if expected_ok { "ok".to_string() } else { format!("error: {}", expected_message.unwrap_or("?")) };
        let _ = writeln!(listing, "{:04} {}\texpected {expected_text}\tengine {}", m.seq, m.name, describe(report));
        if same {
            result.identical += 1;
        } else {
            result.mismatches.push(format!(
                "{:04} {}: expected {expected_text}, engine {}",
                m.seq,
                m.name,
                describe(report)
            ));
        }
    }
    fs::write(out_dir.join("migrations.txt"), listing)?;

    match round_trip_catalog(&replayed.end.catalog, corpus, server, out_dir, days, AFTER_UP)? {
        Ok(rt) => result.round_trip = Some(rt),
        Err(panic) => result.panic = Some(panic),
    }
    if corpus.has_downs() {
        result.rollback = Some(run_rollback(corpus, &steps, &replayed, server, out_dir, days)?);
    }
    if !corpus.post_up.is_empty() {
        result.post_up = Some(run_post_up(corpus, &replayed.end, server, out_dir, days)?);
    }
    Ok(result)
}

const AFTER_UP: &str = "after-up";
const AFTER_DOWN: &str = "after-down";
const AFTER_POST: &str = "after-post";

/// `dump()`s `catalog` (to `dump.sql`, or `dump-<stem>.sql`) and round-trips it against
/// `expected/<stem>.sql`; `Ok(Err(_))` when the engine panicked while dumping.
fn round_trip_catalog(
    catalog: &schemasim_engine::Catalog,
    corpus: &Corpus,
    server: &Server,
    out_dir: &Path,
    days: &mut RunDays,
    stem: &str,
) -> Result<std::result::Result<RoundTrip, String>> {
    let dumped = match guarded(|| dump(catalog)) {
        Ok(sql) => sql,
        Err(panic) => return Ok(Err(format!("dump ({stem}): {panic}"))),
    };
    let name = if stem == AFTER_UP { "dump.sql".to_string() } else { format!("dump-{stem}.sql") };
    let dump_path = out_dir.join(name);
    fs::write(&dump_path, dumped)?;
    // Roles are cluster-wide: only those the dump creates may exist when it loads.
    server.reset_roles()?;
    Ok(Ok(round_trip(corpus, server, &dump_path, out_dir, days, stem)?))
}

/// Loads `file` into a fresh database, dumps it and compares with `expected/<stem>.sql`
/// (`after-up`, `after-down`, `after-post`). Writes `<stem>.sql` (the re-dump), `<stem>.diff` and
/// the load error (`load-error.txt` for after-up, else `load-error-<stem>.txt`).
fn round_trip(
    corpus: &Corpus,
    server: &Server,
    file: &Path,
    out_dir: &Path,
    days: &mut RunDays,
    stem: &str,
) -> Result<RoundTrip> {
    let clock = Instant::now();
    let db = database_name(&corpus.name);
    server.fresh_database(&db)?;
    let load_error = server.load_file(&db, file)?;
    if let Some(stderr) = &load_error {
        let name = if stem == AFTER_UP { "load-error.txt".to_string() } else { format!("load-error-{stem}.txt") };
        fs::write(out_dir.join(name), stderr)?;
    }
    let actual = server.dump_schema(&db)?;
    server.drop_database(&db)?;
    fs::write(out_dir.join(format!("{stem}.sql")), &actual)?;
    let expected_name = format!("expected/{stem}.sql");
    let expected = corpus::read_text(&corpus.dir.join(&expected_name))?;
    let days = days.current();
    let expected = normalize::normalize(&expected, days);
    let actual = normalize::normalize(&actual, days);
    let diff = normalize::diff(&expected, &actual, &expected_name, "engine dump, loaded and re-dumped");
    if diff.changed_lines > 0 {
        fs::write(out_dir.join(format!("{stem}.diff")), &diff.unified)?;
    }
    Ok(RoundTrip {
        load_error: load_error.map(|e| {
            let line = e.lines().find(|l| l.contains("ERROR:")).or_else(|| e.lines().next()).unwrap_or("");
            line.to_string()
        }),
        changed_lines: diff.changed_lines,
        expected_lines: expected.len(),
        seconds: clock.elapsed().as_secs_f64(),
    })
}

/// The oracle pipeline on its own: expected/after-up.sql loaded and re-dumped must compare
/// identical to itself. The prelude runs first in a scratch database, because it creates the
/// cluster-wide roles that policies in the dump name.
fn self_check(corpus: &Corpus, server: &Server, out_dir: &Path, days: &mut RunDays) -> Result<HistoryResult> {
    server.reset_roles()?;
    if corpus.prelude.is_some() {
        let scratch = format!("{}_roles", database_name(&corpus.name));
        server.fresh_database(&scratch)?;
        if let Some(stderr) = server.load_file(&scratch, &corpus.dir.join("prelude.sql"))? {
            bail!("{}: prelude failed on the server: {stderr}", corpus.name);
        }
        server.drop_database(&scratch)?;
    }
    let file = corpus.dir.join("expected/after-up.sql");
    let after_up = round_trip(corpus, server, &file, out_dir, days, AFTER_UP)?;
    let rollback = if corpus.has_downs() {
        let file = corpus.dir.join("expected/after-down.sql");
        let round_trip = round_trip(corpus, server, &file, out_dir, days, AFTER_DOWN)?;
        Some(RollbackResult { round_trip: Some(round_trip), ..RollbackResult::default() })
    } else {
        None
    };
    let post_up = if corpus.post_up.is_empty() {
        None
    } else {
        let file = corpus.dir.join("expected/after-post.sql");
        let round_trip = round_trip(corpus, server, &file, out_dir, days, AFTER_POST)?;
        Some(PostUpResult { round_trip: Some(round_trip), ..PostUpResult::default() })
    };
    Ok(HistoryResult {
        name: corpus.name.clone(),
        total: corpus.migrations.len(),
        identical: 0,
        expected_failures: 0,
        message_identical: 0,
        prelude_ok: None,
        mismatches: Vec::new(),
        replay_seconds: 0.0,
        panic: None,
        round_trip: Some(after_up),
        rollback,
        post_up,
    })
}

// ---------------------------------------------------------------------------------------------
// Rollback (corpora with down files)

/// The single-step finding classes, in report order.
const CLASSES: [&str; 4] = ["down fails", "residue", "order-only", "redo fails"];

/// How one class of single-step findings compares: the server's findings the engine reproduced,
/// and findings the engine reports where the server has none.
#[derive(Default, Clone, Copy)]
struct ClassCount {
    expected: usize,
    reproduced: usize,
    false_positives: usize,
}

impl ClassCount {
    fn missed(&self) -> usize {
        self.expected - self.reproduced
    }
    fn cell(&self) -> String {
        format!("{}/{} +{}", self.reproduced, self.expected, self.false_positives)
    }
}

#[derive(Default)]
struct RollbackResult {
    /// Migrations with a down and a server verdict, and how many got the same verdict (same
    /// classes; messages are counted apart).
    single_total: usize,
    single_identical: usize,
    /// Downs that failed on both sides, and of those with the same message.
    single_both_failed: usize,
    single_message_identical: usize,
    classes: [ClassCount; 4],
    /// Full reverse rollback: downs compared, same outcome, server failures, and failures on both
    /// sides with the same message.
    chain_total: usize,
    chain_identical: usize,
    chain_expected_failures: usize,
    chain_engine_failures: usize,
    chain_message_identical: usize,
    expected_equals_prelude: Option<bool>,
    engine_equals_prelude: Option<bool>,
    /// Objects the engine's full rollback left different from the prelude-only state.
    engine_residue: usize,
    round_trip: Option<RoundTrip>,
    seconds: f64,
    panic: Option<String>,
}

/// A single-step verdict (`single_*` and `redo_up_*` in results.toml, or the engine's).
#[derive(Debug, Clone, PartialEq)]
enum DownVerdict {
    Ok,
    Fails(String),
    UpFails(String),
    Missing,
}

#[derive(Debug, Clone, PartialEq)]
struct SingleVerdict {
    down: DownVerdict,
    /// `Some` when the down succeeded: the state before up(k) is back exactly.
    restores: Option<bool>,
    /// The difference is column order only (meaningful when `restores == Some(false)`).
    order_only: bool,
    /// `Some` when the down succeeded: up(k) succeeds again.
    redo_ok: Option<bool>,
    /// The server's redo error (the engine's report has none).
    redo_error: Option<String>,
}

impl SingleVerdict {
    fn expected(e: &corpus::ExpectedMigration) -> Option<SingleVerdict> {
        let ok = e.single_down_ok?;
        Some(SingleVerdict {
            down: if ok { DownVerdict::Ok } else { DownVerdict::Fails(e.single_down_message().unwrap_or("?").into()) },
            restores: if ok { e.single_restores } else { None },
            order_only: ok && e.single_restores == Some(false) && e.single_order_only.unwrap_or(false),
            redo_ok: if ok { e.redo_up_ok } else { None },
            redo_error: e.redo_up_message().map(String::from),
        })
    }

    fn engine(s: &StepRollback) -> SingleVerdict {
        let down = match &s.down {
            DownOutcome::Ok => DownVerdict::Ok,
            DownOutcome::Failed { message, .. } => DownVerdict::Fails(message.clone()),
            DownOutcome::UpFailed { message, .. } => DownVerdict::UpFails(message.clone()),
            DownOutcome::Missing => DownVerdict::Missing,
        };
        let ok = down == DownVerdict::Ok;
        SingleVerdict {
            down,
            restores: ok.then_some(s.residue.is_empty()),
            order_only: ok && !s.residue.is_empty() && (s.order_only || same_lines_reordered(&s.residue)),
            redo_ok: if ok { s.redo_ok } else { None },
            redo_error: None,
        }
    }

    /// Which of [`CLASSES`] this verdict is a finding of.
    fn classes(&self) -> [bool; 4] {
        [
            matches!(self.down, DownVerdict::Fails(_)),
            self.restores == Some(false) && !self.order_only,
            self.restores == Some(false) && self.order_only,
            self.redo_ok == Some(false),
        ]
    }

    /// Same verdict, error messages aside.
    fn same_kind(&self, other: &SingleVerdict) -> bool {
        std::mem::discriminant(&self.down) == std::mem::discriminant(&other.down)
            && self.restores == other.restores
            && self.order_only == other.order_only
            && self.redo_ok == other.redo_ok
    }

    fn describe(&self) -> String {
        match &self.down {
            DownVerdict::Fails(m) => format!("down fails: {m}"),
            DownVerdict::UpFails(m) => format!("up fails: {m}"),
            DownVerdict::Missing => "no down".into(),
            DownVerdict::Ok => {
                let restores = match (self.restores, self.order_only) {
                    (Some(true), _) => "restores",
                    (Some(false), true) => "order-only residue",
                    (Some(false), false) => "residue",
                    (None, _) => "restores ?",
                };
                let redo = match (self.redo_ok, &self.redo_error) {
                    (Some(true), _) => ", redo ok".to_string(),
                    (Some(false), Some(e)) => format!(", redo fails: {e}"),
                    (Some(false), None) => ", redo fails".to_string(),
                    (None, _) => String::new(),
                };
                format!("down ok, {restores}{redo}")
            }
        }
    }
}

/// The server's "order-only" rule applied to the engine's residue: the dump lines that differ are
/// the same lines in another order. The corpus compares whole normalized dumps as multisets of
/// lines with indentation and a trailing comma ignored, so a column that moved to the end, a
/// column that moved to another table, or a function body re-indented all count as order-only.
/// Here the removed lines (`before` of removed and changed objects) must equal the added ones
/// (`after` of added and changed objects); column-order entries carry no dump lines of their own.
fn same_lines_reordered(changes: &[Change]) -> bool {
    let lines = |text: Option<&String>, out: &mut Vec<String>| {
        for line in text.map(String::as_str).unwrap_or("").lines() {
            let line = line.trim();
            let line = line.strip_suffix(',').unwrap_or(line).trim_end();
            if !line.is_empty() && !line.starts_with("--") {
                out.push(line.to_string());
            }
        }
    };
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    for c in changes.iter().filter(|c| !c.is_order_only()) {
        lines(c.before.as_ref(), &mut removed);
        lines(c.after.as_ref(), &mut added);
    }
    removed.sort();
    added.sort();
    !changes.is_empty() && removed == added
}

/// `~ column c of table t: a -> b; + index i; ...` (at most `limit` changes).
fn residue_summary(changes: &[Change], limit: usize) -> String {
    if changes.is_empty() {
        return "none".into();
    }
    let short = |t: &Option<String>| {
        t.as_deref().map(|t| t.trim()).filter(|t| !t.contains('\n') && t.len() <= 100).map(str::to_string)
    };
    let mut parts: Vec<String> = changes
        .iter()
        .take(limit)
        .map(|c| {
            let sign = match c.kind {
                ChangeKind::Added => '+',
                ChangeKind::Removed => '-',
                ChangeKind::Changed => '~',
            };
            match (c.kind, short(&c.before), short(&c.after)) {
                (ChangeKind::Changed, Some(b), Some(a)) => format!("{sign} {}: {b} -> {a}", c.object),
                _ => format!("{sign} {}", c.object),
            }
        })
        .collect();
    if changes.len() > limit {
        parts.push(format!("... {} more", changes.len() - limit));
    }
    parts.join("; ")
}

fn down_ok(outcome: &DownOutcome) -> bool {
    matches!(outcome, DownOutcome::Ok)
}

fn describe_down(outcome: &DownOutcome) -> String {
    match outcome {
        DownOutcome::Ok => "ok".into(),
        DownOutcome::Failed { line, column, sqlstate, message, .. } => {
            format!("fails ({sqlstate} at {line}:{column}): {message}")
        }
        DownOutcome::UpFailed { message, .. } => format!("up failed: {message}"),
        DownOutcome::Missing => "no down".into(),
    }
}

/// The rollback comparison: the engine's [`rollback_check`] from the state after the prelude,
/// compared with the server's single-step and chain verdicts, and the engine's catalog after the
/// full reverse rollback round-tripped against `expected/after-down.sql`. Listing:
/// `rollback.txt`.
fn run_rollback(
    corpus: &Corpus,
    steps: &[Step],
    history: &History,
    server: &Server,
    out_dir: &Path,
    days: &mut RunDays,
) -> Result<RollbackResult> {
    let mut result = RollbackResult {
        expected_equals_prelude: corpus.expected.after_down_equals_prelude,
        ..RollbackResult::default()
    };
    let clock = Instant::now();
    let checked = guarded(|| rollback_check(&history.base, steps));
    // The catalog after every down in reverse order (the report keeps only its difference).
    let chained = guarded(|| {
        let mut session = history.end.clone();
        for step in steps.iter().rev() {
            if let Some(down) = &step.down {
                run_migration(&mut session, down);
            }
        }
        session.catalog
    });
    result.seconds = clock.elapsed().as_secs_f64();
    let report = match checked {
        Ok(r) => r,
        Err(panic) => {
            result.panic = Some(format!("rollback_check: {panic}"));
            fs::write(out_dir.join("rollback.txt"), format!("engine panicked: {panic}\n"))?;
            return Ok(result);
        }
    };
    let mut listing = String::new();
    let single = compare_single(corpus, &report, &mut result);
    let chain = compare_chain(corpus, &report, &mut result);
    result.engine_equals_prelude = Some(report.full.residue.is_empty());
    result.engine_residue = report.full.residue.len();

    match chained {
        Ok(catalog) => match round_trip_catalog(&catalog, corpus, server, out_dir, days, AFTER_DOWN)? {
            Ok(rt) => result.round_trip = Some(rt),
            Err(panic) => result.panic = Some(panic),
        },
        Err(panic) => result.panic = Some(format!("full rollback: {panic}")),
    }

    let _ = writeln!(listing, "# rollback: {}", corpus.name);
    let _ = writeln!(
        listing,
        "# single step: {}/{} identical verdicts; down failures on both sides {}, same message {}",
        result.single_identical, result.single_total, result.single_both_failed, result.single_message_identical
    );
    for (name, c) in CLASSES.iter().zip(&result.classes) {
        let _ = writeln!(
            listing,
            "#   {name}: server {}, reproduced {}, missed {}, false positives {}",
            c.expected,
            c.reproduced,
            c.missed(),
            c.false_positives
        );
    }
    let _ = writeln!(
        listing,
        "# chain (every down in reverse order): {}/{} identical; server failures {}, engine failures {}, \
         same message {}",
        result.chain_identical,
        result.chain_total,
        result.chain_expected_failures,
        result.chain_engine_failures,
        result.chain_message_identical
    );
    let _ = writeln!(
        listing,
        "# after full rollback equals the prelude-only schema: server {} ({} residue lines), engine {} \
         ({} objects differ)",
        yes_no(result.expected_equals_prelude),
        corpus.expected.after_down_residue_lines.unwrap_or(0),
        yes_no(result.engine_equals_prelude),
        result.engine_residue
    );
    let trip = match (&result.round_trip, &result.panic) {
        (Some(rt), _) => rt.verdict(),
        (None, Some(p)) => format!("not run ({p})"),
        (None, None) => "not run".into(),
    };
    let _ = writeln!(
        listing,
        "# round trip of the engine's catalog after full rollback vs expected/after-down.sql: {trip}"
    );
    let _ = writeln!(listing, "# engine residue after full rollback: {}", residue_summary(&report.full.residue, 20));
    let _ = writeln!(listing, "\n## single step: mismatches ({})\n", single.mismatches.len());
    for block in &single.mismatches {
        listing.push_str(block);
    }
    let _ = writeln!(listing, "\n## chain: mismatches\n");
    listing.push_str(&chain);
    let _ = writeln!(
        listing,
        "\n## single step: findings with the same verdict on both sides ({}; the residue itself may differ)\n",
        single.agreed.len()
    );
    for block in &single.agreed {
        listing.push_str(block);
    }
    fs::write(out_dir.join("rollback.txt"), listing)?;
    Ok(result)
}

/// Single-step listing blocks: the mismatches, and the findings both sides agree on (whose
/// residue may still differ in content).
#[derive(Default)]
struct SingleListing {
    mismatches: Vec<String>,
    agreed: Vec<String>,
}

/// Compares the single-step verdicts.
fn compare_single(corpus: &Corpus, report: &RollbackReport, result: &mut RollbackResult) -> SingleListing {
    let mut out = SingleListing::default();
    for (m, step) in corpus.migrations.iter().zip(&report.steps) {
        let Some(e) = corpus.expected_for(m.seq) else { continue };
        let Some(expected) = SingleVerdict::expected(e) else { continue };
        if m.down.is_none() {
            continue;
        }
        let engine = SingleVerdict::engine(step);
        result.single_total += 1;
        for ((count, e), g) in result.classes.iter_mut().zip(expected.classes()).zip(engine.classes()) {
            count.expected += usize::from(e);
            count.reproduced += usize::from(e && g);
            count.false_positives += usize::from(g && !e);
        }
        let same = expected.same_kind(&engine);
        let mut same_message = true;
        if let (DownVerdict::Fails(a), DownVerdict::Fails(b)) = (&expected.down, &engine.down) {
            result.single_both_failed += 1;
            same_message = a == b;
            result.single_message_identical += usize::from(same_message);
        }
        result.single_identical += usize::from(same);
        let finding = expected.classes().iter().any(|c| *c);
        if same && same_message && !finding {
            continue;
        }
        let mut block = format!(
            "{:04} {}\n    expected: {}\n    engine:   {}\n",
            m.seq,
            m.name,
            expected.describe(),
            engine.describe()
        );
        if same && !same_message {
            block.push_str("    (same verdict, different message)\n");
        }
        if engine.order_only && !step.order_only {
            block.push_str(
                "    (order-only by the server's rule: same dump lines, reordered; engine order_only flag false)\n",
            );
        }
        if !e.single_diff.is_empty() {
            let shown: Vec<&str> = e.single_diff.iter().take(6).map(|l| l.trim_end()).collect();
            let more = e.single_diff.len().saturating_sub(6);
            let _ = writeln!(
                block,
                "    expected diff ({} lines): {}{}",
                e.single_diff.len(),
                shown.join(" | "),
                if more > 0 { format!(" | ... {more} more") } else { String::new() }
            );
        }
        if !step.residue.is_empty() || engine.down == DownVerdict::Ok {
            let _ = writeln!(block, "    engine residue: {}", residue_summary(&step.residue, 8));
        }
        if same && same_message {
            out.agreed.push(block);
        } else {
            out.mismatches.push(block);
        }
    }
    out
}

/// Compares the full reverse rollback down by down; returns the mismatch listing.
fn compare_chain(corpus: &Corpus, report: &RollbackReport, result: &mut RollbackResult) -> String {
    let mut out = String::new();
    // The report lists the downs in the order run: the migrations with a down, last first.
    let with_down = corpus.migrations.iter().rev().filter(|m| m.down.is_some());
    for (m, (_, outcome)) in with_down.zip(&report.full.downs) {
        let Some(e) = corpus.expected_for(m.seq) else { continue };
        let Some(expected_ok) = e.chain_down_ok else { continue };
        result.chain_total += 1;
        let engine_ok = down_ok(outcome);
        result.chain_expected_failures += usize::from(!expected_ok);
        result.chain_engine_failures += usize::from(!engine_ok);
        let same = expected_ok == engine_ok;
        let mut same_message = true;
        if let (false, DownOutcome::Failed { message, .. }) = (expected_ok, outcome) {
            same_message = e.chain_down_message() == Some(message.as_str());
            result.chain_message_identical += usize::from(same_message);
        }
        result.chain_identical += usize::from(same);
        if same && same_message {
            continue;
        }
        let expected_text =
            if expected_ok { "ok".to_string() } else { format!("fails: {}", e.chain_down_message().unwrap_or("?")) };
        let _ = writeln!(
            out,
            "{:04} {}\n    expected: {expected_text}\n    engine:   {}",
            m.seq,
            m.name,
            describe_down(outcome)
        );
    }
    out
}

/// Post-up files (lemmy's replaceable schema): run after the last up in one transaction each,
/// compared with `[[post_up]]` and round-tripped against `expected/after-post.sql`.
#[derive(Default)]
struct PostUpResult {
    total: usize,
    identical: usize,
    mismatches: Vec<String>,
    round_trip: Option<RoundTrip>,
    panic: Option<String>,
}

fn run_post_up(
    corpus: &Corpus,
    end: &Session,
    server: &Server,
    out_dir: &Path,
    days: &mut RunDays,
) -> Result<PostUpResult> {
    let mut result = PostUpResult::default();
    let ran = guarded(|| {
        let mut session = end.clone();
        let reports: Vec<MigrationReport> = corpus
            .post_up
            .iter()
            .map(|(path, sql)| {
                let m = Migration { name: path.clone(), path: path.clone(), sql: sql.clone(), transaction: true };
                run_migration(&mut session, &m)
            })
            .collect();
        (reports, session.catalog)
    });
    let (reports, catalog) = match ran {
        Ok(r) => r,
        Err(panic) => {
            result.panic = Some(format!("post-up: {panic}"));
            return Ok(result);
        }
    };
    for ((path, _), report) in corpus.post_up.iter().zip(&reports) {
        let expected = corpus.expected.post_up.iter().find(|p| &p.file == path);
        let expected_ok = expected.is_none_or(|p| p.ok);
        let engine_ok = report.outcome == MigrationOutcome::Ok;
        result.total += 1;
        if expected_ok == engine_ok {
            result.identical += 1;
        } else {
            let expected_text = if expected_ok {
                "ok".to_string()
            } else {
                format!("error: {}", expected.and_then(|p| p.error.as_deref()).unwrap_or("?"))
            };
            result.mismatches.push(format!("{path}: expected {expected_text}, engine {}", describe(report)));
        }
    }
    match round_trip_catalog(&catalog, corpus, server, out_dir, days, AFTER_POST)? {
        Ok(rt) => result.round_trip = Some(rt),
        Err(panic) => result.panic = Some(panic),
    }
    Ok(result)
}

// ---------------------------------------------------------------------------------------------
// pg-regress

#[derive(Default)]
struct RegressFile {
    name: String,
    /// SQL statements found by the psql-style split, and the corpus' own count.
    statements: usize,
    corpus_statements: usize,
    /// ERROR lines attributed to statements (+ to meta-commands) vs the corpus' count.
    expected_errors: usize,
    meta_errors: usize,
    corpus_expected_errors: usize,
    reproduced_on_17_10: bool,
    identical: usize,
    /// Both failed; and of those, with the same message.
    both_error: usize,
    message_identical: usize,
    /// The server failed, the engine did not.
    missed_errors: usize,
    /// The engine failed, the server did not.
    false_errors: usize,
    /// Statements the engine reported no outcome for (no statement at that line and column).
    unaligned: usize,
    /// Statements whose server error comes from the stored rows ([`regress::is_row_data_error`]),
    /// and of those, the ones the engine failed as well (counted in `identical`).
    data_dependent: usize,
    data_identical: usize,
}

struct RegressResult {
    files: Vec<RegressFile>,
    replay_seconds: f64,
}

/// The engine's outcome of one pg-regress statement.
struct EngineStatement {
    /// `None` when the statement succeeded.
    error: Option<(String, String)>,
}

/// Replays the pg-regress files as pg_regress runs them: one psql session per file over one
/// shared database, without ON_ERROR_STOP, so a failing statement does not end its file (the
/// engine's [`replay`] has ON_ERROR_STOP semantics, hence the statement loop over [`Session`]).
/// A transaction block left open at the end of a file is rolled back with its connection. An
/// engine panic fails that statement only (`XX000`, "engine panicked: ...").
fn replay_regress(files: &[&str]) -> Vec<HashMap<(u32, u32), EngineStatement>> {
    let mut catalog = Session::default().catalog;
    let mut results = Vec::with_capacity(files.len());
    for sql in files {
        let mut session = Session::new(catalog.clone());
        let mut statements = HashMap::new();
        for p in parse::parse_file(sql) {
            let position = parse::line_column(sql, p.offset);
            let result = match &p.node {
                Ok(node) => match guarded(|| session.execute(node, p.text(sql)).0) {
                    Ok(Ok(())) => None,
                    Ok(Err(e)) => Some((e.sqlstate, e.message)),
                    Err(panic) => Some(("XX000".to_string(), format!("engine {panic}"))),
                },
                Err(e) => Some((e.sqlstate.clone(), e.message.clone())),
            };
            statements.insert(position, EngineStatement { error: result });
        }
        if session.in_block() {
            session.rollback();
        }
        catalog = session.catalog;
        results.push(statements);
    }
    results
}

fn run_regress(dir: &Path, out_dir: &Path) -> Result<RegressResult> {
    let toml: RegressToml = corpus::read_toml(&dir.join("corpus.toml"))?;
    let mut scripts = Vec::new();
    for test in &toml.tests {
        let text = corpus::read_text(&dir.join(&test.sql))?;
        let script = regress::scan(&text);
        scripts.push((text, script));
    }
    let clock = Instant::now();
    let sanitized: Vec<&str> = scripts.iter().map(|(_, s)| s.sql.as_str()).collect();
    let engine = replay_regress(&sanitized);
    let replay_seconds = clock.elapsed().as_secs_f64();

    let mut files = Vec::new();
    for ((test, (text, script)), engine) in toml.tests.iter().zip(&scripts).zip(&engine) {
        let out = corpus::read_text(&dir.join(&test.expected))?;
        let expected = regress::expected_outcomes(text, script, &out);
        let name = Path::new(&test.sql).file_stem().and_then(|s| s.to_str()).unwrap_or(&test.sql).to_string();
        let mut file = RegressFile {
            name,
            statements: expected.outcomes.len(),
            corpus_statements: test.statements,
            expected_errors: expected.outcomes.iter().filter(|o| matches!(o, Expected::Error(_))).count(),
            meta_errors: expected.meta_errors,
            corpus_expected_errors: test.expected_errors,
            reproduced_on_17_10: test.reproduced_on_17_10,
            ..RegressFile::default()
        };
        let mut listing = format!(
            "# {}: {} statements (corpus: {}), {} with a server ERROR (+{} from meta-commands; corpus: {}), \
             {} script lines not echoed in the expected output\n",
            test.sql,
            file.statements,
            file.corpus_statements,
            file.expected_errors,
            file.meta_errors,
            file.corpus_expected_errors,
            expected.unechoed_lines
        );
        let sql_items = script.items.iter().filter(|i| i.is_sql);
        for (item, exp) in sql_items.zip(&expected.outcomes) {
            let first_line = text[item.start..item.end].lines().next().unwrap_or("");
            let from_rows = matches!(exp, Expected::Error(m) if regress::is_row_data_error(m));
            let outcome = engine.get(&(item.line, item.column)).map(|s| &s.error);
            if from_rows {
                file.data_dependent += 1;
                file.data_identical += usize::from(matches!(outcome, Some(Some(_))));
            }
            let verdict = match (exp, outcome) {
                (_, None) => {
                    file.unaligned += 1;
                    Some("engine: no statement here".to_string())
                }
                (Expected::Ok, Some(None)) => {
                    file.identical += 1;
                    None
                }
                (Expected::Error(message), Some(Some((_, engine_message)))) => {
                    file.identical += 1;
                    file.both_error += 1;
                    if engine_message == message {
                        file.message_identical += 1;
                        None
                    } else {
                        Some(format!("message: expected {message:?}, engine {engine_message:?}"))
                    }
                }
                (Expected::Error(message), Some(None)) => {
                    file.missed_errors += 1;
                    Some(format!("expected error {message:?}, engine ok"))
                }
                (Expected::Ok, Some(Some((sqlstate, message)))) => {
                    file.false_errors += 1;
                    Some(format!("expected ok, engine error {sqlstate}: {message}"))
                }
            };
            if let Some(v) = verdict {
                let v = if from_rows { format!("[rows] {v}") } else { v };
                let _ = writeln!(listing, "{}:{}\t{v}\t| {first_line}", item.line, item.column);
            }
        }
        fs::write(out_dir.join(format!("{}.txt", file.name)), listing)?;
        files.push(file);
    }
    Ok(RegressResult { files, replay_seconds })
}

// ---------------------------------------------------------------------------------------------
// Reporting

#[derive(Default)]
struct Report {
    histories: Vec<HistoryResult>,
    regress: Option<RegressResult>,
    date: String,
    command: String,
    seconds: f64,
    self_check: bool,
}

fn percent(n: usize, d: usize) -> String {
    if d == 0 {
        "-".into()
    } else {
        format!("{:.1}%", 100.0 * n as f64 / d as f64)
    }
}

impl RoundTrip {
    fn verdict(&self) -> String {
        match (&self.load_error, self.changed_lines) {
            (None, 0) => "identical".into(),
            (None, n) => format!("{n} diff lines"),
            (Some(_), n) => format!("load failed, {n} diff lines"),
        }
    }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    }
}

fn optional_trip_verdict(round_trip: &Option<RoundTrip>, panic: &Option<String>) -> String {
    match (round_trip, panic) {
        (Some(rt), _) => rt.verdict(),
        (None, Some(_)) => "not run (engine panicked)".into(),
        (None, None) => "not run".into(),
    }
}

impl RollbackResult {
    fn round_trip_verdict(&self) -> String {
        optional_trip_verdict(&self.round_trip, &self.panic)
    }
}

impl PostUpResult {
    fn round_trip_verdict(&self) -> String {
        optional_trip_verdict(&self.round_trip, &self.panic)
    }
}

impl HistoryResult {
    fn round_trip_verdict(&self) -> String {
        optional_trip_verdict(&self.round_trip, &self.panic)
    }
}

impl RegressFile {
    fn add(&mut self, other: &RegressFile) {
        self.statements += other.statements;
        self.corpus_statements += other.corpus_statements;
        self.expected_errors += other.expected_errors;
        self.meta_errors += other.meta_errors;
        self.corpus_expected_errors += other.corpus_expected_errors;
        self.identical += other.identical;
        self.both_error += other.both_error;
        self.message_identical += other.message_identical;
        self.missed_errors += other.missed_errors;
        self.false_errors += other.false_errors;
        self.unaligned += other.unaligned;
        self.data_dependent += other.data_dependent;
        self.data_identical += other.data_identical;
    }

    /// Statements whose outcome does not depend on stored rows, and how many are identical.
    fn schema_level(&self) -> (usize, usize) {
        (self.identical - self.data_identical, self.statements - self.data_dependent)
    }
}

impl RegressResult {
    fn total(&self) -> RegressFile {
        let mut total = RegressFile { name: "total".into(), ..RegressFile::default() };
        for f in &self.files {
            total.add(f);
        }
        total
    }
}

impl Report {
    fn text_table(&self) -> String {
        let mut s = String::new();
        if !self.histories.is_empty() {
            let _ = writeln!(
                s,
                "\n{:<18} {:>22} {:>9} {:<30} {:>9} {:>9}",
                "corpus", "migrations identical", "prelude", "round trip", "replay s", "trip s"
            );
            for h in &self.histories {
                let migrations = if self.self_check {
                    "-".to_string()
                } else {
                    format!("{}/{} ({})", h.identical, h.total, percent(h.identical, h.total))
                };
                let prelude = match h.prelude_ok {
                    Some(true) => "ok",
                    Some(false) => "FAILED",
                    None => "-",
                };
                let _ = writeln!(
                    s,
                    "{:<18} {:>22} {:>9} {:<30} {:>9.2} {:>9.2}",
                    h.name,
                    migrations,
                    prelude,
                    h.round_trip_verdict(),
                    h.replay_seconds,
                    h.round_trip.as_ref().map_or(0.0, |r| r.seconds)
                );
                if let Some(p) = &h.panic {
                    let _ = writeln!(s, "{:<18} engine panicked: {p}", "");
                }
            }
            self.rollback_text(&mut s);
        }
        if let Some(r) = &self.regress {
            let t = r.total();
            let _ = writeln!(
                s,
                "\npg-regress: schema-level statements identical {}/{} ({}); all statements identical {}/{} ({}); \
                 {} fail on stored rows; PG errors reproduced {}/{} (same message {}); \
                 missed errors {}; false errors {}; unaligned {}; replay {:.2}s",
                t.schema_level().0,
                t.schema_level().1,
                percent(t.schema_level().0, t.schema_level().1),
                t.identical,
                t.statements,
                percent(t.identical, t.statements),
                t.data_dependent,
                t.both_error,
                t.expected_errors,
                t.message_identical,
                t.missed_errors,
                t.false_errors,
                t.unaligned,
                r.replay_seconds
            );
        }
        let _ = writeln!(s, "\ntotal {:.1}s", self.seconds);
        s
    }

    fn rollback_text(&self, s: &mut String) {
        let with_rollback: Vec<(&HistoryResult, &RollbackResult)> =
            self.histories.iter().filter_map(|h| h.rollback.as_ref().map(|r| (h, r))).collect();
        if !with_rollback.is_empty() {
            let _ = writeln!(
                s,
                "\n{:<18} {:>17} {:>11} {:>11} {:>11} {:>11} {:>17} {:>9} {:<24} {:>9}",
                "rollback",
                "single identical",
                CLASSES[0],
                CLASSES[1],
                CLASSES[2],
                CLASSES[3],
                "chain identical",
                "=prelude",
                "after-down trip",
                "s"
            );
            for (h, r) in &with_rollback {
                let (single, classes, chain, prelude) = if self.self_check {
                    (
                        "-".to_string(),
                        ["-".to_string(), "-".into(), "-".into(), "-".into()],
                        "-".to_string(),
                        "-".into(),
                    )
                } else {
                    (
                        format!("{}/{}", r.single_identical, r.single_total),
                        r.classes.map(|c| c.cell()),
                        format!("{}/{}", r.chain_identical, r.chain_total),
                        format!("{}/{}", yes_no(r.expected_equals_prelude), yes_no(r.engine_equals_prelude)),
                    )
                };
                let _ = writeln!(
                    s,
                    "{:<18} {:>17} {:>11} {:>11} {:>11} {:>11} {:>17} {:>9} {:<24} {:>9.2}",
                    h.name,
                    single,
                    classes[0],
                    classes[1],
                    classes[2],
                    classes[3],
                    chain,
                    prelude,
                    r.round_trip_verdict(),
                    r.seconds + r.round_trip.as_ref().map_or(0.0, |t| t.seconds)
                );
                if let Some(p) = &r.panic {
                    let _ = writeln!(s, "{:<18} engine panicked: {p}", "");
                }
            }
            let _ = writeln!(
                s,
                "(classes: server findings reproduced/server findings +engine-only findings; =prelude: server/engine; \
                 listings in target/conformance/<corpus>/rollback.txt)"
            );
        }
        for h in &self.histories {
            if let Some(p) = &h.post_up {
                let outcome = if self.self_check {
                    String::new()
                } else {
                    format!("{}/{} identical outcome, ", p.identical, p.total)
                };
                let _ = writeln!(s, "\n{} post-up: {outcome}after-post round trip {}", h.name, p.round_trip_verdict());
                for m in &p.mismatches {
                    let _ = writeln!(s, "  {m}");
                }
                if let Some(panic) = &p.panic {
                    let _ = writeln!(s, "  engine panicked: {panic}");
                }
            }
        }
    }

    fn rollback_markdown(&self, s: &mut String) {
        let with_rollback: Vec<(&HistoryResult, &RollbackResult)> =
            self.histories.iter().filter_map(|h| h.rollback.as_ref().map(|r| (h, r))).collect();
        if with_rollback.is_empty() {
            return;
        }
        let _ = writeln!(s, "## Rollback (corpora with down files)\n");
        let _ = writeln!(
            s,
            "The engine's `rollback_check` from the state after the prelude, with each migration's down file \
             (same transaction mode as its up), compared with what the server did (`expected/results.toml`, \
             readable in `expected/rollback-findings.md`).\n\n\
             - *single step*: for each migration k, up(k) then down(k) on the state after k-1, compared with \
             that state, then up(k) again (Diesel's `migration redo`). *identical* = same verdict (down fails / \
             restores / residue / order-only residue, redo ok or not); error messages are counted apart.\n\
             - finding classes (*down fails*, *residue*: the down does not restore the schema, *order-only*: the \
             differing dump lines are the same lines reordered, indentation and trailing commas ignored (the \
             corpus' rule, applied to the engine's residue too; usually column order), *redo fails*: up(k) fails after down(k)): `reproduced/server +engine-only`, \
             i.e. true positives / server findings, then false positives. Missed = server - reproduced.\n\
             - *chain*: every down in reverse order from the fully migrated state, continuing after a failure \
             (a failed down is rolled back); *identical* = same outcome per down. *= prelude*: whether the \
             result equals the prelude-only schema (server / engine).\n\
             - *after-down round trip*: the engine's catalog after the chain, `dump()`ed, loaded and re-dumped, \
             compared with `expected/after-down.sql` as the after-up round trip is.\n"
        );
        let _ = writeln!(
            s,
            "| corpus | single identical | % | down fails | residue | order-only | redo fails | chain identical | \
             = prelude | after-down round trip | diff lines | s |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
        for (h, r) in &with_rollback {
            let (single, pct, classes, chain, prelude) = if self.self_check {
                let dash = || "-".to_string();
                (dash(), dash(), [dash(), dash(), dash(), dash()], dash(), dash())
            } else {
                (
                    format!("{}/{}", r.single_identical, r.single_total),
                    percent(r.single_identical, r.single_total),
                    r.classes.map(|c| c.cell()),
                    format!("{}/{}", r.chain_identical, r.chain_total),
                    format!("{} / {}", yes_no(r.expected_equals_prelude), yes_no(r.engine_equals_prelude)),
                )
            };
            let diff_lines = r
                .round_trip
                .as_ref()
                .map_or("-".to_string(), |rt| format!("{} / {}", rt.changed_lines, rt.expected_lines));
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.2} |",
                h.name,
                single,
                pct,
                classes[0],
                classes[1],
                classes[2],
                classes[3],
                chain,
                prelude,
                r.round_trip_verdict(),
                diff_lines,
                r.seconds
            );
        }
        let _ = writeln!(s);
        for (h, r) in &with_rollback {
            let mut notes = Vec::new();
            if let Some(p) = &r.panic {
                notes.push(format!("- engine panicked: `{}`", p.replace('`', "'")));
            }
            if !self.self_check {
                if r.single_both_failed > 0 {
                    notes.push(format!(
                        "- {} downs fail on both sides (single step), {} with the same message",
                        r.single_both_failed, r.single_message_identical
                    ));
                }
                if r.chain_expected_failures > 0 || r.chain_engine_failures > 0 {
                    notes.push(format!(
                        "- chain: {} downs fail on the server, {} in the engine; {} failures with the same message",
                        r.chain_expected_failures, r.chain_engine_failures, r.chain_message_identical
                    ));
                }
                if r.single_identical < r.single_total || r.chain_identical < r.chain_total {
                    notes.push(format!(
                        "- per-migration mismatches (expected and engine verdict, engine residue): \
                         `target/conformance/{}/rollback.txt`",
                        h.name
                    ));
                }
            }
            if let Some(e) = r.round_trip.as_ref().and_then(|t| t.load_error.as_ref()) {
                notes.push(format!("- loading the engine's after-down dump failed: `{}`", e.replace('`', "'")));
            }
            if !notes.is_empty() {
                let _ = writeln!(s, "### {} (rollback)\n\n{}\n", h.name, notes.join("\n"));
            }
        }
        for h in &self.histories {
            let Some(p) = &h.post_up else { continue };
            let outcome = if self.self_check {
                String::new()
            } else {
                format!("{}/{} post-up files with the server's outcome; ", p.identical, p.total)
            };
            let diff_lines = p
                .round_trip
                .as_ref()
                .map_or(String::new(), |rt| format!(" (normalized expected dump: {} lines)", rt.expected_lines));
            let _ = writeln!(
                s,
                "### {} (post-up)\n\n- {outcome}round trip against `expected/after-post.sql`: {}{diff_lines}",
                h.name,
                p.round_trip_verdict()
            );
            for m in &p.mismatches {
                let _ = writeln!(s, "- `{}`", m.replace('`', "'"));
            }
            if let Some(panic) = &p.panic {
                let _ = writeln!(s, "- engine panicked: `{}`", panic.replace('`', "'"));
            }
            let _ = writeln!(s);
        }
    }

    fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# Conformance\n");
        let _ = writeln!(
            s,
            "Generated by `{}` on {} ({:.0} s). Do not edit: re-run the command.\n",
            self.command, self.date, self.seconds
        );
        let _ = writeln!(
            s,
            "Measured against real PostgreSQL 17.10 (`scripts/pg17.sh`) on the corpus in `../shared/corpus` \
             (see its README.md and ORACLE.md). The harness is `xtask/src/conformance.rs`; per-corpus details \
             (engine dump, re-dump, diff, per-migration and per-statement listings) are written to \
             `target/conformance/<corpus>/`.\n"
        );
        if self.self_check {
            let _ = writeln!(
                s,
                "**Self-check run**: no engine involved; each corpus' `expected/after-up.sql` was loaded and \
                 re-dumped to prove the load/dump/normalize pipeline.\n"
            );
        }
        if !self.histories.is_empty() {
            let _ = writeln!(s, "## Migration histories\n");
            let _ = writeln!(
                s,
                "- *identical outcome*: the migration succeeded in the engine exactly when it succeeded on the \
                 server (each file is its own session; a failing file stops at its error and the next file runs).\n\
                 - *round trip*: the engine's `dump()` loaded into a fresh database, re-dumped with \
                 `pg_dump --schema-only --no-owner --no-privileges`, and compared with `expected/after-up.sql` \
                 ignoring comment and blank lines (timestamps of the run day masked); *diff lines* counts `+`/`-` lines.\n"
            );
            let _ = writeln!(
                s,
                "| corpus | migrations | identical outcome | % | prelude | round trip identical | diff lines | replay s |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---|---|---:|---:|");
            for h in &self.histories {
                let (identical, pct) = if self.self_check {
                    ("-".to_string(), "-".to_string())
                } else {
                    (h.identical.to_string(), percent(h.identical, h.total))
                };
                let prelude = match h.prelude_ok {
                    Some(true) => "ok",
                    Some(false) => "failed",
                    None => "-",
                };
                let (rt_identical, diff_lines) = match &h.round_trip {
                    Some(rt) => (
                        match (&rt.load_error, rt.changed_lines) {
                            (None, 0) => "yes".to_string(),
                            (None, _) => "no".to_string(),
                            (Some(_), _) => "no (load failed)".to_string(),
                        },
                        format!("{} / {}", rt.changed_lines, rt.expected_lines),
                    ),
                    None => ("not run".to_string(), "-".to_string()),
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} | {:.2} |",
                    h.name, h.total, identical, pct, prelude, rt_identical, diff_lines, h.replay_seconds
                );
            }
            let _ = writeln!(s, "\n*diff lines* = differing lines / lines of the normalized expected dump.\n");
            for h in &self.histories {
                let mut notes = Vec::new();
                if let Some(p) = &h.panic {
                    notes.push(format!("- engine panicked: `{}`", p.replace('`', "'")));
                }
                if let Some(e) = h.round_trip.as_ref().and_then(|r| r.load_error.as_ref()) {
                    notes.push(format!("- loading the engine's dump failed: `{}`", e.replace('`', "'")));
                }
                if h.expected_failures > 0 {
                    notes.push(format!(
                        "- {} up files fail on the server; the engine fails {} of them with the same message",
                        h.expected_failures, h.message_identical
                    ));
                }
                for m in h.mismatches.iter().take(10) {
                    notes.push(format!("- `{}`", m.replace('`', "'")));
                }
                if h.mismatches.len() > 10 {
                    notes.push(format!(
                        "- ... {} more in `target/conformance/{}/migrations.txt`",
                        h.mismatches.len() - 10,
                        h.name
                    ));
                }
                if !notes.is_empty() {
                    let _ = writeln!(s, "### {}\n\n{}\n", h.name, notes.join("\n"));
                }
            }
        }
        self.rollback_markdown(&mut s);
        if let Some(r) = &self.regress {
            let t = r.total();
            let _ = writeln!(s, "## pg-regress (statement by statement)\n");
            let _ = writeln!(
                s,
                "Each file's statements (split as psql does; meta-commands and COPY data left out) replayed in \
                 schedule order, one file per session, continuing after errors as pg_regress does. The server's \
                 outcome of each statement is read from the recorded psql output (`expected/*.out`): an `ERROR:` \
                 printed after the line where a statement ends belongs to it. The files also depend on objects \
                 that other regression files (not in the corpus) create, so 100% is not reachable.\n"
            );
            let (schema_identical, schema_statements) = t.schema_level();
            let _ = writeln!(
                s,
                "Schema-level statements identical: **{}/{} ({})**; all statements: {}/{} ({}). Replay took {:.2} s.\n",
                schema_identical,
                schema_statements,
                percent(schema_identical, schema_statements),
                t.identical,
                t.statements,
                percent(t.identical, t.statements),
                r.replay_seconds
            );
            let _ = writeln!(
                s,
                "| file | statements | identical | % | fail on rows | schema-level identical | % | server errors | \
                 both error | same message | missed errors | false errors | unaligned |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for f in r.files.iter().chain(std::iter::once(&t)) {
                let name = if f.name == "total" {
                    "**total**".to_string()
                } else if f.reproduced_on_17_10 {
                    f.name.clone()
                } else {
                    format!("{} †", f.name)
                };
                let (schema_identical, schema_statements) = f.schema_level();
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {}/{} | {} | {} | {} | {} | {} | {} | {} |",
                    name,
                    f.statements,
                    f.identical,
                    percent(f.identical, f.statements),
                    f.data_dependent,
                    schema_identical,
                    schema_statements,
                    percent(schema_identical, schema_statements),
                    f.expected_errors,
                    f.both_error,
                    f.message_identical,
                    f.missed_errors,
                    f.false_errors,
                    f.unaligned
                );
            }
            let _ = writeln!(
                s,
                "\n† the recorded output is PostgreSQL 17.11's; on 17.10 a few statements differ (corpus \
                 `pg-regress/diffs/`). *server errors* = statements with an `ERROR:` in the recorded output \
                 ({} more came from psql meta-commands; the corpus counts {} in all). *missed errors*: the server \
                 failed, the engine did not; *false errors*: the engine failed, the server did not. *fail on \
                 rows*: the server's error is one PostgreSQL raises from the rows the statement reads or writes \
                 (constraint violations of inserted rows, validation scans, invalid input values, row-level \
                 security checks of new rows; list: `xtask/src/regress.rs` `ROW_DATA_ERRORS`), which depends on \
                 data a schema simulator does not have (their mismatches are marked `[rows]` in \
                 `target/conformance/pg-regress/<file>.txt`); *schema-level* = all other statements.\n",
                t.meta_errors, t.corpus_expected_errors
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(object: &str, kind: ChangeKind, before: Option<&str>, after: Option<&str>) -> Change {
        Change { object: object.into(), kind, before: before.map(String::from), after: after.map(String::from) }
    }

    #[test]
    fn reordered_lines_count_as_order_only() {
        // A column that moved from one table to another: the same dump line, removed and added.
        let moved = [
            change("column messages of table a", ChangeKind::Removed, Some("messages jsonb"), None),
            change("column order of table a", ChangeKind::Changed, Some("id, messages"), Some("id")),
            change("column messages of table b", ChangeKind::Added, None, Some("messages jsonb")),
        ];
        assert!(same_lines_reordered(&moved));
        // Re-indented body lines and a moved trailing comma.
        let reindented = [change(
            "function f()",
            ChangeKind::Changed,
            Some("BEGIN\n    ) THEN,\nEND"),
            Some("BEGIN\n        ) THEN\nEND"),
        )];
        assert!(same_lines_reordered(&reindented));
        let different =
            [change("column x of table a", ChangeKind::Changed, Some("x text"), Some("x text DEFAULT NULL"))];
        assert!(!same_lines_reordered(&different));
        assert!(!same_lines_reordered(&[]));
    }

    fn expected(toml_text: &str) -> corpus::ExpectedMigration {
        toml::from_str(toml_text).unwrap()
    }

    #[test]
    fn expected_verdicts_map_to_classes() {
        let failing = expected(
            "seq = 1\nup_ok = true\nsingle_down_ok = false\n\
             single_down_error = \"psql:down/x.sql:2: ERROR:  syntax error at or near \\\"ALTER\\\"\"",
        );
        let v = SingleVerdict::expected(&failing).unwrap();
        assert_eq!(v.down, DownVerdict::Fails("syntax error at or near \"ALTER\"".into()));
        assert_eq!(v.classes(), [true, false, false, false]);

        let order_only = expected(
            "seq = 2\nup_ok = true\nsingle_down_ok = true\nsingle_restores = false\nsingle_order_only = true\n\
             redo_up_ok = false",
        );
        let v = SingleVerdict::expected(&order_only).unwrap();
        assert_eq!(v.classes(), [false, false, true, true]);
        assert_eq!(v.describe(), "down ok, order-only residue, redo fails");

        let restores =
            expected("seq = 3\nup_ok = true\nsingle_down_ok = true\nsingle_restores = true\nredo_up_ok = true");
        let v = SingleVerdict::expected(&restores).unwrap();
        assert_eq!(v.classes(), [false; 4]);

        assert!(SingleVerdict::expected(&expected("seq = 4\nup_ok = true")).is_none());
    }

    #[test]
    fn engine_verdicts_follow_the_step() {
        let step = StepRollback {
            name: "x".into(),
            down: DownOutcome::Ok,
            residue: vec![change("column order of table a", ChangeKind::Changed, Some("a, b"), Some("b, a"))],
            order_only: true,
            redo_ok: Some(true),
            redo_error: None,
            destroys: Vec::new(),
        };
        let v = SingleVerdict::engine(&step);
        assert_eq!((v.restores, v.order_only, v.redo_ok), (Some(false), true, Some(true)));
        let expected = SingleVerdict::expected(&expected(
            "seq = 1\nup_ok = true\nsingle_down_ok = true\nsingle_restores = false\nsingle_order_only = true\n\
             redo_up_ok = true",
        ))
        .unwrap();
        assert!(expected.same_kind(&v));

        let failed = StepRollback {
            down: DownOutcome::Failed {
                path: "down/x.sql".into(),
                line: 2,
                column: 1,
                sqlstate: "42601".into(),
                message: "syntax error".into(),
            },
            residue: Vec::new(),
            order_only: false,
            redo_ok: None,
            ..step
        };
        let v = SingleVerdict::engine(&failed);
        assert_eq!((v.restores, v.redo_ok), (None, None));
        assert_eq!(v.classes(), [true, false, false, false]);
    }
}
