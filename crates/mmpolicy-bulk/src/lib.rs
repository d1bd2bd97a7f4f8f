//! mmpolicy's streaming bulk path: many parameter sets in, one policy per set out.
//!
//! [`run`] reads parameter sets from NDJSON (one JSON object a line) or CSV (a header naming the
//! parameters), renders each through the provider's own deserialisation, so that every set is
//! validated exactly as `mmpolicy render` validates it, and hands the compact policies to a
//! [`Sink`] in input order. The work is split into batches of lines rendered on `jobs` threads
//! and put back in order; a fixed number of batches is ever in flight, so memory stays flat
//! whatever the input size.
//!
//! - [`input`]: the input formats, and how CSV cells become parameters;
//! - [`sink`]: where rendered policies go (NDJSON, one file per set with an index);
//! - [`files`]: output files and directories that appear only once complete;
//! - [`cleanup`]: temporaries removed on a signal, and those a crashed run left;
//! - [`progress`]: the progress bar drawn on a terminal;
//! - [`testdata`]: the reproducible generator of varied parameter sets used by tests and benches.

pub mod cleanup;
mod engine;
pub mod files;
pub mod input;
pub mod progress;
pub mod sink;
pub mod testdata;

pub use engine::{
    BulkError, InputError, LineError, Options, OutputError, Rendered, Sink, Summary, run,
};
pub use input::InputFormat;
