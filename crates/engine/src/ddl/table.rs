//! CREATE TABLE: columns, column and table constraints, serial columns, LIKE, INHERITS and
//! PARTITION OF. PostgreSQL (transformCreateStmt + DefineRelation) creates serial sequences
//! first, then the table, then CHECK constraints, then PK/UNIQUE indexes, then foreign keys;
//! generated names are chosen in that order, which decides collision numbering.

use super::casts::display_type;
use super::constraint::{add_constraint, PendingConstraint};
use super::sequence::create_serial_sequence;
use crate::error::{PgError, PgResult};
use crate::expr;
use crate::session::{written, Ctx};
use crate::types::{format_type, name_list, serial_base};
use pg_query::protobuf::{self, ConstrType, CreateStmt};
use pg_query::NodeEnum;
use schemasim_catalog::{Column, Identity, PartitionOf, Persistence, QualName, Relation, Table, TableDef};

/// `CREATE TABLE`.
pub fn create_table(ctx: &mut Ctx<'_>, stmt: &CreateStmt) -> PgResult<()> {
    let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table name"))?;
    let persistence = match rv.relpersistence.as_str() {
        "u" => Persistence::Unlogged,
        "t" => Persistence::Temporary,
        _ => Persistence::Permanent,
    };
    if persistence == Persistence::Temporary && !rv.schemaname.is_empty() && !rv.schemaname.starts_with("pg_temp") {
        // RangeVarAdjustRelationPersistence: temporary relations live in the temporary schema.
        return Err(PgError::new("42P16", "cannot create temporary relation in non-temporary schema"));
    }
    let schema = ctx.creation_schema(&rv.schemaname)?;
    let name = QualName::new(schema.clone(), rv.relname.clone());
    if ctx.catalog.relations.contains_key(&name) || ctx.catalog.types.contains_key(&name) {
        if stmt.if_not_exists {
            ctx.notice(format!("relation \"{}\" already exists, skipping", rv.relname));
            return Ok(());
        }
        return Err(PgError::duplicate_relation(&rv.relname));
    }
    let seq = ctx.catalog.allocate_seq();
    // A new table has no rows (`rows.rs`).
    let mut table: Table =
        TableDef { name: name.clone(), seq, persistence, known_empty: true, ..Default::default() }.into();
    let mut pending: Vec<PendingConstraint> = Vec::new();
    let mut serials: Vec<(String, String)> = Vec::new();

    // Columns inherited from parents come first, as in MergeAttributes.
    for parent in &stmt.inh_relations {
        if let Some(NodeEnum::RangeVar(prv)) = parent.node.as_ref() {
            let parent_name = ctx.resolve_relation(prv)?;
            let parent_table = ctx
                .catalog
                .table(&parent_name)
                .ok_or_else(|| PgError::wrong_object_type(&prv.relname, "a table"))?
                .clone();
            if stmt.partbound.is_none() && parent_table.partition_by.is_some() {
                return Err(PgError::new(
                    "42809",
                    format!("cannot inherit from partitioned table \"{}\"", prv.relname),
                ));
            }
            if stmt.partbound.is_none() && parent_table.partition_of.is_some() {
                return Err(PgError::new("42809", format!("cannot inherit from partition \"{}\"", prv.relname)));
            }
            if stmt.partbound.is_some() {
                if parent_table.partition_by.is_none() {
                    return Err(
                        PgError::wrong_object_type(&prv.relname, "partitioned").with_detail("table is not partitioned")
                    );
                }
                super::inherit::check_bound_strategy(&parent_table, stmt.partbound.as_ref())?;
                super::inherit::check_new_partition_bound(ctx, &parent_name, &rv.relname, stmt.partbound.as_ref())?;
                let bound = partition_bound_text(stmt.partbound.as_ref())?;
                table.partition_of = Some(PartitionOf { parent: parent_name.clone(), bound });
            } else {
                table.inherits.push(parent_name.clone());
            }
            for col in &parent_table.columns {
                if let Some(prev) = table.columns.iter_mut().find(|c| c.name == col.name) {
                    merge_inherited_column(ctx, prev, col)?;
                    continue;
                }
                let mut c = col.clone();
                c.inherited = true;
                c.comment = None;
                c.identity = if stmt.partbound.is_some() { col.identity } else { None };
                table.columns.push(c);
            }
            for con in &parent_table.constraints {
                if let schemasim_catalog::ConstraintKind::Check { expr } = &con.kind {
                    if !con.no_inherit {
                        // MergeCheckConstraint: parents' same-named CHECKs must be identical.
                        if let Some(prev) = table.constraints.iter().find(|c| c.name == con.name) {
                            if matches!(&prev.kind, schemasim_catalog::ConstraintKind::Check { expr: e } if e == expr) {
                                continue;
                            }
                            return Err(PgError::new(
                                "42710",
                                format!(
                                    "check constraint name \"{}\" appears multiple times but with different expressions",
                                    con.name
                                ),
                            ));
                        }
                        let mut c = con.clone();
                        c.seq = ctx.catalog.allocate_seq();
                        table.constraints.push(c);
                    }
                }
            }
        }
    }
    if let Some(of) = &stmt.of_typename {
        let type_text = format_type(ctx, of)?;
        let names = name_list(&of.names);
        let qn = super::types::resolve_type_name(ctx, &names)?;
        match ctx.catalog.types.get(&qn).map(|t| &t.kind) {
            Some(schemasim_catalog::TypeKind::Composite { attributes }) => {
                for (n, t) in attributes {
                    table.columns.push(Column::new(n.clone(), t.clone()));
                }
            }
            _ => return Err(PgError::wrong_object_type(&type_text, "a composite type")),
        }
        table.of_type = Some(qn);
    }

    // transformColumnDefinition runs before the columns merge with inherited ones.
    for elt in &stmt.table_elts {
        let Some(NodeEnum::ColumnDef(def)) = elt.node.as_ref() else { continue };
        for c in &def.constraints {
            let Some(NodeEnum::Constraint(con)) = c.node.as_ref() else { continue };
            let kind = ConstrType::try_from(con.contype).unwrap_or(ConstrType::Undefined);
            let what = match kind {
                ConstrType::ConstrIdentity => "identity columns",
                ConstrType::ConstrGenerated => "generated columns",
                _ => continue,
            };
            if stmt.of_typename.is_some() {
                return Err(PgError::not_supported(format!("{what} are not supported on typed tables")));
            }
            if stmt.partbound.is_some() && kind == ConstrType::ConstrIdentity {
                return Err(PgError::not_supported("identity columns are not supported on partitions"));
            }
        }
    }
    let mut local_position = 0;
    for elt in &stmt.table_elts {
        match elt.node.as_ref() {
            Some(NodeEnum::ColumnDef(def)) => {
                local_position += 1;
                let found = table.columns.iter_mut().enumerate().find(|(_, c)| c.name == def.colname);
                if let Some((index, existing)) = found {
                    if existing.inherited {
                        merge_child_column(ctx, &name, def, existing, index + 1 != local_position, &mut pending)?;
                        continue;
                    }
                    return Err(PgError::new("42701", format!("column \"{}\" specified more than once", def.colname)));
                }
                let (column, serial) = column_from_def(ctx, &name, def, &mut pending)?;
                if let Some(base) = serial {
                    serials.push((column.name.clone(), base));
                }
                table.columns.push(column);
            }
            Some(NodeEnum::Constraint(con)) => pending.push(PendingConstraint::table_level((**con).clone())),
            Some(NodeEnum::TableLikeClause(like)) => {
                apply_like(ctx, &mut table, like, &mut pending, &mut local_position)?;
            }
            _ => {}
        }
    }
    for con in &stmt.constraints {
        if let Some(NodeEnum::Constraint(c)) = con.node.as_ref() {
            pending.push(PendingConstraint::table_level((**c).clone()));
        }
    }
    for column in &table.columns {
        if let Some(generated) = column.generated.as_deref().filter(|_| !column.inherited) {
            super::generated::check_generation_expression(&ctx.catalog, &table, generated)?;
        }
    }
    if let Some(spec) = &stmt.partspec {
        table.partition_by = Some(partition_spec_text(spec, &table)?);
    }
    table.options = super::reloptions(&stmt.options);
    if table.partition_by.is_some() && !table.options.is_empty() {
        return Err(partitioned_storage_parameters());
    }

    // Serial sequences are created before the table.
    for (column, base) in &serials {
        let seq_name = create_serial_sequence(ctx, &name, column, base)?;
        if let Some(col) = table.columns.iter_mut().find(|c| &c.name == column) {
            col.default = Some(format!("nextval('{}'::regclass)", super::regclass_text(&seq_name)));
            col.not_null = true;
        }
    }
    ctx.catalog.relations.insert(name.clone(), Relation::Table(table));
    // Identity columns own an implicit sequence.
    let identity_columns: Vec<String> = ctx
        .catalog
        .table(&name)
        .map(|t| t.columns.iter().filter(|c| c.identity.is_some() && !c.inherited).map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    for column in identity_columns {
        super::sequence::create_identity_sequence(ctx, &name, &column)?;
    }

    // CHECK constraints first, then index-backed ones, then foreign keys, as PostgreSQL does.
    let mut pending = super::constraint::merge_redundant_index_constraints(pending);
    pending.sort_by_key(|p| p.creation_rank());
    for p in pending {
        add_constraint(ctx, &name, p, true)?;
    }
    if let Some(parent) = ctx.catalog.table(&name).and_then(|t| t.partition_of.clone()) {
        super::index::clone_parent_indexes(ctx, &parent.parent, &name)?;
    }
    Ok(())
}

/// A column two parents both have (MergeInheritedAttribute): one column, whose type,
/// collation and generatedness must agree; NOT NULL is OR'ed.
fn merge_inherited_column(ctx: &mut Ctx<'_>, prev: &mut Column, new: &Column) -> PgResult<()> {
    ctx.notice(format!("merging multiple inherited definitions of column \"{}\"", new.name));
    if prev.type_name != new.type_name {
        return Err(PgError::new("42804", format!("inherited column \"{}\" has a type conflict", new.name))
            .with_detail(format!("{} versus {}", display_type(&prev.type_name), display_type(&new.type_name))));
    }
    if prev.collation != new.collation {
        return Err(PgError::new("42P21", format!("inherited column \"{}\" has a collation conflict", new.name))
            .with_detail(format!(
                "\"{}\" versus \"{}\"",
                collation_name(&prev.collation),
                collation_name(&new.collation)
            )));
    }
    if let Some(detail) = storage_conflict(&prev.storage, &new.storage) {
        return Err(PgError::new(
            "42804",
            format!("inherited column \"{}\" has a storage parameter conflict", new.name),
        )
        .with_detail(detail));
    }
    if prev.generated.is_some() != new.generated.is_some() {
        return Err(PgError::new("42P16", format!("inherited column \"{}\" has a generation conflict", new.name)));
    }
    prev.not_null |= new.not_null;
    Ok(())
}

/// A local column definition of an inherited column (MergeChildAttribute): the same type and
/// collation as the parent's; a generated parent column cannot get a default or identity, and
/// a plain one cannot become generated; a local default replaces the inherited one.
fn merge_child_column(
    ctx: &mut Ctx<'_>,
    table: &QualName,
    def: &protobuf::ColumnDef,
    existing: &mut Column,
    moved: bool,
    pending: &mut Vec<PendingConstraint>,
) -> PgResult<()> {
    // A partition's `col WITH OPTIONS ...` has no type and merges silently.
    if let Some(type_name) = &def.type_name {
        if moved {
            // The local column sits at another position than the inherited one it merges into.
            ctx.notice(format!("moving and merging column \"{}\" with inherited definition", def.colname));
        } else {
            ctx.notice(format!("merging column \"{}\" with inherited definition", def.colname));
        }
        let type_text = format_type(ctx, type_name)?;
        if type_text != existing.type_name {
            return Err(PgError::new("42804", format!("column \"{}\" has a type conflict", def.colname))
                .with_detail(format!("{} versus {}", display_type(&existing.type_name), display_type(&type_text))));
        }
        let collation = def.coll_clause.as_ref().map(|c| name_list(&c.collname).join("."));
        if collation != existing.collation {
            return Err(PgError::new("42P21", format!("column \"{}\" has a collation conflict", def.colname))
                .with_detail(format!(
                    "\"{}\" versus \"{}\"",
                    collation_name(&existing.collation),
                    collation_name(&collation)
                )));
        }
    }
    let has = |kind: ConstrType| {
        def.constraints
            .iter()
            .any(|c| matches!(c.node.as_ref(), Some(NodeEnum::Constraint(con)) if con.contype == kind as i32))
    };
    let (default, generated, identity) =
        (has(ConstrType::ConstrDefault), has(ConstrType::ConstrGenerated), has(ConstrType::ConstrIdentity));
    if existing.generated.is_some() {
        if default && !generated {
            return Err(PgError::new(
                "42611",
                format!("column \"{}\" inherits from generated column but specifies default", def.colname),
            ));
        }
        if identity {
            return Err(PgError::new(
                "42611",
                format!("column \"{}\" inherits from generated column but specifies identity", def.colname),
            ));
        }
    } else if generated {
        return Err(PgError::new("42611", format!("child column \"{}\" specifies generation expression", def.colname))
            .with_hint("A child table column cannot be generated unless its parent column is."));
    }
    // The child's own default or expression takes the place of the inherited one.
    if default || generated {
        existing.default = None;
        existing.generated = None;
    }
    existing.inherited = false;
    apply_column_constraints(ctx, table, def, existing, pending)
}

/// Two explicitly set, different column storage modes (`MAIN versus EXTERNAL`); a column
/// without one keeps its type's default, which schemasim does not compare.
fn storage_conflict(a: &Option<String>, b: &Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b) => {
            Some(format!("{} versus {}", a.to_ascii_uppercase(), b.to_ascii_uppercase()))
        }
        _ => None,
    }
}

