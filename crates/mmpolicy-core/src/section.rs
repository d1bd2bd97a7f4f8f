//! A feature's section of the deployment file: the [`Section`] trait, its registry, and the
//! types a section's table is written with.
//!
//! A deployment file (read by the `mmpolicy-bundle` crate) holds `account_id`, `region` and
//! optionally `partition` once, then one optional table per feature (`[ingress]`,
//! `[archiving]`, `[rule-actions]`, ...). A feature crate contributes its table by implementing
//! [`Section`] (a typed configuration with `#[serde(deny_unknown_fields)]` and a `plan`
//! function that renders its providers) and registering it with
//! [`register_section!`](crate::register_section). A feature without a section is allowed: its
//! providers are rendered one at a time only.
//!
//! Nothing here reads a file: the bundle crate hands each section its table as a JSON value and
//! reports errors at their line.

use crate::error::InvalidValue;
use crate::model::PolicyDocument;
use crate::provider::{PolicyKind, PolicySize, Provider};
use crate::requests::ExpectedRequest;
use crate::target::Target;
use crate::types::{AccountId, KmsKeyArn, Partition, Region, SecretArn};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde::de::{self, DeserializeOwned, MapAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use std::sync::OnceLock;

/// The values a whole deployment shares, given once at the top of the deployment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleCommon {
    /// The account that owns the deployment.
    pub account_id: AccountId,
    /// The region of the deployment.
    pub region: Region,
    /// The partition, derived from the region (and checked against `partition` when given).
    pub partition: Partition,
}

impl BundleCommon {
    /// Refuses the resource ARN `value` of `field` (with its `account` and `region`) unless it
    /// is in the deployment's account and region: a deployment attaches policies to its own
    /// resources only.
    pub fn check_own(
        &self,
        field: &'static str,
        value: &str,
        account: AccountId,
        region: Region,
    ) -> Result<(), InvalidValue> {
        if account != self.account_id {
            return Err(InvalidValue::new(
                field,
                value,
                format!(
                    "the resource is in account `{account}` but the deployment in `{}`: give a resource of the deployment's account",
                    self.account_id
                ),
            ));
        }
        if region != self.region {
            return Err(InvalidValue::new(
                field,
                value,
                format!(
                    "the resource is in region `{region}` but the deployment in `{}`: give a resource of the deployment's region",
                    self.region
                ),
            ));
        }
        Ok(())
    }

    /// The targets of a secret's resource policy and of the key-policy statement of the key
    /// that encrypts the secret, once the secret and the key, where named, are checked to be
    /// the deployment's own ([`check_own`](Self::check_own), as `secret_arn` and
    /// `kms_key_arn`). For the features whose credentials live in such a secret.
    pub fn secret_and_key_targets(
        &self,
        secret: Option<&SecretArn>,
        key: Option<&KmsKeyArn>,
    ) -> Result<(Target, Target), InvalidValue> {
        if let Some(secret) = secret {
            self.check_own(
                "secret_arn",
                secret.as_str(),
                secret.account(),
                secret.region(),
            )?;
        }
        if let Some(key) = key {
            self.check_own("kms_key_arn", key.as_str(), key.account(), key.region())?;
        }
        Ok((
            Target::SecretPolicy {
                secret_arn: secret.map(|a| a.as_str().to_owned()),
            },
            Target::KeyPolicy {
                key_arn: key.map(|a| a.as_str().to_owned()),
            },
        ))
    }
}

/// One policy a section plans: its file, the providers that made it, where it goes, and the
/// document.
///
/// Policies a section plans under one `file` (with one kind and one `attach_to`) are merged
/// into one document by the bundle: that is how the rule set role's permission policy holds
/// the statements of every rule action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPolicy {
    /// The file name, provider-id based (`ingress.secret-policy.json`).
    pub file: String,
    /// The providers whose statements the document holds (one, except for merged policies
    /// such as the rule set role's permission policy).
    pub providers: Vec<&'static str>,
    /// Where the document is attached.
    pub kind: PolicyKind,
    /// The resource to attach it to, in words, named from the user's values where possible.
    pub attach_to: String,
    /// The resource to attach it to and how, structured: what the deployment formats read.
    pub target: Target,
    /// The document.
    #[serde(skip)]
    pub policy: PolicyDocument,
    /// The requests made with the document and its near misses
    /// ([`Provider::required_requests`] of each provider it holds), for `mmpolicy check`.
    #[serde(skip)]
    pub requests: Vec<ExpectedRequest>,
}

impl PlannedPolicy {
    /// The size of the document as written, measured the way AWS measures its kind, with
    /// AWS's limit and the unit of both.
    pub fn size(&self) -> PolicySize {
        self.kind.measure(&self.policy.to_pretty_json())
    }

