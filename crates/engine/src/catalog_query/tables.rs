//! The system catalogs and information_schema views as rows built from the simulated catalog
//! plus PostgreSQL 17's built-in objects ([`super::builtin`]).
//!
//! Each view has PostgreSQL's full column list, so a query naming a column resolves as it
//! would on the server; columns the simulator does not model (OIDs as numbers, ACLs, costs,
//! expression texts) are [`Value::Unknown`]. Object identifiers are [`Value::Oid`] keys
//! (`class:public.users`) so joins on `oid` columns work. Rows standing for an unknown number
//! of rows (a system table's columns, a built-in function's overloads, an extension's objects)
//! are placeholders.

use super::builtin;
use super::value::Value;
use super::Evaluator;
use schemasim_catalog::{
    truncate_identifier, Catalog, Column, ConstraintKind, Persistence, QualName, Relation, Table, TypeKind,
};

/// A system view's columns and rows (`true` marks a placeholder row).
pub(super) struct SysTable {
    pub columns: Vec<String>,
    pub rows: Vec<(Vec<Value>, bool)>,
}

struct Builder {
    columns: &'static [&'static str],
    rows: Vec<(Vec<Value>, bool)>,
}

impl Builder {
    fn new(columns: &'static [&'static str]) -> Self {
        Builder { columns, rows: Vec::new() }
    }

    fn values(&self, values: Vec<(&str, Value)>) -> Vec<Value> {
        let mut row = vec![Value::Unknown; self.columns.len()];
        for (k, v) in values {
            if let Some(i) = self.columns.iter().position(|c| *c == k) {
                row[i] = v;
            }
        }
        row
    }

    /// A row that exists exactly once.
    fn row(&mut self, values: Vec<(&str, Value)>) {
        let row = self.values(values);
        self.rows.push((row, false));
    }

    /// A row standing for one or more rows whose other columns are unknown.
    fn placeholder(&mut self, values: Vec<(&str, Value)>) {
        let row = self.values(values);
        self.rows.push((row, true));
    }

    fn finish(self) -> SysTable {
        SysTable { columns: self.columns.iter().map(|c| c.to_string()).collect(), rows: self.rows }
    }
}

fn t(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn b(v: bool) -> Value {
    Value::Bool(v)
}

fn ch(c: u8) -> Value {
    Value::Text((c as char).to_string())
}

fn yes_no(v: bool) -> Value {
    t(if v { "YES" } else { "NO" })
}

fn class_oid(schema: &str, name: &str) -> Value {
    Value::oid("class", format!("{schema}.{name}"))
}

fn ns_oid(schema: &str) -> Value {
    Value::oid("namespace", schema)
}

fn type_oid(schema: &str, name: &str) -> Value {
    Value::oid("type", format!("{schema}.{name}"))
}

fn owner(o: &Option<String>) -> Value {
    t(o.clone().unwrap_or_else(|| crate::session::SESSION_USER.to_string()))
}

/// PostgreSQL 17's predefined roles (`pg_roles` in a fresh cluster, besides the bootstrap
/// superuser).
pub(crate) const BUILTIN_ROLES: &[&str] = &[
    "pg_database_owner",
    "pg_read_all_data",
    "pg_write_all_data",
    "pg_monitor",
    "pg_read_all_settings",
    "pg_read_all_stats",
    "pg_stat_scan_tables",
    "pg_read_server_files",
    "pg_write_server_files",
    "pg_execute_server_program",
    "pg_signal_backend",
    "pg_checkpoint",
    "pg_maintain",
    "pg_use_reserved_connections",
    "pg_create_subscription",
];

/// Does the role exist (the session user, a predefined role or one the migrations created)?
pub(super) fn role_exists(catalog: &Catalog, name: &str) -> bool {
    name == crate::session::SESSION_USER || BUILTIN_ROLES.contains(&name) || catalog.roles.contains_key(name)
}

/// Builds `schema.name` when it is a view the simulator models.
pub(super) fn build(ev: &Evaluator<'_, '_>, schema: &str, name: &str) -> Option<SysTable> {
    let c = &ev.ctx.catalog;
    Some(match (schema, name) {
        ("pg_catalog", "pg_roles") => roles(c, ROLES_COLUMNS),
        ("pg_catalog", "pg_authid") => roles(c, AUTHID_COLUMNS),
        ("pg_catalog", "pg_user") => users(c),
        ("pg_catalog", "pg_namespace") => namespaces(c),
        ("pg_catalog", "pg_type") => types(c),
        ("pg_catalog", "pg_enum") => enums(c),
        ("pg_catalog", "pg_extension") => extensions(c),
        ("pg_catalog", "pg_proc") => procs(c),
        ("pg_catalog", "pg_class") => classes(c),
        ("pg_catalog", "pg_constraint") => constraints(c),
        ("pg_catalog", "pg_index") => index(c),
        ("pg_catalog", "pg_indexes") => indexes(c),
        ("pg_catalog", "pg_policy") => policy(c),
        ("pg_catalog", "pg_policies") => policies(c),
        ("pg_catalog", "pg_trigger") => triggers(c),
        ("pg_catalog", "pg_tables") => pg_tables(c),
        ("pg_catalog", "pg_views") => pg_views(c),
        ("pg_catalog", "pg_matviews") => pg_matviews(c),
        ("pg_catalog", "pg_sequences") => pg_sequences(c),
        ("pg_catalog", "pg_attribute") => attributes(c),
        ("information_schema", "tables") => info_tables(c),
        ("information_schema", "columns") => info_columns(ev),
        ("information_schema", "schemata") => info_schemata(c),
        ("information_schema", "routines") => info_routines(c),
        ("information_schema", "table_constraints") => info_table_constraints(c),
        ("information_schema", "views") => info_views(c),
        ("information_schema", "sequences") => info_sequences(c),
        _ => return None,
    })
}

/// Relations in creation order.
fn relations(c: &Catalog) -> Vec<&Relation> {
    let mut rels: Vec<&Relation> = c.relations.values().collect();
    rels.sort_by_key(|r| r.seq());
    rels
}

fn tables(c: &Catalog) -> Vec<&Table> {
    relations(c)
        .into_iter()
        .filter_map(|r| match r {
            Relation::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// What an installed extension created, as far as it is known.
struct ExtObjects<'c> {
    schema: &'c str,
    /// `None` for extensions other than the contrib ones PostgreSQL ships: their objects are
    /// unknown.
    known: Option<Vec<(u8, u8, &'static str)>>,
}

impl ExtObjects<'_> {
    /// Known objects of one kind (`T`, `C`, `P`) as `(typtype/relkind/prokind, name)`.
    fn of(&self, kind: u8) -> Vec<(u8, &'static str)> {
        self.known.iter().flatten().filter(|(k, _, _)| *k == kind).map(|(_, c, n)| (*c, *n)).collect()
    }
}

/// `(schema, name, relkind or typtype)` of the known objects of one kind (`C` relations, `T`
/// types) that installed extensions created.
pub(super) fn extension_object_names(c: &Catalog, kind: u8) -> Vec<(String, &'static str, u8)> {
    extension_objects(c)
        .iter()
        .flat_map(|e| e.of(kind).into_iter().map(|(k, n)| (e.schema.to_string(), n, k)))
        .collect()
}

/// The installed extensions' objects (plpgsql's live in pg_catalog and are built in).
fn extension_objects(c: &Catalog) -> Vec<ExtObjects<'_>> {
    let mut exts: Vec<_> = c.extensions.values().filter(|e| e.name != "plpgsql").collect();
    exts.sort_by_key(|e| e.seq);
    exts.iter()
        .map(|e| {
            let rows: Vec<(u8, u8, &'static str)> = builtin::EXTENSION_OBJECTS
                .iter()
                .filter(|(name, _, _, _)| *name == e.name)
                .flat_map(|(_, kind, c, names)| names.split(' ').map(move |n| (*kind, *c, n)))
                .collect();
            ExtObjects { schema: e.schema.as_str(), known: (!rows.is_empty()).then_some(rows) }
        })
        .collect()
}

const ROLES_COLUMNS: &[&str] = &[
    "rolname",
    "rolsuper",
    "rolinherit",
    "rolcreaterole",
    "rolcreatedb",
    "rolcanlogin",
    "rolreplication",
    "rolconnlimit",
    "rolpassword",
    "rolvaliduntil",
    "rolbypassrls",
    "rolconfig",
    "oid",
];

const AUTHID_COLUMNS: &[&str] = &[
    "oid",
    "rolname",
    "rolsuper",
    "rolinherit",
    "rolcreaterole",
    "rolcreatedb",
    "rolcanlogin",
    "rolreplication",
    "rolbypassrls",
    "rolconnlimit",
    "rolpassword",
    "rolvaliduntil",
];

/// pg_roles / pg_authid: the bootstrap superuser, the predefined roles, then created roles.
fn roles(c: &Catalog, columns: &'static [&'static str]) -> SysTable {
    // pg_roles never shows passwords; pg_authid's are not modelled.
    let password = if columns == ROLES_COLUMNS { t("********") } else { Value::Unknown };
    let mut bld = Builder::new(columns);
    let fixed = |name: &str, superuser: bool| {
        vec![
            ("oid", Value::oid("role", name)),
            ("rolname", t(name)),
            ("rolsuper", b(superuser)),
            ("rolinherit", b(true)),
            ("rolcreaterole", b(superuser)),
            ("rolcreatedb", b(superuser)),
            ("rolcanlogin", b(superuser)),
            ("rolreplication", b(superuser)),
            ("rolbypassrls", b(superuser)),
            ("rolconnlimit", Value::Int(-1)),
            ("rolvaliduntil", Value::Null),
            ("rolconfig", Value::Null),
            ("rolpassword", password.clone()),
        ]
    };
    bld.row(fixed(crate::session::SESSION_USER, true));
    for r in BUILTIN_ROLES {
        bld.row(fixed(r, false));
    }
    let mut created: Vec<_> = c.roles.values().collect();
    created.sort_by_key(|r| r.seq);
    for r in created {
        bld.row(vec![
            ("oid", Value::oid("role", &r.name)),
            ("rolname", t(&r.name)),
            ("rolsuper", b(r.superuser)),
            ("rolcanlogin", b(r.login)),
            ("rolpassword", password.clone()),
        ]);
    }
    bld.finish()
}

/// pg_user: roles that can log in.
fn users(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "usename",
        "usesysid",
        "usecreatedb",
        "usesuper",
        "userepl",
        "usebypassrls",
        "passwd",
        "valuntil",
        "useconfig",
    ]);
    bld.row(vec![
        ("usename", t(crate::session::SESSION_USER)),
        ("usesysid", Value::oid("role", crate::session::SESSION_USER)),
        ("usecreatedb", b(true)),
        ("usesuper", b(true)),
        ("userepl", b(true)),
        ("usebypassrls", b(true)),
        ("passwd", t("********")),
    ]);
    let mut created: Vec<_> = c.roles.values().filter(|r| r.login).collect();
    created.sort_by_key(|r| r.seq);
    for r in created {
        bld.row(vec![
            ("usename", t(&r.name)),
            ("usesysid", Value::oid("role", &r.name)),
            ("usesuper", b(r.superuser)),
            ("passwd", t("********")),
        ]);
    }
    bld.finish()
}

