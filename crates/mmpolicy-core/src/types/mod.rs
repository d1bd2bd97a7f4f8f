//! Validated parameter types: parse, don't validate.
//!
//! Each type has a private field and one way in, its checking constructor (also used by
//! `FromStr` and `Deserialize`), so a value that exists is a value that is safe to put into a
//! policy. `Display` prints the AWS form. Every refusal is a [`InvalidValue`]
//! naming the field, the value and the rule.
//!
//! Nothing here accepts a value that would widen a policy (`*`, `?`, quotes, control characters,
//! non-ASCII, `/` where it is not part of the syntax) except [`Scope`], whose whole purpose is to
//! let a parameter say "every resource" explicitly.
//!
//! These are the types that more than one feature uses. A feature crate declares its own
//! validated types with the same tools, all public: [`string_newtype!`](crate::string_newtype)
//! (the serde, schema and string plumbing of a newtype), [`mail_manager_id!`](crate::mail_manager_id)
//! (a whole Mail Manager id type), [`regional_arn_accessors!`](crate::regional_arn_accessors),
//! and the checks [`reject_widening`], [`refusal`] and [`split_arn`]. A type whose values are
//! usually short keeps them in a [`ShortString`], which reads them without allocating.

mod account;
mod arn;
mod bytes;
pub mod example;
mod fields;
mod ids;
mod region;
mod s3;
mod ses;
mod short;
mod tags;

pub use account::AccountId;
pub use arn::{KmsKeyArn, PrincipalArn, PrincipalKind, SecretArn, split_arn};
pub use fields::{optional, optional_unique_map};
pub use ids::{
    ArchiveId, IngressPointId, RelayId, RuleSetId, Scope, check_mail_manager_id,
    mail_manager_id_rule,
};
pub use region::{Partition, Region, resolve_partition};
pub use s3::{BucketName, KeyPrefix, KeyPrefixScope};
pub use ses::SesIdentity;
pub use short::ShortString;
pub use tags::{TagKey, TagValue};

use crate::InvalidValue;

/// Rejects the characters that would widen a policy or break out of a JSON string, whatever
/// the type: wildcards, quotes, backslashes, control characters, white space and non-ASCII.
/// Types then apply their own, narrower rules.
pub fn reject_widening(field: &'static str, value: &str) -> Result<(), InvalidValue> {
    if value.is_empty() {
        return Err(InvalidValue::new(field, value, "must not be empty"));
    }
    // The usual case, in one pass: printable ASCII without wildcards, quotes or `$`. A value
    // with a `$` takes the full check below, which looks for `${` too.
    if is_narrow(value.as_bytes()) {
        return Ok(());
    }
    for c in value.chars() {
        let why = match c {
            '*' | '?' => Some(
                "wildcards would widen the policy; give the exact value (only parameters that document `*` accept it)",
            ),
            '"' | '\'' | '`' | '\\' => Some("quotes and backslashes are not allowed"),
            c if c.is_control() => Some("control characters are not allowed"),
            c if c.is_whitespace() => Some("white space is not allowed"),
            c if !c.is_ascii() => Some("only ASCII characters are allowed"),
            _ => None,
        };
        if let Some(why) = why {
            return Err(InvalidValue::new(field, value, why));
        }
    }
    reject_policy_variable(field, value)
}

/// Whether each byte may appear in a value: printable ASCII except the wildcards, quotes,
/// backslash and `$` ([`reject_widening`]'s fast path).
const NARROW: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0x21;
    while b < 0x7f {
        table[b] = !matches!(b as u8, b'*' | b'?' | b'"' | b'\'' | b'`' | b'\\' | b'$');
        b += 1;
    }
    table
};

/// True when every byte of `bytes` is [`NARROW`].
fn is_narrow(bytes: &[u8]) -> bool {
    all_bytes_in(&NARROW, bytes)
}

