//! Who is calling and what they may do (docs/design.md invariant 6): the caller of a request (`caller`: the
//! bootstrap admin token, a signed-in account or nobody), signing in and out (`signin`, with the password
//! hashes of `accounts::passwords`), password reset by an emailed one-time link (`reset`), sessions
//! (`sessions`) and the units a caller may see reports of (`scope`). Admin actions are written to the
//! audit log (`infra::audit`). Its HTTP endpoints are in `routes`.

pub mod caller;
pub mod reset;
pub mod routes;
pub mod scope;
pub mod sessions;
pub mod signin;
#[cfg(test)]
pub(crate) mod testing;

pub use caller::{Account, COOKIE, Caller, resolve};
pub use sessions::{ABSOLUTE, IDLE};

use crate::error::ApiError;
use crate::infra::ratelimit::{Decision, Quota};
use crate::state::AppState;

/// One attempt counted against `quota` under `key`: a 429 once the quota is used up.
async fn limited(state: &AppState, key: String, quota: Quota) -> Result<(), ApiError> {
    match state.limiter.check(&key, quota).await {
        Decision::Allowed { .. } => Ok(()),
        Decision::Limited { retry_after } => Err(ApiError::TooManyRequests { retry_after }),
    }
}
