//! `mmpolicy check`: every provider's own example output passes, removing a needed statement
//! fails naming the request, grants beyond the needs are warned about, bad input exits 2
//! naming the file, and a whole deployment is checked against the fetched policies.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

mod common;

use common::outcome;
use serde_json::{Value, json};
use std::path::Path;

/// Runs `mmpolicy` in `dir` with `args`; returns (exit code, stdout, stderr).
fn mmpolicy(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(common::mmpolicy().current_dir(dir).args(args))
}

fn ids() -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = mmpolicy(dir.path(), &["list", "--format", "json"]);
    assert_eq!(code, 0);
    let list: Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.len() >= 20, "{ids:?}");
    ids
}

/// The example output of provider `id`, as JSON.
fn example(dir: &Path, id: &str) -> Value {
    let (code, out, err) = mmpolicy(dir, &["render", id, "--example"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn every_provider_s_own_example_output_passes() {
    let dir = tempfile::tempdir().unwrap();
    for id in ids() {
        std::fs::write(
            dir.path().join("p.json"),
            example(dir.path(), &id).to_string(),
        )
        .unwrap();
        let (code, out, err) = mmpolicy(
            dir.path(),
            &["check", &id, "--policy", "p.json", "--example"],
        );
        assert_eq!(code, 0, "{id}: {out}{err}");
        assert!(out.contains(": passed: "), "{id}: {out}");
        assert!(!out.contains("warning:"), "{id}: {out}");
    }
}

#[test]
fn removing_any_needed_statement_fails_naming_the_request() {
    let dir = tempfile::tempdir().unwrap();
    for id in ids() {
        let document = example(dir.path(), &id);
        // Key, secret and bucket policies are printed as their list of statements.
        let statements = match &document {
            Value::Array(list) => list,
            _ => document["Statement"].as_array().unwrap(),
        };
        for index in 0..statements.len() {
            let mut rest = statements.clone();
            let removed = rest.remove(index);
            // The rest as a JSON list of statements, which `check` also reads.
            std::fs::write(dir.path().join("p.json"), Value::Array(rest).to_string()).unwrap();
            let (code, out, err) = mmpolicy(
                dir.path(),
                &["check", &id, "--policy", "p.json", "--example"],
            );
            assert_eq!(code, 1, "{id} without {removed}: {out}{err}");
            let failed: Vec<&str> = out.lines().filter(|l| l.contains("FAIL needs:")).collect();
            assert!(!failed.is_empty(), "{id} without {removed}: {out}");
            // The failing request is one the removed statement granted.
            let actions: Vec<String> = match &removed["Action"] {
                Value::String(a) => vec![a.clone()],
                Value::Array(list) => list
                    .iter()
                    .map(|a| a.as_str().unwrap().to_owned())
                    .collect(),
                other => panic!("{id}: {other}"),
            };
            assert!(
                failed.iter().any(|l| actions
                    .iter()
                    .any(|a| l.contains(&format!("`{}`", a.trim_end_matches('*'))))),
                "{id} without {removed}: {out}"
            );
        }
    }
}

#[test]
fn wide_grants_and_missing_source_conditions_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("role.json"),
        json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Everything", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
        .to_string(),
    )
    .unwrap();
    let (code, out, _) = mmpolicy(
        dir.path(),
        &[
            "check",
            "rule-actions.write-to-s3",
            "--policy",
            "role.json",
            "--set",
            "bucket=inbound-mail",
            "--set",
            "key_prefix=mail/",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL near miss: the policy's holder `s3:PutObject` on `arn:aws:s3:::another-bucket/message-0001`"), "{out}");
    assert!(
        out.contains("warning: statement 1 `Everything`: wildcard action: `s3:*`"),
        "{out}"
    );
    assert!(
        out.contains(
            "warning: statement 1 `Everything`: wider resource: grants `s3:PutObject` on `*`"
        ),
        "{out}"
    );

    std::fs::write(
        dir.path().join("secret.json"),
        json!([{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                "Action": "secretsmanager:GetSecretValue", "Resource": "*"}])
        .to_string(),
    )
    .unwrap();
    let (code, out, _) = mmpolicy(
        dir.path(),
        &[
            "check",
            "ingress.secret-policy",
            "--policy",
            "secret.json",
            "--example",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["passed"], false);
    let policy = &report["policies"][0];
    let codes: Vec<&str> = policy["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["confused_deputy"]);
    let failed: Vec<&str> = policy["requests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["why"].as_str().unwrap())
        .collect();
    assert_eq!(
        failed,
        [
            "SES acting for another account's resource (the confused deputy)",
            "SES acting for another resource of the account"
        ]
    );
}

#[test]
fn bad_input_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.json"), "{\"Statement\": [").unwrap();
    std::fs::write(
        dir.path().join("principal.json"),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"}, "Action": "ses:SendBounce",
            "Resource": "*"}]})
        .to_string(),
    )
    .unwrap();
    for (args, named) in [
        (
            vec![
                "check",
                "ingress.secret-policy",
                "--policy",
                "absent.json",
                "--example",
            ],
            "absent.json",
        ),
        (
            vec![
                "check",
                "ingress.secret-policy",
                "--policy",
                "broken.json",
                "--example",
            ],
            "broken.json",
        ),
        (
            vec![
                "check",
                "rule-actions.bounce",
                "--policy",
                "principal.json",
                "--example",
            ],
            "principal.json",
        ),
        (
            vec![
                "check",
                "ingress.secret-policy",
                "--policy",
                "principal.json",
                "--params",
                "absent.toml",
            ],
            "absent.toml",
        ),
    ] {
        let (code, out, err) = mmpolicy(dir.path(), &args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(
            err.starts_with("error: ") && err.contains(named),
            "{args:?}: {err}"
        );
    }
    let (code, _, err) = mmpolicy(
        dir.path(),
        &[
            "check",
            "ingress.secret-policy",
            "--policy",
            "principal.json",
            "--set",
            "account_id=12345",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("`account_id`"), "{err}");
    let (code, _, err) = mmpolicy(dir.path(), &["check", "ingress.secret-policy", "--example"]);
    assert_eq!(code, 2);
    assert!(err.contains("--policy FILE"), "{err}");
}

/// Writes the bundle of the example deployment into `dir/bundle`.
fn example_bundle(dir: &Path) -> std::path::PathBuf {
    let deployment = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml");
    let out = dir.join("bundle");
    let (code, _, err) = mmpolicy(
        dir,
        &[
            "bundle",
            deployment.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn the_example_deployment_s_bundle_passes_as_deployed() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = example_bundle(dir.path());
    let deployment = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml");
    let (code, out, err) = mmpolicy(
        dir.path(),
        &[
            "check",
            deployment.to_str().unwrap(),
            "--deployed",
            bundle.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let index: Value =
        serde_json::from_str(&std::fs::read_to_string(bundle.join("bundle.json")).unwrap())
            .unwrap();
    assert_eq!(
        report["policies"].as_array().unwrap().len(),
        index["policies"].as_array().unwrap().len()
    );
    for policy in report["policies"].as_array().unwrap() {
        assert_eq!(policy["passed"], true, "{policy}");
        assert!(
            !policy["requests"].as_array().unwrap().is_empty(),
            "{policy}"
        );
    }
}

#[test]
fn a_deployed_policy_missing_or_short_of_a_statement_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = example_bundle(dir.path());
    let deployment = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml");
    std::fs::remove_file(bundle.join("ingress.key-policy.json")).unwrap();
    std::fs::write(
        bundle.join("rule-actions.trust-policy.json"),
        json!({"Version": "2012-10-17", "Statement": []}).to_string(),
    )
    .unwrap();
    let (code, out, err) = mmpolicy(
        dir.path(),
        &[
            "check",
            deployment.to_str().unwrap(),
            "--deployed",
            bundle.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("ingress.key-policy.json (ingress.key-policy): FAILED: the file is missing"),
        "{out}"
    );
    assert!(
        out.contains("FAIL needs: ses.amazonaws.com `sts:AssumeRole`"),
        "{out}"
    );
    assert!(
        out.contains("smtp-relay.secret-policy.json (smtp-relay.secret-policy): passed"),
        "{out}"
    );
}