/// Schemas in creation order after the built-in ones.
fn schemas(c: &Catalog) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = ["pg_toast", "pg_catalog", "information_schema"]
        .iter()
        .map(|s| (s.to_string(), t(crate::session::SESSION_USER)))
        .collect();
    let mut user: Vec<_> = c.schemas.values().collect();
    user.sort_by_key(|s| s.seq);
    for s in user {
        let owner = match (&s.owner, s.name.as_str()) {
            (None, "public") => t("pg_database_owner"),
            (o, _) => owner(o),
        };
        out.push((s.name.clone(), owner));
    }
    out
}

fn namespaces(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&["oid", "nspname", "nspowner", "nspacl"]);
    for (name, owner) in schemas(c) {
        let owner = match owner {
            Value::Text(o) => Value::oid("role", o),
            other => other,
        };
        bld.row(vec![("oid", ns_oid(&name)), ("nspname", t(&name)), ("nspowner", owner)]);
    }
    bld.finish()
}

/// The array type's name PostgreSQL gives a type (`_name`).
fn array_name(name: &str) -> String {
    truncate_identifier(&format!("_{name}")).to_string()
}

/// The multirange type a range type gets (`int4range` → `int4multirange`, else `_multirange`).
fn multirange_name(name: &str) -> String {
    match name.find("range") {
        Some(i) => truncate_identifier(&format!("{}multi{}", &name[..i], &name[i..])).to_string(),
        None => truncate_identifier(&format!("{name}_multirange")).to_string(),
    }
}

/// One user-visible pg_type row: `(schema, name, typtype, typcategory, typrelid, typelem)`.
struct TypeRow {
    schema: String,
    name: String,
    typtype: u8,
    category: Option<u8>,
    relid: Value,
    elem: Value,
    not_null: Value,
}

/// The pg_type rows the migrations created: user types, relation row types and their arrays.
fn user_types(c: &Catalog) -> Vec<TypeRow> {
    let mut items: Vec<(u64, TypeRow)> = Vec::new();
    let mut push = |seq: u64, schema: &str, name: &str, typtype: u8, category: Option<u8>, relid: Value, nn: bool| {
        items.push((
            seq,
            TypeRow {
                schema: schema.into(),
                name: name.into(),
                typtype,
                category,
                relid,
                elem: Value::no_oid(),
                not_null: b(nn),
            },
        ));
        items.push((
            seq,
            TypeRow {
                schema: schema.into(),
                name: array_name(name),
                typtype: b'b',
                category: Some(b'A'),
                relid: Value::no_oid(),
                elem: type_oid(schema, name),
                not_null: b(false),
            },
        ));
    };
    for ty in c.types.values() {
        let (s, n) = (&ty.name.schema, &ty.name.name);
        match &ty.kind {
            TypeKind::Enum { .. } => push(ty.seq, s, n, b'e', Some(b'E'), Value::no_oid(), false),
            TypeKind::Domain(d) => push(ty.seq, s, n, b'd', None, Value::no_oid(), d.not_null),
            TypeKind::Composite { .. } => push(ty.seq, s, n, b'c', Some(b'C'), class_oid(s, n), false),
            TypeKind::Range { options, .. } => {
                push(ty.seq, s, n, b'r', Some(b'R'), Value::no_oid(), false);
                if !options.iter().any(|o| o.starts_with("multirange_type_name")) {
                    push(ty.seq, s, &multirange_name(n), b'm', Some(b'R'), Value::no_oid(), false);
                }
            }
        }
    }
    for r in c.relations.values() {
        let name = match r {
            Relation::Table(t) => &t.name,
            Relation::View(v) => &v.name,
            _ => continue,
        };
        push(r.seq(), &name.schema, &name.name, b'c', Some(b'C'), class_oid(&name.schema, &name.name), false);
    }
    items.sort_by_key(|(seq, _)| *seq);
    items.into_iter().map(|(_, r)| r).collect()
}

/// `(schema, name)` of every pg_type row the migrations created.
pub(super) fn user_type_names(c: &Catalog) -> Vec<(String, String)> {
    user_types(c).into_iter().map(|r| (r.schema, r.name)).collect()
}

const TYPE_COLUMNS: &[&str] = &[
    "oid",
    "typname",
    "typnamespace",
    "typowner",
    "typlen",
    "typbyval",
    "typtype",
    "typcategory",
    "typispreferred",
    "typisdefined",
    "typdelim",
    "typrelid",
    "typsubscript",
    "typelem",
    "typarray",
    "typinput",
    "typoutput",
    "typreceive",
    "typsend",
    "typmodin",
    "typmodout",
    "typanalyze",
    "typalign",
    "typstorage",
    "typnotnull",
    "typbasetype",
    "typtypmod",
    "typndims",
    "typcollation",
    "typdefaultbin",
    "typdefault",
    "typacl",
];

