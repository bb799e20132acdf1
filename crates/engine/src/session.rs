//! One database connection replaying statements: the catalog, session settings and the
//! transaction state machine PostgreSQL runs (implicit per-file transactions as psql's
//! `--single-transaction` does, explicit BEGIN/COMMIT/ROLLBACK/SAVEPOINT, aborted blocks).

use crate::error::{Notice, PgError, PgResult, Warning};
use crate::parse::ParsedStatement;
use crate::statement;
use pg_query::protobuf::RangeVar;
use pg_query::NodeEnum;
use schemasim_catalog::{Catalog, QualName};

/// The role migrations run as; `"$user"` in search_path resolves to it.
pub const SESSION_USER: &str = "postgres";

/// An open transaction block.
#[derive(Clone, Debug)]
struct Block {
    /// Catalog when the block began, restored by ROLLBACK.
    start: Catalog,
    start_search_path: Vec<String>,
    savepoints: Vec<(String, Catalog)>,
    /// After an error, every statement but ROLLBACK fails with 25P02.
    aborted: bool,
    /// Enum values added in this block: using them before COMMIT is 55P04.
    new_enum_values: Vec<(QualName, String)>,
    start_check_function_bodies: bool,
    /// `SET LOCAL check_function_bodies` ran: the setting reverts at COMMIT too.
    local_check_function_bodies: bool,
}

/// A connection's state between statements.
#[derive(Clone, Debug)]
pub struct Session {
    pub catalog: Catalog,
    /// `search_path` entries as set (`"$user"` kept literally).
    pub search_path: Vec<String>,
    /// The `check_function_bodies` setting (pg_dump's header turns it off): when off, CREATE
    /// FUNCTION does not validate the body.
    pub check_function_bodies: bool,
    block: Option<Block>,
}

impl Default for Session {
    fn default() -> Self {
        Session::new(Catalog::new())
    }
}

/// What executing one statement produced besides success or failure.
#[derive(Debug, Default)]
pub struct Effects {
    pub notices: Vec<Notice>,
    pub warnings: Vec<Warning>,
}

/// What a statement handler sees: the catalog being changed and the session around it.
pub struct Ctx<'a> {
    pub catalog: Catalog,
    pub search_path: &'a mut Vec<String>,
    pub effects: &'a mut Effects,
    /// The statement's source text (for definitions stored verbatim).
    pub source: &'a str,
    /// True inside an explicit or implicit transaction block.
    pub in_block: bool,
    /// Enum values added earlier in this transaction block.
    pub new_enum_values: &'a mut Vec<(QualName, String)>,
    /// The session's `check_function_bodies`.
    pub check_function_bodies: bool,
}

impl Session {
    pub fn new(catalog: Catalog) -> Self {
        Session {
            catalog,
            search_path: vec!["\"$user\"".into(), "public".into()],
            check_function_bodies: true,
            block: None,
        }
    }

    pub fn in_block(&self) -> bool {
        self.block.is_some()
    }

    /// Opens an implicit block (psql `--single-transaction`).
    pub fn begin(&mut self) {
        if self.block.is_none() {
            self.block = Some(Block {
                start: self.catalog.clone(),
                start_search_path: self.search_path.clone(),
                savepoints: Vec::new(),
                aborted: false,
                new_enum_values: Vec::new(),
                start_check_function_bodies: self.check_function_bodies,
                local_check_function_bodies: false,
            });
        }
    }

    /// Ends the block: COMMIT, or ROLLBACK when it was aborted. Returns whether it committed.
    pub fn end(&mut self) -> bool {
        match self.block.take() {
            Some(block) if block.aborted => {
                self.catalog = block.start;
                self.search_path = block.start_search_path;
                self.check_function_bodies = block.start_check_function_bodies;
                false
            }
            Some(block) => {
                if block.local_check_function_bodies {
                    self.check_function_bodies = block.start_check_function_bodies;
                }
                true
            }
            None => true,
        }
    }

    /// Rolls the open block back (psql exiting on error under `--single-transaction`).
    pub fn rollback(&mut self) {
        if let Some(block) = self.block.take() {
            self.catalog = block.start;
            self.search_path = block.start_search_path;
            self.check_function_bodies = block.start_check_function_bodies;
        }
    }

    /// Executes a statement as [`crate::parse::parse_file`] gave it: its tree, or its syntax
    /// error; one too deep to parse ([`ParsedStatement::too_deep`]) is not run and says so in a
    /// warning. The parser's own NOTICEs are the caller's (they come before execution).
    pub fn execute_parsed(&mut self, p: &ParsedStatement, file: &str) -> (PgResult<()>, Effects) {
        if let Some(depth) = p.too_deep {
            let message = format!(
                "this statement nests expressions about {depth} levels deep; schemasim parses at most {} (PostgreSQL accepts deeper ones, up to its max_stack_depth): it was not run, its effects are missing",
                crate::parse::MAX_NESTING
            );
            return (Ok(()), Effects { notices: Vec::new(), warnings: vec![Warning { message }] });
        }
        match &p.node {
            Ok(node) => self.execute(node, p.text(file)),
            Err(e) => (Err(e.clone()), Effects::default()),
        }
    }

