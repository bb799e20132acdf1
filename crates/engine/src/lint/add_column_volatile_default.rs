//! SS202 add-column-volatile-default: `ADD COLUMN` on a table that existed before this
//! migration with a default PostgreSQL must compute per row: a volatile function
//! (`gen_random_uuid()`, `random()`, `clock_timestamp()`, `nextval()` and so `serial` types, a
//! user function not declared STABLE or IMMUTABLE), a `GENERATED ... STORED` expression, or an
//! identity column.
//!
//! Why: since PostgreSQL 11 a constant or stable default is stored once in the catalog, but
//! these rewrite the whole table under an ACCESS EXCLUSIVE lock.
//!
//! Example: `ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();`.

use super::{alter_table, column_def, constr_type, subtype, Rule, Severity, StatementCtx};
use pg_query::protobuf::{AlterTableType, ConstrType};
use pg_query::NodeEnum;

pub(super) const RULE: Rule = Rule {
    code: "SS202",
    name: "add-column-volatile-default",
    severity: Severity::Warning,
    summary:
        "ADD COLUMN with a volatile default, STORED generated expression or identity on an existing table (rewrite)",
    on_failed: false,
    check,
};

const VOLATILE: &[&str] = &[
    "random",
    "random_normal",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "clock_timestamp",
    "timeofday",
    "nextval",
    "setval",
    "txid_current",
];

fn check(ctx: &StatementCtx<'_>) -> Vec<String> {
    let Some((rv, cmds)) = alter_table(ctx.node) else { return Vec::new() };
    let Some((qn, table)) = ctx.existing_table_rv(rv) else { return Vec::new() };
    let mut out = Vec::new();
    for cmd in cmds.iter().filter(|c| subtype(c) == AlterTableType::AtAddColumn) {
        let Some(col) = column_def(cmd) else { continue };
        if table.column(&col.colname).is_some() {
            continue; // ADD COLUMN IF NOT EXISTS of a column that is there: nothing happens.
        }
        let type_name = col
            .type_name
            .as_ref()
            .and_then(|t| t.names.last())
            .and_then(|n| match n.node.as_ref() {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let why =
            if matches!(type_name.as_str(), "serial" | "bigserial" | "smallserial" | "serial4" | "serial8" | "serial2")
            {
                Some(format!("its type {type_name} fills it from a sequence"))
            } else {
                col.constraints.iter().find_map(|c| match c.node.as_ref() {
                    Some(NodeEnum::Constraint(con)) => match constr_type(con) {
                        ConstrType::ConstrGenerated => Some("it is a STORED generated column".to_string()),
                        ConstrType::ConstrIdentity => Some("it is an identity column".to_string()),
                        ConstrType::ConstrDefault => con.raw_expr.as_deref().and_then(|e| volatile_call(ctx, e)),
                        _ => None,
                    },
                    _ => None,
                })
            };
        if let Some(why) = why {
            out.push(format!(
                "adds column {qn}.{} and {why}: every row is written, the table is rewritten under an ACCESS EXCLUSIVE lock",
                col.colname
            ));
        }
    }
    out
}

/// The first volatile function the default calls, as a reason.
fn volatile_call(ctx: &StatementCtx<'_>, expr: &pg_query::protobuf::Node) -> Option<String> {
    crate::expr::function_calls(expr).into_iter().find_map(|name| {
        let last = name.last()?.clone();
        let user = ctx.before.functions.values().filter(|f| f.key.name.name == last).collect::<Vec<_>>();
        let volatile =
            if user.is_empty() { VOLATILE.contains(&last.as_str()) } else { user.iter().any(|f| f.volatility == 'v') };
        volatile.then(|| format!("its default calls the volatile function {last}()"))
    })
}

#[cfg(test)]
mod tests {
    use crate::lint::tests::count;

    #[test]
    fn flags_per_row_defaults_on_existing_tables() {
        let base = "CREATE TABLE t (id int);";
        assert_eq!(count(&[base, "ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();"], "SS202"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ADD COLUMN n bigserial;"], "SS202"), 1);
        assert_eq!(count(&[base, "ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();"], "SS202"), 0);
        assert_eq!(count(&[base, "ALTER TABLE t ADD COLUMN s text DEFAULT 'x';"], "SS202"), 0);
        assert_eq!(
            count(&["CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN u uuid DEFAULT gen_random_uuid();"], "SS202"),
            0
        );
        let f = "CREATE FUNCTION pick() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;";
        assert_eq!(count(&[base, &format!("{f} ALTER TABLE t ADD COLUMN p int DEFAULT pick();")], "SS202"), 1);
    }
}
