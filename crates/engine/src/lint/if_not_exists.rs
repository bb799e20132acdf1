//! SS001 if-not-exists-skips-definition: `CREATE TABLE IF NOT EXISTS`, `CREATE INDEX IF NOT
//! EXISTS` or `ADD COLUMN IF NOT EXISTS` skipped because the object exists, while the skipped
//! definition differs from the existing object: columns, types, defaults, NOT NULL,
//! constraints, triggers or policies the statement declares and the database does not have (or
//! the other way round). Column order alone is not reported.
//!
//! Why: PostgreSQL only checks the name. It prints a NOTICE and moves on, so a "consolidated
//! baseline" re-declaring a table with columns an unapplied migration was supposed to add
//! leaves the table without them, silently, and the application fails later
//! (`column "status" of relation "users" does not exist`).
//!
//! Example: 001 creates `users (id, email)`; 200 runs
//! `CREATE TABLE IF NOT EXISTS users (id ..., email ..., status varchar(20) DEFAULT 'active')`:
//! skipped, `status` does not exist.

use super::{alter_table, column_def, subtype, Rule, Severity, StatementCtx};
use crate::Session;
use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName, Relation};
use std::collections::BTreeMap;

pub(super) const RULE: Rule = Rule {
    code: "SS001",
    name: "if-not-exists-skips-definition",
    severity: Severity::Error,
    summary: "IF NOT EXISTS skipped a definition that differs from the existing object",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    match ctx.node {
        NodeEnum::CreateStmt(s) if s.if_not_exists => {
            let Some(rv) = s.relation.as_ref() else { return Vec::new() };
            let Some(qn) = ctx.resolve_rv(rv) else { return Vec::new() };
            if ctx.before.table(&qn).is_none() {
                return Vec::new();
            }
            let mut stmt = s.clone();
            stmt.if_not_exists = false;
            let scratch = without_table(ctx.before, &qn);
            let differences = compare_as_declared(ctx, scratch, NodeEnum::CreateStmt(stmt), |o| belongs_to(o, &qn));
            report(&existing(ctx, "table", &qn), differences)
        }
        NodeEnum::IndexStmt(s) if s.if_not_exists && !s.idxname.is_empty() => {
            let Some(rv) = s.relation.as_ref() else { return Vec::new() };
            let Some(table) = ctx.resolve_rv(rv) else { return Vec::new() };
            let qn = QualName::new(&table.schema, &s.idxname);
            if !matches!(ctx.before.relations.get(&qn), Some(Relation::Index(_))) {
                return Vec::new();
            }
            let mut stmt = s.clone();
            stmt.if_not_exists = false;
            let mut scratch = ctx.before.clone();
            scratch.relations.remove(&qn);
            let key = format!("index {qn}");
            let differences = compare_as_declared(ctx, scratch, NodeEnum::IndexStmt(stmt), |o| o == key);
            report(&existing(ctx, "index", &qn), differences)
        }
        NodeEnum::AlterTableStmt(_) => add_column_if_not_exists(ctx),
        _ => Vec::new(),
    }
}

/// `table public.users (created by 001_create_users)`.
fn existing(ctx: &StatementCtx<'_>, noun: &str, qn: &QualName) -> String {
    match ctx.created_by(qn) {
        Some(m) => format!("{noun} {qn} (created by {m})"),
        None => format!("{noun} {qn}"),
    }
}

fn add_column_if_not_exists(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some(qn) = ctx.resolve_rv(rv) else { return Vec::new() };
    let Some(table) = ctx.before.table(&qn) else { return Vec::new() };
    let skipped: Vec<String> = cmds
        .iter()
        .filter(|c| subtype(c) == AlterTableType::AtAddColumn && c.missing_ok)
        .filter_map(|c| column_def(c))
        .filter(|c| table.column(&c.colname).is_some())
        .map(|c| c.colname.clone())
        .collect();
    if skipped.is_empty() {
        return Vec::new();
    }
    let mut scratch = ctx.before.clone();
    if let Some(t) = scratch.table_mut(&qn) {
        t.columns.retain(|c| !skipped.contains(&c.name));
    }
    let mut stmt = match ctx.node {
        NodeEnum::AlterTableStmt(s) => s.clone(),
        _ => return Vec::new(),
    };
    for c in &mut stmt.cmds {
        if let Some(NodeEnum::AlterTableCmd(cmd)) = c.node.as_mut() {
            cmd.missing_ok = false;
        }
    }
    let keys: Vec<String> = skipped.iter().map(|c| format!("column {c} of table {qn}")).collect();
    let differences =
        compare_as_declared(ctx, scratch, NodeEnum::AlterTableStmt(stmt), |o| keys.iter().any(|k| k == o));
    report(&format!("column(s) {} of {qn}", skipped.join(", ")), differences)
}

