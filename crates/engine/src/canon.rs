//! Expressions in a comparable form. The catalog keeps expressions as written, while PostgreSQL
//! stores them analysed and `pg_dump` prints that form: `x IN ('a', 'b')` comes back as
//! `x = ANY (ARRAY['a'::text, 'b'::text])`, `x BETWEEN 0 AND 100` as `x >= 0 AND x <= 100`,
//! a varchar column compared with text as `(x)::text`, function calls schema-qualified. To
//! compare a history's schema with a schema loaded from a dump, both sides are brought to one
//! form: IN lists as `= ANY (ARRAY[...])` (`NOT IN` as `<> ALL`), BETWEEN as two comparisons,
//! casts removed, function names without their schema.
//!
//! Removing casts and schemas can make two different expressions compare equal (`x::int > 0`
//! and `x > 0`); the drift report accepts that to avoid reporting every CHECK of a dump as
//! different.

use pg_query::protobuf::{self, AExprKind, BoolExprType, Node};
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, Relation};

/// The catalog with every stored expression (defaults, CHECKs, policies, index predicates) in
/// the comparable form.
pub fn catalog(catalog: &Catalog) -> Catalog {
    let mut out = catalog.clone();
    for (key, f) in catalog.functions.iter() {
        let definition = function_definition(catalog, f);
        if definition != f.definition {
            if let Some(f) = out.functions.get_mut(key) {
                f.definition = definition;
            }
        }
    }
    let keys: Vec<_> = out.relations.keys().cloned().collect();
    for key in &keys {
        let Some(rel) = out.relations.get_mut(key) else { continue };
        match rel {
            Relation::Table(t) => {
                for c in &mut t.columns {
                    c.default = c.default.as_deref().map(|d| typed_literal(&c.type_name, &expression(d)));
                    c.generated = c.generated.as_deref().map(expression);
                    c.collation =
                        c.collation.as_deref().map(|s| s.strip_prefix("pg_catalog.").unwrap_or(s).to_string());
                }
                for con in &mut t.constraints {
                    if let schemasim_catalog::ConstraintKind::Check { expr } = &mut con.kind {
                        *expr = expression(expr);
                    }
                }
                let table = (t.name.name.clone(), t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>());
                for p in &mut t.policies {
                    let canonical = |e: &str| expression(&qualify_expression(catalog, &table, e));
                    p.using = p.using.as_deref().map(canonical);
                    p.with_check = p.with_check.as_deref().map(canonical);
                }
            }
            Relation::Index(i) => {
                let table = catalog.table(&i.table);
                let collation = |column: &str| {
                    table.and_then(|t| t.column(column)).and_then(|c| c.collation.as_deref()).map(collation_name)
                };
                i.predicate = i.predicate.as_deref().map(expression);
                i.elements = i.elements.iter().map(|e| index_element(&default_collation(e, &collation))).collect();
            }
            // pg_dump --schema-only creates every materialized view WITH NO DATA (populating it is
            // data): whether it is populated cannot be compared.
            Relation::View(v) => {
                v.with_data = true;
                v.query = view_query(catalog, &v.query, &v.columns);
            }
            Relation::Sequence(_) => {}
        }
    }
    out
}

/// A relation's reference name and columns (`None`: not known, a subquery or function).
type RangeItem = (String, Option<Vec<String>>);

/// One query level's FROM items, and whether its column references are printed qualified.
struct Level {
    items: Vec<RangeItem>,
    prefix: bool,
}

/// The columns of a relation named in a FROM clause (its schema, or the only relation of that
/// name in any schema).
fn relation_columns(catalog: &Catalog, schema: &str, name: &str) -> Option<Vec<String>> {
    let mut found =
        catalog.relations.iter().filter(|(q, _)| q.name == name && (schema.is_empty() || q.schema == schema));
    let (_, rel) = found.next()?;
    if found.next().is_some() {
        return None;
    }
    match rel {
        Relation::Table(t) => Some(t.columns.iter().map(|c| c.name.clone()).collect()),
        Relation::View(v) => Some(v.columns.clone()),
        _ => None,
    }
}

fn from_items(catalog: &Catalog, from: &serde_json::Value, out: &mut Vec<RangeItem>) {
    let from = from.get("node").unwrap_or(from);
    let alias = |v: &serde_json::Value| v.pointer("/alias/aliasname").and_then(|a| a.as_str()).map(str::to_string);
    if let Some(r) = from.get("RangeVar") {
        let name = r.get("relname").and_then(|n| n.as_str()).unwrap_or_default();
        let schema = r.get("schemaname").and_then(|n| n.as_str()).unwrap_or_default();
        out.push((alias(r).unwrap_or_else(|| name.to_string()), relation_columns(catalog, schema, name)));
    } else if let Some(j) = from.get("JoinExpr") {
        for side in ["larg", "rarg"] {
            if let Some(s) = j.get(side) {
                from_items(catalog, s, out);
            }
        }
        // The join itself is a range table entry of its own; its merged USING columns are
        // not placed here.
        let using = j.get("using_clause").and_then(|u| u.as_array()).is_some_and(|u| !u.is_empty());
        out.push((alias(j).unwrap_or_default(), (!using).then(Vec::new)));
    } else if let Some(r) = from.get("RangeSubselect").or_else(|| from.get("RangeFunction")) {
        out.push((alias(r).unwrap_or_default(), None));
    } else {
        out.push((String::new(), None));
    }
}

