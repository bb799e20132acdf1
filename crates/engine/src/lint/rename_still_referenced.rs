//! SS301 rename-still-referenced: `ALTER TABLE ... RENAME TO` or `RENAME COLUMN` of an object
//! that existed before this migration, while something still uses the old name. For a table: a
//! function body at the end of the migration that names it where a relation goes (`FROM old`,
//! `JOIN`, `INTO`, `UPDATE`, `TABLE`; PostgreSQL keeps PL/pgSQL and string SQL bodies as text
//! and does not rewrite them), or a later migration's statement that does, until the name is
//! taken again. For a column: a trigger function of its table that reads or sets
//! `NEW.old`/`OLD.old` (compiled only when the trigger fires).
//!
//! Why: views, constraints, indexes and policies follow a rename, function bodies and
//! application code do not. They fail at their next call with `relation "old" does not exist`
//! or `column "old" does not exist`, not when the migration runs.
//!
//! Example: `ALTER TABLE iso_agents RENAME TO users;` while `get_current_iso_agent_id()`
//! still reads `FROM iso_agents`.

use super::{names_relation, token_runs, Rule, Severity, StatementCtx};
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
            let mut users: Vec<String> = if taken(end) {
                Vec::new()
            } else {
                end.functions
                    .values()
                    .filter(|f| f.extension.is_none() && names_relation(&f.definition, &old))
                    .map(|f| format!("function {}", f.key))
                    .collect()
            };
            for s in ctx.later {
                if taken(&s.after) {
                    break;
                }
                if names_relation(&s.text, &old) {
                    users.push(ctx.location(s));
                }
            }
            (format!("table {qn}"), users)
        }
        ObjectType::ObjectColumn => {
            let old = stmt.subname.clone();
            if table.column(&old).is_none() || ctx.migration_start.table(&qn).and_then(|t| t.column(&old)).is_none() {
                return Vec::new();
            }
            // Later statements naming the column fail in the replay itself; trigger functions
            // are only compiled when they fire.
            let users: Vec<String> = match same_table(end, seq) {
                Some(t) if t.column(&old).is_none() => t
                    .triggers
                    .iter()
                    .filter_map(|tr| end.functions.values().find(|f| f.key.name == tr.function))
                    .filter(|f| row_field_used(&f.definition, &old))
                    .map(|f| format!("trigger function {}", f.key))
                    .collect(),
                _ => Vec::new(),
            };
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

/// Does a trigger function read or set `NEW.column` / `OLD.column`?
fn row_field_used(definition: &str, column: &str) -> bool {
    token_runs(definition)
        .iter()
        .any(|run| run.windows(3).any(|w| (w[0] == "new" || w[0] == "old") && w[1] == "." && w[2] == column))
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
        // An alias of the same name is no use of the table.
        let alias = "CREATE TABLE agents (id int, name text); \
                     CREATE FUNCTION n() RETURNS bigint LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT count(*) FROM users agents); END $$;";
        assert_eq!(count(&[alias, "ALTER TABLE agents RENAME TO people;"], "SS301"), 0);
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
        // Renamed back in the same migration: nothing is left using a missing name.
        let back =
            "ALTER TABLE t RENAME COLUMN touched TO updated_at; ALTER TABLE t RENAME COLUMN updated_at TO touched;";
        assert_eq!(count(&[base, back], "SS301"), 0);
    }
}
