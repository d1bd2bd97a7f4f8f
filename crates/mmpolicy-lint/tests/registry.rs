//! Every provider's example output lints with no finding at `warning` or above, linted as the
//! provider's kind and with the kind guessed (which must guess the provider's kind).
//!
//! This test depends on the `mmpolicy` facade (a dev-dependency: the facade does not depend on
//! this crate), so it sees every provider the facade links.

use mmpolicy_lint::{
    Catalog, Finding, KindSource, PolicyKind, Rule, Severity, lint, lint_document,
};

/// Whether `f` is a known finding on mmpolicy's own output, kept out of the clean check until the
/// output changes: the key-policy providers render a whole document that holds only the SES
/// statement, which `S014 key-without-administrator` reports (as a whole policy it locks the
/// account out; the statement is meant to be merged into the key's policy). The providers' output
/// is to become the statement alone; then this exception goes.
fn known(kind: PolicyKind, f: &Finding) -> bool {
    kind == PolicyKind::Key && f.rule == Rule::KeyWithoutAdministrator
}

#[test]
fn every_provider_example_lints_clean() {
    let registry = mmpolicy::registry();
    assert!(!registry.is_empty());
    let mut failures = Vec::new();
    for provider in registry.iter() {
        let policy = match provider.render_value(&provider.example_params()) {
            Ok(p) => p,
            Err(e) => {
                failures.push(format!("{}: example does not render: {e}", provider.id()));
                continue;
            }
        };
        let report = lint_document(&policy, provider.kind(), Catalog::embedded());
        for f in report
            .at_least(Severity::Warning)
            .filter(|f| !known(provider.kind(), f))
        {
            failures.push(format!(
                "{}: {} {} at `{}`: {}",
                provider.id(),
                f.severity,
                f.rule,
                f.pointer,
                f.message
            ));
        }
        let value = serde_json::to_value(&policy).unwrap();
        let guessed = lint(&value, None, Catalog::embedded());
        if guessed.kind != Some(provider.kind()) {
            failures.push(format!(
                "{}: kind guessed as {:?} ({:?}), not {}",
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
    assert!(failures.is_empty(), "{}", failures.join("\n"));
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
        for f in report
            .at_least(Severity::Suggestion)
            .filter(|f| !known(planned.kind, f))
        {
            failures.push(format!(
                "{}: {} {} at `{}`: {}",
                planned.file, f.severity, f.rule, f.pointer, f.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
