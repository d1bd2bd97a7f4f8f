//! `mmpolicy lint`: exit codes, formats, kind guessing and `--catalog`.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

mod common;

use common::mmpolicy;
use predicates::prelude::*;
use serde_json::Value;
use std::path::PathBuf;

fn page(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../mmpolicy-lint/tests/fixtures/page")
        .join(format!("{name}.json"))
}

#[test]
fn clean_policy_exits_0() {
    mmpolicy()
        .args(["lint", "--kind", "secret"])
        .arg(page("smtp-relay-secret-policy"))
        .assert()
        .code(0)
        .stdout(predicate::str::ends_with(
            "smtp-relay-secret-policy.json: no findings\n",
        ));
}

#[test]
fn errors_exit_1_with_the_findings_on_stdout() {
    let out = mmpolicy()
        .args(["lint"])
        .arg(page("archiving-identity-policy"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("linted as kind `identity` (guessed: no statement names a principal; pass --kind to set it)"), "{text}");
    assert!(text.contains("archiving-identity-policy.json:25: warning[C005 resource-needs-star] /Statement/1/Action/0: `ses:ListArchives` may accept only `\"*\"`: the service authorization data of 2026-09-26 lists no resource type for it"), "{text}");
    assert!(
        text.ends_with("0 error(s), 0 security, 4 warning(s), 6 suggestion(s)\n"),
        "{text}"
    );
}

#[test]
fn suggestions_alone_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twice.json");
    std::fs::write(
        &file,
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["ses:GetArchive", "ses:GetArchive"],
            "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#,
    )
    .unwrap();
    mmpolicy()
        .args(["lint", "--kind", "identity"])
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "suggestion[U002 duplicate-action]",
        ));
}

