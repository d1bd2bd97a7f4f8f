//! A hand-written compact JSON writer for [`PolicyDocument`], byte for byte the text of
//! `serde_json::to_vec` (and so of [`PolicyDocument::to_compact_json`]), for the bulk path.
//!
//! It writes straight into the caller's buffer and copies the strings that need no escaping
//! (every string a validated parameter can produce) without serde_json's byte-by-byte escape
//! loop; a string that does need escaping goes through serde_json itself. Every struct is
//! destructured exhaustively, so a field added to the model does not compile until it is written
//! here too, and `tests` compare the output with serde_json's on documents using every form.

use crate::model::{
    ConditionValue, Effect, OneOrMany, PolicyDocument, Principal, PrincipalMap, Statement, Text,
    Version,
};

impl PolicyDocument {
    /// Appends the document as compact JSON, exactly as [`to_compact_json`](Self::to_compact_json)
    /// writes it, to `out`.
    pub fn write_compact_json(&self, out: &mut Vec<u8>) {
        let PolicyDocument {
            version,
            id,
            statement,
        } = self;
        let mut object = Object::open(out);
        if let Some(version) = version {
            object.fixed(out, "\"Version\":");
            string(out, version_str(*version));
        }
        if let Some(id) = id {
            object.fixed(out, "\"Id\":");
            string(out, id);
        }
        object.fixed(out, "\"Statement\":");
        one_or_many(out, statement, write_statement);
        Object::close(out);
    }
}

fn version_str(version: Version) -> &'static str {
    match version {
        Version::V2012_10_17 => "2012-10-17",
        Version::V2008_10_17 => "2008-10-17",
    }
}

fn write_statement(out: &mut Vec<u8>, statement: &Statement) {
    let Statement {
        sid,
        effect,
        principal,
        not_principal,
        action,
        not_action,
        resource,
        not_resource,
        condition,
    } = statement;
    let mut object = Object::open(out);
    if let Some(sid) = sid {
        object.fixed(out, "\"Sid\":");
        text(out, sid);
    }
    object.fixed(out, "\"Effect\":");
    out.extend_from_slice(match effect {
        Effect::Allow => b"\"Allow\"",
        Effect::Deny => b"\"Deny\"",
    });
    // Written out key by key, not in a loop, so each fixed key is a constant the compiler
    // copies inline.
    if let Some(principal) = principal {
        object.fixed(out, "\"Principal\":");
        write_principal(out, principal);
    }
    if let Some(principal) = not_principal {
        object.fixed(out, "\"NotPrincipal\":");
        write_principal(out, principal);
    }
    if let Some(values) = action {
        object.fixed(out, "\"Action\":");
        strings(out, values);
    }
    if let Some(values) = not_action {
        object.fixed(out, "\"NotAction\":");
        strings(out, values);
    }
    if let Some(values) = resource {
        object.fixed(out, "\"Resource\":");
        strings(out, values);
    }
    if let Some(values) = not_resource {
        object.fixed(out, "\"NotResource\":");
        strings(out, values);
    }
    if let Some(condition) = condition {
        object.fixed(out, "\"Condition\":");
        let mut operators = Object::open(out);
        for (operator, keys) in condition {
            operators.key(out, operator);
            let mut entries = Object::open(out);
            for (key, values) in keys {
                entries.key(out, key);
                one_or_many(out, values, write_condition_value);
            }
            Object::close(out);
        }
        Object::close(out);
    }
    Object::close(out);
}

fn write_principal(out: &mut Vec<u8>, principal: &Principal) {
    let map = match principal {
        Principal::Any => return string(out, "*"),
        Principal::Named(map) => map,
    };
    let PrincipalMap {
        aws,
        service,
        federated,
        canonical_user,
    } = &**map;
    let mut object = Object::open(out);
    for (key, values) in [
        ("\"AWS\":", aws),
        ("\"Service\":", service),
        ("\"Federated\":", federated),
        ("\"CanonicalUser\":", canonical_user),
    ] {
        if let Some(values) = values {
            object.fixed(out, key);
            strings(out, values);
        }
    }
    Object::close(out);
}

fn write_condition_value(out: &mut Vec<u8>, value: &ConditionValue) {
    match value {
        ConditionValue::String(s) => text(out, s),
        ConditionValue::Bool(true) => out.extend_from_slice(b"true"),
        ConditionValue::Bool(false) => out.extend_from_slice(b"false"),
        // Rare; serde_json formats numbers, so its text is the reference. Writing into a
        // `Vec` cannot fail.
        ConditionValue::Number(n) => {
            let _ = serde_json::to_writer(&mut *out, n);
        }
    }
}

