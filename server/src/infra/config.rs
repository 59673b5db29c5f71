//! Configuration from environment variables, each with a default (see README "Configuration").

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoData {
    Auto,
    On,
    Off,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// `SERAP_BIND`, default `127.0.0.1:8080`; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `SERAP_DATA_DIR`, default `./data`: SQLite file, file outbox, generated secrets.
    pub data_dir: PathBuf,
    /// `SERAP_DATABASE_URL`, default `sqlite://<data dir>/serap.db?mode=rwc`.
    pub database_url: SecretString,
    /// `SERAP_REDIS_URL`: when set, the event bus, rate limiter and sessions are shared through Redis.
    pub redis_url: Option<SecretString>,
    /// `SERAP_REDIS_PREFIX`, default `serap`: namespace of every Redis key and channel.
    pub redis_prefix: String,
    /// `SERAP_SMTP_URL` (e.g. `smtp://127.0.0.1:2525`, `smtps://user:pass@host`): when unset, mail is written
    /// as .eml files to `<data dir>/outbox`.
    pub smtp_url: Option<SecretString>,
    /// `SERAP_MAIL_FROM`, default `Serap BKPSDM Kota Serang <serap@localhost>`.
    pub mail_from: String,
    /// `SERAP_BASE_URL`: the public URL used in emails; default `http://<bind>`.
    /// The public address links in emails point at.
    pub base_url: BaseUrl,
    /// `SERAP_DIST_DIR`, default `web-client/dist`: the built web client.
    pub dist_dir: PathBuf,
    /// `SERAP_MAX_BODY_BYTES`, default 262144: larger request bodies get 413.
    pub max_body_bytes: u64,
    /// `SERAP_HEADER_TIMEOUT_SECS`, default 20: time a client has to send a request's headers (also how
    /// long an idle kept-alive connection stays open).
    pub header_timeout: Duration,
    /// `SERAP_BODY_TIMEOUT_SECS`, default 60: time a client has to send a request's body after its headers;
    /// slower bodies get 408.
    pub body_timeout: Duration,
    /// `SERAP_DEMO_DATA`: `auto` (default: seed on SQLite when there are no units), `on` or `off`.
    pub demo_data: DemoData,
    /// `SERAP_ADMIN_TOKEN`: bearer token for admin endpoints; when unset one is generated into
    /// `<data dir>/admin-token` at first start.
    pub admin_token: Option<SecretString>,
    /// `SERAP_SECRET`: key of the HMAC signatures in digest links (`/d/<id>/<signature>`). When unset, one is
    /// generated once into `<data dir>/secret`; N instances must share the same value (set it, or share the
    /// data dir), or a link signed by one is refused by the others.
    pub secret: Option<SecretString>,
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Builds settings from any variable source (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let bind: SocketAddr = parse(&get, "SERAP_BIND", "127.0.0.1:8080")?;
        let data_dir = PathBuf::from(get("SERAP_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let database_url = get("SERAP_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/serap.db?mode=rwc", data_dir.display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError {
                var: "SERAP_DATABASE_URL",
                message: "must start with sqlite:, postgres:// or postgresql://".into(),
            });
        }
        let redis_url = get("SERAP_REDIS_URL");
        if let Some(url) = &redis_url
            && !(url.starts_with("redis://") || url.starts_with("rediss://"))
        {
            return Err(ConfigError {
                var: "SERAP_REDIS_URL",
                message: "must start with redis:// or rediss://".into(),
            });
        }
        let smtp_url = get("SERAP_SMTP_URL");
        if let Some(url) = &smtp_url
            && !(url.starts_with("smtp://") || url.starts_with("smtps://"))
        {
            return Err(ConfigError {
                var: "SERAP_SMTP_URL",
                message: "must start with smtp:// or smtps://".into(),
            });
        }
        let base_url =
            BaseUrl::parse(&get("SERAP_BASE_URL").unwrap_or_else(|| format!("http://{bind}")))
                .map_err(|message| ConfigError {
                    var: "SERAP_BASE_URL",
                    message,
                })?;
        Ok(Settings {
            bind,
            data_dir,
            database_url: database_url.into(),
            redis_url: redis_url.map(Into::into),
            redis_prefix: get("SERAP_REDIS_PREFIX").unwrap_or_else(|| "serap".into()),
            smtp_url: smtp_url.map(Into::into),
            mail_from: get("SERAP_MAIL_FROM")
                .unwrap_or_else(|| "Serap BKPSDM Kota Serang <serap@localhost>".into()),
            base_url,
            dist_dir: PathBuf::from(
                get("SERAP_DIST_DIR").unwrap_or_else(|| "web-client/dist".into()),
            ),
            max_body_bytes: parse(&get, "SERAP_MAX_BODY_BYTES", "262144")?,
            header_timeout: seconds(&get, "SERAP_HEADER_TIMEOUT_SECS", "20")?,
            body_timeout: seconds(&get, "SERAP_BODY_TIMEOUT_SECS", "60")?,
            admin_token: get("SERAP_ADMIN_TOKEN").map(Into::into),
            secret: get("SERAP_SECRET").map(Into::into),
            demo_data: match get("SERAP_DEMO_DATA").as_deref().unwrap_or("auto") {
                "auto" => DemoData::Auto,
                "on" | "true" | "1" => DemoData::On,
                "off" | "false" | "0" => DemoData::Off,
                other => {
                    return Err(ConfigError {
                        var: "SERAP_DEMO_DATA",
                        message: format!("{other:?}: use auto, on or off"),
                    });
                }
            },
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.expose_secret().starts_with("sqlite:")
    }

    /// Whether to seed demo data into an empty database.
    pub fn seeds_demo_data(&self) -> bool {
        match self.demo_data {
            DemoData::Auto => self.is_sqlite(),
            DemoData::On => true,
            DemoData::Off => false,
        }
    }
}

/// A positive number of seconds.
/// The public base URL (`SERAP_BASE_URL`): http or https with a host, kept without a trailing slash so
/// that paths are appended as `{base}/s/<token>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    text: String,
    host: String,
    https: bool,
}

