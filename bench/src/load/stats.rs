//! What the load measures: latencies and errors per request type in the measured window, the live
//! streams' events, and CPU time by kind of process (from /proc).

use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The measured window: requests started inside it are counted.
#[derive(Clone, Copy)]
pub(super) struct Window {
    pub(super) from: Instant,
    pub(super) to: Instant,
}

impl Window {
    fn counts(&self, started: Instant) -> bool {
        started >= self.from && started < self.to
    }
}

/// Latencies of the successful requests of one kind in the window, and its errors.
#[derive(Default)]
pub(super) struct Samples {
    latencies: Vec<Duration>,
    errors: u64,
    first_error: Option<String>,
}

impl Samples {
    pub(super) fn record(
        &mut self,
        window: &Window,
        started: Instant,
        outcome: Result<(), String>,
    ) {
        if !window.counts(started) {
            return;
        }
        match outcome {
            Ok(()) => self.latencies.push(started.elapsed()),
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    pub(super) fn merge(&mut self, other: Samples) {
        self.latencies.extend(other.latencies);
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    pub(super) fn figures(&mut self, seconds: f64) -> Value {
        self.latencies.sort();
        let count = self.latencies.len() as u64 + self.errors;
        let ms = |p: f64| {
            percentile(&self.latencies, p)
                .map(|d| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0)
        };
        json!({
            "count": count,
            "per_s": round1(count as f64 / seconds),
            "p50_ms": ms(0.50),
            "p99_ms": ms(0.99),
            "errors": self.errors,
            "error_rate": if count == 0 { 0.0 } else { self.errors as f64 / count as f64 },
            "first_error": self.first_error,
        })
    }
}

/// Rounded to one decimal.
pub(super) fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The `p` quantile of sorted durations (nearest rank, as the other benches).
pub(super) fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)])
}

/// What happened to the managers' live streams.
#[derive(Default)]
pub(super) struct StreamStats {
    pub(super) opened: u64,
    pub(super) failed: u64,
    /// Streams the server ended before the run did.
    pub(super) dropped: u64,
    pub(super) held_at_end: u64,
    pub(super) ready: u64,
    pub(super) updated: u64,
}

impl StreamStats {
    fn merge(&mut self, o: StreamStats) {
        self.opened += o.opened;
        self.failed += o.failed;
        self.dropped += o.dropped;
        self.held_at_end += o.held_at_end;
        self.ready += o.ready;
        self.updated += o.updated;
    }
}

/// Everything one client saw.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) form: Samples,
    pub(super) submit: Samples,
    pub(super) report: Samples,
    pub(super) streams: StreamStats,
}

impl Tally {
    pub(super) fn merge(&mut self, o: Tally) {
        self.form.merge(o.form);
        self.submit.merge(o.submit);
        self.report.merge(o.report);
        self.streams.merge(o.streams);
    }
}

/// CPU time (seconds) by kind of process, and the machine's busy and total time, from /proc (Linux).
#[derive(Default, Clone)]
pub(super) struct Cpu {
    machine_busy: f64,
    machine_total: f64,
    bench: f64,
    servers: f64,
    postgres: f64,
    redis: f64,
}

const TICKS_PER_S: f64 = 100.0;

impl Cpu {
    /// `servers`: the server processes' ids; without them, every process named `serap-server`.
    pub(super) fn now(servers: Option<&[u32]>) -> Cpu {
        let mut cpu = Cpu::default();
        if let Ok(stat) = std::fs::read_to_string("/proc/stat")
            && let Some(line) = stat.lines().next()
        {
            let fields: Vec<f64> = line
                .split_whitespace()
                .skip(1)
                .filter_map(|f| f.parse().ok())
                .collect();
            let total: f64 = fields.iter().take(8).sum();
            let idle =
                fields.get(3).copied().unwrap_or(0.0) + fields.get(4).copied().unwrap_or(0.0);
            cpu.machine_total = total / TICKS_PER_S;
            cpu.machine_busy = (total - idle) / TICKS_PER_S;
        }
        let me = std::process::id().to_string();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return cpu;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
                continue;
            };
            let comm = &stat[open + 1..close];
            let rest: Vec<&str> = stat[close + 1..].split_whitespace().collect();
            // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the command.
            let used = rest
                .get(11)
                .zip(rest.get(12))
                .and_then(|(u, s)| Some(u.parse::<f64>().ok()? + s.parse::<f64>().ok()?))
                .unwrap_or(0.0)
                / TICKS_PER_S;
            if name == me {
                cpu.bench += used;
            } else if match servers {
                Some(pids) => pids.iter().any(|p| p.to_string() == name),
                None => comm == "serap-server",
            } {
                cpu.servers += used;
            } else if comm.starts_with("postgres") {
                cpu.postgres += used;
            } else if comm.starts_with("redis-server") {
                cpu.redis += used;
            }
        }
        cpu
    }

    /// Figures of the interval from `self` to `later`, in cores (CPU seconds per second).
    pub(super) fn since(&self, later: &Cpu, seconds: f64) -> Value {
        let cores = |a: f64, b: f64| ((b - a).max(0.0) / seconds * 100.0).round() / 100.0;
        let machine = if later.machine_total > self.machine_total {
            (later.machine_busy - self.machine_busy) / (later.machine_total - self.machine_total)
        } else {
            0.0
        };
        let busy = cores(self.machine_busy, later.machine_busy);
        let known = cores(self.bench, later.bench)
            + cores(self.servers, later.servers)
            + cores(self.postgres, later.postgres)
            + cores(self.redis, later.redis);
        json!({
            "machine_busy_pct": (machine * 1000.0).round() / 10.0,
            "cores_busy": busy,
            "cores_other_processes": ((busy - known).max(0.0) * 100.0).round() / 100.0,
            "cores_load_generator": cores(self.bench, later.bench),
            "cores_servers": cores(self.servers, later.servers),
            "cores_postgres": cores(self.postgres, later.postgres),
            "cores_redis": cores(self.redis, later.redis),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 0.5), Some(Duration::from_millis(51)));
        assert_eq!(percentile(&d, 0.99), Some(Duration::from_millis(100)));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