/// Strings alone or in a list.
fn strings(out: &mut Vec<u8>, values: &OneOrMany<Text>) {
    one_or_many(out, values, text);
}

/// A [`Text`]: copied between quotes without a check when it is known to need no escaping.
#[inline]
fn text(out: &mut Vec<u8>, text: &Text) {
    if text.known_plain() {
        let bytes = text.as_bytes();
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
    } else {
        string(out, text);
    }
}

/// A value alone, or a list of values.
fn one_or_many<T>(out: &mut Vec<u8>, values: &OneOrMany<T>, write: impl Fn(&mut Vec<u8>, &T)) {
    match values {
        OneOrMany::One(value) => write(out, value),
        OneOrMany::Many(_) | OneOrMany::Fixed(_) => {
            let values = values.as_slice();
            out.push(b'[');
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write(out, value);
            }
            out.push(b']');
        }
    }
}

/// Writes the braces and commas of a JSON object.
struct Object {
    empty: bool,
}

impl Object {
    fn open(out: &mut Vec<u8>) -> Self {
        out.push(b'{');
        Object { empty: true }
    }

    fn key(&mut self, out: &mut Vec<u8>, key: &Text) {
        if !self.empty {
            out.push(b',');
        }
        self.empty = false;
        text(out, key);
        out.push(b':');
    }

    /// A key fixed by the model, given already quoted and followed by its colon
    /// (`"\"Effect\":"`): copied as is, without an escape check.
    #[inline(always)]
    fn fixed(&mut self, out: &mut Vec<u8>, quoted_key: &'static str) {
        if !self.empty {
            out.push(b',');
        }
        self.empty = false;
        out.extend_from_slice(quoted_key.as_bytes());
    }

    fn close(out: &mut Vec<u8>) {
        out.push(b'}');
    }
}

/// A JSON string: copied between quotes when nothing in it needs escaping, else escaped by
/// serde_json.
///
/// The check and the copy are one pass over eight bytes at a time, each copy of a constant
/// size, which the compiler writes inline: the strings of a policy are short, and calling
/// `memcpy` for each of them cost more than copying them.
#[inline]
fn string(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    let start = out.len();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0u64;
    for chunk in &mut chunks {
        let word: [u8; 8] = chunk.try_into().unwrap_or_default();
        found |= special_bytes(u64::from_le_bytes(word));
        out.extend_from_slice(&word);
    }
    let rest = chunks.remainder();
    if let (Some(last), false) = (bytes.len().checked_sub(8), rest.is_empty()) {
        // The last eight bytes, overlapping the chunks already written: drop the overlap
        // and write the window whole.
        let word: [u8; 8] = bytes[last..].try_into().unwrap_or_default();
        found |= special_bytes(u64::from_le_bytes(word));
        out.truncate(out.len() - (8 - rest.len()));
        out.extend_from_slice(&word);
    } else {
        for &b in rest {
            found |= u64::from(b < 0x20 || b == b'"' || b == b'\\');
            out.push(b);
        }
    }
    if found != 0 {
        out.truncate(start);
        // Writing into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
        return;
    }
    out.push(b'"');
}

/// Non-zero when one of the eight bytes of `x` needs escaping in JSON: a control character,
/// `"` or `\` (SWAR: eight bytes at a time).
#[inline]
fn special_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// High bit set in each byte of `x` that is zero.
    fn zero_bytes(x: u64) -> u64 {
        x.wrapping_sub(ONES) & !x & HIGH
    }
    // A byte below 0x20 (and below 0x80, so no UTF-8 byte), `"` (0x22), `\\` (0x5c).
    let control = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    control | zero_bytes(x ^ (ONES * 0x22)) | zero_bytes(x ^ (ONES * 0x5c))
}

