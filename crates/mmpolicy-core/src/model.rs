//! The typed model of an IAM policy document.
//!
//! [`PolicyDocument`] serialises to the JSON AWS shows, with keys in AWS's order (`Version`, `Id`,
//! `Statement`; `Sid`, `Effect`, `Principal`, `Action`, `Resource`, `Condition`), and deserialises
//! any well-formed policy: `Statement` may be one object or a list, and `Action`, `Resource` and
//! condition values may be a string or a list. The shape read is the shape written, so a document
//! round-trips unchanged.
//!
//! The model is deliberately permissive about *grammar* (a statement without `Action` parses):
//! judging a document is the linter's job, reading it is the model's.

pub use crate::keymap::KeyMap;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use std::fmt;

pub use crate::text::Text;

/// A value that AWS accepts either alone or in a list (`"Resource": "arn:..."` or
/// `"Resource": ["arn:..."]`). The form read is kept, so it is also the form written.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    /// A single value, written without brackets.
    One(T),
    /// A list of values, written as a JSON array (even with one element).
    Many(Vec<T>),
    /// A list of exactly one value, written as a JSON array like `Many`, held without a list:
    /// the form of a document built of one statement ([`PolicyDocument::one`]). Reading never
    /// gives it (`[x]` reads as `Many`), and it is equal to `Many` of the same one value.
    #[serde(skip_deserializing, serialize_with = "list_of_one")]
    ListOfOne(T),
}

/// Writes one value as a list of one.
fn list_of_one<T: Serialize, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(std::slice::from_ref(value))
}

impl<T> OneOrMany<T> {
    /// The values as a slice, whatever the form.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(v) | OneOrMany::ListOfOne(v) => std::slice::from_ref(v),
            OneOrMany::Many(v) => v,
        }
    }

    /// True for the list forms, written with brackets even when they hold one value.
    pub fn is_list(&self) -> bool {
        !matches!(self, OneOrMany::One(_))
    }

    /// Iterates over the values.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    /// True when a list form holds no value.
    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl<T: PartialEq> PartialEq for OneOrMany<T> {
    /// Equal when both are written the same way: the same form (one value or a list) and the
    /// same values.
    fn eq(&self, other: &Self) -> bool {
        self.is_list() == other.is_list() && self.as_slice() == other.as_slice()
    }
}

impl<T: Eq> Eq for OneOrMany<T> {}

impl<T: std::hash::Hash> std::hash::Hash for OneOrMany<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.is_list().hash(state);
        self.as_slice().hash(state);
    }
}

impl<T> From<Vec<T>> for OneOrMany<T> {
    /// One value becomes [`OneOrMany::One`], any other count a list.
    fn from(mut values: Vec<T>) -> Self {
        if values.len() == 1 {
            if let Some(v) = values.pop() {
                return OneOrMany::One(v);
            }
        }
        OneOrMany::Many(values)
    }
}

impl<T> FromIterator<T> for OneOrMany<T> {
    /// One value becomes [`OneOrMany::One`] (without allocating a list), any other count a list,
    /// as with `From<Vec<T>>`.
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        let mut values = values.into_iter();
        let Some(first) = values.next() else {
            return OneOrMany::Many(Vec::new());
        };
        let Some(second) = values.next() else {
            return OneOrMany::One(first);
        };
        let mut list = Vec::with_capacity(values.size_hint().0.saturating_add(2));
        list.push(first);
        list.push(second);
        list.extend(values);
        OneOrMany::Many(list)
    }
}

impl<'a, T> IntoIterator for &'a OneOrMany<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The actions of a statement (`Action` or `NotAction`): one action, written as a string, or a
/// list. A list fixed by the code (a provider's `&["ses:GetArchive", ...]`) is kept as the
/// static slice it is, so building a statement copies and allocates nothing for its actions;
/// every form reads, compares and writes as the same JSON.
#[derive(Debug, Clone)]
pub enum Actions {
    /// One action, written without brackets.
    One(Text),
    /// A list built at run time or read from a document, written as a JSON array.
    Many(Vec<Text>),
    /// A list fixed by the code, written as a JSON array (never produced by reading).
    Fixed(&'static [&'static str]),
}

impl Actions {
    /// The actions, in order.
    pub fn iter(&self) -> ActionsIter<'_> {
        match self {
            Actions::One(one) => ActionsIter::Texts(std::slice::from_ref(one).iter()),
            Actions::Many(many) => ActionsIter::Texts(many.iter()),
            Actions::Fixed(fixed) => ActionsIter::Fixed(fixed.iter()),
        }
    }

    /// True for the list forms, written with brackets even when they hold one action.
    pub fn is_list(&self) -> bool {
        !matches!(self, Actions::One(_))
    }

    /// The number of actions.
    pub fn len(&self) -> usize {
        match self {
            Actions::One(_) => 1,
            Actions::Many(many) => many.len(),
            Actions::Fixed(fixed) => fixed.len(),
        }
    }

    /// True when a list holds no action.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The iterator of [`Actions::iter`].
