//! The [`PolicyProvider`] trait: one policy that Mail Manager needs, described and rendered.
//!
//! A feature crate writes a unit struct implementing [`Provider`] (typed parameters, constants
//! for its metadata, a `render` function) and registers it with
//! [`register_provider!`](crate::register_provider). The blanket implementation of
//! [`PolicyProvider`] turns it into the object-safe form the registry, the CLI and the
//! generators use.

use crate::error::{InvalidParams, InvalidValue, Noun, RenderError};
use crate::model::PolicyDocument;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;

/// Where a policy document is attached, which decides its grammar (a key policy names
/// principals, an identity policy must not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    /// An IAM identity policy, attached to a role or user.
    Identity,
    /// The trust policy of an IAM role: who may assume it.
    Trust,
    /// A KMS key policy.
    Key,
    /// A Secrets Manager secret's resource policy.
    Secret,
    /// An S3 bucket policy.
    Bucket,
}

impl PolicyKind {
    /// Every kind, in declaration order.
    pub const ALL: [PolicyKind; 5] = [
        PolicyKind::Identity,
        PolicyKind::Trust,
        PolicyKind::Key,
        PolicyKind::Secret,
        PolicyKind::Bucket,
    ];

    /// The lowercase name (`identity`, `trust`, `key`, `secret`, `bucket`).
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::Identity => "identity",
            PolicyKind::Trust => "trust",
            PolicyKind::Key => "key",
            PolicyKind::Secret => "secret",
            PolicyKind::Bucket => "bucket",
        }
    }

    /// Where a document of this kind goes, in a few words.
    pub fn attach_to(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an IAM role or user, as a permission policy",
            PolicyKind::Trust => "an IAM role, as its trust policy",
            PolicyKind::Key => "a KMS key, as (part of) its key policy",
            PolicyKind::Secret => "a Secrets Manager secret, as its resource policy",
            PolicyKind::Bucket => "an S3 bucket, as its bucket policy",
        }
    }

    /// Whether statements of this kind name a `Principal`.
    pub fn has_principal(self) -> bool {
        !matches!(self, PolicyKind::Identity)
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PolicyKind {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                InvalidValue::new(
                    "kind",
                    s,
                    "expected `identity`, `trust`, `key`, `secret` or `bucket`",
                )
            })
    }
}

/// A policy provider written with typed parameters. Implement this; the registry sees it
/// through [`PolicyProvider`].
pub trait Provider: Send + Sync + 'static {
    /// The parameters, read from JSON, TOML or `--set`; `#[serde(deny_unknown_fields)]` and a
    /// `///` doc on every field.
    type Params: DeserializeOwned + Serialize + JsonSchema;

    /// The stable id, `<feature>.<name>` (`ingress.secret-policy`).
    const ID: &'static str;
    /// The feature crate's short name (`ingress`).
    const FEATURE: &'static str;
    /// Where the document is attached.
    const KIND: PolicyKind;
    /// A one-line title.
    const TITLE: &'static str;
    /// Where to attach the document and why Mail Manager needs it; Markdown, one paragraph or a
    /// few.
    const DESCRIPTION: &'static str;
    /// Where the facts come from (a section of AWS's page, an API reference).
    const SOURCE: &'static str;
    /// What mmpolicy renders differently from AWS's published example, and why; one item each.
    const CORRECTIONS: &'static [&'static str] = &[];

    /// A realistic parameter set, used by `--example`, the reference and the tests.
    fn example() -> Self::Params;

    /// Renders the policy document. Fails only when parameters that are each valid do not fit
    /// together.
    fn render(params: &Self::Params) -> Result<PolicyDocument, InvalidValue>;
}

