//! `mmpolicy describe`: what a provider is for, where it goes, and its parameters.

use crate::error::CliError;
use crate::output;

/// Explain one provider: what the policy is for, where to attach it, its parameters (type,
/// required or default, rule) and an example.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every provider, with its rendered example policy, is in docs/reference.md; the JSON schema of its parameters is schemas/<id>.json."
)]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it.
    id: String,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let p = mmpolicy::registry().get(&args.id)?;
    let mut out = String::new();
    out.push_str(&format!("{}\n{}\n\n", p.id(), p.title()));
    out.push_str(&format!("feature:   {}\n", p.feature()));
    out.push_str(&format!("kind:      {}\n", p.kind()));
    out.push_str(&format!("attach to: {}\n\n", p.kind().attach_to()));
    out.push_str(&wrap(p.description(), 96));
    out.push_str("\n\nParameters:\n");
    for param in mmpolicy::param_docs(p) {
        let req = match (&param.default, param.required) {
            (_, true) => "required".to_owned(),
            (Some(d), false) => format!("default {d}"),
            (None, false) => "optional".to_owned(),
        };
        out.push_str(&format!(
            "  {} ({}, {})\n",
            param.name, param.type_name, req
        ));
        for line in wrap(&param.description, 90).lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    if !p.corrections().is_empty() {
        out.push_str("\nCorrections to AWS's published example:\n");
        for c in p.corrections() {
            let wrapped = wrap(c, 92);
            let mut lines = wrapped.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("  - {first}\n"));
            }
            for line in lines {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out.push_str(&format!("\nSource: {}\n", p.source()));
    out.push_str("\nExample parameters (render them with `--example`):\n");
    out.push_str(&output::pretty(&p.example_params())?);
    out.push_str(&format!(
        "\nThe full entry, with the rendered example policy, is in docs/reference.md; the schema of the parameters is schemas/{}.json.\n",
        p.id()
    ));
    output::print(&out)
}

/// Wraps paragraphs at `width` columns, keeping blank lines between paragraphs.
fn wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
        out.push(lines.join("\n"));
    }
    out.join("\n\n")
}
