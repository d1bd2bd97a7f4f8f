//! Mail Manager resource ids, [`mail_manager_id!`](crate::mail_manager_id) to declare one, and
//! [`Scope`], the one way to ask for every resource.

use super::refusal;
use crate::InvalidValue;
use schemars::{JsonSchema, json_schema};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The rule of a Mail Manager resource id, in the words both its validation error and its schema
/// description use: `prefix` followed by 24 to 62 lowercase letters or digits, or without a
/// known prefix 1 to 100 lowercase letters, digits or hyphens.
pub fn mail_manager_id_rule(prefix: Option<&str>) -> String {
    match prefix {
        Some(prefix) => format!(
            "`{prefix}` followed by 24 to 62 lowercase letters or digits (copy the id from the Mail Manager console or API)"
        ),
        None => "1 to 100 lowercase letters, digits or hyphens".to_owned(),
    }
}

/// Checks a Mail Manager resource id: `prefix` followed by 24 to 62 lowercase letters or digits
/// when the prefix is known, else lowercase letters, digits and hyphens (1 to 100).
pub fn check_mail_manager_id(
    field: &'static str,
    value: &str,
    prefix: Option<&str>,
) -> Result<(), InvalidValue> {
    let ok = match prefix {
        Some(prefix) => value.strip_prefix(prefix).is_some_and(|rest| {
            (24..=62).contains(&rest.len())
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }),
        None => {
            (1..=100).contains(&value.len())
                && value
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        }
    };
    if !ok {
        return Err(refusal(
            field,
            value,
            format!("expected {}", mail_manager_id_rule(prefix)),
        ));
    }
    Ok(())
}

/// Declares a Mail Manager resource id type: a newtype over the id, checked by
/// [`check_mail_manager_id`] (`prefix` and 24 to 62 lowercase letters or digits), with its
/// serde, schema and string plumbing ([`string_newtype!`](crate::string_newtype)). A feature
/// crate declares the ids only it uses this way:
///
/// ```
/// mmpolicy_core::mail_manager_id!(
///     /// The id of a Mail Manager address list (`al-` and 24 to 62 lowercase letters or digits).
///     AddressListId, field = "address_list_id", title = "address list id", prefix = Some("al-"),
///     pattern = "^al-[a-z0-9]{24,62}$", example = "al-1a2b3c4d5e6f7g8h9i0j1k2l3m"
/// );
///
/// assert!(AddressListId::new("al-1a2b3c4d5e6f7g8h9i0j1k2l3m").is_ok());
/// assert_eq!(
///     AddressListId::new("al-1").unwrap_err().to_string(),
///     "invalid `address_list_id` `al-1`: expected `al-` followed by 24 to 62 lowercase letters or digits (copy the id from the Mail Manager console or API)"
/// );
/// ```
#[macro_export]
macro_rules! mail_manager_id {
    ($(#[$doc:meta])* $ty:ident, field = $field:literal, title = $title:literal, prefix = $prefix:expr, pattern = $pattern:literal, example = $example:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ty($crate::types::ShortString);

        impl $ty {
            /// Parses the id.
            pub fn new(value: &str) -> Result<Self, $crate::InvalidValue> {
                $crate::types::check_mail_manager_id(Self::FIELD, value, $prefix)?;
                Ok($ty($crate::types::ShortString::new(value)))
            }

            /// The id.
            pub fn as_str(&self) -> &str {
                self.0.as_str()
            }
        }

        $crate::string_newtype!(
            $ty,
            field = $field,
            schema = $crate::__private::schemars::json_schema!({
                "title": $title,
                "type": "string",
                "description": format!("A Mail Manager id: {}.", $crate::types::mail_manager_id_rule($prefix)),
                "pattern": $pattern,
                "examples": [$example]
            })
        );
    };
}

crate::mail_manager_id!(
    /// The id of a Mail Manager ingress point (`inp-` and 24 to 62 lowercase letters or digits).
    IngressPointId, field = "ingress_point_id", title = "ingress point id", prefix = Some("inp-"),
    pattern = "^inp-[a-z0-9]{24,62}$", example = "inp-1a2b3c4d5e6f7g8h9i0j1k2l3m"
);
crate::mail_manager_id!(
    /// The id of a Mail Manager rule set (`rs-` and 24 to 62 lowercase letters or digits).
    RuleSetId, field = "rule_set_id", title = "rule set id", prefix = Some("rs-"),
    pattern = "^rs-[a-z0-9]{24,62}$", example = "rs-1a2b3c4d5e6f7g8h9i0j1k2l3m"
);
crate::mail_manager_id!(
    /// The id of a Mail Manager archive (`a-` and 24 to 62 lowercase letters or digits).
    ArchiveId, field = "archive_id", title = "archive id", prefix = Some("a-"),
    pattern = "^a-[a-z0-9]{24,62}$", example = "a-1a2b3c4d5e6f7g8h9i0j1k2l3m"
);
crate::mail_manager_id!(
    /// The id of a Mail Manager SMTP relay (1 to 100 lowercase letters, digits or hyphens; AWS
    /// documents no prefix for it).
    RelayId, field = "relay_id", title = "relay id", prefix = None,
    pattern = "^[a-z0-9-]{1,100}$", example = "r-1a2b3c4d5e6f7g8h9i0j1k2l3m"
);

/// Either one resource or, asked for explicitly with `"*"`, every resource of its type.
///
/// This is the only way a wildcard enters a policy mmpolicy renders: the user wrote `*` in a
/// parameter whose documentation says it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope<T> {
    /// `"*"`: every resource of the type, in the account and region.
    All,
    /// One resource.
    One(T),
}