#[derive(Debug, Clone)]
pub enum ActionsIter<'a> {
    /// Over actions held as texts.
    Texts(std::slice::Iter<'a, Text>),
    /// Over a list fixed by the code.
    Fixed(std::slice::Iter<'static, &'static str>),
}

impl<'a> Iterator for ActionsIter<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        match self {
            ActionsIter::Texts(it) => it.next().map(Text::as_str),
            ActionsIter::Fixed(it) => it.next().copied(),
        }
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            ActionsIter::Texts(it) => it.size_hint(),
            ActionsIter::Fixed(it) => it.size_hint(),
        }
    }
}

impl<'a> IntoIterator for &'a Actions {
    type Item = &'a str;
    type IntoIter = ActionsIter<'a>;
    fn into_iter(self) -> ActionsIter<'a> {
        self.iter()
    }
}

impl PartialEq for Actions {
    /// Equal when both are written the same way: the same form (one action or a list) and the
    /// same actions.
    fn eq(&self, other: &Self) -> bool {
        self.is_list() == other.is_list() && self.iter().eq(other.iter())
    }
}

impl Eq for Actions {}

impl std::hash::Hash for Actions {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.is_list().hash(state);
        for action in self.iter() {
            action.hash(state);
        }
    }
}

impl<const N: usize> From<&'static [&'static str; N]> for Actions {
    /// A constant list: kept as it is (one action is written as a string).
    fn from(actions: &'static [&'static str; N]) -> Self {
        Actions::from(&actions[..])
    }
}

impl From<&'static [&'static str]> for Actions {
    /// A constant list: kept as it is (one action is written as a string).
    fn from(actions: &'static [&'static str]) -> Self {
        match actions {
            [one] => Actions::One(Text::from(*one)),
            _ => Actions::Fixed(actions),
        }
    }
}

impl<const N: usize> From<[Text; N]> for Actions {
    /// Actions built at run time: one is written as a string, several as a list.
    fn from(actions: [Text; N]) -> Self {
        Actions::from_iter(actions)
    }
}

impl<const N: usize> From<[String; N]> for Actions {
    /// Actions built at run time: one is written as a string, several as a list.
    fn from(actions: [String; N]) -> Self {
        Actions::from_iter(actions)
    }
}

impl<S: Into<Text>> From<Vec<S>> for Actions {
    /// One action is written as a string, any other count as a list.
    fn from(actions: Vec<S>) -> Self {
        Actions::from_iter(actions)
    }
}

impl<S: Into<Text>> FromIterator<S> for Actions {
    /// One action is written as a string, any other count as a list.
    fn from_iter<I: IntoIterator<Item = S>>(actions: I) -> Self {
        Actions::from(
            actions
                .into_iter()
                .map(Into::into)
                .collect::<OneOrMany<Text>>(),
        )
    }
}

impl From<OneOrMany<Text>> for Actions {
    /// The same actions in the same form: one is written as a string, a list as a list.
    fn from(actions: OneOrMany<Text>) -> Self {
        match actions {
            OneOrMany::One(one) => Actions::One(one),
            OneOrMany::Many(many) => Actions::Many(many),
            OneOrMany::ListOfOne(one) => Actions::Many(vec![one]),
        }
    }
}

impl Serialize for Actions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Actions::One(one) => one.serialize(serializer),
            _ => serializer.collect_seq(self.iter()),
        }
    }
}

impl<'de> Deserialize<'de> for Actions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        OneOrMany::<Text>::deserialize(deserializer).map(Actions::from)
    }
}

/// The policy language version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Version {
    /// `2012-10-17`, the current version; every document mmpolicy renders uses it.
    #[default]
    #[serde(rename = "2012-10-17")]
    V2012_10_17,
    /// `2008-10-17`, the old version (no policy variables).
    #[serde(rename = "2008-10-17")]
    V2008_10_17,
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// How a policy is written out: whole, or as the statements to merge into the resource's
/// existing policy. [`PolicyKind::shape`](crate::PolicyKind::shape) gives each kind's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    /// A whole document, `{"Version": "2012-10-17", "Statement": [...]}`: applying it
    /// replaces the resource's policy.
    Document,
    /// The list of statements, `[{"Sid": ...}, ...]`, to merge into the resource's existing
    /// policy by `Sid` (`mmpolicy merge`): every other grant on the resource stays.
    Statements,
}

