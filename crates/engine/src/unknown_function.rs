//! Calls of functions that do not exist, in queries and DML (SQLSTATE 42883), as parse analysis
//! reports them.
//!
//! PostgreSQL transforms a call's arguments first, then looks the name up
//! (`transformFuncCall` → `ParseFuncOrColumn` → `func_get_detail`): with no function of that
//! name and argument types visible (pg_catalog, then search_path; or the schema written), and no
//! other reading of the call (a type coercion written as `typename(x)`, a column projection
//! `f(row)`), it fails with
//! `function f(integer, unknown) does not exist` (`func_signature_string`: the name as written,
//! unquoted; each argument's type by `format_type_be`, `unknown` for string literals and NULL,
//! `name => type` for named arguments), the HINT "No function matches the given name and
//! argument types. You might need to add explicit type casts." and the cursor at the call. A
//! schema that does not exist fails the lookup first: `schema "x" does not exist` (3F000), at the
//! call too.
//!
//! The check is conservative; it reports only what PostgreSQL certainly says:
//! - only names with no function at all: neither built in (`pg_proc` of a fresh database), nor a
//!   user function or procedure of the simulated catalog, nor an object of an installed
//!   extension whose objects schemasim knows. A function of that name in a schema the call does
//!   not search is not reported either, as the simulated schema of a function may be wrong
//!   (`ALTER FUNCTION ... SET SCHEMA` is not simulated). `CREATE AGGREGATE` is not simulated
//!   either: the names it creates (`Catalog::unmodelled_functions`) are never reported. A name
//!   that exists with other argument types also fails in PostgreSQL, but telling that needs
//!   overload resolution (implicit casts,
//!   polymorphic and variadic parameters, defaults), which is not modelled: such calls are left
//!   alone. With an extension installed whose objects schemasim does not know (postgis,
//!   timescaledb...), no unknown name is reported;
//! - only when every argument's type is known exactly: literals, columns of tables and views
//!   (resolved with the query's scopes), casts that cannot fail at parse time, calls of user
//!   functions with one candidate. Otherwise the statement certainly fails at that call, with a
//!   message schemasim cannot spell, and nothing is reported;
//! - calls are visited in the order parse analysis transforms them (WITH, FROM, target list,
//!   WHERE, HAVING, ORDER BY, GROUP BY, DISTINCT, LIMIT, WINDOW; UPDATE: FROM, WHERE,
//!   RETURNING, SET; INSERT: the source, ON CONFLICT, RETURNING), so the first unknown call is
//!   the one reported. Errors PostgreSQL would raise earlier for other reasons (an operator or
//!   cast that does not exist) are not modelled here.
//!
//! Statements with data-modifying WITH queries or on system catalogs are not checked.

use crate::catalog_query::Value;
use crate::error::PgError;
use pg_query::protobuf::{self, a_const, Node, TypeName};
use pg_query::NodeEnum;
use schemasim_catalog::{quote_ident, Catalog, QualName, Relation, TypeKind};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

const HINT: &str = "No function matches the given name and argument types. You might need to add explicit type casts.";
const ORDER_BY_HINT: &str = "No aggregate function matches the given name and argument types. Perhaps you misplaced \
                             ORDER BY; ORDER BY must appear after all regular arguments of the aggregate.";

/// Checks the function calls of a SELECT, INSERT, UPDATE or DELETE against `catalog`, with
/// `schemas` the existing schemas of search_path. Locations are the node's.
pub(crate) fn check(catalog: &Catalog, schemas: &[String], node: &NodeEnum) -> Result<(), PgError> {
    if !crate::app_query::analysable(node) {
        return Ok(());
    }
    let mut checker = Checker {
        catalog,
        schemas,
        unmodelled_extension: catalog.extensions.values().any(|e| extension_objects(&e.name).is_none()),
        levels: Vec::new(),
    };
    let result = match node {
        NodeEnum::SelectStmt(s) => checker.select(s),
        NodeEnum::InsertStmt(s) => checker.insert(s),
        NodeEnum::UpdateStmt(s) => checker.update(s),
        NodeEnum::DeleteStmt(s) => checker.delete(s),
        _ => Ok(()),
    };
    match result {
        Err(Stop::Report(e)) => Err(e),
        _ => Ok(()),
    }
}

/// Why the walk stops.
enum Stop {
    /// PostgreSQL fails here with this error.
    Report(PgError),
    /// PostgreSQL fails here with an error schemasim does not spell: nothing after it counts.
    Silent,
}

type Walk<T = ()> = Result<T, Stop>;

/// A type as `format_type_be` prints it, and whether it is a composite (row) type.
#[derive(Clone, Debug, PartialEq)]
struct Type {
    name: String,
    composite: bool,
}

impl Type {
    fn scalar(name: &str) -> Option<Type> {
        Some(Type { name: name.to_string(), composite: false })
    }
}

/// A FROM item: its reference name and its columns with their stored types (`None`: not known).
struct Item {
    refname: String,
    columns: Option<Vec<(String, Option<String>)>>,
}

#[derive(Default)]
struct Level {
    items: Vec<Item>,
    ctes: Vec<String>,
    /// A non-LATERAL subquery in FROM does not see its level's items.
    hidden: bool,
}

