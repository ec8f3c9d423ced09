//! Phone numbers as this crate sees them: a shape check for mainland mobiles and the masked form
//! that is the only form allowed in logs.
//!
//! Invariants: `mask_phone` never shows more than the first 3 and last 4 characters, is idempotent,
//! and stars short inputs completely (the same rule as `jiuye_domain::mask::mask_middle(s, 3, 4)`).

/// `13812345678` → `138****5678`. Inputs of 7 characters or fewer come back as all stars.
pub fn mask_phone(phone: &str) -> String {
    const HEAD: usize = 3;
    const TAIL: usize = 4;
    let n = phone.chars().count();
    if n <= HEAD + TAIL {
        return "*".repeat(n);
    }
    phone.chars().enumerate().map(|(i, c)| if i < HEAD || i >= n - TAIL { c } else { '*' }).collect()
}

/// Whether `phone` is an 11-digit mainland mobile number: ASCII digits only, `1` then `3`–`9`.
pub fn is_mainland_mobile(phone: &str) -> bool {
    let b = phone.as_bytes();
    b.len() == 11 && b.iter().all(u8::is_ascii_digit) && b.first() == Some(&b'1') && matches!(b.get(1), Some(b'3'..=b'9'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_number_keeps_three_and_four() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("19900001111"), "199****1111");
    }

    #[test]
    fn short_and_odd_inputs_never_show_more_than_seven_characters() {
        assert_eq!(mask_phone(""), "");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_phone("12345678"), "123*5678");
        assert_eq!(mask_phone("0319-7654321"), "031*****4321");
    }

    #[test]
    fn masking_is_idempotent() {
        let once = mask_phone("13812345678");
        assert_eq!(mask_phone(&once), once);
    }

    #[test]
    fn only_eleven_digit_mainland_mobiles_pass_the_shape_check() {
        for (input, ok) in [
            ("13812345678", true),
            ("19912345678", true),
            ("12812345678", false),
            ("23812345678", false),
            ("1381234567", false),
            ("138123456789", false),
            ("138 1234567", false),
            ("+8613812345678", false),
            ("１3812345678", false),
        ] {
            assert_eq!(is_mainland_mobile(input), ok, "case {input:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_mask_never_reveals_more_than_seven_characters(s in "\\PC{0,30}") {
            let m = mask_phone(&s);
            proptest::prop_assert_eq!(m.chars().count(), s.chars().count());
            proptest::prop_assert!(m.chars().filter(|c| *c != '*').count() <= 7);
        }
    }
}
