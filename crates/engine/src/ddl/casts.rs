//! Which casts PostgreSQL applies automatically in assignment context (pg_cast `castcontext`
//! 'a' or 'i', plus the I/O conversion to string types), for ALTER COLUMN TYPE without USING
//! and for re-casting a column's default.

use crate::types::strip_typmods;
use schemasim_catalog::Catalog;

const STRING_TYPES: &[&str] = &["text", "character varying", "character", "name", "citext"];
const NUMERIC_TYPES: &[&str] = &["smallint", "integer", "bigint", "numeric", "real", "double precision", "money"];
const DATETIME_TYPES: &[&str] = &["timestamp without time zone", "timestamp with time zone", "date"];
const TIME_TYPES: &[&str] = &["time without time zone", "time with time zone"];

fn is_user_enum(catalog: &Catalog, type_text: &str) -> bool {
    catalog
        .types
        .iter()
        .any(|(qn, t)| qn.to_string() == type_text && matches!(t.kind, schemasim_catalog::TypeKind::Enum { .. }))
}

/// `Some(true)` when `from` → `to` is an assignment cast, `Some(false)` when PostgreSQL has
/// none, `None` when schemasim does not know.
pub fn assignment_castable(catalog: &Catalog, from: &str, to: &str) -> Option<bool> {
    let from_array = from.ends_with("[]");
    let to_array = to.ends_with("[]");
    if from_array != to_array {
        return Some(STRING_TYPES.contains(&strip_typmods(to)) && !to_array);
    }
    let (f, t) = (strip_typmods(from), strip_typmods(to));
    if f == t || STRING_TYPES.contains(&t) {
        return Some(true);
    }
    let same_family = |family: &[&str]| family.contains(&f) && family.contains(&t);
    if same_family(NUMERIC_TYPES) || same_family(DATETIME_TYPES) || same_family(TIME_TYPES) {
        return Some(true);
    }
    if (f == "bit" || f == "bit varying") && (t == "bit" || t == "bit varying") {
        return Some(true);
    }
    let known = |x: &str| {
        STRING_TYPES.contains(&x)
            || NUMERIC_TYPES.contains(&x)
            || DATETIME_TYPES.contains(&x)
            || TIME_TYPES.contains(&x)
            || matches!(x, "boolean" | "uuid" | "jsonb" | "json" | "bytea" | "interval" | "inet" | "cidr")
            || is_user_enum(catalog, x)
    };
    if (f == "json" && t == "jsonb")
        || (f == "jsonb" && t == "json")
        || (f == "cidr" && t == "inet")
        || (f == "inet" && t == "cidr")
    {
        return None;
    }
    if known(f) && known(t) {
        return Some(false);
    }
    None
}

/// Whether a column default can be re-cast when the column changes type. Sequence defaults
/// (`nextval(...)`) return bigint and cast to any numeric type.
pub fn default_castable(catalog: &Catalog, default: &str, from: &str, to: &str) -> Option<bool> {
    if default.starts_with("nextval(") {
        return Some(NUMERIC_TYPES.contains(&strip_typmods(to)) || STRING_TYPES.contains(&strip_typmods(to)));
    }
    assignment_castable(catalog, from, to)
}

/// How PostgreSQL names a type in messages: unqualified for the public schema.
pub fn display_type(type_text: &str) -> String {
    type_text.strip_prefix("public.").unwrap_or(type_text).to_string()
}
