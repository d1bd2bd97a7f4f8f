//! The walkthrough of `docs/extending.md`, checked: the template's provider is in the registry,
//! renders and refuses bad values with mmpolicy's messages, is documented by the generators of
//! `cargo xtask codegen`, and is rendered by the `mmpolicy` command of a tool that links it.
//! The template has no section in the deployment file, and the bundle works without one.

#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy_core::{PolicyProvider, Registry};
use mmpolicy_feature_template::Reader;
use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_provider_is_registered_and_renders() {
    let provider = mmpolicy_core::registry()
        .get("address-lists.reader")
        .unwrap();
    assert_eq!(provider.feature(), "address-lists");
    let policy = provider.render_value(&provider.example_params()).unwrap();
    assert_eq!(
        policy.to_compact_json(),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"ReadAddressList","Effect":"Allow","Action":["ses:GetAddressList","ses:ListMembersOfAddressList"],"Resource":"arn:aws:ses:us-east-1:111122223333:mailmanager-address-list/al-4k7m2p9q1s3u5w7y0a2c4e6g8i"}]}"#
    );
    let e = provider
        .render_value(&serde_json::json!({
            "account_id": "111122223333", "region": "us-east-1", "address_list_id": "al-1"
        }))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid `address_list_id` `al-1`: expected `al-` followed by 24 to 62 lowercase letters or digits (copy the id from the Mail Manager console or API); or `*` for every one"
    );
}

#[test]
fn a_feature_without_a_section_has_no_table_in_the_deployment_file() {
    assert!(
        mmpolicy_core::sections()
            .iter()
            .all(|s| s.name() != "address-lists")
    );
}

#[test]
fn the_generators_document_the_provider() {
    let registry = Registry::new([&Reader as &dyn PolicyProvider]).unwrap();
    let reference = xtask::codegen::reference::render(&registry).unwrap();
    for needle in [
        "## `address-lists`",
        "### `address-lists.reader`",
        "Identity policy for reading an address list",
        "`address_list_id`",
        "address list id or `*`",
        "mailmanager-address-list/al-4k7m2p9q1s3u5w7y0a2c4e6g8i",
    ] {
        assert!(reference.contains(needle), "the reference lacks {needle:?}");
    }
    let schema = mmpolicy_core::published_schema(&Reader);
    assert_eq!(schema["$id"], "urn:mmpolicy:schema:address-lists.reader");
    assert_eq!(
        schema["properties"]["address_list_id"]["$ref"],
        "#/$defs/AddressListIdOrWildcard"
    );
    assert_eq!(schema["$defs"]["AddressListId"]["title"], "address list id");
    xtask::codegen::schemas::schema_file("address-lists.reader", &schema).unwrap();
}

/// The tool of `examples/mmpolicy.rs`, which `cargo test` builds beside this test.
fn tool() -> Command {
    let exe = std::env::current_exe().unwrap();
    let dir: PathBuf = exe.parent().unwrap().parent().unwrap().join("examples");
    let path = dir.join(format!("mmpolicy{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "`{}` was not built", path.display());
    Command::new(path)
}

#[test]
fn the_command_of_a_tool_linking_the_feature_renders_it() {
    let out = tool()
        .args(["render", "address-lists.reader", "--example", "--compact"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(policy["Statement"][0]["Sid"], "ReadAddressList");

    // The policy lints clean against AWS's catalog: its actions and resource type exist.
    let mut lint = tool()
        .args(["lint", "-", "--kind", "identity"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut lint.stdin.take().unwrap(), &out.stdout).unwrap();
    let linted = lint.wait_with_output().unwrap();
    assert!(
        linted.status.success(),
        "{}",
        String::from_utf8_lossy(&linted.stdout)
    );

    let out = tool().arg("list").output().unwrap();
    let list = String::from_utf8(out.stdout).unwrap();
    assert!(list.contains("address-lists.reader"), "{list}");
    assert!(list.contains("ingress.secret-policy"), "{list}");

    let out = tool()
        .args([
            "render",
            "address-lists.reader",
            "--set",
            "account_id=111122223333",
        ])
        .args(["--set", "region=eu-west-1", "--set", "address_list_id=*"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("arn:aws:ses:eu-west-1:111122223333:mailmanager-address-list/*")
    );
}
