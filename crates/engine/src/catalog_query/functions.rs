//! The built-in functions and casts migrations' catalog checks and dynamic SQL use, as
//! PostgreSQL 17 defines them: `format()` (`%s %I %L`), `quote_ident`, `quote_literal`,
//! `concat`, `current_setting`, `set_config`, `to_regclass`, `::regclass` and friends. Any other
//! function evaluates to an unknown value.

use super::builtin;
use super::value::{parse_bool, Value};
use super::{search_path_text, Evaluator};
use crate::error::{PgError, PgResult};
use schemasim_catalog::{quote_ident, quote_literal, QualName, TypeKind};

/// Returns NULL when an argument is NULL (a strict function), unknown when one is unknown.
fn strict(args: &[Value]) -> Option<Value> {
    if args.iter().any(|a| matches!(a, Value::Null)) {
        return Some(Value::Null);
    }
    if args.iter().any(|a| matches!(a.to_text(), Value::Unknown)) {
        return Some(Value::Unknown);
    }
    None
}

/// The text of a strict function's argument (callers checked [`strict`] first).
fn text(v: &Value) -> String {
    match v.to_text() {
        Value::Text(s) => s,
        _ => String::new(),
    }
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Text(t) => t.trim().parse().ok(),
        _ => None,
    }
}

/// Calls the function `names` (optionally `pg_catalog`-qualified).
pub(super) fn call(ev: &mut Evaluator<'_, '_>, names: &[String], args: Vec<Value>) -> PgResult<Value> {
    let name = match names {
        [n] => n.as_str(),
        [s, n] if s == "pg_catalog" => n.as_str(),
        _ => return Ok(Value::Unknown),
    };
    // Functions that are not strict, or have side effects.
    match name {
        "concat" => return Ok(concat(&args, None)),
        "concat_ws" => {
            return Ok(match args.split_first() {
                Some((Value::Null, _)) => Value::Null,
                Some((sep, rest)) => match sep.output() {
                    Value::Text(s) => concat(rest, Some(&s)),
                    _ => Value::Unknown,
                },
                None => Value::Unknown,
            })
        }
        "format" => {
            return match args.split_first() {
                Some((Value::Null, _)) => Ok(Value::Null),
                Some((Value::Text(f), rest)) => format(f, rest),
                _ => Ok(Value::Unknown),
            }
        }
        "quote_nullable" => {
            return Ok(match args.as_slice() {
                [Value::Null] => Value::text("NULL"),
                [v] => match v.to_text() {
                    Value::Text(s) => Value::Text(quote_literal(&s)),
                    _ => Value::Unknown,
                },
                _ => Value::Unknown,
            })
        }
        "current_setting" => return current_setting(ev, &args),
        "set_config" => return set_config(ev, &args),
        "current_schema" if args.is_empty() => return Ok(ev.current_schema()),
        "pg_sleep" => return Ok(Value::Null),
        _ => {}
    }
    if let Some(v) = strict(&args) {
        return Ok(v);
    }
    Ok(match (name, args.as_slice()) {
        ("lower", [a]) => Value::Text(text(a).to_lowercase()),
        ("upper", [a]) => Value::Text(text(a).to_uppercase()),
        ("length" | "char_length" | "character_length", [a]) => Value::Int(text(a).chars().count() as i64),
        ("octet_length", [a]) => Value::Int(text(a).len() as i64),
        ("btrim", [a]) => Value::Text(text(a).trim_matches(' ').to_string()),
        ("ltrim", [a]) => Value::Text(text(a).trim_start_matches(' ').to_string()),
        ("rtrim", [a]) => Value::Text(text(a).trim_end_matches(' ').to_string()),
        ("btrim", [a, c]) => {
            let set: Vec<char> = text(c).chars().collect();
            Value::Text(text(a).trim_matches(|x| set.contains(&x)).to_string())
        }
        ("replace", [a, b, c]) => {
            let (a, b) = (text(a), text(b));
            Value::Text(if b.is_empty() { a } else { a.replace(&b, &text(c)) })
        }
        ("quote_ident", [a]) => Value::Text(quote_ident(&text(a))),
        ("quote_literal", [a]) => Value::Text(quote_literal(&text(a))),
        ("starts_with", [a, b]) => Value::Bool(text(a).starts_with(&text(b))),
        ("left", [a, n]) | ("right", [a, n]) => {
            let Some(n) = int(n) else { return Ok(Value::Unknown) };
            let chars: Vec<char> = text(a).chars().collect();
            let len = chars.len() as i64;
            let take = if n >= 0 { n.min(len) } else { (len + n).max(0) } as usize;
            Value::Text(if name == "left" {
                chars[..take].iter().collect()
            } else {
                chars[chars.len() - take..].iter().collect()
            })
        }
        ("split_part", [s, d, n]) => {
            let (s, d) = (text(s), text(d));
            let Some(n) = int(n) else { return Ok(Value::Unknown) };
            if n == 0 {
                return Err(PgError::new("22023", "field position must not be zero"));
            }
            let parts: Vec<&str> = if d.is_empty() { vec![s.as_str()] } else { s.split(d.as_str()).collect() };
            let idx = if n > 0 { n - 1 } else { parts.len() as i64 + n };
            Value::Text(usize::try_from(idx).ok().and_then(|i| parts.get(i)).map_or("", |p| p).to_string())
        }
        ("to_regclass", [a]) => regclass(ev, &text(a), true)?,
        ("to_regnamespace", [a]) => regnamespace(ev, &text(a), true)?,
        ("to_regrole", [a]) => regrole(ev, &text(a), true)?,
        ("to_regtype", [a]) => regtype(ev, &text(a), true)?,
        _ => Value::Unknown,
    })
}

