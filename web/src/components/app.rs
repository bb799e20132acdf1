//! The root: owns the reducer, talks to the workers (replay and jobs), persists the project.
use super::{
    audit, diagram, diff, drift, editor, header, lints, order, problems, project_list, queries, rls, rollback, schema,
    timeline,
};
use crate::examples;
use crate::jobs::JobRequest;
use crate::project::Project;
use crate::replay::ReplayRequest;
use crate::state::{Action, AppState, Panel};
use crate::worker::{JobSender, ReplaySender};
use gloo::storage::{LocalStorage, Storage};
use gloo::timers::callback::Timeout;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

const STORAGE_KEY: &str = "schemasim.project";
const STORAGE_EXAMPLE_KEY: &str = "schemasim.example";

/// The project to open: a shared link first (then the link is cleared from the address bar, so
/// a reload shows the saved project), else the saved project, else the default story.
fn initial_state() -> AppState {
    let window = gloo::utils::window();
    let hash = window.location().hash().unwrap_or_default();
    // A walkthrough step's link: the story, set up for that step.
    if let Some((example, step)) = examples::parse_step_link(&hash) {
        if let Ok(project) = example.project() {
            let _ = window.history().map(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(" ")));
            let state = Rc::new(AppState::new(project, Some(example.id.into())));
            return Rc::unwrap_or_clone(yew::Reducible::reduce(state, Action::Walk(step)));
        }
    }
    if hash.len() > 1 {
        let _ = window.history().map(|h| h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(" ")));
        return match Project::from_link_fragment(&hash) {
            Ok(project) => {
                let mut state = AppState::new(project, None);
                state.status = Some("Opened the project in the link. Nothing runs but the replay.".into());
                state
            }
            Err(e) => {
                let mut state = default_state();
                state.status = Some(format!("Could not open the link: {e}"));
                state
            }
        };
    }
    if let Ok(text) = LocalStorage::get::<String>(STORAGE_KEY) {
        if let Ok(project) = Project::from_json(&text) {
            let example = LocalStorage::get::<String>(STORAGE_EXAMPLE_KEY).ok().filter(|e| !e.is_empty());
            return AppState::new(project, example);
        }
    }
    default_state()
}

fn default_state() -> AppState {
    match examples::find(examples::DEFAULT_EXAMPLE).map(|e| e.project()) {
        Some(Ok(project)) => AppState::new(project, Some(examples::DEFAULT_EXAMPLE.into())),
        _ => AppState::new(Project::empty("untitled"), None),
    }
}

#[derive(Properties, PartialEq)]
struct WalkthroughProps {
    example: &'static str,
    steps: Vec<examples::WalkStep>,
    /// The step last walked to; before that the first step is shown as is.
    current: Option<usize>,
    dispatch: Callback<Action>,
}

/// The story's guided steps, one at a time: each sets the app up (order, timeline, panel) and
/// has its own link.
#[function_component(Walkthrough)]
fn walkthrough(props: &WalkthroughProps) -> Html {
    let n = props.steps.len();
    if n == 0 {
        return html! {};
    }
    let current = props.current.unwrap_or(0).min(n - 1);
    let go = |to: usize| {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::Walk(to)))
    };
    html! {
        <div class="walkthrough" data-testid="walkthrough">
            <strong>{ format!("Walkthrough {}/{n}: ", current + 1) }</strong>
            <span data-testid="walkthrough-step">{ inline_markdown(&props.steps[current].text) }</span>
            <span class="walk-nav">
                <button disabled={current == 0} onclick={go(current.saturating_sub(1))}>{ "Previous" }</button>
                <button disabled={current + 1 >= n} onclick={go(current + 1)} data-testid="walkthrough-next">{ "Next" }</button>
                <a class="step-link" href={examples::step_link(props.example, current)} data-testid="walkthrough-link"
                    title="A link that opens this story at this step">{ "Link to this step" }</a>
            </span>
        </div>
    }
}

