//! NIP (Nomor Induk Pegawai, the PNS identity number) and NI PPPK (the contract staff number), both 18 digits.
//! See docs/domain.md, section "NIP".
//!
//! - PNS NIP: `YYYYMMDD` birth date, `YYYYMM` first appointment (TMT CPNS), `G` sex, `NNN` sequence.
//! - NI PPPK: `YYYYMMDD` birth date, `YYYY` appointment year, `2` marker, `F` contract count 1..9, `G` sex,
//!   `NNN` sequence.
//!
//! Positions 13-14 (1-based) tell them apart: a NIP has an appointment month there (`01`..`12`, first digit
//! `0` or `1`), an NI PPPK has the marker `2` followed by the contract count. A `2` at position 13 therefore
//! always means NI PPPK.
//!
//! A NIP is personal data (UU 27/2022 PDP): `Debug` prints `Nip(***)`, never the digits, so it cannot leak into
//! logs through `{:?}`. `Display` and serde do print the digits; use them only where the number is meant to be
//! shown or stored.

use serde::{Deserialize, Serialize};

/// Accepted birth years (both PNS and PPPK).
const BIRTH_YEARS: std::ops::RangeInclusive<u16> = 1940..=2015;
/// Accepted appointment years (TMT CPNS for PNS, appointment year for PPPK).
const APPOINTMENT_YEARS: std::ops::RangeInclusive<u16> = 1960..=2035;

/// A PNS NIP or NI PPPK that passed the structural check, stored as its 18 normalised digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "196608011988031001"))]
#[serde(try_from = "String", into = "String")]
pub struct Nip(String);

/// Which kind of civil servant number a [`Nip`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NipKind {
    /// PNS (Pegawai Negeri Sipil): NIP.
    Pns,
    /// PPPK (Pegawai Pemerintah dengan Perjanjian Kerja): NI PPPK.
    Pppk,
}

/// Sex as encoded in the number (`1` male, `2` female).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NipError {
    #[error("NIP kosong / NIP is empty")]
    Empty,
    #[error("NIP hanya boleh berisi angka / NIP must contain digits only")]
    NotDigits,
    #[error("NIP harus 18 digit, ditemukan {found} / NIP must have 18 digits, found {found}")]
    WrongLength { found: usize },
    #[error("tanggal lahir pada NIP tidak valid / invalid birth date in NIP")]
    BadBirthDate,
    #[error("tanggal pengangkatan pada NIP tidak valid / invalid appointment date in NIP")]
    BadAppointment,
    #[error("kode jenis kelamin pada NIP tidak valid / invalid sex digit in NIP")]
    BadSex,
    #[error("nomor urut pada NIP tidak valid / invalid sequence number in NIP")]
    BadSequence,
    #[error("jumlah kontrak pada NI PPPK tidak valid / invalid contract count in NI PPPK")]
    BadContract,
}

impl Nip {
    /// Parses a NIP or NI PPPK. Whitespace, dots and hyphens are ignored, so `19660801 198803 1 001`,
    /// `19660801.198803.1.001` and `196608011988031001` are the same number.
    ///
    /// ```
    /// use serap_shared::nip::{Nip, NipKind};
    /// let nip = Nip::parse("19660801 198803 1 001").unwrap();
    /// assert_eq!(nip.as_str(), "196608011988031001");
    /// assert_eq!(nip.kind(), NipKind::Pns);
    /// ```
    pub fn parse(raw: &str) -> Result<Nip, NipError> {
        let digits: String = raw
            .chars()
            .filter(|&c| !(c.is_whitespace() || c == '.' || c == '-'))
            .collect();
        if digits.is_empty() {
            return Err(NipError::Empty);
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NipError::NotDigits);
        }
        if digits.len() != 18 {
            return Err(NipError::WrongLength {
                found: digits.len(),
            });
        }
        let d = digits.as_bytes();

        let (birth_year, birth_month, birth_day) =
            (number(&d[0..4]), number(&d[4..6]), number(&d[6..8]));
        if !BIRTH_YEARS.contains(&birth_year)
            || !is_calendar_date(birth_year, birth_month, birth_day)
        {
            return Err(NipError::BadBirthDate);
        }

        let appointment_year = number(&d[8..12]);
        if !APPOINTMENT_YEARS.contains(&appointment_year) {
            return Err(NipError::BadAppointment);
        }
        if d[12] == b'2' {
            // NI PPPK: `2` marker, then the contract count.
            if appointment_year < birth_year {
                return Err(NipError::BadAppointment);
            }
            if d[13] == b'0' {
                return Err(NipError::BadContract);
            }
        } else {
            let appointment_month = number(&d[12..14]);
            if !(1..=12).contains(&appointment_month)
                || (appointment_year, appointment_month) < (birth_year, birth_month)
            {
                return Err(NipError::BadAppointment);
            }
        }

