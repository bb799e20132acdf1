//! The schema model: what a PostgreSQL 17 database's catalog holds after a migration history ran.
//!
//! Plain serde data, no parser and no IO. Every top-level collection is a persistent map
//! (`imbl::OrdMap`), so cloning a [`Catalog`] is O(1) and a snapshot after every statement of a
//! 300-migration history shares almost all of its structure with its neighbours.
//!
//! Invariants:
//! - names are stored as PostgreSQL stores them (already case-folded by the parser, unquoted);
//! - `Table::columns` is in attnum order, without dropped columns;
//! - expressions (defaults, CHECKs, policies, view queries...) are stored as SQL text that
//!   PostgreSQL accepts back; the engine re-parses them when a rename must propagate;
//! - every object carries a creation `seq` (a stand-in for its OID) so consumers can order
//!   objects as they were created.

mod function;
mod names;
mod relation;
mod shared;
mod types;

pub use function::*;
pub use names::*;
pub use relation::*;
pub use shared::Shared;
pub use types::*;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

/// The whole catalog at one point of a replay. Maps serialize as lists of their values (each
/// value carries its own key), so the serde form is plain JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    #[serde(with = "keyed")]
    pub schemas: OrdMap<String, Schema>,
    /// Tables, views, materialized views, sequences and indexes: one namespace per schema, as in pg_class.
    #[serde(with = "keyed")]
    pub relations: OrdMap<QualName, Relation>,
    /// Enum, domain and composite types (pg_type entries a user created).
    #[serde(with = "keyed")]
    pub types: OrdMap<QualName, TypeDef>,
    #[serde(with = "keyed")]
    pub functions: OrdMap<FunctionKey, Function>,
    #[serde(with = "keyed")]
    pub extensions: OrdMap<String, Extension>,
    #[serde(with = "keyed")]
    pub roles: OrdMap<String, Role>,
    /// Next creation sequence number (a stand-in for OID allocation).
    pub next_seq: u64,
    /// Names of functions created by statements whose effects are not simulated (`CREATE
    /// AGGREGATE`): calls to them cannot be judged, so they are never reported as unknown.
    #[serde(default, skip_serializing_if = "imbl::OrdSet::is_empty")]
    pub unmodelled_functions: imbl::OrdSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schema {
    pub name: String,
    pub seq: u64,
    pub owner: Option<String>,
    pub comment: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub seq: u64,
    pub version: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub seq: u64,
    pub login: bool,
    pub superuser: bool,
    pub member_of: Vec<String>,
}

/// A privilege granted on an object (`GRANT SELECT, INSERT ON t TO r`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub grantee: String,
    /// Upper-case privilege names (`SELECT`, `USAGE`, `ALL`...).
    pub privileges: Vec<String>,
    /// Column-level grant when non-empty.
    pub columns: Vec<String>,
    pub with_grant_option: bool,
}

/// A catalog value that knows its own map key.
pub trait Keyed {
    type Key: Ord + Clone;
    fn key(&self) -> Self::Key;
}

impl Keyed for Schema {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for Extension {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for Role {
    type Key = String;
    fn key(&self) -> String {
        self.name.clone()
    }
}

impl Keyed for TypeDef {
    type Key = QualName;
    fn key(&self) -> QualName {
        self.name.clone()
    }
}

impl Keyed for Function {
    type Key = FunctionKey;
    fn key(&self) -> FunctionKey {
        self.key.clone()
    }
}

impl Keyed for Relation {
    type Key = QualName;
    fn key(&self) -> QualName {
        match self {
            Relation::Table(t) => t.name.clone(),
            Relation::View(v) => v.name.clone(),
            Relation::Sequence(s) => s.name.clone(),
            Relation::Index(i) => i.name.clone(),
        }
    }
}

/// Serde for a map whose values carry their keys: a list of values.
mod keyed {
    use super::Keyed;
    use imbl::OrdMap;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<K, V, S>(map: &OrdMap<K, V>, serializer: S) -> Result<S::Ok, S::Error>
    where
        K: Ord + Clone,
        V: Serialize + Clone,
        S: Serializer,
    {
        serializer.collect_seq(map.values())
    }

    pub fn deserialize<'de, V, D>(deserializer: D) -> Result<OrdMap<V::Key, V>, D::Error>
    where
        V: Keyed + Deserialize<'de> + Clone,
        D: Deserializer<'de>,
    {
        let values = Vec::<V>::deserialize(deserializer)?;
        Ok(values.into_iter().map(|v| (v.key(), v)).collect())
    }
}

impl Catalog {
    /// Something may have written rows that the simulator does not track: no table is known to
    /// be empty any more.
    pub fn forget_empty_tables(&mut self) {
        let known: Vec<QualName> = self
            .relations
            .iter()
            .filter(|(_, r)| matches!(r, Relation::Table(t) if t.known_empty))
            .map(|(n, _)| n.clone())
            .collect();
        for name in known {
            if let Some(Relation::Table(t)) = self.relations.get_mut(&name) {
                t.known_empty = false;
            }
        }
    }

    /// A fresh database: the `public` schema exists, as in `template0`.
    pub fn new() -> Self {
        let mut catalog = Catalog::default();
        let seq = catalog.allocate_seq();
        catalog.schemas.insert(
            "public".into(),
            Schema { name: "public".into(), seq, owner: None, comment: None, grants: Vec::new() },
        );
        catalog
    }

    /// Hands out the next creation sequence number.
    pub fn allocate_seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    pub fn table(&self, name: &QualName) -> Option<&Table> {
        match self.relations.get(name) {
            Some(Relation::Table(t)) => Some(t),
            _ => None,
        }
    }

    pub fn table_mut(&mut self, name: &QualName) -> Option<&mut Table> {
        match self.relations.get_mut(name) {
            Some(Relation::Table(t)) => Some(t),
            _ => None,
        }
    }

    /// Indexes defined on `table`, in creation order.
    pub fn indexes_of(&self, table: &QualName) -> Vec<&Index> {
        let mut found: Vec<&Index> = self
            .relations
            .values()
            .filter_map(|r| match r {
                Relation::Index(i) if &i.table == table => Some(i),
                _ => None,
            })
            .collect();
        found.sort_by_key(|i| i.seq);
        found
    }

    /// Is `name` taken in `schema`'s pg_type namespace? Tables, views, sequences and composite
    /// types all own a row type there, which is why `CREATE TYPE users AS ENUM` fails when a
    /// table `users` exists.
    pub fn type_name_taken(&self, name: &QualName) -> bool {
        self.types.contains_key(name)
            || matches!(self.relations.get(name), Some(Relation::Table(_) | Relation::View(_) | Relation::Sequence(_)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_keeps_keys() {
        let mut catalog = Catalog::new();
        let seq = catalog.allocate_seq();
        let name = QualName::new("public", "users");
        catalog
            .relations
            .insert(name.clone(), Relation::Table(TableDef { name: name.clone(), seq, ..Default::default() }.into()));
        let json = serde_json::to_string(&catalog).unwrap();
        let back: Catalog = serde_json::from_str(&json).unwrap();
        assert_eq!(back, catalog);
        assert!(back.table(&name).is_some());
    }
}
