//! Every error, notice and not-simulated warning of the replay, with PostgreSQL's message;
//! clicking one puts the timeline and the editor on its statement.
use crate::state::{Action, AppState, Severity};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(ProblemsPanel)]
pub fn problems_panel(props: &Props) -> Html {
    let state = &props.state;
    let mut problems = state.problems();
    problems.sort_by_key(|p| (p.severity, p.index, p.statement));
    if problems.is_empty() {
        return html! {
            <p class="empty" data-testid="no-problems">{
                if state.replay_finished() {
                    "No errors, notices or warnings: every statement ran as PostgreSQL 17 would run it."
                } else {
                    "Replaying…"
                }
            }</p>
        };
    }
    html! {
        <ul class="problems" data-testid="problems">
            { for problems.into_iter().map(|p| {
                let dispatch = props.dispatch.clone();
                let (index, statement) = (p.index, p.statement);
                let onclick = Callback::from(move |_| dispatch.emit(Action::JumpTo { index, statement }));
                let migration = state.project.migrations.get(p.index);
                let (class, label) = match p.severity {
                    Severity::Error => ("error", "ERROR"),
                    Severity::Warning => ("warning", "not simulated"),
                    Severity::Notice => ("notice", "NOTICE"),
                };
                html! {
                    <li class={classes!("problem", class)} {onclick} data-testid="problem">
                        <span class={classes!("badge", class)}>{ label }</span>
                        if p.severity == Severity::Error { <code class="sqlstate">{ &p.code }</code> }
                        <span class="message" data-testid="problem-message">{ &p.message }</span>
                        <span class="where">{
                            format!("{}:{}:{} (step {})", migration.map_or("", |m| m.path.as_str()), p.line, p.column, p.index + 1)
                        }</span>
                        if let Some(detail) = &p.detail { <div class="detail">{ format!("DETAIL: {detail}") }</div> }
                        if let Some(hint) = &p.hint { <div class="detail">{ format!("HINT: {hint}") }</div> }
                    </li>
                }
            }) }
        </ul>
    }
}
