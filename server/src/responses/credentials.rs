//! One-time credentials for anonymous waves: RSA blind signatures (RFC 9474, RSABSSA-SHA384-PSS-
//! Deterministic, 2048-bit keys).
//!
//! Why: a personal link must prove "invited and not answered yet" without the server ever storing which
//! invitation a response came from, also in storage-engine traces (one transaction
//! touching both an invitation and a response). So the two events are split:
//!
//! 1. **Issuance** (`issue`, `POST /api/v1/invitations/{token}/credential`): the respondent's client makes
//!    a random message, blinds it with the public key of the invitation's (wave, unit) and sends the
//!    blinded message with the token. The server checks the invitation, signs, and records only
//!    `credential_issuances(invitation_id, SHA-256 of the blinded message)`: the invitation was "opened".
//!    The same blinded message again (a retry) gets the same signature (RSA signing is deterministic); a
//!    different one is refused (`credential_already_issued`).
//! 2. **Spending** (`verify` then `responses::submit`, `POST /api/v1/forms/{slug}/responses` with a
//!    `credential` and no token): the client unblinds the signature; the server checks it with the key of
//!    the (wave, unit) answered for and, in the response's own transaction, inserts the SHA-256 of the
//!    message into `spent_credentials` (unique: a second use is `credential_spent`).
//!
//! The blinded message and the unblinded one are unrelated to anyone without the client's blinding factor,
//! so nothing written at issuance names a response and nothing written with a response names an invitation.
//! One key per (wave, unit): the unit is fixed by the invitation and recorded with the response anyway, and a
//! credential cannot be spent for another unit. Keys are created when the unit's first invitee opens their
//! link and kept in `credential_keys`.
//!
//! `client` holds the respondent's steps (blind, finalize) natively, with the crate's client API, for the
//! tests and tools; the browser does the same in `web-client/src/services/credential.rs`.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};

use blind_rsa_signatures::{
    BlindSignature, DefaultRng, Deterministic, KeyPair, PSS, PublicKey, SecretKey, Sha384,
    Signature,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serap_shared::api::{Credential, CredentialIssued, CredentialKey, CredentialRequest};
use uuid::Uuid;
use warp::http::StatusCode;

use crate::entities::{credential_issuance, credential_key, wave};
use crate::error::ApiError;
use crate::invitations::Invited;

pub type Pk = PublicKey<Sha384, PSS, Deterministic>;
pub type Sk = SecretKey<Sha384, PSS, Deterministic>;

/// Modulus size of every credential key.
pub const KEY_BITS: usize = 2048;
const KEY_BYTES: usize = KEY_BITS / 8;
/// Length of a credential's message, in bytes (the client makes 32 random bytes).
const MESSAGE_BYTES: std::ops::RangeInclusive<usize> = 16..=64;

/// Parsed keys by (wave, unit): parsing a DER secret key on every request would cost more than signing.
type Parsed = Arc<(Sk, Pk)>;
fn parsed_keys() -> &'static RwLock<HashMap<(Uuid, Uuid), Parsed>> {
    static KEYS: OnceLock<RwLock<HashMap<(Uuid, Uuid), Parsed>>> = OnceLock::new();
    KEYS.get_or_init(Default::default)
}

pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// SHA-256 of bytes, in hex (spent credentials are stored as the hash of their message).
pub fn sha256_hex_bytes(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    to_hex(&Sha256::digest(bytes))
}

/// A big-endian number without its leading zero bytes (the exponent comes padded to a whole limb).
fn significant(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    &bytes[start..]
}

fn coded(status: StatusCode, code: &'static str, message: &str) -> ApiError {
    ApiError::Coded {
        status,
        code,
        message: message.into(),
    }
}

pub fn invalid() -> ApiError {
    coded(
        StatusCode::UNPROCESSABLE_ENTITY,
        "credential_invalid",
        "Kredensial tidak sah untuk survei dan unit ini / The credential is not valid for this survey and unit",
    )
}

pub fn spent() -> ApiError {
    coded(
        StatusCode::CONFLICT,
        "credential_spent",
        "Kredensial ini sudah dipakai untuk mengisi survei / This credential has already been used",
    )
}