/// `before` without table `qn`, its indexes and the sequences its columns own, so the table can
/// be created again under the same names.
fn without_table(before: &Catalog, qn: &QualName) -> Catalog {
    let mut scratch = before.clone();
    let dependent: Vec<QualName> = scratch
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Index(i) if &i.table == qn => Some(i.name.clone()),
            Relation::Sequence(s) if s.owned_by.as_ref().is_some_and(|(t, _)| t == qn) => Some(s.name.clone()),
            _ => None,
        })
        .collect();
    for d in dependent.iter().chain(std::iter::once(qn)) {
        scratch.relations.remove(d);
    }
    scratch
}

/// Is this diff object part of table `qn` (the table, its columns, constraints, triggers...)?
fn belongs_to(object: &str, qn: &QualName) -> bool {
    let t = qn.to_string();
    object == format!("table {t}")
        || object.ends_with(&format!(" of table {t}")) && !object.starts_with("column order of ")
        || object.ends_with(&format!(" on table {t}"))
}

/// Runs the statement as declared (without IF NOT EXISTS) on `scratch` and compares the objects
/// `relevant` selects with the existing ones: `(object, existing, declared)`.
fn compare_as_declared(
    ctx: &StatementCtx<'_>,
    scratch: Catalog,
    node: NodeEnum,
    relevant: impl Fn(&str) -> bool,
) -> Vec<(String, Option<String>, Option<String>)> {
    let mut session = Session::new(scratch);
    session.search_path = ctx.search_path.to_vec();
    if session.execute(&node, ctx.text).0.is_err() {
        return Vec::new();
    }
    let texts = |c: &Catalog| -> BTreeMap<String, String> {
        crate::diff::object_texts(&crate::canon::catalog(c)).into_iter().filter(|(k, _)| relevant(k)).collect()
    };
    let existing = texts(ctx.before);
    let declared = texts(&session.catalog);
    let mut out = Vec::new();
    for (k, v) in &existing {
        if declared.get(k) != Some(v) {
            out.push((k.clone(), Some(v.clone()), declared.get(k).cloned()));
        }
    }
    for (k, v) in &declared {
        if !existing.contains_key(k) {
            out.push((k.clone(), None, Some(v.clone())));
        }
    }
    out
}

fn report(what: &str, differences: Vec<(String, Option<String>, Option<String>)>) -> Vec<String> {
    if differences.is_empty() {
        return Vec::new();
    }
    let parts: Vec<String> = differences
        .iter()
        .map(|(object, existing, declared)| match (existing, declared) {
            (None, Some(d)) => format!("{object} is declared ({}) but does not exist", one_line(d)),
            (Some(_), None) => format!("{object} exists but is not declared"),
            (Some(e), Some(d)) => format!("{object} is {} but declared {}", one_line(e), one_line(d)),
            (None, None) => object.clone(),
        })
        .collect();
    vec![format!("IF NOT EXISTS skips {what}, which exists with another definition: {}", parts.join("; "))]
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::{count, lint_sql};

    const USERS: &str = "CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);";

    #[test]
    fn a_skipped_table_with_other_columns_is_reported() {
        let baseline = "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY, email text NOT NULL, \
                        status varchar(20) DEFAULT 'active' CHECK (status IN ('active', 'suspended')));";
        let f = lint_sql(&[USERS, baseline]);
        let found: Vec<_> = f.iter().filter(|f| f.code == "SS001").collect();
        assert_eq!(found.len(), 1, "{f:?}");
        assert!(found[0].message.contains("column status of table public.users is declared"), "{}", found[0].message);
        assert!(found[0].message.contains("skips table public.users (created by 001)"), "{}", found[0].message);
        assert!(found[0].message.contains("constraint users_status_check"), "{}", found[0].message);
        // The same definition (column order aside) is no finding.
        let same = "CREATE TABLE IF NOT EXISTS users (email text NOT NULL, id int PRIMARY KEY);";
        assert_eq!(count(&[USERS, same], "SS001"), 0);
        // A type or nullability difference is.
        let other = "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);";
        assert_eq!(count(&[USERS, other], "SS001"), 1);
        // Created by the statement: nothing skipped.
        assert_eq!(count(&["CREATE TABLE IF NOT EXISTS t (id serial PRIMARY KEY);"], "SS001"), 0);
    }

    #[test]
    fn serial_columns_and_indexes_are_compared_under_their_own_names() {
        let t = "CREATE TABLE t (id serial PRIMARY KEY, a int);";
        assert_eq!(count(&[t, "CREATE TABLE IF NOT EXISTS t (id serial PRIMARY KEY, a int);"], "SS001"), 0);
        let i = "CREATE INDEX i ON t (a);";
        assert_eq!(count(&[t, i, "CREATE INDEX IF NOT EXISTS i ON t (a);"], "SS001"), 0);
        assert_eq!(count(&[t, i, "CREATE INDEX IF NOT EXISTS i ON t (id, a);"], "SS001"), 1);
    }

    #[test]
    fn add_column_if_not_exists_with_another_type() {
        assert_eq!(count(&[USERS, "ALTER TABLE users ADD COLUMN IF NOT EXISTS email varchar(20);"], "SS001"), 1);
        assert_eq!(count(&[USERS, "ALTER TABLE users ADD COLUMN IF NOT EXISTS email text NOT NULL;"], "SS001"), 0);
    }
}
