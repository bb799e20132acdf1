//! Replay throughput on two real histories of the conformance corpus (`../shared/corpus` from
//! the workspace root, or `$SCHEMASIM_CORPUS`):
//!
//! - `replay/crates-io`, `replay/lemmy`: the prelude and every up file, in corpus order, each
//!   with its `transaction` flag, replayed on a fresh database ([`replay`], continue on error as
//!   the conformance harness does);
//! - `replay_from/lemmy-last-10`: the session after all but the last 10 migrations is built once;
//!   only the last 10 are replayed from a clone of it ([`replay_from`]), the path an edit takes
//!   when it re-replays from the edited step;
//! - `parse/lemmy`: [`parse::parse_file`] of every lemmy file, no replay.
//!
//! Files are read before measuring. Without a corpus the bench prints why and measures nothing.
//! `cargo xtask bench` runs this in release and prints the medians.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use schemasim_engine::{parse, replay, replay_from, run_migration, Migration, OnError, ReplayOptions, Session};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The part of a corpus' `corpus.toml` the bench needs.
#[derive(Deserialize)]
struct CorpusToml {
    #[serde(default)]
    prelude: String,
    #[serde(default)]
    session_pgoptions: Option<String>,
    #[serde(default, rename = "migration")]
    migrations: Vec<MigrationEntry>,
}

#[derive(Deserialize)]
struct MigrationEntry {
    seq: u32,
    name: String,
    up: String,
    transaction: bool,
}

/// A history ready to replay.
struct History {
    migrations: Vec<Migration>,
    options: ReplayOptions,
}

fn corpus_root() -> PathBuf {
    match std::env::var_os("SCHEMASIM_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        // crates/engine -> the workspace root -> ../shared/corpus
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    }
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read(path)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| format!("reading {}: {e}", path.display()))
}

/// `-c search_path=a,b` -> `a, b`.
fn search_path_from_pgoptions(options: &str) -> Option<String> {
    let mut words = options.split_whitespace();
    while let Some(word) = words.next() {
        let setting = if word == "-c" { words.next().unwrap_or("") } else { word.trim_start_matches("-c") };
        if let Some(value) = setting.strip_prefix("search_path=") {
            let parts: Vec<&str> = value.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
            return Some(parts.join(", "));
        }
    }
    None
}

fn load(name: &str) -> Result<History, String> {
    let dir = corpus_root().join(name);
    let toml_path = dir.join("corpus.toml");
    let toml: CorpusToml =
        toml::from_str(&read_text(&toml_path)?).map_err(|e| format!("parsing {}: {e}", toml_path.display()))?;
    let mut migrations = Vec::with_capacity(toml.migrations.len() + 1);
    if !toml.prelude.is_empty() {
        let sql = read_text(&dir.join(&toml.prelude))?;
        if !sql.trim().is_empty() {
            migrations.push(Migration { name: "prelude".into(), path: toml.prelude.clone(), sql, transaction: true });
        }
    }
    let mut entries = toml.migrations;
    entries.sort_by_key(|m| m.seq);
    for m in entries {
        let sql = read_text(&dir.join(&m.up))?;
        migrations.push(Migration { name: m.name, path: m.up, sql, transaction: m.transaction });
    }
    let search_path = toml.session_pgoptions.as_deref().and_then(search_path_from_pgoptions);
    Ok(History { migrations, options: ReplayOptions { on_error: OnError::Continue, search_path } })
}

/// The session once every migration but the last `tail` has run.
fn session_before_last(history: &History, tail: usize) -> (Session, &[Migration]) {
    let split = history.migrations.len().saturating_sub(tail);
    let (head, rest) = history.migrations.split_at(split);
    let mut session = Session::default();
    if let Some(path) = &history.options.search_path {
        session.search_path = path.split(',').map(|s| s.trim().to_string()).collect();
    }
    for m in head {
        run_migration(&mut session, m);
    }
    (session, rest)
}

fn benches(c: &mut Criterion) {
    let root = corpus_root();
    let (crates_io, lemmy) = match (load("crates-io"), load("lemmy")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("replay bench: no corpus at {} ({e}); nothing to measure", root.display());
            return;
        }
    };

    let mut group = c.benchmark_group("replay");
    group.sample_size(20).measurement_time(Duration::from_secs(10));
    for (name, history) in [("crates-io", &crates_io), ("lemmy", &lemmy)] {
        group.bench_function(name, |b| b.iter(|| replay(black_box(&history.migrations), &history.options)));
    }
    group.finish();

    let (session, last) = session_before_last(&lemmy, 10);
    let mut group = c.benchmark_group("replay_from");
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("lemmy-last-10", |b| {
        b.iter(|| replay_from(black_box(session.clone()), black_box(last), &lemmy.options))
    });
    group.finish();

    let mut group = c.benchmark_group("parse");
    group.sample_size(30);
    group.bench_function("lemmy", |b| {
        b.iter(|| lemmy.migrations.iter().map(|m| parse::parse_file(black_box(&m.sql)).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(replay_benches, benches);
criterion_main!(replay_benches);
