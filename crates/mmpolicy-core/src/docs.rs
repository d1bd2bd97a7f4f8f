//! What the CLI (`describe`, `schema`) and the generators (the reference, the published
//! schemas) read off a provider: its parameters in a user's words ([`param_docs`]), and its
//! published parameter schema ([`published_schema`], [`schema_id`]).

use crate::provider::PolicyProvider;
use serde::Serialize;

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
    use crate::error::InvalidValue;
    use crate::model::PolicyDocument;
    use crate::provider::{PolicyKind, Provider};
    use crate::types::{AccountId, ArchiveId, Scope, example};
    use schemars::JsonSchema;
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
        fn required_requests(
            _: &SampleParams,
        ) -> Result<Vec<crate::ExpectedRequest>, InvalidValue> {
            Ok(Vec::new())
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
