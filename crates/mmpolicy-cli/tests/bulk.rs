//! `mmpolicy bulk` end to end: output against `mmpolicy render`, files left behind, exit codes.
#![allow(
    clippy::unwrap_used,
    reason = "helpers outside #[test] functions; a failed unwrap fails the test"
)]

mod common;

use common::{listing, mmpolicy};
use mmpolicy_bulk::testdata;
use std::path::Path;

#[test]
fn bulk_output_equals_render_for_every_provider() {
    let dir = tempfile::tempdir().unwrap();
    for provider in mmpolicy::registry().iter() {
        let input = dir.path().join(format!("{}.ndjson", provider.id()));
        std::fs::write(&input, testdata::ndjson(provider, 4, testdata::SEED)).unwrap();
        let out = mmpolicy()
            .args(["bulk", provider.id(), "--input"])
            .arg(&input)
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let out = String::from_utf8(out).unwrap();
        let params = std::fs::read_to_string(&input).unwrap();
        assert_eq!(out.lines().count(), 4);
        for (line, got) in params.lines().zip(out.lines()) {
            let rendered = mmpolicy()
                .args(["render", provider.id(), "--compact", "--params", "-"])
                .write_stdin(line)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone();
            assert_eq!(format!("{got}\n"), String::from_utf8(rendered).unwrap());
        }
    }
}

#[test]
fn order_is_kept_with_four_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let provider = mmpolicy::registry().get("ingress.key-policy").unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, testdata::ndjson(provider, 10_000, testdata::SEED)).unwrap();
    let run = |jobs: &str, out: &str| {
        mmpolicy()
            .args(["bulk", provider.id(), "--jobs", jobs, "--input"])
            .arg(&input)
            .arg("--output")
            .arg(dir.path().join(out))
            .assert()
            .success()
            .stdout("");
        std::fs::read_to_string(dir.path().join(out)).unwrap()
    };
    let one = run("1", "one.ndjson");
    let four = run("4", "four.ndjson");
    assert_eq!(one.lines().count(), 10_000);
    assert_eq!(four, one);
}

/// 300 generated sets for `ingress.secret-policy` with line 150 given a bad region.
fn input_with_bad_line(dir: &Path) -> std::path::PathBuf {
    let provider = mmpolicy::registry().get("ingress.secret-policy").unwrap();
    let mut sets = testdata::param_sets(provider, 300, testdata::SEED);
    sets[149]["region"] = "mars-east-1".into();
    let text: String = sets.iter().map(|s| format!("{s}\n")).collect();
    let input = dir.join("in.ndjson");
    std::fs::write(&input, text).unwrap();
    input
}

#[test]
fn a_bad_line_fails_cleanly_leaving_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let input = input_with_bad_line(dir.path());
    let out = dir.path().join("out.ndjson");
    let assert = mmpolicy()
        .current_dir(dir.path())
        .args([
            "bulk",
            "ingress.secret-policy",
            "--input",
            "in.ndjson",
            "--output",
        ])
        .arg(&out)
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.starts_with(
            "error: in.ndjson:150: invalid `region` `mars-east-1`: not a known AWS region code"
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(listing(dir.path()), ["in.ndjson"]);
    assert!(input.exists());

    // The same with one file per set: no directory is left either.
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
        .args(["--out-dir", "policies", "--name-from", "account_id"])
        .assert()
        .code(2);
    assert_eq!(listing(dir.path()), ["in.ndjson"]);
}

#[test]
fn keep_going_reports_the_bad_line_and_renders_the_others() {
    let dir = tempfile::tempdir().unwrap();
    input_with_bad_line(dir.path());
    let assert = mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
        .args(["--output", "out.ndjson", "--keep-going", "--jobs", "3"])
        .assert()
        .code(1)
        .stdout("");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("error: in.ndjson:150: invalid `region` `mars-east-1`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 of 300 lines failed; they are listed in `out.ndjson.errors.ndjson`"),
        "{stderr}"
    );
    assert_eq!(
        listing(dir.path()),
        ["in.ndjson", "out.ndjson", "out.ndjson.errors.ndjson"]
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.ndjson"))
            .unwrap()
            .lines()
            .count(),
        299
    );
    let errors = std::fs::read_to_string(dir.path().join("out.ndjson.errors.ndjson")).unwrap();
    let errors: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["line"], 150);
    assert_eq!(errors[0]["field"], "region");

    // `--errors` names the file; a run without failures leaves none.
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
        .args(["--keep-going", "--errors", "bad.ndjson"])
        .assert()
        .code(1);
    assert!(dir.path().join("bad.ndjson").exists());
    std::fs::write(
        dir.path().join("good.ndjson"),
        "{\"account_id\":\"111122223333\",\"region\":\"eu-west-1\",\"ingress_point_id\":\"*\"}\n",
    )
    .unwrap();
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "good.ndjson"])
        .args(["--keep-going", "--output", "good.out"])
        .assert()
        .success();
    assert!(!dir.path().join("good.out.errors.ndjson").exists());
}

