//! Statement handlers, one module per statement family. Each module's doc comment says what
//! PostgreSQL 17 does for its statements.

pub mod alter;
pub mod casts;
pub mod constraint;
pub mod drop;
pub mod function;
pub mod generated;
pub mod index;
pub mod inherit;
pub mod misc;
pub mod policy;
pub mod query;
pub mod rename;
pub mod sequence;
pub mod statistics;
pub mod table;
pub mod types;
pub mod view;

use pg_query::protobuf::Node;
use pg_query::NodeEnum;
use schemasim_catalog::QualName;

/// Storage parameters (`WITH (fillfactor = 70)`) as `name=value` text, the value as
/// PostgreSQL's `defGetString` renders it (`pages_per_range = 1` → `pages_per_range=1`) and a
/// bare name meaning `true`, which is what `transformRelOptions` stores in pg_class.reloptions.
pub fn reloptions(options: &[Node]) -> Vec<String> {
    options
        .iter()
        .filter_map(|o| match o.node.as_ref() {
            Some(NodeEnum::DefElem(d)) => {
                let name = if d.defnamespace.is_empty() {
                    d.defname.clone()
                } else {
                    format!("{}.{}", d.defnamespace, d.defname)
                };
                let value = d.arg.as_ref().map_or_else(|| "true".to_string(), |a| def_string(a));
                Some(format!("{name}={value}"))
            }
            _ => None,
        })
        .collect()
}

/// A DefElem argument as text, as PostgreSQL's `defGetString` renders it.
pub fn def_string(arg: &Node) -> String {
    match arg.node.as_ref() {
        Some(NodeEnum::Integer(i)) => i.ival.to_string(),
        Some(NodeEnum::Float(f)) => f.fval.clone(),
        Some(NodeEnum::Boolean(b)) => b.boolval.to_string(),
        Some(NodeEnum::String(s)) => s.sval.clone(),
        Some(NodeEnum::TypeName(t)) => crate::types::name_list(&t.names).join("."),
        Some(NodeEnum::List(l)) => crate::types::name_list(&l.items).join("."),
        Some(NodeEnum::AStar(_)) => "*".to_string(),
        _ => crate::expr::deparse_expr(arg).map(|v| v.trim_matches('\'').to_string()).unwrap_or_default(),
    }
}

/// Storage parameters as a `WITH (...)` list, values quoted as pg_dump prints them.
pub fn reloptions_sql(options: &[String]) -> String {
    options
        .iter()
        .map(|o| match o.split_once('=') {
            Some((name, value)) => format!("{name}={}", schemasim_catalog::quote_literal(value)),
            None => o.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a sequence appears inside `nextval('...'::regclass)`: unqualified in public.
pub fn regclass_text(qn: &QualName) -> String {
    let text = if qn.schema == "public" { schemasim_catalog::quote_ident(&qn.name) } else { qn.to_string() };
    text.replace('\'', "''")
}
