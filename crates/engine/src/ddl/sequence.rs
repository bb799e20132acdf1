//! Sequences: CREATE/ALTER SEQUENCE, and the implicit ones behind `serial` columns
//! (`<table>_<column>_seq`, OWNED BY the column) and identity columns.

use crate::error::{PgError, PgResult};
use crate::naming::choose_relation_name;
use crate::session::{written, Ctx};
use pg_query::protobuf::{self, a_const};
use pg_query::NodeEnum;
use schemasim_catalog::{Persistence, QualName, Relation, Sequence, SequenceDef};

fn new_sequence(name: QualName, seq: u64, data_type: &str) -> Sequence {
    SequenceDef {
        name,
        seq,
        data_type: data_type.into(),
        start: 1,
        increment: 1,
        min_value: None,
        max_value: None,
        cache: 1,
        cycle: false,
        owned_by: None,
        identity: false,
        comment: None,
        grants: Vec::new(),
        persistence: Persistence::Permanent,
    }
    .into()
}

/// The sequence behind a serial column, created before its table as PostgreSQL does.
pub fn create_serial_sequence(
    ctx: &mut Ctx<'_>,
    table: &QualName,
    column: &str,
    data_type: &str,
) -> PgResult<QualName> {
    let name = choose_relation_name(&ctx.catalog, &table.schema, &table.name, Some(column), "seq", false, &[]);
    let qn = QualName::new(table.schema.clone(), name);
    let seq = ctx.catalog.allocate_seq();
    let mut s = new_sequence(qn.clone(), seq, data_type);
    s.owned_by = Some((table.clone(), column.to_string()));
    ctx.catalog.relations.insert(qn.clone(), Relation::Sequence(s));
    Ok(qn)
}

/// The implicit sequence of an identity column.
pub fn create_identity_sequence(ctx: &mut Ctx<'_>, table: &QualName, column: &str) -> PgResult<()> {
    let data_type = ctx
        .catalog
        .table(table)
        .and_then(|t| t.column(column))
        .map(|c| c.type_name.clone())
        .unwrap_or_else(|| "integer".into());
    let name = choose_relation_name(&ctx.catalog, &table.schema, &table.name, Some(column), "seq", false, &[]);
    let qn = QualName::new(table.schema.clone(), name);
    let seq = ctx.catalog.allocate_seq();
    let mut s = new_sequence(qn.clone(), seq, &data_type);
    s.owned_by = Some((table.clone(), column.to_string()));
    s.identity = true;
    ctx.catalog.relations.insert(qn, Relation::Sequence(s));
    Ok(())
}

fn int_arg(def: &protobuf::DefElem) -> Option<i64> {
    match def.arg.as_ref()?.node.as_ref()? {
        NodeEnum::Integer(i) => Some(i.ival as i64),
        NodeEnum::Float(f) => f.fval.parse().ok(),
        NodeEnum::AConst(c) => match &c.val {
            Some(a_const::Val::Ival(i)) => Some(i.ival as i64),
            Some(a_const::Val::Fval(f)) => f.fval.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

/// Applies sequence options (`INCREMENT`, `START`, `OWNED BY`...).
fn apply_options(ctx: &mut Ctx<'_>, s: &mut Sequence, options: &[protobuf::Node]) -> PgResult<()> {
    for o in options {
        let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else {
            continue;
        };
        match d.defname.as_str() {
            "increment" => s.increment = int_arg(d).unwrap_or(1),
            "start" => s.start = int_arg(d).unwrap_or(1),
            "minvalue" => s.min_value = int_arg(d),
            "maxvalue" => s.max_value = int_arg(d),
            "cache" => s.cache = int_arg(d).unwrap_or(1),
            "cycle" => {
                s.cycle = matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval)
                    || d.arg.is_none()
            }
            "as" => {
                if let Some(NodeEnum::TypeName(t)) = d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                    s.data_type = crate::types::format_type(ctx, t)?;
                }
            }
            "owned_by" => {
                let names = match d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                    Some(NodeEnum::List(l)) => crate::types::name_list(&l.items),
                    _ => Vec::new(),
                };
                if names.len() == 1 && names[0] == "none" {
                    s.owned_by = None;
                } else if names.len() >= 2 {
                    let column = names[names.len() - 1].clone();
                    let table_schema = if names.len() == 3 { names[0].clone() } else { String::new() };
                    let table_name = names[names.len() - 2].clone();
                    let qn = ctx
                        .lookup_relation(&table_schema, &table_name)?
                        .ok_or_else(|| PgError::undefined_table(&table_name))?;
                    let t = ctx.catalog.table(&qn).ok_or_else(|| PgError::wrong_object_type(&table_name, "a table"))?;
                    if t.column(&column).is_none() {
                        return Err(PgError::undefined_column_of(&column, &table_name));
                    }
                    if qn.schema != s.name.schema {
                        return Err(PgError::new("55000", "sequence must be in same schema as table it is linked to"));
                    }
                    s.owned_by = Some((qn, column));
                }
            }
            "restart" | "sequence_name" => {}
            other => ctx.not_simulated(format!("sequence option {other} is not simulated")),
        }
    }
    Ok(())
}

/// `CREATE SEQUENCE`.
pub fn create_sequence(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateSeqStmt) -> PgResult<()> {
    let rv = stmt.sequence.as_ref().ok_or_else(|| PgError::new("42601", "missing sequence name"))?;
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let qn = QualName::new(schema, rv.relname.clone());
    if ctx.catalog.relations.contains_key(&qn) || ctx.catalog.types.contains_key(&qn) {
        if stmt.if_not_exists {
            ctx.notice(format!("relation \"{}\" already exists, skipping", rv.relname));
            return Ok(());
        }
        return Err(PgError::duplicate_relation(&rv.relname));
    }
    let seq = ctx.catalog.allocate_seq();
    let mut s = new_sequence(qn.clone(), seq, "bigint");
    if rv.relpersistence == "u" {
        s.persistence = Persistence::Unlogged;
    }
    apply_options(ctx, &mut s, &stmt.options)?;
    ctx.catalog.relations.insert(qn, Relation::Sequence(s));
    Ok(())
}

/// `ALTER SEQUENCE`.
pub fn alter_sequence(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterSeqStmt) -> PgResult<()> {
    let rv = stmt.sequence.as_ref().ok_or_else(|| PgError::new("42601", "missing sequence name"))?;
    let Some(qn) = ctx.lookup_relation(&rv.schemaname, &rv.relname)? else {
        if stmt.missing_ok {
            ctx.notice(format!("relation \"{}\" does not exist, skipping", written(rv)));
            return Ok(());
        }
        return Err(PgError::undefined_table(&written(rv)));
    };
    let Some(Relation::Sequence(mut s)) = ctx.catalog.relations.get(&qn).cloned() else {
        return Err(PgError::wrong_object_type(&rv.relname, "a sequence"));
    };
    apply_options(ctx, &mut s, &stmt.options)?;
    ctx.catalog.relations.insert(qn, Relation::Sequence(s));
    Ok(())
}
