//! 公民身份号码 per GB 11643-1999: 6-digit address code, 8-digit birth date, 3-digit sequence
//! (odd = male) and an ISO 7064 MOD 11-2 check character (`X` for 10).
//!
//! Invariant: an `IdNumber` holds 18 ASCII characters, upper-case `X` only in the last place, a real
//! birth date and a correct check character. Sex and birth date are derived, never asked.

use std::fmt;

use time::{Date, Month};

use crate::error::DomainError;
use crate::normalize::normalize;

const FIELD: &str = "公民身份号码";
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level prefixes of GB/T 2260, plus 81–83 (Hong Kong, Macao, Taiwan residence permits).
/// Numbers starting with 9 are the 2023 foreigner permanent-residence cards.
const PROVINCES: [&str; 37] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50",
    "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83", "91", "92",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }
    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// Which document the 18-character number belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdDocument {
    Resident,
    HkMacaoTaiwanPermit,
    ForeignPermanentResident,
}

/// A valid 18-character resident ID number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

// Never print the full number by accident (logs, panics): Debug shows the masked form.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// The check character for the first 17 digits, or `None` when they are not 17 ASCII digits.
pub fn check_char(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes.iter().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    CHECK_CHARS.get((sum % 11) as usize).map(|&c| char::from(c))
}

