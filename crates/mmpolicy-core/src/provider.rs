//! The [`PolicyProvider`] trait: one policy that Mail Manager needs, described and rendered.
//! What the CLI and the generators read off a provider's schema is in [`docs`](crate::docs).
//!
//! A feature crate writes a unit struct implementing [`Provider`] (typed parameters, constants
//! for its metadata, a `render` function) and registers it with
//! [`register_provider!`](crate::register_provider). The blanket implementation of
//! [`PolicyProvider`] turns it into the object-safe form the registry, the CLI and the
//! generators use.

use crate::error::{InvalidParams, InvalidValue, Noun, RenderError};
use crate::model::{PolicyDocument, Shape};
use crate::requests::ExpectedRequest;
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

/// The size of a policy document against AWS's limit for its kind: identity policies 6,144
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

impl PolicyKind {
    /// The size of `text`, a document of this kind, measured the way AWS measures the kind,
    /// with AWS's limit.
    pub fn measure(self, text: &str) -> PolicySize {
        let non_white = || text.chars().filter(|c| !c.is_whitespace()).count();
        let (size, limit, unit) = match self {
            PolicyKind::Identity => (non_white(), 6_144, "characters without white space"),
            PolicyKind::Trust => (non_white(), 2_048, "characters without white space"),
            PolicyKind::Key => (text.len(), 32_768, "bytes"),
            PolicyKind::Bucket => (text.len(), 20_480, "bytes"),
            PolicyKind::Secret => (text.chars().count(), 20_480, "characters"),
        };
        PolicySize { size, limit, unit }
    }

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

    /// How mmpolicy writes a policy of this kind by default: the statements to merge for key,
    /// secret and bucket policies, whose resources others use too (a whole document would
    /// replace every other grant on them, and a key policy without its administrator
    /// statement locks the account out of the key); a whole document for the identity and
    /// trust policies of the roles a deployment names.
    pub fn shape(self) -> Shape {
        match self {
            PolicyKind::Identity | PolicyKind::Trust => Shape::Document,
            PolicyKind::Key | PolicyKind::Secret | PolicyKind::Bucket => Shape::Statements,
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

    /// The whole document to give a resource that has no policy of this kind yet (`render
    /// --whole-document`). The default is [`render`](Self::render)'s document; a key-policy
    /// provider puts AWS's default administrator statement first
    /// ([`key_administrator_statement`](crate::arns::key_administrator_statement)), so that
    /// the account keeps the key.
    fn whole_document(params: &Self::Params) -> Result<PolicyDocument, InvalidValue> {
        Self::render(params)
    }

    /// The requests made with the policy for `params`, built from the same parameters as
    /// [`render`](Self::render): every request Mail Manager (or the people the policy names)
    /// makes with it, expected allowed, then near misses (another account, another resource,
    /// another action) expected denied. Fails exactly when `render` fails.
    fn required_requests(params: &Self::Params) -> Result<Vec<ExpectedRequest>, InvalidValue>;
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
    /// does (same types, same errors), and appends the policy as compact JSON in its kind's
    /// [`Shape`] (the text of [`PolicyDocument::to_compact_json_as`]) to `out`. The bulk path's hot loop: it reuses the
    /// caller's buffer and skips the error-path bookkeeping until a parameter set fails. On
    /// error, `out` is left as it was.
    fn render_compact_into(&self, params: &str, out: &mut Vec<u8>) -> Result<(), RenderError>;
    /// Reads parameters from a JSON value and renders the whole document for a resource with
    /// no policy of this kind yet ([`Provider::whole_document`]).
    fn render_whole_document(
        &self,
        params: &serde_json::Value,
    ) -> Result<PolicyDocument, RenderError>;
    /// Reads parameters from a JSON value, as [`render_value`](Self::render_value) does, and
    /// returns the requests made with the policy and its near misses
    /// ([`Provider::required_requests`]).
    fn required_requests_value(
        &self,
        params: &serde_json::Value,
    ) -> Result<Vec<ExpectedRequest>, RenderError>;
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
        let params = read_value::<P>(params)?;
        Ok(P::render(&params)?)
    }
    fn render_whole_document(
        &self,
        params: &serde_json::Value,
    ) -> Result<PolicyDocument, RenderError> {
        let params = read_value::<P>(params)?;
        Ok(P::whole_document(&params)?)
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
        document.write_compact_json_as(P::KIND.shape(), out);
        Ok(())
    }
    fn required_requests_value(
        &self,
        params: &serde_json::Value,
    ) -> Result<Vec<ExpectedRequest>, RenderError> {
        let params = read_value::<P>(params)?;
        Ok(P::required_requests(&params)?)
    }
}

/// Reads `P`'s parameters from a JSON value.
fn read_value<P: Provider>(params: &serde_json::Value) -> Result<P::Params, InvalidParams> {
    if !params.is_object() {
        return Err(not_an_object(json_kind(params)));
    }
    serde_path_to_error::deserialize(params)
        .map_err(|e| InvalidParams::from_json(e).for_provider(P::ID))
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