fn types(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(TYPE_COLUMNS);
    for (s, n, k) in builtin::TYPES {
        bld.row(vec![
            ("oid", type_oid(s, n)),
            ("typname", t(*n)),
            ("typnamespace", ns_oid(s)),
            ("typtype", ch(*k)),
            ("typisdefined", b(true)),
        ]);
    }
    for r in user_types(c) {
        bld.row(vec![
            ("oid", type_oid(&r.schema, &r.name)),
            ("typname", t(&r.name)),
            ("typnamespace", ns_oid(&r.schema)),
            ("typtype", ch(r.typtype)),
            ("typcategory", r.category.map_or(Value::Unknown, ch)),
            ("typisdefined", b(true)),
            ("typrelid", r.relid),
            ("typelem", r.elem),
            ("typnotnull", r.not_null),
        ]);
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("typnamespace", ns_oid(e.schema))]);
        }
        for (k, n) in e.of(b'T') {
            bld.row(vec![
                ("oid", type_oid(e.schema, n)),
                ("typname", t(n)),
                ("typnamespace", ns_oid(e.schema)),
                ("typtype", ch(k)),
                ("typisdefined", b(true)),
            ]);
        }
    }
    bld.finish()
}

fn enums(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&["oid", "enumtypid", "enumsortorder", "enumlabel"]);
    let mut types: Vec<_> = c.types.values().collect();
    types.sort_by_key(|t| t.seq);
    for ty in types {
        if let TypeKind::Enum { values } = &ty.kind {
            for v in values {
                bld.row(vec![("enumtypid", type_oid(&ty.name.schema, &ty.name.name)), ("enumlabel", t(v))]);
            }
        }
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![]);
        }
    }
    bld.finish()
}

fn extensions(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "oid",
        "extname",
        "extowner",
        "extnamespace",
        "extrelocatable",
        "extversion",
        "extconfig",
        "extcondition",
    ]);
    let mut exts: Vec<_> = c.extensions.values().collect();
    exts.sort_by_key(|e| e.seq);
    if !c.extensions.contains_key("plpgsql") {
        bld.row(vec![
            ("oid", Value::oid("extension", "plpgsql")),
            ("extname", t("plpgsql")),
            ("extowner", Value::oid("role", crate::session::SESSION_USER)),
            ("extnamespace", ns_oid("pg_catalog")),
            ("extrelocatable", b(false)),
            ("extversion", t("1.0")),
            ("extconfig", Value::Null),
            ("extcondition", Value::Null),
        ]);
    }
    for e in exts {
        bld.row(vec![
            ("oid", Value::oid("extension", &e.name)),
            ("extname", t(&e.name)),
            ("extnamespace", ns_oid(&e.schema)),
            ("extversion", e.version.clone().map_or(Value::Unknown, t)),
        ]);
    }
    bld.finish()
}

const PROC_COLUMNS: &[&str] = &[
    "oid",
    "proname",
    "pronamespace",
    "proowner",
    "prolang",
    "procost",
    "prorows",
    "provariadic",
    "prosupport",
    "prokind",
    "prosecdef",
    "proleakproof",
    "proisstrict",
    "proretset",
    "provolatile",
    "proparallel",
    "pronargs",
    "pronargdefaults",
    "prorettype",
    "proargtypes",
    "proallargtypes",
    "proargmodes",
    "proargnames",
    "proargdefaults",
    "protrftypes",
    "prosrc",
    "probin",
    "prosqlbody",
    "proconfig",
    "proacl",
];

/// Built-in functions: one placeholder row per schema, name and kind.
fn builtin_procs() -> impl Iterator<Item = (&'static str, &'static str, u8)> {
    builtin::PROCS.iter().flat_map(|(schema, kind, names)| names.split(' ').map(move |n| (*schema, n, *kind)))
}

fn user_functions(c: &Catalog) -> Vec<&schemasim_catalog::Function> {
    let mut fs: Vec<_> = c.functions.values().collect();
    fs.sort_by_key(|f| f.seq);
    fs
}

fn procs(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(PROC_COLUMNS);
    for (s, n, k) in builtin_procs() {
        bld.placeholder(vec![
            ("oid", Value::oid("proc", format!("{s}.{n}"))),
            ("proname", t(n)),
            ("pronamespace", ns_oid(s)),
            ("prokind", ch(k)),
        ]);
    }
    for f in user_functions(c) {
        bld.row(vec![
            ("oid", Value::oid("proc", f.key.to_string())),
            ("proname", t(&f.key.name.name)),
            ("pronamespace", ns_oid(&f.key.name.schema)),
            ("prokind", t(if f.procedure { "p" } else { "f" })),
            ("prosecdef", b(f.security_definer)),
            ("provolatile", t(f.volatility.to_string())),
            ("pronargs", Value::Int(f.key.arg_types.len() as i64)),
            ("proconfig", if f.config.is_empty() { Value::Null } else { Value::Unknown }),
        ]);
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("pronamespace", ns_oid(e.schema))]);
        }
        for (k, n) in e.of(b'P') {
            bld.placeholder(vec![
                ("oid", Value::oid("proc", format!("{}.{n}", e.schema))),
                ("proname", t(n)),
                ("pronamespace", ns_oid(e.schema)),
                ("prokind", ch(k)),
            ]);
        }
    }
    bld.finish()
}

const CLASS_COLUMNS: &[&str] = &[
    "oid",
    "relname",
    "relnamespace",
    "reltype",
    "reloftype",
    "relowner",
    "relam",
    "relfilenode",
    "reltablespace",
    "relpages",
    "reltuples",
    "relallvisible",
    "reltoastrelid",
    "relhasindex",
    "relisshared",
    "relpersistence",
    "relkind",
    "relnatts",
    "relchecks",
    "relhasrules",
    "relhastriggers",
    "relhassubclass",
    "relrowsecurity",
    "relforcerowsecurity",
    "relispopulated",
    "relreplident",
    "relispartition",
    "relrewrite",
    "relfrozenxid",
    "relminmxid",
    "relacl",
    "reloptions",
    "relpartbound",
];

/// relkind of a relation the migrations created.
fn relkind(c: &Catalog, r: &Relation) -> u8 {
    match r {
        Relation::Table(t) if t.partition_by.is_some() => b'p',
        Relation::Table(_) => b'r',
        Relation::View(v) if v.materialized => b'm',
        Relation::View(_) => b'v',
        Relation::Sequence(_) => b'S',
        Relation::Index(i) => match c.table(&i.table) {
            Some(t) if t.partition_by.is_some() => b'I',
            _ => b'i',
        },
    }
}

fn persistence(p: Persistence) -> Value {
    t(match p {
        Persistence::Permanent => "p",
        Persistence::Unlogged => "u",
        Persistence::Temporary => "t",
    })
}

fn classes(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(CLASS_COLUMNS);
    for (s, n, k, _) in builtin::CLASSES {
        bld.row(vec![
            ("oid", class_oid(s, n)),
            ("relname", t(*n)),
            ("relnamespace", ns_oid(s)),
            ("relkind", ch(*k)),
            ("relpersistence", t("p")),
            ("relrowsecurity", b(false)),
            ("relforcerowsecurity", b(false)),
            ("relispartition", b(false)),
            ("reloftype", Value::no_oid()),
            ("reltype", if matches!(k, b'r' | b'v') { type_oid(s, n) } else { Value::no_oid() }),
        ]);
    }
    // TOAST tables and their indexes (pg_toast.pg_toast_<oid>).
    bld.placeholder(vec![
        ("relname", Value::Partial { prefix: "pg_toast_".into(), suffix: String::new() }),
        ("relnamespace", ns_oid("pg_toast")),
        ("relpersistence", t("p")),
        ("relrowsecurity", b(false)),
        ("relispartition", b(false)),
    ]);
    let mut items: Vec<(u64, Vec<(&str, Value)>)> = Vec::new();
    for r in relations(c) {
        let name = match r {
            Relation::Table(t) => &t.name,
            Relation::View(v) => &v.name,
            Relation::Sequence(s) => &s.name,
            Relation::Index(i) => &i.name,
        };
        let kind = relkind(c, r);
        let mut values = vec![
            ("oid", class_oid(&name.schema, &name.name)),
            ("relname", t(&name.name)),
            ("relnamespace", ns_oid(&name.schema)),
            ("relkind", ch(kind)),
            (
                "reltype",
                if matches!(kind, b'r' | b'p' | b'v' | b'm') {
                    type_oid(&name.schema, &name.name)
                } else {
                    Value::no_oid()
                },
            ),
        ];
        match r {
            Relation::Table(tb) => {
                values.push(("relpersistence", persistence(tb.persistence)));
                values.push(("relrowsecurity", b(tb.rls_enabled)));
                values.push(("relforcerowsecurity", b(tb.rls_forced)));
                values.push(("relispartition", b(tb.partition_of.is_some())));
                values.push(("relispopulated", b(true)));
                values
                    .push(("reloftype", tb.of_type.as_ref().map_or(Value::no_oid(), |o| type_oid(&o.schema, &o.name))));
            }
            Relation::View(v) => {
                values.push(("relpersistence", t("p")));
                values.push(("relrowsecurity", b(false)));
                values.push(("relispartition", b(false)));
                values.push(("relispopulated", b(!v.materialized || v.with_data)));
            }
            Relation::Sequence(s) => {
                values.push(("relpersistence", persistence(s.persistence)));
                values.push(("relrowsecurity", b(false)));
                values.push(("relispartition", b(false)));
            }
            Relation::Index(_) => {
                values.push(("relrowsecurity", b(false)));
            }
        }
        items.push((r.seq(), values));
    }
    for ty in c.types.values() {
        if let TypeKind::Composite { .. } = ty.kind {
            let (s, n) = (&ty.name.schema, &ty.name.name);
            items.push((
                ty.seq,
                vec![
                    ("oid", class_oid(s, n)),
                    ("relname", t(n)),
                    ("relnamespace", ns_oid(s)),
                    ("relkind", t("c")),
                    ("reltype", type_oid(s, n)),
                    ("relpersistence", t("p")),
                    ("relrowsecurity", b(false)),
                    ("relispartition", b(false)),
                ],
            ));
        }
    }
    items.sort_by_key(|(seq, _)| *seq);
    for (_, values) in items {
        bld.row(values);
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("relnamespace", ns_oid(e.schema))]);
        }
        for (k, n) in e.of(b'C') {
            bld.row(vec![
                ("oid", class_oid(e.schema, n)),
                ("relname", t(n)),
                ("relnamespace", ns_oid(e.schema)),
                ("relkind", ch(k)),
                ("relpersistence", t("p")),
                ("relrowsecurity", b(false)),
                ("relispartition", b(false)),
            ]);
        }
    }
    bld.finish()
}

