//! Signing in, and setting a new password after a forgotten one.

use super::{Key, Texts};

/// The keys of this part of the console: `(Indonesian, English)`.
pub(super) fn texts(key: Key) -> Option<Texts> {
    use Key::*;
    Some(match key {
        LoginTitle => ("Masuk ke konsol", "Sign in to the console"),
        LoginLead => (
            "Untuk admin, pengelola unit, pimpinan, dan peninjau Serap.",
            "For Serap admins, unit managers, leaders and viewers.",
        ),
        Password => ("Kata sandi", "Password"),
        SignIn => ("Masuk", "Sign in"),
        SigningIn => ("Memeriksa…", "Checking…"),
        WrongCredentials => ("Email atau kata sandi salah.", "Wrong email or password."),
        ForgotLink => ("Lupa kata sandi?", "Forgot your password?"),
        ForgotTitle => ("Lupa kata sandi", "Forgotten password"),
        ForgotLead => (
            "Masukkan email akun Anda. Kami akan mengirim tautan untuk membuat kata sandi baru.",
            "Enter your account's email. We will send a link to set a new password.",
        ),
        ForgotSent => (
            "Jika ada akun dengan email tersebut, tautan untuk mengganti kata sandi sudah dikirim. Periksa kotak masuk (dan folder spam) Anda.",
            "If an account exists for that email, a link to reset the password was sent. Check your inbox (and spam folder).",
        ),
        SendLink => ("Kirim tautan", "Send the link"),
        EmailInvalid => (
            "Masukkan alamat email yang valid.",
            "Enter a valid email address.",
        ),
        BackToLogin => ("Kembali ke halaman masuk", "Back to sign in"),
        ResetTitle => ("Buat kata sandi baru", "Set a new password"),
        ResetLead => (
            "Ketik kata sandi baru dua kali.",
            "Type the new password twice.",
        ),
        NewPassword => ("Kata sandi baru", "New password"),
        ConfirmPassword => ("Ulangi kata sandi baru", "Repeat the new password"),
        PasswordMismatch => ("Kedua kata sandi tidak sama.", "The two passwords differ."),
        SavePassword => ("Simpan kata sandi", "Save the password"),
        RequestNewLink => ("Minta tautan baru", "Ask for a new link"),
        PasswordChanged => (
            "Kata sandi sudah diganti. Silakan masuk dengan kata sandi baru.",
            "Your password was changed. Sign in with the new password.",
        ),
        _ => return None,
    })
}
