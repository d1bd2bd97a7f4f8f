//! The examples of AWS's page *Permission policies for Mail Manager*, linted as the kind the
//! page says they are. Each expected list was reviewed by hand against the page: it holds the
//! page's mistakes and nothing else (every finding is listed, so a false finding on a correct
//! part fails the test).
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use mmpolicy_lint::{Catalog, PolicyKind, Report, Severity, lint_str};

fn lint_fixture(name: &str, kind: PolicyKind) -> Report {
    let path = format!(
        "{}/tests/fixtures/page/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap();
    lint_str(&text, Some(kind), Catalog::embedded()).unwrap()
}

fn check(name: &str, kind: PolicyKind, expect: &[&str]) {
    let report = lint_fixture(name, kind);
    let got: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.code(), f.pointer))
        .collect();
    let messages: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}: {}", f.rule.code(), f.pointer, f.message))
        .collect();
    assert_eq!(got, expect, "{name}:\n{}", messages.join("\n"));
}

#[test]
fn ingress_endpoint() {
    // The `"Id": "Id"` placeholder is useless but valid.
    check("ingress-secret-policy", PolicyKind::Secret, &[]);
    // The page gives the key-policy statement bare, without `Version`/`Statement`.
    check("ingress-key-policy", PolicyKind::Key, &["E006 "]);
}

#[test]
fn smtp_relay() {
    check("smtp-relay-secret-policy", PolicyKind::Secret, &[]);
    // The page's key policy holds only the SES statement: as a whole policy it leaves nobody
    // able to manage the key (the page means it to be added to the key's policy).
    check(
        "smtp-relay-key-policy",
        PolicyKind::Key,
        &["S014 /Statement"],
    );
}

#[test]
fn basic_archiving_scopes_list_actions_to_an_archive() {
    // `ses:ListArchives`, `ses:ListArchiveSearches` and `ses:ListArchiveExports` accept no
    // resource type: scoped to `mailmanager-archive/*` they grant nothing. The first
    // statement's `ForAnyValue:StringEquals` on `aws:RequestTag/key-name` (one value per
    // request) is a set operator on a single-valued key, which IAM Access Analyzer flags too.
    check(
        "archiving-identity-policy",
        PolicyKind::Identity,
        &[
            "C012 /Statement/0/Condition/ForAnyValue:StringEquals",
            "C005 /Statement/1/Action/0",
            "U003 /Statement/3",
            "C005 /Statement/3/Action/0",
            "U003 /Statement/4",
            "U003 /Statement/5",
            "U003 /Statement/6",
            "C005 /Statement/6/Action/0",
            "U003 /Statement/7",
            "U003 /Statement/8",
        ],
    );
    let report = lint_fixture("archiving-identity-policy", PolicyKind::Identity);
    let errors: Vec<&str> = report
        .at_least(Severity::Warning)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "`ForAnyValue:StringEquals` is a set operator, but `aws:RequestTag/key-name` is single-valued (String): drop `ForAnyValue:` and use `StringEquals`",
            "`ses:ListArchives` may accept only `\"*\"`: the service authorization data of 2026-09-26 lists no resource type for it; if AWS documents none, move it to a statement with `\"Resource\": \"*\"`",
            "`ses:ListArchiveSearches` may accept only `\"*\"`: the service authorization data of 2026-09-26 lists no resource type for it; if AWS documents none, move it to a statement with `\"Resource\": \"*\"`",
            "`ses:ListArchiveExports` may accept only `\"*\"`: the service authorization data of 2026-09-26 lists no resource type for it; if AWS documents none, move it to a statement with `\"Resource\": \"*\"`",
        ]
    );
}

#[test]
fn archiving_export() {
    check(
        "archiving-export-identity-policy",
        PolicyKind::Identity,
        &[],
    );
    // The page says archiving does not support the confused-deputy keys: its statements
    // without them are right.
    check("archiving-export-bucket-policy", PolicyKind::Bucket, &[]);
}

#[test]
fn archiving_encryption() {
    check("archiving-kms-identity-policy", PolicyKind::Identity, &[]);
    // Put in a key policy, as the page's heading ("key policies") suggests, its statement has
    // no principal and names the key instead of `"*"`.
    check(
        "archiving-kms-identity-policy",
        PolicyKind::Key,
        &[
            "E014 /Statement",
            "S014 /Statement",
            "E016 /Statement/Resource",
        ],
    );
    check(
        "archiving-key-policy",
        PolicyKind::Key,
        &["S014 /Statement"],
    );
}

#[test]
fn rule_actions() {
    check("rules-trust-policy", PolicyKind::Trust, &[]);
    check("write-to-s3-identity-policy", PolicyKind::Identity, &[]);
    check("write-to-s3-kms-identity-policy", PolicyKind::Identity, &[]);
    // `organization/MyWorkMailOrganizationID>`: the placeholder's `>` was left in.
    check(
        "deliver-to-mailbox-identity-policy",
        PolicyKind::Identity,
        &["C006 /Statement/0/Resource"],
    );
    check(
        "send-to-internet-identity-policy",
        PolicyKind::Identity,
        &[],
    );
}

#[test]
fn kinds_are_guessed_as_the_page_says() {
    let cases = [
        ("ingress-secret-policy", PolicyKind::Secret),
        ("ingress-key-policy", PolicyKind::Key),
        ("smtp-relay-key-policy", PolicyKind::Key),
        ("archiving-identity-policy", PolicyKind::Identity),
        ("archiving-export-bucket-policy", PolicyKind::Bucket),
        ("archiving-key-policy", PolicyKind::Key),
        ("rules-trust-policy", PolicyKind::Trust),
    ];
    for (name, kind) in cases {
        let path = format!(
            "{}/tests/fixtures/page/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let report = lint_str(&text, None, Catalog::embedded()).unwrap();
        assert_eq!(report.kind, Some(kind), "{name}");
    }
}
