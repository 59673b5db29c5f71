//! Fuzz target for the staff roster import: CSV reading (`CsvTable`) and row validation
//! (`roster::rows::parse_roster`), without a database. Runs random inputs for `SERAP_FUZZ_SECONDS` (default 3);
//! `SERAP_FUZZ_SEED=<seed>` replays a run. Inputs are generated valid rosters (written with either
//! delimiter, with or without BOM, any header spelling and column order, CRLF or LF, blank lines, quoting),
//! the same with byte-level changes, and arbitrary bytes.

use std::collections::HashMap;
use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseResult;
use serap_shared::domain::{EmailAddress, Name};
use serap_shared::fuzzing::fuzz;
use serap_shared::nip::{Nip, NipKind};
use serap_shared::survey::JobLevel;
use uuid::Uuid;

use crate::error::ApiError;
use crate::roster::rows::{Roster, Row, parse_roster};

/// File bytes, shown as text when they are UTF-8.
#[derive(Clone)]
struct Bytes(Vec<u8>);

impl Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

const UNIT_CODES: &[&str] = &["SETDA", "DISKOMINFO", "BKPSDM.01", "kec-serang", "DINKES 2"];

fn units() -> HashMap<String, Uuid> {
    UNIT_CODES
        .iter()
        .enumerate()
        .map(|(i, code)| (code.to_string(), Uuid::from_u128(i as u128 + 1)))
        .collect()
}

