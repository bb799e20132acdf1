//! State-aware lints: rules that look at each statement of a history together with the schema
//! the replay has at that point, so "existing" means what it means to the database: the object
//! existed before the migration began (a table created earlier in the same migration is new,
//! one created by any earlier migration is not).
//!
//! One rule per file, each with a stable code, a severity and a doc comment (what it flags, why,
//! an example). A finding is suppressed by a comment on the lines just before the statement or
//! inside it, `-- schemasim-ignore: SS201` (several codes separated by commas, or `all`), or for
//! the whole file by `-- schemasim-ignore-file: SS201`.

mod add_column_volatile_default;
mod alter_column_type;
mod concurrently_in_transaction;
mod constraint_not_valid;
mod drop_column;
mod drop_table;
mod drop_type;
mod if_not_exists;
mod index_not_concurrent;
mod narrowing_type;
mod policy_without_rls;
mod rename_still_referenced;
mod rls_without_policy;
mod security_definer_search_path;
mod set_not_null;

use crate::{Migration, OnError, ReplayOptions, Session};
use pg_query::protobuf::{AlterTableCmd, AlterTableType, ColumnDef, ConstrType, Constraint, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName, Table};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Loses data or breaks the application.
    Error,
    /// Locks or rewrites a table in use, or a likely mistake.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What a rule is, for listings and docs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleInfo {
    pub code: String,
    pub name: String,
    pub severity: Severity,
    pub summary: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub code: String,
    pub rule: String,
    pub severity: Severity,
    pub migration: String,
    pub path: String,
    /// 1-based position of the statement in its file.
    pub line: u32,
    pub column: u32,
    pub message: String,
    /// A `schemasim-ignore` comment covers it.
    pub suppressed: bool,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LintReport {
    /// In history order.
    pub findings: Vec<Finding>,
    /// Migrations linted (a replay that stops at an error stops the lint there too).
    pub migrations_linted: usize,
}

impl LintReport {
    /// Findings no comment suppresses.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| !f.suppressed)
    }
}

/// A rule: its description and its check, which returns one message per problem.
pub(crate) struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    /// Also run on a statement that failed (the finding explains the failure).
    pub on_failed: bool,
    pub check: fn(&StatementCtx<'_>) -> Vec<String>,
}

const RULES: &[Rule] = &[
    if_not_exists::RULE,
    drop_table::RULE,
    drop_column::RULE,
    drop_type::RULE,
    narrowing_type::RULE,
    alter_column_type::RULE,
    add_column_volatile_default::RULE,
    set_not_null::RULE,
    constraint_not_valid::RULE,
    index_not_concurrent::RULE,
    concurrently_in_transaction::RULE,
    rename_still_referenced::RULE,
    rls_without_policy::RULE,
    policy_without_rls::RULE,
    security_definer_search_path::RULE,
];

/// Every rule, in code order.
pub fn rules() -> Vec<RuleInfo> {
    let mut out: Vec<RuleInfo> = RULES
        .iter()
        .map(|r| RuleInfo { code: r.code.into(), name: r.name.into(), severity: r.severity, summary: r.summary.into() })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

/// One statement as replayed, with the schema around it.
pub(crate) struct Replayed {
    pub migration: usize,
    pub offset: usize,
    pub node: Option<NodeEnum>,
    pub text: String,
    pub ok: bool,
    pub before: Catalog,
    pub after: Catalog,
    pub search_path: Vec<String>,
    pub in_block: bool,
}

/// What a rule sees.
pub(crate) struct StatementCtx<'a> {
    pub node: &'a NodeEnum,
    pub text: &'a str,
    pub before: &'a Catalog,
    pub after: &'a Catalog,
    /// The schema when the migration began.
    pub migration_start: &'a Catalog,
    /// The schema when the migration ended (committed).
    pub migration_end: &'a Catalog,
    pub search_path: &'a [String],
    /// Inside a transaction block (the tool's per-file transaction or an explicit BEGIN).
    pub in_block: bool,
    /// The statements of later migrations, in order.
    pub later: &'a [Replayed],
    /// The history (for locating later statements).
    pub migrations: &'a [Migration],
    /// The statements before this one, in order.
    pub earlier: &'a [Replayed],
    /// The index of this statement's migration in `migrations`.
    pub migration: usize,
}

