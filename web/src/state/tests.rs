use super::*;
use crate::examples;
use crate::jobs::{JobKind, JobOutput};
use crate::replay::{ReplayHost, ReplayRequest};

thread_local! {
    /// The replay worker's side, one per test (each test runs on its own thread).
    static WORKER: std::cell::RefCell<ReplayHost> = std::cell::RefCell::default();
}

/// What the app does with the replay worker, synchronously: tell it about the project, let it
/// replay to the end, fetch the schemas on show and the cursor's.
fn finish(mut state: Rc<AppState>) -> Rc<AppState> {
    WORKER.with_borrow_mut(|host| {
        for _ in 0..1000 {
            let mut messages = Vec::new();
            if let Some(request) = state.replay.project_request(&state.project) {
                let epoch = state.replay.epoch();
                state = state.reduce(Action::ReplaySent(epoch));
                messages.extend(host.receive(request));
            }
            let mut wanted = state.wanted_schemas();
            wanted.extend([state.cursor, state.cursor.before()]);
            let at = state.replay.schemas_to_fetch(&wanted);
            if !at.is_empty() {
                let epoch = state.replay.epoch();
                state = state.reduce(Action::SchemasRequested { epoch, at: at.clone() });
                messages.extend(host.receive(ReplayRequest::Snapshots { epoch, at }));
            }
            if messages.is_empty() && !host.busy() {
                return state;
            }
            messages.extend(host.work(|| true));
            for m in messages {
                state = state.reduce(Action::Replayed(Box::new(m)));
            }
        }
        panic!("the replay did not settle");
    })
}

fn example(id: &str) -> Rc<AppState> {
    let project = examples::find(id).expect("embedded").project().expect("layout detected");
    finish(Rc::new(AppState::new(project, Some(id.into()))))
}

fn migration(name: &str, up: &str) -> MigrationFile {
    MigrationFile {
        name: name.into(),
        path: format!("{name}.sql"),
        up: up.into(),
        down: None,
        transaction: true,
        enabled: true,
    }
}

fn project(migrations: Vec<MigrationFile>) -> Project {
    let mut p = Project::empty("t");
    p.migrations = migrations;
    p
}

#[test]
fn the_default_story_shows_the_production_error_at_the_app_query() {
    let state = example(examples::DEFAULT_EXAMPLE);
    assert!(state.replay_finished());
    let errors: Vec<_> = state.problems().into_iter().filter(|p| p.severity == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].code, "42703");
    assert_eq!(errors[0].message, "column \"status\" of relation \"users\" does not exist");
    let failing = &state.project.migrations[errors[0].index];
    assert!(failing.name.starts_with("app query"), "{}", failing.name);
    // PostgreSQL's cursor: the column in the INSERT's column list.
    let line = failing.up.lines().nth(errors[0].line as usize - 1).expect("the error's line");
    let at: String = line.chars().skip(errors[0].column as usize - 1).collect();
    assert!(at.starts_with("status,"), "{line:?} at column {}", errors[0].column);
    // 115 never ran in production: switched off, and the baseline's NOTICE tells the skip.
    assert!(state.project.migrations.iter().any(|m| m.name.contains("115") && !m.enabled));
    assert!(state.problems().iter().any(|p| p.message == "relation \"users\" already exists, skipping"));
}

#[test]
fn switching_the_skipped_migration_on_fixes_the_story() {
    let state = example(examples::DEFAULT_EXAMPLE);
    let index = state.project.migrations.iter().position(|m| m.name.contains("115")).expect("115");
    let state = finish(state.reduce(Action::ToggleMigration(index)));
    assert!(state.problems().iter().all(|p| p.severity != Severity::Error), "{:?}", state.problems());
}

#[test]
fn every_example_replays() {
    for e in examples::EXAMPLES {
        let state = example(e.id);
        assert!(state.replay_finished(), "{}", e.id);
        assert!(!e.summary().is_empty() && !e.title().is_empty(), "{}", e.id);
        assert!(e.walkthrough().iter().all(|s| !s.text.is_empty()), "{}", e.id);
    }
}

