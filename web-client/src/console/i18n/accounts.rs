//! User accounts and their roles.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        AccountsTitle => ("Akun pengguna", "User accounts"),
        AccountList => ("Daftar akun", "Accounts"),
        Inactive => ("nonaktif", "inactive"),
        EditRoles => ("Ubah peran", "Change roles"),
        SaveRoles => ("Simpan peran", "Save roles"),
        Cancel => ("Batal", "Cancel"),
        RolesSaved => ("Peran tersimpan.", "Roles saved."),
        RoleN => ("Peran {}", "Role {}"),
        Role => ("Peran", "Role"),
        Scope => ("Cakupan", "Scope"),
        RemoveRole => ("Hapus peran ini", "Remove this role"),
        AddRole => ("Tambah peran", "Add a role"),
        Roles => ("Peran", "Roles"),
        NewAccount => ("Buat akun baru", "New account"),
        InitialPassword => ("Kata sandi awal", "Initial password"),
        NameRequired => ("Nama wajib diisi.", "The name is required."),
        EmailTaken => (
            "Email ini sudah dipakai akun lain.",
            "This email is already used by another account.",
        ),
        CreateAccount => ("Buat akun", "Create the account"),
        AccountCreated => ("Akun {} sudah dibuat.", "Account {} was created."),
        _ => return None,
    })
}