impl StatementCtx<'_> {
    /// The migration whose statement created the relation `qn` has now (matched by creation
    /// sequence, so a rename since does not matter).
    pub fn created_by(&self, qn: &QualName) -> Option<&str> {
        let seq = self.before.relations.get(qn)?.seq();
        let made = |c: &Catalog| c.relations.values().any(|r| r.seq() == seq);
        self.earlier
            .iter()
            .find(|s| made(&s.after) && !made(&s.before))
            .map(|s| self.migrations[s.migration].name.as_str())
    }

    /// The statements of this migration before this one, in order.
    pub fn earlier_in_migration(&self) -> &[Replayed] {
        let start = self.earlier.iter().rposition(|s| s.migration != self.migration).map_or(0, |p| p + 1);
        &self.earlier[start..]
    }

    /// `path:line` of a replayed statement.
    pub fn location(&self, s: &Replayed) -> String {
        let m = &self.migrations[s.migration];
        let (line, _) = crate::parse::line_column(&m.sql, s.offset);
        format!("{}:{line}", m.path)
    }

    /// The relation a name refers to before the statement, through search_path.
    pub fn resolve(&self, schema: &str, name: &str) -> Option<QualName> {
        resolve_in(self.before, self.search_path, schema, name)
    }

    pub fn resolve_rv(&self, rv: &RangeVar) -> Option<QualName> {
        self.resolve(&rv.schemaname, &rv.relname)
    }

    /// The table as it is before the statement, when it already existed before the migration
    /// began (the same table, not one dropped and re-created since).
    pub fn existing_table(&self, qn: &QualName) -> Option<&Table> {
        let now = self.before.table(qn)?;
        let start = self.migration_start.table(qn)?;
        (start.seq == now.seq).then_some(now)
    }

    /// Does the table have partitions (before the statement)?
    pub fn has_partitions(&self, qn: &QualName) -> bool {
        self.before.relations.values().any(
            |r| matches!(r, schemasim_catalog::Relation::Table(t) if t.partition_of.as_ref().is_some_and(|p| &p.parent == qn)),
        )
    }

    /// `existing_table` for a RangeVar.
    pub fn existing_table_rv(&self, rv: &RangeVar) -> Option<(QualName, &Table)> {
        let qn = self.resolve_rv(rv)?;
        let t = self.existing_table(&qn)?;
        Some((qn, t))
    }
}

/// `ALTER TABLE name cmd, ...`: the table and its subcommands.
pub(crate) fn alter_table(node: &NodeEnum) -> Option<(&RangeVar, Vec<&AlterTableCmd>)> {
    let NodeEnum::AlterTableStmt(s) = node else { return None };
    let rv = s.relation.as_ref()?;
    let cmds = s
        .cmds
        .iter()
        .filter_map(|c| match c.node.as_ref() {
            Some(NodeEnum::AlterTableCmd(cmd)) => Some(cmd.as_ref()),
            _ => None,
        })
        .collect();
    Some((rv, cmds))
}

pub(crate) fn subtype(cmd: &AlterTableCmd) -> AlterTableType {
    AlterTableType::try_from(cmd.subtype).unwrap_or(AlterTableType::Undefined)
}

/// The column definition of an `ADD COLUMN` / the constraint of an `ADD CONSTRAINT`.
pub(crate) fn column_def(cmd: &AlterTableCmd) -> Option<&ColumnDef> {
    match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
        Some(NodeEnum::ColumnDef(c)) => Some(c),
        _ => None,
    }
}

pub(crate) fn constraint_def(cmd: &AlterTableCmd) -> Option<&Constraint> {
    match cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
        Some(NodeEnum::Constraint(c)) => Some(c),
        _ => None,
    }
}

