//! pg_class objects: tables, views, materialized views, sequences and indexes, with what hangs
//! off a table (columns, constraints, triggers, RLS policies).

use crate::{Grant, QualName, Shared};
use serde::{Deserialize, Serialize};

// The relations are [`Shared`]: a snapshot's map node copies them in O(1), and a write through
// `&mut` copies only the relation written (see `shared.rs`). Construct with `TableDef { .. }.into()`.
pub type Table = Shared<TableDef>;
pub type View = Shared<ViewDef>;
pub type Sequence = Shared<SequenceDef>;
pub type Index = Shared<IndexDef>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Relation {
    Table(Table),
    View(View),
    Sequence(Sequence),
    Index(Index),
}

impl Relation {
    pub fn seq(&self) -> u64 {
        match self {
            Relation::Table(t) => t.seq,
            Relation::View(v) => v.seq,
            Relation::Sequence(s) => s.seq,
            Relation::Index(i) => i.seq,
        }
    }

    /// The noun PostgreSQL uses in messages (`"x" is not a table`, `table "x" does not exist`).
    pub fn kind_noun(&self) -> &'static str {
        match self {
            Relation::Table(_) => "table",
            Relation::View(v) if v.materialized => "materialized view",
            Relation::View(_) => "view",
            Relation::Sequence(_) => "sequence",
            Relation::Index(_) => "index",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Persistence {
    #[default]
    Permanent,
    Unlogged,
    Temporary,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TableDef {
    pub name: QualName,
    pub seq: u64,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub triggers: Vec<Trigger>,
    pub policies: Vec<Policy>,
    pub rls_enabled: bool,
    pub rls_forced: bool,
    pub persistence: Persistence,
    /// `PARTITION BY ...` clause text, when this is a partitioned table.
    pub partition_by: Option<String>,
    /// Parent and bound (`FOR VALUES ...` / `DEFAULT`) when this table is a partition.
    pub partition_of: Option<PartitionOf>,
    pub inherits: Vec<QualName>,
    /// `CREATE TABLE ... OF type`.
    pub of_type: Option<QualName>,
    pub comment: Option<String>,
    pub grants: Vec<Grant>,
    pub owner: Option<String>,
    /// Storage parameters (`WITH (fillfactor=70)`), as `name=value` text.
    pub options: Vec<String>,
    pub replica_identity: Option<String>,
    /// Extended statistics objects (`CREATE STATISTICS ... FROM table`).
    #[serde(default)]
    pub ext_statistics: Vec<ExtStatistics>,
    /// Certainly holds no rows: created by `CREATE TABLE` in this replay and nothing since could
    /// have written to it (see the engine's `rows.rs`). `false` means the rows are not known.
    #[serde(default)]
    pub known_empty: bool,
}

/// `CREATE STATISTICS name [(kinds)] ON elements FROM table` (pg_statistic_ext).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtStatistics {
    pub name: QualName,
    pub seq: u64,
    /// `ndistinct`, `dependencies`, `mcv` when listed explicitly.
    pub kinds: Vec<String>,
    /// Column names and parenthesized expressions, as SQL text.
    pub elements: Vec<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionOf {
    pub parent: QualName,
    pub bound: String,
}

impl TableDef {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn constraint(&self, name: &str) -> Option<&Constraint> {
        self.constraints.iter().find(|c| c.name == name)
    }

    pub fn primary_key(&self) -> Option<&Constraint> {
        self.constraints.iter().find(|c| matches!(c.kind, ConstraintKind::PrimaryKey { .. }))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    /// The type as PostgreSQL's `format_type` prints it (`character varying(20)`, `public.mood`).
    pub type_name: String,
    pub not_null: bool,
    pub default: Option<String>,
    pub identity: Option<Identity>,
    /// `GENERATED ALWAYS AS (expr) STORED`.
    pub generated: Option<String>,
    pub collation: Option<String>,
    pub comment: Option<String>,
    /// Inherited from a parent (inheritance or partitioning) rather than declared locally.
    pub inherited: bool,
    /// Storage / compression settings, as `STORAGE x` / `COMPRESSION y` text.
    pub storage: Option<String>,
    pub compression: Option<String>,
    pub statistics: Option<i32>,
}

impl Column {
    pub fn new(name: impl Into<String>, type_name: impl Into<String>) -> Self {
        Column {
            name: name.into(),
            type_name: type_name.into(),
            not_null: false,
            default: None,
            identity: None,
            generated: None,
            collation: None,
            comment: None,
            inherited: false,
            storage: None,
            compression: None,
            statistics: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identity {
    Always,
    ByDefault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constraint {
    pub name: String,
    pub seq: u64,
    pub kind: ConstraintKind,
    pub deferrable: bool,
    pub initially_deferred: bool,
    /// False for `NOT VALID` constraints not yet validated.
    pub validated: bool,
    pub no_inherit: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConstraintKind {
    PrimaryKey { columns: Vec<String>, include: Vec<String>, index: String },
    Unique { columns: Vec<String>, include: Vec<String>, index: String, nulls_not_distinct: bool },
    Check { expr: String },
    ForeignKey(ForeignKey),
    Exclude { index: String, definition: String },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub ref_table: QualName,
    pub ref_columns: Vec<String>,
    /// `a` no action, `r` restrict, `c` cascade, `n` set null, `d` set default (pg_constraint codes).
    pub on_delete: char,
    pub on_update: char,
    /// `f` full, `p` partial, `s` simple.
    pub match_type: char,
    /// `ON DELETE SET NULL (col)` column list.
    pub on_delete_columns: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexDef {
    pub name: QualName,
    pub seq: u64,
    pub table: QualName,
    pub unique: bool,
    pub nulls_not_distinct: bool,
    /// Access method (`btree`, `gin`, `gist`, ...).
    pub method: String,
    /// Key elements as SQL text (`email`, `lower(email)`, `created_at DESC`, `data jsonb_path_ops`).
    pub elements: Vec<String>,
    /// Plain column names referenced by the key, for dependency tracking.
    pub key_columns: Vec<String>,
    pub include: Vec<String>,
    pub predicate: Option<String>,
    /// Name of the constraint that owns this index (PK, UNIQUE, EXCLUDE), if any.
    pub constraint: Option<String>,
    pub options: Vec<String>,
    pub comment: Option<String>,
    /// Set by `CREATE INDEX ... ON ONLY parent` until partitions' indexes are attached.
    pub only: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ViewDef {
    pub name: QualName,
    pub seq: u64,
    pub materialized: bool,
    /// The query as SQL text.
    pub query: String,
    /// Output column names, in order.
    pub columns: Vec<String>,
    /// Output column types as `format_type` prints them, where known (same order as `columns`).
    #[serde(default)]
    pub column_types: Vec<Option<String>>,
    /// Tables and views the query reads (pg_depend on the relations), for RESTRICT/CASCADE.
    pub depends_on: Vec<QualName>,
    /// `(table, column)` pairs the query reads, so dropping or retyping a column is refused.
    pub column_deps: Vec<(QualName, String)>,
    pub options: Vec<String>,
    pub check_option: Option<String>,
    pub with_data: bool,
    pub comment: Option<String>,
    pub column_comments: Vec<(String, String)>,
    pub grants: Vec<Grant>,
    pub owner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SequenceDef {
    pub name: QualName,
    pub seq: u64,
    /// `smallint`, `integer` or `bigint`.
    pub data_type: String,
    pub start: i64,
    pub increment: i64,
    pub min_value: Option<i64>,
    pub max_value: Option<i64>,
    pub cache: i64,
    pub cycle: bool,
    /// `OWNED BY table.column`.
    pub owned_by: Option<(QualName, String)>,
    /// An identity column's sequence is dumped with its column, not on its own.
    pub identity: bool,
    pub comment: Option<String>,
    pub grants: Vec<Grant>,
    pub persistence: Persistence,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub name: String,
    pub seq: u64,
    /// The full `CREATE TRIGGER` definition as SQL text (re-emitted by the dump).
    pub definition: String,
    pub function: QualName,
    pub enabled: char,
    /// Constraint triggers are also pg_constraint rows.
    pub constraint: bool,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub name: String,
    pub seq: u64,
    /// `ALL`, `SELECT`, `INSERT`, `UPDATE` or `DELETE`.
    pub command: String,
    pub permissive: bool,
    /// Role names; empty means `PUBLIC`.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub with_check: Option<String>,
    pub comment: Option<String>,
}
