//! Joining an existing table to a hierarchy: ALTER TABLE ... INHERIT (ATExecAddInherit) and
//! ALTER TABLE ... ATTACH PARTITION (ATExecAttachPartition). PostgreSQL first checks the kinds
//! of both tables (partitions, partitioned tables, typed tables, temporary vs permanent,
//! inheritance cycles), then the partition bound, then that the child already has every column
//! of the parent with the same type, collation, NOT NULL and generatedness
//! (MergeAttributesIntoExisting) and every inheritable CHECK constraint of the parent under the
//! same name and definition (MergeConstraintsIntoExisting); the child's columns then count as
//! inherited.

use crate::error::{PgError, PgResult};
use crate::session::{written, Ctx};
use pg_query::protobuf::{self, RangeVar};
use pg_query::NodeEnum;
use schemasim_catalog::{ConstraintKind, Persistence, QualName, Relation, Table};

/// `ALTER TABLE child INHERIT parent`.
pub fn add_inherit(ctx: &mut Ctx<'_>, child: &QualName, rv: &RangeVar) -> PgResult<()> {
    let wrong = |message: String| PgError::new("42809", message);
    let child_table = ctx.table(child)?;
    if child_table.of_type.is_some() {
        return Err(wrong("cannot change inheritance of typed table".into()));
    }
    if child_table.partition_of.is_some() {
        return Err(wrong("cannot change inheritance of a partition".into()));
    }
    if child_table.partition_by.is_some() {
        return Err(wrong("cannot change inheritance of partitioned table".into()));
    }
    let parent = ctx.resolve_table(rv)?;
    let parent_table = ctx.table(&parent)?;
    if parent_table.persistence == Persistence::Temporary && child_table.persistence != Persistence::Temporary {
        return Err(wrong(format!("cannot inherit from temporary relation \"{}\"", written(rv))));
    }
    if parent_table.partition_by.is_some() {
        return Err(wrong(format!("cannot inherit from partitioned table \"{}\"", parent.name)));
    }
    if parent_table.partition_of.is_some() {
        return Err(wrong("cannot inherit from a partition".into()));
    }
    if &parent == child || descendants(ctx, child).contains(&parent) {
        return Err(circular(&parent, child));
    }
    if let Some(trigger) = transition_row_trigger(child_table) {
        return Err(PgError::not_supported(format!(
            "trigger \"{trigger}\" prevents table \"{}\" from becoming an inheritance child",
            child.name
        ))
        .with_detail("ROW triggers with transition tables are not supported in inheritance hierarchies."));
    }
    if child_table.inherits.contains(&parent) {
        return Err(PgError::new(
            "42P07",
            format!("relation \"{}\" would be inherited from more than once", parent.name),
        ));
    }
    merge_into_existing(ctx, child, &parent)?;
    ctx.table_mut(child)?.inherits.push(parent);
    Ok(())
}

/// The checks of `ALTER TABLE parent ATTACH PARTITION child bound`, in PostgreSQL's order; on
/// success the child's columns are marked inherited (the caller records the bound).
pub fn check_attach_partition(
    ctx: &mut Ctx<'_>,
    parent: &QualName,
    child: &QualName,
    bound: Option<&protobuf::PartitionBoundSpec>,
) -> PgResult<()> {
    check_bound_strategy(ctx.table(parent)?, bound)?;
    let parent_table = ctx.table(parent)?;
    let child_table = ctx.table(child)?;
    let name = &child.name;
    if child_table.partition_of.is_some() {
        return Err(PgError::new("42P17", format!("\"{name}\" is already a partition")));
    }
    if child_table.of_type.is_some() {
        return Err(PgError::new("42809", "cannot attach a typed table as partition"));
    }
    if !child_table.inherits.is_empty() {
        return Err(PgError::new("42809", "cannot attach inheritance child as partition"));
    }
    let has_inheritance_children =
        ctx.catalog.relations.values().any(|r| matches!(r, Relation::Table(t) if t.inherits.contains(child)));
    if has_inheritance_children {
        return Err(PgError::new("42809", "cannot attach inheritance parent as partition"));
    }
    if child == parent || descendants(ctx, child).contains(parent) {
        return Err(circular(child, parent));
    }
    let (parent_temp, child_temp) =
        (parent_table.persistence == Persistence::Temporary, child_table.persistence == Persistence::Temporary);
    if child_temp && !parent_temp {
        return Err(PgError::new(
            "42809",
            format!("cannot attach a temporary relation as partition of permanent relation \"{}\"", parent.name),
        ));
    }
    if parent_temp && !child_temp {
        return Err(PgError::new(
            "42809",
            format!("cannot attach a permanent relation as partition of temporary relation \"{}\"", parent.name),
        ));
    }
    for c in &child_table.columns {
        if c.identity.is_some() {
            return Err(PgError::new(
                "55000",
                format!("table \"{name}\" being attached contains an identity column \"{}\"", c.name),
            )
            .with_detail("The new partition may not contain an identity column."));
        }
        if parent_table.column(&c.name).is_none() {
            return Err(PgError::new(
                "42804",
                format!("table \"{name}\" contains column \"{}\" not found in parent \"{}\"", c.name, parent.name),
            )
            .with_detail("The new partition may contain only the columns present in parent."));
        }
    }
    if let Some(trigger) = transition_row_trigger(child_table) {
        return Err(PgError::not_supported(format!(
            "trigger \"{trigger}\" prevents table \"{name}\" from becoming a partition"
        ))
        .with_detail("ROW triggers with transition tables are not supported on partitions."));
    }
    check_new_partition_bound(ctx, parent, name, bound)?;
    merge_into_existing(ctx, child, parent)
}

