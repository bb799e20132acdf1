//! ALTER TABLE: every subcommand runs against the table as the previous one left it; the
//! statement is atomic (the session discards the scratch catalog on error).

use super::constraint::{add_constraint, PendingConstraint};
use super::drop::drop_object;
use crate::deps::{dependents, describe, Obj};
use crate::error::{PgError, PgResult};
use crate::expr;
use crate::session::{written, Ctx};
use crate::types::format_type;
use pg_query::protobuf::{self, AlterTableType as AT, DropBehavior, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{ConstraintKind, Identity, QualName, Relation};

/// `ALTER TABLE` (also `ALTER INDEX/VIEW/SEQUENCE/MATERIALIZED VIEW ...` forms that reach it).
pub fn alter_table(ctx: &mut Ctx<'_>, stmt: &protobuf::AlterTableStmt) -> PgResult<()> {
    let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing relation"))?;
    if ObjectType::try_from(stmt.objtype) == Ok(ObjectType::ObjectType) {
        return alter_composite_type(ctx, rv, stmt);
    }
    let Some(qn) = ctx.lookup_relation(&rv.schemaname, &rv.relname)? else {
        if stmt.missing_ok {
            ctx.notice(format!("relation \"{}\" does not exist, skipping", written(rv)));
            return Ok(());
        }
        return Err(PgError::undefined_table(&written(rv)));
    };
    let objtype = ObjectType::try_from(stmt.objtype).unwrap_or(ObjectType::ObjectTable);
    if !matches!(ctx.catalog.relations.get(&qn), Some(Relation::Table(_))) {
        return alter_non_table(ctx, &qn, stmt, objtype);
    }
    for cmd in &stmt.cmds {
        if let Some(NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref() {
            alter_cmd(ctx, &qn, c, rv.inh)?;
        }
    }
    Ok(())
}

fn alter_non_table(
    ctx: &mut Ctx<'_>,
    qn: &QualName,
    stmt: &protobuf::AlterTableStmt,
    objtype: ObjectType,
) -> PgResult<()> {
    for cmd in &stmt.cmds {
        let Some(NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref() else {
            continue;
        };
        match AT::try_from(c.subtype).unwrap_or(AT::Undefined) {
            AT::AtChangeOwner
            | AT::AtSetRelOptions
            | AT::AtResetRelOptions
            | AT::AtSetTableSpace
            | AT::AtSetStatistics => {}
            AT::AtColumnDefault if matches!(ctx.catalog.relations.get(qn), Some(Relation::View(_))) => {
                ctx.not_simulated("column defaults on views are not simulated");
            }
            AT::AtAttachPartition if objtype == ObjectType::ObjectIndex => {
                // ALTER INDEX parent ATTACH PARTITION child: the child index becomes part of the parent.
                if let Some(Relation::Index(i)) = ctx.catalog.relations.get_mut(qn) {
                    i.only = false;
                }
            }
            other => {
                let noun = ctx.catalog.relations.get(qn).map_or("relation", |r| r.kind_noun());
                return Err(PgError::wrong_object_type(
                    &qn.name,
                    &format!("a table ({} {:?} not supported)", noun, other),
                ));
            }
        }
    }
    Ok(())
}

fn table_mut<'c>(ctx: &'c mut Ctx<'_>, qn: &QualName) -> PgResult<&'c mut schemasim_catalog::Table> {
    ctx.catalog.table_mut(qn).ok_or_else(|| PgError::undefined_table(&qn.name))
}

fn column_mut<'c>(ctx: &'c mut Ctx<'_>, qn: &QualName, name: &str) -> PgResult<&'c mut schemasim_catalog::Column> {
    table_mut(ctx, qn)?.column_mut(name).ok_or_else(|| PgError::undefined_column_of(name, &qn.name))
}

/// One ALTER TABLE subcommand; `recurse` is false under `ALTER TABLE ONLY`.
fn alter_cmd(ctx: &mut Ctx<'_>, qn: &QualName, cmd: &protobuf::AlterTableCmd, recurse: bool) -> PgResult<()> {
    let subtype = AT::try_from(cmd.subtype).unwrap_or(AT::Undefined);
    let table_name = qn.name.clone();
    let cascade = DropBehavior::try_from(cmd.behavior) == Ok(DropBehavior::DropCascade);
    let column_exists = |ctx: &Ctx<'_>, name: &str| ctx.catalog.table(qn).is_some_and(|t| t.column(name).is_some());
    let require_column = |ctx: &Ctx<'_>, name: &str| -> PgResult<()> {
        if column_exists(ctx, name) {
            Ok(())
        } else {
            Err(PgError::undefined_column_of(name, &table_name))
        }
    };
    // A typed table's columns are its type's attributes (ALTER TYPE changes them).
    if ctx.catalog.table(qn).is_some_and(|t| t.of_type.is_some()) {
        let refused = match subtype {
            AT::AtAddColumn => Some("cannot add column to typed table"),
            AT::AtDropColumn => Some("cannot drop column from typed table"),
            AT::AtAlterColumnType => Some("cannot alter column type of typed table"),
            _ => None,
        };
        if let Some(message) = refused {
            return Err(PgError::new("42809", message));
        }
    }
    match subtype {
        AT::AtAddColumn => {
            let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                return Ok(());
            };
            if matches!(def.colname.as_str(), "ctid" | "xmin" | "cmin" | "xmax" | "cmax" | "tableoid") {
                return Err(PgError::new(
                    "42701",
                    format!("column name \"{}\" conflicts with a system column name", def.colname),
                ));
            }
            if column_exists(ctx, &def.colname) {
                if cmd.missing_ok {
                    ctx.notice(format!(
                        "column \"{}\" of relation \"{}\" already exists, skipping",
                        def.colname, table_name
                    ));
                    return Ok(());
                }
                return Err(PgError::duplicate_column(&def.colname, &table_name));
            }
            let mut pending = Vec::new();
            let (mut column, serial) = super::table::column_from_def(ctx, qn, def, &mut pending)?;
            if let Some(base) = serial {
                let seq = super::sequence::create_serial_sequence(ctx, qn, &column.name, &base)?;
                column.default = Some(format!("nextval('{}'::regclass)", super::regclass_text(&seq)));
                column.not_null = true;
            }
            let identity = column.identity.is_some();
            let name = column.name.clone();
            table_mut(ctx, qn)?.columns.push(column.clone());
            if let Some(generated) = &column.generated {
                super::generated::check_generation_expression(&ctx.catalog, ctx.table(qn)?, generated)?;
            }
            if identity {
                super::sequence::create_identity_sequence(ctx, qn, &name)?;
            }
            // Partitions and inheritance children get the column too.
            for child in children(ctx, qn) {
                if let Some(t) = ctx.catalog.table_mut(&child) {
                    if t.column(&name).is_none() {
                        let mut c = column.clone();
                        c.inherited = true;
                        t.columns.push(c);
                    }
                }
            }
            pending.sort_by_key(|p| p.creation_rank());
            for p in pending {
                add_constraint(ctx, qn, p, false)?;
            }
        }
        AT::AtDropColumn => {
            if !column_exists(ctx, &cmd.name) {
                if cmd.missing_ok {
                    ctx.notice(format!(
                        "column \"{}\" of relation \"{}\" does not exist, skipping",
                        cmd.name, table_name
                    ));
                    return Ok(());
                }
                return Err(PgError::undefined_column_of(&cmd.name, &table_name));
            }
            if ctx.catalog.table(qn).and_then(|t| t.column(&cmd.name)).is_some_and(|c| c.inherited) {
                return Err(PgError::new("42P16", format!("cannot drop inherited column \"{}\"", cmd.name)));
            }
            // has_partition_attrs, on the table and (recursing) on every descendant.
            let mut scope = vec![qn.clone()];
            if recurse {
                scope.extend(super::inherit::descendants(ctx, qn));
            }
            for t in scope {
                let key = ctx.catalog.table(&t).and_then(|t| t.partition_by.clone());
                if key.is_some_and(|k| crate::deps::text_mentions_column(&k, &cmd.name)) {
                    return Err(PgError::new(
                        "42P16",
                        format!(
                            "cannot drop column \"{}\" because it is part of the partition key of relation \"{}\"",
                            cmd.name, t.name
                        ),
                    ));
                }
            }
            let kids = children(ctx, qn);
            if !recurse && !kids.is_empty() && ctx.table(qn)?.partition_by.is_some() {
                return Err(PgError::new(
                    "42P16",
                    "cannot drop column from only the partitioned table when partitions exist",
                )
                .with_hint("Do not specify the ONLY keyword."));
            }
            drop_object(ctx, Obj::Column(qn.clone(), cmd.name.clone()), cascade)?;
            for child in kids {
                if let Some(t) = ctx.catalog.table_mut(&child) {
                    if recurse {
                        t.columns.retain(|c| !(c.name == cmd.name && c.inherited));
                    } else if let Some(c) = t.column_mut(&cmd.name) {
                        // Under ONLY the children keep the column as their own.
                        c.inherited = false;
                    }
                }
            }
        }
        AT::AtColumnDefault => {
            require_column(ctx, &cmd.name)?;
            let default = match cmd.def.as_ref() {
                // SET DEFAULT NULL stores no default, like DROP DEFAULT.
                Some(d) if super::table::is_null_constant(d) => None,
                Some(d) => {
                    super::table::check_default_expr(d)?;
                    let type_name = column_mut(ctx, qn, &cmd.name)?.type_name.clone();
                    super::table::check_default_type(&ctx.catalog, &cmd.name, &type_name, d)?;
                    Some(super::table::stored_default(ctx, &type_name, d)?)
                }
                None => None,
            };
            let col = column_mut(ctx, qn, &cmd.name)?;
            if col.identity.is_some() && default.is_some() {
                return Err(PgError::new(
                    "42601",
                    format!("column \"{}\" of relation \"{}\" is an identity column", cmd.name, table_name),
                )
                .with_hint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead."));
            }
            if col.generated.is_some() {
                return Err(PgError::new(
                    "42601",
                    format!("column \"{}\" of relation \"{}\" is a generated column", cmd.name, table_name),
                ));
            }
            col.default = default.clone();
            for child in children(ctx, qn) {
                if let Some(c) = ctx.catalog.table_mut(&child).and_then(|t| t.column_mut(&cmd.name)) {
                    c.default = default.clone();
                }
            }
        }
        AT::AtDropNotNull => {
            require_column(ctx, &cmd.name)?;
            let in_pk = ctx.catalog.table(qn).and_then(|t| t.primary_key()).is_some_and(
                |pk| matches!(&pk.kind, ConstraintKind::PrimaryKey { columns, .. } if columns.contains(&cmd.name)),
            );
            if in_pk {
                return Err(PgError::new("42P16", format!("column \"{}\" is in a primary key", cmd.name)));
            }
            let col = column_mut(ctx, qn, &cmd.name)?;
            if col.identity.is_some() {
                return Err(PgError::new(
                    "42P16",
                    format!("column \"{}\" of relation \"{}\" is an identity column", cmd.name, table_name),
                ));
            }
            col.not_null = false;
            for child in children(ctx, qn) {
                if let Some(c) = ctx.catalog.table_mut(&child).and_then(|t| t.column_mut(&cmd.name)) {
                    c.not_null = false;
                }
            }
        }
        AT::AtSetNotNull => {
            require_column(ctx, &cmd.name)?;
            column_mut(ctx, qn, &cmd.name)?.not_null = true;
            for child in children(ctx, qn) {
                if let Some(c) = ctx.catalog.table_mut(&child).and_then(|t| t.column_mut(&cmd.name)) {
                    c.not_null = true;
                }
            }
        }
        AT::AtAlterColumnType => alter_column_type(ctx, qn, cmd, recurse)?,
        AT::AtAddConstraint => {
            let Some(NodeEnum::Constraint(con)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                return Ok(());
            };
            let is_check = con.contype == protobuf::ConstrType::ConstrCheck as i32;
            let kids = children(ctx, qn);
            if is_check && ctx.table(qn)?.partition_by.is_some() {
                if con.is_no_inherit {
                    return Err(PgError::new(
                        "42P16",
                        format!("cannot add NO INHERIT constraint to partitioned table \"{table_name}\""),
                    ));
                }
                if !recurse && !kids.is_empty() {
                    return Err(PgError::new("42P16", "constraint must be added to child tables too"));
                }
            }
            let before: Vec<String> = ctx.table(qn)?.constraints.iter().map(|c| c.name.clone()).collect();
            add_constraint(ctx, qn, PendingConstraint::table_level((**con).clone()), false)?;
            if is_check && recurse && !con.is_no_inherit {
                let added = ctx.table(qn)?.constraints.iter().find(|c| !before.contains(&c.name)).cloned();
                if let Some(added) = added {
                    add_inherited_check(ctx, qn, &added)?;
                }
            }
        }
        AT::AtDropConstraint => {
            let exists = ctx.catalog.table(qn).is_some_and(|t| t.constraint(&cmd.name).is_some());
            if !exists {
                if cmd.missing_ok {
                    ctx.notice(format!(
                        "constraint \"{}\" of relation \"{}\" does not exist, skipping",
                        cmd.name, table_name
                    ));
                    return Ok(());
                }
                return Err(PgError::new(
                    "42704",
                    format!("constraint \"{}\" of relation \"{}\" does not exist", cmd.name, table_name),
                ));
            }
            let t = ctx.table(qn)?;
            if super::inherit::constraint_is_inherited(ctx, t, &cmd.name) {
                return Err(PgError::new(
                    "42P16",
                    format!("cannot drop inherited constraint \"{}\" of relation \"{}\"", cmd.name, table_name),
                ));
            }
            let check = t
                .constraint(&cmd.name)
                .is_some_and(|c| matches!(c.kind, ConstraintKind::Check { .. }) && !c.no_inherit);
            let kids = children(ctx, qn);
            if check && !recurse && !kids.is_empty() && t.partition_by.is_some() {
                return Err(PgError::new(
                    "42P16",
                    "cannot remove constraint from only the partitioned table when partitions exist",
                )
                .with_hint("Do not specify the ONLY keyword."));
            }
            drop_object(ctx, Obj::Constraint(qn.clone(), cmd.name.clone()), cascade)?;
            if check && recurse {
                // The children's inherited copies go too, unless another parent still has it.
                for d in super::inherit::descendants(ctx, qn) {
                    let Some(child) = ctx.catalog.table(&d) else { continue };
                    if !super::inherit::constraint_is_inherited(ctx, child, &cmd.name) {
                        if let Some(t) = ctx.catalog.table_mut(&d) {
                            t.constraints.retain(|c| c.name != cmd.name);
                        }
                    }
                }
            }
        }
        AT::AtValidateConstraint => {
            let t = table_mut(ctx, qn)?;
            match t.constraints.iter_mut().find(|c| c.name == cmd.name) {
                Some(c) => c.validated = true,
                None => {
                    return Err(PgError::new(
                        "42704",
                        format!("constraint \"{}\" of relation \"{}\" does not exist", cmd.name, table_name),
                    ))
                }
            }
        }
        AT::AtAlterConstraint => {
            if let Some(NodeEnum::Constraint(con)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                let t = table_mut(ctx, qn)?;
                match t.constraints.iter_mut().find(|c| c.name == con.conname) {
                    Some(c) => {
                        c.deferrable = con.deferrable;
                        c.initially_deferred = con.initdeferred;
                    }
                    None => {
                        return Err(PgError::new(
                            "42704",
                            format!("constraint \"{}\" of relation \"{}\" does not exist", con.conname, table_name),
                        ))
                    }
                }
            }
        }
        AT::AtEnableRowSecurity => table_mut(ctx, qn)?.rls_enabled = true,
        AT::AtDisableRowSecurity => table_mut(ctx, qn)?.rls_enabled = false,
        AT::AtForceRowSecurity => table_mut(ctx, qn)?.rls_forced = true,
        AT::AtNoForceRowSecurity => table_mut(ctx, qn)?.rls_forced = false,
        AT::AtEnableTrig | AT::AtDisableTrig | AT::AtEnableAlwaysTrig | AT::AtEnableReplicaTrig => {
            let state = match subtype {
                AT::AtEnableTrig => 'O',
                AT::AtDisableTrig => 'D',
                AT::AtEnableAlwaysTrig => 'A',
                _ => 'R',
            };
            let t = table_mut(ctx, qn)?;
            match t.triggers.iter_mut().find(|tr| tr.name == cmd.name) {
                Some(tr) => tr.enabled = state,
                None => {
                    return Err(PgError::new(
                        "42704",
                        format!("trigger \"{}\" for table \"{}\" does not exist", cmd.name, table_name),
                    ))
                }
            }
        }
        AT::AtEnableTrigAll | AT::AtDisableTrigAll | AT::AtEnableTrigUser | AT::AtDisableTrigUser => {
            let state = if matches!(subtype, AT::AtEnableTrigAll | AT::AtEnableTrigUser) { 'O' } else { 'D' };
            for tr in &mut table_mut(ctx, qn)?.triggers {
                tr.enabled = state;
            }
        }
        AT::AtAddIdentity => {
            let Some(NodeEnum::Constraint(con)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                return Ok(());
            };
            // The identity sequence is built (and its type checked) before the command runs.
            if let Some(col) = ctx.table(qn)?.column(&cmd.name) {
                check_identity_type(&col.type_name)?;
            }
            identity_partition_rules(ctx, qn, recurse, "cannot add identity to a column")?;
            require_column(ctx, &cmd.name)?;
            let col = column_mut(ctx, qn, &cmd.name)?;
            if !col.not_null {
                return Err(PgError::new(
                    "55000",
                    format!(
                        "column \"{}\" of relation \"{}\" must be declared NOT NULL before identity can be added",
                        cmd.name, table_name
                    ),
                ));
            }
            if col.identity.is_some() {
                return Err(PgError::new(
                    "55000",
                    format!("column \"{}\" of relation \"{}\" is already an identity column", cmd.name, table_name),
                ));
            }
            if col.default.is_some() {
                return Err(PgError::new(
                    "55000",
                    format!("column \"{}\" of relation \"{}\" already has a default value", cmd.name, table_name),
                ));
            }
            let identity = Some(if con.generated_when == "a" { Identity::Always } else { Identity::ByDefault });
            col.identity = identity;
            super::sequence::create_identity_sequence(ctx, qn, &cmd.name)?;
            // Partitions get the identity too (sharing the parent's sequence).
            let mut pending = partitions(ctx, qn);
            while let Some(t) = pending.pop() {
                if let Some(col) = ctx.catalog.table_mut(&t).and_then(|t| t.column_mut(&cmd.name)) {
                    col.identity = identity;
                }
                pending.extend(partitions(ctx, &t));
            }
        }
        AT::AtSetIdentity => {
            // ATExecSetIdentity: a partitioned table's identity changes with its partitions, never
            // one without the other.
            identity_partition_rules(ctx, qn, recurse, "cannot change identity column")?;
            require_column(ctx, &cmd.name)?;
            if column_mut(ctx, qn, &cmd.name)?.identity.is_none() {
                return Err(PgError::new(
                    "55000",
                    format!("column \"{}\" of relation \"{}\" is not an identity column", cmd.name, table_name),
                ));
            }
            if let Some(NodeEnum::List(l)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                for item in &l.items {
                    if let Some(NodeEnum::DefElem(d)) = item.node.as_ref() {
                        if d.defname == "generated" {
                            let always = matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Integer(i)) if i.ival == 1);
                            let identity = Some(if always { Identity::Always } else { Identity::ByDefault });
                            let mut pending = vec![qn.clone()];
                            while let Some(t) = pending.pop() {
                                if let Some(col) = ctx.catalog.table_mut(&t).and_then(|t| t.column_mut(&cmd.name)) {
                                    col.identity = identity;
                                }
                                pending.extend(partitions(ctx, &t));
                            }
                        }
                    }
                }
            }
        }
        AT::AtDropIdentity => {
            identity_partition_rules(ctx, qn, recurse, "cannot drop identity from a column")?;
            require_column(ctx, &cmd.name)?;
            let had = column_mut(ctx, qn, &cmd.name)?.identity.take().is_some();
            let mut pending = partitions(ctx, qn);
            while let Some(t) = pending.pop() {
                if let Some(col) = ctx.catalog.table_mut(&t).and_then(|t| t.column_mut(&cmd.name)) {
                    col.identity = None;
                }
                pending.extend(partitions(ctx, &t));
            }
            if !had {
                if cmd.missing_ok {
                    ctx.notice(format!(
                        "column \"{}\" of relation \"{}\" is not an identity column, skipping",
                        cmd.name, table_name
                    ));
                } else {
                    return Err(PgError::new(
                        "55000",
                        format!("column \"{}\" of relation \"{}\" is not an identity column", cmd.name, table_name),
                    ));
                }
            } else {
                let seqs: Vec<QualName> = ctx
                    .catalog
                    .relations
                    .values()
                    .filter_map(|r| match r {
                        Relation::Sequence(s)
                            if s.identity && s.owned_by.as_ref() == Some(&(qn.clone(), cmd.name.clone())) =>
                        {
                            Some(s.name.clone())
                        }
                        _ => None,
                    })
                    .collect();
                for s in seqs {
                    ctx.catalog.relations.remove(&s);
                }
            }
        }
        AT::AtDropExpression => {
            // ATPrepDropExpression: the whole hierarchy loses the expression, or nothing does.
            let kids = children(ctx, qn);
            if !recurse && !kids.is_empty() {
                return Err(PgError::not_supported(
                    "ALTER TABLE / DROP EXPRESSION must be applied to child tables too",
                ));
            }
            require_column(ctx, &cmd.name)?;
            if column_mut(ctx, qn, &cmd.name)?.inherited {
                return Err(PgError::new("42P16", "cannot drop generation expression from inherited column"));
            }
            for d in super::inherit::descendants(ctx, qn) {
                if let Some(c) = ctx.catalog.table_mut(&d).and_then(|t| t.column_mut(&cmd.name)) {
                    c.generated = None;
                }
            }
            let col = column_mut(ctx, qn, &cmd.name)?;
            if col.generated.take().is_none() && !cmd.missing_ok {
                return Err(PgError::new(
                    "55000",
                    format!("column \"{}\" of relation \"{}\" is not a stored generated column", cmd.name, table_name),
                ));
            }
        }
        AT::AtSetExpression => {
            require_column(ctx, &cmd.name)?;
            if let Some(d) = cmd.def.as_ref() {
                let text = expr::deparse_expr(d)?;
                if column_mut(ctx, qn, &cmd.name)?.generated.is_none() {
                    return Err(PgError::new(
                        "55000",
                        format!("column \"{}\" of relation \"{}\" is not a generated column", cmd.name, table_name),
                    ));
                }
                row_type_in_use(ctx, qn)?;
                // The new expression is checked in place of the old one.
                let mut table = ctx.table(qn)?.clone();
                if let Some(c) = table.columns.iter_mut().find(|c| c.name == cmd.name) {
                    c.generated = Some(text.clone());
                }
                super::generated::check_generation_expression(&ctx.catalog, &table, &text)?;
                column_mut(ctx, qn, &cmd.name)?.generated = Some(text);
            }
        }
        AT::AtSetStatistics => {
            require_column(ctx, &cmd.name)?;
            let value = match cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                Some(NodeEnum::Integer(i)) => Some(i.ival),
                _ => None,
            };
            column_mut(ctx, qn, &cmd.name)?.statistics = value;
        }
        AT::AtSetStorage => {
            require_column(ctx, &cmd.name)?;
            if let Some(NodeEnum::String(s)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                column_mut(ctx, qn, &cmd.name)?.storage = Some(s.sval.clone());
            }
        }
        AT::AtSetCompression => {
            require_column(ctx, &cmd.name)?;
            if let Some(NodeEnum::String(s)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                column_mut(ctx, qn, &cmd.name)?.compression = Some(s.sval.clone());
            }
        }
        AT::AtSetRelOptions | AT::AtResetRelOptions => {
            if subtype == AT::AtSetRelOptions && ctx.table(qn)?.partition_by.is_some() {
                return Err(super::table::partitioned_storage_parameters());
            }
            if let Some(NodeEnum::List(l)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                let opts = super::reloptions(&l.items);
                let t = table_mut(ctx, qn)?;
                for o in opts {
                    let key = o.split('=').next().unwrap_or("").to_string();
                    t.options.retain(|x| x.split('=').next() != Some(key.as_str()));
                    if subtype == AT::AtSetRelOptions {
                        t.options.push(o);
                    }
                }
            }
        }
        AT::AtSetLogged => table_mut(ctx, qn)?.persistence = schemasim_catalog::Persistence::Permanent,
        AT::AtSetUnLogged => table_mut(ctx, qn)?.persistence = schemasim_catalog::Persistence::Unlogged,
        AT::AtReplicaIdentity => {
            if let Some(NodeEnum::ReplicaIdentityStmt(r)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                let text = match r.identity_type.as_str() {
                    "f" => "FULL".to_string(),
                    "n" => "NOTHING".to_string(),
                    "i" => format!("USING INDEX {}", schemasim_catalog::quote_ident(&r.name)),
                    _ => "DEFAULT".to_string(),
                };
                table_mut(ctx, qn)?.replica_identity = (text != "DEFAULT").then_some(text);
            }
        }
        AT::AtAttachPartition => attach_partition(ctx, qn, cmd)?,
        AT::AtDetachPartition | AT::AtDetachPartitionFinalize => {
            if let Some(NodeEnum::PartitionCmd(pc)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                if let Some(rv) = &pc.name {
                    let child = ctx.resolve_table(rv)?;
                    let t = ctx.table_mut(&child)?;
                    if t.partition_of.as_ref().is_none_or(|p| &p.parent != qn) {
                        return Err(PgError::new(
                            "42P01",
                            format!("relation \"{}\" is not a partition of relation \"{}\"", rv.relname, table_name),
                        ));
                    }
                    t.partition_of = None;
                    for c in &mut t.columns {
                        c.inherited = false;
                    }
                }
            }
        }
        AT::AtAddOf => {
            let Some(NodeEnum::TypeName(type_name)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
                return Ok(());
            };
            let names = crate::types::name_list(&type_name.names);
            let type_qn = super::types::resolve_type_name(ctx, &names)?;
            let Some(schemasim_catalog::TypeKind::Composite { attributes }) =
                ctx.catalog.types.get(&type_qn).map(|t| t.kind.clone())
            else {
                return Err(PgError::wrong_object_type(&format_type(ctx, type_name)?, "a composite type"));
            };
            // ATExecAddOf: the table's columns must be the type's attributes, in order.
            let t = ctx.table(qn)?;
            if !t.inherits.is_empty() {
                return Err(PgError::new("42809", "typed tables cannot inherit"));
            }
            let mismatch = |message: String| PgError::new("42804", message);
            for (i, (name, type_text)) in attributes.iter().enumerate() {
                let Some(c) = t.columns.get(i) else {
                    return Err(mismatch(format!("table is missing column \"{name}\"")));
                };
                if &c.name != name {
                    return Err(mismatch(format!("table has column \"{}\" where type requires \"{name}\"", c.name)));
                }
                if &c.type_name != type_text {
                    return Err(mismatch(format!("table \"{table_name}\" has different type for column \"{name}\"")));
                }
            }
            if let Some(extra) = t.columns.get(attributes.len()) {
                return Err(mismatch(format!("table has extra column \"{}\"", extra.name)));
            }
            table_mut(ctx, qn)?.of_type = Some(type_qn);
        }
        AT::AtDropOf => {
            let t = table_mut(ctx, qn)?;
            if t.of_type.take().is_none() {
                return Err(PgError::new("42809", format!("\"{table_name}\" is not a typed table")));
            }
        }
        AT::AtAddInherit => {
            if let Some(NodeEnum::RangeVar(rv)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                super::inherit::add_inherit(ctx, qn, rv)?;
            }
        }
        AT::AtDropInherit => {
            if let Some(NodeEnum::RangeVar(rv)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) {
                let parent = ctx.resolve_table(rv)?;
                let parent_columns: Vec<String> = ctx.table(&parent)?.columns.iter().map(|c| c.name.clone()).collect();
                let child = table_mut(ctx, qn)?;
                if !child.inherits.contains(&parent) {
                    return Err(PgError::new(
                        "42P01",
                        format!("relation \"{}\" is not a parent of relation \"{}\"", parent.name, qn.name),
                    ));
                }
                child.inherits.retain(|p| p != &parent);
                let remaining = child.inherits.clone();
                // Columns no other parent has become the child's own (attislocal).
                for name in parent_columns {
                    let elsewhere =
                        remaining.iter().any(|p| ctx.catalog.table(p).is_some_and(|t| t.column(&name).is_some()));
                    if !elsewhere {
                        if let Some(c) = table_mut(ctx, qn)?.column_mut(&name) {
                            c.inherited = false;
                        }
                    }
                }
            }
        }
        AT::AtChangeOwner => {
            if let Some(role) = &cmd.newowner {
                table_mut(ctx, qn)?.owner = Some(role.rolename.clone());
            }
        }
        AT::AtClusterOn
        | AT::AtDropCluster
        | AT::AtSetTableSpace
        | AT::AtSetAccessMethod
        | AT::AtSetOptions
        | AT::AtResetOptions => {}
        other => ctx.not_simulated(format!("ALTER TABLE subcommand {} is not simulated", other.as_str_name())),
    }
    Ok(())
}