    /// Renders provider `P` with `params`, for the file `<P::ID>.json`, attached to `target`
    /// (`attach_to` says where in words).
    pub fn render<P: Provider>(
        params: &P::Params,
        attach_to: impl Into<String>,
        target: Target,
    ) -> Result<Self, InvalidValue> {
        Ok(PlannedPolicy {
            file: format!("{}.json", P::ID),
            providers: vec![P::ID],
            kind: P::KIND,
            attach_to: attach_to.into(),
            target,
            policy: P::render(params)?,
            requests: P::required_requests(params)?,
        })
    }

    /// The same policy, planned under another file name (to be merged with the others of
    /// that name).
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }
}

/// A table, or an array of tables, in a bundle file: `[rule-actions.publish-to-sns]` once, or
/// `[[rule-actions.publish-to-sns]]` (a JSON list) for several of a kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableOrList<T> {
    items: Vec<T>,
    list: bool,
}

impl<T> TableOrList<T> {
    /// One table.
    pub fn one(item: T) -> Self {
        TableOrList {
            items: vec![item],
            list: false,
        }
    }

    /// The tables, in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The tables with the path that names each in messages: `name` for a single table,
    /// `name[0]`, `name[1]`, ... for an array of tables.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (String, &'a T)> + 'a {
        self.items.iter().enumerate().map(move |(i, t)| {
            let path = if self.list {
                format!("{name}[{i}]")
            } else {
                name.to_owned()
            };
            (path, t)
        })
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for TableOrList<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = TableOrList<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table or a list of tables")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(TableOrList::one)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                let all = <Vec<Table<T>> as serde::Deserialize>::deserialize(
                    de::value::SeqAccessDeserializer::new(seq),
                )?;
                let all: Vec<T> = all.into_iter().map(|t| t.0).collect();
                if all.is_empty() {
                    return Err(de::Error::custom(
                        "an empty list: give at least one table, or leave the key out",
                    ));
                }
                Ok(TableOrList {
                    items: all,
                    list: true,
                })
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

impl<T: JsonSchema> JsonSchema for TableOrList<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("{}OrList", T::schema_name()).into()
    }
    fn schema_id() -> std::borrow::Cow<'static, str> {
        format!("mmpolicy::TableOrList<{}>", T::schema_id()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<T>();
        json_schema!({
            "anyOf": [one, { "type": "array", "items": one, "minItems": 1 }]
        })
    }
}

/// A table of a bundle file, read only from a table (a JSON object): serde's derived structs
/// would also take a list of values in field order (`"ingress": ["inp-..."]`), which no schema
/// documents and which would give values to keys by position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Table<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Table<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Table)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

/// The `deserialize_with` of an optional nested table (`[archiving.export]`): a [`Table`] when
/// given, refused when given as anything else, `null` included. Use with `#[serde(default)]`.
pub fn optional_table<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: de::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    crate::types::optional::<D, Table<T>>(d).map(|t| t.map(|t| t.0))
}

/// A feature's table in the deployment file, written with a typed configuration. Implement
/// this and register it with [`register_section!`](crate::register_section); the bundle sees
/// it through [`DeploymentSection`].
pub trait Section: Send + Sync + 'static {
    /// The table, `#[serde(deny_unknown_fields)]`, a `///` doc on every field.
    type Config: DeserializeOwned + JsonSchema;
    /// The table's name in the file (the feature's name: `ingress`, `rule-actions`).
    const NAME: &'static str;
    /// What the table describes and which policies it produces; one paragraph.
    const DESCRIPTION: &'static str;
    /// Renders the table's policies. Fails only when values that are each valid do not fit
    /// together; the error's field is relative to the table, or empty when the table as a
    /// whole is refused (its rule then reads after the table's name: "names no action ...").
    fn plan(
        common: &BundleCommon,
        config: &Self::Config,
    ) -> Result<Vec<PlannedPolicy>, InvalidValue>;
}

/// Why a section's table was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionError {
    /// The table could not be read into the section's configuration: serde's message, and the
    /// path inside the table (empty for the table itself).
    Read {
        /// The dotted path inside the table (`export.bucket`, `publish-to-sns[1].topic_arn`).
        path: String,
        /// serde's message.
        message: String,
    },
    /// The table was read, but its values do not fit together.
    Plan(InvalidValue),
}

