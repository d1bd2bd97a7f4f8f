//! `mmpolicy bundle`: every policy of a whole deployment, from one TOML or JSON file, written
//! into one folder with an index.
//!
//! Everything is rendered in memory first; nothing is written when any part fails. The files
//! are written into a temporary folder beside the output folder, which is then renamed into
//! place, so the output folder is never half written.
//!
//! An existing output folder is replaced by the new one in one step where the system can
//! (Linux's `renameat2` exchange): at every instant `--out` names either the old bundle or the
//! new one, even if the run is killed. Elsewhere the old folder is moved aside first, and a run
//! killed between the two renames leaves it parked beside `--out`, where the next run puts it
//! back. Then only what the run may delete is deleted from the old folder: the files of an
//! earlier bundle (its `.mmpolicy-bundle` marker, its `bundle.json` and the policy files it
//! lists), or with `--force` what the folder held when the run started. Anything else, such as
//! a file written into the folder while the run was in progress, is moved into the new folder.
//!
//! Without `--force`, an existing folder must be empty or an earlier bundle: the marker
//! mmpolicy writes, a `bundle.json` that reads as a bundle index, and only files it lists that
//! are named as mmpolicy names policies (`<feature>.<name>.json`). Even with `--force`, `/`, the
//! home folder, the current folder (or one holding it) and a folder holding `.git` are refused,
//! and so is a folder holding the deployment file. A `--out` that is a symbolic link to a
//! folder is written through: the link stays, its target is replaced.

use crate::error::CliError;
use crate::paths;
use crate::{input, output};
use mmpolicy_bulk::cleanup;
use mmpolicy_bulk::files::{default_permissions, exchange, parent_of, rename_new};
use mmpolicy_bundle::{Bundle, Format as BundleFormat, plan_bundle};
use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The file that marks a folder as a bundle mmpolicy wrote, and its contents: the format of
/// the folder, for a later mmpolicy to recognise it.
pub const MARKER_FILE: &str = ".mmpolicy-bundle";
/// The contents of [`MARKER_FILE`].
const MARKER_TEXT: &str = "written by mmpolicy bundle; bundle folder format 1\n";

/// The text after `mmpolicy bundle --help`'s options: the tables of a bundle file, from the
/// sections registered in this program (so a new feature crate appears here by itself), then
/// what is written and examples.
fn after_help() -> String {
    let mut s = String::from(
        "The bundle file gives `account_id` and `region` once, then one optional table per \
         feature; only the tables present produce policies:\n",
    );
    for section in mmpolicy::sections() {
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
         written if any part fails. An existing output folder is replaced in one step when it \
         is empty or holds an earlier bundle (the .mmpolicy-bundle marker, a bundle.json index \
         and only the policy files it lists); any other folder needs --force, and /, the home \
         folder, the current folder and a folder holding .git are refused even with --force. \
         Only the earlier bundle's files (with --force, what the folder held at the start) are \
         deleted; a file written into the folder during the run is kept. A --out that is a \
         symbolic link is written through. The deployment file may be at most 16 MiB.\n\n\
         --format cloudformation, terraform or aws-cli also writes the files that put the \
         policies into the account (template.yaml; main.tf, variables.tf and outputs.tf; \
         apply.sh, executable), beside merge-policies.sh where CloudFormation or Terraform \
         cannot merge into a policy they do not manage.\n\n\
         Examples:\n  \
         mmpolicy bundle deployment.toml --out policies/\n  \
         mmpolicy bundle deployment.toml --out deploy/ --format terraform\n  \
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
    /// The deployment file: TOML when its name ends in `.toml`, else JSON; `-` reads stdin
    /// (JSON, or TOML with `--input-format toml`).
    file: String,
    /// The deployment file's format, instead of guessing it from its name.
    #[arg(long, value_enum, value_name = "FORMAT")]
    input_format: Option<InputFormat>,
    /// What to write besides the policies and `bundle.json`: nothing (`json`), a CloudFormation
    /// template, a Terraform configuration or an AWS CLI script that puts them into the account.
    #[arg(long, value_enum, value_name = "FORMAT", default_value = "json")]
    format: OutputFormat,
    /// The folder to write the policies and `bundle.json` into.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Replace the output folder even if it is not empty and holds no earlier bundle (it is
    /// replaced as a whole: files the new bundle does not write are removed).
    #[arg(long)]
    force: bool,
}

/// The formats of a deployment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum InputFormat {
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

/// What a bundle folder holds besides the policies and the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OutputFormat {
    /// Only the policies and `bundle.json`.
    Json,
    /// `template.yaml`, a CloudFormation template (and `merge-policies.sh` for the policies
    /// merged into existing ones).
    Cloudformation,
    /// `main.tf`, `variables.tf` and `outputs.tf` (and `merge-policies.sh`).
    Terraform,
    /// `apply.sh`, an AWS CLI script.
    AwsCli,
}

