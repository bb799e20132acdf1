//! `cargo xtask lint-corpus [--corpus NAME]...`: the state-aware lints over the histories of
//! `../shared/corpus` (or `$SCHEMASIM_CORPUS`): the prelude, then every up file with its
//! `transaction` flag and the corpus' search_path, continuing after a failing migration as the
//! conformance run does. Prints every finding (tab-separated: corpus, code, location, message)
//! and a count per corpus and code, for classifying them by hand.
//!
//! With `--drift`: instead, each history is compared by `schemasim_engine::drift` with the real
//! PostgreSQL 17 dump of the same history (`expected/after-up.sql`), which should match the
//! last step exactly; every difference printed is one the drift report would show wrongly.

use crate::corpus::{self, Corpus};
use anyhow::{Context, Result};
use schemasim_engine::{new_session, run_migration, Migration, OnError, ReplayOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Only these corpora (default: every history).
    #[arg(long)]
    corpus: Vec<String>,
    /// Compare each history with its real dump (`expected/after-up.sql`) instead of linting.
    #[arg(long)]
    drift: bool,
}

pub fn run(args: &Args) -> Result<()> {
    let root = match std::env::var_os("SCHEMASIM_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => crate::repo_root().join("../shared/corpus"),
    };
    let available = corpus::list(&root).with_context(|| format!("no corpus at {}", root.display()))?;
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for name in available.iter().filter(|n| n.as_str() != corpus::PG_REGRESS) {
        if !args.corpus.is_empty() && !args.corpus.contains(name) {
            continue;
        }
        let corpus = Corpus::load(&root.join(name))?;
        let options = ReplayOptions { on_error: OnError::Continue, search_path: corpus.search_path.clone() };
        let mut session = new_session(&options);
        if let Some(sql) = &corpus.prelude {
            let prelude =
                Migration { name: "prelude".into(), path: "prelude.sql".into(), sql: sql.clone(), transaction: true };
            run_migration(&mut session, &prelude);
        }
        let migrations: Vec<Migration> = corpus
            .migrations
            .iter()
            .map(|m| Migration {
                name: m.name.clone(),
                path: m.path.clone(),
                sql: m.sql.clone(),
                transaction: m.transaction,
            })
            .collect();
        if args.drift {
            let start = session.catalog.clone();
            let reports = migrations.iter().map(|m| run_migration(&mut session, m)).collect();
            let replay = schemasim_engine::Replay { migrations: reports, catalog: session.catalog.clone() };
            let dump_path = root.join(name).join("expected/after-up.sql");
            let dump =
                std::fs::read_to_string(&dump_path).with_context(|| format!("reading {}", dump_path.display()))?;
            let report = schemasim_engine::drift(&replay, &start, &dump);
            for e in &report.dump_errors {
                println!("{name}\tdump-error\t{}:{}\t{} {}", e.line, e.column, e.sqlstate, e.message);
            }
            for d in &report.differences {
                println!("{name}\t{:?}\t{}", d.kind, d.object);
            }
            eprintln!(
                "{name}\tdifferences {}\tdump errors {}\tclosest step {} of {}",
                report.differences.len(),
                report.dump_errors.len(),
                report.best_step.step,
                migrations.len()
            );
            continue;
        }
        let report = schemasim_engine::lint::lint_from(session, &migrations, &options);
        for f in report.active() {
            println!("{name}\t{}\t{}:{}\t{}", f.code, f.path, f.line, f.message);
            *counts.entry((name.clone(), f.code.clone())).or_default() += 1;
        }
    }
    for ((corpus, code), n) in &counts {
        eprintln!("{corpus}\t{code}\t{n}");
    }
    Ok(())
}