/// How PostgreSQL names a column's collation in messages (`default` when none was given).
fn collation_name(collation: &Option<String>) -> String {
    collation.as_deref().map_or("default", |c| c.trim_matches('"')).to_string()
}

/// Builds a column from its definition; returns the serial base type when it is a serial.
pub fn column_from_def(
    ctx: &mut Ctx<'_>,
    table: &QualName,
    def: &protobuf::ColumnDef,
    pending: &mut Vec<PendingConstraint>,
) -> PgResult<(Column, Option<String>)> {
    let type_name = def.type_name.as_ref().ok_or_else(|| PgError::new("42601", "column type missing"))?;
    let names = name_list(&type_name.names);
    let serial = match names.as_slice() {
        [n] | [_, n] if type_name.array_bounds.is_empty() => serial_base(n).map(str::to_string),
        _ => None,
    };
    let type_text = format_type(ctx, type_name)?;
    let mut column = Column::new(def.colname.clone(), type_text);
    column.not_null = def.is_not_null;
    if let Some(raw) = &def.raw_default {
        column.default = Some(expr::deparse_expr(raw)?);
    }
    if let Some(coll) = &def.coll_clause {
        column.collation = Some(name_list(&coll.collname).join("."));
    }
    if !def.compression.is_empty() {
        column.compression = Some(def.compression.clone());
    }
    if !def.storage_name.is_empty() {
        column.storage = Some(def.storage_name.clone());
    }
    apply_column_constraints(ctx, table, def, &mut column, pending)?;
    if serial.is_some() && column.identity.is_some() {
        // A serial's nextval() default counts as a default.
        return Err(PgError::new(
            "42601",
            format!("both default and identity specified for column \"{}\" of table \"{}\"", column.name, table.name),
        ));
    }
    Ok((column, serial))
}