/// A README sentence with its `code` spans as code and `**` emphasis marks dropped.
fn inline_markdown(text: &str) -> Html {
    let text = text.replace("**", "");
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                html! { <code>{ part }</code> }
            } else {
                html! { { part } }
            }
        })
        .collect()
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);

    // The replay runs in its worker: the page sends it the project on every change (the worker
    // takes it between two slices of its replay) and asks it for the schemas the panel on
    // show reads.
    let replay = {
        let (on_message, on_crash) = (state.dispatcher(), state.dispatcher());
        use_memo((), move |_| {
            ReplaySender::start(
                Callback::from(move |m| on_message.dispatch(Action::Replayed(Box::new(m)))),
                Callback::from(move |(why, restarted)| {
                    on_crash.dispatch(Action::ReplayWorkerCrashed { why, restarted })
                }),
            )
        })
    };
    {
        let unsent = state.replay.project_unsent();
        let (state, replay) = (state.clone(), replay.clone());
        use_effect_with((state.replay.epoch(), unsent), move |&(epoch, unsent)| {
            // A task of its own: serializing a large project does not lengthen the render's.
            let timeout = unsent.then(|| {
                Timeout::new(0, move || {
                    if let Some(request) = state.replay.project_request(&state.project) {
                        state.dispatch(Action::ReplaySent(epoch));
                        replay.send(request);
                    }
                })
            });
            move || drop(timeout)
        });
    }
    {
        let at = state.replay.schemas_to_fetch(&state.wanted_schemas());
        let epoch = state.replay.epoch();
        let dispatcher = state.dispatcher();
        use_effect_with(state.generation, move |_| {
            if !at.is_empty() {
                dispatcher.dispatch(Action::SchemasRequested { epoch, at: at.clone() });
                replay.send(ReplayRequest::Snapshots { epoch, at });
            }
        });
    }

    // Whole-history jobs (lints, drift, order, rollback, queries by step) go to the jobs
    // worker; their answers come back as actions.
    let jobs = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| {
            (
                JobSender::start(Callback::from(move |r| dispatcher.dispatch(Action::JobDone(Box::new(r))))),
                Cell::new(0u64),
            )
        })
    };
    {
        let wanted = state.wanted_jobs();
        let dispatcher = state.dispatcher();
        let project = state.project.clone();
        let revision = state.revision;
        use_effect_with(state.generation, move |_| {
            if !wanted.is_empty() {
                dispatcher.dispatch(Action::JobsSent(wanted.clone()));
                let (sender, ids) = &*jobs;
                for kind in wanted {
                    ids.set(ids.get() + 1);
                    sender.send(JobRequest { id: ids.get(), revision, kind, project: (*project).clone() });
                }
            }
        });
    }

    // Persist the project on every change.
    {
        let project = state.project.clone();
        let example = state.example.clone().unwrap_or_default();
        use_effect_with(state.revision, move |_| {
            let _ = LocalStorage::set(STORAGE_KEY, project.to_json());
            let _ = LocalStorage::set(STORAGE_EXAMPLE_KEY, example);
        });
    }

    let dispatch = {
        let state = state.clone();
        Callback::from(move |action: Action| state.dispatch(action))
    };
    let n = state.project.migrations.len();
    let done = state.replay.done();
    let example = state.example.as_deref().and_then(examples::find);
    let problems = state.problems();
    let error_count = problems.iter().filter(|p| p.severity == crate::state::Severity::Error).count();

    let panel_body = match state.panel {
        Panel::Problems => html! { <problems::ProblemsPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Schema => html! { <schema::SchemaPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Rls => html! { <rls::RlsPanel state={state.clone()} /> },
        Panel::Diff => html! { <diff::DiffPanel state={state.clone()} /> },
        Panel::Rollback => html! { <rollback::RollbackPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Diagram => html! { <diagram::DiagramPanel state={state.clone()} /> },
        Panel::Lints => html! { <lints::LintsPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Audit => html! { <audit::AuditPanel state={state.clone()} /> },
        Panel::Drift => html! { <drift::DriftPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Order => html! { <order::OrderPanel state={state.clone()} dispatch={dispatch.clone()} /> },
        Panel::Queries => html! { <queries::QueriesPanel state={state.clone()} dispatch={dispatch.clone()} /> },
    };

    html! {
        <div class="app">
            <header::Header state={state.clone()} dispatch={dispatch.clone()} />
            if let Some(example) = example {
                <section class="story" data-testid="story">
                    <h2>{ example.title() }</h2>
                    <p>{ inline_markdown(&example.summary()) }</p>
                    { for state.project.notes.iter().map(|n| html! { <p class="note">{ n }</p> }) }
                    <Walkthrough example={example.id} steps={example.walkthrough()} current={state.walk} dispatch={dispatch.clone()} />
                </section>
            }
            <div class="workspace">
                <aside class="sidebar">
                    <project_list::ProjectList state={state.clone()} dispatch={dispatch.clone()} />
                </aside>
                <main class="main">
                    <timeline::Timeline state={state.clone()} dispatch={dispatch.clone()} />
                    if let Some((index, side)) = state.editor {
                        <editor::Editor state={state.clone()} index={index} side={side} dispatch={dispatch.clone()} />
                    }
                    <nav class="tabs" role="tablist">
                        { for Panel::ALL.iter().map(|&p| {
                            let dispatch = dispatch.clone();
                            let label = match p {
                                Panel::Problems if !problems.is_empty() => format!("Problems ({})", problems.len()),
                                _ => p.label().to_string(),
                            };
                            html! {
                                <button role="tab" class={classes!("tab", (state.panel == p).then_some("active"),
                                        (p == Panel::Problems && error_count > 0).then_some("has-errors"))}
                                    data-testid={format!("tab-{}", p.label().to_lowercase())}
                                    onclick={Callback::from(move |_| dispatch.emit(Action::ShowPanel(p)))}>
                                    { label }
                                </button>
                            }
                        }) }
                    </nav>
                    <section class="panel" data-testid="panel">{ panel_body }</section>
                </main>
            </div>
            <footer class="statusbar">
                if done < n {
                    <span class="progress" data-testid="progress">
                        { format!("Replaying {done}/{n} migrations…") }
                        <progress max={n.to_string()} value={done.to_string()} />
                    </span>
                } else {
                    <span data-testid="replay-done">{ format!("Replayed {n} migrations with the PostgreSQL 17 parser, in this tab.") }</span>
                }
                if let Some(status) = &state.status {
                    <span class="status" data-testid="status">{ status }</span>
                }
            </footer>
        </div>
    }
}