/// Edits that write column references as ruleutils prints them: in a query level with more
/// than one range table entry, or below another level (a sub-SELECT), qualified by their
/// relation's reference name; in a level that is the only one and reads one relation, bare.
fn qualify_walk(
    catalog: &Catalog,
    text: &str,
    v: &serde_json::Value,
    levels: &mut Vec<Level>,
    edits: &mut Vec<crate::ddl::query::Edit>,
    ok: &mut bool,
) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            if let Some(select) = map.get("SelectStmt") {
                let mut items = Vec::new();
                for f in select.get("from_clause").and_then(Value::as_array).into_iter().flatten() {
                    from_items(catalog, f, &mut items);
                }
                let prefix = !levels.is_empty() || items.len() != 1;
                levels.push(Level { items, prefix });
                qualify_walk(catalog, text, select, levels, edits, ok);
                levels.pop();
                return;
            }
            if let Some(r) = map.get("RangeVar") {
                // pg_dump runs with an empty search_path: relations come schema-qualified.
                let name = r.get("relname").and_then(Value::as_str).unwrap_or_default();
                let schema = r.get("schemaname").and_then(Value::as_str).unwrap_or_default();
                let location = r.get("location").and_then(Value::as_i64).and_then(|l| usize::try_from(l).ok());
                let mut found = catalog.relations.keys().filter(|q| q.name == name);
                if let (true, Some(location), Some(q), None) = (schema.is_empty(), location, found.next(), found.next())
                {
                    let prefix = format!("{}.", schemasim_catalog::quote_ident(&q.schema));
                    edits.push(crate::ddl::query::Edit { start: location, end: location, text: prefix });
                }
                return;
            }
            if let Some(c) = map.get("ColumnRef") {
                let fields: Vec<&str> = c
                    .get("fields")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f.pointer("/node/String/sval").and_then(Value::as_str))
                    .collect();
                let location = c.get("location").and_then(Value::as_i64).unwrap_or(-1);
                let (Some(level), Ok(location)) = (levels.last(), usize::try_from(location)) else { return };
                let count = c.get("fields").and_then(Value::as_array).map_or(0, Vec::len);
                match fields.as_slice() {
                    [column] if count == 1 && level.prefix => {
                        // The innermost level with a relation that has the column.
                        for l in levels.iter().rev() {
                            if l.items.iter().any(|(_, cols)| cols.is_none()) {
                                *ok = false;
                                return;
                            }
                            let having: Vec<&RangeItem> = l
                                .items
                                .iter()
                                .filter(|(_, cols)| cols.as_ref().is_some_and(|c| c.iter().any(|x| x == column)))
                                .collect();
                            match having.as_slice() {
                                [] => continue,
                                [(name, _)] if !name.is_empty() => {
                                    let prefix = format!("{}.", schemasim_catalog::quote_ident(name));
                                    edits.push(crate::ddl::query::Edit {
                                        start: location,
                                        end: location,
                                        text: prefix,
                                    });
                                    return;
                                }
                                _ => {
                                    *ok = false;
                                    return;
                                }
                            }
                        }
                    }
                    [relation, _]
                        if count == 2 && !level.prefix && level.items.iter().any(|(name, _)| name == relation) =>
                    {
                        if let Some(dot) = text.get(location..).and_then(|t| t.find('.')) {
                            edits.push(crate::ddl::query::Edit {
                                start: location,
                                end: location + dot + 1,
                                text: String::new(),
                            });
                        }
                    }
                    _ => {}
                }
                return;
            }
            for value in map.values() {
                qualify_walk(catalog, text, value, levels, edits, ok);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| qualify_walk(catalog, text, i, levels, edits, ok)),
        _ => {}
    }
}

/// `text` (a query) with its column references qualified as ruleutils prints them; `outer`:
/// the level around it (a policy's table). Unchanged when a reference cannot be placed.
fn qualify(catalog: &Catalog, text: &str, outer: Option<Level>) -> String {
    let Ok(parsed) = pg_query::parse(text) else { return text.to_string() };
    let Ok(json) = serde_json::to_value(&parsed.protobuf) else { return text.to_string() };
    let mut levels: Vec<Level> = outer.into_iter().collect();
    let mut edits = Vec::new();
    let mut ok = true;
    qualify_walk(catalog, text, &json, &mut levels, &mut edits, &mut ok);
    if !ok {
        return text.to_string();
    }
    crate::ddl::query::apply_edits(text, edits)
}

/// A policy expression of `table` (its name and columns) with its column references as
/// pg_get_expr prints them: bare at the top (one relation), qualified inside sub-SELECTs.
fn qualify_expression(catalog: &Catalog, table: &(String, Vec<String>), expr: &str) -> String {
    if !expr.to_ascii_lowercase().contains("select") && !expr.contains('.') {
        return expr.to_string();
    }
    let text = format!("SELECT {expr}");
    let outer = Level { items: vec![(table.0.clone(), Some(table.1.clone()))], prefix: false };
    // The wrapper SELECT has no FROM: its level is the policy's table.
    let Ok(parsed) = pg_query::parse(&text) else { return expr.to_string() };
    let Ok(json) = serde_json::to_value(&parsed.protobuf) else { return expr.to_string() };
    let Some(select) = json.pointer("/stmts/0/stmt/node/SelectStmt") else { return expr.to_string() };
    let mut levels = vec![outer];
    let mut edits = Vec::new();
    let mut ok = true;
    qualify_walk(catalog, &text, select, &mut levels, &mut edits, &mut ok);
    if !ok {
        return expr.to_string();
    }
    crate::ddl::query::apply_edits(&text, edits)
        .strip_prefix("SELECT ")
        .map(str::to_string)
        .unwrap_or_else(|| expr.to_string())
}

