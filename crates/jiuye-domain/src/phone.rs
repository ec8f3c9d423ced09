//! Phone numbers: mainland mobile numbers (11 digits starting 13–19) and fixed lines with an area
//! code (`0319-1234567`). Normalised to digits (and one hyphen after a fixed-line area code).

use std::fmt;

use crate::error::DomainError;
use crate::normalize::normalize;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl Phone {
    /// Parses a phone number for the given field name (联系电话, 手机号码 …).
    pub fn parse_field(field: &'static str, input: &str) -> Result<Self, DomainError> {
        let s = normalize(input);
        let s = s.strip_prefix("+86").map(str::trim).unwrap_or(&s).to_string();
        if s.is_empty() {
            return Err(DomainError::new(field, "phone.empty", "不能为空"));
        }
        let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if !compact.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(field, "phone.charset", "只能包含数字（固定电话可用“-”分隔区号）"));
        }
        if compact.starts_with('1') {
            if compact.len() != 11 {
                return Err(DomainError::new(field, "phone.mobile_length", format!("手机号码应为11位，实际为{}位", compact.len())));
            }
            if !matches!(compact.as_bytes().get(1), Some(b'3'..=b'9')) {
                return Err(DomainError::new(field, "phone.mobile_prefix", "手机号码第二位应为3-9"));
            }
            return Ok(Self(compact));
        }
        if compact.starts_with('0') && (10..=12).contains(&compact.len()) {
            // Area codes are 3 digits for a few big cities (010, 02x), otherwise 4 (0319 for Xingtai).
            let area_len = if compact.starts_with("01") || compact.starts_with("02") { 3 } else { 4 };
            let (area, local) = compact.split_at(area_len);
            if (7..=8).contains(&local.len()) {
                return Ok(Self(format!("{area}-{local}")));
            }
        }
        Err(DomainError::new(field, "phone.format", "不是有效的电话号码：手机号为11位，固定电话需带区号（如0319-1234567）"))
    }

    pub fn parse(input: &str) -> Result<Self, DomainError> {
        Self::parse_field("联系电话", input)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// First 3 and last 4 characters (`138****5678`).
    pub fn masked(&self) -> String {
        crate::mask::mask_middle(&self.0, 3, 4)
    }

    pub fn last4(&self) -> &str {
        let n = self.0.len();
        &self.0[n.saturating_sub(4)..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_and_fixed_lines() {
        assert_eq!(Phone::parse("138 1234 5678").unwrap().as_str(), "13812345678");
        assert_eq!(Phone::parse("+8613812345678").unwrap().as_str(), "13812345678");
        assert_eq!(Phone::parse("0319-7654321").unwrap().as_str(), "0319-7654321");
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
    }

    #[test]
    fn each_failure_has_its_code() {
        for (input, code) in [
            ("", "phone.empty"),
            ("1381234567", "phone.mobile_length"),
            ("12812345678", "phone.mobile_prefix"),
            ("138abc45678", "phone.charset"),
            ("7654321", "phone.format"),
        ] {
            assert_eq!(Phone::parse(input).unwrap_err().code, code, "{input}");
        }
    }
}
