//! Checks any IAM policy document against IAM's grammar and against AWS's catalog of actions,
//! resource types and condition keys ([`mmpolicy_catalog`]), and for grants wider than they
//! should be.
//!
//! The checks work on the JSON value, so that every [`Finding`] carries the JSON pointer of
//! what it is about (`/Statement/2/Resource/0`). Each has a [`Rule`] (stable code, name,
//! [`Severity`]) and a lowercase message that says what is wrong and how to fix it.
//!
//! ```
//! use mmpolicy_lint::{Catalog, PolicyKind, Severity, lint_str};
//!
//! let policy = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
//!     "Action": "ses:ListArchives",
//!     "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*"}]}"#;
//! let report = lint_str(policy, Some(PolicyKind::Identity), Catalog::embedded())?;
//! let finding = &report.findings[0];
//! assert_eq!(finding.rule.code(), "C005");
//! assert_eq!(finding.pointer, "/Statement/0/Action");
//! assert!(report.fails());
//! # Ok::<(), mmpolicy_lint::LintError>(())
//! ```
//!
//! When no kind is given, it is guessed from the document ([`guess_kind`]) and the report says
//! so ([`KindSource::Guessed`]).

mod actions;
mod conditions;
mod document;
mod grammar;
mod kind;
mod rules;
pub mod sarif;
mod security;
mod suggest;

pub use kind::guess_kind;
pub use mmpolicy_catalog::Catalog;
pub use mmpolicy_core::PolicyKind;
pub use rules::{DOCS_PATH, Example, Rule, Severity, plain};
pub use security::{NO_SOURCE_KEYS, NoSourceKeys, SUPPORTS_SOURCE_KEYS};

use serde::Serialize;

/// One problem found in a policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check that found it (serialised as its code).
    #[serde(rename = "code")]
    pub rule: Rule,
    /// How bad it is (the rule's severity).
    pub severity: Severity,
    /// What is wrong and how to fix it; lowercase, one line.
    pub message: String,
    /// Where: a JSON pointer into the document (`""` is the whole document).
    pub pointer: String,
}

impl Finding {
    /// A finding of `rule` at `pointer`.
    pub fn new(rule: Rule, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: rule.severity(),
            message: message.into(),
            pointer: pointer.into(),
        }
    }

    /// The same finding with another severity: for the rules whose findings differ in weight
    /// (an unknown name is a warning when the catalog is merely silent, an error when it is a
    /// near miss of a known name).
    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

/// How the report's kind was decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "source", content = "reason", rename_all = "lowercase")]
pub enum KindSource {
    /// The caller gave it.
    Given,
    /// Guessed from the document, for this reason.
    Guessed(String),
    /// Not given and not guessable: the checks that depend on the kind were skipped.
    Unknown(String),
}

/// The findings on one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The kind the document was checked as, when known.
    pub kind: Option<PolicyKind>,
    /// Whether the kind was given or guessed.
    pub kind_source: KindSource,
    /// The findings, in document order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Whether any finding is a `warning` or worse: what makes `mmpolicy lint` exit 1.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| f.severity.fails())
    }

    /// The findings of `severity` or worse.
    pub fn at_least(&self, severity: Severity) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.severity >= severity)
    }

    /// How many findings have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Failure to read a document as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not valid JSON at line {line} column {column}: {message}")]
pub struct LintError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What the parser says.
    pub message: String,
}

/// Lints a parsed policy document. `kind` is guessed when `None`.
pub fn lint(document: &serde_json::Value, kind: Option<PolicyKind>, catalog: &Catalog) -> Report {
    run(document, None, kind, catalog)
}

/// Lints policy text; the size limits are measured on the text as written.
pub fn lint_str(
    text: &str,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Result<Report, LintError> {
    // Editors on Windows may start the file with a byte-order mark; JSON has none.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        let full = e.to_string();
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        LintError {
            line: e.line(),
            column: e.column(),
            message: full.strip_suffix(&suffix).unwrap_or(&full).to_owned(),
        }
    })?;
    Ok(run(&document, Some(text), kind, catalog))
}

/// Lints a document mmpolicy rendered (the lead's hook for `bundle` and registry tests).
pub fn lint_document(
    document: &mmpolicy_core::PolicyDocument,
    kind: PolicyKind,
    catalog: &Catalog,
) -> Report {
    let value = serde_json::to_value(document).unwrap_or(serde_json::Value::Null);
    lint(&value, Some(kind), catalog)
}

fn run(
    value: &serde_json::Value,
    text: Option<&str>,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
) -> Report {
    let mut out = Vec::new();
    let doc = document::Document::read(value, &mut out);
    let (kind, kind_source) = match kind {
        Some(k) => (Some(k), KindSource::Given),
        None => match kind::guess(&doc) {
            Ok((k, reason)) => (Some(k), KindSource::Guessed(reason)),
            Err(reason) => (None, KindSource::Unknown(reason)),
        },
    };
    let mut closest_left = actions::CLOSEST_ACTION_BUDGET;
    let mut expansions = actions::Expansions::default();
    let resolved: Vec<actions::Resolved<'_>> = doc
        .statements
        .iter()
        .map(|s| actions::resolve(s, catalog, &mut expansions, &mut closest_left, &mut out))
        .collect();
    grammar::check(&doc, value, text, kind, &mut out);
    for (stmt, res) in doc.statements.iter().zip(&resolved) {
        actions::check_resources(stmt, res, kind, catalog, &mut out);
        conditions::check(stmt, res, catalog, &mut out);
        security::check(stmt, res, &mut out);
    }
    suggest::check(&doc, &mut out);
    sort_findings(&mut out);
    Report {
        kind,
        kind_source,
        findings: out,
    }
}

/// Sorts findings in document order: pointer segments compared as numbers where they are
/// numbers, then by rule.
fn sort_findings(findings: &mut [Finding]) {
    fn key(p: &str) -> Vec<(u8, usize, String)> {
        p.split('/')
            .map(|seg| match seg.parse::<usize>() {
                Ok(n) => (0, n, String::new()),
                Err(_) => (1, 0, seg.to_owned()),
            })
            .collect()
    }
    findings.sort_by_cached_key(|f| (key(&f.pointer), f.rule, f.message.clone()));
}

/// Appends a reference token to a JSON pointer, escaping `~` and `/`.
pub(crate) fn ptr(base: &str, token: impl std::fmt::Display) -> String {
    let token = token.to_string().replace('~', "~0").replace('/', "~1");
    format!("{base}/{token}")
}
