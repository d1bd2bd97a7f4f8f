//! `mmpolicy bundle`, run as a binary: what it writes, what it refuses, and that a failure
//! writes nothing.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

mod common;

use common::mmpolicy;
use predicates::prelude::*;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

const PARTIAL: &str = "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n\n[ingress]\ningress_point_id = \"*\"\n";

#[test]
fn writes_every_policy_of_the_example_and_an_index() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("policies");
    mmpolicy()
        .arg("bundle")
        .arg(example())
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "wrote 12 policies and bundle.json to ",
        ))
        .stderr("");
    assert_eq!(
        names(&out),
        [
            ".mmpolicy-bundle",
            "archiving.export-bucket-policy.json",
            "archiving.export-identity.json",
            "archiving.identity.json",
            "archiving.key-policy.json",
            "archiving.kms-identity.json",
            "bundle.json",
            "ingress.key-policy.json",
            "ingress.secret-policy.json",
            "rule-actions.key-policy.json",
            "rule-actions.role-policy.json",
            "rule-actions.trust-policy.json",
            "smtp-relay.key-policy.json",
            "smtp-relay.secret-policy.json",
        ]
    );
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("bundle.json")).unwrap()).unwrap();
    let entries = index["policies"].as_array().unwrap();
    assert_eq!(entries.len(), 12);
    let mut lists = Vec::new();
    for e in entries {
        let file = e["file"].as_str().unwrap();
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        // Key, secret and bucket policies are the statements to merge into the resource's
        // policy; identity and trust policies whole documents.
        match e["kind"].as_str().unwrap() {
            "key" | "secret" | "bucket" => {
                assert_eq!(e["shape"], "statements", "{file}");
                assert!(doc.as_array().is_some_and(|l| !l.is_empty()), "{file}");
                assert!(text.ends_with("]\n"), "{file}");
                lists.push(file);
            }
            _ => {
                assert_eq!(e["shape"], "document", "{file}");
                assert_eq!(doc["Version"], "2012-10-17", "{file}");
                assert!(text.ends_with("}\n"), "{file}");
            }
        }
        assert!(e["attach_to"].is_string(), "{e}");
        assert!(!e["providers"].as_array().unwrap().is_empty(), "{e}");
    }
    assert_eq!(
        lists,
        [
            "archiving.export-bucket-policy.json",
            "archiving.key-policy.json",
            "ingress.secret-policy.json",
            "ingress.key-policy.json",
            "rule-actions.key-policy.json",
            "smtp-relay.secret-policy.json",
            "smtp-relay.key-policy.json",
        ]
    );
    // No temporary folder is left beside the output.
    assert_eq!(names(tmp.path()), ["policies"]);
}

/// The formats crate's fixture is the example deployment's bundle as `bundle` writes it today,
/// so that its goldens show what users get.
#[test]
fn the_formats_fixture_is_the_example_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("policies");
    mmpolicy()
        .arg("bundle")
        .arg(example())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../mmpolicy-formats/tests/fixtures/example-bundle");
    let written: Vec<String> = names(&out)
        .into_iter()
        .filter(|n| n.ends_with(".json"))
        .collect();
    assert_eq!(names(&fixture), written);
    for name in written {
        assert_eq!(
            read(&fixture.join(&name)),
            read(&out.join(&name)),
            "{name}: copy the example bundle into the fixture (mmpolicy bundle examples/deployment.toml --out DIR)"
        );
    }
}

#[test]
fn a_partial_deployment_writes_only_its_policies() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(&file, PARTIAL).unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        names(&out),
        [
            ".mmpolicy-bundle",
            "bundle.json",
            "ingress.key-policy.json",
            "ingress.secret-policy.json"
        ]
    );
    let text = std::fs::read_to_string(out.join("ingress.secret-policy.json")).unwrap();
    assert!(
        text.contains("arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/*"),
        "{text}"
    );
}

