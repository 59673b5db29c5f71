//! The console (console.html, under `/console/`).

fn main() {
    yew::Renderer::<web_client::console::Console>::new().render();
}