const CONSTRAINT_COLUMNS: &[&str] = &[
    "oid",
    "conname",
    "connamespace",
    "contype",
    "condeferrable",
    "condeferred",
    "convalidated",
    "conrelid",
    "contypid",
    "conindid",
    "conparentid",
    "confrelid",
    "confupdtype",
    "confdeltype",
    "confmatchtype",
    "conislocal",
    "coninhcount",
    "connoinherit",
    "conkey",
    "confkey",
    "conpfeqop",
    "conppeqop",
    "conffeqop",
    "confdelsetcols",
    "conexclop",
    "conbin",
];

fn contype(k: &ConstraintKind) -> u8 {
    match k {
        ConstraintKind::PrimaryKey { .. } => b'p',
        ConstraintKind::Unique { .. } => b'u',
        ConstraintKind::Check { .. } => b'c',
        ConstraintKind::ForeignKey(_) => b'f',
        ConstraintKind::Exclude { .. } => b'x',
    }
}

fn constraints(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(CONSTRAINT_COLUMNS);
    for (s, n, k, table, domain) in builtin::CONSTRAINTS {
        bld.row(vec![
            ("oid", Value::oid("constraint", format!("{s}.{table}{domain}.{n}"))),
            ("conname", t(*n)),
            ("connamespace", ns_oid(s)),
            ("contype", ch(*k)),
            ("conrelid", if table.is_empty() { Value::no_oid() } else { class_oid(s, table) }),
            ("contypid", if domain.is_empty() { Value::no_oid() } else { type_oid(s, domain) }),
            ("condeferrable", b(false)),
            ("condeferred", b(false)),
            ("convalidated", b(true)),
        ]);
    }
    let mut items: Vec<(u64, Vec<(&str, Value)>)> = Vec::new();
    for tb in tables(c) {
        let (s, n) = (&tb.name.schema, &tb.name.name);
        for con in &tb.constraints {
            let mut values = vec![
                ("oid", Value::oid("constraint", format!("{s}.{n}.{}", con.name))),
                ("conname", t(&con.name)),
                ("connamespace", ns_oid(s)),
                ("contype", ch(contype(&con.kind))),
                ("condeferrable", b(con.deferrable)),
                ("condeferred", b(con.initially_deferred)),
                ("convalidated", b(con.validated)),
                ("conrelid", class_oid(s, n)),
                ("contypid", Value::no_oid()),
                ("connoinherit", b(con.no_inherit)),
                ("conparentid", Value::Unknown),
            ];
            match &con.kind {
                ConstraintKind::ForeignKey(fk) => {
                    values.push(("confrelid", class_oid(&fk.ref_table.schema, &fk.ref_table.name)));
                    values.push(("confupdtype", t(fk.on_update.to_string())));
                    values.push(("confdeltype", t(fk.on_delete.to_string())));
                    values.push(("confmatchtype", t(fk.match_type.to_string())));
                }
                _ => {
                    values.push(("confrelid", Value::no_oid()));
                    values.push(("confupdtype", t(" ")));
                    values.push(("confdeltype", t(" ")));
                    values.push(("confmatchtype", t(" ")));
                }
            }
            items.push((con.seq, values));
        }
        for tg in tb.triggers.iter().filter(|tg| tg.constraint) {
            items.push((
                tg.seq,
                vec![
                    ("conname", t(&tg.name)),
                    ("connamespace", ns_oid(s)),
                    ("contype", t("t")),
                    ("conrelid", class_oid(s, n)),
                    ("contypid", Value::no_oid()),
                ],
            ));
        }
    }
    for ty in c.types.values() {
        if let TypeKind::Domain(d) = &ty.kind {
            let (s, n) = (&ty.name.schema, &ty.name.name);
            let mut push = |name: String, kind: &str| {
                items.push((
                    ty.seq,
                    vec![
                        ("oid", Value::oid("constraint", format!("{s}.{n}.{name}"))),
                        ("conname", t(name)),
                        ("connamespace", ns_oid(s)),
                        ("contype", t(kind)),
                        ("conrelid", Value::no_oid()),
                        ("contypid", type_oid(s, n)),
                        ("confrelid", Value::no_oid()),
                    ],
                ))
            };
            if d.not_null {
                push(format!("{n}_not_null"), "n");
            }
            for (name, _) in &d.checks {
                push(name.clone(), "c");
            }
        }
    }
    items.sort_by_key(|(seq, _)| *seq);
    for (_, values) in items {
        bld.row(values);
    }
    for e in extension_objects(c) {
        // Domains (earthdistance's `earth`) carry constraints that are not listed.
        if e.known.is_none() || e.of(b'T').iter().any(|(k, _)| *k == b'd') {
            bld.placeholder(vec![("connamespace", ns_oid(e.schema))]);
        }
    }
    bld.finish()
}

/// User indexes in creation order with their table.
fn user_indexes(c: &Catalog) -> Vec<(&schemasim_catalog::Index, Option<&Table>)> {
    relations(c)
        .into_iter()
        .filter_map(|r| match r {
            Relation::Index(i) => Some((i, c.table(&i.table))),
            _ => None,
        })
        .collect()
}

fn index(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "indexrelid",
        "indrelid",
        "indnatts",
        "indnkeyatts",
        "indisunique",
        "indnullsnotdistinct",
        "indisprimary",
        "indisexclusion",
        "indimmediate",
        "indisclustered",
        "indisvalid",
        "indcheckxmin",
        "indisready",
        "indislive",
        "indisreplident",
        "indkey",
        "indcollation",
        "indclass",
        "indoption",
        "indexprs",
        "indpred",
    ]);
    for (s, n, k, table) in builtin::CLASSES {
        if *k == b'i' {
            bld.row(vec![
                ("indexrelid", class_oid(s, n)),
                ("indrelid", class_oid(s, table)),
                ("indisvalid", b(true)),
                ("indisready", b(true)),
                ("indislive", b(true)),
                ("indisexclusion", b(false)),
                ("indpred", Value::Null),
            ]);
        }
    }
    for (i, table) in user_indexes(c) {
        let owning = i.constraint.as_ref().and_then(|name| table.and_then(|t| t.constraint(name)));
        bld.row(vec![
            ("indexrelid", class_oid(&i.name.schema, &i.name.name)),
            ("indrelid", class_oid(&i.table.schema, &i.table.name)),
            ("indnatts", Value::Int((i.elements.len() + i.include.len()) as i64)),
            ("indnkeyatts", Value::Int(i.elements.len() as i64)),
            ("indisunique", b(i.unique)),
            ("indnullsnotdistinct", b(i.nulls_not_distinct)),
            ("indisprimary", b(matches!(owning.map(|k| &k.kind), Some(ConstraintKind::PrimaryKey { .. })))),
            ("indisexclusion", b(matches!(owning.map(|k| &k.kind), Some(ConstraintKind::Exclude { .. })))),
            ("indisvalid", b(!i.only)),
            ("indisready", b(true)),
            ("indislive", b(true)),
            ("indpred", if i.predicate.is_some() { Value::Unknown } else { Value::Null }),
        ]);
    }
    bld.finish()
}

