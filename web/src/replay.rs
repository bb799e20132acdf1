//! The incremental replay behind every view, split so the page's thread only renders: the
//! replay worker's [`ReplayHost`] holds the sessions ([`Analysis`]) and replays; the page's
//! [`ReplayView`] (part of `AppState`) holds what the views show: every migration's report and
//! the few schemas the panel on show needs.
//!
//! Every change to the migrations starts an epoch. The page sends [`ReplayRequest::Project`]
//! with the first migration that changed and how many reports it kept; the host keeps its
//! sessions before that migration, replays the rest in slices and sends the reports the page
//! lacks ([`ReplayMessage::Progress`]). The page asks for the schema at points of the timeline
//! ([`ReplayRequest::Snapshots`]); the host answers each once its replay got there. Both sides
//! drop what belongs to an older epoch.
use crate::analysis::Analysis;
use crate::project::Project;
use schemasim_engine::{Catalog, MigrationReport};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// A point of the timeline: after `position` migrations, or within migration `position - 1`
/// after its statement `statement`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Cursor {
    pub position: usize,
    pub statement: Option<usize>,
}

impl Cursor {
    /// The step just before this one (the previous statement, or the state before the
    /// migration): what the Diff panel compares with.
    pub fn before(self) -> Cursor {
        match self.statement {
            Some(s) if s > 0 && self.position > 0 => Cursor { position: self.position, statement: Some(s - 1) },
            _ => Cursor { position: self.position.saturating_sub(1), statement: None },
        }
    }
}

/// What the page sends the replay worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ReplayRequest {
    /// The migrations as they stand at `epoch`: nothing before migration `from` changed, and
    /// the page holds the reports of the first `have` migrations.
    Project { epoch: u64, from: usize, have: usize, project: Project },
    /// The schema at these points of `epoch`'s timeline.
    Snapshots { epoch: u64, at: Vec<Cursor> },
}

/// What the replay worker sends back.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ReplayMessage {
    /// The reports of migrations `first..first + reports.len()` (without their schemas).
    Progress { epoch: u64, first: usize, reports: Vec<MigrationReport> },
    /// Schemas asked for: all those known by now in one message, so the page renders once.
    Snapshots { epoch: u64, schemas: Vec<(Cursor, Catalog)> },
}

/// The worker's side: the sessions, replayed incrementally.
#[derive(Default)]
pub struct ReplayHost {
    epoch: u64,
    project: Option<Project>,
    analysis: Option<Analysis>,
    /// The page holds the reports before this one.
    sent: usize,
    /// Schemas asked for and not replayed yet.
    waiting: Vec<Cursor>,
}

impl ReplayHost {
    /// Takes a request; returns the answers ready now (the rest come from [`ReplayHost::work`]).
    pub fn receive(&mut self, request: ReplayRequest) -> Vec<ReplayMessage> {
        match request {
            ReplayRequest::Project { epoch, from, have, project } => {
                match self.analysis.as_mut() {
                    // The base session depends on the project's options: a change there is
                    // sent as a change from migration 0.
                    Some(analysis) if from > 0 => analysis.invalidate_from(from),
                    _ => self.analysis = Some(Analysis::new(&project)),
                }
                self.epoch = epoch;
                self.project = Some(project);
                self.sent = have;
                self.waiting.clear();
                Vec::new()
            }
            ReplayRequest::Snapshots { epoch, at } => {
                if epoch == self.epoch {
                    self.waiting.extend(at);
                }
                self.answers()
            }
        }
    }

    /// Whether migrations are left to replay.
    pub fn busy(&self) -> bool {
        match (&self.project, &self.analysis) {
            (Some(project), Some(analysis)) => !analysis.finished(project),
            _ => false,
        }
    }

    /// Replays migrations until `keep_going` says stop (checked after each one); returns the
    /// new reports the page lacks and the schemas asked for that are now known.
    pub fn work(&mut self, keep_going: impl FnMut() -> bool) -> Vec<ReplayMessage> {
        let (Some(project), Some(analysis)) = (&self.project, &mut self.analysis) else { return Vec::new() };
        analysis.advance(project, keep_going);
        let mut out = Vec::new();
        if analysis.done() > self.sent {
            let reports =
                (self.sent..analysis.done()).filter_map(|i| analysis.report(i)).map(without_schemas).collect();
            out.push(ReplayMessage::Progress { epoch: self.epoch, first: self.sent, reports });
            self.sent = analysis.done();
        }
        out.extend(self.answers());
        out
    }

    fn answers(&mut self) -> Vec<ReplayMessage> {
        let Some(analysis) = &self.analysis else { return Vec::new() };
        let mut schemas = Vec::new();
        self.waiting.retain(|&at| match analysis.catalog_at_cursor(at) {
            Some(catalog) => {
                schemas.push((at, catalog.clone()));
                false
            }
            None => true,
        });
        if schemas.is_empty() {
            Vec::new()
        } else {
            vec![ReplayMessage::Snapshots { epoch: self.epoch, schemas }]
        }
    }
}