#[test]
fn an_edit_replays_from_the_edited_migration_only() {
    let p = project(vec![
        migration("a", "CREATE TABLE a (id int);"),
        migration("b", "CREATE TABLE b (id int);"),
        migration("c", "ALTER TABLE b ADD COLUMN x int;"),
    ]);
    let state = finish(Rc::new(AppState::new(p, None)));
    let a_report = state.replay.report(0).expect("a ran") as *const _;
    let edited =
        state.reduce(Action::EditSql { index: 2, side: Side::Up, sql: "ALTER TABLE a ADD COLUMN y int;".into() });
    assert_eq!(edited.replay.done(), 2, "a and b are kept");
    let edited = finish(edited);
    assert_eq!(edited.replay.report(0).expect("a") as *const _, a_report, "a was not replayed again");
    let catalog = edited.catalog().expect("at the end");
    assert!(catalog.table(&schemasim_catalog::QualName::new("public", "a")).expect("a").column("y").is_some());
}

#[test]
fn the_views_follow_the_replay_as_it_arrives() {
    let p = project((0..5).map(|i| migration(&format!("m{i}"), &format!("CREATE TABLE t{i} ();"))).collect());
    let mut state = Rc::new(AppState::new(p, None));
    let epoch = state.replay.epoch();
    let request = state.replay.project_request(&state.project).expect("a new project is sent");
    state = state.reduce(Action::ReplaySent(epoch));
    let messages = WORKER.with_borrow_mut(|host| {
        host.receive(request);
        host.work(|| false)
    });
    for m in messages {
        state = state.reduce(Action::Replayed(Box::new(m)));
    }
    assert_eq!(state.replay.done(), 1, "one migration per slice at least");
    assert!(!state.replay_finished());
    assert!(state.replay.schemas_to_fetch(&[state.cursor]).is_empty(), "the end is not replayed yet");
    let state = finish(state.reduce(Action::ShowPanel(Panel::Schema)));
    assert!(state.catalog().is_some() && state.catalog_before_cursor().is_some(), "the Schema panel's schemas");
}

#[test]
fn stop_on_error_skips_the_rest_and_the_cursor_reads_each_step() {
    let p = project(vec![
        migration("a", "CREATE TABLE a (id int);"),
        migration("b", "ALTER TABLE missing ADD COLUMN x int;"),
        migration("c", "CREATE TABLE c ();"),
    ]);
    let state = finish(Rc::new(AppState::new(p, None)));
    assert_eq!(state.replay.report(2).expect("c").outcome, schemasim_engine::MigrationOutcome::Skipped);
    let state = finish(state.reduce(Action::SetPosition(1)));
    assert_eq!(state.catalog().expect("after a").relations.len(), 1);
    assert!(!state.follow_end);
    let problem = state.problems().into_iter().next().expect("b's error");
    assert_eq!((problem.code.as_str(), problem.line, problem.column), ("42P01", 1, 1));
    let state = state.reduce(Action::JumpTo { index: problem.index, statement: problem.statement });
    assert_eq!(state.cursor, Cursor { position: 2, statement: Some(0) });
    assert_eq!(state.editor, Some((1, Side::Up)));
}

#[test]
fn add_rename_move_toggle_and_delete() {
    let p = project(vec![migration("a", "CREATE TABLE a ();"), migration("b", "CREATE TABLE b ();")]);
    let state = finish(Rc::new(AppState::new(p, None)));
    let state = state.reduce(Action::AddMigration);
    assert_eq!(state.project.migrations[2].name, "new_migration");
    assert_eq!(state.editor, Some((2, Side::Up)));
    let state = state.reduce(Action::RenameMigration(2, "a".into()));
    assert!(state.status.as_deref().unwrap_or_default().contains("unique"), "duplicate names are refused");
    let state = state.reduce(Action::RenameMigration(2, " c ".into()));
    assert_eq!(state.project.migrations[2].name, "c");
    let state = state.reduce(Action::MoveMigration { from: 2, to: 0 });
    let names: Vec<_> = state.project.migrations.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["c", "a", "b"]);
    assert_eq!(state.editor, Some((0, Side::Up)), "the open editor follows its migration");
    assert_eq!(state.replay.done(), 0, "moving to the front replays everything");
    let state = finish(state.reduce(Action::ToggleMigration(1)));
    assert_eq!(state.replay.report(1).expect("a").outcome, schemasim_engine::MigrationOutcome::Skipped);
    let state = state.reduce(Action::DeleteMigration(0));
    assert_eq!(state.project.migrations.len(), 2);
    assert_eq!(state.editor, None);
    assert!(state.revision > 0);
}

