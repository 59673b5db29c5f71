//! The respondent app (index.html).

fn main() {
    serap_shared::survey::set_number_format(web_client::num_text);
    yew::Renderer::<web_client::app::App>::new().render();
}
