//! The deployment bundle: one file describing a whole Mail Manager deployment, and every
//! policy it needs.
//!
//! A deployment file (TOML or JSON) holds `account_id`, `region` and optionally `partition`
//! once, then one optional table per feature (`[ingress]`, `[archiving]`, `[rule-actions]`,
//! ...). Each feature crate contributes its table through core's section registry
//! ([`mmpolicy_core::section`]); [`plan_bundle`] reads the file, hands each registered section
//! its table, merges the policies a section plans under one file (and the key policies that
//! several sections plan for one named key), checks their sizes against
//! AWS's limits, and returns every planned policy; nothing here names a feature.
//! [`deployment_schema`] is the JSON schema of the whole file, assembled from the sections'
//! schemas.
//!
//! Errors carry the line in the file ([`position`]): unknown keys (at the top level or in a
//! section) and refused values are reported at the key's line; values that do not fit together
//! (a key in another region) at the line of the key named.

pub mod merge;
pub mod position;

pub use merge::merge;
pub use mmpolicy_core::PolicySize;
pub use mmpolicy_core::section::{BundleCommon, PlannedPolicy};
pub use position::Format;

use mmpolicy_core::error::{InvalidParams, Noun, quote_value};
use mmpolicy_core::json::UniqueValue;
use mmpolicy_core::section::{DeploymentSection, SectionError, sections};
use mmpolicy_core::types::{AccountId, Partition, Region, resolve_partition};
use position::{line_of, locate};
use schemars::{Schema, json_schema};
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The keys every deployment file may hold at the top level, besides the sections.
pub const COMMON_KEYS: [&str; 3] = ["account_id", "region", "partition"];

/// The name of the index file a bundle writes beside the policies.
pub const INDEX_FILE: &str = "bundle.json";

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
    /// kind, where to attach it, and its `shape`: `document` for a whole policy document,
    /// `statements` for the list of statements to merge into the resource's existing policy
    /// (key, secret and bucket policies, see [`PolicyKind::shape`](mmpolicy_core::PolicyKind::shape)).
    pub fn index(&self) -> serde_json::Value {
        let policies: Vec<serde_json::Value> = self
            .policies
            .iter()
            .map(|p| {
                let mut entry = serde_json::to_value(p).unwrap_or_default();
                if let Some(entry) = entry.as_object_mut() {
                    entry.insert(
                        "shape".to_owned(),
                        serde_json::to_value(p.kind.shape()).unwrap_or_default(),
                    );
                }
                entry
            })
            .collect();
        serde_json::json!({
            "account_id": self.common.account_id.as_str(),
            "region": self.common.region.as_str(),
            "partition": self.common.partition.as_str(),
            "policies": policies,
        })
    }

    /// Every file to write, `(file name, contents)`: each policy as pretty JSON in its kind's
    /// shape (the document, or the statements to merge), then the index.
    pub fn files(&self) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = self
            .policies
            .iter()
            .map(|p| (p.file.clone(), p.policy.to_pretty_json_as(p.kind.shape())))
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

/// Reads a deployment file and plans every policy it asks for, with the sections registered
/// in this program.
pub fn plan_bundle(text: &str, format: Format) -> Result<Bundle, InvalidParams> {
    plan_bundle_with(text, format, sections())
}

/// [`plan_bundle`] with an explicit list of sections.
pub fn plan_bundle_with(
    text: &str,
    format: Format,
    sections: &[&'static dyn DeploymentSection],
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
        return Err(refusal(format!(
            "missing key `{missing}`: the bundle file gives `account_id` and `region` once, at the top"
        )));
    };
    let partition = resolve_partition(region, raw.partition).map_err(InvalidParams::from)?;
    let common = BundleCommon {
        account_id,
        region,
        partition,
    };
    let mut planned_by = Vec::new();
    for section in sections {
        let Some(table) = raw.tables.get(section.name()) else {
            continue;
        };
        let planned = section
            .plan_table(table, &common)
            .map_err(|e| section_error(text, format, section.name(), table, e))?;
        planned_by.extend(
            merge_files(planned)
                .into_iter()
                .map(|p| (section.name(), p)),
        );
    }
    let mut policies = Vec::new();
    for (section, p) in merge_keys(planned_by) {
        check_size(text, format, section, &p)?;
        policies.push(p);
    }
    if policies.is_empty() {
        let tables: Vec<String> = names.iter().map(|n| format!("`[{n}]`")).collect();
        return Err(refusal(format!(
            "the bundle asks for no policy: add at least one of {}",
            tables.join(", ")
        )));
    }
    let mut seen = BTreeSet::new();
    for p in &policies {
        if p.file == INDEX_FILE || !seen.insert(p.file.as_str()) {
            return Err(refusal(format!(
                "two policies would be written to `{}`: a feature crate plans the same file twice",
                p.file
            )));
        }
    }
    Ok(Bundle { common, policies })
}

