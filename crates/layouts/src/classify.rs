//! Layout detection over a list of (relative path, content) entries.

use std::collections::{BTreeMap, HashMap};

use crate::natural::{leading_digits, natural_cmp, natural_eq_cmp};
use crate::{Layout, LayoutError, Project, Source, Step};

/// A file handed to [`build`]: relative path with `/` separators, display path,
/// and its text (`Err(valid_up_to)` when the bytes are not UTF-8).
pub(crate) struct RawEntry {
    pub rel: String,
    pub display: String,
    pub content: Result<String, usize>,
}

struct Entry {
    rel: String,
    /// Parent directory (relative, `""` for the root).
    dir: String,
    /// File name.
    file: String,
    display: String,
    content: Result<String, usize>,
    sql: bool,
}

/// Which part of a file a source is.
#[derive(Debug, Clone, Copy)]
enum Part {
    Whole,
    /// Byte range (dbmate section).
    Range(usize, usize),
}

struct Pending {
    /// Sort group: 0 for ordinary steps, 1 for Flyway repeatables.
    group: u8,
    name: String,
    version: String,
    up: (usize, Part),
    down: Option<(usize, Part)>,
    transaction: bool,
}

struct Candidate {
    layout: Layout,
    base: String,
    steps: Vec<Pending>,
    /// The `.sql` files that fit this layout in this base directory (entry
    /// indices; may include files that are not steps, e.g. other dialects).
    claimed: Vec<usize>,
}

/// Lower is more specific; used to break ties in the file count.
fn priority(layout: Layout) -> u8 {
    match layout {
        Layout::Dbmate => 0,
        Layout::Diesel => 1,
        Layout::Prisma => 2,
        Layout::Flyway => 3,
        Layout::GolangMigrate => 4,
        Layout::Supabase => 5,
        Layout::PlainNumbered => 6,
        Layout::Files => 7,
    }
}

/// `a/b/c.sql` → (`a/b`, `c.sql`); `c.sql` → (``, `c.sql`).
fn split_last(path: &str) -> (&str, &str) {
    match path.rfind('/') {
        Some(i) => (&path[..i], &path[i + 1..]),
        None => ("", path),
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// The file name part of a display path (either separator).
pub(crate) fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn has_sql_ext(name: &str) -> bool {
    name.len() >= 4 && name.get(name.len() - 4..).is_some_and(|e| e.eq_ignore_ascii_case(".sql"))
}

/// `x.sql` → `x` (case-insensitive extension); other names unchanged.
pub(crate) fn strip_sql_ext(name: &str) -> &str {
    if has_sql_ext(name) {
        &name[..name.len() - 4]
    } else {
        name
    }
}

/// Version of a stem with no layout context: Flyway `V1_2__x` → `1.2`,
/// otherwise the leading digits.
pub(crate) fn generic_version(stem: &str) -> String {
    if let Some(f) = parse_flyway(&format!("{stem}.sql")) {
        if f.kind != FlywayKind::Repeatable {
            return f.version;
        }
    }
    leading_digits(stem).to_string()
}

fn normalize_rel(rel: &str) -> String {
    rel.split(['/', '\\']).filter(|c| !c.is_empty() && *c != ".").collect::<Vec<_>>().join("/")
}

/// Whether a file's content matters: SQL files and the per-migration
/// configuration files some layouts use. Other files are ignored.
pub(crate) fn is_relevant(file: &str) -> bool {
    let lower = file.to_ascii_lowercase();
    lower.ends_with(".sql") || lower.ends_with(".sql.conf") || file == "metadata.toml"
}

struct Ctx<'a> {
    entries: &'a [Entry],
    index: HashMap<&'a str, usize>,
    /// Directory → indices of its `.sql` files, in path order.
    sql_by_dir: BTreeMap<&'a str, Vec<usize>>,
    hint: &'a [String],
}

impl Ctx<'_> {
    fn get(&self, rel: &str) -> Option<usize> {
        self.index.get(rel).copied()
    }
    fn text(&self, i: usize) -> Option<&str> {
        self.entries[i].content.as_deref().ok()
    }
}

