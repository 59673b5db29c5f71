//! One error type, one JSON shape (docs/design.md invariant 9). Handlers return `Result<_, ApiError>`;
//! warp's own rejections (unknown route, wrong method, oversized body) are mapped in `handle_rejection`.
//! Internal details are logged, never sent to clients.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use serap_shared::error::{ErrorBody, ErrorDetail, FieldError};
use warp::http::StatusCode;
use warp::http::header::{HeaderValue, RETRY_AFTER};
use warp::reply::Response;
use warp::{Rejection, Reply};

#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    #[error("malformed request: {message}")]
    BadRequest {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("authentication required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {0}")]
    Conflict(String),
    /// A value that must be unique is taken: a 409 naming the field (`ApiError::unique`).
    #[error("duplicate {field}")]
    Duplicate {
        field: &'static str,
        message: String,
    },
    #[error("request body too large")]
    PayloadTooLarge,
    /// The body did not arrive before the request's `http::BodyDeadline`.
    #[error("request body too slow")]
    RequestTimeout,
    #[error("validation failed")]
    Unprocessable {
        message: String,
        fields: Vec<FieldError>,
    },
    #[error("closed: {0}")]
    Closed(String),
    /// A one-time link that was used or expired: `code` says which (`invitation_used`...).
    #[error("gone: {code}")]
    Gone { code: &'static str, message: String },
    /// A refusal with its own status and code (`credential_spent`, `open_link_closed`...).
    #[error("{code}")]
    Coded {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The database cannot be reached (down, restarting, every connection busy past the acquire timeout).
    /// A 503 with `Retry-After`: the request did nothing, and the same request may be sent again (a
    /// submission with its same `submission_id`).
    #[error("database unavailable")]
    DatabaseUnavailable,
    #[error("internal error: {0:#}")]
    Internal(Arc<anyhow::Error>),
}

impl warp::reject::Reject for ApiError {}

/// Seconds a client should wait before retrying while the database is unreachable.
const DATABASE_RETRY_AFTER: &str = "2";

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        // A database outage keeps its 503 when it reaches a handler wrapped in context.
        if let Some(db) = err.chain().find_map(|e| e.downcast_ref::<sea_orm::DbErr>())
            && is_database_unavailable(db)
        {
            tracing::error!(error = format!("{err:#}"), "database unavailable");
            return ApiError::DatabaseUnavailable;
        }
        if err
            .chain()
            .filter_map(|e| e.downcast_ref::<sea_orm::DbErr>())
            .any(is_unstorable_text)
        {
            return unstorable_text();
        }
        ApiError::Internal(Arc::new(err))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        if is_database_unavailable(&err) {
            tracing::error!(error = %err, "database unavailable");
            return ApiError::DatabaseUnavailable;
        }
        if is_unstorable_text(&err) {
            return unstorable_text();
        }
        ApiError::Internal(Arc::new(anyhow::Error::new(err)))
    }
}

fn unstorable_text() -> ApiError {
    ApiError::validation(vec![FieldError::new(
        "$",
        "teks tidak boleh berisi karakter NUL (\\u0000) / text must not contain the NUL character",
    )])
}

/// Whether PostgreSQL refused text it cannot store: the NUL character, in a text value (SQLSTATE 22021) or
/// in JSON (22P05). It comes from the client (a JSON string, a query parameter, a CSV cell), so it is the
/// client's error; SQLite stores such text as given.
fn is_unstorable_text(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_ref() {
                sea_orm::sqlx::Error::Database(db) => db
                    .code()
                    .is_some_and(|code| matches!(code.as_ref(), "22021" | "22P05")),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Whether `err` says the database could not be reached or dropped the connection, rather than refused
/// the statement: no connection within the acquire timeout, the pool closed, a broken socket, or
/// PostgreSQL shutting down or starting (SQLSTATE class 08, 57P01-57P03).
pub fn is_database_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr};
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            sqlx_unavailable(e)
        }
        _ => false,
    }
}

fn sqlx_unavailable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}

