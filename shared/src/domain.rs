//! Domain newtypes, parsed at the boundary: past it, no raw strings travel.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{CreateAccount, RoleInput};
use crate::error::FieldError;

/// An email address that passed a structural check (one `@`, non-empty local part, a dotted domain,
/// no spaces or control characters, at most 254 characters), in the form addresses are stored and compared
/// in: trimmed and lower-cased (`Budi.Santoso@SerangKota.go.id` is `budi.santoso@serangkota.go.id`).
/// Whether it exists is the mail server's business.
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
    /// The stored form of whatever `raw` is (trimmed, lower-cased), without checking that it is an
    /// address: for looking up text that only has to match stored addresses, such as a sign-in form's.
    pub fn normalize(raw: &str) -> String {
        raw.trim().to_lowercase()
    }

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
        Ok(EmailAddress(Self::normalize(s)))
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

/// A role an account holds (docs/design.md invariant 6), written `admin`, `manager`, `leader` or `viewer` on the
/// wire and in the database. Every role reads reports, of its unit and the units below it or, granted
/// without a unit, of the whole city.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs Serap: accounts, units, the roster, surveys, waves; sees every report, whatever its unit.
    Admin,
    Manager,
    /// A head of unit or of the city: the one role digests are sent to.
    Leader,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Leader, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Leader => "leader",
            Role::Viewer => "viewer",
        }
    }

    /// The role written `text`; anything else is `None`.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Whether the role may read reports (within its scope).
    pub fn reads_reports(self) -> bool {
        matches!(
            self,
            Role::Admin | Role::Manager | Role::Leader | Role::Viewer
        )
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role held for a unit and its subtree, or for the whole city (`unit_id` `None`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Grant {
    pub role: Role,
    pub unit_id: Option<Uuid>,
}

/// A password chosen for an account: at least [`Password::MIN`] characters, long enough for a passphrase,
/// short enough to type on a phone. Kept as typed (not trimmed); `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password was refused; its text is the field message clients show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("kata sandi minimal 10 karakter / password: at least 10 characters")]
pub struct PasswordError;

impl Password {
    pub const MIN: usize = 10;

    pub fn parse(raw: &str) -> Result<Password, PasswordError> {
        if raw.chars().count() < Self::MIN {
            return Err(PasswordError);
        }
        Ok(Password(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(..)")
    }
}

/// An account to create (`POST /api/v1/accounts`), every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub email: EmailAddress,
    pub name: Name,
    pub password: Password,
    pub roles: Vec<Grant>,
}

impl NewAccount {
    /// Checks `input`; `unit_of` gives the id of a unit code, `None` for an unknown one. Every problem is
    /// reported, at `name`, `password`, then `roles[i].role` and `roles[i].unit_code` in order.
    pub fn parse(
        input: &CreateAccount,
        unit_of: impl Fn(&str) -> Option<Uuid>,
    ) -> Result<NewAccount, Vec<FieldError>> {
        let mut problems = Vec::new();
        let name = Name::parse(&input.name)
            .map_err(|_| {
                problems.push(FieldError::new(
                    "name",
                    "nama wajib, maks. 200 / name required, max 200",
                ))
            })
            .ok();
        let password = Password::parse(&input.password)
            .map_err(|e| problems.push(FieldError::new("password", e.to_string())))
            .ok();
        let roles = parse_grants(&input.roles, unit_of)
            .map_err(|more| problems.extend(more))
            .ok();
        match (name, password, roles) {
            (Some(name), Some(password), Some(roles)) => Ok(NewAccount {
                email: input.email.clone(),
                name,
                password,
                roles,
            }),
            _ => Err(problems),
        }
    }
}

/// Checks roles to grant and resolves their unit codes with `unit_of` (no code, or an empty one: the whole
/// city). Problems are reported at `roles[i].role` / `roles[i].unit_code`.
pub fn parse_grants(
    roles: &[RoleInput],
    unit_of: impl Fn(&str) -> Option<Uuid>,
) -> Result<Vec<Grant>, Vec<FieldError>> {
    let mut problems = Vec::new();
    let mut grants = Vec::new();
    for (i, input) in roles.iter().enumerate() {
        let role = Role::parse(&input.role);
        if role.is_none() {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            problems.push(FieldError::new(
                format!("roles[{i}].role"),
                format!("peran tidak dikenal ({}) / unknown role", known.join(", ")),
            ));
        }
        let unit_id = match input.unit_code.as_deref() {
            None | Some("") => None,
            Some(code) => {
                let found = unit_of(code);
                if found.is_none() {
                    problems.push(FieldError::new(
                        format!("roles[{i}].unit_code"),
                        "kode unit tidak dikenal / unknown unit code",
                    ));
                }
                found
            }
        };
        if let Some(role) = role {
            grants.push(Grant { role, unit_id });
        }
    }
    if problems.is_empty() {
        Ok(grants)
    } else {
        Err(problems)
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
    fn accepts_ordinary_addresses_in_lower_case() {
        let e = EmailAddress::parse(" Budi.Santoso@SerangKota.go.id ").unwrap();
        assert_eq!(e.as_str(), "budi.santoso@serangkota.go.id");
        assert_eq!(
            EmailAddress::normalize(" Budi.Santoso@SerangKota.go.id "),
            e.as_str()
        );
        let e: EmailAddress = serde_json::from_str("\"SEKDA@SerangKota.go.id\"").unwrap();
        assert_eq!(e.to_string(), "sekda@serangkota.go.id");
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

    #[test]
    fn roles_keep_their_wire_names() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(serde_json::from_str::<Role>(&json).unwrap(), role);
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(
            Role::ALL.map(Role::as_str),
            ["admin", "manager", "leader", "viewer"]
        );
        assert_eq!(Role::parse("Admin"), None);
        assert!(Role::ALL.into_iter().all(Role::reads_reports));
    }

    #[test]
    fn passwords_need_ten_characters_and_stay_out_of_logs() {
        assert_eq!(Password::parse("pendek"), Err(PasswordError));
        assert_eq!(Password::parse("123456789"), Err(PasswordError));
        let password = Password::parse(" é-sandi-10").unwrap();
        assert_eq!(password.as_str(), " é-sandi-10");
        assert_eq!(format!("{password:?}"), "Password(..)");
    }

    fn account(name: &str, password: &str, roles: &[(&str, Option<&str>)]) -> CreateAccount {
        CreateAccount {
            email: EmailAddress::parse("Kalak.BPBD@SerangKota.go.id").unwrap(),
            name: name.into(),
            password: password.into(),
            roles: roles
                .iter()
                .map(|(role, unit)| RoleInput {
                    role: role.to_string(),
                    unit_code: unit.map(str::to_string),
                })
                .collect(),
        }
    }

    #[test]
    fn new_accounts_report_every_problem_in_field_order() {
        let bpbd = Uuid::from_u128(7);
        let unit_of = |code: &str| (code == "BPBD").then_some(bpbd);
        let ok = NewAccount::parse(
            &account(
                " Kepala Pelaksana BPBD ",
                "kata-sandi-rahasia",
                &[
                    ("manager", Some("BPBD")),
                    ("viewer", Some("")),
                    ("leader", None),
                ],
            ),
            unit_of,
        )
        .unwrap();
        assert_eq!(ok.email.as_str(), "kalak.bpbd@serangkota.go.id");
        assert_eq!(ok.name.as_str(), "Kepala Pelaksana BPBD");
        assert_eq!(
            ok.roles,
            [
                Grant {
                    role: Role::Manager,
                    unit_id: Some(bpbd)
                },
                Grant {
                    role: Role::Viewer,
                    unit_id: None
                },
                Grant {
                    role: Role::Leader,
                    unit_id: None
                },
            ]
        );
        let problems = NewAccount::parse(
            &account(
                " ",
                "pendek",
                &[("raja", Some("TIDAK-ADA")), ("viewer", Some("TIDAK-ADA"))],
            ),
            unit_of,
        )
        .unwrap_err();
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "name",
                "password",
                "roles[0].role",
                "roles[0].unit_code",
                "roles[1].unit_code"
            ]
        );
        assert_eq!(
            problems[2].message,
            "peran tidak dikenal (admin, manager, leader, viewer) / unknown role"
        );
    }
}