/// The files the deployment formats write beside the policies: a folder holding them (and
/// otherwise an earlier bundle) is an earlier bundle too.
const FORMAT_FILES: [&str; 6] = [
    "template.yaml",
    "main.tf",
    "variables.tf",
    "outputs.tf",
    "apply.sh",
    "merge-policies.sh",
];

/// Every file of the bundle folder: the policies and the index, then the files of `format`.
fn folder_files(bundle: &Bundle, format: OutputFormat) -> Result<Vec<(String, String)>, CliError> {
    let mut files = bundle.files();
    let write = match format {
        OutputFormat::Json => return Ok(files),
        OutputFormat::Cloudformation => mmpolicy_formats::cloudformation::write,
        OutputFormat::Terraform => mmpolicy_formats::terraform::write,
        OutputFormat::AwsCli => mmpolicy_formats::aws_cli::write,
    };
    let internal = |e: &dyn std::fmt::Display| CliError::Internal(e.to_string());
    let placements = bundle
        .policies
        .iter()
        .map(|p| {
            // As the file holds it: the document, or the statements to merge.
            let document = match p.kind.shape() {
                mmpolicy::Shape::Document => serde_json::to_value(&p.policy),
                mmpolicy::Shape::Statements => serde_json::to_value(p.policy.statements()),
            }
            .map_err(|e| internal(&e))?;
            mmpolicy_formats::Placement::new(p.file.clone(), p.target.clone(), document)
                .map_err(|e| internal(&e))
        })
        .collect::<Result<Vec<_>, CliError>>()?;
    let deployment = mmpolicy_formats::Deployment::new(
        bundle.common.account_id.as_str(),
        bundle.common.region.as_str(),
        placements,
    )
    .map_err(|e| internal(&e))?;
    for (name, contents) in write(&deployment).map_err(|e| internal(&e))? {
        // The policy files the format copies are the bundle's own.
        if files.iter().any(|(n, _)| *n == name) {
            continue;
        }
        if !FORMAT_FILES.contains(&name.as_str()) {
            return Err(CliError::Internal(format!(
                "the {format:?} format writes `{name}`, which the bundle writer does not know"
            )));
        }
        files.push((name, contents));
    }
    Ok(files)
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let format = match (args.input_format, args.file.as_str()) {
        (Some(InputFormat::Json), _) | (None, "-") => BundleFormat::Json,
        (Some(InputFormat::Toml), _) => BundleFormat::Toml,
        (None, file) => BundleFormat::from_path(Path::new(file)),
    };
    let deployment = (args.file != "-").then(|| Path::new(&args.file));
    let out = check_out(&args.out, deployment)?;
    let text = input::read_text(&args.file)?;
    if args.file == "-"
        && args.input_format.is_none()
        && serde_json::from_str::<serde_json::Value>(&text)
            .is_err_and(|e| e.is_syntax() || e.is_eof())
    {
        return Err(CliError::usage(
            "standard input is not JSON: `bundle -` reads JSON; for TOML, add `--input-format toml` or give the file's path",
        ));
    }
    let name = if args.file == "-" {
        "<stdin>"
    } else {
        &args.file
    };
    let bundle = plan_bundle(&text, format).map_err(|e| match e.line {
        Some(line) => CliError::usage(format!("{name}:{line}: {e}")),
        None => CliError::usage(format!("{name}: {e}")),
    })?;
    let files = folder_files(&bundle, args.format)?;
    write_bundle(&files, &out, &args.out, args.force)?;
    output::print(&summary(&bundle, &args.out))
}

