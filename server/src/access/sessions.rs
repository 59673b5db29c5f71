//! Server-side sessions (docs/design.md invariant 6) behind one trait with two implementations (docs/design.md invariant 8):
//! `RedisSessionStore` (shared by every instance, chosen when Redis is configured) and `DbSessionStore`
//! (the `sessions` table). A session is known by the SHA-256 of its cookie token: neither store ever
//! holds the token itself. Sessions end after 30 idle minutes or 12 hours, whichever comes first; activity
//! is recorded at most once a minute per session.
//!
//! Unlike the event bus and the rate limiter, the Redis store has no fallback: sessions created on one
//! instance must be seen, and revoked, on all of them. When Redis fails, a request that needs its session
//! is answered 503 (`ApiError::Unavailable`); requests without a session cookie are unaffected.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use redis::aio::ConnectionManager;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entities::session;
use crate::error::ApiError;
use crate::infra::tokens::{random_token, sha256_hex};

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 3600);
/// `last_seen_at` (and the Redis expiry) is refreshed at most this often: one write per minute per
/// active session.
pub const TOUCH: Duration = Duration::from_secs(60);

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or_default()
}

/// One live session as the stores hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 (hex) of the cookie token.
    pub id: String,
    pub account_id: Uuid,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The absolute end: `created_at` + 12 hours.
    pub expires_at: DateTime<Utc>,
}

impl SessionRecord {
    /// A new session for `account_id` and its cookie token.
    fn start(account_id: Uuid, now: DateTime<Utc>) -> (String, SessionRecord) {
        let token = random_token();
        let record = SessionRecord {
            id: sha256_hex(&token),
            account_id,
            csrf_token: random_token(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + chrono_duration(ABSOLUTE),
        };
        (token, record)
    }

    /// When the session ends without further activity: the sooner of idle and absolute expiry.
    pub fn ends_at(&self) -> DateTime<Utc> {
        (self.last_seen_at + chrono_duration(IDLE)).min(self.expires_at)
    }

    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.ends_at() <= now
    }

    /// Whether activity at `now` should be written (at most once per `TOUCH`).
    pub fn needs_touch(&self, now: DateTime<Utc>) -> bool {
        now - self.last_seen_at > chrono_duration(TOUCH)
    }
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    /// `redis` or `database`.
    fn kind(&self) -> &'static str;

    /// Starts a session for `account_id`. Returns the cookie token (stored only as its SHA-256) and the
    /// session's CSRF token.
    async fn create(&self, account_id: Uuid) -> Result<(String, String), ApiError>;

    /// The live session of a cookie token, `None` when it is unknown or has expired (idle or absolute; an
    /// expired session is removed).
    async fn get(&self, token: &str) -> Result<Option<SessionRecord>, ApiError>;

    /// Records activity on `session`, moving its idle expiry. Writes only when the session was last
    /// refreshed more than a minute ago; never brings back a session deleted meanwhile.
    async fn touch(&self, session: &SessionRecord) -> Result<(), ApiError>;

    /// Ends the session of a cookie token.
    async fn delete(&self, token: &str) -> Result<(), ApiError> {
        self.delete_id(&sha256_hex(token)).await
    }

    /// Ends a session by its id (the SHA-256 of its token, as in `access::Account::session_id`).
    async fn delete_id(&self, id: &str) -> Result<(), ApiError>;

    /// Ends every session of an account (e.g. after a password reset). Returns how many were ended.
    async fn revoke_account(&self, account_id: Uuid) -> Result<u64, ApiError>;
}

