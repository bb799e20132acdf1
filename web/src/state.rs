//! The app's state and every change to it, as a Yew `Reducible` with no Html, so the UI logic
//! is unit-tested natively.
use crate::examples::StepOrder;
use crate::jobs::{JobKind, JobOutput, JobResponse};
use crate::project::{MigrationFile, Project};
pub use crate::replay::Cursor;
use crate::replay::{ReplayMessage, ReplayView};
use schemasim_engine::{Catalog, Outcome};
use std::collections::HashMap;
use std::rc::Rc;
use yew::Reducible;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    Problems,
    Schema,
    Rls,
    Diff,
    Rollback,
    Diagram,
    Lints,
    Audit,
    Drift,
    Order,
    Queries,
}

impl Panel {
    pub const ALL: [Panel; 11] = [
        Panel::Problems,
        Panel::Schema,
        Panel::Rls,
        Panel::Diff,
        Panel::Rollback,
        Panel::Diagram,
        Panel::Lints,
        Panel::Audit,
        Panel::Drift,
        Panel::Order,
        Panel::Queries,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Panel::Problems => "Problems",
            Panel::Schema => "Schema",
            Panel::Rls => "RLS",
            Panel::Diff => "Diff",
            Panel::Rollback => "Rollback",
            Panel::Diagram => "Diagram",
            Panel::Lints => "Lints",
            Panel::Audit => "Audit",
            Panel::Drift => "Drift",
            Panel::Order => "Order",
            Panel::Queries => "Queries",
        }
    }

    /// The panel whose label is `label` (any case).
    pub fn from_label(label: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.label().eq_ignore_ascii_case(label))
    }
}

/// Past this many steps the Queries panel's per-step strip is not computed (it checks every
/// query at every step).
pub const QUERY_STRIP_MAX_STEPS: usize = 80;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Up,
    Down,
}

#[derive(Clone)]
pub struct AppState {
    /// Bumped by every action: what components compare to know the state changed.
    pub generation: u64,
    pub project: Rc<Project>,
    /// Bumped on every change to the project (persistence and links follow it).
    pub revision: u64,
    /// The replay's reports and the schemas fetched from the replay worker.
    pub replay: ReplayView,
    /// Where the timeline stands.
    pub cursor: Cursor,
    /// The last schema the cursor had: shown (dimmed) while the next one comes from the
    /// replay worker, so scrubbing does not empty and rebuild the page at every step.
    pub last_catalog: Option<Rc<Catalog>>,
    /// Follow the end of the history as the replay progresses (until the user scrubs).
    pub follow_end: bool,
    pub panel: Panel,
    pub editor: Option<(usize, Side)>,
    pub search: String,
    /// The relation or type whose DDL is shown.
    pub ddl_of: Option<schemasim_catalog::QualName>,
    /// The rollback check was asked for: it follows the project from then on.
    pub rollback_requested: bool,
    pub rollback_target: Option<usize>,
    /// The worker's answers for this revision, and the jobs sent (with the revision they were
    /// sent for): one job of each kind at a time, so typing never queues stale work.
    pub job_results: HashMap<JobKind, Rc<JobOutput>>,
    pub jobs_pending: HashMap<JobKind, u64>,
    /// The example the project came from, if any.
    pub example: Option<String>,
    /// The walkthrough step last shown (0-based), if the user walked.
    pub walk: Option<usize>,
    /// A line for the status bar (import results, errors reading files).
    pub status: Option<String>,
}