pub(crate) fn constr_type(c: &Constraint) -> ConstrType {
    ConstrType::try_from(c.contype).unwrap_or(ConstrType::Undefined)
}

/// The names of a DROP statement's objects (`[schema, name]` or `[name]`).
pub(crate) fn drop_objects(stmt: &pg_query::protobuf::DropStmt) -> Vec<(String, String)> {
    stmt.objects
        .iter()
        .filter_map(|o| {
            let items = match o.node.as_ref() {
                Some(NodeEnum::List(l)) => l.items.clone(),
                Some(NodeEnum::TypeName(t)) => t.names.clone(),
                _ => return None,
            };
            let names = crate::types::name_list(&items);
            match names.as_slice() {
                [name] => Some((String::new(), name.clone())),
                [.., schema, name] => Some((schema.clone(), name.clone())),
                [] => None,
            }
        })
        .collect()
}

/// Looks a relation up as PostgreSQL does: the named schema, else search_path in order.
pub(crate) fn resolve_in(catalog: &Catalog, search_path: &[String], schema: &str, name: &str) -> Option<QualName> {
    if !schema.is_empty() {
        let qn = QualName::new(schema, name);
        return catalog.relations.contains_key(&qn).then_some(qn);
    }
    search_path
        .iter()
        .map(|s| if s == "\"$user\"" || s == "$user" { crate::session::SESSION_USER } else { s.as_str() })
        .map(|s| QualName::new(s, name))
        .find(|qn| catalog.relations.contains_key(qn))
}

/// The tokens of a text (lower-cased unless quoted, quotes removed), string constants and
/// dollar-quoted bodies scanned as code too, each string body as its own sequence.
pub(crate) fn token_runs(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    collect_tokens(text, &mut out, 0);
    out
}

fn collect_tokens(text: &str, out: &mut Vec<Vec<String>>, depth: usize) {
    use pg_query::protobuf::Token;
    let Ok(scan) = pg_query::scan(text) else { return };
    let mut run = Vec::new();
    for t in &scan.tokens {
        let Some(s) = text.get(t.start as usize..t.end as usize) else { continue };
        if t.token == Token::Sconst as i32 {
            if depth < 3 {
                collect_tokens(string_body(s), out, depth + 1);
            }
            run.push("'".to_string());
        } else if let Some(q) = s.strip_prefix('"').and_then(|q| q.strip_suffix('"')) {
            run.push(q.replace("\"\"", "\""));
        } else {
            run.push(s.to_lowercase());
        }
    }
    out.push(run);
}

/// Does the text name relation `name` where a relation goes (after FROM, JOIN, INTO, UPDATE,
/// TABLE, ONLY, possibly schema-qualified), rather than as an alias or a column qualifier?
pub(crate) fn names_relation(text: &str, name: &str) -> bool {
    const BEFORE: &[&str] = &["from", "join", "into", "update", "table", "only", "exists"];
    token_runs(text).iter().any(|run| {
        (0..run.len()).any(|i| {
            if run[i] != name || run.get(i + 1).is_some_and(|n| n == ".") {
                return false;
            }
            let prev = if i >= 2 && run[i - 1] == "." { i.checked_sub(3) } else { i.checked_sub(1) };
            prev.is_some_and(|p| BEFORE.contains(&run[p].as_str()))
        })
    })
}

/// The contents of a string constant token (`'...'`, `E'...'`, `$tag$...$tag$`).
fn string_body(token: &str) -> &str {
    if let Some(rest) = token.strip_prefix('$') {
        if let Some(end) = rest.find('$') {
            let tag = &token[..end + 2];
            return token.get(tag.len()..token.len().saturating_sub(tag.len())).unwrap_or("");
        }
    }
    let t = token.trim_start_matches(['E', 'e']);
    t.get(1..t.len().saturating_sub(1)).unwrap_or("")
}

