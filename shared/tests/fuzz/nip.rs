//! Fuzz target: NIP / NI PPPK strings, checked against an independent reading of docs/domain.md's rules.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serap_shared::fuzzing::fuzz;
use serap_shared::nip::{Nip, NipError, NipKind, Sex};

/// The fields of an 18-digit number, mostly in range, sometimes not.
fn nip_digits() -> impl Strategy<Value = String> {
    let birth_year = prop_oneof![8 => 1940..=2015u32, 1 => 1900..=2100u32, 1 => 0..=9999u32];
    let month = prop_oneof![8 => 1..=12u32, 1 => 0..=99u32];
    let day = prop_oneof![6 => 1..=28u32, 3 => 29..=31u32, 1 => 0..=99u32];
    let appointment_year = prop_oneof![8 => 1960..=2035u32, 1 => 0..=9999u32];
    // PNS: appointment month; PPPK: `2` and the contract count.
    let middle = prop_oneof![
        3 => month.clone().prop_map(|m| format!("{m:02}")),
        2 => (1..=9u32).prop_map(|f| format!("2{f}")),
        1 => (0..=99u32).prop_map(|x| format!("{x:02}")),
    ];
    let sex = prop_oneof![8 => 1..=2u32, 1 => 0..=9u32];
    let sequence = prop_oneof![8 => 1..=999u32, 1 => Just(0u32)];
    (
        birth_year,
        month,
        day,
        appointment_year,
        middle,
        sex,
        sequence,
    )
        .prop_map(|(by, bm, bd, ay, middle, sex, seq)| {
            format!("{by:04}{bm:02}{bd:02}{ay:04}{middle}{sex}{seq:03}")
        })
}

/// Separators and look-alikes inserted into a number.
const NIP_NOISE: &[&str] = &[
    " ", ".", "-", "\t", "\n", "\u{a0}", "\u{2003}", "\u{3000}", "/", "_", ",", "+", "０", "١",
    "٠", "x", "\u{feff}", "\u{200b}", "é",
];