#[test]
fn stdin_and_several_files() {
    mmpolicy()
        .args(["lint", "-", "--kind", "trust"])
        .write_stdin(std::fs::read_to_string(page("rules-trust-policy")).unwrap())
        .assert()
        .code(0)
        .stdout("<stdin>: no findings\n");
    // One failing file fails the run.
    mmpolicy()
        .arg("lint")
        .arg(page("rules-trust-policy"))
        .arg(page("deliver-to-mailbox-identity-policy"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("C006 malformed-arn"));
}

#[test]
fn json_format() {
    let out = mmpolicy()
        .args(["lint", "--format", "json"])
        .arg(page("ingress-key-policy"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let report = &v[0];
    assert_eq!(report["kind"], "key");
    assert_eq!(report["kind_source"]["source"], "guessed");
    let f = &report["findings"][0];
    assert_eq!(f["code"], "E006");
    assert_eq!(f["name"], "missing-statement");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["pointer"], "");
    assert_eq!(f["line"], 1);
}

#[test]
fn sarif_format() {
    let out = mmpolicy()
        .args(["lint", "--format", "sarif", "--kind", "identity"])
        .arg(page("archiving-identity-policy"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "mmpolicy");
    let rules = driver["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == "C005" && r["defaultConfiguration"]["level"] == "warning")
    );
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 10);
    // The page's `ForAnyValue:StringEquals` on a single-valued tag key is a warning.
    assert_eq!(results[0]["ruleId"], "C012");
    assert_eq!(results[0]["level"], "warning");
    let first = &results[1];
    assert_eq!(first["ruleId"], "C005");
    assert_eq!(
        rules[first["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "C005"
    );
    // Resting on the catalog's silence, C005 is a warning.
    assert_eq!(first["level"], "warning");
    let loc = &first["locations"][0];
    assert!(
        loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("archiving-identity-policy.json")
    );
    assert_eq!(loc["physicalLocation"]["region"]["startLine"], 25);
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "/Statement/1/Action/0"
    );
    // Suggestions are notes.
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "U003" && r["level"] == "note")
    );
}

/// The SARIF log of `mmpolicy lint --format sarif ARGS` run in `dir`, with `stdin`.
fn sarif_log(dir: &std::path::Path, args: &[&str], stdin: &str) -> Value {
    let out = mmpolicy()
        .current_dir(dir)
        .args(["lint", "--format", "sarif"])
        .args(args)
        .write_stdin(stdin)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

/// Every `artifactLocation` of a SARIF log: the artifacts' and the results'.
fn artifact_locations(log: &Value) -> Vec<Value> {
    let run = &log["runs"][0];
    let mut all: Vec<Value> = run["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["location"].clone())
        .collect();
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        all.push(r["locations"][0]["physicalLocation"]["artifactLocation"].clone());
    }
    all
}

#[test]
fn sarif_locates_a_file_given_by_absolute_path_with_a_file_uri_and_no_base() {
    let path = page("archiving-identity-policy");
    let log = sarif_log(std::path::Path::new("/"), &[path.to_str().unwrap()], "");
    for loc in artifact_locations(&log) {
        let uri = loc["uri"].as_str().unwrap();
        assert!(uri.starts_with("file:///"), "{loc}");
        assert!(
            uri.ends_with("/page/archiving-identity-policy.json"),
            "{loc}"
        );
        assert!(loc.get("uriBaseId").is_none(), "{loc}");
    }
}

#[test]
fn sarif_locates_a_file_given_by_relative_path_against_the_base() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../mmpolicy-lint/tests");
    let log = sarif_log(
        &dir,
        &["./fixtures/page/archiving-identity-policy.json"],
        "",
    );
    for loc in artifact_locations(&log) {
        assert_eq!(
            loc["uri"], "fixtures/page/archiving-identity-policy.json",
            "{loc}"
        );
        assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{loc}");
    }
}

#[test]
fn sarif_locates_stdin_without_a_base() {
    let text = std::fs::read_to_string(page("archiving-identity-policy")).unwrap();
    let log = sarif_log(std::path::Path::new("/"), &["-"], &text);
    for loc in artifact_locations(&log) {
        assert_eq!(loc["uri"], "stdin", "{loc}");
        assert!(loc.get("uriBaseId").is_none(), "{loc}");
    }
}

#[test]
fn unreadable_input_exits_2_with_nothing_on_stdout() {
    mmpolicy()
        .args(["lint", "/nonexistent/policy.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: cannot read `/nonexistent/policy.json`",
        ));
    mmpolicy()
        .args(["lint", "-"])
        .write_stdin("{\"Version\": ")
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: `<stdin>` is not valid JSON at line 1 column 12: EOF while parsing a value\n",
        );
    // A bad file among good ones: nothing is printed for the good ones either.
    mmpolicy()
        .arg("lint")
        .arg(page("rules-trust-policy"))
        .arg("/nonexistent/policy.json")
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn usage_errors_exit_2() {
    mmpolicy().args(["lint"]).assert().code(2).stdout("");
    mmpolicy()
        .args(["lint", "--kind", "role"])
        .arg(page("rules-trust-policy"))
        .assert()
        .code(2)
        .stdout("");
    mmpolicy()
        .args(["lint", "--format", "xml"])
        .arg(page("rules-trust-policy"))
        .assert()
        .code(2)
        .stdout("");
    mmpolicy()
        .args(["lint", "--catalog", "/nonexistent/iam-data"])
        .arg(page("rules-trust-policy"))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("is not a catalog snapshot"));
}

#[test]
fn catalog_dir_replaces_the_built_in_catalog() {
    // A snapshot that knows only `kms`: the `secretsmanager` action becomes unknown.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for sub in ["actions", "resourceTypes", "conditionKeys"] {
        std::fs::create_dir_all(data.join(sub)).unwrap();
    }
    std::fs::write(
        data.join("actions/kms.json"),
        r#"{"decrypt": {"name": "Decrypt", "resourceTypes": [{"name": "key", "required": true, "conditionKeys": []}], "conditionKeys": ["kms:ViaService"]}}"#,
    )
    .unwrap();
    std::fs::write(
        data.join("resourceTypes/kms.json"),
        r#"{"key": {"key": "key", "arn": "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}"}}"#,
    )
    .unwrap();
    std::fs::write(
        data.join("conditionKeys/kms.json"),
        r#"{"kms:viaservice": {"key": "kms:ViaService", "type": "String"}}"#,
    )
    .unwrap();
    std::fs::write(
        data.join("globalConditionKeys.json"),
        r#"[{"key": "aws:SourceAccount", "type": "String"}, {"key": "aws:SourceArn", "type": "ARN"}]"#,
    )
    .unwrap();
    mmpolicy()
        .args(["lint", "--kind", "key", "--catalog"])
        .arg(dir.path())
        .arg(page("smtp-relay-key-policy"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning[C002 unknown-action] /Statement/0/Action/1: the service authorization data lists no action `DescribeKey` in `kms`",
        ));
    mmpolicy()
        .args(["lint", "--kind", "secret", "--catalog"])
        .arg(dir.path())
        .arg(page("smtp-relay-secret-policy"))
        .assert()
        .code(1)
        .stdout(predicate::str::contains("C001 unknown-service"));
}