/// A column's constraint list with `[NOT] DEFERRABLE` / `INITIALLY ...` applied to the
/// constraint before them, as transformConstraintAttrs does (the grammar leaves them as
/// separate items after a column constraint).
fn constraint_attrs(list: &[protobuf::Node]) -> PgResult<Vec<protobuf::Constraint>> {
    let mut out: Vec<protobuf::Constraint> = Vec::new();
    let mut saw_deferrability = false;
    let mut saw_initially = false;
    let misplaced = |what: &str| PgError::new("42601", format!("misplaced {what} clause"));
    for c in list {
        let Some(NodeEnum::Constraint(con)) = c.node.as_ref() else {
            continue;
        };
        let kind = ConstrType::try_from(con.contype).unwrap_or(ConstrType::Undefined);
        let last = out.last_mut().filter(|l| {
            matches!(
                ConstrType::try_from(l.contype),
                Ok(ConstrType::ConstrPrimary
                    | ConstrType::ConstrUnique
                    | ConstrType::ConstrExclusion
                    | ConstrType::ConstrForeign)
            )
        });
        match kind {
            ConstrType::ConstrAttrDeferrable | ConstrType::ConstrAttrNotDeferrable => {
                let deferrable = kind == ConstrType::ConstrAttrDeferrable;
                let last = last.ok_or_else(|| misplaced(if deferrable { "DEFERRABLE" } else { "NOT DEFERRABLE" }))?;
                if saw_deferrability {
                    return Err(PgError::new("42601", "multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed"));
                }
                saw_deferrability = true;
                last.deferrable = deferrable;
                if !deferrable && saw_initially && last.initdeferred {
                    return Err(PgError::new("42601", "constraint declared INITIALLY DEFERRED must be DEFERRABLE"));
                }
            }
            ConstrType::ConstrAttrDeferred | ConstrType::ConstrAttrImmediate => {
                let deferred = kind == ConstrType::ConstrAttrDeferred;
                let last =
                    last.ok_or_else(|| misplaced(if deferred { "INITIALLY DEFERRED" } else { "INITIALLY IMMEDIATE" }))?;
                if saw_initially {
                    return Err(PgError::new("42601", "multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed"));
                }
                saw_initially = true;
                last.initdeferred = deferred;
                if deferred {
                    if !saw_deferrability {
                        last.deferrable = true;
                    } else if !last.deferrable {
                        return Err(PgError::new("42601", "constraint declared INITIALLY DEFERRED must be DEFERRABLE"));
                    }
                }
            }
            _ => {
                out.push((**con).clone());
                saw_deferrability = false;
                saw_initially = false;
            }
        }
    }
    Ok(out)
}