/// An error about the file as a whole (no key to point at).
fn refusal(message: String) -> InvalidParams {
    InvalidParams {
        path: String::new(),
        message,
        line: None,
    }
}

/// Merges the policies a section planned under one file (with one kind and one place to
/// attach them) into one, at the place of the first; policies of one file that differ in kind
/// or place are left apart, and refused as two policies for one file.
fn merge_files(planned: Vec<PlannedPolicy>) -> Vec<PlannedPolicy> {
    let mut order: Vec<Vec<PlannedPolicy>> = Vec::new();
    let mut at: BTreeMap<(String, mmpolicy_core::PolicyKind, String), usize> = BTreeMap::new();
    for p in planned {
        let key = (p.file.clone(), p.kind, p.attach_to.clone());
        match at.get(&key).and_then(|i| order.get_mut(*i)) {
            Some(group) => group.push(p),
            None => {
                at.insert(key, order.len());
                order.push(vec![p]);
            }
        }
    }
    order
        .into_iter()
        .filter_map(|mut group| {
            if group.len() == 1 {
                return group.pop();
            }
            let first = group.first()?;
            let (file, attach_to) = (first.file.clone(), first.attach_to.clone());
            let target = first.target.clone();
            Some(merge(file, attach_to, target, group))
        })
        .collect()
}

/// Merges the key policies that several sections plan for one named key into one, at the
/// place of the first (its file and section): a key takes one set of statements to merge into
/// its policy, whichever features use it. Key policies of keys the deployment does not name
/// stay apart, as each format asks for their key separately.
fn merge_keys(planned: Vec<(&'static str, PlannedPolicy)>) -> Vec<(&'static str, PlannedPolicy)> {
    let key_of = |p: &PlannedPolicy| match &p.target {
        mmpolicy_core::target::Target::KeyPolicy { key_arn: Some(arn) } => Some(arn.clone()),
        _ => None,
    };
    let mut order: Vec<(&'static str, Vec<PlannedPolicy>)> = Vec::new();
    let mut at: BTreeMap<String, usize> = BTreeMap::new();
    for (section, p) in planned {
        match key_of(&p) {
            Some(arn) => match at.get(&arn).and_then(|i| order.get_mut(*i)) {
                Some((_, group)) => group.push(p),
                None => {
                    at.insert(arn, order.len());
                    order.push((section, vec![p]));
                }
            },
            None => order.push((section, vec![p])),
        }
    }
    order
        .into_iter()
        .filter_map(|(section, mut group)| {
            if group.len() == 1 {
                return group.pop().map(|p| (section, p));
            }
            let first = group.first()?;
            let arn = key_of(first)?;
            let (file, target) = (first.file.clone(), first.target.clone());
            let attach_to = format!("KMS key `{arn}`: merge these statements into its key policy");
            Some((section, merge(file, attach_to, target, group)))
        })
        .collect()
}

/// The error of a section's table, with its path in the file and its line.
fn section_error(
    text: &str,
    format: Format,
    name: &str,
    table: &serde_json::Value,
    e: SectionError,
) -> InvalidParams {
    match e {
        SectionError::Read { path, message } => {
            let full = if path.is_empty() {
                name.to_owned()
            } else if path.starts_with('[') {
                format!("{name}{path}")
            } else {
                format!("{name}.{path}")
            };
            // The toml crate hands a datetime to serde as a table with a private key; the
            // user wrote a datetime, so say that.
            let message = if is_toml_datetime(table, &path) {
                message.replace("invalid type: map,", "invalid type: datetime,")
            } else {
                message
            };
            let line = locate_error(text, format, &full, &message);
            InvalidParams::from_serde(Noun::Key, full, &message, line)
        }
        SectionError::Plan(e) if e.field.is_empty() => {
            // A refusal of the table as a whole: its rule says what is missing.
            InvalidParams {
                path: name.to_owned(),
                message: format!("`[{name}]` {}", e.rule),
                line: locate(text, format, name),
            }
        }
        SectionError::Plan(e) => {
            let field = format!("{name}.{}", e.field);
            let line = locate(text, format, &field);
            InvalidParams {
                line,
                ..InvalidParams::from(e.with_field(field))
            }
        }
    }
}

/// The line of a read error: the unknown key's own line when serde names one, else the line
/// of the key at `path` (or of the nearest table holding it).
fn locate_error(text: &str, format: Format, path: &str, message: &str) -> Option<usize> {
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|k| k.split_once('`'))
        .map(|(k, _)| k);
    if let Some(key) = unknown {
        let own = if path.ends_with(&format!(".{key}")) {
            path.to_owned()
        } else {
            format!("{path}.{key}")
        };
        if let Some(line) = locate(text, format, &own) {
            return Some(line);
        }
    }
    let mut at = path;
    loop {
        if let Some(line) = locate(text, format, at) {
            return Some(line);
        }
        at = at.rsplit_once(['.', '['])?.0;
    }
}

/// Whether the value at `path` in a section's table is a TOML datetime (which the toml crate
/// hands to serde as a table with one private key).
fn is_toml_datetime(table: &serde_json::Value, path: &str) -> bool {
    let mut value = table;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, index) = match part.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
            Some((name, i)) => (name, i.parse::<usize>().ok()),
            None => (part, None),
        };
        if !name.is_empty() {
            let Some(next) = value.get(name) else {
                return false;
            };
            value = next;
        }
        if let Some(i) = index {
            let Some(next) = value.get(i) else {
                return false;
            };
            value = next;
        }
    }
    value
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("$__toml_private_datetime"))
}

