//! The one-time credential of an anonymous wave's invitation, in the browser: RSA blind signatures (RFC
//! 9474, RSABSSA-SHA384-PSS-Deterministic) over the browser's `BigInt`, SHA-384 from WebCrypto and
//! randomness from `crypto.getRandomValues` (no bignum crate: the download stays small).
//!
//! `obtain`: a random 32-byte message is encoded with EMSA-PSS (MGF1-SHA-384, 48-byte salt) into `m`,
//! blinded as `m * r^e mod n` with a random `r`, and sent with the token; the server's blind signature `z`
//! is unblinded as `s = z * r^-1 mod n` and checked (`s^e mod n == m`). The message with `s` is the
//! credential, submitted later without the token. What is needed to retry (the blinded message, `r^-1`, `m`)
//! and then the credential are kept in localStorage under `serap.cred.<token>`, so a reload or a lost answer
//! sends the same blinded message again (the server answers a retry with the same signature).

use js_sys::{BigInt, Uint8Array};
use serap_shared::api::{Credential, CredentialIssued, CredentialKey, CredentialRequest};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use crate::services::api::{self, ApiError};

const HASH_LEN: usize = 48;
const MESSAGE_LEN: usize = 32;

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

fn big(hex: &str) -> Option<BigInt> {
    let mut text = String::from("0x0");
    text.push_str(hex);
    BigInt::new(&JsValue::from_str(&text)).ok()
}

/// `x` as `width` hex digits (big-endian, zero-padded).
fn to_hex(x: &BigInt, width: usize) -> String {
    let digits: String = x.to_string(16).map(String::from).unwrap_or_default();
    let mut out = String::with_capacity(width);
    while out.len() + digits.len() < width {
        out.push('0');
    }
    out.push_str(&digits);
    out
}

fn random(len: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}

async fn sha384(data: &[u8]) -> Option<Vec<u8>> {
    let promise = web_sys::window()?
        .crypto()
        .ok()?
        .subtle()
        .digest_with_str_and_u8_array("SHA-384", data)
        .ok()?;
    Some(Uint8Array::new(&JsFuture::from(promise).await.ok()?).to_vec())
}

/// `a * b mod n`: one place for the product (every call to `BigInt` goes through the JS glue).
#[inline(never)]
fn mul_mod(a: &BigInt, b: &BigInt, n: &BigInt) -> BigInt {
    &(a * b) % n
}

/// `x^65537 mod n`: sixteen squarings and a product (the server's keys use e = 65537).
#[inline(never)]
fn pow_e(x: &BigInt, n: &BigInt) -> BigInt {
    let mut y = x % n;
    for _ in 0..16 {
        y = mul_mod(&y, &y, n);
    }
    mul_mod(&y, x, n)
}

/// `a^-1 mod n` by the extended Euclidean algorithm, if `a` is invertible.
#[inline(never)]
fn mod_inverse(a: &BigInt, n: &BigInt) -> Option<BigInt> {
    let (mut t, mut new_t) = (BigInt::from(0u32), BigInt::from(1u32));
    let (mut r, mut new_r) = (n.clone(), a % n);
    while new_r != 0u32 {
        let q = &r / &new_r;
        let next_t = &t - &(&q * &new_t);
        t = std::mem::replace(&mut new_t, next_t);
        let next_r = &r - &(&q * &new_r);
        r = std::mem::replace(&mut new_r, next_r);
    }
    (r == 1u32).then(|| &(&t + n) % n)
}

/// EMSA-PSS-ENCODE (RFC 8017 9.1.1) of `message` for a modulus of `em_len` bytes, a multiple of 8 bits
/// (emBits = modBits - 1, so the top bit is cleared). The digests run in one loop (one await: smaller
/// code): mHash = H(message), H = H(0^8 || mHash || salt), then MGF1(H) block by block into DB.
async fn pss_encode(message: &[u8], em_len: usize) -> Option<Vec<u8>> {
    let salt = random(HASH_LEN)?;
    let db_len = em_len - HASH_LEN - 1;
    let mut db = vec![0u8; db_len - HASH_LEN - 1];
    db.push(1);
    db.extend(&salt);
    let mut input = message.to_vec();
    let mut h = Vec::new();
    let mut at = 0;
    loop {
        let digest = sha384(&input).await?;
        if h.is_empty() && input.len() != 8 + 2 * HASH_LEN {
            // mHash: next, H over the salted M'.
            input = vec![0u8; 8];
            input.extend(digest);
            input.extend(&salt);
        } else if h.is_empty() {
            // H: next, MGF1 with counter 0.
            h = digest;
            input = h.clone();
            input.extend([0u8; 4]);
        } else {
            for b in digest {
                if at < db_len {
                    db[at] ^= b;
                    at += 1;
                }
            }
            if at == db_len {
                break;
            }
            input[HASH_LEN + 3] += 1;
        }
    }
    db[0] &= 0x7f;
    db.extend(h);
    db.push(0xbc);
    Some(db)
}

