//! The existing objects a statement names, found in its parse tree and resolved against the
//! catalog just before it ran: relations (RangeVar), their columns (column references, index
//! elements, ALTER TABLE column commands, foreign key columns, re-declared column definitions),
//! types (TypeName), functions (calls, `ObjectWithArgs`, trigger functions), roles (RoleSpec)
//! and schemas (qualified names). Each comes with a verb saying what the statement does with it
//! (`adds a foreign key to`, `creates an index on`, `re-declares`).
//!
//! The tree is walked in its serde form, as `expr::find_all` does, so no node kind can hide a
//! reference. Function bodies and DO blocks are strings to the parser: what they name is not
//! seen here.

use super::touch::{column_description, function_description, relation_description, Id, Need, Touch};
use crate::session::SESSION_USER;
use pg_query::protobuf::AlterTableType;
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName, Relation};
use serde_json::Value;

/// An existing object a statement names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub id: Id,
    pub object: String,
    /// What the statement does with it (`adds a foreign key to`).
    pub verb: String,
}

struct Walk<'a> {
    catalog: &'a Catalog,
    search_path: Vec<String>,
    out: Vec<Reference>,
    /// Tables the statement names, in order: where the column names of its queries are looked up.
    tables: Vec<QualName>,
    /// The statement's own table (ALTER TABLE, CREATE INDEX...), when it exists already.
    target: Option<QualName>,
    /// `(column, where to look it up, verb)`, resolved once every table is known.
    columns: Vec<(String, Scope, String)>,
}

/// Where a column name is looked up.
enum Scope {
    /// The tables the statement names, in order (a query's columns).
    Named,
    /// The statement's own table.
    Target,
    Table(QualName),
}

/// Statements whose column names (outside subqueries) are their own table's.
fn own_columns(kind: &str) -> bool {
    matches!(
        kind,
        "CreateStmt"
            | "AlterTableStmt"
            | "IndexStmt"
            | "CreatePolicyStmt"
            | "AlterPolicyStmt"
            | "CreateTrigStmt"
            | "CreateStatsStmt"
            | "InsertStmt"
            | "UpdateStmt"
    )
}

/// The existing objects `node` names, with what it does to each, resolved in `catalog` with
/// `search_path` (as set, `"$user"` included).
pub fn references(node: &NodeEnum, catalog: &Catalog, search_path: &[String]) -> Vec<Reference> {
    let Ok(value) = serde_json::to_value(node) else { return Vec::new() };
    let search_path = search_path
        .iter()
        .map(|s| if s == "\"$user\"" || s == "$user" { SESSION_USER.to_string() } else { s.clone() })
        .collect();
    let mut walk =
        Walk { catalog, search_path, out: Vec::new(), tables: Vec::new(), target: None, columns: Vec::new() };
    if let Value::Object(map) = &value {
        for (kind, stmt) in map {
            walk.statement(kind, stmt);
        }
    }
    for (column, table, verb) in std::mem::take(&mut walk.columns) {
        let candidates: Vec<QualName> = match table {
            Scope::Table(t) => vec![t],
            Scope::Target => walk.target.iter().cloned().collect(),
            Scope::Named => walk.tables.clone(),
        };
        let found = candidates.into_iter().find_map(|t| {
            let table = catalog.table(&t)?;
            table.column(&column).map(|_| (table.seq, column_description(&t, &column)))
        });
        if let Some((seq, object)) = found {
            walk.push(Id::Column(seq, column.clone()), object, &verb);
        }
    }
    walk.out
}

/// What an object `t` created depends on, resolved in `catalog` (the catalog after it).
pub fn requirements(catalog: &Catalog, t: &Touch, search_path: &[String]) -> Vec<Reference> {
    if t.needs.is_empty() {
        return Vec::new();
    }
    let mut walk = Walk {
        catalog,
        search_path: search_path.to_vec(),
        out: Vec::new(),
        tables: Vec::new(),
        target: None,
        columns: Vec::new(),
    };
    let verb = format!("creates {}, which depends on", t.object);
    for need in &t.needs {
        match need {
            Need::Relation(qn) => {
                if let Some(rel) = catalog.relations.get(qn) {
                    walk.push(Id::Seq(rel.seq()), relation_description(rel), &verb);
                }
            }
            Need::Column(qn, c) => {
                if let Some(table) = catalog.table(qn).filter(|table| table.column(c).is_some()) {
                    walk.push(Id::Column(table.seq, c.clone()), column_description(qn, c), &verb);
                }
            }
            Need::Type(text) => walk.type_name(&type_text_parts(text), &verb),
            Need::Function(qn) => {
                for f in catalog.functions.values().filter(|f| &f.key.name == qn) {
                    walk.push(Id::Seq(f.seq), function_description(f), &verb);
                }
            }
        }
    }
    walk.out
}