/// ATAddCheckConstraint's recursion: every descendant gets the parent's new CHECK, merging with
/// an identical one of the same name (which must not be NOT VALID when the new one is valid, nor
/// NO INHERIT); a different one of that name is a conflict.
fn add_inherited_check(ctx: &mut Ctx<'_>, parent: &QualName, con: &schemasim_catalog::Constraint) -> PgResult<()> {
    let mut kids = children(ctx, parent);
    kids.sort_by_key(|k| ctx.catalog.relations.get(k).map_or(0, Relation::seq));
    for child in kids {
        let Some(t) = ctx.catalog.table(&child) else { continue };
        match t.constraint(&con.name) {
            Some(existing) => {
                if existing.kind != con.kind {
                    return Err(PgError::new(
                        "42710",
                        format!("constraint \"{}\" for relation \"{}\" already exists", con.name, child.name),
                    ));
                }
                if existing.no_inherit {
                    return Err(PgError::new(
                        "42P17",
                        format!(
                            "constraint \"{}\" conflicts with non-inherited constraint on relation \"{}\"",
                            con.name, child.name
                        ),
                    ));
                }
                if con.validated && !existing.validated {
                    return Err(PgError::new(
                        "42P17",
                        format!(
                            "constraint \"{}\" conflicts with NOT VALID constraint on relation \"{}\"",
                            con.name, child.name
                        ),
                    ));
                }
                ctx.notice(format!("merging constraint \"{}\" with inherited definition", con.name));
            }
            None => {
                let mut copy = con.clone();
                copy.seq = ctx.catalog.allocate_seq();
                table_mut(ctx, &child)?.constraints.push(copy);
            }
        }
        add_inherited_check(ctx, &child, con)?;
    }
    Ok(())
}

