//! What mmpolicy writes, and what it reads: outputs never destroy inputs or the user's files,
//! temporaries do not outlive a run, inputs are bounded, and I/O failures exit 2 with the path.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on a broken setup"
)]

mod common;

use assert_cmd::Command;
use common::{listing, mmpolicy};
use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// Two valid parameter sets of `ingress.secret-policy`, one a line.
const SETS: &str = "{\"account_id\":\"111122223333\",\"region\":\"eu-west-1\",\"ingress_point_id\":\"*\"}\n\
                    {\"account_id\":\"444455556666\",\"region\":\"us-east-1\",\"ingress_point_id\":\"*\"}\n";

/// A deployment asking for the ingress policies.
const DEPLOYMENT: &str = "account_id = \"111122223333\"\nregion = \"eu-west-1\"\n\n[ingress]\ningress_point_id = \"*\"\n";

/// A folder with `in.ndjson` holding [`SETS`].
fn with_input() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.ndjson");
    std::fs::write(&input, SETS).unwrap();
    (dir, input)
}

/// A folder with `d.toml` holding [`DEPLOYMENT`].
fn with_deployment() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("d.toml");
    std::fs::write(&file, DEPLOYMENT).unwrap();
    (dir, file)
}

fn bulk(dir: &Path) -> Command {
    let mut cmd = mmpolicy();
    cmd.current_dir(dir)
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"]);
    cmd
}

#[test]
fn bulk_refuses_an_output_that_is_the_input_or_another_output() {
    let (dir, input) = with_input();
    let cases: [&[&str]; 5] = [
        &["--output", "in.ndjson"],
        &["--output", "./sub/../in.ndjson"],
        &[
            "--output",
            "out.ndjson",
            "--keep-going",
            "--errors",
            "in.ndjson",
        ],
        &[
            "--output",
            "out.ndjson",
            "--keep-going",
            "--errors",
            "out.ndjson",
        ],
        &[
            "--output",
            "new.ndjson",
            "--keep-going",
            "--errors",
            "./new.ndjson",
        ],
    ];
    for args in cases {
        bulk(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("the same file"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), SETS, "{args:?}");
        assert_eq!(listing(dir.path()), ["in.ndjson"], "{args:?}");
    }
    // Another name of the same file (a hard link, a symbolic link) is the same file.
    std::fs::hard_link(&input, dir.path().join("hard.ndjson")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, dir.path().join("soft.ndjson")).unwrap();
    for other in ["hard.ndjson", "soft.ndjson"] {
        if !dir.path().join(other).exists() {
            continue;
        }
        bulk(dir.path())
            .args(["--output", other])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("the same file"));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), SETS, "{other}");
    }
    // Standard output appended to the input is the input too.
    #[cfg(unix)]
    {
        let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("mmpolicy"))
            .current_dir(dir.path())
            .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
            .stdout(
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(&input)
                    .unwrap(),
            )
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(2));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), SETS);
    }
}

#[test]
fn bundle_refuses_an_out_folder_holding_the_deployment_file() {
    let (dir, file) = with_deployment();
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(dir.path())
        .arg("--force")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds the deployment file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), DEPLOYMENT);
}

#[test]
fn bundle_deletes_nothing_a_forged_index_lists() {
    let (dir, file) = with_deployment();
    let out = dir.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let marker = std::fs::read(out.join(".mmpolicy-bundle")).unwrap();
    let forged = |listed: &str| {
        format!(
            r#"{{"account_id":"111122223333","region":"eu-west-1","partition":"aws","policies":[{{"file":"{listed}","providers":["x"],"kind":"key","attach_to":"x"}}]}}"#
        )
    };
    // A hand-written index without the marker, one listing a nested path, and one listing a
    // top-level file that is no policy of mmpolicy's: each refused, nothing deleted.
    let cases = [
        ("docs/thesis.docx", false),
        ("docs/thesis.docx", true),
        ("thesis.docx", true),
        ("notes.json", true),
    ];
    for (listed, with_marker) in cases {
        let victim = dir.path().join("victim");
        let _ = std::fs::remove_dir_all(&victim);
        std::fs::create_dir_all(victim.join("docs")).unwrap();
        std::fs::write(victim.join("bundle.json"), forged(listed)).unwrap();
        std::fs::write(victim.join(listed), "my thesis").unwrap();
        if with_marker {
            std::fs::write(victim.join(".mmpolicy-bundle"), &marker).unwrap();
        }
        mmpolicy()
            .arg("bundle")
            .arg(&file)
            .arg("--out")
            .arg(&victim)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("is not an earlier bundle"));
        assert_eq!(
            std::fs::read_to_string(victim.join(listed)).unwrap(),
            "my thesis",
            "{listed}"
        );
    }
}