#[test]
fn a_json_deployment_works_too() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.json");
    std::fs::write(
        &file,
        r#"{"account_id": "111122223333", "region": "eu-west-1", "smtp-relay": {"relay_id": "*"}}"#,
    )
    .unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        names(&out),
        [
            ".mmpolicy-bundle",
            "bundle.json",
            "smtp-relay.key-policy.json",
            "smtp-relay.secret-policy.json"
        ]
    );
}

#[test]
fn a_bad_file_names_the_key_and_line_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(
        &file,
        format!("{PARTIAL}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/r\"\nexport_bucket = \"b\"\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "d.toml:9: unknown key `export_bucket` in `[archiving]`",
        ));
    assert!(!out.exists());
    assert_eq!(names(tmp.path()), ["d.toml"]);

    // JSON reports the line too.
    let file = tmp.path().join("d.json");
    std::fs::write(
        &file,
        "{\n  \"account_id\": \"111122223333\",\n  \"region\": \"eu-west-1\",\n  \"ingress\": {\"ingress_point\": \"x\"}\n}\n",
    )
    .unwrap();
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "d.json:4: unknown key `ingress_point` in `[ingress]`",
        ));
    assert!(!out.exists());
}

#[test]
fn a_failing_part_writes_nothing() {
    // Valid syntax, but the archive key is in another region: planning fails, nothing is
    // written, not even the ingress policies that would have rendered.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(
        &file,
        format!("{PARTIAL}[archiving]\narchive_id = \"*\"\nprincipal_arn = \"arn:aws:iam::111122223333:role/r\"\nkms_key_arn = \"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab\"\n"),
    )
    .unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("invalid `archiving.kms_key_arn`"));
    assert!(!out.exists());
}

#[test]
fn an_output_folder_that_cannot_be_written_is_reported_and_nothing_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(&file, PARTIAL).unwrap();
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();

    // Under a regular file: its parent is not a folder.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(blocker.join("out"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("cannot write the bundle to"));
    // The output itself is a regular file.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&blocker)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("exists and is not a folder"));
    assert_eq!(std::fs::read_to_string(&blocker).unwrap(), "not a folder");
    assert_eq!(names(tmp.path()), ["a-file", "d.toml"]);
}

#[test]
fn an_existing_folder_is_refused_unless_it_is_an_earlier_bundle_or_forced() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(&file, PARTIAL).unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();

    // Not empty and not a bundle: refused, untouched.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("pass `--force`"));
    assert_eq!(names(&out), ["notes.txt"]);

    // Forced: replaced as a whole.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    assert_eq!(
        names(&out),
        [
            ".mmpolicy-bundle",
            "bundle.json",
            "ingress.key-policy.json",
            "ingress.secret-policy.json"
        ]
    );

    // An earlier bundle is refreshed without `--force`; files it no longer plans are gone.
    std::fs::write(
        &file,
        "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n[smtp-relay]\nrelay_id = \"*\"\n",
    )
    .unwrap();
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        names(&out),
        [
            ".mmpolicy-bundle",
            "bundle.json",
            "smtp-relay.key-policy.json",
            "smtp-relay.secret-policy.json"
        ]
    );
    assert_eq!(names(tmp.path()), ["d.toml", "out"]);

    // An empty folder is simply filled.
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&empty)
        .assert()
        .success();
    assert_eq!(names(&empty).len(), 4);
}

#[test]
fn a_missing_file_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    mmpolicy()
        .arg("bundle")
        .arg(tmp.path().join("nope.toml"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("cannot read"));
    assert!(!tmp.path().join("out").exists());
}

