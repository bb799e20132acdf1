//! Dependencies as PostgreSQL records them in pg_depend, derived from the catalog on demand.
//!
//! A dependent is *normal* (DROP ... RESTRICT refuses with 2BP01 and DETAIL lines naming it,
//! CASCADE drops it with a NOTICE) or *automatic* (dropped silently with its referent: a
//! table's indexes, triggers, policies, constraints and owned sequences).

use crate::expr;
use schemasim_catalog::{Catalog, ConstraintKind, FunctionKey, QualName, Relation, TypeKind};

/// An object that can be dropped or depended on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Obj {
    Schema(String),
    Relation(QualName),
    Column(QualName, String),
    Default(QualName, String),
    Constraint(QualName, String),
    Policy(QualName, String),
    Trigger(QualName, String),
    Type(QualName),
    Function(FunctionKey),
    Extension(String),
    /// A statistics object: its table and its name.
    Statistics(QualName, QualName),
}

/// PostgreSQL's `getObjectDescription` wording.
pub fn describe(catalog: &Catalog, obj: &Obj) -> String {
    match obj {
        Obj::Schema(s) => format!("schema {s}"),
        Obj::Relation(qn) => {
            let noun = catalog.relations.get(qn).map_or("relation", |r| r.kind_noun());
            format!("{noun} {}", display_name(qn))
        }
        Obj::Column(t, c) => format!("column {c} of table {}", display_name(t)),
        Obj::Default(t, c) => format!("default value for column {c} of table {}", display_name(t)),
        Obj::Constraint(t, c) => format!("constraint {c} on table {}", display_name(t)),
        Obj::Policy(t, p) => format!("policy {p} on table {}", display_name(t)),
        Obj::Trigger(t, tr) => format!("trigger {tr} on table {}", display_name(t)),
        Obj::Type(qn) => format!("type {}", display_name(qn)),
        Obj::Function(k) => format!("function {k}"),
        Obj::Extension(e) => format!("extension {e}"),
        Obj::Statistics(_, s) => format!("statistics object {}", display_name(s)),
    }
}

/// Names in public print unqualified, as with PostgreSQL's default search_path.
fn display_name(qn: &QualName) -> String {
    if qn.schema == "public" {
        qn.name.clone()
    } else {
        format!("{}.{}", qn.schema, qn.name)
    }
}

/// Dependents of `obj`: `(normal, automatic)`.
pub fn dependents(catalog: &Catalog, obj: &Obj) -> (Vec<Obj>, Vec<Obj>) {
    let mut normal = Vec::new();
    let mut auto = Vec::new();
    match obj {
        Obj::Schema(s) => {
            for (qn, rel) in catalog.relations.iter() {
                if &qn.schema == s && !matches!(rel, Relation::Index(_)) && !is_owned_sequence(rel) {
                    normal.push(Obj::Relation(qn.clone()));
                }
            }
            for qn in catalog.types.keys() {
                if &qn.schema == s {
                    normal.push(Obj::Type(qn.clone()));
                }
            }
            for k in catalog.functions.keys() {
                if &k.name.schema == s {
                    normal.push(Obj::Function(k.clone()));
                }
            }
            for e in catalog.extensions.values() {
                if &e.schema == s {
                    normal.push(Obj::Extension(e.name.clone()));
                }
            }
        }
        Obj::Relation(qn) => relation_dependents(catalog, qn, &mut normal, &mut auto),
        Obj::Column(t, c) => column_dependents(catalog, t, c, &mut normal, &mut auto),
        Obj::Type(qn) => type_dependents(catalog, qn, &mut normal),
        Obj::Function(k) => function_dependents(catalog, k, &mut normal),
        Obj::Constraint(t, c) => {
            // Foreign keys elsewhere depend on the unique index a PK/UNIQUE constraint owns.
            if let Some(table) = catalog.table(t) {
                if let Some(con) = table.constraint(c) {
                    if let ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } =
                        &con.kind
                    {
                        fks_referencing(catalog, t, Some(columns), &mut normal);
                    }
                }
            }
        }
        Obj::Extension(e) => {
            for (k, f) in catalog.functions.iter() {
                if f.extension.as_deref() == Some(e.as_str()) {
                    auto.push(Obj::Function(k.clone()));
                }
            }
        }
        Obj::Default(..) | Obj::Policy(..) | Obj::Trigger(..) | Obj::Statistics(..) => {}
    }
    (normal, auto)
}

fn is_owned_sequence(rel: &Relation) -> bool {
    matches!(rel, Relation::Sequence(s) if s.owned_by.is_some())
}

fn fks_referencing(catalog: &Catalog, target: &QualName, columns: Option<&Vec<String>>, out: &mut Vec<Obj>) {
    for (qn, rel) in catalog.relations.iter() {
        let Relation::Table(t) = rel else { continue };
        for con in &t.constraints {
            if let ConstraintKind::ForeignKey(fk) = &con.kind {
                let same_table = qn == target;
                let matches_cols = columns.is_none_or(|cols| fk.ref_columns.iter().all(|c| cols.contains(c)));
                if &fk.ref_table == target && !same_table && matches_cols {
                    out.push(Obj::Constraint(qn.clone(), con.name.clone()));
                }
            }
        }
    }
}

