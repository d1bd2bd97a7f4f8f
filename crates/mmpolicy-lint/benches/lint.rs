//! Criterion bench: linting a small policy, with and without the cost of loading the
//! embedded catalog (splitting it into services and parsing the few the policy names); and
//! linting documents of 1,000, 10,000 and 100,000 statements with a wildcard action
//! (`ec2:*e*`), whose time per statement stays flat when lint is linear in the statements.
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

/// A document of `n` statements, each allowing `ec2:*e*` (hundreds of actions) on its own
/// instance.
fn statements(n: usize) -> String {
    let statements: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"Effect": "Allow", "Action": ["ec2:*e*", "ec2:DescribeInstances"], "Resource": "arn:aws:ec2:us-east-1:111122223333:instance/i-{i:017x}"}}"#
            )
        })
        .collect();
    format!(
        r#"{{"Version": "2012-10-17", "Statement": [{}]}}"#,
        statements.join(", ")
    )
}

fn bench_statements(c: &mut Criterion) {
    let mut group = c.benchmark_group("lint-statements");
    // The largest document takes seconds an iteration: the fewest samples criterion allows.
    group.sample_size(10);
    let catalog = Catalog::embedded();
    for (n, label) in [(1_000, "1k"), (10_000, "10k"), (100_000, "100k")] {
        let text = statements(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_function(format!("wildcard-action/{label}"), |b| {
            b.iter(|| {
                lint_str(black_box(&text), Some(PolicyKind::Identity), catalog)
                    .map(|r| r.findings.len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_statements);
criterion_main!(benches);