/// NOT NULL / DEFAULT / GENERATED / IDENTITY go on the column; PK, UNIQUE, CHECK and
/// REFERENCES become pending table constraints over this column.
fn apply_column_constraints(
    ctx: &mut Ctx<'_>,
    table: &QualName,
    def: &protobuf::ColumnDef,
    column: &mut Column,
    pending: &mut Vec<PendingConstraint>,
) -> PgResult<()> {
    // transformColumnDefinition: NULL and NOT NULL (an identity implies it) may repeat but not
    // contradict each other.
    let mut saw_nullable = false;
    let mut saw_identity = false;
    for con in &constraint_attrs(&def.constraints)? {
        let kind = ConstrType::try_from(con.contype).unwrap_or(ConstrType::Undefined);
        match kind {
            ConstrType::ConstrNotnull => {
                if saw_nullable && !column.not_null {
                    return Err(conflicting_null(&column.name, &table.name));
                }
                saw_nullable = true;
                column.not_null = true;
            }
            ConstrType::ConstrNull => {
                if saw_nullable && column.not_null {
                    return Err(conflicting_null(&column.name, &table.name));
                }
                saw_nullable = true;
                column.not_null = false;
            }
            ConstrType::ConstrDefault => {
                if column.default.is_some() {
                    return Err(PgError::new(
                        "42601",
                        format!(
                            "multiple default values specified for column \"{}\" of table \"{}\"",
                            column.name, table.name
                        ),
                    ));
                }
                if let Some(raw) = &con.raw_expr {
                    check_default_expr(raw)?;
                    expr::check_no_aggregates(raw, "DEFAULT expressions")?;
                    check_default_type(&ctx.catalog, &column.name, &column.type_name, raw)?;
                    if is_null_constant(raw) {
                        // No pg_attrdef row for a NULL default (an explicit one still counts
                        // as a second default).
                        column.default = Some(String::new());
                    } else {
                        column.default = Some(stored_default(ctx, &column.type_name, raw)?);
                    }
                }
            }
            ConstrType::ConstrIdentity => {
                if saw_identity {
                    return Err(PgError::new(
                        "42601",
                        format!(
                            "multiple identity specifications for column \"{}\" of table \"{}\"",
                            column.name, table.name
                        ),
                    ));
                }
                super::alter::check_identity_type(&column.type_name)?;
                saw_identity = true;
                column.identity = Some(if con.generated_when == "a" { Identity::Always } else { Identity::ByDefault });
                if saw_nullable && !column.not_null {
                    return Err(conflicting_null(&column.name, &table.name));
                }
                saw_nullable = true;
                column.not_null = true;
            }
            ConstrType::ConstrGenerated => {
                if column.generated.is_some() {
                    return Err(PgError::new(
                        "42601",
                        format!(
                            "multiple generation clauses specified for column \"{}\" of table \"{}\"",
                            column.name, table.name
                        ),
                    ));
                }
                if let Some(raw) = &con.raw_expr {
                    column.generated = Some(expr::deparse_expr(raw)?);
                }
            }
            ConstrType::ConstrPrimary
            | ConstrType::ConstrUnique
            | ConstrType::ConstrCheck
            | ConstrType::ConstrForeign
            | ConstrType::ConstrExclusion => {
                pending.push(PendingConstraint::column_level(con.clone(), column.name.clone()));
            }
            ConstrType::ConstrAttrDeferrable
            | ConstrType::ConstrAttrNotDeferrable
            | ConstrType::ConstrAttrDeferred
            | ConstrType::ConstrAttrImmediate => {
                // Applied to the preceding constraint by constraint_attrs.
            }
            ConstrType::Undefined => {}
        }
    }
    if column.identity.is_some() && column.default.is_some() {
        return Err(PgError::new(
            "42601",
            format!("both default and identity specified for column \"{}\" of table \"{}\"", column.name, table.name),
        ));
    }
    if column.identity.is_some() && column.generated.is_some() {
        return Err(PgError::new(
            "42601",
            format!(
                "both identity and generation expression specified for column \"{}\" of table \"{}\"",
                column.name, table.name
            ),
        ));
    }
    if column.generated.is_some() && column.default.is_some() {
        return Err(PgError::new(
            "42601",
            format!(
                "both default and generation expression specified for column \"{}\" of table \"{}\"",
                column.name, table.name
            ),
        ));
    }
    if column.default.as_deref() == Some("") {
        column.default = None;
    }
    Ok(())
}