/// ADD / SET / DROP IDENTITY on a partitioned table apply to all its partitions: not under
/// ONLY, and never to one partition alone (`what` starts PostgreSQL's message).
fn identity_partition_rules(ctx: &Ctx<'_>, qn: &QualName, recurse: bool, what: &str) -> PgResult<()> {
    let table = ctx.table(qn)?;
    if table.partition_by.is_some() && !recurse {
        return Err(PgError::new("42P16", format!("{what} of only the partitioned table"))
            .with_hint("Do not specify the ONLY keyword."));
    }
    if table.partition_of.is_some() {
        return Err(PgError::new("42P16", format!("{what} of a partition")));
    }
    Ok(())
}

/// An identity column's sequence takes the column's type, which must be an integer type.
pub fn check_identity_type(type_name: &str) -> PgResult<()> {
    if matches!(type_name, "smallint" | "integer" | "bigint") {
        Ok(())
    } else {
        Err(PgError::new("22023", "identity column type must be smallint, integer, or bigint"))
    }
}

/// The partitions of a partitioned table (not its inheritance children).
fn partitions(ctx: &Ctx<'_>, parent: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) if t.partition_of.as_ref().is_some_and(|p| &p.parent == parent) => Some(t.name.clone()),
            _ => None,
        })
        .collect()
}