/// check_new_partition_bound: a second DEFAULT partition conflicts with the existing one, and
/// a list partition may not repeat a value another partition of the parent lists (values are
/// compared as written, quotes and casts aside; range and hash bounds are not compared).
pub fn check_new_partition_bound(
    ctx: &Ctx<'_>,
    parent: &QualName,
    name: &str,
    bound: Option<&protobuf::PartitionBoundSpec>,
) -> PgResult<()> {
    let siblings: Vec<(&str, &str)> = ctx
        .catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) => t
                .partition_of
                .as_ref()
                .filter(|p| &p.parent == parent && t.name.name != name)
                .map(|p| (t.name.name.as_str(), p.bound.as_str())),
            _ => None,
        })
        .collect();
    let Some(b) = bound.filter(|b| !b.is_default) else {
        if let Some((default, _)) = siblings.iter().find(|(_, bound)| *bound == "DEFAULT") {
            return Err(PgError::new(
                "42P17",
                format!("partition \"{name}\" conflicts with existing default partition \"{default}\""),
            ));
        }
        return Ok(());
    };
    if b.strategy != "l" {
        return Ok(());
    }
    let values = list_values(&b.listdatums);
    for (sibling, text) in &siblings {
        let Some(theirs) = parse_bound(text) else { continue };
        if list_values(&theirs.listdatums).iter().any(|v| values.contains(v)) {
            return Err(PgError::new("42P17", format!("partition \"{name}\" would overlap partition \"{sibling}\"")));
        }
    }
    Ok(())
}

/// A list bound's values as comparable text: `'10'`, `10` and `'10'::bigint` are the same.
fn list_values(datums: &[protobuf::Node]) -> Vec<String> {
    datums
        .iter()
        .filter_map(|d| crate::expr::deparse_expr(d).ok())
        .map(|v| v.split("::").next().unwrap_or("").trim_matches('\'').to_string())
        .collect()
}

/// A stored bound (`FOR VALUES IN (...)`) parsed back.
fn parse_bound(text: &str) -> Option<protobuf::PartitionBoundSpec> {
    let parsed = pg_query::parse(&format!("CREATE TABLE p PARTITION OF q {text}")).ok()?;
    match parsed.protobuf.stmts.first()?.stmt.as_ref()?.node.as_ref()? {
        NodeEnum::CreateStmt(c) => c.partbound.clone(),
        _ => None,
    }
}

/// transformPartitionBound: the bound's form must match the parent's partitioning strategy.
pub fn check_bound_strategy(parent: &Table, bound: Option<&protobuf::PartitionBoundSpec>) -> PgResult<()> {
    let Some(spec) = parent.partition_by.as_deref() else { return Ok(()) };
    let strategy = spec.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    let invalid = |what: &str| PgError::new("42P16", format!("invalid bound specification for a {what} partition"));
    let Some(b) = bound.filter(|b| !b.is_default) else {
        if strategy == "hash" {
            return Err(PgError::new("42P16", "a hash-partitioned table may not have a default partition"));
        }
        return Ok(());
    };
    match strategy.as_str() {
        "list" if b.strategy != "l" => Err(invalid("list")),
        "range" if b.strategy != "r" => Err(invalid("range")),
        "hash" if b.strategy != "h" => Err(invalid("hash")),
        "hash" if b.modulus <= 0 => {
            Err(PgError::new("42P16", "modulus for hash partition must be an integer value greater than zero"))
        }
        "hash" if b.remainder >= b.modulus => {
            Err(PgError::new("42P16", "remainder for hash partition must be less than modulus"))
        }
        _ => Ok(()),
    }
}

