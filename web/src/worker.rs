//! The web worker that runs [`crate::jobs`] off the page's thread, and what the page does when
//! something traps.
//!
//! The worker is the app's own wasm module started a second time: a module worker, made from
//! a Blob so no extra file is served, imports the wasm-bindgen glue Trunk emitted and
//! initialises the same `.wasm` (the browser's cache serves it); `main` sees no `window` and
//! serves jobs instead of rendering. Messages are JSON strings of [`JobRequest`] and
//! [`JobResponse`].
//!
//! gloo-worker is not used because it exposes no error event: a panic aborts the wasm
//! instance (a trap), and the page must then answer the jobs in flight and start a fresh
//! worker, which [`WorkerClient`] does.
use crate::jobs::{JobOutput, JobRequest, JobResponse, JobRunner};
use std::cell::RefCell;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent, Worker};
use yew::Callback;

/// The worker's first message: it is listening.
const READY: &str = "ready";
/// Prefix of the message a panicking worker sends before it traps.
const PANIC: &str = "panic:";
/// A worker that keeps crashing is not restarted forever.
const MAX_RESTARTS: u32 = 3;

pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>().is_ok()
}

/// In the worker: answer every request, in order.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let _ = scope.post_message(&JsValue::from_str(&format!("{PANIC}{info}")));
        }));
    }
    let runner = RefCell::new(JobRunner::default());
    let reply = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        let message = match serde_json::from_str::<JobRequest>(&text) {
            Ok(request) => {
                let output = runner.borrow_mut().run(&request);
                let response = JobResponse { id: request.id, revision: request.revision, kind: request.kind, output };
                serde_json::to_string(&response).unwrap_or_else(|e| format!("{PANIC}response not serializable: {e}"))
            }
            Err(e) => format!("{PANIC}request not understood: {e}"),
        };
        let _ = reply.post_message(&JsValue::from_str(&message));
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// On the page: a panic stops the app's wasm for good, so say so where the user looks, with
/// the way back (the project is saved on every change, so a reload loses nothing).
pub fn install_page_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        web_sys::console::error_1(&JsValue::from_str(&format!("schemasim: {info}")));
        let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
        let Some(body) = document.body() else { return };
        if let Ok(banner) = document.create_element("div") {
            banner.set_class_name("crash");
            let _ = banner.set_attribute("role", "alert");
            let _ = banner.set_attribute("data-testid", "crash");
            banner.set_text_content(Some(&format!(
                "schemasim hit a bug and stopped ({info}). Your project is saved in this browser: reload to continue. "
            )));
            if let Ok(button) = document.create_element("button") {
                button.set_text_content(Some("Reload"));
                let _ = button.set_attribute("onclick", "location.reload()");
                let _ = banner.append_child(&button);
            }
            let _ = body.prepend_with_node_1(&banner);
        }
    }));
}

/// The page's side: sends requests, hands responses to `on_response`, and replaces a worker
/// that crashed, answering its jobs in flight with [`JobOutput::Failed`].
#[derive(Clone)]
pub struct WorkerClient {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    script: String,
    on_response: Callback<JobResponse>,
    worker: Option<Worker>,
    ready: bool,
    /// Requests written before the worker listened.
    queue: Vec<String>,
    in_flight: Vec<(u64, u64, crate::jobs::JobKind)>,
    restarts: u32,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl WorkerClient {
    /// `None` where no worker can start (the page then runs the jobs itself).
    pub fn start(on_response: Callback<JobResponse>) -> Option<WorkerClient> {
        let script = bootstrap_script()?;
        let inner = Rc::new(RefCell::new(Inner {
            script,
            on_response,
            worker: None,
            ready: false,
            queue: Vec::new(),
            in_flight: Vec::new(),
            restarts: 0,
            _handlers: Vec::new(),
        }));
        spawn(&inner).ok()?;
        Some(WorkerClient { inner })
    }

    pub fn send(&self, request: &JobRequest) {
        let Ok(json) = serde_json::to_string(request) else { return };
        let mut inner = self.inner.borrow_mut();
        if inner.worker.is_none() {
            let on_response = inner.on_response.clone();
            drop(inner);
            on_response.emit(failed(request.id, request.revision, request.kind, "the analysis worker is not running"));
            return;
        }
        inner.in_flight.push((request.id, request.revision, request.kind));
        if inner.ready {
            if let Some(worker) = &inner.worker {
                let _ = worker.post_message(&JsValue::from_str(&json));
            }
        } else {
            inner.queue.push(json);
        }
    }
}

fn failed(id: u64, revision: u64, kind: crate::jobs::JobKind, why: &str) -> JobResponse {
    JobResponse { id, revision, kind, output: JobOutput::Failed(why.to_string()) }
}

/// The module script the worker runs: the app's glue and wasm, by absolute URL (a Blob has no
/// base to resolve relative ones against), found in the links Trunk puts in the page.
fn bootstrap_script() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let base = document.base_uri().ok()??;
    let href = |selector: &str| -> Option<String> {
        let relative = document.query_selector(selector).ok()??.get_attribute("href")?;
        Some(web_sys::Url::new_with_base(&relative, &base).ok()?.href())
    };
    let glue = href("link[rel=modulepreload]")?;
    let wasm = href("link[rel=preload][as=fetch]")?;
    let glue = serde_json::to_string(&glue).ok()?;
    let wasm = serde_json::to_string(&wasm).ok()?;
    Some(format!("import init from {glue};\ninit({{ module_or_path: {wasm} }});\n"))
}

