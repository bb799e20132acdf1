//! CREATE / DROP / ALTER STATISTICS: extended statistics objects on one table. Unnamed ones
//! are called `<table>_<columns>_stat` (`expr` for an expression, numbered on collision among
//! statistics objects of the schema); a single column needs company ("extended statistics
//! require at least 2 columns") unless it is an expression. Dropping a column the object uses
//! drops the object too.

use crate::error::{PgError, PgResult};
use crate::expr;
use crate::naming::make_object_name;
use crate::session::{written, Ctx};
use crate::types::name_list;
use pg_query::protobuf;
use pg_query::NodeEnum;
use schemasim_catalog::{quote_ident, ExtStatistics, QualName, Relation};

/// Every statistics object of the catalog with the table it is on.
fn all(ctx: &Ctx<'_>) -> Vec<(QualName, ExtStatistics)> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) => {
                Some(t.ext_statistics.iter().map(|s| (t.name.clone(), s.clone())).collect::<Vec<_>>())
            }
            _ => None,
        })
        .flatten()
        .collect()
}

fn find(ctx: &Ctx<'_>, names: &[String]) -> PgResult<Option<(QualName, QualName)>> {
    let (schema, name) = super::drop::split_name(names);
    let schemas = ctx.schemas_to_search(schema)?;
    let stats = all(ctx);
    Ok(schemas.into_iter().find_map(|s| {
        stats
            .iter()
            .find(|(_, st)| st.name.schema == s && st.name.name == name)
            .map(|(t, st)| (t.clone(), st.name.clone()))
    }))
}

/// `CREATE STATISTICS [IF NOT EXISTS] [name] [(kinds)] ON columns | (expressions) FROM table`.
pub fn create_statistics(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateStatsStmt) -> PgResult<()> {
    let [rel] = stmt.relations.as_slice() else {
        return Err(PgError::not_supported("only a single relation is allowed in CREATE STATISTICS"));
    };
    let Some(NodeEnum::RangeVar(rv)) = rel.node.as_ref() else {
        return Err(PgError::not_supported("only a single relation is allowed in CREATE STATISTICS"));
    };
    let table_name = ctx.resolve_relation(rv)?;
    let table = match ctx.catalog.relations.get(&table_name) {
        Some(Relation::Table(t)) => t.clone(),
        _ => {
            return Err(PgError::wrong_object_type(&rv.relname, "a table")
                .with_hint(format!("cannot define statistics for relation \"{}\"", written(rv))))
        }
    };
    let mut elements = Vec::new();
    let mut name_parts = Vec::new();
    let mut columns = 0;
    let mut expressions = 0;
    for e in &stmt.exprs {
        let Some(NodeEnum::StatsElem(se)) = e.node.as_ref() else { continue };
        if !se.name.is_empty() {
            if table.column(&se.name).is_none() {
                return Err(PgError::undefined_column(&se.name));
            }
            if elements.contains(&quote_ident(&se.name)) {
                return Err(PgError::new("42701", "duplicate column name in statistics definition"));
            }
            elements.push(quote_ident(&se.name));
            name_parts.push(se.name.clone());
            columns += 1;
        } else if let Some(x) = &se.expr {
            for c in expr::column_refs(x) {
                if table.column(&c).is_none() {
                    return Err(PgError::undefined_column(&c));
                }
            }
            elements.push(format!("({})", expr::deparse_expr(x)?));
            name_parts.push("expr".into());
            expressions += 1;
        }
    }
    let kinds = name_list(&stmt.stat_types);
    if columns + expressions == 1 && expressions == 1 && !kinds.is_empty() {
        return Err(PgError::new(
            "42P17",
            "when building statistics on a single expression, statistics kinds may not be specified",
        ));
    }
    if columns + expressions < 2 && expressions == 0 {
        return Err(PgError::new("42P17", "extended statistics require at least 2 columns"));
    }
    for k in &kinds {
        if !matches!(k.as_str(), "ndistinct" | "dependencies" | "mcv") {
            return Err(PgError::new("22023", format!("unrecognized statistics kind \"{k}\"")));
        }
    }
    let existing = all(ctx);
    let name = if stmt.defnames.is_empty() {
        let addition = name_parts.join("_");
        let mut label = "stat".to_string();
        let mut pass = 0;
        loop {
            let candidate = make_object_name(&table_name.name, Some(&addition), Some(&label));
            if !existing.iter().any(|(_, s)| s.name.schema == table_name.schema && s.name.name == candidate) {
                break QualName::new(table_name.schema.clone(), candidate);
            }
            pass += 1;
            label = format!("stat{pass}");
        }
    } else {
        let names = name_list(&stmt.defnames);
        let (schema, name) = super::drop::split_name(&names);
        QualName::new(ctx.creation_schema(&schema)?, name)
    };
    if existing.iter().any(|(_, s)| s.name == name) {
        if stmt.if_not_exists {
            ctx.notice(format!("statistics object \"{}\" already exists, skipping", name.name));
            return Ok(());
        }
        return Err(PgError::new("42710", format!("statistics object \"{}\" already exists", name.name)));
    }
    let seq = ctx.catalog.allocate_seq();
    ctx.table_mut(&table_name)?.ext_statistics.push(ExtStatistics {
        name,
        seq,
        kinds,
        elements,
        comment: (!stmt.stxcomment.is_empty()).then(|| stmt.stxcomment.clone()),
    });
    Ok(())
}

/// Resolves `DROP STATISTICS name`: the table it is on and its name.
pub fn resolve_for_drop(
    ctx: &mut Ctx<'_>,
    names: &[String],
    missing_ok: bool,
) -> PgResult<Option<(QualName, QualName)>> {
    match find(ctx, names)? {
        Some(found) => Ok(Some(found)),
        None if missing_ok => {
            ctx.notice(format!("statistics object \"{}\" does not exist, skipping", names.join(".")));
            Ok(None)
        }
        None => Err(PgError::new("42704", format!("statistics object \"{}\" does not exist", names.join(".")))),
    }
}

/// `ALTER STATISTICS name RENAME TO new`.
pub fn rename(ctx: &mut Ctx<'_>, names: &[String], new: &str) -> PgResult<()> {
    let Some((table, name)) = find(ctx, names)? else {
        return Err(PgError::new("42704", format!("statistics object \"{}\" does not exist", names.join("."))));
    };
    let new_name = QualName::new(name.schema.clone(), new);
    if all(ctx).iter().any(|(_, s)| s.name == new_name) {
        return Err(PgError::new(
            "42710",
            format!("statistics object \"{new}\" already exists in schema \"{}\"", name.schema),
        ));
    }
    if let Some(s) = ctx.table_mut(&table)?.ext_statistics.iter_mut().find(|s| s.name == name) {
        s.name = new_name;
    }
    Ok(())
}

/// A column of the statistics' table is renamed.
pub fn rename_column(stats: &mut [ExtStatistics], old: &str, new: &str) {
    for s in stats {
        for e in &mut s.elements {
            *e = if e.starts_with('(') {
                expr::rename_identifier(e, old, new)
            } else if *e == quote_ident(old) {
                quote_ident(new)
            } else {
                e.clone()
            };
        }
    }
}

/// Does this statistics object use column `c`?
pub fn uses_column(s: &ExtStatistics, c: &str) -> bool {
    s.elements.iter().any(|e| {
        if e.starts_with('(') {
            crate::deps::text_mentions_column(e, c)
        } else {
            *e == quote_ident(c)
        }
    })
}
