//! Drift against production: a `pg_dump --schema-only` pasted or opened here is replayed with
//! the same engine and compared with every step of the history in its committed order (the
//! engine's `drift`).
use crate::jobs::{JobKind, JobOutput};
use crate::state::{Action, AppState};
use schemasim_engine::{DriftKind, EffectStatus};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

#[function_component(DriftPanel)]
pub fn drift_panel(props: &Props) -> Html {
    let state = &props.state;
    let dispatch = props.dispatch.clone();
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|l| l.get(0)) else { return };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match gloo::file::futures::read_as_text(&gloo::file::File::from(file)).await {
                    Ok(text) => dispatch.emit(Action::SetProductionDump(Some(text))),
                    Err(e) => dispatch.emit(Action::SetStatus(Some(format!("Could not read the dump: {e}")))),
                }
            });
        })
    };
    let forget = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::SetProductionDump(None)))
    };
    let picker = html! {
        <label class="button">{ "Open a production dump (pg_dump --schema-only)" }
            <input type="file" accept=".sql,.txt" hidden={true} onchange={on_file} data-testid="open-dump" />
        </label>
    };
    let Some(JobOutput::Drift(Some(report))) = state.job(JobKind::Drift) else {
        return html! {
            <div class="drift">
                if state.project.production_dump.is_some() {
                    { super::job_placeholder(state.job(JobKind::Drift), "Replaying the dump and comparing it with every step") }
                } else {
                    <p class="empty">{ "Compare production with the history: open the output of `pg_dump --schema-only` (with or without --no-owner/--no-privileges). It is replayed here, never sent anywhere." }</p>
                }
                { picker }
            </div>
        };
    };
    html! {
        <div class="drift" data-testid="drift">
            <p class="drift-summary" data-testid="drift-summary"><strong>{ &report.summary }</strong></p>
            <p>{ picker }<button onclick={forget}>{ "Forget the dump" }</button></p>
            if !report.dump_errors.is_empty() {
                <p class="warn">{ format!("{} statement(s) of the dump failed to replay: {}", report.dump_errors.len(),
                    report.dump_errors.iter().take(3).map(|e| format!("line {}: {} {}", e.line, e.sqlstate, e.message)).collect::<Vec<_>>().join("; ")) }</p>
            }
            <h3>{ format!("History's final state vs production: {} difference(s)", report.differences.len()) }</h3>
            <ul class="changes">{ for report.differences.iter().map(|d| {
                let (class, label) = match d.kind {
                    DriftKind::Missing => ("removed", "missing in production"),
                    DriftKind::Extra => ("added", "only in production"),
                    DriftKind::Differs => ("altered", "differs"),
                };
                html! {
                    <li data-testid="drift-item"><span class={classes!("badge", class)}>{ label }</span>{ format!(" {}", d.object) }
                        if let Some(m) = &d.migration { <span class="muted">{ format!("  ({m})") }</span> }</li>
                }
            }) }</ul>
            <h3>{ "Migrations" }</h3>
            <table>
                <thead><tr><th>{ "migration" }</th><th>{ "in production" }</th><th>{ "missing" }</th></tr></thead>
                <tbody>{ for report.migrations.iter().map(|m| html! {
                    <tr class={classes!((m.status == EffectStatus::Absent || m.status == EffectStatus::Partial).then_some("finding"))}>
                        <td>{ &m.name }</td>
                        <td>{ match m.status {
                            EffectStatus::Present => "present",
                            EffectStatus::Absent => "ABSENT",
                            EffectStatus::Partial => "PARTLY",
                            EffectStatus::NoLastingEffects => "no lasting effects",
                        } }</td>
                        <td>{ m.absent.iter().map(|a| a.object.clone()).collect::<Vec<_>>().join("; ") }</td>
                    </tr>
                }) }</tbody>
            </table>
            <p class="muted">{ format!("Closest step: {} ({} differences).", report.best_step.name, report.best_step.differences) }</p>
            if !report.expected_rows.is_empty() {
                <h3>{ "Rows the history expects (a schema-only dump cannot confirm them)" }</h3>
                <ul class="objects" data-testid="expected-rows">{ for report.expected_rows.iter().map(|r| {
                    let count = match (r.rows, r.at_most) {
                        (Some(n), false) => format!("{n} row(s)"),
                        (Some(n), true) => format!("at most {n} row(s)"),
                        (None, _) => "rows (count not known from the SQL)".to_string(),
                    };
                    let from: Vec<String> = r.inserts.iter().map(|i| format!("{} {}:{}", i.statement, i.migration, i.line)).collect();
                    html! {
                        <li data-testid="expected-row">
                            <code>{ &r.table }</code>{ format!(": {count}{}, from {}", if r.partly_deleted { ", some possibly deleted" } else { "" }, from.join(", ")) }
                        </li>
                    }
                }) }</ul>
            }
        </div>
    }
}