fn spawn(inner: &Rc<RefCell<Inner>>) -> Result<(), JsValue> {
    let script = inner.borrow().script.clone();
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let blob_options = web_sys::BlobPropertyBag::new();
    blob_options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &blob_options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    let worker = Worker::new_with_options(&url, &options);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker?;

    let weak = Rc::downgrade(inner);
    let onmessage = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let text = e.dyn_into::<MessageEvent>().ok().and_then(|m| m.data().as_string()).unwrap_or_default();
        on_message(&weak, &text);
    });
    let weak = Rc::downgrade(inner);
    let onerror = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let message =
            e.dyn_ref::<web_sys::ErrorEvent>().map(|e| e.message()).unwrap_or_else(|| "the worker failed".into());
        crashed(&weak, &message);
    });
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    worker.set_onerror(Some(onerror.as_ref().unchecked_ref()));
    let mut inner = inner.borrow_mut();
    inner.worker = Some(worker);
    inner.ready = false;
    inner._handlers = vec![onmessage, onerror];
    Ok(())
}

fn on_message(weak: &Weak<RefCell<Inner>>, text: &str) {
    let Some(inner) = weak.upgrade() else { return };
    if text == READY {
        let mut inner = inner.borrow_mut();
        inner.ready = true;
        let queue = std::mem::take(&mut inner.queue);
        if let Some(worker) = &inner.worker {
            for json in queue {
                let _ = worker.post_message(&JsValue::from_str(&json));
            }
        }
        return;
    }
    if let Some(why) = text.strip_prefix(PANIC) {
        crashed(weak, why);
        return;
    }
    let Ok(response) = serde_json::from_str::<JobResponse>(text) else {
        crashed(weak, "the worker's answer was not understood");
        return;
    };
    // Release the borrow before the callback: it may send the next request.
    let on_response = {
        let mut inner = inner.borrow_mut();
        inner.in_flight.retain(|&(id, ..)| id != response.id);
        inner.on_response.clone()
    };
    on_response.emit(response);
}

/// The worker trapped or failed: answer its jobs, and start a fresh one (a few times).
fn crashed(weak: &Weak<RefCell<Inner>>, why: &str) {
    let Some(inner) = weak.upgrade() else { return };
    let (lost, on_response) = {
        let mut state = inner.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
        state.queue.clear();
        state.restarts += 1;
        (std::mem::take(&mut state.in_flight), state.on_response.clone())
    };
    web_sys::console::error_1(&JsValue::from_str(&format!("schemasim analysis worker: {why}")));
    if inner.borrow().restarts <= MAX_RESTARTS {
        let _ = spawn(&inner);
    }
    let why =
        format!("The analysis crashed (a bug in schemasim: {why}). It was restarted; change the project to try again.");
    for (id, revision, kind) in lost {
        on_response.emit(failed(id, revision, kind, &why));
    }
}

/// Where jobs run: the worker, or (where none starts) this page, a tick later so the panel
/// can say it is computing first.
pub enum JobSender {
    Worker(WorkerClient),
    Page { runner: Rc<RefCell<JobRunner>>, on_response: Callback<JobResponse> },
}

impl JobSender {
    pub fn start(on_response: Callback<JobResponse>) -> JobSender {
        match WorkerClient::start(on_response.clone()) {
            Some(client) => JobSender::Worker(client),
            None => JobSender::Page { runner: Rc::default(), on_response },
        }
    }

    pub fn send(&self, request: JobRequest) {
        match self {
            JobSender::Worker(client) => client.send(&request),
            JobSender::Page { runner, on_response } => {
                let (runner, on_response) = (runner.clone(), on_response.clone());
                gloo::timers::callback::Timeout::new(0, move || {
                    let output = runner.borrow_mut().run(&request);
                    on_response.emit(JobResponse {
                        id: request.id,
                        revision: request.revision,
                        kind: request.kind,
                        output,
                    });
                })
                .forget();
            }
        }
    }
}
