//! Faults under load: the server killed with SIGKILL, Redis stopped, PostgreSQL restarted, the SMTP server
//! down for a while. Every fault runs against private processes started by the test (the server binary, a
//! `redis-server`, a PostgreSQL cluster of its own), never the shared services other tests use, and each
//! child is killed when the test ends, also when it fails.
//!
//! What is proven: acknowledged means committed (every 2xx'd submission is stored, exactly once, with the
//! receipt it was acknowledged with); clients retrying with the same `submission_id` create no duplicates;
//! the counters folded around the fault equal a rebuild from the responses; a Redis outage fails no
//! submission and live updates come back by themselves; a database outage is a fast 503 in the one JSON
//! error shape and the server reconnects by itself; mail queued while SMTP is down arrives once it is back,
//! once (invitations in `smtp_down`; digests in `digests::delivery`).

mod database_down;
mod harness;
mod redis_down;
mod server_killed;
mod smtp_down;
