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
    let mut out = "0".repeat(width.saturating_sub(digits.len()));
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

/// `base^exp mod n` (square and multiply; `exp` is the public exponent, a few bits).
fn mod_pow(base: &BigInt, exp: &BigInt, n: &BigInt) -> BigInt {
    let zero = BigInt::from(0u32);
    let one = BigInt::from(1u32);
    let mut result = one.clone();
    let mut b = base % n;
    let mut e = exp.clone();
    while e != zero {
        if (&e & &one) == one {
            result = &(&result * &b) % n;
        }
        b = &(&b * &b) % n;
        e = &e >> &one;
    }
    result
}

/// `a^-1 mod n` by the extended Euclidean algorithm, if `a` is invertible.
fn mod_inverse(a: &BigInt, n: &BigInt) -> Option<BigInt> {
    let zero = BigInt::from(0u32);
    let (mut t, mut new_t) = (zero.clone(), BigInt::from(1u32));
    let (mut r, mut new_r) = (n.clone(), a % n);
    while new_r != zero {
        let q = &r / &new_r;
        let next_t = &t - &(&q * &new_t);
        t = std::mem::replace(&mut new_t, next_t);
        let next_r = &r - &(&q * &new_r);
        r = std::mem::replace(&mut new_r, next_r);
    }
    (r == 1u32).then(|| &(&(&t % n) + n) % n)
}

/// EMSA-PSS-ENCODE (RFC 8017 9.1.1) of `message` for a 2048-bit modulus: emBits 2047, emLen 256.
async fn pss_encode(message: &[u8], em_len: usize) -> Option<Vec<u8>> {
    let salt = random(HASH_LEN)?;
    let mut prefixed = vec![0u8; 8];
    prefixed.extend(sha384(message).await?);
    prefixed.extend(&salt);
    let h = sha384(&prefixed).await?;
    let db_len = em_len - HASH_LEN - 1;
    let mut db = vec![0u8; db_len - HASH_LEN - 1];
    db.push(1);
    db.extend(&salt);
    // MGF1-SHA-384 over H, XORed into DB.
    let mut counter = 0u32;
    let mut at = 0;
    while at < db_len {
        let mut seed = h.clone();
        seed.extend(counter.to_be_bytes());
        for b in sha384(&seed).await? {
            if at < db_len {
                db[at] ^= b;
                at += 1;
            }
        }
        counter += 1;
    }
    db[0] &= 0x7f;
    db.extend(h);
    db.push(0xbc);
    Some(db)
}

/// What a retry needs, kept before the blinded message is sent.
struct Pending {
    message: String,
    blinded: String,
    r_inv: String,
    encoded: String,
}

fn storage_key(token: &str) -> String {
    let mut k = String::from("serap.cred.");
    k.push_str(token);
    k
}

/// The stored state: `[message, blinded, r_inv, encoded]` while pending, `[message, signature]` once done.
fn load(token: &str) -> Vec<String> {
    crate::services::store::get_text(&storage_key(token))
        .map(|t| t.split(',').map(String::from).collect())
        .unwrap_or_default()
}

fn save(token: &str, parts: &[&str]) {
    crate::services::store::set_text(&storage_key(token), &parts.join(","));
}

/// The credential kept for this invitation, if it was obtained on this device.
pub fn stored(token: &str) -> Option<Credential> {
    match load(token).as_slice() {
        [message, signature] => Some(Credential {
            message: message.clone(),
            signature: signature.clone(),
        }),
        _ => None,
    }
}

async fn blind(key: &CredentialKey) -> Option<Pending> {
    let n = big(&key.modulus)?;
    let e = big(&key.exponent)?;
    let width = key.modulus.len();
    let message = random(MESSAGE_LEN)?;
    let encoded = hex(&pss_encode(&message, width / 2).await?);
    let m = big(&encoded)?;
    loop {
        let r = &big(&hex(&random(width / 2)?))? % &n;
        let Some(r_inv) = mod_inverse(&r, &n) else {
            continue;
        };
        let blinded = &(&m * &mod_pow(&r, &e, &n)) % &n;
        return Some(Pending {
            message: hex(&message),
            blinded: to_hex(&blinded, width),
            r_inv: to_hex(&r_inv, width),
            encoded,
        });
    }
}

/// The invitation's credential: the stored one, or a new one from the server (the same blinded message
/// again when an earlier attempt did not finish). `None` from the browser's crypto or a signature that
/// does not check is a `Server` error without a body.
pub async fn obtain(token: &str, key: &CredentialKey) -> Result<Credential, ApiError> {
    if let Some(done) = stored(token) {
        return Ok(done);
    }
    let broken = || ApiError::Server {
        status: 200,
        body: None,
    };
    let pending = match load(token).as_slice() {
        [message, blinded, r_inv, encoded] => Pending {
            message: message.clone(),
            blinded: blinded.clone(),
            r_inv: r_inv.clone(),
            encoded: encoded.clone(),
        },
        _ => {
            let fresh = blind(key).await.ok_or_else(broken)?;
            save(
                token,
                &[&fresh.message, &fresh.blinded, &fresh.r_inv, &fresh.encoded],
            );
            fresh
        }
    };
    let mut path = String::from("/api/v1/invitations/");
    path.push_str(token);
    path.push_str("/credential");
    let request = CredentialRequest {
        blinded_message: pending.blinded.clone(),
    };
    let (_, issued) = api::post_json::<_, CredentialIssued>(&path, &request).await?;
    let (Some(n), Some(e), Some(z), Some(r_inv), Some(m)) = (
        big(&key.modulus),
        big(&key.exponent),
        big(&issued.blind_signature),
        big(&pending.r_inv),
        big(&pending.encoded),
    ) else {
        return Err(broken());
    };
    let s = &(&z * &r_inv) % &n;
    if mod_pow(&s, &e, &n) != m {
        return Err(broken());
    }
    let signature = to_hex(&s, key.modulus.len());
    save(token, &[&pending.message, &signature]);
    Ok(Credential {
        message: pending.message,
        signature,
    })
}
