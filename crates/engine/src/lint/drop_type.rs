//! SS103 drop-type: `DROP TYPE ... CASCADE` (or `DROP DOMAIN`) of a type that existed before
//! this migration while columns still use it.
//!
//! Why: CASCADE drops every column of that type with its values; without CASCADE PostgreSQL
//! refuses, so the statement only runs because the columns go too.
//!
//! Example: `DROP TYPE user_role CASCADE;` while `users.role` is a `user_role`.

use super::{drop_objects, Rule, Severity, StatementCtx};
use pg_query::protobuf::ObjectType;
use pg_query::NodeEnum;
use schemasim_catalog::{QualName, Relation};

pub(super) const RULE: Rule = Rule {
    code: "SS103",
    name: "drop-type",
    severity: Severity::Warning,
    summary: "DROP TYPE of a type that existed before the migration and that columns use (their data is lost)",
    on_failed: false,
    check,
};

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let NodeEnum::DropStmt(stmt) = ctx.node else { return Vec::new() };
    let kind = stmt.remove_type;
    if kind != ObjectType::ObjectType as i32 && kind != ObjectType::ObjectDomain as i32 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (schema, name) in drop_objects(stmt) {
        let found = if schema.is_empty() {
            ctx.search_path.iter().map(|s| QualName::new(s, &name)).find(|q| ctx.before.types.contains_key(q))
        } else {
            Some(QualName::new(&schema, &name)).filter(|q| ctx.before.types.contains_key(q))
        };
        let Some(qn) = found else { continue };
        let existed = ctx.migration_start.types.get(&qn).map(|t| t.seq) == ctx.before.types.get(&qn).map(|t| t.seq);
        if !existed {
            continue;
        }
        let columns: Vec<String> = ctx
            .before
            .relations
            .values()
            .filter_map(|r| match r {
                Relation::Table(t) if ctx.existing_table(&t.name).is_some() => Some(t),
                _ => None,
            })
            .flat_map(|t| {
                t.columns
                    .iter()
                    .filter(|c| crate::deps::type_mentions(&c.type_name, &qn))
                    .map(move |c| format!("{}.{}", t.name, c.name))
            })
            .collect();
        if !columns.is_empty() {
            out.push(format!("drops type {qn}, and with it the columns {} and their values", columns.join(", ")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_types_still_used_by_existing_columns() {
        let base = "CREATE TYPE mood AS ENUM ('a', 'b'); CREATE TABLE t (id int, m mood);";
        assert_eq!(count(&[base, "DROP TYPE mood CASCADE;"], "SS103"), 1);
        assert_eq!(count(&["CREATE TYPE mood AS ENUM ('a');", "DROP TYPE mood;"], "SS103"), 0);
        assert_eq!(count(&[base, "ALTER TABLE t DROP COLUMN m; DROP TYPE mood;"], "SS103"), 0);
    }
}
