//! Embeds `examples/` into the app: for every example folder, its README, its migration files
//! (paths relative to `migrations/`, so the app detects the layout as the CLI does), the
//! optional `production-applied.txt`, the app's queries under `queries/`, and the guided
//! walkthrough `walkthrough.toml` (checked here: a malformed one fails the build).
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let examples = manifest.join("../examples").canonicalize().expect("examples/ exists next to web/");
    println!("cargo:rerun-if-changed={}", examples.display());
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&examples)
        .expect("examples/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    dirs.sort();
    let lit = |p: &Path| format!("include_str!({:?})", p.display().to_string());
    let mut code = String::from("pub static EXAMPLES: &[EmbeddedExample] = &[\n");
    for dir in dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let id = dir.file_name().and_then(|n| n.to_str()).expect("utf-8 example name");
        let migrations_dir = dir.join("migrations");
        let mut migrations = Vec::new();
        files_under(&migrations_dir, &mut migrations);
        migrations.sort();
        let mut queries = Vec::new();
        files_under(&dir.join("queries"), &mut queries);
        queries.sort();
        let _ = writeln!(
            code,
            "    EmbeddedExample {{\n        id: {id:?},\n        readme: {},",
            lit(&dir.join("README.md"))
        );
        code.push_str("        migrations: &[\n");
        for m in &migrations {
            println!("cargo:rerun-if-changed={}", m.display());
            let rel = m.strip_prefix(&migrations_dir).expect("under migrations/").display().to_string();
            let _ = writeln!(code, "            ({rel:?}, {}),", lit(m));
        }
        code.push_str("        ],\n");
        let applied = dir.join("production-applied.txt");
        match applied.is_file() {
            true => {
                let _ = writeln!(code, "        production_applied: Some({}),", lit(&applied));
            }
            false => code.push_str("        production_applied: None,\n"),
        }
        let production = dir.join("production.sql");
        match production.is_file() {
            true => {
                let _ = writeln!(code, "        production: Some({}),", lit(&production));
            }
            false => code.push_str("        production: None,\n"),
        }
        let walkthrough = dir.join("walkthrough.toml");
        code.push_str("        walkthrough: &[\n");
        if walkthrough.is_file() {
            println!("cargo:rerun-if-changed={}", walkthrough.display());
            for step in walk_steps(&walkthrough) {
                let _ = writeln!(code, "            {step},");
            }
        }
        code.push_str("        ],\n");
        code.push_str("        queries: &[\n");
        for q in queries.iter().filter(|q| q.extension().is_some_and(|e| e == "sql")) {
            let rel = q.strip_prefix(&dir).expect("under the example").display().to_string();
            let _ = writeln!(code, "            ({rel:?}, {}),", lit(q));
        }
        code.push_str("        ],\n    },\n");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("examples.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}

/// `walkthrough.toml`'s `[[step]]`s as `WalkStep` literals. Keys: `text` (required), `order`
/// (`"production"`, `"committed"`, or migration name prefixes to run in that order, the others
/// switched off), `at` (a migration name prefix: the timeline stops after it), `statement`
/// (1-based, within `at`), `panel` (a tab label), `search` (the Schema panel's filter),
/// `rollback_check` (run the rollback check), `rollback_to` (a migration name prefix: preview
/// rolling back to the state after it).
fn walk_steps(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("walkthrough.toml is readable");
    let doc: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let steps = doc.get("step").and_then(|s| s.as_array()).unwrap_or_else(|| panic!("{}: no [[step]]", path.display()));
    let opt_str = |step: &toml::Table, key: &str| match step.get(key) {
        None => "None".to_string(),
        Some(v) => {
            format!("Some({:?})", v.as_str().unwrap_or_else(|| panic!("{}: {key} must be a string", path.display())))
        }
    };
    steps
        .iter()
        .map(|step| {
            let step = step.as_table().unwrap_or_else(|| panic!("{}: a step is a table", path.display()));
            for key in step.keys() {
                assert!(
                    ["text", "order", "at", "statement", "panel", "search", "rollback_check", "rollback_to"].contains(&key.as_str()),
                    "{}: unknown key {key}",
                    path.display()
                );
            }
            let text = step.get("text").and_then(|t| t.as_str()).unwrap_or_else(|| panic!("{}: a step needs text", path.display()));
            let order = match step.get("order") {
                None => "StepOrder::Keep".to_string(),
                Some(toml::Value::String(s)) if s == "production" => "StepOrder::Production".to_string(),
                Some(toml::Value::String(s)) if s == "committed" => "StepOrder::Committed".to_string(),
                Some(toml::Value::Array(names)) => format!(
                    "StepOrder::Names(&[{}])",
                    names
                        .iter()
                        .map(|n| format!("{:?}", n.as_str().unwrap_or_else(|| panic!("{}: order names are strings", path.display()))))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(other) => panic!("{}: order must be \"production\", \"committed\" or a list, not {other}", path.display()),
            };
            let statement = match step.get("statement") {
                None => "None".to_string(),
                Some(v) => format!("Some({})", v.as_integer().filter(|&n| n >= 1).unwrap_or_else(|| panic!("{}: statement counts from 1", path.display()))),
            };
            let rollback_check = match step.get("rollback_check") {
                None => false,
                Some(v) => v.as_bool().unwrap_or_else(|| panic!("{}: rollback_check is true or false", path.display())),
            };
            format!(
                "WalkStep {{ text: Cow::Borrowed({text:?}), order: {order}, at: {}, statement: {statement}, panel: {}, search: {}, rollback_check: {rollback_check}, rollback_to: {} }}",
                opt_str(step, "at"),
                opt_str(step, "panel"),
                opt_str(step, "search"),
                opt_str(step, "rollback_to")
            )
        })
        .collect()
}
