//! Data-driven fixtures: each `tests/data/*.sql` file is replayed as one autocommit migration.
//! A statement's expected outcome is written in the comment lines right after it:
//! `-- ok`, `-- ERROR <sqlstate>: <message>`, `-- NOTICE: <message>`. The final schema's dump
//! is snapshot-tested with insta (`INSTA_UPDATE=always` or `cargo insta review` to update).

use schemasim_engine::parse::parse_file;
use schemasim_engine::Session;
use std::path::Path;

/// Expectations read from the comment block following each statement.
fn expectations(sql: &str, end_of_statement: usize) -> Vec<String> {
    sql[end_of_statement..]
        .lines()
        .skip(1)
        .take_while(|l| l.trim_start().starts_with("--") || l.trim().is_empty())
        .filter_map(|l| l.trim().strip_prefix("-- ").map(str::to_string))
        .filter(|l| l == "ok" || l.starts_with("ERROR ") || l.starts_with("NOTICE: ") || l.starts_with("WARNING: "))
        .collect()
}

fn check(path: &Path) {
    let sql = std::fs::read_to_string(path).expect("fixture readable");
    let name = path.file_stem().unwrap().to_string_lossy().to_string();
    // Autocommit: each statement stands alone, so one error does not hide the next.
    let mut session = Session::default();
    let mut failures = Vec::new();
    for (i, p) in parse_file(&sql).iter().enumerate() {
        let mut actual = Vec::new();
        actual.extend(p.notices.iter().map(|n| format!("NOTICE: {n}")));
        let (result, effects) = session.execute_parsed(p, &sql);
        actual.extend(effects.notices.iter().map(|n| format!("{}: {}", n.severity, n.message)));
        actual.push(match result {
            Ok(()) => "ok".to_string(),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        });
        let expected = expectations(&sql, p.offset + p.len);
        if actual != expected {
            failures.push(format!(
                "statement {}: {}\n  expected: {:?}\n  actual:   {:?}",
                i + 1,
                p.text(&sql),
                expected,
                actual
            ));
        }
    }
    assert!(failures.is_empty(), "{}:\n{}", path.display(), failures.join("\n"));
    insta::assert_snapshot!(name, schemasim_engine::dump(&session.catalog));
}

#[test]
fn fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "sql"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty());
    for p in paths {
        check(&p);
    }
}
