//! sea-orm entities. They never cross the wire: handlers convert them to `serap_shared` types.

pub mod outbox_message;