impl<T: AsRef<str>> Scope<T> {
    /// The last part of an ARN: the id, or `*`.
    pub fn arn_suffix(&self) -> &str {
        match self {
            Scope::All => "*",
            Scope::One(id) => id.as_ref(),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Scope<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::All => f.write_str("*"),
            Scope::One(id) => id.fmt(f),
        }
    }
}

impl<T: Serialize> Serialize for Scope<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Scope::All => s.serialize_str("*"),
            Scope::One(id) => id.serialize(s),
        }
    }
}

impl<'de, T: std::str::FromStr<Err = InvalidValue>> Deserialize<'de> for Scope<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = scope_text(
            d,
            "give an id, or `\"*\"` for every one of the account and region",
        )?;
        if s == "*" {
            return Ok(Scope::All);
        }
        s.parse::<T>()
            .map(Scope::One)
            .map_err(|e| {
                let message = if e.rule.starts_with("wildcards") {
                    format!(
                        "`{}`: a wildcard is accepted only alone, as `*` for every one; otherwise give the exact id",
                        e.value
                    )
                } else {
                    format!("{}; or `*` for every one", e.detail())
                };
                serde::de::Error::custom(message)
            })
    }
}

/// The string of a parameter that names one resource or, as `"*"`, every one; a `null` is
/// refused with `how` (what to give instead): it must never stand for either.
pub(crate) fn scope_text<'de, D: serde::Deserializer<'de>>(
    d: D,
    how: &'static str,
) -> Result<std::borrow::Cow<'de, str>, D::Error> {
    struct V(&'static str);
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = std::borrow::Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Borrowed(v))
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(std::borrow::Cow::Owned(v.to_owned()))
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "{}; {}",
                crate::error::NULL_REFUSED,
                self.0
            )))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            self.visit_unit()
        }
    }
    d.deserialize_any(V(how))
}

impl<T: JsonSchema> JsonSchema for Scope<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}OrWildcard", T::schema_name()).into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!("mmpolicy::Scope<{}>", T::schema_id()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // The inner type's rule, then the wildcard, so that the description states the whole
        // rule (`describe` and the reference show only this one).
        let rule = T::json_schema(generator)
            .get("description")
            .and_then(|d| d.as_str())
            .map(|d| d.trim_end_matches('.').to_owned())
            .unwrap_or_else(|| "One id".to_owned());
        let inner = generator.subschema_for::<T>();
        let title = T::json_schema(generator)
            .get("title")
            .and_then(|t| t.as_str())
            .map(|t| format!("{t} or `*`"))
            .unwrap_or_else(|| "id or `*`".to_owned());
        json_schema!({
            "title": title,
            "description": format!("{rule}, or `*` for every one in the account and region (an explicit wildcard)."),
            "anyOf": [ { "const": "*" }, inner ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD_TAIL: &str = "abcdefghijklmnopqrstuvwx"; // 24 characters

    #[test]
    fn prefixed_ids() {
        assert!(IngressPointId::new(&format!("inp-{GOOD_TAIL}")).is_ok());
        assert!(RuleSetId::new(&format!("rs-{GOOD_TAIL}0123")).is_ok());
        assert!(ArchiveId::new(&format!("a-{}", "0".repeat(62))).is_ok());
        for bad in [
            format!("rs-{GOOD_TAIL}"),           // wrong prefix
            format!("inp-{}", &GOOD_TAIL[..23]), // too short
            format!("inp-{}", "a".repeat(63)),   // too long
            format!("inp-{}", GOOD_TAIL.to_uppercase()),
            format!("inp-{GOOD_TAIL}-"),
            "inp-*".to_owned(),
            "*".to_owned(),
        ] {
            let e = IngressPointId::new(&bad).unwrap_err();
            assert_eq!(e.field, "ingress_point_id", "{bad}");
        }
        let e = ArchiveId::new("MyArchiveID").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid `archive_id` `MyArchiveID`: expected `a-` followed by 24 to 62 lowercase letters or digits (copy the id from the Mail Manager console or API)"
        );
    }

    #[test]
    fn relay_ids() {
        assert!(RelayId::new("r-1234abcd").is_ok());
        for bad in ["", "R-1", "r/1", "r_1", &"a".repeat(101)] {
            assert!(RelayId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn scope_takes_an_explicit_wildcard_only() {
        let all: Scope<ArchiveId> = serde_json::from_str("\"*\"").unwrap();
        assert_eq!(all, Scope::All);
        let one: Scope<ArchiveId> = serde_json::from_str(&format!("\"a-{GOOD_TAIL}\"")).unwrap();
        assert_eq!(one.arn_suffix(), format!("a-{GOOD_TAIL}"));
        let e = serde_json::from_str::<Scope<ArchiveId>>("\"a-*\"").unwrap_err();
        assert!(
            e.to_string()
                .contains("a wildcard is accepted only alone, as `*` for every one"),
            "{e}"
        );
        let e = serde_json::from_str::<Scope<ArchiveId>>("\"a-abc\"").unwrap_err();
        assert!(
            e.to_string()
                .contains("console or API); or `*` for every one"),
            "{e}"
        );
    }
}