fn relation_dependents(catalog: &Catalog, qn: &QualName, normal: &mut Vec<Obj>, auto: &mut Vec<Obj>) {
    for (other, rel) in catalog.relations.iter() {
        match rel {
            Relation::View(v) if v.depends_on.contains(qn) && other != qn => normal.push(Obj::Relation(other.clone())),
            Relation::Index(i) if &i.table == qn && i.constraint.is_none() => auto.push(Obj::Relation(other.clone())),
            Relation::Sequence(s) if s.owned_by.as_ref().is_some_and(|(t, _)| t == qn) => {
                auto.push(Obj::Relation(other.clone()))
            }
            Relation::Table(t) if other != qn => {
                if t.partition_of.as_ref().is_some_and(|p| &p.parent == qn) {
                    auto.push(Obj::Relation(other.clone()));
                } else if t.inherits.contains(qn) {
                    normal.push(Obj::Relation(other.clone()));
                }
                for c in &t.columns {
                    if type_mentions(&c.type_name, qn) {
                        normal.push(Obj::Column(other.clone(), c.name.clone()));
                    }
                }
            }
            _ => {}
        }
    }
    if matches!(catalog.relations.get(qn), Some(Relation::Table(_))) {
        fks_referencing(catalog, qn, None, normal);
        if let Some(t) = catalog.table(qn) {
            for con in &t.constraints {
                auto.push(Obj::Constraint(qn.clone(), con.name.clone()));
            }
        }
    }
    for (k, f) in catalog.functions.iter() {
        if k.arg_types.iter().any(|a| type_mentions(a, qn))
            || f.returns.as_deref().is_some_and(|r| type_mentions(r, qn))
        {
            normal.push(Obj::Function(k.clone()));
        }
    }
}

fn column_dependents(catalog: &Catalog, t: &QualName, c: &str, normal: &mut Vec<Obj>, auto: &mut Vec<Obj>) {
    let Some(table) = catalog.table(t) else {
        return;
    };
    for (other, rel) in catalog.relations.iter() {
        match rel {
            Relation::View(v) if v.column_deps.iter().any(|(vt, vc)| vt == t && vc == c) => {
                normal.push(Obj::Relation(other.clone()))
            }
            Relation::Index(i) if &i.table == t && i.constraint.is_none() => {
                let uses = i.key_columns.iter().any(|k| k == c)
                    || i.include.iter().any(|k| k == c)
                    || i.predicate.as_deref().is_some_and(|p| text_mentions_column(p, c));
                if uses {
                    auto.push(Obj::Relation(other.clone()));
                }
            }
            Relation::Sequence(s) if s.owned_by.as_ref().is_some_and(|(st, sc)| st == t && sc == c) => {
                auto.push(Obj::Relation(other.clone()))
            }
            _ => {}
        }
    }
    for con in &table.constraints {
        let uses = match &con.kind {
            ConstraintKind::PrimaryKey { columns, include, .. } | ConstraintKind::Unique { columns, include, .. } => {
                columns.iter().chain(include).any(|k| k == c)
            }
            ConstraintKind::Check { expr } => text_mentions_column(expr, c),
            ConstraintKind::ForeignKey(fk) => fk.columns.iter().any(|k| k == c),
            ConstraintKind::Exclude { definition, .. } => text_mentions_column(definition, c),
        };
        if uses {
            auto.push(Obj::Constraint(t.clone(), con.name.clone()));
            if let ConstraintKind::PrimaryKey { columns, .. } | ConstraintKind::Unique { columns, .. } = &con.kind {
                fks_referencing(catalog, t, Some(columns), normal);
            }
        }
    }
    // Foreign keys from other tables that reference this column.
    for (qn, rel) in catalog.relations.iter() {
        if let Relation::Table(other) = rel {
            for con in &other.constraints {
                if let ConstraintKind::ForeignKey(fk) = &con.kind {
                    if &fk.ref_table == t && fk.ref_columns.iter().any(|k| k == c) && qn != t {
                        let o = Obj::Constraint(qn.clone(), con.name.clone());
                        if !normal.contains(&o) {
                            normal.push(o);
                        }
                    }
                }
            }
        }
    }
    for p in &table.policies {
        let uses = p.using.as_deref().is_some_and(|e| text_mentions_column(e, c))
            || p.with_check.as_deref().is_some_and(|e| text_mentions_column(e, c));
        if uses {
            normal.push(Obj::Policy(t.clone(), p.name.clone()));
        }
    }
    for s in &table.ext_statistics {
        if crate::ddl::statistics::uses_column(s, c) {
            auto.push(Obj::Statistics(t.clone(), s.name.clone()));
        }
    }
    for tr in &table.triggers {
        if trigger_uses_column(&tr.definition, c) {
            normal.push(Obj::Trigger(t.clone(), tr.name.clone()));
        }
    }
    for other in &table.columns {
        if other.name != c && other.generated.as_deref().is_some_and(|g| text_mentions_column(g, c)) {
            normal.push(Obj::Column(t.clone(), other.name.clone()));
        }
    }
}