#[test]
fn a_parked_bundle_of_a_killed_run_is_put_back() {
    let (dir, file) = with_deployment();
    // What a run killed between its two renames leaves: the old folder parked, `out` missing.
    let park = dir.path().join(".mmpolicy-bundle-old-999999999-abc");
    std::fs::create_dir_all(park.join("old")).unwrap();
    std::fs::write(park.join("target"), "out").unwrap();
    std::fs::write(park.join("old").join("mine.txt"), "mine").unwrap();
    let old = std::fs::File::open(&park).unwrap();
    old.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(3600))
        .unwrap();
    let out = dir.path().join("out");
    // The folder is back, with the user's file, so this run refuses to replace it.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("note: put back"));
    assert_eq!(
        std::fs::read_to_string(out.join("mine.txt")).unwrap(),
        "mine"
    );
    assert_eq!(listing(dir.path()), ["d.toml", "out"]);
}

#[test]
fn stale_temporaries_of_a_killed_run_are_removed_and_fresh_ones_kept() {
    let (dir, file) = with_deployment();
    std::fs::write(dir.path().join("in.ndjson"), SETS).unwrap();
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let stale_file = dir.path().join(".mmpolicy-bulk-999999999-x.tmp");
    std::fs::write(&stale_file, "half").unwrap();
    std::fs::File::open(&stale_file)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let stale_dir = dir.path().join(".mmpolicy-bundle-999999999-y");
    std::fs::create_dir(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("bundle.json"), "{}").unwrap();
    std::fs::write(stale_dir.join("ingress.key-policy.json"), "{}").unwrap();
    std::fs::File::open(&stale_dir)
        .unwrap()
        .set_modified(hour_ago)
        .unwrap();
    let fresh = dir.path().join(".mmpolicy-bulk-999999999-z.tmp");
    std::fs::write(&fresh, "maybe in use").unwrap();
    bulk(dir.path())
        .args(["--output", "out.ndjson"])
        .assert()
        .success();
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("policies"))
        .assert()
        .success();
    assert_eq!(
        listing(dir.path()),
        [
            ".mmpolicy-bulk-999999999-z.tmp",
            "d.toml",
            "in.ndjson",
            "out.ndjson",
            "policies"
        ]
    );
}

#[test]
fn bundle_refuses_a_repository_home_or_current_folder_even_with_force() {
    let (dir, file) = with_deployment();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::write(repo.join("code.rs"), "fn main() {}").unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join("letter.txt"), "dear").unwrap();
    let cwd = dir.path().join("work");
    std::fs::create_dir_all(&cwd).unwrap();
    std::fs::write(cwd.join("draft.txt"), "draft").unwrap();
    for (out, why) in [
        (repo.clone(), "`.git`"),
        (home.clone(), "your home folder"),
        (cwd.clone(), "the current folder"),
        (dir.path().to_path_buf(), "the current folder"),
    ] {
        mmpolicy()
            .current_dir(&cwd)
            .env("HOME", &home)
            .arg("bundle")
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .arg("--force")
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(why));
    }
    assert!(repo.join("code.rs").exists() && repo.join(".git").is_dir());
    assert!(home.join("letter.txt").exists() && cwd.join("draft.txt").exists());
}

#[cfg(unix)]
#[test]
fn bundle_writes_through_a_symlinked_out_folder() {
    let (dir, file) = with_deployment();
    let real = dir.path().join("real");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    // A link to nothing is refused.
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("symbolic link"));
    std::fs::create_dir(&real).unwrap();
    for _ in 0..2 {
        mmpolicy()
            .arg("bundle")
            .arg(&file)
            .arg("--out")
            .arg(&link)
            .assert()
            .success();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(real.join("bundle.json").is_file());
    }
    assert_eq!(listing(dir.path()), ["d.toml", "link", "real"]);
}