struct Checker<'a> {
    catalog: &'a Catalog,
    schemas: &'a [String],
    unmodelled_extension: bool,
    levels: Vec<Level>,
}

/// What a function name finds.
enum Lookup {
    /// Some function has the name; its result type when there is a single, exactly matching one.
    Found(Option<Type>),
    /// Schemas may hold functions schemasim does not know.
    Unsure,
    NoSchema(String),
    None,
}

/// The functions and types `pg_proc` and `pg_type` show for a catalog: `(schema, name)`, and
/// whether some rows are not known (an extension whose objects schemasim does not know).
struct Objects {
    procs: HashSet<(String, String)>,
    types: HashSet<(String, String)>,
    proc_names: HashSet<String>,
    type_names: HashSet<String>,
    unknown: bool,
}

impl Objects {
    fn new(procs: HashSet<(String, String)>, types: HashSet<(String, String)>, unknown: bool) -> Objects {
        let proc_names = procs.iter().map(|(_, n)| n.clone()).collect();
        let type_names = types.iter().map(|(_, n)| n.clone()).collect();
        Objects { procs, types, proc_names, type_names, unknown }
    }
}

/// Reads `pg_proc` and `pg_type` of `catalog` through the catalog query evaluator (built-in
/// rows: `catalog_query::builtin`, generated from PostgreSQL 17).
fn objects_of(catalog: Catalog) -> Objects {
    let mut search_path = vec!["public".to_string()];
    let mut effects = crate::session::Effects::default();
    let mut new_enum_values = Vec::new();
    let mut ctx = crate::session::Ctx {
        catalog,
        search_path: &mut search_path,
        effects: &mut effects,
        source: "",
        in_block: false,
        new_enum_values: &mut new_enum_values,
        check_function_bodies: true,
    };
    let (mut procs, mut types, mut unknown) = (HashSet::new(), HashSet::new(), false);
    for (query, set) in [
        ("SELECT pronamespace, proname FROM pg_catalog.pg_proc", 0),
        ("SELECT typnamespace, typname FROM pg_catalog.pg_type", 1),
    ] {
        let rows = crate::catalog_query::parse_select(query).ok().and_then(|stmt| {
            let mut state = crate::catalog_query::EvalState::default();
            crate::catalog_query::Evaluator::new(&mut ctx, &crate::catalog_query::NoVariables, &mut state)
                .run_select(&stmt)
                .ok()
                .flatten()
        });
        let Some(rows) = rows else {
            unknown = true;
            continue;
        };
        unknown |= rows.uncertain;
        for row in &rows.rows {
            match (row.first(), row.get(1)) {
                (Some(Value::Oid(ns)), Some(Value::Text(name))) if ns.starts_with("namespace:") => {
                    let entry = (ns["namespace:".len()..].to_string(), name.clone());
                    if set == 0 {
                        procs.insert(entry);
                    } else {
                        types.insert(entry);
                    }
                }
                _ => unknown = true,
            }
        }
    }
    Objects::new(procs, types, unknown)
}

/// The built-in functions and types (a fresh database's).
fn builtin() -> &'static Objects {
    static BUILTIN: OnceLock<Objects> = OnceLock::new();
    BUILTIN.get_or_init(|| objects_of(Catalog::new()))
}

/// The functions and types an extension adds (by name, without schema), or `None` when
/// schemasim does not know its objects.
fn extension_objects(name: &str) -> Option<Arc<Objects>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<Objects>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let found = cache.lock().ok().and_then(|c| c.get(name).cloned());
    let objects = match found {
        Some(o) => o,
        None => {
            const SCHEMA: &str = "schemasim_extension";
            let mut catalog = Catalog::new();
            let schema = schemasim_catalog::Schema {
                name: SCHEMA.into(),
                seq: 0,
                owner: None,
                comment: None,
                grants: Vec::new(),
            };
            catalog.schemas.insert(SCHEMA.into(), schema);
            let extension = schemasim_catalog::Extension {
                name: name.into(),
                schema: SCHEMA.into(),
                seq: 0,
                version: None,
                comment: None,
            };
            catalog.extensions.insert(name.into(), extension);
            let all = objects_of(catalog);
            let o = Arc::new(Objects::new(
                all.procs.into_iter().filter(|(s, _)| s == SCHEMA).collect(),
                all.types.into_iter().filter(|(s, _)| s == SCHEMA).collect(),
                all.unknown,
            ));
            if let Ok(mut c) = cache.lock() {
                c.insert(name.to_string(), o.clone());
            }
            o
        }
    };
    (!objects.unknown || name == "plpgsql").then_some(objects)
}

fn has_name(set: &HashSet<String>, name: &str) -> bool {
    set.contains(name)
}

fn strings(nodes: &[Node]) -> Option<Vec<String>> {
    nodes
        .iter()
        .map(|n| match n.node.as_ref() {
            Some(NodeEnum::String(s)) => Some(s.sval.clone()),
            _ => None,
        })
        .collect()
}

