//! Raw inputs and byte-level mutations: arbitrary bytes, and edits that insert, delete, overwrite or
//! duplicate bytes, favouring fragments that upset JSON and text readers.

use std::fmt::Debug;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// Input bytes, shown as text when they are UTF-8.
#[derive(Clone, PartialEq)]
pub(crate) struct Bytes(pub(crate) Vec<u8>);

impl Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(s) => write!(f, "{s:?}"),
            Err(_) => write!(f, "b\"{}\"", self.0.escape_ascii()),
        }
    }
}

/// Fragments that upset JSON and text readers.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\\u",
    b"\\ud800",
    b"\\u0000",
    b"null",
    b"true",
    b"-",
    b"0",
    b"1e999",
    b"-1e400",
    b"18446744073709551616",
    b"0.0000000000000000000001",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b"\xed\xa0\x80",
    b"\0",
    b"\n",
    b" ",
];

/// One change to a byte string. Positions are taken modulo the length.
#[derive(Debug, Clone)]
pub(crate) enum ByteEdit {
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Overwrite(usize, u8),
    /// Copies `len` bytes from the first position to the second.
    Duplicate(usize, usize, usize),
}

pub(crate) fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    let insertion = prop_oneof![
        3 => select(TOKENS).prop_map(<[u8]>::to_vec),
        1 => vec(any::<u8>(), 1..4),
    ];
    prop_oneof![
        (any::<usize>(), insertion).prop_map(|(at, b)| ByteEdit::Insert(at, b)),
        (any::<usize>(), 1..40usize).prop_map(|(at, n)| ByteEdit::Delete(at, n)),
        (any::<usize>(), any::<u8>()).prop_map(|(at, b)| ByteEdit::Overwrite(at, b)),
        (any::<usize>(), any::<usize>(), 1..200usize)
            .prop_map(|(from, to, n)| ByteEdit::Duplicate(from, to, n)),
    ]
}

pub(crate) fn apply_bytes(mut bytes: Vec<u8>, edits: &[ByteEdit]) -> Vec<u8> {
    for edit in edits {
        let len = bytes.len();
        let at = |i: usize| if len == 0 { 0 } else { i % (len + 1) };
        match edit {
            ByteEdit::Insert(i, b) => {
                let i = at(*i);
                bytes.splice(i..i, b.iter().copied());
            }
            ByteEdit::Delete(i, n) => {
                let i = at(*i).min(len);
                bytes.drain(i..(i + n).min(len));
            }
            ByteEdit::Overwrite(i, b) if len > 0 => bytes[i % len] = *b,
            ByteEdit::Overwrite(..) => {}
            ByteEdit::Duplicate(from, to, n) if len > 0 => {
                let from = from % len;
                let copy = bytes[from..(from + n).min(len)].to_vec();
                let to = at(*to);
                bytes.splice(to..to, copy);
            }
            ByteEdit::Duplicate(..) => {}
        }
    }
    bytes
}

/// Arbitrary bytes: random, random UTF-8, or text made of JSON-ish fragments.
pub(crate) fn raw_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        vec(any::<u8>(), 0..300),
        any::<String>().prop_map(String::into_bytes),
        vec(select(TOKENS), 0..40).prop_map(|t| t.concat()),
    ]
}