pub enum Action {
    LoadProject {
        project: Project,
        example: Option<String>,
        status: Option<String>,
    },
    AddMigration,
    RenameMigration(usize, String),
    DeleteMigration(usize),
    MoveMigration {
        from: usize,
        to: usize,
    },
    ToggleMigration(usize),
    EditSql {
        index: usize,
        side: Side,
        sql: String,
    },
    AddDown(usize),
    /// The replay worker was told about this epoch of the project.
    ReplaySent(u64),
    /// These schemas were asked of the replay worker for this epoch.
    SchemasRequested {
        epoch: u64,
        at: Vec<Cursor>,
    },
    /// The replay worker's reports or a schema.
    Replayed(Box<ReplayMessage>),
    /// The replay worker crashed; it was restarted unless it kept crashing.
    ReplayWorkerCrashed {
        why: String,
        restarted: bool,
    },
    SetPosition(usize),
    SetStatement(Option<usize>),
    /// Jump to a statement (from the problems list): timeline, editor and panel follow.
    JumpTo {
        index: usize,
        statement: usize,
    },
    ShowPanel(Panel),
    OpenEditor(Option<(usize, Side)>),
    Search(String),
    ShowDdl(Option<schemasim_catalog::QualName>),
    RunRollbackCheck,
    SetRollbackTarget(Option<usize>),
    /// These jobs went to the worker for the current revision.
    JobsSent(Vec<JobKind>),
    /// A job's answer (kept only if the project is still at its revision).
    JobDone(Box<JobResponse>),
    SetStatus(Option<String>),
    /// The production dump the Drift panel compares with (`None` forgets it).
    SetProductionDump(Option<String>),
    /// Back to the committed order with every migration switched on.
    RestoreCommittedOrder,
    /// The application's queries (the Queries panel) were edited.
    EditQueries(String),
    /// Go to a step of the example's walkthrough: its order, timeline position and panel.
    Walk(usize),
}

impl AppState {
    pub fn new(project: Project, example: Option<String>) -> Self {
        let position = project.migrations.len();
        AppState {
            generation: 0,
            project: Rc::new(project),
            revision: 0,
            replay: ReplayView::after(None),
            last_catalog: None,
            cursor: Cursor { position, statement: None },
            follow_end: true,
            panel: Panel::Problems,
            editor: None,
            search: String::new(),
            ddl_of: None,
            rollback_requested: false,
            rollback_target: None,
            job_results: HashMap::new(),
            jobs_pending: HashMap::new(),
            example,
            walk: None,
            status: None,
        }
    }

    pub fn replay_finished(&self) -> bool {
        self.replay.finished(&self.project)
    }

    /// The schema at the cursor, once the replay worker sent it.
    pub fn catalog(&self) -> Option<&Catalog> {
        self.replay.catalog(self.cursor)
    }

    /// The schema at the cursor (`true`), or while it is on its way, the last one the cursor
    /// had (`false`).
    pub fn catalog_or_last(&self) -> Option<(&Catalog, bool)> {
        match self.catalog() {
            Some(catalog) => Some((catalog, true)),
            None => self.last_catalog.as_deref().map(|c| (c, false)),
        }
    }

    /// The schema just before the step the cursor is on (the previous statement, or the state
    /// before the migration): what the Diff panel compares with.
    pub fn catalog_before_cursor(&self) -> Option<&Catalog> {
        self.replay.catalog(self.cursor.before())
    }

    /// The schemas the panel on show reads (fetched from the replay worker).
    pub fn wanted_schemas(&self) -> Vec<Cursor> {
        match self.panel {
            Panel::Schema | Panel::Diff => vec![self.cursor, self.cursor.before()],
            Panel::Rls | Panel::Diagram | Panel::Audit | Panel::Queries => vec![self.cursor],
            Panel::Problems | Panel::Rollback | Panel::Lints | Panel::Drift | Panel::Order => Vec::new(),
        }
    }

