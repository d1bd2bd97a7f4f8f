//! `docs/reference.md`: every provider of the registry, one section per feature, one entry per
//! provider, in registry order.
//!
//! An entry gives the id, the kind and where to attach the document, the description, the
//! parameters (name, type, required or default, description, rule), the example parameters, the
//! rendered example policy, the corrections to AWS's published example and the source. Every word
//! comes from the providers (their constants, the `///` docs of their parameters, the schema
//! descriptions of core's types), so a new provider appears here by itself. The file is plain
//! GitHub Markdown: no HTML, headings whose anchors the table of contents computes the way
//! GitHub does, and no sub-headings inside entries (so that every anchor stays unique).

use super::{GeneratedFile, preamble};
use anyhow::{Context, Result};
use mmpolicy::{ParamDoc, PolicyProvider, Registry};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The path of the reference, relative to the workspace root.
pub const PATH: &str = "docs/reference.md";

/// The reference of every registered provider.
pub fn generate() -> Result<GeneratedFile> {
    Ok(GeneratedFile::new(PATH, render(mmpolicy::registry())?))
}

/// The Markdown of the reference for `registry`.
pub fn render(registry: &Registry) -> Result<String> {
    let mut slugs = Slugger::default();
    let title = "mmpolicy reference";
    slugs.slug(title);
    slugs.slug("Contents");

    // Anchors are computed in document order, the order GitHub numbers duplicates in.
    let features: Vec<Section> = registry
        .features()
        .into_iter()
        .map(|feature| {
            let anchor = slugs.slug(feature);
            let providers = registry
                .iter()
                .filter(|p| p.feature() == feature)
                .map(|p| (p, slugs.slug(p.id())))
                .collect();
            Section {
                feature,
                anchor,
                providers,
            }
        })
        .collect();

    let mut out = String::new();
    out.push_str(&preamble(
        "<!-- ",
        " -->",
        "the provider registry: each provider's constants, example and `render` in its feature crate (`crates/mmpolicy-<feature>/src`), the `///` docs of its parameter type, the schema descriptions of the types in `crates/mmpolicy-core/src/types`, and the layout in `xtask/src/codegen/reference.rs`",
    ));
    let _ = write!(
        out,
        "\n# {title}\n\n\
         Every policy that mmpolicy renders, grouped by feature: where each document goes, why Mail \
         Manager needs it, its parameters and their rules, an example, and what mmpolicy does \
         differently from AWS's published example.\n\n\
         - Render a policy with `mmpolicy render <id>` and `--params FILE` (JSON or TOML), \
         `--set key=value`, or `--example`; `mmpolicy render --help` says more.\n\
         - `mmpolicy describe <id>` prints an entry in the terminal.\n\
         - The parameters of each provider have a JSON schema, \
         [`schemas/<id>.json`](../schemas/) (its `$id` is `urn:mmpolicy:schema:<id>`), for \
         editors and CI to validate and complete parameter files.\n\n\
         ## Contents\n\n"
    );
    for Section {
        feature,
        anchor,
        providers,
    } in &features
    {
        let _ = writeln!(out, "- [`{feature}`](#{anchor})");
        for (p, anchor) in providers {
            let _ = writeln!(out, "  - [`{}`](#{anchor}): {}", p.id(), p.title());
        }
    }
    for Section {
        feature, providers, ..
    } in &features
    {
        let _ = write!(out, "\n## `{feature}`\n");
        for (p, _) in providers {
            out.push('\n');
            entry(&mut out, *p)?;
        }
    }
    Ok(out)
}