/// A view's query as pg_get_viewdef prints it: column references qualified as ruleutils does
/// ([`qualify_walk`]), and each output column named with `AS` unless it is a column of that
/// name.
fn view_query(catalog: &Catalog, query: &str, columns: &[String]) -> String {
    let text = qualify(catalog, query, None);
    let Ok(parsed) = pg_query::parse(&text) else { return text };
    let Some(NodeEnum::SelectStmt(mut select)) =
        parsed.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node)
    else {
        return text;
    };
    if select.larg.is_some() || select.target_list.len() != columns.len() {
        return text;
    }
    for (t, column) in select.target_list.iter_mut().zip(columns) {
        let Some(NodeEnum::ResTarget(rt)) = t.node.as_mut() else { return text };
        let natural = match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
            Some(NodeEnum::ColumnRef(c)) => match c.fields.last().and_then(|f| f.node.as_ref()) {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => return text,
            },
            _ => None,
        };
        rt.name = if natural.as_deref() == Some(column.as_str()) { String::new() } else { column.clone() };
    }
    NodeEnum::SelectStmt(select).deparse().unwrap_or(text)
}

/// A function's definition in the comparable form. PostgreSQL keeps a function's argument and
/// result types without modifiers and resolved to their schema (pg_dump prints `public.t`,
/// `integer`, `bit`), its argument defaults analysed (`NULL::text`), SQL-standard bodies
/// (`RETURN expr`) analysed, and options equal to their defaults are not options at all
/// (`VOLATILE`, `SECURITY INVOKER`, `CALLED ON NULL INPUT`, `NOT LEAKPROOF`, `PARALLEL UNSAFE`,
/// `COST 100` for other languages than C and internal, `ROWS 1000`): both sides are brought to
/// that form.
fn function_definition(catalog: &Catalog, f: &schemasim_catalog::Function) -> String {
    let Ok(parsed) = pg_query::parse(&f.definition) else { return f.definition.clone() };
    let Some(NodeEnum::CreateFunctionStmt(mut stmt)) =
        parsed.protobuf.stmts.into_iter().next().and_then(|s| s.stmt).and_then(|s| s.node)
    else {
        return f.definition.clone();
    };
    let mut search_path = vec![f.key.name.schema.clone(), "public".to_string()];
    let others: Vec<String> = catalog.schemas.keys().filter(|s| !search_path.contains(s)).cloned().collect();
    search_path.extend(others);
    let resolve = |t: &protobuf::TypeName| -> Option<String> {
        let names = crate::types::name_list(&t.names);
        crate::types::format_type_parts(catalog, &search_path, &names, "", t.array_bounds.len()).ok()
    };
    let mut inputs = f.key.arg_types.iter();
    for p in &mut stmt.parameters {
        let Some(NodeEnum::FunctionParameter(fp)) = p.node.as_mut() else { continue };
        use protobuf::FunctionParameterMode as Mode;
        let input = matches!(
            Mode::try_from(fp.mode).unwrap_or(Mode::FuncParamIn),
            Mode::FuncParamIn
                | Mode::FuncParamInout
                | Mode::FuncParamVariadic
                | Mode::FuncParamDefault
                | Mode::Undefined
        );
        let text = if input { inputs.next().cloned() } else { fp.arg_type.as_ref().and_then(resolve) };
        if let Some(t) = text.as_deref().and_then(type_name_node) {
            fp.arg_type = Some(t);
        }
        if let Some(d) = fp.defexpr.as_deref_mut() {
            rewrite(d);
        }
    }
    let table = stmt.parameters.iter().any(|p| {
        matches!(&p.node, Some(NodeEnum::FunctionParameter(fp)) if fp.mode == protobuf::FunctionParameterMode::FuncParamTable as i32)
    });
    if let Some(rt) = stmt.return_type.as_mut().filter(|_| !table) {
        if let Some(mut t) = resolve(rt).as_deref().and_then(type_name_node) {
            t.setof = rt.setof;
            *rt = t;
        }
    }
    let c_language = matches!(f.language.as_str(), "c" | "internal");
    stmt.options.retain(|o| {
        let Some(NodeEnum::DefElem(d)) = o.node.as_ref() else { return true };
        let arg = d.arg.as_ref().and_then(|a| a.node.as_ref());
        let number = match arg {
            Some(NodeEnum::Integer(i)) => Some(i.ival as f64),
            Some(NodeEnum::Float(x)) => x.fval.parse().ok(),
            _ => None,
        };
        let default = match (d.defname.as_str(), arg) {
            ("volatility" | "parallel", Some(NodeEnum::String(s))) => {
                matches!(s.sval.to_ascii_lowercase().as_str(), "volatile" | "unsafe")
            }
            ("security" | "strict" | "leakproof", Some(NodeEnum::Boolean(b))) => !b.boolval,
            ("cost", _) => number == Some(if c_language { 1.0 } else { 100.0 }),
            ("rows", _) => number == Some(1000.0),
            _ => false,
        };
        !default
    });
    if let Some(body) = stmt.sql_body.as_deref_mut() {
        if let Some(NodeEnum::ReturnStmt(r)) = body.node.as_mut() {
            r.returnval.as_deref_mut().into_iter().for_each(rewrite);
        }
    }
    NodeEnum::CreateFunctionStmt(stmt).deparse().unwrap_or_else(|_| f.definition.clone())
}

/// The parse tree of a `format_type` text, without modifiers (the grammar gives `bit` and
/// `character` a length of 1) and without array sizes, as a function's types are kept.
fn type_name_node(text: &str) -> Option<protobuf::TypeName> {
    let parsed = pg_query::parse(&format!("SELECT NULL::{text}")).ok()?;
    let stmt = parsed.protobuf.stmts.into_iter().next()?.stmt?.node?;
    let NodeEnum::SelectStmt(select) = stmt else { return None };
    let Some(NodeEnum::ResTarget(rt)) = select.target_list.into_iter().next()?.node else { return None };
    let Some(NodeEnum::TypeCast(tc)) = rt.val?.node else { return None };
    let mut t = tc.type_name?;
    t.typmods.clear();
    t.typemod = -1;
    t.location = -1;
    for b in &mut t.array_bounds {
        *b = Node { node: Some(NodeEnum::Integer(protobuf::Integer { ival: -1 })) };
    }
    Some(t)
}