impl BaseUrl {
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let url = url::Url::parse(raw.trim()).map_err(|e| format!("not a URL: {e}"))?;
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            other => return Err(format!("{other}: use http or https")),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("the URL has no host")?
            .to_string();
        if url.query().is_some() || url.fragment().is_some() {
            return Err("no query or fragment, please".into());
        }
        let text = url.as_str().trim_end_matches('/').to_string();
        Ok(BaseUrl { text, host, https })
    }

    /// Without a trailing slash.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `{base}{path}`; `path` starts with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{path}", self.text)
    }

    /// The host name (for Message-Ids).
    pub fn host(&self) -> &str {
        &self.host
    }

    pub fn is_https(&self) -> bool {
        self.https
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

fn seconds(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
) -> Result<Duration, ConfigError> {
    match parse::<u64>(get, var, default)? {
        0 => Err(ConfigError {
            var,
            message: "must be at least 1 (seconds)".into(),
        }),
        secs => Ok(Duration::from_secs(secs)),
    }
}

fn parse<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    var: &'static str,
    default: &str,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let raw = get(var).unwrap_or_else(|| default.to_string());
    raw.trim().parse().map_err(|e: T::Err| ConfigError {
        var,
        message: format!("cannot parse {raw:?}: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_are_the_embedded_mode() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(
            s.database_url.expose_secret(),
            "sqlite://./data/serap.db?mode=rwc"
        );
        assert!(s.redis_url.is_none() && s.smtp_url.is_none());
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080");
        assert_eq!(s.base_url.join("/s/t"), "http://127.0.0.1:8080/s/t");
    }

    #[test]
    fn secrets_and_urls_with_credentials_never_print() {
        let s = settings(&[
            (
                "SERAP_DATABASE_URL",
                "postgres://serap:db-password@db/serap",
            ),
            ("SERAP_REDIS_URL", "redis://:redis-password@cache"),
            ("SERAP_SMTP_URL", "smtp://mail:smtp-password@mail"),
            ("SERAP_ADMIN_TOKEN", "admin-token-value"),
            ("SERAP_SECRET", "link-secret-value"),
        ])
        .unwrap();
        let printed = format!("{s:?}");
        for secret in [
            "db-password",
            "redis-password",
            "smtp-password",
            "admin-token-value",
            "link-secret-value",
        ] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
    }

    #[test]
    fn the_base_url_is_parsed_once() {
        let s = settings(&[("SERAP_BASE_URL", "https://serap.serangkota.go.id:8443/")]).unwrap();
        assert_eq!(s.base_url.as_str(), "https://serap.serangkota.go.id:8443");
        assert_eq!(s.base_url.host(), "serap.serangkota.go.id");
        assert!(s.base_url.is_https());
        let s = settings(&[("SERAP_BASE_URL", "https://example.org/serap/")]).unwrap();
        assert_eq!(s.base_url.join("/d/1"), "https://example.org/serap/d/1");
        for bad in ["serap.go.id", "ftp://x.id", "https://", "https://x.id/?a=1"] {
            let err = settings(&[("SERAP_BASE_URL", bad)]).unwrap_err();
            assert_eq!(err.var, "SERAP_BASE_URL", "{bad}");
        }
    }

    #[test]
    fn rejects_bad_values_naming_the_variable() {
        for (var, value) in [
            ("SERAP_BIND", "localhost"),
            ("SERAP_DATABASE_URL", "mysql://x"),
            ("SERAP_REDIS_URL", "http://x"),
            ("SERAP_SMTP_URL", "imap://x"),
            ("SERAP_MAX_BODY_BYTES", "lots"),
            ("SERAP_BASE_URL", "not a url"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.var, var, "{value}");
        }
    }
}
