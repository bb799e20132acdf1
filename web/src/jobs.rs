//! Whole-history analyses that take too long for the page's thread (seconds on a history the
//! size of Lemmy's): the lints, drift, dependency graph and order sandbox, the rollback check,
//! the "roll back to step k" preview and the application's queries at every step. Each is a
//! [`JobRequest`] (plain data, the project itself) answered by a [`JobOutput`] (plain data), so
//! it runs in the jobs worker (`worker.rs`) or, where no worker can start, on the page: the
//! same [`JobRunner`] either way.
use crate::analysis::{Analysis, CommittedHistory, RollbackPreview};
use crate::project::Project;
use schemasim_engine::order::{dependency_graph, try_order, DependencyGraph, TryReport};
use schemasim_engine::{DriftReport, LintReport, RollbackReport, StatementReport};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobKind {
    Lints,
    Drift,
    Order,
    RollbackCheck,
    /// The preview of running the downs back to the state after this many migrations.
    RollbackTo(usize),
    /// The application's queries checked at every step (the Queries panel's strip).
    QueriesByStep,
}

/// What the page sends: the project as it stands at `revision`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobRequest {
    pub id: u64,
    pub revision: u64,
    pub kind: JobKind,
    pub project: Project,
}

/// What comes back: the page keeps it only if its project is still at `revision`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct JobResponse {
    pub id: u64,
    pub revision: u64,
    pub kind: JobKind,
    pub output: JobOutput,
}

/// `indexes[k]` is the project's migration behind the report's `k`-th entry (switched-off
/// migrations are left out of these analyses).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum JobOutput {
    Lints {
        report: LintReport,
        indexes: Vec<usize>,
    },
    /// `None`: the project has no production dump.
    Drift(Option<DriftReport>),
    /// The graph of the committed order, and the sandbox's comparison when the current order
    /// or switches differ from it.
    Order {
        graph: DependencyGraph,
        tried: Option<TryReport>,
    },
    RollbackCheck {
        report: RollbackReport,
        indexes: Vec<usize>,
    },
    RollbackTo(RollbackPreview),
    /// `steps[k]`: the queries checked against the schema after `k` migrations.
    QueriesByStep(Vec<Vec<StatementReport>>),
    /// The analysis could not run (the worker crashed): said to the user, never retried for
    /// the same revision.
    Failed(String),
}

/// Runs jobs, keeping the replays of the last project it saw: the panels of one revision
/// (Drift and Order both need the committed history) replay it once, and each replay is made
/// only when a job needs it.
#[derive(Default)]
pub struct JobRunner {
    last: Option<Replayed>,
}

struct Replayed {
    project: Project,
    /// The base session, and the current order once [`Replayed::replayed_to_the_end`] ran.
    analysis: Analysis,
    committed: Option<std::rc::Rc<CommittedHistory>>,
}

impl JobRunner {
    pub fn run(&mut self, request: &JobRequest) -> JobOutput {
        let project = &request.project;
        match request.kind {
            // The lints replay the history themselves, statement by statement.
            JobKind::Lints => {
                let indexes = enabled(project);
                let migrations: Vec<_> = indexes.iter().filter_map(|&i| project.up(i)).collect();
                JobOutput::Lints { report: schemasim_engine::lint(&migrations, &project.options()), indexes }
            }
            JobKind::Drift => {
                let Some(dump) = project.production_dump.as_deref() else { return JobOutput::Drift(None) };
                let replayed = self.replayed(project);
                let (Some(history), Some(base)) = (replayed.committed(project), replayed.analysis.base()) else {
                    return JobOutput::Failed("no history to compare with".into());
                };
                JobOutput::Drift(Some(schemasim_engine::drift::drift_with_rows(
                    &base.catalog,
                    &history.migrations,
                    &history.replay,
                    &project.options(),
                    dump,
                )))
            }
            JobKind::Order => {
                let replayed = self.replayed(project);
                let (Some(history), Some(base)) = (replayed.committed(project), replayed.analysis.base().cloned())
                else {
                    return JobOutput::Failed("no history to order".into());
                };
                let options = project.options();
                let graph = dependency_graph(&base.catalog, &history.migrations, &history.replay, &options);
                let tried = (!project.is_committed_order()).then(|| {
                    let order: Vec<usize> = enabled(project)
                        .into_iter()
                        .filter_map(|i| history.order.iter().position(|&c| c == i))
                        .collect();
                    try_order(&base, &history.migrations, &history.replay, &order, &options)
                });
                JobOutput::Order { graph, tried }
            }
            JobKind::RollbackCheck => match self.replayed(project).analysis.rollback_check(project) {
                Some((report, indexes)) => JobOutput::RollbackCheck { report, indexes },
                None => JobOutput::Failed("no replay to roll back".into()),
            },
            JobKind::RollbackTo(target) => {
                match self.replayed(project).replayed_to_the_end(project).rollback_to(project, target) {
                    Some(preview) => JobOutput::RollbackTo(preview),
                    None => JobOutput::Failed(format!("there is no step {target} to roll back to")),
                }
            }
            JobKind::QueriesByStep => {
                let analysis = self.replayed(project).replayed_to_the_end(project);
                let options = project.options();
                let steps = (0..=project.migrations.len())
                    .filter_map(|k| analysis.catalog_at(k))
                    .map(|catalog| schemasim_engine::check_queries(catalog, &options, &project.app_queries))
                    .collect();
                JobOutput::QueriesByStep(steps)
            }
        }
    }