/// Every file in `dir` with its contents, to show that a refused run changed nothing.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_bundle_folder_with_extra_files_or_a_junk_index_is_not_an_earlier_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(&file, PARTIAL).unwrap();
    let run = |out: &Path| {
        let mut cmd = mmpolicy();
        cmd.arg("bundle").arg(&file).arg("--out").arg(out);
        cmd
    };

    // A real earlier bundle, to which the user added a file of their own.
    let out = tmp.path().join("out");
    run(&out).assert().success();
    std::fs::write(out.join("my-notes.txt"), "mine").unwrap();
    let before = snapshot(&out);
    run(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "holds `my-notes.txt`, which its `bundle.json` does not list",
        ))
        .stderr(predicate::str::contains("pass `--force`"));
    assert_eq!(snapshot(&out), before);

    // A real earlier bundle with a sub-folder in it.
    std::fs::remove_file(out.join("my-notes.txt")).unwrap();
    std::fs::create_dir(out.join("drafts")).unwrap();
    run(&out).assert().code(2).stderr(predicate::str::contains(
        "holds `drafts`, which its `bundle.json` does not list",
    ));
    assert!(out.join("drafts").is_dir());
    std::fs::remove_dir(out.join("drafts")).unwrap();
    // Without them it is refreshed again.
    run(&out).assert().success();

    // A folder with a `bundle.json` that is not a bundle index, beside other files.
    let junk = tmp.path().join("junk");
    std::fs::create_dir(&junk).unwrap();
    std::fs::write(junk.join("bundle.json"), "{\"name\": \"my app\"}").unwrap();
    std::fs::copy(out.join(".mmpolicy-bundle"), junk.join(".mmpolicy-bundle")).unwrap();
    std::fs::write(junk.join("ingress.key-policy.json"), "{}").unwrap();
    let before = snapshot(&junk);
    run(&junk)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "its `bundle.json` is not a bundle index",
        ));
    assert_eq!(snapshot(&junk), before);

    // A folder named `bundle.json`.
    let odd = tmp.path().join("odd");
    std::fs::create_dir_all(odd.join("bundle.json")).unwrap();
    std::fs::copy(out.join(".mmpolicy-bundle"), odd.join(".mmpolicy-bundle")).unwrap();
    run(&odd).assert().code(2).stderr(predicate::str::contains(
        "its `bundle.json` is not a bundle index",
    ));
    assert!(odd.join("bundle.json").is_dir());

    // `--force` still replaces either.
    run(&junk).arg("--force").assert().success();
    assert_eq!(
        names(&junk),
        [
            ".mmpolicy-bundle",
            "bundle.json",
            "ingress.key-policy.json",
            "ingress.secret-policy.json"
        ]
    );
}

/// A rule set with `n` Write to S3 actions, bucket `i` named from `bucket(i)`.
fn many_writes(n: usize, bucket: impl Fn(usize) -> String) -> String {
    let mut s = String::from(
        "account_id = \"111122223333\"\nregion = \"us-east-1\"\n[rule-actions]\nrule_set_id = \"*\"\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "[[rule-actions.write-to-s3]]\nbucket = \"{}\"\nkey_prefix = \"inbound/\"\n",
            bucket(i)
        ));
    }
    s
}

#[test]
fn many_rule_actions_merge_into_a_role_policy_that_lints_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    std::fs::write(
        &file,
        many_writes(40, |i| format!("bucket-number-{i:02}-inbound-mail")),
    )
    .unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(out.join("rule-actions.role-policy.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    // One statement per kind of grant, each listing the 40 buckets.
    let statements = doc["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2, "{text}");
    for st in statements {
        assert_eq!(st["Resource"].as_array().unwrap().len(), 40, "{text}");
    }
    let report = mmpolicy_lint::lint_str(
        &text,
        Some(mmpolicy_lint::PolicyKind::Identity),
        mmpolicy_lint::Catalog::embedded(),
    )
    .unwrap();
    let codes: Vec<&str> = report.findings.iter().map(|f| f.rule.code()).collect();
    assert!(!codes.contains(&"E020"), "{codes:?}");
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.severity < mmpolicy_lint::Severity::Warning),
        "{codes:?}"
    );
}

