//! Runs the `mmpolicy` binary: exit codes, stdout, stderr.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

mod common;

use common::{mmpolicy, outcome};
use serde_json::{Value, json};

/// Runs with `args`, returns (exit code, stdout, stderr).
fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut cmd = mmpolicy();
    cmd.args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    outcome(&mut cmd)
}

/// Asserts a usage failure: exit 2, nothing on stdout, and stderr containing `needle`.
fn fails_with(args: &[&str], stdin: Option<&str>, needle: &str) {
    let (code, out, err) = run(args, stdin);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert_eq!(out, "", "{args:?}: nothing on stdout");
    assert!(
        err.contains(needle),
        "{args:?}: stderr `{err}` lacks `{needle}`"
    );
    assert_eq!(err.lines().count(), 1, "{args:?}: one-line error: {err}");
}

#[test]
fn list_shows_every_provider() {
    let (code, out, _) = run(&["list"], None);
    assert_eq!(code, 0);
    assert!(out.starts_with("ID "));
    for p in mmpolicy::registry().iter() {
        let line = out.lines().find(|l| l.starts_with(p.id())).unwrap();
        assert!(
            line.contains(p.kind().as_str()) && line.contains(p.title()),
            "{line}"
        );
    }
}

#[test]
fn list_as_json() {
    let (code, out, _) = run(&["list", "--format", "json"], None);
    assert_eq!(code, 0);
    let rows: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(rows.len(), mmpolicy::registry().len());
    let row = rows
        .iter()
        .find(|r| r["id"] == "ingress.key-policy")
        .unwrap();
    assert_eq!(row["feature"], "ingress");
    assert_eq!(row["kind"], "key");
    assert_eq!(
        row["title"],
        "KMS key policy statement for an ingress endpoint's secret"
    );
}

#[test]
fn describe_explains_the_provider() {
    let (code, out, _) = run(&["describe", "ingress.key-policy"], None);
    assert_eq!(code, 0);
    assert!(out.contains("kind:      key"));
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("could lock you out"),
        "the key-policy warning"
    );
    assert!(
        words.contains("--whole-document"),
        "the way to a whole key policy"
    );
    assert!(out.contains("account_id (account id: 12 digits, required)"));
    assert!(out.contains("ingress_point_id (ingress point id or `*`, required)"));
    assert!(out.contains("\"region\": \"us-east-1\""), "the example");
}

#[test]
fn unknown_provider_suggests_the_closest() {
    fails_with(
        &["render", "ingres.key-policy", "--example"],
        None,
        "unknown provider `ingres.key-policy`: did you mean one of `ingress.key-policy`",
    );
    fails_with(&["describe", "nope"], None, "run `mmpolicy list`");
}

#[test]
fn render_example_equals_the_library() {
    for p in mmpolicy::registry().iter() {
        let (code, out, err) = run(&["render", p.id(), "--example"], None);
        assert_eq!(code, 0, "{err}");
        let expected = p.render_value(&p.example_params()).unwrap();
        assert_eq!(
            out,
            expected.to_pretty_json_as(p.kind().shape()),
            "{}",
            p.id()
        );
    }
}

