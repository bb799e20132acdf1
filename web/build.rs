//! Embeds `examples/` into the app: for every example folder, its README, its migration files
//! (paths relative to `migrations/`, so the app detects the layout as the CLI does), the
//! optional `production-applied.txt` and the app's queries under `queries/`.
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