/// A quoted literal default of a boolean or integer column as PostgreSQL stores it: `'f'` is
/// `false`, `'0'` is `0` (the constant is coerced when the default is stored).
fn typed_literal(type_name: &str, default: &str) -> String {
    let Some(inner) = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\'')) else { return default.to_string() };
    match type_name {
        "boolean" => match inner.trim().to_lowercase().as_str() {
            "t" | "true" | "y" | "yes" | "on" | "1" => "true".into(),
            "f" | "false" | "n" | "no" | "off" | "0" => "false".into(),
            _ => default.to_string(),
        },
        "smallint" | "integer" | "bigint" if inner.trim().parse::<i64>().is_ok() => inner.trim().to_string(),
        _ => match typed_constant(type_name, &inner.replace("''", "'")) {
            Some(v) => format!("'{}'", v.replace('\'', "''")),
            None => default.to_string(),
        },
    }
}

/// A string constant of a date/time, interval or bytea type as PostgreSQL stores it (the
/// constant is converted to the type when the expression is stored, and printed back by the
/// type's output function): `'epoch'` and `'1970-01-01 00:00:00+00'` are one timestamp,
/// `'24 hours'` is the interval `'24:00:00'`, `'12 months'` is `'1 year'`, `''` is the bytea
/// `'\x'`. `type_name` is a `format_type` name or the parser's internal one (`timestamptz`).
/// `None` when the type is not one of those or the text is not understood (left as written).
///
/// A timestamp is printed without its zone and a `timestamp with time zone` in UTC (the
/// simulated session's TimeZone), so a `timestamp` and a `timestamptz` constant of the same
/// UTC time compare equal (a default keeps its type when its column's type is changed).
pub fn typed_constant(type_name: &str, text: &str) -> Option<String> {
    let base = crate::types::without_typmods(type_name);
    let base = crate::types::builtin_canonical(base.trim()).unwrap_or(base.trim());
    match base {
        "timestamp with time zone" => timestamp(text, true),
        "timestamp without time zone" => timestamp(text, false),
        "date" => timestamp(text, false).and_then(|t| t.strip_suffix(" 00:00:00").map(str::to_string)),
        "interval" => interval(text),
        "bytea" => bytea(text),
        _ => None,
    }
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

fn digits(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// `YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][zone]` or `epoch`, as `YYYY-MM-DD HH:MM:SS[.ffffff]`
/// (with a zone: converted to UTC when `with_zone`, ignored otherwise, as PostgreSQL does).
fn timestamp(text: &str, with_zone: bool) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let (days, mut seconds, micros) = if t == "epoch" {
        (0, 0, 0)
    } else {
        let (date, rest) = t.split_at(t.find([' ', 't']).unwrap_or(t.len()));
        let parts: Vec<&str> = date.split('-').collect();
        let [y, m, d] = parts.as_slice() else { return None };
        let (y, m, d) = (digits(y)?, digits(m)?, digits(d)?);
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) || y == 0 {
            return None;
        }
        let rest = rest.trim_start_matches([' ', 't']);
        // The zone starts at the first sign, `z` or letter after the time.
        let zone_at = rest.find(['+', '-', 'z', 'u', 'g']).unwrap_or(rest.len());
        let (time, zone) = rest.split_at(zone_at);
        let time = time.trim();
        let (mut seconds, mut micros) = (0i64, 0i64);
        if !time.is_empty() {
            let fields: Vec<&str> = time.split(':').collect();
            if !(2..=3).contains(&fields.len()) {
                return None;
            }
            let h = digits(fields[0])?;
            let mi = digits(fields[1])?;
            let (s, frac) = match fields.get(2) {
                Some(f) => match f.split_once('.') {
                    Some((s, frac)) => (digits(s)?, frac),
                    None => (digits(f)?, ""),
                },
                None => (0, ""),
            };
            if h > 24 || mi > 59 || s > 60 || frac.len() > 6 || !(frac.is_empty() || digits(frac).is_some()) {
                return None;
            }
            seconds = h * 3600 + mi * 60 + s;
            micros = if frac.is_empty() { 0 } else { digits(&format!("{frac:0<6}"))? };
        }
        let zone = zone.trim();
        let offset = match zone {
            "" | "z" | "utc" | "gmt" => 0,
            _ => {
                let sign = match zone.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let z = &zone[1..];
                let (h, m) = match z.split_once(':') {
                    Some((h, m)) => (digits(h)?, digits(m)?),
                    None if z.len() == 4 => (digits(&z[..2])?, digits(&z[2..])?),
                    None => (digits(z)?, 0),
                };
                sign * (h * 3600 + m * 60)
            }
        };
        if with_zone {
            seconds -= offset;
        }
        (days_from_civil(y, m, d), seconds, micros)
    };
    let days = days + seconds.div_euclid(86400);
    seconds = seconds.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let frac = if micros == 0 { String::new() } else { format!(".{micros:06}").trim_end_matches('0').to_string() };
    Some(format!("{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}{frac}", seconds / 3600, seconds % 3600 / 60, seconds % 60))
}

