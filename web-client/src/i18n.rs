//! User-interface text in Bahasa Indonesia (default) and English. The choice is kept in localStorage and
//! mirrored to `<html lang>` for screen readers.

use gloo_storage::{LocalStorage, Storage};
use serap_shared::i18n::Lang;
use yew::prelude::*;

const STORAGE_KEY: &str = "serap.lang";

/// Every UI string, by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    SkipToContent,
    SwitchLanguage,
    SwitchLanguageLabel,
    HomeTitle,
    HomeLead,
    ServiceStatus,
    Loading,
    Version,
    Database,
    Connected,
    NotConnected,
    LiveUpdates,
    Mail,
    ServerTime,
    LoadFailed,
    Retry,
    NotFoundTitle,
    NotFoundBody,
    BackHome,
    Footer,
}

pub fn t(lang: Lang, key: Key) -> &'static str {
    use Key::*;
    match (lang, key) {
        (Lang::Id, SkipToContent) => "Lompat ke isi",
        (Lang::En, SkipToContent) => "Skip to content",
        (Lang::Id, SwitchLanguage) => "English",
        (Lang::En, SwitchLanguage) => "Bahasa Indonesia",
        (Lang::Id, SwitchLanguageLabel) => "Ganti bahasa ke English",
        (Lang::En, SwitchLanguageLabel) => "Switch language to Bahasa Indonesia",
        (Lang::Id, HomeTitle) => "Selamat datang di Serap",
        (Lang::En, HomeTitle) => "Welcome to Serap",
        (Lang::Id, HomeLead) => {
            "Survei kebutuhan dan umpan balik ASN Pemerintah Kota Serang, dikelola BKPSDM."
        }
        (Lang::En, HomeLead) => {
            "Needs-assessment surveys and feedback from the civil servants of Kota Serang, run by BKPSDM."
        }
        (Lang::Id, ServiceStatus) => "Status layanan",
        (Lang::En, ServiceStatus) => "Service status",
        (Lang::Id, Loading) => "Memuat…",
        (Lang::En, Loading) => "Loading…",
        (Lang::Id, Version) => "Versi",
        (Lang::En, Version) => "Version",
        (Lang::Id, Database) => "Basis data",
        (Lang::En, Database) => "Database",
        (Lang::Id, Connected) => "tersambung",
        (Lang::En, Connected) => "connected",
        (Lang::Id, NotConnected) => "tidak tersambung",
        (Lang::En, NotConnected) => "not connected",
        (Lang::Id, LiveUpdates) => "Pembaruan langsung",
        (Lang::En, LiveUpdates) => "Live updates",
        (Lang::Id, Mail) => "Email",
        (Lang::En, Mail) => "Email",
        (Lang::Id, ServerTime) => "Waktu server (WIB)",
        (Lang::En, ServerTime) => "Server time (WIB)",
        (Lang::Id, LoadFailed) => "Gagal memuat status layanan. Periksa koneksi Anda.",
        (Lang::En, LoadFailed) => "Could not load the service status. Check your connection.",
        (Lang::Id, Retry) => "Coba lagi",
        (Lang::En, Retry) => "Try again",
        (Lang::Id, NotFoundTitle) => "Halaman tidak ditemukan",
        (Lang::En, NotFoundTitle) => "Page not found",
        (Lang::Id, NotFoundBody) => "Alamat yang Anda buka tidak ada.",
        (Lang::En, NotFoundBody) => "The address you opened does not exist.",
        (Lang::Id, BackHome) => "Kembali ke beranda",
        (Lang::En, BackHome) => "Back to the home page",
        (Lang::Id, Footer) => "BKPSDM Kota Serang",
        (Lang::En, Footer) => "BKPSDM Kota Serang",
    }
}

/// The language context every page reads: the current language and a way to change it.
#[derive(Clone, PartialEq)]
pub struct LangContext {
    pub lang: Lang,
    pub set: Callback<Lang>,
}

impl LangContext {
    pub fn t(&self, key: Key) -> &'static str {
        t(self.lang, key)
    }
}

/// The saved choice, else the browser's language if it is Indonesian or English, else Indonesian.
pub fn initial_lang() -> Lang {
    if let Ok(code) = LocalStorage::get::<String>(STORAGE_KEY)
        && let Some(lang) = Lang::from_code(&code)
    {
        return lang;
    }
    Lang::Id
}

pub fn remember(lang: Lang) {
    let _ = LocalStorage::set(STORAGE_KEY, lang.code());
    if let Some(root) = gloo_utils_document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
}

fn gloo_utils_document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

#[hook]
pub fn use_lang() -> LangContext {
    use_context::<LangContext>().expect("LangContext is provided by App")
}