impl ApiError {
    /// The one mapping of a unique-key violation: the 409 naming `field`, whichever of two concurrent
    /// writers loses the race (the database decides, not a read before the write). Any other error stays
    /// what it was.
    pub fn unique(err: sea_orm::DbErr, field: &'static str, message: &str) -> ApiError {
        match err.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => ApiError::Duplicate {
                field,
                message: message.into(),
            },
            _ => err.into(),
        }
    }

    /// Survey validation problems as a 422, each message in Indonesian and English.
    pub fn problems(problems: Vec<serap_shared::survey::Problem>) -> Self {
        ApiError::validation(
            problems
                .into_iter()
                .map(|p| {
                    let message = match &p.message.en {
                        Some(en) if en != &p.message.id => format!("{} / {en}", p.message.id),
                        _ => p.message.id.clone(),
                    };
                    FieldError::new(p.path, message)
                })
                .collect(),
        )
    }

    pub fn validation(fields: Vec<FieldError>) -> Self {
        ApiError::Unprocessable {
            message: "Data tidak valid / Invalid data".into(),
            fields,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) | ApiError::Duplicate { .. } => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Closed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::Coded { status, .. } => *status,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) | ApiError::DatabaseUnavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { .. } => "bad_request",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Conflict(_) | ApiError::Duplicate { .. } => "conflict",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::RequestTimeout => "request_timeout",
            ApiError::Unprocessable { .. } => "validation_failed",
            ApiError::Closed(_) => "wave_closed",
            ApiError::Gone { code, .. } | ApiError::Coded { code, .. } => code,
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::DatabaseUnavailable => "database_unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::BadRequest { message, .. } | ApiError::Unprocessable { message, .. } => {
                message.clone()
            }
            ApiError::Unauthorized => "Silakan masuk terlebih dahulu / Please sign in".into(),
            ApiError::Forbidden => {
                "Anda tidak berhak mengakses ini / You may not access this".into()
            }
            ApiError::NotFound(what) => format!("Tidak ditemukan / Not found: {what}"),
            ApiError::MethodNotAllowed => {
                "Metode HTTP tidak didukung di alamat ini / Method not allowed here".into()
            }
            ApiError::Conflict(what) | ApiError::Duplicate { message: what, .. } => {
                format!("Konflik / Conflict: {what}")
            }
            ApiError::PayloadTooLarge => {
                "Isi permintaan terlalu besar / Request body too large".into()
            }
            ApiError::RequestTimeout => {
                "Isi permintaan terlalu lambat diterima, kirim ulang / Request body too slow, send it again"
                    .into()
            }
            ApiError::Closed(what)
            | ApiError::Gone { message: what, .. }
            | ApiError::Coded { message: what, .. } => what.clone(),
            ApiError::TooManyRequests { retry_after } => format!(
                "Terlalu banyak permintaan, coba lagi dalam {} detik / Too many requests, retry in {} s",
                retry_after.as_secs().max(1),
                retry_after.as_secs().max(1)
            ),
            ApiError::Unavailable(what) => format!(
                "Layanan sementara tidak tersedia, coba lagi / Service temporarily unavailable ({what})"
            ),
            ApiError::DatabaseUnavailable => {
                "Basis data sementara tidak dapat dihubungi, coba lagi sebentar lagi / \
                 The database is temporarily unreachable, try again shortly"
                    .into()
            }
            ApiError::Internal(_) => "Terjadi kesalahan di server / Internal server error".into()}
    }

    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            ApiError::BadRequest { fields, .. } | ApiError::Unprocessable { fields, .. } => {
                fields.clone()
            }
            ApiError::Duplicate { field, message } => {
                vec![FieldError::new(*field, message.clone())]
            }
            _ => Vec::new(),
        };
        ErrorBody {
            error: ErrorDetail {
                code: self.code().into(),
                message: self.message(),
                fields,
            },
        }
    }

    pub fn into_response(self) -> Response {
        if let ApiError::Internal(err) = &self {
            tracing::error!(error = format!("{err:#}"), "internal error");
        }
        let status = self.status();
        let mut response =
            warp::reply::with_status(warp::reply::json(&self.body()), status).into_response();
        if let ApiError::TooManyRequests { retry_after } = &self {
            let secs = retry_after.as_secs().max(1).to_string();
            if let Ok(value) = HeaderValue::from_str(&secs) {
                response.headers_mut().insert(RETRY_AFTER, value);
            }
        }
        if let ApiError::DatabaseUnavailable = &self {
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from_static(DATABASE_RETRY_AFTER));
        }
        if let ApiError::PayloadTooLarge | ApiError::RequestTimeout = &self {
            // The body was not read: the connection cannot carry another request, and a client must not
            // reuse it from its pool.
            response.headers_mut().insert(
                warp::http::header::CONNECTION,
                HeaderValue::from_static("close"),
            );
        }
        response
    }
}