fn storage_key(token: &str) -> String {
    let mut k = String::from("serap.cred.");
    k.push_str(token);
    k
}

/// What is kept for the invitation, as one string of hex fields: the message (64 digits) then, once done,
/// the signature; while a request may be under way, the blinded message, `r^-1` and the encoded message.
fn load(token: &str) -> String {
    crate::services::store::get_text(&storage_key(token)).unwrap_or_default()
}

/// What is kept once the credential was used: the answers went in from this device.
const SPENT: &str = "spent";

/// Marks the invitation's credential as used (the response is stored).
pub fn mark_spent(token: &str) {
    crate::services::store::set_text(&storage_key(token), SPENT);
}

/// Whether this device already answered with the invitation's credential.
pub fn spent(token: &str) -> bool {
    load(token) == SPENT
}

/// The credential kept for this invitation, if it was obtained on this device.
pub fn stored(token: &str) -> Option<Credential> {
    let kept = load(token);
    (kept.len() == 2 * MESSAGE_LEN + 512).then(|| Credential {
        message: kept[..2 * MESSAGE_LEN].to_string(),
        signature: kept[2 * MESSAGE_LEN..].to_string(),
    })
}

fn broken() -> ApiError {
    ApiError::Server {
        status: 200,
        body: None,
    }
}

/// Blinds the encoded message with a fresh random `r` and keeps what a retry needs: the message, the
/// blinded message, `r^-1` and the encoded message (hex, one string).
#[inline(never)]
fn blind(token: &str, n: &BigInt, width: usize, message: &[u8], encoded: &[u8]) -> Option<String> {
    let m = big(&hex(encoded))?;
    let (r, r_inv) = loop {
        let r = &big(&hex(&random(width / 2)?))? % n;
        if let Some(inv) = mod_inverse(&r, n) {
            break (r, inv);
        }
    };
    let mut kept = hex(message);
    kept.push_str(&to_hex(&mul_mod(&m, &pow_e(&r, n), n), width));
    kept.push_str(&to_hex(&r_inv, width));
    kept.push_str(&hex(encoded));
    crate::services::store::set_text(&storage_key(token), &kept);
    Some(kept)
}

/// Unblinds the blind signature, checks it, and keeps the credential.
#[inline(never)]
fn finish(token: &str, n: &BigInt, width: usize, kept: &str, issued: &str) -> Option<Credential> {
    let fields = &kept[2 * MESSAGE_LEN..];
    let s = mul_mod(&big(issued)?, &big(&fields[width..2 * width])?, n);
    if pow_e(&s, n) != big(&fields[2 * width..])? {
        return None;
    }
    let done = Credential {
        message: kept[..2 * MESSAGE_LEN].to_string(),
        signature: to_hex(&s, width),
    };
    let mut text = done.message.clone();
    text.push_str(&done.signature);
    crate::services::store::set_text(&storage_key(token), &text);
    Some(done)
}

/// The invitation's credential: the stored one, or a new one from the server (the same blinded message
/// again when an earlier attempt did not finish). The browser's crypto failing or a signature that does
/// not check is a `Server` error without a body.
pub async fn obtain(token: &str, key: &CredentialKey) -> Result<Credential, ApiError> {
    if let Some(done) = stored(token) {
        return Ok(done);
    }
    let width = key.modulus.len();
    let n = big(&key.modulus)
        .filter(|_| key.exponent == "010001")
        .ok_or_else(broken)?;
    let mut kept = load(token);
    if kept.len() != 2 * MESSAGE_LEN + 3 * width {
        // Blinded and kept before anything is sent: a retry sends the same blinded message.
        let message = random(MESSAGE_LEN).ok_or_else(broken)?;
        let encoded = pss_encode(&message, width / 2).await.ok_or_else(broken)?;
        kept = blind(token, &n, width, &message, &encoded).ok_or_else(broken)?;
    }
    let mut path = String::from("/api/v1/invitations/");
    path.push_str(token);
    path.push_str("/credential");
    let request = CredentialRequest {
        blinded_message: kept[2 * MESSAGE_LEN..2 * MESSAGE_LEN + width].to_string(),
    };
    let (_, issued) = api::post_json::<_, CredentialIssued>(&path, &request).await?;
    finish(token, &n, width, &kept, &issued.blind_signature).ok_or_else(broken)
}
