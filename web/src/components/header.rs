//! The top bar: the examples, opening a folder or files (layout detected as the CLI does),
//! import/export of the project file, and a share link.
use crate::examples;
use crate::project::Project;
use crate::state::{Action, AppState};
use gloo::file::{Blob, File, ObjectUrl};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
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
    let files = files.into_iter().map(|f| (relative_path(&f), f)).collect();
    open_paths(files, name, dispatch);
}

/// [`open_files`] with each file's path inside what was opened.
fn open_paths(files: Vec<(String, web_sys::File)>, name: String, dispatch: Callback<Action>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut entries = Vec::new();
        for (path, file) in files {
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

/// Opens what was dropped on the page: files, or folders walked to every file inside (paths
/// relative to the folder when one folder was dropped, as the folder picker gives them). The
/// entries must be taken while the drop event lasts; reading them is asynchronous.
pub fn open_dropped(data: &web_sys::DataTransfer, dispatch: Callback<Action>) {
    let items = data.items();
    let entries: Vec<web_sys::FileSystemEntry> =
        (0..items.length()).filter_map(|i| items.get(i)?.webkit_get_as_entry().ok()?).collect();
    if entries.is_empty() {
        // No entries (a synthetic drop, or a browser without them): the plain file list.
        let files: Vec<web_sys::File> =
            data.files().map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default();
        if !files.is_empty() {
            open_files(files, "dropped files".into(), dispatch);
        }
        return;
    }
    let single_folder = (entries.len() == 1 && entries[0].is_directory()).then(|| entries[0].name());
    wasm_bindgen_futures::spawn_local(async move {
        match walk_entries(entries).await {
            Ok(files) => {
                let files: Vec<(String, web_sys::File)> = files
                    .into_iter()
                    .map(|(full, file)| {
                        let path = full.trim_start_matches('/');
                        let path = match &single_folder {
                            Some(folder) => {
                                path.strip_prefix(folder.as_str()).map_or(path, |p| p.trim_start_matches('/'))
                            }
                            None => path,
                        };
                        (path.to_string(), file)
                    })
                    .collect();
                let name = single_folder.unwrap_or_else(|| "dropped files".into());
                open_paths(files, name, dispatch);
            }
            Err(e) => dispatch.emit(Action::SetStatus(Some(format!("Could not read what was dropped: {e:?}")))),
        }
    });
}

/// Every file under `entries`, with its full path in the drop.
async fn walk_entries(mut stack: Vec<web_sys::FileSystemEntry>) -> Result<Vec<(String, web_sys::File)>, JsValue> {
    use wasm_bindgen_futures::JsFuture;
    let mut files = Vec::new();
    while let Some(entry) = stack.pop() {
        if entry.is_directory() {
            let reader = entry.unchecked_into::<web_sys::FileSystemDirectoryEntry>().create_reader();
            // readEntries answers in batches until an empty one.
            loop {
                let batch = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
                    let _ = reader.read_entries_with_callback_and_callback(&resolve, &reject);
                }))
                .await?;
                let batch = js_sys::Array::from(&batch);
                if batch.length() == 0 {
                    break;
                }
                stack.extend(batch.iter().map(|e| e.unchecked_into::<web_sys::FileSystemEntry>()));
            }
        } else if entry.is_file() {
            let path = entry.full_path();
            let file_entry = entry.unchecked_into::<web_sys::FileSystemFileEntry>();
            let file = JsFuture::from(js_sys::Promise::new(&mut |resolve, reject| {
                file_entry.file_with_callback_and_callback(&resolve, &reject);
            }))
            .await?;
            files.push((path, file.unchecked_into::<web_sys::File>()));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
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