/// Detects the layout of `raw` and builds the project. `hint` holds the names
/// of the directories the relative paths are rooted in (innermost last);
/// `root_display` names the input in errors.
pub(crate) fn build(raw: Vec<RawEntry>, hint: &[String], root_display: &str) -> Result<Project, LayoutError> {
    let mut entries: Vec<Entry> = Vec::with_capacity(raw.len());
    let mut seen = std::collections::HashSet::new();
    for r in raw {
        let rel = normalize_rel(&r.rel);
        if rel.is_empty() || !seen.insert(rel.clone()) {
            continue;
        }
        let (dir, file) = split_last(&rel);
        if !is_relevant(file) {
            continue;
        }
        entries.push(Entry {
            dir: dir.to_string(),
            file: file.to_string(),
            sql: has_sql_ext(file),
            rel,
            display: r.display,
            content: r.content,
        });
    }
    entries.sort_by(|a, b| a.rel.cmp(&b.rel));

    let mut ctx = Ctx { entries: &entries, index: HashMap::new(), sql_by_dir: BTreeMap::new(), hint };
    for (i, e) in entries.iter().enumerate() {
        ctx.index.insert(e.rel.as_str(), i);
        if e.sql {
            ctx.sql_by_dir.entry(e.dir.as_str()).or_default().push(i);
        }
    }

    let mut candidates = Vec::new();
    candidates.extend(match_folders(&ctx));
    candidates.extend(match_golang(&ctx));
    candidates.extend(match_flyway(&ctx));
    candidates.extend(match_dbmate(&ctx));
    candidates.extend(match_supabase(&ctx));
    candidates.extend(match_plain(&ctx));
    candidates.retain(|c| !c.steps.is_empty());

    // Plain numbered matches almost any `.sql` file, so it only scores files
    // that no specific layout recognises (a dbmate folder with one unmarked
    // file stays dbmate, a golang-migrate folder with a stray `000_x.sql`
    // stays golang-migrate).
    let mut specific = vec![false; entries.len()];
    for c in candidates.iter().filter(|c| c.layout != Layout::PlainNumbered) {
        for &i in &c.claimed {
            specific[i] = true;
        }
    }
    let score = |c: &Candidate| {
        if c.layout == Layout::PlainNumbered {
            c.claimed.iter().filter(|&&i| !specific[i]).count()
        } else {
            c.claimed.len()
        }
    };
    let best = candidates.into_iter().min_by(|a, b| {
        score(b)
            .cmp(&score(a))
            .then_with(|| priority(a.layout).cmp(&priority(b.layout)))
            .then_with(|| is_down_dir(&a.base).cmp(&is_down_dir(&b.base)))
            .then_with(|| depth(&a.base).cmp(&depth(&b.base)))
            .then_with(|| a.base.cmp(&b.base))
    });
    let Some(mut best) = best else {
        return Err(LayoutError::NoMigrations { path: root_display.to_string() });
    };

    let layout = best.layout;
    best.steps.sort_by(|a, b| {
        let by_tool = match layout {
            // Diesel compares versions as strings: `2025-11-19-091444-0000`
            // (18 digits) runs before `2026-01-20-162913` (14 digits).
            Layout::Diesel => a.version.cmp(&b.version).then_with(|| a.name.cmp(&b.name)),
            // Prisma applies migration folders in directory-name order.
            Layout::Prisma => a.name.cmp(&b.name),
            _ => natural_eq_cmp(&a.version, &b.version).then_with(|| natural_cmp(&a.name, &b.name)),
        };
        a.group.cmp(&b.group).then(by_tool).then_with(|| entries[a.up.0].rel.cmp(&entries[b.up.0].rel))
    });

    let mut used = vec![false; entries.len()];
    let source = |(i, part): (usize, Part)| -> Result<Source, LayoutError> {
        let e = &entries[i];
        let text = e
            .content
            .as_ref()
            .map_err(|&valid_up_to| LayoutError::InvalidUtf8 { path: e.display.clone(), valid_up_to })?;
        let sql = match part {
            Part::Whole => text.clone(),
            Part::Range(a, b) => text.get(a..b).unwrap_or_default().to_string(),
        };
        Ok(Source { path: e.display.clone(), sql })
    };
    let mut steps = Vec::with_capacity(best.steps.len());
    for p in best.steps {
        used[p.up.0] = true;
        if let Some((d, _)) = p.down {
            used[d] = true;
        }
        steps.push(Step {
            name: p.name,
            version: p.version,
            up: source(p.up)?,
            down: p.down.map(source).transpose()?,
            transaction: p.transaction,
        });
    }
    let mut ignored: Vec<String> =
        entries.iter().zip(&used).filter(|(e, u)| e.sql && !**u).map(|(e, _)| e.display.clone()).collect();
    ignored.sort();
    Ok(Project { layout: best.layout, steps, ignored })
}

