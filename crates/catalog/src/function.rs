//! Functions and procedures. A function's identity is its name plus its input argument types,
//! as in PostgreSQL (`f(integer)` and `f(text)` are two functions).

use crate::{Grant, QualName};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FunctionKey {
    pub name: QualName,
    /// Input argument types as `format_type` prints them (OUT arguments excluded).
    pub arg_types: Vec<String>,
}

impl fmt::Display for FunctionKey {
    /// `schema.name(type, type)`: how PostgreSQL names a function in messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}({})", self.name.name, self.arg_types.join(", "))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Function {
    pub key: FunctionKey,
    pub seq: u64,
    pub procedure: bool,
    /// The complete `CREATE FUNCTION` / `CREATE PROCEDURE` statement as SQL text.
    pub definition: String,
    pub language: String,
    /// Return type as written (`trigger`, `SETOF users`, `TABLE(...)`); `None` for procedures.
    pub returns: Option<String>,
    /// `i` immutable, `s` stable, `v` volatile.
    pub volatility: char,
    pub security_definer: bool,
    /// `SET name = value` clauses (e.g. `search_path`).
    pub config: Vec<String>,
    pub comment: Option<String>,
    pub owner: Option<String>,
    pub grants: Vec<Grant>,
    /// Owned by an extension: not dumped on its own.
    pub extension: Option<String>,
}
