//! The runner of Serap's fuzz targets (feature `fuzzing`, for tests only): proptest inputs for a bounded
//! wall-clock time instead of a fixed number of cases, so CI can give each target a time budget. Targets:
//! `shared/tests/fuzz/` (survey definitions, responses, NIPs) and the server's roster CSV import
//! (`server/src/infra/csv/fuzz.rs`).

use std::fmt::Debug;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::Strategy;
use proptest::test_runner::{Config, RngSeed, TestCaseResult, TestError, TestRunner};

/// Runs `test` on inputs drawn from `strategy` until `SERAP_FUZZ_SECONDS` have passed (default 3; at
/// least one case). `SERAP_FUZZ_SEED=<seed>` replays a run.
/// A failing input is shrunk and reported with the seed to replay it.
pub fn fuzz<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: Debug,
{
    let seconds: f64 = std::env::var("SERAP_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .filter(|s: &f64| s.is_finite() && *s >= 0.0)
        .unwrap_or(3.0);
    let seed: u64 = std::env::var("SERAP_FUZZ_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64)
        });
    let config = Config {
        failure_persistence: None,
        // Shrinking a failure may take a while, but not forever.
        max_shrink_time: 120_000,
        rng_seed: RngSeed::Fixed(seed),
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let budget = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut cases = 0u64;
    while cases == 0 || start.elapsed() < budget {
        let tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|why| panic!("{name}: no input generated: {why}"));
        match runner.run_one(tree, &test) {
            Ok(_) => cases += 1,
            Err(TestError::Fail(why, input)) => panic!(
                "{name} failed after {cases} cases: {why}\nminimal input: {input:#?}\n\
                 replay with SERAP_FUZZ_SEED={seed}"
            ),
            Err(TestError::Abort(why)) => panic!("{name} aborted: {why} (SERAP_FUZZ_SEED={seed})"),
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    eprintln!(
        "{name}: {cases} cases in {elapsed:.1} s ({:.0}/s), SERAP_FUZZ_SEED={seed}",
        cases as f64 / elapsed.max(1e-9)
    );
}
