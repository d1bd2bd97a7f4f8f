//! One module per subcommand.

pub mod bulk;
pub mod bundle;
pub mod check;
pub mod completions;
pub mod describe;
pub mod lint;
pub mod list;
pub mod man;
pub mod merge;
pub mod render;
pub mod schema;
pub mod simulate;

/// The output format of a command that prints a report (`check`, `simulate`): `text` for
/// people, `json` for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum TextOrJson {
    Text,
    Json,
}
