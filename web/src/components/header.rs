//! The top bar: the examples, opening a folder or files (layout detected as the CLI does),
//! import/export of the project file, and a share link.
use crate::examples;
use crate::project::Project;
use crate::state::{Action, AppState};
use gloo::file::{Blob, File, ObjectUrl};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub state: UseReducerHandle<AppState>,
    pub dispatch: Callback<Action>,
}

/// The path of a picked file inside the picked folder (`webkitRelativePath` without the
/// folder's own name), or its plain name.
fn relative_path(file: &web_sys::File) -> String {
    match webkit_relative_path(file) {
        Some(rel) => rel.split_once('/').map_or(rel.clone(), |(_, rest)| rest.to_string()),
        None => file.name(),
    }
}

/// `folder/sub/file.sql` for a file picked with a folder picker (web-sys has no binding for it).
fn webkit_relative_path(file: &web_sys::File) -> Option<String> {
    js_sys::Reflect::get(file, &"webkitRelativePath".into()).ok().and_then(|v| v.as_string()).filter(|r| !r.is_empty())
}

/// Reads the files and opens them as a project (layout detection of `schemasim-layouts`).
pub fn open_files(files: Vec<web_sys::File>, name: String, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut entries = Vec::new();
        for file in files {
            let path = relative_path(&file);
            match gloo::file::futures::read_as_text(&File::from(file)).await {
                Ok(text) => entries.push((path, text)),
                Err(e) => {
                    dispatch.emit(Action::SetStatus(Some(format!("Could not read {path}: {e}"))));
                    return;
                }
            }
        }
        let count = entries.len();
        match schemasim_layouts::from_entries(entries) {
            Ok(layout) => {
                let project = Project::from_layout(&name, &layout);
                let status = format!("Opened {count} files: {}", project.notes.join(" "));
                dispatch.emit(Action::LoadProject { project, example: None, status: Some(status) });
            }
            Err(e) => dispatch.emit(Action::SetStatus(Some(format!("Could not open these files: {e}")))),
        }
    });
}

fn input_files(e: &Event) -> Vec<web_sys::File> {
    let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return Vec::new() };
    let files = input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
    input.set_value("");
    files
}

#[function_component(Header)]
pub fn header(props: &Props) -> Html {
    let state = &props.state;
    let dispatch = props.dispatch.clone();
    let share_link = use_state(|| None::<String>);

    let on_example = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok()) else {
                return;
            };
            let id = select.value();
            if id.is_empty() {
                dispatch.emit(Action::LoadProject { project: Project::empty("untitled"), example: None, status: None });
                return;
            }
            match examples::find(&id).map(|e| e.project()) {
                Some(Ok(project)) => dispatch.emit(Action::LoadProject { project, example: Some(id), status: None }),
                Some(Err(e)) => dispatch.emit(Action::SetStatus(Some(e))),
                None => {}
            }
        })
    };
    let on_folder = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let files = input_files(&e);
            let name = files
                .first()
                .and_then(webkit_relative_path)
                .and_then(|p| p.split('/').next().map(str::to_string))
                .unwrap_or_else(|| "folder".into());
            open_files(files, name, dispatch.clone());
        })
    };
    let on_files = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| open_files(input_files(&e), "files".into(), dispatch.clone()))
    };
    let on_import = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(file) = input_files(&e).into_iter().next() else { return };
            let dispatch = dispatch.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text = gloo::file::futures::read_as_text(&File::from(file)).await;
                match text.map_err(|e| e.to_string()).and_then(|t| Project::from_json(&t)) {
                    Ok(project) => dispatch.emit(Action::LoadProject {
                        project,
                        example: None,
                        status: Some("Imported the project file.".into()),
                    }),
                    Err(e) => dispatch.emit(Action::SetStatus(Some(e))),
                }
            });
        })
    };
    let on_export = {
        let project = state.project.clone();
        Callback::from(move |_| {
            let blob = Blob::new_with_options(project.to_json().as_str(), Some("application/json"));
            let url = ObjectUrl::from(blob);
            let document = gloo::utils::document();
            if let Ok(a) = document.create_element("a") {
                let _ = a.set_attribute("href", &url);
                let _ = a.set_attribute("download", &format!("{}.schemasim.json", project.name));
                if let Some(a) = a.dyn_ref::<web_sys::HtmlElement>() {
                    a.click();
                }
            }
        })
    };
    let on_share = {
        let project = state.project.clone();
        let share_link = share_link.clone();
        Callback::from(move |_| {
            let location = gloo::utils::window().location();
            let base = format!("{}{}", location.origin().unwrap_or_default(), location.pathname().unwrap_or_default());
            share_link.set(Some(format!("{base}#{}", project.to_link_fragment())));
        })
    };
    let on_new = {
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            dispatch.emit(Action::LoadProject { project: Project::empty("untitled"), example: None, status: None })
        })
    };

    html! {
        <header class="topbar">
            <h1 class="logo">{ "schemasim" }<small>{ "PostgreSQL 17 migrations, replayed in your browser" }</small></h1>
            <label class="control">
                { "Example " }
                <select data-testid="example-select" onchange={on_example}>
                    <option value="" selected={state.example.is_none()}>{ "(your project)" }</option>
                    { for examples::EXAMPLES.iter().map(|e| html! {
                        <option value={e.id} selected={state.example.as_deref() == Some(e.id)}>{ e.title() }</option>
                    }) }
                </select>
            </label>
            <button onclick={on_new}>{ "New" }</button>
            <label class="button">
                { "Open folder" }
                <input type="file" webkitdirectory={true} multiple={true} hidden={true} onchange={on_folder} data-testid="open-folder" />
            </label>
            <label class="button">
                { "Open files" }
                <input type="file" multiple={true} accept=".sql,.toml,.txt" hidden={true} onchange={on_files} data-testid="open-files" />
            </label>
            <label class="button">
                { "Import" }
                <input type="file" accept=".json" hidden={true} onchange={on_import} data-testid="import" />
            </label>
            <button onclick={on_export} data-testid="export">{ "Export" }</button>
            <button onclick={on_share} data-testid="share">{ "Share link" }</button>
            if let Some(link) = &*share_link {
                <input class="share-link" readonly={true} value={link.clone()} data-testid="share-link"
                    onfocus={Callback::from(|e: FocusEvent| {
                        if let Some(i) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) { i.select(); }
                    })} />
            }
        </header>
    }
}
