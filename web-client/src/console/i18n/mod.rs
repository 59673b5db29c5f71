//! The console's text in Bahasa Indonesia (default) and English. Kept apart from the respondent's strings
//! (`crate::i18n`) so they never reach the respondent's download; the language choice is shared.
//!
//! `Key` names every string; the texts are in one file per part of the console (`common` for the frame,
//! the errors and the words several pages use). Every key has its text in exactly one of them (checked by
//! the test below).

mod accounts;
mod auth;
mod common;
mod digests;
mod people;
mod reports;
mod waves;

use serap_shared::i18n::{Lang, Text};

/// Declares `Key`, and `ALL` (every key) for the test.
macro_rules! keys {
    ($($key:ident,)*) => {
        /// Every console string, by key.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key {
            $($key,)*
        }

        #[cfg(test)]
        const ALL: &[Key] = &[$(Key::$key,)*];
    };
}

keys! {
    // The frame, errors and shared words (`common.rs`).
    SkipToContent,
    SwitchLanguage,
    SwitchLanguageLabel,
    Console,
    ConsoleTitle,
    MenuLabel,
    Loading,
    Retry,
    NetworkError,
    SessionExpired,
    Forbidden,
    NotAvailable,
    ServerError,
    TooManyAttempts,
    Minutes,
    Seconds,
    NotFoundTitle,
    NotFoundBody,
    BackToConsole,
    AdminOnlyTitle,
    AdminOnly,
    Email,
    PasswordRule,
    PasswordTooShort,
    SignedOut,
    SignedInAs,
    YourRoles,
    NoRoles,
    SignOut,
    Sections,
    NavHome,
    NavPeople,
    NavAccounts,
    NavWaves,
    NavReports,
    NavDigests,
    DigestsAbout,
    PeopleAbout,
    AccountsAbout,
    WavesAbout,
    RoleAdmin,
    RoleManager,
    RoleLeader,
    RoleViewer,
    WholeCity,
    OneUnit,
    FilterPeopleHint,
    Name,
    Unit,
    WaveOpen,
    WaveClosed,
    DeliveryPending,
    DeliverySending,
    DeliverySent,
    DeliveryFailed,
    ReportsAbout,
    // Signing in and passwords (`auth.rs`).
    LoginTitle,
    LoginLead,
    Password,
    SignIn,
    SigningIn,
    WrongCredentials,
    ForgotLink,
    ForgotTitle,
    ForgotLead,
    ForgotSent,
    SendLink,
    EmailInvalid,
    BackToLogin,
    ResetTitle,
    ResetLead,
    NewPassword,
    ConfirmPassword,
    PasswordMismatch,
    SavePassword,
    RequestNewLink,
    PasswordChanged,
    // The staff roster (`people.rs`).
    PeopleTitle,
    ImportTitle,
    ImportHelp,
    ChooseCsv,
    ImportDryRunNote,
    Checking,
    DryRunSummary,
    ImportSummary,
    ImportTableCaption,
    Line,
    RowName,
    Action,
    Problems,
    ActionCreate,
    ActionUpdate,
    ActionUnchanged,
    ActionRejected,
    ImportBlocked,
    ImportReady,
    Import,
    CheckAgain,
    ImportDone,
    PeopleList,
    PeopleCount,
    Filter,
    ShowingOf,
    JobLevel,
    // Accounts and roles (`accounts.rs`).
    AccountsTitle,
    AccountList,
    Inactive,
    EditRoles,
    SaveRoles,
    Cancel,
    RolesSaved,
    RoleN,
    Role,
    Scope,
    RemoveRole,
    AddRole,
    Roles,
    NewAccount,
    InitialPassword,
    NameRequired,
    EmailTaken,
    CreateAccount,
    AccountCreated,
    // Waves, invitations and reminders (`waves.rs`).
    WavesTitle,
    NoWaves,
    Anonymous,
    Confidential,
    Identified,
    AllWaves,
    WaveNotFound,
    Invitations,
    InvitedTotal,
    ByAnswer,
    ByDelivery,
    StateOpen,
    StateAnswered,
    StateExpired,
    StateOpened,
    StateNotOpened,
    ByOpening,
    OpenedColumn,
    AnonymousInvitationsNotice,
    OpenLinkClosed,
    OpenLinkWarning,
    AllowOpenLink,
    CloseOpenLink,
    InvitePeople,
    InviteHelp,
    Units,
    SubtreeNote,
    People,
    FindPeople,
    NoEmail,
    ChooseAudience,
    SendInvitations,
    InviteResult,
    WithoutEmail,
    Reminders,
    RemindersHelp,
    IntervalHours,
    MaxReminders,
    IntervalRange,
    MaxRange,
    SavePolicy,
    Saved,
    SendRemindersNow,
    RemindersQueued,
    ResponseRates,
    NoInvitationsYet,
    Invited,
    Answered,
    Rate,
    InvitationList,
    ShowState,
    All,
    Answer,
    Delivery,
    RemindersSent,
    ViewReport,
    // Reports (`reports.rs`).
    ReportsTitle,
    ReportsLead,
    AllReports,
    ReportTitle,
    Respondents,
    ThresholdK,
    Headcount,
    HiddenK,
    NoAnswersYet,
    LiveConnecting,
    LiveOn,
    LiveNew,
    LiveUpdated,
    LiveOff,
    LiveUnavailable,
    Filters,
    FilterUnit,
    AllScopeUnits,
    FilterSector,
    AllSectors,
    NoSector,
    Downloads,
    ExportCsv,
    ExportXlsx,
    ExportRaw,
    Summary,
    ByQuestion,
    Mean,
    Sd,
    Top2,
    AnsweredN,
    TextOnly,
    MeanPosition,
    Promoters,
    Passives,
    Detractors,
    TotalMinutes,
    Tasks,
    Ikm,
    SkmTitle,
    SkmElements,
    Element,
    Nrr,
    Weighted,
    MinSample,
    SampleOk,
    SampleShort,
    IkmByUnit,
    Grade,
    Acceptance,
    AcceptanceOf,
    Favourable,
    AcceptanceItems,
    Concerns,
    Item,
    Index,
    Jpm,
    Assessed,
    Heatmap,
    HeatmapHelp,
    Competency,
    Staffing,
    Shortage,
    Surplus,
    Balanced,
    Required,
    Current,
    Gap,
    StaffingBySector,
    StaffingByUnit,
    Training,
    TopTopics,
    Topic,
    Chosen,
    Priority,
    Score,
    JpMean,
    Breakdown,
    ByUnit,
    BySector,
    OwnOnly,
    Headline,
    Sector,
    Changes,
    Indicator,
    Previous,
    Change,
    Comments,
    CommentsHidden,
    ReleasedInSteps,
    HeldBack,
    CommentsTotal,
    Keywords,
    NoComments,
    NoReportWaves,
    InvitedRate,
    FiguresFor,
    // Email digests (`digests.rs`).
    DigestsTitle,
    DigestsLead,
    DigestSubscriptions,
    NoDigests,
    DigestWholeCity,
    DigestActive,
    DigestUnsubscribed,
    DigestScope,
    DigestCadences,
    DigestLanguage,
    DigestLastSent,
    DigestNotYet,
    DigestNothingToSend,
    DigestFailures,
    Preview,
    PreviewFor,
    CadenceDaily,
    CadenceWeekly,
    CadenceWaveClosed,
    NewDigest,
    DigestUnits,
    DigestLeaderAccount,
    DigestLeaderAccountHelp,
    DigestNoAccount,
    DigestUnitsHelp,
    DigestPickUnit,
    DigestChooseUnit,
    DigestAddUnit,
    DigestSubscribe,
    DigestCreated,
    FailedDigests,
    NoFailedDigests,
    DigestAttempts,
    RetryDigest,
    RetryDigestFor,
    DigestRequeued,
}