/// What the app's effect and the worker do: send the wanted jobs, run them, hand back the answers.
fn run_jobs(state: Rc<AppState>) -> Rc<AppState> {
    let wanted = state.wanted_jobs();
    let mut state = state.reduce(Action::JobsSent(wanted.clone()));
    let mut runner = crate::jobs::JobRunner::default();
    for kind in wanted {
        let request =
            crate::jobs::JobRequest { id: 1, revision: state.revision, kind, project: (*state.project).clone() };
        let output = runner.run(&request);
        state = state.reduce(Action::JobDone(Box::new(crate::jobs::JobResponse {
            id: 1,
            revision: request.revision,
            kind,
            output,
        })));
    }
    state
}

#[test]
fn rollback_check_and_preview_find_a_down_that_leaves_residue() {
    let mut with_down = migration("b", "CREATE TABLE b (id int); ALTER TABLE a ADD COLUMN note text;");
    with_down.down = Some("DROP TABLE b;".into());
    let mut first = migration("a", "CREATE TABLE a (id int);");
    first.down = Some("DROP TABLE a;".into());
    let state = finish(Rc::new(AppState::new(project(vec![first, with_down]), None)));
    assert!(state.wanted_jobs().is_empty(), "nothing runs before it is asked for");
    let state = state.reduce(Action::RunRollbackCheck);
    assert_eq!(state.panel, Panel::Rollback);
    assert_eq!(state.wanted_jobs(), [JobKind::RollbackCheck]);
    let state = state.reduce(Action::SetRollbackTarget(Some(1)));
    let state = run_jobs(state);
    assert!(state.wanted_jobs().is_empty(), "answered jobs are not sent again");
    let Some(JobOutput::RollbackCheck { report, indexes }) = state.job(JobKind::RollbackCheck) else { panic!("ran") };
    assert_eq!(indexes, &[0, 1]);
    assert!(report.steps[1].residue.iter().any(|c| c.object.contains("note")), "{:?}", report.steps[1]);
    let Some(JobOutput::RollbackTo(preview)) = state.job(JobKind::RollbackTo(1)) else { panic!("preview") };
    assert!(preview.disappear.iter().any(|o| o.contains("table public.b")), "{:?}", preview.disappear);
    assert!(preview.residue.iter().any(|c| c.object.contains("note")), "{:?}", preview.residue);
    // Editing a down makes both answers stale but keeps the replay; they are computed again.
    let state = state.reduce(Action::EditSql {
        index: 1,
        side: Side::Down,
        sql: "DROP TABLE b; ALTER TABLE a DROP COLUMN note;".into(),
    });
    assert!(state.job(JobKind::RollbackCheck).is_none());
    assert!(state.replay_finished());
    let state = run_jobs(state);
    let Some(JobOutput::RollbackTo(preview)) = state.job(JobKind::RollbackTo(1)) else { panic!("preview recomputed") };
    assert!(preview.residue.is_empty(), "{:?}", preview.residue);
}

