//! Writes the CloudFormation, Terraform and AWS CLI forms of a bundle folder, for the checks
//! of `scripts/check-formats.sh`:
//!
//! ```sh
//! cargo run -q -p mmpolicy-cli -- bundle examples/deployment.toml --out target/formats-sample/bundle/
//! cargo run -q -p mmpolicy-formats --example write_samples -- target/formats-sample/bundle target/formats-sample
//! ```
//!
//! writes `target/formats-sample/{cloudformation,terraform,aws-cli}/`, and
//! `target/formats-sample/placements.json`: each policy's file, kind and structured target,
//! as the bundle's index holds them. The bundle folder is read with
//! [`mmpolicy_formats::bundle_dir`].

use std::path::{Path, PathBuf};

type Formatter = fn(
    &mmpolicy_formats::Deployment,
) -> Result<Vec<mmpolicy_formats::OutputFile>, mmpolicy_formats::FormatError>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [bundle, out] = args.as_slice() else {
        return Err("usage: write_samples BUNDLE_DIR OUT_DIR".into());
    };
    let deployment = mmpolicy_formats::bundle_dir::read(Path::new(bundle))?;
    let placements: Vec<serde_json::Value> = deployment
        .placements()
        .iter()
        .map(|p| serde_json::json!({"file": p.file(), "kind": p.kind(), "target": p.target()}))
        .collect();
    std::fs::create_dir_all(out)?;
    let mut index = serde_json::to_string_pretty(&placements)?;
    index.push('\n');
    std::fs::write(PathBuf::from(out).join("placements.json"), index)?;
    let formats: [(&str, Formatter); 3] = [
        ("cloudformation", mmpolicy_formats::cloudformation::write),
        ("terraform", mmpolicy_formats::terraform::write),
        ("aws-cli", mmpolicy_formats::aws_cli::write),
    ];
    for (name, write) in formats {
        let dir = PathBuf::from(out).join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        for (path, contents) in write(&deployment)? {
            let path = dir.join(path);
            std::fs::write(&path, contents)?;
            if path.extension().is_some_and(|e| e == "sh") {
                set_executable(&path)?;
            }
        }
        println!("wrote {}", dir.display());
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}