/// Partitions and inheritance children of `parent`.
fn children(ctx: &Ctx<'_>, parent: &QualName) -> Vec<QualName> {
    ctx.catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t)
                if t.partition_of.as_ref().is_some_and(|p| &p.parent == parent) || t.inherits.contains(parent) =>
            {
                Some(t.name.clone())
            }
            _ => None,
        })
        .collect()
}

fn attach_partition(ctx: &mut Ctx<'_>, parent: &QualName, cmd: &protobuf::AlterTableCmd) -> PgResult<()> {
    let Some(NodeEnum::PartitionCmd(pc)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
        return Ok(());
    };
    let Some(rv) = &pc.name else { return Ok(()) };
    if ctx.catalog.table(parent).is_some_and(|t| t.partition_by.is_none()) {
        return Err(PgError::new("42809", format!("table \"{}\" is not partitioned", parent.name)));
    }
    let child = ctx.resolve_table(rv)?;
    let bound = super::table::partition_bound_text(pc.bound.as_ref())?;
    super::inherit::check_attach_partition(ctx, parent, &child, pc.bound.as_ref())?;
    let t = ctx.table_mut(&child)?;
    t.partition_of = Some(schemasim_catalog::PartitionOf { parent: parent.clone(), bound });
    super::index::clone_parent_indexes(ctx, parent, &child)
}