    /// Executes one parsed statement. On error the catalog is unchanged and an open block is
    /// marked aborted, as in PostgreSQL.
    pub fn execute(&mut self, node: &NodeEnum, source: &str) -> (PgResult<()>, Effects) {
        let mut effects = Effects::default();
        if let NodeEnum::TransactionStmt(tx) = node {
            let result = self.transaction(tx, &mut effects);
            return (result, effects);
        }
        if self.block.as_ref().is_some_and(|b| b.aborted) {
            return (
                Err(PgError::new(
                    "25P02",
                    "current transaction is aborted, commands ignored until end of transaction block",
                )),
                effects,
            );
        }
        if let Some(block) = &self.block {
            if let Err(e) = crate::enum_use::check(&self.catalog, &block.new_enum_values, node) {
                self.block.as_mut().expect("checked").aborted = true;
                return (Err(e), effects);
            }
        }
        if let NodeEnum::VariableSetStmt(set) = node {
            if set.name == "check_function_bodies" {
                self.set_check_function_bodies(set, &mut effects);
                return (Ok(()), effects);
            }
        }
        let mut search_path = self.search_path.clone();
        let mut scratch_enum_values = Vec::new();
        let in_block = self.block.is_some();
        let new_enum_values = match self.block.as_mut() {
            Some(b) => &mut b.new_enum_values,
            None => &mut scratch_enum_values,
        };
        let enum_values_before = new_enum_values.len();
        let mut ctx = Ctx {
            catalog: self.catalog.clone(),
            search_path: &mut search_path,
            effects: &mut effects,
            source,
            in_block,
            new_enum_values,
            check_function_bodies: self.check_function_bodies,
        };
        let result = statement::execute(&mut ctx, node);
        match result {
            Ok(()) => {
                self.catalog = ctx.catalog;
                self.search_path = search_path;
                (Ok(()), effects)
            }
            Err(e) => {
                if let Some(block) = self.block.as_mut() {
                    block.new_enum_values.truncate(enum_values_before);
                    block.aborted = true;
                }
                (Err(e), effects)
            }
        }
    }

    /// `SET [LOCAL] check_function_bodies = on|off`, `RESET` / `SET ... TO DEFAULT` (on).
    fn set_check_function_bodies(&mut self, set: &pg_query::protobuf::VariableSetStmt, effects: &mut Effects) {
        use pg_query::protobuf::a_const::Val;
        // VAR_SET_VALUE = 1; every other kind restores the default.
        let value = if set.kind == 1 {
            let text = set.args.iter().find_map(|a| match a.node.as_ref() {
                Some(NodeEnum::AConst(c)) => match &c.val {
                    Some(Val::Sval(s)) => Some(s.sval.to_lowercase()),
                    Some(Val::Boolval(b)) => Some(b.boolval.to_string()),
                    Some(Val::Ival(i)) => Some(i.ival.to_string()),
                    _ => None,
                },
                _ => None,
            });
            !matches!(text.as_deref(), Some("off" | "false" | "0" | "no" | "f" | "n"))
        } else {
            true
        };
        match (&mut self.block, set.is_local) {
            (None, true) => effects.notices.push(Notice::warning("SET LOCAL can only be used in transaction blocks")),
            (Some(block), true) => {
                block.local_check_function_bodies = true;
                self.check_function_bodies = value;
            }
            (_, false) => self.check_function_bodies = value,
        }
    }

    fn transaction(&mut self, tx: &pg_query::protobuf::TransactionStmt, effects: &mut Effects) -> PgResult<()> {
        use pg_query::protobuf::TransactionStmtKind as K;
        let kind = K::try_from(tx.kind).unwrap_or(K::Undefined);
        match kind {
            K::TransStmtBegin | K::TransStmtStart => {
                if self.block.is_some() {
                    effects.notices.push(Notice::warning("there is already a transaction in progress"));
                } else {
                    self.begin();
                }
                Ok(())
            }
            K::TransStmtCommit => {
                if self.block.is_none() {
                    effects.notices.push(Notice::warning("there is no transaction in progress"));
                }
                self.end();
                Ok(())
            }
            K::TransStmtRollback => {
                if self.block.is_none() {
                    effects.notices.push(Notice::warning("there is no transaction in progress"));
                }
                self.rollback();
                Ok(())
            }
            K::TransStmtSavepoint => match self.block.as_mut() {
                None => Err(PgError::new("25P01", "SAVEPOINT can only be used in transaction blocks")),
                Some(b) if b.aborted => Err(PgError::new(
                    "25P02",
                    "current transaction is aborted, commands ignored until end of transaction block",
                )),
                Some(b) => {
                    b.savepoints.push((tx.savepoint_name.clone(), self.catalog.clone()));
                    Ok(())
                }
            },
            K::TransStmtRelease => match self.block.as_mut() {
                None => Err(PgError::new("25P01", "RELEASE SAVEPOINT can only be used in transaction blocks")),
                Some(b) => match b.savepoints.iter().rposition(|(n, _)| n == &tx.savepoint_name) {
                    Some(i) => {
                        b.savepoints.truncate(i);
                        Ok(())
                    }
                    None => Err(PgError::new("3B001", format!("savepoint \"{}\" does not exist", tx.savepoint_name))),
                },
            },
            K::TransStmtRollbackTo => match self.block.as_mut() {
                None => Err(PgError::new("25P01", "ROLLBACK TO SAVEPOINT can only be used in transaction blocks")),
                Some(b) => match b.savepoints.iter().rposition(|(n, _)| n == &tx.savepoint_name) {
                    Some(i) => {
                        b.savepoints.truncate(i + 1);
                        self.catalog = b.savepoints[i].1.clone();
                        b.aborted = false;
                        Ok(())
                    }
                    None => Err(PgError::new("3B001", format!("savepoint \"{}\" does not exist", tx.savepoint_name))),
                },
            },
            _ => {
                effects
                    .warnings
                    .push(Warning { message: "this transaction statement (two-phase commit) is not simulated".into() });
                Ok(())
            }
        }
    }
}