/// `public."Mood"[]` -> `["public", "Mood"]`; `character varying(20)` -> `["character varying"]`.
fn type_text_parts(text: &str) -> Vec<String> {
    let base = text.trim_end_matches("[]");
    let base = base.split('(').next().unwrap_or(base).trim();
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for ch in base.chars() {
        match ch {
            '"' => quoted = !quoted,
            '.' if !quoted => parts.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    parts.push(current);
    parts
}

fn str_field<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The strings of a name list (`[{"node":{"String":{"sval":..}}}]`).
fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.pointer("/node/String/sval").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The verb for a statement's own relation, which exists already.
fn target_verb(kind: &str, stmt: &Value) -> String {
    let skipped = stmt.get("if_not_exists").and_then(Value::as_bool).unwrap_or(false);
    let verb = match kind {
        "CreateStmt" | "CreateSeqStmt" if skipped => "re-declares (IF NOT EXISTS, skipped)",
        "CreateStmt" | "CreateSeqStmt" => "re-declares",
        "AlterSeqStmt" => "alters",
        "AlterTableStmt" => return alter_table_verb(stmt),
        "IndexStmt" => "creates an index on",
        "CreateTrigStmt" => "creates a trigger on",
        "CreatePolicyStmt" => "creates a policy on",
        "AlterPolicyStmt" => "alters a policy on",
        "RenameStmt" => rename_verb(stmt),
        "InsertStmt" => "inserts into",
        "UpdateStmt" => "updates",
        "DeleteStmt" => "deletes from",
        "MergeStmt" => "merges into",
        "ViewStmt" => "replaces",
        "CopyStmt" => "copies",
        "CreateStatsStmt" => "creates statistics on",
        "RuleStmt" => "creates a rule on",
        "ClusterStmt" => "clusters",
        "VacuumRelation" => "vacuums",
        "RefreshMatViewStmt" => "refreshes",
        _ => "uses",
    };
    verb.to_string()
}

/// What a RENAME does to the relation it names.
fn rename_verb(stmt: &Value) -> &'static str {
    use pg_query::protobuf::ObjectType;
    let object_type = stmt
        .get("rename_type")
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .and_then(|n| ObjectType::try_from(n).ok());
    match object_type {
        Some(ObjectType::ObjectColumn) => "renames a column of",
        Some(ObjectType::ObjectTabconstraint) => "renames a constraint of",
        Some(ObjectType::ObjectTrigger) => "renames a trigger of",
        Some(ObjectType::ObjectPolicy) => "renames a policy of",
        _ => "renames",
    }
}

/// `adds a column to`, `adds a constraint to`... when every command does the same; `alters` else.
fn alter_table_verb(stmt: &Value) -> String {
    let subtypes: Vec<Option<AlterTableType>> = stmt
        .get("cmds")
        .and_then(Value::as_array)
        .map(|cmds| {
            cmds.iter()
                .map(|c| {
                    c.pointer("/node/AlterTableCmd/subtype")
                        .and_then(Value::as_i64)
                        .and_then(|n| i32::try_from(n).ok())
                        .and_then(|n| AlterTableType::try_from(n).ok())
                })
                .collect()
        })
        .unwrap_or_default();
    let verb = |t: AlterTableType| match t {
        AlterTableType::AtAddColumn => "adds a column to",
        AlterTableType::AtDropColumn => "drops a column of",
        AlterTableType::AtAddConstraint => "adds a constraint to",
        AlterTableType::AtDropConstraint => "drops a constraint of",
        AlterTableType::AtAlterColumnType => "changes a column type of",
        AlterTableType::AtColumnDefault => "changes a column default of",
        AlterTableType::AtSetNotNull | AlterTableType::AtDropNotNull => "changes NOT NULL on",
        AlterTableType::AtEnableRowSecurity | AlterTableType::AtForceRowSecurity => "enables row level security on",
        AlterTableType::AtChangeOwner => "changes the owner of",
        _ => "alters",
    };
    match subtypes.split_first() {
        Some((Some(first), rest)) if rest.iter().all(|t| t.map(verb) == Some(verb(*first))) => verb(*first).to_string(),
        _ => "alters".to_string(),
    }
}

/// The column verb of an ALTER TABLE command naming a column.
fn column_command_verb(subtype: Option<AlterTableType>) -> Option<&'static str> {
    Some(match subtype? {
        AlterTableType::AtAlterColumnType => "changes the type of",
        AlterTableType::AtColumnDefault | AlterTableType::AtCookedColumnDefault => "changes the default of",
        AlterTableType::AtSetNotNull | AlterTableType::AtDropNotNull => "changes NOT NULL on",
        AlterTableType::AtDropColumn => "drops",
        AlterTableType::AtAddIdentity
        | AlterTableType::AtSetIdentity
        | AlterTableType::AtDropIdentity
        | AlterTableType::AtDropExpression => "changes the identity or generation of",
        AlterTableType::AtSetStatistics | AlterTableType::AtSetStorage | AlterTableType::AtSetCompression => {
            "changes the storage of"
        }
        AlterTableType::AtAddColumn => "re-declares",
        _ => "alters",
    })
}