fn conflicting_null(column: &str, table: &str) -> PgError {
    PgError::new(
        "42601",
        format!("conflicting NULL/NOT NULL declarations for column \"{column}\" of table \"{table}\""),
    )
}

/// `NULL` or `NULL::type`: PostgreSQL stores no default for it.
pub fn is_null_constant(raw: &protobuf::Node) -> bool {
    match raw.node.as_ref() {
        Some(NodeEnum::AConst(c)) => c.isnull,
        Some(NodeEnum::TypeCast(tc)) => tc.arg.as_deref().is_some_and(is_null_constant),
        _ => false,
    }
}

/// A default as PostgreSQL stores it: a string literal is a constant of the column's type
/// (`'x'` on a varchar column reads back as `'x'::character varying`), and a literal cast to
/// a type shows the type's canonical name. Other expressions are kept as written.
pub fn stored_default(ctx: &Ctx<'_>, type_name: &str, raw: &protobuf::Node) -> PgResult<String> {
    let text = expr::deparse_expr(raw)?;
    let is_string = |n: &protobuf::Node| matches!(n.node.as_ref(), Some(NodeEnum::AConst(c)) if matches!(c.val, Some(protobuf::a_const::Val::Sval(_))));
    match raw.node.as_ref() {
        Some(NodeEnum::AConst(_)) if is_string(raw) && !type_name.is_empty() => {
            Ok(format!("{text}::{}", crate::types::without_typmods(type_name)))
        }
        Some(NodeEnum::TypeCast(tc)) if tc.arg.as_deref().is_some_and(is_string) => {
            let (Some(arg), Some(t)) = (tc.arg.as_deref(), tc.type_name.as_ref()) else { return Ok(text) };
            match format_type(ctx, t) {
                Ok(canonical) => Ok(format!("{}::{canonical}", expr::deparse_expr(arg)?)),
                Err(_) => Ok(text),
            }
        }
        _ => Ok(text),
    }
}

