//! sea-orm entities. They never cross the wire: handlers convert them to `serap_shared` types.

pub mod account;
pub mod audit_entry;
pub mod counter;
pub mod fold_queue;
pub mod org_unit;
pub mod outbox_message;
pub mod person;
pub mod response;
pub mod role_assignment;
pub mod session;
pub mod survey;
pub mod survey_version;
pub mod wave;