impl IdNumber {
    /// Parses a typed or imported number: full-width digits and surrounding spaces are normalised,
    /// a lower-case `x` is accepted and stored as `X`. Each failure has its own code and message.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input).to_ascii_uppercase();
        if s.is_empty() {
            return Err(DomainError::new(FIELD, "id_number.empty", "不能为空"));
        }
        if s.chars().any(char::is_whitespace) {
            return Err(DomainError::new(FIELD, "id_number.space", "号码中间不能有空格"));
        }
        let len = s.chars().count();
        if len == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(FIELD, "id_number.legacy15", "这是15位旧号码，请填写18位公民身份号码"));
        }
        if len != 18 {
            return Err(DomainError::new(FIELD, "id_number.length", format!("应为18位，实际为{len}位")));
        }
        if !s.is_ascii() {
            return Err(DomainError::new(FIELD, "id_number.charset", "只能由数字组成，最后一位可以是X"));
        }
        let (body, last) = s.split_at(17);
        if !body.bytes().all(|b| b.is_ascii_digit()) || !last.bytes().all(|b| b.is_ascii_digit() || b == b'X') {
            return Err(DomainError::new(FIELD, "id_number.charset", "只能由数字组成，最后一位可以是X"));
        }
        let province = &s[..2];
        if !PROVINCES.contains(&province) && !province.starts_with('9') {
            return Err(DomainError::new(FIELD, "id_number.region", format!("前两位地址码{province}不是有效的省级行政区划代码")));
        }
        if birth_date_of(&s).is_none() {
            return Err(DomainError::new(FIELD, "id_number.birth_date", format!("第7-14位出生日期{}不是有效日期", &s[6..14])));
        }
        let expected = check_char(body).unwrap_or('?');
        if !last.starts_with(expected) {
            let hint = if s.ends_with("000") {
                "（末尾为000，可能是Excel把号码存成了数值，丢失了后几位，请将该列设为文本后重新填写）"
            } else {
                ""
            };
            return Err(DomainError::new(FIELD, "id_number.checksum", format!("校验码错误，号码有误，请核对{hint}")));
        }
        Ok(Self(s))
    }

    /// Builds the 18-character number from a legacy 15-digit one (insert "19", append the check).
    pub fn from_legacy15(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input);
        if s.len() != 15 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(FIELD, "id_number.length", "15位旧号码应由15位数字组成"));
        }
        let body = format!("{}19{}", &s[..6], &s[6..]);
        let check = check_char(&body).ok_or_else(|| DomainError::new(FIELD, "id_number.charset", "只能由数字组成"))?;
        Self::parse(&format!("{body}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Date {
        // Checked in parse; the fallback is unreachable but keeps this total.
        birth_date_of(&self.0).unwrap_or(Date::MIN)
    }

    pub fn sex(&self) -> Sex {
        let d = self.0.as_bytes().get(16).copied().unwrap_or(b'0');
        if (d - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The 6-digit address code of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn document(&self) -> IdDocument {
        match &self.0[..2] {
            "81" | "82" | "83" => IdDocument::HkMacaoTaiwanPermit,
            p if p.starts_with('9') => IdDocument::ForeignPermanentResident,
            _ => IdDocument::Resident,
        }
    }

    /// Masked for display: the first 3 and last 4 characters (`130***********1234`).
    pub fn masked(&self) -> String {
        crate::mask::mask_middle(&self.0, 3, 4)
    }

    /// Last four characters, kept in clear beside the ciphertext so staff can search by them.
    pub fn last4(&self) -> &str {
        &self.0[14..]
    }
}

fn birth_date_of(s: &str) -> Option<Date> {
    let y: i32 = s.get(6..10)?.parse().ok()?;
    let m: u8 = s.get(10..12)?.parse().ok()?;
    let d: u8 = s.get(12..14)?.parse().ok()?;
    if y < 1800 {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standards_examples_are_valid() {
        let a = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(a.sex(), Sex::Female);
        assert_eq!(a.birth_date().to_string(), "1949-12-31");
        let b = IdNumber::parse("440524188001010014").unwrap();
        assert_eq!(b.birth_date().year(), 1880);
        assert_eq!(b.sex(), Sex::Male);
    }

    #[test]
    fn one_valid_number_for_every_check_value() {
        for id in [
            "110101199003070070",
            "110101199003070011",
            "110101199003070062",
            "110101199003070003",
            "110101199003070054",
            "110101199003070185",
            "110101199003070046",
            "110101199003070097",
            "110101199003070038",
            "110101199003070089",
            "11010119900307002X",
        ] {
            assert!(IdNumber::parse(id).is_ok(), "{id} should be valid");
        }
    }

    #[test]
    fn each_failure_has_its_own_code() {
        let cases = [
            ("110101199003070071", "id_number.checksum"),
            ("110101199002300014", "id_number.birth_date"),
            ("110101190002290011", "id_number.birth_date"),
            ("110101199003070000", "id_number.checksum"),
            ("11010119900307007", "id_number.length"),
            ("110105491231002", "id_number.legacy15"),
            ("1101011990 3070070", "id_number.space"),
            ("11010119900307A070", "id_number.charset"),
            ("000101199003070070", "id_number.region"),
            ("", "id_number.empty"),
        ];
        for (input, code) in cases {
            let err = IdNumber::parse(input).unwrap_err();
            assert_eq!(err.code, code, "case {input}: {err}");
        }
    }

    #[test]
    fn excel_truncation_gets_a_hint() {
        let err = IdNumber::parse("110101199003070000").unwrap_err();
        assert!(err.message.contains("Excel"), "{}", err.message);
    }

    #[test]
    fn leap_day_2000_is_valid_and_lower_x_full_width_are_normalised() {
        assert!(IdNumber::parse("110101200002290018").is_ok());
        assert_eq!(IdNumber::parse("11010119900307002x").unwrap().as_str(), "11010119900307002X");
        assert_eq!(IdNumber::parse(" １１０１０１１９９００３０７００７０ ").unwrap().as_str(), "110101199003070070");
    }

    #[test]
    fn legacy_15_converts() {
        assert_eq!(IdNumber::from_legacy15("110105491231002").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn masked_shows_three_and_four_and_debug_never_shows_the_number() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.masked(), "110***********002X");
        assert!(!format!("{id:?}").contains("11010519491231002X"));
    }

    fn valid_id() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        (0usize..PROVINCES.len(), 0u32..10000, 1900i32..2020, 1u8..13, 1u8..29, 0u32..1000).prop_map(|(p, region, y, m, d, seq)| {
            let body = format!("{}{:04}{y:04}{m:02}{d:02}{seq:03}", PROVINCES[p], region);
            let c = check_char(&body).unwrap();
            format!("{body}{c}")
        })
    }

    proptest::proptest! {
        #[test]
        fn generated_numbers_are_valid(id in valid_id()) {
            proptest::prop_assert!(IdNumber::parse(&id).is_ok());
        }

        #[test]
        fn every_single_substitution_is_detected(id in valid_id(), pos in 0usize..18, digit in 0u8..11) {
            let mut bytes = id.clone().into_bytes();
            let new = if digit == 10 { b'X' } else { b'0' + digit };
            proptest::prop_assume!(bytes[pos] != new);
            bytes[pos] = new;
            let mutated = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(IdNumber::parse(&mutated).is_err(), "{} accepted", mutated);
        }

        #[test]
        fn adjacent_transpositions_are_detected(id in valid_id(), pos in 0usize..17) {
            let mut bytes = id.clone().into_bytes();
            proptest::prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let mutated = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(IdNumber::parse(&mutated).is_err(), "{} accepted", mutated);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = IdNumber::parse(&s);
        }
    }
}