/// A literal default must convert to the column's type in assignment context: `DEFAULT 2` on
/// an enum or boolean column fails (42804), and an enum label must exist (22P02).
pub fn check_default_type(
    catalog: &schemasim_catalog::Catalog,
    column: &str,
    type_name: &str,
    raw: &protobuf::Node,
) -> PgResult<()> {
    let Some(NodeEnum::AConst(c)) = raw.node.as_ref() else { return Ok(()) };
    let display = super::casts::display_type(type_name);
    let literal = match &c.val {
        Some(protobuf::a_const::Val::Ival(_)) => "integer",
        Some(protobuf::a_const::Val::Fval(_)) => "numeric",
        Some(protobuf::a_const::Val::Boolval(_)) => "boolean",
        Some(protobuf::a_const::Val::Sval(s)) => {
            let labels = catalog.types.iter().find_map(|(qn, t)| match &t.kind {
                schemasim_catalog::TypeKind::Enum { values } if qn.to_string() == type_name => Some(values),
                _ => None,
            });
            if let Some(labels) = labels {
                if !labels.contains(&s.sval) {
                    return Err(PgError::new(
                        "22P02",
                        format!("invalid input value for enum {display}: \"{}\"", s.sval),
                    ));
                }
            }
            return Ok(());
        }
        _ => return Ok(()),
    };
    if super::casts::assignment_castable(catalog, literal, type_name) == Some(false) {
        return Err(PgError::new(
            "42804",
            format!("column \"{column}\" is of type {display} but default expression is of type {literal}"),
        )
        .with_hint("You will need to rewrite or cast the expression."));
    }
    Ok(())
}