/// True when JSON needs no byte of `bytes` escaped (eight bytes at a time).
pub(crate) fn is_plain(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    let mut found = 0u64;
    for chunk in &mut chunks {
        let word: [u8; 8] = chunk.try_into().unwrap_or_default();
        found |= special_bytes(u64::from_le_bytes(word));
    }
    found == 0
        && !chunks
            .remainder()
            .iter()
            .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Whether JSON needs any byte of `bytes` escaped, as [`string`] decides it.
#[cfg(test)]
fn needs_escape(bytes: &[u8]) -> bool {
    let mut out = Vec::new();
    let s = std::str::from_utf8(bytes).unwrap_or_default();
    string(&mut out, s);
    let escaped = out.len() != bytes.len() + 2;
    assert_eq!(is_plain(bytes), !escaped, "{bytes:?}");
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(document: serde_json::Value) {
        let document: PolicyDocument = serde_json::from_value(document).unwrap();
        let mut out = b"prefix ".to_vec();
        document.write_compact_json(&mut out);
        let want = format!("prefix {}", document.to_compact_json());
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn finds_every_byte_that_needs_escaping() {
        for len in 0..20 {
            let plain = "a".repeat(len);
            assert!(!needs_escape(plain.as_bytes()), "{len}");
            for at in 0..len {
                for special in [0u8, 0x1f, b'"', b'\\', b'\n'] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[at] = special;
                    assert!(needs_escape(&bytes), "{len} {at} {special}");
                }
                for fine in [0x20u8, b'!', b'#', b'[', b']', 0x7f] {
                    let mut bytes = plain.clone().into_bytes();
                    bytes[at] = fine;
                    assert!(!needs_escape(&bytes), "{len} {at} {fine}");
                }
            }
        }
        // Non-ASCII text is copied as is, as serde_json does.
        assert!(!needs_escape("ééééééééé".as_bytes()));
    }

    #[test]
    fn writes_what_serde_json_writes() {
        check(json!({"Statement": []}));
        check(json!({"Version": "2008-10-17", "Statement": {"Effect": "Deny"}}));
        check(json!({"Version": "2012-10-17", "Id": "x", "Statement": [
            {"Sid": "A", "Effect": "Deny", "Principal": "*", "NotAction": ["s3:*"], "NotResource": "arn:aws:s3:::b",
             "Condition": {"Bool": {"aws:SecureTransport": false, "x": true}, "NumericLessThan": {"s3:max-keys": [10, "5", -3, 2.5]}}},
            {"Effect": "Allow", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ses.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"}, "Action": ["a:b", "c:d"], "Resource": ["*"]},
            {"Effect": "Allow", "Principal": {"Service": ["a", "b"]}, "Action": "a:b", "Resource": [], "Condition": {}}
        ]}));
    }

    #[test]
    fn writes_fixed_and_shared_forms_as_serde_json_does() {
        const TWO: &[Text] = &[Text::from_static("a:b"), Text::from_static("c:d")];
        const ONE: &[Text] = &[Text::from_static("a:b")];
        let arn = Text::shared("arn:aws:s3:::b/*");
        let document = PolicyDocument::new(vec![
            Statement::allow()
                .fixed_actions(TWO)
                .resources([arn.clone()]),
            Statement::allow().fixed_actions(ONE).resources([arn]),
            Statement::allow().fixed_actions(&[]),
        ]);
        let mut out = Vec::new();
        document.write_compact_json(&mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, document.to_compact_json());
        assert_eq!(
            text,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:b","c:d"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"a:b","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":[]}]}"#
        );
    }

    #[test]
    fn escapes_static_and_shared_texts_that_need_it() {
        const QUOTED: &[Text] = &[Text::from_static("a\"b"), Text::from_static("c:d")];
        let document = PolicyDocument::new(vec![
            Statement::allow()
                .sid(Text::from_static("tab\t"))
                .fixed_actions(QUOTED)
                .resources([Text::shared("back\\slash"), Text::shared("plain")])
                .condition(
                    Text::from_static("String\"Equals"),
                    Text::shared("k\n"),
                    [Text::shared("v\u{1}")],
                ),
        ]);
        let mut out = Vec::new();
        document.write_compact_json(&mut out);
        assert_eq!(String::from_utf8(out).unwrap(), document.to_compact_json());
    }

    #[test]
    fn escapes_what_serde_json_escapes() {
        for s in [
            "quote\"d",
            "back\\slash",
            "new\nline",
            "tab\t",
            "\u{1}\u{1f}",
            "\u{7f}",
            "é ü 日本",
            "",
        ] {
            check(
                json!({"Id": s, "Statement": {"Sid": s, "Effect": "Allow", "Condition": {s: {s: s}}}}),
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn any_strings_are_written_as_serde_json_writes_them(
            sid in ".*",
            resources in proptest::collection::vec(".*", 0..3),
            key in ".*",
            value in ".*",
        ) {
            check(json!({"Statement": [{"Sid": sid, "Effect": "Allow", "Resource": resources,
                "Condition": {"StringEquals": {key: value}}}]}));
        }
    }
}