#[test]
fn a_job_answered_for_an_older_revision_is_dropped_and_sent_again() {
    let state = example(examples::DEFAULT_EXAMPLE).reduce(Action::ShowPanel(Panel::Lints));
    assert_eq!(state.wanted_jobs(), [JobKind::Lints]);
    let sent = state.reduce(Action::JobsSent(vec![JobKind::Lints]));
    let old_revision = sent.revision;
    assert!(sent.wanted_jobs().is_empty(), "one job of a kind at a time");
    // The user types while the worker lints.
    let edited = sent.reduce(Action::EditSql { index: 0, side: Side::Up, sql: "CREATE TABLE x (id int);".into() });
    assert!(edited.wanted_jobs().is_empty(), "still waiting for the running job");
    let answered = edited.reduce(Action::JobDone(Box::new(crate::jobs::JobResponse {
        id: 1,
        revision: old_revision,
        kind: JobKind::Lints,
        output: JobOutput::Failed("stale".into()),
    })));
    assert!(answered.job(JobKind::Lints).is_none(), "a stale answer is not shown");
    assert_eq!(answered.wanted_jobs(), [JobKind::Lints], "and the job goes again for the new revision");
}

#[test]
fn moved_index_follows_the_list() {
    assert_eq!(moved_index(0, 0, 2), 2);
    assert_eq!(moved_index(1, 0, 2), 0);
    assert_eq!(moved_index(3, 0, 2), 3);
    assert_eq!(moved_index(0, 2, 0), 1);
}

#[test]
fn the_order_sandbox_compares_with_the_committed_order_and_restores_it() {
    let state = example(examples::DEFAULT_EXAMPLE);
    // Production's order, 115 off: not the repository's.
    assert!(!state.project.is_committed_order());
    let names: Vec<_> =
        state.project.committed_order().iter().map(|&i| state.project.migrations[i].name.clone()).collect();
    assert!(names.iter().position(|n| n.contains("115")) < names.iter().position(|n| n.contains("200")));
    let index = state.project.migrations.iter().position(|m| m.name.contains("115")).expect("115");
    let renamed = state.reduce(Action::RenameMigration(index, "115_status".into()));
    assert!(renamed.project.committed.contains(&"115_status".to_string()), "the committed order follows renames");
    let state = finish(renamed.reduce(Action::RestoreCommittedOrder));
    assert!(state.project.is_committed_order());
    assert!(state.project.migrations.iter().all(|m| m.enabled));
    assert!(state.problems().iter().all(|p| p.severity != Severity::Error), "{:?}", state.problems());
}

#[test]
fn examples_with_a_production_dump_bring_it() {
    let state = example("drift");
    assert!(state.project.production_dump.as_deref().is_some_and(|d| d.contains("CREATE TABLE")));
    let state = state.reduce(Action::SetProductionDump(None));
    assert!(state.project.production_dump.is_none());
}

#[test]
fn the_default_story_has_a_walkthrough() {
    let steps = examples::find(examples::DEFAULT_EXAMPLE).expect("embedded").walkthrough();
    assert!((3..=8).contains(&steps.len()), "{steps:?}");
    assert!(steps.iter().any(|s| s.text.contains("115")), "{steps:?}");
}

/// Every example's walkthrough names panels and migrations that exist, and each step can be
/// walked to (this is what keeps an edited walkthrough.toml honest).
#[test]
fn every_walkthrough_step_sets_the_app_up() {
    for story in examples::EXAMPLES {
        let fresh = example(story.id);
        for (k, step) in story.walkthrough().iter().enumerate() {
            if let Some(panel) = step.panel {
                assert!(Panel::from_label(panel).is_some(), "{}: step {}: no panel {panel}", story.id, k + 1);
            }
            let state = finish(fresh.clone().reduce(Action::Walk(k)));
            assert_eq!(state.walk, Some(k));
            if let Some(at) = step.at {
                let index = state.project.migrations.iter().position(|m| m.name.starts_with(at));
                assert!(index.is_some(), "{}: step {}: no migration {at}", story.id, k + 1);
                assert_eq!(state.cursor.position, index.map_or(0, |i| i + 1));
            }
            if step.rollback_check {
                assert!(state.rollback_requested);
                assert_eq!(state.wanted_jobs().first(), Some(&JobKind::RollbackCheck), "{}: step {}", story.id, k + 1);
            }
            if let Some(to) = step.rollback_to {
                assert!(state.rollback_target.is_some(), "{}: step {}: no migration {to}", story.id, k + 1);
            }
            if let crate::examples::StepOrder::Names(prefixes) = step.order {
                let on: Vec<&str> =
                    state.project.migrations.iter().filter(|m| m.enabled).map(|m| m.name.as_str()).collect();
                assert_eq!(on.len(), prefixes.len(), "{}: step {}: {on:?}", story.id, k + 1);
                assert!(on.iter().zip(prefixes).all(|(n, p)| n.starts_with(p)), "{}: step {}: {on:?}", story.id, k + 1);
            }
        }
    }
}

