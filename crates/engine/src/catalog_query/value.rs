//! Values of the catalog-query evaluator and PostgreSQL's operators on them: three-valued
//! logic, comparisons with literal coercion, `||`, the output and text-cast forms of values.
//!
//! Besides SQL's NULL the evaluator has values it does not know: [`Value::Unknown`] (a column
//! the simulator does not model, a function it does not run, the rows of a user table) and
//! [`Value::Partial`] (a name PostgreSQL derives from an OID, such as `2200_16431_1_not_null`,
//! whose prefix and suffix are known). Anything computed from them is unknown too, so a
//! decision that depends on them is reported as not simulated instead of guessed.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Text(String),
    /// An object identifier, as `kind:name` (`class:public.users`); empty for InvalidOid (0).
    Oid(String),
    /// A `regclass`/`regtype`/`regnamespace`/`regrole` value: the object and its output text.
    Reg {
        key: String,
        text: String,
    },
    /// Text whose prefix and suffix are known but not the middle (an OID inside a name).
    Partial {
        prefix: String,
        suffix: String,
    },
    Unknown,
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// An object identifier value for `kind:name`.
    pub fn oid(kind: &str, name: impl AsRef<str>) -> Value {
        Value::Oid(format!("{kind}:{}", name.as_ref()))
    }

    /// InvalidOid (0).
    pub fn no_oid() -> Value {
        Value::Oid(String::new())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown | Value::Partial { .. })
    }

    /// The value as its type's output function prints it (RAISE `%`, `format('%s')`,
    /// `concat`): booleans are `t`/`f`. `Null` stays `Null`; unknown values stay unknown.
    pub fn output(&self) -> Value {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::text(if *b { "t" } else { "f" }),
            Value::Int(i) => Value::text(i.to_string()),
            Value::Text(s) => Value::text(s.clone()),
            Value::Reg { text, .. } => Value::text(text.clone()),
            Value::Oid(_) | Value::Partial { .. } | Value::Unknown => Value::Unknown,
        }
    }

    /// The value cast to text (`::text`, `||`, assignment to a text variable): booleans are
    /// `true`/`false`.
    pub fn to_text(&self) -> Value {
        match self {
            Value::Bool(b) => Value::text(if *b { "true" } else { "false" }),
            other => other.output(),
        }
    }
}

/// PostgreSQL's `boolin`: the spellings a boolean accepts.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    if "true".starts_with(&t) || "yes".starts_with(&t) || t == "on" || t == "1" {
        return Some(true);
    }
    if "false".starts_with(&t) || "no".starts_with(&t) || t == "off" || t == "0" {
        return Some(false);
    }
    None
}

/// Compares two values as SQL would after coercing an untyped literal to the other side's
/// type. `None` when the comparison cannot be decided (unknown values, mismatched types).
fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Text(y)) => y.trim().parse::<i64>().ok().map(|y| x.cmp(&y)),
        (Value::Text(x), Value::Int(y)) => x.trim().parse::<i64>().ok().map(|x| x.cmp(y)),
        (Value::Bool(x), Value::Text(y)) => parse_bool(y).map(|y| x.cmp(&y)),
        (Value::Text(x), Value::Bool(y)) => parse_bool(x).map(|x| x.cmp(y)),
        _ => None,
    }
}

/// Equality, which also decides object identifiers and partly known names.
fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Oid(x) | Value::Reg { key: x, .. }, Value::Oid(y) | Value::Reg { key: y, .. }) => Some(x == y),
        (Value::Oid(x) | Value::Reg { key: x, .. }, Value::Int(0))
        | (Value::Int(0), Value::Oid(x) | Value::Reg { key: x, .. }) => Some(x.is_empty()),
        (Value::Partial { prefix, suffix }, Value::Text(t)) | (Value::Text(t), Value::Partial { prefix, suffix }) => {
            let fits = t.len() >= prefix.len() + suffix.len()
                && t.starts_with(prefix.as_str())
                && t.ends_with(suffix.as_str());
            if fits {
                None
            } else {
                Some(false)
            }
        }
        _ => compare(a, b).map(|o| o == Ordering::Equal),
    }
}

