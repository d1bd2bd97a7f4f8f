//! The deployment bundle: one file describing a whole Mail Manager deployment, and every
//! policy it needs.
//!
//! A bundle file (TOML or JSON) holds `account_id`, `region` and optionally `partition` once,
//! then one optional table per feature (`[ingress]`, `[archiving]`, `[rule-actions]`, ...).
//! Each feature crate contributes its table through the registry: it implements [`Section`]
//! (a typed configuration with `#[serde(deny_unknown_fields)]` and a `plan` function that
//! renders its providers) and calls [`register_bundle_section!`](crate::register_bundle_section).
//! [`plan_bundle`] reads the file, hands each registered section its table, and returns every
//! planned policy; nothing here names a feature. [`deployment_schema`] is the JSON schema of
//! the whole file, assembled from the sections' schemas.
//!
//! Errors carry the line in the file: unknown keys (at the top level or in a section) and
//! refused values are reported by the deserialiser at the key's position; values that do not
//! fit together (a key in another region) are reported at the line of the key named.

use crate::error::{InvalidParams, InvalidValue, quote_value};
use crate::model::PolicyDocument;
use crate::provider::{PolicyKind, Provider};
use crate::types::{AccountId, Partition, Region, resolve_partition};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use std::collections::BTreeSet;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::OnceLock;

/// The keys every bundle file may hold at the top level, besides the sections.
pub const COMMON_KEYS: [&str; 3] = ["account_id", "region", "partition"];

/// The name of the index file a bundle writes beside the policies.
pub const INDEX_FILE: &str = "bundle.json";

/// The values a whole deployment shares, given once at the top of the bundle file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleCommon {
    /// The account that owns the deployment.
    pub account_id: AccountId,
    /// The region of the deployment.
    pub region: Region,
    /// The partition, derived from the region (and checked against `partition` when given).
    pub partition: Partition,
}

/// One policy a bundle writes: its file, the providers that made it, where it goes, and the
/// document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedPolicy {
    /// The file name, provider-id based (`ingress.secret-policy.json`).
    pub file: String,
    /// The providers whose statements the document holds (one, except for merged policies
    /// such as the rule set role's permission policy).
    pub providers: Vec<&'static str>,
    /// Where the document is attached.
    pub kind: PolicyKind,
    /// The resource to attach it to, named from the user's values where possible.
    pub attach_to: String,
    /// The document.
    #[serde(skip)]
    pub policy: PolicyDocument,
}

impl PlannedPolicy {
    /// Renders provider `P` with `params`, for the file `<P::ID>.json`.
    pub fn render<P: Provider>(
        params: &P::Params,
        attach_to: impl Into<String>,
    ) -> Result<Self, InvalidValue> {
        Ok(PlannedPolicy {
            file: format!("{}.json", P::ID),
            providers: vec![P::ID],
            kind: P::KIND,
            attach_to: attach_to.into(),
            policy: P::render(params)?,
        })
    }

    /// Merges identity policies attached to one principal into one document. Statements
    /// that differ only in their resources (same `Effect`, `Principal`, set of actions and
    /// `Condition`) become one statement listing every resource once, under the first one's
    /// `Sid`; the others keep their order, exact duplicates are removed, and a repeated `Sid`
    /// is numbered (`Sid2`, `Sid3`) so that every `Sid` is unique. Merging never widens the
    /// grant: a statement's resources are alternatives, so one statement on two resources
    /// allows what two statements on one resource each allow.
    pub fn merge(
        file: impl Into<String>,
        attach_to: impl Into<String>,
        parts: Vec<PlannedPolicy>,
    ) -> Self {
        let mut providers = Vec::new();
        let mut statements: Vec<crate::Statement> = Vec::new();
        let mut kind = PolicyKind::Identity;
        for part in parts {
            kind = part.kind;
            for p in part.providers {
                if !providers.contains(&p) {
                    providers.push(p);
                }
            }
            for st in part.policy.statements() {
                if statements.contains(st) {
                    continue;
                }
                if let Some(into) = statements.iter_mut().find(|o| same_but_resource(o, st)) {
                    let mut all: Vec<crate::model::Text> =
                        into.resource.iter().flatten().cloned().collect();
                    for r in st.resource.iter().flatten() {
                        if !all.contains(r) {
                            all.push(r.clone());
                        }
                    }
                    into.resource = Some(crate::model::OneOrMany::from(all));
                    continue;
                }
                let mut st = st.clone();
                if let Some(sid) = st.sid.clone() {
                    let taken = |s: &str, all: &[crate::Statement]| {
                        all.iter().any(|o| o.sid.as_deref() == Some(s))
                    };
                    let mut n = 2;
                    let mut candidate = sid.clone();
                    while taken(&candidate, &statements) {
                        candidate = format!("{sid}{n}").into();
                        n += 1;
                    }
                    st.sid = Some(candidate);
                }
                statements.push(st);
            }
        }
        PlannedPolicy {
            file: file.into(),
            providers,
            kind,
            attach_to: attach_to.into(),
            policy: PolicyDocument::new(statements),
        }
    }

    /// The size of the document as written, measured the way AWS measures its kind, with
    /// AWS's limit and the unit of both.
    pub fn size(&self) -> PolicySize {
        let text = self.policy.to_pretty_json();
        let non_white = || text.chars().filter(|c| !c.is_whitespace()).count();
        let (size, limit, unit) = match self.kind {
            PolicyKind::Identity => (non_white(), 6_144, "characters without white space"),
            PolicyKind::Trust => (non_white(), 2_048, "characters without white space"),
            PolicyKind::Key => (text.len(), 32_768, "bytes"),
            PolicyKind::Bucket => (text.len(), 20_480, "bytes"),
            PolicyKind::Secret => (text.chars().count(), 20_480, "characters"),
        };
        PolicySize { size, limit, unit }
    }
}