fn indexes(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&["schemaname", "tablename", "indexname", "tablespace", "indexdef"]);
    for (s, n, k, table) in builtin::CLASSES {
        if *k == b'i' {
            bld.row(vec![
                ("schemaname", t(*s)),
                ("tablename", t(*table)),
                ("indexname", t(*n)),
                ("tablespace", Value::Null),
            ]);
        }
    }
    for (i, _) in user_indexes(c) {
        bld.row(vec![
            ("schemaname", t(&i.name.schema)),
            ("tablename", t(&i.table.name)),
            ("indexname", t(&i.name.name)),
            ("tablespace", Value::Null),
        ]);
    }
    bld.finish()
}

/// `(policy, its table)` in creation order.
fn user_policies(c: &Catalog) -> Vec<(&schemasim_catalog::Policy, &Table)> {
    let mut out: Vec<_> = tables(c).into_iter().flat_map(|t| t.policies.iter().map(move |p| (p, t))).collect();
    out.sort_by_key(|(p, _)| p.seq);
    out
}

fn policy(c: &Catalog) -> SysTable {
    let mut bld =
        Builder::new(&["oid", "polname", "polrelid", "polcmd", "polpermissive", "polroles", "polqual", "polwithcheck"]);
    for (p, tb) in user_policies(c) {
        let cmd = match p.command.as_str() {
            "SELECT" => "r",
            "INSERT" => "a",
            "UPDATE" => "w",
            "DELETE" => "d",
            _ => "*",
        };
        bld.row(vec![
            ("polname", t(&p.name)),
            ("polrelid", class_oid(&tb.name.schema, &tb.name.name)),
            ("polcmd", t(cmd)),
            ("polpermissive", b(p.permissive)),
            ("polqual", if p.using.is_some() { Value::Unknown } else { Value::Null }),
            ("polwithcheck", if p.with_check.is_some() { Value::Unknown } else { Value::Null }),
        ]);
    }
    bld.finish()
}

fn policies(c: &Catalog) -> SysTable {
    let mut bld =
        Builder::new(&["schemaname", "tablename", "policyname", "permissive", "roles", "cmd", "qual", "with_check"]);
    for (p, tb) in user_policies(c) {
        bld.row(vec![
            ("schemaname", t(&tb.name.schema)),
            ("tablename", t(&tb.name.name)),
            ("policyname", t(&p.name)),
            ("permissive", t(if p.permissive { "PERMISSIVE" } else { "RESTRICTIVE" })),
            ("cmd", t(&p.command)),
            ("qual", if p.using.is_some() { Value::Unknown } else { Value::Null }),
            ("with_check", if p.with_check.is_some() { Value::Unknown } else { Value::Null }),
        ]);
    }
    bld.finish()
}

fn triggers(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "oid",
        "tgrelid",
        "tgparentid",
        "tgname",
        "tgfoid",
        "tgtype",
        "tgenabled",
        "tgisinternal",
        "tgconstrrelid",
        "tgconstrindid",
        "tgconstraint",
        "tgdeferrable",
        "tginitdeferred",
        "tgnargs",
        "tgattr",
        "tgargs",
        "tgqual",
        "tgoldtable",
        "tgnewtable",
    ]);
    let mut items: Vec<(u64, Vec<(&str, Value)>)> = Vec::new();
    for tb in tables(c) {
        let (s, n) = (&tb.name.schema, &tb.name.name);
        for tg in &tb.triggers {
            items.push((
                tg.seq,
                vec![
                    ("tgrelid", class_oid(s, n)),
                    ("tgname", t(&tg.name)),
                    ("tgenabled", t(tg.enabled.to_string())),
                    ("tgisinternal", b(false)),
                ],
            ));
        }
        // Each foreign key has two check triggers on its table and two action triggers on the
        // referenced one, named after their OIDs.
        for con in &tb.constraints {
            if let ConstraintKind::ForeignKey(fk) = &con.kind {
                for (rel, prefix) in [
                    (&fk.ref_table, "RI_ConstraintTrigger_a_"),
                    (&fk.ref_table, "RI_ConstraintTrigger_a_"),
                    (&tb.name, "RI_ConstraintTrigger_c_"),
                    (&tb.name, "RI_ConstraintTrigger_c_"),
                ] {
                    items.push((
                        con.seq,
                        vec![
                            ("tgrelid", class_oid(&rel.schema, &rel.name)),
                            ("tgname", Value::Partial { prefix: prefix.into(), suffix: String::new() }),
                            ("tgenabled", t("O")),
                            ("tgisinternal", b(true)),
                        ],
                    ));
                }
            }
        }
    }
    items.sort_by_key(|(seq, _)| *seq);
    for (_, values) in items {
        bld.row(values);
    }
    bld.finish()
}

fn pg_tables(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "schemaname",
        "tablename",
        "tableowner",
        "tablespace",
        "hasindexes",
        "hasrules",
        "hastriggers",
        "rowsecurity",
    ]);
    for (s, n, k, _) in builtin::CLASSES {
        if matches!(k, b'r' | b'p') {
            bld.row(vec![
                ("schemaname", t(*s)),
                ("tablename", t(*n)),
                ("tableowner", t(crate::session::SESSION_USER)),
                ("tablespace", Value::Unknown),
                ("rowsecurity", b(false)),
            ]);
        }
    }
    for tb in tables(c) {
        bld.row(vec![
            ("schemaname", t(&tb.name.schema)),
            ("tablename", t(&tb.name.name)),
            ("tableowner", owner(&tb.owner)),
            ("tablespace", Value::Null),
            ("rowsecurity", b(tb.rls_enabled)),
            ("hastriggers", if tb.triggers.is_empty() { Value::Unknown } else { b(true) }),
        ]);
    }
    bld.finish()
}

fn views(c: &Catalog, materialized: bool) -> Vec<&schemasim_catalog::View> {
    relations(c)
        .into_iter()
        .filter_map(|r| match r {
            Relation::View(v) if v.materialized == materialized => Some(v),
            _ => None,
        })
        .collect()
}

fn pg_views(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&["schemaname", "viewname", "viewowner", "definition"]);
    for (s, n, k, _) in builtin::CLASSES {
        if *k == b'v' {
            bld.row(vec![("schemaname", t(*s)), ("viewname", t(*n)), ("viewowner", t(crate::session::SESSION_USER))]);
        }
    }
    for v in views(c, false) {
        bld.row(vec![("schemaname", t(&v.name.schema)), ("viewname", t(&v.name.name)), ("viewowner", owner(&v.owner))]);
    }
    bld.finish()
}

fn pg_matviews(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "schemaname",
        "matviewname",
        "matviewowner",
        "tablespace",
        "hasindexes",
        "ispopulated",
        "definition",
    ]);
    for v in views(c, true) {
        bld.row(vec![
            ("schemaname", t(&v.name.schema)),
            ("matviewname", t(&v.name.name)),
            ("matviewowner", owner(&v.owner)),
            ("tablespace", Value::Null),
            ("ispopulated", b(v.with_data)),
        ]);
    }
    bld.finish()
}

/// A sequence's bounds with PostgreSQL's defaults for its type and direction.
fn sequence_bounds(s: &schemasim_catalog::Sequence) -> (i64, i64) {
    let max = match s.data_type.as_str() {
        "smallint" => i64::from(i16::MAX),
        "integer" => i64::from(i32::MAX),
        _ => i64::MAX,
    };
    let min = match s.data_type.as_str() {
        "smallint" => i64::from(i16::MIN),
        "integer" => i64::from(i32::MIN),
        _ => i64::MIN,
    };
    let (dmin, dmax) = if s.increment > 0 { (1, max) } else { (min, -1) };
    (s.min_value.unwrap_or(dmin), s.max_value.unwrap_or(dmax))
}

