//! Every provider's example output lints with no finding at `warning` or above: as `render`
//! prints it by default (the whole document, or the statements to merge for key, secret and
//! bucket policies) and as `render --whole-document` prints it, linted as the provider's kind
//! and with the kind guessed (which must guess the provider's kind).
//!
//! This test depends on the `mmpolicy` facade (a dev-dependency: the facade does not depend on
//! this crate), so it sees every provider the facade links.

use mmpolicy_lint::{Catalog, KindSource, PolicyKind, Severity, lint, lint_str};

#[test]
fn every_provider_example_lints_clean() {
    let registry = mmpolicy::registry();
    assert!(!registry.is_empty());
    let mut failures = Vec::new();
    let mut lists = 0;
    for provider in registry.iter() {
        let params = provider.example_params();
        let (policy, whole) = match (
            provider.render_value(&params),
            provider.render_whole_document(&params),
        ) {
            (Ok(p), Ok(w)) => (p, w),
            (Err(e), _) | (_, Err(e)) => {
                failures.push(format!("{}: example does not render: {e}", provider.id()));
                continue;
            }
        };
        let shape = provider.kind().shape();
        if shape == mmpolicy::Shape::Statements {
            lists += 1;
        }
        for (how, text) in [
            ("as printed", policy.to_pretty_json_as(shape)),
            ("whole", whole.to_pretty_json()),
        ] {
            let report = lint_str(&text, Some(provider.kind()), Catalog::embedded()).unwrap();
            for f in report.at_least(Severity::Warning) {
                failures.push(format!(
                    "{} ({how}): {} {} at `{}`: {}",
                    provider.id(),
                    f.severity,
                    f.rule,
                    f.pointer,
                    f.message
                ));
            }
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let guessed = lint(&value, None, Catalog::embedded());
            if guessed.kind != Some(provider.kind()) {
                failures.push(format!(
                    "{} ({how}): kind guessed as {:?} ({:?}), not {}",
                    provider.id(),
                    guessed.kind,
                    guessed.kind_source,
                    provider.kind()
                ));
            }
            assert!(matches!(
                guessed.kind_source,
                KindSource::Guessed(_) | KindSource::Unknown(_)
            ));
        }
    }
    // The key, secret and bucket providers: four key policies, two secret policies, one
    // bucket policy.
    assert_eq!(lists, 7);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A key policy's whole document keeps the account's administrator statement: linted as a
/// whole policy, none of the key-policy providers' documents lacks one, and their statements
/// alone, as a document, would.
#[test]
fn whole_key_policies_keep_an_administrator() {
    let registry = mmpolicy::registry();
    let keys: Vec<_> = registry
        .iter()
        .filter(|p| p.kind() == PolicyKind::Key)
        .collect();
    assert_eq!(keys.len(), 4);
    for provider in keys {
        let params = provider.example_params();
        let statements_only = provider.render_value(&params).unwrap().to_pretty_json();
        let report =
            lint_str(&statements_only, Some(PolicyKind::Key), Catalog::embedded()).unwrap();
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == mmpolicy_lint::Rule::KeyWithoutAdministrator),
            "{}: {:?}",
            provider.id(),
            report.findings
        );
        let whole = provider.render_whole_document(&params).unwrap();
        let first = &whole.statements()[0];
        assert_eq!(
            first.sid.as_ref().map(|s| s.as_str()),
            Some("Enable IAM User Permissions"),
            "{}",
            provider.id()
        );
    }
}

/// Every file the example deployment bundle writes lints with no finding at all, suggestions
/// included, as the kind the bundle index gives it, measured on the text exactly as written.
#[test]
fn every_bundle_output_lints_clean() {
    use mmpolicy_bundle::{Format as BundleFormat, plan_bundle};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/deployment.toml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let bundle = plan_bundle(&text, BundleFormat::Toml).unwrap();
    // The example uses every feature: one file per section's policy, merged role policy included.
    assert!(bundle.policies.len() >= 11, "{}", bundle.policies.len());
    let files = bundle.files();
    let mut failures = Vec::new();
    for planned in &bundle.policies {
        let (_, written) = files
            .iter()
            .find(|(name, _)| *name == planned.file)
            .unwrap();
        let report = mmpolicy_lint::lint_str(written, Some(planned.kind), Catalog::embedded())
            .unwrap_or_else(|e| panic!("{}: {e}", planned.file));
        for f in report.at_least(Severity::Suggestion) {
            failures.push(format!(
                "{}: {} {} at `{}`: {}",
                planned.file, f.severity, f.rule, f.pointer, f.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