/// DEFAULT expressions cannot reference columns or contain sub-selects.
pub fn check_default_expr(raw: &protobuf::Node) -> PgResult<()> {
    if !expr::column_refs(raw).is_empty() {
        return Err(PgError::new("0A000", "cannot use column reference in DEFAULT expression"));
    }
    if expr::contains_subquery(raw) {
        return Err(PgError::new("0A000", "cannot use subquery in DEFAULT expression"));
    }
    Ok(())
}

/// `LIKE source INCLUDING ...` (CREATE_TABLE_LIKE_* option bits from parsenodes.h).
fn apply_like(
    ctx: &mut Ctx<'_>,
    table: &mut Table,
    like: &protobuf::TableLikeClause,
    pending: &mut Vec<PendingConstraint>,
    local_position: &mut usize,
) -> PgResult<()> {
    const COMMENTS: u32 = 1 << 0;
    const CONSTRAINTS: u32 = 1 << 2;
    const DEFAULTS: u32 = 1 << 3;
    const GENERATED: u32 = 1 << 4;
    const IDENTITY: u32 = 1 << 5;
    const INDEXES: u32 = 1 << 6;
    const STORAGE: u32 = 1 << 8;
    let rv = like.relation.as_ref().ok_or_else(|| PgError::new("42601", "LIKE needs a relation"))?;
    let source_name = ctx.resolve_relation(rv)?;
    let source = match ctx.catalog.relations.get(&source_name) {
        Some(Relation::Table(t)) => t.clone(),
        Some(Relation::View(v)) => {
            let mut t = TableDef::default();
            for c in &v.columns {
                t.columns.push(Column::new(c.clone(), "text"));
            }
            ctx.not_simulated(format!("LIKE {}: view column types are not tracked; copied as text", written(rv)));
            t.into()
        }
        _ => return Err(PgError::wrong_object_type(&written(rv), "a table, view, composite type, or foreign table")),
    };
    for col in &source.columns {
        // LIKE expands to local column definitions, which merge with inherited columns.
        *local_position += 1;
        let found = table.columns.iter_mut().enumerate().find(|(_, c)| c.name == col.name);
        if let Some((index, existing)) = found {
            if !existing.inherited {
                return Err(PgError::new("42701", format!("column \"{}\" specified more than once", col.name)));
            }
            let moved = if index + 1 == *local_position { "" } else { "moving and " };
            ctx.notice(format!("{moved}merging column \"{}\" with inherited definition", col.name));
            if existing.type_name != col.type_name {
                return Err(PgError::new("42804", format!("column \"{}\" has a type conflict", col.name)).with_detail(
                    format!("{} versus {}", display_type(&existing.type_name), display_type(&col.type_name)),
                ));
            }
            if like.options & STORAGE != 0 {
                if let Some(detail) = storage_conflict(&existing.storage, &col.storage) {
                    return Err(PgError::new(
                        "42804",
                        format!("column \"{}\" has a storage parameter conflict", col.name),
                    )
                    .with_detail(detail));
                }
            }
            existing.inherited = false;
            existing.not_null |= col.not_null;
            continue;
        }
        let mut c = Column::new(col.name.clone(), col.type_name.clone());
        c.not_null = col.not_null;
        c.collation = col.collation.clone();
        if like.options & DEFAULTS != 0 && col.generated.is_none() {
            c.default = col.default.clone();
        }
        if like.options & GENERATED != 0 {
            c.generated = col.generated.clone();
        }
        if like.options & IDENTITY != 0 {
            c.identity = col.identity;
        }
        if like.options & COMMENTS != 0 {
            c.comment = col.comment.clone();
        }
        table.columns.push(c);
    }
    if like.options & CONSTRAINTS != 0 {
        for con in &source.constraints {
            if let schemasim_catalog::ConstraintKind::Check { expr } = &con.kind {
                pending.push(PendingConstraint::copied_check(con.name.clone(), expr.clone(), con.no_inherit));
            }
        }
    }
    if like.options & INDEXES != 0 {
        for index in ctx.catalog.indexes_of(&source_name) {
            pending.push(PendingConstraint::copied_index(index.clone(), source.constraints.clone()));
        }
    }
    Ok(())
}

