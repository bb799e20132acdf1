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

/// Built-in btree operator families whose cross-type equality operators let a foreign key
/// compare two different types directly (`integer_ops`, `float_ops`, `datetime_ops`,
/// `text_ops`).
const BTREE_FAMILIES: &[&[&str]] = &[
    &["smallint", "integer", "bigint"],
    &["real", "double precision"],
    &["date", "timestamp without time zone", "timestamp with time zone"],
    &["text", "name"],
];

/// Implicit casts between built-in scalar types (pg_cast `castcontext = 'i'`, binary
/// coercions included), as `(from, [to...])`.
const IMPLICIT_CASTS: &[(&str, &[&str])] = &[
    ("smallint", &["integer", "bigint", "real", "double precision", "numeric"]),
    ("integer", &["bigint", "real", "double precision", "numeric"]),
    ("bigint", &["real", "double precision", "numeric"]),
    ("real", &["double precision"]),
    ("numeric", &["real", "double precision"]),
    ("character", &["text", "character varying"]),
    ("character varying", &["text", "character"]),
    ("text", &["character", "character varying"]),
    ("name", &["text"]),
    ("date", &["timestamp without time zone", "timestamp with time zone"]),
    ("timestamp without time zone", &["timestamp with time zone"]),
    ("time without time zone", &["time with time zone", "interval"]),
    ("cidr", &["inet"]),
    ("json", &[]),
    ("jsonb", &[]),
    ("uuid", &[]),
    ("boolean", &[]),
    ("bytea", &[]),
    ("interval", &[]),
    ("inet", &[]),
    ("money", &[]),
    ("time with time zone", &[]),
    ("timestamp with time zone", &[]),
    ("double precision", &[]),
];

/// The type a column's default btree operator class is declared for (`opcintype`): varchar
/// columns use `text_ops`, cidr columns `inet_ops`.
fn opclass_input_type(t: &str) -> &str {
    match t {
        "character varying" => "text",
        "cidr" => "inet",
        _ => t,
    }
}

/// Whether PostgreSQL finds an equality operator for a foreign key from a `fk` column to a `pk`
/// column (ATAddForeignKeyConstraint): a cross-type member of the primary key's btree operator
/// family, or an implicit cast of the referencing type to the operator class' input type.
/// Enum columns use `enum_ops` (declared for `anyenum`): both key types, as declared (a domain
/// over the enum included), must coerce to it together, so they must be the same enum. `None` for other types outside the built-in scalar
/// types schemasim knows (user types, arrays, domains), where it does not decide.
pub fn foreign_key_comparable(catalog: &Catalog, fk: &str, pk: &str) -> Option<bool> {
    let fk = strip_typmods(fk);
    let pk = opclass_input_type(strip_typmods(pk));
    if fk == pk {
        return Some(true);
    }
    if is_user_enum(catalog, pk) {
        return Some(false);
    }
    let casts = |t: &str| IMPLICIT_CASTS.iter().find(|(from, _)| *from == t).map(|(_, to)| *to);
    let (Some(fk_casts), Some(_)) = (casts(fk), casts(pk)) else { return None };
    let same_family = BTREE_FAMILIES.iter().any(|f| f.contains(&fk) && f.contains(&pk));
    Some(same_family || fk_casts.contains(&pk))
}