/// The codes a `schemasim-ignore:` (or `schemasim-ignore-file:`) comment lists in `text`.
fn ignored_codes(text: &str, marker: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices(marker) {
        let rest = &text[i + marker.len()..];
        let Some(list) = rest.strip_prefix(':') else { continue };
        let line = list.lines().next().unwrap_or("");
        let line = line.split("*/").next().unwrap_or(line);
        out.extend(line.split([',', ' ', '\t']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_uppercase));
    }
    out
}

fn suppressed(codes: &BTreeSet<String>, code: &str) -> bool {
    codes.contains(code) || codes.contains("ALL")
}

/// Lints `migrations` replayed from a fresh database.
pub fn lint(migrations: &[Migration], options: &ReplayOptions) -> LintReport {
    lint_from(crate::new_session(options), migrations, options)
}

/// Lints `migrations` replayed from `session` (e.g. a prelude already applied).
pub fn lint_from(mut session: Session, migrations: &[Migration], options: &ReplayOptions) -> LintReport {
    let mut statements = Vec::new();
    let mut bounds = Vec::new();
    for (index, m) in migrations.iter().enumerate() {
        let start = session.catalog.clone();
        let failed = replay_collect(&mut session, m, index, &mut statements);
        bounds.push((start, session.catalog.clone()));
        if failed && options.on_error == OnError::Stop {
            break;
        }
    }
    let mut findings = Vec::new();
    for (i, s) in statements.iter().enumerate() {
        let Some(node) = &s.node else { continue };
        let m = &migrations[s.migration];
        let (start, end) = &bounds[s.migration];
        let later_start =
            statements[i..].iter().position(|l| l.migration != s.migration).map_or(statements.len(), |p| p + i);
        let ctx = StatementCtx {
            node,
            text: &s.text,
            before: &s.before,
            after: &s.after,
            migration_start: start,
            migration_end: end,
            search_path: &s.search_path,
            in_block: s.in_block,
            later: &statements[later_start..],
            migrations,
            earlier: &statements[..i],
            migration: s.migration,
        };
        let preceding = preceding_comments(&m.sql, s.offset);
        let mut codes = ignored_codes(&preceding, "schemasim-ignore");
        codes.extend(ignored_codes(&s.text, "schemasim-ignore"));
        let file_codes = ignored_codes(&m.sql, "schemasim-ignore-file");
        let (line, column) = crate::parse::line_column(&m.sql, s.offset);
        for rule in RULES.iter().filter(|r| s.ok || r.on_failed) {
            for message in (rule.check)(&ctx) {
                findings.push(Finding {
                    code: rule.code.into(),
                    rule: rule.name.into(),
                    severity: rule.severity,
                    migration: m.name.clone(),
                    path: m.path.clone(),
                    line,
                    column,
                    message,
                    suppressed: suppressed(&codes, rule.code) || suppressed(&file_codes, rule.code),
                });
            }
        }
    }
    LintReport { findings, migrations_linted: bounds.len() }
}

/// The comment lines directly above a statement (up to the previous statement or a blank line).
fn preceding_comments(sql: &str, offset: usize) -> String {
    let before = sql.get(..offset).unwrap_or("");
    let mut lines: Vec<&str> = Vec::new();
    for line in before.lines().rev() {
        let t = line.trim();
        if t.starts_with("--") || t.starts_with("/*") || t.starts_with('*') {
            lines.push(t);
        } else if t.is_empty() && lines.is_empty() {
            continue;
        } else {
            break;
        }
    }
    lines.join("\n")
}

