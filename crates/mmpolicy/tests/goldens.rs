//! Golden output: one snapshot per provider of the policy its example parameters render.
//!
//! Each snapshot was reviewed by hand against AWS's page *Permission policies for Mail Manager* with the
//! corrections each provider lists. A new provider gets a new snapshot (`cargo insta review`,
//! or `INSTA_UPDATE=always cargo test` and read the diff); CI fails on any mismatch.

#[test]
fn every_provider_example_matches_its_snapshot() {
    for p in mmpolicy::registry().iter() {
        let doc = p.render_value(&p.example_params()).unwrap();
        let text = format!(
            "# parameters\n{}\n# policy\n{}",
            serde_json::to_string_pretty(&p.example_params()).unwrap(),
            doc.to_pretty_json()
        );
        insta::assert_snapshot!(p.id(), text);
    }
}