/// An IAM policy document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// `Version`; absent in a few old documents, always `2012-10-17` in mmpolicy's output.
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<Version>,
    /// `Id`, an optional identifier some services (SNS, SQS, Secrets Manager) show.
    #[serde(rename = "Id", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Statement`: one statement object or a list of them.
    #[serde(rename = "Statement")]
    pub statement: OneOrMany<Statement>,
}

impl Default for OneOrMany<Statement> {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl PolicyDocument {
    /// A `2012-10-17` document holding `statements` as a list.
    pub fn new(statements: Vec<Statement>) -> Self {
        PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::Many(statements),
        }
    }

    /// A `2012-10-17` document of one statement, written as a list of one like
    /// [`new`](Self::new) writes it, but built without allocating the list.
    pub fn one(statement: Statement) -> Self {
        PolicyDocument {
            version: Some(Version::V2012_10_17),
            id: None,
            statement: OneOrMany::ListOfOne(statement),
        }
    }

    /// The statements, whatever the form they were written in.
    pub fn statements(&self) -> &[Statement] {
        self.statement.as_slice()
    }

    /// Pretty JSON with two-space indentation and a final newline, as mmpolicy prints it.
    pub fn to_pretty_json(&self) -> String {
        // Serialising this model cannot fail: every map key is a string.
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Compact one-line JSON without a final newline.
    pub fn to_compact_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Pretty JSON in `shape`: the document, or the list of its statements.
    pub fn to_pretty_json_as(&self, shape: Shape) -> String {
        match shape {
            Shape::Document => self.to_pretty_json(),
            Shape::Statements => {
                let mut s = serde_json::to_string_pretty(self.statements()).unwrap_or_default();
                s.push('\n');
                s
            }
        }
    }

    /// Compact one-line JSON in `shape`, without a final newline.
    pub fn to_compact_json_as(&self, shape: Shape) -> String {
        match shape {
            Shape::Document => self.to_compact_json(),
            Shape::Statements => serde_json::to_string(self.statements()).unwrap_or_default(),
        }
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// `Sid`, an optional statement id.
    #[serde(rename = "Sid", default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<Text>,
    /// `Effect`.
    #[serde(rename = "Effect")]
    pub effect: Effect,
    /// `Principal`: who the statement applies to (resource, key and trust policies).
    #[serde(rename = "Principal", default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    /// `NotPrincipal`: everyone except these.
    #[serde(
        rename = "NotPrincipal",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_principal: Option<Principal>,
    /// `Action`.
    #[serde(rename = "Action", default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Actions>,
    /// `NotAction`.
    #[serde(rename = "NotAction", default, skip_serializing_if = "Option::is_none")]
    pub not_action: Option<Actions>,
    /// `Resource`.
    #[serde(rename = "Resource", default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<Text>>,
    /// `NotResource`.
    #[serde(
        rename = "NotResource",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub not_resource: Option<OneOrMany<Text>>,
    /// `Condition`: operator → key → values.
    #[serde(rename = "Condition", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// A `Condition` block: operator (`StringEquals`, `ArnLike`, ...) → condition key → values.
/// Insertion order is kept, so rendered documents read the way they were built.
pub type Condition = KeyMap<KeyMap<OneOrMany<ConditionValue>>>;

/// One value in a condition. AWS accepts strings, and booleans and numbers written bare.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ConditionValue {
    /// A string, the usual form.
    String(Text),
    /// A bare boolean (`"aws:SecureTransport": false`).
    Bool(bool),
    /// A bare number (`"s3:max-keys": 10`).
    Number(serde_json::Number),
}

impl From<&'static str> for ConditionValue {
    fn from(s: &'static str) -> Self {
        ConditionValue::String(Text::from_static(s))
    }
}

impl From<String> for ConditionValue {
    fn from(s: String) -> Self {
        ConditionValue::String(Text::from(s))
    }
}

impl From<&Text> for ConditionValue {
    fn from(s: &Text) -> Self {
        ConditionValue::String(s.clone())
    }
}

impl From<Text> for ConditionValue {
    fn from(s: Text) -> Self {
        ConditionValue::String(s)
    }
}

impl fmt::Display for ConditionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConditionValue::String(s) => f.write_str(s),
            ConditionValue::Bool(b) => write!(f, "{b}"),
            ConditionValue::Number(n) => write!(f, "{n}"),
        }
    }
}