/// Refuses a planned policy that AWS would refuse as too large, naming the section that
/// planned it (and its line) and how to make it smaller.
fn check_size(
    text: &str,
    format: Format,
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
    deployment_schema_with(sections())
}

/// [`deployment_schema`] with an explicit list of sections.
pub fn deployment_schema_with(sections: &[&'static dyn DeploymentSection]) -> Schema {
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
    mmpolicy_core::provider::refuse_null_in_schema(&mut defs);
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
    format: Format,
    seed: T,
) -> Result<T::Value, InvalidParams> {
    match format {
        Format::Json => {
            let mut de = serde_json::Deserializer::from_str(text);
            let mut track = serde_path_to_error::Track::new();
            let value = seed
                .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track))
                .map_err(|e| {
                    let path = track.path().to_string();
                    let line = (e.line() > 0).then(|| e.line());
                    InvalidParams::from_serde(Noun::Key, path, &json_message(&e), line)
                })?;
            de.end().map_err(|e| {
                InvalidParams::from_serde(
                    Noun::Key,
                    String::new(),
                    &json_message(&e),
                    Some(e.line()),
                )
            })?;
            Ok(value)
        }
        Format::Toml => {
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
                    InvalidParams::from_serde(Noun::Key, path, &message, line)
                })
        }
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

/// The top level of a deployment file: the common keys, read; the sections' tables, kept as
/// they are (each section reads its own); anything else, refused.
struct TopLevel<'a> {
    sections: &'a [&'static str],
}

#[derive(Default)]
struct RawCommon {
    account_id: Option<AccountId>,
    region: Option<Region>,
    partition: Option<Partition>,
    /// The tables of the sections the file holds, by name.
    tables: BTreeMap<String, serde_json::Value>,
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
                    let table = map.next_value_seed(UniqueValue)?;
                    raw.tables.insert(key, table);
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

#[cfg(test)]
mod tests {
    /// A target for the policies the tests plan.
    fn role_target() -> mmpolicy_core::Target {
        mmpolicy_core::Target::RolePolicy {
            role: mmpolicy_core::RoleRef::Existing {
                role_name: "R".to_owned(),
            },
            policy_name: "p".to_owned(),
        }
    }

