//! `schemasim`: replay PostgreSQL migrations without a database.
//!
//! Exit codes: 0 clean, 1 errors in the SQL, 2 usage or IO error.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use schemasim_engine::{Migration, MigrationOutcome, OnError, Outcome, Replay, ReplayOptions};
use schemasim_layouts::Project;
use std::path::PathBuf;
use std::process::ExitCode;

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
    }
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
    let migrations: Vec<Migration> = steps
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
        .collect();
    let options = ReplayOptions {
        on_error: match args.on_error {
            OnErrorArg::Stop => OnError::Stop,
            OnErrorArg::Continue => OnError::Continue,
        },
        search_path: args.search_path.clone(),
    };
    let replay = schemasim_engine::replay(&migrations, &options);
    Ok((project, replay))
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
                    println!("         DETAIL: {d}");
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
