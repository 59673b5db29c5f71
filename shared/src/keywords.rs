//! Keyword frequencies of free-text comments, for the report's summary of what people wrote: words are
//! lower-cased, split on anything that is not a letter or digit, and Indonesian (and common English)
//! stopwords, numbers and words shorter than three letters are left out.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Function words that say nothing about the content: Indonesian first (after the common lists of Tala
/// (2003) and the Sastrawi stemmer), then a few English ones for comments written in English.
const STOPWORDS: &[&str] = &[
    "ada",
    "adalah",
    "adanya",
    "agar",
    "akan",
    "akhir",
    "aku",
    "amat",
    "anda",
    "antara",
    "apa",
    "apabila",
    "apakah",
    "atas",
    "atau",
    "bagaimana",
    "bagi",
    "bahkan",
    "bahwa",
    "baik",
    "banyak",
    "baru",
    "beberapa",
    "begitu",
    "belum",
    "benar",
    "berapa",
    "berbagai",
    "bersama",
    "besar",
    "bila",
    "biasa",
    "bisa",
    "boleh",
    "bukan",
    "cukup",
    "dalam",
    "dan",
    "dapat",
    "dari",
    "daripada",
    "dengan",
    "di",
    "dia",
    "dilakukan",
    "dimana",
    "ditempat",
    "hal",
    "hampir",
    "hanya",
    "harus",
    "hingga",
    "ia",
    "ialah",
    "ini",
    "itu",
    "jadi",
    "jangan",
    "jika",
    "juga",
    "kalau",
    "kami",
    "kamu",
    "karena",
    "kata",
    "ke",
    "kebanyakan",
    "kecil",
    "kembali",
    "kemudian",
    "kepada",
    "ketika",
    "kini",
    "kita",
    "lagi",
    "lain",
    "lainnya",
    "lalu",
    "lebih",
    "maka",
    "mana",
    "masih",
    "mau",
    "melalui",
    "melakukan",
    "memang",
    "membuat",
    "mengapa",
    "menjadi",
    "menurut",
    "merasa",
    "mereka",
    "merupakan",
    "meski",
    "misalnya",
    "mungkin",
    "nya",
    "oleh",
    "pada",
    "para",
    "pak",
    "paling",
    "per",
    "pernah",
    "perlu",
    "pula",
    "punya",
    "saat",
    "saja",
    "salah",
    "sama",
    "sangat",
    "saya",
    "sebagai",
    "sebelum",
    "sebuah",
    "secara",
    "sedang",
    "sehingga",
    "sejak",
    "selalu",
    "selama",
    "seluruh",
    "semua",
    "sementara",
    "sendiri",
    "seorang",
    "seperti",
    "sering",
    "serta",
    "sesuai",
    "setelah",
    "setiap",
    "sih",
    "suatu",
    "sudah",
    "supaya",
    "tak",
    "tanpa",
    "tapi",
    "telah",
    "tentang",
    "terhadap",
    "terlalu",
    "tersebut",
    "tetapi",
    "tidak",
    "untuk",
    "waktu",
    "ya",
    "yaitu",
    "yakni",
    "yang",
    "and",
    "are",
    "but",
    "for",
    "from",
    "has",
    "have",
    "not",
    "that",
    "the",
    "this",
    "was",
    "were",
    "with",
    "you",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeywordCount {
    pub word: String,
    pub count: u32,
}

/// The `limit` most frequent content words of `texts`, most frequent first (ties alphabetical). A word
/// counts once per text.
pub fn keyword_frequencies<'a>(
    texts: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<KeywordCount> {
    let stop: BTreeSet<&str> = STOPWORDS.iter().copied().collect();
    let mut counts: BTreeMap<String, u32> = BTreeMap::new();
    for text in texts {
        let words: BTreeSet<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .map(str::to_lowercase)
            .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_numeric()))
            .filter(|w| !stop.contains(w.as_str()))
            .collect();
        for word in words {
            *counts.entry(word).or_default() += 1;
        }
    }
    let mut out: Vec<KeywordCount> = counts
        .into_iter()
        .map(|(word, count)| KeywordCount { word, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.word.cmp(&b.word)));
    out.truncate(limit);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_content_words_once_per_comment() {
        let texts = [
            "Pelatihan perlu lebih sering, pelatihan daring juga.",
            "Jadwal pelatihan tidak sesuai dengan beban kerja",
            "Beban kerja terlalu tinggi; 2026 target naik",
        ];
        let top = keyword_frequencies(texts, 3);
        assert_eq!(
            top,
            vec![
                KeywordCount {
                    word: "beban".into(),
                    count: 2
                },
                KeywordCount {
                    word: "kerja".into(),
                    count: 2
                },
                KeywordCount {
                    word: "pelatihan".into(),
                    count: 2
                },
            ]
        );
        let all = keyword_frequencies(texts, 100);
        assert!(all.iter().all(|k| !STOPWORDS.contains(&k.word.as_str())));
        assert!(
            all.iter().all(|k| k.word != "2026"),
            "numbers are not keywords"
        );
    }
}
