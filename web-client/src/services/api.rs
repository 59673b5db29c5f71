//! One way to call the API: `get::<T>(path)` and `post_json::<B, T>(path, body)` decode the body or map the
//! error shape to `ApiError`. Straight on the browser's `fetch` (no HTTP crate: smaller code).

use serap_shared::error::ErrorBody;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

use crate::services::json::{FromJson, ToJson};

/// A request that has not been answered after this long is treated as a network failure.
const TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The network failed or the server did not answer.
    Network,
    /// The server answered with an error in the JSON error shape (or an unreadable body).
    Server {
        status: u16,
        body: Option<ErrorBody>,
    },
}

impl ApiError {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Network => None,
            ApiError::Server { status, .. } => Some(*status),
        }
    }

    /// The error body, when the server answered in the JSON error shape.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            ApiError::Network => None,
            ApiError::Server { body, .. } => body.as_ref(),
        }
    }
}

/// Sends the request and reads the whole body as text: `(ok, status, body)`. Aborts after `TIMEOUT_MS` (an
/// `AbortController` and a timer: `AbortSignal.timeout` is missing from the older phone browsers this must
/// run on).
async fn fetch(path: &str, body: Option<String>) -> Result<(bool, u16, String), ApiError> {
    let window = web_sys::window().ok_or(ApiError::Network)?;
    let init = RequestInit::new();
    let headers = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = headers.append("accept", "application/json");
    if let Some(body) = body {
        init.set_method("POST");
        let _ = headers.append("content-type", "application/json");
        init.set_body(&JsValue::from_str(&body));
    }
    init.set_headers(&headers);
    if let Ok(controller) = web_sys::AbortController::new() {
        init.set_signal(Some(&controller.signal()));
        let abort = Closure::once_into_js(move || controller.abort());
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            abort.unchecked_ref(),
            TIMEOUT_MS as i32,
        );
    }
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| ApiError::Network)?
        .unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| ApiError::Network)?
            .as_string()
            .unwrap_or_default(),
        Err(_) => return Err(ApiError::Network),
    };
    Ok((response.ok(), response.status(), text))
}

/// An error answer: its status with the body when it is in the JSON error shape.
fn server_error(status: u16, text: &str) -> ApiError {
    ApiError::Server {
        status,
        body: parse::<ErrorBody>(text),
    }
}

pub async fn get<T: FromJson>(path: &str) -> Result<T, ApiError> {
    let (ok, status, text) = fetch(path, None).await?;
    decode(ok, status, &text).map(|(_, body)| body)
}

/// The body of a successful GET as text (to keep a copy as it came).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    let (ok, status, text) = fetch(path, None).await?;
    if ok {
        Ok(text)
    } else {
        Err(server_error(status, &text))
    }
}

pub use crate::services::json::parse;

/// POSTs `body` as JSON; on success gives the status (e.g. 201 or 200) with the decoded body.
pub async fn post_json<B: ToJson, T: FromJson>(path: &str, body: &B) -> Result<(u16, T), ApiError> {
    let (ok, status, text) = fetch(path, Some(body.to_json())).await?;
    decode(ok, status, &text)
}

/// A 2xx whose body is not the expected JSON (e.g. a captive portal's page) is an error, not a success.
fn decode<T: FromJson>(ok: bool, status: u16, text: &str) -> Result<(u16, T), ApiError> {
    if ok {
        match parse::<T>(text) {
            Some(body) => Ok((status, body)),
            None => Err(ApiError::Server { status, body: None }),
        }
    } else {
        Err(server_error(status, text))
    }
}
