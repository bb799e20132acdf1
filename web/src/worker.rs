//! The web workers that keep the page's thread for rendering, and what the page does when
//! something traps.
//!
//! Two workers, so a long analysis never holds up the replay:
//! - `replay` runs the incremental replay ([`ReplayHost`]) in slices, taking a new edit or a
//!   request for a schema between two slices;
//! - `jobs` runs the whole-history analyses ([`crate::jobs`]), seconds each on a large history.
//!
//! Each is the app's own wasm module started again: a module worker, made from a Blob so no
//! extra file is served, imports the wasm-bindgen glue Trunk emitted and instantiates the
//! page's compiled `WebAssembly.Module`, which the page posts to it; `main` sees no `window`
//! and serves what the worker's name says. Messages are JSON strings.
//!
//! gloo-worker is not used because it exposes no error event: a panic aborts the wasm
//! instance (a trap), and the page must then answer what was in flight and start a fresh
//! worker, which [`Channel`] does.
use crate::jobs::{JobKind, JobOutput, JobRequest, JobResponse, JobRunner};
use crate::replay::{ReplayHost, ReplayMessage, ReplayRequest};
use gloo::timers::callback::Timeout;
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
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
const REPLAY_WORKER: &str = "replay";
const JOBS_WORKER: &str = "jobs";
/// Each replay slice stops after this long, so a new edit or a request for a schema waits at
/// most about this much.
const SLICE_MS: f64 = 30.0;

pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>().is_ok()
}

/// In a worker: serve what its name says.
pub fn serve() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    {
        let scope = scope.clone();
        std::panic::set_hook(Box::new(move |info| {
            let _ = scope.post_message(&JsValue::from_str(&format!("{PANIC}{info}")));
        }));
    }
    let onmessage = if scope.name() == REPLAY_WORKER { serve_replay(&scope) } else { serve_jobs(&scope) };
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    onmessage.forget();
    let _ = scope.post_message(&JsValue::from_str(READY));
}

/// Answers every job, in order.
fn serve_jobs(scope: &DedicatedWorkerGlobalScope) -> Closure<dyn FnMut(MessageEvent)> {
    let runner = RefCell::new(JobRunner::default());
    let reply = scope.clone();
    Closure::new(move |e: MessageEvent| {
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
    })
}

/// Replays in slices, taking requests between them.
fn serve_replay(scope: &DedicatedWorkerGlobalScope) -> Closure<dyn FnMut(MessageEvent)> {
    let reply = scope.clone();
    let pump = ReplayPump::new(Rc::new(move |message: ReplayMessage| {
        let text = serde_json::to_string(&message).unwrap_or_else(|e| format!("{PANIC}message not serializable: {e}"));
        let _ = reply.post_message(&JsValue::from_str(&text));
    }));
    let reply = scope.clone();
    Closure::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        match serde_json::from_str::<ReplayRequest>(&text) {
            Ok(request) => pump.receive(request),
            Err(e) => {
                let _ = reply.post_message(&JsValue::from_str(&format!("{PANIC}request not understood: {e}")));
            }
        }
    })
}

/// A [`ReplayHost`] run in slices on whatever thread it lives on: the replay worker, or the
/// page where no worker starts.
#[derive(Clone)]
pub struct ReplayPump {
    host: Rc<RefCell<ReplayHost>>,
    scheduled: Rc<Cell<bool>>,
    post: Rc<dyn Fn(ReplayMessage)>,
}

impl ReplayPump {
    fn new(post: Rc<dyn Fn(ReplayMessage)>) -> Self {
        ReplayPump { host: Rc::default(), scheduled: Rc::default(), post }
    }

    fn receive(&self, request: ReplayRequest) {
        let answers = self.host.borrow_mut().receive(request);
        answers.into_iter().for_each(|m| (self.post)(m));
        self.schedule();
    }