/// `format_type_be` of a built-in type given by its `pg_type.typname` (the special cases of
/// format_type.c; other names are printed as identifiers).
fn builtin_type_display(typname: &str) -> Option<String> {
    if typname.starts_with('_') || !builtin().types.contains(&("pg_catalog".to_string(), typname.to_string())) {
        return None;
    }
    Some(
        match typname {
            "bit" => "bit",
            "bool" => "boolean",
            "bpchar" => "character",
            "interval" => "interval",
            "json" => "json",
            "numeric" => "numeric",
            "float4" => "real",
            "float8" => "double precision",
            "int2" => "smallint",
            "int4" => "integer",
            "int8" => "bigint",
            "time" => "time without time zone",
            "timetz" => "time with time zone",
            "timestamp" => "timestamp without time zone",
            "timestamptz" => "timestamp with time zone",
            "varbit" => "bit varying",
            "varchar" => "character varying",
            "char" => "\"char\"",
            other => return Some(quote_ident(other)),
        }
        .to_string(),
    )
}

/// Whether `text` (a `format_type` text without modifiers) names a built-in type.
fn is_builtin_display(text: &str) -> bool {
    crate::types::builtin_canonical(text) == Some(text)
        || matches!(
            text,
            "timestamp with time zone"
                | "timestamp without time zone"
                | "time with time zone"
                | "time without time zone"
                | "uuid"
        )
}

