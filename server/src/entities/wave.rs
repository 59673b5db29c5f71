use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "waves")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub survey_id: Uuid,
    pub survey_version_id: Uuid,
    pub name: String,
    pub slug: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    /// `identified`, `confidential` or `anonymous`.
    pub anonymity: String,
    /// Reporting threshold k for scores (never below 3).
    pub min_group_size: i32,
    /// Reporting threshold for free-text comments.
    pub min_comment_group_size: i32,
    pub created_at: DateTimeUtc,
    /// Whether the open link keeps accepting responses once the wave has invitations.
    pub open_link_with_audience: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
