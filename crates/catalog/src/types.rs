//! User-defined types: enums, domains and composite types.

use crate::{Grant, QualName};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDef {
    pub name: QualName,
    pub seq: u64,
    pub kind: TypeKind,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub grants: Vec<Grant>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TypeKind {
    /// Labels in sort order (`ALTER TYPE ... ADD VALUE ... BEFORE` inserts in the middle).
    Enum {
        values: Vec<String>,
    },
    Domain(Domain),
    /// Attributes as `(name, type)`.
    Composite {
        attributes: Vec<(String, String)>,
    },
    /// `CREATE TYPE name AS RANGE (...)`, kept as its option text.
    Range {
        subtype: String,
        options: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Domain {
    pub base_type: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub collation: Option<String>,
    /// Named CHECK constraints as `(name, expression)`.
    pub checks: Vec<(String, String)>,
}
