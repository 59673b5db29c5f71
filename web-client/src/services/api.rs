//! One way to call the API: `get::<T>(path)` decodes the body or maps the error shape to `ApiError`.

use gloo_net::http::Request;
use serap_shared::error::ErrorBody;
use serde::de::DeserializeOwned;

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

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    let response = Request::get(path)
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|_| ApiError::Network)?;
    if response.ok() {
        response.json::<T>().await.map_err(|_| ApiError::Server {
            status: response.status(),
            body: None,
        })
    } else {
        Err(ApiError::Server {
            status: response.status(),
            body: response.json::<ErrorBody>().await.ok(),
        })
    }
}
