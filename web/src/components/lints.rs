//! State-aware lints over the replayed history (the engine's `lint`): each finding with its
//! code, severity and location; clicking one opens its statement.
use crate::jobs::{JobKind, JobOutput};
use crate::state::{Action, AppState};
use schemasim_engine::Severity;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(LintsPanel)]
pub fn lints_panel(props: &Props) -> Html {
    let state = &props.state;
    let Some(JobOutput::Lints { report, indexes }) = state.job(JobKind::Lints) else {
        return super::job_placeholder(state.job(JobKind::Lints), "Linting every migration");
    };
    let findings: Vec<_> = report.findings.iter().filter(|f| !f.suppressed).collect();
    if findings.is_empty() {
        return html! { <p class="empty" data-testid="lints-empty">{ format!("No lint finding in {} migrations. The rules: data loss on existing objects, rewrites and long locks, IF NOT EXISTS skipping a different definition, renames still referenced, RLS mistakes.", report.migrations_linted) }</p> };
    }
    html! {
        <ul class="problems" data-testid="lints">
            { for findings.into_iter().map(|f| {
                let index = indexes.iter().copied().find(|&i| state.project.migrations[i].name == f.migration);
                let statement = index.and_then(|i| state.replay.report(i)).and_then(|r| {
                    r.statements.iter().rposition(|s| (s.line, s.column) <= (f.line, f.column))
                });
                let dispatch = props.dispatch.clone();
                let onclick = Callback::from(move |_| {
                    if let (Some(index), Some(statement)) = (index, statement) {
                        dispatch.emit(Action::JumpTo { index, statement });
                    }
                });
                let class = match f.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                    Severity::Info => "notice",
                };
                html! {
                    <li class={classes!("problem", class)} {onclick} data-testid="lint">
                        <span class={classes!("badge", class)}>{ format!("{:?}", f.severity).to_lowercase() }</span>
                        <code class="sqlstate">{ &f.code }</code>
                        <span class="message">{ format!("[{}] {}", f.rule, f.message) }</span>
                        <span class="where">{ format!("{}:{}:{}", f.path, f.line, f.column) }</span>
                    </li>
                }
            }) }
        </ul>
    }
}