/// `ALTER COLUMN ... TYPE`: refused when a view or rule uses the column (0A000); the default
/// must be castable; indexes and constraints on the column are rebuilt.
fn alter_column_type(ctx: &mut Ctx<'_>, qn: &QualName, cmd: &protobuf::AlterTableCmd, recurse: bool) -> PgResult<()> {
    let table_name = qn.name.clone();
    let Some(NodeEnum::ColumnDef(def)) = cmd.def.as_ref().and_then(|d| d.node.as_ref()) else {
        return Ok(());
    };
    let Some(col) = ctx.catalog.table(qn).and_then(|t| t.column(&cmd.name)).cloned() else {
        return Err(PgError::undefined_column_of(&cmd.name, &table_name));
    };
    // ATPrepAlterColumnType: an inherited column changes only with its parent, and no table of
    // the hierarchy the command reaches may use the column in its partition key.
    if col.inherited {
        return Err(PgError::new("42P16", format!("cannot alter inherited column \"{}\"", cmd.name)));
    }
    let mut scope = vec![qn.clone()];
    if recurse {
        scope.extend(super::inherit::descendants(ctx, qn));
    }
    for t in scope {
        let key = ctx.catalog.table(&t).and_then(|t| t.partition_by.clone());
        if key.is_some_and(|k| crate::deps::text_mentions_column(&k, &cmd.name)) {
            return Err(PgError::new(
                "42P16",
                format!(
                    "cannot alter column \"{}\" because it is part of the partition key of relation \"{}\"",
                    cmd.name, t.name
                ),
            ));
        }
    }
    let type_name = def.type_name.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
    let new_type = format_type(ctx, type_name)?;
    let (normal, _) = dependents(&ctx.catalog, &Obj::Column(qn.clone(), cmd.name.clone()));
    for d in &normal {
        if let Obj::Relation(v) = d {
            if matches!(ctx.catalog.relations.get(v), Some(Relation::View(_))) {
                return Err(PgError::new("0A000", "cannot alter type of a column used by a view or rule").with_detail(
                    format!("rule _RETURN on {} depends on column \"{}\"", describe(&ctx.catalog, d), cmd.name),
                ));
            }
        }
        if let Obj::Trigger(..) = d {
            return Err(PgError::new("0A000", "cannot alter type of a column used in a trigger definition")
                .with_detail(format!("{} depends on column \"{}\"", describe(&ctx.catalog, d), cmd.name)));
        }
        if let Obj::Policy(t, p) = d {
            return Err(PgError::new("0A000", "cannot alter type of a column used in a policy definition")
                .with_detail(format!("policy {p} on table {} depends on column \"{}\"", t.name, cmd.name)));
        }
    }
    if col.generated.is_none() {
        let used_by_generated = ctx.catalog.table(qn).is_some_and(|t| {
            t.columns
                .iter()
                .any(|c| c.generated.as_deref().is_some_and(|g| crate::deps::text_mentions_column(g, &cmd.name)))
        });
        if used_by_generated {
            return Err(PgError::new("0A000", "cannot alter type of a column used by a generated column")
                .with_detail(format!("Column \"{}\" is used by generated column.", cmd.name)));
        }
    }
    let has_using = def.raw_default.is_some();
    let castable = super::casts::assignment_castable(&ctx.catalog, &col.type_name, &new_type);
    if !has_using && castable == Some(false) {
        return Err(PgError::new(
            "42804",
            format!(
                "column \"{}\" cannot be cast automatically to type {}",
                cmd.name,
                super::casts::display_type(&new_type)
            ),
        )
        .with_hint(format!(
            "You might need to specify \"USING {}::{}\".",
            schemasim_catalog::quote_ident(&cmd.name),
            super::casts::display_type(&new_type)
        )));
    }
    if castable.is_none() && !has_using {
        ctx.not_simulated(format!(
            "whether {} casts to {} automatically is not known to schemasim; assumed it does",
            col.type_name, new_type
        ));
    }
    if let Some(default) = &col.default {
        if super::casts::default_castable(&ctx.catalog, default, &col.type_name, &new_type) == Some(false) {
            return Err(PgError::new(
                "42804",
                format!(
                    "default for column \"{}\" cannot be cast automatically to type {}",
                    cmd.name,
                    super::casts::display_type(&new_type)
                ),
            ));
        }
    }
    row_type_in_use(ctx, qn)?;
    let c = column_mut(ctx, qn, &cmd.name)?;
    // A default is stored already coerced to the column's type: a bare string literal was
    // read as a constant of the old type, which the new type then casts from.
    if let Some(default) = &c.default {
        if is_untyped_literal(default) {
            c.default = Some(format!("{default}::{}", crate::types::without_typmods(&c.type_name)));
        }
    }
    c.type_name = new_type.clone();
    if let Some(coll) = &def.coll_clause {
        c.collation = Some(crate::types::name_list(&coll.collname).join("."));
    }
    for child in children(ctx, qn) {
        if let Some(cc) = ctx.catalog.table_mut(&child).and_then(|t| t.column_mut(&cmd.name)) {
            cc.type_name = new_type.clone();
        }
    }
    simplify_index_casts(ctx, qn, &cmd.name, &new_type);
    Ok(())
}

