//! `mmpolicy bundle`: every policy of a whole deployment, from one TOML or JSON file, written
//! into one folder with an index.
//!
//! Everything is rendered in memory first; nothing is written when any part fails. The files
//! are written into a temporary folder beside the output folder, which is then renamed into
//! place, so the output folder is never half written.
//!
//! An existing output folder is replaced as a whole (moved aside, the new folder renamed in,
//! the old one removed), never merged with the new files: policies a previous run wrote and
//! this one does not are gone. That happens without asking when the folder is empty or holds
//! an earlier bundle and nothing else (a `bundle.json` that reads as a bundle index, and only
//! files it lists), so re-running a bundle just refreshes it; any other folder is refused
//! unless `--force` is given, so a mistyped `--out` or a file of the user's in the folder is
//! never wiped.

use crate::error::CliError;
use crate::{input, output};
use mmpolicy::bundle::{Bundle, BundleFormat, plan_bundle};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The text after `mmpolicy bundle --help`'s options: the tables of a bundle file, from the
/// sections registered in this program (so a new feature crate appears here by itself), then
/// what is written and examples.
fn after_help() -> String {
    let mut s = String::from(
        "The bundle file gives `account_id` and `region` once, then one optional table per \
         feature; only the tables present produce policies:\n",
    );
    for section in mmpolicy::bundle::bundle_sections() {
        let _ = writeln!(s, "\n  [{}]", section.name());
        for line in wrap(section.description(), 74) {
            let _ = writeln!(s, "      {line}");
        }
    }
    s.push_str(
        "\n`mmpolicy describe deployment` prints a commented example of every table; \
         `mmpolicy schema deployment`, the JSON schema of the file.\n\n\
         The output folder gets one file per policy, named by provider id, and bundle.json: the \
         index of every file, its providers, its kind and what to attach it to. Nothing is \
         written if any part fails. An existing output folder is replaced as a whole when it is \
         empty or holds an earlier bundle (a bundle.json index and only the files it lists); \
         any other folder needs --force.\n\n\
         Examples:\n  \
         mmpolicy bundle deployment.toml --out policies/\n  \
         mmpolicy bundle deployment.json --out policies/ --force",
    );
    s
}

/// Splits `text` into lines of at most `width` characters, at spaces (a longer word gets a
/// line of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
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
    lines
}

/// Render every policy of a deployment into a folder.
#[derive(Debug, clap::Args)]
#[command(after_help = after_help())]
pub struct Args {
    /// The deployment file: TOML when its name ends in `.toml`, else JSON; `-` reads JSON
    /// from stdin.
    file: String,
    /// The folder to write the policies and `bundle.json` into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the output folder even if it is not empty and holds no earlier bundle (it is
    /// replaced as a whole: files the new bundle does not write are removed).
    #[arg(long)]
    force: bool,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let text = input::read_text(&args.file)?;
    let format = if args.file == "-" {
        BundleFormat::Json
    } else {
        BundleFormat::from_path(Path::new(&args.file))
    };
    let bundle = plan_bundle(&text, format).map_err(|e| match e.line {
        Some(line) => CliError::usage(format!("{}:{line}: {e}", args.file)),
        None => CliError::usage(format!("{}: {e}", args.file)),
    })?;
    write_bundle(&bundle, &args.out, args.force)?;
    output::print(&summary(&bundle, &args.out))
}

/// What was written, for stdout.
fn summary(bundle: &Bundle, out: &Path) -> String {
    let mut s = format!(
        "wrote {} policies and {} to {}\n",
        bundle.policies.len(),
        mmpolicy::bundle::INDEX_FILE,
        out.display()
    );
    for p in &bundle.policies {
        let _ = writeln!(s, "  {:<40} {:<8} {}", p.file, p.kind, p.attach_to);
    }
    s
}

