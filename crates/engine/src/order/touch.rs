//! What one step (a statement or a migration) created, changed or dropped, object by object,
//! found by comparing two catalogs the way they share structure: `imbl`'s map diff skips every
//! node the two catalogs share, so a statement that touched one table costs one table, not the
//! whole catalog. Objects are identified by their creation `seq` (a stand-in for the OID), so a
//! rename is a change of the same object, not a drop and a create; a column by its table's
//! `seq` and its name (a renamed column is paired with the one that disappeared).
//!
//! Descriptions are the ones `diff` uses (`column status of table public.users`), so a schema
//! difference can be traced back to the migration that wrote the object.

use crate::diff::ChangeKind;
use imbl::OrdMap;
use schemasim_catalog::{quote_ident, Catalog, Column, Function, QualName, Relation, Table, TableDef};
use std::collections::BTreeMap;

/// A stable identity for an object across renames.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Id {
    Seq(u64),
    /// A column: its table's `seq` and its name.
    Column(u64, String),
}

/// One object a step created, changed or dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touch {
    pub id: Id,
    /// The description after the step (before it, for a dropped object).
    pub object: String,
    pub kind: ChangeKind,
    /// The description before the step, when the step renamed the object.
    pub renamed_from: Option<String>,
    /// The identity before the step, when it changed (a renamed column).
    pub old_id: Option<Id>,
    /// For a created object: what it depends on in the catalog after the step.
    pub needs: Vec<Need>,
}

/// An object a new object depends on, by name (resolved in the catalog after the step).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    Relation(QualName),
    Column(QualName, String),
    /// A type as `format_type` prints it (`public.mood[]`, `character varying(20)`).
    Type(String),
    /// Every function of this name (a trigger's function).
    Function(QualName),
}

fn column_needs(c: &Column) -> Vec<Need> {
    vec![Need::Type(c.type_name.clone())]
}

fn constraint_needs(c: &schemasim_catalog::Constraint) -> Vec<Need> {
    match &c.kind {
        schemasim_catalog::ConstraintKind::ForeignKey(fk) => std::iter::once(Need::Relation(fk.ref_table.clone()))
            .chain(fk.ref_columns.iter().map(|col| Need::Column(fk.ref_table.clone(), col.clone())))
            .collect(),
        _ => Vec::new(),
    }
}

fn relation_needs(rel: &Relation) -> Vec<Need> {
    match rel {
        Relation::Index(i) => std::iter::once(Need::Relation(i.table.clone()))
            .chain(i.key_columns.iter().chain(&i.include).map(|c| Need::Column(i.table.clone(), c.clone())))
            .collect(),
        Relation::View(v) => v
            .depends_on
            .iter()
            .map(|r| Need::Relation(r.clone()))
            .chain(v.column_deps.iter().map(|(t, c)| Need::Column(t.clone(), c.clone())))
            .collect(),
        Relation::Sequence(s) => s.owned_by.iter().map(|(t, c)| Need::Column(t.clone(), c.clone())).collect(),
        Relation::Table(t) => t
            .partition_of
            .iter()
            .map(|p| Need::Relation(p.parent.clone()))
            .chain(t.inherits.iter().map(|r| Need::Relation(r.clone())))
            .chain(t.of_type.iter().map(|ty| Need::Type(ty.to_string())))
            .collect(),
    }
}

fn type_needs(t: &schemasim_catalog::TypeDef) -> Vec<Need> {
    match &t.kind {
        schemasim_catalog::TypeKind::Domain(d) => vec![Need::Type(d.base_type.clone())],
        schemasim_catalog::TypeKind::Composite { attributes } => {
            attributes.iter().map(|(_, ty)| Need::Type(ty.clone())).collect()
        }
        schemasim_catalog::TypeKind::Range { subtype, .. } => vec![Need::Type(subtype.clone())],
        schemasim_catalog::TypeKind::Enum { .. } => Vec::new(),
    }
}

fn function_needs(f: &Function) -> Vec<Need> {
    f.key.arg_types.iter().chain(&f.returns).map(|t| Need::Type(t.clone())).collect()
}

pub fn relation_description(rel: &Relation) -> String {
    format!("{} {}", rel.kind_noun(), relation_name(rel))
}

fn relation_name(rel: &Relation) -> &QualName {
    match rel {
        Relation::Table(t) => &t.name,
        Relation::View(v) => &v.name,
        Relation::Sequence(s) => &s.name,
        Relation::Index(i) => &i.name,
    }
}

pub fn column_description(table: &QualName, column: &str) -> String {
    format!("column {column} of table {table}")
}

pub fn function_description(f: &Function) -> String {
    let what = if f.procedure { "procedure" } else { "function" };
    format!("{what} {}.{}", quote_ident(&f.key.name.schema), f.key)
}

/// Objects `diff` does not list on their own: a constraint's index, an identity's sequence.
fn tracked(rel: &Relation) -> bool {
    match rel {
        Relation::Index(i) => i.constraint.is_none(),
        Relation::Sequence(s) => !s.identity,
        _ => true,
    }
}

