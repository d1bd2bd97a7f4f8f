//! A tool embedding the address-lists feature: the `mmpolicy` command over every feature of
//! the facade and this one. `cargo run -p mmpolicy-feature-template --example mmpolicy -- list`

// Rust links only the crates that code names: naming the feature crate keeps its provider in
// the registry.
extern crate mmpolicy_feature_template as _;

use std::process::ExitCode;

fn main() -> ExitCode {
    mmpolicy_cli::run(std::env::args_os())
}
