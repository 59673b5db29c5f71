//! Email digests to leaders: subscriptions, previews and failed deliveries.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        DigestsTitle => ("Ringkasan email", "Email digests"),
        DigestsLead => (
            "Pimpinan menerima ringkasan hasil survei lewat email, harian, mingguan (Senin 07.00 WIB) atau saat survei ditutup.",
            "Leaders receive survey summaries by email: daily, weekly (Mondays 07:00 WIB) or when a survey closes.",
        ),
        DigestSubscriptions => ("Langganan", "Subscriptions"),
        NoDigests => (
            "Belum ada langganan ringkasan.",
            "No digest subscriptions yet.",
        ),
        DigestWholeCity => ("Seluruh Kota Serang", "All of Kota Serang"),
        DigestActive => ("Aktif", "Active"),
        DigestUnsubscribed => ("Berhenti berlangganan", "Unsubscribed"),
        DigestScope => ("Cakupan", "Scope"),
        DigestCadences => ("Jadwal", "Cadence"),
        DigestLanguage => ("Bahasa", "Language"),
        DigestLastSent => ("Terakhir dikirim", "Last sent"),
        DigestNotYet => ("Belum pernah", "Not yet"),
        DigestNothingToSend => ("tidak ada yang dilaporkan", "nothing to report"),
        DigestFailures => ("Pengiriman gagal", "Failed deliveries"),
        Preview => ("Pratinjau", "Preview"),
        PreviewFor => ("Pratinjau ringkasan untuk {}", "Preview the digest for {}"),
        CadenceDaily => ("Setiap hari pukul 07.00 WIB", "Daily at 07:00 WIB"),
        CadenceWeekly => ("Setiap Senin pukul 07.00 WIB", "Mondays at 07:00 WIB"),
        CadenceWaveClosed => ("Saat survei ditutup", "When a survey closes"),
        NewDigest => ("Tambah langganan", "Add a subscription"),
        DigestUnits => (
            "Kode unit kerja (kosong: seluruh Kota Serang)",
            "Unit codes (empty: all of Kota Serang)",
        ),
        DigestLeaderAccount => ("Akun pemimpin (opsional)", "Leader account (optional)"),
        DigestLeaderAccountHelp => (
            "Dengan akun, email dan nama boleh kosong: dipakai milik akun, dan cakupan mengikuti peran pemimpinnya.",
            "With an account, email and name may stay empty: the account's are used, and the scope follows its leader role.",
        ),
        DigestNoAccount => (
            "— tanpa akun: isi email dan nama —",
            "— no account: fill in email and name —",
        ),
        DigestUnitsHelp => (
            "Pisahkan dengan koma. Setiap unit mencakup unit di bawahnya.",
            "Separate with commas. Each unit includes the units below it.",
        ),
        DigestPickUnit => ("Pilih dari daftar unit", "Pick from the unit list"),
        DigestChooseUnit => ("— pilih unit —", "— choose a unit —"),
        DigestAddUnit => ("Tambahkan unit", "Add unit"),
        DigestSubscribe => ("Simpan langganan", "Save subscription"),
        DigestCreated => ("Langganan untuk {} disimpan.", "Subscription for {} saved."),
        FailedDigests => ("Email ringkasan yang gagal", "Failed digest emails"),
        NoFailedDigests => (
            "Tidak ada email ringkasan yang gagal.",
            "No failed digest emails.",
        ),
        DigestAttempts => ("{} kali dicoba", "{} attempts"),
        RetryDigest => ("Kirim ulang", "Retry"),
        RetryDigestFor => ("Kirim ulang ringkasan ke {}", "Retry the digest to {}"),
        DigestRequeued => (
            "Email dimasukkan lagi ke antrean kirim.",
            "The email is queued again.",
        ),
        _ => return None,
    })
}