/// What changed from `a` to `b`.
pub fn touches(a: &Catalog, b: &Catalog) -> Vec<Touch> {
    let mut out = Vec::new();
    simple(&a.schemas, &b.schemas, |s| s.seq, |s| format!("schema {}", s.name), |_| Vec::new(), &mut out);
    simple(&a.extensions, &b.extensions, |e| e.seq, |e| format!("extension {}", e.name), |_| Vec::new(), &mut out);
    simple(&a.roles, &b.roles, |r| r.seq, |r| format!("role {}", r.name), |_| Vec::new(), &mut out);
    simple(&a.types, &b.types, |t| t.seq, |t| format!("type {}", t.name), type_needs, &mut out);
    simple(&a.functions, &b.functions, |f| f.seq, function_description, function_needs, &mut out);
    let (old, new) = paired(&a.relations, &b.relations, Relation::seq);
    for (seq, (before, after)) in pair_up(old, new) {
        match (before, after) {
            (Some(r), None) => added_or_removed(seq, r, ChangeKind::Removed, &mut out),
            (None, Some(r)) => added_or_removed(seq, r, ChangeKind::Added, &mut out),
            (Some(x), Some(y)) => match (x, y) {
                (Relation::Table(tx), Relation::Table(ty)) => table_changes(tx, ty, &mut out),
                _ if tracked(y) && x != y => out.push(Touch {
                    id: Id::Seq(seq),
                    object: relation_description(y),
                    kind: ChangeKind::Changed,
                    renamed_from: renamed(relation_description(x), relation_description(y)),
                    old_id: None,
                    needs: Vec::new(),
                }),
                _ => {}
            },
            (None, None) => {}
        }
    }
    out
}

fn renamed(before: String, after: String) -> Option<String> {
    (before != after).then_some(before)
}

/// The entries of two maps that differ, keyed by `seq`: `(removed or old, added or new)`.
fn paired<'a, K: Ord + Clone, V: Clone + PartialEq>(
    a: &'a OrdMap<K, V>,
    b: &'a OrdMap<K, V>,
    seq: impl Fn(&V) -> u64,
) -> (BTreeMap<u64, &'a V>, BTreeMap<u64, &'a V>) {
    let mut old = BTreeMap::new();
    let mut new = BTreeMap::new();
    for item in a.diff(b) {
        match item {
            imbl::ordmap::DiffItem::Add(_, v) => {
                new.insert(seq(v), v);
            }
            imbl::ordmap::DiffItem::Remove(_, v) => {
                old.insert(seq(v), v);
            }
            imbl::ordmap::DiffItem::Update { old: (_, x), new: (_, y) } => {
                old.insert(seq(x), x);
                new.insert(seq(y), y);
            }
        }
    }
    (old, new)
}

type Pairs<'a, V> = BTreeMap<u64, (Option<&'a V>, Option<&'a V>)>;

fn pair_up<'a, V>(old: BTreeMap<u64, &'a V>, new: BTreeMap<u64, &'a V>) -> Pairs<'a, V> {
    let mut out: Pairs<'a, V> = BTreeMap::new();
    for (seq, v) in old {
        out.entry(seq).or_default().0 = Some(v);
    }
    for (seq, v) in new {
        out.entry(seq).or_default().1 = Some(v);
    }
    out
}

fn simple<K: Ord + Clone, V: Clone + PartialEq>(
    a: &OrdMap<K, V>,
    b: &OrdMap<K, V>,
    seq: impl Fn(&V) -> u64,
    describe: impl Fn(&V) -> String,
    needs: impl Fn(&V) -> Vec<Need>,
    out: &mut Vec<Touch>,
) {
    let (old, new) = paired(a, b, seq);
    for (seq, pair) in pair_up(old, new) {
        let (kind, object, renamed_from, needs) = match pair {
            (Some(x), None) => (ChangeKind::Removed, describe(x), None, Vec::new()),
            (None, Some(y)) => (ChangeKind::Added, describe(y), None, needs(y)),
            (Some(x), Some(y)) if x != y => {
                (ChangeKind::Changed, describe(y), renamed(describe(x), describe(y)), Vec::new())
            }
            _ => continue,
        };
        out.push(Touch { id: Id::Seq(seq), object, kind, renamed_from, old_id: None, needs });
    }
}

/// A relation that appeared or disappeared, with everything a table holds.
fn added_or_removed(seq: u64, rel: &Relation, kind: ChangeKind, out: &mut Vec<Touch>) {
    if !tracked(rel) {
        return;
    }
    let added = kind == ChangeKind::Added;
    let needs = |n: Vec<Need>| if added { n } else { Vec::new() };
    out.push(Touch {
        id: Id::Seq(seq),
        object: relation_description(rel),
        kind,
        renamed_from: None,
        old_id: None,
        needs: needs(relation_needs(rel)),
    });
    if let Relation::Table(t) = rel {
        for c in &t.columns {
            out.push(Touch {
                id: Id::Column(t.seq, c.name.clone()),
                object: column_description(&t.name, &c.name),
                kind,
                renamed_from: None,
                old_id: None,
                needs: needs(column_needs(c)),
            });
        }
        for (seq, (object, part)) in parts_by_seq(t) {
            out.push(Touch {
                id: Id::Seq(seq),
                object,
                kind,
                renamed_from: None,
                old_id: None,
                needs: needs(part.needs()),
            });
        }
    }
}