/// `concat` / `concat_ws`: NULL arguments are skipped, values printed by their output functions.
fn concat(args: &[Value], separator: Option<&str>) -> Value {
    let mut parts = Vec::new();
    for a in args {
        match a.output() {
            Value::Null => {}
            Value::Text(s) => parts.push(s),
            _ => return Value::Unknown,
        }
    }
    Value::Text(parts.join(separator.unwrap_or("")))
}

/// `format(formatstr, args...)`: `%s`, `%I`, `%L`, `%%` and `%n$` positions. Widths and flags
/// are not simulated.
fn format(fmt: &str, args: &[Value]) -> PgResult<Value> {
    let hint = "For a single \"%\" use \"%%\".";
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    let mut next = 0usize;
    let mut unknown = false;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(&first) = chars.peek() else {
            return Err(PgError::new("22023", "unterminated format() type specifier").with_hint(hint));
        };
        if first == '%' {
            chars.next();
            out.push('%');
            continue;
        }
        // Optional `n$` position.
        let mut digits = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() {
                digits.push(d);
                chars.next();
            } else {
                break;
            }
        }
        if !digits.is_empty() {
            if chars.peek() == Some(&'$') {
                chars.next();
                let n: usize = digits.parse().unwrap_or(0);
                if n == 0 {
                    return Err(PgError::new(
                        "22023",
                        "format specifies argument 0, but arguments are numbered from 1",
                    ));
                }
                next = n - 1;
            } else {
                return Ok(Value::Unknown); // a width
            }
        }
        let Some(kind) = chars.next() else {
            return Err(PgError::new("22023", "unterminated format() type specifier").with_hint(hint));
        };
        if !matches!(kind, 's' | 'I' | 'L') {
            if kind == '-' || kind == '*' {
                return Ok(Value::Unknown);
            }
            return Err(
                PgError::new("22023", format!("unrecognized format() type specifier \"{kind}\"")).with_hint(hint)
            );
        }
        let Some(arg) = args.get(next) else {
            return Err(PgError::new("22023", "too few arguments for format()"));
        };
        next += 1;
        match (kind, arg.output()) {
            ('s', Value::Null) => {}
            ('I', Value::Null) => {
                return Err(PgError::new("22004", "null values cannot be formatted as an SQL identifier"))
            }
            ('L', Value::Null) => out.push_str("NULL"),
            ('s', Value::Text(s)) => out.push_str(&s),
            ('I', Value::Text(s)) => out.push_str(&quote_ident(&s)),
            ('L', Value::Text(s)) => out.push_str(&quote_literal(&s)),
            _ => unknown = true,
        }
    }
    Ok(if unknown { Value::Unknown } else { Value::Text(out) })
}