/// The size of a planned policy against AWS's limit for its kind: identity policies 6,144
/// characters without white space, trust policies 2,048, key policies 32,768 bytes, bucket
/// policies 20,480 bytes, secret policies 20,480 characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicySize {
    /// The size of the document.
    pub size: usize,
    /// AWS's limit for the kind.
    pub limit: usize,
    /// What is counted (`characters without white space`, `bytes`).
    pub unit: &'static str,
}

impl PolicySize {
    /// True when AWS would refuse the document as too large.
    pub fn is_over(&self) -> bool {
        self.size > self.limit
    }
}

/// True when `a` and `b` differ at most in their `Resource`, so that one statement listing
/// both resources allows exactly what the two allow.
fn same_but_resource(a: &crate::Statement, b: &crate::Statement) -> bool {
    fn actions(s: &crate::Statement) -> Option<BTreeSet<&str>> {
        s.action
            .as_ref()
            .map(|a| a.iter().map(|x| x.as_ref()).collect())
    }
    a.effect == b.effect
        && a.principal == b.principal
        && a.not_principal == b.not_principal
        && a.not_action.is_none()
        && b.not_action.is_none()
        && a.not_resource.is_none()
        && b.not_resource.is_none()
        && a.resource.is_some()
        && b.resource.is_some()
        && a.action.is_some()
        && actions(a) == actions(b)
        && a.condition == b.condition
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

/// A feature's table in the bundle file, written with a typed configuration. Implement this;
/// the bundle sees it through [`BundleSection`].
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

/// The object-safe face of a [`Section`], as the bundle registry holds it.
pub trait BundleSection: Send + Sync + 'static {
    /// The table's name.
    fn name(&self) -> &'static str;
    /// What the table describes.
    fn description(&self) -> &'static str;
    /// The table's JSON schema, its definitions added to `generator`.
    fn schema(&self, generator: &mut SchemaGenerator) -> Schema;
    /// Reads this section's table out of a whole bundle file and plans its policies; `None`
    /// when the file has no such table.
    fn plan_text(
        &self,
        text: &str,
        format: BundleFormat,
        common: &BundleCommon,
    ) -> Result<Option<Vec<PlannedPolicy>>, InvalidParams>;
}

impl<S: Section> BundleSection for S {
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
    fn plan_text(
        &self,
        text: &str,
        format: BundleFormat,
        common: &BundleCommon,
    ) -> Result<Option<Vec<PlannedPolicy>>, InvalidParams> {
        let seed = OnlyKey::<S::Config> {
            key: S::NAME,
            _marker: PhantomData,
        };
        let Some(config) = deserialize_seed(text, format, seed)? else {
            return Ok(None);
        };
        S::plan(common, &config).map(Some).map_err(|e| {
            if e.field.is_empty() {
                // A refusal of the table as a whole: its rule says what is missing.
                return InvalidParams {
                    path: S::NAME.to_owned(),
                    message: format!("`[{}]` {}", S::NAME, e.rule),
                    line: locate(text, format, S::NAME),
                };
            }
            let field = format!("{}.{}", S::NAME, e.field);
            let line = locate(text, format, &field);
            InvalidParams {
                line,
                ..InvalidParams::from(e.with_field(field))
            }
        })
    }
}

impl fmt::Debug for dyn BundleSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BundleSection")
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// What a feature crate submits: a reference to a bundle section with a `'static` lifetime.
pub struct BundleSectionEntry(pub &'static dyn BundleSection);

inventory::collect!(BundleSectionEntry);

/// Registers a bundle section (a unit struct implementing [`Section`]):
///
/// ```text
/// mmpolicy_core::register_bundle_section!(IngressSection);
/// ```
#[macro_export]
macro_rules! register_bundle_section {
    ($section:expr) => {
        $crate::__private::inventory::submit! {
            $crate::bundle::BundleSectionEntry(&$section)
        }
    };
}

/// Every bundle section linked into this program, sorted by name, built once.
///
/// # Panics
/// When two linked sections share a name: a bug in a feature crate, caught by the facade's
/// tests before it ships.
#[allow(
    clippy::panic,
    reason = "a duplicate section name is a build-time bug, never a user error"
)]
pub fn bundle_sections() -> &'static [&'static dyn BundleSection] {
    static SECTIONS: OnceLock<Vec<&'static dyn BundleSection>> = OnceLock::new();
    SECTIONS.get_or_init(|| {
        let mut all: Vec<&'static dyn BundleSection> = inventory::iter::<BundleSectionEntry>
            .into_iter()
            .map(|e| e.0)
            .collect();
        all.sort_by_key(|s| s.name());
        if let Some(w) = all.windows(2).find(|w| w[0].name() == w[1].name()) {
            panic!(
                "bundle section `{}` is registered twice: give each section its own name",
                w[0].name()
            );
        }
        all
    })
}

/// The syntax of a bundle file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleFormat {
    /// TOML.
    Toml,
    /// JSON.
    Json,
}

impl BundleFormat {
    /// TOML when the path ends in `.toml` (any case), else JSON.
    pub fn from_path(path: &Path) -> Self {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        {
            BundleFormat::Toml
        } else {
            BundleFormat::Json
        }
    }
}

/// Every policy of a deployment, planned in memory: nothing has been written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The shared values.
    pub common: BundleCommon,
    /// The policies, in section order, then in each section's order.
    pub policies: Vec<PlannedPolicy>,
}

