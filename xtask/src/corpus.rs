//! Reading a corpus folder: `corpus.toml` and `expected/results.toml` (see the corpus README).

use anyhow::{bail, Context, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The corpora `--quick` runs: small histories that replay and round-trip in seconds.
pub const QUICK: &[&str] = &["river", "basejump", "graphile-worker", "umami", "supabase-storage", "temporal"];

/// The folder whose files are checked statement by statement instead of migration by migration.
pub const PG_REGRESS: &str = "pg-regress";

/// `corpus.toml` of a migration history.
#[derive(Debug, Deserialize)]
pub struct CorpusToml {
    #[serde(default)]
    pub prelude: String,
    #[serde(default)]
    pub session_pgoptions: Option<String>,
    #[serde(default, rename = "migration")]
    pub migrations: Vec<MigrationEntry>,
}

#[derive(Debug, Deserialize)]
pub struct MigrationEntry {
    pub seq: u32,
    pub name: String,
    pub up: String,
    pub transaction: bool,
}

/// `expected/results.toml`: what real PostgreSQL 17.10 did with each up file.
#[derive(Debug, Deserialize)]
pub struct ResultsToml {
    #[serde(default, rename = "migration")]
    pub migrations: Vec<ExpectedMigration>,
}

#[derive(Debug, Deserialize)]
pub struct ExpectedMigration {
    pub seq: u32,
    pub up_ok: bool,
    /// psql's error line, when the up file failed (`psql:FILE:LINE: ERROR:  message`).
    #[serde(default)]
    pub up_error: Option<String>,
}

impl ExpectedMigration {
    /// The server's message without psql's `psql:FILE:LINE: ERROR:  ` prefix.
    pub fn error_message(&self) -> Option<&str> {
        self.up_error.as_deref().map(strip_psql_error_prefix)
    }
}

/// `psql:up/0001_x.sql:12: ERROR:  relation "a" already exists` -> `relation "a" already exists`.
pub fn strip_psql_error_prefix(line: &str) -> &str {
    match line.find("ERROR:") {
        Some(i) => line[i + "ERROR:".len()..].trim_start(),
        None => line.trim(),
    }
}

/// `corpus.toml` of pg-regress.
#[derive(Debug, Deserialize)]
pub struct RegressToml {
    #[serde(rename = "test")]
    pub tests: Vec<RegressTest>,
}

#[derive(Debug, Deserialize)]
pub struct RegressTest {
    pub sql: String,
    pub expected: String,
    pub statements: usize,
    pub expected_errors: usize,
    pub reproduced_on_17_10: bool,
}

/// A migration history ready to replay: files read, paths resolved.
pub struct Corpus {
    pub name: String,
    pub dir: PathBuf,
    /// The prelude's SQL (`None` when the corpus has none or it is empty).
    pub prelude: Option<String>,
    pub search_path: Option<String>,
    pub migrations: Vec<CorpusMigration>,
    pub expected: ResultsToml,
}

pub struct CorpusMigration {
    pub seq: u32,
    pub name: String,
    /// Path relative to the corpus folder, as in corpus.toml (`up/0001_x.sql`).
    pub path: String,
    pub sql: String,
    pub transaction: bool,
}

impl Corpus {
    pub fn load(dir: &Path) -> Result<Corpus> {
        let name = dir.file_name().and_then(|n| n.to_str()).context("corpus folder name")?.to_string();
        let toml: CorpusToml = read_toml(&dir.join("corpus.toml"))?;
        let prelude = if toml.prelude.is_empty() {
            None
        } else {
            let sql = read_text(&dir.join(&toml.prelude))?;
            (!sql.trim().is_empty()).then_some(sql)
        };
        let search_path = match &toml.session_pgoptions {
            Some(options) => Some(search_path_from_pgoptions(options)?),
            None => None,
        };
        let mut migrations = Vec::with_capacity(toml.migrations.len());
        for m in toml.migrations {
            let sql = read_text(&dir.join(&m.up))?;
            migrations.push(CorpusMigration { seq: m.seq, name: m.name, path: m.up, sql, transaction: m.transaction });
        }
        migrations.sort_by_key(|m| m.seq);
        let expected: ResultsToml = read_toml(&dir.join("expected/results.toml"))?;
        Ok(Corpus { name, dir: dir.to_path_buf(), prelude, search_path, migrations, expected })
    }

    pub fn expected_for(&self, seq: u32) -> Option<&ExpectedMigration> {
        self.expected.migrations.iter().find(|e| e.seq == seq)
    }
}

/// `-c search_path=storage,public,extensions` -> `storage, public, extensions`.
pub fn search_path_from_pgoptions(options: &str) -> Result<String> {
    let mut words = options.split_whitespace();
    while let Some(word) = words.next() {
        let setting = match word {
            "-c" => words.next().unwrap_or(""),
            w => w.strip_prefix("-c").or_else(|| w.strip_prefix("--")).unwrap_or(w),
        };
        if let Some(value) = setting.strip_prefix("search_path=") {
            let parts: Vec<&str> = value.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
            return Ok(parts.join(", "));
        }
    }
    bail!("no search_path in session_pgoptions {options:?}")
}

pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn read_toml<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let text = read_text(path)?;
    toml::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

/// The corpus folders under `root` (every folder holding a corpus.toml), sorted by name.
pub fn list(root: &Path) -> Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(root).with_context(|| format!("listing {}", root.display()))? {
        let entry = entry?;
        if entry.path().join("corpus.toml").is_file() {
            if let Some(name) = entry.file_name().to_str() {
                names.push(name.to_string());
            }
        }
    }
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_path_is_read_from_pgoptions() {
        assert_eq!(
            search_path_from_pgoptions("-c search_path=storage,public,extensions").unwrap(),
            "storage, public, extensions"
        );
        assert_eq!(search_path_from_pgoptions("-csearch_path=public").unwrap(), "public");
        assert!(search_path_from_pgoptions("-c work_mem=1MB").is_err());
    }

    #[test]
    fn psql_prefix_is_stripped() {
        assert_eq!(
            strip_psql_error_prefix(
                "psql:up/0186_x.sql:1: ERROR:  column \"email\" of relation \"users\" does not exist"
            ),
            "column \"email\" of relation \"users\" does not exist"
        );
    }
}
