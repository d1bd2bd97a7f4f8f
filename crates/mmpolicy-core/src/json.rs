//! Reading JSON input into a [`serde_json::Value`] as mmpolicy reads every input: a key given
//! twice in one object is refused (`serde_json::Value` would keep the last one silently), and a
//! leading byte order mark is skipped.

use crate::error::quote_value;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::fmt;

/// Parses JSON text into a value, refusing an object that gives a key twice
/// (``duplicate key `team`: give it once``). The error carries serde_json's line and column.
pub fn from_str(text: &str) -> Result<Value, serde_json::Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut de = serde_json::Deserializer::from_str(text);
    let value = UniqueValue.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// A JSON value whose objects give each key once.
#[derive(Debug, Clone, Copy, Default)]
pub struct UniqueValue;

impl<'de> DeserializeSeed<'de> for UniqueValue {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for UniqueValue {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(UniqueValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate key `{}`: give it once",
                    quote_value(&key)
                )));
            }
            let value = map.next_value_seed(UniqueValue)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_given_twice_is_refused_at_any_depth() {
        assert_eq!(
            from_str(r#"{"a": {"b": [1, {"c": null}]}, "d": 1.5}"#).unwrap(),
            serde_json::json!({"a": {"b": [1, {"c": null}]}, "d": 1.5})
        );
        for dup in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"x": {"team": ["a"], "team": ["b"]}}"#,
            r#"[{"k": 1, "k": 1}]"#,
        ] {
            let e = from_str(dup).unwrap_err().to_string();
            assert!(e.starts_with("duplicate key `"), "{dup}: {e}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(
            from_str("\u{feff}{\"a\": 1}").unwrap(),
            serde_json::json!({"a": 1})
        );
    }
}
