//! `schemasim`: replay PostgreSQL migrations without a database.
//!
//! Exit codes: 0 clean, 1 errors in the SQL, 2 usage or IO error.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use schemasim_engine::{
    rollback_check, Catalog, Change, ChangeKind, DownOutcome, DriftItem, DriftKind, DriftReport, EffectStatus,
    Migration, MigrationOutcome, OnError, Outcome, Replay, ReplayOptions, RollbackReport, Section, Severity, Step,
};
use schemasim_layouts::Project;
use std::path::PathBuf;
use std::process::ExitCode;

mod order;

#[derive(Parser)]
#[command(
    name = "schemasim",
    version,
    about = "A PostgreSQL 17 schema simulator: replays migrations without a database"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum AuditFormat {
    Text,
    Md,
    Json,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum TxMode {
    /// Each migration file in one transaction (Diesel, Flyway, golang-migrate).
    PerFile,
    /// Autocommit per statement (plain psql).
    None,
    /// What the detected layout's tool does.
    Auto,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnErrorArg {
    Stop,
    Continue,
}

#[derive(Clone, clap::Args)]
struct ReplayArgs {
    #[arg(long, value_enum, default_value = "auto")]
    tx: TxMode,
    #[arg(long = "on-error", value_enum, default_value = "stop")]
    on_error: OnErrorArg,
    /// Replay up to and including this migration (name, version prefix or 1-based position).
    #[arg(long)]
    until: Option<String>,
    /// Initial search_path, as the migration tool's connection sets it.
    #[arg(long = "search-path")]
    search_path: Option<String>,
    /// Migration files in order, or one migrations folder (layout detected).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Replay migrations and report every statement's outcome.
    Replay {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Print DDL of the final schema (a consolidated baseline).
    Dump {
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Check every down migration: does it fail, leave residue, destroy data; and the full
    /// reverse rollback.
    RollbackCheck {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Structural difference between the schemas after two steps.
    Diff {
        /// The earlier step (name, version prefix or 1-based position; 0 = empty database).
        #[arg(long)]
        from: String,
        /// The later step.
        #[arg(long)]
        to: String,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Check application queries (INSERT/UPDATE/DELETE/SELECT) against the schema at a step.
    Check {
        /// The file of queries, one statement each (`;`-separated).
        #[arg(long)]
        queries: PathBuf,
        /// The step whose schema the queries run against (default: the last).
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Audit report of the schema at a step: schemas, tables, FKs and their indexes, indexes,
    /// enums, constraints, RLS coverage, SECURITY DEFINER functions, triggers.
    Audit {
        /// The step to audit (default: the last).
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: AuditFormat,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// State-aware lints: dangerous statements on objects that existed before each migration.
    Lint {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Also list findings silenced by schemasim-ignore comments.
        #[arg(long)]
        show_suppressed: bool,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Compare production (a plain `pg_dump --schema-only`) with the history: what is missing,
    /// extra or different, the step production matches best, and each migration's effects.
    Drift {
        /// The production dump.
        #[arg(long)]
        against: PathBuf,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        #[command(flatten)]
        args: ReplayArgs,
    },
    /// Dependencies between migrations (what each needs from earlier ones, and why), the
    /// migrations free to move, adjacent pairs whose swap changes the schema; or, with --try,
    /// another order replayed and compared with the original.
    Order {
        #[arg(long, value_enum, default_value = "text")]
        format: order::OrderFormat,
        /// Replay this order instead: migrations (name, version prefix or position) and
        /// inclusive ranges `A..B` (`..B`, `A..`), comma-separated; a subset leaves the others out.
        #[arg(long = "try", value_name = "ORDER")]
        tried: Option<String>,
        /// Do not swap adjacent independent pairs (the graph alone).
        #[arg(long = "no-pairs")]
        no_pairs: bool,
        #[command(flatten)]
        args: ReplayArgs,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("schemasim: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Replay { format, args } => {
            let (project, replay) = replay_paths(&args)?;
            match format {
                Format::Json => {
                    let out = serde_json::json!({
                        "layout": project.layout.as_str(),
                        "migrations": replay.migrations,
                        "schema": replay.catalog,
                    });
                    println!("{}", serde_json::to_string_pretty(&out)?);
                }
                Format::Text => print_text(&replay),
            }
            Ok(exit_code(&replay))
        }
        Command::Dump { args } => {
            let (_, replay) = replay_paths(&args)?;
            print!("{}", schemasim_engine::dump(&replay.catalog));
            for m in &replay.migrations {
                if let Some(e) = m.first_error() {
                    eprintln!(
                        "{}:{}:{}: ERROR {}: {}",
                        m.path,
                        e.line,
                        e.column,
                        e.sqlstate.as_deref().unwrap_or(""),
                        e.message.as_deref().unwrap_or("")
                    );
                }
            }
            Ok(exit_code(&replay))
        }
        Command::RollbackCheck { format, args } => run_rollback_check(format, &args),
        Command::Diff { from, to, format, args } => diff_steps(&from, &to, format, &args),
        Command::Drift { against, format, args } => run_drift(&against, format, &args),
        Command::Lint { format, show_suppressed, args } => run_lint(format, show_suppressed, &args),
        Command::Check { queries, at, format, args } => run_check(&queries, at.as_deref(), format, &args),
        Command::Audit { at, format, args } => run_audit(at.as_deref(), format, &args),
        Command::Order { format, tried, no_pairs, args } => order::run(format, tried.as_deref(), !no_pairs, &args),
    }
}

fn run_audit(at: Option<&str>, format: AuditFormat, args: &ReplayArgs) -> Result<ExitCode> {
    let mut args = args.clone();
    if at.is_some() {
        args.until = at.map(str::to_string);
    }
    let (_, replay) = replay_paths(&args)?;
    let ran = replay.migrations.iter().filter(|m| m.outcome != MigrationOutcome::Skipped).count();
    let report = schemasim_engine::audit(&replay.catalog, ran);
    let step = replay.migrations.last().map_or("(empty database)".to_string(), |m| m.name.clone());
    let title = format!("schemasim audit: schema after {step}");
    match format {
        AuditFormat::Json => {
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "at": step, "audit": report }))?)
        }
        AuditFormat::Text => print!("{}", audit_text(&title, &report.sections())),
        AuditFormat::Md => print!("{}", audit_markdown(&title, &report.sections())),
        AuditFormat::Html => print!("{}", audit_html(&title, &report.sections())),
    }
    Ok(exit_code(&replay))
}

fn audit_text(title: &str, sections: &[Section]) -> String {
    let mut out = format!("{title}\n");
    for s in sections {
        out.push_str(&format!("\n== {}\n", s.title));
        if s.rows.is_empty() {
            out.push_str("  (none)\n");
            continue;
        }
        let widths: Vec<usize> = (0..s.header.len())
            .map(|i| {
                s.rows
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                    .chain([s.header[i].len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| -> String {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{c:<w$}", w = widths.get(i).copied().unwrap_or(0)))
                .collect();
            format!("  {}\n", padded.join(" | ").trim_end())
        };
        out.push_str(&line(&s.header));
        out.push_str(&format!("  {}\n", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-")));
        for r in &s.rows {
            out.push_str(&line(r));
        }
    }
    out
}

fn audit_markdown(title: &str, sections: &[Section]) -> String {
    let cell = |c: &str| c.replace('|', "\\|");
    let mut out = format!("# {title}\n");
    for s in sections {
        out.push_str(&format!("\n## {}\n\n", s.title));
        if s.rows.is_empty() {
            out.push_str("(none)\n");
            continue;
        }
        out.push_str(&format!("| {} |\n", s.header.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(s.header.len())));
        for r in &s.rows {
            out.push_str(&format!("| {} |\n", r.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")));
        }
    }
    out
}

fn audit_html(title: &str, sections: &[Section]) -> String {
    let esc = |c: &str| c.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    let mut out = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{t}</title>\n<style>body{{font-family:sans-serif}}table{{border-collapse:collapse;margin-bottom:1em}}td,th{{border:1px solid #999;padding:2px 6px;text-align:left}}</style></head><body>\n<h1>{t}</h1>\n",
        t = esc(title)
    );
    for s in sections {
        out.push_str(&format!("<h2>{}</h2>\n", esc(&s.title)));
        if s.rows.is_empty() {
            out.push_str("<p>(none)</p>\n");
            continue;
        }
        out.push_str("<table><tr>");
        for h in &s.header {
            out.push_str(&format!("<th>{}</th>", esc(h)));
        }
        out.push_str("</tr>\n");
        for r in &s.rows {
            out.push_str("<tr>");
            for c in r {
                out.push_str(&format!("<td>{}</td>", esc(c)));
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</table>\n");
    }
    out.push_str("</body></html>\n");
    out
}

fn run_check(queries: &std::path::Path, at: Option<&str>, format: Format, args: &ReplayArgs) -> Result<ExitCode> {
    let sql = std::fs::read_to_string(queries).with_context(|| format!("reading {}", queries.display()))?;
    let mut args = args.clone();
    if at.is_some() {
        args.until = at.map(str::to_string);
    }
    let (_, replay) = replay_paths(&args)?;
    let reports = schemasim_engine::check_queries(&replay.catalog, &replay_options(&args), &sql);
    let step = replay.migrations.last().map_or("(empty database)".to_string(), |m| m.name.clone());
    let path = queries.display().to_string();
    match format {
        Format::Json => {
            println!("{}", serde_json::to_string_pretty(&serde_json::json!({ "at": step, "queries": reports }))?)
        }
        Format::Text => {
            for m in replay.migrations.iter().filter(|m| m.outcome == MigrationOutcome::Error) {
                if let Some(e) = m.first_error() {
                    println!(
                        "{}:{}:{}: ERROR {} (replay stopped here)",
                        m.path,
                        e.line,
                        e.column,
                        e.message.as_deref().unwrap_or("")
                    );
                }
            }
            for r in &reports {
                let first_line = sql.get(r.offset..r.offset + r.len).and_then(|t| t.lines().next()).unwrap_or("");
                match r.outcome {
                    Outcome::Error => {
                        let (line, column) = r.error_position.unwrap_or((r.line, r.column));
                        println!(
                            "{path}:{line}:{column}: ERROR {}: {}",
                            r.sqlstate.as_deref().unwrap_or(""),
                            r.message.as_deref().unwrap_or("")
                        );
                        println!("    {first_line}");
                    }
                    _ => println!("{path}:{}:{}: ok: {first_line}", r.line, r.column),
                }
            }
            let failed = reports.iter().filter(|r| r.outcome == Outcome::Error).count();
            println!("{} queries checked against the schema after {step}: {failed} failed", reports.len());
        }
    }
    let failed = reports.iter().any(|r| r.outcome == Outcome::Error);
    Ok(if failed || exit_code(&replay) != ExitCode::SUCCESS { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_lint(format: Format, show_suppressed: bool, args: &ReplayArgs) -> Result<ExitCode> {
    let project = load_project(&args.paths)?;
    let migrations = migrations_until(&project, args)?;
    let report = schemasim_engine::lint(&migrations, &replay_options(args));
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "findings": report.findings,
                "migrations_linted": report.migrations_linted,
                "rules": schemasim_engine::rules(),
            }))?
        ),
        Format::Text => {
            for f in report.findings.iter().filter(|f| show_suppressed || !f.suppressed) {
                let note = if f.suppressed { " (suppressed)" } else { "" };
                println!(
                    "{}:{}:{}: {} {} [{}]{note}: {}",
                    f.path,
                    f.line,
                    f.column,
                    f.severity.as_str(),
                    f.code,
                    f.rule,
                    f.message
                );
            }
            let count = |s: Severity| report.active().filter(|f| f.severity == s).count();
            println!(
                "{} migrations linted: {} errors, {} warnings, {} info, {} suppressed",
                report.migrations_linted,
                count(Severity::Error),
                count(Severity::Warning),
                count(Severity::Info),
                report.findings.iter().filter(|f| f.suppressed).count()
            );
        }
    }
    let failing = report.active().any(|f| f.severity != Severity::Info);
    Ok(if failing { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_drift(against: &std::path::Path, format: Format, args: &ReplayArgs) -> Result<ExitCode> {
    let dump = std::fs::read_to_string(against).with_context(|| format!("reading {}", against.display()))?;
    let (project, replay) = replay_paths(args)?;
    // The migrations replayed (`--until` may have cut the list).
    let migrations = to_migrations(&project.steps[..replay.migrations.len()], args);
    let options = replay_options(args);
    let start = schemasim_engine::new_session(&options).catalog;
    let report = schemasim_engine::drift::drift_with_rows(&start, &migrations, &replay, &options, &dump);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print_drift(&report, &against.display().to_string()),
    }
    let drifted = !report.differences.is_empty() || !report.dump_errors.is_empty();
    Ok(if drifted || exit_code(&replay) != ExitCode::SUCCESS { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_drift_items(items: &[DriftItem], indent: &str) {
    for i in items {
        let from = i.migration.as_deref().map(|m| format!("  ({m})")).unwrap_or_default();
        match i.kind {
            DriftKind::Missing => {
                println!("{indent}- missing in production: {}{from}", i.object);
                println!("{indent}    expected:   {}", one_line(i.expected.as_deref()));
            }
            DriftKind::Extra => {
                println!("{indent}+ only in production: {}{from}", i.object);
                println!("{indent}    production: {}", one_line(i.production.as_deref()));
            }
            DriftKind::Differs => {
                println!("{indent}~ differs: {}{from}", i.object);
                println!("{indent}    expected:   {}", one_line(i.expected.as_deref()));
                println!("{indent}    production: {}", one_line(i.production.as_deref()));
            }
        }
    }
}

fn print_drift(report: &DriftReport, dump: &str) {
    for e in &report.dump_errors {
        println!("{dump}:{}:{}: ERROR {}: {} (not in the compared schema)", e.line, e.column, e.sqlstate, e.message);
    }
    println!("{}", report.summary);
    println!();
    println!("history's final state vs production: {} differences", report.differences.len());
    let top: Vec<DriftItem> = schemasim_engine::drift::top_level(&report.differences).into_iter().cloned().collect();
    print_drift_items(&top, "  ");
    if top.len() < report.differences.len() {
        println!("  (and {} columns, constraints... of those tables)", report.differences.len() - top.len());
    }
    println!();
    println!("migrations:");
    for m in &report.migrations {
        let status = match m.status {
            EffectStatus::Present => "present",
            EffectStatus::Absent => "ABSENT",
            EffectStatus::Partial => "PARTLY",
            EffectStatus::NoLastingEffects => "no lasting effects",
        };
        println!("  {status:>7}  {}", m.name);
        for a in schemasim_engine::drift::top_level(&m.absent) {
            let what = match a.kind {
                DriftKind::Missing => "missing",
                DriftKind::Extra => "still present",
                DriftKind::Differs => "differs",
            };
            println!("           {what}: {}", a.object);
        }
    }
    if !report.expected_rows.is_empty() {
        println!();
        println!("expected rows (not checkable from a schema-only dump):");
        for t in &report.expected_rows {
            let total = match t.rows {
                Some(n) if t.at_most => format!("at most {}", rows(n)),
                Some(n) => rows(n),
                None => "rows from data (count not known from the SQL)".to_string(),
            };
            let deleted = if t.partly_deleted { "; a later DELETE may have removed some" } else { "" };
            println!("  {}: {total}{deleted}", t.table);
            for i in &t.inserts {
                let count = i.rows.map(rows).unwrap_or_else(|| "count depends on data".to_string());
                let conflict = if i.on_conflict { ", ON CONFLICT" } else { "" };
                println!(
                    "      {}:{}:{}: {}, {count}{conflict} ({})",
                    i.path, i.line, i.column, i.statement, i.migration
                );
            }
        }
    }
    println!();
    println!(
        "closest step: {} ({} differences); differences per step: {}",
        report.best_step.name,
        report.best_step.differences,
        report.steps.iter().map(|s| s.differences.to_string()).collect::<Vec<_>>().join(" ")
    );
    if !report.grants_compared {
        println!("grants not compared: the dump has none (--no-privileges)");
    }
}

fn rows(n: usize) -> String {
    if n == 1 {
        "1 row".to_string()
    } else {
        format!("{n} rows")
    }
}

fn run_rollback_check(format: Format, args: &ReplayArgs) -> Result<ExitCode> {
    let project = load_project(&args.paths)?;
    let steps: Vec<Step> = to_migrations(&project.steps, args)
        .into_iter()
        .zip(&project.steps)
        .map(|(up, s)| Step {
            down: s.down.as_ref().map(|d| Migration {
                name: format!("{} (down)", s.name),
                path: d.path.clone(),
                sql: d.sql.clone(),
                transaction: up.transaction,
            }),
            up,
        })
        .collect();
    let base = schemasim_engine::new_session(&replay_options(args));
    let report = rollback_check(&base, &steps);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print_rollback(&report),
    }
    let failed = report.findings().next().is_some()
        || report.full.downs.iter().any(|(_, d)| matches!(d, DownOutcome::Failed { .. }))
        || !report.full.residue.is_empty();
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_changes(changes: &[Change], indent: &str) {
    for c in changes {
        match c.kind {
            ChangeKind::Added => println!("{indent}+ {}: {}", c.object, one_line(c.after.as_deref())),
            ChangeKind::Removed => println!("{indent}- {}: {}", c.object, one_line(c.before.as_deref())),
            ChangeKind::Changed => {
                println!("{indent}~ {}", c.object);
                println!("{indent}    before: {}", one_line(c.before.as_deref()));
                println!("{indent}    after:  {}", one_line(c.after.as_deref()));
            }
        }
    }
}

fn one_line(text: Option<&str>) -> String {
    text.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn print_rollback(report: &RollbackReport) {
    let mut findings = 0;
    for s in &report.steps {
        let problem = match &s.down {
            DownOutcome::Failed { path, line, column, sqlstate, message } => {
                Some(format!("down fails: {path}:{line}:{column}: ERROR {sqlstate}: {message}"))
            }
            DownOutcome::Ok if s.order_only => Some("down restores the schema except column order".to_string()),
            DownOutcome::Ok if !s.residue.is_empty() => Some("down succeeds but leaves residue".to_string()),
            DownOutcome::Ok if s.redo_ok == Some(false) => Some("up fails when re-applied after its down".to_string()),
            _ => None,
        };
        if let Some(p) = problem {
            findings += 1;
            println!("{}: {p}", s.name);
            if !s.order_only {
                print_changes(&s.residue, "    ");
            }
            if s.redo_ok == Some(false) && !s.residue.is_empty() {
                println!("    and up fails when re-applied after its down");
            }
        }
        if !s.destroys.is_empty() {
            println!("{}: down destroys data: {}", s.name, s.destroys.join(", "));
        }
    }
    println!("{findings} of {} steps have rollback findings", report.steps.len());
    let failed: Vec<_> = report.full.downs.iter().filter(|(_, d)| matches!(d, DownOutcome::Failed { .. })).collect();
    println!(
        "full rollback: {} downs run, {} fail{}",
        report.full.downs.len(),
        failed.len(),
        if report.full.residue.is_empty() {
            ", schema restored exactly".to_string()
        } else {
            format!(", {} objects differ from the start", report.full.residue.len())
        }
    );
    for (name, d) in failed {
        if let DownOutcome::Failed { path, line, column, sqlstate, message } = d {
            println!("    {name}: {path}:{line}:{column}: ERROR {sqlstate}: {message}");
        }
    }
    print_changes(&report.full.residue, "    ");
}

fn diff_steps(from: &str, to: &str, format: Format, args: &ReplayArgs) -> Result<ExitCode> {
    let project = load_project(&args.paths)?;
    let position = |spec: &str| -> Result<usize> {
        if spec == "0" {
            return Ok(0);
        }
        schemasim_layouts::resolve_step(&project, spec)
            .map(|i| i + 1)
            .with_context(|| format!("no migration has the name, version or position {spec}"))
    };
    let (from, to) = (position(from)?, position(to)?);
    let migrations = to_migrations(&project.steps, args);
    let replay = schemasim_engine::replay(&migrations[..from.max(to)], &replay_options(args));
    let state = |i: usize| if i == 0 { Catalog::new() } else { replay.migrations[i - 1].catalog_after.clone() };
    let changes = schemasim_engine::diff(&state(from), &state(to));
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&changes)?),
        Format::Text => {
            print_changes(&changes, "");
            println!("{} objects differ", changes.len());
        }
    }
    Ok(exit_code(&replay))
}

fn load_project(paths: &[PathBuf]) -> Result<Project> {
    if let [dir] = paths {
        if dir.is_dir() {
            return schemasim_layouts::detect(dir).with_context(|| format!("reading {}", dir.display()));
        }
    }
    for p in paths {
        if p.is_dir() {
            bail!("{} is a folder: give one migrations folder, or files", p.display());
        }
    }
    Ok(schemasim_layouts::from_files(paths)?)
}

fn replay_paths(args: &ReplayArgs) -> Result<(Project, Replay)> {
    let project = load_project(&args.paths)?;
    let migrations = migrations_until(&project, args)?;
    let replay = schemasim_engine::replay(&migrations, &replay_options(args));
    Ok((project, replay))
}

/// The project's migrations, up to the one `--until` names (all without it).
pub(crate) fn migrations_until(project: &Project, args: &ReplayArgs) -> Result<Vec<Migration>> {
    let mut steps = project.steps.clone();
    if let Some(spec) = &args.until {
        let Some(i) = schemasim_layouts::resolve_step(project, spec) else {
            bail!("--until {spec}: no migration has that name, version or position");
        };
        steps.truncate(i + 1);
    }
    Ok(to_migrations(&steps, args))
}

fn to_migrations(steps: &[schemasim_layouts::Step], args: &ReplayArgs) -> Vec<Migration> {
    steps
        .iter()
        .map(|s| Migration {
            name: s.name.clone(),
            path: s.up.path.clone(),
            sql: s.up.sql.clone(),
            transaction: match args.tx {
                TxMode::PerFile => true,
                TxMode::None => false,
                TxMode::Auto => s.transaction,
            },
        })
        .collect()
}

fn replay_options(args: &ReplayArgs) -> ReplayOptions {
    ReplayOptions {
        on_error: match args.on_error {
            OnErrorArg::Stop => OnError::Stop,
            OnErrorArg::Continue => OnError::Continue,
        },
        search_path: args.search_path.clone(),
    }
}

fn exit_code(replay: &Replay) -> ExitCode {
    if replay.migrations.iter().any(|m| m.outcome == MigrationOutcome::Error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_text(replay: &Replay) {
    for m in &replay.migrations {
        let status = match m.outcome {
            MigrationOutcome::Ok => "ok",
            MigrationOutcome::Error => "ERROR",
            MigrationOutcome::Skipped => "skipped",
        };
        println!("{status:>7}  {}", m.name);
        for s in &m.statements {
            for n in &s.notices {
                println!("         {}:{}:{}: {}: {}", m.path, s.line, s.column, n.severity, n.message);
            }
            for w in &s.warnings {
                println!("         {}:{}:{}: not simulated: {}", m.path, s.line, s.column, w.message);
            }
            if s.outcome == Outcome::Error {
                let (line, column) = s.error_position.unwrap_or((s.line, s.column));
                println!(
                    "         {}:{}:{}: ERROR {}: {}",
                    m.path,
                    line,
                    column,
                    s.sqlstate.as_deref().unwrap_or(""),
                    s.message.as_deref().unwrap_or("")
                );
                if let Some(d) = &s.detail {
                    println!("         DETAIL: {}", d.replace('\n', "\n                 "));
                }
                if let Some(h) = &s.hint {
                    println!("         HINT: {h}");
                }
            }
        }
    }
    let ok = replay.migrations.iter().filter(|m| m.outcome == MigrationOutcome::Ok).count();
    let errors = replay.migrations.iter().filter(|m| m.outcome == MigrationOutcome::Error).count();
    let skipped = replay.migrations.iter().filter(|m| m.outcome == MigrationOutcome::Skipped).count();
    println!("{} migrations: {ok} ok, {errors} failed, {skipped} skipped", replay.migrations.len());
}
