//! Serap's web client: the respondent form, manager dashboards and admin pages, in Yew (CSR).

mod app;
mod i18n;
mod pages;
mod services;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