#[test]
fn stdin_given_twice_is_a_usage_error() {
    mmpolicy()
        .args(["lint", "-", "-"])
        .write_stdin(std::fs::read_to_string(page("rules-trust-policy")).unwrap())
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: `-` (stdin) is given 2 times, but stdin can be read only once: give it once, and the other documents as files\n",
        );
    // Once, beside a file, is fine.
    mmpolicy()
        .args(["lint", "--kind", "trust", "-"])
        .arg(page("rules-trust-policy"))
        .write_stdin(std::fs::read_to_string(page("rules-trust-policy")).unwrap())
        .assert()
        .code(0);
}

/// Writes the example deployment's bundle into a temporary folder; returns it and the folder.
fn example_bundle() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("policies");
    let example = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml");
    mmpolicy()
        .arg("bundle")
        .arg(example)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    (tmp, out)
}

/// The `file: linted as kind ...` lines of a text output, with the folder cut off.
fn kind_lines(text: &str, dir: &std::path::Path) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    text.lines()
        .filter(|l| l.contains(": linted as kind ") || l.contains(": kind unknown"))
        .map(|l| l.replace(&prefix, ""))
        .collect()
}

#[test]
fn a_bundle_is_linted_from_its_folder_or_its_index_with_the_kinds_it_gives() {
    let (_tmp, dir) = example_bundle();
    let index = dir.join("bundle.json");
    for arg in [dir.clone(), index.clone()] {
        let out = mmpolicy()
            .arg("lint")
            .arg(&arg)
            .assert()
            // Clean at `warning` and above: see `the_example_bundle_lints_clean`.
            .code(0)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with(&format!(
                "{}: bundle index: linting the 12 policies it lists, each as the kind it gives\n",
                index.display()
            )),
            "{text}"
        );
        let kinds = kind_lines(&text, &dir);
        assert_eq!(kinds.len(), 12, "{text}");
        assert!(
            kinds.contains(
                &"archiving.key-policy.json: linted as kind `key` (from the bundle index `bundle.json`)"
                    .to_owned()
            ),
            "{kinds:?}"
        );
        assert!(!text.contains("error["), "{text}");
    }
}

#[test]
fn a_bundle_index_among_the_policy_files_is_not_linted_as_a_policy() {
    let (_tmp, dir) = example_bundle();
    // What `policies/*.json` gives: the dot file marking the folder as a bundle is not in it.
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 13);
    let out = mmpolicy()
        .arg("lint")
        .args(&files)
        .assert()
        // Clean at `warning` and above: see `the_example_bundle_lints_clean`.
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    // Each policy once, with the index's kind; the index itself is no policy.
    let kinds = kind_lines(&text, &dir);
    assert_eq!(kinds.len(), 12, "{text}");
    assert!(
        kinds.iter().all(|l| l.contains("(from the bundle index")),
        "{text}"
    );
    assert!(!text.contains("bundle.json: no findings"), "{text}");
    assert!(!text.contains("E0"), "{text}");
    // In JSON, each report names the index that gave its kind.
    let out = mmpolicy()
        .args(["lint", "--format", "json"])
        .args(&files)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let reports = v.as_array().unwrap();
    assert_eq!(reports.len(), 12);
    assert!(
        reports
            .iter()
            .all(|r| r["bundle_index"].as_str().unwrap().ends_with("bundle.json"))
    );
}

#[test]
fn a_folder_without_a_bundle_index_is_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    mmpolicy()
        .arg("lint")
        .arg(tmp.path())
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "is a folder without a bundle index (`bundle.json`): give the policy files instead",
        ));
    // An index whose entry has no kind.
    let index = tmp.path().join("bundle.json");
    std::fs::write(&index, r#"{"policies": [{"file": "a.json"}]}"#).unwrap();
    mmpolicy()
        .arg("lint")
        .arg(&index)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "policy 0 has no `file` or no `kind`: regenerate it with `mmpolicy bundle`",
        ));
}

