//! The installed `mmpolicy` stands on its own: everything a user is sent to is in the binary
//! (the reference, the deployment file's schema and example, completions, the manual page),
//! and what it prints for a terminal is plain text in a user's words.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers outside #[test] fns fail loudly on a broken test setup"
)]

mod common;

use common::{mmpolicy, outcome};
use serde_json::Value;
use std::path::Path;

/// Runs with `args`, returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    outcome(mmpolicy().args(args))
}

/// The schema names of every parameter type: Rust type names a user must never read.
fn rust_type_names() -> Vec<String> {
    let mut names = Vec::new();
    for p in mmpolicy::registry().iter() {
        let schema = mmpolicy::published_schema(p);
        if let Some(defs) = schema.get("$defs").and_then(Value::as_object) {
            names.extend(defs.keys().cloned());
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Every subcommand, as `mmpolicy --help` lists them.
fn subcommands() -> Vec<String> {
    let (_, out, _) = run(&["--help"]);
    out.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // A wrapped description goes on under the first one's column.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|c| c != "help")
        .collect()
}

#[test]
fn describe_is_plain_text_in_a_users_words() {
    let names = rust_type_names();
    assert!(names.contains(&"AccountId".to_owned()), "{names:?}");
    assert!(
        names.contains(&"ArchiveIdOrWildcard".to_owned()),
        "{names:?}"
    );
    for p in mmpolicy::registry().iter() {
        let (code, out, _) = run(&["describe", p.id()]);
        assert_eq!(code, 0, "{}", p.id());
        assert!(!out.contains("**"), "{}: bold markers in\n{out}", p.id());
        assert!(
            !out.contains(" *Permission"),
            "{}: emphasis markers in\n{out}",
            p.id()
        );
        // Outside code spans: a span quotes AWS's own names (`ses:AddonSubscriptionArn`).
        let prose: String = out.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        for name in &names {
            let as_word = prose
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == name);
            assert!(!as_word, "{}: the type name `{name}` in\n{out}", p.id());
        }
        for path in ["docs/", "schemas/", "examples/"] {
            assert!(!out.contains(path), "{}: sends the user to {path}", p.id());
        }
    }
    let (_, out, _) = run(&["describe", "archiving.identity"]);
    assert!(
        out.contains("account_id (account id: 12 digits, required)"),
        "{out}"
    );
    assert!(
        out.contains("archive_id (archive id or `*`, required)"),
        "{out}"
    );
    assert!(
        out.contains("create_tags (map of tag key → list of allowed tag values, optional)"),
        "{out}"
    );
    // Markdown emphasis is gone, the words stay; code spans keep their backticks.
    assert!(
        out.contains("AWS, Permission policies for Mail Manager,"),
        "{out}"
    );
    assert!(out.contains("(`ses:List*` actions"), "{out}");
}

#[test]
fn the_reference_and_the_schemas_use_the_same_words() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let reference = std::fs::read_to_string(root.join("docs/reference.md")).unwrap();
    assert!(reference.contains("| `account_id` | account id: 12 digits | yes |"));
    for name in rust_type_names() {
        assert!(
            !reference.contains(&format!("`{name}`")),
            "reference.md names the type `{name}`"
        );
    }
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("schemas/archiving.identity.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        schema["$defs"]["AccountId"]["title"],
        "account id: 12 digits"
    );
    assert_eq!(
        schema["$defs"]["ArchiveIdOrWildcard"]["title"],
        "archive id or `*`"
    );
    // Every type a parameter can have carries a title, so no reader falls back to its name.
    for p in mmpolicy::registry().iter() {
        let schema = mmpolicy::published_schema(p);
        for (name, def) in schema["$defs"].as_object().into_iter().flatten() {
            assert!(
                def.get("title").is_some(),
                "{}: `{name}` has no title",
                p.id()
            );
        }
    }
}

#[test]
fn describe_all_is_the_whole_reference() {
    let (code, out, err) = run(&["describe", "--all"]);
    assert_eq!(code, 0, "{err}");
    for p in mmpolicy::registry().iter() {
        assert!(
            out.lines().any(|l| l == p.id()),
            "{} is not described",
            p.id()
        );
    }
    let (code, _, err) = run(&["describe"]);
    assert_eq!(code, 2);
    assert!(err.contains("--all"), "{err}");
}

#[test]
fn the_deployment_file_is_described_with_its_example() {
    let (code, out, _) = run(&["describe", "deployment"]);
    assert_eq!(code, 0);
    for section in mmpolicy::sections() {
        assert!(out.contains(&format!("  [{}]", section.name())), "{out}");
    }
    let example = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/deployment.toml"),
    )
    .unwrap();
    assert!(out.ends_with(&example), "the example deployment, whole");
    assert!(out.contains("`mmpolicy schema deployment`"));
}

