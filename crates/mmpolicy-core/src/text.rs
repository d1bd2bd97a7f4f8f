//! [`Text`], the string type of the policy model.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// Makes a type with `fn as_str(&self) -> &str` compare, order, hash and print as that
/// string: `PartialEq`, `Eq`, `PartialOrd`, `Ord`, `Hash`, `Debug` and `Display`.
macro_rules! behaves_as_str {
    ($ty:ty) => {
        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $ty {}

        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $ty {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl std::hash::Hash for $ty {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Debug::fmt(self.as_str(), f)
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use behaves_as_str;

/// Text in a policy, in the form that costs least where it comes from:
///
/// - **fixed** by the code (actions, Sids, condition operators and keys): a `&'static str`,
///   never allocated ([`Text::from_static`], `From<&'static str>`);
/// - **built once** from parameters (an ARN, an account id): a `String` ([`From<String>`],
///   or [`Text::concat`] for an ARN joined from its parts);
/// - **shared** by several statements (the ARN every statement of a policy is scoped to):
///   an `Arc<str>` ([`Text::shared`]), so each further copy is a reference count, not an
///   allocation.
///
/// Whatever the form, a `Text` behaves as the `str` it holds: it compares, orders, hashes,
/// prints and serialises like it, so the form is never visible in a policy.
#[derive(Clone)]
pub struct Text(Repr);

/// The forms of a [`Text`]. The static, shared and joined forms also record whether the text is
/// *plain*: written in JSON between quotes as it is, with nothing to escape. That is known
/// once, when the text is made (for a constant, by the compiler), instead of each time the
/// compact writer writes it.
#[derive(Clone)]
enum Repr {
    Static(&'static str),
    StaticPlain(&'static str),
    Owned(String),
    OwnedPlain(String),
    Shared(Arc<str>),
    SharedPlain(Arc<str>),
}

/// True when JSON needs `b` escaped: a control character, `"` or `\\`.
const fn escaped(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// [`is_plain`] a byte at a time, as a `const fn` must: for constants, which the compiler
/// checks.
const fn is_plain_const(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if escaped(bytes[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// True when JSON needs no byte of `bytes` escaped; eight bytes at a time (SWAR), for texts
/// made while the program runs and for the compact writer.
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// High bit set in each byte of `x` that is zero, and possibly in a byte above one: enough
    /// to tell whether any is, in one operation fewer than the exact mask
    /// (`types::bytes::head_mask`), which the writer would pay for on every text.
    fn zero_bytes(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    /// High bit set in each byte of `word` that JSON escapes: below 0x20 (and below 0x80, so
    /// no UTF-8 byte), `"` (0x22), `\\` (0x5c).
    fn escapes(word: &[u8]) -> u64 {
        let x = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
        control | zero_bytes(x ^ (ONES * 0x22)) | zero_bytes(x ^ (ONES * 0x5c))
    }
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0u64;
    for chunk in &mut chunks {
        found |= escapes(chunk);
    }
    let rest = chunks.remainder();
    if rest.is_empty() {
        found == 0
    } else if let Some(last) = bytes.len().checked_sub(8).and_then(|at| bytes.get(at..)) {
        // The last eight bytes, overlapping the words already checked: no loop over the rest.
        found == 0 && escapes(last) == 0
    } else {
        !rest.iter().any(|&b| escaped(b))
    }
}

impl Text {
    /// Text fixed by the code; usable in constants (`const A: Text = Text::from_static("x")`).
    pub const fn from_static(s: &'static str) -> Self {
        Text::static_checked(s, is_plain_const(s))
    }

    /// The static form, `plain` or not.
    const fn static_checked(s: &'static str, plain: bool) -> Self {
        if plain {
            Text(Repr::StaticPlain(s))
        } else {
            Text(Repr::Static(s))
        }
    }

    /// Text that several statements will hold: cloning it copies a reference, not the string.
    pub fn shared(s: impl Into<Arc<str>>) -> Self {
        let s = s.into();
        if is_plain(s.as_bytes()) {
            Text(Repr::SharedPlain(s))
        } else {
            Text(Repr::Shared(s))
        }
    }

    /// The pieces joined: for an ARN made of a parameter's parts. One allocation of the exact
    /// length; inlined, so that the constant pieces (`"arn:"`, `":"`) are copied without a call.
    #[inline(always)]
    pub fn concat(pieces: &[&str]) -> Self {
        Text::join(pieces, &[])
    }

    /// [`concat`](Text::concat) of the pieces of `head` and then of `tail`.
    #[inline(always)]
    pub(crate) fn join(head: &[&str], tail: &[&str]) -> Self {
        let mut len = 0;
        for piece in head.iter().chain(tail) {
            len += piece.len();
        }
        let mut joined = String::with_capacity(len);
        for piece in head {
            joined.push_str(piece);
        }
        for piece in tail {
            joined.push_str(piece);
        }
        Text::checked(joined)
    }

    /// A text made while the program runs, with whether it is plain recorded.
    fn checked(s: String) -> Self {
        if is_plain(s.as_bytes()) {
            Text(Repr::OwnedPlain(s))
        } else {
            Text(Repr::Owned(s))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) | Repr::StaticPlain(s) => s,
            Repr::Owned(s) | Repr::OwnedPlain(s) => s,
            Repr::Shared(s) | Repr::SharedPlain(s) => s,
        }
    }

    /// True when the text is known to need no escaping in JSON (a static, shared or joined
    /// text without control characters, quotes or backslashes); false when it does, or when
    /// it was not checked (a text made from a `String`).
    pub(crate) fn known_plain(&self) -> bool {
        matches!(
            self.0,
            Repr::StaticPlain(_) | Repr::SharedPlain(_) | Repr::OwnedPlain(_)
        )
    }

    /// The text as a `String`, allocating only when it is not already one.
    pub fn into_string(self) -> String {
        match self.0 {
            Repr::Owned(s) | Repr::OwnedPlain(s) => s,
            Repr::Static(s) | Repr::StaticPlain(s) => s.to_owned(),
            Repr::Shared(s) | Repr::SharedPlain(s) => s.as_ref().to_owned(),
        }
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::from_static("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    /// As [`Text::from_static`], checked eight bytes at a time: this runs when the program
    /// does, where `from_static` in a constant runs when it compiles.
    fn from(s: &'static str) -> Self {
        Text::static_checked(s, is_plain(s.as_bytes()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Repr::Owned(s))
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Self {
        Text(Repr::Shared(s))
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Self {
        s.clone()
    }
}

impl From<Text> for String {
    fn from(s: Text) -> Self {
        s.into_string()
    }
}

impl From<&Text> for String {
    fn from(s: &Text) -> Self {
        s.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

behaves_as_str!(Text);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text::from(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text::from(v))
            }
        }
        deserializer.deserialize_string(TextVisitor)
    }
}

/// The hash of `value` by the standard hasher: for the tests of types that must hash as their
/// string.
#[cfg(test)]
pub(crate) fn hash(value: &impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_behaves_as_its_str() {
        let forms = [
            Text::from_static("ses:GetArchive"),
            Text::from("ses:GetArchive".to_owned()),
            Text::shared("ses:GetArchive"),
        ];
        for a in &forms {
            for b in &forms {
                assert_eq!(a, b);
                assert_eq!(a.cmp(b), std::cmp::Ordering::Equal);
                assert_eq!(hash(a), hash(b));
            }
            assert_eq!(hash(a), hash(&"ses:GetArchive"));
            assert_eq!(*a, "ses:GetArchive");
            assert_eq!(a.to_string(), "ses:GetArchive");
            assert_eq!(format!("{a:?}"), "\"ses:GetArchive\"");
            assert_eq!(
                serde_json::to_string(a).unwrap(),
                "\"ses:GetArchive\"".to_owned()
            );
            assert_eq!(a.clone().into_string(), "ses:GetArchive");
        }
        assert_eq!(
            Text::from("a").cmp(&Text::shared("b")),
            std::cmp::Ordering::Less
        );
        assert_ne!(Text::from("a"), Text::from("b"));
    }

    #[test]
    fn a_concatenated_text_is_its_pieces_and_knows_whether_it_is_plain() {
        let long = Text::concat(&["arn:aws:ses:eu-west-1:", "111122223333", ":archive/a-1"]);
        let short = Text::concat(&["arn:", "aws"]);
        let head_and_tail = Text::join(&["arn:", "aws"], &[":s3:::", "b/*"]);
        assert_eq!(long, "arn:aws:ses:eu-west-1:111122223333:archive/a-1");
        assert_eq!(short, "arn:aws");
        assert_eq!(head_and_tail, "arn:aws:s3:::b/*");
        assert_eq!(Text::concat(&[]), "");
        assert!(long.known_plain() && short.known_plain() && head_and_tail.known_plain());
        assert!(!Text::concat(&["a", "\"\n"]).known_plain());
        assert_eq!(Text::concat(&["a", "\"\n"]), "a\"\n");
        // One allocation of the exact length.
        let joined = long.into_string();
        assert_eq!(joined.capacity(), joined.len());
    }

    #[test]
    fn a_shared_text_is_not_copied_by_clone() {
        let arn = Text::shared("arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*");
        let copy = arn.clone();
        assert!(std::ptr::eq(arn.as_str(), copy.as_str()));
    }

    #[test]
    fn static_and_shared_texts_know_whether_json_needs_escaping() {
        const PLAIN: Text = Text::from_static("ses:GetArchive");
        const QUOTED: Text = Text::from_static("a\"b");
        assert!(PLAIN.known_plain());
        assert!(!QUOTED.known_plain());
        assert!(Text::shared("arn:aws:s3:::b/*").known_plain());
        for special in ["\\", "\"", "\n", "\u{1f}", "x\u{0}"] {
            assert!(!Text::shared(special).known_plain(), "{special:?}");
        }
        assert!(Text::shared("é \u{7f}").known_plain());
        // Made at run time, the same answers as in a constant.
        for s in ["ses:GetArchive", "a\"b", "x\\", "tab\t", "", "é"] {
            assert_eq!(
                Text::from(s).known_plain(),
                Text::from_static(s).known_plain(),
                "{s:?}"
            );
        }
        // Owned text is not checked when it is made.
        assert!(!Text::from("plain".to_owned()).known_plain());
    }

    #[test]
    fn deserialises_from_json_strings_only() {
        let t: Text = serde_json::from_str("\"a\\u00e9\"").unwrap();
        assert_eq!(t, "aé");
        assert!(serde_json::from_str::<Text>("1").is_err());
    }
}
