//! SS201 alter-column-type: `ALTER COLUMN ... TYPE` on a table that existed before this
//! migration, when PostgreSQL must rewrite the table.
//!
//! Why: the table is rewritten (and its indexes rebuilt) under an ACCESS EXCLUSIVE lock: no
//! reads or writes until it finishes. Changes PostgreSQL makes without a rewrite are not
//! flagged: `varchar(n)` to a longer `varchar` or to `text`, dropping a length or a numeric
//! precision limit, raising a numeric precision at the same scale. `timestamp` to `timestamptz`
//! is reported with its condition: PostgreSQL skips that rewrite when the TimeZone is UTC.
//!
//! Example: `ALTER TABLE events ALTER COLUMN id TYPE bigint;` on a large table.

use super::{alter_table, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::AlterTableType;

pub(super) const RULE: Rule = Rule {
    code: "SS201",
    name: "alter-column-type",
    severity: Severity::Warning,
    summary: "ALTER COLUMN TYPE that rewrites an existing table under an ACCESS EXCLUSIVE lock",
    on_failed: false,
    check,
};

/// What changing a column from one type to another does.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TypeChange {
    Same,
    /// Binary compatible: no rewrite, no data lost.
    NoRewrite,
    /// Values may be cut or no longer fit (and the table is rewritten or rechecked).
    Narrowing,
    Rewrite,
}

/// `character varying(20)` → (`character varying`, [20]).
fn split(t: &str) -> (&str, Vec<i64>) {
    match t.split_once('(') {
        Some((base, rest)) => {
            let mods = rest.trim_end_matches(')').split(',').filter_map(|m| m.trim().parse().ok()).collect();
            (base.trim(), mods)
        }
        None => (t.trim(), Vec::new()),
    }
}

fn int_width(base: &str) -> Option<u8> {
    match base {
        "smallint" => Some(2),
        "integer" => Some(4),
        "bigint" => Some(8),
        _ => None,
    }
}

pub(super) fn type_change(old: &str, new: &str) -> TypeChange {
    if old == new {
        return TypeChange::Same;
    }
    let (ob, om) = split(old);
    let (nb, nm) = split(new);
    let text_like = |b: &str| b == "text" || b == "character varying";
    match (ob, nb) {
        (o, n) if text_like(o) && text_like(n) => match (om.first(), nm.first()) {
            (_, None) => TypeChange::NoRewrite,
            (Some(a), Some(b)) if b >= a => TypeChange::NoRewrite,
            _ => TypeChange::Narrowing,
        },
        ("character", n) if text_like(n) => TypeChange::Rewrite,
        (o, "character") if text_like(o) || o == "character" => TypeChange::Narrowing,
        ("numeric", "numeric") => match (om.as_slice(), nm.as_slice()) {
            (_, []) => TypeChange::NoRewrite,
            ([], _) => TypeChange::Narrowing,
            (o, n) => {
                let (op, os) = (o[0], o.get(1).copied().unwrap_or(0));
                let (np, ns) = (n[0], n.get(1).copied().unwrap_or(0));
                if ns == os && np >= op {
                    TypeChange::NoRewrite
                } else if ns < os || np - ns < op - os {
                    TypeChange::Narrowing
                } else {
                    TypeChange::Rewrite
                }
            }
        },
        (o, n) if int_width(o).is_some() && int_width(n).is_some() => {
            if int_width(n) < int_width(o) {
                TypeChange::Narrowing
            } else {
                TypeChange::Rewrite
            }
        }
        ("double precision", "real") => TypeChange::Narrowing,
        ("numeric" | "double precision" | "real", n) if int_width(n).is_some() => TypeChange::Narrowing,
        ("cidr", "inet") => TypeChange::NoRewrite,
        _ => TypeChange::Rewrite,
    }
}

/// `(column, old type, new type)` of each ALTER COLUMN TYPE on a column that existed before
/// the migration.
pub(super) fn type_changes(ctx: &StatementCtx<'_>) -> Vec<(String, String, String)> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some((qn, before)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let (Some(start), Some(after)) = (ctx.migration_start.table(&qn), ctx.after.table(&qn)) else { return Vec::new() };
    cmds.iter()
        .filter(|c| subtype(c) == AlterTableType::AtAlterColumnType)
        .filter(|c| start.column(&c.name).is_some())
        .filter_map(|c| {
            let old = before.column(&c.name)?;
            let new = after.column(&c.name)?;
            Some((format!("{qn}.{}", c.name), old.type_name.clone(), new.type_name.clone()))
        })
        .collect()
}

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    type_changes(ctx)
        .into_iter()
        .filter(|(_, old, new)| matches!(type_change(old, new), TypeChange::Rewrite | TypeChange::Narrowing))
        .map(|(column, old, new)| {
            // PostgreSQL 12+ skips the rewrite for this one when the session's TimeZone is UTC.
            let unless = if old == "timestamp without time zone" && new == "timestamp with time zone" {
                " (unless the session TimeZone is UTC)"
            } else {
                ""
            };
            format!(
                "changes {column} from {old} to {new}: the table is rewritten under an ACCESS EXCLUSIVE lock{unless}"
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{type_change, TypeChange};
    use crate::lint::tests::count;

    #[test]
    fn classifies_type_changes() {
        assert_eq!(type_change("character varying(20)", "character varying(40)"), TypeChange::NoRewrite);
        assert_eq!(type_change("character varying(20)", "text"), TypeChange::NoRewrite);
        assert_eq!(type_change("text", "character varying(10)"), TypeChange::Narrowing);
        assert_eq!(type_change("numeric(10,2)", "numeric(12,2)"), TypeChange::NoRewrite);
        assert_eq!(type_change("numeric(10,2)", "numeric(10,1)"), TypeChange::Narrowing);
        assert_eq!(type_change("integer", "bigint"), TypeChange::Rewrite);
        assert_eq!(type_change("bigint", "integer"), TypeChange::Narrowing);
        assert_eq!(type_change("text", "jsonb"), TypeChange::Rewrite);
    }

    #[test]
    fn flags_rewrites_of_existing_tables() {
        let base = "CREATE TABLE t (id int, name varchar(20));";
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN id TYPE bigint;"], "SS201"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ALTER COLUMN name TYPE varchar(50);"], "SS201"), 0);
        assert_eq!(count(&["CREATE TABLE t (id int); ALTER TABLE t ALTER COLUMN id TYPE bigint;"], "SS201"), 0);
    }
}
