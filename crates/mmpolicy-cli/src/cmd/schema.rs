//! `mmpolicy schema`: the JSON schema of a provider's parameters, or of the deployment file.

use crate::error::CliError;
use crate::output;

/// Print the JSON schema of a provider's parameters or of the deployment file.
///
/// Editors and CI validate parameter files and deployment files (`mmpolicy bundle`) with it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each schema's `$id` is urn:mmpolicy:schema:<name>, where the name is the provider id or
`deployment`.

Examples:
  mmpolicy schema ingress.secret-policy > ingress.schema.json
  mmpolicy schema deployment > deployment.schema.json")]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it, or `deployment` for the deployment file.
    id: String,
}

/// The name that selects the deployment file's schema.
const DEPLOYMENT: &str = "deployment";

pub fn run(args: &Args) -> Result<(), CliError> {
    let schema = if args.id == DEPLOYMENT {
        deployment_schema()?
    } else {
        let provider = mmpolicy::registry().get(&args.id)?;
        mmpolicy::published_schema(provider)
    };
    output::print(&output::pretty(&schema)?)
}

/// The deployment file's schema as it is published: its `$id` right after `$schema`, and
/// descriptions on one line a paragraph.
fn deployment_schema() -> Result<serde_json::Value, CliError> {
    let mut schema =
        serde_json::to_value(mmpolicy_bundle::deployment_schema()).map_err(CliError::internal)?;
    mmpolicy::join_description_lines(&mut schema);
    let serde_json::Value::Object(fields) = schema else {
        return Err(CliError::internal("the deployment schema is not an object"));
    };
    let mut out = serde_json::Map::new();
    if let Some(dialect) = fields.get("$schema") {
        out.insert("$schema".to_owned(), dialect.clone());
    }
    out.insert(
        "$id".to_owned(),
        serde_json::Value::String(mmpolicy::schema_id(DEPLOYMENT)),
    );
    for (key, value) in fields {
        if !matches!(key.as_str(), "$schema" | "$id") {
            out.insert(key, value);
        }
    }
    Ok(serde_json::Value::Object(out))
}