    /// Every error, notice and warning so far: `(migration, statement, problem)`.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (index, report) in self.replay.reports().enumerate() {
            for (statement, s) in report.statements.iter().enumerate() {
                if s.outcome == Outcome::Error {
                    out.push(Problem {
                        index,
                        statement,
                        severity: Severity::Error,
                        code: s.sqlstate.clone().unwrap_or_default(),
                        message: s.message.clone().unwrap_or_default(),
                        detail: s.detail.clone(),
                        hint: s.hint.clone(),
                        line: s.error_position.map_or(s.line, |p| p.0),
                        column: s.error_position.map_or(s.column, |p| p.1),
                    });
                }
                for n in &s.notices {
                    out.push(Problem {
                        index,
                        statement,
                        severity: Severity::Notice,
                        code: n.severity.clone(),
                        message: n.message.clone(),
                        detail: None,
                        hint: None,
                        line: s.line,
                        column: s.column,
                    });
                }
                for w in &s.warnings {
                    out.push(Problem {
                        index,
                        statement,
                        severity: Severity::Warning,
                        code: "not simulated".into(),
                        message: w.message.clone(),
                        detail: None,
                        hint: None,
                        line: s.line,
                        column: s.column,
                    });
                }
            }
        }
        out
    }

    fn project_changed(&mut self, from: usize) {
        self.replay.invalidate_from(from);
        self.downs_changed();
        self.clamp_cursor();
    }

    /// A down is replayed only by the rollback views and the jobs: the history stands, every
    /// job's answer is stale.
    fn downs_changed(&mut self) {
        self.revision += 1;
        self.job_results.clear();
    }

    /// Rearranges the migrations as `wanted` (names, each on or off), keeping their SQL; those
    /// not named stay, after them. Replays from the first migration that moved.
    fn arrange(&mut self, wanted: &[(String, bool)]) {
        let current = &self.project.migrations;
        let mut migrations: Vec<MigrationFile> = wanted
            .iter()
            .filter_map(|(name, enabled)| {
                let mut m = current.iter().find(|m| m.name == *name)?.clone();
                m.enabled = *enabled;
                Some(m)
            })
            .collect();
        migrations.extend(current.iter().filter(|m| !wanted.iter().any(|(n, _)| *n == m.name)).cloned());
        let first_change = migrations.iter().zip(current).position(|(a, b)| a != b);
        if let Some(index) = first_change {
            Rc::make_mut(&mut self.project).migrations = migrations;
            self.editor = None;
            self.project_changed(index);
        }
    }

    fn walk(&mut self, k: usize) {
        let Some(example) = self.example.as_deref().and_then(crate::examples::find) else { return };
        let steps = example.walkthrough();
        let Some(step) = steps.get(k) else { return };
        self.walk = Some(k);
        let names = |indexes: Vec<usize>| -> Vec<String> {
            indexes.into_iter().map(|i| self.project.migrations[i].name.clone()).collect()
        };
        let wanted: Option<Vec<(String, bool)>> = match step.order {
            StepOrder::Keep => None,
            StepOrder::Production => {
                example.project().ok().map(|p| p.migrations.iter().map(|m| (m.name.clone(), m.enabled)).collect())
            }
            StepOrder::Committed => {
                Some(names(self.project.committed_order()).into_iter().map(|n| (n, true)).collect())
            }
            StepOrder::Names(prefixes) => {
                let committed = names(self.project.committed_order());
                let mut wanted: Vec<(String, bool)> = prefixes
                    .iter()
                    .filter_map(|p| committed.iter().find(|n| n.starts_with(p)))
                    .map(|n| (n.clone(), true))
                    .collect();
                let off: Vec<(String, bool)> = committed
                    .iter()
                    .filter(|n| !wanted.iter().any(|(w, _)| w == *n))
                    .map(|n| (n.clone(), false))
                    .collect();
                wanted.extend(off);
                Some(wanted)
            }
        };
        if let Some(wanted) = wanted {
            self.arrange(&wanted);
        }
        let n = self.project.migrations.len();
        let at = step.at.and_then(|p| self.project.migrations.iter().position(|m| m.name.starts_with(p)));
        self.cursor = Cursor { position: at.map_or(n, |i| i + 1), statement: at.and(step.statement.map(|s| s - 1)) };
        self.follow_end = at.is_none();
        self.editor = match (at, step.statement) {
            (Some(i), Some(_)) => Some((i, Side::Up)),
            _ => None,
        };
        if let Some(panel) = step.panel.and_then(Panel::from_label) {
            self.panel = panel;
        }
        if let Some(search) = step.search {
            self.search = search.to_string();
        }
        if step.rollback_check {
            self.rollback_requested = true;
        }
        if let Some(p) = step.rollback_to {
            self.rollback_target = self.project.migrations.iter().position(|m| m.name.starts_with(p)).map(|i| i + 1);
        }
    }

    /// The jobs the panel on show needs and nobody has computed or is computing.
    pub fn wanted_jobs(&self) -> Vec<JobKind> {
        let mut kinds = Vec::new();
        match self.panel {
            Panel::Lints => kinds.push(JobKind::Lints),
            Panel::Drift if self.project.production_dump.is_some() => kinds.push(JobKind::Drift),
            Panel::Order => kinds.push(JobKind::Order),
            Panel::Queries
                if self.project.migrations.len() <= QUERY_STRIP_MAX_STEPS
                    && !self.project.app_queries.trim().is_empty() =>
            {
                kinds.push(JobKind::QueriesByStep)
            }
            Panel::Rollback => {
                if self.rollback_requested {
                    kinds.push(JobKind::RollbackCheck);
                }
                if let Some(target) = self.rollback_target {
                    kinds.push(JobKind::RollbackTo(target));
                }
            }
            _ => {}
        }
        kinds.retain(|k| !self.job_results.contains_key(k) && !self.jobs_pending.contains_key(k));
        kinds
    }

    /// The answer to `kind` for the project as it stands.
    pub fn job(&self, kind: JobKind) -> Option<&JobOutput> {
        self.job_results.get(&kind).map(|o| o.as_ref())
    }

    /// Whether `kind` is being computed (for this revision or an older one).
    pub fn job_running(&self, kind: JobKind) -> bool {
        self.jobs_pending.contains_key(&kind)
    }

    fn clamp_cursor(&mut self) {
        let n = self.project.migrations.len();
        if self.follow_end || self.cursor.position > n {
            self.cursor = Cursor { position: n, statement: None };
        }
        if let Some((index, _)) = self.editor {
            if index >= n {
                self.editor = None;
            }
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub index: usize,
    pub statement: usize,
    pub severity: Severity,
    pub code: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    pub line: u32,
    pub column: u32,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        s.generation += 1;
        match action {
            Action::LoadProject { project, example, status } => {
                let mut fresh = AppState::new(project, example);
                fresh.revision = s.revision + 1;
                fresh.generation = s.generation + 1;
                fresh.status = status;
                fresh.replay = ReplayView::after(Some(&s.replay));
                // Jobs still running for the old project: their answers are dropped on arrival.
                fresh.jobs_pending = std::mem::take(&mut s.jobs_pending);
                return Rc::new(fresh);
            }
            Action::AddMigration => {
                let project = Rc::make_mut(&mut s.project);
                let name = project.fresh_name("new_migration");
                project.migrations.push(MigrationFile {
                    path: format!("{name}.sql"),
                    name,
                    up: String::new(),
                    down: None,
                    transaction: true,
                    enabled: true,
                });
                let index = project.migrations.len() - 1;
                s.editor = Some((index, Side::Up));
                s.follow_end = true;
                s.project_changed(index);
            }
            Action::RenameMigration(index, name) => {
                let name = name.trim().to_string();
                let project = Rc::make_mut(&mut s.project);
                if name.is_empty() || project.migrations.iter().enumerate().any(|(i, m)| i != index && m.name == name) {
                    s.status = Some(format!("A migration needs a unique, non-empty name (\"{name}\")."));
                } else if let Some(m) = project.migrations.get_mut(index) {
                    let old = std::mem::replace(&mut m.name, name.clone());
                    for c in project.committed.iter_mut().filter(|c| **c == old) {
                        c.clone_from(&name);
                    }
                    // The name appears in reports: replay from here so they say the new one.
                    s.project_changed(index);
                }
            }
            Action::DeleteMigration(index) => {
                let project = Rc::make_mut(&mut s.project);
                if index < project.migrations.len() {
                    let removed = project.migrations.remove(index);
                    s.status = Some(format!("Deleted {}.", removed.name));
                    s.editor = None;
                    s.project_changed(index);
                }
            }
            Action::MoveMigration { from, to } => {
                let project = Rc::make_mut(&mut s.project);
                let n = project.migrations.len();
                if from < n && to < n && from != to {
                    let m = project.migrations.remove(from);
                    project.migrations.insert(to, m);
                    if let Some((i, side)) = s.editor {
                        s.editor = Some((moved_index(i, from, to), side));
                    }
                    s.project_changed(from.min(to));
                }
            }
            Action::ToggleMigration(index) => {
                let project = Rc::make_mut(&mut s.project);
                if let Some(m) = project.migrations.get_mut(index) {
                    m.enabled = !m.enabled;
                    s.project_changed(index);
                }
            }
            Action::EditSql { index, side, sql } => {
                let project = Rc::make_mut(&mut s.project);
                if let Some(m) = project.migrations.get_mut(index) {
                    match side {
                        Side::Up => m.up = sql,
                        Side::Down => m.down = Some(sql),
                    }
                    match side {
                        Side::Up => s.project_changed(index),
                        Side::Down => s.downs_changed(),
                    }
                }
            }
            Action::AddDown(index) => {
                let project = Rc::make_mut(&mut s.project);
                if let Some(m) = project.migrations.get_mut(index) {
                    m.down.get_or_insert_with(String::new);
                    s.editor = Some((index, Side::Down));
                    s.downs_changed();
                }
            }
            Action::ReplaySent(epoch) => s.replay.project_sent(epoch),
            Action::SchemasRequested { epoch, at } => s.replay.snapshots_requested(epoch, &at),
            Action::Replayed(message) => {
                let on_show = s.wanted_schemas();
                s.replay.receive(*message, &on_show);
                if let Some(catalog) = s.replay.shared_catalog(s.cursor) {
                    s.last_catalog = Some(catalog);
                }
            }
            Action::ReplayWorkerCrashed { why, restarted } => {
                s.replay.worker_restarted();
                s.status = Some(if restarted {
                    format!("The replay crashed (a bug in schemasim: {why}); it was restarted.")
                } else {
                    format!("The replay keeps crashing (a bug in schemasim: {why}); reload the page to try again.")
                });
            }
            Action::SetPosition(position) => {
                let n = s.project.migrations.len();
                s.cursor = Cursor { position: position.min(n), statement: None };
                s.follow_end = position >= n;
            }
            Action::SetStatement(statement) => {
                s.cursor.statement = statement;
                s.follow_end = false;
            }
            Action::JumpTo { index, statement } => {
                s.cursor = Cursor { position: index + 1, statement: Some(statement) };
                s.follow_end = false;
                s.editor = Some((index, Side::Up));
            }
            Action::ShowPanel(panel) => s.panel = panel,
            Action::OpenEditor(editor) => s.editor = editor,
            Action::Search(text) => s.search = text,
            Action::ShowDdl(name) => s.ddl_of = name,
            Action::RunRollbackCheck => {
                s.rollback_requested = true;
                s.panel = Panel::Rollback;
            }
            Action::SetRollbackTarget(target) => s.rollback_target = target,
            Action::JobsSent(kinds) => {
                for kind in kinds {
                    s.jobs_pending.insert(kind, s.revision);
                }
            }
            Action::JobDone(response) => {
                if s.jobs_pending.get(&response.kind) == Some(&response.revision) {
                    s.jobs_pending.remove(&response.kind);
                }
                if response.revision == s.revision {
                    s.job_results.insert(response.kind, Rc::new(response.output));
                }
            }
            Action::SetStatus(status) => s.status = status,
            Action::SetProductionDump(dump) => {
                Rc::make_mut(&mut s.project).production_dump = dump;
                s.downs_changed();
            }
            Action::Walk(k) => s.walk(k),
            Action::EditQueries(text) => {
                Rc::make_mut(&mut s.project).app_queries = text;
                // Saved with the project; nothing to replay, and only the queries' own job is
                // stale.
                s.revision += 1;
                s.job_results.remove(&JobKind::QueriesByStep);
            }
            Action::RestoreCommittedOrder => {
                let project = Rc::make_mut(&mut s.project);
                let order = project.committed_order();
                let mut migrations: Vec<MigrationFile> =
                    order.iter().filter_map(|&i| project.migrations.get(i).cloned()).collect();
                for m in &mut migrations {
                    m.enabled = true;
                }
                project.migrations = migrations;
                s.editor = None;
                s.status = Some("Back to the committed order, every migration on.".into());
                s.project_changed(0);
            }
        }
        Rc::new(s)
    }
}

/// Where the item at `index` ends up when the item at `from` moves to `to`.
fn moved_index(index: usize, from: usize, to: usize) -> usize {
    if index == from {
        to
    } else if from < index && index <= to {
        index - 1
    } else if to <= index && index < from {
        index + 1
    } else {
        index
    }
}

#[cfg(test)]
mod tests;