/// `current_setting(name [, missing_ok])`. Custom settings (`app.x`) are known when this
/// statement set them; settings from earlier `SET`s are not tracked, so reading an unset one
/// is reported.
fn current_setting(ev: &mut Evaluator<'_, '_>, args: &[Value]) -> PgResult<Value> {
    let (name, missing_ok) = match args {
        [Value::Text(n)] => (n.to_lowercase(), false),
        [Value::Text(n), m] => match m {
            Value::Bool(b) => (n.to_lowercase(), *b),
            Value::Text(t) => (n.to_lowercase(), parse_bool(t).unwrap_or(false)),
            _ => return Ok(Value::Unknown),
        },
        _ if args.iter().any(|a| matches!(a, Value::Null)) => return Ok(Value::Null),
        _ => return Ok(Value::Unknown),
    };
    Ok(match name.as_str() {
        "search_path" => Value::Text(search_path_text(ev.ctx.search_path)),
        "server_version_num" => Value::text("170010"),
        "server_version" => Value::text("17.10"),
        "is_superuser" => Value::text("on"),
        "session_authorization" => Value::text(crate::session::SESSION_USER),
        _ if name.contains('.') => {
            if let Some(v) = ev.state.settings.get(&name) {
                return Ok(Value::Text(v.clone()));
            }
            if ev.state.warned_settings.insert(name.clone()) {
                ev.ctx.not_simulated(format!(
                    "current_setting('{name}') was evaluated as unset: custom settings made by earlier statements are not tracked"
                ));
            }
            if missing_ok {
                Value::Null
            } else {
                return Err(PgError::new("42704", format!("unrecognized configuration parameter \"{name}\"")));
            }
        }
        _ => Value::Unknown,
    })
}

/// `set_config(name, value, is_local)`: search_path changes the session's; custom settings
/// are visible to the rest of the statement; other settings do not affect the schema.
fn set_config(ev: &mut Evaluator<'_, '_>, args: &[Value]) -> PgResult<Value> {
    let (name, value, local) = match args {
        [Value::Text(n), Value::Text(v), l] => {
            let local = match l {
                Value::Bool(b) => *b,
                Value::Text(t) => match parse_bool(t) {
                    Some(b) => b,
                    None => return Ok(Value::Unknown),
                },
                _ => {
                    ev.ctx.not_simulated("set_config() with an unknown is_local argument is not simulated");
                    return Ok(Value::Unknown);
                }
            };
            (n.to_lowercase(), v.clone(), local)
        }
        _ => {
            ev.ctx.not_simulated("set_config() with arguments the simulator does not know is not simulated");
            return Ok(Value::Unknown);
        }
    };
    if name == "search_path" {
        if local && !ev.ctx.in_block && ev.state.search_path_before_local.is_none() {
            ev.state.search_path_before_local = Some(ev.ctx.search_path.clone());
        }
        *ev.ctx.search_path = crate::ddl::misc::parse_search_path(&value);
    } else if name.contains('.') {
        ev.state.settings.insert(name, value.clone());
    }
    Ok(Value::Text(value))
}