/// A `Principal` (or `NotPrincipal`): everyone (`"*"`), or named principals by type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: anyone, authenticated or not.
    Any,
    /// `{"AWS": ..., "Service": ..., "Federated": ..., "CanonicalUser": ...}`; boxed, so a
    /// statement without a principal (most of them) stays small.
    Named(Box<PrincipalMap>),
}

impl Principal {
    /// `{"Service": "<service>"}`, the form AWS's examples use for one service.
    pub fn service(service: impl Into<Text>) -> Self {
        Principal::Named(Box::new(PrincipalMap {
            service: Some(OneOrMany::One(service.into())),
            ..PrincipalMap::default()
        }))
    }

    /// `{"AWS": "<arn>"}`.
    pub fn aws(arn: impl Into<Text>) -> Self {
        Principal::Named(Box::new(PrincipalMap {
            aws: Some(OneOrMany::One(arn.into())),
            ..PrincipalMap::default()
        }))
    }
}

/// The named principals of a [`Principal`], in AWS's key order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrincipalMap {
    /// `AWS`: accounts, users, roles, assumed-role sessions, or `"*"`.
    #[serde(rename = "AWS", default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<OneOrMany<Text>>,
    /// `Service`: service principals such as `ses.amazonaws.com`.
    #[serde(rename = "Service", default, skip_serializing_if = "Option::is_none")]
    pub service: Option<OneOrMany<Text>>,
    /// `Federated`: identity providers.
    #[serde(rename = "Federated", default, skip_serializing_if = "Option::is_none")]
    pub federated: Option<OneOrMany<Text>>,
    /// `CanonicalUser`: S3 canonical user ids.
    #[serde(
        rename = "CanonicalUser",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub canonical_user: Option<OneOrMany<Text>>,
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Principal::Any => serializer.serialize_str("*"),
            Principal::Named(map) => map.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Principal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PrincipalVisitor;
        impl<'de> Visitor<'de> for PrincipalVisitor {
            type Value = Principal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"*\" or an object with AWS, Service, Federated or CanonicalUser")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Principal, E> {
                if v == "*" {
                    Ok(Principal::Any)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Principal, A::Error> {
                let inner = PrincipalMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Principal::Named(Box::new(inner)))
            }
        }
        deserializer.deserialize_any(PrincipalVisitor)
    }
}

