//! The storage of short validated strings.

use arrayvec::ArrayString;

/// The longest string held inline.
const INLINE: usize = 30;

/// A string held in place when it is at most 30 bytes long, and on the heap otherwise: the
/// storage of a validated value that is usually short (a domain, a name), so that reading one
/// allocates nothing. It compares, hashes and prints as the string it holds.
///
/// ```
/// use mmpolicy_core::types::ShortString;
///
/// let name = ShortString::new("outbound-tracking");
/// assert_eq!(name.as_str(), "outbound-tracking");
/// assert!(name < ShortString::new("outbound-tracking-2"));
/// ```
#[derive(Clone)]
pub struct ShortString(Repr);

/// Where the string is.
#[derive(Clone)]
enum Repr {
    Inline(ArrayString<INLINE>),
    Heap(Box<str>),
}

impl ShortString {
    /// A copy of `value`.
    pub fn new(value: &str) -> Self {
        ShortString(match ArrayString::from(value) {
            Ok(inline) => Repr::Inline(inline),
            Err(_) => Repr::Heap(value.into()),
        })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Inline(inline) => inline,
            Repr::Heap(heap) => heap,
        }
    }
}

impl std::ops::Deref for ShortString {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

crate::text::behaves_as_str!(ShortString);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::hash;

    #[test]
    fn short_and_long_strings_read_compare_and_hash_as_the_strings_they_hold() {
        let values: Vec<String> = (0..=2 * INLINE)
            .map(|n| {
                "abcdefghij"
                    .repeat(7)
                    .get(..n)
                    .unwrap_or_default()
                    .to_owned()
            })
            .chain([
                "é".repeat(15),
                "é".repeat(16),
                "a".to_owned() + &"é".repeat(15),
            ])
            .collect();
        for a in &values {
            let short = ShortString::new(a);
            assert_eq!(short.as_str(), a);
            assert_eq!(&*short, a.as_str());
            assert_eq!(format!("{short}"), *a);
            assert_eq!(format!("{short:?}"), format!("{a:?}"));
            assert_eq!(hash(&short), hash(&a.as_str()), "{a}");
            assert_eq!(
                matches!(short.0, Repr::Inline(_)),
                a.len() <= INLINE,
                "{a}: held inline exactly when short"
            );
            for b in &values {
                let other = ShortString::new(b);
                assert_eq!(short == other, a == b, "{a} {b}");
                assert_eq!(short.cmp(&other), a.cmp(b), "{a} {b}");
            }
        }
    }
}