#[test]
fn csv_and_ndjson_inputs_give_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    for provider in mmpolicy::registry().iter() {
        let sets = testdata::param_sets(provider, 200, testdata::SEED);
        let ndjson: String = sets.iter().map(|s| format!("{s}\n")).collect();
        std::fs::write(dir.path().join("sets.ndjson"), ndjson).unwrap();
        std::fs::write(dir.path().join("sets.csv"), testdata::to_csv(&sets)).unwrap();
        std::fs::write(dir.path().join("sets.txt"), testdata::to_csv(&sets)).unwrap();
        let run = |args: &[&str]| {
            mmpolicy()
                .current_dir(dir.path())
                .args(["bulk", provider.id(), "--input"])
                .args(args)
                .assert()
                .success()
                .get_output()
                .stdout
                .clone()
        };
        let from_ndjson = run(&["sets.ndjson"]);
        assert_eq!(from_ndjson.iter().filter(|b| **b == b'\n').count(), 200);
        assert_eq!(run(&["sets.csv"]), from_ndjson, "{}", provider.id());
        assert_eq!(
            run(&["sets.txt", "--input-format", "csv"]),
            from_ndjson,
            "{}",
            provider.id()
        );
    }
}

#[test]
fn empty_input_gives_empty_output() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.ndjson"), "").unwrap();
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.key-policy", "--input", "empty.ndjson"])
        .args(["--output", "out.ndjson"])
        .assert()
        .success()
        .stdout("")
        .stderr("");
    assert_eq!(std::fs::read(dir.path().join("out.ndjson")).unwrap(), b"");
    mmpolicy()
        .args(["bulk", "ingress.key-policy", "--input", "-"])
        .write_stdin("")
        .assert()
        .success()
        .stdout("");
}

#[test]
fn out_dir_writes_one_policy_per_set_and_an_index() {
    let dir = tempfile::tempdir().unwrap();
    let input = "account_id,region,relay_id\n\
                 111122223333,eu-west-1,*\n\
                 444455556666,us-east-1,r-1a2b\n";
    std::fs::write(dir.path().join("relays.csv"), input).unwrap();
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "smtp-relay.key-policy", "--input", "relays.csv"])
        .args(["--out-dir", "policies", "--name-from", "account_id"])
        .assert()
        .success()
        .stdout("");
    let out = dir.path().join("policies");
    assert_eq!(
        listing(&out),
        ["111122223333.json", "444455556666.json", "index.ndjson"]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("index.ndjson")).unwrap(),
        "{\"line\":2,\"name\":\"111122223333\",\"file\":\"111122223333.json\"}\n\
         {\"line\":3,\"name\":\"444455556666\",\"file\":\"444455556666.json\"}\n"
    );
    let rendered = mmpolicy()
        .args(["render", "smtp-relay.key-policy"])
        .args([
            "--set",
            "account_id=444455556666",
            "--set",
            "region=us-east-1",
        ])
        .args(["--set", "relay_id=r-1a2b"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(
        std::fs::read(out.join("444455556666.json")).unwrap(),
        rendered
    );

    // The directory now holds files: a second run refuses it and leaves it as it was.
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "smtp-relay.key-policy", "--input", "relays.csv"])
        .args(["--out-dir", "policies", "--name-from", "account_id"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: `policies` is not empty: choose a new `--out-dir`",
        ));
    assert_eq!(listing(&out).len(), 3);
}

#[test]
fn out_dir_names_must_be_safe_and_unique() {
    let dir = tempfile::tempdir().unwrap();
    let input = "account_id,region,relay_id\n\
                 111122223333,eu-west-1,r-1\n\
                 111122223333,us-east-1,r-2\n";
    std::fs::write(dir.path().join("relays.csv"), input).unwrap();
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "smtp-relay.key-policy", "--input", "relays.csv"])
        .args(["--out-dir", "policies", "--name-from", "account_id"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "relays.csv:3: invalid `account_id` `111122223333`: an earlier line already names a file",
        ));
    assert_eq!(listing(dir.path()), ["relays.csv"]);
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "smtp-relay.key-policy", "--input", "relays.csv"])
        .args([
            "--out-dir",
            "policies",
            "--name-from",
            "relay_id",
            "--keep-going",
        ])
        .assert()
        .success();
    assert_eq!(
        listing(&dir.path().join("policies")),
        ["index.ndjson", "r-1.json", "r-2.json"]
    );
}

#[test]
fn usage_errors_exit_2_before_reading() {
    for args in [
        &[
            "bulk",
            "ingress.secret-policy",
            "--input",
            "-",
            "--jobs",
            "0",
        ][..],
        &["bulk", "ingres.secret-policy", "--input", "-"],
        &[
            "bulk",
            "ingress.secret-policy",
            "--input",
            "-",
            "--name-from",
            "x",
        ],
        &[
            "bulk",
            "ingress.secret-policy",
            "--input",
            "-",
            "--errors",
            "e.ndjson",
        ],
        &[
            "bulk",
            "ingress.secret-policy",
            "--input",
            "does-not-exist.ndjson",
        ],
    ] {
        mmpolicy()
            .args(args)
            .write_stdin("")
            .assert()
            .code(2)
            .stdout("");
    }
    mmpolicy()
        .args([
            "bulk",
            "ingress.secret-policy",
            "--input",
            "-",
            "--input-format",
            "csv",
        ])
        .write_stdin("account_id,,region\n")
        .assert()
        .code(2)
        .stderr(
            "error: <stdin>: the CSV header's column 2 is empty: name the parameter it holds\n",
        );
}