#[cfg(unix)]
#[test]
fn bulk_writes_through_a_symlinked_or_hard_linked_output() {
    let (dir, _) = with_input();
    let target = dir.path().join("target.ndjson");
    std::fs::write(&target, "old\n").unwrap();
    std::os::unix::fs::symlink("target.ndjson", dir.path().join("link.ndjson")).unwrap();
    bulk(dir.path())
        .args(["--output", "link.ndjson"])
        .assert()
        .success();
    assert!(
        std::fs::symlink_metadata(dir.path().join("link.ndjson"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&target).unwrap();
    assert_eq!(written.lines().count(), 2, "{written}");

    std::fs::write(&target, "old\n").unwrap();
    std::fs::hard_link(&target, dir.path().join("hard.ndjson")).unwrap();
    bulk(dir.path())
        .args(["--output", "hard.ndjson"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), written);
}

#[cfg(unix)]
#[test]
fn a_signal_during_bulk_removes_its_temporary_file() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    for (signal, code) in [("TERM", 143), ("INT", 130), ("HUP", 129)] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mmpolicy"))
            .current_dir(dir.path())
            .args(["bulk", "ingress.secret-policy", "--input", "-"])
            .args(["--output", "out.ndjson", "--jobs", "1"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(SETS.as_bytes()).unwrap();
        stdin.flush().unwrap();
        // Wait for the temporary output to appear (the run then waits for more input).
        let mut seen = false;
        for _ in 0..600 {
            if listing(dir.path())
                .iter()
                .any(|n| n.starts_with(".mmpolicy-"))
            {
                seen = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        assert!(seen, "no temporary file appeared");
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        drop(stdin);
        assert_eq!(status.code(), Some(code), "{signal}");
        assert!(
            listing(dir.path()).is_empty(),
            "{signal}: {:?}",
            listing(dir.path())
        );
    }
}

#[test]
fn bulk_stops_at_a_line_over_one_mib() {
    let dir = tempfile::tempdir().unwrap();
    let mut long = String::from("{\"account_id\":\"");
    long.push_str(&"1".repeat(1 << 20));
    long.push_str("\"}\n");
    std::fs::write(dir.path().join("in.ndjson"), format!("{SETS}{long}")).unwrap();
    bulk(dir.path())
        .args(["--output", "out.ndjson", "--keep-going"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "in.ndjson: line 3 is longer than 1 MiB, the limit for one line",
        ));
    assert_eq!(listing(dir.path()), ["in.ndjson"]);
    // A file with no line end at all stops as soon as the limit is passed.
    for format in ["ndjson", "csv"] {
        mmpolicy()
            .current_dir(dir.path())
            .args(["bulk", "ingress.secret-policy", "--input", "/dev/zero"])
            .args(["--input-format", format, "--output", "out.ndjson"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("line 1 is longer than 1 MiB"));
        assert_eq!(listing(dir.path()), ["in.ndjson"], "{format}");
    }
}

#[test]
fn input_files_over_16_mib_are_refused_naming_the_limit() {
    let big = vec![b' '; (16 << 20) + 1];
    let cases: [&[&str]; 3] = [
        &["render", "ingress.secret-policy", "--params", "-"],
        &["bundle", "-", "--out", "never"],
        &["lint", "-"],
    ];
    for args in cases {
        mmpolicy()
            .args(args)
            .write_stdin(big.clone())
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(
                "standard input is larger than 16 MiB, the limit for one input file",
            ));
    }
    mmpolicy()
        .args(["render", "ingress.secret-policy", "--params", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`/dev/zero` is larger than 16 MiB",
        ));
}

#[test]
fn lint_reads_only_regular_files_inside_a_bundle_folder() {
    let (dir, file) = with_deployment();
    let out = dir.path().join("out");
    mmpolicy()
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let index_path = out.join("bundle.json");
    let index = std::fs::read_to_string(&index_path).unwrap();
    let mut listed = vec![
        "../../etc/passwd",
        "/etc/passwd",
        "ingress.key-policy.json/",
    ];
    #[cfg(unix)]
    {
        let fifo = out.join("fifo.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        listed.push("fifo.json");
    }
    for entry in listed {
        let forged = index.replacen("ingress.key-policy.json", entry, 1);
        std::fs::write(&index_path, forged).unwrap();
        mmpolicy()
            .arg("lint")
            .arg(&out)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("lists `{entry}`")));
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_standard_output_exits_2_naming_it() {
    let (dir, file) = with_deployment();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("mmpolicy"))
        .arg("bundle")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot write to standard output: no space left on device\n"
    );
    std::fs::write(dir.path().join("in.ndjson"), SETS).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("mmpolicy"))
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
        .stdout(full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: cannot write to standard output: no space left on device\n"
    );
    mmpolicy()
        .current_dir(dir.path())
        .args(["bulk", "ingress.secret-policy", "--input", "in.ndjson"])
        .args(["--output", "/dev/full"])
        .assert()
        .code(2)
        .stderr("error: cannot write `/dev/full`: no space left on device\n");
}

#[test]
fn a_clean_keep_going_run_leaves_no_errors_file() {
    let (dir, _) = with_input();
    let errors = dir.path().join("out.ndjson.errors.ndjson");
    std::fs::write(&errors, "{\"line\":1,\"field\":null,\"error\":\"old\"}\n").unwrap();
    bulk(dir.path())
        .args(["--output", "out.ndjson", "--keep-going"])
        .assert()
        .success();
    assert!(!errors.exists());
    assert_eq!(listing(dir.path()), ["in.ndjson", "out.ndjson"]);
}

#[test]
fn with_line_wraps_each_policy_with_its_input_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.ndjson"), format!("nope\n{SETS}")).unwrap();
    let out = bulk(dir.path())
        .args(["--keep-going", "--with-line"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[1]["line"], 3);
    // A secret policy: the statements to merge.
    assert_eq!(lines[0]["policy"][0]["Effect"], "Allow");
}

#[test]
fn a_line_that_is_not_json_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    for (bad, column) in [("nope", 2), ("tx", 2), ("123abc", 4)] {
        std::fs::write(dir.path().join("in.ndjson"), format!("{SETS}{bad}\n")).unwrap();
        bulk(dir.path())
            .assert()
            .code(2)
            .stderr(predicate::str::starts_with(
                "error: in.ndjson:3: the line is not valid JSON (",
            ))
            .stderr(predicate::str::contains(format!("at column {column})")));
    }
}

#[test]
fn bundle_of_toml_on_stdin_says_how_to_read_it() {
    let (dir, _) = with_deployment();
    let out = dir.path().join("out");
    mmpolicy()
        .args(["bundle", "-", "--out"])
        .arg(&out)
        .write_stdin(DEPLOYMENT)
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: standard input is not JSON: `bundle -` reads JSON; for TOML, add `--input-format toml` or give the file's path\n",
        );
    assert!(!out.exists());
    mmpolicy()
        .args(["bundle", "-", "--input-format", "toml", "--out"])
        .arg(&out)
        .write_stdin(DEPLOYMENT)
        .assert()
        .success();
    assert!(out.join("ingress.key-policy.json").is_file());
}

