//! Every provider's example output lints with no finding at `warning` or above, linted as the
//! provider's kind and with the kind guessed (which must guess the provider's kind).
//!
//! This test depends on the `mmpolicy` facade (a dev-dependency: the facade does not depend on
//! this crate), so it sees every provider the facade links.

use mmpolicy_lint::{Catalog, KindSource, Severity, lint, lint_document};

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
        for f in report.at_least(Severity::Warning) {
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
