//! Signed links: a subscription's manage link `/d/<id>/<signature>`, an HMAC-SHA256 of its id with the
//! server's secret.

use hmac::{Hmac, Mac};
use secrecy::ExposeSecret;
use sha2::Sha256;
use uuid::Uuid;

use crate::state::AppState;

pub(super) fn mac(secret: &str, id: Uuid) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(b"digest:");
    mac.update(id.as_hyphenated().to_string().as_bytes());
    mac
}

/// The signature in a subscription's manage link: hex HMAC-SHA256 of its id.
pub fn sign(secret: &str, id: Uuid) -> String {
    let bytes = mac(secret, id).finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `signature` is the one of `id` (constant time).
pub fn verify(secret: &str, id: Uuid, signature: &str) -> bool {
    if signature.len() != 64 {
        return false;
    }
    let bytes: Option<Vec<u8>> = (0..32)
        .map(|i| u8::from_str_radix(signature.get(2 * i..2 * i + 2)?, 16).ok())
        .collect();
    match bytes {
        Some(bytes) => mac(secret, id).verify_slice(&bytes).is_ok(),
        None => false,
    }
}

pub(super) fn secret_of(state: &AppState) -> &str {
    state.link_secret.expose_secret()
}

/// The manage (and unsubscribe) link of a subscription.
pub fn manage_link(state: &AppState, id: Uuid) -> String {
    format!(
        "{}/d/{id}/{}",
        state.settings.base_url,
        sign(secret_of(state), id)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_verify_only_their_id() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let sig = sign("secret", a);
        assert!(verify("secret", a, &sig));
        assert!(!verify("secret", b, &sig));
        assert!(!verify("other", a, &sig));
        assert!(!verify("secret", a, &sig[..63]));
        assert!(!verify("secret", a, "zz"));
    }
}
