//! `cargo xtask verify-fixtures`: checks the engine's fixtures (`crates/engine/tests/data/*.sql`)
//! against real PostgreSQL 17.10, so that what they claim PostgreSQL does is what it does.
//!
//! Each fixture states, in the comment lines after a statement, the outcome the engine must
//! reproduce: `-- ok`, `-- ERROR <sqlstate>: <message>`, `-- NOTICE: <message>`,
//! `-- WARNING: <message>` (read exactly as `crates/engine/tests/fixtures.rs` reads them).
//! Here every file runs in a fresh database (`CREATE DATABASE ... TEMPLATE template0`) over one
//! connection, autocommit, statement by statement as [`parse::parse_file`] splits it, continuing
//! after errors; each statement is sent as one simple-protocol query. The server's notices (in
//! order), then `ok` or `ERROR <sqlstate>: <primary message>`, must equal the expectation lines.
//! Mismatches are printed with `file:line`; any mismatch makes the command fail.
//!
//! The server is the one PGHOST/PGPORT name when it answers, else `scripts/pg17.sh start`
//! (stopped again at the end), as for `cargo xtask conformance`.

use crate::pg::Server;
use anyhow::{bail, Context, Result};
use schemasim_engine::parse;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

#[derive(clap::Args)]
pub struct Args {
    /// Check only these fixture files (default: every crates/engine/tests/data/*.sql).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

/// The scratch database (its prefix lets `Server::reset_roles` clean up after a crashed run).
const DB: &str = "schemasim_conformance_fixtures";

/// One statement's expectation lines, with the 1-based line of the first one.
struct Expectation {
    line: usize,
    lines: Vec<String>,
}

/// The expectation lines in the comment block after the statement ending at `end_of_statement`
/// (same rule as `crates/engine/tests/fixtures.rs`).
fn expectations(sql: &str, end_of_statement: usize) -> Expectation {
    let first_line = sql[..end_of_statement].matches('\n').count() + 1;
    let mut line = None;
    let mut lines = Vec::new();
    let block = sql[end_of_statement..]
        .lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_start().starts_with("--") || l.trim().is_empty());
    for (i, l) in block {
        if let Some(e) = l.trim().strip_prefix("-- ") {
            if e == "ok" || e.starts_with("ERROR ") || e.starts_with("NOTICE: ") || e.starts_with("WARNING: ") {
                line.get_or_insert(first_line + i);
                lines.push(e.to_string());
            }
        }
    }
    Expectation { line: line.unwrap_or(first_line), lines }
}

pub fn run(args: &Args) -> Result<()> {
    let repo = crate::repo_root();
    let files = if args.files.is_empty() {
        let dir = repo.join("crates/engine/tests/data");
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .with_context(|| format!("listing {}", dir.display()))?
            .map(|e| e.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        paths.retain(|p| p.extension().is_some_and(|e| e == "sql"));
        paths.sort();
        paths
    } else {
        args.files.clone()
    };
    if files.is_empty() {
        bail!("no fixture files");
    }

    let server = Server::connect_or_start(&repo)?;
    let checked = (|| -> Result<(usize, Vec<String>)> {
        let mut statements = 0;
        let mut mismatches = Vec::new();
        for file in &files {
            let shown = file.strip_prefix(&repo).unwrap_or(file).display().to_string();
            server.reset_roles()?;
            server.fresh_database(DB)?;
            let result = check_file(&server, file, &shown);
            server.drop_database(DB)?;
            let (n, found) = result?;
            eprintln!("verify-fixtures: {shown}: {n} statements, {} mismatches", found.len());
            statements += n;
            mismatches.extend(found);
        }
        Ok((statements, mismatches))
    })();
    server.stop()?;
    let (statements, mismatches) = checked?;

    for m in &mismatches {
        println!("{m}");
    }
    println!(
        "verify-fixtures: {} files, {statements} statements, {} mismatches with PostgreSQL 17",
        files.len(),
        mismatches.len()
    );
    if !mismatches.is_empty() {
        bail!("{} fixture expectations differ from real PostgreSQL", mismatches.len());
    }
    Ok(())
}

/// Runs one fixture; returns the number of statements and the mismatches found.
fn check_file(server: &Server, file: &Path, shown: &str) -> Result<(usize, Vec<String>)> {
    let sql = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let notices: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&notices);
    let port: u16 = server.port.parse().with_context(|| format!("port {:?}", server.port))?;
    let mut client = postgres::Config::new()
        .host(&server.host)
        .port(port)
        .user(&server.user)
        .dbname(DB)
        .application_name("schemasim verify-fixtures")
        .notice_callback(move |n| {
            let severity = n.parsed_severity().map_or_else(|| n.severity().to_string(), |s| s.to_string());
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{severity}: {}", n.message()));
        })
        .connect(postgres::NoTls)
        .with_context(|| format!("connecting to {}:{} database {DB}", server.host, server.port))?;

    let parsed = parse::parse_file(&sql);
    let mut mismatches = Vec::new();
    for p in &parsed {
        let text = p.text(&sql);
        notices.lock().unwrap_or_else(|e| e.into_inner()).clear();
        let result = client.simple_query(text);
        let mut actual = std::mem::take(&mut *notices.lock().unwrap_or_else(|e| e.into_inner()));
        actual.push(match result {
            Ok(_) => "ok".to_string(),
            Err(e) => match e.as_db_error() {
                Some(db) => format!("ERROR {}: {}", db.code().code(), db.message()),
                None => bail!("{shown}: statement at byte {}: {e}", p.offset),
            },
        });
        let expected = expectations(&sql, p.offset + p.len);
        if actual != expected.lines {
            let (line, _) = parse::line_column(&sql, p.offset);
            let mut m = format!("{shown}:{}: statement at line {line}: {}\n", expected.line, one_line(text));
            for e in &expected.lines {
                m.push_str(&format!("    fixture:    {e}\n"));
            }
            for a in &actual {
                m.push_str(&format!("    PostgreSQL: {a}\n"));
            }
            mismatches.push(m);
        }
    }
    Ok((parsed.len(), mismatches))
}

/// A statement on one line, shortened for messages.
fn one_line(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 100 {
        format!("{}...", flat.chars().take(100).collect::<String>())
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_are_read_with_their_line() {
        let sql = "CREATE TABLE a (x int);\n-- a comment\n-- NOTICE: hello\n-- ok\nSELECT 1;\n";
        let end = sql.find(';').unwrap();
        let e = expectations(sql, end);
        assert_eq!(e.line, 3);
        assert_eq!(e.lines, vec!["NOTICE: hello".to_string(), "ok".to_string()]);
    }
}