/// True when `class` allows every byte of `bytes`: a table lookup per byte, eight bytes between
/// branches. For a type whose values are made of a few kinds of byte, with the table built by
/// the compiler (`const CLASS: [bool; 256] = ...`).
pub fn all_bytes_in(class: &[bool; 256], bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut allowed = true;
        for &b in chunk {
            allowed &= class[usize::from(b)];
        }
        if !allowed {
            return false;
        }
    }
    chunks.remainder().iter().all(|&b| class[usize::from(b)])
}

/// Refuses `${`: IAM reads `${...}` in a policy as a policy variable (`${aws:username}`), so a
/// value holding it would name a resource that depends on the request, not the one given.
fn reject_policy_variable(field: &'static str, value: &str) -> Result<(), InvalidValue> {
    if value.contains("${") {
        return Err(InvalidValue::new(
            field,
            value,
            "`${` starts an IAM policy variable, which would make the policy name other resources than the one given; give the literal value",
        ));
    }
    Ok(())
}

/// The refusal of a value that failed its type's own check: the widening rule it breaks, when
/// it breaks one (that message says more), else `rule`. Types whose allowed characters exclude
/// everything [`reject_widening`] refuses check their own rule first and call this only on
/// failure, so a valid value is scanned once.
pub fn refusal(
    field: &'static str,
    value: &str,
    rule: impl Into<std::borrow::Cow<'static, str>>,
) -> InvalidValue {
    match reject_widening(field, value) {
        Err(widening) => widening,
        Ok(()) => InvalidValue::new(field, value, rule),
    }
}

/// The accessors of an ARN type that stores the ARN in a field `arn` with its `partition`,
/// `region` and `account`: `as_str`, `partition`, `region`, `account`.
///
/// ```text
/// mmpolicy_core::regional_arn_accessors!(SnsTopicArn, "topic");
/// ```
#[macro_export]
macro_rules! regional_arn_accessors {
    ($ty:ident, $what:literal) => {
        impl $ty {
            /// The ARN.
            pub fn as_str(&self) -> &str {
                &self.arn
            }

            #[doc = concat!("The ", $what, "'s partition.")]
            pub fn partition(&self) -> $crate::types::Partition {
                self.partition
            }

            #[doc = concat!("The ", $what, "'s region.")]
            pub fn region(&self) -> $crate::types::Region {
                self.region
            }

            #[doc = concat!("The account that owns the ", $what, ".")]
            pub fn account(&self) -> $crate::types::AccountId {
                self.account
            }
        }
    };
}

