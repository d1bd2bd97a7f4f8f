//! S3 bucket names and object key prefixes.

use super::reject_widening;
use crate::InvalidValue;
use crate::string_newtype;
use schemars::{JsonSchema, json_schema};
use serde::{Deserialize, Serialize};

/// A general purpose S3 bucket name, following S3's naming rules: 3 to 63 characters of
/// lowercase letters, digits, dots and hyphens; starting and ending with a letter or digit; no
/// `..`; not an IP address; none of the prefixes and suffixes S3 reserves.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BucketName(String);

impl BucketName {
    /// Parses a bucket name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        reject_widening(Self::FIELD, value)?;
        let fail = |rule: &'static str| Err(InvalidValue::new(Self::FIELD, value, rule));
        if value.contains('/') {
            return fail(
                "a bucket name has no `/`: give the key prefix separately in `key_prefix`",
            );
        }
        if value.starts_with("arn:") || value.starts_with("s3://") {
            return fail("give the bare bucket name, not an ARN or URL");
        }
        if !(3..=63).contains(&value.len()) {
            return fail("a bucket name has 3 to 63 characters");
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        {
            return fail("a bucket name has only lowercase letters, digits, dots and hyphens");
        }
        let edge_ok =
            |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !edge_ok(value.as_bytes().first()) || !edge_ok(value.as_bytes().last()) {
            return fail("a bucket name starts and ends with a lowercase letter or digit");
        }
        if value.contains("..") {
            return fail("a bucket name has no two adjacent dots");
        }
        if value.split('.').count() == 4 && value.split('.').all(|p| p.parse::<u8>().is_ok()) {
            return fail("a bucket name is not formatted as an IP address");
        }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
            if value.starts_with(prefix) {
                return fail(
                    "a bucket name does not start with `xn--`, `sthree-` or `amzn-s3-demo-` (S3 reserves them)",
                );
            }
        }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
            if value.ends_with(suffix) {
                return fail(
                    "a bucket name does not end with `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3` or `--table-s3` (S3 reserves them)",
                );
            }
        }
        Ok(BucketName(value.to_owned()))
    }

    /// The bucket name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    BucketName,
    field = "bucket",
    schema = json_schema!({
        "title": "S3 bucket name",
        "type": "string",
        "description": "An S3 bucket name, by S3's naming rules: it has 3 to 63 characters, has only lowercase letters, digits, dots and hyphens, starts and ends with a lowercase letter or digit, has no two adjacent dots, is not formatted as an IP address, does not start with `xn--`, `sthree-` or `amzn-s3-demo-` (S3 reserves them), and does not end with `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3` or `--table-s3` (S3 reserves them).",
        "pattern": "^(?!.*\\.\\.)(?!xn--|sthree-|amzn-s3-demo-)(?!.*(-s3alias|--ol-s3|\\.mrap|--x-s3|--table-s3)$)(?!(0*(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}0*(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
        "minLength": 3,
        "maxLength": 63,
        "examples": ["example-mail-archive"]
    })
);

/// A prefix of S3 object keys, such as `inbound/` : letters, digits and `! - _ . ( ) /`, no
/// leading `/`, no empty or `.`/`..` segment. Leading and trailing `/` are the only liberty taken:
/// a prefix `inbound` and `inbound/` both mean the folder `inbound/`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyPrefix(String);

impl KeyPrefix {
    /// Parses a key prefix.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        reject_widening(Self::FIELD, value)?;
        let fail = |rule: &'static str| Err(InvalidValue::new(Self::FIELD, value, rule));
        if value.len() > 512 {
            return fail("a key prefix has at most 512 characters");
        }
        if !value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!-_.()/".contains(&b))
        {
            return fail("a key prefix has only letters, digits and `! - _ . ( ) /`");
        }
        if value.starts_with('/') {
            return fail("a key prefix does not start with `/`");
        }
        let trimmed = value.trim_end_matches('/');
        if trimmed.is_empty() {
            return fail(
                "a key prefix names at least one folder; give `*` to cover the whole bucket",
            );
        }
        if trimmed
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        {
            return fail("a key prefix has no empty, `.` or `..` folder");
        }
        Ok(KeyPrefix(trimmed.to_owned()))
    }

    /// The prefix without its trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The object ARN pattern for every key under the prefix: `<bucket>/<prefix>/*`.
    pub fn objects_in(&self, bucket: &BucketName) -> String {
        [bucket.as_str(), "/", &self.0, "/*"].concat()
    }
}

string_newtype!(
    KeyPrefix,
    field = "key_prefix",
    schema = json_schema!({
        "title": "S3 key prefix (a folder)",
        "type": "string",
        "description": "A folder of S3 object keys (`inbound/`); the policy covers the keys under it. A key prefix has at most 512 characters, has only letters, digits and `! - _ . ( ) /`, does not start with `/`, and has no empty, `.` or `..` folder.",
        "pattern": "^(?!.*//[^/])(?!(.*/)?\\.\\.?(/|$))[A-Za-z0-9!_.()-][A-Za-z0-9!_.()/-]*$",
        "maxLength": 512,
        "examples": ["inbound/"]
    })
);

/// The objects of a bucket that a policy covers: the keys under one [`KeyPrefix`] or, asked
/// for explicitly with `"*"`, every key of the bucket. There is no default: a parameter of this
/// type must be given, so that a missing prefix never widens a grant to the whole bucket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyPrefixScope {
    /// `"*"`: every object of the bucket.
    WholeBucket,
    /// The objects under one prefix.
    Prefix(KeyPrefix),
}

