//! A deterministic driver for profilers (`perf`, `valgrind --tool=callgrind`), which criterion's
//! timing loop is not: renders the generated sets of one provider once, on one thread, either
//! through the bulk path or (`serde-only`) by serialising the finished documents.
//!
//! ```text
//! cargo build --profile bench -p mmpolicy-bulk --example profile
//! valgrind --tool=callgrind --toggle-collect='profile::bulk*' \
//!     target/release/examples/profile bulk ingress.key-policy 10000
//! valgrind --tool=callgrind --toggle-collect='profile::serialize_all*' \
//!     target/release/examples/profile serde-only ingress.key-policy 10000
//! ```
//!
//! The test data is generated (and, for `serde-only`, the documents built) outside the
//! functions named, so the two collected totals compare the bulk path with the serde floor
//! (`testdata::serde_floor`: the same policies in the shape bulk writes them).
//!
//! `profile ids` prints the id of every registered provider, one a line, for scripts that
//! measure them all (`scripts/bench-ratio.sh --callgrind`).
//!
//! `profile ratio <provider-id> <count> [rounds]` times the two alternately in one process
//! (21 rounds by default) and prints the minimum and median of each and their ratios: on a
//! shared machine whose speed drifts, alternating rounds compare like with like better than
//! two criterion benches run one after the other. With `PROFILE_ROUNDS` set, each round's two
//! times go to stderr.
//!
//! `profile phases <provider-id> <count>` times the typed steps of the bulk path (reading the
//! parameters, building and dropping the documents, writing them, the engine around them)
//! against the floor, in alternating rounds, for `archiving.identity`, `rule-actions.bounce` and
//! `rule-actions.send-to-internet`.