/// Replays one migration as [`crate::run_migration`] does, keeping each statement with the
/// schema before and after it and the session state it ran in. Returns whether it failed.
fn replay_collect(session: &mut Session, m: &Migration, index: usize, out: &mut Vec<Replayed>) -> bool {
    let parsed = crate::parse::parse_file(&m.sql);
    if m.transaction {
        session.begin();
    }
    let mut failed = false;
    for p in &parsed {
        let before = session.catalog.clone();
        let search_path = session.search_path.clone();
        let in_block = session.in_block();
        let text = p.text(&m.sql).to_string();
        let ok = session.execute_parsed(p, &m.sql).0.is_ok();
        out.push(Replayed {
            migration: index,
            offset: p.offset,
            node: p.node.as_ref().ok().cloned(),
            text,
            ok,
            before,
            after: session.catalog.clone(),
            search_path,
            in_block,
        });
        if !ok {
            failed = true;
            break;
        }
    }
    if failed || !m.transaction {
        session.rollback();
    } else {
        session.end();
    }
    failed
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Lints files given as SQL texts (each its own transactional migration).
    pub fn lint_sql(files: &[&str]) -> Vec<Finding> {
        let migrations: Vec<Migration> = files
            .iter()
            .enumerate()
            .map(|(i, sql)| Migration {
                name: format!("{:03}", i + 1),
                path: format!("{:03}.sql", i + 1),
                sql: sql.to_string(),
                transaction: true,
            })
            .collect();
        lint(&migrations, &ReplayOptions::default()).findings
    }

    /// The codes of the unsuppressed findings.
    pub fn codes(files: &[&str]) -> Vec<String> {
        lint_sql(files).into_iter().filter(|f| !f.suppressed).map(|f| f.code).collect()
    }

    /// `codes` restricted to one rule.
    pub fn count(files: &[&str], code: &str) -> usize {
        codes(files).iter().filter(|c| *c == code).count()
    }

    #[test]
    fn comments_suppress_findings() {
        let base = "CREATE TABLE t (id int, a int);";
        assert_eq!(count(&[base, "ALTER TABLE t DROP COLUMN a;"], "SS102"), 1);
        assert_eq!(count(&[base, "-- schemasim-ignore: SS102\nALTER TABLE t DROP COLUMN a;"], "SS102"), 0);
        assert_eq!(
            count(
                &[base, "-- schemasim-ignore: ss101, SS102 (copied to t2 first)\nALTER TABLE t DROP COLUMN a;"],
                "SS102"
            ),
            0
        );
        assert_eq!(count(&[base, "ALTER TABLE t DROP COLUMN a /* schemasim-ignore: all */;"], "SS102"), 0);
        assert_eq!(
            count(&[base, "-- schemasim-ignore-file: SS102\nSELECT 1;\nALTER TABLE t DROP COLUMN a;"], "SS102"),
            0
        );
        // Another code, or a comment above an earlier statement, does not count.
        assert_eq!(count(&[base, "-- schemasim-ignore: SS101\nALTER TABLE t DROP COLUMN a;"], "SS102"), 1);
        assert_eq!(count(&[base, "-- schemasim-ignore: SS102\nSELECT 1;\nALTER TABLE t DROP COLUMN a;"], "SS102"), 1);
        let f = lint_sql(&[base, "-- schemasim-ignore: SS102\nALTER TABLE t DROP COLUMN a;"]);
        assert!(f.iter().any(|f| f.code == "SS102" && f.suppressed && f.line == 2));
    }

    #[test]
    fn relation_names_are_told_from_aliases() {
        let body = "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN \
                    INSERT INTO s._jobs AS jobs VALUES (1) ON CONFLICT (id) DO UPDATE SET n = jobs.n + 1; END $$";
        assert!(!names_relation(body, "jobs"));
        assert!(names_relation(body, "_jobs"));
        assert!(names_relation("SELECT * FROM \"s\".jobs j", "jobs"));
        assert!(names_relation("DROP TABLE IF EXISTS jobs", "jobs"));
        assert!(!names_relation("SELECT jobs FROM t", "jobs"));
    }

    #[test]
    fn tokens_include_function_bodies() {
        let runs = token_runs("CREATE FUNCTION f() RETURNS int AS $$ SELECT \"Old\" FROM accounts $$ LANGUAGE sql");
        assert!(runs.iter().any(|r| r.iter().any(|t| t == "Old") && r.iter().any(|t| t == "accounts")));
        assert!(!runs.iter().flatten().any(|t| t == "old"));
    }

    #[test]
    fn rule_codes_are_unique() {
        let all = rules();
        let unique: BTreeSet<&str> = all.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(unique.len(), all.len());
    }
}
