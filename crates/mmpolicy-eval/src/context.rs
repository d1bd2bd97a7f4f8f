//! The request context: condition keys and their typed values, single- or multi-valued.
//!
//! AWS, "IAM JSON policy elements: Condition": context key names are not case-sensitive
//! (`aws:SourceIP` is `AWS:SourceIp`); the case-sensitivity of values depends on the operator.

use std::collections::BTreeMap;
use std::fmt;

use mmpolicy_catalog::{BaseType, Catalog, KeyType};

use crate::EvalError;
use crate::values::{self, Cidr};

/// The type of a context value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum ValueType {
    /// Any text.
    String,
    /// `true` or `false`.
    Bool,
    /// A number.
    Number,
    /// A date (ISO 8601 or epoch seconds).
    Date,
    /// An IP address (v4 or v6).
    Ip,
    /// An ARN.
    Arn,
    /// Base64 binary.
    Binary,
}

impl ValueType {
    /// The type of a catalog key's values.
    pub fn of(base: BaseType) -> ValueType {
        match base {
            BaseType::String => ValueType::String,
            BaseType::Arn => ValueType::Arn,
            BaseType::Bool => ValueType::Bool,
            BaseType::Numeric => ValueType::Number,
            BaseType::Date => ValueType::Date,
            BaseType::IpAddress => ValueType::Ip,
            BaseType::Binary => ValueType::Binary,
        }
    }
}

/// One typed value of a context key; its text is checked against its type when made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextValue {
    ty: ValueType,
    text: String,
}

impl ContextValue {
    /// A string.
    pub fn string(text: impl Into<String>) -> Self {
        ContextValue {
            ty: ValueType::String,
            text: text.into(),
        }
    }

    /// A boolean.
    pub fn bool(value: bool) -> Self {
        ContextValue {
            ty: ValueType::Bool,
            text: value.to_string(),
        }
    }

    /// A number.
    pub fn number(value: f64) -> Self {
        ContextValue {
            ty: ValueType::Number,
            text: value.to_string(),
        }
    }

    /// Reads `text` as a value of type `ty`: a date in ISO 8601 or epoch seconds, an IP
    /// address, an ARN (`arn:` and six parts), `true`/`false`, a number; strings and binary
    /// take any text.
    pub fn parse(ty: ValueType, text: &str) -> Result<Self, EvalError> {
        let ok = match ty {
            ValueType::String | ValueType::Binary => true,
            ValueType::Bool => values::boolean(text).is_some(),
            ValueType::Number => values::number(text).is_some(),
            ValueType::Date => values::date(text).is_some(),
            ValueType::Ip => Cidr::parse(text).is_some(),
            ValueType::Arn => text.starts_with("arn:") && text.splitn(6, ':').count() == 6,
        };
        if !ok {
            return Err(EvalError::InvalidContext {
                entry: text.to_owned(),
                reason: format!("expected {}", expected(ty)),
            });
        }
        Ok(ContextValue {
            ty,
            text: text.to_owned(),
        })
    }

    /// The value's type.
    pub fn value_type(&self) -> ValueType {
        self.ty
    }

    /// The value as text (`true`, `42`, `2025-01-31T00:00:00Z`, `10.0.0.1`, ...).
    pub fn text(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for ContextValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// What a value of type `ty` must look like, for messages.
pub(crate) fn expected(ty: ValueType) -> &'static str {
    match ty {
        ValueType::String => "a string",
        ValueType::Bool => "`true` or `false`",
        ValueType::Number => "a number",
        ValueType::Date => "a date in ISO 8601 (`2025-01-31T12:00:00Z`) or epoch seconds",
        ValueType::Ip => "an IP address or CIDR range (`203.0.113.0/24`)",
        ValueType::Arn => "an ARN (`arn:aws:service:region:account:resource`)",
        ValueType::Binary => "base64 text",
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Entry {
    key: String,
    values: Vec<ContextValue>,
}

/// The condition keys of a request and their values. Keys are compared ignoring ASCII case;
/// a key holds one value, or a list (a multi-valued key such as `aws:TagKeys`, possibly
/// empty).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Context {
    entries: BTreeMap<String, Entry>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Self {
        Context::default()
    }

    /// Sets `key` to one value, replacing what it had.
    pub fn insert(&mut self, key: impl Into<String>, value: ContextValue) {
        self.insert_list(key, vec![value]);
    }

    /// Sets `key` to a list of values (a multi-valued key; the list may be empty).
    pub fn insert_list(&mut self, key: impl Into<String>, values: Vec<ContextValue>) {
        let key = key.into();
        self.entries
            .insert(key.to_ascii_lowercase(), Entry { key, values });
    }

    /// `self` with `key` set to one value.
    pub fn with(mut self, key: impl Into<String>, value: ContextValue) -> Self {
        self.insert(key, value);
        self
    }

    /// `self` with `key` set to a string.
    pub fn with_str(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.with(key, ContextValue::string(value))
    }

    /// The values of `key` (case ignored), if the request has it.
    pub fn get(&self, key: &str) -> Option<&[ContextValue]> {
        self.entries
            .get(&key.to_ascii_lowercase())
            .map(|e| e.values.as_slice())
    }

    /// The keys as they were given, in order of their lowercase form.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.values().map(|e| e.key.as_str())
    }

    /// Reads `KEY=VALUE` (as a command line gives it) into the context. The value's type is
    /// the key's type in `catalog` (global `aws:` keys, then the service's keys; templates
    /// such as `aws:PrincipalTag/${TagKey}` expanded), `String` for keys it does not know.
    /// A multi-valued key (`ArrayOf...`) takes a comma-separated list; an empty value is the
    /// empty list.
    pub fn insert_entry(&mut self, entry: &str, catalog: &Catalog) -> Result<(), EvalError> {
        let Some((key, value)) = entry.split_once('=') else {
            return Err(EvalError::InvalidContext {
                entry: entry.to_owned(),
                reason: "expected `KEY=VALUE`, such as `aws:SourceAccount=111122223333`".into(),
            });
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(EvalError::InvalidContext {
                entry: entry.to_owned(),
                reason: "the key is empty: expected `KEY=VALUE`".into(),
            });
        }
        let key_type = key_type(key, catalog);
        let ty = key_type.map_or(ValueType::String, |t| ValueType::of(t.base));
        let parse = |text: &str| {
            ContextValue::parse(ty, text).map_err(|_| EvalError::InvalidContext {
                entry: entry.to_owned(),
                reason: format!(
                    "`{key}` is of type `{}`, and `{text}` is not {}",
                    key_type.map_or("String", KeyType::name),
                    expected(ty)
                ),
            })
        };
        if key_type.is_some_and(|t| t.multi_valued) {
            let values = if value.is_empty() {
                Vec::new()
            } else {
                value.split(',').map(parse).collect::<Result<_, _>>()?
            };
            self.insert_list(key, values);
        } else {
            self.insert(key, parse(value)?);
        }
        Ok(())
    }
}

/// The type `catalog` gives `key`: a global key, else a key of the service named by its prefix.
pub fn key_type(key: &str, catalog: &Catalog) -> Option<KeyType> {
    if let Some(k) = catalog.global_key(key) {
        return Some(k.key_type());
    }
    let (prefix, _) = key.split_once(':')?;
    let service = catalog.service(&prefix.to_ascii_lowercase())?;
    service.condition_key(key).map(|k| k.key_type())
}