impl Bundle {
    /// The index (`bundle.json`): the shared values and, for each policy, its file, providers,
    /// kind and where to attach it.
    pub fn index(&self) -> serde_json::Value {
        serde_json::json!({
            "account_id": self.common.account_id.as_str(),
            "region": self.common.region.as_str(),
            "partition": self.common.partition.as_str(),
            "policies": self.policies,
        })
    }

    /// Every file to write, `(file name, contents)`: each policy as pretty JSON, then the
    /// index.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .policies
            .iter()
            .map(|p| (p.file.clone(), p.policy.to_pretty_json()))
            .collect();
        let mut index = serde_json::to_string_pretty(&self.index()).unwrap_or_default();
        index.push('\n');
        files.push((INDEX_FILE.to_owned(), index));
        files
    }
}

/// The policy files listed by the text of a bundle index (`bundle.json`), or `None` when the
/// text is not an index a bundle writes: a JSON object with `account_id`, `region`,
/// `partition` and `policies`, each policy with its `file` (a plain file name), `providers`,
/// `kind` and `attach_to`.
pub fn index_files(text: &str) -> Option<Vec<String>> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let top = value.as_object()?;
    if !["account_id", "region", "partition"]
        .iter()
        .all(|k| top.get(*k).is_some_and(serde_json::Value::is_string))
    {
        return None;
    }
    let mut files = Vec::new();
    for p in top.get("policies")?.as_array()? {
        let p = p.as_object()?;
        let file = p.get("file")?.as_str()?;
        let plain = !file.is_empty()
            && file != INDEX_FILE
            && file != "."
            && file != ".."
            && !file.contains(['/', '\\']);
        let shaped = p.get("providers").is_some_and(serde_json::Value::is_array)
            && p.get("kind").is_some_and(serde_json::Value::is_string)
            && p.get("attach_to").is_some_and(serde_json::Value::is_string);
        if !plain || !shaped {
            return None;
        }
        files.push(file.to_owned());
    }
    Some(files)
}

/// Reads a bundle file and plans every policy it asks for, with the sections registered in
/// this program.
pub fn plan_bundle(text: &str, format: BundleFormat) -> Result<Bundle, InvalidParams> {
    plan_bundle_with(text, format, bundle_sections())
}

/// [`plan_bundle`] with an explicit list of sections.
pub fn plan_bundle_with(
    text: &str,
    format: BundleFormat,
    sections: &[&'static dyn BundleSection],
) -> Result<Bundle, InvalidParams> {
    // A byte order mark, as some editors write it, is not part of the file.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let names: Vec<&'static str> = sections.iter().map(|s| s.name()).collect();
    let top = TopLevel { sections: &names };
    let raw = deserialize_seed(text, format, top)?;
    let (Some(account_id), Some(region)) = (raw.account_id, raw.region) else {
        let missing = if raw.account_id.is_none() {
            "account_id"
        } else {
            "region"
        };
        return Err(InvalidParams::from_parts(
            String::new(),
            format!(
                "missing key `{missing}`: the bundle file gives `account_id` and `region` once, at the top"
            ),
            None,
        ));
    };
    let partition = resolve_partition(region, raw.partition).map_err(InvalidParams::from)?;
    let common = BundleCommon {
        account_id,
        region,
        partition,
    };
    let mut policies = Vec::new();
    for section in sections {
        if let Some(planned) = section.plan_text(text, format, &common)? {
            for p in &planned {
                check_size(text, format, section.name(), p)?;
            }
            policies.extend(planned);
        }
    }
    if policies.is_empty() {
        let tables: Vec<String> = names.iter().map(|n| format!("`[{n}]`")).collect();
        return Err(InvalidParams::from_parts(
            String::new(),
            format!(
                "the bundle asks for no policy: add at least one of {}",
                tables.join(", ")
            ),
            None,
        ));
    }
    let mut seen = BTreeSet::new();
    for p in &policies {
        if p.file == INDEX_FILE || !seen.insert(p.file.as_str()) {
            return Err(InvalidParams::from_parts(
                String::new(),
                format!(
                    "two policies would be written to `{}`: a feature crate plans the same file twice",
                    p.file
                ),
                None,
            ));
        }
    }
    Ok(Bundle { common, policies })
}

/// Refuses a planned policy that AWS would refuse as too large, naming the section that
/// planned it (and its line) and how to make it smaller.
fn check_size(
    text: &str,
    format: BundleFormat,
    section: &str,
    p: &PlannedPolicy,
) -> Result<(), InvalidParams> {
    let size = p.size();
    if !size.is_over() {
        return Ok(());
    }
    Err(InvalidParams {
        path: section.to_owned(),
        message: format!(
            "`[{section}]` plans `{}` ({} policy) of {} {}, over AWS's limit of {}: split `[{section}]` so that fewer tables feed one policy (for rule actions, spread them over several rule sets, each with its own role and bundle file)",
            p.file, p.kind, size.size, size.unit, size.limit
        ),
        line: locate(text, format, section),
    })
}

/// The JSON schema of a whole bundle file, assembled from the registered sections.
pub fn deployment_schema() -> Schema {
    deployment_schema_with(bundle_sections())
}

/// [`deployment_schema`] with an explicit list of sections.
pub fn deployment_schema_with(sections: &[&'static dyn BundleSection]) -> Schema {
    let mut generator = schemars::generate::SchemaSettings::draft2020_12().into_generator();
    let mut properties = serde_json::Map::new();
    let mut account = generator.subschema_for::<AccountId>();
    account.insert(
        "description".to_owned(),
        "The account that owns the deployment; every policy names it.".into(),
    );
    let mut region = generator.subschema_for::<Region>();
    region.insert(
        "description".to_owned(),
        "The region of the deployment; every policy names it.".into(),
    );
    let mut partition = generator.subschema_for::<Partition>();
    partition.insert(
        "description".to_owned(),
        "The partition; it follows from the region, so give it only to double-check.".into(),
    );
    properties.insert("account_id".to_owned(), account.to_value());
    properties.insert("region".to_owned(), region.to_value());
    properties.insert("partition".to_owned(), partition.to_value());
    for section in sections {
        properties.insert(
            section.name().to_owned(),
            section.schema(&mut generator).to_value(),
        );
    }
    let mut defs = serde_json::Value::Object(generator.take_definitions(true));
    crate::provider::refuse_null_in_schema(&mut defs);
    json_schema!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "mmpolicy deployment",
        "description": "A whole Amazon SES Mail Manager deployment: the shared account and region, and one optional table per feature. `mmpolicy bundle FILE --out DIR` renders every policy it needs.",
        "type": "object",
        "properties": properties,
        "required": ["account_id", "region"],
        "additionalProperties": false,
        "$defs": defs
    })
}