fn is_down_dir(base: &str) -> bool {
    let last = split_last(base).1;
    last.eq_ignore_ascii_case("down") || last.eq_ignore_ascii_case("downs")
}

fn depth(base: &str) -> usize {
    if base.is_empty() {
        0
    } else {
        base.matches('/').count() + 1
    }
}

fn candidate<'a>(map: &'a mut BTreeMap<String, Candidate>, layout: Layout, base: &str) -> &'a mut Candidate {
    map.entry(base.to_string()).or_insert_with(|| Candidate {
        layout,
        base: base.to_string(),
        steps: Vec::new(),
        claimed: Vec::new(),
    })
}

// ---------------------------------------------------------------------------
// Diesel and Prisma: one folder per migration.

/// Diesel's version: the folder name before the first `_`, dashes removed;
/// `None` unless that is a non-empty run of digits (and dashes).
fn diesel_version(folder: &str) -> Option<String> {
    let head = folder.split('_').next().unwrap_or(folder);
    if !head.starts_with(|c: char| c.is_ascii_digit()) || !head.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return None;
    }
    Some(head.replace('-', ""))
}

/// `false` when a Diesel `metadata.toml` sets `run_in_transaction = false`.
fn diesel_runs_in_transaction(metadata: &str) -> bool {
    for line in metadata.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            break; // only top-level keys count
        }
        if let Some((key, value)) = line.split_once('=') {
            if key.trim() == "run_in_transaction" && value.trim() == "false" {
                return false;
            }
        }
    }
    true
}

fn match_folders(ctx: &Ctx) -> Vec<Candidate> {
    let mut diesel = BTreeMap::new();
    let mut prisma = BTreeMap::new();
    for (i, e) in ctx.entries.iter().enumerate() {
        if e.dir.is_empty() {
            continue;
        }
        let (base, folder) = split_last(&e.dir);
        if e.file == "up.sql" {
            let Some(version) = diesel_version(folder) else {
                continue;
            };
            let down = ctx.get(&join(&e.dir, "down.sql"));
            let transaction = ctx
                .get(&join(&e.dir, "metadata.toml"))
                .and_then(|m| ctx.text(m))
                .is_none_or(diesel_runs_in_transaction);
            let c = candidate(&mut diesel, Layout::Diesel, base);
            c.claimed.push(i);
            c.claimed.extend(down);
            c.steps.push(Pending {
                group: 0,
                name: folder.to_string(),
                version,
                up: (i, Part::Whole),
                down: down.map(|d| (d, Part::Whole)),
                transaction,
            });
        } else if e.file == "migration.sql" {
            let c = candidate(&mut prisma, Layout::Prisma, base);
            c.claimed.push(i);
            c.steps.push(Pending {
                group: 0,
                name: folder.to_string(),
                version: leading_digits(folder).to_string(),
                up: (i, Part::Whole),
                down: None,
                transaction: true,
            });
        }
    }
    diesel.into_values().chain(prisma.into_values()).collect()
}

// ---------------------------------------------------------------------------
// golang-migrate (and Ory popx).

/// Dialect infixes of popx file names (`x.postgres.up.sql`).
const DIALECTS: &[&str] = &[
    "postgres",
    "postgresql",
    "pg",
    "cockroach",
    "cockroachdb",
    "crdb",
    "mysql",
    "sqlite",
    "sqlite3",
    "mssql",
    "sqlserver",
];