#[test]
fn render_compact_is_one_line() {
    let (code, out, _) = run(
        &["render", "ingress.secret-policy", "--example", "--compact"],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    // A secret policy is printed as the statements to merge.
    assert_eq!(v[0]["Action"], "secretsmanager:GetSecretValue");
}

#[test]
fn render_statement_only_gives_a_list_of_statements_for_every_kind() {
    for (id, count) in [
        ("smtp-relay.key-policy", 1),
        ("rule-actions.trust-policy", 1),
        ("archiving.key-policy", 2),
    ] {
        let (code, out, err) = run(&["render", id, "--example", "--statement-only"], None);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        let list = v.as_array().unwrap_or_else(|| panic!("{id}: {out}"));
        assert_eq!(list.len(), count, "{id}");
        assert!(list.iter().all(|s| s["Effect"] == "Allow"), "{id}");
    }
}

#[test]
fn key_secret_and_bucket_policies_are_printed_as_statements_to_merge() {
    for id in [
        "ingress.key-policy",
        "ingress.secret-policy",
        "archiving.export-bucket-policy",
    ] {
        let (code, out, err) = run(&["render", id, "--example"], None);
        assert_eq!(code, 0, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap();
        assert!(v.is_array(), "{id}: {out}");
    }
}

#[test]
fn whole_document_keeps_the_key_administrator_and_is_the_default_for_identity_policies() {
    let (code, out, err) = run(
        &[
            "render",
            "ingress.key-policy",
            "--example",
            "--whole-document",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Version"], "2012-10-17");
    assert_eq!(
        v["Statement"][0],
        serde_json::json!({"Sid": "Enable IAM User Permissions", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "kms:*", "Resource": "*"})
    );
    assert_eq!(
        v["Statement"][1]["Sid"],
        "AllowMailManagerIngressToDecryptSecret"
    );
    // A secret policy's whole document holds only its own statements.
    let (_, out, _) = run(
        &[
            "render",
            "ingress.secret-policy",
            "--example",
            "--whole-document",
        ],
        None,
    );
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["Statement"].as_array().unwrap().len(), 1);
    let (_, plain, _) = run(&["render", "archiving.identity", "--example"], None);
    let (_, whole, _) = run(
        &[
            "render",
            "archiving.identity",
            "--example",
            "--whole-document",
        ],
        None,
    );
    assert_eq!(plain, whole);
    let (code, out, err) = run(
        &[
            "render",
            "ingress.key-policy",
            "--example",
            "--whole-document",
            "--statement-only",
        ],
        None,
    );
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn render_format_gives_the_cloudformation_property_or_the_terraform_block() {
    let (code, out, err) = run(
        &[
            "render",
            "smtp-relay.key-policy",
            "--example",
            "--format",
            "cloudformation",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("# The `KeyPolicy` property of an `AWS::KMS::Key`.")
    );
    assert_eq!(lines.next(), Some("KeyPolicy:"));
    assert_eq!(lines.next(), Some("  Version: \"2012-10-17\""));
    // The whole key policy: CloudFormation sets a key's whole policy.
    assert!(
        out.contains("- Sid: \"Enable IAM User Permissions\""),
        "{out}"
    );
    assert!(
        out.contains("- Sid: \"AllowMailManagerRelayToDecryptSecret\""),
        "{out}"
    );

    let (code, out, err) = run(
        &[
            "render",
            "rule-actions.trust-policy",
            "--example",
            "--format",
            "terraform",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# `data.aws_iam_policy_document.rule_actions_trust_policy.json` is the `assume_role_policy` of an `aws_iam_role`.\n\
             data \"aws_iam_policy_document\" \"rule_actions_trust_policy\" {\n"),
        "{out}"
    );
    assert!(out.contains("actions = [\"sts:AssumeRole\"]"), "{out}");
    assert!(
        out.contains("identifiers = [\"ses.amazonaws.com\"]"),
        "{out}"
    );
}

#[test]
fn render_with_set_pairs() {
    let (code, out, err) = run(
        &[
            "render",
            "ingress.secret-policy",
            "--set",
            "account_id=012345678901",
            "--set",
            "region=eu-central-1",
            "--set",
            "ingress_point_id=*",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let c = &v[0]["Condition"];
    assert_eq!(c["StringEquals"]["aws:SourceAccount"], "012345678901");
    assert_eq!(
        c["ArnLike"]["aws:SourceArn"],
        "arn:aws:ses:eu-central-1:012345678901:mailmanager-ingress-point/*"
    );
}

#[test]
fn set_overrides_the_example() {
    let (code, out, _) = run(
        &[
            "render",
            "ingress.secret-policy",
            "--example",
            "--set",
            "region=eu-west-2",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("arn:aws:ses:eu-west-2:111122223333:mailmanager-ingress-point/inp-"));
}

#[test]
fn render_from_a_json_file_toml_file_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("p.json");
    std::fs::write(
        &json_path,
        "\u{feff}{\"account_id\": \"444455556666\", \"region\": \"us-west-2\", \"relay_id\": \"*\"}",
    )
    .unwrap();
    let toml_path = dir.path().join("p.toml");
    std::fs::write(
        &toml_path,
        "account_id = \"444455556666\"\nregion = \"us-west-2\"\nrelay_id = \"*\"\n",
    )
    .unwrap();
    let outs: Vec<String> = [
        run(
            &[
                "render",
                "smtp-relay.secret-policy",
                "--params",
                json_path.to_str().unwrap(),
            ],
            None,
        ),
        run(
            &[
                "render",
                "smtp-relay.secret-policy",
                "--params",
                toml_path.to_str().unwrap(),
            ],
            None,
        ),
        run(
            &["render", "smtp-relay.secret-policy", "--params", "-"],
            Some(r#"{"account_id": "444455556666", "region": "us-west-2", "relay_id": "*"}"#),
        ),
    ]
    .into_iter()
    .map(|(code, out, err)| {
        assert_eq!(code, 0, "{err}");
        out
    })
    .collect();
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
    assert!(outs[0].contains("arn:aws:ses:us-west-2:444455556666:mailmanager-smtp-relay/*"));
}

#[test]
fn invalid_parameters_name_field_value_and_rule() {
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--set",
            "account_id=12345",
            "--set",
            "region=us-east-1",
        ],
        None,
        "invalid `account_id` `12345`: expected exactly 12 digits",
    );
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--set",
            "account_id=111122223333",
            "--set",
            "region=us-east-7",
        ],
        None,
        "invalid `region` `us-east-7`: not a known AWS region code: did you mean `us-east-1`?",
    );
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--example",
            "--set",
            "ingress_point_id=inp-*",
        ],
        None,
        "invalid `ingress_point_id` `inp-*`: a wildcard is accepted only alone",
    );
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--example",
            "--set",
            "ingress_point_id:=null",
        ],
        None,
        "invalid `ingress_point_id`: `null` is not allowed; give an id, or `\"*\"` for every one of the account and region",
    );
    fails_with(
        &[
            "render",
            "rule-actions.send-to-internet",
            "--example",
            "--set",
            "sending_identity=${x}@example.com",
        ],
        None,
        "invalid `sending_identity` `${x}@example.com`: `${` starts an IAM policy variable",
    );
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--example",
            "--set",
            "colour=blue",
        ],
        None,
        "unknown parameter `colour`: expected one of `account_id`",
    );
    fails_with(
        &[
            "render",
            "ingress.secret-policy",
            "--set",
            "region=us-east-1",
        ],
        None,
        "missing parameter `account_id`: add it",
    );
}

