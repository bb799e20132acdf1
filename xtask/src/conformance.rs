//! `cargo xtask conformance`: how closely the engine reproduces real PostgreSQL 17.10 on the
//! conformance corpus (`<repo>/../shared/corpus`, or `$SCHEMASIM_CORPUS`).
//!
//! Migration histories (every corpus but pg-regress):
//! 1. The prelude (if any) and every up file become [`Migration`]s in corpus order, each with its
//!    `transaction` flag from corpus.toml, and `session_pgoptions`' search_path as
//!    [`ReplayOptions::search_path`]. They are replayed with [`OnError::Continue`], which here
//!    means *continue with the next migration*: the real run gave every file its own
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
//! ON_ERROR_STOP, which [`replay`] does not model, so [`replay_regress`] drives the engine's
//! [`Session`] statement by statement. It is part of the full run and of `--corpus pg-regress`,
//! not of `--quick`.
//!
//! The server is the one PGHOST/PGPORT name when it answers, else `scripts/pg17.sh start`
//! (stopped again at the end). The result is a measurement: the exit code is non-zero only when
//! the harness itself fails (server, IO, unreadable corpus), never for a low score.
//!
//! Where the remaining comparisons plug in: rollback (corpora with `down/`) runs after step 3 of
//! [`run_history`] on the same replay. The chain check appends the down files in reverse order
//! as further migrations, compares each one's outcome with `chain_down_ok` / `chain_down_error`,
//! and round-trips the final catalog against `expected/after-down.sql` as step 3 does with
//! after-up.sql. The single-step check starts from each up's `MigrationReport::catalog_after`
//! (state k), replays down k with `replay_from`, and compares `dump()` of the result with
//! `dump()` of state k-1 using the same normalization (identical, order-only or different), then
//! re-applies up k; the verdicts to match are `single_down_ok`, `single_restores`,
//! `single_order_only` and `redo_up_ok` in results.toml (readable in `rollback-findings.md`).
//! Both sides of that comparison come from the engine, so it needs no server. lemmy's `post_up`
//! file is one more migration after the ups, round-tripped against `expected/after-post.sql`.

use crate::corpus::{self, Corpus, RegressToml};
use crate::normalize;
use crate::pg::Server;
use crate::regress::{self, Expected};
use anyhow::{bail, Context, Result};
use schemasim_engine::{
    dump, parse, replay, Migration, MigrationOutcome, MigrationReport, OnError, ReplayOptions, Session,
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
}

struct RoundTrip {
    /// The first error psql reported while loading the engine's dump.
    load_error: Option<String>,
    changed_lines: usize,
    expected_lines: usize,
    seconds: f64,
}

fn migrations_of(corpus: &Corpus) -> Vec<Migration> {
    let mut migrations = Vec::with_capacity(corpus.migrations.len() + 1);
    if let Some(prelude) = &corpus.prelude {
        migrations.push(Migration {
            name: "prelude".into(),
            path: "prelude.sql".into(),
            sql: prelude.clone(),
            transaction: true,
        });
    }
    migrations.extend(corpus.migrations.iter().map(|m| Migration {
        name: m.name.clone(),
        path: m.path.clone(),
        sql: m.sql.clone(),
        transaction: m.transaction,
    }));
    migrations
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
    let migrations = migrations_of(corpus);
    let options = ReplayOptions { on_error: OnError::Continue, search_path: corpus.search_path.clone() };
    let clock = Instant::now();
    let replayed = guarded(|| replay(&migrations, &options));
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
    };
    let replayed = match replayed {
        Ok(r) => r,
        Err(panic) => {
            result.panic = Some(panic);
            return Ok(result);
        }
    };

    let mut reports = replayed.migrations.iter();
    let mut listing = String::new();
    if corpus.prelude.is_some() {
        let report = reports.next().context("engine returned no report for the prelude")?;
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

    let dumped = match guarded(|| dump(&replayed.catalog)) {
        Ok(sql) => sql,
        Err(panic) => {
            result.panic = Some(format!("dump: {panic}"));
            return Ok(result);
        }
    };
    let dump_path = out_dir.join("dump.sql");
    fs::write(&dump_path, dumped)?;
    server.reset_roles()?;
    result.round_trip = Some(round_trip(corpus, server, &dump_path, out_dir, days)?);
    Ok(result)
}

/// Loads `file` into a fresh database, dumps it and compares with `expected/after-up.sql`.
fn round_trip(corpus: &Corpus, server: &Server, file: &Path, out_dir: &Path, days: &mut RunDays) -> Result<RoundTrip> {
    let clock = Instant::now();
    let db = database_name(&corpus.name);
    server.fresh_database(&db)?;
    let load_error = server.load_file(&db, file)?;
    if let Some(stderr) = &load_error {
        fs::write(out_dir.join("load-error.txt"), stderr)?;
    }
    let actual = server.dump_schema(&db)?;
    server.drop_database(&db)?;
    fs::write(out_dir.join("after-up.sql"), &actual)?;
    let expected = corpus::read_text(&corpus.dir.join("expected/after-up.sql"))?;
    let days = days.current();
    let expected = normalize::normalize(&expected, days);
    let actual = normalize::normalize(&actual, days);
    let diff = normalize::diff(&expected, &actual, "expected/after-up.sql", "engine dump, loaded and re-dumped");
    if diff.changed_lines > 0 {
        fs::write(out_dir.join("after-up.diff"), &diff.unified)?;
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
    let round_trip = round_trip(corpus, server, &file, out_dir, days)?;
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
        round_trip: Some(round_trip),
    })
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
            let verdict = match (exp, engine.get(&(item.line, item.column)).map(|s| &s.error)) {
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

impl HistoryResult {
    fn round_trip_verdict(&self) -> String {
        match (&self.round_trip, &self.panic) {
            (Some(rt), _) => rt.verdict(),
            (None, Some(_)) => "not run (engine panicked)".into(),
            (None, None) => "not run".into(),
        }
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
        }
        if let Some(r) = &self.regress {
            let t = r.total();
            let _ = writeln!(
                s,
                "\npg-regress: statements identical {}/{} ({}); PG errors reproduced {}/{} (same message {}); \
                 missed errors {}; false errors {}; unaligned {}; replay {:.2}s",
                t.identical,
                t.statements,
                percent(t.identical, t.statements),
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
            let _ = writeln!(
                s,
                "Statements identical: **{}/{} ({})**. Replay took {:.2} s.\n",
                t.identical,
                t.statements,
                percent(t.identical, t.statements),
                r.replay_seconds
            );
            let _ = writeln!(
                s,
                "| file | statements | identical | % | server errors | both error | same message | missed errors | false errors | unaligned |"
            );
            let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for f in r.files.iter().chain(std::iter::once(&t)) {
                let name = if f.name == "total" {
                    "**total**".to_string()
                } else if f.reproduced_on_17_10 {
                    f.name.clone()
                } else {
                    format!("{} †", f.name)
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                    name,
                    f.statements,
                    f.identical,
                    percent(f.identical, f.statements),
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
                 failed, the engine did not; *false errors*: the engine failed, the server did not.\n",
                t.meta_errors, t.corpus_expected_errors
            );
        }
        s
    }
}
