//! User-interface text in Bahasa Indonesia (default) and English. The choice is kept in localStorage and
//! mirrored to `<html lang>` for screen readers.

use serap_shared::i18n::{Lang, Text};

use crate::services::store;

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
    FormLoadFailed,
    FormNotFound,
    FormCached,
    FormClosedTitle,
    FormClosedBody,
    OpensAt,
    ClosesAt,
    NoticeTitle,
    NoticePurpose,
    NoticePurposeBody,
    NoticeStored,
    AnonAnonymous,
    AnonConfidential,
    AnonIdentified,
    NoticeDevice,
    NoticeLaw,
    ConsentAccept,
    UnitTitle,
    UnitHelp,
    UnitPlaceholder,
    UnitRequired,
    Back,
    Next,
    Submit,
    PartOf,
    RequiredSr,
    AutoSaved,
    CharsLeft,
    NumberInvalid,
    TasksIncomplete,
    Task,
    TaskName,
    TaskVolume,
    TaskMinutes,
    TaskAdd,
    TaskRemove,
    TaskTotal,
    HoursPerYear,
    MoveUp,
    MoveDown,
    RankHelp,
    ConfirmOrder,
    OrderSaved,
    NpsLow,
    NpsHigh,
    Level,
    SendingTitle,
    Sending,
    Offline,
    Busy,
    KeepPageOpen,
    RetryNow,
    Sent,
    ThanksTitle,
    ReceiptLabel,
    ReceivedOn,
    ReceiptKeep,
    ConflictTitle,
    ConflictBody,
    FreshSubmission,
    FreshNote,
    WaveClosed,
    FixErrors,
    Rejected,
    Hello,
    InvitationTitle,
    InvitationUsed,
    InvitationExpired,
    InvitationNotFound,
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
        (Lang::Id, FormLoadFailed) => "Gagal memuat survei. Periksa koneksi Anda.",
        (Lang::En, FormLoadFailed) => "Could not load the survey. Check your connection.",
        (Lang::Id, FormNotFound) => {
            "Survei tidak ditemukan. Periksa kembali tautan yang Anda buka."
        }
        (Lang::En, FormNotFound) => "Survey not found. Check the link you opened.",
        (Lang::Id, FormCached) => {
            "Anda sedang luring: yang tampil adalah salinan survei yang tersimpan di perangkat ini."
        }
        (Lang::En, FormCached) => {
            "You are offline: this is the copy of the survey saved on this device."
        }
        (Lang::Id, FormClosedTitle) => "Survei tidak sedang dibuka",
        (Lang::En, FormClosedTitle) => "The survey is not open",
        (Lang::Id, FormClosedBody) => "Saat ini survei ini tidak menerima jawaban.",
        (Lang::En, FormClosedBody) => "This survey is not accepting answers at the moment.",
        (Lang::Id, OpensAt) => "Dibuka",
        (Lang::En, OpensAt) => "Opens",
        (Lang::Id, ClosesAt) => "Ditutup",
        (Lang::En, ClosesAt) => "Closes",
        (Lang::Id, NoticeTitle) => "Pemberitahuan pelindungan data pribadi",
        (Lang::En, NoticeTitle) => "Personal data protection notice",
        (Lang::Id, NoticePurpose) => "Tujuan",
        (Lang::En, NoticePurpose) => "Purpose",
        (Lang::Id, NoticePurposeBody) => {
            "Jawaban Anda hanya dipakai untuk tujuan survei ini, yang diselenggarakan BKPSDM Kota Serang."
        }
        (Lang::En, NoticePurposeBody) => {
            "Your answers are used only for the purpose of this survey, run by BKPSDM Kota Serang."
        }
        (Lang::Id, NoticeStored) => "Data yang disimpan",
        (Lang::En, NoticeStored) => "What is stored",
        (Lang::Id, AnonAnonymous) => {
            "Survei ini anonim. Yang disimpan hanya jawaban Anda, unit kerja yang Anda pilih, dan tanggal pengisian. Nama, NIP, perangkat, alamat IP, dan jam pengisian tidak disimpan, sehingga jawaban tidak dapat ditelusuri kembali kepada Anda."
        }
        (Lang::En, AnonAnonymous) => {
            "This survey is anonymous. Only your answers, the unit you choose and the date are stored. Your name, NIP, device, IP address and the time of day are not stored, so your answers cannot be traced back to you."
        }
        (Lang::Id, AnonConfidential) => {
            "Survei ini rahasia. Jawaban Anda disimpan terhubung dengan identitas Anda, tetapi yang diperlihatkan kepada pimpinan dan pengelola hanyalah rekapitulasi gabungan, tidak pernah jawaban per orang."
        }
        (Lang::En, AnonConfidential) => {
            "This survey is confidential. Your answers are stored linked to you, but managers and administrators only ever see combined totals, never an individual's answers."
        }
        (Lang::Id, AnonIdentified) => {
            "Survei ini teridentifikasi. Jawaban Anda disimpan terhubung dengan identitas Anda dan dapat dilihat per orang oleh pengelola survei yang berwenang di BKPSDM."
        }
        (Lang::En, AnonIdentified) => {
            "This survey is identified. Your answers are stored linked to you and authorised survey administrators at BKPSDM may see them individually."
        }
        (Lang::Id, NoticeDevice) => {
            "Sampai terkirim, jawaban Anda disimpan sementara di perangkat ini agar tidak hilang saat sinyal terputus, lalu dihapus setelah terkirim."
        }
        (Lang::En, NoticeDevice) => {
            "Until they are sent, your answers are kept on this device so they are not lost when the signal drops; they are removed once sent."
        }
        (Lang::Id, NoticeLaw) => {
            "Data diproses sesuai UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi. Pengisian bersifat sukarela dan Anda dapat berhenti kapan saja."
        }
        (Lang::En, NoticeLaw) => {
            "Data is processed under Law No. 27 of 2022 on Personal Data Protection. Taking part is voluntary and you may stop at any time."
        }
        (Lang::Id, ConsentAccept) => "Saya mengerti dan bersedia mengisi",
        (Lang::En, ConsentAccept) => "I understand and agree to take part",
        (Lang::Id, UnitTitle) => "Unit kerja Anda",
        (Lang::En, UnitTitle) => "Your work unit",
        (Lang::Id, UnitHelp) => "Pilih unit tempat Anda bekerja saat ini.",
        (Lang::En, UnitHelp) => "Choose the unit you currently work in.",
        (Lang::Id, UnitPlaceholder) => "Pilih unit kerja…",
        (Lang::En, UnitPlaceholder) => "Choose a unit…",
        (Lang::Id, UnitRequired) => "Pilih unit kerja Anda.",
        (Lang::En, UnitRequired) => "Choose your work unit.",
        (Lang::Id, Back) => "Kembali",
        (Lang::En, Back) => "Back",
        (Lang::Id, Next) => "Lanjut",
        (Lang::En, Next) => "Next",
        (Lang::Id, Submit) => "Kirim jawaban",
        (Lang::En, Submit) => "Submit answers",
        (Lang::Id, PartOf) => "Bagian {} dari {}",
        (Lang::En, PartOf) => "Section {} of {}",
        (Lang::Id, RequiredSr) => "(wajib diisi)",
        (Lang::En, RequiredSr) => "(required)",
        (Lang::Id, AutoSaved) => "Jawaban tersimpan otomatis di perangkat ini.",
        (Lang::En, AutoSaved) => "Answers are saved automatically on this device.",
        (Lang::Id, CharsLeft) => "karakter tersisa",
        (Lang::En, CharsLeft) => "characters left",
        (Lang::Id, NumberInvalid) => "Masukkan angka yang valid.",
        (Lang::En, NumberInvalid) => "Enter a valid number.",
        (Lang::Id, TasksIncomplete) => "Lengkapi setiap baris tugas: nama, volume, dan menit.",
        (Lang::En, TasksIncomplete) => "Complete every task row: name, volume and minutes.",
        (Lang::Id, Task) => "Tugas",
        (Lang::En, Task) => "Task",
        (Lang::Id, TaskName) => "Nama tugas",
        (Lang::En, TaskName) => "Task name",
        (Lang::Id, TaskVolume) => "Volume per tahun",
        (Lang::En, TaskVolume) => "Times per year",
        (Lang::Id, TaskMinutes) => "Menit per tugas",
        (Lang::En, TaskMinutes) => "Minutes per task",
        (Lang::Id, TaskAdd) => "Tambah tugas",
        (Lang::En, TaskAdd) => "Add a task",
        (Lang::Id, TaskRemove) => "Hapus",
        (Lang::En, TaskRemove) => "Remove",
        (Lang::Id, TaskTotal) => "Total beban kerja",
        (Lang::En, TaskTotal) => "Total workload",
        (Lang::Id, HoursPerYear) => "jam/tahun",
        (Lang::En, HoursPerYear) => "hours/year",
        (Lang::Id, MoveUp) => "Naikkan",
        (Lang::En, MoveUp) => "Move up",
        (Lang::Id, MoveDown) => "Turunkan",
        (Lang::En, MoveDown) => "Move down",
        (Lang::Id, RankHelp) => "Urutkan dengan tombol panah; yang teratas paling penting.",
        (Lang::En, RankHelp) => "Order with the arrow buttons; the top one matters most.",
        (Lang::Id, ConfirmOrder) => "Simpan urutan ini",
        (Lang::En, ConfirmOrder) => "Keep this order",
        (Lang::Id, OrderSaved) => "Urutan tersimpan.",
        (Lang::En, OrderSaved) => "Order saved.",
        (Lang::Id, NpsLow) => "0 = sangat tidak mungkin",
        (Lang::En, NpsLow) => "0 = not at all likely",
        (Lang::Id, NpsHigh) => "10 = sangat mungkin",
        (Lang::En, NpsHigh) => "10 = extremely likely",
        (Lang::Id, Level) => "Level",
        (Lang::En, Level) => "Level",
        (Lang::Id, SendingTitle) => "Mengirim jawaban",
        (Lang::En, SendingTitle) => "Sending your answers",
        (Lang::Id, Sending) => "Menyimpan…",
        (Lang::En, Sending) => "Saving…",
        (Lang::Id, Offline) => {
            "Tidak ada koneksi. Jawaban Anda tersimpan di perangkat ini dan akan dikirim otomatis."
        }
        (Lang::En, Offline) => {
            "No connection. Your answers are saved on this device and will be sent automatically."
        }
        (Lang::Id, Busy) => {
            "Server sedang sibuk. Jawaban Anda tersimpan di perangkat ini dan akan dikirim otomatis."
        }
        (Lang::En, Busy) => {
            "The server is busy. Your answers are saved on this device and will be sent automatically."
        }
        (Lang::Id, KeepPageOpen) => {
            "Biarkan halaman ini terbuka, atau buka kembali tautan survei nanti."
        }
        (Lang::En, KeepPageOpen) => "Keep this page open, or open the survey link again later.",
        (Lang::Id, RetryNow) => "Coba kirim sekarang",
        (Lang::En, RetryNow) => "Try sending now",
        (Lang::Id, Sent) => "Terkirim",
        (Lang::En, Sent) => "Sent",
        (Lang::Id, ThanksTitle) => "Terima kasih!",
        (Lang::En, ThanksTitle) => "Thank you!",
        (Lang::Id, ReceiptLabel) => "Kode tanda terima Anda:",
        (Lang::En, ReceiptLabel) => "Your receipt code:",
        (Lang::Id, ReceivedOn) => "Diterima pada",
        (Lang::En, ReceivedOn) => "Received on",
        (Lang::Id, ReceiptKeep) => "Simpan kode ini sebagai bukti bahwa Anda sudah mengisi survei.",
        (Lang::En, ReceiptKeep) => "Keep this code as proof that you took part in the survey.",
        (Lang::Id, ConflictTitle) => "Jawaban sudah pernah dikirim",
        (Lang::En, ConflictTitle) => "Answers already sent",
        (Lang::Id, ConflictBody) => {
            "Server sudah mencatat pengiriman dengan kode yang sama tetapi isinya berbeda, mungkin dari tab atau perangkat lain. Pengiriman ini tidak disimpan."
        }
        (Lang::En, ConflictBody) => {
            "The server already holds a submission with the same code but different answers, perhaps from another tab or device. This submission was not stored."
        }
        (Lang::Id, FreshSubmission) => "Mulai pengiriman baru",
        (Lang::En, FreshSubmission) => "Start a fresh submission",
        (Lang::Id, FreshNote) => {
            "Jawaban Anda masih ada. Periksa, lalu kirim kembali sebagai pengiriman baru."
        }
        (Lang::En, FreshNote) => {
            "Your answers are still here. Check them, then submit again as a new submission."
        }
        (Lang::Id, WaveClosed) => {
            "Survei ini sudah ditutup atau belum dibuka, sehingga jawaban tidak dapat diterima."
        }
        (Lang::En, WaveClosed) => {
            "This survey is closed or not yet open, so answers cannot be accepted."
        }
        (Lang::Id, FixErrors) => {
            "Ada jawaban yang perlu diperbaiki. Periksa pesan di bawah pertanyaan yang ditandai."
        }
        (Lang::En, FixErrors) => {
            "Some answers need fixing. See the messages under the marked questions."
        }
        (Lang::Id, Rejected) => "Jawaban tidak dapat diterima.",
        (Lang::En, Rejected) => "The answers could not be accepted.",
        (Lang::Id, Hello) => "Halo, {}",
        (Lang::En, Hello) => "Hello, {}",
        (Lang::Id, InvitationTitle) => "Tautan undangan survei",
        (Lang::En, InvitationTitle) => "Survey invitation link",
        (Lang::Id, InvitationUsed) => {
            "Tautan ini sudah dipakai: jawaban untuk undangan ini sudah diterima. Terima kasih."
        }
        (Lang::En, InvitationUsed) => {
            "This link has already been used: the answers to this invitation were received. Thank you."
        }
        (Lang::Id, InvitationExpired) => {
            "Tautan ini sudah kedaluwarsa: survei untuk undangan ini sudah ditutup."
        }
        (Lang::En, InvitationExpired) => {
            "This link has expired: the survey for this invitation is closed."
        }
        (Lang::Id, InvitationNotFound) => {
            "Tautan undangan tidak dikenal. Periksa kembali tautan di email Anda."
        }
        (Lang::En, InvitationNotFound) => {
            "This invitation link is not known. Check the link in your email."
        }
    }
}

