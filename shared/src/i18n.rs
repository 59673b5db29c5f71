//! Bilingual text. Bahasa Indonesia is the default; English is optional and falls back to Indonesian.

use serde::{Deserialize, Serialize};

/// A language the user interface and messages are offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    /// The BCP 47 tag, as used in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// Parses a tag such as `en`, `en-US` or `id-ID`; anything unknown is `None`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A user-visible text in Indonesian (required) and English (optional, falls back to Indonesian).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Text {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            id: id.into(),
            en: Some(en.into()),
        }
    }

    pub fn id_only(id: impl Into<String>) -> Self {
        Text {
            id: id.into(),
            en: None,
        }
    }

    /// The text in `lang`, falling back to Indonesian when there is no (non-empty) English.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => en,
            _ => &self.id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_falls_back_to_indonesian() {
        let t = Text::id_only("Selamat datang");
        assert_eq!(t.get(Lang::En), "Selamat datang");
        let t = Text {
            id: "Ya".into(),
            en: Some("  ".into()),
        };
        assert_eq!(t.get(Lang::En), "Ya");
        assert_eq!(Text::new("Ya", "Yes").get(Lang::En), "Yes");
        assert_eq!(Text::new("Ya", "Yes").get(Lang::Id), "Ya");
    }

    #[test]
    fn parses_language_tags() {
        assert_eq!(Lang::from_code("en-US"), Some(Lang::En));
        assert_eq!(Lang::from_code("id_ID"), Some(Lang::Id));
        assert_eq!(Lang::from_code("in"), Some(Lang::Id));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }
}
