//! Keys that an object of the document holds twice (`"Statement"` twice, two `"Action"`s in one
//! statement). `serde_json::Value` keeps only the last copy, so the other checks never see the
//! first: this pass reads the text again with a visitor that records every repeated key with
//! its JSON pointer, and keeps nothing else.

use crate::{Finding, Rule, ptr};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::HashSet;
use std::fmt;

/// A repeated key: the pointer of the object that holds it and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Duplicate {
    pub object: String,
    pub key: String,
}

/// The keys repeated in `text`, in document order; empty when the text is not JSON (the caller
/// reports that).
pub(crate) fn find(text: &str) -> Vec<Duplicate> {
    let mut found = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let walk = Walk {
        ptr: String::new(),
        found: &mut found,
    };
    match walk.deserialize(&mut de) {
        Ok(()) => found,
        Err(_) => Vec::new(),
    }
}

/// The findings for the keys repeated in `text`.
pub(crate) fn check(text: &str, out: &mut Vec<Finding>) {
    for d in find(text) {
        let place = if d.object.is_empty() {
            "the document".to_owned()
        } else {
            format!("the object at `{}`", d.object)
        };
        out.push(Finding::new(
            Rule::DuplicateKey,
            ptr(&d.object, &d.key),
            format!(
                "{place} has the key `{}` more than once: JSON readers disagree on which copy counts (mmpolicy reads the last, and checks nothing of the others); keep one, with every value in it",
                d.key
            ),
        ));
    }
}

/// Walks one value at `ptr`, recording repeated keys.
struct Walk<'a> {
    ptr: String,
    found: &'a mut Vec<Duplicate>,
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let walk = Walk {
                ptr: ptr(&self.ptr, i),
                found: &mut *self.found,
            };
            if seq.next_element_seed(walk)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut reported: HashSet<String> = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let walk = Walk {
                ptr: ptr(&self.ptr, &key),
                found: &mut *self.found,
            };
            map.next_value_seed(walk)?;
            if !seen.insert(key.clone()) && reported.insert(key.clone()) {
                self.found.push(Duplicate {
                    object: self.ptr.clone(),
                    key,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_repeated_keys_at_every_depth_once_each() {
        let text = r#"{"Statement": [{"Action": "a", "Action": "b", "Action": "c"}],
            "Version": "1", "Statement": {"Sid": "x", "Sid": "y"}}"#;
        let found: Vec<(String, String)> =
            find(text).into_iter().map(|d| (d.object, d.key)).collect();
        assert_eq!(
            found,
            [
                ("/Statement/0".to_owned(), "Action".to_owned()),
                ("/Statement".to_owned(), "Sid".to_owned()),
                (String::new(), "Statement".to_owned()),
            ]
        );
    }

    #[test]
    fn keys_differing_in_case_or_escapes_are_distinct_or_equal_as_json_says() {
        assert!(find(r#"{"Action": 1, "action": 2}"#).is_empty());
        assert_eq!(find(r#"{"Action": 1, "\u0041ction": 2}"#).len(), 1);
    }
}
