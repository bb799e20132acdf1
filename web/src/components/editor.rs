//! The SQL editor: a textarea over a highlighted copy of its text, line numbers with error
//! markers at PostgreSQL's line:column, and the statements of the migration with their
//! outcome (click one to put the timeline on it).
use crate::highlight::tokenize;
use crate::state::{Action, AppState, Side};
use schemasim_engine::Outcome;
use std::collections::BTreeMap;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub index: usize,
    pub side: Side,
    pub dispatch: Callback<Action>,
}

#[function_component(Editor)]
pub fn editor(props: &Props) -> Html {
    let state = &props.state;
    let (index, side) = (props.index, props.side);
    let highlight_ref = use_node_ref();
    let gutter_ref = use_node_ref();
    let Some(migration) = state.project.migrations.get(index) else { return html! {} };
    let sql = match side {
        Side::Up => migration.up.clone(),
        Side::Down => migration.down.clone().unwrap_or_default(),
    };
    // Markers only for the up: the down is not part of the replayed history.
    let report = (side == Side::Up).then(|| state.replay.report(index)).flatten();
    let mut markers: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    if let Some(report) = report {
        for s in &report.statements {
            if s.outcome == Outcome::Error {
                let (line, column) = s.error_position.unwrap_or((s.line, s.column));
                let text = format!(
                    "{line}:{column} ERROR {}: {}",
                    s.sqlstate.as_deref().unwrap_or(""),
                    s.message.as_deref().unwrap_or("")
                );
                markers.entry(line).or_default().push(text);
            }
            for w in &s.warnings {
                markers.entry(s.line).or_default().push(format!("{}: not simulated: {}", s.line, w.message));
            }
        }
    }
    let lines = sql.split('\n').count().max(1);

    let on_input = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok()) {
                dispatch.emit(Action::EditSql { index, side, sql: area.value() });
            }
        })
    };
    let on_scroll = {
        let highlight_ref = highlight_ref.clone();
        let gutter_ref = gutter_ref.clone();
        Callback::from(move |e: Event| {
            let Some(area) = e.target().and_then(|t| t.dyn_into::<HtmlElement>().ok()) else { return };
            if let Some(el) = gutter_ref.cast::<HtmlElement>() {
                el.set_scroll_top(area.scroll_top());
            }
            if let Some(el) = highlight_ref.cast::<HtmlElement>() {
                el.set_scroll_top(area.scroll_top());
                el.set_scroll_left(area.scroll_left());
            }
        })
    };
    let switch = |to: Side| {
        let dispatch = props.dispatch.clone();
        let has_down = migration.down.is_some();
        Callback::from(move |_| {
            if to == Side::Down && !has_down {
                dispatch.emit(Action::AddDown(index));
            } else {
                dispatch.emit(Action::OpenEditor(Some((index, to))));
            }
        })
    };
    let close = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::OpenEditor(None)))
    };

    // The highlighted copy ends with an extra newline so a trailing empty line is as tall as
    // the textarea's.
    let highlighted =
        tokenize(&sql).into_iter().map(|(kind, text)| html! { <span class={kind.class()}>{ text }</span> });
    let statement_rows = report.map(|r| {
        r.statements
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let dispatch = props.dispatch.clone();
                let onclick = Callback::from(move |_| dispatch.emit(Action::JumpTo { index, statement: k }));
                let first_line = sql[s.offset..(s.offset + s.len).min(sql.len())].lines().next().unwrap_or("").to_string();
                let (class, text) = match s.outcome {
                    Outcome::Ok if !s.notices.is_empty() => ("notice", "notice"),
                    Outcome::Ok => ("ok", "ok"),
                    Outcome::Error => ("error", "error"),
                    Outcome::Skipped => ("skipped", "not run"),
                };
                let selected = state.cursor.position == index + 1 && state.cursor.statement == Some(k);
                html! {
                    <li class={classes!("stmt", selected.then_some("selected"))} {onclick} data-testid="statement">
                        <span class={classes!("badge", class)}>{ text }</span>
                        <code>{ format!("{}:{} ", s.line, s.column) }{ first_line }</code>
                        if let (Some(code), Some(message)) = (&s.sqlstate, &s.message) {
                            <div class="stmt-error">{ format!("ERROR {code}: {message}") }</div>
                        }
                        { for s.notices.iter().map(|n| html! { <div class="stmt-notice">{ format!("{}: {}", n.severity, n.message) }</div> }) }
                    </li>
                }
            })
            .collect::<Html>()
    });

    html! {
        <section class="editor" data-testid="editor">
            <div class="editor-head">
                <strong>{ &migration.name }</strong>
                <span class="path">{ &migration.path }</span>
                <span class="sides">
                    <button class={classes!((side == Side::Up).then_some("active"))} onclick={switch(Side::Up)}>{ "up" }</button>
                    <button class={classes!((side == Side::Down).then_some("active"))} onclick={switch(Side::Down)} data-testid="edit-down">
                        { if migration.down.is_some() { "down" } else { "+ down" } }
                    </button>
                </span>
                <button class="close" onclick={close} title="Close the editor">{ "×" }</button>
            </div>
            <div class="code">
                <div class="gutter" ref={gutter_ref}>
                    { for (1..=lines as u32).map(|l| match markers.get(&l) {
                        Some(m) => html! { <div class="ln marked" title={m.join("\n")} data-testid="error-marker">{ l }</div> },
                        None => html! { <div class="ln">{ l }</div> },
                    }) }
                </div>
                <div class="layers">
                    <pre class="highlight" ref={highlight_ref} aria-hidden="true">{ for highlighted }{ "\n" }</pre>
                    <textarea spellcheck="false" value={sql.clone()} oninput={on_input} onscroll={on_scroll}
                        data-testid="sql-input" aria-label="SQL of the migration" />
                </div>
            </div>
            if side == Side::Down {
                <p class="hint">{ "The down runs only in the Rollback panel: the history above replays the ups." }</p>
            }
            if let Some(rows) = statement_rows {
                <ol class="statements">{ rows }</ol>
            }
        </section>
    }
}