/// PostgreSQL rebuilds the table's indexes from their definitions after a column changes type.
/// A function-style cast of the column to a type (`date(col)`) that is now the column's own type
/// parses as a no-op coercion, so that index element becomes the bare column.
fn simplify_index_casts(ctx: &mut Ctx<'_>, qn: &QualName, column: &str, new_type: &str) {
    let target = crate::types::strip_typmods(new_type);
    let names: Vec<QualName> = ctx.catalog.indexes_of(qn).iter().map(|i| i.name.clone()).collect();
    for name in names {
        let Some(Relation::Index(index)) = ctx.catalog.relations.get_mut(&name) else { continue };
        for element in &mut index.elements {
            let Ok(node) = expr::parse_expr(element) else { continue };
            let Some(NodeEnum::FuncCall(call)) = node.node.as_ref() else { continue };
            let func = crate::types::name_list(&call.funcname);
            let type_name = match func.as_slice() {
                [f] => f.as_str(),
                [s, f] if s == "pg_catalog" => f.as_str(),
                _ => continue,
            };
            let cast_to_own_type = crate::types::builtin_canonical(type_name) == Some(target);
            let on_column = matches!(call.args.as_slice(), [arg] if expr::column_refs(arg) == [column.to_string()]
                && matches!(arg.node.as_ref(), Some(NodeEnum::ColumnRef(_))));
            if cast_to_own_type && on_column && call.agg_order.is_empty() && call.over.is_none() {
                *element = schemasim_catalog::quote_ident(column);
            }
        }
    }
}

