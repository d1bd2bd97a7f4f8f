//! The requests each archiving policy declares, evaluated with `mmpolicy-eval` against the
//! policy it renders: the archive's users reach the named archive, its key through SES only
//! and the export destination; SES uses the key and writes the export.

#![allow(clippy::unwrap_used, reason = "test helpers unwrap, as the tests do")]

use mmpolicy_archiving::{ExportBucketPolicy, ExportIdentity, Identity, KeyPolicy, KmsIdentity};
use mmpolicy_core::{Expect, ExpectedRequest, Provider, RequestPrincipal};
use mmpolicy_eval::required::audit;
use serde_json::{Value, json};

/// Audits provider `P`'s declared requests for `params` (every request needed allowed, every
/// near miss denied, every statement needed) and returns them.
fn check<P: Provider + Default>(params: Value) -> Vec<ExpectedRequest> {
    let problems = audit(&P::default(), &params);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let typed: P::Params = serde_json::from_value(params).unwrap();
    P::required_requests(&typed).unwrap()
}

fn example<P: Provider + Default>() -> Vec<ExpectedRequest> {
    check::<P>(serde_json::to_value(P::example()).unwrap())
}

fn denied(requests: &[ExpectedRequest]) -> Vec<&str> {
    requests
        .iter()
        .filter(|r| r.expect == Expect::Deny)
        .map(|r| r.why)
        .collect()
}

#[test]
fn the_identity_policy_reaches_the_named_archive_and_creates_only_tagged_ones() {
    let requests = example::<Identity>();
    assert!(denied(&requests).contains(&"another archive"));
    assert!(denied(&requests).contains(&"an archive created without the required tag value"));
    let untagged = check::<Identity>(json!({
        "account_id": "111122223333", "region": "eu-west-1", "archive_id": "*"
    }));
    assert!(!denied(&untagged).contains(&"another archive"));
}

#[test]
fn the_export_policies_write_under_the_prefix_only() {
    for requests in [example::<ExportIdentity>(), example::<ExportBucketPolicy>()] {
        assert!(denied(&requests).contains(&"a key outside the prefix"));
        assert!(denied(&requests).contains(&"another bucket"));
    }
    let bucket = example::<ExportBucketPolicy>();
    assert!(bucket.iter().any(|r| r.expect == Expect::Allow
        && r.principal == RequestPrincipal::Service("ses.amazonaws.com")));
    assert!(denied(&bucket).contains(&"another service writing to the bucket"));
    let whole = check::<ExportIdentity>(json!({"bucket": "exports", "key_prefix": "*"}));
    assert!(!denied(&whole).contains(&"a key outside the prefix"));
}

#[test]
fn the_archive_key_is_used_through_ses_only() {
    for requests in [example::<KmsIdentity>(), example::<KeyPolicy>()] {
        assert!(denied(&requests).contains(&"the key used outside SES"));
        assert!(denied(&requests).contains(&"no key administration"));
    }
}

#[test]
fn the_key_policy_alone_lets_ses_and_the_named_principal_use_the_key() {
    let requests = example::<KeyPolicy>();
    assert!(requests.iter().any(|r| r.expect == Expect::Allow
        && r.principal == RequestPrincipal::Service("ses.amazonaws.com")));
    assert!(
        requests
            .iter()
            .any(|r| r.expect == Expect::Allow && matches!(r.principal, RequestPrincipal::Arn(_)))
    );
    assert!(denied(&requests).contains(&"a principal the key policy does not name"));
}
