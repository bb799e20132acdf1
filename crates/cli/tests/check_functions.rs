//! `schemasim check --queries`: calls of functions that do not exist (42883), end to end.

use std::path::PathBuf;
use std::process::Command;

fn data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/functions")
}

fn schemasim(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_schemasim")).args(args).output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn unknown_functions_are_reported_at_the_call() {
    let queries = data().join("queries.sql");
    let migrations = data().join("migrations");
    let (code, out) = schemasim(&["check", "--queries", queries.to_str().unwrap(), migrations.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    // The extension's and the migrations' functions exist; the misspelt one does not, and the
    // cursor is at the call (line 5, column 29), as psql shows it.
    assert!(
        out.contains("queries.sql:5:29: ERROR 42883: function normalise_email(character varying) does not exist"),
        "{out}"
    );
    assert!(out.contains("4 queries checked against the schema after 002_slug: 1 failed"), "{out}");
    // Before 002, account_slug does not exist yet.
    let (code, out) =
        schemasim(&["check", "--queries", queries.to_str().unwrap(), "--at", "001", migrations.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("queries.sql:4:8: ERROR 42883: function account_slug(character varying) does not exist"),
        "{out}"
    );
    assert!(out.contains("2 failed"), "{out}");
}

#[test]
fn unknown_function_json_has_the_hint_and_position() {
    let queries = data().join("queries.sql");
    let migrations = data().join("migrations");
    let (code, out) =
        schemasim(&["check", "--format", "json", "--queries", queries.to_str().unwrap(), migrations.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid json");
    let failed: Vec<&serde_json::Value> =
        v["queries"].as_array().expect("a list of reports").iter().filter(|r| r["outcome"] == "error").collect();
    assert_eq!(failed.len(), 1, "{out}");
    assert_eq!(failed[0]["sqlstate"], "42883");
    assert_eq!(
        failed[0]["hint"],
        "No function matches the given name and argument types. You might need to add explicit type casts."
    );
    assert_eq!(failed[0]["error_position"], serde_json::json!([5, 29]));
}
