//! Signing in, and a forgotten password: `/console/login`, `/console/forgot`, `/console/reset/<token>`.

use serap_shared::api::{LoginRequest, Me, PasswordResetConfirm, PasswordResetRequest};
use serap_shared::i18n::Text;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::api::{self, Failure, Ignored};
use super::i18n::{Key, both};
use super::use_ctx;
use super::widgets::{field_error, link};
use crate::app::navigate;

/// Passwords are at least this long (the server's rule).
const MIN_PASSWORD: usize = 10;

fn value(input: &NodeRef) -> String {
    input
        .cast::<HtmlInputElement>()
        .map(|i| i.value())
        .unwrap_or_default()
}

fn focus(input: &NodeRef) {
    if let Some(i) = input.cast::<HtmlInputElement>() {
        let _ = i.focus();
    }
}

#[component]
pub fn Login() -> Html {
    let ctx = use_ctx();
    let email = use_node_ref();
    let password = use_node_ref();
    let busy = use_state(|| false);
    let error = use_state(|| None::<Failure>);
    let onsubmit = {
        let (ctx, email, password) = (ctx.clone(), email.clone(), password.clone());
        let (busy, error) = (busy.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let request = LoginRequest {
                email: value(&email).trim().to_owned(),
                password: value(&password),
            };
            busy.set(true);
            error.set(None);
            let (ctx, busy, error, password) =
                (ctx.clone(), busy.clone(), error.clone(), password.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api::post::<_, Me>("/api/v1/auth/login", &request, None).await {
                    Ok(me) => ctx.signed_in.emit(me),
                    Err(f) => {
                        busy.set(false);
                        error.set(Some(f));
                        focus(&password);
                    }
                }
            });
        })
    };
    let message = (*error).as_ref().map(|f| match f.status {
        Some(401) => ctx.t(Key::WrongCredentials).to_owned(),
        Some(429) => f.wait_message(ctx.lang),
        _ => f.message(ctx.lang),
    });
    html! {
        <section class="card narrow" aria-labelledby="login-title">
            <h1 id="login-title">{ ctx.t(Key::LoginTitle) }</h1>
            <p class="help">{ ctx.t(Key::LoginLead) }</p>
            if let Some(flash) = ctx.flash {
                <p id="flash" class="status" role="status">{ ctx.t(flash) }</p>
            }
            <form class="stack" {onsubmit}>
                <div>
                    <label for="login-email" class="field-label">{ ctx.t(Key::Email) }</label>
                    <input id="login-email" ref={email} class="text" type="email" name="email"
                        autocomplete="username" inputmode="email" required=true />
                </div>
                <div>
                    <label for="login-password" class="field-label">{ ctx.t(Key::Password) }</label>
                    <input id="login-password" ref={password} class="text" type="password" name="password"
                        autocomplete="current-password" required=true
                        aria-describedby={message.as_ref().map(|_| "login-error")} />
                </div>
                if let Some(message) = message {
                    <p id="login-error" class="error" role="alert">{ message }</p>
                }
                <button id="login-submit" type="submit" class="wide" disabled={*busy}>
                    { ctx.t(if *busy { Key::SigningIn } else { Key::SignIn }) }
                </button>
            </form>
            <p>{ link("/console/forgot", None, html! { ctx.t(Key::ForgotLink) }) }</p>
        </section>
    }
}

