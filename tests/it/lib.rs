//! The `serap-tests` library: the part of the test harness the benchmarks share with the tests, signing in
//! through the real login endpoint. The rest of the harness is in `helpers/`, compiled into the test binary
//! only.

#[path = "helpers/signed_in.rs"]
pub mod signed_in;

pub use signed_in::SignedIn;