fn sequences(c: &Catalog) -> Vec<&schemasim_catalog::Sequence> {
    relations(c)
        .into_iter()
        .filter_map(|r| match r {
            Relation::Sequence(s) => Some(s),
            _ => None,
        })
        .collect()
}

fn pg_sequences(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "schemaname",
        "sequencename",
        "sequenceowner",
        "data_type",
        "start_value",
        "min_value",
        "max_value",
        "increment_by",
        "cycle",
        "cache_size",
        "last_value",
    ]);
    for s in sequences(c) {
        let (min, max) = sequence_bounds(s);
        bld.row(vec![
            ("schemaname", t(&s.name.schema)),
            ("sequencename", t(&s.name.name)),
            (
                "data_type",
                super::functions::builtin_type(&s.data_type).map_or(Value::Unknown, |(internal, display)| Value::Reg {
                    key: format!("type:pg_catalog.{internal}"),
                    text: display,
                }),
            ),
            ("start_value", Value::Int(s.start)),
            ("min_value", Value::Int(min)),
            ("max_value", Value::Int(max)),
            ("increment_by", Value::Int(s.increment)),
            ("cycle", b(s.cycle)),
            ("cache_size", Value::Int(s.cache)),
        ]);
    }
    bld.finish()
}

/// Is the column NOT NULL in pg_attribute (declared, part of the primary key, or identity)?
fn column_not_null(tb: &Table, col: &Column) -> bool {
    col.not_null
        || col.identity.is_some()
        || matches!(tb.primary_key().map(|k| &k.kind), Some(ConstraintKind::PrimaryKey { columns, .. }) if columns.contains(&col.name))
}

const SYSTEM_COLUMNS: &[(&str, i64)] =
    &[("tableoid", -6), ("cmax", -5), ("xmax", -4), ("cmin", -3), ("xmin", -2), ("ctid", -1)];

fn attributes(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "attrelid",
        "attname",
        "atttypid",
        "attlen",
        "attnum",
        "attcacheoff",
        "atttypmod",
        "attndims",
        "attbyval",
        "attalign",
        "attstorage",
        "attcompression",
        "attnotnull",
        "atthasdef",
        "atthasmissing",
        "attidentity",
        "attgenerated",
        "attisdropped",
        "attislocal",
        "attinhcount",
        "attcollation",
        "attstattarget",
        "attacl",
        "attoptions",
        "attfdwoptions",
        "attmissingval",
    ]);
    for (s, n, _, _) in builtin::CLASSES {
        bld.placeholder(vec![("attrelid", class_oid(s, n)), ("attisdropped", b(false))]);
    }
    let system = |bld: &mut Builder, s: &str, n: &str| {
        for (name, num) in SYSTEM_COLUMNS {
            bld.row(vec![
                ("attrelid", class_oid(s, n)),
                ("attname", t(*name)),
                ("attnum", Value::Int(*num)),
                ("attnotnull", b(true)),
                ("atthasdef", b(false)),
                ("attidentity", t("")),
                ("attgenerated", t("")),
                ("attisdropped", b(false)),
                ("attislocal", b(true)),
            ]);
        }
    };
    for r in relations(c) {
        match r {
            Relation::Table(tb) => {
                let (s, n) = (&tb.name.schema, &tb.name.name);
                // attnum counts dropped columns, which the catalog does not keep: positions are
                // exact for tables that never dropped a column.
                for (i, col) in tb.columns.iter().enumerate() {
                    bld.row(vec![
                        ("attrelid", class_oid(s, n)),
                        ("attname", t(&col.name)),
                        ("attnum", Value::Int(i as i64 + 1)),
                        ("attnotnull", b(column_not_null(tb, col))),
                        ("atthasdef", b(col.default.is_some() || col.generated.is_some())),
                        (
                            "attidentity",
                            t(match col.identity {
                                Some(schemasim_catalog::Identity::Always) => "a",
                                Some(schemasim_catalog::Identity::ByDefault) => "d",
                                None => "",
                            }),
                        ),
                        ("attgenerated", t(if col.generated.is_some() { "s" } else { "" })),
                        ("attisdropped", b(false)),
                        ("attislocal", b(!col.inherited)),
                    ]);
                }
                system(&mut bld, s, n);
            }
            Relation::View(v) => {
                let (s, n) = (&v.name.schema, &v.name.name);
                for (i, col) in v.columns.iter().enumerate() {
                    bld.row(vec![
                        ("attrelid", class_oid(s, n)),
                        ("attname", t(col)),
                        ("attnum", Value::Int(i as i64 + 1)),
                        ("attnotnull", b(false)),
                        ("atthasdef", b(false)),
                        ("attisdropped", b(false)),
                    ]);
                }
                if v.materialized {
                    system(&mut bld, s, n);
                }
            }
            Relation::Sequence(sq) => {
                let (s, n) = (&sq.name.schema, &sq.name.name);
                for (i, col) in ["last_value", "log_cnt", "is_called"].iter().enumerate() {
                    bld.row(vec![
                        ("attrelid", class_oid(s, n)),
                        ("attname", t(*col)),
                        ("attnum", Value::Int(i as i64 + 1)),
                        ("attnotnull", b(true)),
                        ("atthasdef", b(false)),
                        ("attisdropped", b(false)),
                    ]);
                }
                system(&mut bld, s, n);
            }
            Relation::Index(i) => {
                bld.placeholder(vec![
                    ("attrelid", class_oid(&i.name.schema, &i.name.name)),
                    ("attisdropped", b(false)),
                ]);
            }
        }
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("attisdropped", b(false))]);
        }
        for (_, n) in e.of(b'C') {
            bld.placeholder(vec![("attrelid", class_oid(e.schema, n)), ("attisdropped", b(false))]);
        }
    }
    for ty in c.types.values() {
        if let TypeKind::Composite { attributes } = &ty.kind {
            for (i, (name, _)) in attributes.iter().enumerate() {
                bld.row(vec![
                    ("attrelid", class_oid(&ty.name.schema, &ty.name.name)),
                    ("attname", t(name)),
                    ("attnum", Value::Int(i as i64 + 1)),
                    ("attisdropped", b(false)),
                ]);
            }
        }
    }
    bld.finish()
}

fn info_tables(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "table_catalog",
        "table_schema",
        "table_name",
        "table_type",
        "self_referencing_column_name",
        "reference_generation",
        "user_defined_type_catalog",
        "user_defined_type_schema",
        "user_defined_type_name",
        "is_insertable_into",
        "is_typed",
        "commit_action",
    ]);
    for (s, n, k, _) in builtin::CLASSES {
        let kind = match k {
            b'r' | b'p' => "BASE TABLE",
            b'v' => "VIEW",
            _ => continue,
        };
        bld.row(vec![
            ("table_schema", t(*s)),
            ("table_name", t(*n)),
            ("table_type", t(kind)),
            ("self_referencing_column_name", Value::Null),
            ("reference_generation", Value::Null),
            ("is_typed", t("NO")),
        ]);
    }
    for r in relations(c) {
        let (name, kind, typed, insertable) = match r {
            Relation::Table(tb) => (
                &tb.name,
                if tb.persistence == Persistence::Temporary { "LOCAL TEMPORARY" } else { "BASE TABLE" },
                tb.of_type.is_some(),
                t("YES"),
            ),
            Relation::View(v) if !v.materialized => (&v.name, "VIEW", false, Value::Unknown),
            _ => continue,
        };
        bld.row(vec![
            ("table_schema", t(&name.schema)),
            ("table_name", t(&name.name)),
            ("table_type", t(kind)),
            ("self_referencing_column_name", Value::Null),
            ("reference_generation", Value::Null),
            ("is_insertable_into", insertable),
            ("is_typed", yes_no(typed)),
        ]);
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("table_schema", t(e.schema))]);
        }
        for (k, n) in e.of(b'C') {
            let kind = match k {
                b'r' | b'p' => "BASE TABLE",
                b'v' => "VIEW",
                _ => continue,
            };
            bld.row(vec![
                ("table_schema", t(e.schema)),
                ("table_name", t(n)),
                ("table_type", t(kind)),
                ("self_referencing_column_name", Value::Null),
                ("reference_generation", Value::Null),
                ("is_typed", t("NO")),
            ]);
        }
    }
    bld.finish()
}