#[test]
fn schema_deployment_is_the_published_schema() {
    let (code, out, _) = run(&["schema", "deployment"]);
    assert_eq!(code, 0);
    let printed: Value = serde_json::from_str(&out).unwrap();
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schemas/deployment.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut committed = committed.as_object().unwrap().clone();
    committed.remove("$comment");
    assert_eq!(printed, Value::Object(committed));
    assert_eq!(printed["$id"], "urn:mmpolicy:schema:deployment");
}

#[test]
fn help_sends_the_user_only_to_what_the_binary_has() {
    let commands = subcommands();
    assert!(commands.len() >= 9, "{commands:?}");
    let mut pages = vec![run(&["--help"]).1];
    for c in &commands {
        let (code, out, _) = run(&[c, "--help"]);
        assert_eq!(code, 0, "{c}");
        pages.push(out);
    }
    for page in pages {
        for path in ["docs/", "schemas/", "examples/", ".md"] {
            assert!(
                !page.contains(path),
                "help sends the user to {path}:\n{page}"
            );
        }
    }
}

#[test]
fn a_missing_parameter_names_the_provider_to_describe() {
    let (code, _, err) = run(&[
        "render",
        "ingress.secret-policy",
        "--set",
        "account_id=111122223333",
    ]);
    assert_eq!(code, 2);
    assert_eq!(
        err.trim_end(),
        "error: missing parameter `region`: add it (`mmpolicy describe ingress.secret-policy` lists every parameter)"
    );
    assert!(!err.contains('<'), "no placeholder: {err}");
}

#[test]
fn completions_for_every_shell() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for c in &commands {
            assert!(out.contains(c.as_str()), "{shell}: `{c}` is not completed");
        }
    }
    // The bash script is valid bash.
    let (_, script, _) = run(&["completions", "bash"]);
    let checked = std::process::Command::new("bash")
        .args(["-n", "-c", &script])
        .output()
        .unwrap();
    assert!(
        checked.status.success(),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let (code, _, err) = run(&["completions", "tcsh"]);
    assert_eq!(code, 2);
    assert!(err.contains("possible values"), "{err}");
}

#[test]
fn man_pages_for_the_program_and_each_command() {
    let (code, out, _) = run(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH mmpolicy 1"), "{out}");
    for c in subcommands() {
        assert!(
            out.contains(&format!("mmpolicy\\-{c}")) || out.contains(&c),
            "{c}"
        );
        let (code, page, err) = run(&["man", &c]);
        assert_eq!(code, 0, "{c}: {err}");
        assert!(
            page.contains(&format!(".TH mmpolicy-{c} 1")),
            "{c}:\n{page}"
        );
        assert!(
            page.contains(&format!("\\fBmmpolicy {c}\\fR")),
            "{c}:\n{page}"
        );
    }
    let (code, out, err) = run(&["man", "frobnicate"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: no command `frobnicate`: choose one of `list`"),
        "{err}"
    );
}
