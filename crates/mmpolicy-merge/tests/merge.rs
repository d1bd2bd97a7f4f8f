//! Upserting statements by Sid: what is kept, replaced and appended, what is refused, and that
//! merging twice changes nothing.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

use mmpolicy_merge::{MergeError, merge};
use proptest::prelude::*;
use serde_json::{Value, json};

fn st(sid: &str, action: &str) -> Value {
    json!({"Sid": sid, "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
           "Action": action, "Resource": "*"})
}

fn root() -> Value {
    json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"})
}

/// Merges `adds` into `base` and compares the resulting statements' Sids and actions with
/// `expect` (`sid=action`, in order), or the error's message with `expect`'s single entry.
fn check(base: Value, adds: &[Value], expect: &[&str]) {
    let named: Vec<(String, &Value)> = adds
        .iter()
        .enumerate()
        .map(|(i, a)| (format!("add{}.json", i + 1), a))
        .collect();
    let refs: Vec<(&str, &Value)> = named.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    match merge(&base, &refs) {
        Ok(merged) => {
            let got: Vec<String> = merged.document["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    format!(
                        "{}={}",
                        s["Sid"].as_str().unwrap_or("-"),
                        s["Action"].as_str().unwrap_or("-")
                    )
                })
                .collect();
            assert_eq!(got, expect, "{base}");
        }
        Err(e) => assert_eq!([e.to_string().as_str()], expect, "{base}"),
    }
}

#[test]
fn statements_are_upserted_by_sid_keeping_the_base() {
    let base = json!({"Version": "2012-10-17", "Id": "key-default-1",
                      "Statement": [root(), st("A", "kms:Decrypt"), st("B", "kms:Encrypt")]});
    // A new Sid is appended; the base's statements and order stay.
    check(
        base.clone(),
        &[json!([st("C", "kms:GenerateDataKey")])],
        &[
            "Enable IAM User Permissions=kms:*",
            "A=kms:Decrypt",
            "B=kms:Encrypt",
            "C=kms:GenerateDataKey",
        ],
    );
    // A known Sid is replaced where it stands.
    check(
        base.clone(),
        &[json!({"Version": "2012-10-17", "Statement": [st("A", "kms:DescribeKey")]})],
        &[
            "Enable IAM User Permissions=kms:*",
            "A=kms:DescribeKey",
            "B=kms:Encrypt",
        ],
    );
    // One statement on its own, and several files in order: the last one wins.
    check(
        base,
        &[st("D", "kms:Decrypt"), json!([st("D", "kms:Encrypt")])],
        &[
            "Enable IAM User Permissions=kms:*",
            "A=kms:Decrypt",
            "B=kms:Encrypt",
            "D=kms:Encrypt",
        ],
    );
    // A base whose `Statement` is one object, or that has none.
    check(
        json!({"Version": "2012-10-17", "Statement": root()}),
        &[json!([st("A", "kms:Decrypt")])],
        &["Enable IAM User Permissions=kms:*", "A=kms:Decrypt"],
    );
    check(
        json!({}),
        &[json!([st("A", "kms:Decrypt")])],
        &["A=kms:Decrypt"],
    );
}

#[test]
fn what_cannot_be_merged_is_refused() {
    let base = json!({"Version": "2012-10-17", "Statement": [root()]});
    let mut no_sid = st("x", "kms:Decrypt");
    no_sid.as_object_mut().unwrap().remove("Sid");
    check(
        base.clone(),
        &[json!([st("A", "kms:Decrypt"), no_sid])],
        &[
            "`add1.json` statement 2 has no `Sid`: merging upserts by `Sid`, so give every statement to add one",
        ],
    );
    check(
        base.clone(),
        &[json!([st("A", "kms:Decrypt"), st("A", "kms:Encrypt")])],
        &["`add1.json` has two statements with `Sid` `A`: give each its own"],
    );
    check(
        json!({"Statement": [st("A", "x:y"), st("A", "x:z")]}),
        &[json!([st("A", "kms:Decrypt")])],
        &[
            "the base policy has two statements with `Sid` `A`: make the Sids unique before merging (AWS requires them unique in key and bucket policies)",
        ],
    );
    check(
        json!([root()]),
        &[],
        &[
            "the base policy is a list, not a policy document (`{\"Version\": ..., \"Statement\": [...]}`)",
        ],
    );
    check(
        base.clone(),
        &[json!("kms:Decrypt")],
        &[
            "`add1.json` is a string: expected a policy document, a list of statements or a statement",
        ],
    );
    check(
        base,
        &[json!({"Version": "2012-10-17"})],
        &[
            "`add1.json` is neither a policy document, a list of statements nor a statement: it has no `Statement` and no `Effect`",
        ],
    );
}

#[test]
fn the_merge_reports_what_changed() {
    let base = json!({"Version": "2012-10-17", "Statement": [root(), st("A", "kms:Decrypt")]});
    let add = json!([st("A", "kms:Decrypt"), st("B", "kms:Encrypt")]);
    let merged = merge(&base, &[("a", &add)]).unwrap();
    assert_eq!(merged.unchanged, ["A"]);
    assert_eq!(merged.added, ["B"]);
    assert!(merged.replaced.is_empty());
    assert!(merged.changed());
    let again = merge(&merged.document, &[("a", &add)]).unwrap();
    assert!(!again.changed());
    assert_eq!(again.document, merged.document);
}

#[test]
fn the_size_limit_of_the_kind_is_enforced() {
    let big = "x".repeat(21_000);
    let text = format!("{{\"Statement\": [{{\"Sid\": \"{big}\"}}]}}");
    assert!(mmpolicy_merge::check_size(mmpolicy_core::PolicyKind::Key, &text).is_ok());
    let err = mmpolicy_merge::check_size(mmpolicy_core::PolicyKind::Bucket, &text).unwrap_err();
    assert!(
        matches!(err, MergeError::TooLarge { limit: 20_480, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("the merged bucket policy would have 21"),
        "{err}"
    );
}

fn arb_statements() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(("[A-E]", "kms:[a-c]"), 0..6).prop_map(|pairs| {
        let mut seen = Vec::new();
        pairs
            .into_iter()
            .filter(|(sid, _)| {
                let new = !seen.contains(sid);
                seen.push(sid.clone());
                new
            })
            .map(|(sid, action)| st(&sid, &action))
            .collect()
    })
}

proptest! {
    /// Merging is idempotent and keeps every base statement whose Sid is not added.
    #[test]
    fn merging_twice_changes_nothing(base in arb_statements(), add in arb_statements()) {
        let base = json!({"Version": "2012-10-17", "Statement": base});
        let add = Value::Array(add);
        let once = merge(&base, &[("add", &add)]).unwrap();
        let twice = merge(&once.document, &[("add", &add)]).unwrap();
        prop_assert_eq!(&twice.document, &once.document);
        prop_assert!(!twice.changed());
        let added: Vec<&str> = add.as_array().unwrap().iter().filter_map(|s| s["Sid"].as_str()).collect();
        for kept in base["Statement"].as_array().unwrap() {
            let sid = kept["Sid"].as_str().unwrap();
            if !added.contains(&sid) {
                prop_assert!(once.document["Statement"].as_array().unwrap().contains(kept));
            }
        }
    }
}