        if !matches!(d[14], b'1' | b'2') {
            return Err(NipError::BadSex);
        }
        if &d[15..18] == b"000" {
            return Err(NipError::BadSequence);
        }
        Ok(Nip(digits))
    }

    /// The 18 normalised digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn kind(&self) -> NipKind {
        if self.0.as_bytes()[12] == b'2' {
            NipKind::Pppk
        } else {
            NipKind::Pns
        }
    }

    /// Birth date as `(year, month, day)`.
    pub fn birth_date(&self) -> (u16, u8, u8) {
        let d = self.0.as_bytes();
        // Month and day are two digits, so they fit in a u8.
        (
            number(&d[0..4]),
            number(&d[4..6]) as u8,
            number(&d[6..8]) as u8,
        )
    }

    pub fn sex(&self) -> Sex {
        if self.0.as_bytes()[14] == b'1' {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Year of first appointment (TMT CPNS for PNS, appointment year for PPPK).
    pub fn appointment_year(&self) -> u16 {
        number(&self.0.as_bytes()[8..12])
    }

    /// The conventional grouped form: `YYYYMMDD YYYYMM G NNN` for PNS (e.g. `19660801 198803 1 001`),
    /// `YYYYMMDD YYYY 2F G NNN` for PPPK (e.g. `19900101 2021 21 1 001`). [`Nip::parse`] accepts it back.
    pub fn display(&self) -> String {
        let s = &self.0;
        match self.kind() {
            NipKind::Pns => format!("{} {} {} {}", &s[0..8], &s[8..14], &s[14..15], &s[15..18]),
            NipKind::Pppk => format!(
                "{} {} {} {} {}",
                &s[0..8],
                &s[8..12],
                &s[12..14],
                &s[14..15],
                &s[15..18]
            ),
        }
    }
}

/// Value of a run of ASCII digits (callers pass at most 4).
fn number(digits: &[u8]) -> u16 {
    digits
        .iter()
        .fold(0, |acc, &b| acc * 10 + u16::from(b - b'0'))
}

fn is_calendar_date(year: u16, month: u16, day: u16) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

impl TryFrom<String> for Nip {
    type Error = NipError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Nip::parse(&value)
    }
}

impl From<Nip> for String {
    fn from(value: Nip) -> Self {
        value.0
    }
}