/// The section of one feature: its anchor, and its providers with theirs.
struct Section {
    feature: &'static str,
    anchor: String,
    providers: Vec<(&'static dyn PolicyProvider, String)>,
}

/// One provider's entry.
fn entry(out: &mut String, p: &dyn PolicyProvider) -> Result<()> {
    let id = p.id();
    let _ = write!(
        out,
        "### `{id}`\n\n\
         **{title}**\n\n\
         - **Kind:** `{kind}`: attach it to {attach}.\n\
         - **Parameters schema:** [`schemas/{id}.json`](../schemas/{id}.json)\n\n\
         {description}\n\n",
        title = p.title(),
        kind = p.kind(),
        attach = p.kind().attach_to(),
        description = p.description().trim(),
    );

    let params = mmpolicy::param_docs(p);
    if params.is_empty() {
        out.push_str("**Parameters:** none.\n\n");
    } else {
        out.push_str("**Parameters:**\n\n");
        out.push_str("| Name | Type | Required | Description | Rule |\n");
        out.push_str("| --- | --- | --- | --- | --- |\n");
        for param in &params {
            param_row(out, param);
        }
        out.push('\n');
    }

    let example = p.example_params();
    let policy = p
        .render_value(&example)
        .with_context(|| format!("the example of `{id}` does not render"))?;
    let _ = write!(
        out,
        "**Example parameters:**\n\n```json\n{}\n```\n\n\
         **Rendered example** (`mmpolicy render {id} --example`):\n\n```json\n{}```\n\n",
        serde_json::to_string_pretty(&example)
            .with_context(|| format!("cannot write the example of `{id}`"))?,
        policy.to_pretty_json(),
    );

    requests_table(out, p, &example)?;

    let corrections = p.corrections();
    if !corrections.is_empty() {
        out.push_str("**Corrections to AWS's published example:**\n\n");
        for c in corrections {
            let _ = writeln!(out, "- {}", one_line(c));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "**Source:** {}", one_line(p.source()));
    Ok(())
}

/// The requests made with the example policy and its near misses, as a table.
fn requests_table(
    out: &mut String,
    p: &dyn PolicyProvider,
    example: &serde_json::Value,
) -> Result<()> {
    let id = p.id();
    let requests = p
        .required_requests_value(example)
        .with_context(|| format!("the example of `{id}` declares no requests"))?;
    let _ = write!(
        out,
        "**Requests made with it**, and near misses it must deny (`mmpolicy check {id} --policy FILE --example` evaluates them against your policy):\n\n\
         | Expect | Principal | Action | Resource | Context | Why |\n\
         | --- | --- | --- | --- | --- | --- |\n"
    );
    for r in &requests {
        let context = r
            .context
            .iter()
            .map(|(k, v)| format!("`{k}={}`", v.join(",")))
            .collect::<Vec<_>>()
            .join("<br>");
        let resource = match &r.resource_account {
            Some(account) => format!("`{}` (account `{account}`)", r.resource),
            None => format!("`{}`", r.resource),
        };
        let _ = writeln!(
            out,
            "| {} | {} | `{}` | {resource} | {} | {} |",
            match r.expect {
                mmpolicy::Expect::Allow => "allow",
                mmpolicy::Expect::Deny => "deny",
            },
            r.principal.describe(),
            r.action,
            if context.is_empty() { "" } else { &context },
            r.why,
        );
    }
    out.push('\n');
    Ok(())
}

/// One row of a parameters table.
fn param_row(out: &mut String, param: &ParamDoc) {
    let type_name = if param.type_name.contains(' ') {
        param.type_name.clone()
    } else {
        format!("`{}`", param.type_name)
    };
    let required = match (param.required, &param.default) {
        (true, _) => "yes".to_owned(),
        (false, Some(default)) => format!("no, default `{default}`"),
        (false, None) => "no".to_owned(),
    };
    let _ = writeln!(
        out,
        "| `{}` | {} | {} | {} | {} |",
        param.name,
        cell(&type_name),
        cell(&required),
        cell(&param.doc),
        cell(param.rule.as_deref().unwrap_or("")),
    );
}

/// Text made safe for a table cell: on one line, with `|` escaped (GitHub needs the escape
/// inside code spans too).
fn cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// Text on one line: line breaks and runs of white space become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// GitHub's heading anchors: the heading's text lowercased, spaces turned into `-`, every
/// character but letters, digits, `-` and `_` dropped; a repeated anchor gets `-1`, `-2`, ...
#[derive(Debug, Default)]
struct Slugger {
    seen: BTreeMap<String, usize>,
}

impl Slugger {
    /// The anchor of the next heading whose rendered text (without Markdown) is `text`.
    fn slug(&mut self, text: &str) -> String {
        let base: String = text
            .trim()
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        let count = self.seen.entry(base.clone()).or_insert(0);
        let slug = match *count {
            0 => base,
            n => format!("{base}-{n}"),
        };
        *count += 1;
        slug
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> String {
        render(mmpolicy::registry()).unwrap()
    }

    /// The text of the entry of `id`: from its heading to the next heading of any level 2 or 3.
    fn section<'a>(text: &'a str, id: &str) -> &'a str {
        let heading = format!("\n### `{id}`\n");
        let start = text
            .find(&heading)
            .unwrap_or_else(|| panic!("no heading for `{id}`"));
        let rest = &text[start + heading.len()..];
        let end = rest
            .find("\n## ")
            .into_iter()
            .chain(rest.find("\n### "))
            .min();
        &rest[..end.unwrap_or(rest.len())]
    }

    #[test]
    fn slugs_follow_github() {
        let mut s = Slugger::default();
        assert_eq!(s.slug("ingress.secret-policy"), "ingresssecret-policy");
        assert_eq!(s.slug("smtp-relay"), "smtp-relay");
        assert_eq!(s.slug("Rule actions: S3_write"), "rule-actions-s3_write");
        assert_eq!(s.slug("smtp-relay"), "smtp-relay-1");
        assert_eq!(s.slug("smtp-relay"), "smtp-relay-2");
    }

    #[test]
    fn every_provider_and_every_parameter_is_listed() {
        let text = reference();
        let registry = mmpolicy::registry();
        assert!(!registry.is_empty());
        for feature in registry.features() {
            assert!(
                text.contains(&format!("\n## `{feature}`\n")),
                "no section for `{feature}`"
            );
        }
        for p in registry.iter() {
            let id = p.id();
            assert!(
                text.contains(&format!("  - [`{id}`](#")),
                "`{id}` is not in the contents"
            );
            let entry = section(&text, id);
            assert!(entry.contains(p.title()), "{id}: title");
            assert!(entry.contains(&format!("`{}`", p.kind())), "{id}: kind");
            assert!(entry.contains(p.kind().attach_to()), "{id}: attach to");
            assert!(
                entry.contains(one_line(p.source()).as_str()),
                "{id}: source"
            );
            for c in p.corrections() {
                assert!(entry.contains(one_line(c).as_str()), "{id}: correction {c}");
            }
            let requests = p.required_requests_value(&p.example_params()).unwrap();
            assert!(!requests.is_empty(), "{id}: no requests");
            for r in requests {
                assert!(
                    entry.contains(&format!("| `{}` | `{}` ", r.action, r.resource)),
                    "{id}: request `{}` on `{}` is not listed",
                    r.action,
                    r.resource
                );
            }
            let params = mmpolicy::param_docs(p);
            assert!(!params.is_empty(), "{id}: no parameters");
            for param in params {
                assert!(
                    entry.contains(&format!("\n| `{}` | ", param.name)),
                    "{id}: parameter `{}` is not listed",
                    param.name
                );
            }
            let policy = p.render_value(&p.example_params()).unwrap();
            assert!(
                entry.contains(&policy.to_pretty_json()),
                "{id}: rendered example"
            );
        }
    }

    #[test]
    fn every_link_of_the_contents_reaches_a_heading() {
        let text = reference();
        let mut slugs = Slugger::default();
        let anchors: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with('#'))
            .map(|l| slugs.slug(l.trim_start_matches('#').replace('`', "").as_str()))
            .collect();
        let mut links = 0;
        for part in text.split("](#").skip(1) {
            let anchor = &part[..part.find(')').unwrap()];
            assert!(
                anchors.iter().any(|a| a == anchor),
                "no heading `#{anchor}`"
            );
            links += 1;
        }
        let registry = mmpolicy::registry();
        assert!(links >= registry.len() + registry.features().len());
    }

    #[test]
    fn table_rows_have_as_many_cells_as_their_header() {
        // A `|` left unescaped in a cell would split it: every row of a table has its
        // header's cells (five for parameters, six for requests).
        let text = reference();
        let mut header: Option<usize> = None;
        for line in text.lines() {
            if !line.starts_with("| ") {
                header = None;
                continue;
            }
            let cells = line.replace("\\|", "").matches('|').count();
            let expected = *header.get_or_insert(cells);
            assert!(expected == 6 || expected == 7, "{line}");
            assert_eq!(cells, expected, "{line}");
        }
    }

    #[test]
    fn output_is_deterministic_and_starts_with_the_header() {
        let a = reference();
        assert_eq!(a, reference());
        assert!(a.starts_with("<!-- Generated by `cargo xtask codegen` from "));
        assert!(a.ends_with('\n') && !a.ends_with("\n\n"));
        assert!(!a.contains('\r') && !a.contains('\t'));
    }
}