fn type_dependents(catalog: &Catalog, qn: &QualName, normal: &mut Vec<Obj>) {
    for (other, rel) in catalog.relations.iter() {
        if let Relation::Table(t) = rel {
            for c in &t.columns {
                if type_mentions(&c.type_name, qn) && !c.inherited {
                    normal.push(Obj::Column(other.clone(), c.name.clone()));
                }
            }
        }
    }
    for (other, ty) in catalog.types.iter() {
        let uses = match &ty.kind {
            TypeKind::Domain(d) => type_mentions(&d.base_type, qn),
            TypeKind::Composite { attributes } => attributes.iter().any(|(_, t)| type_mentions(t, qn)),
            _ => false,
        };
        if uses && other != qn {
            normal.push(Obj::Type(other.clone()));
        }
    }
    for (k, f) in catalog.functions.iter() {
        if k.arg_types.iter().any(|a| type_mentions(a, qn))
            || f.returns.as_deref().is_some_and(|r| type_mentions(r, qn))
        {
            normal.push(Obj::Function(k.clone()));
        }
    }
}

fn function_dependents(catalog: &Catalog, key: &FunctionKey, normal: &mut Vec<Obj>) {
    for (qn, rel) in catalog.relations.iter() {
        match rel {
            Relation::Table(t) => {
                for tr in &t.triggers {
                    if tr.function == key.name {
                        normal.push(Obj::Trigger(qn.clone(), tr.name.clone()));
                    }
                }
                for p in &t.policies {
                    let uses = [&p.using, &p.with_check].into_iter().flatten().any(|e| text_calls(e, &key.name));
                    if uses {
                        normal.push(Obj::Policy(qn.clone(), p.name.clone()));
                    }
                }
                for c in &t.columns {
                    if c.default.as_deref().is_some_and(|d| text_calls(d, &key.name)) {
                        normal.push(Obj::Default(qn.clone(), c.name.clone()));
                    }
                }
                for con in &t.constraints {
                    if let ConstraintKind::Check { expr } = &con.kind {
                        if text_calls(expr, &key.name) {
                            normal.push(Obj::Constraint(qn.clone(), con.name.clone()));
                        }
                    }
                }
            }
            Relation::View(v) if text_calls(&v.query, &key.name) => normal.push(Obj::Relation(qn.clone())),
            Relation::Index(i) => {
                let uses = i.elements.iter().any(|e| text_calls(e, &key.name))
                    || i.predicate.as_deref().is_some_and(|p| text_calls(p, &key.name));
                if uses {
                    normal.push(Obj::Relation(qn.clone()));
                }
            }
            _ => {}
        }
    }
}

/// Does a `format_type` text refer to type `qn` (also as an array)?
pub fn type_mentions(type_text: &str, qn: &QualName) -> bool {
    let base = type_text.trim_end_matches("[]");
    let base = base.split('(').next().unwrap_or(base);
    // Cheap test first (format_type text always contains the bare name).
    if !base.contains(qn.name.as_str()) && !qn.name.contains('"') {
        return false;
    }
    base == qn.to_string()
}

/// Does stored SQL text read column `c` (as an identifier, not in a string)?
pub fn text_mentions_column(text: &str, c: &str) -> bool {
    match expr::parse_expr(text) {
        Ok(node) => expr::column_refs(&node).iter().any(|r| r == c),
        Err(_) => expr::rename_identifier(text, c, "\u{1}") != text,
    }
}

/// Does stored SQL text call function `name` (matched by name, and by schema when qualified)?
pub fn text_calls(text: &str, name: &QualName) -> bool {
    // Cheap test first: the name must appear in the text at all.
    if !text.to_lowercase().contains(&name.name.to_lowercase()) {
        return false;
    }
    let tree = match pg_query::parse(&format!("SELECT {text}")) {
        Ok(t) => t,
        Err(_) => match pg_query::parse(text) {
            Ok(t) => t,
            Err(_) => return false,
        },
    };
    tree.protobuf.stmts.iter().filter_map(|s| s.stmt.as_deref()).any(|stmt| {
        expr::function_calls(stmt).iter().any(|parts| match parts.as_slice() {
            [n] => n == &name.name,
            [s, n] => s == &name.schema && n == &name.name,
            _ => false,
        })
    })
}

/// Does a CREATE TRIGGER definition name column `c` in `UPDATE OF` or read it in `WHEN`?
pub fn trigger_uses_column(definition: &str, c: &str) -> bool {
    let Ok(parsed) = pg_query::parse(definition) else {
        return false;
    };
    let Some(pg_query::NodeEnum::CreateTrigStmt(t)) =
        parsed.protobuf.stmts.first().and_then(|s| s.stmt.as_ref()).and_then(|s| s.node.as_ref())
    else {
        return false;
    };
    crate::types::name_list(&t.columns).iter().any(|x| x == c)
        || t.when_clause.as_deref().is_some_and(|w| expr::column_refs(w).iter().any(|r| r == c))
}