#[test]
fn errors_in_a_json_file_carry_its_name_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        "{\n  \"account_id\": \"111122223333\",\n  \"region\": \"mars-1\"\n}\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    fails_with(
        &["render", "ingress.key-policy", "--params", p],
        None,
        &format!("{p}:3: invalid `region` `mars-1`"),
    );
    fails_with(
        &[
            "render",
            "ingress.key-policy",
            "--params",
            "/no/such/file.json",
        ],
        None,
        "cannot read `/no/such/file.json`",
    );
    fails_with(
        &["render", "ingress.key-policy", "--params", "-"],
        Some("{not json"),
        "invalid parameters",
    );
}

#[test]
fn usage_errors() {
    fails_with(
        &["render", "ingress.key-policy"],
        None,
        "no parameters: give `--params FILE`, `--set key=value` or `--example`",
    );
    fails_with(
        &["render", "ingress.key-policy", "--set", "justakey"],
        None,
        "expected `key=value`",
    );
    let (code, out, _) = run(
        &[
            "render",
            "ingress.key-policy",
            "--example",
            "--params",
            "x.json",
        ],
        None,
    );
    assert_eq!((code, out.as_str()), (2, ""));
    let (code, out, _) = run(&["frobnicate"], None);
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn help_teaches() {
    let (code, out, _) = run(&["--help"], None);
    assert_eq!(code, 0);
    for cmd in ["list", "describe", "render", "schema"] {
        assert!(out.contains(cmd), "{cmd}");
    }
    assert!(out.contains("mmpolicy describe --all"));
    let (code, out, _) = run(&["render", "--help"], None);
    assert_eq!(code, 0);
    assert!(out.contains("--set key:=JSON"));
    assert!(out.contains("--statement-only"));
}

#[test]
fn schema_is_the_parameters_json_schema() {
    let (code, out, _) = run(&["schema", "ingress.secret-policy"], None);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["additionalProperties"], json!(false));
    assert_eq!(
        v["required"],
        json!(["account_id", "region", "ingress_point_id"])
    );
    assert!(v["properties"]["ingress_point_id"].is_object());
}

