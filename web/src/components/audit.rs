//! The audit report of the schema at the timeline's position (the engine's `audit`), as
//! tables; printable.
use crate::state::AppState;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(AuditPanel)]
pub fn audit_panel(props: &Props) -> Html {
    let state = &props.state;
    let Some(catalog) = state.catalog() else {
        return html! { <p class="empty">{ "Replaying up to this step…" }</p> };
    };
    let ran = state.cursor.position;
    let sections = schemasim_engine::audit(catalog, ran).sections();
    let print = Callback::from(|_| {
        let _ = gloo::utils::window().print();
    });
    html! {
        <div class="audit" data-testid="audit">
            <p>{ format!("Audit of the schema after {ran} migration(s). ") }<button onclick={print}>{ "Print" }</button></p>
            { for sections.into_iter().map(|s| html! {
                <section class="audit-section">
                    <h3>{ &s.title }</h3>
                    if s.rows.is_empty() {
                        <p class="muted">{ "none" }</p>
                    } else {
                        <table>
                            <thead><tr>{ for s.header.iter().map(|h| html! { <th>{ h }</th> }) }</tr></thead>
                            <tbody>{ for s.rows.iter().map(|r| html! { <tr>{ for r.iter().map(|c| html! { <td>{ c }</td> }) }</tr> }) }</tbody>
                        </table>
                    }
                </section>
            }) }
        </div>
    }
}