/// The folder to write for `--out` (the target of a link to a folder), once it is known not
/// to be a folder mmpolicy never replaces nor one that holds the deployment file.
fn check_out(out: &Path, deployment: Option<&Path>) -> Result<PathBuf, CliError> {
    let shown = out.display();
    let real = match std::fs::symlink_metadata(out) {
        Ok(m) if m.file_type().is_symlink() => match std::fs::canonicalize(out) {
            Ok(target) if target.is_dir() => target,
            _ => {
                return Err(CliError::usage(format!(
                    "`--out {shown}` is a symbolic link to something that is not a folder: point it to a folder, or give another `--out`"
                )));
            }
        },
        _ => out.to_owned(),
    };
    paths::check_replaceable("--out", &real)?;
    if let Some(deployment) = deployment {
        let folder = paths::normalised(&real);
        if paths::normalised(deployment).starts_with(&folder) {
            return Err(CliError::usage(format!(
                "`--out {shown}` holds the deployment file `{}`, which replacing the folder would delete: give an output folder of its own",
                deployment.display()
            )));
        }
    }
    Ok(real)
}

/// What was written, for stdout.
fn summary(bundle: &Bundle, out: &Path) -> String {
    let mut s = format!(
        "wrote {} policies and {} to {}\n",
        bundle.policies.len(),
        mmpolicy_bundle::INDEX_FILE,
        out.display()
    );
    for p in &bundle.policies {
        let _ = writeln!(s, "  {:<40} {:<8} {}", p.file, p.kind, p.attach_to);
    }
    s
}

/// Whether `name` is one mmpolicy gives a policy file: `<feature>.<name>.json`, in lowercase
/// letters, digits, `-` and `.`, for a feature of this program.
fn is_policy_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".json") else {
        return false;
    };
    let Some((feature, rest)) = stem.split_once('.') else {
        return false;
    };
    !rest.is_empty()
        && stem
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && mmpolicy::registry()
            .iter()
            .any(|p| p.id().split_once('.').is_some_and(|(f, _)| f == feature))
}

/// Reads a small file of a bundle folder, or `None` when it is not a regular file that can be
/// read (or is larger than `limit`).
fn read_small(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read;
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > limit {
        return None;
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .ok()?
        .take(limit)
        .read_to_string(&mut text)
        .ok()?;
    Some(text)
}

/// The names in `out` that replacing it may delete, or why it may not be replaced without
/// `--force`: every name when it is empty or holds an earlier bundle and nothing else (the
/// marker, a `bundle.json` that reads as a bundle index, and only policy files it lists).
fn earlier_bundle(out: &Path) -> std::io::Result<Result<BTreeSet<OsString>, String>> {
    let index_name = mmpolicy_bundle::INDEX_FILE;
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(out)? {
        names.insert(entry?.file_name());
    }
    if names.is_empty() {
        return Ok(Ok(names));
    }
    if read_small(&out.join(MARKER_FILE), 1024).as_deref() != Some(MARKER_TEXT) {
        return Ok(Err(format!(
            "it has no `{MARKER_FILE}` marker of a bundle written by mmpolicy"
        )));
    }
    let Some(listed) = read_small(&out.join(index_name), input::MAX_FILE_BYTES)
        .as_deref()
        .and_then(mmpolicy_bundle::index_files)
    else {
        return Ok(Err(format!("its `{index_name}` is not a bundle index")));
    };
    for name in &names {
        let shown = name.to_string_lossy();
        let Some(text) = name.to_str() else {
            return Ok(Err(format!(
                "it holds `{shown}`, which mmpolicy does not write"
            )));
        };
        if text == MARKER_FILE || text == index_name {
            continue;
        }
        if FORMAT_FILES.contains(&text)
            && std::fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.is_file())
        {
            continue;
        }
        if !listed.iter().any(|f| f == text) {
            return Ok(Err(format!(
                "it holds `{shown}`, which its `{index_name}` does not list"
            )));
        }
        if !is_policy_file_name(text) {
            return Ok(Err(format!(
                "it holds `{shown}`, which is not named as mmpolicy names policy files"
            )));
        }
        if !std::fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.is_file()) {
            return Ok(Err(format!(
                "it holds `{shown}`, which is not a regular file"
            )));
        }
    }
    Ok(Ok(names))
}