/// Runs `seed` over the whole text in `format`, reporting errors with their path and line.
fn deserialize_seed<'de, T: DeserializeSeed<'de>>(
    text: &'de str,
    format: BundleFormat,
    seed: T,
) -> Result<T::Value, InvalidParams> {
    match format {
        BundleFormat::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let mut track = serde_path_to_error::Track::new();
            let value = seed
                .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
                .map_err(|e| {
                    let path = track.path().to_string();
                    let line = (e.line() > 0).then(|| e.line());
                    bundle_error(path, json_message(&e), line)
                })?;
            de.end().map_err(|e| {
                InvalidParams::from_parts(String::new(), json_message(&e), Some(e.line()))
            })?;
            Ok(value)
        }
        BundleFormat::Toml => {
            let de = toml::Deserializer::new(text);
            let mut track = serde_path_to_error::Track::new();
            seed.deserialize(serde_path_to_error::Deserializer::new(de, &mut track))
                .map_err(|e| {
                    let path = track.path().to_string();
                    let line = e.span().map(|s| line_of(text, s.start));
                    let mut message = e.message().trim().replace('\n', " ");
                    // The toml crate hands a datetime to serde as a map with a private key;
                    // the user wrote a datetime, so say that.
                    let datetime = e
                        .span()
                        .and_then(|s| text.get(s))
                        .is_some_and(|v| v.trim().parse::<toml::value::Datetime>().is_ok());
                    if datetime {
                        message = message.replace("invalid type: map,", "invalid type: datetime,");
                    }
                    bundle_error(path, message, line)
                })
        }
    }
}

/// The error of reading a bundle file: unknown keys say which table they are in; refused
/// values name their path (`archiving.export.bucket`).
fn bundle_error(path: String, inner: String, line: Option<usize>) -> InvalidParams {
    let path = if path == "." || path == "?" {
        String::new()
    } else {
        path
    };
    // serde names the Rust type it expected (`expected struct ArchivingSectionConfig`); say
    // what the file should hold instead.
    let inner = match inner.find("expected struct ") {
        Some(at) => format!("{}expected a table", &inner[..at]),
        None => inner.replace("expected a sequence", "expected a list"),
    };
    if let Some(rest) = inner.strip_prefix("unknown field ") {
        let (key, expected) = rest.split_once(", ").unwrap_or((rest, ""));
        // Some deserialisers track the unknown key itself as part of the path.
        let bare = key.trim_matches('`');
        let key = format!("`{}`", quote_value(bare));
        let path = if path == bare {
            String::new()
        } else {
            path.strip_suffix(&format!(".{bare}"))
                .map(str::to_owned)
                .unwrap_or(path)
        };
        let message = if expected.is_empty() {
            format!("unknown key {key} in {}", table_name(&path))
        } else {
            format!("unknown key {key} in {}: {expected}", table_name(&path))
        };
        return InvalidParams {
            path,
            message,
            line,
        };
    }
    if let Some(key) = inner.strip_prefix("missing field ") {
        let message = if path.is_empty() {
            format!("missing key {key}")
        } else {
            format!("missing key {key} in {}", table_name(&path))
        };
        return InvalidParams {
            path,
            message,
            line,
        };
    }
    if path.is_empty() || inner.starts_with("unknown key") || inner.starts_with("duplicate key") {
        return InvalidParams {
            path,
            message: inner,
            line,
        };
    }
    InvalidParams::from_parts(path, inner, line)
}

/// How a message names the table at `path`: `[archiving.export]`, or for the third of an
/// array of tables, `[[rule-actions.publish-to-sns]]` number 3.
fn table_name(path: &str) -> String {
    let indexed = path
        .strip_suffix(']')
        .and_then(|p| p.rsplit_once('['))
        .and_then(|(base, i)| i.parse::<usize>().ok().map(|i| (base, i)));
    match indexed {
        Some((base, i)) => format!("`[[{base}]]` number {}", i + 1),
        None => format!("`[{path}]`"),
    }
}

/// The message of a `serde_json` error without its " at line L column C" suffix.
fn json_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let suffix = format!(" at line {} column {}", err.line(), err.column());
    text.strip_suffix(&suffix)
        .map(str::to_owned)
        .unwrap_or(text)
}

