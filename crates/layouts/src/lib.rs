//! Turn a migrations folder (or an explicit list of files) into ordered steps.
//!
//! A [`Project`] is a [`Layout`] plus the ordered [`Step`]s of a migration
//! history. Each step has an `up` [`Source`], an optional `down` source and a
//! `transaction` flag saying whether the migration tool runs the step inside one
//! transaction. Everything here is plain data (`serde` serialisable); nothing
//! panics on user input.
//!
//! Entry points:
//!
//! * [`detect`] reads a directory (recursively; hidden directories,
//!   `node_modules` and `target` are skipped, symlinked directories are not
//!   followed) and detects the layout.
//! * [`from_entries`] runs the same detection over in-memory `(relative path,
//!   content)` pairs (used where there is no filesystem, e.g. in the browser).
//!   [`detect`] only reads files and hands them to the same code, so both agree.
//! * [`from_files`] takes explicit files, in the given order ([`Layout::Files`]).
//! * [`resolve_step`] finds a step from a user-supplied `STEP` spec.
//!
//! # Layouts
//!
//! Only `*.sql` files are migrations; other files are ignored, except the few
//! configuration files named below. Paths below are relative to a *base*
//! directory, which may be the given directory itself or any directory below it
//! (so `migrations/`, `supabase/migrations/`, `prisma/migrations/` … under the
//! given directory are found too).
//!
//! * **Diesel** ([`Layout::Diesel`]): one folder per migration,
//!   `<version>_<name>/up.sql` plus an optional `down.sql`, e.g.
//!   `2019-02-26-002946_create_user/up.sql` or
//!   `20140924113530_dumped_migration_1/up.sql`. The version is the folder name
//!   before the first `_` with dashes removed (`20190226002946`).
//!   `00000000000000_diesel_initial_setup` is a real migration and is kept.
//!   Diesel runs each migration in a transaction unless the folder's
//!   `metadata.toml` says `run_in_transaction = false`. Diesel compares
//!   versions as *strings*, and so does this crate for Diesel: crates.io's
//!   `2025-11-19-091444-0000_x` (version `202511190914440000`) runs before
//!   `2026-01-20-162913_y` although it is numerically larger.
//! * **golang-migrate** ([`Layout::GolangMigrate`]): `<version>_<name>.up.sql`
//!   and `<version>_<name>.down.sql`, e.g. `001_create_river_migration.up.sql`.
//!   `transaction` is true: the PostgreSQL driver sends a whole file as one
//!   multi-statement query, which PostgreSQL executes as one implicit
//!   transaction (unless the file itself issues `BEGIN`/`COMMIT`, or the
//!   `x-multi-statement` option splits it). The Ory popx variant is understood
//!   too: `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`, where a
//!   `.postgres` file replaces the dialect-independent file of the same
//!   migration, files for other dialects (`.mysql`, `.sqlite3`, `.cockroach`)
//!   are skipped (listed in [`Project::ignored`]), and `.autocommit` means
//!   `transaction = false`.
//! * **Flyway** ([`Layout::Flyway`]): versioned `V<version>__<description>.sql`,
//!   undo `U<version>__<description>.sql` (the step's down), repeatable
//!   `R__<description>.sql`. Version parts are separated by `.` or `_` and
//!   compared numerically (`V1_2` has version `1.2` and runs before `V1.10`).
//!   Repeatable migrations run after all versioned ones, ordered by
//!   description, and have an empty version. Flyway runs each migration in a
//!   transaction; a `<file>.sql.conf` script configuration with
//!   `executeInTransaction=false` turns that off.
//! * **dbmate** ([`Layout::Dbmate`]): one file `<version>_<name>.sql` holding
//!   both directions after `-- migrate:up` and `-- migrate:down` marker lines;
//!   detected by the marker. The up source is the text between the markers, the
//!   down source the text after `-- migrate:down` (absent when there is no down
//!   marker); both keep the file's path. Text before `-- migrate:up` is dropped.
//!   `transaction` is true unless the `-- migrate:up` line carries the option
//!   `transaction:false`.
//! * **Prisma** ([`Layout::Prisma`]): `<timestamp>_<name>/migration.sql` (plus a
//!   `migration_lock.toml` next to the folders), ordered by folder name (as
//!   strings, like Prisma), no down
//!   migrations. `transaction` is **true**, with a caveat: `prisma migrate
//!   deploy` (Prisma ≤ 6 schema engine) sends each `migration.sql` as one
//!   multi-statement simple query, which PostgreSQL runs as one implicit
//!   transaction (see prisma/prisma#22922); the schemasim corpus (umami) records
//!   the same. Reports about newer Prisma versions sending statements one by one
//!   exist, so for those releases `false` would be the accurate value.
//! * **Supabase** ([`Layout::Supabase`]): `supabase/migrations/<timestamp>_<name>.sql`
//!   (any `<digits>_<name>.sql` in a `supabase/migrations` directory), or, in any
//!   other directory named `migrations`, files with a 14-digit timestamp prefix.
//!   No down migrations. The Supabase CLI runs each file in one transaction.
//! * **Plain numbered** ([`Layout::PlainNumbered`]): `*.sql` files of one
//!   directory ordered by numeric prefix then name (natural sort: `2_x` before
//!   `10_x`). Files named `*.down.sql` or `*_down.sql` pair as the down of the
//!   matching `*.sql`, `*.up.sql` or `*_up.sql` file. A directory named `up`
//!   with a sibling `down` directory pairs files of the same name (the schemasim
//!   corpus stores `up/NNNN_<name>.sql` and `down/NNNN_<name>.sql`). When some
//!   files have a numeric prefix, files without one are ignored; when none has,
//!   all files are steps in natural name order. `transaction` is false (the
//!   files are run as plain scripts).
//! * **Files** ([`Layout::Files`]): explicit files from [`from_files`], in the
//!   given order, taken verbatim, `transaction = false`.
//!
//! # Choosing a layout
//!
//! Every layout is matched against every directory; the (layout, base
//! directory) pair that accounts for the most `.sql` files wins. Ties go to the
//! more specific layout, in this order: dbmate, Diesel, Prisma, Flyway,
//! golang-migrate, Supabase, plain numbered (a folder of golang-migrate files
//! also reads as plain numbered files with `.down.sql` pairs, and a dbmate or
//! Supabase folder as plain numbered files). Remaining ties prefer a base not
//! named `down`, then the shallower, then the alphabetically first base. Every
//! `.sql` file that did not become part of a step is listed in
//! [`Project::ignored`].
//!
//! Supabase's "directory named `migrations`" rule looks at the directory names
//! *in the given path*: [`detect`] on `…/supabase/migrations` treats that
//! directory's own name as part of the path, while [`from_entries`] only sees
//! the relative paths it is given (pass `supabase/migrations/<file>` there).
//!
//! Steps are ordered by version (numeric-aware: `2` before `10`, `1.2` before
//! `1.10`), then name, then path; except Diesel (version as a string, like
//! Diesel) and Prisma (folder name as a string, like Prisma).