/// The object-safe face of a provider, as the registry holds it.
pub trait PolicyProvider: Send + Sync + 'static {
    /// The stable id, `<feature>.<name>`.
    fn id(&self) -> &'static str;
    /// The feature crate's short name.
    fn feature(&self) -> &'static str;
    /// Where the document is attached.
    fn kind(&self) -> PolicyKind;
    /// A one-line title.
    fn title(&self) -> &'static str;
    /// Where to attach the document and why.
    fn description(&self) -> &'static str;
    /// Where the facts come from.
    fn source(&self) -> &'static str;
    /// The corrections made to AWS's published example.
    fn corrections(&self) -> &'static [&'static str];
    /// The JSON schema of the parameters.
    fn params_schema(&self) -> schemars::Schema;
    /// The example parameters as JSON.
    fn example_params(&self) -> serde_json::Value;
    /// Reads parameters from a JSON value and renders.
    fn render_value(&self, params: &serde_json::Value) -> Result<PolicyDocument, RenderError>;
    /// Reads parameters from JSON text and renders; errors carry the line.
    fn render_str(&self, params: &str) -> Result<PolicyDocument, RenderError>;
    /// Reads parameters from JSON text, validated exactly as [`render_str`](Self::render_str)
    /// does (same types, same errors), and appends the policy as compact JSON (the text of
    /// [`PolicyDocument::to_compact_json`]) to `out`. The bulk path's hot loop: it reuses the
    /// caller's buffer and skips the error-path bookkeeping until a parameter set fails. On
    /// error, `out` is left as it was.
    fn render_compact_into(&self, params: &str, out: &mut Vec<u8>) -> Result<(), RenderError>;
}

impl<P: Provider> PolicyProvider for P {
    fn id(&self) -> &'static str {
        P::ID
    }
    fn feature(&self) -> &'static str {
        P::FEATURE
    }
    fn kind(&self) -> PolicyKind {
        P::KIND
    }
    fn title(&self) -> &'static str {
        P::TITLE
    }
    fn description(&self) -> &'static str {
        P::DESCRIPTION
    }
    fn source(&self) -> &'static str {
        P::SOURCE
    }
    fn corrections(&self) -> &'static [&'static str] {
        P::CORRECTIONS
    }
    fn params_schema(&self) -> schemars::Schema {
        let mut schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<P::Params>();
        if let Some(object) = schema.as_object_mut() {
            let mut value = serde_json::Value::Object(std::mem::take(object));
            refuse_null_in_schema(&mut value);
            if let serde_json::Value::Object(refused) = value {
                *object = refused;
            }
        }
        schema
    }
    fn example_params(&self) -> serde_json::Value {
        serde_json::to_value(P::example()).unwrap_or(serde_json::Value::Null)
    }
    fn render_value(&self, params: &serde_json::Value) -> Result<PolicyDocument, RenderError> {
        if !params.is_object() {
            return Err(not_an_object(json_kind(params)).into());
        }
        let params: P::Params = serde_path_to_error::deserialize(params)
            .map_err(|e| InvalidParams::from_json(e).for_provider(P::ID))?;
        Ok(P::render(&params)?)
    }
    fn render_str(&self, params: &str) -> Result<PolicyDocument, RenderError> {
        // A byte order mark, as some editors write it, is not part of the JSON.
        let params = params.strip_prefix('\u{feff}').unwrap_or(params);
        if let Some(kind) = text_kind(params) {
            return Err(not_an_object(kind).into());
        }
        let mut de = serde_json::Deserializer::from_str(params);
        let parsed: P::Params = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| InvalidParams::from_json(e).for_provider(P::ID))?;
        de.end().map_err(|e| {
            InvalidParams::from_serde(
                Noun::Parameter,
                String::new(),
                &e.to_string(),
                Some(e.line()),
            )
        })?;
        Ok(P::render(&parsed)?)
    }
    fn render_compact_into(&self, params: &str, out: &mut Vec<u8>) -> Result<(), RenderError> {
        // The same `P::Params` deserialisation as `render_str`, without the path tracking that
        // only an error needs; a failure is read again through `render_str`, so the message,
        // field and line are exactly the ones `render` gives.
        if text_kind(params).is_some() {
            return self.render_str(params).map(|_| ());
        }
        let document = match serde_json::from_str::<P::Params>(params) {
            Ok(parsed) => P::render(&parsed)?,
            Err(_) => self.render_str(params)?,
        };
        document.write_compact_json(out);
        Ok(())
    }
}

