//! 统一社会信用代码 per GB 32100-2015: registering department, category, 6-digit region, the 9-character
//! organisation code (GB 11714) and a MOD 31 check character.
//!
//! Invariant: 18 characters of the 31-character set (no I, O, S, V, Z), digits in the region part and a
//! correct check character. Unknown department or category codes are accepted with a warning, as the
//! standard has been extended since 2015.

use std::fmt;

use crate::error::DomainError;
use crate::normalize::normalize;

const FIELD: &str = "统一社会信用代码";
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CreditCode(String);

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

fn value_of(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|p| p as u32)
}

/// The check character for a 17-character body, or `None` when the body has a character outside
/// the set.
pub fn check_char(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (b, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(*b)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.get(v as usize).map(|&c| char::from(c))
}

impl CreditCode {
    /// Parses a code; lower case is normalised to upper case before checking.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalize(input).to_ascii_uppercase();
        if s.is_empty() {
            return Err(DomainError::new(FIELD, "credit_code.empty", "不能为空"));
        }
        let len = s.chars().count();
        if len != 18 {
            return Err(DomainError::new(FIELD, "credit_code.length", format!("应为18位，实际为{len}位")));
        }
        if let Some(bad) = s.chars().find(|c| !c.is_ascii() || value_of(*c as u8).is_none()) {
            return Err(DomainError::new(FIELD, "credit_code.charset", format!("含有不允许的字符“{bad}”（不使用字母I、O、S、V、Z）")));
        }
        if !s[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(FIELD, "credit_code.region", "第3-8位登记管理机关行政区划码应为数字"));
        }
        let (body, last) = s.split_at(17);
        if check_char(body) != last.chars().next() {
            return Err(DomainError::new(FIELD, "credit_code.checksum", "校验码错误，代码有误，请核对"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit region code of the registering authority.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// A warning (not an error) when the department or category code is not one the 2015 standard
    /// lists; later departments received codes the standard does not name.
    pub fn warning(&self) -> Option<String> {
        let b = self.0.as_bytes();
        let (dept, cat) = (b.first().copied().unwrap_or(b'0'), b.get(1).copied().unwrap_or(b'0'));
        let known = matches!(
            (dept, cat),
            (b'1', b'1' | b'2' | b'3' | b'9') | (b'5', b'1' | b'2' | b'3' | b'9') | (b'9', b'1' | b'2' | b'3') | (b'Y', b'1')
        );
        (!known).then(|| format!("登记管理部门码/机构类别码“{}{}”不在GB 32100-2015所列范围内，请核对", char::from(dept), char::from(cat)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_vectors() {
        for code in ["91350100M000100Y43", "91110108MA00000070", "91110108MA0000015T", "91110108MA000004X8"] {
            assert!(CreditCode::parse(code).is_ok(), "{code}");
        }
        assert_eq!(CreditCode::parse("91110108ma0000015t").unwrap().as_str(), "91110108MA0000015T");
    }

    #[test]
    fn invalid_vectors_with_their_codes() {
        let cases = [
            ("91350100M000100Y4Z", "credit_code.charset"),
            ("91110108MAO000015T", "credit_code.charset"),
            ("91350100M000100Y44", "credit_code.checksum"),
            ("91350100M000100Y4", "credit_code.length"),
            ("913501A0M000100Y43", "credit_code.region"),
            ("", "credit_code.empty"),
        ];
        for (input, code) in cases {
            assert_eq!(CreditCode::parse(input).unwrap_err().code, code, "{input}");
        }
    }

    #[test]
    fn unknown_department_is_a_warning_not_an_error() {
        let body = "31110108MA0000015";
        let code = format!("{body}{}", check_char(body).unwrap());
        let parsed = CreditCode::parse(&code).unwrap();
        assert!(parsed.warning().is_some());
        assert!(CreditCode::parse("91350100M000100Y43").unwrap().warning().is_none());
    }

    proptest::proptest! {
        #[test]
        fn single_substitutions_are_detected(seed in 0u64..u64::MAX, pos in 0usize..18, v in 0usize..31) {
            let mut body = String::from("91");
            let mut x = seed;
            for i in 0..15 {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let c = if i < 6 { b'0' + ((x >> 33) % 10) as u8 } else { CHARSET[((x >> 33) % 31) as usize] };
                body.push(char::from(c));
            }
            let code = format!("{body}{}", check_char(&body).unwrap());
            proptest::prop_assert!(CreditCode::parse(&code).is_ok());
            let mut bytes = code.into_bytes();
            proptest::prop_assume!(bytes[pos] != CHARSET[v]);
            bytes[pos] = CHARSET[v];
            let mutated = String::from_utf8(bytes).unwrap();
            proptest::prop_assert!(CreditCode::parse(&mutated).is_err(), "{} accepted", mutated);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = CreditCode::parse(&s);
        }
    }
}
