//! `mmpolicy merge`: mmpolicy's statements into a policy that already exists.

use crate::error::CliError;
use crate::paths::{self, Named};
use crate::{input, output};
use mmpolicy::PolicyKind;
use std::io::Write;
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Each statement to add must have a `Sid`: one the base already has replaces that statement where
it stands, any other is appended. Every other statement of the base, their order, `Version` and
`Id` are kept. Merging the same statements again changes nothing, so a deploy script can merge
on every run; with no ADD, the base is printed as merge writes it (to compare with `cmp`).

A key policy is the whole access control of a key: merge into the key's current policy instead
of putting mmpolicy's statements in its place, which would remove every other grant.

The merged document is checked against AWS's size limit for its kind (key 32,768 bytes, bucket
20,480 bytes, secret 20,480 characters, trust 2,048 and identity 6,144 characters without white
space); the kind is guessed from the document unless --kind says it.

Examples:
  aws kms get-key-policy --key-id \"$KEY\" --policy-name default --query Policy --output text \\
    | mmpolicy merge - policies/ingress.key-policy.json > key-policy.json
  aws kms put-key-policy --key-id \"$KEY\" --policy-name default --policy file://key-policy.json
  mmpolicy merge bucket-policy.json policies/archiving.export-bucket-policy.json --output merged.json";

/// Merge statements into an existing policy by Sid, keeping everything else.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The policy that exists (a JSON policy document); `-` reads it from stdin.
    base: String,
    /// Statements to add: a policy document, a list of statements or one statement, as
    /// mmpolicy writes them. Merged in order.
    #[arg(value_name = "ADD")]
    adds: Vec<String>,
    /// Write the merged policy to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// The kind of policy, for its size limit; guessed from the document by default.
    #[arg(long, value_enum)]
    kind: Option<Kind>,
}

/// Kinds of policy, as the command line names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Kind {
    Identity,
    Trust,
    Key,
    Secret,
    Bucket,
}

impl From<Kind> for PolicyKind {
    fn from(kind: Kind) -> Self {
        match kind {
            Kind::Identity => PolicyKind::Identity,
            Kind::Trust => PolicyKind::Trust,
            Kind::Key => PolicyKind::Key,
            Kind::Secret => PolicyKind::Secret,
            Kind::Bucket => PolicyKind::Bucket,
        }
    }
}

pub fn run(args: &Args) -> Result<(), CliError> {
    if args.adds.iter().any(|a| a == "-") {
        return Err(CliError::usage(
            "only the base may be read from stdin (`-`): give each file to add by its path",
        ));
    }
    if let Some(out) = &args.output {
        let mut inputs: Vec<Named> = args
            .adds
            .iter()
            .map(|a| Named::path("ADD", Path::new(a)))
            .collect();
        if args.base == "-" {
            inputs.extend(Named::stream("stdin", paths::stdin_identity()));
        } else {
            inputs.push(Named::path("BASE", Path::new(&args.base)));
        }
        paths::check_distinct(&inputs, &[Named::path("--output", out)])?;
    }
    let base_name = if args.base == "-" {
        "standard input"
    } else {
        args.base.as_str()
    };
    let base = read_json(&args.base, base_name)?;
    let mut adds = Vec::with_capacity(args.adds.len());
    for path in &args.adds {
        adds.push((path.as_str(), read_json(path, path)?));
    }
    let refs: Vec<(&str, &serde_json::Value)> = adds.iter().map(|(n, v)| (*n, v)).collect();
    let merged = mmpolicy_merge::merge(&base, &refs).map_err(CliError::usage)?;
    let text = mmpolicy_merge::to_pretty(&merged.document);
    let kind = match args.kind {
        Some(kind) => PolicyKind::from(kind),
        None => mmpolicy_lint::guess_kind(&merged.document)
            .map(|(kind, _)| kind)
            .unwrap_or(PolicyKind::Identity),
    };
    mmpolicy_merge::check_size(kind, &text).map_err(CliError::usage)?;
    match &args.output {
        None => output::print(&text),
        Some(out) => write_file(out, &text),
    }
}

/// Reads a JSON file (`-` for stdin), refusing a key given twice.
fn read_json(path: &str, name: &str) -> Result<serde_json::Value, CliError> {
    let text = input::read_text(path)?;
    mmpolicy::json::from_str(&text)
        .map_err(|e| CliError::usage(format!("{name}:{}: not valid JSON: {e}", e.line().max(1))))
}

/// Writes `text` to `out` atomically, with the permissions a shell redirect would give.
fn write_file(out: &Path, text: &str) -> Result<(), CliError> {
    let shown = out.display().to_string();
    let io = |e: mmpolicy_bulk::BulkError| CliError::usage(format!("cannot write `{shown}`: {e}"));
    let mut file = mmpolicy_bulk::files::AtomicFile::create(out).map_err(io)?;
    file.file()
        .write_all(text.as_bytes())
        .map_err(|e| CliError::io(format!("cannot write `{shown}`"), &e))?;
    file.commit().map_err(io)
}
