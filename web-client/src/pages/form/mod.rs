//! The respondent form at `/f/:slug`, phone first: load the form -> (closed page) -> data protection notice
//! -> unit -> one section per screen -> queued submission -> receipt.
//!
//! The same page serves a personal invitation at `/s/:token` (`invitation`): the form comes with a greeting
//! and the invited person's unit, which is fixed (no unit step), and the answers go to the invitation's
//! endpoint. In an anonymous wave there is no greeting: opening the link obtains the invitation's one-time
//! credential (`services::credential`), and the answers go with it, without the token, to the wave's
//! open-link endpoint. A used, expired or unknown link shows why instead of the form.
//!
//! Nothing typed is lost: the draft is saved to localStorage on every change, and a submission is put in the
//! outbox before it is sent and stays there, retried with the same `submission_id`, until a 2xx arrives.
//!
//! - `state`: the page's model and what each message changes: loading, consent, unit, edits, steps;
//! - `checks`: what is wrong with the answers, from the shared validation and the server, by question;
//! - `sending`: loading the form, the outbox, retries and the invitation's credential;
//! - `view`: the page for each state: closed, notice, unit, one section, sending, receipt, errors;
//! - `questions` and `edits`: every question kind on screen, and how each edit changes the draft.

mod checks;
mod edits;
mod questions;
mod sending;
mod state;
mod view;

use serap_shared::api::{Credential, CredentialKey, PublicForm, Receipt};
use serap_shared::i18n::Lang;
use uuid::Uuid;
use yew::prelude::*;

use crate::services::api::ApiError;
use edits::Edit;

pub use state::FormPage;

/// The route's page: the form for `slug` (the invitation's token when `invitation`), in `lang`.
#[derive(Properties, PartialEq)]
pub struct PageProps {
    pub slug: AttrValue,
    pub invitation: bool,
    pub lang: Lang,
}

/// A loaded form, with the greeting, the fixed unit and (anonymous waves) the credential key of an
/// invitation.
type Loaded = (PublicForm, Option<Invite>);
type Invite = (String, Uuid, Option<CredentialKey>);

/// What happens to the page: an answer from the server, or something the respondent or the browser did.
pub enum Msg {
    Loaded(Result<Loaded, ApiError>),
    Reload,
    Accept,
    Unit(String),
    Edit(String, Edit),
    Next,
    Back,
    Submit,
    /// Send the queued submission (ignored unless the generation is current).
    Flush(u32),
    /// The browser is online again, or the respondent asked to retry now.
    Online,
    Sent(Uuid, Result<(u16, Receipt), ApiError>),
    /// After a 409: a new submission id for the same answers.
    Fresh,
    /// The invitation's one-time credential (anonymous waves).
    Credential(Result<Credential, ApiError>),
}