/// An interval in PostgreSQL's input syntax (`90 days`, `1 year 2 mons`, `24:00:00`, `@ 1 hour
/// ago`) as `interval_out` prints it with the default IntervalStyle (`postgres`).
fn interval(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_prefix('@').unwrap_or(&t).trim();
    let (t, ago) = match t.strip_suffix("ago") {
        Some(rest) => (rest.trim(), true),
        None => (t, false),
    };
    let (mut months, mut days, mut micros) = (0i64, 0i64, 0i64);
    let tokens: Vec<&str> = t.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        if tok.contains(':') {
            let (sign, body) = match tok.as_bytes()[0] {
                b'-' => (-1, &tok[1..]),
                b'+' => (1, &tok[1..]),
                _ => (1, tok),
            };
            let fields: Vec<&str> = body.split(':').collect();
            if !(2..=3).contains(&fields.len()) {
                return None;
            }
            let h = digits(fields[0])?;
            let m = digits(fields[1])?;
            let (s, frac) = match fields.get(2) {
                Some(f) => match f.split_once('.') {
                    Some((s, frac)) if frac.len() <= 6 && digits(frac).is_some() => {
                        (digits(s)?, digits(&format!("{frac:0<6}"))?)
                    }
                    Some(_) => return None,
                    None => (digits(f)?, 0),
                },
                None => (0, 0),
            };
            micros += sign * ((h * 3600 + m * 60 + s) * 1_000_000 + frac);
            i += 1;
            continue;
        }
        // A number and its unit, written apart (`3 days`) or together (`3days`).
        let split = tok.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(tok.len());
        let (number, mut unit) = tok.split_at(split);
        if unit.is_empty() {
            i += 1;
            unit = tokens.get(i)?;
        }
        let value: i64 = number.parse().ok()?;
        let unit = unit.trim_end_matches(',');
        match unit {
            "microsecond" | "microseconds" | "us" | "usec" | "usecs" => micros += value,
            "millisecond" | "milliseconds" | "ms" | "msec" | "msecs" => micros += value * 1_000,
            "second" | "seconds" | "s" | "sec" | "secs" => micros += value * 1_000_000,
            "minute" | "minutes" | "m" | "min" | "mins" => micros += value * 60_000_000,
            "hour" | "hours" | "h" | "hr" | "hrs" => micros += value * 3_600_000_000,
            "day" | "days" | "d" => days += value,
            "week" | "weeks" | "w" => days += value * 7,
            "month" | "months" | "mon" | "mons" => months += value,
            "year" | "years" | "y" | "yr" | "yrs" => months += value * 12,
            "decade" | "decades" => months += value * 120,
            "century" | "centuries" => months += value * 1200,
            "millennium" | "millennia" | "millenniums" => months += value * 12000,
            _ => return None,
        }
        i += 1;
    }
    if ago {
        (months, days, micros) = (-months, -days, -micros);
    }
    // interval_out, IntervalStyle postgres (EncodeInterval's AddPostgresIntPart).
    let mut out = String::new();
    let (mut is_before, mut is_zero) = (false, true);
    for (value, unit) in [(months / 12, "year"), (months % 12, "mon"), (days, "day")] {
        if value == 0 {
            continue;
        }
        let space = if is_zero { "" } else { " " };
        let plus = if is_before && value > 0 { "+" } else { "" };
        let plural = if value != 1 { "s" } else { "" };
        out.push_str(&format!("{space}{plus}{value} {unit}{plural}"));
        is_before = value < 0;
        is_zero = false;
    }
    if is_zero || micros != 0 {
        let minus = micros < 0;
        let m = micros.abs();
        let sign = if minus {
            "-"
        } else if is_before {
            "+"
        } else {
            ""
        };
        let space = if is_zero { "" } else { " " };
        let secs = m / 1_000_000;
        let frac = m % 1_000_000;
        let frac = if frac == 0 { String::new() } else { format!(".{frac:06}").trim_end_matches('0').to_string() };
        out.push_str(&format!("{space}{sign}{:02}:{:02}:{:02}{frac}", secs / 3600, secs % 3600 / 60, secs % 60));
    }
    Some(out)
}

/// A bytea constant in the hex (`\x0a`) or escape (`a\012`) input format, in hex.
fn bytea(text: &str) -> Option<String> {
    let bytes: Vec<u8> = if let Some(hex) = text.strip_prefix("\\x").or_else(|| text.strip_prefix("\\X")) {
        let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        if !hex.len().is_multiple_of(2) {
            return None;
        }
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok()).collect::<Option<_>>()?
    } else {
        let raw = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] != b'\\' {
                out.push(raw[i]);
                i += 1;
            } else if raw.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
            } else {
                let octal = std::str::from_utf8(raw.get(i + 1..i + 4)?).ok()?;
                out.push(u8::from_str_radix(octal, 8).ok()?);
                i += 4;
            }
        }
        out
    };
    Some(format!("\\x{}", bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()))
}

/// A collation name without `pg_catalog.` and quotes (`pg_catalog."C"` → `C`).
fn collation_name(name: &str) -> String {
    name.strip_prefix("pg_catalog.").unwrap_or(name).trim_matches('"').to_string()
}