#[derive(Debug, Clone)]
enum NipEdit {
    Insert(usize, &'static str),
    Delete(usize),
    Digit(usize, u8),
    Swap(usize),
}

fn nip_edit() -> impl Strategy<Value = NipEdit> {
    prop_oneof![
        3 => (any::<usize>(), select(NIP_NOISE)).prop_map(|(i, s)| NipEdit::Insert(i, s)),
        1 => any::<usize>().prop_map(NipEdit::Delete),
        2 => (any::<usize>(), 0..10u8).prop_map(|(i, d)| NipEdit::Digit(i, d)),
        1 => any::<usize>().prop_map(NipEdit::Swap),
    ]
}

fn apply_nip_edits(digits: &str, edits: &[NipEdit]) -> String {
    let mut chars: Vec<char> = digits.chars().collect();
    for edit in edits {
        let len = chars.len();
        match *edit {
            NipEdit::Insert(i, s) => {
                let i = i % (len + 1);
                chars.splice(i..i, s.chars());
            }
            NipEdit::Delete(i) if len > 0 => {
                chars.remove(i % len);
            }
            NipEdit::Digit(i, d) if len > 0 => chars[i % len] = char::from(b'0' + d),
            NipEdit::Swap(i) if len > 1 => chars.swap(i % (len - 1), i % (len - 1) + 1),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// The grouped form as people write it: `YYYYMMDD YYYYMM G NNN` with some separator.
fn grouped(digits: &str, separator: &str) -> String {
    if digits.len() != 18 || !digits.is_ascii() {
        return digits.to_string();
    }
    [
        &digits[0..8],
        &digits[8..14],
        &digits[14..15],
        &digits[15..18],
    ]
    .join(separator)
}

fn nip_input() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (nip_digits(), select(vec!["", " ", ".", "-", " - ", "  "]), vec(nip_edit(), 0..3))
            .prop_map(|(d, sep, edits)| apply_nip_edits(&grouped(&d, sep), &edits)),
        2 => "[0-9 .\\-]{0,30}",
        1 => any::<String>(),
        1 => vec(any::<u8>(), 0..40).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    }
}

/// docs/domain.md's rules, written independently of `nip.rs`: `None` when `digits` (separators removed) is a
/// valid NIP or NI PPPK, else the error `Nip::parse` must give.
fn oracle(digits: &str) -> Option<NipError> {
    if digits.is_empty() {
        return Some(NipError::Empty);
    }
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(NipError::NotDigits);
    }
    if digits.len() != 18 {
        return Some(NipError::WrongLength {
            found: digits.len(),
        });
    }
    let n = |r: std::ops::Range<usize>| digits[r].parse::<u32>().unwrap();
    let (by, bm, bd) = (n(0..4), n(4..6), n(6..8));
    if !(1940..=2015).contains(&by) || bd == 0 || bd > days_in_month(by, bm) {
        return Some(NipError::BadBirthDate);
    }
    let ay = n(8..12);
    if !(1960..=2035).contains(&ay) {
        return Some(NipError::BadAppointment);
    }
    if &digits[12..13] == "2" {
        if ay < by {
            return Some(NipError::BadAppointment);
        }
        if n(13..14) == 0 {
            return Some(NipError::BadContract);
        }
    } else {
        let am = n(12..14);
        if !(1..=12).contains(&am) || (ay, am) < (by, bm) {
            return Some(NipError::BadAppointment);
        }
    }
    if !matches!(n(14..15), 1 | 2) {
        return Some(NipError::BadSex);
    }
    if n(15..18) == 0 {
        return Some(NipError::BadSequence);
    }
    None
}

#[test]
fn fuzz_nip() {
    fuzz("fuzz_nip", nip_input(), |raw| {
        let result = Nip::parse(&raw);
        let digits: String = raw
            .chars()
            .filter(|&c| !(c.is_whitespace() || c == '.' || c == '-'))
            .collect();
        let expected = oracle(&digits);
        prop_assert_eq!(result.as_ref().err(), expected.as_ref(), "{:?}", raw);
        let Ok(nip) = result else {
            return Ok(());
        };
        let s = nip.as_str();
        prop_assert_eq!(s, digits.as_str());
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap();
        // Birth date: a real date in the accepted years.
        let (y, m, d) = nip.birth_date();
        prop_assert_eq!(
            (u32::from(y), u32::from(m), u32::from(d)),
            (n(0..4), n(4..6), n(6..8))
        );
        prop_assert!((1940..=2015).contains(&y));
        prop_assert!(d >= 1 && u32::from(d) <= days_in_month(y.into(), m.into()));
        // Appointment (TMT): not before birth.
        let year = nip.appointment_year();
        prop_assert!((1960..=2035).contains(&year));
        prop_assert!(year >= y);
        match nip.kind() {
            NipKind::Pns => {
                let month = n(12..14);
                prop_assert!((1..=12).contains(&month));
                prop_assert!((u32::from(year), month) >= (u32::from(y), u32::from(m)));
            }
            NipKind::Pppk => {
                prop_assert_eq!(&s[12..13], "2");
                prop_assert!((1..=9).contains(&n(13..14)));
            }
        }
        // Sex and sequence.
        let sex = match &s[14..15] {
            "1" => Sex::Male,
            "2" => Sex::Female,
            other => return Err(TestCaseError::fail(format!("sex digit {other}"))),
        };
        prop_assert_eq!(nip.sex(), sex);
        prop_assert_ne!(&s[15..18], "000");
        // Formatting, then parsing, gives the same number.
        prop_assert_eq!(Nip::parse(&nip.display()), Ok(nip.clone()));
        prop_assert_eq!(Nip::parse(&nip.to_string()), Ok(nip.clone()));
        prop_assert_eq!(
            Nip::parse(&nip.display().replace(' ', ".")),
            Ok(nip.clone())
        );
        let json = serde_json::to_string(&nip).unwrap();
        prop_assert_eq!(serde_json::from_str::<Nip>(&json).ok(), Some(nip.clone()));
        prop_assert_eq!(format!("{nip:?}"), "Nip(***)");
        Ok(())
    });
}