    /// The next slice, a tick later so requests that came meanwhile are taken first.
    fn schedule(&self) {
        if self.scheduled.get() || !self.host.borrow().busy() {
            return;
        }
        self.scheduled.set(true);
        let pump = self.clone();
        Timeout::new(0, move || {
            pump.scheduled.set(false);
            let start = js_sys::Date::now();
            let messages = pump.host.borrow_mut().work(|| js_sys::Date::now() - start < SLICE_MS);
            messages.into_iter().for_each(|m| (pump.post)(m));
            pump.schedule();
        })
        .forget();
    }
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

/// The page's end of one worker: sends messages, hands the answers on, and replaces a worker
/// that crashed (a few times), telling `on_crash` (why, and whether a fresh one started).
#[derive(Clone)]
pub struct Channel {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    name: &'static str,
    bootstrap: Bootstrap,
    /// Takes an answer; `false` if it was not understood.
    on_text: Rc<dyn Fn(&str) -> bool>,
    on_crash: Callback<(String, bool)>,
    worker: Option<Worker>,
    ready: bool,
    /// Messages written before the worker listened.
    queue: Vec<String>,
    restarts: u32,
    _handlers: Vec<Closure<dyn FnMut(JsValue)>>,
}

impl Channel {
    /// `None` where no worker can start.
    fn start<T: DeserializeOwned + 'static>(
        name: &'static str,
        on_message: Callback<T>,
        on_crash: Callback<(String, bool)>,
    ) -> Option<Channel> {
        let bootstrap = bootstrap()?;
        let on_text = Rc::new(move |text: &str| match serde_json::from_str::<T>(text) {
            Ok(message) => {
                on_message.emit(message);
                true
            }
            Err(_) => false,
        });
        let inner = Rc::new(RefCell::new(Inner {
            name,
            bootstrap,
            on_text,
            on_crash,
            worker: None,
            ready: false,
            queue: Vec::new(),
            restarts: 0,
            _handlers: Vec::new(),
        }));
        spawn(&inner).ok()?;
        Some(Channel { inner })
    }

    /// `false` if the worker is gone for good.
    fn send(&self, text: String) -> bool {
        let mut inner = self.inner.borrow_mut();
        match (&inner.worker, inner.ready) {
            (None, _) => return false,
            (Some(worker), true) => {
                let _ = worker.post_message(&JsValue::from_str(&text));
            }
            (Some(_), false) => inner.queue.push(text),
        }
        true
    }
}

/// How a worker starts: the module script it runs, and its first message, what it
/// initialises the wasm from.
struct Bootstrap {
    script: String,
    wasm: JsValue,
}

/// The module script imports the app's glue by absolute URL (a Blob has no base to resolve
/// relative ones against), found in the links Trunk puts in the page, and waits for its first
/// message: the page's own compiled `WebAssembly.Module`, so the worker does not compile the
/// wasm again (or, if the page cannot give it, the wasm's URL).
fn bootstrap() -> Option<Bootstrap> {
    let document = web_sys::window()?.document()?;
    let base = document.base_uri().ok()??;
    let href = |selector: &str| -> Option<String> {
        let relative = document.query_selector(selector).ok()??.get_attribute("href")?;
        Some(web_sys::Url::new_with_base(&relative, &base).ok()?.href())
    };
    let glue = serde_json::to_string(&href("link[rel=modulepreload]")?).ok()?;
    let module = wasm_bindgen::module();
    let wasm = if module.is_instance_of::<js_sys::WebAssembly::Module>() {
        module
    } else {
        JsValue::from_str(&href("link[rel=preload][as=fetch]")?)
    };
    let script = format!(
        "import init from {glue};\nself.onmessage = (e) => {{ self.onmessage = null; init({{ module_or_path: e.data }}); }};\n"
    );
    Some(Bootstrap { script, wasm })
}

fn spawn(inner: &Rc<RefCell<Inner>>) -> Result<(), JsValue> {
    let (script, wasm, name) = {
        let inner = inner.borrow();
        (inner.bootstrap.script.clone(), inner.bootstrap.wasm.clone(), inner.name)
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let blob_options = web_sys::BlobPropertyBag::new();
    blob_options.set_type("text/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &blob_options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let options = web_sys::WorkerOptions::new();
    options.set_type(web_sys::WorkerType::Module);
    options.set_name(name);
    let worker = Worker::new_with_options(&url, &options);
    let _ = web_sys::Url::revoke_object_url(&url);
    let worker = worker?;
    worker.post_message(&wasm)?;

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
            for text in queue {
                let _ = worker.post_message(&JsValue::from_str(&text));
            }
        }
        return;
    }
    if let Some(why) = text.strip_prefix(PANIC) {
        crashed(weak, why);
        return;
    }
    // Release the borrow before handing the answer on: that may send the next message.
    let on_text = inner.borrow().on_text.clone();
    if !on_text(text) {
        crashed(weak, "the worker's answer was not understood");
    }
}

