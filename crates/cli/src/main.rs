//! `schemasim`: replay PostgreSQL migrations without a database.
//!
//! Exit codes: 0 clean, 1 errors in the SQL, 2 usage or IO error.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use schemasim_engine::{
    rollback_check, Catalog, Change, ChangeKind, DownOutcome, Migration, MigrationOutcome, OnError, Outcome, Replay,
    ReplayOptions, RollbackReport, Step,
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

#[derive(clap::Args)]
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
        Command::Order { format, tried, no_pairs, args } => order::run(format, tried.as_deref(), !no_pairs, &args),
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
    let mut steps = project.steps.clone();
    if let Some(spec) = &args.until {
        let Some(i) = schemasim_layouts::resolve_step(&project, spec) else {
            bail!("--until {spec}: no migration has that name, version or position");
        };
        steps.truncate(i + 1);
    }
    let migrations = to_migrations(&steps, args);
    let replay = schemasim_engine::replay(&migrations, &replay_options(args));
    Ok((project, replay))
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
