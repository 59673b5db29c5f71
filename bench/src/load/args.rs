//! The load's options from the command line (`--clients`, `--seconds`, `--slug`, ...; see `load`).

use std::time::Duration;

use anyhow::{Context, bail};

const DEFAULT_SLUG: &str = "kompetensi-2026";
const DEFAULT_MANAGER_UNIT: &str = "DINDIKBUD";

/// What to run: the load itself.
#[derive(Debug, Clone)]
pub struct Options {
    pub seconds: f64,
    pub warmup: f64,
    pub clients: usize,
    pub managers: usize,
    pub admin_token: String,
    pub slug: String,
    pub manager_unit: String,
    pub poll: Duration,
}

/// The value after `name` in `args`, if `name` is there.
pub(super) fn value<'a>(args: &'a [String], name: &str) -> anyhow::Result<Option<&'a str>> {
    match args.iter().position(|a| a == name) {
        Some(i) => Ok(Some(
            args.get(i + 1)
                .map(String::as_str)
                .with_context(|| format!("{name} needs a value"))?,
        )),
        None => Ok(None),
    }
}

/// The number after `name` in `args`, or `default`.
pub(super) fn number<T: std::str::FromStr>(
    args: &[String],
    name: &str,
    default: T,
) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match value(args, name)? {
        Some(raw) => raw
            .parse()
            .map_err(|e| anyhow::anyhow!("{name} {raw:?}: {e}")),
        None => Ok(default),
    }
}

impl Options {
    pub(super) fn from_args(
        args: &[String],
        default_token: Option<String>,
    ) -> anyhow::Result<Options> {
        let clients: usize = number(args, "--clients", 32)?;
        if clients < 2 {
            bail!("--clients must be at least 2 (respondents and a manager)");
        }
        let managers = number(
            args,
            "--managers",
            (clients as f64 * 0.1).round().max(1.0) as usize,
        )?;
        if managers >= clients {
            bail!("--managers must be fewer than --clients");
        }
        let admin_token = match value(args, "--admin-token")? {
            Some(t) => t.to_string(),
            None => default_token
                .or_else(|| std::env::var("SERAP_ADMIN_TOKEN").ok())
                .context("managers are created through the admin API: pass --admin-token or set SERAP_ADMIN_TOKEN")?,
        };
        Ok(Options {
            seconds: number(args, "--seconds", 20.0)?,
            warmup: number(args, "--warmup", 3.0)?,
            clients,
            managers,
            admin_token,
            slug: value(args, "--slug")?.unwrap_or(DEFAULT_SLUG).to_string(),
            manager_unit: value(args, "--manager-unit")?
                .unwrap_or(DEFAULT_MANAGER_UNIT)
                .to_string(),
            poll: Duration::from_secs_f64(number(args, "--poll", 1.0)?),
        })
    }
}