mod classify;
mod natural;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The migration tool convention a [`Project`] was read with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// `*.sql` files ordered by numeric prefix; optional `*.down.sql` pairs.
    PlainNumbered,
    /// `<version>_<name>/up.sql` + `down.sql` folders.
    Diesel,
    /// `<version>_<name>.up.sql` / `.down.sql` files.
    GolangMigrate,
    /// `V<version>__<desc>.sql`, `U…` undo, `R__…` repeatable.
    Flyway,
    /// `<version>_<name>.sql` with `-- migrate:up` / `-- migrate:down` sections.
    Dbmate,
    /// `<timestamp>_<name>/migration.sql` folders.
    Prisma,
    /// `supabase/migrations/<timestamp>_<name>.sql`.
    Supabase,
    /// Explicit files given by the user, in the given order.
    Files,
}

impl Layout {
    /// The kebab-case name also used by the serde representation.
    pub const fn as_str(self) -> &'static str {
        match self {
            Layout::PlainNumbered => "plain-numbered",
            Layout::Diesel => "diesel",
            Layout::GolangMigrate => "golang-migrate",
            Layout::Flyway => "flyway",
            Layout::Dbmate => "dbmate",
            Layout::Prisma => "prisma",
            Layout::Supabase => "supabase",
            Layout::Files => "files",
        }
    }
}

impl fmt::Display for Layout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One migration: an up script, an optional down script.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// File or folder stem, e.g. `004_add_status`, Diesel
    /// `2019-01-01-000000_create_users`, Flyway `V1_2__add_users`.
    pub name: String,
    /// Leading version prefix: `004`, `20190101000000`, Flyway `1.2`. Empty when
    /// the step has none (Flyway repeatable, unnumbered plain file).
    pub version: String,
    /// The up migration.
    pub up: Source,
    /// The down (rollback / undo) migration, when the layout has one.
    pub down: Option<Source>,
    /// Whether the migration tool runs the step inside a single transaction.
    pub transaction: bool,
}

