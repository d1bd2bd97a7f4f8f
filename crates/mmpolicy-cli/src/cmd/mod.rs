//! One module per subcommand.

pub mod bulk;
pub mod describe;
pub mod list;
pub mod render;
pub mod schema;