/// A report as it crosses to the page: the schemas after each statement stay in the worker.
fn without_schemas(report: &MigrationReport) -> MigrationReport {
    let mut report = report.clone();
    report.catalog_after = Catalog::default();
    for statement in &mut report.statements {
        statement.catalog_after = None;
    }
    report
}

/// The page's side: the reports so far and the schemas fetched for this epoch.
#[derive(Clone)]
pub struct ReplayView {
    epoch: u64,
    /// The epoch the worker was last told about.
    sent: Option<u64>,
    /// The first migration changed since the worker was last told.
    changed_from: usize,
    reports: Vec<Rc<MigrationReport>>,
    catalogs: HashMap<Cursor, Rc<Catalog>>,
    requested: HashSet<Cursor>,
}

/// Schemas kept beyond the ones on show (each is a whole catalog).
const KEPT_SCHEMAS: usize = 8;

impl ReplayView {
    /// A project to replay from the start, in an epoch after `previous` (its messages in
    /// flight are dropped).
    pub fn after(previous: Option<&ReplayView>) -> Self {
        ReplayView {
            epoch: previous.map_or(1, |p| p.epoch + 1),
            sent: None,
            changed_from: 0,
            reports: Vec::new(),
            catalogs: HashMap::new(),
            requested: HashSet::new(),
        }
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
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

    pub fn reports(&self) -> impl Iterator<Item = &MigrationReport> {
        self.reports.iter().map(|r| r.as_ref())
    }

    /// The schema at `at`, once the worker sent it.
    pub fn catalog(&self, at: Cursor) -> Option<&Catalog> {
        self.catalogs.get(&at).map(|c| c.as_ref())
    }

    pub fn shared_catalog(&self, at: Cursor) -> Option<Rc<Catalog>> {
        self.catalogs.get(&at).cloned()
    }

    /// Migration `index` and those after it changed (edited, moved, added or removed).
    pub fn invalidate_from(&mut self, index: usize) {
        self.epoch += 1;
        self.changed_from = self.changed_from.min(index);
        self.reports.truncate(index);
        self.catalogs.retain(|at, _| at.position <= index);
        self.requested.clear();
    }

    /// Whether the worker has still to be told about this epoch.
    pub fn project_unsent(&self) -> bool {
        self.sent != Some(self.epoch)
    }

    /// The request that tells the worker about this epoch, if it was not told yet.
    pub fn project_request(&self, project: &Project) -> Option<ReplayRequest> {
        self.project_unsent().then(|| ReplayRequest::Project {
            epoch: self.epoch,
            from: self.changed_from,
            have: self.reports.len(),
            project: project.clone(),
        })
    }

    /// The worker was told about `epoch`.
    pub fn project_sent(&mut self, epoch: u64) {
        if epoch == self.epoch {
            self.sent = Some(epoch);
            self.changed_from = usize::MAX;
        }
    }

    /// The worker started afresh (it crashed): it must be told everything again.
    pub fn worker_restarted(&mut self) {
        self.sent = None;
        self.changed_from = 0;
        self.requested.clear();
    }

    /// Those of `wanted` the replay has got to and nobody has fetched or is fetching (none
    /// before the worker knows this epoch).
    pub fn schemas_to_fetch(&self, wanted: &[Cursor]) -> Vec<Cursor> {
        if self.project_unsent() {
            return Vec::new();
        }
        wanted
            .iter()
            .copied()
            // The schema after (a statement of) migration `position - 1` is known once it ran.
            .filter(|at| at.position <= self.done() && !self.catalogs.contains_key(at) && !self.requested.contains(at))
            .collect()
    }

    pub fn snapshots_requested(&mut self, epoch: u64, at: &[Cursor]) {
        if epoch == self.epoch {
            self.requested.extend(at.iter().copied());
        }
    }

    /// Takes the worker's message; `on_show` are the schemas to keep whatever happens.
    pub fn receive(&mut self, message: ReplayMessage, on_show: &[Cursor]) {
        match message {
            ReplayMessage::Progress { epoch, first, reports } if epoch == self.epoch => {
                if first == self.reports.len() {
                    self.reports.extend(reports.into_iter().map(Rc::new));
                } else {
                    // Out of step (it should not happen): tell the worker what the page has.
                    self.changed_from = self.changed_from.min(self.reports.len());
                    self.sent = None;
                }
            }
            ReplayMessage::Snapshots { epoch, schemas } if epoch == self.epoch => {
                if self.catalogs.len() + schemas.len() > KEPT_SCHEMAS {
                    self.catalogs.retain(|kept, _| on_show.contains(kept));
                }
                for (at, catalog) in schemas {
                    self.requested.remove(&at);
                    self.catalogs.insert(at, Rc::new(catalog));
                }
            }
            // An older epoch's: the project has changed since.
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MigrationFile;

    fn project(sql: &[&str]) -> Project {
        let mut p = Project::empty("t");
        for (i, up) in sql.iter().enumerate() {
            p.migrations.push(MigrationFile {
                name: format!("m{i}"),
                path: format!("m{i}.sql"),
                up: up.to_string(),
                down: None,
                transaction: true,
                enabled: true,
            });
        }
        p
    }

    /// Every message crosses the worker boundary as JSON.
    fn json<T: Serialize + for<'de> Deserialize<'de>>(value: T) -> T {
        serde_json::from_str(&serde_json::to_string(&value).expect("serializes")).expect("deserializes")
    }

    /// Runs the host to the end, delivering everything to the view.
    fn sync(host: &mut ReplayHost, view: &mut ReplayView, project: &Project, wanted: &[Cursor]) {
        if let Some(request) = view.project_request(project) {
            view.project_sent(view.epoch());
            host.receive(json(request));
        }
        for _ in 0..100 {
            let at = view.schemas_to_fetch(wanted);
            if !at.is_empty() {
                let epoch = view.epoch();
                view.snapshots_requested(epoch, &at);
                for m in host.receive(json(ReplayRequest::Snapshots { epoch, at })) {
                    view.receive(json(m), wanted);
                }
            }
            if !host.busy() && view.schemas_to_fetch(wanted).is_empty() {
                return;
            }
            for m in host.work(|| false) {
                view.receive(json(m), wanted);
            }
        }
        panic!("the replay did not settle");
    }

    #[test]
    fn the_view_gets_reports_and_asked_schemas_and_an_edit_resends_only_what_changed() {
        let mut p = project(&["CREATE TABLE a (id int);", "CREATE TABLE b (id int);", "CREATE TABLE c ();"]);
        let mut host = ReplayHost::default();
        let mut view = ReplayView::after(None);
        let end = Cursor { position: 3, statement: None };
        sync(&mut host, &mut view, &p, &[end, end.before()]);
        assert_eq!(view.done(), 3);
        assert_eq!(view.catalog(end).expect("fetched").relations.len(), 3);
        assert_eq!(view.catalog(end.before()).expect("fetched").relations.len(), 2);
        assert!(view.report(0).expect("a").statements[0].catalog_after.is_none(), "schemas stay in the worker");

        let first = view.reports[0].clone();
        p.migrations[2].up = "ALTER TABLE a ADD COLUMN x int;".into();
        view.invalidate_from(2);
        assert!(view.catalog(end).is_none() && view.catalog(end.before()).is_some(), "only later schemas go");
        let within = Cursor { position: 3, statement: Some(0) };
        host.receive(view.project_request(&p).expect("the edit is sent"));
        view.project_sent(view.epoch());
        assert_eq!(host.analysis.as_ref().expect("replayed").done(), 2, "the worker keeps a and b");
        sync(&mut host, &mut view, &p, &[within]);
        assert!(Rc::ptr_eq(&first, &view.reports[0]), "the reports before the edit are kept");
        let a = view.catalog(within).expect("fetched").table(&schemasim_catalog::QualName::new("public", "a"));
        assert!(a.expect("a").column("x").is_some());
    }

    #[test]
    fn a_restarted_worker_replays_everything_but_sends_only_what_the_page_lacks() {
        let p = project(&["CREATE TABLE a ();", "CREATE TABLE b ();"]);
        let mut view = ReplayView::after(None);
        sync(&mut ReplayHost::default(), &mut view, &p, &[]);
        let kept = view.reports[1].clone();
        view.worker_restarted();
        let mut fresh = ReplayHost::default();
        let end = Cursor { position: 2, statement: None };
        sync(&mut fresh, &mut view, &p, &[end]);
        assert!(Rc::ptr_eq(&kept, &view.reports[1]), "nothing resent");
        assert_eq!(view.catalog(end).expect("the fresh worker replayed").relations.len(), 2);
    }

    #[test]
    fn messages_of_an_older_epoch_are_dropped() {
        let p = project(&["CREATE TABLE a ();"]);
        let mut host = ReplayHost::default();
        let mut view = ReplayView::after(None);
        let request = view.project_request(&p).expect("unsent");
        view.project_sent(view.epoch());
        host.receive(request);
        let messages = host.work(|| true);
        view.invalidate_from(0);
        for m in messages {
            view.receive(m, &[]);
        }
        assert_eq!(view.done(), 0, "the old epoch's report is not taken");
        assert!(view.project_request(&p).is_some(), "the new epoch is still to send");
    }
}
