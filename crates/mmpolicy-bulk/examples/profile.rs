//! A deterministic driver for profilers (`perf`, `valgrind --tool=callgrind`), which criterion's
//! timing loop is not: renders the generated sets of one provider once, on one thread, either
//! through the bulk path or (`serde-only`) by serialising the finished documents.
//!
//! ```text
//! cargo build --profile bench -p mmpolicy-bulk --example profile
//! valgrind --tool=callgrind --toggle-collect='mmpolicy_bulk::engine::run*' \
//!     target/release/examples/profile bulk ingress.key-policy 10000
//! valgrind --tool=callgrind --toggle-collect='profile::serialize_all*' \
//!     target/release/examples/profile serde-only ingress.key-policy 10000
//! ```
//!
//! The test data is generated (and, for `serde-only`, the documents built) outside the
//! functions named, so the two collected totals compare the bulk path with the serde floor.

use mmpolicy_bulk::sink::NdjsonSink;
use mmpolicy_bulk::{InputFormat, Options, testdata};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, id, count] = &args[..] else {
        eprintln!("usage: profile bulk|serde-only <provider-id> <count>");
        return ExitCode::from(2);
    };
    let Ok(provider) = mmpolicy::registry().get(id) else {
        eprintln!("unknown provider `{id}`");
        return ExitCode::from(2);
    };
    let count: usize = count.parse().unwrap_or(10_000);
    let mut out: Vec<u8> = Vec::with_capacity(count * 1024);
    match mode.as_str() {
        "bulk" => {
            let input = testdata::ndjson(provider, count, testdata::SEED);
            let options = Options {
                jobs: 1,
                keep_going: false,
            };
            let mut sink = NdjsonSink::new(&mut out);
            if let Err(e) = mmpolicy_bulk::run(
                provider,
                input.as_bytes(),
                InputFormat::Ndjson,
                options,
                &mut sink,
            ) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
        "serde-only" => {
            let documents: Vec<mmpolicy::PolicyDocument> =
                testdata::param_sets(provider, count, testdata::SEED)
                    .iter()
                    .filter_map(|set| provider.render_value(set).ok())
                    .collect();
            serialize_all(&documents, &mut out);
        }
        _ => {
            eprintln!("usage: profile bulk|serde-only <provider-id> <count>");
            return ExitCode::from(2);
        }
    }
    println!("{} bytes", out.len());
    ExitCode::SUCCESS
}

/// The serde-only floor: every finished document as one compact JSON line.
#[inline(never)]
fn serialize_all(documents: &[mmpolicy::PolicyDocument], out: &mut Vec<u8>) {
    for document in documents {
        // Writing into a `Vec` cannot fail.
        let _ = serde_json::to_writer(&mut *out, document);
        out.push(b'\n');
    }
}