/// `value::type` for the types catalog checks use; others are unknown.
pub(super) fn cast(ev: &mut Evaluator<'_, '_>, v: Value, type_name: &str) -> PgResult<Value> {
    if matches!(v, Value::Null) {
        return Ok(Value::Null);
    }
    let invalid = |ty: &str, t: &str| PgError::new("22P02", format!("invalid input syntax for type {ty}: \"{t}\""));
    Ok(match type_name {
        "text" | "varchar" | "name" | "bpchar" => v.to_text(),
        "bool" => match v {
            Value::Bool(_) => v,
            Value::Text(t) => Value::Bool(parse_bool(&t).ok_or_else(|| invalid("boolean", &t))?),
            Value::Int(i) => Value::Bool(i != 0),
            _ => Value::Unknown,
        },
        "int4" | "int8" | "int2" => match v {
            Value::Int(_) => v,
            Value::Text(t) => {
                let ty = match type_name {
                    "int8" => "bigint",
                    "int2" => "smallint",
                    _ => "integer",
                };
                Value::Int(t.trim().parse::<i64>().map_err(|_| invalid(ty, &t))?)
            }
            Value::Bool(b) if type_name == "int4" => Value::Int(i64::from(b)),
            _ => Value::Unknown,
        },
        "regclass" | "regnamespace" | "regrole" | "regtype" => match v {
            Value::Text(t) => match type_name {
                "regclass" => regclass(ev, &t, false)?,
                "regnamespace" => regnamespace(ev, &t, false)?,
                "regrole" => regrole(ev, &t, false)?,
                _ => regtype(ev, &t, false)?,
            },
            Value::Reg { .. } | Value::Oid(_) => v,
            _ => Value::Unknown,
        },
        "oid" => match v {
            Value::Reg { key, .. } => Value::Oid(key),
            Value::Oid(_) => v,
            _ => Value::Unknown,
        },
        _ => Value::Unknown,
    })
}

/// Splits `schema.name` text as the reg* input functions do: double quotes keep case and dots,
/// other characters are case-folded.
pub(super) fn parse_name_list(text: &str) -> Option<Vec<String>> {
    let mut names = Vec::new();
    let mut current = String::new();
    let mut chars = text.trim().chars().peekable();
    let mut quoted_part = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted_part = true;
                loop {
                    match chars.next() {
                        Some('"') if chars.peek() == Some(&'"') => {
                            chars.next();
                            current.push('"');
                        }
                        Some('"') => break,
                        Some(x) => current.push(x),
                        None => return None,
                    }
                }
            }
            '.' => {
                if current.is_empty() && !quoted_part {
                    return None;
                }
                names.push(std::mem::take(&mut current));
                quoted_part = false;
            }
            c if c.is_whitespace() => {}
            c => current.push(c.to_ascii_lowercase()),
        }
    }
    if current.is_empty() && !quoted_part {
        return None;
    }
    names.push(current);
    (names.len() <= 3).then_some(names)
}

/// The schemas unqualified names are looked up in: pg_catalog first unless the search_path
/// places it, then the existing schemas of the search_path.
fn lookup_path(ev: &Evaluator<'_, '_>) -> Vec<String> {
    let mut path: Vec<String> = ev
        .ctx
        .search_path
        .iter()
        .map(|s| if s == "\"$user\"" || s == "$user" { crate::session::SESSION_USER.to_string() } else { s.clone() })
        .filter(|s| ev.ctx.catalog.schemas.contains_key(s) || matches!(s.as_str(), "pg_catalog" | "information_schema"))
        .collect();
    if !path.iter().any(|s| s == "pg_catalog") {
        path.insert(0, "pg_catalog".into());
    }
    path
}

fn schema_exists(ev: &Evaluator<'_, '_>, schema: &str) -> bool {
    ev.ctx.catalog.schemas.contains_key(schema) || matches!(schema, "pg_catalog" | "information_schema" | "pg_toast")
}

/// Does `schema.name` exist in pg_class?
fn class_exists(ev: &Evaluator<'_, '_>, schema: &str, name: &str) -> bool {
    let qn = QualName::new(schema, name);
    ev.ctx.catalog.relations.contains_key(&qn)
        || matches!(ev.ctx.catalog.types.get(&qn), Some(t) if matches!(t.kind, TypeKind::Composite { .. }))
        || builtin::CLASSES.iter().any(|(s, n, _, _)| *s == schema && *n == name)
        || super::tables::extension_object_names(&ev.ctx.catalog, b'C')
            .iter()
            .any(|(s, n, _)| s == schema && *n == name)
}

