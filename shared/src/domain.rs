//! Domain newtypes, parsed at the boundary: past it, no raw strings travel.

use serde::{Deserialize, Serialize};

/// An email address that passed a structural check (one `@`, non-empty local part, a dotted domain,
/// no spaces or control characters, at most 254 characters). Whether it exists is the mail server's
/// business.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = "email", example = "budi@serangkota.go.id"))]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("alamat email kosong / email address is empty")]
    Empty,
    #[error("alamat email tidak valid / not a valid email address")]
    Invalid,
}

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<EmailAddress, EmailError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let bad_char = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c);
        let labels_ok = domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'));
        if s.len() > 254
            || local.is_empty()
            || local.len() > 64
            || local.contains('@')
            || s.chars().any(bad_char)
            || !domain.contains('.')
            || !labels_ok
        {
            return Err(EmailError::Invalid);
        }
        Ok(EmailAddress(format!(
            "{local}@{}",
            domain.to_ascii_lowercase()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = EmailError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        EmailAddress::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name of a person, unit, wave or subscription: trimmed, not empty, at most [`Name::MAX`] characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Name(String);

/// Why a name was refused; its text is the field message clients show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("nama wajib diisi, paling panjang 200 karakter / name is required, at most 200 characters")]
pub struct NameError;

impl Name {
    pub const MAX: usize = 200;

    pub fn parse(raw: &str) -> Result<Name, NameError> {
        let name = raw.trim();
        if name.is_empty() || name.chars().count() > Self::MAX {
            return Err(NameError);
        }
        Ok(Name(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            Name::parse("  Dinas Kesehatan ").unwrap().as_str(),
            "Dinas Kesehatan"
        );
        assert_eq!(Name::parse(" \t "), Err(NameError));
        assert!(Name::parse(&"é".repeat(Name::MAX)).is_ok());
        assert_eq!(Name::parse(&"é".repeat(Name::MAX + 1)), Err(NameError));
    }

    #[test]
    fn accepts_ordinary_addresses_and_lowercases_the_domain() {
        let e = EmailAddress::parse(" Budi.Santoso@SerangKota.go.id ").unwrap();
        assert_eq!(e.as_str(), "Budi.Santoso@serangkota.go.id");
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "budi",
            "@serangkota.go.id",
            "budi@",
            "budi@localhost",
            "budi@@x.id",
            "bu di@x.id",
            "budi@x..id",
            "budi@-x.id",
            "<budi@x.id>",
        ] {
            assert!(
                EmailAddress::parse(bad).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }
}
