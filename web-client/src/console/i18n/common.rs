//! The console's frame (skip link, language switch, menu, home page, sign-out), its error messages, and
//! the words several pages use.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        SkipToContent => ("Lompat ke isi", "Skip to content"),
        SwitchLanguage => ("English", "Bahasa Indonesia"),
        SwitchLanguageLabel => (
            "Ganti bahasa ke English",
            "Switch language to Bahasa Indonesia",
        ),
        Console => ("Konsol", "Console"),
        ConsoleTitle => ("Konsol Serap", "Serap console"),
        MenuLabel => ("Menu konsol", "Console menu"),
        Loading => ("Memuat…", "Loading…"),
        Retry => ("Coba lagi", "Try again"),
        NetworkError => (
            "Tidak dapat menghubungi server. Periksa koneksi Anda.",
            "Could not reach the server. Check your connection.",
        ),
        SessionExpired => (
            "Sesi Anda sudah berakhir. Silakan masuk lagi.",
            "Your session has ended. Please sign in again.",
        ),
        Forbidden => (
            "Anda tidak berwenang melakukan ini.",
            "You are not allowed to do this.",
        ),
        NotAvailable => (
            "Belum tersedia di server.",
            "Not available on the server yet.",
        ),
        ServerError => (
            "Server gagal menjawab (kode {}). Coba lagi nanti.",
            "The server failed to answer (status {}). Try again later.",
        ),
        TooManyAttempts => (
            "Terlalu banyak percobaan. Coba lagi dalam {}.",
            "Too many attempts. Try again in {}.",
        ),
        Minutes => ("{} menit", "{} minutes"),
        Seconds => ("{} detik", "{} seconds"),
        NotFoundTitle => ("Halaman tidak ditemukan", "Page not found"),
        NotFoundBody => (
            "Alamat yang Anda buka tidak ada di konsol.",
            "The address you opened does not exist in the console.",
        ),
        BackToConsole => ("Kembali ke beranda konsol", "Back to the console home"),
        AdminOnlyTitle => ("Khusus admin", "Admins only"),
        AdminOnly => (
            "Halaman ini hanya untuk admin. Hubungi admin BKPSDM bila Anda memerlukan akses.",
            "This page is for admins only. Ask a BKPSDM admin if you need access.",
        ),
        Email => ("Email", "Email"),
        PasswordRule => ("Minimal 10 karakter.", "At least 10 characters."),
        PasswordTooShort => (
            "Kata sandi minimal 10 karakter.",
            "The password needs at least 10 characters.",
        ),
        SignedOut => ("Anda sudah keluar.", "You have signed out."),
        SignedInAs => ("Anda masuk sebagai", "Signed in as"),
        YourRoles => ("Peran Anda", "Your roles"),
        NoRoles => ("Belum ada peran.", "No roles yet."),
        SignOut => ("Keluar", "Sign out"),
        Sections => ("Menu", "Sections"),
        NavHome => ("Beranda", "Home"),
        NavPeople => ("Data pegawai", "Staff roster"),
        NavAccounts => ("Akun", "Accounts"),
        NavWaves => ("Gelombang survei", "Survey waves"),
        NavReports => ("Laporan", "Reports"),
        NavDigests => ("Ringkasan email", "Email digests"),
        DigestsAbout => (
            "Ringkasan laporan yang dikirim ke pimpinan lewat email: langganan, pratinjau, pengiriman gagal.",
            "Report digests emailed to leaders: subscriptions, previews, failed deliveries.",
        ),
        PeopleAbout => (
            "Impor daftar pegawai (CSV SIASN) dan lihat daftarnya.",
            "Import the staff roster (SIASN CSV) and see it.",
        ),
        AccountsAbout => (
            "Buat akun dan atur perannya.",
            "Create accounts and set their roles.",
        ),
        WavesAbout => (
            "Undangan, pengingat, dan tingkat respons per gelombang.",
            "Invitations, reminders and response rates per wave.",
        ),
        RoleAdmin => ("Admin", "Admin"),
        RoleManager => ("Pengelola unit", "Unit manager"),
        RoleLeader => ("Pimpinan", "Leader"),
        RoleViewer => ("Peninjau", "Viewer"),
        WholeCity => ("seluruh Kota Serang", "all of Kota Serang"),
        OneUnit => ("satu unit", "one unit"),
        FilterPeopleHint => ("Nama, kode unit, atau email", "Name, unit code or email"),
        Name => ("Nama", "Name"),
        Unit => ("Unit", "Unit"),
        WaveOpen => ("dibuka", "open"),
        WaveClosed => ("ditutup", "closed"),
        DeliveryPending => ("Menunggu", "Pending"),
        DeliverySending => ("Sedang dikirim", "Sending"),
        DeliverySent => ("Terkirim", "Sent"),
        DeliveryFailed => ("Gagal", "Failed"),
        ReportsAbout => (
            "Hasil survei per gelombang: grafik, rincian per unit, dan unduhan.",
            "Survey results per wave: charts, breakdown by unit and downloads.",
        ),
        _ => return None,
    })
}
