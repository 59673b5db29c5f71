//! The counter keys and buckets the report engine reads besides the per-question ones (written by
//! [`crate::survey::contributions`]), and the ids of the template questions (`crate::templates`) its domain
//! analyses look for. Derived buckets contain a `.`, which no option or question id can, so they never
//! collide with an id.

/// Key counting respondents who answered a question (bucket = the question id), for the question kinds
/// whose other counters do not give that number: multiple choice and likert matrix.
pub const ANSWERED_KEY: &str = "_answered";

/// Key of the per-respondent competency counters (PermenPANRB 38/2017), written when the response has a
/// job level with a required level and at least one managerial or socio-cultural competency answer:
///
/// - `jpm`: count 1, sum = the respondent's JPM (Σ actual / Σ required × 100) in whole hundredths of a
///   percent ([`JPM_SCALE`]), so that sums are exact whatever order shards are added in;
/// - `optimal`, `cukup`, `kurang`: count 1 in the respondent's JPM category;
/// - `<question>.required`: count 1, sum = the required level;
/// - `<question>.gap`: count 1, sum = actual - required;
/// - `<question>.below`: count 1 when actual < required.
pub const COMPETENCY_KEY: &str = "_competency";
/// Bucket of [`COMPETENCY_KEY`] carrying each respondent's JPM.
pub const JPM_BUCKET: &str = "jpm";
/// The `jpm` bucket's sum is JPM (in %) x this, rounded.
pub const JPM_SCALE: f64 = 100.0;
/// Suffixes of the per-competency buckets of [`COMPETENCY_KEY`].
pub const REQUIRED_SUFFIX: &str = "required";
pub const GAP_SUFFIX: &str = "gap";
pub const BELOW_SUFFIX: &str = "below";

/// Key of the training-needs counters:
///
/// - `priority.<topic>`: count 1, sum = the urgency (1..4), for a respondent whose top priority is `topic`
///   and who rated its urgency;
/// - `jp.below_20`: count 1, sum = 20 - JP, for a respondent with fewer than 20 JP this year.
pub const TRAINING_KEY: &str = "_training";
pub const PRIORITY_PREFIX: &str = "priority.";
pub const JP_BELOW_BUCKET: &str = "jp.below_20";

/// Training needs template: the topics (multiple choice), the top priority among them (single choice), its
/// urgency (likert) and JP of competency development this year (number).
pub const TRAINING_TOPICS_ID: &str = "topik";
pub const TRAINING_PRIORITY_ID: &str = "topik_prioritas";
pub const TRAINING_URGENCY_ID: &str = "urgensi";
pub const TRAINING_JP_ID: &str = "jp_tahun_ini";

/// Socialisation template: the acceptance items (likert matrix, or one likert) and the concerns (multiple
/// choice).
pub const ACCEPTANCE_ID: &str = "penerimaan";
pub const CONCERNS_ID: &str = "kekhawatiran";

/// SKM template: the nine elements U1..U9, each a 4-point likert.
pub const SKM_ELEMENT_IDS: [&str; 9] = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"];

/// The bucket `<question>.<what>` of [`COMPETENCY_KEY`].
pub fn competency_bucket(question_id: &str, what: &str) -> String {
    format!("{question_id}.{what}")
}

/// The bucket `priority.<topic>` of [`TRAINING_KEY`].
pub fn priority_bucket(topic: &str) -> String {
    format!("{PRIORITY_PREFIX}{topic}")
}

/// Key of the per-release-group respondent counters: bucket = a release group (a question id, or
/// [`COMPETENCY_KEY`], [`TRAINING_KEY`]), count 1 per response that moved any counter of that group. Their
/// count is the group's base: how many respondents its figures describe (see [`super::release`]).
pub const BASE_KEY: &str = "_base";

/// Key of the membership rows of released counters: on the row of an atom's holder unit, bucket = the id
/// of a unit whose responses the atom holds (the holder included), count 1. Never a live counter.
pub const MEMBER_KEY: &str = "_member";
