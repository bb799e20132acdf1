//! The migrations, in order, with their status; add, rename, delete, switch off, reorder
//! (drag, or the arrows), and drop files or a folder here to open them.
use crate::state::{Action, AppState, Side};
use schemasim_engine::{MigrationOutcome, MigrationReport};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

/// The badge of one migration: `(css class, text)`.
pub fn badge(enabled: bool, report: Option<&MigrationReport>) -> (&'static str, &'static str) {
    match report {
        _ if !enabled => ("off", "off"),
        None => ("pending", "…"),
        Some(r) => match r.outcome {
            MigrationOutcome::Error => ("error", "error"),
            MigrationOutcome::Skipped => ("skipped", "not run"),
            MigrationOutcome::Ok if r.statements.iter().any(|s| !s.warnings.is_empty()) => ("warning", "warning"),
            MigrationOutcome::Ok if r.statements.iter().any(|s| !s.notices.is_empty()) => ("notice", "notice"),
            MigrationOutcome::Ok => ("ok", "ok"),
        },
    }
}

#[function_component(ProjectList)]
pub fn project_list(props: &Props) -> Html {
    let state = &props.state;
    let dispatch = props.dispatch.clone();
    let dragging = use_state(|| None::<usize>);
    let renaming = use_state(|| None::<usize>);
    let n = state.project.migrations.len();

    let on_drop_files = {
        let dispatch = dispatch.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if dragging.is_some() {
                return;
            }
            if let Some(data) = e.data_transfer() {
                super::header::open_dropped(&data, dispatch.clone());
            }
        })
    };

    let items = state.project.migrations.iter().enumerate().map(|(i, m)| {
        let report = state.replay.report(i);
        let (class, text) = badge(m.enabled, report);
        let selected = state.cursor.position == i + 1;
        let editing = state.editor.map(|(e, _)| e) == Some(i);
        let select = {
            let dispatch = dispatch.clone();
            Callback::from(move |_| {
                dispatch.emit(Action::SetPosition(i + 1));
                dispatch.emit(Action::OpenEditor(Some((i, Side::Up))));
            })
        };
        let emit = |action: fn(usize) -> Action| {
            let dispatch = dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                dispatch.emit(action(i))
            })
        };
        let move_to = |to: usize| {
            let dispatch = dispatch.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                dispatch.emit(Action::MoveMigration { from: i, to })
            })
        };
        let on_delete = {
            let dispatch = dispatch.clone();
            let name = m.name.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                if gloo::dialogs::confirm(&format!("Delete migration {name}?")) {
                    dispatch.emit(Action::DeleteMigration(i));
                }
            })
        };
        let on_rename_start = {
            let renaming = renaming.clone();
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                renaming.set(Some(i));
            })
        };
        let finish_rename = {
            let dispatch = dispatch.clone();
            let renaming = renaming.clone();
            move |input: HtmlInputElement| {
                dispatch.emit(Action::RenameMigration(i, input.value()));
                renaming.set(None);
            }
        };
        let on_rename_key = {
            let finish_rename = finish_rename.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        finish_rename(input);
                    }
                }
            })
        };
        let on_rename_blur = Callback::from(move |e: FocusEvent| {
            if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                finish_rename(input);
            }
        });
        let on_drag_start = {
            let dragging = dragging.clone();
            Callback::from(move |e: DragEvent| {
                if let Some(dt) = e.data_transfer() {
                    let _ = dt.set_data("text/plain", &i.to_string());
                }
                dragging.set(Some(i));
            })
        };
        let on_drop = {
            let dispatch = dispatch.clone();
            let dragging = dragging.clone();
            Callback::from(move |e: DragEvent| {
                e.prevent_default();
                if let Some(from) = *dragging {
                    e.stop_propagation();
                    dispatch.emit(Action::MoveMigration { from, to: i });
                }
                dragging.set(None);
            })
        };
        let on_drag_end = {
            let dragging = dragging.clone();
            Callback::from(move |_| dragging.set(None))
        };
        html! {
            <li class={classes!("migration", selected.then_some("selected"), editing.then_some("editing"),
                        (!m.enabled).then_some("disabled"), (*dragging == Some(i)).then_some("dragging"))}
                draggable="true" ondragstart={on_drag_start} ondragend={on_drag_end}
                ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop}
                onclick={select} data-testid="migration" data-name={m.name.clone()} title={m.path.clone()}>
                <span class={classes!("badge", class)} data-testid="badge">{ text }</span>
                if *renaming == Some(i) {
                    <input class="rename" value={m.name.clone()} onkeydown={on_rename_key} onblur={on_rename_blur}
                        onclick={Callback::from(|e: MouseEvent| e.stop_propagation())} data-testid="rename-input" />
                } else {
                    <span class="name" ondblclick={on_rename_start.clone()}>{ &m.name }</span>
                }
                if m.down.is_some() { <span class="has-down" title="has a down migration">{ "↺" }</span> }
                <span class="actions">
                    <button title="Move up" disabled={i == 0} onclick={move_to(i.saturating_sub(1))} data-testid="move-up">{ "↑" }</button>
                    <button title="Move down" disabled={i + 1 >= n} onclick={move_to((i + 1).min(n.saturating_sub(1)))} data-testid="move-down">{ "↓" }</button>
                    <button title={if m.enabled { "Switch off: replay as if it never ran" } else { "Switch on" }}
                        onclick={emit(Action::ToggleMigration)} data-testid="toggle">{ if m.enabled { "off" } else { "on" } }</button>
                    <button title="Rename" onclick={on_rename_start}>{ "✎" }</button>
                    <button title="Delete" onclick={on_delete}>{ "×" }</button>
                </span>
            </li>
        }
    });

    let on_add = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::AddMigration))
    };
    html! {
        <div class="project" ondragover={Callback::from(|e: DragEvent| e.prevent_default())} ondrop={on_drop_files}>
            <div class="project-head">
                <h2>{ &state.project.name }</h2>
                <button onclick={on_add} data-testid="add-migration">{ "+ Migration" }</button>
            </div>
            if n == 0 {
                <p class="empty">{ "No migrations yet. Add one, open a folder of migration files (Diesel, Flyway, golang-migrate, dbmate, Prisma, Supabase, numbered .sql), drop files or a folder here, or pick an example above." }</p>
            }
            <ol class="migrations">{ for items }</ol>
        </div>
    }
}