/// One person as a roster file may write them, and what the import must read.
#[derive(Debug, Clone)]
struct Person {
    nip: String,
    name: String,
    email: String,
    unit: usize,
    job_level: (&'static str, JobLevel),
    employment_type: &'static str,
    golongan: String,
}

/// A valid NIP (PNS) or NI PPPK, as its 18 digits.
fn nip() -> impl Strategy<Value = String> {
    (
        1940..=2015u32,
        1..=12u32,
        1..=28u32,
        any::<bool>(),
        0..=20u32,
        1..=12u32,
        1..=9u32,
        1..=2u32,
        1..=999u32,
    )
        .prop_map(|(by, bm, bd, pppk, after, am, f, sex, seq)| {
            let ay = (by.max(1960) + after).min(2035);
            let middle = if pppk {
                format!("{ay:04}2{f}")
            } else {
                // Not before the birth month.
                let am = if ay == by { am.max(bm) } else { am };
                format!("{ay:04}{am:02}")
            };
            format!("{by:04}{bm:02}{bd:02}{middle}{sex}{seq:03}")
        })
}

const JOB_LEVELS: &[(&str, JobLevel)] = &[
    ("pelaksana", JobLevel::Pelaksana),
    ("Pelaksana", JobLevel::Pelaksana),
    ("Staf", JobLevel::Pelaksana),
    ("JPT Pratama", JobLevel::JptPratama),
    ("jpt-pratama", JobLevel::JptPratama),
    ("jpt_madya", JobLevel::JptMadya),
    ("JF", JobLevel::Fungsional),
    ("Jabatan Fungsional", JobLevel::Fungsional),
    ("Eselon III", JobLevel::Administrator),
    ("administrator", JobLevel::Administrator),
    ("PENGAWAS", JobLevel::Pengawas),
];

fn person() -> impl Strategy<Value = Person> {
    let name = prop_oneof![
        "[A-Z][a-z]{1,10}( [A-Z][a-z]{1,12}){0,3}",
        // Titles with commas and dots, quotes, semicolons, apostrophes, non-ASCII letters.
        Just("Dr. Siti Aminah, S.Kom., M.Si.".to_string()),
        Just("Ahmad \"Udin\" Fauzi".to_string()),
        Just("Nur'aini; Bagian Umum".to_string()),
        Just("Dédé Ñoño Ümit".to_string()),
        Just("Baris\nkedua".to_string()),
        "[A-Za-z]{1,3}"
            .prop_map(|s| s.repeat(60))
            .prop_map(|s| s.chars().take(200).collect()),
    ];
    let email = (
        "[a-z0-9][a-z0-9._%+-]{0,15}",
        "[a-z0-9]{1,10}",
        select(vec!["go.id", "com", "serangkota.go.id"]),
    )
        .prop_map(|(local, host, tld)| format!("{local}@{host}.{tld}"));
    let golongan = select(vec!["", "III/a", "IV/b", "II/c", "IX", "V"]);
    (
        nip(),
        name,
        email,
        0..UNIT_CODES.len(),
        select(JOB_LEVELS),
        any::<bool>(),
        golongan,
    )
        .prop_map(|(nip, name, email, unit, job_level, explicit, golongan)| {
            let pppk = nip.as_bytes()[12] == b'2';
            let employment_type = match (explicit, pppk) {
                (false, _) => "",
                (true, false) => "PNS",
                (true, true) => "pppk",
            };
            Person {
                nip,
                name,
                email,
                unit,
                job_level,
                employment_type,
                golongan: golongan.to_string(),
            }
        })
}

/// How a file is written.
#[derive(Debug, Clone)]
struct Layout {
    semicolon: bool,
    bom: bool,
    crlf: bool,
    quote_all: bool,
    /// Header spellings, one index per field (taken modulo the number of spellings).
    spellings: Vec<usize>,
    uppercase_headers: bool,
    /// Columns in file order (indices into `FIELDS`, shuffled; optional ones may be left out).
    columns: Vec<usize>,
    /// Blank lines before the header and after each row (modulo).
    blank_lines: Vec<usize>,
    /// Whether the NIP is written grouped (`19660801 198803 1 001`).
    grouped_nip: bool,
    trailing_newline: bool,
}

/// Field name, header spellings, whether the import requires it.
const FIELDS: &[(&str, &[&str], bool)] = &[
    (
        "nip",
        &["nip", "NIP/NI PPPK", "ni_pppk", "Nomor Induk"],
        true,
    ),
    ("name", &["nama", "Name", "nama lengkap", "Full Name"], true),
    ("email", &["email", "E-mail", "surel"], true),
    ("unit", &["unit", "kode_unit", "Unit Code", "OPD"], true),
    (
        "job_level",
        &["jabatan", "Jenis Jabatan", "job_level", "eselon"],
        true,
    ),
    (
        "employment_type",
        &["jenis_pegawai", "Status", "employment type"],
        false,
    ),
    ("golongan", &["golongan", "Pangkat/Golongan", "gol"], false),
    ("extra", &["keterangan", "no", ""], false),
];

fn layout() -> impl Strategy<Value = Layout> {
    let columns = (
        Just((0..FIELDS.len()).collect::<Vec<_>>()).prop_shuffle(),
        vec(any::<bool>(), FIELDS.len()),
    )
        .prop_map(|(order, keep)| {
            order
                .into_iter()
                .filter(|&i| FIELDS[i].2 || keep[i])
                .collect::<Vec<_>>()
        });
    (
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        vec(0..4usize, FIELDS.len()),
        any::<bool>(),
        columns,
        vec(prop_oneof![6 => Just(0usize), 1 => 1..3usize], 1..8),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                (semicolon, bom, crlf, quote_all),
                spellings,
                uppercase_headers,
                columns,
                blank_lines,
                grouped_nip,
                trailing_newline,
            )| Layout {
                semicolon,
                bom,
                crlf,
                quote_all,
                spellings,
                uppercase_headers,
                columns,
                blank_lines,
                grouped_nip,
                trailing_newline,
            },
        )
}

