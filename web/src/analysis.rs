//! The replay behind every view, computed incrementally: `states[i]` is the session before
//! migration `i` (so `states[0]` is a fresh database), `reports[i]` what migration `i` did.
//! An edit of migration `k` keeps `states[..=k]` and replays from there; the replay advances
//! a few migrations at a time. It runs in the workers: the replay worker's
//! [`crate::replay::ReplayHost`] and the jobs' [`crate::jobs::JobRunner`].
use crate::project::Project;
use crate::replay::Cursor;
use schemasim_engine::{
    replay_from,
    rollback::{rollback_check, RollbackReport, Step},
    run_migration, skip_migration, Catalog, Migration, MigrationOutcome, MigrationReport, OnError, Replay, Session,
};
use std::rc::Rc;

#[derive(Clone, Default)]
pub struct Analysis {
    states: Vec<Rc<Session>>,
    reports: Vec<Rc<MigrationReport>>,
}

impl Analysis {
    pub fn new(project: &Project) -> Self {
        Analysis { states: vec![Rc::new(schemasim_engine::new_session(&project.options()))], reports: Vec::new() }
    }

    /// Migrations replayed so far.
    pub fn done(&self) -> usize {
        self.reports.len()
    }

    pub fn finished(&self, project: &Project) -> bool {
        self.done() >= project.migrations.len()
    }

    pub fn report(&self, index: usize) -> Option<&MigrationReport> {
        self.reports.get(index).map(|r| r.as_ref())
    }

    /// The schema after the first `position` migrations (0: the empty database); `None` while
    /// the replay has not got there.
    pub fn catalog_at(&self, position: usize) -> Option<&Catalog> {
        self.states.get(position).map(|s| &s.catalog)
    }

    /// The schema after statement `statement` of migration `index`.
    pub fn catalog_after_statement(&self, index: usize, statement: usize) -> Option<&Catalog> {
        let report = self.reports.get(index)?;
        let s = report.statements.get(statement)?;
        s.catalog_after.as_ref().or_else(|| self.catalog_at(index))
    }

    /// The schema at a point of the timeline.
    pub fn catalog_at_cursor(&self, at: Cursor) -> Option<&Catalog> {
        match at.statement {
            Some(s) if at.position > 0 => self.catalog_after_statement(at.position - 1, s),
            _ => self.catalog_at(at.position),
        }
    }

    /// The session before the first migration.
    pub fn base(&self) -> Option<&Session> {
        self.states.first().map(|s| s.as_ref())
    }

    /// The history as committed (every migration on, in the committed order), replayed from the
    /// base: what the Drift and Order panels compare with.
    pub fn replay_committed(&self, project: &Project) -> Option<CommittedHistory> {
        let base = self.base()?;
        let order = project.committed_order();
        let migrations: Vec<Migration> = order.iter().filter_map(|&i| project.up(i)).collect();
        let replay = replay_from(base.clone(), &migrations, &project.options());
        Some(CommittedHistory { order, migrations, replay })
    }

    /// Forget everything from migration `index` on (it was edited, moved, added or removed).
    pub fn invalidate_from(&mut self, index: usize) {
        self.reports.truncate(index);
        self.states.truncate(index + 1);
    }

    /// Whether an earlier migration failed and the options say to stop there.
    fn stopped(&self, project: &Project) -> bool {
        project.on_error == OnError::Stop && self.reports.iter().any(|r| r.outcome == MigrationOutcome::Error)
    }

    /// Replays the next migrations until `keep_going` says stop (checked after each one), or
    /// to the end. Returns how many ran.
    pub fn advance(&mut self, project: &Project, mut keep_going: impl FnMut() -> bool) -> usize {
        let mut ran = 0;
        while self.done() < project.migrations.len() {
            let index = self.done();
            let Some(before) = self.states.last().cloned() else { break };
            let Some(migration) = project.up(index) else { break };
            let mut session = (*before).clone();
            let report = if !project.migrations[index].enabled || self.stopped(project) {
                skip_migration(&migration, &session.catalog)
            } else {
                run_migration(&mut session, &migration)
            };
            self.reports.push(Rc::new(report));
            self.states.push(Rc::new(session));
            ran += 1;
            if !keep_going() {
                break;
            }
        }
        ran
    }

    /// The rollback check over the enabled migrations (each up with its down).
    pub fn rollback_check(&self, project: &Project) -> Option<(RollbackReport, Vec<usize>)> {
        let base = self.states.first()?;
        let indexes: Vec<usize> = (0..project.migrations.len()).filter(|&i| project.migrations[i].enabled).collect();
        let steps: Vec<Step> =
            indexes.iter().filter_map(|&i| Some(Step { up: project.up(i)?, down: project.down(i) })).collect();
        Some((rollback_check(base, &steps), indexes))
    }

    /// What running the downs of migrations `target..` (last first) does to the final schema.
    pub fn rollback_to(&self, project: &Project, target: usize) -> Option<RollbackPreview> {
        let n = project.migrations.len();
        let mut session = (**self.states.get(n)?).clone();
        let mut downs = Vec::new();
        for index in (target..n).rev() {
            if !project.migrations[index].enabled {
                continue;
            }
            let name = project.migrations[index].name.clone();
            match project.down(index) {
                None => downs.push(DownRun { name, outcome: DownRunOutcome::Missing }),
                Some(down) => {
                    let report = run_migration(&mut session, &down);
                    let outcome = match report.first_error() {
                        None => DownRunOutcome::Ok,
                        Some(s) => DownRunOutcome::Failed {
                            sqlstate: s.sqlstate.clone().unwrap_or_default(),
                            message: s.message.clone().unwrap_or_default(),
                            line: s.error_position.unwrap_or((s.line, s.column)).0,
                        },
                    };
                    downs.push(DownRun { name, outcome });
                }
            }
        }
        let final_catalog = &self.states[n].catalog;
        let expected = &self.states.get(target)?.catalog;
        Some(RollbackPreview {
            downs,
            disappear: schemasim_engine::diff(final_catalog, &session.catalog)
                .into_iter()
                .filter(|c| c.kind == schemasim_engine::ChangeKind::Removed)
                .map(|c| c.object)
                .collect(),
            residue: schemasim_engine::diff(expected, &session.catalog),
        })
    }
}

/// [`Analysis::replay_committed`]: `migrations[k]` is `project.migrations[order[k]]`.
pub struct CommittedHistory {
    pub order: Vec<usize>,
    pub migrations: Vec<Migration>,
    pub replay: Replay,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DownRunOutcome {
    Ok,
    Missing,
    Failed { sqlstate: String, message: String, line: u32 },
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DownRun {
    pub name: String,
    pub outcome: DownRunOutcome,
}

/// "Roll back to step k": the downs run, the objects they remove from the final schema, and
/// what still differs from the schema after step k (objects that survive but should not, or
/// are not restored).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RollbackPreview {
    pub downs: Vec<DownRun>,
    pub disappear: Vec<String>,
    pub residue: Vec<schemasim_engine::Change>,
}
