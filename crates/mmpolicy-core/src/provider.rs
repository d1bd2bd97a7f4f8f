//! The [`PolicyProvider`] trait: one policy that Mail Manager needs, described and rendered.
//!
//! A feature crate writes a unit struct implementing [`Provider`] (typed parameters, constants
//! for its metadata, a `render` function) and registers it with
//! [`register_provider!`](crate::register_provider). The blanket implementation of
//! [`PolicyProvider`] turns it into the object-safe form the registry, the CLI and the
//! generators use.

use crate::error::{ParamError, ParamsError, RenderError};
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
    type Err = ParamError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ParamError::new(
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
    fn render(params: &Self::Params) -> Result<PolicyDocument, ParamError>;
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
        schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<P::Params>()
    }
    fn example_params(&self) -> serde_json::Value {
        serde_json::to_value(P::example()).unwrap_or(serde_json::Value::Null)
    }
    fn render_value(&self, params: &serde_json::Value) -> Result<PolicyDocument, RenderError> {
        let params: P::Params =
            serde_path_to_error::deserialize(params).map_err(ParamsError::from_json)?;
        Ok(P::render(&params)?)
    }
    fn render_str(&self, params: &str) -> Result<PolicyDocument, RenderError> {
        let mut de = serde_json::Deserializer::from_str(params);
        let parsed: P::Params =
            serde_path_to_error::deserialize(&mut de).map_err(ParamsError::from_json)?;
        de.end()
            .map_err(|e| ParamsError::from_parts(String::new(), e.to_string(), Some(e.line())))?;
        Ok(P::render(&parsed)?)
    }
    fn render_compact_into(&self, params: &str, out: &mut Vec<u8>) -> Result<(), RenderError> {
        // The same `P::Params` deserialisation as `render_str`, without the path tracking that
        // only an error needs; a failure is read again through `render_str`, so the message,
        // field and line are exactly the ones `render` gives.
        let document = match serde_json::from_str::<P::Params>(params) {
            Ok(parsed) => P::render(&parsed)?,
            Err(_) => self.render_str(params)?,
        };
        document.write_compact_json(out);
        Ok(())
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
    /// The type as users know it (`AccountId`, `string`, `boolean`, `map of string lists`).
    pub type_name: String,
    /// Whether the field must be given.
    pub required: bool,
    /// The default, as JSON, when there is one.
    pub default: Option<String>,
    /// The field's description, then the type's rule.
    pub description: String,
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
            let own = prop
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or_default();
            let description = match type_desc {
                Some(td) if !own.contains(&td) => format!("{own} {td}").trim().to_owned(),
                _ => own.to_owned(),
            };
            ParamDoc {
                name: name.clone(),
                type_name,
                required: required.contains(&name.as_str()),
                default: prop.get("default").map(|d| d.to_string()),
                description,
            }
        })
        .collect()
}

/// A readable type name, and the type's own description, for one property schema.
fn describe_type(
    prop: &serde_json::Value,
    defs: Option<&serde_json::Value>,
) -> (String, Option<String>) {
    let resolve = |r: &str| {
        let name = r.rsplit('/').next().unwrap_or(r).to_owned();
        let desc = defs
            .and_then(|d| d.get(&name))
            .and_then(|d| d.get("description"))
            .and_then(|d| d.as_str())
            .map(str::to_owned);
        (name, desc)
    };
    if let Some(r) = prop.get("$ref").and_then(|r| r.as_str()) {
        return resolve(r);
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
            let inner = prop
                .get("additionalProperties")
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