/// Turns a handler result into a response: the reply, or the error in the one JSON shape.
pub fn respond<T: Reply>(result: Result<T, ApiError>) -> Response {
    match result {
        Ok(reply) => reply.into_response(),
        Err(err) => err.into_response(),
    }
}

/// Maps every rejection that reaches the top of the router to the JSON error shape.
pub async fn handle_rejection(rejection: Rejection) -> Result<Response, Infallible> {
    let error = if let Some(err) = rejection.find::<ApiError>() {
        err.clone()
    } else if rejection.is_not_found() {
        ApiError::NotFound("alamat / route".into())
    } else if rejection.find::<warp::reject::PayloadTooLarge>().is_some() {
        ApiError::PayloadTooLarge
    } else if rejection.find::<warp::reject::MethodNotAllowed>().is_some() {
        ApiError::MethodNotAllowed
    } else if let Some(err) = rejection.find::<warp::reject::InvalidQuery>() {
        ApiError::BadRequest {
            message: format!("Parameter query tidak valid / Invalid query: {err}"),
            fields: vec![],
        }
    } else if let Some(err) = rejection.find::<warp::reject::MissingHeader>() {
        ApiError::BadRequest {
            message: format!("Header wajib tidak ada / Missing header: {}", err.name()),
            fields: vec![],
        }
    } else if let Some(err) = rejection.find::<warp::reject::InvalidHeader>() {
        ApiError::BadRequest {
            message: format!("Header tidak valid / Invalid header: {}", err.name()),
            fields: vec![],
        }
    } else if rejection
        .find::<warp::reject::UnsupportedMediaType>()
        .is_some()
    {
        ApiError::BadRequest {
            message: "Jenis konten tidak didukung / Unsupported media type".into(),
            fields: vec![],
        }
    } else {
        anyhow::anyhow!("unhandled rejection: {rejection:?}").into()
    };
    Ok(error.into_response())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use anyhow::Context;
    use sea_orm::sqlx;
    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

    use super::*;

    fn exec(err: sqlx::Error) -> DbErr {
        DbErr::Exec(RuntimeErr::SqlxError(Arc::new(err)))
    }

    #[test]
    fn an_unreachable_database_is_a_503_with_its_own_code() {
        let broken = || std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset");
        for err in [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(RuntimeErr::Internal("refused".into())),
            exec(sqlx::Error::Io(broken())),
            DbErr::Query(RuntimeErr::SqlxError(Arc::new(sqlx::Error::PoolTimedOut))),
            exec(sqlx::Error::PoolClosed),
        ] {
            let api = ApiError::from(err.clone());
            assert!(matches!(api, ApiError::DatabaseUnavailable), "{err}");
            assert_eq!(api.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(api.code(), "database_unavailable");
            let response = api.into_response();
            assert_eq!(response.headers()[RETRY_AFTER], DATABASE_RETRY_AFTER);
            // Wrapped in context on its way to a handler, it is still a 503.
            let wrapped = Err::<(), _>(err).context("loading the wave").unwrap_err();
            assert!(matches!(
                ApiError::from(wrapped),
                ApiError::DatabaseUnavailable
            ));
        }
    }

    #[test]
    fn other_database_errors_stay_internal() {
        for err in [
            DbErr::RecordNotFound("wave".into()),
            DbErr::Custom("bug".into()),
            exec(sqlx::Error::RowNotFound),
            exec(sqlx::Error::Protocol("unexpected message".into())),
        ] {
            let api = ApiError::from(err.clone());
            assert!(matches!(api, ApiError::Internal(_)), "{err}");
            assert_eq!(api.status(), StatusCode::INTERNAL_SERVER_ERROR);
        }
    }
}