#[test]
fn explain_prints_each_rules_help_in_plain_text() {
    for rule in mmpolicy_lint::Rule::ALL {
        for code in [rule.code().to_owned(), rule.code().to_lowercase()] {
            let out = mmpolicy()
                .args(["lint", "--explain", &code])
                .assert()
                .code(0)
                .stderr("")
                .get_output()
                .stdout
                .clone();
            let text = String::from_utf8(out).unwrap();
            assert_eq!(text, rule.help_text(), "{code}");
            assert!(
                !text.contains('`') && !text.contains("**"),
                "{code}: {text}"
            );
        }
    }
    mmpolicy()
        .args(["lint", "--explain", "resource-needs-star"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "C005 resource-needs-star (warning)\n",
        ));
}

#[test]
fn explain_refuses_an_unknown_rule_naming_the_closest() {
    mmpolicy()
        .args(["lint", "--explain", "C05"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: unknown rule `C05`: did you mean `C005` (resource-needs-star)",
        ));
    mmpolicy()
        .args(["lint", "--explain", "nothing-like-it"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: unknown rule `nothing-like-it`: give a code from `E001` to `U003` (`mmpolicy lint --explain CODE` describes each)\n",
        );
}

#[test]
fn explain_takes_no_files() {
    mmpolicy()
        .args(["lint", "--explain", "C005"])
        .arg(page("rules-trust-policy"))
        .assert()
        .code(2)
        .stdout("");
}

/// The codes of the findings in a `--format json` output.
fn json_codes(args: &[&str], file: &std::path::Path) -> Vec<String> {
    let out = mmpolicy()
        .arg("lint")
        .args(args)
        .args(["--format", "json"])
        .arg(file)
        .output()
        .unwrap();
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    reports[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn select_and_ignore_keep_and_drop_rules_by_code_name_or_prefix() {
    let file = page("archiving-identity-policy");
    let all = json_codes(&["--kind", "identity"], &file);
    assert!(
        all.contains(&"C005".to_owned()) && all.contains(&"U003".to_owned()),
        "{all:?}"
    );
    let only_c005 = json_codes(&["--kind", "identity", "--select", "c005"], &file);
    assert!(
        !only_c005.is_empty() && only_c005.iter().all(|c| c == "C005"),
        "{only_c005:?}"
    );
    // A prefix selects a group; names and comma lists work; --ignore applies after --select.
    let catalog = json_codes(&["--kind", "identity", "--select", "C"], &file);
    assert!(catalog.iter().all(|c| c.starts_with('C')), "{catalog:?}");
    assert!(catalog.contains(&"C012".to_owned()), "{catalog:?}");
    let ignored = json_codes(
        &[
            "--kind",
            "identity",
            "--select",
            "C",
            "--ignore",
            "resource-needs-star,U",
        ],
        &file,
    );
    assert_eq!(ignored, ["C012"]);
    // Only suggestions left: exit 0.
    mmpolicy()
        .args(["lint", "--kind", "identity", "--select", "U"])
        .arg(&file)
        .assert()
        .code(0);
}

#[test]
fn select_keeps_every_rule_in_the_sarif_driver_and_only_selected_results() {
    let out = mmpolicy()
        .args([
            "lint", "--kind", "identity", "--format", "sarif", "--ignore", "U003",
        ])
        .arg(page("archiving-identity-policy"))
        .output()
        .unwrap();
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "U003"));
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["ruleId"] != "U003"), "{results:?}");
}

#[test]
fn an_unknown_rule_in_select_or_ignore_is_a_usage_error_naming_the_closest() {
    for flag in ["--select", "--ignore"] {
        mmpolicy()
            .args(["lint", flag, "S01O"])
            .arg(page("archiving-identity-policy"))
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "unknown rule `S01O`: did you mean `S010`",
            ));
    }
}

/// What mmpolicy's own example bundle gets from `mmpolicy lint` with the defaults: nothing.
/// Key, secret and bucket policies are lists of statements to merge, which
/// `S014 key-without-administrator` leaves alone, and the archiving policies carry no
/// confused-deputy condition, which `S008` would report since archiving sends none.
#[test]
fn the_example_bundle_lints_clean() {
    let (_tmp, dir) = example_bundle();
    let out = mmpolicy()
        .args(["lint", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let reports: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<String> = reports
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            let file = r["file"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned();
            r["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(move |f| {
                    format!(
                        "{file} {} {}",
                        f["code"].as_str().unwrap(),
                        f["pointer"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(found, Vec::<String>::new());
}
