//! End-to-end: `schemasim order` over `examples/skipped-baseline` and the shared corpus.

use std::path::PathBuf;
use std::process::Command;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn schemasim(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemasim")).args(args).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn baseline() -> String {
    examples().join("skipped-baseline/migrations").display().to_string()
}

#[test]
fn graph_explains_why_200_comes_after_115() {
    let (code, out) = schemasim(&["order", &baseline()]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "200_consolidated_baseline re-declares column status of table public.users, created by 115_add_user_status"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "014_create_sessions adds a foreign key to column id of table public.users, created by 001_create_users"
        ),
        "{out}"
    );
    assert!(out.contains("swapped "), "{out}");
}

#[test]
fn graph_as_json_and_dot() {
    let (code, out) = schemasim(&["order", "--format", "json", &baseline()]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let edges = v["graph"]["edges"].as_array().unwrap();
    let names: Vec<&str> =
        v["graph"]["migrations"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 6);
    // Every edge goes forward and its reason names both migrations.
    for e in edges {
        let (from, to) = (e["from"].as_u64().unwrap() as usize, e["to"].as_u64().unwrap() as usize);
        assert!(from < to);
        let reason = e["reason"].as_str().unwrap();
        assert!(reason.starts_with(names[to]) && reason.ends_with(names[from]), "{reason}");
    }
    assert!(v["pairs"].as_array().is_some_and(|p| !p.is_empty()));
    let (_, out) = schemasim(&["order", "--format", "json", "--no-pairs", &baseline()]);
    let without: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    assert!(without["pairs"].is_null());
    assert_eq!(without["graph"], v["graph"]);
    let (code, dot) = schemasim(&["order", "--format", "dot", &baseline()]);
    assert_eq!(code, 0, "{dot}");
    assert!(dot.starts_with("digraph migrations {"), "{dot}");
    assert!(dot.contains("m4 -> m5 [label="), "{dot}");
}

#[test]
fn try_200_then_115_fails_on_the_column_200_created() {
    let (code, out) = schemasim(&["order", "--try", "200,115", &baseline()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ERROR 42701: column \"status\" of relation \"users\" already exists"), "{out}");
    assert!(
        out.contains("re-declares column status of table public.users: here created by 200_consolidated_baseline; in the original order created by 115_add_user_status"),
        "{out}"
    );
}

#[test]
fn try_115_after_200_keeps_the_schema_and_shows_the_skipped_statement() {
    let (code, out) = schemasim(&["order", "--try", "..058,200,115", &baseline()]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the schema is the same as in the original order"), "{out}");
    assert!(
        out.contains(
            "order tried: 001_create_users..058_add_user_phone, 200_consolidated_baseline, 115_add_user_status"
        ),
        "{out}"
    );
    assert!(
        out.contains("    200_consolidated_baseline re-declares column status of table public.users, created by 115_add_user_status"),
        "{out}"
    );
    assert!(out.contains("skipped here (NOTICE: relation \"users\" already exists, skipping)"), "{out}");
    assert!(out.contains("column status of table public.users: here created by 115_add_user_status"), "{out}");
}

#[test]
fn try_without_115_lists_what_production_lacks() {
    let (code, out) = schemasim(&["order", "--try", "1..4,6", &baseline()]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("left out: 115_add_user_status"), "{out}");
    assert!(out.contains("- column status of table public.users: originally created by 115_add_user_status"), "{out}");
}

#[test]
fn try_rejects_bad_orders() {
    for spec in ["200,200", "999", "200..115"] {
        let (code, out) = schemasim(&["order", "--try", spec, &baseline()]);
        assert_eq!(code, 2, "{spec}: {out}");
    }
}

/// The corpus history as files: the prelude, then every up file (autocommit per statement).
fn corpus_files(name: &str) -> Option<Vec<String>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(name);
    let mut ups: Vec<PathBuf> = std::fs::read_dir(dir.join("up")).ok()?.map(|e| e.unwrap().path()).collect();
    ups.sort();
    let mut files = vec![dir.join("prelude.sql").display().to_string()];
    files.extend(ups.iter().map(|p| p.display().to_string()));
    Some(files)
}

#[test]
fn corpus_graphs() {
    for name in ["crates-io", "lemmy"] {
        let Some(files) = corpus_files(name) else {
            eprintln!("skipping: no corpus {name}");
            continue;
        };
        let mut args = vec!["order", "--format", "json"];
        args.extend(files.iter().map(String::as_str));
        let (_, out) = schemasim(&args);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{name}: {e}: {out}"));
        let migrations = v["graph"]["migrations"].as_array().unwrap();
        assert_eq!(migrations.len(), files.len());
        let edges = v["graph"]["edges"].as_array().unwrap();
        assert!(edges.len() > migrations.len(), "{name}: {} edges", edges.len());
        // A free migration has no edge; every other one has one.
        for (i, m) in migrations.iter().enumerate() {
            let linked = edges.iter().any(|e| e["from"] == i || e["to"] == i);
            assert_eq!(m["free"].as_bool().unwrap(), !linked, "{name}: {}", m["name"]);
        }
    }
}
