//! The audit report of one schema state: what a database review looks at, computed from the
//! catalog alone (no database): schemas and their tables, foreign keys and the indexes that
//! support them, indexes (unique, partial, duplicate), enums, CHECK and UNIQUE constraints, row
//! level security coverage, SECURITY DEFINER functions and their search_path, triggers, and how
//! many migrations produced the state.
//!
//! [`AuditReport::sections`] gives the same content as titled tables of text, ready to print.

use schemasim_catalog::{quote_ident, Catalog, ConstraintKind, Index, Relation, Table, TypeKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaAudit {
    pub name: String,
    pub tables: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableAudit {
    pub name: String,
    pub columns: usize,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    /// `name (COMMAND)`, `name (COMMAND, restrictive)`.
    pub policies: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKeyAudit {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
    pub references: String,
    /// A non-partial index of the table starts with exactly these columns.
    pub indexed: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexAudit {
    pub name: String,
    pub table: String,
    pub unique: bool,
    pub primary: bool,
    /// The WHERE clause of a partial index.
    pub predicate: Option<String>,
    pub method: String,
    pub elements: Vec<String>,
    /// An earlier index of the same table with the same definition.
    pub duplicate_of: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumAudit {
    pub name: String,
    pub values: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConstraintAudit {
    pub table: String,
    pub name: String,
    /// `check` or `unique`.
    pub kind: String,
    pub definition: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionAudit {
    pub name: String,
    pub security_definer: bool,
    /// `SET` clauses (`search_path=""`).
    pub settings: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerAudit {
    pub table: String,
    pub name: String,
    pub function: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoftDeleteAudit {
    pub table: String,
    /// Partial indexes `WHERE deleted_at IS NULL ...`.
    pub partial_indexes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RlsFindings {
    /// Schemas some role was granted USAGE on, or holding a table granted to a role (what an
    /// API role such as PostgREST's `anon` can reach).
    pub exposed_schemas: Vec<String>,
    /// Tables of those schemas without RLS.
    pub exposed_without_rls: Vec<String>,
    pub enabled_without_policy: Vec<String>,
    pub policies_without_rls: Vec<String>,
    /// Tables without RLS in a schema where other tables have it (a tenant table forgotten?).
    pub partly_covered_schemas: Vec<String>,
    /// RLS tables and the commands no permissive policy allows (`feedback.responses: INSERT,
    /// UPDATE, DELETE`): denied to every role but the owner.
    pub commands_without_policy: Vec<(String, Vec<String>)>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub migrations: usize,
    pub schemas: Vec<SchemaAudit>,
    pub tables: Vec<TableAudit>,
    pub foreign_keys: Vec<ForeignKeyAudit>,
    pub indexes: Vec<IndexAudit>,
    pub enums: Vec<EnumAudit>,
    pub constraints: Vec<ConstraintAudit>,
    pub rls: RlsFindings,
    pub functions: Vec<FunctionAudit>,
    /// SECURITY DEFINER functions without `SET search_path`.
    pub security_definer_without_search_path: Vec<String>,
    pub triggers: Vec<TriggerAudit>,
    pub soft_delete: Vec<SoftDeleteAudit>,
}

/// A titled table of text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The first word of an index element when it is a plain column (`created_at DESC` →
/// `created_at`); `None` for an expression.
fn element_column(element: &str) -> Option<String> {
    let first = element.split_whitespace().next()?;
    if first.contains('(') {
        return None;
    }
    Some(first.trim_matches('"').to_string())
}

fn supports(index: &Index, columns: &[String]) -> bool {
    if index.predicate.is_some() || index.elements.len() < columns.len() {
        return false;
    }
    let mut leading: Vec<Option<String>> = index.elements[..columns.len()].iter().map(|e| element_column(e)).collect();
    let mut wanted: Vec<Option<String>> = columns.iter().cloned().map(Some).collect();
    leading.sort();
    wanted.sort();
    leading == wanted
}

fn policy_label(p: &schemasim_catalog::Policy) -> String {
    if p.permissive {
        format!("{} ({})", p.name, p.command)
    } else {
        format!("{} ({}, restrictive)", p.name, p.command)
    }
}

/// The audit of `catalog`, reached by `migrations` migrations.
pub fn audit(catalog: &Catalog, migrations: usize) -> AuditReport {
    let tables: Vec<&Table> = catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    let indexes: Vec<&Index> = catalog
        .relations
        .values()
        .filter_map(|r| match r {
            Relation::Index(i) => Some(i),
            _ => None,
        })
        .collect();
    let mut report = AuditReport { migrations, ..Default::default() };
    report.schemas = catalog
        .schemas
        .values()
        .map(|s| SchemaAudit {
            name: s.name.clone(),
            tables: tables.iter().filter(|t| t.name.schema == s.name).count(),
        })
        .collect();
    for t in &tables {
        let mut policies: Vec<String> = t.policies.iter().map(policy_label).collect();
        policies.sort();
        report.tables.push(TableAudit {
            name: t.name.to_string(),
            columns: t.columns.len(),
            rls_enabled: t.rls_enabled,
            rls_forced: t.rls_forced,
            policies,
        });
        let own: Vec<&&Index> = indexes.iter().filter(|i| i.table == t.name).collect();
        for c in &t.constraints {
            match &c.kind {
                ConstraintKind::ForeignKey(fk) => report.foreign_keys.push(ForeignKeyAudit {
                    table: t.name.to_string(),
                    name: c.name.clone(),
                    columns: fk.columns.clone(),
                    references: fk.ref_table.to_string(),
                    indexed: own.iter().any(|i| supports(i, &fk.columns)),
                }),
                ConstraintKind::Check { expr } => report.constraints.push(ConstraintAudit {
                    table: t.name.to_string(),
                    name: c.name.clone(),
                    kind: "check".into(),
                    definition: format!("CHECK ({expr})"),
                }),
                ConstraintKind::Unique { columns, .. } => report.constraints.push(ConstraintAudit {
                    table: t.name.to_string(),
                    name: c.name.clone(),
                    kind: "unique".into(),
                    definition: format!(
                        "UNIQUE ({})",
                        columns.iter().map(|c| quote_ident(c)).collect::<Vec<_>>().join(", ")
                    ),
                }),
                _ => {}
            }
        }
        for tr in &t.triggers {
            report.triggers.push(TriggerAudit {
                table: t.name.to_string(),
                name: tr.name.clone(),
                function: tr.function.to_string(),
            });
        }
        if t.column("deleted_at").is_some() {
            let mut partial: Vec<String> = own
                .iter()
                .filter(|i| {
                    i.predicate.as_deref().is_some_and(|p| {
                        let p = p.to_lowercase().replace(['(', ')'], "");
                        p.contains("deleted_at is null")
                    })
                })
                .map(|i| i.name.to_string())
                .collect();
            partial.sort();
            report.soft_delete.push(SoftDeleteAudit { table: t.name.to_string(), partial_indexes: partial });
        }
    }
    let mut by_seq = indexes.clone();
    by_seq.sort_by_key(|i| i.seq);
    for (k, i) in by_seq.iter().enumerate() {
        let duplicate_of = by_seq[..k]
            .iter()
            .find(|o| {
                o.table == i.table
                    && o.elements == i.elements
                    && o.predicate == i.predicate
                    && o.include == i.include
                    && o.method == i.method
            })
            .map(|o| o.name.to_string());
        let primary = i.constraint.as_ref().is_some_and(|c| {
            catalog
                .table(&i.table)
                .and_then(|t| t.constraint(c))
                .is_some_and(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
        });
        report.indexes.push(IndexAudit {
            name: i.name.to_string(),
            table: i.table.to_string(),
            unique: i.unique,
            primary,
            predicate: i.predicate.clone(),
            method: i.method.clone(),
            elements: i.elements.clone(),
            duplicate_of,
        });
    }
    report.indexes.sort_by(|a, b| (&a.table, &a.name).cmp(&(&b.table, &b.name)));
    report.enums = catalog
        .types
        .values()
        .filter_map(|t| match &t.kind {
            TypeKind::Enum { values } => Some(EnumAudit { name: t.name.to_string(), values: values.clone() }),
            _ => None,
        })
        .collect();
    report.rls = rls_findings(catalog, &tables);
    for f in catalog.functions.values().filter(|f| f.extension.is_none()) {
        let name = format!("{}.{}", f.key.name.schema, f.key);
        if f.security_definer && !f.config.iter().any(|c| c.to_lowercase().starts_with("search_path")) {
            report.security_definer_without_search_path.push(name.clone());
        }
        if f.security_definer || !f.config.is_empty() {
            report.functions.push(FunctionAudit {
                name,
                security_definer: f.security_definer,
                settings: function_settings(&f.definition),
            });
        }
    }
    report
}

/// The `SET name = value` clauses of a function definition, as `proconfig` shows them
/// (`search_path=""`, `search_path=public, pg_temp`).
fn function_settings(definition: &str) -> Vec<String> {
    use pg_query::NodeEnum;
    let Ok(parsed) = pg_query::parse(definition) else { return Vec::new() };
    let Some(NodeEnum::CreateFunctionStmt(f)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return Vec::new();
    };
    f.options
        .iter()
        .filter_map(|o| match o.node.as_ref() {
            Some(NodeEnum::DefElem(d)) if d.defname == "set" => match d.arg.as_deref().and_then(|a| a.node.as_ref()) {
                Some(NodeEnum::VariableSetStmt(v)) => {
                    let values: Vec<String> = v
                        .args
                        .iter()
                        .filter_map(|a| match a.node.as_ref() {
                            Some(NodeEnum::AConst(c)) => match &c.val {
                                Some(pg_query::protobuf::a_const::Val::Sval(s)) if s.sval.is_empty() => {
                                    Some("\"\"".to_string())
                                }
                                Some(pg_query::protobuf::a_const::Val::Sval(s)) => Some(s.sval.clone()),
                                Some(pg_query::protobuf::a_const::Val::Ival(i)) => Some(i.ival.to_string()),
                                _ => None,
                            },
                            _ => None,
                        })
                        .collect();
                    Some(if values.is_empty() { v.name.clone() } else { format!("{}={}", v.name, values.join(", ")) })
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn rls_findings(catalog: &Catalog, tables: &[&Table]) -> RlsFindings {
    let granted = |g: &[schemasim_catalog::Grant]| g.iter().any(|g| g.grantee != "postgres");
    let mut exposed: Vec<String> = catalog
        .schemas
        .values()
        .filter(|s| {
            s.grants.iter().any(|g| g.grantee != "postgres" && g.privileges.iter().any(|p| p == "USAGE" || p == "ALL"))
                || tables.iter().any(|t| t.name.schema == s.name && granted(&t.grants))
        })
        .map(|s| s.name.clone())
        .collect();
    exposed.sort();
    let mut out = RlsFindings { exposed_schemas: exposed.clone(), ..Default::default() };
    for t in tables {
        let name = t.name.to_string();
        if !t.rls_enabled && tables.iter().any(|o| o.name.schema == t.name.schema && o.rls_enabled) {
            out.partly_covered_schemas.push(name.clone());
        }
        if exposed.contains(&t.name.schema) && !t.rls_enabled {
            out.exposed_without_rls.push(name.clone());
        }
        if t.rls_enabled && t.policies.is_empty() {
            out.enabled_without_policy.push(name.clone());
        }
        if !t.rls_enabled && !t.policies.is_empty() {
            out.policies_without_rls.push(name.clone());
        }
        if t.rls_enabled && !t.policies.is_empty() {
            let allowed =
                |cmd: &str| t.policies.iter().any(|p| p.permissive && (p.command == "ALL" || p.command == cmd));
            let missing: Vec<String> = ["SELECT", "INSERT", "UPDATE", "DELETE"]
                .iter()
                .filter(|c| !allowed(c))
                .map(|c| c.to_string())
                .collect();
            if !missing.is_empty() {
                out.commands_without_policy.push((name, missing));
            }
        }
    }
    out
}

fn yes(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn section(title: &str, header: &[&str], rows: Vec<Vec<String>>) -> Section {
    Section { title: title.into(), header: header.iter().map(|h| h.to_string()).collect(), rows }
}

impl AuditReport {
    /// The report as titled tables, in reading order.
    pub fn sections(&self) -> Vec<Section> {
        let unindexed: Vec<&ForeignKeyAudit> = self.foreign_keys.iter().filter(|f| !f.indexed).collect();
        let duplicates: Vec<&IndexAudit> = self.indexes.iter().filter(|i| i.duplicate_of.is_some()).collect();
        let mut out = vec![
            section(
                "Summary",
                &["item", "count"],
                vec![
                    vec!["migrations".into(), self.migrations.to_string()],
                    vec!["schemas".into(), self.schemas.len().to_string()],
                    vec!["tables".into(), self.tables.len().to_string()],
                    vec!["foreign keys".into(), self.foreign_keys.len().to_string()],
                    vec!["foreign keys without a supporting index".into(), unindexed.len().to_string()],
                    vec!["indexes".into(), self.indexes.len().to_string()],
                    vec!["duplicate indexes".into(), duplicates.len().to_string()],
                    vec!["enums".into(), self.enums.len().to_string()],
                    vec!["policies".into(), self.tables.iter().map(|t| t.policies.len()).sum::<usize>().to_string()],
                    vec!["triggers".into(), self.triggers.len().to_string()],
                    vec![
                        "SECURITY DEFINER without search_path".into(),
                        self.security_definer_without_search_path.len().to_string(),
                    ],
                ],
            ),
            section(
                "Schemas",
                &["schema", "tables"],
                self.schemas.iter().map(|s| vec![s.name.clone(), s.tables.to_string()]).collect(),
            ),
            section(
                "Tables",
                &["table", "columns", "RLS", "forced", "policies"],
                self.tables
                    .iter()
                    .map(|t| {
                        vec![
                            t.name.clone(),
                            t.columns.to_string(),
                            yes(t.rls_enabled),
                            yes(t.rls_forced),
                            t.policies.join(", "),
                        ]
                    })
                    .collect(),
            ),
            section(
                "Foreign keys without a supporting index",
                &["table", "foreign key", "columns", "references"],
                unindexed
                    .iter()
                    .map(|f| vec![f.table.clone(), f.name.clone(), f.columns.join(", "), f.references.clone()])
                    .collect(),
            ),
            section(
                "Foreign keys",
                &["table", "foreign key", "columns", "references", "indexed"],
                self.foreign_keys
                    .iter()
                    .map(|f| {
                        vec![
                            f.table.clone(),
                            f.name.clone(),
                            f.columns.join(", "),
                            f.references.clone(),
                            yes(f.indexed),
                        ]
                    })
                    .collect(),
            ),
            section(
                "Indexes",
                &["index", "table", "kind", "definition", "duplicate of"],
                self.indexes
                    .iter()
                    .map(|i| {
                        let kind = match (i.primary, i.unique, &i.predicate) {
                            (true, _, _) => "primary key".to_string(),
                            (_, true, Some(_)) => "unique, partial".to_string(),
                            (_, true, None) => "unique".to_string(),
                            (_, false, Some(_)) => "partial".to_string(),
                            (_, false, None) => String::new(),
                        };
                        let mut def = format!("{} ({})", i.method, i.elements.join(", "));
                        if let Some(p) = &i.predicate {
                            def.push_str(&format!(" WHERE {p}"));
                        }
                        vec![i.name.clone(), i.table.clone(), kind, def, i.duplicate_of.clone().unwrap_or_default()]
                    })
                    .collect(),
            ),
            section(
                "Enums",
                &["enum", "values"],
                self.enums.iter().map(|e| vec![e.name.clone(), e.values.join(", ")]).collect(),
            ),
            section(
                "CHECK and UNIQUE constraints",
                &["table", "constraint", "kind", "definition"],
                self.constraints
                    .iter()
                    .map(|c| vec![c.table.clone(), c.name.clone(), c.kind.clone(), c.definition.clone()])
                    .collect(),
            ),
        ];
        let rls = &self.rls;
        let mut rls_rows: Vec<Vec<String>> = Vec::new();
        rls_rows.extend(
            rls.exposed_without_rls.iter().map(|t| vec![t.clone(), "no RLS in a schema exposed to API roles".into()]),
        );
        rls_rows.extend(
            rls.partly_covered_schemas
                .iter()
                .map(|t| vec![t.clone(), "no RLS, while other tables of its schema have it".into()]),
        );
        rls_rows.extend(rls.enabled_without_policy.iter().map(|t| vec![t.clone(), "RLS enabled, no policy".into()]));
        rls_rows.extend(rls.policies_without_rls.iter().map(|t| vec![t.clone(), "policies, but RLS disabled".into()]));
        rls_rows.extend(
            rls.commands_without_policy
                .iter()
                .map(|(t, cmds)| vec![t.clone(), format!("no permissive policy for {}", cmds.join(", "))]),
        );
        let exposed = if rls.exposed_schemas.is_empty() { "none".to_string() } else { rls.exposed_schemas.join(", ") };
        out.push(section(
            &format!("Row level security (schemas exposed to API roles: {exposed})"),
            &["table", "finding"],
            rls_rows,
        ));
        out.push(section(
            "Functions with SECURITY DEFINER or SET",
            &["function", "security definer", "settings", "finding"],
            self.functions
                .iter()
                .map(|f| {
                    let finding = if self.security_definer_without_search_path.contains(&f.name) {
                        "SECURITY DEFINER without SET search_path"
                    } else {
                        ""
                    };
                    vec![f.name.clone(), yes(f.security_definer), f.settings.join("; "), finding.into()]
                })
                .collect(),
        ));
        out.push(section(
            "Triggers",
            &["table", "trigger", "function"],
            self.triggers.iter().map(|t| vec![t.table.clone(), t.name.clone(), t.function.clone()]).collect(),
        ));
        out.push(section(
            "Soft-delete tables (deleted_at) and their WHERE deleted_at IS NULL indexes",
            &["table", "partial indexes"],
            self.soft_delete.iter().map(|s| vec![s.table.clone(), s.partial_indexes.join(", ")]).collect(),
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::audit;
    use crate::{replay, Migration, ReplayOptions};

    fn report(sql: &str) -> super::AuditReport {
        let m = Migration { name: "1".into(), path: "1.sql".into(), sql: sql.into(), transaction: true };
        let r = replay(&[m], &ReplayOptions::default());
        audit(&r.catalog, 1)
    }

    #[test]
    fn foreign_keys_need_a_full_index_on_their_leading_columns() {
        let r = report(
            "CREATE TABLE p (id int PRIMARY KEY); \
             CREATE TABLE c (id int PRIMARY KEY, a int REFERENCES p, b int REFERENCES p, d int REFERENCES p, deleted_at timestamptz); \
             CREATE INDEX c_a ON c (a, id); CREATE INDEX c_b ON c (b) WHERE deleted_at IS NULL; CREATE INDEX c_d ON c (id, d); \
             CREATE INDEX c_a2 ON c (a, id);",
        );
        let unindexed: Vec<&str> = r.foreign_keys.iter().filter(|f| !f.indexed).map(|f| f.name.as_str()).collect();
        assert_eq!(unindexed, vec!["c_b_fkey", "c_d_fkey"]);
        let dup: Vec<_> =
            r.indexes.iter().filter_map(|i| i.duplicate_of.as_deref().map(|d| (i.name.as_str(), d))).collect();
        assert_eq!(dup, vec![("public.c_a2", "public.c_a")]);
        assert_eq!(r.soft_delete[0].partial_indexes, vec!["public.c_b".to_string()]);
    }

    #[test]
    fn rls_coverage_and_security_definer() {
        let r = report(
            "CREATE ROLE anon; CREATE SCHEMA api; GRANT USAGE ON SCHEMA api TO anon; \
             CREATE TABLE api.open (id int); CREATE TABLE api.locked (id int); ALTER TABLE api.locked ENABLE ROW LEVEL SECURITY; \
             CREATE TABLE api.read (id int); ALTER TABLE api.read ENABLE ROW LEVEL SECURITY; CREATE POLICY r ON api.read FOR SELECT USING (true); \
             CREATE TABLE public.loose (id int); CREATE POLICY p ON public.loose USING (true); \
             CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$; \
             CREATE FUNCTION g() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;",
        );
        assert_eq!(r.rls.exposed_schemas, vec!["api"]);
        assert_eq!(r.rls.exposed_without_rls, vec!["api.open"]);
        assert_eq!(r.rls.enabled_without_policy, vec!["api.locked"]);
        assert_eq!(r.rls.policies_without_rls, vec!["public.loose"]);
        assert_eq!(
            r.rls.commands_without_policy,
            vec![("api.read".to_string(), vec!["INSERT".to_string(), "UPDATE".into(), "DELETE".into()])]
        );
        assert_eq!(r.rls.partly_covered_schemas, vec!["api.open"]);
        assert_eq!(r.security_definer_without_search_path, vec!["public.f()"]);
        assert_eq!(r.functions.len(), 2);
        assert_eq!(r.functions[1].settings, vec!["search_path=\"\"".to_string()]);
    }
}