/// Removes the "or `null`" that schemars gives every `Option` from a schema and its
/// definitions: mmpolicy refuses a `null` for every parameter (an optional one is left out),
/// and the published schemas say so.
pub fn refuse_null_in_schema(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if let [one] = &types[..] {
                    let one = one.clone();
                    map.insert("type".to_owned(), one);
                }
            }
            for key in ["anyOf", "oneOf"] {
                let Some(serde_json::Value::Array(alts)) = map.get_mut(key) else {
                    continue;
                };
                alts.retain(|a| a.get("type").and_then(|t| t.as_str()) != Some("null"));
                if alts.len() == 1 {
                    if let Some(serde_json::Value::Object(only)) = alts.pop() {
                        map.remove(key);
                        for (k, v) in only {
                            map.entry(k).or_insert(v);
                        }
                    }
                }
            }
            for (key, v) in map.iter_mut() {
                if !matches!(key.as_str(), "examples" | "default" | "const" | "enum") {
                    refuse_null_in_schema(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(refuse_null_in_schema),
        _ => {}
    }
}

/// A parameter set must be a JSON object: serde's derived structs would also take a list of
/// values in field order, which no schema allows and no one means.
fn not_an_object(kind: &str) -> InvalidParams {
    InvalidParams::from_serde(
        Noun::Parameter,
        String::new(),
        &format!("expected an object of named parameters (`{{\"account_id\": ...}}`), not {kind}"),
        None,
    )
}

fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "`null`",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

/// What the JSON text holds when it is plainly not an object (its first character says so);
/// `None` for an object, empty text or malformed text, which the parser then reports.
fn text_kind(text: &str) -> Option<&'static str> {
    match text.trim_start().as_bytes().first()? {
        b'{' => None,
        b'[' => Some("a list"),
        b'"' => Some("a string"),
        b'n' => Some("`null`"),
        b't' | b'f' => Some("a boolean"),
        b'-' | b'0'..=b'9' => Some("a number"),
        _ => None,
    }
}

impl fmt::Debug for dyn PolicyProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PolicyProvider")
            .field("id", &self.id())
            .finish_non_exhaustive()
    }
}

/// One documented parameter, read off a provider's schema (for `describe` and the reference).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamDoc {
    /// The field name.
    pub name: String,
    /// The type in a user's words (`account id: 12 digits`, `archive id or `*``, `boolean`,
    /// `list of tag value`): the schema's `title`, never a Rust type name.
    pub type_name: String,
    /// Whether the field must be given.
    pub required: bool,
    /// The default, as JSON, when there is one.
    pub default: Option<String>,
    /// The field's description, then the type's rule.
    pub description: String,
    /// The field's own description, on one line (without the type's rule).
    pub doc: String,
    /// The rule of the field's type (its schema description, in the words its validation error
    /// uses), when the type has one.
    pub rule: Option<String>,
}

