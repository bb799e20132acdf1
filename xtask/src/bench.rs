//! `cargo xtask bench`: runs the engine's criterion benchmark (`crates/engine/benches/replay.rs`:
//! replay of crates-io and lemmy, re-replay of lemmy's last 10 migrations from a saved session,
//! parsing of lemmy) in release and prints each benchmark's median.
//!
//! Criterion writes `target/criterion/<group>/<function>/new/{benchmark,estimates}.json`; the
//! medians printed are the `median.point_estimate` of the benchmarks this run measured.

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

#[derive(clap::Args)]
pub struct Args {
    /// Arguments for criterion after `--` (e.g. a benchmark filter such as `replay/lemmy`).
    #[arg(last = true)]
    criterion: Vec<String>,
}

#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

pub fn run(args: &Args) -> Result<()> {
    let repo = crate::repo_root();
    let criterion_home = repo.join("target/criterion");
    let started = SystemTime::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&repo)
        .args(["bench", "-p", "schemasim-engine", "--bench", "replay"])
        .env("CRITERION_HOME", &criterion_home);
    if !args.criterion.is_empty() {
        cmd.arg("--").args(&args.criterion);
    }
    let status = cmd.status().context("running cargo bench")?;
    if !status.success() {
        bail!("cargo bench -p schemasim-engine --bench replay failed ({status})");
    }

    let mut results = Vec::new();
    collect(&criterion_home, started, &mut results)?;
    if results.is_empty() {
        println!("bench: nothing measured (no corpus? see the message above)");
        return Ok(());
    }
    results.sort_by(|a, b| a.0.cmp(&b.0));
    println!();
    println!("{:<28} {:>12}   95% interval of the median", "benchmark", "median");
    for (id, e) in &results {
        println!(
            "{:<28} {:>12}   [{} .. {}]",
            id,
            human(e.median.point_estimate),
            human(e.median.confidence_interval.lower_bound),
            human(e.median.confidence_interval.upper_bound)
        );
    }
    println!("(cargo bench -p schemasim-engine --bench replay; details in {})", criterion_home.display());
    Ok(())
}

/// Every `<id>/new/estimates.json` under `dir` written since `since`.
fn collect(dir: &Path, since: SystemTime, out: &mut Vec<(String, Estimates)>) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let path = entry?.path();
        if !path.is_dir() {
            continue;
        }
        if path.file_name().is_some_and(|n| n == "new") {
            if let Some(found) = read_new(&path, since)? {
                out.push(found);
            }
        } else {
            collect(&path, since, out)?;
        }
    }
    Ok(())
}

fn read_new(new: &Path, since: SystemTime) -> Result<Option<(String, Estimates)>> {
    let estimates_path: PathBuf = new.join("estimates.json");
    let benchmark_path = new.join("benchmark.json");
    let Ok(meta) = std::fs::metadata(&estimates_path) else { return Ok(None) };
    if meta.modified().is_ok_and(|m| m < since) {
        return Ok(None);
    }
    let read = |p: &Path| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()));
    let benchmark: BenchmarkJson = serde_json::from_str(&read(&benchmark_path)?)
        .with_context(|| format!("parsing {}", benchmark_path.display()))?;
    let estimates: Estimates = serde_json::from_str(&read(&estimates_path)?)
        .with_context(|| format!("parsing {}", estimates_path.display()))?;
    Ok(Some((benchmark.full_id, estimates)))
}

/// Nanoseconds in a readable unit.
fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}
