//! The reply grammar for job-information pushes (measure 二十): `1 感兴趣 / 2 不感兴趣 / TD 退订`.
//!
//! Invariants: parsing is total (anything unrecognised is `Unknown`, for a clerk to read); an
//! unsubscribe wins over everything else, because missing one is worse than losing a reply;
//! `Debug` of `Unknown` shows only the length, since a citizen's free text is personal data.

use std::fmt;

/// What a job seeker's reply means.
#[derive(Clone, PartialEq, Eq)]
pub enum Reply {
    /// `1`, `感兴趣`, `有兴趣`, `是`, `是的`, or `1` followed by one of those words.
    Interested,
    /// `2`, `不感兴趣`, `没兴趣`, `没有兴趣`, `否`, `不是`, or `2` followed by one of those words.
    NotInterested,
    /// `TD` (any case, alone or followed by a non-alphanumeric such as `TD退订`), or any text
    /// containing `退订` or `取消订阅`.
    Unsubscribe,
    /// Anything else, with surrounding whitespace trimmed: shown to a clerk, never acted on.
    Unknown(String),
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Interested => f.write_str("Interested"),
            Self::NotInterested => f.write_str("NotInterested"),
            Self::Unsubscribe => f.write_str("Unsubscribe"),
            Self::Unknown(s) => write!(f, "Unknown(<{} chars>)", s.chars().count()),
        }
    }
}

const INTERESTED_WORDS: [&str; 4] = ["感兴趣", "有兴趣", "是", "是的"];
const NOT_INTERESTED_WORDS: [&str; 5] = ["不感兴趣", "没兴趣", "没有兴趣", "否", "不是"];
/// Punctuation ignored around a reply and between the digit and the word (`1.感兴趣`, `2：否`).
const SEPARATORS: &[char] =
    &['.', '。', ',', '，', '、', ':', '：', ';', '；', '!', '！', '?', '？', '~', '～', '-', '—', '"', '\'', '“', '”', '‘', '’'];

/// Parses an inbound reply. Full-width letters and digits count as their ASCII forms, case and
/// whitespace are ignored, and punctuation around the reply is dropped.
pub fn parse_reply(text: &str) -> Reply {
    let s = normalize(text);
    if is_unsubscribe(&s) {
        return Reply::Unsubscribe;
    }
    if matches_answer(&s, '1', &INTERESTED_WORDS) {
        return Reply::Interested;
    }
    if matches_answer(&s, '2', &NOT_INTERESTED_WORDS) {
        return Reply::NotInterested;
    }
    Reply::Unknown(text.trim().to_string())
}

fn normalize(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| match c {
            // Full-width ASCII block (！ … ～) maps to ASCII by a fixed offset.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    s.trim_matches(SEPARATORS).to_string()
}

fn is_unsubscribe(s: &str) -> bool {
    if let Some(rest) = s.strip_prefix("TD")
        && !rest.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
    {
        return true;
    }
    s.contains("退订") || s.contains("取消订阅")
}

/// `digit`, `word`, or `digit` + separators + `word`, for one of `words`.
fn matches_answer(s: &str, digit: char, words: &[&str]) -> bool {
    let is_word = |w: &str| words.contains(&w);
    match s.strip_prefix(digit) {
        Some("") => true,
        Some(rest) => is_word(rest.trim_start_matches(SEPARATORS)),
        None => is_word(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_by_the_documented_grammar() {
        use Reply::{Interested as I, NotInterested as N, Unsubscribe as U};
        let unknown = |s: &str| Reply::Unknown(s.to_string());
        let cases: Vec<(&str, Reply)> = vec![
            ("1", I),
            ("１", I),
            (" 1 ", I),
            ("\u{3000}1\n", I),
            ("1感兴趣", I),
            ("1 感兴趣", I),
            ("1.感兴趣", I),
            ("1。", I),
            ("感兴趣", I),
            ("有兴趣！", I),
            ("是", I),
            ("是的", I),
            ("2", N),
            ("２", N),
            ("2不感兴趣", N),
            ("2：否", N),
            ("不感兴趣", N),
            ("没有兴趣", N),
            ("否", N),
            ("不是", N),
            ("TD", U),
            ("td", U),
            ("Td", U),
            ("ＴＤ", U),
            ("TD退订", U),
            ("TD。", U),
            ("退订", U),
            ("取消订阅", U),
            ("请帮我退订", U),
            ("1 TD", unknown("1 TD")),
            ("T", unknown("T")),
            ("N", unknown("N")),
            ("TDX", unknown("TDX")),
            ("12", unknown("12")),
            ("3", unknown("3")),
            ("1不感兴趣", unknown("1不感兴趣")),
            ("2感兴趣", unknown("2感兴趣")),
            ("好的谢谢", unknown("好的谢谢")),
            ("  工资多少？ ", unknown("工资多少？")),
            ("", unknown("")),
        ];
        for (input, want) in cases {
            assert_eq!(parse_reply(input), want, "case {input:?}");
        }
    }

    #[test]
    fn debug_of_an_unknown_reply_hides_the_text() {
        let dbg = format!("{:?}", parse_reply("我叫张三，电话13812345678"));
        assert!(!dbg.contains("张三") && !dbg.contains("13812345678"), "{dbg}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_containing_an_unsubscribe_word_unsubscribes(pre in "\\PC{0,10}", post in "\\PC{0,10}") {
            proptest::prop_assert_eq!(parse_reply(&format!("{pre}退订{post}")), Reply::Unsubscribe);
        }

        #[test]
        fn parsing_never_panics_and_unknown_keeps_the_trimmed_text(s in "\\PC{0,40}") {
            if let Reply::Unknown(kept) = parse_reply(&s) {
                proptest::prop_assert_eq!(kept, s.trim());
            }
        }
    }
}
