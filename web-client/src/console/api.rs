//! The console's one request helper, on the browser's `fetch` like the respondent's (`services::api`), with
//! what the console needs on top: any method, the session's CSRF token on state-changing requests, file
//! bodies (CSV uploads), `Retry-After`, and serde_json on the shared types (the console's download is not
//! budgeted like the respondent's).

use std::rc::Rc;

use serap_shared::error::ErrorBody;
use serap_shared::i18n::{Lang, Text};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};
use yew::prelude::*;

use super::i18n::{Key, t};
use super::{Ctx, use_ctx};
use crate::i18n::{fill, server_text};

const TIMEOUT_MS: i32 = 30_000;

/// A request that failed: no answer (`status` None), or the server's error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub status: Option<u16>,
    pub body: Option<ErrorBody>,
    /// Seconds, from `Retry-After` (429).
    pub retry_after: Option<u32>,
}

impl Failure {
    fn network() -> Failure {
        Failure {
            status: None,
            body: None,
            retry_after: None,
        }
    }

    pub fn code(&self) -> Option<&str> {
        self.body.as_ref().map(|b| b.error.code.as_str())
    }

    /// What the server said about the field at `path` (e.g. `password`, `roles[0].unit_code`).
    pub fn field(&self, path: &str) -> Option<Text> {
        let body = self.body.as_ref()?;
        let messages: Vec<&str> = body
            .error
            .fields
            .iter()
            .filter(|f| f.path == path)
            .map(|f| f.message.as_str())
            .collect();
        (!messages.is_empty()).then(|| {
            let texts: Vec<Text> = messages.iter().map(|m| server_text(m)).collect();
            let join = |lang| {
                texts
                    .iter()
                    .map(|t| t.get(lang))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Text::new(join(Lang::Id), join(Lang::En))
        })
    }

    /// A sentence for people: the server's message when it sent one, else what kind of failure it was.
    pub fn message(&self, lang: Lang) -> String {
        match (self.status, &self.body) {
            (None, _) => t(lang, Key::NetworkError).to_owned(),
            (Some(401), _) => t(lang, Key::SessionExpired).to_owned(),
            (Some(403), _) => t(lang, Key::Forbidden).to_owned(),
            (Some(429), _) => self.wait_message(lang),
            (Some(404), None) => t(lang, Key::NotAvailable).to_owned(),
            (Some(_), Some(body)) => {
                let mut out = server_text(&body.error.message).get(lang).to_owned();
                for f in &body.error.fields {
                    out.push_str(" — ");
                    out.push_str(&f.path);
                    out.push_str(": ");
                    out.push_str(server_text(&f.message).get(lang));
                }
                out
            }
            (Some(status), None) => fill(t(lang, Key::ServerError), &[&status.to_string()]),
        }
    }

    /// "Too many attempts; try again in N minutes/seconds".
    pub fn wait_message(&self, lang: Lang) -> String {
        let secs = self.retry_after.unwrap_or(60);
        let wait = if secs >= 120 {
            fill(t(lang, Key::Minutes), &[&secs.div_ceil(60).to_string()])
        } else {
            fill(t(lang, Key::Seconds), &[&secs.to_string()])
        };
        fill(t(lang, Key::TooManyAttempts), &[&wait])
    }
}

/// What goes in the request body.
pub enum Body {
    None,
    Json(String),
    /// A file the user picked, sent as it is with this content type.
    File(web_sys::File, &'static str),
}

/// Sends the request; a 2xx gives `(status, text)`.
async fn send(
    method: &str,
    path: &str,
    body: Body,
    csrf: Option<&str>,
) -> Result<(u16, String), Failure> {
    let window = web_sys::window().ok_or_else(Failure::network)?;
    let init = RequestInit::new();
    init.set_method(method);
    let headers = Headers::new().map_err(|_| Failure::network())?;
    let _ = headers.append("accept", "application/json");
    if let Some(token) = csrf {
        let _ = headers.append("x-csrf-token", token);
    }
    match body {
        Body::None => {}
        Body::Json(json) => {
            let _ = headers.append("content-type", "application/json");
            init.set_body(&JsValue::from_str(&json));
        }
        Body::File(file, content_type) => {
            let _ = headers.append("content-type", content_type);
            init.set_body(&file);
        }
    }
    init.set_headers(&headers);
    if let Ok(controller) = web_sys::AbortController::new() {
        init.set_signal(Some(&controller.signal()));
        let abort = Closure::once_into_js(move || controller.abort());
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
            abort.unchecked_ref(),
            TIMEOUT_MS,
        );
    }
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(|_| Failure::network())?
        .unchecked_into();
    let text = match response.text() {
        Ok(promise) => JsFuture::from(promise)
            .await
            .map_err(|_| Failure::network())?
            .as_string()
            .unwrap_or_default(),
        Err(_) => return Err(Failure::network()),
    };
    let status = response.status();
    if response.ok() {
        return Ok((status, text));
    }
    let retry_after = response
        .headers()
        .get("retry-after")
        .ok()
        .flatten()
        .and_then(|v| v.trim().parse().ok());
    Err(Failure {
        status: Some(status),
        body: serde_json::from_str(&text).ok(),
        retry_after,
    })
}

/// A 2xx whose body is not the expected JSON (a proxy's page) is a failure. An empty body reads as `null`.
fn decode<T: DeserializeOwned>((status, text): (u16, String)) -> Result<T, Failure> {
    let text = if text.trim().is_empty() {
        "null"
    } else {
        &text
    };
    serde_json::from_str(text).map_err(|_| Failure {
        status: Some(status),
        body: None,
        retry_after: None,
    })
}

fn json<B: Serialize>(body: &B) -> Body {
    Body::Json(serde_json::to_string(body).unwrap_or_default())
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Failure> {
    decode(send("GET", path, Body::None, None).await?)
}

pub async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    csrf: Option<&str>,
) -> Result<T, Failure> {
    decode(send("POST", path, json(body), csrf).await?)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    csrf: Option<&str>,
) -> Result<T, Failure> {
    decode(send("PUT", path, json(body), csrf).await?)
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    csrf: Option<&str>,
) -> Result<T, Failure> {
    decode(send("PATCH", path, json(body), csrf).await?)
}

/// POST without a body (logout, "send reminders now").
pub async fn post_empty<T: DeserializeOwned>(path: &str, csrf: Option<&str>) -> Result<T, Failure> {
    decode(send("POST", path, Body::None, csrf).await?)
}

pub async fn post_file<T: DeserializeOwned>(
    path: &str,
    file: web_sys::File,
    content_type: &'static str,
    csrf: Option<&str>,
) -> Result<T, Failure> {
    decode(send("POST", path, Body::File(file, content_type), csrf).await?)
}

/// The body of a 2xx that is not read (202, 204).
pub type Ignored = IgnoredAny;

/// Data being loaded: `None` while loading.
pub type Load<T> = Option<Result<Rc<T>, Failure>>;

/// GETs `path` when the component appears and whenever `reload` changes; a 401 signs the console out.
#[hook]
pub fn use_get<T: DeserializeOwned + 'static>(
    path: String,
    reload: u32,
) -> UseStateHandle<Load<T>> {
    let ctx = use_ctx();
    let state = use_state(|| None);
    {
        let state = state.clone();
        use_effect_with((path, reload), move |(path, _)| {
            let path = path.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = get::<T>(&path).await;
                if let Err(f) = &result {
                    ctx.failed(f);
                }
                state.set(Some(result.map(Rc::new)));
            });
        });
    }
    state
}

impl Ctx {
    /// Every failed request passes here: a 401 means the session is gone.
    pub fn failed(&self, f: &Failure) {
        if f.status == Some(401) {
            self.expired.emit(());
        }
    }
}