/// The parameters of a provider, in schema order, read off its JSON schema.
pub fn param_docs(provider: &dyn PolicyProvider) -> Vec<ParamDoc> {
    let schema = provider.params_schema();
    let root = schema.as_value();
    let defs = root.get("$defs");
    let required: Vec<&str> = root
        .get("required")
        .and_then(|r| r.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let Some(props) = root.get("properties").and_then(|p| p.as_object()) else {
        return Vec::new();
    };
    props
        .iter()
        .map(|(name, prop)| {
            let (type_name, type_desc) = describe_type(prop, defs);
            let own = one_line(
                prop.get("description")
                    .and_then(|d| d.as_str())
                    .unwrap_or_default(),
            );
            let rule = type_desc
                .map(|td| one_line(&td))
                .filter(|td| !td.is_empty());
            let description = match &rule {
                Some(td) if !own.contains(td.as_str()) => format!("{own} {td}").trim().to_owned(),
                _ => own.clone(),
            };
            ParamDoc {
                name: name.clone(),
                type_name,
                required: required.contains(&name.as_str()),
                default: prop.get("default").map(|d| d.to_string()),
                description,
                doc: own,
                rule,
            }
        })
        .collect()
}

/// A schema name in words, for a type that gives no title: `TagValue` → `tag value`.
fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push(' ');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A doc comment's text on one line: line breaks and runs of white space become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The `$id` of a published schema: `urn:mmpolicy:schema:<name>`, where `name` is a provider id
/// (`ingress.secret-policy`) or the name of another file format (`deployment`). Provider ids
/// always hold a `.`, so the two never collide. The URN is stable: it names the schema, it is
/// not a place to download it from.
pub fn schema_id(name: &str) -> String {
    format!("urn:mmpolicy:schema:{name}")
}

/// A provider's parameter schema as it is published (`mmpolicy schema`, `schemas/<id>.json`):
/// the schema of [`PolicyProvider::params_schema`] with a stable `$id` ([`schema_id`]), a title
/// naming the provider, and the provider's example parameters in `examples`.
pub fn published_schema(provider: &dyn PolicyProvider) -> serde_json::Value {
    // Serialising a `Schema` orders its keywords for people (`title`, `description`, `type`,
    // `properties`, ..., `$defs` last); converting it directly would not.
    let mut schema = serde_json::to_value(provider.params_schema()).unwrap_or_default();
    join_description_lines(&mut schema);
    let serde_json::Value::Object(fields) = schema else {
        return schema;
    };
    let mut out = serde_json::Map::new();
    if let Some(dialect) = fields.get("$schema") {
        out.insert("$schema".to_owned(), dialect.clone());
    }
    out.insert(
        "$id".to_owned(),
        serde_json::Value::String(schema_id(provider.id())),
    );
    out.insert(
        "title".to_owned(),
        serde_json::Value::String(format!(
            "Parameters of {}: {}",
            provider.id(),
            provider.title()
        )),
    );
    for (key, value) in fields {
        if !matches!(key.as_str(), "$schema" | "$id" | "title" | "examples") {
            out.insert(key, value);
        }
    }
    out.insert(
        "examples".to_owned(),
        serde_json::Value::Array(vec![provider.example_params()]),
    );
    serde_json::Value::Object(out)
}

/// Joins the lines of every `description` of a JSON schema (a `///` comment wrapped at 100
/// columns is one paragraph, not two lines); blank lines between paragraphs stay. Values
/// (`examples`, `default`, `const`, `enum`) are left as they are.
pub fn join_description_lines(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(one_line)
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    // Values, not schemas: an example may have a `description` of its own.
                    _ if matches!(key.as_str(), "examples" | "default" | "const" | "enum") => {}
                    _ => join_description_lines(v),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(join_description_lines),
        _ => {}
    }
}

