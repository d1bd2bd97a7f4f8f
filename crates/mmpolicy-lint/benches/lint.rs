//! Criterion bench: linting a small policy, with and without the cost of loading the
//! embedded catalog (splitting it into services and parsing the few the policy names).
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mmpolicy_lint::{Catalog, PolicyKind, lint_str};
use std::hint::black_box;

const POLICY: &str = include_str!("../tests/fixtures/page/smtp-relay-key-policy.json");

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint");
    group.throughput(Throughput::Elements(1));
    group.bench_function("small-policy-warm-catalog", |b| {
        let catalog = Catalog::embedded();
        b.iter(|| lint_str(black_box(POLICY), Some(PolicyKind::Key), catalog));
    });
    group.bench_function("small-policy-cold-catalog", |b| {
        // A fresh catalog each time: the index, and the `kms` service parsed on first use.
        b.iter(|| {
            let text: &'static str = include_str!("../../mmpolicy-catalog/data/catalog.txt");
            let catalog = Catalog::from_artifact(text).map(|c| {
                let report = lint_str(black_box(POLICY), None, &c);
                report.map(|r| r.findings.len())
            });
            black_box(catalog)
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
