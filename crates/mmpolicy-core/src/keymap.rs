//! [`KeyMap`], the map of a `Condition` block.

use crate::text::Text;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;

/// A map from [`Text`] keys that keeps insertion order, kept as a list of pairs.
///
/// A `Condition` block holds a handful of operators, each a handful of keys: a list searched
/// from the start is faster to build, read and drop than a hash table, and costs one
/// allocation instead of two. Inserting a key already present replaces its value in place,
/// and reading a JSON object with a key twice keeps the last value, as `serde_json` does.
///
/// Two maps are equal when they hold the same keys with equal values, in any order.
#[derive(Clone)]
pub struct KeyMap<V> {
    entries: Vec<(Text, V)>,
}

impl<V> KeyMap<V> {
    /// An empty map.
    pub const fn new() -> Self {
        KeyMap {
            entries: Vec::new(),
        }
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the map holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// The value of `key`, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries
            .iter_mut()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// True when the map holds `key`.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets the value of `key`: in place when the key is present (returning the old value),
    /// else at the end.
    pub fn insert(&mut self, key: impl Into<Text>, value: V) -> Option<V> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(std::mem::replace(slot, value)),
            None => {
                self.entries.push((key, value));
                None
            }
        }
    }

    /// The value of `key`, inserted at the end as `V::default()` when absent.
    pub fn get_or_insert_default(&mut self, key: impl Into<Text>) -> &mut V
    where
        V: Default,
    {
        let key = key.into();
        let index = match self.entries.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                self.entries.push((key, V::default()));
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    /// The keys and values, in insertion order.
    pub fn iter(&self) -> Iter<'_, V> {
        self.entries.iter().map(pair)
    }

    /// The keys, in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &Text> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values, in insertion order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// The iterator of [`KeyMap::iter`].
pub type Iter<'a, V> =
    std::iter::Map<std::slice::Iter<'a, (Text, V)>, fn(&'a (Text, V)) -> (&'a Text, &'a V)>;

fn pair<V>((k, v): &(Text, V)) -> (&Text, &V) {
    (k, v)
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap::new()
    }
}

impl<'a, V> IntoIterator for &'a KeyMap<V> {
    type Item = (&'a Text, &'a V);
    type IntoIter = Iter<'a, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<V> IntoIterator for KeyMap<V> {
    type Item = (Text, V);
    type IntoIter = std::vec::IntoIter<(Text, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<Text>, V> FromIterator<(K, V)> for KeyMap<V> {
    /// Later values of a repeated key replace earlier ones, as with [`insert`](KeyMap::insert).
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut map = KeyMap::new();
        for (k, v) in pairs {
            map.insert(k, v);
        }
        map
    }
}

impl<V: PartialEq> PartialEq for KeyMap<V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .entries
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|w| v == w))
    }
}

impl<V: Eq> Eq for KeyMap<V> {}

impl<V: fmt::Debug> fmt::Debug for KeyMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize> Serialize for KeyMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for KeyMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = KeyMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<KeyMap<V>, A::Error> {
                let mut map = KeyMap {
                    entries: Vec::with_capacity(access.size_hint().unwrap_or(0).min(16)),
                };
                while let Some((k, v)) = access.next_entry::<Text, V>()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_replaces_in_place() {
        let mut m = KeyMap::new();
        assert_eq!(m.insert("b", 1), None);
        assert_eq!(m.insert("a", 2), None);
        assert_eq!(m.insert(String::from("b"), 3), Some(1));
        assert_eq!(m.keys().map(Text::as_str).collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(m.get("b"), Some(&3));
        assert_eq!(m.get("c"), None);
        *m.get_or_insert_default("c") += 5;
        *m.get_or_insert_default("a") += 5;
        assert_eq!(
            m.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(),
            [("b", 3), ("a", 7), ("c", 5)]
        );
        assert_eq!(m.len(), 3);
        assert!(m.contains_key("c") && !m.contains_key("d"));
    }

    #[test]
    fn equality_ignores_order_but_not_values() {
        let a: KeyMap<u8> = [("x", 1), ("y", 2)].into_iter().collect();
        let b: KeyMap<u8> = [("y", 2), ("x", 1)].into_iter().collect();
        let c: KeyMap<u8> = [("y", 2), ("x", 9)].into_iter().collect();
        let d: KeyMap<u8> = [("x", 1)].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
        assert_ne!(d, a);
    }

    #[test]
    fn json_round_trip_keeps_order_and_the_last_repeated_key() {
        let m: KeyMap<u8> = serde_json::from_str(r#"{"z": 1, "a": 2, "z": 3}"#).unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"z":3,"a":2}"#);
        assert!(serde_json::from_str::<KeyMap<u8>>("[1]").is_err());
        assert_eq!(format!("{m:?}"), r#"{"z": 3, "a": 2}"#);
    }
}