/// The key of (wave, unit), created (and stored) if it does not exist yet. Concurrent creators race on the
/// primary key; the loser reads the winner's key.
pub async fn key_for<C: ConnectionTrait>(
    db: &C,
    wave_id: Uuid,
    unit_id: Uuid,
) -> Result<credential_key::Model, ApiError> {
    if let Some(found) = credential_key::Entity::find_by_id((wave_id, unit_id))
        .one(db)
        .await?
    {
        return Ok(found);
    }
    let generated = tokio::task::spawn_blocking(|| {
        KeyPair::<Sha384, PSS, Deterministic>::generate(&mut DefaultRng, KEY_BITS)
    })
    .await
    .map_err(|e| anyhow::anyhow!("key generation task: {e}"))?
    .map_err(|e| anyhow::anyhow!("generating a credential key: {e}"))?;
    let secret = generated
        .sk
        .to_der()
        .map_err(|e| anyhow::anyhow!("encoding a credential key: {e}"))?;
    let components = generated.pk.components();
    credential_key::Entity::insert(credential_key::ActiveModel {
        wave_id: Set(wave_id),
        unit_id: Set(unit_id),
        secret_key: Set(to_hex(&secret)),
        modulus: Set(to_hex(significant(&components.n()))),
        exponent: Set(to_hex(significant(&components.e()))),
    })
    .on_conflict(
        OnConflict::columns([
            credential_key::Column::WaveId,
            credential_key::Column::UnitId,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    credential_key::Entity::find_by_id((wave_id, unit_id))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("credential key not stored").into())
}

/// The public half of a key, as the client gets it.
pub fn public(key: &credential_key::Model) -> CredentialKey {
    CredentialKey {
        modulus: key.modulus.clone(),
        exponent: key.exponent.clone(),
    }
}

fn parse(key: &credential_key::Model) -> Result<Parsed, ApiError> {
    let id = (key.wave_id, key.unit_id);
    if let Some(found) = parsed_keys()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(&id)
    {
        return Ok(found.clone());
    }
    let der = from_hex(&key.secret_key).ok_or_else(|| anyhow::anyhow!("stored key is not hex"))?;
    let sk = Sk::from_der(&der).map_err(|e| anyhow::anyhow!("stored credential key: {e}"))?;
    let pk = sk
        .public_key()
        .map_err(|e| anyhow::anyhow!("stored credential key: {e}"))?;
    let parsed = Arc::new((sk, pk));
    let mut keys = parsed_keys().write().unwrap_or_else(|e| e.into_inner());
    if keys.len() > 10_000 {
        keys.clear();
    }
    keys.insert(id, parsed.clone());
    Ok(parsed)
}

/// Issues the credential of an invitation of an anonymous wave (see the module documentation). The caller
/// checked that the link is usable and the wave open.
pub async fn issue(
    db: &sea_orm::DatabaseConnection,
    invited: &Invited,
    request: &CredentialRequest,
) -> Result<CredentialIssued, ApiError> {
    let blinded = from_hex(request.blinded_message.trim())
        .filter(|b| b.len() == KEY_BYTES)
        .ok_or_else(|| {
            ApiError::validation(vec![serap_shared::error::FieldError::new(
                "blinded_message",
                "Harus 256 bita dalam heksadesimal / Must be 256 bytes in hex",
            )])
        })?;
    let blind_hash = sha256_hex_bytes(&blinded);
    let already = credential_issuance::Entity::find_by_id(invited.invitation.id)
        .one(db)
        .await?;
    if let Some(found) = &already
        && found.blind_message_hash != blind_hash
    {
        return Err(already_issued());
    }
    let key = key_for(db, invited.wave.id, invited.invitation.unit_id).await?;
    let parsed = parse(&key)?;
    let signature = tokio::task::spawn_blocking(move || parsed.0.blind_sign(&blinded))
        .await
        .map_err(|e| anyhow::anyhow!("signing task: {e}"))?
        // A blinded message not below the modulus.
        .map_err(|_| {
            ApiError::validation(vec![serap_shared::error::FieldError::new(
                "blinded_message",
                "Pesan tersamar tidak sah untuk kunci ini / Not a valid blinded message for this key",
            )])
        })?;
    if already.is_none() {
        // Recorded before the signature leaves: an issuance that was not recorded never reaches the client.
        // Concurrent first requests race on the primary key; a loser with another message is refused.
        let inserted = credential_issuance::Entity::insert(credential_issuance::ActiveModel {
            invitation_id: Set(invited.invitation.id),
            blind_message_hash: Set(blind_hash.clone()),
        })
        .on_conflict(
            OnConflict::column(credential_issuance::Column::InvitationId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            let winner = credential_issuance::Entity::find_by_id(invited.invitation.id)
                .one(db)
                .await?;
            if winner.is_none_or(|w| w.blind_message_hash != blind_hash) {
                return Err(already_issued());
            }
        }
    }
    Ok(CredentialIssued {
        blind_signature: to_hex(&signature),
    })
}

fn already_issued() -> ApiError {
    coded(
        StatusCode::CONFLICT,
        "credential_already_issued",
        "Tautan ini sudah dibuka di perangkat lain; lanjutkan di perangkat itu / This link was already opened on another device; continue there",
    )
}

/// Checks `credential` for (wave, unit) and returns the SHA-256 (hex) of its message, to be inserted into
/// `spent_credentials` in the response's transaction.
pub async fn verify<C: ConnectionTrait>(
    db: &C,
    wave: &wave::Model,
    unit_id: Uuid,
    credential: &Credential,
) -> Result<String, ApiError> {
    let message = from_hex(credential.message.trim())
        .filter(|m| MESSAGE_BYTES.contains(&m.len()))
        .ok_or_else(invalid)?;
    let signature = from_hex(credential.signature.trim())
        .filter(|s| s.len() == KEY_BYTES)
        .ok_or_else(invalid)?;
    // No key: nobody of this unit was ever issued a credential.
    let key = credential_key::Entity::find_by_id((wave.id, unit_id))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    let parsed = parse(&key)?;
    let checked = message.clone();
    tokio::task::spawn_blocking(move || parsed.1.verify(&Signature(signature), None, &checked))
        .await
        .map_err(|e| anyhow::anyhow!("verifying task: {e}"))?
        .map_err(|_| invalid())?;
    Ok(sha256_hex_bytes(&message))
}

/// The respondent's side, natively (the crate's client API): what the browser does in
/// `web-client/src/services/credential.rs`.
pub mod client {
    use super::*;
    use blind_rsa_signatures::BlindingResult;

    /// A message blinded for a key, and what the client keeps to finalize it.
    pub struct Blinded {
        pub message: Vec<u8>,
        pub blinded_message: String,
        result: BlindingResult,
        key: Pk,
    }

    /// PKCS#1 `RSAPublicKey` DER of a modulus and an exponent (big-endian).
    fn pkcs1_der(n: &[u8], e: &[u8]) -> Vec<u8> {
        fn len(out: &mut Vec<u8>, n: usize) {
            if n < 128 {
                out.push(n as u8);
            } else if n < 256 {
                out.extend([0x81, n as u8]);
            } else {
                out.extend([0x82, (n >> 8) as u8, n as u8]);
            }
        }
        fn integer(out: &mut Vec<u8>, v: &[u8]) {
            let v: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
            let pad = v.first().is_none_or(|b| *b >= 0x80);
            out.push(0x02);
            len(out, v.len() + usize::from(pad));
            if pad {
                out.push(0);
            }
            out.extend(v);
        }
        let mut body = Vec::new();
        integer(&mut body, n);
        integer(&mut body, e);
        let mut out = vec![0x30];
        len(&mut out, body.len());
        out.extend(body);
        out
    }

    pub fn public_key(key: &CredentialKey) -> anyhow::Result<Pk> {
        let n = from_hex(&key.modulus).ok_or_else(|| anyhow::anyhow!("modulus is not hex"))?;
        let e = from_hex(&key.exponent).ok_or_else(|| anyhow::anyhow!("exponent is not hex"))?;
        Pk::from_der(&pkcs1_der(&n, &e)).map_err(|e| anyhow::anyhow!("public key: {e}"))
    }

    /// A fresh random 32-byte message blinded for `key`.
    pub fn blind(key: &CredentialKey) -> anyhow::Result<Blinded> {
        let key = public_key(key)?;
        let message = Uuid::new_v4()
            .as_bytes()
            .iter()
            .chain(Uuid::new_v4().as_bytes())
            .copied()
            .collect::<Vec<u8>>();
        let result = key
            .blind(&mut DefaultRng, &message)
            .map_err(|e| anyhow::anyhow!("blinding: {e}"))?;
        Ok(Blinded {
            message,
            blinded_message: to_hex(&result.blind_message),
            result,
            key,
        })
    }

    /// Unblinds and checks the server's blind signature: the credential to submit.
    pub fn finalize(blinded: &Blinded, issued: &CredentialIssued) -> anyhow::Result<Credential> {
        let blind_signature = from_hex(&issued.blind_signature)
            .ok_or_else(|| anyhow::anyhow!("blind signature is not hex"))?;
        let signature = blinded
            .key
            .finalize(
                &BlindSignature(blind_signature),
                &blinded.result,
                &blinded.message,
            )
            .map_err(|e| anyhow::anyhow!("finalizing: {e}"))?;
        Ok(Credential {
            message: to_hex(&blinded.message),
            signature: to_hex(&signature),
        })
    }
}
