//! What the selected step changed: the objects added, removed and altered (the engine's
//! structural diff), and the DDL diff of the whole schema before and after.
use crate::state::AppState;
use schemasim_engine::ChangeKind;
use similar::{ChangeTag, TextDiff};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
}

#[function_component(DiffPanel)]
pub fn diff_panel(props: &Props) -> Html {
    let state = &props.state;
    if state.cursor.position == 0 {
        return html! { <p class="empty">{ "Select a step on the timeline to see what it changed." }</p> };
    }
    let (Some(before), Some(after)) = (state.catalog_before_cursor(), state.catalog()) else {
        return html! { <p class="empty">{ "Replaying up to this step…" }</p> };
    };
    let changes = schemasim_engine::diff(before, after);
    let what = match state.cursor.statement {
        Some(s) => format!("statement {} of step {}", s + 1, state.cursor.position),
        None => format!("step {}", state.cursor.position),
    };
    if changes.is_empty() {
        return html! { <p class="empty" data-testid="diff-empty">{ format!("The schema is the same before and after {what}.") }</p> };
    }
    let before_ddl = schemasim_engine::dump(before);
    let after_ddl = schemasim_engine::dump(after);
    let text_diff = TextDiff::from_lines(&before_ddl, &after_ddl);
    let lines = text_diff.iter_all_changes().filter(|c| c.tag() != ChangeTag::Equal).map(|c| {
        let (class, sign) = match c.tag() {
            ChangeTag::Insert => ("ins", "+"),
            ChangeTag::Delete => ("del", "-"),
            ChangeTag::Equal => ("eq", " "),
        };
        html! { <div class={class}>{ format!("{sign} {}", c.value().trim_end_matches('\n')) }</div> }
    });
    html! {
        <div class="diff" data-testid="diff">
            <h3>{ format!("{} change(s) at {what}", changes.len()) }</h3>
            <ul class="changes">
                { for changes.iter().map(|c| {
                    let (class, label) = match c.kind {
                        ChangeKind::Added => ("added", "added"),
                        ChangeKind::Removed => ("removed", "removed"),
                        ChangeKind::Changed => ("altered", "altered"),
                    };
                    html! {
                        <li class={class} data-testid="change">
                            <span class={classes!("badge", class)}>{ label }</span>{ &c.object }
                            if c.kind == ChangeKind::Changed {
                                <details><summary>{ "before / after" }</summary>
                                    <pre class="ddl-text del">{ c.before.clone().unwrap_or_default() }</pre>
                                    <pre class="ddl-text ins">{ c.after.clone().unwrap_or_default() }</pre>
                                </details>
                            }
                        </li>
                    }
                }) }
            </ul>
            <h3>{ "DDL diff" }</h3>
            <pre class="ddl-diff">{ for lines }</pre>
        </div>
    }
}
