//! sea-orm entities. They never cross the wire: handlers convert them to `serap_shared` types.

pub mod account;
pub mod audit_entry;
pub mod comment;
pub mod counter;
pub mod credential_issuance;
pub mod credential_key;
pub mod digest_period;
pub mod digest_subscription;
pub mod fold_queue;
pub mod invitation;
pub mod invitation_link;
pub mod invitation_response;
pub mod org_unit;
pub mod outbox_message;
pub mod password_reset;
pub mod person;
pub mod released_counter;
pub mod reminder_policy;
pub mod response;
pub mod role_assignment;
pub mod session;
pub mod spent_credential;
pub mod survey;
pub mod survey_version;
pub mod unanswered_invitation;
pub mod wave;