#[test]
fn only_an_object_of_parameters_is_accepted() {
    for (text, what) in [
        ("[]", "not a list"),
        ("null", "not `null`"),
        ("[\"111122223333\",\"us-east-1\"]", "not a list"),
        ("7", "not a number"),
    ] {
        fails_with(
            &["render", "ingress.secret-policy", "--params", "-"],
            Some(text),
            &format!(
                "invalid parameters: expected an object of named parameters (`{{\"account_id\": ...}}`), {what}"
            ),
        );
    }
}

#[test]
fn toml_errors_carry_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let dup = dir.path().join("dup.toml");
    std::fs::write(
        &dup,
        "account_id = \"111122223333\"\nregion = \"us-east-1\"\nregion = \"x\"\n",
    )
    .unwrap();
    let d = dup.to_str().unwrap();
    fails_with(
        &["render", "ingress.key-policy", "--params", d],
        None,
        &format!("{d}:3: not valid TOML: duplicate key `region`"),
    );
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "account_id = \"111122223333\"\nregion = \"mars-1\"\n").unwrap();
    let b = bad.to_str().unwrap();
    fails_with(
        &["render", "ingress.key-policy", "--params", b],
        None,
        &format!("{b}:2: invalid `region` `mars-1`"),
    );
}

#[test]
fn messages_give_the_fix_not_rust_or_os_words() {
    fails_with(
        &[
            "render",
            "ingress.key-policy",
            "--example",
            "--set",
            "account_id:=111122223333",
        ],
        None,
        "expected a string: write the value in quotes",
    );
    fails_with(
        &["render", "ingress.key-policy", "--params", "/no/such.json"],
        None,
        "cannot read `/no/such.json`: no such file or folder",
    );
    fails_with(
        &[
            "render",
            "ingress.key-policy",
            "--example",
            "--set",
            "region=us-east-2",
            "--set",
            "region=us-west-2",
        ],
        None,
        "`--set region` is given twice: give each parameter once",
    );
    let (_, _, err) = run(
        &["render", "ingress.key-policy", "--params", "-"],
        Some("[]"),
    );
    assert!(
        !err.contains("struct") && !err.contains("os error"),
        "{err}"
    );
}

#[test]
fn input_that_would_forge_a_message_line_is_escaped() {
    let (code, _, err) = run(
        &["render", "ingress.secret-policy", "--params", "-"],
        Some(
            "{\"account_id\": \"111122223333\", \"region\": \"us-east-1\", \"ingress_point_id\": \"*\", \"evil\\nerror: fake\\u001b[31m\\u202e\": 1}",
        ),
    );
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1, "{err:?}");
    assert!(
        err.contains(r"evil\nerror: fake\u{1b}[31m\u{202e}"),
        "{err:?}"
    );
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}'),
        "{err:?}"
    );
}
