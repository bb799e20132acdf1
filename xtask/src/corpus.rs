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
    /// Files run after the last up (lemmy's replaceable schema), each in one transaction.
    #[serde(default)]
    pub post_up: Vec<String>,
    #[serde(default, rename = "migration")]
    pub migrations: Vec<MigrationEntry>,
}

#[derive(Debug, Deserialize)]
pub struct MigrationEntry {
    pub seq: u32,
    pub name: String,
    pub up: String,
    /// The down file, in corpora with `down/`.
    #[serde(default)]
    pub down: Option<String>,
    /// Applies to the up and the down file alike.
    pub transaction: bool,
}

/// `expected/results.toml`: what real PostgreSQL 17.10 did with each up file (and, in corpora
/// with downs, with the down files; see the corpus README's "How `expected/` was produced").
#[derive(Debug, Default, Deserialize)]
pub struct ResultsToml {
    /// Whether the schema after every down in reverse order equals the prelude-only schema.
    #[serde(default)]
    pub after_down_equals_prelude: Option<bool>,
    #[serde(default)]
    pub after_down_residue_lines: Option<usize>,
    #[serde(default)]
    pub post_up: Vec<ExpectedPostUp>,
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
    /// Single step: on a copy of state k-1, up(k) then down(k).
    #[serde(default)]
    pub single_down_ok: Option<bool>,
    #[serde(default)]
    pub single_down_error: Option<String>,
    /// The down succeeded and the dump equals state k-1's (absent when the down failed).
    #[serde(default)]
    pub single_restores: Option<bool>,
    /// The normalized dump difference when it does not restore (`-` before up, `+` after down).
    #[serde(default)]
    pub single_diff: Vec<String>,
    /// The difference is only the order of lines (column order after drop/re-add).
    #[serde(default)]
    pub single_order_only: Option<bool>,
    /// up(k) re-applied after the down (absent when the down failed).
    #[serde(default)]
    pub redo_up_ok: Option<bool>,
    #[serde(default)]
    pub redo_up_error: Option<String>,
    /// Full reverse rollback: this migration's down, run after the later ones' downs.
    #[serde(default)]
    pub chain_down_ok: Option<bool>,
    #[serde(default)]
    pub chain_down_error: Option<String>,
}

/// `[[post_up]]` of results.toml: how a post-up file went on the server.
#[derive(Debug, Deserialize)]
pub struct ExpectedPostUp {
    pub file: String,
    pub ok: bool,
    #[serde(default)]
    pub error: Option<String>,
}

impl ExpectedMigration {
    /// The server's message without psql's `psql:FILE:LINE: ERROR:  ` prefix.
    pub fn error_message(&self) -> Option<&str> {
        self.up_error.as_deref().map(strip_psql_error_prefix)
    }
    pub fn single_down_message(&self) -> Option<&str> {
        self.single_down_error.as_deref().map(strip_psql_error_prefix)
    }
    pub fn redo_up_message(&self) -> Option<&str> {
        self.redo_up_error.as_deref().map(strip_psql_error_prefix)
    }
    pub fn chain_down_message(&self) -> Option<&str> {
        self.chain_down_error.as_deref().map(strip_psql_error_prefix)
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
    /// `post_up` files: (path relative to the corpus folder, SQL).
    pub post_up: Vec<(String, String)>,
    pub expected: ResultsToml,
}

pub struct CorpusMigration {
    pub seq: u32,
    pub name: String,
    /// Path relative to the corpus folder, as in corpus.toml (`up/0001_x.sql`).
    pub path: String,
    pub sql: String,
    /// The down file: (path relative to the corpus folder, SQL).
    pub down: Option<(String, String)>,
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
            let down = match m.down {
                Some(path) => {
                    let sql = read_text(&dir.join(&path))?;
                    Some((path, sql))
                }
                None => None,
            };
            migrations.push(CorpusMigration {
                seq: m.seq,
                name: m.name,
                path: m.up,
                sql,
                down,
                transaction: m.transaction,
            });
        }
        migrations.sort_by_key(|m| m.seq);
        let mut post_up = Vec::with_capacity(toml.post_up.len());
        for path in toml.post_up {
            let sql = read_text(&dir.join(&path))?;
            post_up.push((path, sql));
        }
        let expected: ResultsToml = read_toml(&dir.join("expected/results.toml"))?;
        Ok(Corpus { name, dir: dir.to_path_buf(), prelude, search_path, migrations, post_up, expected })
    }

    /// Whether the corpus has down files (and so a rollback comparison).
    pub fn has_downs(&self) -> bool {
        self.migrations.iter().any(|m| m.down.is_some())
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
    fn corpus_toml_reads_downs_and_post_up() {
        let toml: CorpusToml = toml::from_str(
            r#"
prelude = "prelude.sql"
post_up = ["post/replaceable_schema.sql"]

[[migration]]
seq = 1
name = "a"
up = "up/0001_a.sql"
down = "down/0001_a.sql"
transaction = false

[[migration]]
seq = 2
name = "b"
up = "up/0002_b.sql"
transaction = true
"#,
        )
        .unwrap();
        assert_eq!(toml.post_up, vec!["post/replaceable_schema.sql"]);
        assert_eq!(toml.migrations[0].down.as_deref(), Some("down/0001_a.sql"));
        assert!(!toml.migrations[0].transaction);
        assert_eq!(toml.migrations[1].down, None);
    }

    #[test]
    fn results_toml_reads_rollback_verdicts() {
        let results: ResultsToml = toml::from_str(
            r#"
corpus = "x"
after_down_equals_prelude = false
after_down_residue_lines = 3
after_down_residue = ["+a"]

[[post_up]]
file = "post/replaceable_schema.sql"
ok = true
seconds = 0.046

[[migration]]
seq = 4
name = "004_pending_and_more"
single_down_ok = true
single_restores = false
single_diff = ["+    'pending',", "-    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,"]
single_order_only = false
redo_up_ok = false
redo_up_error = "psql:up/0004_x.sql:1: ERROR:  column \"email\" of relation \"users\" does not exist"
up_ok = true
up_seconds = 0.014
chain_down_ok = true

[[migration]]
seq = 5
name = "b"
single_down_ok = false
single_down_error = "psql:down/0005_b.sql:2: ERROR:  syntax error at or near \"ALTER\""
up_ok = true
chain_down_ok = false
chain_down_error = "psql:down/0005_b.sql:15: ERROR:  syntax error at or near \"NOT\""
"#,
        )
        .unwrap();
        assert_eq!(results.after_down_equals_prelude, Some(false));
        assert_eq!(results.after_down_residue_lines, Some(3));
        assert_eq!(results.post_up.len(), 1);
        assert!(results.post_up[0].ok);
        let a = &results.migrations[0];
        assert_eq!((a.single_down_ok, a.single_restores, a.single_order_only), (Some(true), Some(false), Some(false)));
        assert_eq!(a.single_diff.len(), 2);
        assert_eq!(a.redo_up_ok, Some(false));
        assert_eq!(a.redo_up_message(), Some("column \"email\" of relation \"users\" does not exist"));
        assert_eq!(a.chain_down_ok, Some(true));
        let b = &results.migrations[1];
        assert_eq!(b.single_down_message(), Some("syntax error at or near \"ALTER\""));
        assert_eq!(b.single_restores, None);
        assert_eq!(b.redo_up_ok, None);
        assert_eq!(b.chain_down_message(), Some("syntax error at or near \"NOT\""));
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