impl Ctx<'_> {
    /// The schemas of search_path that exist, in order (`"$user"` resolved).
    pub fn search_path_schemas(&self) -> Vec<String> {
        self.search_path
            .iter()
            .map(|s| if s == "\"$user\"" || s == "$user" { SESSION_USER.to_string() } else { s.clone() })
            .filter(|s| self.catalog.schemas.contains_key(s))
            .collect()
    }

    /// Where to look up a possibly-qualified name: the named schema (which must exist), else
    /// the existing schemas of search_path in order.
    pub fn schemas_to_search(&self, schema: String) -> PgResult<Vec<String>> {
        if schema.is_empty() {
            Ok(self.search_path_schemas())
        } else if self.catalog.schemas.contains_key(&schema) {
            Ok(vec![schema])
        } else {
            Err(PgError::undefined_schema(&schema))
        }
    }

    /// The schema a new unqualified object goes to: the first existing search_path entry.
    pub fn creation_schema(&self, explicit: &str) -> PgResult<String> {
        if !explicit.is_empty() {
            if !self.catalog.schemas.contains_key(explicit) {
                return Err(PgError::undefined_schema(explicit));
            }
            return Ok(explicit.to_string());
        }
        self.search_path_schemas()
            .into_iter()
            .next()
            .ok_or_else(|| PgError::new("3F000", "no schema has been selected to create in"))
    }

    /// Finds an existing relation by a possibly-qualified name; `None` when it does not exist.
    pub fn lookup_relation(&self, schema: &str, name: &str) -> PgResult<Option<QualName>> {
        if !schema.is_empty() {
            if !self.catalog.schemas.contains_key(schema) {
                return Err(PgError::undefined_schema(schema));
            }
            let qn = QualName::new(schema, name);
            return Ok(self.catalog.relations.contains_key(&qn).then_some(qn));
        }
        Ok(self
            .search_path_schemas()
            .into_iter()
            .map(|s| QualName::new(s, name))
            .find(|qn| self.catalog.relations.contains_key(qn)))
    }

    /// Resolves a RangeVar that must exist (`relation "x" does not exist` otherwise).
    pub fn resolve_relation(&self, rv: &RangeVar) -> PgResult<QualName> {
        self.lookup_relation(&rv.schemaname, &rv.relname)?.ok_or_else(|| PgError::undefined_table(&written(rv)))
    }

    /// Resolves a RangeVar that must be a table (or partitioned table).
    pub fn resolve_table(&self, rv: &RangeVar) -> PgResult<QualName> {
        let qn = self.resolve_relation(rv)?;
        match self.catalog.relations.get(&qn) {
            Some(schemasim_catalog::Relation::Table(_)) => Ok(qn),
            _ => Err(PgError::wrong_object_type(&rv.relname, "a table")),
        }
    }

    /// A table already resolved by name (an error rather than a panic should it be gone).
    pub fn table(&self, qn: &QualName) -> PgResult<&schemasim_catalog::Table> {
        self.catalog.table(qn).ok_or_else(|| PgError::undefined_table(&qn.name))
    }

    pub fn table_mut(&mut self, qn: &QualName) -> PgResult<&mut schemasim_catalog::Table> {
        self.catalog.table_mut(qn).ok_or_else(|| PgError::undefined_table(&qn.name))
    }

    pub fn notice(&mut self, message: impl Into<String>) {
        self.effects.notices.push(Notice::info(message));
    }

    /// Records a located warning: something PostgreSQL does that the simulator does not model.
    pub fn not_simulated(&mut self, message: impl Into<String>) {
        // What was not simulated may have written rows.
        self.catalog.forget_empty_tables();
        self.effects.warnings.push(Warning { message: message.into() });
    }
}

/// The name as the user wrote it, for messages (`relation "app.users" does not exist`).
pub fn written(rv: &RangeVar) -> String {
    if rv.schemaname.is_empty() {
        rv.relname.clone()
    } else {
        format!("{}.{}", rv.schemaname, rv.relname)
    }
}