/// A readable type name, and the type's own description, for one property schema.
fn describe_type(
    prop: &serde_json::Value,
    defs: Option<&serde_json::Value>,
) -> (String, Option<String>) {
    let resolve = |r: &str| {
        let name = r.rsplit('/').next().unwrap_or(r);
        let def = defs.and_then(|d| d.get(name));
        let title = def
            .and_then(|d| d.get("title"))
            .and_then(|t| t.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| words(name));
        let desc = def
            .and_then(|d| d.get("description"))
            .and_then(|d| d.as_str())
            .map(str::to_owned);
        (title, desc)
    };
    if let Some(r) = prop.get("$ref").and_then(|r| r.as_str()) {
        return resolve(r);
    }
    // A schema written for a parameter names its type itself.
    if let Some(title) = prop.get("title").and_then(|t| t.as_str()) {
        return (title.to_owned(), None);
    }
    // Option<T> is `anyOf: [T, null]` (or `type: [t, "null"]`).
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = prop.get(key).and_then(|a| a.as_array()) {
            let non_null: Vec<&serde_json::Value> = alts
                .iter()
                .filter(|a| a.get("type").and_then(|t| t.as_str()) != Some("null"))
                .collect();
            if let [one] = non_null[..] {
                return describe_type(one, defs);
            }
        }
    }
    let ty = match prop.get("type") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .filter(|s| *s != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "value".to_owned(),
    };
    let ty = match ty.as_str() {
        "object" => {
            // Keys of a validated type (a tag key) come as `patternProperties`.
            let values = prop
                .get("additionalProperties")
                .filter(|a| a.is_object())
                .or_else(|| {
                    prop.get("patternProperties")
                        .and_then(|p| p.as_object())
                        .and_then(|p| p.values().next())
                });
            let inner = values
                .map(|a| describe_type(a, defs).0)
                .unwrap_or_else(|| "value".to_owned());
            format!("map of {inner}")
        }
        "array" => {
            let inner = prop
                .get("items")
                .map(|a| describe_type(a, defs).0)
                .unwrap_or_else(|| "value".to_owned());
            format!("list of {inner}")
        }
        _ => ty,
    };
    (ty, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{AccountId, ArchiveId, Scope, example};
    use serde::Deserialize;

    /// A provider that is never registered: the shape of a real one, for the schema helpers.
    struct Sample;

    /// Parameters of the sample.
    #[derive(Serialize, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    struct SampleParams {
        /// The account that owns everything. A long doc comment wraps
        /// onto a second line.
        account_id: AccountId,
        /// The archive, or `*`.
        archive_id: Scope<ArchiveId>,
        /// Whether to be loud.
        #[serde(default)]
        loud: bool,
    }

    impl Provider for Sample {
        type Params = SampleParams;
        const ID: &'static str = "sample.policy";
        const FEATURE: &'static str = "sample";
        const KIND: PolicyKind = PolicyKind::Identity;
        const TITLE: &'static str = "A sample";
        const DESCRIPTION: &'static str = "Nothing.";
        const SOURCE: &'static str = "None.";
        fn example() -> SampleParams {
            SampleParams {
                account_id: example::account_id(),
                archive_id: Scope::All,
                loud: false,
            }
        }
        fn render(_: &SampleParams) -> Result<PolicyDocument, InvalidValue> {
            Ok(PolicyDocument::new(Vec::new()))
        }
    }

    #[test]
    fn param_docs_split_the_field_doc_from_the_type_rule() {
        let docs = param_docs(&Sample);
        let names: Vec<&str> = docs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["account_id", "archive_id", "loud"]);
        let account = &docs[0];
        assert_eq!(account.type_name, "account id: 12 digits");
        assert!(account.required);
        assert_eq!(
            account.doc,
            "The account that owns everything. A long doc comment wraps onto a second line."
        );
        assert_eq!(
            account.rule.as_deref(),
            Some(
                "An AWS account id: exactly 12 digits (write it as a string to keep leading zeros)."
            )
        );
        assert_eq!(
            account.description,
            format!("{} {}", account.doc, account.rule.as_deref().unwrap())
        );
        assert_eq!(docs[1].type_name, "archive id or `*`");
        assert!(
            docs[1]
                .rule
                .as_deref()
                .unwrap()
                .contains("`a-` followed by")
        );
        let loud = &docs[2];
        assert!(!loud.required);
        assert_eq!(loud.default.as_deref(), Some("false"));
        assert_eq!(loud.rule, None);
    }

    #[test]
    fn the_published_schema_has_an_id_a_title_the_example_and_one_line_descriptions() {
        let s = published_schema(&Sample);
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(&keys[..4], ["$schema", "$id", "title", "description"]);
        assert_eq!(keys.last(), Some(&"examples"));
        assert_eq!(s["$id"], "urn:mmpolicy:schema:sample.policy");
        assert_eq!(s["title"], "Parameters of sample.policy: A sample");
        assert_eq!(s["additionalProperties"], false);
        assert_eq!(
            s["examples"],
            serde_json::json!([{"account_id": "111122223333", "archive_id": "*", "loud": false}])
        );
        assert_eq!(
            s["properties"]["account_id"]["description"],
            "The account that owns everything. A long doc comment wraps onto a second line."
        );
    }

    #[test]
    fn joining_description_lines_leaves_values_alone() {
        let mut v = serde_json::json!({
            "description": "a\nb\n\nc",
            "properties": {"description": {"description": "x\n y"}},
            "examples": [{"description": "keep\nme"}],
        });
        join_description_lines(&mut v);
        assert_eq!(v["description"], "a b\n\nc");
        assert_eq!(v["properties"]["description"]["description"], "x y");
        assert_eq!(v["examples"][0]["description"], "keep\nme");
    }
}