/// `PARTITION BY RANGE (a, lower(b))` text.
fn partition_spec_text(spec: &protobuf::PartitionSpec, table: &Table) -> PgResult<String> {
    use protobuf::PartitionStrategy as S;
    let strategy = match S::try_from(spec.strategy).unwrap_or(S::Undefined) {
        S::List => "LIST",
        S::Range => "RANGE",
        S::Hash => "HASH",
        S::Undefined => return Err(PgError::new("42601", "unrecognized partitioning strategy")),
    };
    let mut parts = Vec::new();
    for p in &spec.part_params {
        if let Some(NodeEnum::PartitionElem(elem)) = p.node.as_ref() {
            if !elem.name.is_empty() {
                if table.column(&elem.name).is_none() {
                    return Err(PgError::new(
                        "42703",
                        format!("column \"{}\" named in partition key does not exist", elem.name),
                    ));
                }
                if table.column(&elem.name).is_some_and(|c| c.generated.is_some()) {
                    return Err(generated_in_partition_key(&elem.name));
                }
                parts.push(schemasim_catalog::quote_ident(&elem.name));
            } else if let Some(e) = &elem.expr {
                if let Some(c) =
                    expr::column_refs(e).into_iter().find(|c| table.column(c).is_some_and(|c| c.generated.is_some()))
                {
                    return Err(generated_in_partition_key(&c));
                }
                parts.push(format!("({})", expr::deparse_expr(e)?));
            }
        }
    }
    Ok(format!("{strategy} ({})", parts.join(", ")))
}

/// A partitioned table stores no rows, so it takes no storage parameters.
pub fn partitioned_storage_parameters() -> PgError {
    PgError::new("42809", "cannot specify storage parameters for a partitioned table")
        .with_hint("Specify storage parameters for its leaf partitions instead.")
}

/// ComputePartitionAttrs: a partition key cannot use a generated column.
fn generated_in_partition_key(column: &str) -> PgError {
    PgError::new("42P17", "cannot use generated column in partition key")
        .with_detail(format!("Column \"{column}\" is a generated column."))
}

/// `FOR VALUES ...` / `DEFAULT` text of a partition bound.
pub fn partition_bound_text(bound: Option<&protobuf::PartitionBoundSpec>) -> PgResult<String> {
    let Some(b) = bound else {
        return Ok("DEFAULT".into());
    };
    if b.is_default {
        return Ok("DEFAULT".into());
    }
    let list = |nodes: &[protobuf::Node]| -> PgResult<String> {
        let parts: PgResult<Vec<String>> = nodes.iter().map(expr::deparse_expr).collect();
        Ok(parts?.join(", "))
    };
    Ok(match b.strategy.as_str() {
        "l" => format!("FOR VALUES IN ({})", list(&b.listdatums)?),
        "r" => format!("FOR VALUES FROM ({}) TO ({})", list(&b.lowerdatums)?, list(&b.upperdatums)?),
        "h" => format!("FOR VALUES WITH (modulus {}, remainder {})", b.modulus, b.remainder),
        _ => "DEFAULT".into(),
    })
}