/// The saved choice, else the browser's language if it is Indonesian or English, else Indonesian.
pub fn initial_lang() -> Lang {
    if let Some(code) = store::get::<String>(STORAGE_KEY)
        && let Some(lang) = Lang::from_code(&code)
    {
        return lang;
    }
    Lang::Id
}

pub fn remember(lang: Lang) {
    store::set(STORAGE_KEY, lang.code());
    if let Some(root) = gloo_utils_document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.code());
    }
}

fn gloo_utils_document() -> Option<web_sys::Document> {
    web_sys::window().and_then(|w| w.document())
}

/// Both languages of a UI text, for messages stored before the language may change.
pub fn both(key: Key) -> Text {
    Text {
        id: t(Lang::Id, key).to_owned(),
        en: Some(t(Lang::En, key).to_owned()),
    }
}

/// A server message, "Indonesian / English" when it has both, as a `Text`.
pub fn server_text(message: &str) -> Text {
    match message.split_once(" / ") {
        Some((id, en)) => Text::new(id, en),
        None => Text::id_only(message),
    }
}

/// Replaces each `{}` in `template` with the next of `args`.
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut args = args.iter();
    let mut rest = template;
    while let Some(at) = rest.find("{}") {
        out.push_str(&rest[..at]);
        out.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[at + 2..];
    }
    out.push_str(rest);
    out
}

/// `2026-11-27` -> `27/11/2026`.
pub fn date_display(iso: &str) -> String {
    let mut parts = iso.split('-');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(y), Some(m), Some(d)) => {
            let mut out = String::with_capacity(10);
            out.push_str(d);
            out.push('/');
            out.push_str(m);
            out.push('/');
            out.push_str(y);
            out
        }
        _ => iso.to_owned(),
    }
}

/// `2026-11-27T07:05:00+07:00` -> `27/11/2026 07:05 WIB`.
pub fn wib_display(rfc3339: &str) -> String {
    match rfc3339.split_once('T') {
        Some((date, rest)) if date.len() == 10 && rest.get(..5).is_some() => {
            let mut out = date_display(date);
            out.push(' ');
            out.push_str(rest.get(..5).unwrap_or_default());
            out.push_str(" WIB");
            out
        }
        _ => rfc3339.to_owned(),
    }
}