/// Builds statements the way providers write them: `Statement::allow().actions(&[...])...`.
///
/// The builders of a provider's chain are always inlined, so that the statement (over 200
/// bytes) is built in place rather than copied from one call to the next.
impl Statement {
    /// An empty `Allow` statement.
    #[inline(always)]
    pub fn allow() -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            not_principal: None,
            action: None,
            not_action: None,
            resource: None,
            not_resource: None,
            condition: None,
        }
    }

    /// Sets `Sid`.
    #[inline(always)]
    pub fn sid(mut self, sid: impl Into<Text>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Sets `Principal`.
    #[inline(always)]
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Sets `Action`: one action is written as a string, several as a list.
    ///
    /// A provider writes its actions as a constant array, `.actions(&["ses:GetArchive",
    /// "ses:DeleteArchive"])`, which the model keeps as it is, without copying or allocating;
    /// actions built at run time (an array of `String`s or [`Text`]s, or a `Vec`) are stored
    /// as a list.
    #[inline(always)]
    pub fn actions(mut self, actions: impl Into<Actions>) -> Self {
        self.action = Some(actions.into());
        self
    }

    /// Sets `Resource`: one resource is written as a string, several as a list.
    #[inline(always)]
    pub fn resources<I, S>(mut self, resources: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Text>,
    {
        self.resource = Some(resources.into_iter().map(Into::into).collect());
        self
    }

    /// Adds one condition `operator` → `key` → `values` (one value is written as a string).
    #[inline]
    pub fn condition<I, V>(
        mut self,
        operator: impl Into<Text>,
        key: impl Into<Text>,
        values: I,
    ) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<ConditionValue>,
    {
        let v: OneOrMany<ConditionValue> = values.into_iter().map(Into::into).collect();
        self.condition
            .get_or_insert_with(KeyMap::new)
            .get_or_insert_default(operator)
            .insert(key, v);
        self
    }

    /// Adds one condition whose values are always written as a list, as AWS's examples do for
    /// multi-valued keys such as `kms:ResourceAliases`.
    #[inline]
    pub fn condition_list<I, V>(
        mut self,
        operator: impl Into<Text>,
        key: impl Into<Text>,
        values: I,
    ) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<ConditionValue>,
    {
        let v: Vec<ConditionValue> = values.into_iter().map(Into::into).collect();
        self.condition
            .get_or_insert_with(KeyMap::new)
            .get_or_insert_default(operator)
            .insert(key, OneOrMany::Many(v));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(input: serde_json::Value) {
        let doc: PolicyDocument = serde_json::from_value(input.clone()).unwrap();
        let back = serde_json::to_value(&doc).unwrap();
        assert_eq!(back, input);
        let text = serde_json::to_string(&doc).unwrap();
        assert_eq!(serde_json::from_str::<PolicyDocument>(&text).unwrap(), doc);
    }

    #[test]
    fn single_statement_object_round_trips_as_object() {
        check(
            json!({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}}),
        );
    }

    #[test]
    fn a_document_built_of_one_statement_is_written_as_a_list_of_one() {
        let statement = || {
            Statement::allow()
                .sid("Bounce")
                .actions(&["ses:SendBounce"])
                .resources(["arn:aws:ses:us-east-1:111122223333:identity/example.com".to_owned()])
        };
        let one = PolicyDocument::one(statement());
        let listed = PolicyDocument::new(vec![statement()]);
        assert!(matches!(one.statement, OneOrMany::ListOfOne(_)));
        assert_eq!(one, listed);
        assert_eq!(one.statements(), listed.statements());
        assert!(one.statement.is_list());
        let want = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Bounce","Effect":"Allow","Action":"ses:SendBounce","Resource":"arn:aws:ses:us-east-1:111122223333:identity/example.com"}]}"#;
        assert_eq!(one.to_compact_json(), want);
        let mut written = Vec::new();
        one.write_compact_json(&mut written);
        assert_eq!(String::from_utf8_lossy(&written), want);
        assert_eq!(one.to_pretty_json(), listed.to_pretty_json());
        for shape in [Shape::Document, Shape::Statements] {
            assert_eq!(
                one.to_compact_json_as(shape),
                listed.to_compact_json_as(shape)
            );
        }
        // Read back, it is the list it was written as.
        let read: PolicyDocument = serde_json::from_str(want).unwrap_or_default();
        assert!(matches!(read.statement, OneOrMany::Many(ref list) if list.len() == 1));
        assert_eq!(read, one);
    }

    #[test]
    fn lists_and_strings_keep_their_form() {
        check(json!({"Version": "2012-10-17", "Id": "x", "Statement": [
            {"Sid": "A", "Effect": "Deny", "Principal": "*", "NotAction": ["s3:*"], "NotResource": "arn:aws:s3:::b",
             "Condition": {"Bool": {"aws:SecureTransport": false}, "NumericLessThan": {"s3:max-keys": [10, "5"]}}},
            {"Effect": "Allow", "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:root"], "Service": "ses.amazonaws.com", "Federated": "cognito-identity.amazonaws.com", "CanonicalUser": "abc"}, "Action": ["a:b"], "Resource": ["*"]}
        ]}));
    }

    #[test]
    fn one_value_is_collected_bare_and_others_as_lists() {
        let none: OneOrMany<u8> = std::iter::empty().collect();
        assert_eq!(none, OneOrMany::Many(vec![]));
        assert_eq!(
            [1].into_iter().collect::<OneOrMany<u8>>(),
            OneOrMany::One(1)
        );
        assert_eq!(
            [1, 2, 3].into_iter().collect::<OneOrMany<u8>>(),
            OneOrMany::Many(vec![1, 2, 3])
        );
        for n in 0..4 {
            let v: Vec<u8> = (0..n).collect();
            assert_eq!(
                v.iter().copied().collect::<OneOrMany<u8>>(),
                OneOrMany::from(v)
            );
        }
    }

    #[test]
    fn keys_come_out_in_aws_order() {
        let doc = PolicyDocument::new(vec![
            Statement::allow()
                .condition("StringEquals", "aws:SourceAccount", ["111122223333"])
                .resources(["*"])
                .actions(&["kms:Decrypt"])
                .principal(Principal::service("ses.amazonaws.com"))
                .sid("S"),
        ]);
        let text = doc.to_compact_json();
        assert_eq!(
            text,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":{"Service":"ses.amazonaws.com"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#
        );
    }

    #[test]
    fn rejects_what_is_not_a_policy() {
        for bad in [
            json!({"Version": "2012-10-17"}),
            json!({"Version": "2013-01-01", "Statement": []}),
            json!({"Statement": [{"Effect": "Maybe"}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": "someone"}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": {"Bob": "x"}}]}),
            json!({"Statement": [{"Effect": "Allow", "Acton": "x"}]}),
            json!({"Statement": [], "Extra": 1}),
        ] {
            assert!(
                serde_json::from_value::<PolicyDocument>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
