//! Normalisation of user-typed text before parsing: full-width ASCII to half-width, trimming.
//!
//! Idempotent: `normalize(normalize(s)) == normalize(s)`.

/// Full-width forms (U+FF01..U+FF5E) become ASCII, the ideographic space becomes a space, and the
/// result is trimmed of white space (including the non-breaking space Excel sometimes leaves).
pub fn normalize(input: &str) -> String {
    let mapped: String = input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' => ' ',
            _ => c,
        })
        .collect();
    mapped.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_letters_become_ascii() {
        assert_eq!(normalize("１１０１０１ｘ"), "110101x");
        assert_eq!(normalize("\u{3000} abc \u{00A0}"), "abc");
    }

    proptest::proptest! {
        #[test]
        fn normalize_is_idempotent(s in "\\PC{0,40}") {
            let once = normalize(&s);
            proptest::prop_assert_eq!(normalize(&once), once.clone());
        }
    }
}
