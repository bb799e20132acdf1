//! Type names: resolving a parsed `TypeName` to the text PostgreSQL's `format_type` prints
//! (`varchar(20)` → `character varying(20)`, `int` → `integer`), checking it exists.

use crate::error::{PgError, PgResult};
use crate::session::Ctx;
use pg_query::protobuf::{a_const, TypeName};
use pg_query::NodeEnum;
use schemasim_catalog::{quote_ident, QualName};

/// What `serial`-like pseudo types expand to.
pub fn serial_base(name: &str) -> Option<&'static str> {
    match name {
        "serial" | "serial4" => Some("integer"),
        "bigserial" | "serial8" => Some("bigint"),
        "smallserial" | "serial2" => Some("smallint"),
        _ => None,
    }
}

/// Canonical spelling of built-in types in pg_catalog, keyed by every name the parser can
/// produce (internal names like `int4` and SQL spellings).
pub(crate) fn builtin_canonical(name: &str) -> Option<&'static str> {
    Some(match name {
        "int2" | "smallint" => "smallint",
        "int4" | "int" | "integer" => "integer",
        "int8" | "bigint" => "bigint",
        "float4" | "real" => "real",
        "float8" | "double precision" => "double precision",
        "bool" | "boolean" => "boolean",
        "varchar" | "character varying" => "character varying",
        "bpchar" | "character" | "char" => "character",
        "numeric" | "decimal" => "numeric",
        "timestamp" => "timestamp without time zone",
        "timestamptz" => "timestamp with time zone",
        "time" => "time without time zone",
        "timetz" => "time with time zone",
        "varbit" | "bit varying" => "bit varying",
        "bit" => "bit",
        "interval" => "interval",
        "text" => "text",
        "name" => "name",
        "uuid" => "uuid",
        "json" => "json",
        "jsonb" => "jsonb",
        "jsonpath" => "jsonpath",
        "bytea" => "bytea",
        "date" => "date",
        "money" => "money",
        "inet" => "inet",
        "cidr" => "cidr",
        "macaddr" => "macaddr",
        "macaddr8" => "macaddr8",
        "point" => "point",
        "line" => "line",
        "lseg" => "lseg",
        "box" => "box",
        "path" => "path",
        "polygon" => "polygon",
        "circle" => "circle",
        "tsvector" => "tsvector",
        "tsquery" => "tsquery",
        "xml" => "xml",
        "oid" => "oid",
        "xid" => "xid",
        "xid8" => "xid8",
        "cid" => "cid",
        "tid" => "tid",
        "regclass" => "regclass",
        "regproc" => "regproc",
        "regprocedure" => "regprocedure",
        "regtype" => "regtype",
        "regrole" => "regrole",
        "regnamespace" => "regnamespace",
        "regconfig" => "regconfig",
        "regdictionary" => "regdictionary",
        "regoper" => "regoper",
        "int4range" => "int4range",
        "int8range" => "int8range",
        "numrange" => "numrange",
        "tsrange" => "tsrange",
        "tstzrange" => "tstzrange",
        "daterange" => "daterange",
        "int4multirange" => "int4multirange",
        "int8multirange" => "int8multirange",
        "nummultirange" => "nummultirange",
        "tsmultirange" => "tsmultirange",
        "tstzmultirange" => "tstzmultirange",
        "datemultirange" => "datemultirange",
        "pg_lsn" => "pg_lsn",
        "txid_snapshot" => "txid_snapshot",
        "pg_snapshot" => "pg_snapshot",
        "refcursor" => "refcursor",
        "record" => "record",
        "trigger" => "trigger",
        "event_trigger" => "event_trigger",
        "void" => "void",
        "internal" => "internal",
        "cstring" => "cstring",
        "anyelement" => "anyelement",
        "anyarray" => "anyarray",
        "anynonarray" => "anynonarray",
        "anyenum" => "anyenum",
        "anyrange" => "anyrange",
        "anymultirange" => "anymultirange",
        "anycompatible" => "anycompatible",
        "anycompatiblearray" => "anycompatiblearray",
        "anycompatiblenonarray" => "anycompatiblenonarray",
        "anycompatiblerange" => "anycompatiblerange",
        "language_handler" => "language_handler",
        "fdw_handler" => "fdw_handler",
        "index_am_handler" => "index_am_handler",
        "table_am_handler" => "table_am_handler",
        "aclitem" => "aclitem",
        "int2vector" => "int2vector",
        "oidvector" => "oidvector",
        "\"char\"" => "\"char\"",
        _ => return None,
    })
}

/// Types an extension adds to its schema when created.
pub fn extension_types(extension: &str) -> &'static [&'static str] {
    match extension {
        "citext" => &["citext"],
        "ltree" => &["ltree", "lquery", "ltxtquery"],
        "hstore" => &["hstore"],
        "cube" => &["cube"],
        "isn" => &["isbn", "isbn13", "issn", "issn13", "ean13", "upc", "ismn", "ismn13"],
        "vector" => &["vector", "halfvec", "sparsevec"],
        "postgis" => &["geometry", "geography", "box2d", "box3d"],
        "seg" => &["seg"],
        _ => &[],
    }
}