/// MergeAttributesIntoExisting and MergeConstraintsIntoExisting, then the child's columns that
/// the parent has count as inherited.
fn merge_into_existing(ctx: &mut Ctx<'_>, child: &QualName, parent: &QualName) -> PgResult<()> {
    let parent_table = ctx.table(parent)?.clone();
    let child_table = ctx.table(child)?;
    let mismatch = |message: String| PgError::new("42804", message);
    for pc in &parent_table.columns {
        let Some(cc) = child_table.column(&pc.name) else {
            return Err(mismatch(format!("child table is missing column \"{}\"", pc.name)));
        };
        if cc.type_name != pc.type_name {
            return Err(mismatch(format!(
                "child table \"{}\" has different type for column \"{}\"",
                child.name, pc.name
            )));
        }
        if cc.collation != pc.collation {
            return Err(PgError::new(
                "42P21",
                format!("child table \"{}\" has different collation for column \"{}\"", child.name, pc.name),
            ));
        }
        if pc.not_null && !cc.not_null {
            return Err(mismatch(format!("column \"{}\" in child table must be marked NOT NULL", pc.name)));
        }
        if pc.generated.is_some() && cc.generated.is_none() {
            return Err(mismatch(format!("column \"{}\" in child table must be a generated column", pc.name)));
        }
        if cc.generated.is_some() && pc.generated.is_none() {
            return Err(mismatch(format!("column \"{}\" in child table must not be a generated column", pc.name)));
        }
    }
    for con in &parent_table.constraints {
        let ConstraintKind::Check { expr } = &con.kind else { continue };
        if con.no_inherit {
            continue;
        }
        let Some(theirs) = child_table.constraints.iter().find(|c| c.name == con.name) else {
            return Err(mismatch(format!("child table is missing constraint \"{}\"", con.name)));
        };
        match &theirs.kind {
            ConstraintKind::Check { expr: child_expr } if child_expr == expr => {}
            _ => {
                return Err(mismatch(format!(
                    "child table \"{}\" has different definition for check constraint \"{}\"",
                    child.name, con.name
                )))
            }
        }
        if theirs.no_inherit {
            return Err(PgError::new(
                "42P17",
                format!(
                    "constraint \"{}\" conflicts with non-inherited constraint on child table \"{}\"",
                    con.name, child.name
                ),
            ));
        }
    }
    let child_table = ctx.table_mut(child)?;
    for pc in &parent_table.columns {
        if let Some(c) = child_table.column_mut(&pc.name) {
            c.inherited = true;
        }
    }
    Ok(())
}

fn circular(parent: &QualName, child: &QualName) -> PgError {
    PgError::new("42P07", "circular inheritance not allowed")
        .with_detail(format!("\"{}\" is already a child of \"{}\".", parent.name, child.name))
}

/// Every table below `root` (partitions and inheritance children, recursively).
pub fn descendants(ctx: &Ctx<'_>, root: &QualName) -> Vec<QualName> {
    let mut found: Vec<QualName> = Vec::new();
    let mut pending = vec![root.clone()];
    while let Some(t) = pending.pop() {
        for r in ctx.catalog.relations.values() {
            if let Relation::Table(c) = r {
                let below = c.inherits.contains(&t) || c.partition_of.as_ref().is_some_and(|p| p.parent == t);
                if below && !found.contains(&c.name) {
                    found.push(c.name.clone());
                    pending.push(c.name.clone());
                }
            }
        }
    }
    found
}

/// The direct children of `parent` (inheritance children and partitions).
pub fn direct_children(ctx: &Ctx<'_>, parent: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t)
                if t.inherits.contains(parent) || t.partition_of.as_ref().is_some_and(|p| &p.parent == parent) =>
            {
                Some(t.name.clone())
            }
            _ => None,
        })
        .collect()
}

/// Whether a parent of `table` has an inheritable constraint `name` (pg_constraint.coninhcount > 0).
pub fn constraint_is_inherited(ctx: &Ctx<'_>, table: &Table, name: &str) -> bool {
    table
        .inherits
        .iter()
        .chain(table.partition_of.as_ref().map(|p| &p.parent))
        .any(|p| ctx.catalog.table(p).and_then(|t| t.constraint(name)).is_some_and(|c| !c.no_inherit))
}

/// A row-level trigger with transition tables (REFERENCING ... TABLE), which a partition or
/// inheritance child may not have.
fn transition_row_trigger(table: &Table) -> Option<String> {
    table.triggers.iter().find_map(|t| {
        let parsed = pg_query::parse(&t.definition).ok()?;
        match parsed.protobuf.stmts.first()?.stmt.as_ref()?.node.as_ref()? {
            NodeEnum::CreateTrigStmt(s) if s.row && !s.transition_rels.is_empty() => Some(t.name.clone()),
            _ => None,
        }
    })
}