/// SQL text and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// Display path: the given directory joined with the relative path for
    /// [`detect`], the relative path for [`from_entries`], the path as given for
    /// [`from_files`]. dbmate up and down sources share their file's path.
    pub path: String,
    /// The SQL text.
    pub sql: String,
}

/// An ordered migration history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// The detected (or given) layout.
    pub layout: Layout,
    /// Steps in execution order.
    pub steps: Vec<Step>,
    /// Display paths of `.sql` files that were found but are not part of any
    /// step (other directories, files not fitting the chosen layout, downs
    /// without an up, other SQL dialects), sorted.
    pub ignored: Vec<String>,
}

/// Errors from reading or detecting a migration layout.
#[derive(Debug, thiserror::Error)]
pub enum LayoutError {
    /// Reading a file or directory failed.
    #[error("cannot read {path}: {error}")]
    Io {
        /// The path being read.
        path: String,
        /// The underlying error.
        error: std::io::Error,
    },
    /// [`detect`] was given something other than a directory.
    #[error("{path} is not a directory")]
    NotADirectory {
        /// The offending path.
        path: String,
    },
    /// [`from_files`] was given something other than a file.
    #[error("{path} is not a file")]
    NotAFile {
        /// The offending path.
        path: String,
    },
    /// No migration files were found.
    #[error(
        "no migrations found in {path}: expected .sql files (plain numbered, golang-migrate \
         *.up.sql, Flyway V*__*.sql, dbmate, supabase/migrations) or migration folders \
         (Diesel <version>_<name>/up.sql, Prisma <timestamp>_<name>/migration.sql)"
    )]
    NoMigrations {
        /// The directory (or description of the input) searched.
        path: String,
    },
    /// [`from_files`] was given an empty list.
    #[error("no migration files given")]
    NoFiles,
    /// A migration file is not valid UTF-8.
    #[error("{path} is not valid UTF-8 (invalid byte sequence at byte offset {valid_up_to})")]
    InvalidUtf8 {
        /// The offending file.
        path: String,
        /// Length of the valid UTF-8 prefix.
        valid_up_to: usize,
    },
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> LayoutError + '_ {
    move |error| LayoutError::Io { path: path.display().to_string(), error }
}

/// Directory names never descended into by [`detect`] (besides hidden ones).
const SKIP_DIRS: &[&str] = &["node_modules", "target"];
/// Maximum directory depth below the given directory that [`detect`] reads.
const MAX_DEPTH: usize = 12;

fn read_text(path: &Path) -> Result<Result<String, usize>, LayoutError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    Ok(String::from_utf8(bytes).map_err(|e| e.utf8_error().valid_up_to()))
}

fn scan(
    root: &Path,
    rel: &mut Vec<String>,
    depth: usize,
    out: &mut Vec<classify::RawEntry>,
) -> Result<(), LayoutError> {
    let dir: PathBuf = rel.iter().fold(root.to_path_buf(), |p, c| p.join(c));
    let mut children = Vec::new();
    for entry in fs::read_dir(&dir).map_err(io_error(&dir))? {
        let entry = entry.map_err(io_error(&dir))?;
        children.push(entry);
    }
    children.sort_by_key(|e| e.file_name());
    for entry in children {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_error(&path))?;
        let (is_dir, is_file) = if file_type.is_symlink() {
            // Follow symlinked files; never symlinked directories (no loops).
            match fs::metadata(&path) {
                Ok(m) => (false, m.is_file()),
                Err(_) => (false, false),
            }
        } else {
            (file_type.is_dir(), file_type.is_file())
        };
        if is_dir {
            if depth < MAX_DEPTH && !name.starts_with('.') && !SKIP_DIRS.contains(&name.as_str()) {
                rel.push(name);
                scan(root, rel, depth + 1, out)?;
                rel.pop();
            }
        } else if is_file && classify::is_relevant(&name) {
            let mut rel_path = rel.join("/");
            if !rel_path.is_empty() {
                rel_path.push('/');
            }
            rel_path.push_str(&name);
            out.push(classify::RawEntry {
                rel: rel_path,
                display: path.display().to_string(),
                content: read_text(&path)?,
            });
        }
    }
    Ok(())
}

/// Names of the last directories of `dir` (made absolute when possible), used
/// so that `detect("…/supabase/migrations")` knows it is in such a directory.
fn root_hint(dir: &Path) -> Vec<String> {
    let abs = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let names: Vec<String> = abs
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let skip = names.len().saturating_sub(2);
    names.into_iter().skip(skip).collect()
}

