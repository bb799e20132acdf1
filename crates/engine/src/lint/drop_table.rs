//! SS101 drop-table: `DROP TABLE` of a table that existed before this migration.
//!
//! Why: its rows are gone, and a rollback can re-create the table but not the data. A table
//! created earlier in the same migration is not flagged (it holds nothing yet).
//!
//! Not flagged either: a table whose rows an earlier statement of the same migration copied into
//! a table that outlives the migration (`INSERT INTO t2 SELECT ... FROM t`, `UPDATE t2 ... FROM t`,
//! `CREATE TABLE t2 AS SELECT ... FROM t`, `MERGE INTO t2 USING t`):
//! the rows were moved, not lost, which is how tables are merged or split. Such a copy is
//! trusted as the author's intent (a `WHERE` may leave out rows on purpose, e.g. defaults), except
//! when a `LIMIT`/`OFFSET` in it keeps only part of the rows: then the drop is still flagged. A
//! copy made by an earlier migration does not count, since the application may have written rows
//! between the two deploys; neither does a copy into a temporary table, or one inside a function
//! or DO block (not read here).
//!
//! Example: `DROP TABLE legacy_orders;` in 0042, where 0007 created `legacy_orders`.

use super::{drop_objects, resolve_in, Replayed, Rule, Severity, StatementCtx};
use pg_query::protobuf::{ObjectType, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, Persistence, Relation};

pub(super) const RULE: Rule = Rule {
    code: "SS101",
    name: "drop-table",
    severity: Severity::Warning,
    summary: "DROP TABLE of a table that existed before the migration (its data is lost)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::DropStmt(stmt) = ctx.node else { return Vec::new() };
    if stmt.remove_type != ObjectType::ObjectTable as i32 {
        return Vec::new();
    }
    drop_objects(stmt)
        .iter()
        .filter_map(|(schema, name)| ctx.resolve(schema, name))
        .filter(|qn| ctx.existing_table(qn).is_some())
        .filter(|qn| !moved_earlier(ctx, qn))
        .map(|qn| format!("drops table {qn}, which existed before this migration: its rows are lost"))
        .collect()
}

/// Did an earlier statement of this migration copy the rows of `qn` (as it is now) into a
/// permanent table that still exists when the migration ends?
fn moved_earlier(ctx: &StatementCtx<'_>, qn: &schemasim_catalog::QualName) -> bool {
    let Some(seq) = ctx.before.relations.get(qn).map(Relation::seq) else { return false };
    ctx.earlier_in_migration().iter().filter(|s| s.ok).any(|s| copies_rows(s, seq, ctx.migration_end))
}

/// Whether statement `s` reads relation `seq` as a source of rows written into another
/// permanent table that `end` still has, without a LIMIT/OFFSET.
fn copies_rows(s: &Replayed, seq: u64, end: &Catalog) -> bool {
    let Some(node) = &s.node else { return false };
    let Some((target, sources)) = copy_parts(node) else { return false };
    // CREATE TABLE AS makes its target: it is looked up after the statement.
    let Some(target) = resolve_in(&s.after, &s.search_path, &target.schemaname, &target.relname) else {
        return false;
    };
    let target_ok = match s.after.relations.get(&target) {
        Some(Relation::Table(t)) => {
            t.seq != seq && t.persistence != Persistence::Temporary && end.relations.values().any(|r| r.seq() == t.seq)
        }
        _ => false,
    };
    if !target_ok {
        return false;
    }
    let mut ctes = Vec::new();
    let mut selects = Vec::new();
    let mut rvs = Vec::new();
    for v in &sources {
        crate::expr::find_in(v, "ctename", &mut ctes);
        crate::expr::find_in(v, "SelectStmt", &mut selects);
        crate::expr::find_in(v, "RangeVar", &mut rvs);
    }
    let set = |v: &serde_json::Value, k: &str| v.get(k).is_some_and(|x| !x.is_null());
    if selects.iter().any(|sel| set(sel, "limit_count") || set(sel, "limit_offset")) {
        return false;
    }
    let ctes: Vec<&str> = ctes.iter().filter_map(|c| c.as_str()).collect();
    rvs.iter().any(|rv| {
        let get = |k: &str| rv.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let (schema, name) = (get("schemaname"), get("relname"));
        if schema.is_empty() && ctes.contains(&name) {
            return false;
        }
        resolve_in(&s.before, &s.search_path, schema, name)
            .and_then(|q| s.before.relations.get(&q))
            .is_some_and(|r| r.seq() == seq)
    })
}

