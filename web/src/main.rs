fn main() {
    // The same module runs in the analysis worker: no window there, so it serves jobs.
    if schemasim_web::worker::in_worker() {
        schemasim_web::worker::serve();
        return;
    }
    schemasim_web::worker::install_page_panic_hook();
    yew::Renderer::<schemasim_web::components::app::App>::new().render();
}
