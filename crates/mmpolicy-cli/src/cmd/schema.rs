//! `mmpolicy schema`: the JSON schema of a provider's parameters.

use crate::error::CliError;
use crate::output;

/// Print the JSON schema of a provider's parameters, for editors and CI to validate parameter
/// files.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Every provider's schema is also in the repository as schemas/<id>.json (`$id` urn:mmpolicy:schema:<id>)."
)]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it.
    id: String,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let provider = mmpolicy::registry().get(&args.id)?;
    output::print(&output::pretty(&mmpolicy::published_schema(provider))?)
}
