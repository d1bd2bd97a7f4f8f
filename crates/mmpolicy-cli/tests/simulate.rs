//! `mmpolicy simulate`: decisions, the deciding statements, exit codes and bad input.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

mod common;

use common::{mmpolicy, outcome};
use serde_json::Value;

const INGRESS: &str = "inp-7x3kq9b2m4n8p1r5t6v0w2y4z8";
const SECRET: &str = "arn:aws:secretsmanager:us-east-1:111122223333:secret:smtp-AbCdEf";

/// A folder holding `secret.json`: the example `ingress.secret-policy`, as mmpolicy renders it.
fn with_secret_policy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = mmpolicy()
        .args(["render", "ingress.secret-policy", "--example"])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(dir.path().join("secret.json"), out.stdout).unwrap();
    dir
}

/// Runs `simulate` in `dir` with `args`; returns (exit code, stdout, stderr).
fn simulate(dir: &tempfile::TempDir, args: &[&str]) -> (i32, String, String) {
    outcome(
        mmpolicy()
            .current_dir(dir.path())
            .arg("simulate")
            .args(args),
    )
}

/// Mail Manager reading the secret for an ingress point of `account`.
fn ses_reads_secret(account: &str, ingress: &str) -> Vec<String> {
    vec![
        "--resource-policy".into(),
        "secret.json".into(),
        "--principal".into(),
        "ses.amazonaws.com".into(),
        "--action".into(),
        "secretsmanager:GetSecretValue".into(),
        "--resource".into(),
        SECRET.into(),
        "--context".into(),
        format!("aws:SourceAccount={account}"),
        "--context".into(),
        format!(
            "aws:SourceArn=arn:aws:ses:us-east-1:{account}:mailmanager-ingress-point/{ingress}"
        ),
    ]
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn the_ingress_point_may_read_its_secret() {
    let dir = with_secret_policy();
    let (code, out, err) = simulate(&dir, &strs(&ses_reads_secret("111122223333", INGRESS)));
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "decision: allowed\ndecided by:\n  secret.json statement 1 `AllowMailManagerIngressToReadSecret` (Allow)\n"
    );
}

#[test]
fn near_misses_are_denied_naming_the_failed_condition() {
    let dir = with_secret_policy();
    let other_account = ses_reads_secret("444455556666", INGRESS);
    let (code, out, _) = simulate(&dir, &strs(&other_account));
    assert_eq!(code, 1);
    assert!(out.starts_with("decision: implicitly denied"), "{out}");
    assert!(
        out.contains("condition `StringEquals` on `aws:SourceAccount` failed"),
        "{out}"
    );
    let other_ingress = ses_reads_secret("111122223333", "inp-000000000000000000000000");
    let (code, out, _) = simulate(&dir, &strs(&other_ingress));
    assert_eq!(code, 1);
    assert!(out.contains("`aws:SourceArn`"), "{out}");
}

#[test]
fn json_output_has_the_decision_and_the_statements() {
    let dir = with_secret_policy();
    let mut args = ses_reads_secret("444455556666", INGRESS);
    args.extend(["--format".into(), "json".into()]);
    let (code, out, _) = simulate(&dir, &strs(&args));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["decision"], "ImplicitlyDenied");
    assert_eq!(v["statements"][0]["reason"], "condition_failed");
    assert_eq!(v["statements"][0]["deciding"], false);
}

#[test]
fn a_context_key_given_twice_holds_both_values() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("tags.json"),
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ses:TagResource",
            "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "env"]},
            "ForAnyValue:StringEquals": {"aws:TagKeys": "env"}}}]}"#,
    )
    .unwrap();
    let base = [
        "--policy",
        "tags.json",
        "--principal",
        "arn:aws:iam::111122223333:role/ops",
        "--action",
        "ses:TagResource",
        "--resource",
        "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1",
    ];
    let both = [
        &base[..],
        &[
            "--context",
            "aws:TagKeys=team",
            "--context",
            "aws:TagKeys=env",
        ],
    ]
    .concat();
    assert_eq!(simulate(&dir, &both).0, 0, "team and env are both listed");
    let one = [&base[..], &["--context", "aws:TagKeys=team"]].concat();
    assert_eq!(simulate(&dir, &one).0, 1, "the second value is what allows");
    let extra = [
        &base[..],
        &[
            "--context",
            "aws:TagKeys=env",
            "--context",
            "aws:TagKeys=cost",
        ],
    ]
    .concat();
    assert_eq!(simulate(&dir, &extra).0, 1, "`cost` is not an allowed key");
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let dir = with_secret_policy();
    for (args, needle) in [
        (
            vec![
                "--principal",
                "ses.amazonaws.com",
                "--action",
                "a:b",
                "--resource",
                "*",
            ],
            "no policy to evaluate",
        ),
        (
            vec![
                "--policy",
                "secret.json",
                "--principal",
                "nobody",
                "--action",
                "a:b",
                "--resource",
                "*",
            ],
            "invalid `--principal`",
        ),
        (
            vec![
                "--policy",
                "missing.json",
                "--principal",
                "111122223333",
                "--action",
                "a:b",
                "--resource",
                "*",
            ],
            "missing.json",
        ),
        (
            vec![
                "--resource-policy",
                "secret.json",
                "--principal",
                "111122223333",
                "--action",
                "a:b",
                "--resource",
                "*",
                "--context",
                "aws:SourceAccount",
            ],
            "invalid `--context`",
        ),
        (
            vec![
                "--resource-policy",
                "secret.json",
                "--principal",
                "111122223333",
                "--action",
                "a:b",
                "--resource",
                "*",
                "--resource-account",
                "12",
            ],
            "invalid `--resource-account` `12`",
        ),
    ] {
        let (code, out, err) = simulate(&dir, &args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "", "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