/// Reads `dir` recursively and detects its migration layout.
///
/// Source paths are `dir` joined with each file's relative path. See the crate
/// documentation for the layouts and how one is chosen.
pub fn detect(dir: &Path) -> Result<Project, LayoutError> {
    let meta = fs::metadata(dir).map_err(io_error(dir))?;
    if !meta.is_dir() {
        return Err(LayoutError::NotADirectory { path: dir.display().to_string() });
    }
    let mut raw = Vec::new();
    scan(dir, &mut Vec::new(), 0, &mut raw)?;
    classify::build(raw, &root_hint(dir), &dir.display().to_string())
}

/// Detects the layout of in-memory files: `(relative path, content)` pairs,
/// with `/` (or `\`) separators. Source paths are the relative paths.
///
/// This is the same detection as [`detect`] without a filesystem.
pub fn from_entries(entries: Vec<(String, String)>) -> Result<Project, LayoutError> {
    let raw = entries
        .into_iter()
        .map(|(rel, content)| classify::RawEntry { display: rel.clone(), rel, content: Ok(content) })
        .collect();
    classify::build(raw, &[], "the given entries")
}

/// Explicit migration files, one step each, in the given order
/// ([`Layout::Files`], no downs, `transaction = false`). Files are taken
/// verbatim (no dbmate section splitting).
pub fn from_files(files: &[PathBuf]) -> Result<Project, LayoutError> {
    if files.is_empty() {
        return Err(LayoutError::NoFiles);
    }
    let mut steps = Vec::with_capacity(files.len());
    for path in files {
        let meta = fs::metadata(path).map_err(io_error(path))?;
        if !meta.is_file() {
            return Err(LayoutError::NotAFile { path: path.display().to_string() });
        }
        let display = path.display().to_string();
        let sql =
            read_text(path)?.map_err(|valid_up_to| LayoutError::InvalidUtf8 { path: display.clone(), valid_up_to })?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| display.clone());
        let name = classify::strip_sql_ext(&file_name).to_string();
        let version = classify::generic_version(&name);
        steps.push(Step { name, version, up: Source { path: display, sql }, down: None, transaction: false });
    }
    Ok(Project { layout: Layout::Files, steps, ignored: Vec::new() })
}

/// Finds the step a user-supplied `STEP` spec designates; returns its index.
///
/// Tried in order:
/// 1. the exact step name (`004_add_status`), or the up file's name
///    (`004_add_status.sql`, `up.sql` is not unique and is not considered);
/// 2. the exact version (`004`, `20190101000000`, `1.2`);
/// 3. the version after normalisation: dashes removed (Diesel
///    `2019-01-01-000000`), a leading `V` dropped and `_` read as `.` (Flyway
///    `V1_2`), and numeric comparison of the version parts (`4` matches `004`,
///    `1.02` matches `1.2`);
/// 4. a 1-based position (`3` is the third step).
///
/// When several steps match at one stage, the first wins.
pub fn resolve_step(project: &Project, spec: &str) -> Option<usize> {
    let spec = spec.trim();
    if spec.is_empty() {
        return None;
    }
    let steps = &project.steps;
    if let Some(i) = steps.iter().position(|s| s.name == spec) {
        return Some(i);
    }
    if spec.to_ascii_lowercase().ends_with(".sql") {
        if let Some(i) = steps.iter().position(|s| classify::file_name(&s.up.path) == spec) {
            return Some(i);
        }
    }
    if let Some(i) = steps.iter().position(|s| s.version == spec) {
        return Some(i);
    }
    // Diesel folder versions (`2019-01-01-000000`): dashes between digits.
    let mut normalized =
        if spec.starts_with(|c: char| c.is_ascii_digit()) { spec.replace('-', "") } else { spec.to_string() };
    if normalized.len() > 1 && normalized.starts_with(['V', 'v']) && normalized.as_bytes()[1].is_ascii_digit() {
        normalized.remove(0);
    }
    let dotted = normalized.replace('_', ".");
    if let Some(i) = steps.iter().position(|s| {
        !s.version.is_empty()
            && (s.version == normalized || s.version == dotted || natural::version_numeric_eq(&s.version, &dotted))
    }) {
        return Some(i);
    }
    if spec.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = spec.parse::<usize>() {
            if (1..=steps.len()).contains(&n) {
                return Some(n - 1);
            }
        }
    }
    None
}
