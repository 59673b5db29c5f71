//! The console (console.html, under `/console/`).

fn main() {
    serap_shared::survey::set_number_format(web_client::num_text);
    yew::Renderer::<web_client::console::Console>::new().render();
}