/// Sessions in the `sessions` table of the application database.
pub struct DbSessionStore {
    db: DatabaseConnection,
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        DbSessionStore { db }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    fn kind(&self) -> &'static str {
        "database"
    }

    async fn create(&self, account_id: Uuid) -> Result<(String, String), ApiError> {
        let (token, record) = SessionRecord::start(account_id, Utc::now());
        session::ActiveModel {
            id: Set(record.id),
            account_id: Set(record.account_id),
            csrf_token: Set(record.csrf_token.clone()),
            created_at: Set(record.created_at),
            last_seen_at: Set(record.last_seen_at),
            expires_at: Set(record.expires_at),
        }
        .insert(&self.db)
        .await?;
        Ok((token, record.csrf_token))
    }

    async fn get(&self, token: &str) -> Result<Option<SessionRecord>, ApiError> {
        let id = sha256_hex(token);
        let Some(row) = session::Entity::find_by_id(id.clone())
            .one(&self.db)
            .await?
        else {
            return Ok(None);
        };
        let record = SessionRecord {
            id: row.id,
            account_id: row.account_id,
            csrf_token: row.csrf_token,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        };
        if record.is_expired(Utc::now()) {
            session::Entity::delete_by_id(id).exec(&self.db).await?;
            return Ok(None);
        }
        Ok(Some(record))
    }

    async fn touch(&self, session: &SessionRecord) -> Result<(), ApiError> {
        let now = Utc::now();
        if !session.needs_touch(now) {
            return Ok(());
        }
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(session.id.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn delete_id(&self, id: &str) -> Result<(), ApiError> {
        session::Entity::delete_by_id(id.to_string())
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn revoke_account(&self, account_id: Uuid) -> Result<u64, ApiError> {
        let deleted = session::Entity::delete_many()
            .filter(session::Column::AccountId.eq(account_id))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}

/// What a Redis session key holds (JSON); the key itself carries the id.
#[derive(Serialize, Deserialize)]
struct Stored {
    account_id: Uuid,
    csrf_token: String,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl Stored {
    fn of(record: &SessionRecord) -> Stored {
        Stored {
            account_id: record.account_id,
            csrf_token: record.csrf_token.clone(),
            created_at: record.created_at,
            last_seen_at: record.last_seen_at,
            expires_at: record.expires_at,
        }
    }

    fn into_record(self, id: String) -> SessionRecord {
        SessionRecord {
            id,
            account_id: self.account_id,
            csrf_token: self.csrf_token,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            expires_at: self.expires_at,
        }
    }
}

/// Sessions in Redis, shared by every instance using the same key prefix:
/// `<prefix>:session:<sha256>` holds one session (JSON) and expires with it (the sooner of idle and
/// absolute expiry); `<prefix>:account-sessions:<account id>` is the set of an account's session ids, so
/// they can all be revoked at once.
pub struct RedisSessionStore {
    connection: ConnectionManager,
    prefix: String,
}

fn unavailable(err: redis::RedisError) -> ApiError {
    tracing::error!(error = %err, "Redis session store unavailable");
    ApiError::Unavailable("sessions".into())
}

/// Milliseconds from `now` until `record` ends (at least 1: Redis refuses a zero expiry).
fn ttl_ms(record: &SessionRecord, now: DateTime<Utc>) -> i64 {
    (record.ends_at() - now).num_milliseconds().max(1)
}

impl RedisSessionStore {
    pub fn new(connection: ConnectionManager, prefix: &str) -> Self {
        RedisSessionStore {
            connection,
            prefix: prefix.to_string(),
        }
    }

    /// The key of one session.
    pub fn session_key(&self, id: &str) -> String {
        format!("{}:session:{id}", self.prefix)
    }

    /// The key of the set of an account's session ids.
    pub fn account_key(&self, account_id: Uuid) -> String {
        format!("{}:account-sessions:{account_id}", self.prefix)
    }

    async fn read(&self, id: &str) -> Result<Option<SessionRecord>, ApiError> {
        let mut connection = self.connection.clone();
        let raw: Option<String> = redis::cmd("GET")
            .arg(self.session_key(id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        let Some(raw) = raw else {
            return Ok(None);
        };
        match serde_json::from_str::<Stored>(&raw) {
            Ok(stored) => Ok(Some(stored.into_record(id.to_string()))),
            Err(err) => {
                tracing::warn!(error = %err, "unreadable session in Redis; ending it");
                self.delete_id(id).await?;
                Ok(None)
            }
        }
    }
}

#[async_trait]
impl SessionStore for RedisSessionStore {
    fn kind(&self) -> &'static str {
        "redis"
    }

    async fn create(&self, account_id: Uuid) -> Result<(String, String), ApiError> {
        let now = Utc::now();
        let (token, record) = SessionRecord::start(account_id, now);
        let value = serde_json::to_string(&Stored::of(&record)).map_err(anyhow::Error::from)?;
        let account_key = self.account_key(account_id);
        let mut connection = self.connection.clone();
        // Every session of the account ends within ABSOLUTE of the newest one's start.
        let () = redis::pipe()
            .atomic()
            .cmd("SET")
            .arg(self.session_key(&record.id))
            .arg(value)
            .arg("PX")
            .arg(ttl_ms(&record, now))
            .ignore()
            .cmd("SADD")
            .arg(&account_key)
            .arg(&record.id)
            .ignore()
            .cmd("PEXPIRE")
            .arg(&account_key)
            .arg(ABSOLUTE.as_millis() as u64)
            .ignore()
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok((token, record.csrf_token))
    }

    async fn get(&self, token: &str) -> Result<Option<SessionRecord>, ApiError> {
        let id = sha256_hex(token);
        let Some(record) = self.read(&id).await? else {
            return Ok(None);
        };
        // Redis expires the key on time; the stored times decide when clocks or a touch race disagree.
        if record.is_expired(Utc::now()) {
            self.delete_id(&id).await?;
            return Ok(None);
        }
        Ok(Some(record))
    }

    async fn touch(&self, session: &SessionRecord) -> Result<(), ApiError> {
        let now = Utc::now();
        if !session.needs_touch(now) {
            return Ok(());
        }
        let touched = SessionRecord {
            last_seen_at: now,
            ..session.clone()
        };
        let value = serde_json::to_string(&Stored::of(&touched)).map_err(anyhow::Error::from)?;
        let mut connection = self.connection.clone();
        // XX: only while the key exists, so a session deleted meanwhile stays deleted.
        let _: Option<String> = redis::cmd("SET")
            .arg(self.session_key(&session.id))
            .arg(value)
            .arg("XX")
            .arg("PX")
            .arg(ttl_ms(&touched, now))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn delete_id(&self, id: &str) -> Result<(), ApiError> {
        let mut connection = self.connection.clone();
        let raw: Option<String> = redis::cmd("GETDEL")
            .arg(self.session_key(id))
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        if let Some(stored) = raw.and_then(|raw| serde_json::from_str::<Stored>(&raw).ok()) {
            let _: i64 = redis::cmd("SREM")
                .arg(self.account_key(stored.account_id))
                .arg(id)
                .query_async(&mut connection)
                .await
                .map_err(unavailable)?;
        }
        Ok(())
    }

    async fn revoke_account(&self, account_id: Uuid) -> Result<u64, ApiError> {
        let account_key = self.account_key(account_id);
        let mut connection = self.connection.clone();
        let ids: Vec<String> = redis::cmd("SMEMBERS")
            .arg(&account_key)
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        if ids.is_empty() {
            return Ok(0);
        }
        let keys: Vec<String> = ids.iter().map(|id| self.session_key(id)).collect();
        // Only the ids read are removed from the set: a session started meanwhile keeps its entry.
        let (deleted,): (u64,) = redis::pipe()
            .atomic()
            .cmd("DEL")
            .arg(&keys)
            .cmd("SREM")
            .arg(&account_key)
            .arg(&ids)
            .ignore()
            .query_async(&mut connection)
            .await
            .map_err(unavailable)?;
        Ok(deleted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_end_at_the_sooner_of_idle_and_absolute_expiry() {
        let start = Utc::now();
        let (token, mut record) = SessionRecord::start(Uuid::new_v4(), start);
        assert_eq!(record.id, sha256_hex(&token));
        assert_ne!(record.csrf_token, token);
        assert_eq!(record.ends_at(), start + chrono_duration(IDLE));
        assert!(!record.is_expired(start + chrono::Duration::minutes(29)));
        assert!(record.is_expired(start + chrono::Duration::minutes(30)));
        // Active until near the absolute end: the absolute end wins.
        record.last_seen_at = start + chrono::Duration::hours(11) + chrono::Duration::minutes(50);
        assert_eq!(record.ends_at(), record.expires_at);
        assert!(record.is_expired(start + chrono::Duration::hours(12)));
        assert_eq!(ttl_ms(&record, record.expires_at), 1);
    }

    #[test]
    fn activity_is_written_at_most_once_a_minute() {
        let start = Utc::now();
        let (_, record) = SessionRecord::start(Uuid::new_v4(), start);
        assert!(!record.needs_touch(start + chrono::Duration::seconds(59)));
        assert!(record.needs_touch(start + chrono::Duration::seconds(61)));
    }
}
