//! The rollback check (each down from the state its up left: does it fail, leave residue,
//! destroy data, allow a redo?) and a "roll back to step k" preview.
use crate::analysis::{DownRunOutcome, RollbackPreview};
use crate::jobs::{JobKind, JobOutput};
use crate::state::{Action, AppState};
use schemasim_engine::{DownOutcome, RollbackReport};
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(RollbackPanel)]
pub fn rollback_panel(props: &Props) -> Html {
    let state = &props.state;
    let dispatch = &props.dispatch;
    let with_down = state.project.migrations.iter().filter(|m| m.down.is_some()).count();
    if with_down == 0 {
        return html! { <p class="empty" data-testid="rollback-empty">{ "No migration has a down. Open one and use \"+ down\" to write its rollback, or load an example with downs (Diesel or golang-migrate layouts)." }</p> };
    }
    let run = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::RunRollbackCheck))
    };
    let on_target = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let value = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()).map(|s| s.value());
            dispatch.emit(Action::SetRollbackTarget(value.and_then(|v| v.parse().ok())));
        })
    };
    let report = state.rollback_requested.then(|| match state.job(JobKind::RollbackCheck) {
        Some(JobOutput::RollbackCheck { report, indexes }) => rollback_table(report, indexes),
        other => super::job_placeholder(other, "Running every up and down"),
    });
    let preview = state.rollback_target.map(|target| match state.job(JobKind::RollbackTo(target)) {
        Some(JobOutput::RollbackTo(p)) => preview(p),
        other => super::job_placeholder(other, "Running the downs"),
    });
    html! {
        <div class="rollback-panel" data-testid="rollback">
            <p>{ format!("{with_down} migration(s) have a down. The check runs each up then its down from the state before it, and compares.") }</p>
            <button class="primary" onclick={run} data-testid="run-rollback">{ "Run rollback check" }</button>
            { for report }
            <h3>{ "Roll back to a step" }</h3>
            <select onchange={on_target} data-testid="rollback-target">
                <option value="" selected={state.rollback_target.is_none()}>{ "choose the step to return to" }</option>
                { for (0..state.project.migrations.len()).map(|k| html! {
                    <option value={k.to_string()} selected={state.rollback_target == Some(k)}>{
                        if k == 0 { "the empty database".to_string() } else { format!("after {}", state.project.migrations[k - 1].name) }
                    }</option>
                }) }
            </select>
            { for preview }
        </div>
    }
}

fn rollback_table(report: &RollbackReport, indexes: &[usize]) -> Html {
    let findings = report.findings().count();
    html! {
        <div data-testid="rollback-report">
            <h3>{ format!("{} of {} steps with a finding", findings, report.steps.len()) }</h3>
            <table class="rollback">
                <thead><tr><th>{ "step" }</th><th>{ "down" }</th><th>{ "residue" }</th><th>{ "data destroyed" }</th><th>{ "redo" }</th></tr></thead>
                <tbody>{ for report.steps.iter().zip(indexes).map(|(s, &i)| {
                    let down = match &s.down {
                        DownOutcome::Missing => html! { <span class="muted">{ "no down" }</span> },
                        DownOutcome::UpFailed { message, .. } => html! { <span class="muted">{ format!("up failed: {message}") }</span> },
                        DownOutcome::Ok => html! { <span class="badge ok">{ "ok" }</span> },
                        DownOutcome::Failed { path, line, column, sqlstate, message } => html! {
                            <span class="bad" data-testid="down-failed"><span class="badge error">{ "fails" }</span>{ format!(" {path}:{line}:{column} ERROR {sqlstate}: {message}") }</span>
                        },
                    };
                    let residue = if s.residue.is_empty() {
                        html! {}
                    } else {
                        html! { <ul>{ for s.residue.iter().map(|c| html! { <li>{ format!("{:?}: {}", c.kind, c.object).to_lowercase() }</li> }) }
                            if s.order_only { <li class="muted">{ "(column order only)" }</li> }</ul> }
                    };
                    html! {
                        <tr class={classes!((!s.residue.is_empty() || matches!(s.down, DownOutcome::Failed { .. })).then_some("finding"))}>
                            <td>{ format!("{} {}", i + 1, s.name) }</td>
                            <td>{ down }</td>
                            <td>{ residue }</td>
                            <td>{ s.destroys.join(", ") }</td>
                            <td>{ match (s.redo_ok, &s.redo_error) {
                                (Some(true), _) => "ok".to_string(),
                                (Some(false), Some((code, message))) => format!("fails: {code} {message}"),
                                (Some(false), None) => "fails".to_string(),
                                (None, _) => String::new(),
                            } }</td>
                        </tr>
                    }
                }) }</tbody>
            </table>
            <p>{ format!(
                "Full rollback (every down, last first): {} down(s) failed; {} difference(s) from the empty database{}.",
                report.full.downs.iter().filter(|(_, d)| matches!(d, DownOutcome::Failed { .. })).count(),
                report.full.residue.len(),
                if report.full.order_only && !report.full.residue.is_empty() { " (column order only)" } else { "" }
            ) }</p>
        </div>
    }
}

fn preview(p: &RollbackPreview) -> Html {
    html! {
        <div class="preview" data-testid="rollback-preview">
            <ul>{ for p.downs.iter().map(|d| html! {
                <li>{ &d.name }{ ": " }{ match &d.outcome {
                    DownRunOutcome::Ok => "ok".to_string(),
                    DownRunOutcome::Missing => "no down: its changes stay".to_string(),
                    DownRunOutcome::Failed { sqlstate, message, line } => format!("fails at line {line}: ERROR {sqlstate}: {message}"),
                } }</li>
            }) }</ul>
            <h4>{ format!("Disappears ({})", p.disappear.len()) }</h4>
            <ul class="objects">{ for p.disappear.iter().map(|o| html! { <li>{ o }</li> }) }</ul>
            <h4>{ format!("Still differs from the schema after that step ({})", p.residue.len()) }</h4>
            if p.residue.is_empty() { <p class="ok-text">{ "Nothing: the downs restore that step exactly." }</p> }
            <ul class="objects">{ for p.residue.iter().map(|c| html! { <li class="bad">{ format!("{:?}: {}", c.kind, c.object).to_lowercase() }</li> }) }</ul>
        </div>
    }
}