/// The line of the key at the dotted `path` (`archiving.kms_key_arn`) in a TOML or JSON text
/// (a bundle file or a parameter file), when the text has it.
pub fn locate(text: &str, format: BundleFormat, path: &str) -> Option<usize> {
    let keys: Vec<&str> = path.split('.').collect();
    match format {
        BundleFormat::Toml => {
            let doc = toml_edit::ImDocument::parse(text).ok()?;
            let mut table: &dyn toml_edit::TableLike = doc.as_table();
            let mut span = None;
            let last = keys.len().saturating_sub(1);
            for (n, key) in keys.iter().enumerate() {
                let (name, index) = split_index(key);
                let (k, v) = table.get_key_value(name)?;
                span = k.span().or_else(|| v.span());
                if let Some(i) = index {
                    let (inner, inner_span): (&dyn toml_edit::TableLike, _) = match v {
                        toml_edit::Item::ArrayOfTables(a) => {
                            let t = a.get(i)?;
                            (t, t.span())
                        }
                        toml_edit::Item::Value(toml_edit::Value::Array(a)) => {
                            let t = a.get(i)?.as_inline_table()?;
                            (t, t.span())
                        }
                        _ => return None,
                    };
                    span = inner_span.or(span);
                    table = inner;
                } else if n < last {
                    table = v.as_table_like()?;
                }
            }
            span.map(|s| line_of(text, s.start))
        }
        BundleFormat::Json => {
            let mut scanner = JsonScanner {
                bytes: text.as_bytes(),
                pos: 0,
            };
            scanner.find(&keys).map(|offset| line_of(text, offset))
        }
    }
}

/// Splits `name[3]` into `name` and 3.
fn split_index(key: &str) -> (&str, Option<usize>) {
    key.strip_suffix(']')
        .and_then(|k| k.rsplit_once('['))
        .and_then(|(name, i)| i.parse().ok().map(|i| (name, Some(i))))
        .unwrap_or((key, None))
}

/// Just enough of a JSON reader to find where a key is: the text has already been read by
/// `serde_json`, so it is valid JSON.
struct JsonScanner<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonScanner<'_> {
    fn skip_ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(u8::is_ascii_whitespace)
        {
            self.pos += 1;
        }
    }

    /// Reads a string at the position (its opening quote), unescaping simple escapes.
    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.bytes.get(self.pos)?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).ok(),
                b'\\' => {
                    let e = *self.bytes.get(self.pos)?;
                    self.pos += 1;
                    match e {
                        b'u' => self.pos += 4,
                        b'n' => out.push(b'\n'),
                        b't' => out.push(b'\t'),
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    /// Skips one value.
    fn skip_value(&mut self) -> Option<()> {
        self.skip_ws();
        match *self.bytes.get(self.pos)? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                self.pos += 1;
                loop {
                    self.skip_ws();
                    match *self.bytes.get(self.pos)? {
                        b if b == close => {
                            self.pos += 1;
                            return Some(());
                        }
                        b',' | b':' => self.pos += 1,
                        _ => self.skip_value()?,
                    }
                }
            }
            _ => {
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| !b",]}".contains(b) && !b.is_ascii_whitespace())
                {
                    self.pos += 1;
                }
                Some(())
            }
        }
    }

    /// Moves to item `i` of the array at the position; `Some(false)` when it has fewer.
    fn enter_item(&mut self, i: usize) -> Option<bool> {
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'[') {
            return Some(false);
        }
        self.pos += 1;
        for _ in 0..i {
            self.skip_value()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b',') {
                return Some(false);
            }
            self.pos += 1;
        }
        self.skip_ws();
        Some(self.bytes.get(self.pos).is_some_and(|b| *b != b']'))
    }

    /// The offset of the last key of `path`, descending from the value at the position.
    fn find(&mut self, path: &[&str]) -> Option<usize> {
        let (first, rest) = path.split_first()?;
        self.skip_ws();
        if self.bytes.get(self.pos) != Some(&b'{') {
            return None;
        }
        self.pos += 1;
        loop {
            self.skip_ws();
            match *self.bytes.get(self.pos)? {
                b'}' => return None,
                b',' => self.pos += 1,
                _ => {
                    let at = self.pos;
                    let key = self.string()?;
                    self.skip_ws();
                    if self.bytes.get(self.pos) == Some(&b':') {
                        self.pos += 1;
                    }
                    let (name, index) = split_index(first);
                    if key == name {
                        if let Some(i) = index {
                            if !self.enter_item(i)? {
                                return None;
                            }
                            return if rest.is_empty() {
                                Some(self.pos)
                            } else {
                                self.find(rest)
                            };
                        }
                        return if rest.is_empty() {
                            Some(at)
                        } else {
                            self.find(rest)
                        };
                    }
                    self.skip_value()?;
                }
            }
        }
    }
}

/// The 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .unwrap_or(text)
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// The top level of a bundle file: the common keys, read; the sections, skipped (each section
/// reads its own table); anything else, refused.
struct TopLevel<'a> {
    sections: &'a [&'static str],
}

#[derive(Default)]
struct RawCommon {
    account_id: Option<AccountId>,
    region: Option<Region>,
    partition: Option<Partition>,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = RawCommon;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<RawCommon, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = RawCommon;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table of `account_id`, `region` and feature sections")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawCommon, A::Error> {
        let mut raw = RawCommon::default();
        let mut seen = BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                map.next_value_seed(Refuse(format!(
                    "duplicate key `{}`: give it once",
                    quote_value(&key)
                )))?;
            }
            match key.as_str() {
                "account_id" => raw.account_id = Some(map.next_value()?),
                "region" => raw.region = Some(map.next_value()?),
                "partition" => raw.partition = Some(map.next_value()?),
                k if self.sections.contains(&k) => {
                    map.next_value::<IgnoredAny>()?;
                }
                other => {
                    let mut known: Vec<String> =
                        COMMON_KEYS.iter().map(|k| format!("`{k}`")).collect();
                    known.extend(self.sections.iter().map(|s| format!("`{s}`")));
                    // Refused while reading the value, so that the error carries the
                    // position of this entry rather than of the whole file.
                    map.next_value_seed(Refuse(format!(
                        "unknown key `{}`: expected one of {}",
                        quote_value(other),
                        known.join(", ")
                    )))?;
                }
            }
        }
        Ok(raw)
    }
}