/// The table without what is compared part by part.
fn header(t: &Table) -> TableDef {
    TableDef {
        columns: Vec::new(),
        constraints: Vec::new(),
        triggers: Vec::new(),
        policies: Vec::new(),
        ..TableDef::clone(t)
    }
}

fn table_changes(x: &Table, y: &Table, out: &mut Vec<Touch>) {
    let table_object = format!("table {}", y.name);
    if header(x) != header(y) {
        out.push(Touch {
            id: Id::Seq(y.seq),
            object: table_object,
            kind: ChangeKind::Changed,
            renamed_from: renamed(format!("table {}", x.name), format!("table {}", y.name)),
            old_id: None,
            needs: Vec::new(),
        });
    }
    column_changes(x, y, out);
    // Constraints, triggers and policies by seq.
    let before = parts_by_seq(x);
    let after = parts_by_seq(y);
    for (seq, (object, part)) in &before {
        let touch = |object: &String, kind, renamed_from| Touch {
            id: Id::Seq(*seq),
            object: object.clone(),
            kind,
            renamed_from,
            old_id: None,
            needs: Vec::new(),
        };
        match after.get(seq) {
            None => out.push(touch(object, ChangeKind::Removed, None)),
            Some((new_object, new_part)) if new_part != part || new_object != object => {
                out.push(touch(new_object, ChangeKind::Changed, renamed(object.clone(), new_object.clone())))
            }
            Some(_) => {}
        }
    }
    for (seq, (object, part)) in &after {
        if !before.contains_key(seq) {
            out.push(Touch {
                id: Id::Seq(*seq),
                object: object.clone(),
                kind: ChangeKind::Added,
                renamed_from: None,
                old_id: None,
                needs: part.needs(),
            });
        }
    }
}

#[derive(PartialEq)]
enum Part<'a> {
    Constraint(&'a schemasim_catalog::Constraint),
    Trigger(&'a schemasim_catalog::Trigger),
    Policy(&'a schemasim_catalog::Policy),
}

impl Part<'_> {
    fn needs(&self) -> Vec<Need> {
        match self {
            Part::Constraint(c) => constraint_needs(c),
            Part::Trigger(t) => vec![Need::Function(t.function.clone())],
            Part::Policy(_) => Vec::new(),
        }
    }
}

/// Each part's description and definition, by seq.
fn parts_by_seq(t: &Table) -> BTreeMap<u64, (String, Part<'_>)> {
    let mut out = BTreeMap::new();
    for c in &t.constraints {
        out.insert(c.seq, (format!("constraint {} on table {}", c.name, t.name), Part::Constraint(c)));
    }
    for tr in &t.triggers {
        out.insert(tr.seq, (format!("trigger {} on table {}", tr.name, t.name), Part::Trigger(tr)));
    }
    for p in &t.policies {
        out.insert(p.seq, (format!("policy {} on table {}", p.name, t.name), Part::Policy(p)));
    }
    out
}

/// Columns by name; a column that disappeared and one that appeared with the same definition
/// in the same place are one renamed column.
fn column_changes(x: &Table, y: &Table, out: &mut Vec<Touch>) {
    let mut removed: Vec<(usize, &Column)> =
        x.columns.iter().enumerate().filter(|(_, c)| y.column(&c.name).is_none()).collect();
    for (position, c) in y.columns.iter().enumerate() {
        let object = column_description(&y.name, &c.name);
        match x.column(&c.name) {
            Some(old) if old != c => out.push(Touch {
                id: Id::Column(y.seq, c.name.clone()),
                object,
                kind: ChangeKind::Changed,
                renamed_from: None,
                old_id: None,
                needs: Vec::new(),
            }),
            Some(_) => {}
            None => {
                let same = |old: &Column| Column { name: c.name.clone(), ..old.clone() } == *c;
                match removed.iter().position(|(p, old)| *p == position && same(old)) {
                    Some(i) => {
                        let (_, old) = removed.remove(i);
                        out.push(Touch {
                            id: Id::Column(y.seq, c.name.clone()),
                            object,
                            kind: ChangeKind::Changed,
                            renamed_from: Some(column_description(&x.name, &old.name)),
                            old_id: Some(Id::Column(x.seq, old.name.clone())),
                            needs: Vec::new(),
                        });
                    }
                    None => out.push(Touch {
                        id: Id::Column(y.seq, c.name.clone()),
                        object,
                        kind: ChangeKind::Added,
                        renamed_from: None,
                        old_id: None,
                        needs: column_needs(c),
                    }),
                }
            }
        }
    }
    for (_, c) in removed {
        out.push(Touch {
            id: Id::Column(x.seq, c.name.clone()),
            object: column_description(&x.name, &c.name),
            kind: ChangeKind::Removed,
            renamed_from: None,
            old_id: None,
            needs: Vec::new(),
        });
    }
}
