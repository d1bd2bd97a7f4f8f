//! `mmpolicy describe`: what a provider is for, where it goes, and its parameters, as plain
//! text for a terminal.

use crate::error::CliError;
use crate::output;

/// Explain a provider or the deployment file: what it is for, its parameters, an example.
///
/// For a provider: what the policy is for, where to attach it, its parameters (type, required or
/// default, rule), the corrections made to AWS's published example, the source and an example.
#[derive(Debug, clap::Args)]
#[command(override_usage = "mmpolicy describe <ID>\n       mmpolicy describe --all")]
#[command(after_help = "\
Examples:
  mmpolicy describe ingress.key-policy
  mmpolicy describe --all | less      # the whole reference: every provider
  mmpolicy describe deployment        # the deployment file, with a commented example
  mmpolicy schema ingress.key-policy  # the JSON schema of its parameters")]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it, or `deployment` for the tables of the
    /// deployment file that `mmpolicy bundle` reads, with a commented example.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    id: Option<String>,
    /// Describe every provider, one after the other: the whole reference.
    #[arg(long)]
    all: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let registry = mmpolicy::registry();
    let text = match &args.id {
        Some(id) if id == DEPLOYMENT => deployment(),
        Some(id) => describe(registry.get(id)?)?,
        None => {
            let mut all = Vec::new();
            for p in registry.iter() {
                all.push(describe(p)?);
            }
            all.join(&format!("\n{}\n\n", "=".repeat(96)))
        }
    };
    output::print(&text)
}

/// The name that selects the deployment file.
const DEPLOYMENT: &str = "deployment";

/// The example deployment shipped with mmpolicy, every table with comments.
const EXAMPLE_DEPLOYMENT: &str = include_str!("../../../../examples/deployment.toml");