/// A value that is refused, whatever it is, with a message.
struct Refuse(String);

impl<'de> DeserializeSeed<'de> for Refuse {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, _d: D) -> Result<(), D::Error> {
        Err(de::Error::custom(self.0))
    }
}

/// Reads the value of one top-level key as `C`, skipping every other key.
struct OnlyKey<C> {
    key: &'static str,
    _marker: PhantomData<C>,
}

impl<'de, C: DeserializeOwned> DeserializeSeed<'de> for OnlyKey<C> {
    type Value = Option<C>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<C>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, C: DeserializeOwned> Visitor<'de> for OnlyKey<C> {
    type Value = Option<C>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<C>, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if key == self.key {
                found = Some(map.next_value::<Table<C>>()?.0);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{BucketName, KeyPrefix};
    use crate::{Principal, Statement};
    use serde::Deserialize;

    /// A section standing in for a feature crate's.
    struct Store;

    /// The test section's table.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct StoreConfig {
        /// A bucket.
        bucket: BucketName,
        /// A nested table.
        #[serde(default, deserialize_with = "optional_table")]
        export: Option<ExportConfig>,
    }

    /// A nested table.
    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct ExportConfig {
        /// A prefix.
        key_prefix: KeyPrefix,
    }

    impl Section for Store {
        type Config = StoreConfig;
        const NAME: &'static str = "store";
        const DESCRIPTION: &'static str = "A store.";
        fn plan(
            common: &BundleCommon,
            config: &StoreConfig,
        ) -> Result<Vec<PlannedPolicy>, InvalidValue> {
            if config.bucket.as_str() == "forbidden" {
                return Err(InvalidValue::new(
                    "bucket",
                    "forbidden",
                    "pick another bucket",
                ));
            }
            let st = Statement::allow()
                .sid("Put")
                .actions(["s3:PutObject"])
                .resources([match &config.export {
                    Some(e) => format!(
                        "arn:{}:s3:::{}",
                        common.partition,
                        e.key_prefix.objects_in(&config.bucket)
                    ),
                    None => format!("arn:{}:s3:::{}/*", common.partition, config.bucket),
                }]);
            Ok(vec![PlannedPolicy {
                file: "store.policy.json".to_owned(),
                providers: vec!["store.policy"],
                kind: PolicyKind::Identity,
                attach_to: format!("the role writing to `{}`", config.bucket),
                policy: PolicyDocument::new(vec![st]),
            }])
        }
    }

    static STORE: Store = Store;

