//! The survey model: definitions (sections of questions with conditional display), answers, validation of
//! both, and the aggregate contributions an accepted response makes to the report counters. The browser
//! (instant feedback) and the server (authority) run exactly this code.

mod aggregate;
mod condition;
mod model;
mod sample;
mod validate;
mod wire;
#[cfg(test)]
mod wire_tests;

pub use aggregate::{Contribution, RESPONSES_KEY, contributions};
pub use condition::{is_visible, visible_question_ids};
pub use model::*;
pub use sample::example_answers;
pub use validate::{
    Problem, set_number_format, validate_answer, validate_definition, validate_response,
};