/// Does `schema.name` exist in pg_type?
fn type_exists(ev: &Evaluator<'_, '_>, schema: &str, name: &str) -> bool {
    super::tables::user_type_names(&ev.ctx.catalog).iter().any(|(s, n)| s == schema && n == name)
        || builtin::TYPES.iter().any(|(s, n, _)| *s == schema && *n == name)
        || super::tables::extension_object_names(&ev.ctx.catalog, b'T')
            .iter()
            .any(|(s, n, _)| s == schema && *n == name)
}

/// The name as `regclass`/`regtype` output prints it: bare when the search path finds it first.
fn visible_text(path: &[String], schema: &str, name: &str, exists: impl Fn(&str) -> bool) -> String {
    let first = path.iter().find(|s| exists(s));
    if first.map(String::as_str) == Some(schema) {
        quote_ident(name)
    } else {
        format!("{}.{}", quote_ident(schema), quote_ident(name))
    }
}

/// `'name'::regclass` / `to_regclass('name')`.
fn regclass(ev: &Evaluator<'_, '_>, text: &str, missing_ok: bool) -> PgResult<Value> {
    let Some(names) = parse_name_list(text) else {
        return if missing_ok { Ok(Value::Null) } else { Err(PgError::new("42602", "invalid name syntax")) };
    };
    let path = lookup_path(ev);
    let (schema, name) = match names.as_slice() {
        [n] => match path.iter().find(|s| class_exists(ev, s, n)) {
            Some(s) => (s.clone(), n.clone()),
            None if missing_ok => return Ok(Value::Null),
            None => return Err(PgError::undefined_table(n)),
        },
        [s, n] | [_, s, n] => {
            if !schema_exists(ev, s) || !class_exists(ev, s, n) {
                return if missing_ok { Ok(Value::Null) } else { Err(PgError::undefined_table(&format!("{s}.{n}"))) };
            }
            (s.clone(), n.clone())
        }
        _ => return Ok(Value::Unknown),
    };
    let text = visible_text(&path, &schema, &name, |s| class_exists(ev, s, &name));
    Ok(Value::Reg { key: format!("class:{schema}.{name}"), text })
}

/// `'name'::regnamespace`.
fn regnamespace(ev: &Evaluator<'_, '_>, text: &str, missing_ok: bool) -> PgResult<Value> {
    match parse_name_list(text).as_deref() {
        Some([s]) if schema_exists(ev, s) => Ok(Value::Reg { key: format!("namespace:{s}"), text: quote_ident(s) }),
        Some([s]) if !missing_ok => Err(PgError::undefined_schema(s)),
        _ if missing_ok => Ok(Value::Null),
        _ => Ok(Value::Unknown),
    }
}

/// `'name'::regrole`.
fn regrole(ev: &Evaluator<'_, '_>, text: &str, missing_ok: bool) -> PgResult<Value> {
    match parse_name_list(text).as_deref() {
        Some([r]) if super::tables::role_exists(&ev.ctx.catalog, r) => {
            Ok(Value::Reg { key: format!("role:{r}"), text: quote_ident(r) })
        }
        Some([r]) if !missing_ok => Err(PgError::new("42704", format!("role \"{r}\" does not exist"))),
        _ if missing_ok => Ok(Value::Null),
        _ => Ok(Value::Unknown),
    }
}

