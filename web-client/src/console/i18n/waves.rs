//! Survey waves: invitations, the audience, reminders and response rates.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        WavesTitle => ("Gelombang survei", "Survey waves"),
        NoWaves => ("Belum ada gelombang survei.", "No survey waves yet."),
        Anonymous => ("anonim", "anonymous"),
        Confidential => ("rahasia", "confidential"),
        Identified => ("teridentifikasi", "identified"),
        AllWaves => ("← Semua gelombang", "← All waves"),
        WaveNotFound => ("Gelombang ini tidak ditemukan.", "This wave was not found."),
        Invitations => ("Undangan", "Invitations"),
        InvitedTotal => ("{} orang diundang.", "{} people invited."),
        ByAnswer => ("Jawaban", "Answers"),
        ByDelivery => ("Pengiriman email", "Email delivery"),
        StateOpen => ("Belum menjawab", "Not answered"),
        StateAnswered => ("Sudah menjawab", "Answered"),
        StateExpired => ("Kedaluwarsa", "Expired"),
        StateOpened => ("Sudah membuka", "Opened"),
        StateNotOpened => ("Belum membuka", "Not opened"),
        ByOpening => ("Pembukaan undangan", "Invitations opened"),
        OpenedColumn => ("Undangan", "Invitation"),
        AnonymousInvitationsNotice => (
            "Survei ini anonim: server mengetahui siapa yang sudah membuka undangannya, bukan siapa yang sudah menjawab. Pengingat dikirim kepada yang belum membuka undangan.",
            "This survey is anonymous: the server knows who opened their invitation, not who answered. Reminders go to those who have not opened their invitation.",
        ),
        OpenLinkClosed => (
            "Tautan terbuka ditutup karena survei ini memiliki undangan pribadi: jawaban hanya diterima melalui tautan undangan.",
            "The open link is closed because this survey has personal invitations: responses come only through invitation links.",
        ),
        OpenLinkWarning => (
            "Perhatian: tautan terbuka survei ini tetap menerima jawaban. Siapa pun yang memiliki tautan dapat menambahkan jawaban untuk unit mana pun, sehingga ambang pelaporan melemah.",
            "Warning: this survey's open link still accepts responses. Anyone with the link can add responses to any unit, which weakens the reporting threshold.",
        ),
        AllowOpenLink => (
            "Tetap terima jawaban lewat tautan terbuka",
            "Keep accepting responses through the open link",
        ),
        CloseOpenLink => ("Tutup tautan terbuka", "Close the open link"),
        InvitePeople => ("Undang peserta", "Invite people"),
        InviteHelp => (
            "Pilih unit dan/atau pegawai. Setiap orang menerima tautan pribadi lewat email; yang sudah diundang tidak diundang lagi.",
            "Choose units and/or people. Each person gets a personal link by email; people already invited are not invited again.",
        ),
        Units => ("Unit kerja", "Units"),
        SubtreeNote => (
            "Memilih unit berarti juga semua unit di bawahnya.",
            "Choosing a unit includes every unit below it.",
        ),
        People => ("Pegawai", "People"),
        FindPeople => ("Cari pegawai", "Find people"),
        NoEmail => ("tanpa email", "no email"),
        ChooseAudience => (
            "Pilih minimal satu unit atau pegawai.",
            "Choose at least one unit or person.",
        ),
        SendInvitations => (
            "Kirim undangan ({} dipilih)",
            "Send invitations ({} chosen)",
        ),
        InviteResult => (
            "{} orang diundang; {} sudah diundang sebelumnya.",
            "{} people invited; {} were invited before.",
        ),
        WithoutEmail => (
            "{} orang tidak diundang karena tidak punya email:",
            "{} people were not invited for lack of an email address:",
        ),
        Reminders => ("Pengingat", "Reminders"),
        RemindersHelp => (
            "Pengingat dikirim ke yang belum menjawab, setiap selang waktu tertentu setelah undangan atau pengingat sebelumnya.",
            "Reminders go to those who have not answered, at an interval after the invitation or the previous reminder.",
        ),
        IntervalHours => ("Selang (jam, 1–720)", "Interval (hours, 1–720)"),
        MaxReminders => (
            "Pengingat maksimal per orang (0–10)",
            "Most reminders per person (0–10)",
        ),
        IntervalRange => (
            "Selang harus 1 sampai 720 jam.",
            "The interval must be 1 to 720 hours.",
        ),
        MaxRange => (
            "Jumlah pengingat harus 0 sampai 10.",
            "The number of reminders must be 0 to 10.",
        ),
        SavePolicy => ("Simpan aturan pengingat", "Save the reminder policy"),
        Saved => ("Tersimpan.", "Saved."),
        SendRemindersNow => ("Kirim pengingat sekarang", "Send reminders now"),
        RemindersQueued => (
            "{} pengingat masuk antrean pengiriman.",
            "{} reminders queued for sending.",
        ),
        ResponseRates => ("Tingkat respons per unit", "Response rate per unit"),
        NoInvitationsYet => ("Belum ada undangan.", "No invitations yet."),
        Invited => ("Diundang", "Invited"),
        Answered => ("Menjawab", "Answered"),
        Rate => ("Tingkat", "Rate"),
        InvitationList => ("Daftar undangan", "Invitations sent"),
        ShowState => ("Tampilkan", "Show"),
        All => ("Semua", "All"),
        Answer => ("Jawaban", "Answer"),
        Delivery => ("Email", "Email"),
        RemindersSent => ("Pengingat", "Reminders"),
        ViewReport => ("Lihat laporan", "View the report"),
        _ => return None,
    })
}
