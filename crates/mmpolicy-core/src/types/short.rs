//! The storage of short validated strings.

use arrayvec::ArrayString;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

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

impl PartialEq for ShortString {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for ShortString {}

impl PartialOrd for ShortString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ShortString {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for ShortString {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Debug for ShortString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for ShortString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn hash(value: &impl Hash) -> u64 {
        let mut h = DefaultHasher::new();
        value.hash(&mut h);
        h.finish()
    }

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
