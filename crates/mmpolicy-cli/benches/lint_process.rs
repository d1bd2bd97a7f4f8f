//! Criterion bench: a whole `mmpolicy lint` process on a small policy, as a user or a CI job
//! runs it: start, load the embedded catalog, lint, print, exit. The goal is well under
//! 50 ms.
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]
#![allow(
    clippy::expect_used,
    reason = "a bench that cannot start the binary has nothing to measure"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::process::{Command, Stdio};

fn bench(c: &mut Criterion) {
    let binary = env!("CARGO_BIN_EXE_mmpolicy");
    let policy = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../mmpolicy-lint/tests/fixtures/page/smtp-relay-key-policy.json"
    );
    let run = |kind: Option<&str>| {
        let mut cmd = Command::new(binary);
        cmd.arg("lint").arg(policy);
        if let Some(k) = kind {
            cmd.args(["--kind", k]);
        }
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("the mmpolicy binary runs");
        // The fixture lints clean: a failure here means the bench measures an error path.
        assert!(status.success(), "mmpolicy lint failed: {status}");
        black_box(status)
    };
    let mut group = c.benchmark_group("lint-process");
    group.throughput(Throughput::Elements(1));
    group.bench_function("small-policy-given-kind", |b| b.iter(|| run(Some("key"))));
    group.bench_function("small-policy-guessed-kind", |b| b.iter(|| run(None)));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
