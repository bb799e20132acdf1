//! The scrubber: a position per migration (0 is the empty database) and, within the selected
//! migration, per statement. Every panel shows the schema at this point.
use crate::state::{Action, AppState};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

fn range_value(e: &InputEvent) -> Option<usize> {
    e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).and_then(|i| i.value().parse().ok())
}

#[function_component(Timeline)]
pub fn timeline(props: &Props) -> Html {
    let state = &props.state;
    let n = state.project.migrations.len();
    let position = state.cursor.position;
    let on_position = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = range_value(&e) {
                dispatch.emit(Action::SetPosition(v));
            }
        })
    };
    let label = if position == 0 {
        "the empty database".to_string()
    } else {
        format!("after {}", state.project.migrations.get(position - 1).map_or("", |m| m.name.as_str()))
    };
    let statements = if position > 0 { state.replay.report(position - 1).map_or(0, |r| r.statements.len()) } else { 0 };
    let statement_value = state.cursor.statement.map_or(statements, |s| s + 1);
    let on_statement = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(v) = range_value(&e) {
                dispatch.emit(Action::SetStatement((v < statements).then(|| v.saturating_sub(1))));
            }
        })
    };
    html! {
        <div class="timeline" data-testid="timeline">
            <div class="scrub">
                <label for="position">{ "Step" }</label>
                <input id="position" type="range" min="0" max={n.to_string()} value={position.to_string()}
                    oninput={on_position} data-testid="timeline-range" />
                <span class="where" data-testid="timeline-label">{ format!("{position}/{n}: {label}") }</span>
            </div>
            if statements > 1 {
                <div class="scrub statements">
                    <label for="statement">{ "Statement" }</label>
                    <input id="statement" type="range" min="1" max={statements.to_string()} value={statement_value.to_string()}
                        oninput={on_statement} data-testid="statement-range" />
                    <span class="where">{
                        match state.cursor.statement {
                            Some(s) => format!("after statement {} of {statements}", s + 1),
                            None => format!("all {statements} statements"),
                        }
                    }</span>
                </div>
            }
        </div>
    }
}