/// The 18 digits. Personal data: do not log.
impl std::fmt::Display for Nip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Redacted: a NIP must never reach logs.
impl std::fmt::Debug for Nip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Nip(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_separators() {
        for raw in [
            "196608011988031001",
            "19660801 198803 1 001",
            "19660801.198803.1.001",
            "19660801-198803-1-001",
            " 19660801\t198803\u{a0}1 001\n",
            "1966.08.01 - 1988.03 - 1 - 001",
        ] {
            assert_eq!(
                Nip::parse(raw).unwrap().as_str(),
                "196608011988031001",
                "{raw:?}"
            );
        }
    }

    #[test]
    fn accepts_valid_numbers() {
        use NipKind::{Pns, Pppk};
        use Sex::{Female as F, Male as M};
        // (input, kind, birth date, sex, appointment year)
        type Row = (&'static str, NipKind, (u16, u8, u8), Sex, u16);
        let table: &[Row] = &[
            ("19660801 198803 1 001", Pns, (1966, 8, 1), M, 1988),
            ("198507142010012003", Pns, (1985, 7, 14), F, 2010),
            // Leap days, including a year divisible by 400.
            ("20000229 202001 2 999", Pns, (2000, 2, 29), F, 2020),
            ("19960229 202102 1 010", Pns, (1996, 2, 29), M, 2021),
            // Range bounds.
            ("19400101 196001 1 001", Pns, (1940, 1, 1), M, 1960),
            ("20151231 203512 2 999", Pns, (2015, 12, 31), F, 2035),
            // Appointment in the birth month is allowed (no minimum age is checked).
            ("19900515 199005 1 001", Pns, (1990, 5, 15), M, 1990),
            // NI PPPK.
            ("19900101 2021 21 1 001", Pppk, (1990, 1, 1), M, 2021),
            ("19850630 2023 29 2 045", Pppk, (1985, 6, 30), F, 2023),
            ("199001012021211001", Pppk, (1990, 1, 1), M, 2021),
            ("20100101.2010.23.1.999", Pppk, (2010, 1, 1), M, 2010),
        ];
        for &(raw, kind, birth, sex, year) in table {
            let nip = Nip::parse(raw).unwrap_or_else(|e| panic!("{raw:?} should parse: {e}"));
            let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
            assert_eq!(nip.as_str(), digits, "{raw:?}");
            assert_eq!(nip.to_string(), digits, "{raw:?}");
            assert_eq!(nip.kind(), kind, "{raw:?}");
            assert_eq!(nip.birth_date(), birth, "{raw:?}");
            assert_eq!(nip.sex(), sex, "{raw:?}");
            assert_eq!(nip.appointment_year(), year, "{raw:?}");
        }
    }

    #[test]
    fn rejects_invalid_numbers_with_the_right_error() {
        use NipError::*;
        let table: &[(&str, NipError)] = &[
            ("", Empty),
            ("   ", Empty),
            (" . - ", Empty),
            ("19660801 198803 1 00x", NotDigits),
            ("NIP 196608011988031001", NotDigits),
            ("19660801/198803/1/001", NotDigits),
            ("+196608011988031001", NotDigits),
            ("１９６６0801 198803 1 001", NotDigits),
            ("1", WrongLength { found: 1 }),
            ("19660801 198803 1 01", WrongLength { found: 17 }),
            ("19660801 198803 1 0010", WrongLength { found: 19 }),
            // Birth date.
            ("19390101 196001 1 001", BadBirthDate),
            ("20160101 203501 1 001", BadBirthDate),
            ("19660001 198803 1 001", BadBirthDate),
            ("19661301 198803 1 001", BadBirthDate),
            ("19660800 198803 1 001", BadBirthDate),
            ("19660832 198803 1 001", BadBirthDate),
            ("19660431 198803 1 001", BadBirthDate),
            ("19990229 202001 1 001", BadBirthDate),
            ("19990230 202001 2 001", BadBirthDate),
            ("19000101 196001 1 001", BadBirthDate),
            // PNS appointment (TMT CPNS).
            ("19400101 195912 1 001", BadAppointment),
            ("19660801 203601 1 001", BadAppointment),
            ("19660801 198800 1 001", BadAppointment),
            ("19660801 198813 1 001", BadAppointment),
            ("19660801 198830 1 001", BadAppointment),
            ("19660801 198899 1 001", BadAppointment),
            ("19660801 196607 1 001", BadAppointment),
            ("19660801 196512 1 001", BadAppointment),
            // PPPK appointment year and contract count.
            ("19900101 1989 21 1 001", BadAppointment),
            ("19900101 2036 21 1 001", BadAppointment),
            ("19900101 2021 20 1 001", BadContract),
            // Sex digit.
            ("19660801 198803 0 001", BadSex),
            ("19660801 198803 3 001", BadSex),
            ("19660801 198803 9 001", BadSex),
            ("19900101 2021 21 3 001", BadSex),
            ("19900101 2021 21 0 001", BadSex),
            // Sequence.
            ("19660801 198803 1 000", BadSequence),
            ("19900101 2021 21 2 000", BadSequence),
        ];
        for (raw, expected) in table {
            assert_eq!(Nip::parse(raw).as_ref(), Err(expected), "{raw:?}");
        }
    }

    #[test]
    fn error_messages_are_bilingual() {
        use NipError::*;
        for e in [
            Empty,
            NotDigits,
            WrongLength { found: 17 },
            BadBirthDate,
            BadAppointment,
            BadSex,
            BadSequence,
            BadContract,
        ] {
            let msg = e.to_string();
            assert!(msg.contains(" / "), "{msg}");
        }
        assert_eq!(
            WrongLength { found: 17 }.to_string(),
            "NIP harus 18 digit, ditemukan 17 / NIP must have 18 digits, found 17"
        );
    }

    #[test]
    fn display_forms() {
        let pns = Nip::parse("196608011988031001").unwrap();
        assert_eq!(pns.display(), "19660801 198803 1 001");
        assert_eq!(pns.to_string(), "196608011988031001");
        assert_eq!(String::from(pns), "196608011988031001");

        let pppk = Nip::parse("198506302023292045").unwrap();
        assert_eq!(pppk.display(), "19850630 2023 29 2 045");
        assert_eq!(pppk.to_string(), "198506302023292045");
        assert_eq!(Nip::parse(&pppk.display()), Ok(pppk));
    }

    #[test]
    fn debug_is_redacted() {
        let nip = Nip::parse("19660801 198803 1 001").unwrap();
        assert_eq!(format!("{nip:?}"), "Nip(***)");
        assert_eq!(format!("{nip:#?}"), "Nip(***)");
        let nested = format!("{:?}", (Some(&nip), vec![nip.clone()]));
        assert!(!nested.contains("1966"), "{nested}");
        assert!(!nested.contains("1001"), "{nested}");
        // The error carries no digits either.
        let err = format!("{:?}", Nip::parse("19660801 198803 3 001"));
        assert!(!err.contains("1966"), "{err}");
    }

    #[test]
    fn serde_round_trip() {
        let nip = Nip::parse("19660801 198803 1 001").unwrap();
        let json = serde_json::to_string(&nip).unwrap();
        assert_eq!(json, "\"196608011988031001\"");
        assert_eq!(serde_json::from_str::<Nip>(&json).unwrap(), nip);
        // Deserialising normalises like parse does.
        assert_eq!(
            serde_json::from_str::<Nip>("\"19660801.198803.1.001\"").unwrap(),
            nip
        );
        let err = serde_json::from_str::<Nip>("\"19660801 198803 1 000\"").unwrap_err();
        assert!(err.to_string().contains("invalid sequence number"), "{err}");
        assert!(serde_json::from_str::<Nip>("196608011988031001").is_err());

        assert_eq!(serde_json::to_string(&NipKind::Pppk).unwrap(), "\"pppk\"");
        assert_eq!(serde_json::to_string(&Sex::Female).unwrap(), "\"female\"");
    }

    #[test]
    fn kind_never_collides() {
        // Positions 13-14 of a valid NIP are a month 01..12; of a valid NI PPPK they are 21..29.
        for month in 1..=12u8 {
            let nip = Nip::parse(&format!("19900101 2015{month:02} 1 001")).unwrap();
            assert_eq!(nip.kind(), NipKind::Pns);
        }
        for contract in 1..=9u8 {
            let nip = Nip::parse(&format!("19900101 2021 2{contract} 1 001")).unwrap();
            assert_eq!(nip.kind(), NipKind::Pppk);
        }
    }

    mod proptests {
        use super::super::*;
        use proptest::prelude::*;

        fn days_in(year: u16, month: u16) -> u16 {
            (28..=31)
                .rev()
                .find(|&d| is_calendar_date(year, month, d))
                .unwrap()
        }

        fn birth() -> impl Strategy<Value = (u16, u16, u16)> {
            (BIRTH_YEARS, 1..=12u16).prop_flat_map(|(y, m)| (Just(y), Just(m), 1..=days_in(y, m)))
        }

        /// (digits, kind, birth, sex, appointment year) of a valid number.
        fn valid() -> impl Strategy<Value = (String, NipKind, (u16, u8, u8), Sex, u16)> {
            (birth(), any::<bool>(), 1..=2u8, 1..=999u16).prop_flat_map(
                |((by, bm, bd), pppk, sex, seq)| {
                    let first_year = by.max(*APPOINTMENT_YEARS.start());
                    let year = first_year..=*APPOINTMENT_YEARS.end();
                    let middle = if pppk {
                        (year, 1..=9u8)
                            .prop_map(|(y, f)| (format!("{y:04}2{f}"), y))
                            .boxed()
                    } else {
                        (year, 1..=12u16)
                            .prop_filter("appointment before birth month", move |&(y, m)| {
                                (y, m) >= (by, bm)
                            })
                            .prop_map(|(y, m)| (format!("{y:04}{m:02}"), y))
                            .boxed()
                    };
                    middle.prop_map(move |(middle, year)| {
                        let digits = format!("{by:04}{bm:02}{bd:02}{middle}{sex}{seq:03}");
                        let kind = if pppk { NipKind::Pppk } else { NipKind::Pns };
                        let sex = if sex == 1 { Sex::Male } else { Sex::Female };
                        (digits, kind, (by, bm as u8, bd as u8), sex, year)
                    })
                },
            )
        }

        proptest! {
            #[test]
            fn parse_never_panics(raw in any::<String>()) {
                let _ = Nip::parse(&raw);
            }

            #[test]
            fn parse_never_panics_on_digit_soup(raw in "[0-9 .\\-]{0,30}") {
                if let Ok(nip) = Nip::parse(&raw) {
                    prop_assert_eq!(nip.as_str().len(), 18);
                    prop_assert_eq!(Nip::parse(&nip.display()), Ok(nip));
                }
            }

            #[test]
            fn valid_numbers_parse_and_round_trip((digits, kind, birth, sex, year) in valid()) {
                let nip = Nip::parse(&digits).unwrap();
                prop_assert_eq!(nip.as_str(), digits.as_str());
                prop_assert_eq!(nip.kind(), kind);
                prop_assert_eq!(nip.birth_date(), birth);
                prop_assert_eq!(nip.sex(), sex);
                prop_assert_eq!(nip.appointment_year(), year);
                let shown = nip.display();
                prop_assert_eq!(shown.replace(' ', ""), digits.as_str());
                prop_assert_eq!(Nip::parse(&shown), Ok(nip.clone()));
                prop_assert_eq!(Nip::parse(&shown.replace(' ', ".")), Ok(nip.clone()));
                let json = serde_json::to_string(&nip).unwrap();
                prop_assert_eq!(serde_json::from_str::<Nip>(&json).unwrap(), nip);
            }
        }
    }
}
