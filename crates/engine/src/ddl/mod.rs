//! Statement handlers, one module per statement family. Each module's doc comment says what
//! PostgreSQL 17 does for its statements.

pub mod alter;
pub mod casts;
pub mod constraint;
pub mod drop;
pub mod function;
pub mod index;
pub mod misc;
pub mod policy;
pub mod rename;
pub mod sequence;
pub mod table;
pub mod types;
pub mod view;

use pg_query::protobuf::Node;
use pg_query::NodeEnum;
use schemasim_catalog::QualName;

/// Storage parameters (`WITH (fillfactor = 70)`) as `name=value` text.
pub fn reloptions(options: &[Node]) -> Vec<String> {
    options
        .iter()
        .filter_map(|o| match o.node.as_ref() {
            Some(NodeEnum::DefElem(d)) => {
                let value = d.arg.as_ref().and_then(|a| crate::expr::deparse_expr(a).ok());
                let name = if d.defnamespace.is_empty() {
                    d.defname.clone()
                } else {
                    format!("{}.{}", d.defnamespace, d.defname)
                };
                Some(match value {
                    Some(v) => format!("{name}={}", v.trim_matches('\'')),
                    None => name,
                })
            }
            _ => None,
        })
        .collect()
}

/// How a sequence appears inside `nextval('...'::regclass)`: unqualified in public.
pub fn regclass_text(qn: &QualName) -> String {
    let text = if qn.schema == "public" { schemasim_catalog::quote_ident(&qn.name) } else { qn.to_string() };
    text.replace('\'', "''")
}
