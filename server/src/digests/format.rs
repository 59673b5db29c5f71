//! Numbers and words in the digest's language (Indonesian separators by default).

use serap_shared::i18n::Lang;

use crate::entities::digest_subscription::{self};

pub(super) fn tr<'a>(lang: Lang, id: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::En => en,
        _ => id,
    }
}

pub(super) fn lang_of(sub: &digest_subscription::Model) -> Lang {
    Lang::from_code(&sub.lang).unwrap_or(Lang::Id)
}

/// `1245` as `1.245` (id) or `1,245` (en).
pub fn format_int(n: i64, lang: Lang) -> String {
    let sep = if lang == Lang::En { ',' } else { '.' };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `85.714` with one place as `85,7` (id) or `85.7` (en), with thousands grouped.
pub fn format_dec(x: f64, places: usize, lang: Lang) -> String {
    let fixed = format!("{:.*}", places, x.abs());
    let (int, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let int = format_int(int.parse().unwrap_or(0), lang);
    let sign = if x < 0.0 && fixed.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        let point = if lang == Lang::En { '.' } else { ',' };
        format!("{sign}{int}{point}{frac}")
    }
}

pub(super) fn format_pct(share: f64, lang: Lang) -> String {
    format!("{}%", format_dec(share * 100.0, 1, lang))
}

pub(super) fn signed(n: i64, lang: Lang) -> String {
    if n >= 0 {
        format!("+{}", format_int(n, lang))
    } else {
        format_int(n, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_indonesian() {
        assert_eq!(format_int(1245, Lang::Id), "1.245");
        assert_eq!(format_int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(format_int(999, Lang::Id), "999");
        assert_eq!(format_dec(85.714, 2, Lang::Id), "85,71");
        assert_eq!(format_dec(-0.456, 2, Lang::Id), "-0,46");
        assert_eq!(format_dec(1234.5, 1, Lang::Id), "1.234,5");
        assert_eq!(signed(312, Lang::Id), "+312");
    }
}
