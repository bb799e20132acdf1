fn main() {
    yew::Renderer::<schemasim_web::components::app::App>::new().render();
}
