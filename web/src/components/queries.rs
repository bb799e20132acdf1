//! The application's queries checked against the schema of the timeline's step (the engine's
//! `check_queries`, as `schemasim check --queries`): PostgreSQL's errors for missing relations,
//! columns and ambiguous names, without a database. Small histories also get a strip per
//! query: at which steps it would have worked.
use crate::jobs::{JobKind, JobOutput};
use crate::state::{Action, AppState};
use schemasim_engine::{check_queries, Outcome, StatementReport};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(QueriesPanel)]
pub fn queries_panel(props: &Props) -> Html {
    let state = &props.state;
    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()) {
                dispatch.emit(Action::EditQueries(area.value()));
            }
        })
    };
    let sql = state.project.app_queries.clone();
    // Checked again only when the queries, the project or the timeline's step change.
    let reports = {
        let state = state.clone();
        use_memo((state.revision, state.cursor, state.catalog().is_some()), move |_| {
            let options = state.project.options();
            state.catalog().map(|c| check_queries(c, &options, &state.project.app_queries))
        })
    };
    let reports: &Option<Vec<StatementReport>> = &reports;
    // Computed in the jobs worker (it checks every query at every step).
    let strip = match state.job(JobKind::QueriesByStep) {
        Some(JobOutput::QueriesByStep(steps)) => Some(steps),
        _ => None,
    };
    let step_name = match state.cursor.position {
        0 => "the empty database".to_string(),
        p => state.project.migrations.get(p - 1).map_or("", |m| m.name.as_str()).to_string(),
    };
    let results = match reports {
        _ if sql.trim().is_empty() => html! {
            <p class="empty">{ "Paste the application's queries (INSERT, UPDATE, DELETE, SELECT, with joins, CTEs, RETURNING, ON CONFLICT): each is checked against the schema of the step the timeline is on, with PostgreSQL's errors." }</p>
        },
        None => html! { <p class="empty">{ "Replaying…" }</p> },
        Some(reports) => html! {
            <>
                <p>{ format!("{} of {} queries fail against the schema after {step_name}. Scrub the timeline to check another step.",
                    reports.iter().filter(|r| r.outcome == Outcome::Error).count(), reports.len()) }</p>
                <ul class="problems" data-testid="query-results">{ for reports.iter().enumerate().map(|(q, r)| {
                    let snippet = sql.get(r.offset..r.offset + r.len).unwrap_or_default();
                    let first_line = snippet.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or_default();
                    let cells = strip.map(|steps| html! {
                        <span class="strip" title="at each step, from the empty database to the end">{ for steps.iter().enumerate().map(|(k, at)| {
                            let failed = at.get(q).filter(|r| r.outcome == Outcome::Error);
                            let title = format!("after {}: {}", if k == 0 { "nothing".to_string() } else { state.project.migrations[k - 1].name.clone() },
                                failed.and_then(|r| r.message.clone()).unwrap_or_else(|| "ok".into()));
                            html! { <span class={classes!("cell", if failed.is_some() { "bad" } else { "good" }, (k == state.cursor.position).then_some("here"))} {title} /> }
                        }) }</span>
                    });
                    match r.outcome {
                        Outcome::Error => html! {
                            <li class="problem error" data-testid="query-result">
                                <span class="badge error">{ "ERROR" }</span>
                                <code class="sqlstate">{ r.sqlstate.clone().unwrap_or_default() }</code>
                                <span class="message" data-testid="query-message">{ r.message.clone().unwrap_or_default() }</span>
                                <span class="where">{ format!("line {}:{}", r.error_position.map_or(r.line, |p| p.0), r.error_position.map_or(r.column, |p| p.1)) }</span>
                                <div class="detail"><code>{ first_line }</code></div>
                                if let Some(hint) = &r.hint { <div class="detail">{ format!("HINT: {hint}") }</div> }
                                { for cells }
                            </li>
                        },
                        _ => html! {
                            <li class="problem" data-testid="query-result">
                                <span class="badge ok">{ "ok" }</span>
                                <span class="message"><code>{ first_line }</code></span>
                                <span class="where">{ format!("line {}", r.line) }</span>
                                { for cells }
                            </li>
                        },
                    }
                }) }</ul>
            </>
        },
    };
    html! {
        <div class="queries" data-testid="queries">
            <textarea class="queries-input" spellcheck="false" value={sql.clone()} {oninput} data-testid="queries-input"
                placeholder="INSERT INTO users (id, email, status) VALUES (1, 'a@example.com', 'active');" />
            { results }
        </div>
    }
}
