//! The validated types of this crate's parameters that core does not have, declared with
//! core's public tools (`string_newtype!`, `split_arn`, `refusal`), and [`IdList`], a list of
//! ids or an explicit `*`.

use mmpolicy_core::InvalidValue;
use mmpolicy_core::types::{
    AccountId, Partition, Region, check_mail_manager_id, refusal, reject_widening, split_arn,
};
use mmpolicy_core::{regional_arn_accessors, string_newtype};
use schemars::{JsonSchema, json_schema};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

fn is_iam_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

/// The name of an IAM role (without its path): 1 to 64 letters, digits or `+=,.@_-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleName(String);

impl RoleName {
    /// Parses a role name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        if !is_iam_name(value) {
            return Err(refusal(
                Self::FIELD,
                value,
                "expected an IAM role name: 1 to 64 letters, digits or `+=,.@_-`",
            ));
        }
        Ok(RoleName(value.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    RoleName,
    field = "role_name",
    schema = json_schema!({
        "title": "IAM role name",
        "type": "string",
        "description": "An IAM role name: 1 to 64 letters, digits or `+=,.@_-`.",
        "pattern": "^[A-Za-z0-9+=,.@_-]{1,64}$",
        "examples": ["MailManagerDeployer"]
    })
);

/// The ARN of a Mail Manager add-on subscription:
/// `arn:<partition>:ses:<region>:<account>:addon-subscription/<id>`, the id `as-` and 24 to
/// 62 lowercase letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AddonSubscriptionArn {
    arn: String,
    partition: Partition,
    region: Region,
    account: AccountId,
}

impl AddonSubscriptionArn {
    /// Parses an add-on subscription ARN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str = "expected an add-on subscription ARN `arn:aws:ses:<region>:<account id>:addon-subscription/<id>`";
        reject_widening(Self::FIELD, value)?;
        let (partition, region, account, rest) = split_arn(Self::FIELD, value, "ses", RULE)?;
        let id = rest
            .strip_prefix("addon-subscription/")
            .ok_or_else(|| InvalidValue::new(Self::FIELD, value, RULE))?;
        check_mail_manager_id(Self::FIELD, id, Some("as-"))
            .map_err(|e| InvalidValue::new(Self::FIELD, value, e.rule))?;
        Ok(AddonSubscriptionArn {
            arn: value.to_owned(),
            partition,
            region,
            account,
        })
    }
}

regional_arn_accessors!(AddonSubscriptionArn, "add-on subscription");

string_newtype!(
    AddonSubscriptionArn,
    field = "addon_subscription_arn",
    schema = json_schema!({
        "title": "add-on subscription ARN",
        "type": "string",
        "description": "An add-on subscription ARN `arn:aws:ses:<region>:<account id>:addon-subscription/<id>`, the id `as-` followed by 24 to 62 lowercase letters or digits.",
        "pattern": "^arn:aws(-cn|-us-gov)?:ses:[a-z0-9-]+:[0-9]{12}:addon-subscription/as-[a-z0-9]{24,62}$",
        "examples": ["arn:aws:ses:us-east-1:111122223333:addon-subscription/as-1a2b3c4d5e6f7g8h9i0j1k2l3m"]
    })
);

/// The name of a CloudWatch Logs log group: 1 to 512 letters, digits or `._-/#`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogGroupName(String);

impl LogGroupName {
    /// Parses a log group name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        if !(1..=512).contains(&value.len())
            || !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b))
        {
            return Err(refusal(
                Self::FIELD,
                value,
                "expected a log group name: 1 to 512 letters, digits or `._-/#`",
            ));
        }
        Ok(LogGroupName(value.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    LogGroupName,
    field = "log_group",
    schema = json_schema!({
        "title": "log group name",
        "type": "string",
        "description": "A log group name: 1 to 512 letters, digits or `._-/#`.",
        "pattern": "^[A-Za-z0-9._/#-]{1,512}$",
        "examples": ["/aws/vendedlogs/mailmanager"]
    })
);

/// The name of a Firehose stream: 1 to 64 letters, digits or `._-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeliveryStreamName(String);

impl DeliveryStreamName {
    /// Parses a Firehose stream name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        if !(1..=64).contains(&value.len())
            || !value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        {
            return Err(refusal(
                Self::FIELD,
                value,
                "expected a Firehose stream name: 1 to 64 letters, digits or `._-`",
            ));
        }
        Ok(DeliveryStreamName(value.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    DeliveryStreamName,
    field = "delivery_stream",
    schema = json_schema!({
        "title": "Firehose stream name",
        "type": "string",
        "description": "A Firehose stream name: 1 to 64 letters, digits or `._-`.",
        "pattern": "^[A-Za-z0-9._-]{1,64}$",
        "examples": ["mail-manager-logs"]
    })
);

/// Several resources by id, or, asked for explicitly with `"*"`, every one of the account and
/// region. A list is never empty; `null` is refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IdList<T> {
    /// `"*"`: every resource of the type, in the account and region.
    All,
    /// The listed resources (at least one).
    Some(Vec<T>),
}

impl<T: AsRef<str>> IdList<T> {
    /// The ARN suffixes: each id, or `*`.
    pub fn arn_suffixes(&self) -> Vec<&str> {
        match self {
            IdList::All => vec!["*"],
            IdList::Some(ids) => ids.iter().map(AsRef::as_ref).collect(),
        }
    }
}

impl<T: serde::Serialize> serde::Serialize for IdList<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            IdList::All => s.serialize_str("*"),
            IdList::Some(ids) => ids.serialize(s),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for IdList<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = IdList<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of ids, or `\"*\"` for every one of the account and region")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "*" {
                    Ok(IdList::All)
                } else {
                    Err(E::custom(format!(
                        "expected a list of ids (`[\"{v}\"]`), or `\"*\"` for every one of the account and region"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element()? {
                    ids.push(id);
                }
                if ids.is_empty() {
                    return Err(de::Error::custom(
                        "an empty list grants nothing: give at least one id, or `\"*\"` for every one of the account and region",
                    ));
                }
                Ok(IdList::Some(ids))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(E::custom(
                    "`null` is not allowed; give a list of ids, or `\"*\"` for every one of the account and region",
                ))
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                self.visit_unit()
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for IdList<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}ListOrWildcard", T::schema_name()).into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!("mmpolicy::IdList<{}>", T::schema_id()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let rule = T::json_schema(generator)
            .get("description")
            .and_then(|d| d.as_str())
            .map(|d| d.trim_end_matches('.').to_owned())
            .unwrap_or_else(|| "One id".to_owned());
        let title = T::json_schema(generator)
            .get("title")
            .and_then(|t| t.as_str())
            .map(|t| format!("list of {t} or `*`"))
            .unwrap_or_else(|| "list of ids or `*`".to_owned());
        let inner = generator.subschema_for::<T>();
        json_schema!({
            "title": title,
            "description": format!("A list of ids ({rule}), or `*` for every one in the account and region (an explicit wildcard)."),
            "anyOf": [ { "const": "*" }, { "type": "array", "items": inner, "minItems": 1 } ]
        })
    }
}

/// Refuses an empty list given for an optional list parameter: it would grant nothing, and
/// leaving the parameter out says that.
pub(crate) fn non_empty<'a, T>(
    field: &'static str,
    list: &'a Option<Vec<T>>,
) -> Result<&'a [T], InvalidValue> {
    match list {
        Some(items) if items.is_empty() => Err(InvalidValue::new(
            field,
            "[]",
            "an empty list grants nothing: give at least one value, or leave the parameter out",
        )),
        Some(items) => Ok(items),
        None => Ok(&[]),
    }
}
