//! Benches of the bulk path, for every registered provider:
//!
//! - `render/<provider-id>`: one render of the provider's example, from JSON text;
//! - `bulk/<provider-id>/10k`: 10,000 generated, varied parameter sets (NDJSON) rendered on one
//!   thread into an in-memory sink;
//! - `baseline/serde-only/10k/<provider-id>`: the floor, serialising the same 10,000 finished
//!   policies with `serde_json` in the shape bulk writes (`testdata::serde_floor`: the document,
//!   or its list of statements), built before the timer starts.
//!
//! `bulk/<id>/10k` divided by `baseline/serde-only/10k/<id>` is the cost of validating and
//! building each policy on top of writing it; `scripts/bench-ratio.sh` prints it after a run.
//! Each provider's bulk bench runs right before its floor, so that the two are measured seconds
//! apart.
//! Measurement times are short: the reference machine has two cores, shared.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mmpolicy::PolicyProvider;
use mmpolicy_bulk::sink::NdjsonSink;
use mmpolicy_bulk::{InputFormat, Options, testdata};
use std::hint::black_box;
use std::time::Duration;

const SETS: usize = 10_000;

fn one_thread() -> Options {
    Options {
        jobs: 1,
        keep_going: false,
    }
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    for provider in mmpolicy::registry().iter() {
        let example = provider.example_params().to_string();
        group.bench_function(provider.id(), |b| {
            b.iter(|| provider.render_str(black_box(&example)));
        });
    }
    group.finish();
}

/// Each provider's bulk bench and then its floor, so that the two halves of a pair run seconds
/// apart, not a whole group of benches apart: the machine's speed drifts within a minute.
fn pairs(c: &mut Criterion) {
    for provider in mmpolicy::registry().iter() {
        bulk(c, provider);
        baseline(c, provider);
    }
}

fn bulk(c: &mut Criterion, provider: &dyn PolicyProvider) {
    let mut group = c.benchmark_group("bulk");
    group.throughput(Throughput::Elements(SETS as u64));
    let input = testdata::ndjson(provider, SETS, testdata::SEED);
    let mut out: Vec<u8> = Vec::with_capacity(input.len() * 8);
    group.bench_function(format!("{}/10k", provider.id()), |b| {
        b.iter(|| {
            out.clear();
            let mut sink = NdjsonSink::new(&mut out);
            mmpolicy_bulk::run(
                provider,
                black_box(input.as_bytes()),
                InputFormat::Ndjson,
                one_thread(),
                &mut sink,
            )
        });
    });
    group.finish();
}

fn baseline(c: &mut Criterion, provider: &dyn PolicyProvider) {
    let mut group = c.benchmark_group("baseline");
    group.throughput(Throughput::Elements(SETS as u64));
    let documents: Vec<mmpolicy::PolicyDocument> =
        testdata::param_sets(provider, SETS, testdata::SEED)
            .iter()
            .filter_map(|set| provider.render_value(set).ok())
            .collect();
    assert_eq!(documents.len(), SETS, "{}", provider.id());
    let shape = provider.kind().shape();
    let mut out: Vec<u8> = Vec::with_capacity(SETS * 1024);
    group.bench_function(format!("serde-only/10k/{}", provider.id()), |b| {
        b.iter(|| {
            out.clear();
            for document in black_box(&documents) {
                testdata::serde_floor(shape, document, &mut out);
                out.push(b'\n');
            }
        });
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = render, pairs
}
criterion_main!(benches);
