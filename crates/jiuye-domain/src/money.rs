//! Money as integer fen. Parsing accepts yuan with up to two decimals, or 万元 with up to six.

use crate::error::DomainError;
use crate::normalize::normalize;

/// Parses a decimal string scaled by `10^scale_digits` into an integer, exactly (no floats):
/// `parse_scaled("12.5", 2)` is 1250. More decimals than `scale_digits` is an error.
fn parse_scaled(field: &'static str, input: &str, scale_digits: u32) -> Result<i64, DomainError> {
    let s = normalize(input).replace(',', "");
    let bad = || DomainError::new(field, "money.format", format!("“{s}”不是有效的金额"));
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.as_str()),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    if frac.len() > scale_digits as usize {
        return Err(DomainError::new(field, "money.precision", format!("最多保留{}位小数", scale_digits)));
    }
    let scale = 10i64.pow(scale_digits);
    let int_v: i64 = if int.is_empty() { 0 } else { int.parse().map_err(|_| bad())? };
    let frac_v: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<width$}", width = scale_digits as usize).parse().map_err(|_| bad())? };
    let v = int_v.checked_mul(scale).and_then(|v| v.checked_add(frac_v)).ok_or_else(bad)?;
    Ok(if neg { -v } else { v })
}

/// 万元 with up to 6 decimals → fen.
pub fn parse_wan_to_fen(field: &'static str, input: &str) -> Result<i64, DomainError> {
    let fen = parse_scaled(field, input, 6)?;
    Ok(fen)
}

/// Yuan with up to 2 decimals → fen.
pub fn parse_yuan_to_fen(field: &'static str, input: &str) -> Result<i64, DomainError> {
    parse_scaled(field, input, 2)
}

/// Fen as a yuan string with two decimals.
pub fn fen_to_yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_decimal_parsing() {
        assert_eq!(parse_wan_to_fen("f", "12.5").unwrap(), 12_500_000);
        assert_eq!(parse_wan_to_fen("f", "0.000001").unwrap(), 1);
        assert_eq!(parse_yuan_to_fen("f", "1,000.05").unwrap(), 100_005);
        assert_eq!(parse_yuan_to_fen("f", "1.005").unwrap_err().code, "money.precision");
        assert_eq!(parse_yuan_to_fen("f", "abc").unwrap_err().code, "money.format");
        assert_eq!(fen_to_yuan(100_005), "1000.05");
    }
}
