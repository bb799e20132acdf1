//! SS301 rename-still-referenced: `ALTER TABLE ... RENAME TO` or `RENAME COLUMN` of an object
//! that existed before this migration, while something still uses the old name: a function
//! body at the end of the migration (PostgreSQL stores PL/pgSQL and string SQL bodies as text
//! and does not rewrite them; for a column, the trigger functions of its table or functions
//! naming the table), or a statement of a later migration before the old name is taken again
//! (re-created, renamed back) or the object is gone.
//!
//! Why: views, constraints, indexes and policies follow a rename, function bodies and
//! application code do not. They fail at their next call with `relation "old" does not exist`
//! or `column "old" does not exist`, not when the migration runs.
//!
//! Example: `ALTER TABLE iso_agents RENAME TO users;` while `get_current_iso_agent_id()`
//! still reads `FROM iso_agents`.

use super::{identifiers, Replayed, Rule, Severity, StatementCtx};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName, Table};

pub(super) const RULE: Rule = Rule {
    code: "SS301",
    name: "rename-still-referenced",
    severity: Severity::Warning,
    summary: "RENAME of a table or column that function bodies or later migrations still reference by the old name",
    on_failed: false,
    check,
};

/// The same table in another state (found by its creation sequence, whatever its name).
fn same_table(catalog: &Catalog, seq: u64) -> Option<&Table> {
    catalog.relations.values().find_map(|r| match r {
        schemasim_catalog::Relation::Table(t) if t.seq == seq => Some(t),
        _ => None,
    })
}

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::RenameStmt(stmt) = ctx.node else { return Vec::new() };
    let Some(rv) = stmt.relation.as_ref() else { return Vec::new() };
    let Some((qn, table)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let seq = table.seq;
    let kind = ObjectType::try_from(stmt.rename_type).unwrap_or(ObjectType::Undefined);
    let end = ctx.migration_end;
    let (old, users) = match kind {
        ObjectType::ObjectTable => {
            let old = qn.name.clone();
            // A relation of that name again (re-created or renamed back) takes the name over.
            let taken = |c: &Catalog| c.relations.contains_key(&QualName::new(&qn.schema, &old));
            let mut users = if taken(end) { Vec::new() } else { functions_using(end, |ids| ids.contains(&old)) };
            users.extend(later_uses(ctx, |s| taken(&s.after), |s, ids| !taken(&s.before) && ids.contains(&old)));
            (format!("table {qn}"), users)
        }
        ObjectType::ObjectColumn => {
            let old = stmt.subname.clone();
            if table.column(&old).is_none() || ctx.migration_start.table(&qn).and_then(|t| t.column(&old)).is_none() {
                return Vec::new();
            }
            let has_old = |c: &Catalog| same_table(c, seq).is_some_and(|t| t.column(&old).is_some());
            let end_table = same_table(end, seq);
            let triggers: Vec<QualName> =
                end_table.map(|t| t.triggers.iter().map(|tr| tr.function.clone()).collect()).unwrap_or_default();
            let name_now = end_table.map(|t| t.name.name.clone()).unwrap_or_default();
            let mut users: Vec<String> = if has_old(end) || end_table.is_none() {
                Vec::new()
            } else {
                end.functions
                    .values()
                    .filter(|f| f.extension.is_none())
                    .filter(|f| {
                        let ids = identifiers(&f.definition);
                        ids.contains(&old) && (triggers.contains(&f.key.name) || ids.contains(&name_now))
                    })
                    .map(|f| format!("function {}", f.key))
                    .collect()
            };
            users.extend(later_uses(
                ctx,
                |s| has_old(&s.after) || same_table(&s.after, seq).is_none(),
                |s, ids| same_table(&s.before, seq).is_some_and(|t| ids.contains(&old) && ids.contains(&t.name.name)),
            ));
            (format!("column {qn}.{old}"), users)
        }
        _ => return Vec::new(),
    };
    if users.is_empty() {
        return Vec::new();
    }
    let shown: Vec<&str> = users.iter().take(5).map(String::as_str).collect();
    let more = if users.len() > 5 { format!(" and {} more", users.len() - 5) } else { String::new() };
    vec![format!("renames {old} to {}, but {}{more} still use the old name", stmt.newname, shown.join(", "))]
}

fn functions_using(catalog: &Catalog, uses: impl Fn(&std::collections::BTreeSet<String>) -> bool) -> Vec<String> {
    catalog
        .functions
        .values()
        .filter(|f| f.extension.is_none() && uses(&identifiers(&f.definition)))
        .map(|f| format!("function {}", f.key))
        .collect()
}

/// Later statements that use the old name, as `path:line`, up to the statement after which
/// the old name means something again (`reused`: re-created, renamed back, or gone).
fn later_uses(
    ctx: &StatementCtx<'_>,
    reused: impl Fn(&Replayed) -> bool,
    uses: impl Fn(&Replayed, &std::collections::BTreeSet<String>) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for s in ctx.later {
        if reused(s) {
            break;
        }
        if uses(s, &identifiers(&s.text)) {
            out.push(ctx.location(s));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::{count, lint_sql};

    #[test]
    fn function_bodies_and_later_migrations_using_the_old_name() {
        let base = "CREATE TABLE agents (id int, name text); \
                    CREATE FUNCTION agent_count() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM agents); END $$;";
        let f = lint_sql(&[base, "ALTER TABLE agents RENAME TO users;"]);
        let found: Vec<_> = f.iter().filter(|f| f.code == "SS301").collect();
        assert_eq!(found.len(), 1, "{f:?}");
        assert!(found[0].message.contains("function agent_count()"), "{}", found[0].message);
        // A later migration naming the old table.
        let plain = "CREATE TABLE agents (id int, name text);";
        assert_eq!(count(&[plain, "ALTER TABLE agents RENAME TO users;", "DROP TABLE IF EXISTS agents;"], "SS301"), 1);
        // Nothing uses it, or the name is taken again.
        assert_eq!(count(&[plain, "ALTER TABLE agents RENAME TO users;", "SELECT * FROM users;"], "SS301"), 0);
        assert_eq!(
            count(
                &[plain, "ALTER TABLE agents RENAME TO users; CREATE TABLE agents (id int);", "SELECT * FROM agents;"],
                "SS301"
            ),
            0
        );
    }

    #[test]
    fn trigger_functions_using_a_renamed_column() {
        let base = "CREATE TABLE t (id int, touched timestamptz); \
                    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.touched := now(); RETURN NEW; END $$; \
                    CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION touch();";
        assert_eq!(count(&[base, "ALTER TABLE t RENAME COLUMN touched TO updated_at;"], "SS301"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t RENAME COLUMN id TO key;"], "SS301"), 0);
        // Renamed back later: the later statement restores the name, it does not use it.
        let back = "ALTER TABLE t RENAME COLUMN updated_at TO touched;";
        assert_eq!(count(&[base, "ALTER TABLE t RENAME COLUMN touched TO updated_at;", back], "SS301"), 1);
        let plain = "CREATE TABLE t (id int, touched timestamptz);";
        assert_eq!(count(&[plain, "ALTER TABLE t RENAME COLUMN touched TO updated_at;", back], "SS301"), 0);
    }
}
