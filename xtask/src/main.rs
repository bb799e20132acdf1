//! `cargo xtask`: the project's own automation.

mod bench;
mod conformance;
mod corpus;
mod lint_corpus;
mod normalize;
mod pg;
mod regress;
mod verify_fixtures;
mod web;

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "schemasim project automation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure the engine against real PostgreSQL 17.10 on ../shared/corpus (docs/conformance.md).
    Conformance(conformance::Args),
    /// Run the engine's replay benchmark (criterion, release) and print the medians.
    Bench(bench::Args),
    /// Run the state-aware lints over the corpus histories and print every finding.
    LintCorpus(lint_corpus::Args),
    /// Check the engine's fixture expectations (crates/engine/tests/data) against real PostgreSQL 17.
    VerifyFixtures(verify_fixtures::Args),
    /// Install the web toolchain, build the browser app and serve it on http://127.0.0.1:8080.
    Serve(web::ServeArgs),
    /// Build the browser app and run the end-to-end tests in headless Chromium.
    E2e(web::E2eArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Conformance(args) => conformance::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::VerifyFixtures(args) => verify_fixtures::run(&args),
        Command::Serve(args) => web::serve(&args),
        Command::E2e(args) => web::e2e(&args),
        Command::LintCorpus(args) => lint_corpus::run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask's parent folder).
pub fn repo_root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}