/// A comparison operator (`=`, `<>`, `<`, `<=`, `>`, `>=`) with SQL's NULL semantics.
pub fn compare_op(op: &str, a: &Value, b: &Value) -> Value {
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return Value::Null;
    }
    if matches!(a, Value::Unknown) || matches!(b, Value::Unknown) {
        return Value::Unknown;
    }
    let result = match op {
        "=" => equal(a, b),
        "<>" | "!=" => equal(a, b).map(|e| !e),
        _ => compare(a, b).map(|o| match op {
            "<" => o == Ordering::Less,
            "<=" => o != Ordering::Greater,
            ">" => o == Ordering::Greater,
            _ => o != Ordering::Less,
        }),
    };
    match result {
        Some(b) => Value::Bool(b),
        None => Value::Unknown,
    }
}

/// `IS [NOT] DISTINCT FROM`.
pub fn distinct(a: &Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Null, Value::Null) => Value::Bool(false),
        (Value::Null, x) | (x, Value::Null) => {
            if x.is_unknown() {
                Value::Unknown
            } else {
                Value::Bool(true)
            }
        }
        _ => match compare_op("=", a, b) {
            Value::Bool(e) => Value::Bool(!e),
            other => other,
        },
    }
}

/// `a || b` on text: NULL when either side is NULL.
pub fn concat(a: &Value, b: &Value) -> Value {
    match (a.to_text(), b.to_text()) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::Text(x), Value::Text(y)) => Value::Text(x + &y),
        _ => Value::Unknown,
    }
}

/// Integer arithmetic (`+ - * / %`), with PostgreSQL's division-by-zero error.
pub fn arithmetic(op: &str, a: &Value, b: &Value) -> Result<Value, crate::error::PgError> {
    let int = |v: &Value| match v {
        Value::Int(i) => Some(*i),
        Value::Text(t) => t.trim().parse::<i64>().ok(),
        _ => None,
    };
    if matches!(a, Value::Null) || matches!(b, Value::Null) {
        return Ok(Value::Null);
    }
    let (Some(x), Some(y)) = (int(a), int(b)) else {
        return Ok(Value::Unknown);
    };
    let out_of_range = || crate::error::PgError::new("22003", "integer out of range");
    Ok(Value::Int(match op {
        "+" => x.checked_add(y).ok_or_else(out_of_range)?,
        "-" => x.checked_sub(y).ok_or_else(out_of_range)?,
        "*" => x.checked_mul(y).ok_or_else(out_of_range)?,
        "/" | "%" => {
            if y == 0 {
                return Err(crate::error::PgError::new("22012", "division by zero"));
            }
            if op == "/" {
                x.checked_div(y).ok_or_else(out_of_range)?
            } else {
                x.checked_rem(y).ok_or_else(out_of_range)?
            }
        }
        _ => return Ok(Value::Unknown),
    }))
}

/// SQL `LIKE` matching (`%`, `_`, backslash escape), case-folded for `ILIKE`.
pub fn like(text: &str, pattern: &str, case_insensitive: bool) -> bool {
    fn matches(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| matches(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && matches(&t[1..], rest),
            Some(('\\', rest)) if !rest.is_empty() => t.first() == rest.first() && matches(&t[1..], &rest[1..]),
            Some((c, rest)) => t.first() == Some(c) && matches(&t[1..], rest),
        }
    }
    let fold = |s: &str| if case_insensitive { s.to_lowercase() } else { s.to_string() };
    let t: Vec<char> = fold(text).chars().collect();
    let p: Vec<char> = fold(pattern).chars().collect();
    matches(&t, &p)
}