/// A file, and the line each person's record starts on.
fn write_roster(people: &[Person], layout: &Layout) -> (Vec<u8>, Vec<u32>) {
    let newline = if layout.crlf { "\r\n" } else { "\n" };
    let record = |fields: Vec<String>| -> String {
        let mut writer = csv::WriterBuilder::new()
            .delimiter(if layout.semicolon { b';' } else { b',' })
            .quote_style(if layout.quote_all {
                csv::QuoteStyle::Always
            } else {
                csv::QuoteStyle::Necessary
            })
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        writer.write_record(&fields).unwrap();
        let text = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        text.strip_suffix('\n').unwrap_or(&text).to_string()
    };
    let blank = |i: usize| layout.blank_lines[i % layout.blank_lines.len()];
    let header = layout
        .columns
        .iter()
        .map(|&c| {
            let spellings = FIELDS[c].1;
            let h = spellings[layout.spellings[c] % spellings.len()];
            if layout.uppercase_headers {
                h.to_uppercase()
            } else {
                h.to_string()
            }
        })
        .collect();
    let mut text = String::new();
    let mut line = 1u32;
    // Blank lines before the header are skipped too.
    for _ in 0..blank(0) {
        text.push_str(newline);
        line += 1;
    }
    let header = record(header);
    line += header.matches('\n').count() as u32;
    text.push_str(&header);
    let mut lines = Vec::new();
    for (i, p) in people.iter().enumerate() {
        text.push_str(newline);
        line += 1;
        for _ in 0..blank(i + 1) {
            text.push_str(newline);
            line += 1;
        }
        lines.push(line);
        let nip = if layout.grouped_nip {
            format!(
                "{} {} {} {}",
                &p.nip[0..8],
                &p.nip[8..14],
                &p.nip[14..15],
                &p.nip[15..18]
            )
        } else {
            p.nip.clone()
        };
        let fields = layout
            .columns
            .iter()
            .map(|&c| match FIELDS[c].0 {
                "nip" => nip.clone(),
                "name" => p.name.clone(),
                "email" => p.email.clone(),
                "unit" => UNIT_CODES[p.unit].to_string(),
                "job_level" => p.job_level.0.to_string(),
                "employment_type" => p.employment_type.to_string(),
                "golongan" => p.golongan.clone(),
                _ => "catatan, bebas".to_string(),
            })
            .collect();
        let row = record(fields);
        line += row.matches('\n').count() as u32;
        text.push_str(&row);
    }
    if layout.trailing_newline {
        text.push_str(newline);
    }
    let mut bytes = Vec::new();
    if layout.bom {
        bytes.extend_from_slice("\u{feff}".as_bytes());
    }
    bytes.extend_from_slice(text.as_bytes());
    (bytes, lines)
}

/// People with distinct NIPs.
fn roster() -> impl Strategy<Value = Vec<Person>> {
    vec(person(), 0..12).prop_map(|mut people| {
        let mut seen = std::collections::HashSet::new();
        people.retain(|p| seen.insert(p.nip.clone()));
        people
    })
}

/// What the import must read for `p`.
fn expected_row(p: &Person, layout: &Layout) -> Row {
    let nip = Nip::parse(&p.nip).unwrap();
    let employment_type = match nip.kind() {
        NipKind::Pns => "pns",
        NipKind::Pppk => "pppk",
    };
    Row {
        nip,
        name: Name::parse(&p.name).unwrap(),
        email: EmailAddress::parse(&p.email).unwrap(),
        unit_id: units()[UNIT_CODES[p.unit]],
        job_level: p.job_level.1,
        employment_type,
        golongan: Some(p.golongan.clone())
            .filter(|g| !g.is_empty() && layout.columns.iter().any(|&c| FIELDS[c].0 == "golongan")),
    }
}

/// Fragments that upset CSV readers.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\"\"",
    b",",
    b";",
    b"\t",
    b"|",
    b"\n",
    b"\r",
    b"\r\n",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xff",
    b"\xc3",
    b"\0",
    b" ",
    b"=",
    b"'",
];