/// A string in Bahasa Indonesia and English.
type Texts = (&'static str, &'static str);

fn texts(key: Key) -> Texts {
    common::texts(key)
        .or_else(|| auth::texts(key))
        .or_else(|| people::texts(key))
        .or_else(|| accounts::texts(key))
        .or_else(|| waves::texts(key))
        .or_else(|| reports::texts(key))
        .or_else(|| digests::texts(key))
        .unwrap_or(("", ""))
}

pub fn t(lang: Lang, key: Key) -> &'static str {
    let (id, en) = texts(key);
    match lang {
        Lang::Id => id,
        Lang::En => en,
    }
}

/// Both languages of a text, for messages kept while the language may change.
pub fn both(key: Key) -> Text {
    let (id, en) = texts(key);
    Text::new(id, en)
}

#[cfg(test)]
mod tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test(unsupported = test)]
    fn every_key_has_its_text_in_one_part() {
        let parts: [fn(Key) -> Option<Texts>; 7] = [
            common::texts,
            auth::texts,
            people::texts,
            accounts::texts,
            waves::texts,
            reports::texts,
            digests::texts,
        ];
        for &key in ALL {
            let found: Vec<_> = parts.iter().filter_map(|texts| texts(key)).collect();
            assert_eq!(found.len(), 1, "{key:?}");
            let (id, en) = found[0];
            assert!(!id.is_empty() && !en.is_empty(), "{key:?}");
        }
    }
}
