//! Every error message follows the convention (as clippy's `lint_message_convention` test does
//! for clippy): lowercase, one line, no trailing period, the value in backticks, no Rust type
//! names.

use mmpolicy_core::types::*;
use mmpolicy_core::{InvalidValue, PolicyKind};

/// Rust type names that must never reach a user.
const TYPE_NAMES: &[&str] = &[
    "AccountId",
    "Region",
    "BucketName",
    "KeyPrefix",
    "KmsKeyArn",
    "PrincipalArn",
    "SesIdentity",
    "IngressPointId",
    "RuleSetId",
    "ArchiveId",
    "RelayId",
    "Option",
    "String",
    "struct",
    "enum",
    "Scope",
];

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

fn all_refusals() -> Vec<InvalidValue> {
    let mut v = Vec::new();
    let bad = [
        "",
        "*",
        "a b",
        "ü",
        "x\ny",
        "\"",
        "not-valid",
        "arn:aws:iam::111122223333:group/g",
    ];
    for b in bad {
        v.extend(AccountId::new(b).err());
        v.extend(Region::new(b).err());
        v.extend(Partition::new(b).err());
        v.extend(BucketName::new(b).err());
        v.extend(KeyPrefix::new(b).err());
        v.extend(KmsKeyArn::new(b).err());
        v.extend(PrincipalArn::new(b).err());
        v.extend(SesIdentity::new(b).err());
        v.extend(IngressPointId::new(b).err());
        v.extend(RuleSetId::new(b).err());
        v.extend(TrafficPolicyId::new(b).err());
        v.extend(ArchiveId::new(b).err());
        v.extend(RelayId::new(b).err());
        v.extend(WorkMailOrganizationId::new(b).err());
        v.extend(b.parse::<PolicyKind>().err());
    }
    v.extend(BucketName::new("192.168.0.1").err());
    v.extend(BucketName::new("xn--abc").err());
    v.extend(KmsKeyArn::new("arn:aws:kms:us-east-1:111122223333:alias/a").err());
    v.extend(KmsKeyArn::new("arn:aws:kms:us-east-1:111122223333:key/abc").err());
    if let Ok(china) = Region::new("cn-north-1") {
        v.extend(resolve_partition(china, Some(Partition::Aws)).err());
    }
    v
}

#[test]
fn parameter_errors_follow_the_convention() {
    let errors = all_refusals();
    assert!(
        errors.len() > 100,
        "the corpus covers every type: {}",
        errors.len()
    );
    for e in errors {
        let message = e.to_string();
        check(&message);
        assert!(
            message.starts_with(&format!("invalid `{}` `", e.field)),
            "{message}"
        );
        assert!(!e.rule.is_empty(), "{message}");
    }
}
