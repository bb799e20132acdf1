//! CREATE FUNCTION / PROCEDURE (identity = name + input argument types), CREATE TRIGGER, and
//! the validation PostgreSQL does at CREATE time: LANGUAGE sql bodies are parsed and their
//! relations must exist (check_function_bodies is on); PL/pgSQL bodies are syntax-checked.

use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use crate::types::{format_type, name_list, without_typmods};
use pg_query::protobuf::{self, FunctionParameterMode as Mode, ObjectType};
use pg_query::NodeEnum;
use schemasim_catalog::{Function, FunctionKey, QualName, Relation, Trigger};

fn is_input(mode: i32) -> bool {
    matches!(
        Mode::try_from(mode).unwrap_or(Mode::FuncParamIn),
        Mode::FuncParamIn | Mode::FuncParamInout | Mode::FuncParamVariadic | Mode::FuncParamDefault | Mode::Undefined
    )
}

fn option_text(d: &protobuf::DefElem) -> Option<String> {
    match d.arg.as_ref()?.node.as_ref()? {
        NodeEnum::String(s) => Some(s.sval.clone()),
        NodeEnum::List(l) => Some(
            l.items
                .iter()
                .filter_map(|i| match i.node.as_ref() {
                    Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        NodeEnum::Boolean(b) => Some(b.boolval.to_string()),
        _ => None,
    }
}

/// `CREATE [OR REPLACE] FUNCTION/PROCEDURE`.
pub fn create_function(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateFunctionStmt) -> PgResult<()> {
    let names = name_list(&stmt.funcname);
    let (schema, name) = super::drop::split_name(&names);
    let schema = ctx.creation_schema(&schema)?;
    let mut arg_types = Vec::new();
    for p in &stmt.parameters {
        if let Some(NodeEnum::FunctionParameter(fp)) = p.node.as_ref() {
            if is_input(fp.mode) {
                let t = fp.arg_type.as_ref().ok_or_else(|| PgError::new("42601", "missing argument type"))?;
                // pg_proc keeps argument types without modifiers: `bit(8)` and `bit` (which the
                // grammar reads as `bit(1)`) are one signature.
                arg_types.push(without_typmods(&format_type(ctx, t)?));
            }
        }
    }
    let returns = match &stmt.return_type {
        Some(t) => {
            let mut text = format_type(ctx, t).or_else(|e| {
                // RETURNS TABLE(...) comes as a record with OUT parameters.
                if name_list(&t.names).last().is_some_and(|n| n == "record") {
                    Ok("record".into())
                } else {
                    Err(e)
                }
            })?;
            // prorettype has no modifiers either.
            text = without_typmods(&text);
            if t.setof {
                text = format!("SETOF {text}");
            }
            Some(text)
        }
        None => None,
    };
    let mut language = String::from("sql");
    let mut volatility = 'v';
    let mut security_definer = false;
    let mut config = Vec::new();
    let mut body = None;
    for o in &stmt.options {
        let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else {
            continue;
        };
        match d.defname.as_str() {
            "language" => language = option_text(d).unwrap_or_default().to_lowercase(),
            "volatility" => volatility = option_text(d).and_then(|v| v.chars().next()).unwrap_or('v'),
            "security" => {
                security_definer =
                    matches!(d.arg.as_ref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval)
            }
            "as" => body = option_text(d),
            "set" => {
                if let Some(NodeEnum::VariableSetStmt(v)) = d.arg.as_ref().and_then(|a| a.node.as_ref()) {
                    config.push(v.name.clone());
                }
            }
            _ => {}
        }
    }
    let key = FunctionKey { name: QualName::new(schema.clone(), name.clone()), arg_types };
    let existing = ctx.catalog.functions.get(&key).cloned();
    if let Some(old) = &existing {
        if !stmt.replace {
            return Err(PgError::new("42723", format!("function \"{name}\" already exists with same argument types")));
        }
        if old.procedure != stmt.is_procedure {
            return Err(PgError::new("42809", "cannot change routine kind"));
        }
        if old.returns != returns && !stmt.is_procedure {
            return Err(PgError::new("42P13", "cannot change return type of existing function").with_hint(format!(
                "Use DROP FUNCTION {}({}) first.",
                name,
                key.arg_types.join(", ")
            )));
        }
    }
    if language != "sql" && language != "plpgsql" && language != "c" && language != "internal" {
        let installed = ctx.catalog.extensions.contains_key(&language);
        if !installed {
            return Err(PgError::new("42704", format!("language \"{language}\" does not exist")));
        }
    }
    if language == "plpgsql" && ctx.check_function_bodies {
        if let Err(e) = pg_query::parse_plpgsql(ctx.source) {
            let message = e.to_string();
            let message = message.strip_prefix("Invalid statement: ").unwrap_or(&message).to_string();
            return Err(PgError::new("42601", message));
        }
    }
    if language == "sql" && ctx.check_function_bodies {
        validate_sql_body(ctx, body.as_deref(), stmt.sql_body.as_deref())?;
        if stmt.parameters.is_empty() {
            validate_sql_body_columns(ctx, body.as_deref())?;
        }
    }
    let definition = definition_text(stmt, &key.name)?;
    let seq = existing.as_ref().map_or_else(|| ctx.catalog.allocate_seq(), |f| f.seq);
    let function = Function {
        key: key.clone(),
        seq,
        procedure: stmt.is_procedure,
        definition,
        language,
        returns,
        volatility,
        security_definer,
        config,
        comment: existing.as_ref().and_then(|f| f.comment.clone()),
        owner: None,
        grants: existing.map(|f| f.grants).unwrap_or_default(),
        extension: None,
    };
    ctx.catalog.functions.insert(key, function);
    Ok(())
}

/// The statement as SQL with the function's qualified name, ready for the dump.
fn definition_text(stmt: &protobuf::CreateFunctionStmt, name: &QualName) -> PgResult<String> {
    let mut s = stmt.clone();
    s.replace = false;
    s.funcname = [name.schema.as_str(), name.name.as_str()]
        .iter()
        .map(|n| protobuf::Node { node: Some(NodeEnum::String(protobuf::String { sval: n.to_string() })) })
        .collect();
    NodeEnum::CreateFunctionStmt(Box::new(s))
        .deparse()
        .map_err(|e| PgError::new("XX000", format!("could not deparse function: {e}")))
}

/// Re-targets a stored definition at a new name (ALTER FUNCTION RENAME / SET SCHEMA).
pub fn retarget_definition(definition: &str, name: &QualName) -> PgResult<String> {
    let parsed = pg_query::parse(definition).map_err(|e| PgError::new("XX000", e.to_string()))?;
    match parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref()) {
        Some(NodeEnum::CreateFunctionStmt(f)) => definition_text(f, name),
        _ => Ok(definition.to_string()),
    }
}

/// With check_function_bodies on, a SQL function's statements are parsed and analysed at
/// CREATE time: a missing table fails the CREATE.
fn validate_sql_body(ctx: &Ctx<'_>, body: Option<&str>, sql_body: Option<&protobuf::Node>) -> PgResult<()> {
    let trees: Vec<protobuf::Node> = match (body, sql_body) {
        (_, Some(node)) => vec![node.clone()],
        (Some(text), None) => match pg_query::parse(text) {
            Ok(r) => r.protobuf.stmts.into_iter().filter_map(|s| s.stmt.map(|b| *b)).collect(),
            Err(e) => {
                let m = e.to_string();
                return Err(PgError::new("42601", m.strip_prefix("Invalid statement: ").unwrap_or(&m).to_string()));
            }
        },
        (None, None) => Vec::new(),
    };
    for tree in &trees {
        crate::dml::check_relations(ctx, tree)?;
    }
    Ok(())
}

/// The SELECTs of a parameterless SQL function body must also name existing columns (parse
/// analysis runs at CREATE time). Functions with parameters are not analysed: their parameter
/// names resolve like columns, which the query analysis does not model.
fn validate_sql_body_columns(ctx: &Ctx<'_>, body: Option<&str>) -> PgResult<()> {
    let Some(text) = body else { return Ok(()) };
    let Ok(parsed) = pg_query::parse(text) else { return Ok(()) };
    for raw in &parsed.protobuf.stmts {
        if !matches!(raw.stmt.as_ref().and_then(|s| s.node.as_ref()), Some(NodeEnum::SelectStmt(_))) {
            continue;
        }
        let start = raw.stmt_location.max(0) as usize;
        let end = if raw.stmt_len == 0 { text.len() } else { start + raw.stmt_len as usize };
        if let Some(statement) = text.get(start..end) {
            crate::dml::check_query_names(ctx, statement)?;
        }
    }
    Ok(())
}

/// `name(argtypes)` as PostgreSQL writes it in messages.
pub fn written_signature(ctx: &Ctx<'_>, owa: &protobuf::ObjectWithArgs) -> String {
    let names = name_list(&owa.objname);
    let args: Vec<String> = owa
        .objargs
        .iter()
        .filter_map(|a| match a.node.as_ref() {
            Some(NodeEnum::TypeName(t)) => format_type(ctx, t).ok().map(|t| super::casts::display_type(&t)),
            _ => None,
        })
        .collect();
    format!("{}({})", names.join("."), args.join(", "))
}

pub fn undefined_function(ctx: &Ctx<'_>, owa: &protobuf::ObjectWithArgs, kind: ObjectType) -> PgError {
    let what = if kind == ObjectType::ObjectProcedure { "procedure" } else { "function" };
    if owa.args_unspecified {
        return PgError::new(
            "42883",
            format!("could not find a {what} named \"{}\"", name_list(&owa.objname).join(".")),
        );
    }
    PgError::new("42883", format!("{what} {} does not exist", written_signature(ctx, owa)))
}

/// Finds the function an `ObjectWithArgs` names (`f(int)`, or `f` alone when unique).
pub fn resolve_function(
    ctx: &Ctx<'_>,
    owa: &protobuf::ObjectWithArgs,
    kind: ObjectType,
) -> PgResult<Option<FunctionKey>> {
    let names = name_list(&owa.objname);
    let (schema, name) = super::drop::split_name(&names);
    let schemas = ctx.schemas_to_search(schema)?;
    let mut arg_types = Vec::new();
    for a in &owa.objargs {
        if let Some(NodeEnum::TypeName(t)) = a.node.as_ref() {
            arg_types.push(without_typmods(&format_type(ctx, t)?));
        }
    }
    for s in schemas {
        let qn = QualName::new(s, name.clone());
        if owa.args_unspecified {
            let matches: Vec<&FunctionKey> = ctx.catalog.functions.keys().filter(|k| k.name == qn).collect();
            match matches.len() {
                0 => continue,
                1 => return Ok(Some(matches[0].clone())),
                _ => {
                    let what = if kind == ObjectType::ObjectProcedure { "procedure" } else { "function" };
                    return Err(PgError::new("42725", format!("{what} name \"{name}\" is not unique"))
                        .with_hint("Specify the argument list to select the function unambiguously."));
                }
            }
        }
        let key = FunctionKey { name: qn, arg_types: arg_types.clone() };
        if ctx.catalog.functions.contains_key(&key) {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

/// `CREATE [OR REPLACE] [CONSTRAINT] TRIGGER`.
pub fn create_trigger(ctx: &mut Ctx<'_>, stmt: &protobuf::CreateTrigStmt) -> PgResult<()> {
    let rv = stmt.relation.as_ref().ok_or_else(|| PgError::new("42601", "missing table"))?;
    let table = ctx.resolve_relation(rv)?;
    if !matches!(ctx.catalog.relations.get(&table), Some(Relation::Table(_) | Relation::View(_))) {
        return Err(PgError::wrong_object_type(&rv.relname, "a table or view"));
    }
    check_trigger_firing(ctx, &table, stmt)?;
    let names = name_list(&stmt.funcname);
    let (schema, fname) = super::drop::split_name(&names);
    let schemas = if schema.is_empty() { ctx.search_path_schemas() } else { vec![schema] };
    // pg_catalog comes first in the search path, where the built-in trigger functions live.
    let builtin = schema_is_implicit(&names) && BUILTIN_TRIGGER_FUNCTIONS.contains(&fname.as_str());
    let function = if builtin {
        FunctionKey { name: QualName::new("pg_catalog", fname.clone()), arg_types: Vec::new() }
    } else {
        schemas
            .into_iter()
            .map(|s| FunctionKey { name: QualName::new(s, fname.clone()), arg_types: Vec::new() })
            .find(|k| ctx.catalog.functions.contains_key(k))
            .ok_or_else(|| PgError::new("42883", format!("function {}() does not exist", names.join("."))))?
    };
    if !builtin && ctx.catalog.functions.get(&function).and_then(|f| f.returns.as_deref()) != Some("trigger") {
        return Err(PgError::new("42P17", format!("function {}() must return type trigger", names.join("."))));
    }
    let mut qualified = stmt.clone();
    qualified.replace = false;
    if let Some(r) = qualified.relation.as_mut() {
        r.schemaname = table.schema.clone();
    }
    qualified.funcname = [function.name.schema.clone(), function.name.name.clone()]
        .into_iter()
        .map(|n| protobuf::Node { node: Some(NodeEnum::String(protobuf::String { sval: n })) })
        .collect();
    let definition = NodeEnum::CreateTrigStmt(Box::new(qualified))
        .deparse()
        .map_err(|e| PgError::new("XX000", format!("could not deparse trigger: {e}")))?;
    if let Some(Relation::Table(t)) = ctx.catalog.relations.get(&table) {
        let mut seen: Vec<&str> = Vec::new();
        for c in &stmt.columns {
            let Some(NodeEnum::String(name)) = c.node.as_ref() else { continue };
            if t.column(&name.sval).is_none() {
                return Err(PgError::undefined_column_of(&name.sval, &table.name));
            }
            if seen.contains(&name.sval.as_str()) {
                return Err(PgError::new("42701", format!("column \"{}\" specified more than once", name.sval)));
            }
            seen.push(&name.sval);
        }
    }
    let seq = ctx.catalog.allocate_seq();
    let Some(Relation::Table(t)) = ctx.catalog.relations.get_mut(&table) else {
        ctx.not_simulated("triggers on views are not simulated");
        return Ok(());
    };
    if let Some(existing) = t.triggers.iter_mut().find(|tr| tr.name == stmt.trigname) {
        if !stmt.replace {
            return Err(PgError::new(
                "42710",
                format!("trigger \"{}\" for relation \"{}\" already exists", stmt.trigname, table.name),
            ));
        }
        existing.definition = definition;
        existing.function = function.name;
        return Ok(());
    }
    t.triggers.push(Trigger {
        name: stmt.trigname.clone(),
        seq,
        definition,
        function: function.name,
        enabled: 'O',
        constraint: stmt.isconstraint,
        comment: None,
    });
    Ok(())
}

/// Trigger functions PostgreSQL ships in pg_catalog (returning `trigger`, no arguments).
const BUILTIN_TRIGGER_FUNCTIONS: &[&str] =
    &["suppress_redundant_updates_trigger", "tsvector_update_trigger", "tsvector_update_trigger_column"];

/// An unqualified name, or one qualified with pg_catalog.
fn schema_is_implicit(names: &[String]) -> bool {
    names.len() == 1 || names.first().is_some_and(|s| s == "pg_catalog")
}

/// What CreateTriggerFiringOn checks before looking up the function: which relation kinds take
/// which triggers, INSTEAD OF rules, transition tables, and the OLD/NEW references of WHEN.
fn check_trigger_firing(ctx: &Ctx<'_>, relation: &QualName, stmt: &protobuf::CreateTrigStmt) -> PgResult<()> {
    // Trigger type bits (pg_trigger.tgtype).
    const BEFORE: i32 = 1 << 1;
    const INSERT: i32 = 1 << 2;
    const DELETE: i32 = 1 << 3;
    const UPDATE: i32 = 1 << 4;
    const TRUNCATE: i32 = 1 << 5;
    const INSTEAD: i32 = 1 << 6;
    let (timing, events, name) = (stmt.timing, stmt.events, relation.name.as_str());
    let wrong = |what: &str, detail: &str| PgError::new("42809", format!("\"{name}\" is a {what}")).with_detail(detail);
    let table = match ctx.catalog.relations.get(relation) {
        Some(Relation::Table(t)) => {
            if timing & INSTEAD != 0 {
                return Err(wrong("table", "Tables cannot have INSTEAD OF triggers."));
            }
            if t.partition_by.is_some() && stmt.row && !stmt.transition_rels.is_empty() {
                return Err(PgError::not_supported(format!("\"{name}\" is a partitioned table"))
                    .with_detail("ROW triggers with transition tables are not supported on partitioned tables."));
            }
            Some(t)
        }
        Some(Relation::View(_)) => {
            if timing & (BEFORE | INSTEAD) != INSTEAD && stmt.row {
                return Err(wrong("view", "Views cannot have row-level BEFORE or AFTER triggers."));
            }
            if events & TRUNCATE != 0 {
                return Err(wrong("view", "Views cannot have TRUNCATE triggers."));
            }
            None
        }
        _ => None,
    };
    if stmt.row && events & TRUNCATE != 0 {
        return Err(PgError::not_supported("TRUNCATE FOR EACH ROW triggers are not supported"));
    }
    if timing & INSTEAD != 0 {
        if !stmt.row {
            return Err(PgError::not_supported("INSTEAD OF triggers must be FOR EACH ROW"));
        }
        if stmt.when_clause.is_some() {
            return Err(PgError::not_supported("INSTEAD OF triggers cannot have WHEN conditions"));
        }
        if !stmt.columns.is_empty() {
            return Err(PgError::not_supported("INSTEAD OF triggers cannot have column lists"));
        }
    }
    if !stmt.transition_rels.is_empty() {
        let Some(t) = table else {
            return Err(wrong("view", "Triggers on views cannot have transition tables."));
        };
        if stmt.row && t.partition_of.is_some() {
            return Err(PgError::not_supported("ROW triggers with transition tables are not supported on partitions"));
        }
        if stmt.row && !t.inherits.is_empty() {
            return Err(PgError::not_supported(
                "ROW triggers with transition tables are not supported on inheritance children",
            ));
        }
        if timing & (BEFORE | INSTEAD) != 0 {
            return Err(PgError::new("42P17", "transition table name can only be specified for an AFTER trigger"));
        }
        if events & TRUNCATE != 0 {
            return Err(PgError::not_supported("TRUNCATE triggers with transition tables are not supported"));
        }
        if [INSERT, UPDATE, DELETE].iter().filter(|&&e| events & e != 0).count() != 1 {
            return Err(PgError::not_supported(
                "transition tables cannot be specified for triggers with more than one event",
            ));
        }
        if !stmt.columns.is_empty() {
            return Err(PgError::not_supported("transition tables cannot be specified for triggers with column lists"));
        }
    }
    let Some(when) = stmt.when_clause.as_deref() else { return Ok(()) };
    for cr in crate::expr::find_all(when, "ColumnRef") {
        let fields: Vec<&str> = cr
            .get("fields")
            .and_then(|f| f.as_array())
            .map(|f| f.iter().filter_map(|x| x.pointer("/node/String/sval")?.as_str()).collect())
            .unwrap_or_default();
        let Some(&first) = fields.first() else { continue };
        let first = first.to_ascii_lowercase();
        if first != "old" && first != "new" {
            continue;
        }
        if !stmt.row {
            return Err(PgError::new("42P17", "statement trigger's WHEN condition cannot reference column values"));
        }
        if first == "old" && events & INSERT != 0 {
            return Err(PgError::new("42P17", "INSERT trigger's WHEN condition cannot reference OLD values"));
        }
        if first == "new" && events & DELETE != 0 {
            return Err(PgError::new("42P17", "DELETE trigger's WHEN condition cannot reference NEW values"));
        }
        let system = |c: &&str| matches!(*c, "ctid" | "xmin" | "xmax" | "cmin" | "cmax" | "tableoid");
        if first == "new" && timing & BEFORE != 0 && fields.get(1).is_some_and(system) {
            return Err(PgError::not_supported("BEFORE trigger's WHEN condition cannot reference NEW system columns"));
        }
        if first == "new" && timing & BEFORE != 0 {
            let generated = |c: &str| table.and_then(|t| t.column(c)).is_some_and(|c| c.generated.is_some());
            match fields.get(1) {
                Some(c) if generated(c) => {
                    return Err(PgError::new(
                        "42P17",
                        "BEFORE trigger's WHEN condition cannot reference NEW generated columns",
                    )
                    .with_detail(format!("Column \"{c}\" is a generated column.")));
                }
                None if table.is_some_and(|t| t.columns.iter().any(|c| c.generated.is_some())) => {
                    return Err(PgError::new(
                        "42P17",
                        "BEFORE trigger's WHEN condition cannot reference NEW generated columns",
                    )
                    .with_detail("A whole-row reference is used and the table contains generated columns."));
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// A stored CREATE TRIGGER definition calling `function` instead.
pub fn retarget_trigger_function(definition: &str, function: &QualName) -> String {
    let Ok(mut parsed) = pg_query::parse(definition) else {
        return definition.to_string();
    };
    if let Some(NodeEnum::CreateTrigStmt(t)) =
        parsed.protobuf.stmts.first_mut().and_then(|s| s.stmt.as_mut()).and_then(|s| s.node.as_mut())
    {
        t.funcname = [function.schema.clone(), function.name.clone()]
            .into_iter()
            .map(|n| protobuf::Node { node: Some(NodeEnum::String(protobuf::String { sval: n })) })
            .collect();
    }
    parsed.deparse().unwrap_or_else(|_| definition.to_string())
}