impl KeyPrefixScope {
    /// The object ARN pattern: `<bucket>/<prefix>/*`, or `<bucket>/*` for the whole bucket.
    pub fn objects_in(&self, bucket: &BucketName) -> String {
        match self {
            KeyPrefixScope::WholeBucket => format!("{bucket}/*"),
            KeyPrefixScope::Prefix(prefix) => prefix.objects_in(bucket),
        }
    }

    /// The prefix, unless the whole bucket is covered.
    pub fn prefix(&self) -> Option<&KeyPrefix> {
        match self {
            KeyPrefixScope::WholeBucket => None,
            KeyPrefixScope::Prefix(prefix) => Some(prefix),
        }
    }
}

impl std::fmt::Display for KeyPrefixScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyPrefixScope::WholeBucket => f.write_str("*"),
            KeyPrefixScope::Prefix(prefix) => prefix.fmt(f),
        }
    }
}

impl Serialize for KeyPrefixScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            KeyPrefixScope::WholeBucket => s.serialize_str("*"),
            KeyPrefixScope::Prefix(prefix) => prefix.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for KeyPrefixScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = super::ids::scope_text(
            d,
            "give a key prefix (`inbound/`), or `\"*\"` for every key of the bucket",
        )?;
        if s == "*" {
            return Ok(KeyPrefixScope::WholeBucket);
        }
        KeyPrefix::new(&s).map(KeyPrefixScope::Prefix).map_err(|e| {
            let message = if e.rule.starts_with("wildcards") {
                format!(
                    "`{}`: a wildcard is accepted only alone, as `*` for every key of the bucket; otherwise give the exact prefix",
                    e.value
                )
            } else {
                format!("{}; or `*` for every key of the bucket", e.detail())
            };
            serde::de::Error::custom(message)
        })
    }
}

impl JsonSchema for KeyPrefixScope {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KeyPrefixOrWildcard".into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        "mmpolicy::KeyPrefixScope".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let rule = KeyPrefix::json_schema(generator)
            .get("description")
            .and_then(|d| d.as_str())
            .map(|d| d.trim_end_matches('.').to_owned())
            .unwrap_or_default();
        let inner = generator.subschema_for::<KeyPrefix>();
        json_schema!({
            "title": "S3 key prefix or `*` (the whole bucket)",
            "description": format!("{rule}; or `*` for every key of the bucket (an explicit wildcard)."),
            "anyOf": [ { "const": "*" }, inner ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_bucket_names() {
        for good in ["abc", "my-bucket.logs", "a1-b2", &"a".repeat(63)] {
            assert!(BucketName::new(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn bad_bucket_names_say_why() {
        for (bad, why) in [
            ("ab", "3 to 63"),
            (&*"a".repeat(64), "3 to 63"),
            ("My-Bucket", "lowercase"),
            ("my_bucket", "lowercase"),
            ("-bucket", "starts and ends"),
            ("bucket-", "starts and ends"),
            ("my..bucket", "adjacent dots"),
            ("192.168.1.1", "IP address"),
            ("xn--bucket", "reserves"),
            ("sthree-x", "reserves"),
            ("amzn-s3-demo-bucket", "reserves"),
            ("bucket-s3alias", "reserves"),
            ("bucket--ol-s3", "reserves"),
            ("bucket.mrap", "reserves"),
            ("bucket--x-s3", "reserves"),
            ("bucket--table-s3", "reserves"),
            ("bucket/prefix", "key_prefix"),
            ("arn:aws:s3:::bucket", "bare bucket name"),
            ("bucket*", "wildcards"),
            ("bu\"cket", "quotes"),
            ("bucket\n", "control"),
        ] {
            let e = BucketName::new(bad).unwrap_err();
            assert!(e.rule.contains(why), "{bad}: {e}");
            assert_eq!(e.field, "bucket");
        }
    }

    #[test]
    fn key_prefixes() {
        assert_eq!(KeyPrefix::new("inbound/").unwrap().as_str(), "inbound");
        assert_eq!(KeyPrefix::new("a/b(1)").unwrap().as_str(), "a/b(1)");
        let b = BucketName::new("bucket").unwrap();
        assert_eq!(
            KeyPrefix::new("mail/in/").unwrap().objects_in(&b),
            "bucket/mail/in/*"
        );
        for bad in ["/x", "a//b", "a/../b", "/", "x*", "a b", "a+b", ".", "x/./"] {
            assert!(KeyPrefix::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_key_prefix_scope_is_a_prefix_or_an_explicit_whole_bucket() {
        let b = BucketName::new("bucket").unwrap();
        let whole: KeyPrefixScope = serde_json::from_str("\"*\"").unwrap();
        assert_eq!(whole.objects_in(&b), "bucket/*");
        let one: KeyPrefixScope = serde_json::from_str("\"mail/\"").unwrap();
        assert_eq!(one.objects_in(&b), "bucket/mail/*");
        for (bad, why) in [
            ("null", "`null` is not allowed; give a key prefix"),
            ("\"mail/*\"", "a wildcard is accepted only alone"),
            ("\"a+b\"", "; or `*` for every key of the bucket"),
        ] {
            let e = serde_json::from_str::<KeyPrefixScope>(bad).unwrap_err();
            assert!(e.to_string().contains(why), "{bad}: {e}");
        }
    }
}
