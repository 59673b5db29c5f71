//! The respondent app (index.html).

fn main() {
    yew::Renderer::<web_client::app::App>::new().render();
}
