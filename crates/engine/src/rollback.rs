//! Rollback check: what running a history's down migrations really does.
//!
//! - Single step (Diesel's `migration redo`): for each k, from the state after k-1, run up(k)
//!   then down(k) and compare with the state after k-1. A down can fail (with PostgreSQL's
//!   error), leave residue (objects or attributes not restored), or differ only in column order.
//!   Then up(k) is run again on the result, as a redo would.
//! - Data the down destroys: tables and columns dropped by the down that existed before up(k),
//!   whose rows are gone even when the schema comes back.
//! - Full rollback: every down in reverse order from the fully migrated state, continuing after
//!   a failure, compared with the state before the first migration.

use crate::diff::{diff, order_only, Change};
use crate::{run_migration, Migration, MigrationOutcome, MigrationReport, Outcome, Session};
use schemasim_catalog::{Catalog, Relation};
use serde::{Deserialize, Serialize};

/// A migration with its optional down.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    pub up: Migration,
    pub down: Option<Migration>,
}

/// How a down migration went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DownOutcome {
    /// The step has no down migration.
    Missing,
    /// The up itself failed, so its down was not tried.
    UpFailed {
        sqlstate: String,
        message: String,
    },
    Ok,
    Failed {
        path: String,
        line: u32,
        column: u32,
        sqlstate: String,
        message: String,
    },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StepRollback {
    pub name: String,
    pub down: DownOutcome,
    /// Differences between the state before up(k) and after up(k)+down(k).
    pub residue: Vec<Change>,
    /// The residue is only column order (a column dropped and re-added moves to the end).
    pub order_only: bool,
    /// Whether up(k) succeeds again after down(k); `None` when the down did not succeed.
    pub redo_ok: Option<bool>,
    /// The redo's error as `(sqlstate, message)` when it fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redo_error: Option<(String, String)>,
    /// `table t` / `column c of table t` dropped by the down although it existed before up(k).
    pub destroys: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FullRollback {
    /// Each down, in the order run (last migration first).
    pub downs: Vec<(String, DownOutcome)>,
    /// Differences between the state before the first migration and after all downs.
    pub residue: Vec<Change>,
    pub order_only: bool,
    /// The schema after all downs ran.
    #[serde(skip)]
    pub catalog: Catalog,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RollbackReport {
    pub steps: Vec<StepRollback>,
    pub full: FullRollback,
}

impl RollbackReport {
    /// Steps whose down fails or does not restore the schema exactly.
    pub fn findings(&self) -> impl Iterator<Item = &StepRollback> {
        self.steps.iter().filter(|s| {
            matches!(s.down, DownOutcome::Failed { .. }) || !s.residue.is_empty() || s.redo_ok == Some(false)
        })
    }
}

fn down_outcome(report: &MigrationReport) -> DownOutcome {
    match report.first_error() {
        None => DownOutcome::Ok,
        Some(s) => {
            let (line, column) = s.error_position.unwrap_or((s.line, s.column));
            DownOutcome::Failed {
                path: report.path.clone(),
                line,
                column,
                sqlstate: s.sqlstate.clone().unwrap_or_default(),
                message: s.message.clone().unwrap_or_default(),
            }
        }
    }
}

/// Tables and columns that a migration's statements dropped although they existed in `before`.
fn destroyed(before: &Catalog, start: &Catalog, report: &MigrationReport) -> Vec<String> {
    let mut out = Vec::new();
    let mut previous = start.clone();
    for s in &report.statements {
        let Some(after) = &s.catalog_after else { continue };
        if s.outcome != Outcome::Ok {
            continue;
        }
        for (name, rel) in previous.relations.iter() {
            let Relation::Table(t) = rel else { continue };
            let Some(old) = before.table(name) else { continue };
            match after.table(name) {
                None => {
                    // A rename keeps the data: same table under another name is not a loss.
                    let renamed = after.relations.values().any(|r| matches!(r, Relation::Table(n) if n.seq == t.seq));
                    if !renamed {
                        out.push(format!("table {name}"));
                    }
                }
                Some(now) => {
                    for c in &t.columns {
                        if old.column(&c.name).is_some() && now.column(&c.name).is_none() && !renamed_column(t, now, c)
                        {
                            out.push(format!("column {} of table {name}", c.name));
                        }
                    }
                }
            }
        }
        previous = after.clone();
    }
    out.dedup();
    out
}

/// A column missing by name but present with the same definition under a new name was renamed.
fn renamed_column(
    before: &schemasim_catalog::Table,
    after: &schemasim_catalog::Table,
    c: &schemasim_catalog::Column,
) -> bool {
    before.columns.len() == after.columns.len()
        && after.columns.iter().any(|n| n.type_name == c.type_name && before.column(&n.name).is_none())
}

/// Runs the rollback check from `base` (the state before the first step).
pub fn rollback_check(base: &Session, steps: &[Step]) -> RollbackReport {
    let mut states = Vec::with_capacity(steps.len() + 1);
    states.push(base.clone());
    let mut up_reports = Vec::with_capacity(steps.len());
    for step in steps {
        let mut session = states.last().expect("base pushed").clone();
        up_reports.push(run_migration(&mut session, &step.up));
        states.push(session);
    }
    let mut single = Vec::with_capacity(steps.len());
    for (k, step) in steps.iter().enumerate() {
        let before = &states[k];
        let mut entry = StepRollback {
            name: step.up.name.clone(),
            down: DownOutcome::Missing,
            residue: Vec::new(),
            order_only: false,
            redo_ok: None,
            redo_error: None,
            destroys: Vec::new(),
        };
        if let Some(e) = up_reports[k].first_error() {
            entry.down = DownOutcome::UpFailed {
                sqlstate: e.sqlstate.clone().unwrap_or_default(),
                message: e.message.clone().unwrap_or_default(),
            };
        } else if let Some(down) = &step.down {
            let mut session = states[k + 1].clone();
            let after_up = session.catalog.clone();
            let report = run_migration(&mut session, down);
            entry.down = down_outcome(&report);
            if entry.down == DownOutcome::Ok {
                entry.residue = diff(&before.catalog, &session.catalog);
                entry.order_only = order_only(&entry.residue);
                entry.destroys = destroyed(&before.catalog, &after_up, &report);
                let redo = run_migration(&mut session, &step.up);
                entry.redo_ok = Some(redo.outcome == MigrationOutcome::Ok);
                entry.redo_error = redo
                    .first_error()
                    .map(|e| (e.sqlstate.clone().unwrap_or_default(), e.message.clone().unwrap_or_default()));
            }
        }
        single.push(entry);
    }
    let mut session = states.last().expect("base pushed").clone();
    let mut downs = Vec::new();
    for step in steps.iter().rev() {
        if let Some(down) = &step.down {
            let report = run_migration(&mut session, down);
            downs.push((step.up.name.clone(), down_outcome(&report)));
        }
    }
    let residue = diff(&base.catalog, &session.catalog);
    let full = FullRollback { order_only: order_only(&residue), residue, downs, catalog: session.catalog };
    RollbackReport { steps: single, full }
}
