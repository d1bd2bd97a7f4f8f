//! The requests each archiving policy declares, evaluated with `mmpolicy-eval` against the
//! policy it renders: the archive's users reach the named archive, its key through SES only
//! and the export destination; SES uses the key and writes the export.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers unwrap and panic, as the tests do"
)]

use mmpolicy_archiving::{ExportBucketPolicy, ExportIdentity, Identity, KeyPolicy, KmsIdentity};
use mmpolicy_core::{Expect, ExpectedRequest, Provider, RequestPrincipal};
use mmpolicy_eval::required::{audited, near_misses};
use serde_json::{Value, json};

/// Provider `P`'s declared requests for `params`, audited: every request needed allowed, every
/// near miss denied, every statement needed.
fn check<P: Provider + Default>(params: Value) -> Vec<ExpectedRequest> {
    audited::<P>(&params).unwrap_or_else(|e| panic!("{e}"))
}

fn example<P: Provider + Default>() -> Vec<ExpectedRequest> {
    check::<P>(serde_json::to_value(P::example()).unwrap())
}

#[test]
fn the_identity_policy_reaches_the_named_archive_and_creates_only_tagged_ones() {
    let requests = example::<Identity>();
    assert!(near_misses(&requests).contains(&"another archive"));
    assert!(near_misses(&requests).contains(&"an archive created without the required tag value"));
    let untagged = check::<Identity>(json!({
        "account_id": "111122223333", "region": "eu-west-1", "archive_id": "*"
    }));
    assert!(!near_misses(&untagged).contains(&"another archive"));
}

#[test]
fn the_export_policies_write_under_the_prefix_only() {
    for requests in [example::<ExportIdentity>(), example::<ExportBucketPolicy>()] {
        assert!(near_misses(&requests).contains(&"a key outside the prefix"));
        assert!(near_misses(&requests).contains(&"another bucket"));
    }
    let bucket = example::<ExportBucketPolicy>();
    assert!(bucket.iter().any(|r| r.expect == Expect::Allow
        && r.principal == RequestPrincipal::Service("ses.amazonaws.com")));
    assert!(near_misses(&bucket).contains(&"another service writing to the bucket"));
    let whole = check::<ExportIdentity>(json!({"bucket": "exports", "key_prefix": "*"}));
    assert!(!near_misses(&whole).contains(&"a key outside the prefix"));
}

#[test]
fn the_archive_key_is_used_through_ses_only() {
    for requests in [example::<KmsIdentity>(), example::<KeyPolicy>()] {
        assert!(near_misses(&requests).contains(&"the key used outside SES"));
        assert!(near_misses(&requests).contains(&"no key administration"));
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
    assert!(near_misses(&requests).contains(&"a principal the key policy does not name"));
}