impl Walk<'_> {
    fn push(&mut self, id: Id, object: String, verb: &str) {
        if !self.out.iter().any(|r| r.id == id) {
            self.out.push(Reference { id, object, verb: verb.to_string() });
        }
    }

    /// Schemas to look an unqualified name up in: search_path, then any schema where the name
    /// is unique (a migration may have changed search_path itself).
    fn lookup<T>(&self, parts: &[String], find: impl Fn(&QualName) -> Option<T>) -> Option<(QualName, T)> {
        let (schema, name) = match parts {
            [.., schema, name] => (schema.as_str(), name.as_str()),
            [name] => ("", name.as_str()),
            [] => return None,
        };
        if !schema.is_empty() {
            let qn = QualName::new(schema, name);
            return find(&qn).map(|t| (qn, t));
        }
        let in_path = self.search_path.iter().find_map(|s| {
            let qn = QualName::new(s.as_str(), name);
            find(&qn).map(|t| (qn, t))
        });
        if in_path.is_some() {
            return in_path;
        }
        let mut found = self.catalog.schemas.keys().filter_map(|s| {
            let qn = QualName::new(s.as_str(), name);
            find(&qn).map(|t| (qn, t))
        });
        let first = found.next();
        if found.next().is_some() {
            return None;
        }
        first
    }

    fn schema(&mut self, schema: &str) {
        if let Some(s) = self.catalog.schemas.get(schema) {
            let object = format!("schema {}", s.name);
            self.push(Id::Seq(s.seq), object, "uses");
        }
    }

    fn statement(&mut self, kind: &str, stmt: &Value) {
        let target_key = match kind {
            "CreatePolicyStmt" | "AlterPolicyStmt" => "table",
            "ViewStmt" => "view",
            "CreateSeqStmt" | "AlterSeqStmt" => "sequence",
            _ => "relation",
        };
        self.redeclared(kind, stmt);
        let Value::Object(fields) = stmt else { return };
        if let Some(rv) = fields.get(target_key).filter(|v| v.get("relname").is_some()) {
            let before = self.tables.len();
            self.relation(rv, Some((kind, stmt)));
            if self.target.is_none() && self.tables.len() > before {
                self.target = self.tables.last().cloned();
            }
        }
        for (key, value) in fields {
            if key == target_key && value.get("relname").is_some() {
                continue;
            } else if kind == "CreateTrigStmt" && key == "funcname" {
                self.function(&names(Some(value)), None, "creates a trigger executing");
            } else if matches!(kind, "AlterEnumStmt" | "AlterDomainStmt") && key == "type_name" {
                let verb = if kind == "AlterEnumStmt" { "adds a value to" } else { "alters" };
                self.type_name(&names(Some(value)), verb);
            } else {
                self.walk(key, value, kind);
            }
        }
    }

    /// An index, schema or extension that a CREATE statement names again.
    fn redeclared(&mut self, kind: &str, stmt: &Value) {
        let skipped = stmt.get("if_not_exists").and_then(Value::as_bool).unwrap_or(false);
        let verb = if skipped { "re-declares (IF NOT EXISTS, skipped)" } else { "re-declares" };
        match kind {
            "IndexStmt" => {
                let Some(rv) = stmt.get("relation") else { return };
                let table = [str_field(rv, "schemaname"), str_field(rv, "relname")]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>();
                let name = str_field(stmt, "idxname");
                let Some((qn, _)) = self.lookup(&table, |qn| self.catalog.relations.get(qn).map(|_| ())) else {
                    return;
                };
                if let Some(rel) = self.catalog.relations.get(&QualName::new(qn.schema, name)) {
                    self.push(Id::Seq(rel.seq()), relation_description(rel), verb);
                }
            }
            "CreateSchemaStmt" => {
                if let Some(s) = self.catalog.schemas.get(str_field(stmt, "schemaname")) {
                    let object = format!("schema {}", s.name);
                    self.push(Id::Seq(s.seq), object, verb);
                }
            }
            "CreateExtensionStmt" => {
                if let Some(e) = self.catalog.extensions.get(str_field(stmt, "extname")) {
                    let object = format!("extension {}", e.name);
                    self.push(Id::Seq(e.seq), object, verb);
                }
            }
            _ => {}
        }
    }

    /// A RangeVar; `target` is the statement whose own relation it is.
    fn relation(&mut self, rv: &Value, target: Option<(&str, &Value)>) {
        let schema = str_field(rv, "schemaname");
        if !schema.is_empty() {
            self.schema(schema);
        }
        let parts: Vec<String> =
            [schema, str_field(rv, "relname")].into_iter().filter(|s| !s.is_empty()).map(str::to_string).collect();
        let catalog = self.catalog;
        let found = self.lookup(&parts, |qn| catalog.relations.get(qn));
        let Some((qn, rel)) = found else { return };
        let verb = match target {
            Some((kind, stmt)) => target_verb(kind, stmt),
            None => "reads".to_string(),
        };
        if matches!(rel, Relation::Table(_)) {
            self.tables.push(qn);
        }
        self.push(Id::Seq(rel.seq()), relation_description(rel), &verb);
    }

    fn type_name(&mut self, parts: &[String], verb: &str) {
        if parts.first().is_some_and(|s| s == "pg_catalog") {
            return;
        }
        if let [schema, _] = parts {
            self.schema(schema);
        }
        let catalog = self.catalog;
        if let Some((_, t)) = self.lookup(parts, |qn| catalog.types.get(qn)) {
            self.push(Id::Seq(t.seq), format!("type {}", t.name), verb);
        } else if let Some((_, rel)) = self.lookup(parts, |qn| catalog.relations.get(qn)) {
            self.push(Id::Seq(rel.seq()), relation_description(rel), verb);
        }
    }

    /// Functions named `parts`; with `arity`, those taking that many arguments when any does.
    fn function(&mut self, parts: &[String], arity: Option<usize>, verb: &str) {
        if parts.first().is_some_and(|s| s == "pg_catalog") {
            return;
        }
        if let [schema, _] = parts {
            self.schema(schema);
        }
        let catalog = self.catalog;
        let found = self.lookup(parts, |qn| {
            let all: Vec<_> = catalog.functions.values().filter(|f| &f.key.name == qn).collect();
            (!all.is_empty()).then_some(all)
        });
        let Some((_, all)) = found else { return };
        let with_arity: Vec<_> = all.iter().filter(|f| arity.is_some_and(|n| f.key.arg_types.len() == n)).collect();
        let chosen: Vec<_> = if with_arity.is_empty() { all.iter().collect() } else { with_arity };
        for f in chosen {
            self.push(Id::Seq(f.seq), function_description(f), verb);
        }
    }

    /// Walks a value under `key` inside statement `kind`.
    fn walk(&mut self, key: &str, value: &Value, kind: &str) {
        match value {
            Value::Array(items) => items.iter().for_each(|v| self.walk(key, v, kind)),
            Value::Object(map) => {
                if map.contains_key("relname") {
                    match key {
                        "pktable" => self.relation_with_verb(value, "adds a foreign key to"),
                        "inh_relations" => self.relation_with_verb(value, "inherits from or partitions"),
                        _ => self.relation(value, None),
                    }
                    return;
                }
                if map.contains_key("names") && map.contains_key("typemod") {
                    self.type_name(&names(map.get("names")), "uses type");
                }
                if map.contains_key("objname") && map.contains_key("objargs") {
                    let args = map.get("objargs").and_then(Value::as_array).map(Vec::len);
                    let unspecified = map.get("args_unspecified").and_then(Value::as_bool).unwrap_or(false);
                    let verb = match kind {
                        "DropStmt" => "drops",
                        "AlterFunctionStmt" | "AlterOwnerStmt" | "AlterObjectSchemaStmt" => "alters",
                        "RenameStmt" => "renames",
                        "GrantStmt" => "grants privileges on",
                        "CommentStmt" => "comments on",
                        _ => "names",
                    };
                    self.function(&names(map.get("objname")), if unspecified { None } else { args }, verb);
                }
                if map.contains_key("rolename") && map.contains_key("roletype") {
                    if let Some(r) = self.catalog.roles.get(str_field(value, "rolename")) {
                        let object = format!("role {}", r.name);
                        self.push(Id::Seq(r.seq), object, "uses");
                    }
                }
                for (k, v) in map {
                    match k.as_str() {
                        "FuncCall" => {
                            let arity = v.get("args").and_then(Value::as_array).map_or(0, Vec::len);
                            self.function(&names(v.get("funcname")), Some(arity), "calls");
                        }
                        "ColumnRef" => {
                            if let Some(c) = names(v.get("fields")).pop() {
                                let scope = if own_columns(kind) { Scope::Target } else { Scope::Named };
                                self.columns.push((c, scope, "uses".into()));
                            }
                        }
                        "ResTarget" if matches!(kind, "InsertStmt" | "UpdateStmt") && key != "returning_list" => {
                            let name = str_field(v, "name");
                            if !name.is_empty() {
                                let verb = if kind == "InsertStmt" { "inserts into" } else { "updates" };
                                self.columns.push((name.to_string(), Scope::Target, verb.into()));
                            }
                        }
                        "IndexElem" if !str_field(v, "name").is_empty() => {
                            self.columns.push((str_field(v, "name").to_string(), Scope::Target, "indexes".into()));
                        }
                        "ColumnDef" if !str_field(v, "colname").is_empty() => {
                            self.columns.push((
                                str_field(v, "colname").to_string(),
                                Scope::Target,
                                "re-declares".into(),
                            ));
                        }
                        "AlterTableCmd" if !str_field(v, "name").is_empty() => {
                            let subtype = v
                                .get("subtype")
                                .and_then(Value::as_i64)
                                .and_then(|n| i32::try_from(n).ok())
                                .and_then(|n| AlterTableType::try_from(n).ok());
                            if let Some(verb) = column_command_verb(subtype) {
                                self.columns.push((str_field(v, "name").to_string(), Scope::Target, verb.into()));
                            }
                        }
                        "Constraint" => self.constraint(v),
                        _ => {}
                    }
                }
                for (k, v) in map {
                    if k.ends_with("Stmt") {
                        self.statement(k, v);
                    } else {
                        self.walk(k, v, kind);
                    }
                }
            }
            _ => {}
        }
    }

    fn relation_with_verb(&mut self, rv: &Value, verb: &str) {
        let before = self.out.len();
        self.relation(rv, None);
        for r in &mut self.out[before..] {
            if !r.object.starts_with("schema ") {
                r.verb = verb.to_string();
            }
        }
    }

    /// Key and foreign key columns of a constraint.
    fn constraint(&mut self, con: &Value) {
        for c in names(con.get("keys")).into_iter().chain(names(con.get("fk_attrs"))) {
            self.columns.push((c, Scope::Target, "adds a constraint on".into()));
        }
        let Some(pk) = con.get("pktable").filter(|p| p.get("relname").is_some()) else { return };
        let parts: Vec<String> = [str_field(pk, "schemaname"), str_field(pk, "relname")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if let Some((qn, _)) = self.lookup(&parts, |qn| self.catalog.table(qn).map(|_| ())) {
            for c in names(con.get("pk_attrs")) {
                self.columns.push((c, Scope::Table(qn.clone()), "adds a foreign key to".into()));
            }
        }
    }
}