/// The object-safe face of a [`Section`], as the section registry holds it.
pub trait DeploymentSection: Send + Sync + 'static {
    /// The table's name.
    fn name(&self) -> &'static str;
    /// What the table describes.
    fn description(&self) -> &'static str;
    /// The table's JSON schema, its definitions added to `generator`.
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema;
    /// Reads the section's table (as the deployment file gave it) and plans its policies.
    fn plan_table(
        &self,
        table: &serde_json::Value,
        common: &BundleCommon,
    ) -> Result<Vec<PlannedPolicy>, SectionError>;
}

impl<S: Section> DeploymentSection for S {
    fn name(&self) -> &'static str {
        S::NAME
    }
    fn description(&self) -> &'static str {
        S::DESCRIPTION
    }
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema {
        let mut schema = generator.subschema_for::<S::Config>();
        schema.insert("description".to_owned(), S::DESCRIPTION.into());
        schema
    }
    fn plan_table(
        &self,
        table: &serde_json::Value,
        common: &BundleCommon,
    ) -> Result<Vec<PlannedPolicy>, SectionError> {
        let config: Table<S::Config> =
            serde_path_to_error::deserialize(table).map_err(|e| SectionError::Read {
                path: match e.path().to_string() {
                    p if p == "." || p == "?" => String::new(),
                    p => p,
                },
                message: e.into_inner().to_string(),
            })?;
        S::plan(common, &config.0).map_err(SectionError::Plan)
    }
}

impl fmt::Debug for dyn DeploymentSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeploymentSection")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// What a feature crate submits: a reference to a section with a `'static` lifetime.
pub struct SectionEntry(pub &'static dyn DeploymentSection);

inventory::collect!(SectionEntry);

/// Registers a feature's section of the deployment file (a unit struct implementing
/// [`Section`]):
///
/// ```text
/// mmpolicy_core::register_section!(IngressSection);
/// ```
#[macro_export]
macro_rules! register_section {
    ($section:expr) => {
        $crate::__private::inventory::submit! {
            $crate::section::SectionEntry(&$section)
        }
    };
}

/// Every section linked into this program, sorted by name, built once.
///
/// # Panics
/// When two linked sections share a name: a bug in a feature crate, caught by the facade's
/// tests before it ships.
#[allow(
    clippy::panic,
    reason = "a duplicate section name is a build-time bug, never a user error"
)]
pub fn sections() -> &'static [&'static dyn DeploymentSection] {
    static SECTIONS: OnceLock<Vec<&'static dyn DeploymentSection>> = OnceLock::new();
    SECTIONS.get_or_init(|| {
        let mut all: Vec<&'static dyn DeploymentSection> = inventory::iter::<SectionEntry>
            .into_iter()
            .map(|e| e.0)
            .collect();
        all.sort_by_key(|s| s.name());
        if let Some(w) = all.windows(2).find(|w| w[0].name() == w[1].name()) {
            panic!(
                "section `{}` is registered twice: give each section its own name",
                w[0].name()
            );
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::example;

    fn common() -> BundleCommon {
        BundleCommon {
            account_id: example::parse("111122223333"),
            region: example::parse("eu-west-1"),
            partition: Partition::Aws,
        }
    }

    const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf";
    const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn a_secret_and_key_of_the_deployment_are_their_targets() {
        let secret: SecretArn = example::parse(SECRET);
        let key: KmsKeyArn = example::parse(KEY);
        let (s, k) = common()
            .secret_and_key_targets(Some(&secret), Some(&key))
            .unwrap();
        assert_eq!(
            s,
            Target::SecretPolicy {
                secret_arn: Some(SECRET.to_owned())
            }
        );
        assert_eq!(
            k,
            Target::KeyPolicy {
                key_arn: Some(KEY.to_owned())
            }
        );
        let (s, k) = common().secret_and_key_targets(None, None).unwrap();
        assert_eq!(s, Target::SecretPolicy { secret_arn: None });
        assert_eq!(k, Target::KeyPolicy { key_arn: None });
    }

    #[test]
    fn a_secret_or_key_of_another_account_or_region_is_refused_by_name() {
        let foreign_secret: SecretArn =
            example::parse(&SECRET.replace("111122223333", "444455556666"));
        let e = common()
            .secret_and_key_targets(Some(&foreign_secret), None)
            .unwrap_err();
        assert_eq!(e.field, "secret_arn");
        assert!(
            e.to_string()
                .contains("in account `444455556666` but the deployment in `111122223333`"),
            "{e}"
        );
        let foreign_key: KmsKeyArn = example::parse(&KEY.replace("eu-west-1", "us-east-1"));
        let e = common()
            .secret_and_key_targets(None, Some(&foreign_key))
            .unwrap_err();
        assert_eq!(e.field, "kms_key_arn");
        assert!(
            e.to_string()
                .contains("in region `us-east-1` but the deployment in `eu-west-1`"),
            "{e}"
        );
    }
}
