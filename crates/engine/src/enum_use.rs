//! PostgreSQL refuses to use an enum value added by `ALTER TYPE ... ADD VALUE` before the
//! transaction that added it commits (55P04, "unsafe use of new value"): the value's sort
//! position is not yet durable. The check runs when a literal is coerced to the enum type, i.e.
//! in any later statement of the same block that compares with, casts to, or stores the label.

use crate::error::{PgError, PgResult};
use crate::expr::{find_all, range_vars};
use pg_query::protobuf::Node;
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName, Relation};

/// Fails when `node` uses one of `new_values` (added in the open transaction block).
pub fn check(catalog: &Catalog, new_values: &[(QualName, String)], node: &NodeEnum) -> PgResult<()> {
    if new_values.is_empty() || matches!(node, NodeEnum::AlterEnumStmt(_)) {
        return Ok(());
    }
    let tree = Node { node: Some(node.clone()) };
    let literals: Vec<String> = find_all(&tree, "AConst")
        .iter()
        .filter_map(|c| c.pointer("/val/Sval/sval").and_then(|s| s.as_str()).map(str::to_string))
        .collect();
    if literals.is_empty() {
        return Ok(());
    }
    // Type names appear wrapped as nodes (`TypeName`) or as direct fields (`type_name`).
    let type_names: Vec<String> = find_all(&tree, "TypeName")
        .iter()
        .chain(find_all(&tree, "type_name").iter())
        .filter_map(|t| {
            t.get("names")?
                .as_array()?
                .iter()
                .filter_map(|n| n.pointer("/node/String/sval").and_then(|s| s.as_str()))
                .next_back()
                .map(str::to_string)
        })
        .collect();
    let mut touched_tables: Vec<String> = range_vars(&tree).into_iter().map(|(_, name)| name).collect();
    touched_tables.extend(
        find_all(&tree, "relation")
            .iter()
            .filter_map(|r| r.get("relname").and_then(|n| n.as_str()).map(str::to_string)),
    );
    for (ty, value) in new_values {
        if !literals.contains(value) {
            continue;
        }
        let cast_to_type = type_names.iter().any(|n| n == &ty.name);
        let column_of_type = catalog.relations.iter().any(|(qn, rel)| {
            touched_tables.contains(&qn.name)
                && matches!(rel, Relation::Table(t) if t.columns.iter().any(|c| crate::deps::type_mentions(&c.type_name, ty)))
        });
        if cast_to_type || column_of_type {
            return Err(PgError::new("55P04", format!("unsafe use of new value \"{value}\" of enum type {}", ty.name))
                .with_hint("New enum values must be committed before they can be used."));
        }
    }
    Ok(())
}
