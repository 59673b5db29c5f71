//! One way to call the API: `get::<T>(path)` and `post_json::<B, T>(path, body)` decode the body or map the
//! error shape to `ApiError`.

use gloo_net::http::{Request, RequestBuilder, Response};
use serap_shared::error::ErrorBody;
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

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

/// Aborts the request after `TIMEOUT_MS` (an `AbortController` and a timer: `AbortSignal.timeout` is missing
/// from the older phone browsers this must run on).
fn with_timeout(builder: RequestBuilder) -> RequestBuilder {
    let builder = builder.header("accept", "application/json");
    let (Ok(controller), Some(window)) = (web_sys::AbortController::new(), web_sys::window())
    else {
        return builder;
    };
    let signal = controller.signal();
    let abort = Closure::once_into_js(move || controller.abort());
    let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        abort.unchecked_ref(),
        TIMEOUT_MS as i32,
    );
    builder.abort_signal(Some(&signal))
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = with_timeout(Request::get(path))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(response).await.map(|(_, body)| body)
}

/// The body of a successful GET as text (to keep a copy as it came).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    let response = with_timeout(Request::get(path))
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        response.text().await.map_err(|_| ApiError::Network)
    } else {
        Err(ApiError::Server {
            status: response.status(),
            body: response.json::<ErrorBody>().await.ok(),
        })
    }
}

/// Decodes JSON text (with the same decoder as responses, so no second copy of it is compiled in).
pub async fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    Response::builder()
        .body(Some(text))
        .ok()?
        .json::<T>()
        .await
        .ok()
}

/// POSTs `body` as JSON; on success gives the status (e.g. 201 or 200) with the decoded body.
pub async fn post_json<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<(u16, T), ApiError> {
    let response = with_timeout(Request::post(path))
        .json(body)
        .map_err(|_| ApiError::Network)?
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    decode(response).await
}

/// A 2xx whose body is not the expected JSON (e.g. a captive portal's page) is an error, not a success.
async fn decode<T: DeserializeOwned>(response: Response) -> Result<(u16, T), ApiError> {
    let status = response.status();
    if response.ok() {
        match response.json::<T>().await {
            Ok(body) => Ok((status, body)),
            Err(_) => Err(ApiError::Server { status, body: None }),
        }
    } else {
        Err(ApiError::Server {
            status,
            body: response.json::<ErrorBody>().await.ok(),
        })
    }
}
