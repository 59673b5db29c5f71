//! The staff roster: the CSV import with its dry run, and the list.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        PeopleTitle => ("Data pegawai", "Staff roster"),
        ImportTitle => ("Impor daftar pegawai (CSV)", "Import the roster (CSV)"),
        ImportHelp => (
            "Kolom: NIP, Nama, Email, Kode Unit, Jabatan, Jenis Pegawai, Golongan (ekspor SIASN, pemisah ; atau ,). Pegawai dicocokkan dengan NIP.",
            "Columns: NIP, Name, Email, Unit code, Job level, Employment type, Grade (SIASN export, ; or , separated). People are matched by NIP.",
        ),
        ChooseCsv => ("Pilih berkas CSV", "Choose a CSV file"),
        ImportDryRunNote => (
            "Berkas diperiksa dulu tanpa menyimpan apa pun.",
            "The file is checked first; nothing is saved.",
        ),
        Checking => ("Memeriksa berkas…", "Checking the file…"),
        DryRunSummary => (
            "Hasil pemeriksaan: {} baru, {} diperbarui, {} tetap, {} ditolak.",
            "Check result: {} new, {} updated, {} unchanged, {} rejected.",
        ),
        ImportSummary => (
            "Hasil impor: {} baru, {} diperbarui, {} tetap, {} ditolak.",
            "Import result: {} new, {} updated, {} unchanged, {} rejected.",
        ),
        ImportTableCaption => (
            "Apa yang terjadi pada tiap baris berkas",
            "What happens to each row of the file",
        ),
        Line => ("Baris", "Line"),
        RowName => ("Nama", "Name"),
        Action => ("Tindakan", "Action"),
        Problems => ("Masalah", "Problems"),
        ActionCreate => ("Baru", "New"),
        ActionUpdate => ("Diperbarui", "Updated"),
        ActionUnchanged => ("Tetap", "Unchanged"),
        ActionRejected => ("Ditolak", "Rejected"),
        ImportBlocked => (
            "Ada baris yang ditolak. Impor hanya dilakukan bila semua baris benar: perbaiki berkas, lalu pilih atau periksa lagi.",
            "Some rows are rejected. The import happens only when every row is right: fix the file, then choose or check it again.",
        ),
        ImportReady => (
            "Semua baris benar. Tekan Impor untuk menyimpan.",
            "Every row is right. Press Import to save.",
        ),
        Import => ("Impor", "Import"),
        CheckAgain => ("Periksa lagi", "Check again"),
        ImportDone => ("Impor selesai.", "Import done."),
        PeopleList => ("Daftar pegawai", "People on the roster"),
        PeopleCount => ("{} pegawai terdaftar.", "{} people on the roster."),
        Filter => ("Cari", "Search"),
        ShowingOf => (
            "Menampilkan {} dari {}. Persempit pencarian.",
            "Showing {} of {}. Narrow the search.",
        ),
        JobLevel => ("Jabatan", "Job level"),
        _ => return None,
    })
}
