//! `mmpolicy merge`: statements into an existing policy, from files and stdin, to stdout or a
//! file, refusing what would lose or widen anything.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

mod common;

use assert_cmd::Command;
use common::outcome;
use serde_json::{Value, json};

/// A key's default policy: the account may manage the key.
const DEFAULT_KEY_POLICY: &str = r#"{"Version": "2012-10-17", "Id": "key-default-1", "Statement": [
  {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
   "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}"#;

/// A folder holding `base.json` (a key's default policy) and `add.json` (the statement of
/// `ingress.key-policy`, as `render --statement-only` prints it).
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.json"), DEFAULT_KEY_POLICY).unwrap();
    let out = mmpolicy(&dir)
        .args([
            "render",
            "ingress.key-policy",
            "--example",
            "--statement-only",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    std::fs::write(dir.path().join("add.json"), out.stdout).unwrap();
    dir
}

fn mmpolicy(dir: &tempfile::TempDir) -> Command {
    let mut cmd = common::mmpolicy();
    cmd.current_dir(dir.path());
    cmd
}

/// Runs `merge` with `args` in `dir`; returns (exit code, stdout, stderr).
fn merge(dir: &tempfile::TempDir, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = mmpolicy(dir);
    cmd.arg("merge").args(args);
    if let Some(text) = stdin {
        cmd.write_stdin(text);
    }
    outcome(&mut cmd)
}

fn sids(text: &str) -> Vec<String> {
    let v: Value = serde_json::from_str(text).unwrap();
    v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_key_keeps_its_root_statement_and_gains_mmpolicys() {
    let dir = folder();
    let (code, out, err) = merge(&dir, &["base.json", "add.json"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        sids(&out),
        [
            "Enable IAM User Permissions",
            "AllowMailManagerIngressToDecryptSecret"
        ]
    );
    let merged: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(merged["Id"], "key-default-1");
    // Again, from stdin as `aws kms get-key-policy ... --output text` prints it: no change.
    let (code, again, _) = merge(&dir, &["-", "add.json"], Some(&out));
    assert_eq!(code, 0);
    assert_eq!(again, out);
}

#[test]
fn merge_without_statements_prints_the_base_as_merge_writes_it() {
    let dir = folder();
    let (code, out, _) = merge(&dir, &["base.json"], None);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::from_str::<Value>(DEFAULT_KEY_POLICY).unwrap()
    );
    assert!(out.ends_with("}\n"));
}

#[test]
fn output_goes_to_a_file_never_over_an_input() {
    let dir = folder();
    let (code, out, err) = merge(
        &dir,
        &["base.json", "add.json", "--output", "merged.json"],
        None,
    );
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let written = std::fs::read_to_string(dir.path().join("merged.json")).unwrap();
    assert_eq!(sids(&written).len(), 2);
    for target in ["base.json", "add.json", "./add.json"] {
        let (code, _, err) = merge(&dir, &["base.json", "add.json", "--output", target], None);
        assert_eq!(code, 2, "{target}");
        assert!(err.contains("is the same file as"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("base.json")).unwrap(),
        DEFAULT_KEY_POLICY,
        "the base is untouched"
    );
}

#[test]
fn refusals_exit_2_with_one_line() {
    let dir = folder();
    std::fs::write(
        dir.path().join("nosid.json"),
        json!([{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]).to_string(),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("twice.json"),
        r#"{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}"#,
    )
    .unwrap();
    let big: Vec<Value> = (0..400)
        .map(|i| json!({"Sid": format!("S{i}"), "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                        "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}}}))
        .collect();
    std::fs::write(dir.path().join("big.json"), Value::Array(big).to_string()).unwrap();
    for (args, needle) in [
        (vec!["base.json", "nosid.json"], "statement 1 has no `Sid`"),
        (vec!["twice.json", "add.json"], "not valid JSON"),
        (vec!["base.json", "big.json"], "over AWS's limit of 32768"),
        (
            vec!["base.json", "-"],
            "only the base may be read from stdin",
        ),
        (vec!["missing.json", "add.json"], "missing.json"),
    ] {
        let (code, out, err) = merge(&dir, &args, None);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(out, "");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
}
