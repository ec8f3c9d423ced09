//! SMS text rules of the Chinese carriers and the vacancy-push message composed under them.
//!
//! Length is counted the way the carriers bill it: in UCS-2/UTF-16 code units, which is one per
//! character for all Chinese, ASCII and full-width text (an emoji outside the Basic Multilingual
//! Plane counts two). The signature `【…】` is part of the billed text.
//!
//! Invariant: `vacancy_push_text` output plus a signature of at most [`MAX_SIGN_NAME_CHARS`]
//! characters always fits in two segments, whatever the inputs.

/// A message of at most this many characters goes as one SMS.
pub const SINGLE_SEGMENT_CHARS: usize = 70;
/// Each part of a longer (concatenated) message carries this many characters.
pub const CONCAT_SEGMENT_CHARS: usize = 67;
/// The longest signature name this crate accepts (without the `【】`).
pub const MAX_SIGN_NAME_CHARS: usize = 12;
/// The longest text `vacancy_push_text` returns: two segments less the largest signature with brackets.
pub const PUSH_TEXT_MAX_CHARS: usize = 2 * CONCAT_SEGMENT_CHARS - (MAX_SIGN_NAME_CHARS + 2);
/// How every push message ends: the reply grammar of [`crate::parse_reply`].
pub const REPLY_HINT: &str = "回复1感兴趣，2不感兴趣，TD退订";

const PAY_MAX_CHARS: usize = 20;
const CONTACT_MAX_CHARS: usize = 30;
const ELLIPSIS: char = '…';

/// Billed length of `text` (UTF-16 code units).
pub fn sms_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// How many SMS a text is billed as: 0 for empty, 1 up to 70 characters, otherwise ⌈n / 67⌉.
/// Pass the text with its signature (see [`signed_text`]).
pub fn segments(text: &str) -> u32 {
    let n = sms_len(text);
    let parts = match n {
        0 => 0,
        n if n <= SINGLE_SEGMENT_CHARS => 1,
        n => n.div_ceil(CONCAT_SEGMENT_CHARS),
    };
    u32::try_from(parts).unwrap_or(u32::MAX)
}

/// The text as the carrier sees it: `【sign_name】text`.
pub fn signed_text(sign_name: &str, text: &str) -> String {
    format!("【{sign_name}】{text}")
}

/// A short job-information message for a job seeker, ending with [`REPLY_HINT`]:
/// `岗位推荐：{enterprise}招聘{title}，{pay}。{contact_hint}。回复1感兴趣，2不感兴趣，TD退订`.
///
/// Empty parts are left out with their joining words. Whitespace runs become one space, control
/// characters are dropped and `【】`
/// become `[]` (carriers read `【…】` as a signature). Pay is cut to 20 characters, the contact hint to
/// 30, then title and enterprise share what is left so the result stays within
/// [`PUSH_TEXT_MAX_CHARS`]; a cut part ends with `…`.
pub fn vacancy_push_text(title: &str, enterprise: &str, pay: &str, contact_hint: &str) -> String {
    let title = clean(title);
    let enterprise = clean(enterprise);
    let pay = truncate(clean(pay).trim_end_matches(is_closing_punct), PAY_MAX_CHARS);
    let contact = truncate(clean(contact_hint).trim_end_matches(is_closing_punct), CONTACT_MAX_CHARS);

    let build = |title: &str, enterprise: &str| {
        let mut s = String::from("岗位推荐：");
        if !enterprise.is_empty() {
            s.push_str(enterprise);
            s.push_str("招聘");
        }
        s.push_str(title);
        if !pay.is_empty() {
            s.push('，');
            s.push_str(&pay);
        }
        s.push('。');
        if !contact.is_empty() {
            s.push_str(&contact);
            s.push('。');
        }
        s.push_str(REPLY_HINT);
        s
    };

    let full = build(&title, &enterprise);
    let over = sms_len(&full).saturating_sub(PUSH_TEXT_MAX_CHARS);
    if over == 0 {
        return full;
    }
    let budget = (sms_len(&title) + sms_len(&enterprise)).saturating_sub(over);
    let (title_max, enterprise_max) = share(budget, sms_len(&title), sms_len(&enterprise));
    build(&truncate(&title, title_max), &truncate(&enterprise, enterprise_max))
}

/// Splits `budget` between two parts of lengths `a` and `b` (`a + b > budget`): a part shorter than
/// half keeps its length and the other takes the rest; otherwise the first gets the larger half.
fn share(budget: usize, a: usize, b: usize) -> (usize, usize) {
    let half = budget / 2;
    if a <= half {
        (a, budget - a)
    } else if b <= half {
        (budget - b, b)
    } else {
        (budget - half, half)
    }
}