const INFO_COLUMNS_COLUMNS: &[&str] = &[
    "table_catalog",
    "table_schema",
    "table_name",
    "column_name",
    "ordinal_position",
    "column_default",
    "is_nullable",
    "data_type",
    "character_maximum_length",
    "character_octet_length",
    "numeric_precision",
    "numeric_precision_radix",
    "numeric_scale",
    "datetime_precision",
    "interval_type",
    "interval_precision",
    "character_set_catalog",
    "character_set_schema",
    "character_set_name",
    "collation_catalog",
    "collation_schema",
    "collation_name",
    "domain_catalog",
    "domain_schema",
    "domain_name",
    "udt_catalog",
    "udt_schema",
    "udt_name",
    "scope_catalog",
    "scope_schema",
    "scope_name",
    "maximum_cardinality",
    "dtd_identifier",
    "is_self_referencing",
    "is_identity",
    "identity_generation",
    "identity_start",
    "identity_increment",
    "identity_maximum",
    "identity_minimum",
    "identity_cycle",
    "is_generated",
    "generation_expression",
    "is_updatable",
];

/// information_schema's `data_type` and `udt_name` for a column type as `format_type` prints
/// it; unknown when the type is not recognized.
fn info_type(ev: &Evaluator<'_, '_>, type_name: &str, depth: u8) -> (Value, Value, Value) {
    let unknown = (Value::Unknown, Value::Unknown, Value::Unknown);
    if depth > 8 {
        return unknown;
    }
    if let Some(elem) = type_name.strip_suffix("[]") {
        let (_, udt, _) = info_type(ev, elem.trim_end_matches("[]"), depth + 1);
        return match udt {
            Value::Text(u) => (t("ARRAY"), t(format!("_{u}")), Value::Null),
            _ => (t("ARRAY"), Value::Unknown, Value::Null),
        };
    }
    // Strip type modifiers: `character varying(20)`, `timestamp(3) with time zone`.
    let mut base = String::new();
    let mut modifier = String::new();
    let mut depth_paren = 0;
    for c in type_name.chars() {
        match c {
            '(' => depth_paren += 1,
            ')' => depth_paren -= 1,
            _ if depth_paren > 0 => modifier.push(c),
            _ => base.push(c),
        }
    }
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let standard = match base.as_str() {
        "integer" => Some("int4"),
        "bigint" => Some("int8"),
        "smallint" => Some("int2"),
        "boolean" => Some("bool"),
        "character varying" => Some("varchar"),
        "character" => Some("bpchar"),
        "real" => Some("float4"),
        "double precision" => Some("float8"),
        "timestamp without time zone" => Some("timestamp"),
        "timestamp with time zone" => Some("timestamptz"),
        "time without time zone" => Some("time"),
        "time with time zone" => Some("timetz"),
        "bit varying" => Some("varbit"),
        _ => None,
    };
    let char_len = match base.as_str() {
        "character varying" | "character" | "bit" | "bit varying" => match modifier.trim().parse::<i64>() {
            Ok(n) => Value::Int(n),
            Err(_) if base == "character" || base == "bit" => Value::Int(1),
            Err(_) => Value::Null,
        },
        _ => Value::Null,
    };
    if let Some(udt) = standard {
        return (t(base), t(udt), char_len);
    }
    if !base.contains('.') && builtin::TYPES.iter().any(|(s, n, k)| *s == "pg_catalog" && *n == base && *k == b'b') {
        return (t(&base), t(&base), Value::Null);
    }
    // A user type, qualified when not visible.
    let Some(names) = super::functions::parse_name_list(&base) else { return unknown };
    let found = match names.as_slice() {
        [n] => ev
            .ctx
            .search_path_schemas()
            .into_iter()
            .map(|s| QualName::new(s, n))
            .find(|q| ev.ctx.catalog.types.contains_key(q)),
        [s, n] => Some(QualName::new(s, n)),
        _ => None,
    };
    let Some(ty) = found.and_then(|q| ev.ctx.catalog.types.get(&q)) else { return unknown };
    match &ty.kind {
        TypeKind::Domain(d) => {
            let (data_type, _, len) = info_type(ev, &d.base_type, depth + 1);
            (data_type, t(&ty.name.name), len)
        }
        _ => (t("USER-DEFINED"), t(&ty.name.name), Value::Null),
    }
}

fn info_columns(ev: &Evaluator<'_, '_>) -> SysTable {
    let c = &ev.ctx.catalog;
    let mut bld = Builder::new(INFO_COLUMNS_COLUMNS);
    for (s, n, k, _) in builtin::CLASSES {
        if matches!(k, b'r' | b'p' | b'v') {
            bld.placeholder(vec![("table_schema", t(*s)), ("table_name", t(*n))]);
        }
    }
    for r in relations(c) {
        match r {
            Relation::Table(tb) => {
                for (i, col) in tb.columns.iter().enumerate() {
                    let (data_type, udt, len) = info_type(ev, &col.type_name, 0);
                    bld.row(vec![
                        ("table_schema", t(&tb.name.schema)),
                        ("table_name", t(&tb.name.name)),
                        ("column_name", t(&col.name)),
                        ("ordinal_position", Value::Int(i as i64 + 1)),
                        (
                            "column_default",
                            if col.default.is_none() && col.identity.is_none() && col.generated.is_none() {
                                Value::Null
                            } else {
                                Value::Unknown
                            },
                        ),
                        ("is_nullable", yes_no(!column_not_null(tb, col))),
                        ("data_type", data_type),
                        ("udt_name", udt),
                        ("character_maximum_length", len),
                        ("is_identity", yes_no(col.identity.is_some())),
                        (
                            "identity_generation",
                            match col.identity {
                                Some(schemasim_catalog::Identity::Always) => t("ALWAYS"),
                                Some(schemasim_catalog::Identity::ByDefault) => t("BY DEFAULT"),
                                None => Value::Null,
                            },
                        ),
                        ("is_generated", t(if col.generated.is_some() { "ALWAYS" } else { "NEVER" })),
                    ]);
                }
            }
            Relation::View(v) if !v.materialized => {
                for (i, col) in v.columns.iter().enumerate() {
                    bld.row(vec![
                        ("table_schema", t(&v.name.schema)),
                        ("table_name", t(&v.name.name)),
                        ("column_name", t(col)),
                        ("ordinal_position", Value::Int(i as i64 + 1)),
                        ("column_default", Value::Null),
                        ("is_nullable", t("YES")),
                        ("is_identity", t("NO")),
                        ("is_generated", t("NEVER")),
                    ]);
                }
            }
            _ => {}
        }
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("table_schema", t(e.schema))]);
        }
        for (k, n) in e.of(b'C') {
            if matches!(k, b'r' | b'p' | b'v') {
                bld.placeholder(vec![("table_schema", t(e.schema)), ("table_name", t(n))]);
            }
        }
    }
    bld.finish()
}

fn info_schemata(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "catalog_name",
        "schema_name",
        "schema_owner",
        "default_character_set_catalog",
        "default_character_set_schema",
        "default_character_set_name",
        "sql_path",
    ]);
    for (name, owner) in schemas(c) {
        bld.row(vec![
            ("schema_name", t(&name)),
            ("schema_owner", owner),
            ("default_character_set_catalog", Value::Null),
            ("default_character_set_schema", Value::Null),
            ("default_character_set_name", Value::Null),
            ("sql_path", Value::Null),
        ]);
    }
    bld.finish()
}