    use super::*;
    use mmpolicy_core::section::{Section, optional_table};
    use mmpolicy_core::types::{BucketName, KeyPrefix};
    use mmpolicy_core::{InvalidValue, PolicyDocument, PolicyKind, Principal, Statement};
    use schemars::JsonSchema;
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
                .actions(&["s3:PutObject"])
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
                target: role_target(),
                policy: PolicyDocument::new(vec![st]),
                requests: Vec::new(),
            }])
        }
    }

    static STORE: Store = Store;

    fn sections() -> Vec<&'static dyn DeploymentSection> {
        vec![&STORE]
    }

    fn plan(text: &str, format: Format) -> Result<Bundle, InvalidParams> {
        plan_bundle_with(text, format, &sections())
    }

    const TOML_OK: &str =
        "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n\n[store]\nbucket = \"mail-in\"\n";

    #[test]
    fn plans_a_toml_and_a_json_bundle_alike() {
        let t = plan(TOML_OK, Format::Toml).unwrap();
        let j = plan(
            r#"{"account_id": "111122223333", "region": "eu-west-1", "store": {"bucket": "mail-in"}}"#,
            Format::Json,
        )
        .unwrap();
        assert_eq!(t, j);
        assert_eq!(t.common.partition, Partition::Aws);
        assert_eq!(
            t.index(),
            serde_json::json!({
                "account_id": "111122223333", "region": "eu-west-1", "partition": "aws",
                "policies": [{"file": "store.policy.json", "providers": ["store.policy"],
                              "kind": "identity", "attach_to": "the role writing to `mail-in`",
                              "target": {"service": "iam", "resource_type": "role", "name": "R",
                                         "attach": "inline-role-policy", "policy_name": "p"},
                              "shape": "document"}]
            })
        );
        let files = t.files();
        assert_eq!(files[0].0, "store.policy.json");
        assert!(files[0].1.contains("arn:aws:s3:::mail-in/*"));
        assert_eq!(files[1].0, "bundle.json");
    }

    #[test]
    fn unknown_keys_name_the_key_and_line() {
        let e = plan(&format!("{TOML_OK}colour = \"blue\"\n"), Format::Toml).unwrap_err();
        assert_eq!(e.line, Some(6), "{e:?}");
        assert!(e.message.contains("`colour`"), "{}", e.message);

        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\nstorage = 1\n",
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        assert!(e.message.contains("unknown key `storage`"), "{}", e.message);
        assert!(e.message.contains("`store`"), "{}", e.message);

        let e = plan(
            &format!("{TOML_OK}[store.export]\nkey_prefix = \"a/\"\nextra = 1\n"),
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(8), "{e:?}");
        assert!(e.message.contains("`extra`"), "{}", e.message);
        assert_eq!(e.path, "store.export");

        let e = plan(
            "{\n  \"account_id\": \"111122223333\",\n  \"region\": \"eu-west-1\",\n  \"store\": {\n    \"bucket\": \"mail-in\",\n    \"buckit\": \"x\"\n  }\n}\n",
            Format::Json,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(6), "{e:?}");
        assert!(e.message.contains("`buckit`"), "{}", e.message);
    }

    #[test]
    fn refused_values_name_the_path_and_line() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[store]\nbucket = \"Mail_In\"\n",
            Format::Toml,
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
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("`account_id` `1111`"), "{}", e.message);
    }

    #[test]
    fn shape_errors_name_no_rust_type() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\nstore = 1\n",
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "invalid `store`: invalid type: integer `1`, expected a table"
        );
        assert_eq!(e.line, Some(3));
        let e = plan(
            "{\"account_id\": \"111122223333\", \"region\": \"eu-west-1\",}",
            Format::Json,
        )
        .unwrap_err();
        assert_eq!(e.message, "trailing comma");
        assert_eq!(e.path, "");
    }

    #[test]
    fn missing_and_duplicate_keys_are_named() {
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[store]\n",
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(e.message, "missing key `bucket` in `[store]`: add it");
        let e = plan(
            "{\"account_id\": \"111122223333\",\n\"region\": \"eu-west-1\",\n\"region\": \"us-east-1\"}",
            Format::Json,
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
            let e = plan(&text, Format::Json).unwrap_err();
            assert_eq!(e.path, path, "{json}: {}", e.message);
            assert!(
                e.message.contains("expected a table") || e.message.contains("`null`"),
                "{json}: {}",
                e.message
            );
        }
        let e = plan(
            &TOML_OK.replace("[store]\nbucket = \"mail-in\"", "store = [\"mail-in\"]"),
            Format::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("expected a table"), "{}", e.message);
    }

    #[test]
    fn a_byte_order_mark_is_skipped_in_json_and_toml() {
        let json = "\u{feff}{\"account_id\": \"111122223333\", \"region\": \"eu-west-1\", \"store\": {\"bucket\": \"mail-in\"}}";
        assert!(plan(json, Format::Json).is_ok());
        assert!(plan(&format!("\u{feff}{TOML_OK}"), Format::Toml).is_ok());
    }

    #[test]
    fn a_toml_datetime_is_called_a_datetime() {
        let e = plan(
            "account_id = 1979-05-27\nregion = \"eu-west-1\"\n[store]\nbucket = \"a-b\"\n",
            Format::Toml,
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
            Format::Toml,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "invalid `store.bucket` `forbidden`: pick another bucket"
        );
        assert_eq!(e.line, Some(4));
        let e = plan(
            "{\"account_id\": \"111122223333\",\n \"region\": \"eu-west-1\",\n \"store\": {\n  \"bucket\": \"forbidden\"}}",
            Format::Json,
        )
        .unwrap_err();
        assert_eq!(e.line, Some(4), "{e:?}");
    }

    #[test]
    fn missing_common_keys_and_empty_bundles_are_refused() {
        let e = plan("region = \"eu-west-1\"\n", Format::Toml).unwrap_err();
        assert!(
            e.message.contains("missing key `account_id`"),
            "{}",
            e.message
        );
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n",
            Format::Toml,
        )
        .unwrap_err();
        assert!(e.message.contains("no policy"), "{}", e.message);
        assert!(e.message.contains("`[store]`"), "{}", e.message);
        let e = plan(
            "account_id = \"111122223333\"\nregion = \"eu-west-1\"\npartition = \"aws-cn\"\n[store]\nbucket = \"abc\"\n",
            Format::Toml,
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
            target: role_target(),
            policy: PolicyDocument::new(sts),
            requests: Vec::new(),
        };
        let s1 = Statement::allow()
            .sid("Kms")
            .actions(&["kms:Decrypt"])
            .resources(["k1"]);
        let s2 = Statement::allow()
            .sid("Kms")
            .actions(&["kms:Decrypt"])
            .resources(["k2"])
            .condition(
                "StringEquals",
                "kms:ViaService",
                ["s3.eu-west-1.amazonaws.com"],
            );
        let s3 = Statement::allow()
            .sid("Put")
            .actions(&["s3:PutObject"])
            .resources(["b"]);
        let mut second = doc(vec![s1.clone(), s2, s3.clone()]);
        second.providers = vec!["a.y"];
        let merged = merge(
            "m.json",
            "role",
            role_target(),
            vec![doc(vec![s1, s3]), second],
        );
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
            target: role_target(),
            policy: PolicyDocument::new(sts),
            requests: Vec::new(),
        };
        let put = |r: &'static str| {
            Statement::allow()
                .sid("Put")
                .actions(&["s3:PutObject", "s3:PutObjectAcl"])
                .resources([r])
        };
        // The same actions in another order are the same set.
        let put_reordered = Statement::allow()
            .sid("Put")
            .actions(&["s3:PutObjectAcl", "s3:PutObject"])
            .resources(["c", "a"]);
        let for_sns = Statement::allow()
            .sid("Put")
            .principal(Principal::service("sns.amazonaws.com"))
            .actions(&["s3:PutObject", "s3:PutObjectAcl"])
            .resources(["a"]);
        let merged = merge(
            "m.json",
            "role",
            role_target(),
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
            target: role_target(),
            policy: PolicyDocument::new(vec![
                Statement::allow()
                    .actions(&["s3:PutObject"])
                    .resources((0..n).map(|i| format!("arn:aws:s3:::bucket-{i:04}/*"))),
            ]),
            requests: Vec::new(),
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

        let e = check_size(TOML_OK, Format::Toml, "store", &big).unwrap_err();
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
                Format::Toml,
                "store",
                &wide(PolicyKind::Identity, 200)
            )
            .is_ok()
        );
    }

    #[test]
    fn index_files_reads_only_a_bundle_index() {
        let bundle = plan(TOML_OK, Format::Toml).unwrap();
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