/// Writes `files` (a bundle's, with its format's) into `out` (already checked by
/// [`check_out`]; `given` is the `--out` the user gave), through a temporary folder swapped
/// into place.
fn write_bundle(
    files: &[(String, String)],
    out: &Path,
    given: &Path,
    force: bool,
) -> Result<(), CliError> {
    let shown = given.display();
    let cannot = |what: &str, e: std::io::Error| {
        CliError::io(format!("cannot write the bundle to `{shown}`: {what}"), &e)
    };
    let parent = parent_of(out).to_path_buf();
    if !parent.is_dir() {
        return Err(CliError::usage(format!(
            "cannot write the bundle to `{shown}`: its parent `{}` is not an existing folder (create it first)",
            parent.display()
        )));
    }
    recover_stale(&parent, out);
    // The names replacing the folder may delete, and its permissions, when it exists.
    let existing = match std::fs::metadata(out) {
        Ok(m) if !m.is_dir() => {
            return Err(CliError::usage(format!(
                "`{shown}` exists and is not a folder: give another `--out`"
            )));
        }
        Ok(m) => {
            let names =
                earlier_bundle(out).map_err(|e| cannot("cannot read the existing folder", e))?;
            let names = match names {
                Ok(names) => names,
                Err(why) if !force => {
                    return Err(CliError::usage(format!(
                        "`{shown}` already exists and is not an earlier bundle ({why}): pass `--force` to replace it as a whole, or give another `--out`"
                    )));
                }
                Err(_) => std::fs::read_dir(out)
                    .and_then(|entries| {
                        entries
                            .map(|e| e.map(|e| e.file_name()))
                            .collect::<std::io::Result<BTreeSet<_>>>()
                    })
                    .map_err(|e| cannot("cannot read the existing folder", e))?,
            };
            Some((names, m.permissions()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(cannot("cannot inspect it", e)),
    };
    let staging = {
        let mut registry = cleanup::lock();
        let prefix = cleanup::temp_prefix("bundle");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        let permissions = existing
            .as_ref()
            .map(|(_, p)| p.clone())
            .or_else(|| default_permissions(true));
        if let Some(p) = permissions {
            builder.permissions(p);
        }
        let staging = builder
            .tempdir_in(&parent)
            .map_err(|e| cannot("cannot create a temporary folder beside it", e))?;
        registry.push(staging.path().to_owned());
        staging
    };
    for (name, contents) in files
        .iter()
        .chain([&(MARKER_FILE.to_owned(), MARKER_TEXT.to_owned())])
    {
        write_file(&staging.path().join(name), contents)
            .map_err(|e| cannot(&format!("cannot write `{name}`"), e))?;
    }
    let Some((deletable, _)) = existing else {
        let mut registry = cleanup::lock();
        let staging = staging.keep();
        registry.retain(|p| p != &staging);
        return rename_new(&staging, out).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            cannot("cannot rename the new folder into place", e)
        });
    };
    // From here to the end the registry is held: a signal waits until the swap and the
    // clean-up of the old folder are done, and removes nothing of the user's.
    let mut registry = cleanup::lock();
    let staging = staging.keep();
    // Undoes the run before the old folder moved: the new folder is removed.
    let give_up = |registry: &mut Vec<PathBuf>, e: CliError| {
        let _ = std::fs::remove_dir_all(&staging);
        registry.retain(|p| p != &staging);
        e
    };
    let swapped = match exchange(&staging, out) {
        Ok(swapped) => swapped,
        Err(e) => {
            let e = cannot("cannot swap the new folder in", e);
            return Err(give_up(&mut registry, e));
        }
    };
    let result = if swapped {
        // `staging` now holds the old folder.
        let result = clean_old(&staging, out, given, &deletable);
        registry.retain(|p| p != &staging);
        result
    } else {
        // Two renames: the old folder is parked in a folder that says where it belongs, so
        // that a run killed between them lets the next run put it back.
        let park = match tempfile::Builder::new()
            .prefix(&cleanup::temp_prefix("bundle-old"))
            .tempdir_in(&parent)
        {
            Ok(park) => park,
            Err(e) => {
                let e = cannot("cannot create a temporary folder beside it", e);
                return Err(give_up(&mut registry, e));
            }
        };
        let old = park.path().join("old");
        let name = out.file_name().unwrap_or_default();
        let parked = std::fs::write(park.path().join("target"), name.as_encoded_bytes())
            .and_then(|()| std::fs::rename(out, &old));
        if let Err(e) = parked {
            let e = cannot("cannot move the old folder aside", e);
            return Err(give_up(&mut registry, e));
        }
        let park = park.keep();
        if let Err(e) = std::fs::rename(&staging, out) {
            // Put the old folder back; if even that fails, it stays parked for the next run.
            if std::fs::rename(&old, out).is_ok() {
                let _ = std::fs::remove_file(park.join("target"));
                let _ = std::fs::remove_dir(&park);
            }
            let e = cannot("cannot rename the new folder into place", e);
            return Err(give_up(&mut registry, e));
        }
        registry.retain(|p| p != &staging);
        let result = clean_old(&old, out, given, &deletable);
        let _ = std::fs::remove_file(park.join("target"));
        let _ = std::fs::remove_dir(&park);
        result
    };
    drop(registry);
    result
}

/// Writes a new file of the staging folder: a script (`*.sh`) executable, with the mode a
/// shell gives a script it creates (`0777` less the umask), other files `0666` less the umask.
fn write_file(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if path.extension().is_some_and(|e| e == "sh") {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o777);
    }
    let mut file = options.open(path)?;
    file.write_all(contents.as_bytes())
}

