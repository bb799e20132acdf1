//! The ER diagram at the timeline's position: tables and foreign keys, laid out by layout-rs.
use crate::er;
use crate::state::AppState;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(DiagramPanel)]
pub fn diagram_panel(props: &Props) -> Html {
    let state = &props.state;
    let filter = use_state(String::new);
    let svg = {
        let state = state.clone();
        use_memo(
            (state.revision, state.cursor, state.catalog().is_some(), (*filter).clone()),
            move |(_, _, _, filter)| state.catalog().map(|c| er::render(c, filter)),
        )
    };
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                filter.set(i.value());
            }
        })
    };
    let body = match &*svg {
        None => html! { <p class="empty">{ "Replaying up to this step…" }</p> },
        Some(Err(e)) => html! { <p class="warn">{ e }</p> },
        Some(Ok((_, 0))) => html! { <p class="empty">{ "No table at this step (or none matches the filter)." }</p> },
        Some(Ok((svg, count))) => html! {
            <>
                if *count >= er::MAX_TABLES { <p class="warn">{ format!("Showing the first {} tables: filter by name to see others.", er::MAX_TABLES) }</p> }
                <div class="er" data-testid="er-diagram">{ Html::from_html_unchecked(AttrValue::from(svg.clone())) }</div>
            </>
        },
    };
    html! {
        <div class="diagram">
            <input class="search" type="search" placeholder="Filter tables by name" value={(*filter).clone()} oninput={on_filter} />
            { body }
        </div>
    }
}
