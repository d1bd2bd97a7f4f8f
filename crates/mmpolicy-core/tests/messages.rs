//! Every error message follows the convention (as clippy's `lint_message_convention` test does
//! for clippy): lowercase, one line, no trailing period, the value in backticks, no Rust type
//! names. Every validated type core exports is covered by name: a new type without a case here
//! fails `every_exported_type_is_covered`.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::types::*;
use mmpolicy_core::{InvalidValue, PolicyKind};

/// Rust type names that must never reach a user.
const TYPE_NAMES: &[&str] = &[
    "AccountId",
    "Region",
    "Partition",
    "BucketName",
    "KeyPrefix",
    "KeyPrefixScope",
    "KmsKeyArn",
    "PrincipalArn",
    "SecretArn",
    "SesIdentity",
    "IngressPointId",
    "RuleSetId",
    "ArchiveId",
    "RelayId",
    "TagKey",
    "TagValue",
    "Option",
    "String",
    "struct",
    "enum",
    "Scope",
];

/// Values every validated type refuses, whatever its own rule: empty, wildcards, white space,
/// non-ASCII, control characters, quotes.
const REFUSED_BY_ALL: &[&str] = &["", "*", "a b", "ü", "x\ny", "\""];

/// The exports of `mmpolicy_core::types` that are not validated from a string of their own:
/// the scopes wrap a validated type (covered through serde below), `PrincipalKind` is read off
/// a parsed ARN, and `ShortString` is the storage of validated values, refusing nothing.
const NOT_PARSED_ALONE: &[&str] = &["Scope", "KeyPrefixScope", "PrincipalKind", "ShortString"];

fn check(message: &str) {
    assert!(
        message.starts_with(|c: char| c.is_lowercase() || c == '`'),
        "starts lowercase: {message}"
    );
    assert!(!message.ends_with('.'), "no trailing period: {message}");
    assert!(!message.contains('\n'), "one line: {message}");
    for name in TYPE_NAMES {
        let bare = message.replace(&format!("`{name}"), "");
        assert!(
            !bare
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == *name),
            "type name `{name}` in: {message}"
        );
    }
}

/// The refusals of `parse` for every value of [`REFUSED_BY_ALL`] and `own` (values its own
/// rule refuses); fails when one of them is accepted.
fn refusals<T>(parse: impl Fn(&str) -> Result<T, InvalidValue>, own: &[&str]) -> Vec<InvalidValue> {
    REFUSED_BY_ALL
        .iter()
        .chain(own)
        .map(|v| match parse(v) {
            Ok(_) => Err(format!("`{}` was accepted", v.escape_debug())),
            Err(e) => Ok(e),
        })
        .collect::<Result<Vec<_>, String>>()
        .unwrap()
}

/// Each validated type core exports, by name, with its refusals.
fn cases() -> Vec<(&'static str, Vec<InvalidValue>)> {
    vec![
        (
            "AccountId",
            refusals(AccountId::new, &["12345", "1111222233334"]),
        ),
        ("Region", refusals(Region::new, &["us-east-7", "mars-1"])),
        ("Partition", refusals(Partition::new, &["aws-iso"])),
        (
            "BucketName",
            refusals(
                BucketName::new,
                &["ab", "My_Bucket", "192.168.0.1", "xn--abc"],
            ),
        ),
        (
            "KeyPrefix",
            refusals(KeyPrefix::new, &["/x", "a//b", "a+b"]),
        ),
        (
            "KmsKeyArn",
            refusals(
                KmsKeyArn::new,
                &[
                    "arn:aws:kms:us-east-1:111122223333:alias/a",
                    "arn:aws:kms:us-east-1:111122223333:key/abc",
                ],
            ),
        ),
        (
            "PrincipalArn",
            refusals(PrincipalArn::new, &["arn:aws:iam::111122223333:group/g"]),
        ),
        (
            "SecretArn",
            refusals(
                SecretArn::new,
                &[
                    "arn:aws:secretsmanager:us-east-1:111122223333:key/a",
                    "arn:aws:kms:us-east-1:111122223333:secret:a",
                ],
            ),
        ),
        ("SesIdentity", refusals(SesIdentity::new, &["example"])),
        ("IngressPointId", refusals(IngressPointId::new, &["inp-1"])),
        ("RuleSetId", refusals(RuleSetId::new, &["rs-1"])),
        ("ArchiveId", refusals(ArchiveId::new, &["MyArchiveID"])),
        ("RelayId", refusals(RelayId::new, &["R_1"])),
        ("TagKey", refusals(TagKey::new, &["aws:x", "te#m"])),
        ("TagValue", refusals(TagValue::new, &["a\u{7}b"])),
    ]
}

/// The type names `pub use`d by `mmpolicy_core::types`, read from its source.
fn exported_types() -> Vec<String> {
    let source = include_str!("../src/types/mod.rs");
    let mut names = Vec::new();
    for item in source.split("pub use ").skip(1) {
        let item = item.split(';').next().unwrap_or_default();
        let list = item.split_once('{').map_or(item, |(_, l)| l);
        for name in list.split([',', '}', ' ', '\n']) {
            let name = name.rsplit("::").next().unwrap_or_default();
            if name.starts_with(char::is_uppercase) {
                names.push(name.to_owned());
            }
        }
    }
    names.sort();
    names
}

#[test]
fn every_exported_type_is_covered() {
    let mut covered: Vec<String> = cases().iter().map(|(n, _)| (*n).to_owned()).collect();
    covered.extend(NOT_PARSED_ALONE.iter().map(|n| (*n).to_owned()));
    covered.sort();
    assert_eq!(exported_types(), covered);
}

#[test]
fn refusals_follow_the_convention_and_name_their_field() {
    for (name, errors) in cases() {
        for e in errors {
            let message = e.to_string();
            check(&message);
            assert!(
                message.starts_with(&format!("invalid `{}` `", e.field)),
                "{name}: {message}"
            );
            assert!(!e.rule.is_empty(), "{name}: {message}");
        }
    }
}

#[test]
fn scopes_policy_kinds_and_partitions_follow_the_convention() {
    let mut messages = Vec::new();
    for bad in ["\"a-*\"", "\"a-1\"", "\"\"", "null", "1"] {
        messages.push(
            serde_json::from_str::<Scope<ArchiveId>>(bad)
                .unwrap_err()
                .to_string(),
        );
        messages.push(
            serde_json::from_str::<KeyPrefixScope>(bad.replace("a-", "/").as_str())
                .unwrap_err()
                .to_string(),
        );
    }
    messages.push("ident".parse::<PolicyKind>().unwrap_err().to_string());
    let china = Region::new("cn-north-1").unwrap();
    messages.push(
        resolve_partition(china, Some(Partition::Aws))
            .unwrap_err()
            .to_string(),
    );
    for message in messages {
        // serde appends its position to the message: the part before it is mmpolicy's.
        let message = message.split(" at line ").next().unwrap_or_default();
        check(message);
    }
}
