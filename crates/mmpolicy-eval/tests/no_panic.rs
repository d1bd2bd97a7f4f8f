//! Evaluation never panics: arbitrary JSON-ish policies (policy words, operators, wildcards,
//! variables, wrong types and odd nesting) are either refused with an error or evaluated.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap or panic is a failed test"
)]

use mmpolicy_eval::{
    Context, ContextValue, Policy, PolicySet, Principal, Request, ResourcePolicyKind, evaluate,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

const WORDS: &[&str] = &[
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Allow",
    "Deny",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "AWS",
    "Service",
    "Federated",
    "Condition",
    "StringEquals",
    "StringNotLike",
    "ForAnyValue:StringLike",
    "ForAllValues:StringNotEquals",
    "NumericLessThanIfExists",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "NotIpAddress",
    "ArnLike",
    "Null",
    "BinaryEquals",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:TagKeys",
    "*",
    "?",
    "s3:*",
    "s3:GetObject",
    "arn:aws:s3:::b/*",
    "arn:aws:*:*:111122223333:*",
    "${aws:username}",
    "${*}",
    "${",
    "}",
    "111122223333",
    "arn:aws:iam::111122223333:root",
    "ses.amazonaws.com",
    "2025-06-01T00:00:00Z",
    "1748736000",
    "10.0.0.0/8",
    "true",
    "",
    ":",
    "arn:",
    "ü",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(WORDS).prop_map(|w| Value::String(w.to_owned())),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        "[a-z:*?/${}]{0,12}".prop_map(Value::String),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(WORDS), inner), 0..5).prop_map(|kv| {
                Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A statement-shaped object whose elements are arbitrary.
fn statement() -> impl Strategy<Value = Value> {
    (json(), json(), json(), json(), json()).prop_map(
        |(effect, action, resource, principal, condition)| {
            serde_json::json!({"Effect": effect, "Action": action, "Resource": resource,
            "Principal": principal, "Condition": condition})
        },
    )
}

fn check(doc: &Value) {
    let Ok(policy) = Policy::from_value(doc) else {
        return;
    };
    let context = Context::new()
        .with_str("aws:SourceAccount", "111122223333")
        .with_str("aws:username", "alice")
        .with("aws:SecureTransport", ContextValue::bool(true));
    for principal in ["arn:aws:iam::111122223333:role/r", "ses.amazonaws.com"] {
        let request = Request::new(
            Principal::parse(principal).unwrap(),
            "s3:GetObject",
            "arn:aws:s3:::b/k",
        )
        .with_context(context.clone());
        let as_identity = PolicySet::new().with_identity("p", policy.clone());
        let as_resource =
            PolicySet::new().with_resource("r", ResourcePolicyKind::Key, policy.clone());
        // Either outcome is fine; a panic is not.
        let _ = evaluate(&as_identity, &request);
        let _ = evaluate(&as_resource, &request);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_documents(doc in json()) {
        check(&doc);
    }

    #[test]
    fn arbitrary_statements(statements in prop::collection::vec(statement(), 1..3)) {
        check(&serde_json::json!({"Version": "2012-10-17", "Statement": statements}));
    }
}

/// The generator reaches evaluation: some arbitrary statements are read as policies.
#[test]
fn generated_statements_can_be_valid() {
    let doc = serde_json::json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
        "Principal": {"AWS": "*"}, "Condition": {"StringLike": {"aws:username": "${*}"}}}});
    assert!(Policy::from_value(&doc).is_ok());
    check(&doc);
}