/// `partial LIKE pattern` for text whose prefix is known: decided when the pattern is a
/// prefix pattern (`'RI_ConstraintTrigger_%'`) within the known part, or contradicts it.
pub fn like_partial(prefix: &str, pattern: &str) -> Option<bool> {
    let p: Vec<char> = pattern.chars().collect();
    let known: Vec<char> = prefix.chars().collect();
    let mut i = 0; // in pattern
    let mut j = 0; // in prefix
    while i < p.len() {
        let c = p[i];
        if c == '%' {
            // `head%`: true when nothing follows; otherwise undecided.
            return if i + 1 == p.len() { Some(true) } else { None };
        }
        if j >= known.len() {
            return None;
        }
        let (literal, width) = if c == '\\' && i + 1 < p.len() {
            (Some(p[i + 1]), 2)
        } else if c == '_' {
            (None, 1)
        } else {
            (Some(c), 1)
        };
        if let Some(l) = literal {
            if known[j] != l {
                return Some(false);
            }
        }
        i += width;
        j += 1;
    }
    None
}

/// Three-valued AND over already evaluated operands; unknown operands make the result unknown
/// unless a definite FALSE decides it.
pub fn and(values: &[Value]) -> Value {
    if values.iter().any(|v| matches!(v, Value::Bool(false))) {
        return Value::Bool(false);
    }
    if values.iter().any(|v| !matches!(v, Value::Bool(_) | Value::Null)) {
        return Value::Unknown;
    }
    if values.iter().any(|v| matches!(v, Value::Null)) {
        return Value::Null;
    }
    Value::Bool(true)
}

/// Three-valued OR; a definite TRUE decides it.
pub fn or(values: &[Value]) -> Value {
    if values.iter().any(|v| matches!(v, Value::Bool(true))) {
        return Value::Bool(true);
    }
    if values.iter().any(|v| !matches!(v, Value::Bool(_) | Value::Null)) {
        return Value::Unknown;
    }
    if values.iter().any(|v| matches!(v, Value::Null)) {
        return Value::Null;
    }
    Value::Bool(false)
}

/// A boolean-context value: literals such as `'true'` coerce to booleans.
pub fn as_condition(v: Value) -> Value {
    match v {
        Value::Text(t) => parse_bool(&t).map_or(Value::Unknown, Value::Bool),
        Value::Bool(_) | Value::Null => v,
        _ => Value::Unknown,
    }
}

/// Sort order for ORDER BY: NULLs last ascending, as PostgreSQL sorts by default.
pub fn sort_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(Ordering::Equal),
        (Value::Null, _) => Some(Ordering::Greater),
        (_, Value::Null) => Some(Ordering::Less),
        _ => compare(a, b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns() {
        assert!(like("http://changeme.x", "http://changeme%", false));
        assert!(!like("https://x", "http://%", false));
        assert!(like("a_b", "a\\_b", false));
        assert!(like("ABC", "a_c", true));
    }

    #[test]
    fn prefix_patterns_on_partly_known_text() {
        assert_eq!(like_partial("RI_ConstraintTrigger_a_", "RI_ConstraintTrigger_%"), Some(true));
        assert_eq!(like_partial("RI_ConstraintTrigger_a_", "RI\\_Constraint%"), Some(true));
        assert_eq!(like_partial("RI_ConstraintTrigger_a_", "users_%"), Some(false));
        assert_eq!(like_partial("pg_toast_", "pg_toast_1%"), None);
    }

    #[test]
    fn three_valued_logic() {
        assert_eq!(and(&[Value::Bool(false), Value::Unknown]), Value::Bool(false));
        assert_eq!(and(&[Value::Bool(true), Value::Unknown]), Value::Unknown);
        assert_eq!(or(&[Value::Bool(true), Value::Unknown]), Value::Bool(true));
        assert_eq!(or(&[Value::Null, Value::Bool(false)]), Value::Null);
    }

    #[test]
    fn partial_names_decide_what_they_can() {
        let p = Value::Partial { prefix: String::new(), suffix: "_not_null".into() };
        assert_eq!(compare_op("=", &p, &Value::text("users_pkey")), Value::Bool(false));
        assert_eq!(compare_op("=", &p, &Value::text("2200_1_1_not_null")), Value::Unknown);
    }
}