/// The pg_type name and `format_type` spelling of a built-in type written as SQL does
/// (`integer`, `int4`, `double precision`, `timestamptz`...).
pub(super) fn builtin_type(name: &str) -> Option<(&'static str, String)> {
    let (internal, display) = match name {
        "int" | "integer" | "int4" => ("int4", "integer"),
        "smallint" | "int2" => ("int2", "smallint"),
        "bigint" | "int8" => ("int8", "bigint"),
        "real" | "float4" => ("float4", "real"),
        "float" | "float8" | "double precision" => ("float8", "double precision"),
        "boolean" | "bool" => ("bool", "boolean"),
        "decimal" | "dec" | "numeric" => ("numeric", "numeric"),
        "varchar" | "character varying" => ("varchar", "character varying"),
        "character" | "char" | "bpchar" => ("bpchar", "character"),
        "timestamp" | "timestamp without time zone" => ("timestamp", "timestamp without time zone"),
        "timestamptz" | "timestamp with time zone" => ("timestamptz", "timestamp with time zone"),
        "time" | "time without time zone" => ("time", "time without time zone"),
        "timetz" | "time with time zone" => ("timetz", "time with time zone"),
        "varbit" | "bit varying" => ("varbit", "bit varying"),
        _ => {
            let (_, n, _) = builtin::TYPES.iter().find(|(s, n, _)| *s == "pg_catalog" && *n == name)?;
            return Some((n, n.to_string()));
        }
    };
    Some((internal, display.to_string()))
}

/// `'name'::regtype` for plain names (no modifiers or array brackets).
fn regtype(ev: &Evaluator<'_, '_>, text: &str, missing_ok: bool) -> PgResult<Value> {
    if text.contains(['(', '[']) {
        return Ok(Value::Unknown);
    }
    let plain = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !plain.contains('"') {
        if let Some((internal, display)) = builtin_type(&plain.to_lowercase()) {
            if plain.contains(' ') || lookup_path(ev).first().map(String::as_str) == Some("pg_catalog") {
                return Ok(Value::Reg { key: format!("type:pg_catalog.{internal}"), text: display });
            }
        }
    }
    if plain.contains(' ') {
        return Ok(Value::Unknown);
    }
    let Some(names) = parse_name_list(&plain) else { return Ok(Value::Unknown) };
    let path = lookup_path(ev);
    let found = match names.as_slice() {
        [n] => path.iter().find(|s| type_exists(ev, s, n)).map(|s| (s.clone(), n.clone())),
        [s, n] | [_, s, n] => {
            if !schema_exists(ev, s) {
                return if missing_ok { Ok(Value::Null) } else { Err(PgError::undefined_schema(s)) };
            }
            type_exists(ev, s, n).then(|| (s.clone(), n.clone()))
        }
        _ => return Ok(Value::Unknown),
    };
    match found {
        Some((schema, name)) if schema == "pg_catalog" => match builtin_type(&name) {
            Some((internal, display)) => Ok(Value::Reg { key: format!("type:pg_catalog.{internal}"), text: display }),
            None => Ok(Value::oid("type", format!("{schema}.{name}"))),
        },
        Some((schema, name)) => {
            let text = visible_text(&path, &schema, &name, |s| type_exists(ev, s, &name));
            Ok(Value::Reg { key: format!("type:{schema}.{name}"), text })
        }
        None if missing_ok => Ok(Value::Null),
        None => Err(PgError::undefined_type(text)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_placeholders() {
        let args = [Value::text("Ab"), Value::text("it's"), Value::Null, Value::Null, Value::text("select")];
        assert_eq!(format("%I %L %s %L %I", &args).unwrap(), Value::text("\"Ab\" 'it''s'  NULL \"select\""));
        assert_eq!(format("%1$s %1$I %2$s", &[Value::text("x"), Value::text("y")]).unwrap(), Value::text("x x y"));
        assert_eq!(format("%s", &[]).unwrap_err().message, "too few arguments for format()");
        assert_eq!(format("100%%", &[]).unwrap(), Value::text("100%"));
    }

    #[test]
    fn name_lists_fold_case_outside_quotes() {
        assert_eq!(parse_name_list("Storage.Buckets"), Some(vec!["storage".into(), "buckets".into()]));
        assert_eq!(parse_name_list("\"A.b\".c"), Some(vec!["A.b".into(), "c".into()]));
        assert_eq!(parse_name_list("a..b"), None);
    }
}