/// Empties the folder the bundle replaced (`old`) and removes it: the names in `deletable` are
/// deleted, anything else (written into the folder during the run) is moved into `out`. A
/// file that cannot be moved because the new bundle has one of the same name is kept, with the
/// old folder, beside `out`, and the run fails naming it.
fn clean_old(
    old: &Path,
    out: &Path,
    given: &Path,
    deletable: &BTreeSet<OsString>,
) -> Result<(), CliError> {
    let mut clashes = Vec::new();
    // A few rounds, for files that keep arriving while it is emptied.
    for _ in 0..3 {
        let Ok(entries) = std::fs::read_dir(old) else {
            break;
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            if deletable.contains(&name) {
                cleanup::remove(&entry.path());
            } else if rename_new(&entry.path(), &out.join(&name)).is_err() {
                clashes.push(name.to_string_lossy().into_owned());
            }
        }
        if !clashes.is_empty() || std::fs::remove_dir(old).is_ok() {
            break;
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    let kept = parent_of(out).join(format!(
        "{}.kept-{}",
        out.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let kept = match std::fs::rename(old, &kept) {
        Ok(()) => kept,
        Err(_) => old.to_owned(),
    };
    Err(CliError::usage(format!(
        "`{}` appeared in `{}` while the bundle was written, and the new bundle has a file of the same name: the bundle was written, and the earlier files are kept in `{}`; move what you need from there",
        clashes.join("`, `"),
        given.display(),
        kept.display()
    )))
}

/// Tidies what killed runs left beside `out`: an old bundle parked by a run killed between its
/// two renames is put back when `out` is missing; stale temporary folders are emptied of the
/// files mmpolicy writes and removed when nothing else is in them (otherwise a note names
/// them).
fn recover_stale(parent: &Path, out: &Path) {
    let name = out.file_name().unwrap_or_default();
    for park in cleanup::stale(parent, "bundle-old") {
        let old = park.join("old");
        let target = std::fs::read(park.join("target")).unwrap_or_default();
        if target == name.as_encoded_bytes()
            && std::fs::symlink_metadata(out).is_err()
            && std::fs::rename(&old, out).is_ok()
        {
            eprintln!(
                "note: put back `{}`, which a run that was stopped had moved aside",
                out.display()
            );
        } else {
            remove_written(&old);
        }
        let _ = std::fs::remove_file(park.join("target"));
        if std::fs::remove_dir(&park).is_err() {
            eprintln!(
                "note: kept `{}`: a run that was stopped left it with files mmpolicy did not write",
                park.display()
            );
        }
    }
    for staging in cleanup::stale(parent, "bundle") {
        if !remove_written(&staging) {
            eprintln!(
                "note: kept `{}`: a run that was stopped left it with files mmpolicy did not write",
                staging.display()
            );
        }
    }
}

/// Deletes from `dir` the files a bundle writes (its marker, its index, policy files), then
/// `dir` itself if it is left empty; true when it is gone.
fn remove_written(dir: &Path) -> bool {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name();
            let ours = name.to_str().is_some_and(|n| {
                n == MARKER_FILE
                    || n == mmpolicy_bundle::INDEX_FILE
                    || FORMAT_FILES.contains(&n)
                    || is_policy_file_name(n)
            });
            if ours && entry.file_type().is_ok_and(|t| t.is_file()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    std::fs::remove_dir(dir).is_ok() || std::fs::symlink_metadata(dir).is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replacing_a_folder_keeps_the_files_written_during_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let (old, out) = (dir.path().join("old"), dir.path().join("out"));
        std::fs::create_dir(&old).unwrap();
        std::fs::create_dir(&out).unwrap();
        for name in [MARKER_FILE, "bundle.json", "ingress.key-policy.json"] {
            std::fs::write(old.join(name), "old").unwrap();
            std::fs::write(out.join(name), "new").unwrap();
        }
        // Written into the folder while the run was in progress.
        std::fs::write(old.join("notes.txt"), "mine").unwrap();
        let deletable: BTreeSet<OsString> = [MARKER_FILE, "bundle.json", "ingress.key-policy.json"]
            .iter()
            .map(OsString::from)
            .collect();
        clean_old(&old, &out, &out, &deletable).unwrap();
        assert!(!old.exists());
        assert_eq!(
            std::fs::read_to_string(out.join("notes.txt")).unwrap(),
            "mine"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("bundle.json")).unwrap(),
            "new"
        );

        // One the new bundle also writes is kept beside the output, and the run fails.
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("ingress.secret-policy.json"), "mine").unwrap();
        std::fs::write(out.join("ingress.secret-policy.json"), "new").unwrap();
        let e = clean_old(&old, &out, &out, &deletable).unwrap_err();
        let CliError::Usage(message) = e else {
            panic!("{e:?}")
        };
        assert!(message.contains("are kept in"), "{message}");
        let kept = dir
            .path()
            .join(format!("out.kept-{}", std::process::id()))
            .join("ingress.secret-policy.json");
        assert_eq!(std::fs::read_to_string(kept).unwrap(), "mine");
    }

    #[test]
    fn policy_file_names_are_those_mmpolicy_writes() {
        for good in ["ingress.key-policy.json", "rule-actions.role-policy.json"] {
            assert!(is_policy_file_name(good), "{good}");
        }
        for bad in [
            "notes.json",
            "thesis.docx",
            "docs/ingress.key-policy.json",
            "unknown.key-policy.json",
            "ingress..json",
            "Ingress.key-policy.json",
            "bundle.json",
        ] {
            assert!(!is_policy_file_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_root_folder_is_never_replaced() {
        assert!(paths::check_replaceable("--out", Path::new("/")).is_err());
    }
}
