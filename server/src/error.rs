//! One error type, one JSON shape (DESIGN invariant 9). Handlers return `Result<_, ApiError>`;
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
    #[error("request body too large")]
    PayloadTooLarge,
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
    #[error("too many requests")]
    TooManyRequests { retry_after: Duration },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0:#}")]
    Internal(Arc<anyhow::Error>),
}

impl warp::reject::Reject for ApiError {}

impl From<anyhow::Error> for ApiError {
    fn from(err: anyhow::Error) -> Self {
        ApiError::Internal(Arc::new(err))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        use sea_orm::DbErr;
        match err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => {
                tracing::error!(error = %err, "database unavailable");
                ApiError::Unavailable("database".into())
            }
            other => anyhow::Error::new(other).into(),
        }
    }
}

impl ApiError {
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
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Closed(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Gone { .. } => StatusCode::GONE,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
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
            ApiError::Conflict(_) => "conflict",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::Unprocessable { .. } => "validation_failed",
            ApiError::Closed(_) => "wave_closed",
            ApiError::Gone { code, .. } => code,
            ApiError::TooManyRequests { .. } => "rate_limited",
            ApiError::Unavailable(_) => "unavailable",
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
            ApiError::Conflict(what) => format!("Konflik / Conflict: {what}"),
            ApiError::PayloadTooLarge => {
                "Isi permintaan terlalu besar / Request body too large".into()
            }
            ApiError::Closed(what) | ApiError::Gone { message: what, .. } => what.clone(),
            ApiError::TooManyRequests { retry_after } => format!(
                "Terlalu banyak permintaan, coba lagi dalam {} detik / Too many requests, retry in {} s",
                retry_after.as_secs().max(1),
                retry_after.as_secs().max(1)
            ),
            ApiError::Unavailable(what) => format!(
                "Layanan sementara tidak tersedia, coba lagi / Service temporarily unavailable ({what})"
            ),
            ApiError::Internal(_) => "Terjadi kesalahan di server / Internal server error".into(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        let fields = match self {
            ApiError::BadRequest { fields, .. } | ApiError::Unprocessable { fields, .. } => {
                fields.clone()
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
        if let ApiError::PayloadTooLarge = &self {
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