fn is_postgres_dialect(d: &str) -> bool {
    matches!(d, "postgres" | "postgresql" | "pg")
}

#[derive(Debug, PartialEq)]
struct GolangFile<'a> {
    version: &'a str,
    name: &'a str,
    up: bool,
    dialect: Option<&'a str>,
    autocommit: bool,
}

fn parse_golang(file: &str) -> Option<GolangFile<'_>> {
    let (rest, up) =
        if let Some(r) = file.strip_suffix(".up.sql") { (r, true) } else { (file.strip_suffix(".down.sql")?, false) };
    let version = leading_digits(rest);
    if version.is_empty() {
        return None;
    }
    let mut name = rest[version.len()..].strip_prefix('_')?;
    let mut dialect = None;
    let mut autocommit = false;
    loop {
        if !autocommit {
            if let Some(n) = name.strip_suffix(".autocommit") {
                autocommit = true;
                name = n;
                continue;
            }
        }
        if dialect.is_none() {
            if let Some((n, d)) = name.rsplit_once('.') {
                if DIALECTS.contains(&d) {
                    dialect = Some(d);
                    name = n;
                    continue;
                }
            }
        }
        break;
    }
    Some(GolangFile { version, name, up, dialect, autocommit })
}

fn match_golang(ctx: &Ctx) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (dir, files) in &ctx.sql_by_dir {
        // (version, name) → (ups, downs): (index, parsed)
        type Files<'a> = Vec<(usize, GolangFile<'a>)>;
        let mut groups: BTreeMap<(&str, &str), (Files, Files)> = BTreeMap::new();
        for &i in files {
            if let Some(g) = parse_golang(&ctx.entries[i].file) {
                let slot = groups.entry((g.version, g.name)).or_default();
                if g.up {
                    slot.0.push((i, g));
                } else {
                    slot.1.push((i, g));
                }
            }
        }
        let rank = |g: &GolangFile| match g.dialect {
            Some(d) if is_postgres_dialect(d) => Some(0),
            None => Some(1),
            Some(_) => None,
        };
        let pick =
            |v: &[(usize, GolangFile)]| v.iter().filter_map(|(i, g)| rank(g).map(|r| (r, *i, g.autocommit))).min();
        let mut c =
            Candidate { layout: Layout::GolangMigrate, base: dir.to_string(), steps: Vec::new(), claimed: Vec::new() };
        for ((version, name), (ups, downs)) in groups {
            if ups.is_empty() {
                continue; // downs without an up: not part of the layout
            }
            c.claimed.extend(ups.iter().chain(&downs).map(|(i, _)| *i));
            let Some((_, up, autocommit)) = pick(&ups) else {
                continue; // only files for other SQL dialects
            };
            c.steps.push(Pending {
                group: 0,
                name: format!("{version}_{name}"),
                version: version.to_string(),
                up: (up, Part::Whole),
                down: pick(&downs).map(|(_, d, _)| (d, Part::Whole)),
                transaction: !autocommit,
            });
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Flyway.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlywayKind {
    Versioned,
    Undo,
    Repeatable,
}

#[derive(Debug)]
struct FlywayFile {
    kind: FlywayKind,
    /// Normalised version (`1_2` → `1.2`); empty for repeatables.
    version: String,
}

fn parse_flyway(file: &str) -> Option<FlywayFile> {
    let stem = file.strip_suffix(".sql")?;
    if stem.starts_with("R__") {
        return Some(FlywayFile { kind: FlywayKind::Repeatable, version: String::new() });
    }
    let kind = if stem.starts_with('V') {
        FlywayKind::Versioned
    } else if stem.starts_with('U') {
        FlywayKind::Undo
    } else {
        return None;
    };
    let (version, _description) = stem[1..].split_once("__")?;
    let valid = version.split(['.', '_']).all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    if !valid {
        return None;
    }
    Some(FlywayFile { kind, version: version.replace('_', ".") })
}

/// `false` when a Flyway script configuration sets `executeInTransaction=false`.
fn flyway_runs_in_transaction(conf: &str) -> bool {
    !conf.lines().any(|line| {
        let line = line.trim();
        !line.starts_with(['#', '!'])
            && line
                .split_once(['=', ':'])
                .is_some_and(|(k, v)| k.trim() == "executeInTransaction" && v.trim().eq_ignore_ascii_case("false"))
    })
}

fn match_flyway(ctx: &Ctx) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (dir, files) in &ctx.sql_by_dir {
        let mut c = Candidate { layout: Layout::Flyway, base: dir.to_string(), steps: Vec::new(), claimed: Vec::new() };
        let mut undo: HashMap<String, usize> = HashMap::new();
        let mut steps = Vec::new();
        for &i in files {
            let e = &ctx.entries[i];
            let Some(f) = parse_flyway(&e.file) else {
                continue;
            };
            if f.kind == FlywayKind::Undo {
                undo.entry(f.version).or_insert(i);
                continue;
            }
            c.claimed.push(i);
            let transaction = ctx
                .get(&format!("{}.conf", e.rel))
                .and_then(|conf| ctx.text(conf))
                .is_none_or(flyway_runs_in_transaction);
            steps.push((i, f, transaction));
        }
        for (i, f, transaction) in steps {
            let down = undo.remove(&f.version);
            c.claimed.extend(down);
            c.steps.push(Pending {
                group: u8::from(f.kind == FlywayKind::Repeatable),
                name: strip_sql_ext(&ctx.entries[i].file).to_string(),
                version: f.version,
                up: (i, Part::Whole),
                down: down.map(|d| (d, Part::Whole)),
                transaction,
            });
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// dbmate.

#[derive(Debug, PartialEq)]
struct DbmateFile {
    up: (usize, usize),
    down: Option<(usize, usize)>,
    transaction: bool,
}

/// If `line` is a `-- migrate:<word>` marker, the text after the word.
fn dbmate_marker<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    let rest = line.strip_prefix("--")?.trim_start();
    let rest = rest.strip_prefix("migrate:")?.strip_prefix(word)?;
    (rest.is_empty() || rest.starts_with(char::is_whitespace)).then_some(rest)
}

fn parse_dbmate(text: &str) -> Option<DbmateFile> {
    // (line start, line end including newline, options) of the first markers.
    let mut up: Option<(usize, usize, &str)> = None;
    let mut down: Option<(usize, usize, &str)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if up.is_none() {
            if let Some(opts) = dbmate_marker(content, "up") {
                up = Some((start, offset, opts));
                continue;
            }
        }
        if down.is_none() {
            if let Some(opts) = dbmate_marker(content, "down") {
                down = Some((start, offset, opts));
            }
        }
    }
    let (up_start, up_end, options) = up?;
    let transaction = !options.split_whitespace().any(|o| o.eq_ignore_ascii_case("transaction:false"));
    let (up_range, down_range) = match down {
        Some((d_start, d_end, _)) if d_start > up_start => ((up_end, d_start), Some((d_end, text.len()))),
        Some((_, d_end, _)) => ((up_end, text.len()), Some((d_end, up_start))),
        None => ((up_end, text.len()), None),
    };
    Some(DbmateFile { up: up_range, down: down_range, transaction })
}

fn match_dbmate(ctx: &Ctx) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (dir, files) in &ctx.sql_by_dir {
        let mut c = Candidate { layout: Layout::Dbmate, base: dir.to_string(), steps: Vec::new(), claimed: Vec::new() };
        for &i in files {
            let e = &ctx.entries[i];
            let stem = strip_sql_ext(&e.file);
            let version = leading_digits(stem);
            if version.is_empty() || !stem[version.len()..].starts_with('_') {
                continue;
            }
            let Some(d) = ctx.text(i).and_then(parse_dbmate) else {
                continue;
            };
            c.claimed.push(i);
            c.steps.push(Pending {
                group: 0,
                name: stem.to_string(),
                version: version.to_string(),
                up: (i, Part::Range(d.up.0, d.up.1)),
                down: d.down.map(|(a, b)| (i, Part::Range(a, b))),
                transaction: d.transaction,
            });
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Supabase.

fn match_supabase(ctx: &Ctx) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (dir, files) in &ctx.sql_by_dir {
        let names: Vec<&str> =
            ctx.hint.iter().map(String::as_str).chain(dir.split('/').filter(|s| !s.is_empty())).collect();
        let Some((last, parents)) = names.split_last() else {
            continue;
        };
        if *last != "migrations" {
            continue;
        }
        let strict = parents.last() == Some(&"supabase");
        let mut c =
            Candidate { layout: Layout::Supabase, base: dir.to_string(), steps: Vec::new(), claimed: Vec::new() };
        for &i in files {
            let e = &ctx.entries[i];
            if e.file.ends_with(".up.sql") || e.file.ends_with(".down.sql") {
                continue;
            }
            let stem = strip_sql_ext(&e.file);
            let version = leading_digits(stem);
            if version.is_empty() || !stem[version.len()..].starts_with('_') || (!strict && version.len() != 14) {
                continue;
            }
            c.claimed.push(i);
            c.steps.push(Pending {
                group: 0,
                name: stem.to_string(),
                version: version.to_string(),
                up: (i, Part::Whole),
                down: None,
                transaction: true,
            });
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------
// Plain numbered.

/// Splits a stem into (key, is_down): `x.down`/`x_down` → (`x`, true),
/// `x.up`/`x_up` → (`x`, false), otherwise (`x`, false).
fn plain_key(stem: &str) -> (&str, bool) {
    let lower = stem.to_ascii_lowercase();
    if stem.len() > 5 && (lower.ends_with(".down") || lower.ends_with("_down")) {
        return (&stem[..stem.len() - 5], true);
    }
    if stem.len() > 3 && (lower.ends_with(".up") || lower.ends_with("_up")) {
        return (&stem[..stem.len() - 3], false);
    }
    (stem, false)
}

fn match_plain(ctx: &Ctx) -> Vec<Candidate> {
    let mut out = Vec::new();
    for (dir, files) in &ctx.sql_by_dir {
        let mut ups: Vec<(usize, &str)> = Vec::new();
        let mut downs: HashMap<&str, usize> = HashMap::new();
        for &i in files {
            let (key, is_down) = plain_key(strip_sql_ext(&ctx.entries[i].file));
            if is_down {
                downs.entry(key).or_insert(i);
            } else {
                ups.push((i, key));
            }
        }
        let numbered = ups.iter().any(|(_, k)| k.starts_with(|c: char| c.is_ascii_digit()));
        if numbered {
            ups.retain(|(_, k)| k.starts_with(|c: char| c.is_ascii_digit()));
        }
        let (parent, last) = split_last(dir);
        let sibling_down = last.eq_ignore_ascii_case("up").then(|| join(parent, "down"));
        let mut c =
            Candidate { layout: Layout::PlainNumbered, base: dir.to_string(), steps: Vec::new(), claimed: Vec::new() };
        for (i, key) in ups {
            let down = downs.get(key).copied().or_else(|| {
                let sib = sibling_down.as_deref()?;
                ctx.get(&join(sib, &ctx.entries[i].file))
            });
            if numbered {
                // Unnumbered files are a last resort and count for nothing.
                c.claimed.push(i);
                c.claimed.extend(down);
            }
            c.steps.push(Pending {
                group: 0,
                name: key.to_string(),
                version: leading_digits(key).to_string(),
                up: (i, Part::Whole),
                down: down.map(|d| (d, Part::Whole)),
                transaction: false,
            });
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golang_names() {
        let g = parse_golang("20241029153900000001_identities.autocommit.up.sql").unwrap();
        assert_eq!(
            g,
            GolangFile {
                version: "20241029153900000001",
                name: "identities",
                up: true,
                dialect: None,
                autocommit: true
            }
        );
        let g = parse_golang("2015_networks.postgres.autocommit.down.sql").unwrap();
        assert_eq!((g.dialect, g.autocommit, g.up), (Some("postgres"), true, false));
        let g = parse_golang("001_create_river_migration.up.sql").unwrap();
        assert_eq!((g.version, g.name), ("001", "create_river_migration"));
        assert!(parse_golang("create.up.sql").is_none());
        assert!(parse_golang("001.up.sql").is_none());
        assert!(parse_golang("001_x.sql").is_none());
    }

    #[test]
    fn flyway_names() {
        let f = parse_flyway("V1_2__add.sql").unwrap();
        assert_eq!((f.kind, f.version.as_str()), (FlywayKind::Versioned, "1.2"));
        let f = parse_flyway("U1.2__add.sql").unwrap();
        assert_eq!((f.kind, f.version.as_str()), (FlywayKind::Undo, "1.2"));
        let f = parse_flyway("R__views.sql").unwrap();
        assert_eq!(f.kind, FlywayKind::Repeatable);
        assert!(parse_flyway("V__x.sql").is_none());
        assert!(parse_flyway("Vx__x.sql").is_none());
        assert!(parse_flyway("V1..2__x.sql").is_none());
        assert!(parse_flyway("V1_x.sql").is_none());
        assert!(parse_flyway("Value.sql").is_none());
    }

    #[test]
    fn dbmate_sections() {
        let text = "-- migrate:up transaction:false\ncreate table t();\n-- migrate:down\ndrop table t;\n";
        let d = parse_dbmate(text).unwrap();
        assert!(!d.transaction);
        assert_eq!(&text[d.up.0..d.up.1], "create table t();\n");
        let (a, b) = d.down.unwrap();
        assert_eq!(&text[a..b], "drop table t;\n");

        // Down before up, CRLF line ends, no trailing newline.
        let text = "--migrate:down\r\ndrop table t;\r\n--  migrate:up\r\ncreate table t();";
        let d = parse_dbmate(text).unwrap();
        assert!(d.transaction);
        assert_eq!(&text[d.up.0..d.up.1], "create table t();");
        let (a, b) = d.down.unwrap();
        assert_eq!(&text[a..b], "drop table t;\r\n");

        assert!(parse_dbmate("-- migrate:upgrade\n").is_none());
        assert!(parse_dbmate("create table t();").is_none());
        let d = parse_dbmate("-- migrate:up").unwrap();
        assert_eq!(d.up, (13, 13));
        assert_eq!(d.down, None);
    }

    #[test]
    fn metadata_files() {
        assert!(!diesel_runs_in_transaction("run_in_transaction = false\n"));
        assert!(!diesel_runs_in_transaction("run_in_transaction=false # no tx\n"));
        assert!(diesel_runs_in_transaction("# run_in_transaction = false\n"));
        assert!(diesel_runs_in_transaction("[x]\nrun_in_transaction = false\n"));
        assert!(diesel_runs_in_transaction(""));
        assert!(!flyway_runs_in_transaction("executeInTransaction=false\n"));
        assert!(flyway_runs_in_transaction("#executeInTransaction=false\n"));
        assert!(flyway_runs_in_transaction("executeInTransaction=true\n"));
    }

    #[test]
    fn plain_keys() {
        assert_eq!(plain_key("001_x.down"), ("001_x", true));
        assert_eq!(plain_key("001_x_down"), ("001_x", true));
        assert_eq!(plain_key("001_x.up"), ("001_x", false));
        assert_eq!(plain_key("001_x_UP"), ("001_x", false));
        assert_eq!(plain_key("down"), ("down", false));
        assert_eq!(plain_key("é_down"), ("é", true));
    }

    #[test]
    fn versions() {
        assert_eq!(generic_version("V1_2__x"), "1.2");
        assert_eq!(generic_version("004_add"), "004");
        assert_eq!(generic_version("R__x"), "");
        assert_eq!(generic_version("schema"), "");
        assert_eq!(diesel_version("2019-02-26-002946_create_user").as_deref(), Some("20190226002946"));
        assert_eq!(diesel_version("00000000000000_diesel_initial_setup").as_deref(), Some("00000000000000"));
        assert_eq!(diesel_version("create_user"), None);
    }
}