/// The table a statement writes rows into and the parts of it that supply them (serde form): an
/// UPDATE's WHERE only picks rows, so a table read there is not copied.
fn copy_parts(node: &NodeEnum) -> Option<(&RangeVar, Vec<serde_json::Value>)> {
    fn val<T: serde::Serialize>(x: &T) -> Option<serde_json::Value> {
        serde_json::to_value(x).ok()
    }
    let (target, parts) = match node {
        NodeEnum::InsertStmt(s) => (s.relation.as_ref()?, vec![val(&s.select_stmt), val(&s.with_clause)]),
        NodeEnum::UpdateStmt(s) => {
            (s.relation.as_ref()?, vec![val(&s.from_clause), val(&s.target_list), val(&s.with_clause)])
        }
        NodeEnum::MergeStmt(s) => (s.relation.as_ref()?, vec![val(&s.source_relation), val(&s.with_clause)]),
        NodeEnum::CreateTableAsStmt(s) if s.objtype == ObjectType::ObjectTable as i32 => {
            (s.into.as_ref()?.rel.as_ref()?, vec![val(&s.query)])
        }
        _ => return None,
    };
    Some((target, parts.into_iter().flatten().collect()))
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_only_tables_from_earlier_migrations() {
        assert_eq!(count(&["CREATE TABLE t (id int);", "DROP TABLE t;"], "SS101"), 1);
        assert_eq!(count(&["CREATE TABLE t (id int); DROP TABLE t;"], "SS101"), 0);
        assert_eq!(count(&["CREATE TABLE t (id int);", "DROP TABLE IF EXISTS u;"], "SS101"), 0);
        // Re-created in this migration: the dropped table is the new one.
        assert_eq!(
            count(&["CREATE TABLE t (id int);", "DROP TABLE t; CREATE TABLE t (id int); DROP TABLE t;"], "SS101"),
            1
        );
    }

    #[test]
    fn rows_copied_earlier_in_the_migration_are_not_lost() {
        let base = "CREATE TABLE old (id int, a text); CREATE TABLE keep (id int, a text);";
        let flagged = |sql: &str| count(&[base, sql], "SS101");
        // Merged into another table, by INSERT ... SELECT, UPDATE ... FROM, CREATE TABLE AS,
        // MERGE (through a subquery or a CTE too).
        assert_eq!(flagged("INSERT INTO keep SELECT * FROM old; DROP TABLE old;"), 0);
        assert_eq!(flagged("INSERT INTO keep SELECT * FROM (SELECT id, a FROM public.old) o; DROP TABLE old;"), 0);
        assert_eq!(flagged("WITH o AS (SELECT * FROM old) INSERT INTO keep SELECT * FROM o; DROP TABLE old;"), 0);
        assert_eq!(flagged("UPDATE keep SET a = old.a FROM old WHERE old.id = keep.id; DROP TABLE old;"), 0);
        assert_eq!(flagged("CREATE TABLE merged AS SELECT id, a FROM old; DROP TABLE old;"), 0);
        assert_eq!(flagged("MERGE INTO keep k USING old o ON k.id = o.id WHEN NOT MATCHED THEN INSERT VALUES (o.id, o.a); DROP TABLE old;"), 0);
        // Only part of the rows, a copy into a temporary table or one dropped too, a copy into
        // itself, a statement that only reads: the rows are lost.
        assert_eq!(flagged("INSERT INTO keep SELECT * FROM old ORDER BY id DESC LIMIT 10; DROP TABLE old;"), 1);
        assert_eq!(flagged("CREATE TEMP TABLE tmp AS SELECT * FROM old; DROP TABLE old;"), 1);
        assert_eq!(flagged("INSERT INTO keep SELECT * FROM old; DROP TABLE old, keep;"), 2);
        assert_eq!(flagged("INSERT INTO old SELECT * FROM old; DROP TABLE old;"), 1);
        assert_eq!(flagged("SELECT count(*) FROM old; DROP TABLE old;"), 1);
        assert_eq!(flagged("UPDATE keep SET a = 'x' WHERE id > 0; DROP TABLE old;"), 1);
        // Read only to choose the rows to update: nothing of it is kept.
        assert_eq!(flagged("UPDATE keep SET a = 'x' WHERE id IN (SELECT id FROM old); DROP TABLE old;"), 1);
        assert_eq!(flagged("UPDATE keep SET a = (SELECT max(a) FROM old); DROP TABLE old;"), 0);
        // A CTE named like the table is not the table.
        assert_eq!(
            flagged("WITH old AS (SELECT 1 AS id, 'a' AS a) INSERT INTO keep SELECT * FROM old; DROP TABLE old;"),
            1
        );
        // A copy made by an earlier migration does not count (rows may have been written since).
        assert_eq!(count(&[base, "INSERT INTO keep SELECT * FROM old;", "DROP TABLE old;"], "SS101"), 1);
    }
}