/// Cuts `s` to at most `max` billed units, marking a cut with `…`.
fn truncate(s: &str, max: usize) -> String {
    if sms_len(s) <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.len_utf16();
        if used + w > keep {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push(ELLIPSIS);
    }
    out
}

fn clean(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| match c {
            '【' => '[',
            '】' => ']',
            c => c,
        })
        .collect()
}

fn is_closing_punct(c: char) -> bool {
    matches!(c, '。' | '.' | '，' | ',' | '；' | ';' | '！' | '!')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_boundaries_follow_the_70_and_67_rule() {
        for (n, want) in [(0, 0), (1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)] {
            assert_eq!(segments(&"字".repeat(n)), want, "{n} Chinese characters");
            assert_eq!(segments(&"a".repeat(n)), want, "{n} ASCII characters");
        }
    }

    #[test]
    fn characters_not_bytes_are_counted_and_the_signature_counts_too() {
        let body = "岗".repeat(62);
        assert_eq!(segments(&body), 1);
        assert_eq!(segments(&signed_text("南和区人社局", &body)), 1, "8 + 62 = 70");
        assert_eq!(segments(&signed_text("南和区人社局", &format!("{body}。"))), 2, "71");
    }

    #[test]
    fn an_emoji_outside_the_bmp_counts_as_two() {
        assert_eq!(sms_len("😀"), 2);
        assert_eq!(segments(&format!("{}😀", "字".repeat(69))), 2);
    }

    #[test]
    fn a_short_push_is_composed_in_full() {
        let t = vacancy_push_text("保洁员", "南和县宏达物业", "月薪2800元", "详询和阳镇社保所0319-1234567");
        assert_eq!(t, "岗位推荐：南和县宏达物业招聘保洁员，月薪2800元。详询和阳镇社保所0319-1234567。回复1感兴趣，2不感兴趣，TD退订");
        assert!(segments(&signed_text("南和区人社局", &t)) <= 2);
    }

    #[test]
    fn empty_parts_are_left_out_with_their_joining_words() {
        assert_eq!(vacancy_push_text("电工", "", "", ""), "岗位推荐：电工。回复1感兴趣，2不感兴趣，TD退订");
    }

    #[test]
    fn signature_brackets_and_line_breaks_in_inputs_are_neutralised() {
        let t = vacancy_push_text("【急招】\n 电工", "某某公司", "面议。", "");
        assert_eq!(t, "岗位推荐：某某公司招聘[急招] 电工，面议。回复1感兴趣，2不感兴趣，TD退订");
    }

    #[test]
    fn long_inputs_are_cut_to_two_segments_with_the_largest_signature() {
        let sign = "一".repeat(MAX_SIGN_NAME_CHARS);
        let t = vacancy_push_text(&"岗位名称".repeat(20), &"企业名称".repeat(20), &"薪".repeat(50), &"联系".repeat(40));
        assert!(sms_len(&t) <= PUSH_TEXT_MAX_CHARS, "{} > {PUSH_TEXT_MAX_CHARS}", sms_len(&t));
        assert_eq!(segments(&signed_text(&sign, &t)), 2);
        assert!(t.ends_with(REPLY_HINT));
        assert!(t.contains('…'));
    }

    #[test]
    fn a_short_title_is_kept_whole_when_only_the_enterprise_is_long() {
        let t = vacancy_push_text("电工", &"很长的企业名称".repeat(30), "月薪5000元", "");
        assert!(t.contains("招聘电工，"), "{t}");
        assert!(sms_len(&t) <= PUSH_TEXT_MAX_CHARS);
    }

    #[test]
    fn truncation_marks_the_cut_and_respects_the_limit() {
        assert_eq!(truncate("abcdef", 6), "abcdef");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abcdef", 1), "…");
        assert_eq!(truncate("abcdef", 0), "");
        assert_eq!(truncate("a😀b", 2), "a…");
    }

    proptest::proptest! {
        #[test]
        fn any_push_text_fits_two_segments_with_any_allowed_signature(
            title in "\\PC{0,80}", enterprise in "\\PC{0,80}", pay in "\\PC{0,40}", contact in "\\PC{0,60}"
        ) {
            let t = vacancy_push_text(&title, &enterprise, &pay, &contact);
            proptest::prop_assert!(sms_len(&t) <= PUSH_TEXT_MAX_CHARS, "{} units: {}", sms_len(&t), t);
            proptest::prop_assert!(t.ends_with(REPLY_HINT));
            let sign = "一".repeat(MAX_SIGN_NAME_CHARS);
            proptest::prop_assert!(segments(&signed_text(&sign, &t)) <= 2);
        }
    }
}