/// The deployment file: its tables, from the registered sections, and the commented example.
fn deployment() -> String {
    let mut out = String::from(
        "deployment\nThe deployment file that `mmpolicy bundle FILE --out DIR` reads\n\n",
    );
    out.push_str(&wrap(
        "A TOML file (or JSON, when its name does not end in `.toml`). It gives `account_id` and \
         `region` once, then one optional table per feature; only the tables present produce \
         policies.",
        96,
    ));
    out.push_str("\n\nTables:\n");
    for section in mmpolicy::sections() {
        out.push_str(&format!("  [{}]\n", section.name()));
        for line in wrap(&plain(section.description()), 90).lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    out.push_str(
        "\nThe JSON schema of the file is `mmpolicy schema deployment`.\n\n\
         Example (save it, edit the values, then `mmpolicy bundle deployment.toml --out policies/`):\n\n",
    );
    out.push_str(EXAMPLE_DEPLOYMENT);
    out
}

/// The plain-text description of one provider.
fn describe(p: &dyn mmpolicy::PolicyProvider) -> Result<String, CliError> {
    let mut out = String::new();
    out.push_str(&format!("{}\n{}\n\n", p.id(), plain(p.title())));
    out.push_str(&format!("feature:   {}\n", p.feature()));
    out.push_str(&format!("kind:      {}\n", p.kind()));
    out.push_str(&format!("attach to: {}\n\n", p.kind().attach_to()));
    out.push_str(&wrap(&plain(p.description()), 96));
    out.push_str("\n\nParameters:\n");
    for param in mmpolicy::param_docs(p) {
        let req = match (&param.default, param.required) {
            (_, true) => "required".to_owned(),
            (Some(d), false) => format!("default {d}"),
            (None, false) => "optional".to_owned(),
        };
        out.push_str(&format!(
            "  {} ({}, {})\n",
            param.name,
            plain(&param.type_name),
            req
        ));
        for line in wrap(&plain(&param.description), 90).lines() {
            out.push_str(&format!("      {line}\n"));
        }
    }
    if !p.corrections().is_empty() {
        out.push_str("\nCorrections to AWS's published example:\n");
        for c in p.corrections() {
            let wrapped = wrap(&plain(c), 92);
            let mut lines = wrapped.lines();
            if let Some(first) = lines.next() {
                out.push_str(&format!("  - {first}\n"));
            }
            for line in lines {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    let requests = p.required_requests_value(&p.example_params())?;
    if !requests.is_empty() {
        out.push_str(&format!(
            "\nRequests made with the example policy, and near misses it must deny\n\
             (`mmpolicy check {} --policy FILE --example` evaluates them against yours):\n",
            p.id()
        ));
        for r in &requests {
            let expect = match r.expect {
                mmpolicy::Expect::Allow => "allow",
                mmpolicy::Expect::Deny => "deny ",
            };
            out.push_str(&format!(
                "  {expect} {} `{}` on `{}` ({})\n",
                plain(&r.principal.describe()),
                r.action,
                r.resource,
                r.why
            ));
            for (key, values) in &r.context {
                out.push_str(&format!("          `{key}={}`\n", values.join(",")));
            }
        }
    }
    out.push_str("\nSource:\n");
    out.push_str(&indent(&wrap(&plain(p.source()), 94), "  "));
    out.push_str("\n\nExample parameters:\n");
    out.push_str(&output::pretty(&p.example_params())?);
    out.push_str(&format!(
        "\nRender the example with `mmpolicy render {id} --example`; the JSON schema of the \
         parameters is `mmpolicy schema {id}`.\n",
        id = p.id()
    ));
    Ok(out)
}

/// Text written in Markdown (`**bold**`, `*title*`, `[text](link)`) as a terminal shows it:
/// the markers go, the words stay. Code spans in backticks are kept as they are, backticks
/// included, since mmpolicy's messages quote values the same way.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut in_code = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        if c == '`' {
            in_code = !in_code;
            out.push(c);
        } else if in_code {
            out.push(c);
        } else if c == '*' {
            // An emphasis marker touches a word on one side and a space, punctuation or the
            // end on the other; a lone `*` between spaces is kept.
            let word = |ch: Option<char>| ch.is_some_and(|ch| ch.is_alphanumeric() || ch == '*');
            if !(word(prev) || word(next)) {
                out.push(c);
            }
        } else if c == '[' {
            // `[text](target)` → `text (target)`, unless the target is an anchor in the
            // reference, which a terminal cannot follow.
            let rest: String = chars[i + 1..].iter().collect();
            match link(&rest) {
                Some((label, target, used)) => {
                    out.push_str(&label);
                    if !target.starts_with('#') {
                        out.push_str(&format!(" ({target})"));
                    }
                    i += used + 1;
                    continue;
                }
                None => out.push(c),
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

/// `text](target)...` → the label, the target and how many characters they took.
fn link(rest: &str) -> Option<(String, String, usize)> {
    let close = rest.find("](")?;
    let label = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    if label.contains('\n') || after[..end].contains(char::is_whitespace) {
        return None;
    }
    let used = label.chars().count() + 2 + after[..end].chars().count() + 1;
    Some((label.to_owned(), after[..end].to_owned(), used))
}

/// Every line of `text` prefixed with `prefix`.
fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|l| format!("{prefix}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Wraps paragraphs at `width` columns, keeping blank lines between paragraphs.
fn wrap(text: &str, width: usize) -> String {
    let mut out = Vec::new();
    for para in text.split("\n\n") {
        let mut line = String::new();
        let mut lines = Vec::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_markers_go_and_code_spans_stay() {
        assert_eq!(
            plain("**Merge, do not replace.** A key policy"),
            "Merge, do not replace. A key policy"
        );
        assert_eq!(
            plain("AWS, *Permission policies for Mail Manager*, \"Archiving\""),
            "AWS, Permission policies for Mail Manager, \"Archiving\""
        );
        assert_eq!(
            plain("(`ses:List*` actions) or `*`"),
            "(`ses:List*` actions) or `*`"
        );
        assert_eq!(plain("a * b"), "a * b");
        assert_eq!(
            plain("see [the guide](https://example.com/x) and [below](#ingress)"),
            "see the guide (https://example.com/x) and below"
        );
        assert_eq!(plain("a [b] c"), "a [b] c");
    }
}
