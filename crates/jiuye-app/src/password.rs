//! Password policy (SECURITY.md R02) and Argon2id hashing.
//!
//! Policy: 12–128 characters, at least three of four classes (lower, upper, digit, symbol), not a
//! common password, and not built on the district's, the bureau's or the system's own words.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use jiuye_domain::DomainError;

const FIELD: &str = "密码";

/// Words an attacker tries first here: common passwords and the local names in pinyin.
const FORBIDDEN_PARTS: &[&str] = &[
    "password", "passw0rd", "123456", "qwerty", "admin", "root", "abc123", "111111", "iloveyou", "welcome", "nanhe", "xingtai", "hebei",
    "renshe", "rensheju", "jiuye", "hrss", "letmein", "woaini", "zhangsan",
];

pub fn check_policy(password: &str, login: &str) -> Result<(), DomainError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(DomainError::new(FIELD, "password.too_short", "至少12个字符"));
    }
    if n > 128 {
        return Err(DomainError::new(FIELD, "password.too_long", "不能超过128个字符"));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if classes < 3 {
        return Err(DomainError::new(FIELD, "password.classes", "需包含小写字母、大写字母、数字、符号中的至少三类"));
    }
    let lower = password.to_lowercase();
    if let Some(w) = FORBIDDEN_PARTS.iter().find(|w| lower.contains(*w)) {
        return Err(DomainError::new(FIELD, "password.common", format!("不能包含常见或易猜的词（{w}）")));
    }
    let login = login.trim().to_lowercase();
    if login.len() >= 3 && lower.contains(&login) {
        return Err(DomainError::new(FIELD, "password.login", "不能包含登录名"));
    }
    Ok(())
}

fn hasher() -> Argon2<'static> {
    // OWASP's second Argon2id profile: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, crate::AppError> {
    let salt: [u8; 16] = crate::vault::random_bytes()?;
    hasher()
        .hash_password_with_salt(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| crate::AppError::Internal(format!("password hash: {e}")))
}

pub fn verify(password: &str, hash: &str) -> bool {
    hasher().verify_password(password.as_bytes(), hash).is_ok()
}

/// A random password that satisfies the policy (for the seeded admin and resets).
pub fn generate() -> Result<String, crate::AppError> {
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let bytes: [u8; 16] = crate::vault::random_bytes()?;
        let body: String = bytes.iter().map(|b| char::from(ALPHABET.get(*b as usize % ALPHABET.len()).copied().unwrap_or(b'x'))).collect();
        let candidate = format!("{}-{}", &body[..8], &body[8..]);
        if check_policy(&candidate, "").is_ok() {
            return Ok(candidate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_table() {
        let cases = [
            ("Short1!", Some("password.too_short")),
            ("alllowercaseletters", Some("password.classes")),
            ("Nanhe2026!Secure", Some("password.common")),
            ("Admin123456!x", Some("password.common")),
            ("Wangjun-2026x", Some("password.login")),
            ("Correct-Horse-7", None),
            ("绿色小马电池订书钉Aa1", None),
        ];
        for (pw, expect) in cases {
            assert_eq!(check_policy(pw, "wangjun").err().map(|e| e.code), expect, "{pw}");
        }
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("Correct-Horse-7").unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("Correct-Horse-7", &h));
        assert!(!verify("Correct-Horse-8", &h));
        assert!(check_policy(&generate().unwrap(), "admin").is_ok());
    }
}