impl Checker<'_> {
    // ---------------------------------------------------------------------------------------
    // Types

    /// A user type (or a relation's row type) `schema.name` as `format_type_be` prints it:
    /// unqualified when it is the one search_path finds first.
    fn user_type(&self, schema: &str, name: &str) -> Option<Type> {
        let qn = QualName::new(schema.to_string(), name.to_string());
        let composite = match (self.catalog.types.get(&qn), self.catalog.relations.get(&qn)) {
            (Some(t), _) => matches!(t.kind, TypeKind::Composite { .. }),
            (None, Some(Relation::Table(_) | Relation::View(_))) => true,
            _ => return None,
        };
        if has_name(&builtin().type_names, name) {
            return None;
        }
        let first =
            self.schemas.iter().find(|s| self.catalog.type_name_taken(&QualName::new((*s).clone(), name.to_string())));
        let name = if first.is_some_and(|s| s == schema) {
            quote_ident(name)
        } else {
            format!("{}.{}", quote_ident(schema), quote_ident(name))
        };
        Some(Type { name, composite })
    }

    /// A stored `format_type` text (column types, function results) as `format_type_be` prints
    /// the type: no modifiers, one `[]` for any array, user types qualified only when not
    /// visible.
    fn stored_type(&self, text: &str) -> Option<Type> {
        let plain = crate::types::without_typmods(text);
        let base = plain.trim_end_matches("[]");
        let array = base.len() != plain.len();
        let mut t = if is_builtin_display(base) {
            Type::scalar(base)?
        } else {
            let (schema, name) = base.split_once('.')?;
            let ident =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ident(schema) || !ident(name) {
                return None;
            }
            self.user_type(schema, name)?
        };
        if array {
            t = Type { name: format!("{}[]", t.name), composite: false };
        }
        Some(t)
    }

    /// The type a `TypeName` of a cast names.
    fn cast_type(&self, tn: &TypeName) -> Option<Type> {
        if tn.pct_type || tn.setof {
            return None;
        }
        let names = strings(&tn.names)?;
        let t = match names.as_slice() {
            [schema, name] if schema == "pg_catalog" => Type::scalar(&builtin_type_display(name)?)?,
            [name] => match builtin_type_display(name) {
                // pg_catalog comes first, unless a user type of that name could shadow it.
                Some(display) => {
                    if self
                        .schemas
                        .iter()
                        .any(|s| self.catalog.type_name_taken(&QualName::new(s.clone(), name.clone())))
                    {
                        return None;
                    }
                    Type::scalar(&display)?
                }
                None => {
                    let schema = self
                        .schemas
                        .iter()
                        .find(|s| self.catalog.type_name_taken(&QualName::new((*s).clone(), name.clone())))?;
                    self.user_type(schema, name)?
                }
            },
            [schema, name] => self.user_type(schema, name)?,
            _ => return None,
        };
        if tn.array_bounds.is_empty() {
            Some(t)
        } else {
            Some(Type { name: format!("{}[]", t.name), composite: false })
        }
    }

    /// The type of a constant (`make_const`): integers that fit in 32 bits are integer, in 64
    /// bits bigint, other numbers numeric; strings and NULL are unknown.
    fn constant(c: &protobuf::AConst) -> Option<Type> {
        if c.isnull {
            return Type::scalar("unknown");
        }
        match c.val.as_ref()? {
            a_const::Val::Ival(_) => Type::scalar("integer"),
            a_const::Val::Fval(f) => {
                let digits = f.fval.strip_prefix('-').unwrap_or(&f.fval);
                if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                    Type::scalar(if f.fval.parse::<i64>().is_ok() { "bigint" } else { "numeric" })
                } else if digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')) {
                    Type::scalar("numeric")
                } else {
                    None
                }
            }
            a_const::Val::Boolval(_) => Type::scalar("boolean"),
            a_const::Val::Sval(_) => Type::scalar("unknown"),
            a_const::Val::Bsval(_) => Type::scalar("bit"),
        }
    }

    /// The type of `arg::target` when the cast cannot fail at parse analysis: NULL, a no-op, a
    /// string literal to a text type or to one of an enum's labels, any value to text, numbers
    /// to numeric types (evaluated at run time).
    fn cast(&self, arg: Option<&Node>, arg_type: Option<Type>, tn: &TypeName) -> Option<Type> {
        let target = self.cast_type(tn)?;
        let literal = match arg.and_then(|a| a.node.as_ref()) {
            Some(NodeEnum::AConst(c)) => Some(c),
            _ => None,
        };
        if literal.is_some_and(|c| c.isnull) {
            return Some(target);
        }
        let source = arg_type?;
        let text_target = matches!(target.name.as_str(), "text" | "character varying") && tn.typmods.is_empty();
        let numeric = ["smallint", "integer", "bigint", "numeric", "real", "double precision"];
        let ok = if source.name == "unknown" {
            let value = match literal.and_then(|c| c.val.as_ref()) {
                Some(a_const::Val::Sval(s)) => &s.sval,
                _ => return None,
            };
            text_target || self.enum_labels(&target).is_some_and(|labels| labels.contains(value))
        } else {
            source == target
                || text_target
                || (literal.is_some()
                    && numeric.contains(&source.name.as_str())
                    && numeric.contains(&target.name.as_str()))
        };
        ok.then_some(target)
    }

    fn enum_labels(&self, t: &Type) -> Option<&Vec<String>> {
        let (schema, name) = match t.name.split_once('.') {
            Some((s, n)) => (s.to_string(), n.to_string()),
            None => (
                self.schemas
                    .iter()
                    .find(|s| self.catalog.type_name_taken(&QualName::new((*s).clone(), t.name.clone())))?
                    .clone(),
                t.name.clone(),
            ),
        };
        match &self.catalog.types.get(&QualName::new(schema, name))?.kind {
            TypeKind::Enum { values } => Some(values),
            _ => None,
        }
    }

    // ---------------------------------------------------------------------------------------
    // Scopes

    fn relation_item(&self, rv: &protobuf::RangeVar) -> Item {
        let refname = rv.alias.as_ref().map_or_else(|| rv.relname.clone(), |a| a.aliasname.clone());
        let cte = rv.schemaname.is_empty() && self.levels.iter().any(|l| l.ctes.contains(&rv.relname));
        let schemas = if rv.schemaname.is_empty() { self.schemas.to_vec() } else { vec![rv.schemaname.clone()] };
        let relation = schemas
            .iter()
            .find_map(|s| self.catalog.relations.get(&QualName::new(s.clone(), rv.relname.clone())))
            .filter(|_| !cte);
        let mut columns = relation.and_then(crate::ddl::query::typed_columns);
        if let (Some(cols), Some(alias)) = (columns.as_mut(), rv.alias.as_ref()) {
            for (col, alias) in cols.iter_mut().zip(&alias.colnames) {
                if let Some(NodeEnum::String(s)) = alias.node.as_ref() {
                    col.0 = s.sval.clone();
                }
            }
        }
        Item { refname, columns }
    }

    fn top(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        let last = self.levels.len() - 1;
        &mut self.levels[last]
    }

    /// The stored type of a column reference, when it resolves to one column of a table or
    /// view with certainty.
    fn column_type(&self, fields: &[Node]) -> Option<Type> {
        let names = strings(fields)?;
        let levels = self.levels.iter().rev().filter(|l| !l.hidden);
        let found = match names.as_slice() {
            [column] => {
                if crate::dml::SYSTEM_COLUMNS.contains(&column.as_str()) {
                    return None;
                }
                let mut found = None;
                for level in levels {
                    if level.items.iter().any(|i| i.columns.is_none()) {
                        return None;
                    }
                    let matches: Vec<&Option<String>> = level
                        .items
                        .iter()
                        .filter_map(|i| i.columns.as_ref()?.iter().find(|(c, _)| c == column).map(|(_, t)| t))
                        .collect();
                    match matches.as_slice() {
                        [] => continue,
                        [t] => {
                            found = Some((*t).clone());
                            break;
                        }
                        _ => return None,
                    }
                }
                found?
            }
            [item, column] => {
                let mut found = None;
                for level in levels {
                    let items: Vec<&Item> = level.items.iter().filter(|i| &i.refname == item).collect();
                    match items.as_slice() {
                        [] => continue,
                        [i] => {
                            found = Some(i.columns.as_ref()?.iter().find(|(c, _)| c == column)?.1.clone());
                            break;
                        }
                        _ => return None,
                    }
                }
                found?
            }
            _ => return None,
        };
        self.stored_type(&found?)
    }

    // ---------------------------------------------------------------------------------------
    // Function names

    fn user_functions<'c>(
        &'c self,
        schema: &'c str,
        name: &'c str,
    ) -> impl Iterator<Item = &'c schemasim_catalog::Function> {
        self.catalog.functions.values().filter(move |f| f.key.name.schema == schema && f.key.name.name == name)
    }

    fn extension_function(&self, schema: &str, name: &str) -> bool {
        self.catalog
            .extensions
            .values()
            .any(|e| e.schema == schema && extension_objects(&e.name).is_some_and(|o| has_name(&o.proc_names, name)))
    }

    /// Looks a function name up; `args` are the argument types when the call is plain (no
    /// named arguments or aggregate decoration), for the result type of a single candidate.
    fn lookup(&self, names: &[String], args: Option<&[Option<Type>]>) -> Lookup {
        let (schemas, name): (Vec<String>, &String) = match names {
            [name] => (self.schemas.to_vec(), name),
            [schema, name] => {
                match schema.as_str() {
                    "pg_catalog" | "information_schema" => {
                        return if builtin().procs.contains(&(schema.clone(), name.clone())) {
                            Lookup::Found(None)
                        } else {
                            Lookup::None
                        };
                    }
                    s if s.starts_with("pg_temp") || s.starts_with("pg_toast") => return Lookup::Unsure,
                    _ => {}
                }
                if !self.catalog.schemas.contains_key(schema) {
                    return if self.unmodelled_extension { Lookup::Unsure } else { Lookup::NoSchema(schema.clone()) };
                }
                (vec![schema.clone()], name)
            }
            _ => return Lookup::Unsure,
        };
        let builtin = names.len() == 1 && has_name(&builtin().proc_names, name);
        let extension = schemas.iter().any(|s| self.extension_function(s, name));
        let user: Vec<&schemasim_catalog::Function> =
            schemas.iter().flat_map(|s| self.user_functions(s, name)).collect();
        if builtin || extension || !user.is_empty() {
            let result = match (builtin || extension, user.as_slice(), args) {
                (false, [f], Some(args)) if !f.procedure => self.result_type(f, args),
                _ => None,
            };
            return Lookup::Found(result);
        }
        // A function of that name elsewhere may be the one called: moved by a statement that is
        // not simulated (`ALTER FUNCTION ... SET SCHEMA`), or visible through a search_path
        // the simulation does not know (`ALTER ROLE ... SET search_path`).
        let elsewhere = self.catalog.functions.values().any(|f| &f.key.name.name == name)
            || self
                .catalog
                .extensions
                .values()
                .any(|e| extension_objects(&e.name).is_some_and(|o| has_name(&o.proc_names, name)));
        if self.unmodelled_extension || elsewhere || self.catalog.unmodelled_functions.contains(name) {
            Lookup::Unsure
        } else {
            Lookup::None
        }
    }

    /// The result type of a call of `f`, the only function of its name, when the arguments
    /// match its parameters exactly (string literals match any type).
    fn result_type(&self, f: &schemasim_catalog::Function, args: &[Option<Type>]) -> Option<Type> {
        if f.key.arg_types.len() != args.len() {
            return None;
        }
        for (param, arg) in f.key.arg_types.iter().zip(args) {
            let arg = arg.as_ref()?;
            let param = self.stored_type(param)?;
            if arg.name != "unknown" && *arg != param {
                return None;
            }
        }
        let returns = f.returns.as_deref()?;
        if returns.starts_with("SETOF ") || returns.starts_with("any") {
            return None;
        }
        self.stored_type(returns)
    }

    /// Whether `name(x)` may be a type coercion in functional notation.
    fn is_type_name(&self, names: &[String]) -> bool {
        let Some(name) = names.last() else { return false };
        has_name(&builtin().type_names, name)
            || crate::types::builtin_canonical(name).is_some()
            || self.catalog.types.keys().any(|qn| &qn.name == name)
            || self.catalog.relations.keys().any(|qn| &qn.name == name)
            || self.catalog.extensions.values().any(|e| {
                extension_objects(&e.name).is_some_and(|o| has_name(&o.type_names, name))
                    || crate::types::extension_types(&e.name).contains(&name.as_str())
            })
    }

    // ---------------------------------------------------------------------------------------
    // Statements

    fn with(&mut self, with: Option<&protobuf::WithClause>) -> Walk {
        let Some(with) = with else { return Ok(()) };
        let names: Vec<String> = with
            .ctes
            .iter()
            .filter_map(|c| match c.node.as_ref() {
                Some(NodeEnum::CommonTableExpr(cte)) => Some(cte.ctename.clone()),
                _ => None,
            })
            .collect();
        self.top().ctes.extend(names);
        for c in &with.ctes {
            if let Some(NodeEnum::CommonTableExpr(cte)) = c.node.as_ref() {
                self.query(cte.ctequery.as_deref())?;
            }
        }
        Ok(())
    }

    /// A subquery: its own level, the enclosing ones visible.
    fn query(&mut self, n: Option<&Node>) -> Walk {
        match n.and_then(|n| n.node.as_ref()) {
            Some(NodeEnum::SelectStmt(s)) => {
                self.levels.push(Level::default());
                let r = self.select(s);
                self.levels.pop();
                r
            }
            Some(other) => self.fallback(other),
            None => Ok(()),
        }
    }

    fn select(&mut self, s: &protobuf::SelectStmt) -> Walk {
        self.with(s.with_clause.as_ref())?;
        if s.op != protobuf::SetOperation::SetopNone as i32 {
            self.query(
                s.larg.as_deref().map(|l| Node { node: Some(NodeEnum::SelectStmt(Box::new(l.clone()))) }).as_ref(),
            )?;
            self.query(
                s.rarg.as_deref().map(|r| Node { node: Some(NodeEnum::SelectStmt(Box::new(r.clone()))) }).as_ref(),
            )?;
            // ORDER BY of a set operation names its output columns.
            self.top().items.push(Item { refname: String::new(), columns: None });
            self.exprs(&s.sort_clause)?;
            self.expr_opt(s.limit_offset.as_deref())?;
            return self.expr_opt(s.limit_count.as_deref()).map(drop);
        }
        for row in &s.values_lists {
            self.expr(row)?;
        }
        for item in &s.from_clause {
            self.range_item(item)?;
        }
        self.exprs(&s.target_list)?;
        self.expr_opt(s.where_clause.as_deref())?;
        self.expr_opt(s.having_clause.as_deref())?;
        self.exprs(&s.sort_clause)?;
        self.exprs(&s.group_clause)?;
        self.exprs(&s.distinct_clause)?;
        self.expr_opt(s.limit_offset.as_deref())?;
        self.expr_opt(s.limit_count.as_deref())?;
        for w in &s.window_clause {
            if let Some(NodeEnum::WindowDef(w)) = w.node.as_ref() {
                self.window(w)?;
            }
        }
        Ok(())
    }

    fn range_item(&mut self, n: &Node) -> Walk {
        match n.node.as_ref() {
            Some(NodeEnum::RangeVar(rv)) => {
                let item = self.relation_item(rv);
                self.top().items.push(item);
            }
            Some(NodeEnum::RangeSubselect(rs)) => {
                let hide = !rs.lateral;
                let was = self.top().hidden;
                self.top().hidden = hide || was;
                let r = self.query(rs.subquery.as_deref());
                self.top().hidden = was;
                r?;
                let refname = rs.alias.as_ref().map(|a| a.aliasname.clone()).unwrap_or_default();
                self.top().items.push(Item { refname, columns: None });
            }
            Some(NodeEnum::RangeFunction(rf)) => {
                for f in &rf.functions {
                    // Each is a list of the call and its column definitions.
                    match f.node.as_ref() {
                        Some(NodeEnum::List(l)) => {
                            if let Some(call) = l.items.first() {
                                self.expr(call)?;
                            }
                        }
                        _ => {
                            self.expr(f)?;
                        }
                    }
                }
                let refname = rf.alias.as_ref().map(|a| a.aliasname.clone()).unwrap_or_default();
                self.top().items.push(Item { refname, columns: None });
            }
            Some(NodeEnum::JoinExpr(j)) => {
                if let Some(l) = j.larg.as_deref() {
                    self.range_item(l)?;
                }
                if let Some(r) = j.rarg.as_deref() {
                    self.range_item(r)?;
                }
                self.expr_opt(j.quals.as_deref())?;
                if let Some(alias) = &j.alias {
                    self.top().items.push(Item { refname: alias.aliasname.clone(), columns: None });
                }
                if let Some(alias) = &j.join_using_alias {
                    self.top().items.push(Item { refname: alias.aliasname.clone(), columns: None });
                }
            }
            Some(other) => {
                self.fallback(other)?;
                self.top().items.push(Item { refname: String::new(), columns: None });
            }
            None => {}
        }
        Ok(())
    }

    fn target_level(&mut self, rv: Option<&protobuf::RangeVar>) {
        let mut level = Level::default();
        if let Some(rv) = rv {
            level.items.push(self.relation_item(rv));
        }
        self.levels.push(level);
    }

    fn update(&mut self, s: &protobuf::UpdateStmt) -> Walk {
        self.levels.push(Level::default());
        self.with(s.with_clause.as_ref())?;
        let target = s.relation.as_ref().map(|rv| self.relation_item(rv));
        self.top().items.extend(target);
        for item in &s.from_clause {
            self.range_item(item)?;
        }
        self.expr_opt(s.where_clause.as_deref())?;
        self.exprs(&s.returning_list)?;
        self.set_values(&s.target_list)
    }

    fn delete(&mut self, s: &protobuf::DeleteStmt) -> Walk {
        self.levels.push(Level::default());
        self.with(s.with_clause.as_ref())?;
        let target = s.relation.as_ref().map(|rv| self.relation_item(rv));
        self.top().items.extend(target);
        for item in &s.using_clause {
            self.range_item(item)?;
        }
        self.expr_opt(s.where_clause.as_deref())?;
        self.exprs(&s.returning_list)
    }

    fn insert(&mut self, s: &protobuf::InsertStmt) -> Walk {
        // The WITH queries are visible to the source query; the target is not.
        self.levels.push(Level::default());
        self.with(s.with_clause.as_ref())?;
        match s.select_stmt.as_deref().and_then(|n| n.node.as_ref()) {
            Some(NodeEnum::SelectStmt(sel))
                if !sel.values_lists.is_empty() && sel.op == protobuf::SetOperation::SetopNone as i32 =>
            {
                for row in &sel.values_lists {
                    self.expr(row)?;
                }
            }
            Some(_) => self.query(s.select_stmt.as_deref())?,
            None => {}
        }
        if let Some(oc) = s.on_conflict_clause.as_deref() {
            self.target_level(s.relation.as_ref());
            if let Some(infer) = oc.infer.as_deref() {
                for e in &infer.index_elems {
                    if let Some(NodeEnum::IndexElem(ie)) = e.node.as_ref() {
                        self.expr_opt(ie.expr.as_deref())?;
                    }
                }
                self.expr_opt(infer.where_clause.as_deref())?;
            }
            if let Some(rv) = s.relation.as_ref() {
                let mut excluded = rv.clone();
                excluded.alias = Some(protobuf::Alias { aliasname: "excluded".into(), colnames: Vec::new() });
                let item = self.relation_item(&excluded);
                self.top().items.push(item);
            }
            self.set_values(&oc.target_list)?;
            self.expr_opt(oc.where_clause.as_deref())?;
            self.levels.pop();
        }
        self.target_level(s.relation.as_ref());
        self.exprs(&s.returning_list)
    }

    /// SET values (`DEFAULT` is no expression; a multiple assignment's source is read once).
    fn set_values(&mut self, items: &[Node]) -> Walk {
        for i in items {
            let Some(NodeEnum::ResTarget(rt)) = i.node.as_ref() else { continue };
            match rt.val.as_deref().and_then(|v| v.node.as_ref()) {
                Some(NodeEnum::SetToDefault(_)) | None => {}
                Some(NodeEnum::MultiAssignRef(m)) if m.colno == 1 => self.expr_opt(m.source.as_deref()).map(drop)?,
                Some(NodeEnum::MultiAssignRef(_)) => {}
                Some(_) => self.expr_opt(rt.val.as_deref()).map(drop)?,
            }
        }
        Ok(())
    }

    fn window(&mut self, w: &protobuf::WindowDef) -> Walk {
        self.exprs(&w.partition_clause)?;
        self.exprs(&w.order_clause)?;
        self.expr_opt(w.start_offset.as_deref())?;
        self.expr_opt(w.end_offset.as_deref()).map(drop)
    }

    // ---------------------------------------------------------------------------------------
    // Expressions

    fn exprs(&mut self, items: &[Node]) -> Walk {
        for i in items {
            self.expr(i)?;
        }
        Ok(())
    }

    fn expr_opt(&mut self, n: Option<&Node>) -> Walk<Option<Type>> {
        match n {
            Some(n) => self.expr(n),
            None => Ok(None),
        }
    }

    /// Walks an expression in transformation order; its type when known exactly.
    fn expr(&mut self, n: &Node) -> Walk<Option<Type>> {
        let Some(kind) = n.node.as_ref() else { return Ok(None) };
        Ok(match kind {
            NodeEnum::AConst(c) => Self::constant(c),
            NodeEnum::ColumnRef(cr) => self.column_type(&cr.fields),
            NodeEnum::FuncCall(fc) => self.func_call(fc)?,
            NodeEnum::TypeCast(tc) => {
                let arg = self.expr_opt(tc.arg.as_deref())?;
                tc.type_name.as_ref().and_then(|tn| self.cast(tc.arg.as_deref(), arg, tn))
            }
            NodeEnum::ResTarget(rt) => self.expr_opt(rt.val.as_deref())?,
            NodeEnum::List(l) => {
                self.exprs(&l.items)?;
                None
            }
            NodeEnum::AExpr(e) => {
                self.expr_opt(e.lexpr.as_deref())?;
                self.expr_opt(e.rexpr.as_deref())?;
                None
            }
            NodeEnum::BoolExpr(e) => {
                self.exprs(&e.args)?;
                None
            }
            NodeEnum::SubLink(sl) => {
                self.query(sl.subselect.as_deref())?;
                self.expr_opt(sl.testexpr.as_deref())?;
                None
            }
            NodeEnum::CaseExpr(c) => {
                self.expr_opt(c.arg.as_deref())?;
                for w in &c.args {
                    if let Some(NodeEnum::CaseWhen(w)) = w.node.as_ref() {
                        self.expr_opt(w.expr.as_deref())?;
                        self.expr_opt(w.result.as_deref())?;
                    }
                }
                self.expr_opt(c.defresult.as_deref())?;
                None
            }
            NodeEnum::CoalesceExpr(c) => {
                self.exprs(&c.args)?;
                None
            }
            NodeEnum::MinMaxExpr(m) => {
                self.exprs(&m.args)?;
                None
            }
            NodeEnum::RowExpr(r) => {
                self.exprs(&r.args)?;
                None
            }
            NodeEnum::AArrayExpr(a) => {
                self.exprs(&a.elements)?;
                None
            }
            NodeEnum::NullTest(t) => {
                self.expr_opt(t.arg.as_deref())?;
                None
            }
            NodeEnum::BooleanTest(t) => {
                self.expr_opt(t.arg.as_deref())?;
                None
            }
            NodeEnum::CollateClause(c) => {
                self.expr_opt(c.arg.as_deref())?;
                None
            }
            NodeEnum::NamedArgExpr(a) => self.expr_opt(a.arg.as_deref())?,
            NodeEnum::AIndirection(a) => {
                self.expr_opt(a.arg.as_deref())?;
                for i in &a.indirection {
                    if let Some(NodeEnum::AIndices(ix)) = i.node.as_ref() {
                        self.expr_opt(ix.lidx.as_deref())?;
                        self.expr_opt(ix.uidx.as_deref())?;
                    }
                }
                None
            }
            NodeEnum::SortBy(s) => {
                self.expr_opt(s.node.as_deref())?;
                None
            }
            NodeEnum::GroupingSet(g) => {
                self.exprs(&g.content)?;
                None
            }
            NodeEnum::GroupingFunc(g) => {
                self.exprs(&g.args)?;
                None
            }
            NodeEnum::MultiAssignRef(m) => {
                self.expr_opt(m.source.as_deref())?;
                None
            }
            NodeEnum::ParamRef(_) | NodeEnum::SqlvalueFunction(_) | NodeEnum::SetToDefault(_) | NodeEnum::AStar(_) => {
                None
            }
            other => {
                self.fallback(other)?;
                None
            }
        })
    }

    /// A node this walk does not model: an unknown function anywhere inside fails the
    /// statement there (or earlier), so the walk stops without a report.
    fn fallback(&mut self, n: &NodeEnum) -> Walk {
        let tree = Node { node: Some(n.clone()) };
        for call in crate::expr::find_all(&tree, "FuncCall") {
            let names: Vec<String> = call
                .get("funcname")
                .and_then(|f| f.as_array())
                .map(|f| {
                    f.iter()
                        .filter_map(|n| n.pointer("/node/String/sval").and_then(|s| s.as_str()).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if matches!(self.lookup(&names, None), Lookup::None | Lookup::NoSchema(_)) {
                return Err(Stop::Silent);
            }
        }
        Ok(())
    }

    fn func_call(&mut self, fc: &protobuf::FuncCall) -> Walk<Option<Type>> {
        let mut args = Vec::with_capacity(fc.args.len());
        let mut arg_names = Vec::new();
        for a in &fc.args {
            if let Some(NodeEnum::NamedArgExpr(na)) = a.node.as_ref() {
                arg_names.push(na.name.clone());
            }
            args.push(self.expr(a)?);
        }
        if fc.agg_within_group {
            for s in &fc.agg_order {
                args.push(self.expr(s)?);
            }
        }
        self.expr_opt(fc.agg_filter.as_deref())?;
        let Some(names) = strings(&fc.funcname) else { return Err(Stop::Silent) };
        let plain = arg_names.is_empty()
            && !fc.agg_star
            && !fc.agg_distinct
            && !fc.func_variadic
            && fc.agg_order.is_empty()
            && fc.agg_filter.is_none()
            && fc.over.is_none();
        let result = match self.lookup(&names, plain.then_some(args.as_slice())) {
            Lookup::Found(result) => result,
            Lookup::Unsure => None,
            Lookup::NoSchema(schema) => return Err(Stop::Report(PgError::undefined_schema(&schema).at(fc.location))),
            Lookup::None => return Err(self.not_found(fc, &names, &args, &arg_names, plain)),
        };
        if !fc.agg_within_group {
            self.exprs(&fc.agg_order)?;
        }
        if let Some(w) = fc.over.as_deref() {
            self.window(w)?;
        }
        Ok(result)
    }

    /// No function of this name: PostgreSQL's error, when it is certain.
    fn not_found(
        &self,
        fc: &protobuf::FuncCall,
        names: &[String],
        args: &[Option<Type>],
        arg_names: &[String],
        plain: bool,
    ) -> Stop {
        // `typename(x)` is a cast; `f(row)` may read the row's column f.
        if args.len() == 1 && arg_names.is_empty() && !fc.func_variadic && self.is_type_name(names) {
            return Stop::Silent;
        }
        let projection = plain && names.len() == 1 && args.len() == 1;
        if projection && args[0].as_ref().is_none_or(|t| t.composite) {
            return Stop::Silent;
        }
        if fc.func_variadic || fc.agg_within_group {
            return Stop::Silent;
        }
        let Some(types) = args.iter().cloned().collect::<Option<Vec<Type>>>() else { return Stop::Silent };
        let positional = types.len() - arg_names.len();
        let signature: Vec<String> =
            types
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    if i < positional {
                        t.name.clone()
                    } else {
                        format!("{} => {}", arg_names[i - positional], t.name)
                    }
                })
                .collect();
        let hint = if fc.agg_order.len() > 1 { ORDER_BY_HINT } else { HINT };
        Stop::Report(
            PgError::new("42883", format!("function {}({}) does not exist", names.join("."), signature.join(", ")))
                .with_hint(hint)
                .at(fc.location),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{builtin, extension_objects};

    #[test]
    fn built_in_functions_aggregates_window_functions_and_types_are_known() {
        let b = builtin();
        assert!(!b.unknown);
        for f in ["lower", "now", "count", "sum", "string_agg", "row_number", "rank", "lag", "set_config"] {
            assert!(b.procs.contains(&("pg_catalog".to_string(), f.to_string())), "{f}");
        }
        assert!(b.procs.contains(&("information_schema".to_string(), "_pg_expandarray".to_string())));
        assert!(!b.proc_names.contains("gen_salt"));
        assert!(b.types.contains(&("pg_catalog".to_string(), "int4".to_string())));
    }

    #[test]
    fn contrib_extensions_are_known_others_are_not() {
        let pgcrypto = extension_objects("pgcrypto").expect("pgcrypto's objects are known");
        assert!(pgcrypto.proc_names.contains("gen_salt") && !pgcrypto.proc_names.contains("lower"));
        let ossp = extension_objects("uuid-ossp").expect("uuid-ossp's objects are known");
        assert!(ossp.proc_names.contains("uuid_generate_v4"));
        assert!(extension_objects("citext").expect("known").type_names.contains("citext"));
        assert!(extension_objects("plpgsql").is_some());
        assert!(extension_objects("postgis").is_none());
    }
}