/// The worker trapped or failed: start a fresh one (a few times) and say so.
fn crashed(weak: &Weak<RefCell<Inner>>, why: &str) {
    let Some(inner) = weak.upgrade() else { return };
    let (name, on_crash, retry) = {
        let mut state = inner.borrow_mut();
        if let Some(worker) = state.worker.take() {
            worker.terminate();
        }
        state.queue.clear();
        state.restarts += 1;
        (state.name, state.on_crash.clone(), state.restarts <= MAX_RESTARTS)
    };
    web_sys::console::error_1(&JsValue::from_str(&format!("schemasim {name} worker: {why}")));
    let restarted = retry && spawn(&inner).is_ok();
    on_crash.emit((why.to_string(), restarted));
}

/// Where the replay runs: its worker, or (where none starts) this page, in slices.
pub enum ReplaySender {
    Worker(Channel),
    Page(ReplayPump),
}

impl ReplaySender {
    pub fn start(on_message: Callback<ReplayMessage>, on_crash: Callback<(String, bool)>) -> ReplaySender {
        match Channel::start(REPLAY_WORKER, on_message.clone(), on_crash) {
            Some(channel) => ReplaySender::Worker(channel),
            None => ReplaySender::Page(ReplayPump::new(Rc::new(move |m| on_message.emit(m)))),
        }
    }

    pub fn send(&self, request: ReplayRequest) {
        match self {
            ReplaySender::Worker(channel) => {
                if let Ok(text) = serde_json::to_string(&request) {
                    channel.send(text);
                }
            }
            ReplaySender::Page(pump) => pump.receive(request),
        }
    }
}

/// Where jobs run: their worker, or (where none starts) this page, a tick later so the panel
/// can say it is computing first.
pub enum JobSender {
    Worker {
        channel: Channel,
        /// Jobs sent and not answered: a crash answers them as failed.
        in_flight: Rc<RefCell<Vec<(u64, u64, JobKind)>>>,
        on_response: Callback<JobResponse>,
    },
    Page {
        runner: Rc<RefCell<JobRunner>>,
        on_response: Callback<JobResponse>,
    },
}

impl JobSender {
    pub fn start(on_response: Callback<JobResponse>) -> JobSender {
        let in_flight: Rc<RefCell<Vec<(u64, u64, JobKind)>>> = Rc::default();
        let answered = {
            let (in_flight, on_response) = (in_flight.clone(), on_response.clone());
            Callback::from(move |response: JobResponse| {
                in_flight.borrow_mut().retain(|&(id, ..)| id != response.id);
                on_response.emit(response);
            })
        };
        let on_crash = {
            let (in_flight, on_response) = (in_flight.clone(), on_response.clone());
            Callback::from(move |(why, _restarted): (String, bool)| {
                let why = format!(
                    "The analysis crashed (a bug in schemasim: {why}). It was restarted; change the project to try again."
                );
                let lost = std::mem::take(&mut *in_flight.borrow_mut());
                for (id, revision, kind) in lost {
                    on_response.emit(failed(id, revision, kind, &why));
                }
            })
        };
        match Channel::start(JOBS_WORKER, answered, on_crash) {
            Some(channel) => JobSender::Worker { channel, in_flight, on_response },
            None => JobSender::Page { runner: Rc::default(), on_response },
        }
    }

    pub fn send(&self, request: JobRequest) {
        match self {
            JobSender::Worker { channel, in_flight, on_response } => {
                let Ok(text) = serde_json::to_string(&request) else { return };
                in_flight.borrow_mut().push((request.id, request.revision, request.kind));
                if !channel.send(text) {
                    in_flight.borrow_mut().retain(|&(id, ..)| id != request.id);
                    on_response.emit(failed(
                        request.id,
                        request.revision,
                        request.kind,
                        "the analysis worker is not running",
                    ));
                }
            }
            JobSender::Page { runner, on_response } => {
                let (runner, on_response) = (runner.clone(), on_response.clone());
                Timeout::new(0, move || {
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

fn failed(id: u64, revision: u64, kind: JobKind, why: &str) -> JobResponse {
    JobResponse { id, revision, kind, output: JobOutput::Failed(why.to_string()) }
}