    /// The replays of `project`, reused while the project is unchanged.
    fn replayed(&mut self, project: &Project) -> &mut Replayed {
        if self.last.as_ref().is_some_and(|r| r.project != *project) {
            self.last = None;
        }
        self.last.get_or_insert_with(|| Replayed {
            project: project.clone(),
            analysis: Analysis::new(project),
            committed: None,
        })
    }
}

impl Replayed {
    /// The project replayed to the end, in its current order and switches.
    fn replayed_to_the_end(&mut self, project: &Project) -> &Analysis {
        // Nothing to do once it got there.
        self.analysis.advance(project, || true);
        &self.analysis
    }

    fn committed(&mut self, project: &Project) -> Option<std::rc::Rc<CommittedHistory>> {
        if self.committed.is_none() {
            self.committed = self.analysis.replay_committed(project).map(std::rc::Rc::new);
        }
        self.committed.clone()
    }
}

fn enabled(project: &Project) -> Vec<usize> {
    (0..project.migrations.len()).filter(|&i| project.migrations[i].enabled).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::MigrationFile;

    fn request(kind: JobKind, project: &Project) -> JobRequest {
        JobRequest { id: 1, revision: 1, kind, project: project.clone() }
    }

    fn project() -> Project {
        let mut p = Project::empty("t");
        for (name, up, down) in [
            ("a", "CREATE TABLE a (id int PRIMARY KEY);", "DROP TABLE a;"),
            ("b", "CREATE TABLE b (a_id int REFERENCES a); ALTER TABLE a ADD COLUMN note text;", "DROP TABLE b;"),
        ] {
            p.migrations.push(MigrationFile {
                name: name.into(),
                path: format!("{name}.sql"),
                up: up.into(),
                down: Some(down.into()),
                transaction: true,
                enabled: true,
            });
            p.committed.push(name.into());
        }
        p
    }

    /// Every output crosses the worker boundary as JSON: it must come back whole.
    fn round_trip(output: JobOutput) -> JobOutput {
        let response = JobResponse { id: 1, revision: 1, kind: JobKind::Lints, output };
        let json = serde_json::to_string(&response).expect("serializes");
        serde_json::from_str::<JobResponse>(&json).expect("deserializes").output
    }

    #[test]
    fn each_job_answers_and_survives_the_json_boundary() {
        let p = project();
        let mut runner = JobRunner::default();
        match round_trip(runner.run(&request(JobKind::Order, &p))) {
            JobOutput::Order { graph, tried } => {
                assert!(graph.edges.iter().any(|e| e.from == 0 && e.to == 1), "{:?}", graph.edges);
                assert!(tried.is_none(), "committed order: nothing to compare");
            }
            other => panic!("{other:?}"),
        }
        match round_trip(runner.run(&request(JobKind::RollbackCheck, &p))) {
            JobOutput::RollbackCheck { report, indexes } => {
                assert_eq!(indexes, [0, 1]);
                assert!(report.steps[1].residue.iter().any(|c| c.object.contains("note")), "{:?}", report.steps[1]);
            }
            other => panic!("{other:?}"),
        }
        match round_trip(runner.run(&request(JobKind::RollbackTo(1), &p))) {
            JobOutput::RollbackTo(preview) => {
                assert!(preview.disappear.iter().any(|o| o.contains("table public.b")), "{:?}", preview.disappear);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(round_trip(runner.run(&request(JobKind::Drift, &p))), JobOutput::Drift(None)));
        let mut with_queries = p.clone();
        with_queries.app_queries = "SELECT note FROM a;".into();
        match round_trip(runner.run(&request(JobKind::QueriesByStep, &with_queries))) {
            JobOutput::QueriesByStep(steps) => {
                let failing: Vec<bool> =
                    steps.iter().map(|s| s[0].outcome == schemasim_engine::Outcome::Error).collect();
                assert_eq!(failing, [true, true, false], "a.note exists from b on");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(round_trip(runner.run(&request(JobKind::Lints, &p))), JobOutput::Lints { .. }));
    }

    #[test]
    fn the_sandbox_compares_a_reordered_project_with_the_committed_order() {
        let mut p = project();
        p.migrations.swap(0, 1);
        let mut runner = JobRunner::default();
        match runner.run(&request(JobKind::Order, &p)) {
            JobOutput::Order { tried: Some(t), .. } => {
                let failure = t.failure.expect("b needs a");
                assert_eq!(failure.sqlstate, "42P01");
            }
            other => panic!("{other:?}"),
        }
    }
}
