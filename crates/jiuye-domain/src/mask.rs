//! Masking of personal data for display: keep a head and a tail, star the middle.
//!
//! Invariants: the result never shows more than `head + tail` characters of the input; masking is
//! idempotent (a masked string masks to itself); short inputs are fully starred.

/// Keeps `head` leading and `tail` trailing characters and replaces the rest with `*`.
pub fn mask_middle(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n <= head + tail {
        return "*".repeat(n);
    }
    chars.iter().enumerate().map(|(i, c)| if i < head || i >= n - tail { *c } else { '*' }).collect()
}

/// A person's name for the public: the surname and stars (`张*`, `欧阳**`: first character kept).
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_three_and_four() {
        assert_eq!(mask_middle("13812345678", 3, 4), "138****5678");
        assert_eq!(mask_middle("1234", 3, 4), "****");
        assert_eq!(mask_name("张三丰"), "张**");
    }

    proptest::proptest! {
        #[test]
        fn mask_is_idempotent_and_never_reveals_more(s in "[0-9A-Z]{0,30}") {
            let m = mask_middle(&s, 3, 4);
            proptest::prop_assert_eq!(mask_middle(&m, 3, 4), m.clone());
            let visible = m.chars().filter(|c| *c != '*').count();
            proptest::prop_assert!(visible <= 7);
        }
    }
}