use mmpolicy_bulk::sink::NdjsonSink;
use mmpolicy_bulk::{InputFormat, Options, testdata};
use std::alloc::{GlobalAlloc, Layout, System};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The system allocator, counting allocations (one relaxed atomic add each), so `ratio` can
/// say how many a set costs.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every call is forwarded unchanged to `System`.
#[allow(
    unsafe_code,
    reason = "a global allocator is unsafe to implement; this one only counts and forwards"
)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if matches!(&args[..], [ids] if ids == "ids") {
        for provider in mmpolicy::registry().iter() {
            println!("{}", provider.id());
        }
        return ExitCode::SUCCESS;
    }
    let (mode, id, count, rounds) = match &args[..] {
        [mode, id, count] => (mode, id, count, None),
        [mode, id, count, rounds] => (mode, id, count, Some(rounds)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
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
            if let Err(e) = bulk(provider, &input, &mut out) {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
        "serde-only" => serialize_all(provider, &documents(provider, count), &mut out),
        "phases" => {
            use mmpolicy::Provider;
            use mmpolicy::archiving::Identity;
            use mmpolicy::rule_actions::{Bounce, SendToInternet};
            return match provider.id() {
                Identity::ID => phases::<Identity>(provider, count),
                Bounce::ID => phases::<Bounce>(provider, count),
                SendToInternet::ID => phases::<SendToInternet>(provider, count),
                _ => {
                    eprintln!(
                        "`phases` times the typed steps of `archiving.identity`, \
                         `rule-actions.bounce` and `rule-actions.send-to-internet` only"
                    );
                    ExitCode::from(2)
                }
            };
        }
        "ratio" => {
            let rounds = rounds.and_then(|r| r.parse().ok()).unwrap_or(21);
            return ratio(provider, count, rounds);
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    println!("{} bytes", out.len());
    ExitCode::SUCCESS
}

const USAGE: &str =
    "usage: profile bulk|serde-only|ratio|phases <provider-id> <count> [rounds] | profile ids";

/// For a provider `P`, in alternating rounds: the median time of reading its parameter sets;
/// of reading them and building the documents; of that and writing them; of the whole bulk
/// path; and of the serde floor. Each step's share, against the floor measured in the same
/// rounds, shows which step a slower phase of the machine slows most.
fn phases<P: mmpolicy::Provider>(
    provider: &dyn mmpolicy::PolicyProvider,
    count: usize,
) -> ExitCode {
    let input = testdata::ndjson(provider, count, testdata::SEED);
    let lines: Vec<&str> = input.lines().collect();
    let floor = documents(provider, count);
    let mut out: Vec<u8> = Vec::with_capacity(count * 2048);
    let mut times = [(); 5].map(|()| Vec::new());
    for _ in 0..21 {
        for (phase, samples) in times.iter_mut().enumerate() {
            out.clear();
            let start = Instant::now();
            match phase {
                3 => {
                    let _ = bulk(provider, &input, &mut out);
                }
                4 => serialize_all(provider, &floor, &mut out),
                _ => {
                    for line in &lines {
                        let Ok(params) = serde_json::from_str::<P::Params>(line) else {
                            return ExitCode::FAILURE;
                        };
                        if phase == 0 {
                            std::hint::black_box(&params);
                            continue;
                        }
                        let Ok(document) = P::render(&params) else {
                            return ExitCode::FAILURE;
                        };
                        if phase == 2 {
                            document.write_compact_json_as(P::KIND.shape(), &mut out);
                            out.push(b'\n');
                        }
                        std::hint::black_box(&document);
                    }
                }
            }
            samples.push(start.elapsed().as_secs_f64() * 1e3);
        }
    }
    let mut medians = [0.0; 5];
    for (median, samples) in medians.iter_mut().zip(&mut times) {
        samples.sort_by(f64::total_cmp);
        *median = samples.get(samples.len() / 2).copied().unwrap_or(0.0);
    }
    let [read, build, write, all, serde] = medians;
    let share = |ms: f64| ms / serde;
    println!(
        "{}, {count} sets, medians of 21 rounds (and against the floor):\n  \
         read params        {read:8.2} ms  {:5.2}x\n  \
         + build, drop      {:8.2} ms  {:5.2}x\n  \
         + write            {:8.2} ms  {:5.2}x\n  \
         + engine and sink  {:8.2} ms  {:5.2}x\n  \
         = bulk             {all:8.2} ms  {:5.2}x\n  \
         serde floor        {serde:8.2} ms",
        P::ID,
        share(read),
        build - read,
        share(build - read),
        write - build,
        share(write - build),
        all - write,
        share(all - write),
        share(all),
    );
    ExitCode::SUCCESS
}

/// The bulk path on one thread, into `out`.
#[inline(never)]
fn bulk(
    provider: &dyn mmpolicy::PolicyProvider,
    input: &str,
    out: &mut Vec<u8>,
) -> Result<(), mmpolicy_bulk::BulkError> {
    let options = Options {
        jobs: 1,
        keep_going: false,
    };
    let mut sink = NdjsonSink::new(out);
    mmpolicy_bulk::run(
        provider,
        input.as_bytes(),
        InputFormat::Ndjson,
        options,
        &mut sink,
    )
    .map(|_| ())
}

/// The finished documents of the generated sets.
fn documents(
    provider: &dyn mmpolicy::PolicyProvider,
    count: usize,
) -> Vec<mmpolicy::PolicyDocument> {
    testdata::param_sets(provider, count, testdata::SEED)
        .iter()
        .filter_map(|set| provider.render_value(set).ok())
        .collect()
}

/// Times bulk and serde-only alternately, `rounds` times each, and prints the minimum and the
/// median of each and the ratios.
fn ratio(provider: &dyn mmpolicy::PolicyProvider, count: usize, rounds: usize) -> ExitCode {
    let input = testdata::ndjson(provider, count, testdata::SEED);
    let documents = documents(provider, count);
    let mut out: Vec<u8> = Vec::with_capacity(count * 2048);
    let (mut bulk_ms, mut serde_ms) = (Vec::new(), Vec::new());
    let mut allocations = 0;
    for _ in 0..rounds.max(1) {
        out.clear();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let start = Instant::now();
        if let Err(e) = bulk(provider, &input, &mut out) {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
        bulk_ms.push(start.elapsed().as_secs_f64() * 1e3);
        allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        let bulk_len = out.len();
        out.clear();
        let start = Instant::now();
        serialize_all(provider, &documents, &mut out);
        serde_ms.push(start.elapsed().as_secs_f64() * 1e3);
        if std::env::var_os("PROFILE_ROUNDS").is_some() {
            eprintln!(
                "round: bulk {:6.2} ms, serde-only {:6.2} ms",
                bulk_ms.last().copied().unwrap_or(0.0),
                serde_ms.last().copied().unwrap_or(0.0)
            );
        }
        if out.len() != bulk_len {
            eprintln!("bulk wrote {bulk_len} bytes, serde_json {}", out.len());
            return ExitCode::FAILURE;
        }
    }
    // Each round's own ratio: the two halves of a round ran within milliseconds of each other,
    // so a drift of the machine's speed cancels out.
    let mut round_ratios: Vec<f64> = bulk_ms.iter().zip(&serde_ms).map(|(b, s)| b / s).collect();
    for v in [&mut bulk_ms, &mut serde_ms, &mut round_ratios] {
        v.sort_by(f64::total_cmp);
    }
    let min = |v: &[f64]| v.first().copied().unwrap_or(0.0);
    let median = |v: &[f64]| v.get(v.len() / 2).copied().unwrap_or(0.0);
    let (bulk_min, bulk_median) = (min(&bulk_ms), median(&bulk_ms));
    let (serde_min, serde_median) = (min(&serde_ms), median(&serde_ms));
    println!(
        "{}: {count} sets, {} rounds\n  bulk        min {bulk_min:8.2} ms  median {bulk_median:8.2} ms\n  serde-only  min {serde_min:8.2} ms  median {serde_median:8.2} ms\n  ratio       min {:8.2}x    median {:8.2}x    median of the rounds' ratios {:.2}x\n  allocations per set (bulk): {:.1}",
        provider.id(),
        bulk_ms.len(),
        bulk_min / serde_min,
        bulk_median / serde_median,
        median(&round_ratios),
        allocations as f64 / count.max(1) as f64,
    );
    ExitCode::SUCCESS
}

/// The serde-only floor: every finished policy as one compact JSON line, in the shape bulk
/// writes for the provider's kind.
#[inline(never)]
fn serialize_all(
    provider: &dyn mmpolicy::PolicyProvider,
    documents: &[mmpolicy::PolicyDocument],
    out: &mut Vec<u8>,
) {
    let shape = provider.kind().shape();
    for document in documents {
        testdata::serde_floor(shape, document, out);
        out.push(b'\n');
    }
}
