//! PostgreSQL errors and notices as the server reports them: SQLSTATE (errcodes.txt) and primary
//! message text, word for word.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PgError {
    pub sqlstate: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Byte offset in the migration file where PostgreSQL points its cursor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

pub type PgResult<T> = Result<T, PgError>;

impl PgError {
    pub fn new(sqlstate: &str, message: impl Into<String>) -> Self {
        PgError { sqlstate: sqlstate.into(), message: message.into(), detail: None, hint: None, position: None }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// PostgreSQL's error cursor at a parse-tree `location` (a byte offset in the parsed text;
    /// -1, "unknown", sets none).
    pub fn at(mut self, location: i32) -> Self {
        if let Ok(position) = usize::try_from(location) {
            self.position = Some(position);
        }
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// 42P01 undefined_table.
    pub fn undefined_table(name: &str) -> Self {
        Self::new("42P01", format!("relation \"{name}\" does not exist"))
    }

    /// 42P07 duplicate_table.
    pub fn duplicate_relation(name: &str) -> Self {
        Self::new("42P07", format!("relation \"{name}\" already exists"))
    }

    /// 42703 undefined_column, in the form ALTER TABLE and INSERT use.
    pub fn undefined_column_of(column: &str, relation: &str) -> Self {
        Self::new("42703", format!("column \"{column}\" of relation \"{relation}\" does not exist"))
    }

    /// 42703 undefined_column, in the form constraints and indexes use.
    pub fn undefined_column(column: &str) -> Self {
        Self::new("42703", format!("column \"{column}\" does not exist"))
    }

    /// 42701 duplicate_column.
    pub fn duplicate_column(column: &str, relation: &str) -> Self {
        Self::new("42701", format!("column \"{column}\" of relation \"{relation}\" already exists"))
    }

    /// 42704 undefined_object for types.
    pub fn undefined_type(name: &str) -> Self {
        Self::new("42704", format!("type \"{name}\" does not exist"))
    }

    /// 3F000 invalid_schema_name.
    pub fn undefined_schema(name: &str) -> Self {
        Self::new("3F000", format!("schema \"{name}\" does not exist"))
    }

    /// 42809 wrong_object_type.
    pub fn wrong_object_type(name: &str, expected: &str) -> Self {
        Self::new("42809", format!("\"{name}\" is not {expected}"))
    }

    /// 0A000 feature_not_supported.
    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new("0A000", message)
    }
}

/// A NOTICE or WARNING the server sends while a statement succeeds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// `NOTICE` or `WARNING`.
    pub severity: String,
    pub message: String,
}

impl Notice {
    pub fn info(message: impl Into<String>) -> Self {
        Notice { severity: "NOTICE".into(), message: message.into() }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Notice { severity: "WARNING".into(), message: message.into() }
    }
}

/// A simulator limitation: something PostgreSQL would do that the replay did not model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub message: String,
}
