//! What the respondent form keeps in localStorage so nothing is lost on a patchy network:
//! the draft of each form (`serap.form.<slug>`), the last copy of each form (`serap.formdef.<slug>`) and the
//! outbox of submissions waiting to be sent (`serap.outbox`). A personal invitation's are kept under
//! `s:<token>` in place of the slug; its one-time credential (anonymous waves) under `serap.cred.<token>`
//! (`credential.rs`).

use serap_shared::api::SubmitResponse;
use serap_shared::survey::Answers;
use uuid::Uuid;

use crate::services::json::{self, FromJson, ToJson};

const OUTBOX: &str = "serap.outbox";

/// Where the respondent is in the form.
pub const STEP_NOTICE: u32 = 0;
pub const STEP_UNIT: u32 = 1;
/// Section `i` of the definition is step `STEP_SECTION + i`.
pub const STEP_SECTION: u32 = 2;

/// A form being filled in, saved on every change. Written and read by `services::json` (fields other than
/// `submission_id` may be missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Generated once per filled form; every retry of the submission reuses it.
    pub submission_id: Uuid,
    pub consent: bool,
    pub unit_id: Option<Uuid>,
    pub step: u32,
    pub answers: Answers,
    /// What was typed where it differs from the answer: number inputs (`Text`) and workload rows (`List` of
    /// task, volume, minutes, task, ...). The same map type as the answers, to keep the code small.
    pub typed: Answers,
}

impl Draft {
    pub fn new() -> Self {
        Draft {
            submission_id: Uuid::new_v4(),
            consent: false,
            unit_id: None,
            step: STEP_NOTICE,
            answers: Answers::new(),
            typed: Answers::new(),
        }
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The value stored under `key`, as JSON.
pub fn get<T: FromJson>(key: &str) -> Option<T> {
    json::parse(&storage()?.get_item(key).ok()??)
}

/// Stores `value` under `key` as JSON.
pub fn set<T: ToJson + ?Sized>(key: &str, value: &T) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, &value.to_json());
    }
}

/// The text stored under `key`.
pub fn get_text(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

pub fn set_text(key: &str, text: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, text);
    }
}

pub fn delete(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn key(prefix: &str, slug: &str) -> String {
    let mut k = String::with_capacity(prefix.len() + slug.len());
    k.push_str(prefix);
    k.push_str(slug);
    k
}

pub fn load_draft(slug: &str) -> Option<Draft> {
    get(&key("serap.form.", slug))
}

pub fn save_draft(slug: &str, draft: &Draft) {
    set(&key("serap.form.", slug), draft);
}

pub fn clear_draft(slug: &str) {
    delete(&key("serap.form.", slug));
}

/// The form's JSON as it came (a `PublicForm`, or an `InvitationForm` for an invitation).
pub fn load_form_text(slug: &str) -> Option<String> {
    storage()?.get_item(&key("serap.formdef.", slug)).ok()?
}

/// Keeps the form's JSON exactly as it came (no need to serialise a definition again).
pub fn save_form_text(slug: &str, json: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(&key("serap.formdef.", slug), json);
    }
}

/// A submission waiting for a 2xx.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub slug: String,
    pub body: SubmitResponse,
}

fn outbox() -> Vec<Queued> {
    get(OUTBOX).unwrap_or_default()
}

/// The submission queued for this form, if any.
pub fn queued(slug: &str) -> Option<SubmitResponse> {
    outbox()
        .into_iter()
        .find(|q| q.slug == slug)
        .map(|q| q.body)
}

/// Queues `body` for this form (replacing an older one for the same form). Done before every first send.
pub fn enqueue(slug: &str, body: &SubmitResponse) {
    let mut items = outbox();
    items.retain(|q| q.slug != slug);
    items.push(Queued {
        slug: slug.to_owned(),
        body: body.clone(),
    });
    set(OUTBOX, &items);
}

/// Removes this submission from the queue (only this one: another tab may have queued a newer one).
pub fn dequeue(slug: &str, submission_id: Uuid) {
    let mut items = outbox();
    let before = items.len();
    items.retain(|q| !(q.slug == slug && q.body.submission_id == submission_id));
    if items.len() != before {
        if items.is_empty() {
            delete(OUTBOX);
        } else {
            set(OUTBOX, &items);
        }
    }
}