/// Type modifiers as written (`(20)`, `(10,2)`), for types that take them.
fn typmods_text(type_name: &TypeName) -> PgResult<String> {
    if type_name.typmods.is_empty() {
        return Ok(String::new());
    }
    let mut parts = Vec::new();
    for m in &type_name.typmods {
        match m.node.as_ref() {
            Some(NodeEnum::AConst(c)) => match &c.val {
                Some(a_const::Val::Ival(i)) => parts.push(i.ival.to_string()),
                Some(a_const::Val::Sval(s)) => parts.push(s.sval.clone()),
                Some(a_const::Val::Fval(f)) => parts.push(f.fval.clone()),
                _ => return Err(PgError::new("42601", "type modifiers must be simple constants or identifiers")),
            },
            Some(NodeEnum::ColumnRef(_)) => {
                parts.push(crate::expr::deparse_expr(m).unwrap_or_default());
            }
            _ => return Err(PgError::new("42601", "type modifiers must be simple constants or identifiers")),
        }
    }
    Ok(format!("({})", parts.join(",")))
}

/// The strings of a dotted name list.
pub fn name_list(nodes: &[pg_query::protobuf::Node]) -> Vec<String> {
    nodes
        .iter()
        .filter_map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// How the type was written by the user, for error messages (`type "foo" does not exist`).
fn written_name(names: &[String]) -> String {
    names.join(".")
}

/// Resolves `type_name` against built-ins and the catalog; returns `format_type` text with
/// array brackets. User types come out schema-qualified, which is valid anywhere.
pub fn format_type(ctx: &Ctx<'_>, type_name: &TypeName) -> PgResult<String> {
    let names = name_list(&type_name.names);
    if type_name.pct_type {
        return Err(PgError::not_supported("%TYPE references are not supported by schemasim yet"));
    }
    let base = resolve_base(ctx, &names)?;
    let mods = typmods_text(type_name)?;
    let mut text = apply_typmods(&base, &mods);
    for _ in &type_name.array_bounds {
        text.push_str("[]");
    }
    Ok(text)
}

/// Places modifiers the way format_type does: `timestamp(3) with time zone`.
fn apply_typmods(base: &str, mods: &str) -> String {
    if mods.is_empty() {
        return base.to_string();
    }
    for (prefix, suffix) in [("timestamp", " with"), ("time", " with"), ("timestamp", " without"), ("time", " without")]
    {
        if let Some(rest) = base.strip_prefix(prefix) {
            if rest.starts_with(suffix) {
                return format!("{prefix}{mods}{rest}");
            }
        }
    }
    if base == "interval" {
        return format!("interval{mods}");
    }
    format!("{base}{mods}")
}

fn resolve_base(ctx: &Ctx<'_>, names: &[String]) -> PgResult<String> {
    resolve_base_in(&ctx.catalog, &ctx.search_path_schemas(), names)
}

/// A type name as `format_type` prints it, from its dotted name, modifiers and array
/// dimensions, against `catalog` with the existing `search_path` schemas.
pub fn format_type_parts(
    catalog: &schemasim_catalog::Catalog,
    search_path: &[String],
    names: &[String],
    typmods: &str,
    array_dims: usize,
) -> PgResult<String> {
    let base = resolve_base_in(catalog, search_path, names)?;
    let mut text = apply_typmods(&base, typmods);
    for _ in 0..array_dims {
        text.push_str("[]");
    }
    Ok(text)
}

fn resolve_base_in(catalog: &schemasim_catalog::Catalog, search_path: &[String], names: &[String]) -> PgResult<String> {
    let (schema, name) = match names {
        [name] => (None, name.as_str()),
        [schema, name] => (Some(schema.as_str()), name.as_str()),
        [_, schema, name] => (Some(schema.as_str()), name.as_str()),
        _ => return Err(PgError::undefined_type(&written_name(names))),
    };
    if schema.is_none() || schema == Some("pg_catalog") {
        if let Some(canonical) = builtin_canonical(name) {
            // `char` without modifiers is character(1); handled by the caller's typmod text.
            return Ok(canonical.to_string());
        }
        if let Some(base) = serial_base(name) {
            return Ok(base.to_string());
        }
    }
    if schema == Some("pg_catalog") {
        return Err(PgError::undefined_type(&written_name(names)));
    }
    let candidates: Vec<String> = match schema {
        Some(s) => {
            if !catalog.schemas.contains_key(s) {
                return Err(PgError::undefined_schema(s));
            }
            vec![s.to_string()]
        }
        None => search_path.to_vec(),
    };
    for s in candidates {
        let qn = QualName::new(s.clone(), name);
        if catalog.type_name_taken(&qn) || extension_type_in(catalog, &s, name) {
            return Ok(format!("{}.{}", quote_ident(&s), quote_ident(name)));
        }
    }
    Err(PgError::undefined_type(&written_name(names)))
}

fn extension_type_in(catalog: &schemasim_catalog::Catalog, schema: &str, name: &str) -> bool {
    catalog.extensions.values().any(|e| e.schema == schema && extension_types(&e.name).contains(&name))
}

/// Canonical base type name without modifiers or array brackets, for comparisons.
pub fn strip_typmods(type_text: &str) -> &str {
    type_text.split('(').next().unwrap_or(type_text).trim_end_matches("[]")
}

/// A `format_type` text without its modifiers (`character varying(20)[]` → `character
/// varying[]`), as PostgreSQL prints the type of a constant.
pub fn without_typmods(type_text: &str) -> String {
    let mut out = String::with_capacity(type_text.len());
    let mut depth = 0usize;
    for ch in type_text.chars() {
        match ch {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}
