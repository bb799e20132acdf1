//! `detect` over the shared schemasim corpus, when it is present.
//!
//! The corpus stores each history as `<project>/up/NNNN_<name>.sql` (and
//! `down/NNNN_<name>.sql` when the tool has downs), so these folders read as
//! plain numbered layouts. Each test prints a message and passes when the
//! corpus folder is missing.

use std::path::{Path, PathBuf};

use schemasim_layouts::{detect, resolve_step, Layout};

const CORPUS: &str = "/work/shared/corpus";

fn corpus_dir(project: &str) -> Option<PathBuf> {
    let dir = Path::new(CORPUS).join(project);
    if dir.join("up").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: corpus folder {} not found", dir.display());
        None
    }
}

/// Sorted `.sql` file names of a directory.
fn sql_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    names.sort();
    names
}

/// `up_count` from corpus.toml, when present.
fn up_count(dir: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(dir.join("corpus.toml")).ok()?;
    text.lines().find_map(|l| l.strip_prefix("up_count = ")).and_then(|v| v.trim().parse().ok())
}

fn check_up_folder(project: &str) {
    let Some(dir) = corpus_dir(project) else {
        return;
    };
    let up = dir.join("up");
    let p = detect(&up).unwrap_or_else(|e| panic!("{project}: {e}"));
    assert_eq!(p.layout, Layout::PlainNumbered, "{project}");
    let files = sql_files(&up);
    // The corpus names are zero-padded, so file-name order is step order.
    let names: Vec<String> = p.steps.iter().map(|s| format!("{}.sql", s.name)).collect();
    assert_eq!(names, files, "{project}");
    if let Some(n) = up_count(&dir) {
        assert_eq!(p.steps.len(), n, "{project}: up_count");
    }
    assert!(p.ignored.is_empty(), "{project}: {:?}", p.ignored);
    assert!(p.steps.iter().all(|s| !s.transaction && s.down.is_none()));
    assert_eq!(resolve_step(&p, "1"), Some(0));
    assert_eq!(resolve_step(&p, &p.steps[0].name.clone()), Some(0));
}

#[test]
fn river_up() {
    check_up_folder("river");
}

#[test]
fn all_corpus_up_folders() {
    for project in
        ["basejump", "crates-io", "graphile-worker", "kratos", "lemmy", "supabase-storage", "temporal", "umami"]
    {
        check_up_folder(project);
    }
}

/// The project folder itself: `up/` paired with `down/`, everything else
/// (prelude, post scripts, ...) reported as ignored.
#[test]
fn river_project_folder_pairs_up_and_down() {
    let Some(dir) = corpus_dir("river") else {
        return;
    };
    let p = detect(&dir).unwrap();
    assert_eq!(p.layout, Layout::PlainNumbered);
    let ups = sql_files(&dir.join("up"));
    assert_eq!(p.steps.len(), ups.len());
    for (step, file) in p.steps.iter().zip(&ups) {
        assert_eq!(step.up.path, dir.join("up").join(file).display().to_string());
        let down = step.down.as_ref().expect("paired down");
        assert_eq!(down.path, dir.join("down").join(file).display().to_string());
    }
    let up_dir = dir.join("up").display().to_string();
    let down_dir = dir.join("down").display().to_string();
    assert!(p.ignored.iter().all(|i| !i.starts_with(&up_dir) && !i.starts_with(&down_dir)));
}

/// One `[[migration]]` of corpus.toml (only the keys used here).
#[derive(Default, Debug)]
struct Migration {
    name: String,
    original_up: String,
    original_down: Option<String>,
    transaction: bool,
}

/// Minimal line-based reading of corpus.toml's `[[migration]]` tables.
fn migrations(dir: &Path) -> Vec<Migration> {
    let text = std::fs::read_to_string(dir.join("corpus.toml")).unwrap();
    let mut out: Vec<Migration> = Vec::new();
    for line in text.lines() {
        if line.trim() == "[[migration]]" {
            out.push(Migration::default());
            continue;
        }
        let Some(m) = out.last_mut() else { continue };
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        let string = || value.trim().trim_matches('"').to_string();
        match key.trim() {
            "name" => m.name = string(),
            "original_up" => m.original_up = string(),
            "original_down" => m.original_down = Some(string()),
            "transaction" => m.transaction = value.trim() == "true",
            _ => {}
        }
    }
    out
}

/// Rebuilds each project's original tool layout from the `original_up` /
/// `original_down` paths recorded in corpus.toml and checks that detection
/// finds the tool, the same steps in the same order, the downs and (for tool
/// layouts) the transaction flags.
#[test]
fn original_layouts_from_corpus_paths() {
    for (project, layout) in [
        ("river", Layout::GolangMigrate),
        ("kratos", Layout::GolangMigrate),
        ("lemmy", Layout::Diesel),
        ("crates-io", Layout::Diesel),
        ("umami", Layout::Prisma),
        ("basejump", Layout::Supabase),
        ("graphile-worker", Layout::PlainNumbered),
        ("supabase-storage", Layout::PlainNumbered),
    ] {
        let Some(dir) = corpus_dir(project) else {
            continue;
        };
        let ms = migrations(&dir);
        assert!(!ms.is_empty(), "{project}: no [[migration]] in corpus.toml");
        let mut entries = Vec::new();
        for m in &ms {
            entries.push((m.original_up.clone(), format!("-- up {}", m.name)));
            if let Some(d) = &m.original_down {
                entries.push((d.clone(), format!("-- down {}", m.name)));
            }
            if layout == Layout::Diesel && !m.transaction {
                // The real folders carry this file; corpus.toml records its effect.
                let folder = m.original_up.rsplit_once('/').unwrap().0;
                entries.push((format!("{folder}/metadata.toml"), "run_in_transaction = false\n".to_string()));
            }
        }
        let p = schemasim_layouts::from_entries(entries).unwrap_or_else(|e| panic!("{project}: {e}"));
        assert_eq!(p.layout, layout, "{project}");
        assert!(p.ignored.is_empty(), "{project}: {:?}", p.ignored);
        assert_eq!(p.steps.len(), ms.len(), "{project}");
        for (step, m) in p.steps.iter().zip(&ms) {
            assert_eq!(step.name, m.name, "{project}");
            assert_eq!(step.up.path, m.original_up, "{project}");
            assert_eq!(step.down.as_ref().map(|d| d.path.as_str()), m.original_down.as_deref(), "{project} {}", m.name);
            assert_eq!(step.up.sql, format!("-- up {}", m.name));
            if layout != Layout::PlainNumbered {
                assert_eq!(step.transaction, m.transaction, "{project} {}", m.name);
            }
        }
    }
}
