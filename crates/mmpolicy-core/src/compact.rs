//! A hand-written compact JSON writer for [`PolicyDocument`], byte for byte the text of
//! `serde_json::to_vec` (and so of [`PolicyDocument::to_compact_json`]), for the bulk path.
//!
//! It writes straight into the caller's buffer and copies the strings that need no escaping
//! (every string a validated parameter can produce) without serde_json's byte-by-byte escape
//! loop; a string that does need escaping goes through serde_json itself. Every struct is
//! destructured exhaustively, so a field added to the model does not compile until it is written
//! here too, and `tests` compare the output with serde_json's on documents using every form.

use crate::model::{
    Actions, ConditionValue, Effect, OneOrMany, PolicyDocument, Principal, PrincipalMap, Shape,
    Statement, Text, Version,
};
use crate::text::is_plain;

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

impl PolicyDocument {
    /// Appends the document in `shape` as compact JSON, exactly as
    /// [`to_compact_json_as`](Self::to_compact_json_as) writes it, to `out`.
    pub fn write_compact_json_as(&self, shape: Shape, out: &mut Vec<u8>) {
        match shape {
            Shape::Document => self.write_compact_json(out),
            Shape::Statements => list(out, self.statements(), write_statement),
        }
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
        actions(out, values);
    }
    if let Some(values) = not_action {
        object.fixed(out, "\"NotAction\":");
        actions(out, values);
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

/// Actions alone or in a list; a constant list's actions are checked as they are copied.
fn actions(out: &mut Vec<u8>, values: &Actions) {
    match values {
        Actions::One(one) => text(out, one),
        Actions::Many(many) => list(out, many, text),
        Actions::Fixed(fixed) if fixed_list_is_plain(fixed) => {
            list(out, fixed, |out, s| quoted(out, s.as_bytes()));
        }
        Actions::Fixed(fixed) => list(out, fixed, |out, s| string(out, s)),
    }
}

/// Whether no action of a constant list needs escaping, remembered per list: a provider's
/// lists are constants, so each is checked once per thread rather than at each policy. A
/// `&'static` slice never changes and its memory is never reused, so its address and length
/// name its contents for the life of the program; a slot taken by another list is checked
/// again.
fn fixed_list_is_plain(list: &'static [&'static str]) -> bool {
    const SLOTS: usize = 64;
    type Slot = std::cell::Cell<(usize, usize, bool)>;
    thread_local! {
        static SEEN: [Slot; SLOTS] = const { [const { std::cell::Cell::new((0, 0, false)) }; SLOTS] };
    }
    let key = (list.as_ptr() as usize, list.len());
    SEEN.with(|seen| {
        let slot = &seen[(key.0 >> 3) % SLOTS];
        let (ptr, len, plain) = slot.get();
        if (ptr, len) == key && ptr != 0 {
            return plain;
        }
        let plain = list.iter().all(|s| is_plain(s.as_bytes()));
        slot.set((key.0, key.1, plain));
        plain
    })
}

/// Values in a JSON array.
fn list<T>(out: &mut Vec<u8>, values: &[T], write: impl Fn(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write(out, value);
    }
    out.push(b']');
}

/// Strings alone or in a list.
fn strings(out: &mut Vec<u8>, values: &OneOrMany<Text>) {
    one_or_many(out, values, text);
}

/// A [`Text`]: copied between quotes without a check when it is known to need no escaping.
#[inline]
fn text(out: &mut Vec<u8>, text: &Text) {
    if text.known_plain() {
        quoted(out, text.as_bytes());
    } else {
        string(out, text);
    }
}

/// A JSON string: copied between quotes when nothing in it needs escaping (checked eight bytes
/// at a time), else escaped by serde_json.
fn string(out: &mut Vec<u8>, s: &str) {
    if is_plain(s.as_bytes()) {
        quoted(out, s.as_bytes());
    } else {
        // Writing into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

/// `bytes` between quotes, as they are.
#[inline]
fn quoted(out: &mut Vec<u8>, bytes: &[u8]) {
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    out.extend_from_slice(bytes);
    out.push(b'"');
}

/// A value alone, or a list of values.
fn one_or_many<T>(out: &mut Vec<u8>, values: &OneOrMany<T>, write: impl Fn(&mut Vec<u8>, &T)) {
    match values {
        OneOrMany::One(value) => write(out, value),
        _ => list(out, values.as_slice(), write),
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Whether [`string`] escapes `bytes`, checked against [`is_plain`].
    fn needs_escape(bytes: &[u8]) -> bool {
        let mut out = Vec::new();
        let s = std::str::from_utf8(bytes).unwrap_or_default();
        string(&mut out, s);
        let escaped = out.len() != bytes.len() + 2;
        assert_eq!(is_plain(bytes), !escaped, "{bytes:?}");
        escaped
    }

    fn check(document: serde_json::Value) {
        let document: PolicyDocument = serde_json::from_value(document).unwrap();
        let mut out = b"prefix ".to_vec();
        document.write_compact_json(&mut out);
        let want = format!("prefix {}", document.to_compact_json());
        assert_eq!(String::from_utf8(out).unwrap(), want);
        for shape in [Shape::Document, Shape::Statements] {
            let mut out = Vec::new();
            document.write_compact_json_as(shape, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                document.to_compact_json_as(shape)
            );
        }
    }

    #[test]
    fn writes_the_statements_shape_as_a_list_of_statements() {
        let document = PolicyDocument::new(vec![
            Statement::allow().sid("A").actions(&["a:b"]),
            Statement::allow().sid("B").actions(&["c:d"]),
        ]);
        let mut out = Vec::new();
        document.write_compact_json_as(Shape::Statements, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"[{"Sid":"A","Effect":"Allow","Action":"a:b"},{"Sid":"B","Effect":"Allow","Action":"c:d"}]"#
        );
        let pretty = document.to_pretty_json_as(Shape::Statements);
        assert!(pretty.starts_with("[\n  {\n    \"Sid\": \"A\""), "{pretty}");
        assert!(pretty.ends_with("}\n]\n"), "{pretty}");
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
        let arn = Text::shared("arn:aws:s3:::b/*");
        let none: &'static [&'static str] = &[];
        let document = PolicyDocument::new(vec![
            Statement::allow()
                .actions(&["a:b", "c:d"])
                .resources([arn.clone()]),
            Statement::allow().actions(&["a:b"]).resources([arn]),
            Statement::allow().actions(none),
            Statement::allow().actions(&["a\"b"]),
        ]);
        let mut out = Vec::new();
        document.write_compact_json(&mut out);
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, document.to_compact_json());
        assert_eq!(
            text,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a:b","c:d"],"Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":"a:b","Resource":"arn:aws:s3:::b/*"},{"Effect":"Allow","Action":[]},{"Effect":"Allow","Action":"a\"b"}]}"#
        );
    }

    #[test]
    fn escapes_static_and_shared_texts_that_need_it() {
        let document = PolicyDocument::new(vec![
            Statement::allow()
                .sid(Text::from_static("tab\t"))
                .actions(&["a\"b", "c:d"])
                .resources([Text::shared("back\\slash"), Text::shared("plain")])
                .condition(
                    Text::from_static("String\"Equals"),
                    Text::shared("k\n"),
                    [Text::shared("v\u{1}")],
                ),
        ]);
        // Twice: the second time, the constant list's check is remembered.
        for _ in 0..2 {
            let mut out = Vec::new();
            document.write_compact_json(&mut out);
            assert_eq!(String::from_utf8(out).unwrap(), document.to_compact_json());
        }
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
