//! The `deserialize_with` helpers of optional parameters: a parameter that may be left out
//! must still not be given as `null`, and a map must not give a key twice.
//!
//! ```text
//! #[serde(default, deserialize_with = "mmpolicy_core::types::optional")]
//! pub partition: Option<Partition>,
//! ```

use crate::error::NULL_REFUSED;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

/// An optional parameter: `Some` when given, an error when given as `null` (leaving the
/// parameter out is the only way to leave it unset). Use with `#[serde(default)]`.
pub fn optional<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(E::custom(format!(
                "{NULL_REFUSED}; give a value, or leave the parameter out"
            )))
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.visit_none()
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            T::deserialize(d).map(Some)
        }
    }
    d.deserialize_option(V(PhantomData))
}

/// An optional map parameter ([`optional`]) whose keys must each be given once: a key given
/// twice is refused instead of the last one silently winning.
pub fn optional_unique_map<'de, D, K, V>(d: D) -> Result<Option<BTreeMap<K, V>>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + AsRef<str>,
    V: Deserialize<'de>,
{
    optional::<D, UniqueMap<K, V>>(d).map(|m| m.map(|m| m.0))
}

/// A map that refuses a key given twice.
struct UniqueMap<K, V>(BTreeMap<K, V>);

impl<'de, K, V> Deserialize<'de> for UniqueMap<K, V>
where
    K: Deserialize<'de> + Ord + AsRef<str>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<K, V>(PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for Vis<K, V>
        where
            K: Deserialize<'de> + Ord + AsRef<str>,
            V: Deserialize<'de>,
        {
            type Value = UniqueMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<K>()? {
                    if out.contains_key(&key) {
                        return Err(de::Error::custom(format!(
                            "duplicate key `{}`: give it once",
                            key.as_ref()
                        )));
                    }
                    let value = map.next_value::<V>()?;
                    out.insert(key, value);
                }
                Ok(UniqueMap(out))
            }
        }
        d.deserialize_map(Vis(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    struct P {
        #[serde(default, deserialize_with = "optional")]
        a: Option<String>,
        #[serde(default, deserialize_with = "optional_unique_map")]
        m: Option<BTreeMap<String, u8>>,
    }

    #[test]
    fn an_optional_parameter_may_be_left_out_but_not_null() {
        let p: P = serde_json::from_str("{}").unwrap();
        assert!(p.a.is_none() && p.m.is_none());
        let p: P = serde_json::from_str(r#"{"a": "x"}"#).unwrap();
        assert_eq!(p.a.as_deref(), Some("x"));
        for null in [r#"{"a": null}"#, r#"{"m": null}"#] {
            let e = serde_json::from_str::<P>(null).unwrap_err().to_string();
            assert!(e.starts_with("`null` is not allowed"), "{e}");
        }
    }

    #[test]
    fn a_map_key_given_twice_is_refused() {
        let p: P = serde_json::from_str(r#"{"m": {"x": 1, "y": 2}}"#).unwrap();
        assert_eq!(p.m.unwrap().len(), 2);
        let e = serde_json::from_str::<P>(r#"{"m": {"x": 1, "x": 2}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("duplicate key `x`: give it once"), "{e}");
    }
}
