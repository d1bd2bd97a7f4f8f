//! Resource tag keys and values, as a policy names them in `aws:RequestTag/<key>` conditions.

use super::refusal;
use crate::string_newtype;
use crate::{InvalidValue, Text};
use schemars::json_schema;

/// The characters AWS allows in tags, less white space (which mmpolicy refuses everywhere).
fn is_tag_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_.:/=+-@".contains(&b)
}

/// A tag key: 1 to 128 letters, digits and `_ . : / = + - @`, not starting with `aws:` (AWS
/// reserves that prefix).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagKey(Text);

impl TagKey {
    /// Parses a tag key.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        if value.is_empty() || value.len() > 128 || !value.bytes().all(is_tag_char) {
            return Err(refusal(
                Self::FIELD,
                value,
                "a tag key has 1 to 128 letters, digits and `_ . : / = + - @`",
            ));
        }
        if value
            .get(..4)
            .is_some_and(|p| p.eq_ignore_ascii_case("aws:"))
        {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "tag keys starting with `aws:` are reserved by AWS",
            ));
        }
        Ok(TagKey(Text::shared(value)))
    }

    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as policy text: shared, so a policy naming it costs no copy.
    pub fn as_text(&self) -> &Text {
        &self.0
    }
}

string_newtype!(
    TagKey,
    field = "tag_key",
    schema = json_schema!({
        "title": "tag key",
        "type": "string",
        "description": "A tag key (not starting with `aws:`).",
        "pattern": "^[A-Za-z0-9_.:/=+@-]{1,128}$",
        "examples": ["team"]
    })
);

/// A tag value: 1 to 256 letters, digits and `_ . : / = + - @`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagValue(Text);

impl TagValue {
    /// Parses a tag value.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        if value.is_empty() || value.len() > 256 || !value.bytes().all(is_tag_char) {
            return Err(refusal(
                Self::FIELD,
                value,
                "a tag value has 1 to 256 letters, digits and `_ . : / = + - @`",
            ));
        }
        Ok(TagValue(Text::shared(value)))
    }

    /// The value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as policy text: shared, so a policy naming it costs no copy.
    pub fn as_text(&self) -> &Text {
        &self.0
    }
}

string_newtype!(
    TagValue,
    field = "tag_value",
    schema = json_schema!({
        "title": "tag value",
        "type": "string",
        "description": "A tag value.",
        "pattern": "^[A-Za-z0-9_.:/=+@-]{1,256}$",
        "examples": ["mail"]
    })
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_keys() {
        for good in ["team", "cost-center", "a:b/c=d+e@f_g.h"] {
            assert_eq!(TagKey::new(good).unwrap().as_str(), good);
        }
        for (bad, why) in [
            ("aws:createdBy", "reserved"),
            ("AWS:x", "reserved"),
            ("a b", "white space"),
            ("a*", "wildcards"),
            ("a#b", "1 to 128"),
            (&*"k".repeat(129), "1 to 128"),
            ("", "empty"),
        ] {
            let e = TagKey::new(bad).unwrap_err();
            assert_eq!(e.field, "tag_key");
            assert!(e.rule.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn tag_values() {
        assert!(TagValue::new("mail-archive").is_ok());
        for (bad, why) in [
            ("a?", "wildcards"),
            ("a,b", "1 to 256"),
            (&*"v".repeat(257), "1 to 256"),
        ] {
            let e = TagValue::new(bad).unwrap_err();
            assert_eq!(e.field, "tag_value");
            assert!(e.rule.contains(why), "{bad}: {e}");
        }
        assert_eq!(
            TagValue::new("a,b").unwrap_err().to_string(),
            "invalid `tag_value` `a,b`: a tag value has 1 to 256 letters, digits and `_ . : / = + - @`"
        );
    }

    #[test]
    fn tags_deserialise_as_map_keys() {
        let m: std::collections::BTreeMap<TagKey, Vec<TagValue>> =
            serde_json::from_str(r#"{"team": ["mail", "ops"]}"#).unwrap();
        assert_eq!(m.len(), 1);
        assert!(
            serde_json::from_str::<std::collections::BTreeMap<TagKey, Vec<TagValue>>>(
                r#"{"aws:x": ["y"]}"#
            )
            .is_err()
        );
    }
}