/// The mode of a file or folder.
#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs mmpolicy under `umask`, in `dir`.
#[cfg(unix)]
fn under_umask(umask: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!("umask {umask}; exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("mmpolicy"))
        .args(args)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn written_files_respect_the_umask() {
    for (umask, file_mode, dir_mode) in [("022", 0o644, 0o755), ("077", 0o600, 0o700)] {
        let (dir, _) = with_input();
        std::fs::write(dir.path().join("d.toml"), DEPLOYMENT).unwrap();
        std::fs::write(dir.path().join("bad.ndjson"), format!("{SETS}nope\n")).unwrap();
        let base = ["bulk", "ingress.secret-policy", "--input"];
        let out = under_umask(
            umask,
            dir.path(),
            &[&base[..], &["in.ndjson", "--output", "out.ndjson"]].concat(),
        );
        assert!(out.status.success(), "{out:?}");
        let out = under_umask(
            umask,
            dir.path(),
            &[
                &base[..],
                &["bad.ndjson", "--output", "bad.out", "--keep-going"],
            ]
            .concat(),
        );
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let out = under_umask(
            umask,
            dir.path(),
            &[
                &base[..],
                &[
                    "in.ndjson",
                    "--out-dir",
                    "each",
                    "--name-from",
                    "account_id",
                ],
            ]
            .concat(),
        );
        assert!(out.status.success(), "{out:?}");
        let out = under_umask(
            umask,
            dir.path(),
            &["bundle", "d.toml", "--out", "policies"],
        );
        assert!(out.status.success(), "{out:?}");
        let d = dir.path();
        for file in [
            d.join("out.ndjson"),
            d.join("bad.out"),
            d.join("bad.out.errors.ndjson"),
            d.join("each/111122223333.json"),
            d.join("each/index.ndjson"),
            d.join("policies/bundle.json"),
            d.join("policies/ingress.key-policy.json"),
        ] {
            assert_eq!(mode(&file), file_mode, "umask {umask}: {}", file.display());
        }
        for folder in [d.join("each"), d.join("policies")] {
            assert_eq!(
                mode(&folder),
                dir_mode,
                "umask {umask}: {}",
                folder.display()
            );
        }
    }
}