const ROUTINE_COLUMNS: &[&str] = &[
    "specific_catalog",
    "specific_schema",
    "specific_name",
    "routine_catalog",
    "routine_schema",
    "routine_name",
    "routine_type",
    "module_catalog",
    "module_schema",
    "module_name",
    "udt_catalog",
    "udt_schema",
    "udt_name",
    "data_type",
    "character_maximum_length",
    "character_octet_length",
    "character_set_catalog",
    "character_set_schema",
    "character_set_name",
    "collation_catalog",
    "collation_schema",
    "collation_name",
    "numeric_precision",
    "numeric_precision_radix",
    "numeric_scale",
    "datetime_precision",
    "interval_type",
    "interval_precision",
    "type_udt_catalog",
    "type_udt_schema",
    "type_udt_name",
    "scope_catalog",
    "scope_schema",
    "scope_name",
    "maximum_cardinality",
    "dtd_identifier",
    "routine_body",
    "routine_definition",
    "external_name",
    "external_language",
    "parameter_style",
    "is_deterministic",
    "sql_data_access",
    "is_null_call",
    "sql_path",
    "schema_level_routine",
    "max_dynamic_result_sets",
    "is_user_defined_cast",
    "is_implicitly_invocable",
    "security_type",
    "to_sql_specific_catalog",
    "to_sql_specific_schema",
    "to_sql_specific_name",
    "as_locator",
    "created",
    "last_altered",
    "new_savepoint_level",
    "is_udt_dependent",
    "result_cast_from_data_type",
    "result_cast_as_locator",
    "result_cast_char_max_length",
    "result_cast_char_octet_length",
    "result_cast_char_set_catalog",
    "result_cast_char_set_schema",
    "result_cast_char_set_name",
    "result_cast_collation_catalog",
    "result_cast_collation_schema",
    "result_cast_collation_name",
    "result_cast_numeric_precision",
    "result_cast_numeric_precision_radix",
    "result_cast_numeric_scale",
    "result_cast_datetime_precision",
    "result_cast_interval_type",
    "result_cast_interval_precision",
    "result_cast_type_udt_catalog",
    "result_cast_type_udt_schema",
    "result_cast_type_udt_name",
    "result_cast_scope_catalog",
    "result_cast_scope_schema",
    "result_cast_scope_name",
    "result_cast_maximum_cardinality",
    "result_cast_dtd_identifier",
];

fn routine_type(kind: u8) -> Value {
    match kind {
        b'f' => t("FUNCTION"),
        b'p' => t("PROCEDURE"),
        _ => Value::Null,
    }
}

fn info_routines(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(ROUTINE_COLUMNS);
    for (s, n, k) in builtin_procs() {
        bld.placeholder(vec![
            ("specific_schema", t(s)),
            ("specific_name", Value::Partial { prefix: format!("{n}_"), suffix: String::new() }),
            ("routine_schema", t(s)),
            ("routine_name", t(n)),
            ("routine_type", routine_type(k)),
        ]);
    }
    for f in user_functions(c) {
        let (s, n) = (&f.key.name.schema, &f.key.name.name);
        bld.row(vec![
            ("specific_schema", t(s)),
            ("specific_name", Value::Partial { prefix: format!("{n}_"), suffix: String::new() }),
            ("routine_schema", t(s)),
            ("routine_name", t(n)),
            ("routine_type", routine_type(if f.procedure { b'p' } else { b'f' })),
            ("routine_body", t(if f.language == "sql" { "SQL" } else { "EXTERNAL" })),
            ("external_language", t(f.language.to_uppercase())),
            ("security_type", t(if f.security_definer { "DEFINER" } else { "INVOKER" })),
        ]);
    }
    for e in extension_objects(c) {
        if e.known.is_none() {
            bld.placeholder(vec![("routine_schema", t(e.schema)), ("specific_schema", t(e.schema))]);
        }
        for (k, n) in e.of(b'P') {
            bld.placeholder(vec![
                ("specific_schema", t(e.schema)),
                ("specific_name", Value::Partial { prefix: format!("{n}_"), suffix: String::new() }),
                ("routine_schema", t(e.schema)),
                ("routine_name", t(n)),
                ("routine_type", routine_type(k)),
            ]);
        }
    }
    bld.finish()
}

fn info_table_constraints(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "constraint_catalog",
        "constraint_schema",
        "constraint_name",
        "table_catalog",
        "table_schema",
        "table_name",
        "constraint_type",
        "is_deferrable",
        "initially_deferred",
        "enforced",
        "nulls_distinct",
    ]);
    let not_null_name = || Value::Partial { prefix: String::new(), suffix: "_not_null".into() };
    let kind_name = |k: u8| match k {
        b'p' => Some("PRIMARY KEY"),
        b'u' => Some("UNIQUE"),
        b'f' => Some("FOREIGN KEY"),
        b'c' => Some("CHECK"),
        _ => None,
    };
    for (s, n, k, table, _) in builtin::CONSTRAINTS {
        let Some(kind) = kind_name(*k) else { continue };
        if table.is_empty() {
            continue;
        }
        bld.row(vec![
            ("constraint_schema", t(*s)),
            ("constraint_name", t(*n)),
            ("table_schema", t(*s)),
            ("table_name", t(*table)),
            ("constraint_type", t(kind)),
            ("is_deferrable", t("NO")),
            ("initially_deferred", t("NO")),
            ("enforced", t("YES")),
            ("nulls_distinct", if *k == b'u' { t("YES") } else { Value::Null }),
        ]);
    }
    for (s, table, count) in builtin::NOT_NULL_COLUMNS {
        for _ in 0..*count {
            bld.row(vec![
                ("constraint_schema", t(*s)),
                ("constraint_name", not_null_name()),
                ("table_schema", t(*s)),
                ("table_name", t(*table)),
                ("constraint_type", t("CHECK")),
                ("is_deferrable", t("NO")),
                ("initially_deferred", t("NO")),
                ("enforced", t("YES")),
                ("nulls_distinct", Value::Null),
            ]);
        }
    }
    for tb in tables(c) {
        let (s, n) = (&tb.name.schema, &tb.name.name);
        for con in &tb.constraints {
            let Some(kind) = kind_name(contype(&con.kind)) else { continue };
            let nulls_distinct = match &con.kind {
                ConstraintKind::Unique { nulls_not_distinct, .. } => yes_no(!nulls_not_distinct),
                _ => Value::Null,
            };
            bld.row(vec![
                ("constraint_schema", t(s)),
                ("constraint_name", t(&con.name)),
                ("table_schema", t(s)),
                ("table_name", t(n)),
                ("constraint_type", t(kind)),
                ("is_deferrable", yes_no(con.deferrable)),
                ("initially_deferred", yes_no(con.initially_deferred)),
                ("enforced", t("YES")),
                ("nulls_distinct", nulls_distinct),
            ]);
        }
        for _ in tb.columns.iter().filter(|col| column_not_null(tb, col)) {
            bld.row(vec![
                ("constraint_schema", t(s)),
                ("constraint_name", not_null_name()),
                ("table_schema", t(s)),
                ("table_name", t(n)),
                ("constraint_type", t("CHECK")),
                ("is_deferrable", t("NO")),
                ("initially_deferred", t("NO")),
                ("enforced", t("YES")),
                ("nulls_distinct", Value::Null),
            ]);
        }
    }
    bld.finish()
}

fn info_views(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "table_catalog",
        "table_schema",
        "table_name",
        "view_definition",
        "check_option",
        "is_updatable",
        "is_insertable_into",
        "is_trigger_updatable",
        "is_trigger_deletable",
        "is_trigger_insertable_into",
    ]);
    for (s, n, k, _) in builtin::CLASSES {
        if *k == b'v' {
            bld.row(vec![("table_schema", t(*s)), ("table_name", t(*n))]);
        }
    }
    for v in views(c, false) {
        bld.row(vec![
            ("table_schema", t(&v.name.schema)),
            ("table_name", t(&v.name.name)),
            ("check_option", t(v.check_option.as_deref().map_or("NONE", |o| o).to_uppercase())),
        ]);
    }
    bld.finish()
}

fn info_sequences(c: &Catalog) -> SysTable {
    let mut bld = Builder::new(&[
        "sequence_catalog",
        "sequence_schema",
        "sequence_name",
        "data_type",
        "numeric_precision",
        "numeric_precision_radix",
        "numeric_scale",
        "start_value",
        "minimum_value",
        "maximum_value",
        "increment",
        "cycle_option",
    ]);
    for s in sequences(c) {
        let (min, max) = sequence_bounds(s);
        bld.row(vec![
            ("sequence_schema", t(&s.name.schema)),
            ("sequence_name", t(&s.name.name)),
            ("data_type", t(&s.data_type)),
            ("start_value", t(s.start.to_string())),
            ("minimum_value", t(min.to_string())),
            ("maximum_value", t(max.to_string())),
            ("increment", t(s.increment.to_string())),
            ("cycle_option", yes_no(s.cycle)),
        ]);
    }
    bld.finish()
}