#[component]
pub fn Forgot() -> Html {
    let ctx = use_ctx();
    let email = use_node_ref();
    let busy = use_state(|| false);
    let sent = use_state(|| false);
    let error = use_state(|| None::<Failure>);
    let onsubmit = {
        let (email, busy, sent, error) = (email.clone(), busy.clone(), sent.clone(), error.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let request = PasswordResetRequest {
                email: value(&email).trim().to_owned(),
            };
            busy.set(true);
            error.set(None);
            let (busy, sent, error) = (busy.clone(), sent.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    api::post::<_, Ignored>("/api/v1/auth/password-reset", &request, None).await;
                busy.set(false);
                match result {
                    // Whether the address has an account is not told: the same answer either way.
                    Ok(_) => sent.set(true),
                    Err(f) if f.status == Some(404) && f.body.is_some() => sent.set(true),
                    Err(f) => error.set(Some(f)),
                }
            });
        })
    };
    let problem = (*error).as_ref().map(|f| match f.status {
        Some(422) | Some(400) => ctx.t(Key::EmailInvalid).to_owned(),
        Some(429) => f.wait_message(ctx.lang),
        _ => f.message(ctx.lang),
    });
    html! {
        <section class="card narrow" aria-labelledby="forgot-title">
            <h1 id="forgot-title">{ ctx.t(Key::ForgotTitle) }</h1>
            if *sent {
                <p id="forgot-sent" class="status" role="status">{ ctx.t(Key::ForgotSent) }</p>
            } else {
                <p class="help">{ ctx.t(Key::ForgotLead) }</p>
                <form class="stack" {onsubmit}>
                    <div>
                        <label for="forgot-email" class="field-label">{ ctx.t(Key::Email) }</label>
                        <input id="forgot-email" ref={email} class="text" type="email" name="email"
                            autocomplete="username" inputmode="email" required=true />
                    </div>
                    if let Some(problem) = problem {
                        <p id="forgot-error" class="error" role="alert">{ problem }</p>
                    }
                    <button id="forgot-submit" type="submit" class="wide" disabled={*busy}>
                        { ctx.t(Key::SendLink) }
                    </button>
                </form>
            }
            <p>{ link("/console/login", None, html! { ctx.t(Key::BackToLogin) }) }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ResetProps {
    pub token: AttrValue,
}

#[component]
pub fn Reset(props: &ResetProps) -> Html {
    let ctx = use_ctx();
    let password = use_node_ref();
    let confirm = use_node_ref();
    let busy = use_state(|| false);
    // Messages: about the link (token), the password, the confirmation, and anything else.
    let token_error = use_state(|| None::<Text>);
    let password_error = use_state(|| None::<Text>);
    let confirm_error = use_state(|| None::<Text>);
    let other = use_state(|| None::<Failure>);
    let onsubmit = {
        let token = props.token.to_string();
        let ctx = ctx.clone();
        let (password, confirm, busy) = (password.clone(), confirm.clone(), busy.clone());
        let (token_error, password_error, confirm_error, other) = (
            token_error.clone(),
            password_error.clone(),
            confirm_error.clone(),
            other.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let new = value(&password);
            let again = value(&confirm);
            token_error.set(None);
            other.set(None);
            let short = new.chars().count() < MIN_PASSWORD;
            password_error.set(short.then(|| both(Key::PasswordTooShort)));
            let differ = new != again;
            confirm_error.set(differ.then(|| both(Key::PasswordMismatch)));
            if short {
                focus(&password);
                return;
            }
            if differ {
                focus(&confirm);
                return;
            }
            busy.set(true);
            let request = PasswordResetConfirm {
                token: token.clone(),
                password: new,
            };
            let (ctx, busy, password) = (ctx.clone(), busy.clone(), password.clone());
            let (token_error, password_error, other) =
                (token_error.clone(), password_error.clone(), other.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result =
                    api::post::<_, Ignored>("/api/v1/auth/password-reset/confirm", &request, None)
                        .await;
                busy.set(false);
                match result {
                    Ok(_) => {
                        ctx.set_flash.emit(Some(Key::PasswordChanged));
                        navigate("/console/login");
                    }
                    Err(f) => {
                        let about_token = f.field("token");
                        let about_password = f.field("password");
                        if about_password.is_some() {
                            focus(&password);
                        }
                        if about_token.is_none() && about_password.is_none() {
                            other.set(Some(f));
                        }
                        token_error.set(about_token);
                        password_error.set(about_password);
                    }
                }
            });
        })
    };
    let lang = ctx.lang;
    html! {
        <section class="card narrow" aria-labelledby="reset-title">
            <h1 id="reset-title">{ ctx.t(Key::ResetTitle) }</h1>
            <p class="help">{ ctx.t(Key::ResetLead) }</p>
            if let Some(text) = &*token_error {
                <div id="reset-token-error" class="error" role="alert">
                    <p>{ text.get(lang).to_owned() }</p>
                    <p>{ link("/console/forgot", None, html! { ctx.t(Key::RequestNewLink) }) }</p>
                </div>
            }
            <form class="stack" {onsubmit}>
                <div>
                    <label for="reset-password" class="field-label">{ ctx.t(Key::NewPassword) }</label>
                    <p id="reset-password-help" class="help small">{ ctx.t(Key::PasswordRule) }</p>
                    { field_error(lang, "reset-password-error", password_error.as_ref()) }
                    <input id="reset-password" ref={password} class="text" type="password"
                        autocomplete="new-password" required=true
                        aria-invalid={password_error.as_ref().map(|_| "true")}
                        aria-describedby={if password_error.is_some() { "reset-password-help reset-password-error" } else { "reset-password-help" }} />
                </div>
                <div>
                    <label for="reset-confirm" class="field-label">{ ctx.t(Key::ConfirmPassword) }</label>
                    { field_error(lang, "reset-confirm-error", confirm_error.as_ref()) }
                    <input id="reset-confirm" ref={confirm} class="text" type="password"
                        autocomplete="new-password" required=true
                        aria-invalid={confirm_error.as_ref().map(|_| "true")}
                        aria-describedby={confirm_error.as_ref().map(|_| "reset-confirm-error")} />
                </div>
                if let Some(f) = &*other {
                    <p id="reset-error" class="error" role="alert">{ f.message(lang) }</p>
                }
                <button id="reset-submit" type="submit" class="wide" disabled={*busy}>
                    { ctx.t(Key::SavePassword) }
                </button>
            </form>
            <p>{ link("/console/login", None, html! { ctx.t(Key::BackToLogin) }) }</p>
        </section>
    }
}
