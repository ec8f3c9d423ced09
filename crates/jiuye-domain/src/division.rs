//! Administrative divisions of Nanhe District (南和区, GB/T 2260 code 130527): townships and the
//! economic development zone, with 9-digit statistical division codes, and 12-digit village codes.

use crate::error::DomainError;

pub const DISTRICT_CODE: &str = "130527";
pub const DISTRICT_NAME: &str = "邢台市南和区";

/// The district's townships (乡镇) and the development zone, as the policy's notice addresses them.
pub const TOWNSHIPS: [(&str, &str); 9] = [
    ("130527100", "和阳镇"),
    ("130527101", "贾宋镇"),
    ("130527102", "郝桥镇"),
    ("130527200", "东三召乡"),
    ("130527201", "阎里乡"),
    ("130527202", "河郭乡"),
    ("130527203", "史召乡"),
    ("130527204", "三思乡"),
    ("130527400", "经济开发区"),
];

pub fn township_name(code: &str) -> Option<&'static str> {
    TOWNSHIPS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// Accepts a township's name (with or without the 南和区 prefix; 开发区 for the zone) or its code.
pub fn parse_township(input: &str) -> Result<&'static str, DomainError> {
    let s = crate::normalize::normalize(input);
    let s = s.trim_start_matches("邢台市").trim_start_matches("南和区").trim_start_matches("南和县");
    if s.is_empty() {
        return Err(DomainError::new("乡镇(街道)", "township.empty", "不能为空"));
    }
    TOWNSHIPS
        .iter()
        .find(|(code, name)| *code == s || *name == s || (name.ends_with("开发区") && (s.ends_with("开发区") || s == "南和经济开发区")))
        .map(|(code, _)| *code)
        .ok_or_else(|| DomainError::new("乡镇(街道)", "township.unknown", format!("“{s}”不是南和区的乡镇(街道)")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn townships_parse_by_name_code_and_prefix() {
        assert_eq!(parse_township("和阳镇").unwrap(), "130527100");
        assert_eq!(parse_township("南和区贾宋镇").unwrap(), "130527101");
        assert_eq!(parse_township("130527204").unwrap(), "130527204");
        assert_eq!(parse_township("南和经济开发区").unwrap(), "130527400");
        assert_eq!(parse_township("桥西区").unwrap_err().code, "township.unknown");
    }
}