    fn sections() -> Vec<&'static dyn BundleSection> {
        vec![&STORE]
    }

    fn plan(text: &str, format: BundleFormat) -> Result<Bundle, InvalidParams> {
        plan_bundle_with(text, format, &sections())
    }

    const TOML_OK: &str =
        "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n\n[store]\nbucket = \"mail-in\"\n";

    #[test]
    fn plans_a_toml_and_a_json_bundle_alike() {
        let t = plan(TOML_OK, BundleFormat::Toml).unwrap();
        let j = plan(
            r#"{"account_id": "111122223333", "region": "eu-west-1", "store": {"bucket": "mail-in"}}"#,
            BundleFormat::Json,
        )
        .unwrap();
        assert_eq!(t, j);
        assert_eq!(t.common.partition, Partition::Aws);
        assert_eq!(
            t.index(),
            serde_json::json!({
                "account_id": "111122223333", "region": "eu-west-1", "partition": "aws",
                "policies": [{"file": "store.policy.json", "providers": ["store.policy"],
                              "kind": "identity", "attach_to": "the role writing to `mail-in`"}]
            })
        );
        let files = t.files();
        assert_eq!(files[0].0, "store.policy.json");
        assert!(files[0].1.contains("arn:aws:s3:::mail-in/*"));
        assert_eq!(files[1].0, "bundle.json");
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = plan(&format!("{TOML_OK}colour = \"blue\"\n"), BundleFormat::Toml).unwrap_err();
        assert_eq!(e.line, Some(6), "{e:?}");
        assert!(e.message.contains("`colour`"), "{}", e.message);

        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\nstorage = 1\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.contains("unknown key `storage`"), "{}", e.message);
        assert!(e.message.contains("`store`"), "{}", e.message);

        let e = plan(
            &format!("{TOML_OK}[store.export]\nkey_prefix = \"a/\"\nextra = 1\n"),
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(8), "{e:?}");
        assert!(e.message.contains("`extra`"), "{}", e.message);
        assert_eq!(e.path, "store.export");

        let e = plan(
            "{\n  \"account_id\": \"111122223333\",\n  \"region\": \"eu-west-1\",\n  \"store\": {\n    \"bucket\": \"mail-in\",\n    \"buckit\": \"x\"\n  }\n}\n",
            BundleFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(6), "{e:?}");
        assert!(e.message.contains("`buckit`"), "{}", e.message);
    }

    #[test]
    fn refused_values_name_the_path_and_line() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[store]\nbucket = \"Mail_In\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(
            e.message.starts_with("invalid `store.bucket` `Mail_In`: "),
            "{}",
            e.message
        );
        let e = plan(
            "account_id = \"1111\"\nregion = \"eu-west-1\"\n[store]\nbucket = \"a-b\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("`account_id` `1111`"), "{}", e.message);
    }

    #[test]
    fn shape_errors_name_no_rust_type() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\nstore = 1\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "invalid `store`: invalid type: integer `1`, expected a table"
        );
        assert_eq!(e.line, Some(3));
        let e = plan(
            "{\"account_id\": \"111122223333\", \"region\": \"eu-west-1\",}",
            BundleFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.message, "trailing comma");
        assert_eq!(e.path, "");
    }

    #[test]
    fn locate_finds_keys_past_nested_values() {
        let json = "{\"a\": [1, {\"b\": \"x\\\"}\"}, true],\n \"s\": {\"t\": null,\n  \"k\": 2}}";
        assert_eq!(locate(json, BundleFormat::Json, "s.k"), Some(3));
        assert_eq!(locate(json, BundleFormat::Json, "s"), Some(2));
        assert_eq!(locate(json, BundleFormat::Json, "s.missing"), None);
        assert_eq!(locate(json, BundleFormat::Json, "a.b"), None);
        let toml = "a = 1\n\n[s]\nt = 2\n\n[s.u]\nk = \"v\"\n";
        assert_eq!(locate(toml, BundleFormat::Toml, "s.u.k"), Some(7));
        assert_eq!(locate(toml, BundleFormat::Toml, "s.t"), Some(4));
        assert_eq!(locate(toml, BundleFormat::Toml, "s.x"), None);
        let toml = "[[s.l]]\nk = 1\n\n[[s.l]]\nk = 2\n";
        assert_eq!(locate(toml, BundleFormat::Toml, "s.l[1].k"), Some(5));
        assert_eq!(locate(toml, BundleFormat::Toml, "s.l[2].k"), None);
        assert_eq!(
            locate(
                "s = { l = [{k = 1},\n {k = 2}] }",
                BundleFormat::Toml,
                "s.l[1].k"
            ),
            Some(2)
        );
        let json = "{\"s\": {\"l\": [{\"k\": [1]},\n {\"j\": 0,\n \"k\": 2}]}}";
        assert_eq!(locate(json, BundleFormat::Json, "s.l[1].k"), Some(3));
        assert_eq!(locate(json, BundleFormat::Json, "s.l[2].k"), None);
    }

    #[test]
    fn missing_and_duplicate_keys_are_named() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[store]\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.message, "missing key `bucket` in `[store]`");
        let e = plan(
            "{\"account_id\": \"111122223333\",\n\"region\": \"eu-west-1\",\n\"region\": \"us-east-1\"}",
            BundleFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.message, "duplicate key `region`: give it once");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn tables_given_as_lists_are_refused() {
        for (json, path) in [
            (r#""store": ["mail-in"]"#, "store"),
            (r#""store": []"#, "store"),
            (
                r#""store": {"bucket": "mail-in", "export": ["a/"]}"#,
                "store.export",
            ),
            (
                r#""store": {"bucket": "mail-in", "export": null}"#,
                "store.export",
            ),
        ] {
            let text =
                format!(r#"{{"account_id": "111122223333", "region": "eu-west-1", {json}}}"#);
            let e = plan(&text, BundleFormat::Json).unwrap_err();
            assert_eq!(e.path, path, "{json}: {}", e.message);
            assert!(
                e.message.contains("expected a table") || e.message.contains("`null`"),
                "{json}: {}",
                e.message
            );
        }
        let e = plan(
            &TOML_OK.replace("[store]\nbucket = \"mail-in\"", "store = [\"mail-in\"]"),
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("expected a table"), "{}", e.message);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_in_json_and_toml() {
        let json = "\u{feff}{\"account_id\": \"111122223333\", \"region\": \"eu-west-1\", \"store\": {\"bucket\": \"mail-in\"}}";
        assert!(plan(json, BundleFormat::Json).is_ok());
        assert!(plan(&format!("\u{feff}{TOML_OK}"), BundleFormat::Toml).is_ok());
    }

    #[test]
    fn a_toml_datetime_is_called_a_datetime() {
        let e = plan(
            "account_id = 1979-05-27\nregion = \"eu-west-1\"\n[store]\nbucket = \"a-b\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(
            e.message.contains("invalid type: datetime") && !e.message.contains("map"),
            "{}",
            e.message
        );
    }

    #[test]
    fn plan_errors_name_the_section_field() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[store]\nbucket = \"forbidden\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "invalid `store.bucket` `forbidden`: pick another bucket"
        );
        assert_eq!(e.line, Some(4));
        let e = plan(
            "{\"account_id\": \"111122223333\",\n \"region\": \"eu-west-1\",\n \"store\": {\n  \"bucket\": \"forbidden\"}}",
            BundleFormat::Json,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e:?}");
    }

    #[test]
    fn missing_common_keys_and_empty_bundles_are_refused() {
        let e = plan("region = \"eu-west-1\"\n", BundleFormat::Toml).unwrap_err();
        assert!(
            e.message.contains("missing key `account_id`"),
            "{}",
            e.message
        );
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("no policy"), "{}", e.message);
        assert!(e.message.contains("`[store]`"), "{}", e.message);
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\npartition = \"aws-cn\"\n[store]\nbucket = \"abc\"\n",
            BundleFormat::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("`partition` `aws-cn`"), "{}", e.message);
    }

    #[test]
    fn merge_removes_duplicates_and_keeps_sids_unique() {
        let doc = |sts: Vec<Statement>| PlannedPolicy {
            file: String::new(),
            providers: vec!["a.x"],
            kind: PolicyKind::Identity,
            attach_to: String::new(),
            policy: PolicyDocument::new(sts),
        };
        let s1 = Statement::allow()
            .sid("Kms")
            .actions(["kms:Decrypt"])
            .resources(["k1"]);
        let s2 = Statement::allow()
            .sid("Kms")
            .actions(["kms:Decrypt"])
            .resources(["k2"])
            .condition(
                "StringEquals",
                "kms:ViaService",
                ["s3.eu-west-1.amazonaws.com"],
            );
        let s3 = Statement::allow()
            .sid("Put")
            .actions(["s3:PutObject"])
            .resources(["b"]);
        let mut second = doc(vec![s1.clone(), s2, s3.clone()]);
        second.providers = vec!["a.y"];
        let merged = PlannedPolicy::merge("m.json", "role", vec![doc(vec![s1, s3]), second]);
        let sids: Vec<&str> = merged
            .policy
            .statements()
            .iter()
            .filter_map(|s| s.sid.as_deref())
            .collect();
        // A different condition keeps the second `Kms` statement apart, renamed.
        assert_eq!(sids, ["Kms", "Put", "Kms2"]);
        assert_eq!(merged.providers, ["a.x", "a.y"]);
    }

    #[test]
    fn merge_lists_the_resources_of_statements_that_differ_only_there() {
        let doc = |sts: Vec<Statement>| PlannedPolicy {
            file: String::new(),
            providers: vec!["a.x"],
            kind: PolicyKind::Identity,
            attach_to: String::new(),
            policy: PolicyDocument::new(sts),
        };
        let put = |r: &'static str| {
            Statement::allow()
                .sid("Put")
                .actions(["s3:PutObject", "s3:PutObjectAcl"])
                .resources([r])
        };
        // The same actions in another order are the same set.
        let put_reordered = Statement::allow()
            .sid("Put")
            .actions(["s3:PutObjectAcl", "s3:PutObject"])
            .resources(["c", "a"]);
        let for_sns = Statement::allow()
            .sid("Put")
            .principal(Principal::service("sns.amazonaws.com"))
            .actions(["s3:PutObject", "s3:PutObjectAcl"])
            .resources(["a"]);
        let merged = PlannedPolicy::merge(
            "m.json",
            "role",
            vec![
                doc(vec![put("a")]),
                doc(vec![put("b"), for_sns]),
                doc(vec![put_reordered, put("b")]),
            ],
        );
        let value = serde_json::to_value(&merged.policy).unwrap();
        assert_eq!(
            value["Statement"],
            serde_json::json!([
                {"Sid": "Put", "Effect": "Allow",
                 "Action": ["s3:PutObject", "s3:PutObjectAcl"], "Resource": ["a", "b", "c"]},
                {"Sid": "Put2", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                 "Action": ["s3:PutObject", "s3:PutObjectAcl"], "Resource": "a"}
            ])
        );
    }

    #[test]
    fn sizes_follow_the_kind_and_an_oversize_policy_is_refused() {
        let wide = |kind: PolicyKind, n: usize| PlannedPolicy {
            file: "big.json".to_owned(),
            providers: vec!["a.x"],
            kind,
            attach_to: String::new(),
            policy: PolicyDocument::new(vec![
                Statement::allow()
                    .actions(["s3:PutObject"])
                    .resources((0..n).map(|i| format!("arn:aws:s3:::bucket-{i:04}/*"))),
            ]),
        };
        // Each resource is 29 characters with its quotes and comma.
        let small = wide(PolicyKind::Identity, 200).size();
        assert!(!small.is_over(), "{small:?}");
        assert_eq!(small.limit, 6_144);
        let big = wide(PolicyKind::Identity, 220);
        assert!(big.size().is_over(), "{:?}", big.size());
        // A trust policy is held to 2,048, a bucket policy to 20,480 bytes as written.
        assert!(wide(PolicyKind::Trust, 80).size().is_over());
        assert!(!wide(PolicyKind::Bucket, 220).size().is_over());
        assert_eq!(wide(PolicyKind::Key, 1).size().limit, 32_768);

        let e = check_size(TOML_OK, BundleFormat::Toml, "store", &big).unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(
            e.message
                .starts_with("`[store]` plans `big.json` (identity policy) of ")
                && e.message.contains(
                    "characters without white space, over AWS's limit of 6144: split `[store]`"
                ),
            "{}",
            e.message
        );
        assert!(
            check_size(
                TOML_OK,
                BundleFormat::Toml,
                "store",
                &wide(PolicyKind::Identity, 200)
            )
            .is_ok()
        );
    }

    #[test]
    fn index_files_reads_only_a_bundle_index() {
        let bundle = plan(TOML_OK, BundleFormat::Toml).unwrap();
        let index = bundle.files().pop().unwrap().1;
        assert_eq!(index_files(&index).unwrap(), ["store.policy.json"]);
        for junk in [
            "",
            "not json",
            "{}",
            "[]",
            r#"{"policies": []}"#,
            r#"{"account_id": "1", "region": "r", "partition": "aws", "policies": [{"file": "a.json"}]}"#,
            r#"{"account_id": "1", "region": "r", "partition": "aws", "policies": [{"file": "../a.json", "providers": [], "kind": "identity", "attach_to": ""}]}"#,
            r#"{"account_id": "1", "region": "r", "partition": "aws", "policies": [{"file": "bundle.json", "providers": [], "kind": "identity", "attach_to": ""}]}"#,
        ] {
            assert_eq!(index_files(junk), None, "{junk}");
        }
    }

    #[test]
    fn the_schema_lists_common_keys_and_sections() {
        let schema = deployment_schema_with(&sections()).to_value();
        assert_eq!(schema["additionalProperties"], false);
        assert_eq!(
            schema["required"],
            serde_json::json!(["account_id", "region"])
        );
        assert_eq!(schema["properties"]["store"]["description"], "A store.");
        assert!(schema["$defs"]["StoreConfig"]["properties"]["bucket"].is_object());
        assert!(schema["$defs"]["AccountId"].is_object());
    }
}