/// Implements the string plumbing shared by every validated newtype: `Display`, `FromStr`,
/// `AsRef<str>`, `Serialize` as the string, `Deserialize` through the checking constructor,
/// and a hand-written `JsonSchema` with a stable name (`mmpolicy::<Type>`), plus the constant
/// `FIELD`, the parameter name messages use when the type is parsed on its own.
///
/// The type needs `fn new(&str) -> Result<Self, InvalidValue>` and `fn as_str(&self) -> &str`.
/// The schema gives a `title` in a user's words (`describe` and the reference show it) and a
/// `description` stating the rule in the words of the refusal:
///
/// ```
/// use mmpolicy_core::InvalidValue;
/// use mmpolicy_core::types::refusal;
///
/// /// A team name: 1 to 32 lowercase letters.
/// #[derive(Debug, Clone, PartialEq, Eq)]
/// pub struct TeamName(String);
///
/// impl TeamName {
///     /// Parses a team name.
///     pub fn new(value: &str) -> Result<Self, InvalidValue> {
///         if !(1..=32).contains(&value.len()) || !value.bytes().all(|b| b.is_ascii_lowercase()) {
///             return Err(refusal(Self::FIELD, value, "expected 1 to 32 lowercase letters"));
///         }
///         Ok(TeamName(value.to_owned()))
///     }
///
///     /// The name.
///     pub fn as_str(&self) -> &str {
///         &self.0
///     }
/// }
///
/// mmpolicy_core::string_newtype!(
///     TeamName,
///     field = "team",
///     schema = schemars::json_schema!({
///         "title": "team name",
///         "type": "string",
///         "description": "A team name: 1 to 32 lowercase letters.",
///         "pattern": "^[a-z]{1,32}$"
///     })
/// );
///
/// assert_eq!(
///     TeamName::new("Ops").unwrap_err().to_string(),
///     "invalid `team` `Ops`: expected 1 to 32 lowercase letters"
/// );
/// ```
#[macro_export]
macro_rules! string_newtype {
    (
        $ty:ident, field = $field:literal, schema = $schema:expr
    ) => {
        impl $ty {
            /// The parameter name used in messages when the type is parsed on its own.
            pub const FIELD: &'static str = $field;
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $ty::new(s)
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl $crate::__private::serde::Serialize for $ty {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                s: S,
            ) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                d: D,
            ) -> Result<Self, D::Error> {
                struct V;
                impl<'de> $crate::__private::serde::de::Visitor<'de> for V {
                    type Value = $ty;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_str<E: $crate::__private::serde::de::Error>(
                        self,
                        v: &str,
                    ) -> Result<$ty, E> {
                        $ty::new(v).map_err(|e| E::custom(e.detail()))
                    }
                }
                d.deserialize_str(V)
            }
        }

        impl $crate::__private::schemars::JsonSchema for $ty {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn schema_id() -> ::std::borrow::Cow<'static, str> {
                concat!("mmpolicy::", stringify!($ty)).into()
            }
            fn json_schema(
                _: &mut $crate::__private::schemars::SchemaGenerator,
            ) -> $crate::__private::schemars::Schema {
                $schema
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_characters_are_refused_with_a_reason() {
        for (v, rule) in [
            ("a*b", "wildcards"),
            ("a?b", "wildcards"),
            ("a\"b", "quotes"),
            ("a'b", "quotes"),
            ("a\\b", "backslashes"),
            ("a\u{7}b", "control"),
            ("a b", "white space"),
            ("aé", "ASCII"),
            ("", "empty"),
        ] {
            let e = reject_widening("f", v).unwrap_err();
            assert!(e.rule.contains(rule), "{v}: {e}");
        }
        assert!(reject_widening("f", "abc-1.2_3/x").is_ok());
    }

    #[test]
    fn the_fast_path_accepts_exactly_what_the_full_check_accepts() {
        // The full check, as it reads without the fast path.
        fn full(value: &str) -> bool {
            !value.is_empty()
                && value.chars().all(|c| {
                    !matches!(c, '*' | '?' | '"' | '\'' | '`' | '\\')
                        && !c.is_control()
                        && !c.is_whitespace()
                        && c.is_ascii()
                })
                && !value.contains("${")
        }
        let mut values: Vec<String> = (0u8..=0x7f)
            .chain([0xc3])
            .map(|b| {
                let c = if b == 0xc3 { 'é' } else { char::from(b) };
                format!("abcdefgh{c}ijk")
            })
            .collect();
        values.extend(
            [
                "$LATEST",
                "a$",
                "${",
                "a${b}",
                "$$",
                "12345678$",
                "x".repeat(17).as_str(),
            ]
            .map(str::to_owned),
        );
        for v in &values {
            assert_eq!(reject_widening("f", v).is_ok(), full(v), "{v:?}");
        }
    }

    #[test]
    fn policy_variables_are_refused_in_every_string_parameter() {
        for v in ["${x}", "a${aws:username}b", "${"] {
            let e = reject_widening("f", v).unwrap_err();
            assert!(e.rule.contains("policy variable"), "{v}: {e}");
        }
        assert!(reject_widening("f", "a$b{c}").is_ok());
        let e = SesIdentity::new("${x}@example.com").unwrap_err();
        assert!(e.rule.contains("policy variable"), "{e}");
        assert_eq!(e.field, "sending_identity");
    }

    #[test]
    fn types_that_check_their_own_characters_first_still_explain_widening() {
        let rule = |e: crate::InvalidValue| e.rule.into_owned();
        assert!(rule(AccountId::new("11112222333*").unwrap_err()).contains("wildcards"));
        assert!(rule(AccountId::new("1111222233").unwrap_err()).contains("12 digits"));
        assert!(rule(TagKey::new("te am").unwrap_err()).contains("white space"));
        assert!(rule(TagKey::new("te#m").unwrap_err()).contains("tag key has"));
        assert!(rule(TagKey::new("AWS:x").unwrap_err()).contains("reserved"));
        assert!(rule(TagValue::new("").unwrap_err()).contains("empty"));
        assert!(rule(TagValue::new("a\"b").unwrap_err()).contains("quotes"));
        assert!(rule(ArchiveId::new("a-*").unwrap_err()).contains("wildcards"));
        assert!(rule(ArchiveId::new("a-x").unwrap_err()).starts_with("expected"));
        assert!(
            TagKey::new("team").is_ok() && ArchiveId::new(&format!("a-{}", "0".repeat(24))).is_ok()
        );
    }

    /// The schema description of a type (what `describe`, the reference and editors show).
    fn description<T: schemars::JsonSchema>() -> String {
        T::json_schema(&mut schemars::SchemaGenerator::default())
            .get("description")
            .and_then(|d| d.as_str())
            .unwrap_or_default()
            .to_owned()
    }

    /// The words of a refusal's rule that the type's description must repeat: the rule without
    /// its lead-in (`expected`, `a bucket name`) and without the value-specific suggestion.
    fn rule_words(e: &InvalidValue) -> String {
        let rule = e.rule.split(": did you mean").next().unwrap_or_default();
        ["expected ", "a bucket name ", "a key prefix ", "not a "]
            .iter()
            .fold(rule, |r, lead| r.strip_prefix(lead).unwrap_or(r))
            .to_lowercase()
    }

    #[test]
    fn schema_descriptions_state_the_validation_rule() {
        fn check<T: schemars::JsonSchema>(refusals: &[Result<T, InvalidValue>]) {
            let desc = description::<T>().to_lowercase();
            for r in refusals {
                let Err(e) = r else {
                    panic!("a value meant to be refused was accepted");
                };
                let words = rule_words(e);
                assert!(desc.contains(&words), "`{desc}` does not say `{words}`");
            }
        }
        check(&[AccountId::new("12345")]);
        check(&[Region::new("us-east-7")]);
        check(&[Partition::new("aws-iso")]);
        check(&[IngressPointId::new("inp-1")]);
        check(&[RuleSetId::new("rs-1")]);
        check(&[ArchiveId::new("MyArchiveID")]);
        check(&[RelayId::new("R_1")]);
        check(&[
            KmsKeyArn::new("arn:aws:s3:us-east-1:111122223333:key/x"),
            KmsKeyArn::new("arn:aws:kms:us-east-1:111122223333:key/MyKmsKeyArnID"),
        ]);
        check(&[PrincipalArn::new("arn:aws:iam::111122223333:root")]);
        check(&[
            BucketName::new("ab"),
            BucketName::new("My_Bucket"),
            BucketName::new("-bucket"),
            BucketName::new("my..bucket"),
            BucketName::new("192.168.1.1"),
            BucketName::new("xn--bucket"),
            BucketName::new("bucket-s3alias"),
        ]);
        check(&[
            KeyPrefix::new(&"a".repeat(513)),
            KeyPrefix::new("a+b"),
            KeyPrefix::new("/x"),
            KeyPrefix::new("a//b"),
        ]);
        check(&[SesIdentity::new("example")]);
    }

    #[test]
    fn a_scope_states_the_rule_of_its_id_and_the_wildcard() {
        let desc = description::<Scope<ArchiveId>>();
        assert!(
            desc.starts_with("A Mail Manager id: `a-` followed by 24 to 62"),
            "{desc}"
        );
        assert!(
            desc.ends_with(
                ", or `*` for every one in the account and region (an explicit wildcard)."
            ),
            "{desc}"
        );
    }
}