/// Is this stored expression a bare string literal (`'abc'`), whose type the context decides?
fn is_untyped_literal(text: &str) -> bool {
    matches!(
        expr::parse_expr(text).ok().and_then(|n| n.node),
        Some(NodeEnum::AConst(c)) if matches!(c.val, Some(protobuf::a_const::Val::Sval(_)))
    )
}

/// `ALTER TYPE composite ADD/DROP/ALTER ATTRIBUTE ...` (an ALTER TABLE on the type's relation).
/// Changing an attribute's type is refused while a table column uses the type (without
/// CASCADE).
fn alter_composite_type(ctx: &mut Ctx<'_>, rv: &protobuf::RangeVar, stmt: &protobuf::AlterTableStmt) -> PgResult<()> {
    let mut names = Vec::new();
    if !rv.schemaname.is_empty() {
        names.push(rv.schemaname.clone());
    }
    names.push(rv.relname.clone());
    let qn = match super::types::resolve_type_name(ctx, &names) {
        Ok(qn) => qn,
        Err(_) => return Err(PgError::undefined_table(&written(rv))),
    };
    let Some(schemasim_catalog::TypeKind::Composite { attributes }) =
        ctx.catalog.types.get(&qn).map(|t| t.kind.clone())
    else {
        return Err(PgError::wrong_object_type(&rv.relname, "a composite type"));
    };
    let mut attributes = attributes;
    let type_name = qn.name.clone();
    let typed = typed_tables(ctx, &qn);
    for cmd in &stmt.cmds {
        let Some(NodeEnum::AlterTableCmd(c)) = cmd.node.as_ref() else { continue };
        let cascade = DropBehavior::try_from(c.behavior) == Ok(DropBehavior::DropCascade);
        let subtype = AT::try_from(c.subtype).unwrap_or(AT::Undefined);
        if matches!(subtype, AT::AtAddColumn | AT::AtDropColumn | AT::AtAlterColumnType)
            && !typed.is_empty()
            && !cascade
        {
            return Err(typed_table_dependency(&type_name));
        }
        match subtype {
            AT::AtAddColumn => {
                let Some(NodeEnum::ColumnDef(def)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else { continue };
                if attributes.iter().any(|(n, _)| n == &def.colname) {
                    return Err(PgError::duplicate_column(&def.colname, &type_name));
                }
                let t = def.type_name.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
                attributes.push((def.colname.clone(), format_type(ctx, t)?));
            }
            AT::AtDropColumn => match attributes.iter().position(|(n, _)| n == &c.name) {
                Some(i) => {
                    attributes.remove(i);
                }
                None if c.missing_ok => {
                    ctx.notice(format!("column \"{}\" of relation \"{}\" does not exist, skipping", c.name, type_name))
                }
                None => return Err(PgError::undefined_column_of(&c.name, &type_name)),
            },
            AT::AtAlterColumnType => {
                let Some(NodeEnum::ColumnDef(def)) = c.def.as_ref().and_then(|d| d.node.as_ref()) else { continue };
                let Some(i) = attributes.iter().position(|(n, _)| n == &c.name) else {
                    return Err(PgError::undefined_column_of(&c.name, &type_name));
                };
                if !cascade {
                    let user = ctx.catalog.relations.values().find_map(|r| match r {
                        Relation::Table(t) => t
                            .columns
                            .iter()
                            .find(|col| crate::deps::type_mentions(&col.type_name, &qn))
                            .map(|col| format!("{}.{}", t.name.name, col.name)),
                        _ => None,
                    });
                    if let Some(user) = user {
                        return Err(PgError::not_supported(format!(
                            "cannot alter type \"{type_name}\" because column \"{user}\" uses it"
                        )));
                    }
                }
                let t = def.type_name.as_ref().ok_or_else(|| PgError::new("42601", "missing type"))?;
                attributes[i].1 = format_type(ctx, t)?;
            }
            AT::AtChangeOwner => {}
            other => ctx.not_simulated(format!("ALTER TYPE subcommand {} is not simulated", other.as_str_name())),
        }
    }
    // With CASCADE the typed tables (and their children) follow the type's attributes.
    for table in typed {
        let Some(t) = ctx.catalog.table_mut(&table) else { continue };
        let own = t.of_type.is_some();
        // A child's own columns stay; the attribute-derived ones follow the type.
        t.columns.retain(|c| attributes.iter().any(|(n, _)| n == &c.name) || (!own && !c.inherited));
        for (name, type_text) in &attributes {
            match t.column_mut(name) {
                Some(c) => c.type_name = type_text.clone(),
                None => {
                    let mut c = schemasim_catalog::Column::new(name.clone(), type_text.clone());
                    c.inherited = !own;
                    t.columns.push(c);
                }
            }
        }
    }
    if let Some(t) = ctx.catalog.types.get_mut(&qn) {
        t.kind = schemasim_catalog::TypeKind::Composite { attributes };
    }
    Ok(())
}

/// The tables whose row type is the composite type `qn` (`CREATE TABLE ... OF qn`), with their
/// inheritance descendants.
pub fn typed_tables(ctx: &Ctx<'_>, qn: &QualName) -> Vec<QualName> {
    let mut found: Vec<QualName> = ctx
        .catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) if t.of_type.as_ref() == Some(qn) => Some(t.name.clone()),
            _ => None,
        })
        .collect();
    let roots = found.clone();
    for r in roots {
        found.extend(super::inherit::descendants(ctx, &r));
    }
    found
}

/// find_composite_type_dependencies: a table whose row type another table stores in a column
/// (or an array of it) cannot be rewritten.
fn row_type_in_use(ctx: &Ctx<'_>, qn: &QualName) -> PgResult<()> {
    let user = ctx.catalog.relations.values().find_map(|r| match r {
        Relation::Table(t) => t
            .columns
            .iter()
            .find(|c| crate::deps::type_mentions(&c.type_name, qn))
            .map(|c| format!("{}.{}", t.name.name, c.name)),
        _ => None,
    });
    match user {
        Some(user) => Err(PgError::not_supported(format!(
            "cannot alter table \"{}\" because column \"{user}\" uses its row type",
            qn.name
        ))),
        None => Ok(()),
    }
}

/// find_typed_table_dependencies without CASCADE.
pub fn typed_table_dependency(type_name: &str) -> PgError {
    PgError::new("2BP01", format!("cannot alter type \"{type_name}\" because it is the type of a typed table"))
        .with_hint("Use ALTER ... CASCADE to alter the typed tables too.")
}