#[test]
fn an_oversize_policy_is_refused_and_nothing_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("d.toml");
    // Long bucket names: even merged, 80 buckets are over 6,144 characters.
    std::fs::write(
        &file,
        many_writes(80, |i| {
            format!("bucket-number-{i:02}-with-a-rather-long-name-for-mail")
        }),
    )
    .unwrap();
    let out = tmp.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            ":3: `[rule-actions]` plans `rule-actions.role-policy.json` (identity policy) of ",
        ))
        .stderr(predicate::str::contains(
            "over AWS's limit of 6144: split `[rule-actions]`",
        ));
    assert!(!out.exists());
    assert_eq!(names(tmp.path()), ["d.toml"]);
}

#[test]
fn help_lists_every_registered_section_with_its_description() {
    let out = mmpolicy().args(["bundle", "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    let sections = mmpolicy::sections();
    assert!(sections.len() >= 4);
    // Help lines are wrapped: compare with white space collapsed.
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in sections {
        let described = format!("[{}] {}", s.name(), s.description());
        let described = described.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(&described),
            "`{}` missing from:\n{help}",
            s.name()
        );
    }
    assert!(help.contains("mmpolicy bundle deployment.toml --out policies/"));
    assert!(help.contains("`mmpolicy describe deployment`"));
    assert!(help.lines().all(|l| l.chars().count() <= 100), "{help}");
}

/// Writes the example with `--format format` into a new folder and returns it.
fn bundle_as(format: &str, tmp: &Path) -> PathBuf {
    let out = tmp.join(format);
    mmpolicy()
        .arg("bundle")
        .arg(example())
        .args(["--format", format, "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn format_json_is_the_default_and_writes_only_policies_and_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle_as("json", tmp.path());
    assert_eq!(names(&out).len(), 14, "{:?}", names(&out));
    assert!(
        !names(&out)
            .iter()
            .any(|n| !n.ends_with(".json") && n != ".mmpolicy-bundle")
    );
}

#[test]
fn format_cloudformation_writes_a_template_with_the_rule_set_role() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle_as("cloudformation", tmp.path());
    let names = names(&out);
    assert!(names.contains(&"template.yaml".to_owned()), "{names:?}");
    assert!(names.contains(&"merge-policies.sh".to_owned()), "{names:?}");
    assert!(names.contains(&"bundle.json".to_owned()), "{names:?}");
    let template = read(&out.join("template.yaml"));
    assert!(
        template.contains("RuleSetRole:\n    Type: AWS::IAM::Role"),
        "{template}"
    );
    assert!(template.contains("MailManagerRuleSetRole"), "{template}");
}

#[test]
fn format_terraform_writes_its_three_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle_as("terraform", tmp.path());
    let names = names(&out);
    for file in ["main.tf", "variables.tf", "outputs.tf", "merge-policies.sh"] {
        assert!(names.contains(&file.to_owned()), "{file}: {names:?}");
    }
    assert!(read(&out.join("main.tf")).contains("resource \"aws_iam_role\" \"rule_set_role\""));
}

#[test]
fn format_aws_cli_writes_an_executable_strict_script() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle_as("aws-cli", tmp.path());
    let script = read(&out.join("apply.sh"));
    assert!(script.starts_with("#!/usr/bin/env bash\n"), "{script}");
    assert!(script.contains("\nset -euo pipefail\n"), "{script}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("apply.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o100, 0o100, "apply.sh is not executable: {mode:o}");
        let policy = std::fs::metadata(out.join("bundle.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(policy & 0o111, 0, "bundle.json is executable: {policy:o}");
    }
}

#[test]
fn a_bundle_of_another_format_is_replaced_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bundle_as("terraform", tmp.path());
    mmpolicy()
        .arg("bundle")
        .arg(example())
        .args(["--format", "aws-cli", "--out"])
        .arg(&out)
        .assert()
        .success();
    let names = names(&out);
    assert!(names.contains(&"apply.sh".to_owned()), "{names:?}");
    assert!(!names.contains(&"main.tf".to_owned()), "{names:?}");
}