#[derive(Debug, Clone)]
enum ByteEdit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Overwrite(usize, u8),
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let insertion = prop_oneof![
        3 => select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => vec(any::<u8>(), 1..4),
    ];
    prop_oneof![
        3 => (any::<usize>(), insertion).prop_map(|(at, b)| ByteEdit::Insert(at, b)),
        1 => (any::<usize>(), 1..20usize).prop_map(|(at, n)| ByteEdit::Delete(at, n)),
        1 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| ByteEdit::Overwrite(at, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, edits: &[ByteEdit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        match edit {
            ByteEdit::Insert(i, b) => {
                let i = i % (len + 1);
                bytes.splice(i..i, b.iter().copied());
            }
            ByteEdit::Delete(i, n) if len > 0 => {
                let i = i % len;
                bytes.drain(i..(i + n).min(len));
            }
            ByteEdit::Overwrite(i, b) if len > 0 => bytes[i % len] = *b,
            _ => {}
        }
    }
    bytes
}

#[derive(Debug, Clone)]
enum Input {
    /// A valid roster: must be read back exactly.
    Valid(Vec<Person>, Layout),
    /// A valid roster with byte-level changes.
    Mutated(Vec<Person>, Layout, Vec<ByteEdit>),
    /// Anything.
    Raw(Bytes),
}

fn input() -> impl Strategy<Value = Input> {
    prop_oneof![
        3 => (roster(), layout()).prop_map(|(p, l)| Input::Valid(p, l)),
        4 => (roster(), layout(), vec(byte_edit(), 1..5)).prop_map(|(p, l, e)| Input::Mutated(p, l, e)),
        1 => vec(any::<u8>(), 0..300).prop_map(|b| Input::Raw(Bytes(b))),
        1 => vec(select(TOKENS), 0..40).prop_map(|t| Input::Raw(Bytes(t.concat()))),
        1 => any::<String>().prop_map(|s| Input::Raw(Bytes(s.into_bytes()))),
    ]
}

/// Properties of any result: a file-level error is a 422 on `$`; otherwise every row is reported once,
/// with a line inside the file, and is either valid or rejected with a reason.
fn check_any(bytes: &[u8], result: &Result<Roster, ApiError>) -> TestCaseResult {
    let roster = match result {
        Err(ApiError::Unprocessable { fields, .. }) => {
            prop_assert!(!fields.is_empty());
            for f in fields {
                prop_assert_eq!(f.path.as_str(), "$");
                prop_assert!(!f.message.is_empty());
            }
            return Ok(());
        }
        Err(other) => return Err(TestCaseError::fail(format!("unexpected error {other:?}"))),
        Ok(roster) => roster,
    };
    if std::str::from_utf8(bytes).is_err() {
        return Err(TestCaseError::fail("a file that is not UTF-8 was read"));
    }
    let lines = super::line_breaks(bytes) + 1;
    let mut previous = 1;
    for row in &roster.report {
        prop_assert!(
            row.line > previous && row.line <= lines,
            "line {} of {}",
            row.line,
            lines
        );
        previous = row.line;
        let valid = roster.valid.iter().any(|(line, _)| *line == row.line);
        prop_assert_eq!(valid, row.problems.is_empty(), "{:?}", row);
        prop_assert!(row.problems.iter().all(|p| !p.is_empty()));
    }
    prop_assert!(roster.valid.len() <= roster.report.len());
    Ok(())
}

#[test]
fn fuzz_csv_roster_import() {
    let units = units();
    fuzz("fuzz_csv_roster_import", input(), |input| {
        match &input {
            Input::Valid(people, layout) => {
                let (bytes, lines) = write_roster(people, layout);
                let result = parse_roster(&bytes, &units);
                check_any(&bytes, &result)?;
                let roster = result.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
                prop_assert_eq!(roster.report.len(), people.len(), "{:?}", roster.report);
                for (row, line) in roster.report.iter().zip(&lines) {
                    prop_assert_eq!(&row.problems, &Vec::<String>::new(), "line {}", line);
                    prop_assert_eq!(row.line, *line);
                }
                let expected: Vec<(u32, Row)> = lines
                    .iter()
                    .copied()
                    .zip(people.iter().map(|p| expected_row(p, layout)))
                    .collect();
                prop_assert_eq!(roster.valid, expected);
            }
            Input::Mutated(people, layout, edits) => {
                let bytes = apply(write_roster(people, layout).0, edits);
                check_any(&bytes, &parse_roster(&bytes, &units))?;
            }
            Input::Raw(Bytes(bytes)) => check_any(bytes, &parse_roster(bytes, &units))?,
        }
        Ok(())
    });
}
