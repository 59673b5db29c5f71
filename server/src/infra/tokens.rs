//! Secrets as text: random tokens for links and sessions, their SHA-256 (what is stored instead of them),
//! and a comparison that takes as long whatever the first differing byte.

use sha2::{Digest, Sha256};
use uuid::Uuid;

/// 256 random bits as 64 hex characters.
pub fn random_token() -> String {
    format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple())
}

/// SHA-256 of `text`, in lower-case hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `a` and `b` are equal, in a time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_64_hex_characters_and_hash_as_sha256() {
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert!(token.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(token, random_token());
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn compares_whole_values() {
        assert!(constant_time_eq(b"rahasia", b"rahasia"));
        assert!(!constant_time_eq(b"rahasia", b"rahasiA"));
        assert!(!constant_time_eq(b"rahasia", b"rahasia-panjang"));
        assert!(constant_time_eq(b"", b""));
    }
}