/// Why the existing folder `out` may not be replaced without `--force`, or `None` when it is
/// empty or holds an earlier bundle and nothing else: a `bundle.json` that reads as a bundle
/// index, and only files that index lists (no folder, no other file).
fn not_an_earlier_bundle(out: &Path) -> std::io::Result<Option<String>> {
    let index_name = mmpolicy::bundle::INDEX_FILE;
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(out)? {
        let entry = entry?;
        entries.push((entry.file_name(), entry.file_type()?));
    }
    if entries.is_empty() {
        return Ok(None);
    }
    match entries
        .iter()
        .find(|(name, _)| name.to_str() == Some(index_name))
    {
        None => return Ok(Some(format!("it has no `{index_name}`"))),
        Some((_, t)) if !t.is_file() => {
            return Ok(Some(format!("its `{index_name}` is not a file")));
        }
        Some(_) => {}
    }
    let text = std::fs::read_to_string(out.join(index_name))?;
    let Some(listed) = mmpolicy::bundle::index_files(&text) else {
        return Ok(Some(format!("its `{index_name}` is not a bundle index")));
    };
    for (name, file_type) in entries {
        let shown = name.to_string_lossy();
        if !file_type.is_file() {
            return Ok(Some(format!("it holds `{shown}`, which is not a file")));
        }
        if name.to_str() != Some(index_name)
            && !listed.iter().any(|f| Some(f.as_str()) == name.to_str())
        {
            return Ok(Some(format!(
                "it holds `{shown}`, which its `{index_name}` does not list"
            )));
        }
    }
    Ok(None)
}

/// Writes every file of `bundle` into `out`, through a temporary folder renamed into place.
fn write_bundle(bundle: &Bundle, out: &Path, force: bool) -> Result<(), CliError> {
    let shown = out.display();
    let cannot = |what: &str, e: std::io::Error| {
        CliError::usage(format!("cannot write the bundle to `{shown}`: {what}: {e}"))
    };
    let existing = match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            return Err(CliError::usage(format!(
                "`{shown}` exists and is not a folder: give another `--out`"
            )));
        }
        Ok(_) => {
            if !force {
                if let Some(why) = not_an_earlier_bundle(out)
                    .map_err(|e| cannot("cannot read the existing folder", e))?
                {
                    return Err(CliError::usage(format!(
                        "`{shown}` already exists and is not an earlier bundle ({why}): pass `--force` to replace it as a whole, or give another `--out`"
                    )));
                }
            }
            true
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(cannot("cannot inspect it", e)),
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !parent.is_dir() {
        return Err(CliError::usage(format!(
            "cannot write the bundle to `{shown}`: its parent `{}` is not an existing folder (create it first)",
            parent.display()
        )));
    }
    let staging = tempfile::Builder::new()
        .prefix(".mmpolicy-bundle-")
        .tempdir_in(&parent)
        .map_err(|e| cannot("cannot create a temporary folder beside it", e))?;
    for (name, contents) in bundle.files() {
        std::fs::write(staging.path().join(&name), contents)
            .map_err(|e| cannot(&format!("cannot write `{name}`"), e))?;
    }
    if existing {
        // Move the old folder aside, rename the new one in, then remove the old one; if the
        // second rename fails, put the old folder back.
        let aside = tempfile::Builder::new()
            .prefix(".mmpolicy-bundle-old-")
            .tempdir_in(&parent)
            .map_err(|e| cannot("cannot create a temporary folder beside it", e))?;
        let old = aside.path().join("old");
        std::fs::rename(out, &old).map_err(|e| cannot("cannot move the old folder aside", e))?;
        if let Err(e) = std::fs::rename(staging.path(), out) {
            let _ = std::fs::rename(&old, out);
            return Err(cannot("cannot rename the new folder into place", e));
        }
        let _ = staging.keep();
        // `aside` (holding the old folder) is removed when dropped.
    } else {
        std::fs::rename(staging.path(), out)
            .map_err(|e| cannot("cannot rename the new folder into place", e))?;
        let _ = staging.keep();
    }
    Ok(())
}