#[test]
fn the_skipped_baseline_walkthrough_tells_the_story() {
    let state = example(examples::DEFAULT_EXAMPLE);
    let errors = |s: &AppState| -> Vec<String> {
        s.problems().into_iter().filter(|p| p.severity == Severity::Error).map(|p| p.code).collect()
    };
    assert_eq!(errors(&state), ["42703"], "production: the app's INSERT fails");
    let skipped = state.clone().reduce(Action::Walk(1));
    assert_eq!(skipped.panel, Panel::Problems);
    assert_eq!(skipped.cursor.statement, Some(0), "on 200's CREATE TABLE IF NOT EXISTS users");
    let late = finish(skipped.reduce(Action::Walk(3)));
    assert!(errors(&late).is_empty(), "115 after 200 works: {:?}", late.problems());
    assert_eq!(late.panel, Panel::Order);
    let fresh = finish(late.reduce(Action::Walk(4)));
    assert_eq!(errors(&fresh), ["42701"], "200 then 115 on an empty database");
    let committed = finish(fresh.reduce(Action::Walk(5)));
    assert!(committed.project.is_committed_order());
    assert!(errors(&committed).is_empty());
}

#[test]
fn a_step_link_names_the_story_and_the_step() {
    let link = examples::step_link(examples::DEFAULT_EXAMPLE, 2);
    assert_eq!(link, "#story=skipped-baseline&step=3");
    let (example, step) = examples::parse_step_link(&link).expect("parses");
    assert_eq!((example.id, step), (examples::DEFAULT_EXAMPLE, 2));
    assert!(examples::parse_step_link("#story=nope&step=1").is_none());
    assert!(examples::parse_step_link("#p=abc").is_none());
    let (_, last) = examples::parse_step_link("#story=skipped-baseline&step=99").expect("clamped");
    assert_eq!(last, example.walkthrough().len() - 1);
}

#[test]
fn the_queries_panel_checks_the_example_s_queries_at_the_cursor() {
    let state = example(examples::DEFAULT_EXAMPLE);
    assert!(state.project.app_queries.contains("INSERT INTO users"), "prefilled from queries/");
    let check = |s: &AppState| -> Vec<Option<String>> {
        let catalog = s.catalog().expect("replayed");
        schemasim_engine::check_queries(catalog, &s.project.options(), &s.project.app_queries)
            .into_iter()
            .map(|r| r.sqlstate)
            .collect()
    };
    assert_eq!(check(&state), [Some("42703".to_string())], "production lacks users.status");
    let edited = state.clone().reduce(Action::EditQueries("SELECT id FROM users; SELECT 1 FROM nope;".into()));
    assert!(edited.revision > state.revision, "saved with the project");
    assert_eq!(edited.replay.done(), state.replay.done(), "nothing replays");
    // The per-step strip is the queries' own job: an edit asks for it again.
    let mut shown = (*state.reduce(Action::ShowPanel(Panel::Queries))).clone();
    assert_eq!(shown.wanted_jobs(), [JobKind::QueriesByStep]);
    shown.job_results.insert(JobKind::QueriesByStep, Rc::new(JobOutput::QueriesByStep(Vec::new())));
    assert!(shown.wanted_jobs().is_empty());
    let retyped = Rc::new(shown).reduce(Action::EditQueries("SELECT 1;".into()));
    assert!(retyped.job(JobKind::QueriesByStep).is_none(), "the old strip is gone");
    assert_eq!(retyped.wanted_jobs(), [JobKind::QueriesByStep]);
    assert_eq!(check(&edited), [None, Some("42P01".to_string())]);
}
