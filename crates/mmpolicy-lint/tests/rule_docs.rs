//! The rules' documentation: every example fires its rule, every rule has full SARIF
//! metadata, and every `helpUri` reaches a section of `docs/lint-rules.md`.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use mmpolicy_lint::sarif::{self, Artifact, Source};
use mmpolicy_lint::{Catalog, DOCS_PATH, KindSource, Report, Rule, lint_str};
use std::collections::HashSet;

/// The anchors GitHub gives the headings of a Markdown text (no duplicates expected).
fn heading_anchors(markdown: &str) -> HashSet<String> {
    markdown
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .trim()
                .to_lowercase()
                .chars()
                .filter_map(|c| match c {
                    ' ' => Some('-'),
                    c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

fn rules_doc() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(DOCS_PATH);
    std::fs::read_to_string(&path).unwrap()
}

#[test]
fn every_example_fires_its_rule() {
    let mut failures = Vec::new();
    for rule in Rule::ALL {
        let example = rule.example();
        let text = example.pretty();
        let report = lint_str(&text, Some(example.kind), Catalog::embedded()).unwrap();
        let fired = report.findings.iter().any(|f| f.rule == *rule);
        // An example over the size limit would fill pages: the one of `policy-too-large` is
        // abbreviated, and the rule is tested on real sizes in `checks.rs`.
        let expected = *rule != Rule::PolicyTooLarge;
        if fired != expected {
            failures.push(format!("{rule}: {:?}", report.findings));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_full_sarif_metadata() {
    let report = Report {
        kind: None,
        kind_source: KindSource::Given,
        findings: Vec::new(),
    };
    let artifacts = [Artifact {
        source: Source::Stdin,
        text: None,
        report: &report,
    }];
    let log = sarif::to_sarif(&artifacts, "0.0.0");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), Rule::ALL.len());
    for (descriptor, rule) in rules.iter().zip(Rule::ALL) {
        let id = rule.code();
        assert_eq!(descriptor["id"], id);
        assert_eq!(descriptor["name"], rule.name());
        for field in ["shortDescription", "fullDescription", "help"] {
            for format in ["text", "markdown"] {
                let text = descriptor[field][format].as_str().unwrap_or("");
                assert!(!text.trim().is_empty(), "{id}: no {field}.{format}");
            }
            assert!(
                !descriptor[field]["text"].as_str().unwrap().contains('`'),
                "{id}: {field}.text is not plain text"
            );
        }
        assert_eq!(
            descriptor["defaultConfiguration"]["level"],
            sarif::level(rule.severity()),
            "{id}"
        );
        let uri = descriptor["helpUri"].as_str().unwrap();
        assert!(
            uri.starts_with(&format!(
                "{}/blob/main/docs/lint-rules.md#",
                env!("CARGO_PKG_REPOSITORY")
            )),
            "{id}: {uri}"
        );
    }
}

#[test]
fn every_help_uri_reaches_a_section_of_the_rules_doc() {
    let anchors = heading_anchors(&rules_doc());
    for rule in Rule::ALL {
        let uri = rule.help_uri();
        let (_, anchor) = uri.split_once('#').unwrap();
        assert!(
            anchors.contains(anchor),
            "{rule}: no heading `#{anchor}` in {DOCS_PATH}"
        );
    }
}

#[test]
fn the_rules_doc_holds_every_rules_help() {
    let doc = rules_doc();
    for rule in Rule::ALL {
        let section = format!(
            "\n## {} {}\n\n{}",
            rule.code(),
            rule.name(),
            rule.help_markdown()
        );
        assert!(doc.contains(&section), "{rule}: section missing or stale");
    }
}

#[test]
fn anchors_are_unique() {
    let anchors: HashSet<String> = Rule::ALL.iter().map(|r| r.anchor()).collect();
    assert_eq!(anchors.len(), Rule::ALL.len());
}

#[test]
fn help_text_is_plain() {
    for rule in Rule::ALL {
        let text = rule.help_text();
        for markup in ["`", "**", "```"] {
            assert!(!text.contains(markup), "{rule}: `{markup}` in {text}");
        }
        assert!(text.starts_with(&format!("{} {} (", rule.code(), rule.name())));
        assert!(text.contains(&rule.help_uri()), "{rule}");
    }
}

#[test]
fn rules_are_found_by_code_or_name() {
    assert_eq!(Rule::find("C005"), Some(Rule::ResourceNeedsStar));
    assert_eq!(Rule::find("c005"), Some(Rule::ResourceNeedsStar));
    assert_eq!(
        Rule::find("resource-needs-star"),
        Some(Rule::ResourceNeedsStar)
    );
    assert_eq!(Rule::find("C999"), None);
    for rule in Rule::ALL {
        assert_eq!(Rule::find(rule.code()), Some(*rule));
        assert_eq!(Rule::find(rule.name()), Some(*rule));
    }
}

#[test]
fn closest_rules_to_a_typo() {
    assert_eq!(Rule::closest("C05").first(), Some(&Rule::ResourceNeedsStar));
    assert_eq!(
        Rule::closest("resource-need-star").first(),
        Some(&Rule::ResourceNeedsStar)
    );
    assert!(Rule::closest("C999").len() <= 3);
    assert!(Rule::closest("hello world").is_empty());
}