/// An index element on a column with `COLLATE` the column's own collation, without it:
/// pg_get_indexdef prints a key's collation only when it is not the column's.
/// A column written as the expression `(c COLLATE x)` is a column key with that collation
/// (DefineIndex strips the COLLATE and keeps the column).
fn default_collation(element: &str, column_collation: &dyn Fn(&str) -> Option<String>) -> String {
    let (head, tail) = match element.strip_prefix('(').and_then(|e| e.split_once(')')) {
        Some((inner, rest)) if !inner.contains('(') => (inner.to_string(), rest.trim_start().to_string()),
        _ => (element.to_string(), String::new()),
    };
    let words: Vec<&str> = head.split(' ').chain(tail.split(' ')).filter(|w| !w.is_empty()).collect();
    if let [column, collate, name, rest @ ..] = words.as_slice() {
        let bare = column.trim_matches('"');
        if collate.eq_ignore_ascii_case("collate") && !column.contains('.') {
            let kept: &[&str] =
                if column_collation(bare) == Some(collation_name(name)) { &[] } else { &[collate, name] };
            return std::iter::once(*column)
                .chain(kept.iter().copied())
                .chain(rest.iter().copied())
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    element.to_string()
}

/// An index element (`expr [COLLATE c] [opclass] [ASC|DESC] [NULLS FIRST|LAST]`): the longest
/// leading part that is an expression in the comparable form, the rest without schema names.
fn index_element(element: &str) -> String {
    let words: Vec<&str> = element.split(' ').collect();
    for cut in (1..=words.len()).rev() {
        let head = words[..cut].join(" ");
        if let Some(mut node) = bare_expression(&head) {
            rewrite(&mut node);
            let Ok(head) = crate::expr::deparse_expr(&node) else { break };
            let tail: Vec<&str> = words[cut..].iter().map(|w| w.rsplit('.').next().unwrap_or(w)).collect();
            return std::iter::once(head.as_str()).chain(tail).collect::<Vec<_>>().join(" ");
        }
    }
    element.to_string()
}

/// `text` parsed as one expression, without an alias (`f(x) gin_trgm_ops` would read as
/// `f(x) AS gin_trgm_ops`).
fn bare_expression(text: &str) -> Option<Node> {
    let parsed = pg_query::parse(&format!("SELECT {text}")).ok()?;
    let stmt = parsed.protobuf.stmts.into_iter().next()?.stmt?.node?;
    let NodeEnum::SelectStmt(select) = stmt else { return None };
    match select.target_list.as_slice() {
        [Node { node: Some(NodeEnum::ResTarget(rt)) }] if rt.name.is_empty() && select.from_clause.is_empty() => {
            rt.val.as_deref().cloned()
        }
        _ => None,
    }
}

/// One expression in the comparable form (unchanged when it does not parse).
pub fn expression(text: &str) -> String {
    let Ok(mut node) = crate::expr::parse_expr(text) else { return text.to_string() };
    rewrite(&mut node);
    crate::expr::deparse_expr(&node).unwrap_or_else(|_| text.to_string())
}

fn op(name: &str) -> Vec<Node> {
    vec![Node { node: Some(NodeEnum::String(protobuf::String { sval: name.to_string() })) }]
}

fn compare(left: &Node, name: &str, right: Node) -> Node {
    Node {
        node: Some(NodeEnum::AExpr(Box::new(protobuf::AExpr {
            kind: AExprKind::AexprOp as i32,
            name: op(name),
            lexpr: Some(Box::new(left.clone())),
            rexpr: Some(Box::new(right)),
            location: -1,
        }))),
    }
}

fn list_items(node: Option<&Node>) -> Option<Vec<Node>> {
    match node.and_then(|n| n.node.as_ref()) {
        Some(NodeEnum::List(l)) => Some(l.items.clone()),
        _ => None,
    }
}

fn rewrite(node: &mut Node) {
    // Casts go first, so what they wrap is rewritten too; a string constant cast to a date/time,
    // interval or bytea type first takes the form PostgreSQL stores it in.
    while let Some(NodeEnum::TypeCast(tc)) = &mut node.node {
        let type_name = tc.type_name.as_ref().and_then(|t| crate::types::name_list(&t.names).pop());
        if let (Some(type_name), Some(Some(NodeEnum::AConst(c)))) =
            (type_name, tc.arg.as_deref_mut().map(|a| a.node.as_mut()))
        {
            if let Some(protobuf::a_const::Val::Sval(s)) = c.val.as_mut() {
                if let Some(v) = typed_constant(&type_name, &s.sval) {
                    s.sval = v;
                }
            }
        }
        match tc.arg.take() {
            Some(arg) => *node = *arg,
            None => break,
        }
    }
    let replacement = match node.node.as_mut() {
        Some(NodeEnum::AExpr(e)) => {
            let kind = AExprKind::try_from(e.kind).unwrap_or(AExprKind::Undefined);
            let name = e.name.iter().find_map(|n| match &n.node {
                Some(NodeEnum::String(s)) => Some(s.sval.clone()),
                _ => None,
            });
            match (kind, list_items(e.rexpr.as_deref()), e.lexpr.as_deref()) {
                (AExprKind::AexprIn, Some(items), Some(_)) => {
                    e.kind = if name.as_deref() == Some("<>") { AExprKind::AexprOpAll } else { AExprKind::AexprOpAny }
                        as i32;
                    e.rexpr = Some(Box::new(Node {
                        node: Some(NodeEnum::AArrayExpr(protobuf::AArrayExpr { elements: items, location: -1 })),
                    }));
                    None
                }
                (AExprKind::AexprBetween | AExprKind::AexprNotBetween, Some(bounds), Some(x)) if bounds.len() == 2 => {
                    let between = kind == AExprKind::AexprBetween;
                    let (lo, hi, boolop) =
                        if between { (">=", "<=", BoolExprType::AndExpr) } else { ("<", ">", BoolExprType::OrExpr) };
                    Some(Node {
                        node: Some(NodeEnum::BoolExpr(Box::new(protobuf::BoolExpr {
                            xpr: None,
                            boolop: boolop as i32,
                            args: vec![compare(x, lo, bounds[0].clone()), compare(x, hi, bounds[1].clone())],
                            location: -1,
                        }))),
                    })
                }
                _ => None,
            }
        }
        _ => None,
    };
    if let Some(r) = replacement {
        *node = r;
    }
    match node.node.as_mut() {
        Some(NodeEnum::AExpr(e)) => {
            for side in [e.lexpr.as_deref_mut(), e.rexpr.as_deref_mut()].into_iter().flatten() {
                rewrite(side);
            }
        }
        Some(NodeEnum::BoolExpr(b)) => {
            // AND/OR of one kind nested in itself is one list, as PostgreSQL flattens it.
            let boolop = b.boolop;
            let mut args = Vec::new();
            for mut a in std::mem::take(&mut b.args) {
                rewrite(&mut a);
                match a.node {
                    Some(NodeEnum::BoolExpr(inner))
                        if inner.boolop == boolop && boolop != BoolExprType::NotExpr as i32 =>
                    {
                        args.extend(inner.args)
                    }
                    other => args.push(Node { node: other }),
                }
            }
            b.args = args;
        }
        Some(NodeEnum::FuncCall(f)) => {
            if f.funcname.len() == 2 {
                f.funcname.remove(0);
            }
            f.args.iter_mut().for_each(rewrite);
            // nextval('public.s') and nextval('s'): the sequence name without its schema.
            let nextval = matches!(f.funcname.first().and_then(|n| n.node.as_ref()), Some(NodeEnum::String(s)) if s.sval == "nextval");
            if let (true, Some(Some(NodeEnum::AConst(c)))) = (nextval, f.args.first_mut().map(|a| a.node.as_mut())) {
                if let Some(protobuf::a_const::Val::Sval(s)) = c.val.as_mut() {
                    if let Some((_, name)) = s.sval.rsplit_once('.') {
                        s.sval = name.to_string();
                    }
                }
            }
        }
        Some(NodeEnum::AArrayExpr(a)) => a.elements.iter_mut().for_each(rewrite),
        Some(NodeEnum::List(l)) => l.items.iter_mut().for_each(rewrite),
        Some(NodeEnum::NullTest(n)) => n.arg.as_deref_mut().into_iter().for_each(rewrite),
        Some(NodeEnum::BooleanTest(n)) => n.arg.as_deref_mut().into_iter().for_each(rewrite),
        Some(NodeEnum::CoalesceExpr(c)) => c.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::MinMaxExpr(c)) => c.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::RowExpr(r)) => r.args.iter_mut().for_each(rewrite),
        Some(NodeEnum::CaseExpr(c)) => {
            c.arg.as_deref_mut().into_iter().for_each(rewrite);
            c.defresult.as_deref_mut().into_iter().for_each(rewrite);
            for w in &mut c.args {
                if let Some(NodeEnum::CaseWhen(cw)) = w.node.as_mut() {
                    cw.expr.as_deref_mut().into_iter().for_each(rewrite);
                    cw.result.as_deref_mut().into_iter().for_each(rewrite);
                }
            }
        }
        Some(NodeEnum::SubLink(s)) => s.testexpr.as_deref_mut().into_iter().for_each(rewrite),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{default_collation, expression, index_element, typed_constant, typed_literal};
    use crate::{replay, Migration, ReplayOptions};

    fn catalog_of(sql: &str) -> schemasim_catalog::Catalog {
        let m = Migration { name: "001".into(), path: "001.sql".into(), sql: sql.into(), transaction: true };
        let r = replay(&[m], &ReplayOptions::default());
        for s in r.migrations.iter().flat_map(|m| &m.statements) {
            assert!(s.sqlstate.is_none(), "{sql}: {:?}", s.message);
        }
        r.catalog
    }

    /// The compared text of the one object named `object` after `sql`.
    fn text_of(sql: &str, object: &str) -> String {
        let texts = crate::diff::object_texts(&super::catalog(&catalog_of(sql)));
        texts.get(object).cloned().unwrap_or_else(|| panic!("{object} not in {:?}", texts.keys()))
    }

    #[test]
    fn date_time_interval_and_bytea_constants_take_their_stored_form() {
        // What PostgreSQL 17 prints back (TimeZone UTC, IntervalStyle postgres).
        let same = [
            ("timestamp with time zone", "epoch", "1970-01-01 00:00:00+00"),
            ("timestamptz", "1970-01-01", "1970-01-01 00:00:00"),
            ("timestamp without time zone", "1970-01-01 00:00:01+00:00", "1970-01-01 00:00:01"),
            ("timestamp with time zone", "1970-01-01 02:00:00+02", "1970-01-01 00:00:00+00"),
            ("interval", "24 hours", "24:00:00"),
            ("interval", "12 months", "1 year"),
            ("interval", "1 year 2 months 3 days 4 hours", "1 year 2 mons 3 days 04:00:00"),
            ("interval", "90 days", "90 days"),
            ("interval", "1 week", "7 days"),
            ("bytea", "", "\\x"),
            ("bytea", "a\\012", "\\x610a"),
        ];
        for (t, written, stored) in same {
            assert_eq!(typed_constant(t, written), typed_constant(t, stored), "{t}: {written} / {stored}");
        }
        assert_eq!(typed_constant("interval", "24 hours").as_deref(), Some("24:00:00"));
        assert_eq!(typed_constant("interval", "12 months").as_deref(), Some("1 year"));
        assert_eq!(typed_constant("interval", "-1 day 02:00").as_deref(), Some("-1 days +02:00:00"));
        assert_eq!(typed_constant("bytea", "").as_deref(), Some("\\x"));
        let different = [
            ("timestamp with time zone", "1970-01-01 00:00:00+02", "1970-01-01 00:00:00+00"),
            ("interval", "24 hours", "1 day"),
            ("interval", "30 days", "1 mon"),
            ("date", "2020-01-01", "2020-01-02"),
        ];
        for (t, a, b) in different {
            assert_ne!(typed_constant(t, a), typed_constant(t, b), "{t}: {a} / {b}");
        }
        assert_eq!(typed_constant("text", "24 hours"), None);
        assert_eq!(typed_constant("timestamptz", "now"), None);
        assert_eq!(typed_literal("timestamp with time zone", "'epoch'"), typed_literal("timestamptz", "'1970-01-01'"));
        assert_eq!(
            expression("now() - (random() * interval '12 months')"),
            expression("(now() - (random() * '1 year'::interval))")
        );
    }

    #[test]
    fn an_index_key_collation_equal_to_the_column_s_is_not_printed() {
        let c = |column: &str| (column == "key").then(|| "C".to_string());
        assert_eq!(default_collation("(key COLLATE \"C\")", &c), "key");
        assert_eq!(default_collation("key COLLATE \"C\" DESC", &c), "key DESC");
        assert_eq!(default_collation("key COLLATE \"en_US\"", &c), "key COLLATE \"en_US\"");
        assert_eq!(default_collation("name COLLATE \"C\"", &c), "name COLLATE \"C\"");
    }

    #[test]
    fn functions_compare_as_postgresql_keeps_them() {
        let history = "CREATE TYPE role AS ENUM ('owner', 'member');\n\
            CREATE FUNCTION f(r role = NULL, n int4 = 100, s text = '') RETURNS TABLE (at timestamptz, v varchar(10)) \
            LANGUAGE plpgsql VOLATILE SECURITY INVOKER COST 100 AS $$ BEGIN END $$;\n\
            CREATE FUNCTION g(b bit(8)) RETURNS int LANGUAGE sql IMMUTABLE RETURN get_bit(b, 0) * 2;\n\
            CREATE FUNCTION h() RETURNS double precision LANGUAGE sql RETURN random() * 10;";
        let dump = "CREATE TYPE public.role AS ENUM ('owner', 'member');\n\
            CREATE FUNCTION public.f(r public.role = NULL::public.role, n integer = 100, s text = ''::text) \
            RETURNS TABLE(at timestamp with time zone, v character varying) LANGUAGE plpgsql AS $$ BEGIN END $$;\n\
            CREATE FUNCTION public.g(b bit) RETURNS integer LANGUAGE sql IMMUTABLE RETURN (get_bit(b, 0) * 2);\n\
            CREATE FUNCTION public.h() RETURNS double precision LANGUAGE sql RETURN (random() * (10)::double precision);";
        for object in ["function public.f(public.role, integer, text)", "function public.g(bit)", "function public.h()"]
        {
            assert_eq!(text_of(history, object), text_of(dump, object), "{object}");
        }
        // What PostgreSQL keeps differently stays different.
        let stable = history.replace("LANGUAGE plpgsql VOLATILE", "LANGUAGE plpgsql STABLE");
        let definer = history.replace("SECURITY INVOKER", "SECURITY DEFINER");
        let default = history.replace("n int4 = 100", "n int4 = 10");
        let cost = history.replace("COST 100", "COST 10");
        for other in [stable, definer, default, cost] {
            let object = "function public.f(public.role, integer, text)";
            assert_ne!(text_of(&other, object), text_of(dump, object), "{other}");
        }
    }

    #[test]
    fn policies_and_views_qualify_columns_as_ruleutils_prints_them() {
        let history = "CREATE TABLE accounts (id int PRIMARY KEY, owner int, personal boolean);\n\
            CREATE TABLE members (account_id int, user_id int);\n\
            CREATE POLICY p ON members USING (members.user_id <> (SELECT owner FROM accounts WHERE id = account_id));\n\
            CREATE MATERIALIZED VIEW v (account, n) AS SELECT account_id, count(owner) FROM members \
            JOIN accounts ON account_id = accounts.id GROUP BY account_id;";
        let dump = "CREATE TABLE public.accounts (id integer NOT NULL, owner integer, personal boolean);\n\
            ALTER TABLE ONLY public.accounts ADD CONSTRAINT accounts_pkey PRIMARY KEY (id);\n\
            CREATE TABLE public.members (account_id integer, user_id integer);\n\
            CREATE POLICY p ON public.members USING ((user_id <> ( SELECT accounts.owner FROM public.accounts \
            WHERE (accounts.id = members.account_id))));\n\
            CREATE MATERIALIZED VIEW public.v AS SELECT members.account_id AS account, count(accounts.owner) AS n \
            FROM (public.members JOIN public.accounts ON ((members.account_id = accounts.id))) \
            GROUP BY members.account_id WITH NO DATA;";
        for object in ["policy p on table public.members", "materialized view public.v"] {
            assert_eq!(text_of(history, object), text_of(dump, object), "{object}");
        }
        // A sub-SELECT's column that is the inner relation's is not the outer one's.
        let inner = history.replace("WHERE id = account_id", "WHERE id = owner");
        assert_ne!(
            text_of(&inner, "policy p on table public.members"),
            text_of(dump, "policy p on table public.members")
        );
    }

    #[test]
    fn index_elements_and_typed_literals() {
        assert_eq!(
            index_element("COALESCE(close_time, '9999-12-31 23:59:59') DESC"),
            index_element("COALESCE(close_time, '9999-12-31 23:59:59'::timestamp) DESC")
        );
        assert_eq!(index_element("public.canon(name) public.gin_trgm_ops"), index_element("canon(name) gin_trgm_ops"));
        assert_ne!(index_element("a DESC"), index_element("a"));
        assert_eq!(typed_literal("boolean", "'f'"), "false");
        assert_eq!(typed_literal("integer", "'0'"), "0");
        assert_eq!(typed_literal("text", "'0'"), "'0'");
    }

    #[test]
    fn written_and_stored_forms_compare_equal() {
        let same = [
            ("channel IN ('email', 'in_app')", "channel = ANY (ARRAY['email'::text, 'in_app'::text])"),
            ("rank BETWEEN 0 AND 100", "((rank >= 0) AND (rank <= 100))"),
            (
                "status IN ('active', 'pending')",
                "((status)::text = ANY ((ARRAY['active'::character varying, 'pending'::character varying])::text[]))",
            ),
            ("tenant_id = current_tenant_id()", "(tenant_id = core.current_tenant_id())"),
            ("a > 0 AND b > 0 AND c > 0", "(((a > 0) AND (b > 0)) AND (c > 0))"),
            ("x NOT IN (1, 2)", "x <> ALL (ARRAY[1, 2])"),
            ("nextval('s_id_seq')", "nextval('public.s_id_seq'::regclass)"),
        ];
        for (written, stored) in same {
            assert_eq!(expression(written), expression(stored), "{written} / {stored}");
        }
        let different = [("a IN (1, 2)", "a = ANY (ARRAY[1, 3])"), ("x BETWEEN 0 AND 10", "x >= 0 AND x < 10")];
        for (a, b) in different {
            assert_ne!(expression(a), expression(b), "{a} / {b}");
        }
    }
}
