//! The fuzz targets on a stable toolchain: the harness of `cargo fuzz` (`fuzz/src/lib.rs`,
//! included here as a module) driven by proptest, from the repository's own examples mutated
//! with hostile text, and by every committed crashing input (`fuzz/regressions/<target>/`).
//! A harness function fails the test by panicking, as it crashes the fuzzer.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

#[path = "../../../fuzz/src/lib.rs"]
mod harness;

use proptest::prelude::*;
use std::path::{Path, PathBuf};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Text that breaks parsers and validators: structure, policy variables, wildcards, quotes,
/// escapes, control and invisible characters, numbers out of range, deep nesting, TOML's own
/// forms.
const HOSTILE: &[&str] = &[
    "null",
    "*",
    "${aws:username}",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "'",
    "`",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{1b}[31m",
    "\n",
    "\r\n",
    "\t",
    "\0",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "=",
    "{\"a\":1,\"a\":2}",
    "1e999",
    "-0",
    "18446744073709551616",
    "0.1",
    "true",
    "\"\"\"",
    "'''",
    "1979-05-27T07:32:00Z",
    "\n[x]\n",
    "\n[[x]]\n",
    "inf",
    "nan",
    "a.b.c = 1",
    "arn:aws:iam::111122223333:root",
    "arn:aws:kms:us-east-1:111122223333:key/*",
    "aws-cn",
    "us-gov-west-1",
    "Statement",
    "Condition",
    "StringLike",
    "NotPrincipal",
    "ses:*",
    "é",
    "😀",
];

/// One change to an input; positions are taken modulo its length.
#[derive(Debug, Clone)]
enum Mutation {
    /// Insert hostile text.
    Insert(usize, &'static str),
    /// Insert a run of one character (deep nesting, long values).
    Run(usize, char, usize),
    /// Remove bytes.
    Delete(usize, usize),
    /// Repeat a range of bytes right after itself.
    Repeat(usize, usize),
    /// Replace one byte.
    Byte(usize, u8),
    /// Cut the input.
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let position = any::<usize>();
    prop_oneof![
        4 => (position, prop::sample::select(HOSTILE)).prop_map(|(p, s)| Mutation::Insert(p, s)),
        1 => (position, prop::sample::select(vec!['[', '{', 'a', '*', '"']), 1..400usize)
            .prop_map(|(p, c, n)| Mutation::Run(p, c, n)),
        2 => (position, 1..16usize).prop_map(|(p, n)| Mutation::Delete(p, n)),
        1 => (position, 1..64usize).prop_map(|(p, n)| Mutation::Repeat(p, n)),
        2 => (position, any::<u8>()).prop_map(|(p, b)| Mutation::Byte(p, b)),
        1 => position.prop_map(Mutation::Truncate),
    ]
}

/// `input` with `m` applied; its first byte, the target's selector, is kept apart.
fn apply(input: &mut Vec<u8>, m: &Mutation) {
    let n = input.len();
    let at = |p: usize| if n == 0 { 0 } else { (1 + p % n).min(n) };
    match *m {
        Mutation::Insert(p, s) => {
            let i = at(p);
            input.splice(i..i, s.bytes());
        }
        Mutation::Run(p, c, n) => {
            let i = at(p);
            input.splice(i..i, c.to_string().repeat(n).into_bytes());
        }
        Mutation::Delete(p, n) => {
            let i = at(p);
            let end = (i + n).min(input.len());
            input.drain(i..end);
        }
        Mutation::Repeat(p, n) => {
            let i = at(p);
            let end = (i + n).min(input.len());
            let copy = input[i..end].to_vec();
            input.splice(end..end, copy);
        }
        Mutation::Byte(p, b) => {
            let i = at(p);
            if let Some(byte) = input.get_mut(i) {
                *byte = b;
            }
        }
        Mutation::Truncate(p) => {
            let i = at(p);
            input.truncate(i);
        }
    }
}

/// Inputs for `target`: one of its seeds with a new selector and some mutations, or (one time
/// in six) bytes at random.
fn inputs(target: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let seeds = harness::seeds(target, &root());
    assert!(!seeds.is_empty(), "`{target}` has no seed");
    let mutated = (
        prop::sample::select(seeds),
        prop::option::of(any::<u8>()),
        prop::collection::vec(mutation(), 0..6),
    )
        .prop_map(|(mut input, selector, mutations)| {
            if let (Some(s), Some(first)) = (selector, input.first_mut()) {
                *first = s;
            }
            for m in &mutations {
                apply(&mut input, m);
            }
            input
        });
    prop_oneof![5 => mutated, 1 => prop::collection::vec(any::<u8>(), 0..256)]
}

proptest! {
    // proptest's default: 256 cases a target, or `PROPTEST_CASES`.
    #![proptest_config(ProptestConfig::default())]

    #[test]
    fn params_json_survives(input in inputs("params_json")) {
        harness::params_json(&input);
    }

    #[test]
    fn params_toml_survives(input in inputs("params_toml")) {
        harness::params_toml(&input);
    }

    #[test]
    fn bundle_survives(input in inputs("bundle")) {
        harness::bundle(&input);
    }

    #[test]
    fn lint_survives(input in inputs("lint")) {
        harness::lint(&input);
    }

    #[test]
    fn bulk_lines_survives(input in inputs("bulk_lines")) {
        harness::bulk_lines(&input);
    }
}

#[test]
fn every_seed_passes_its_target() {
    for (target, run) in harness::TARGETS {
        let seeds = harness::seeds(target, &root());
        assert!(!seeds.is_empty(), "`{target}` has no seed");
        for seed in &seeds {
            run(seed);
        }
    }
}

/// Every input a fuzzer found crashing, kept in `fuzz/regressions/<target>/`, now passes.
#[test]
fn every_kept_crash_passes_its_target() {
    let dir = root().join("fuzz/regressions");
    let mut replayed = 0;
    for folder in std::fs::read_dir(&dir).unwrap() {
        let folder = folder.unwrap().path();
        let name = folder.file_name().unwrap().to_string_lossy().into_owned();
        if !folder.is_dir() {
            continue;
        }
        let Some((_, run)) = harness::TARGETS.iter().find(|(t, _)| *t == name) else {
            panic!("`fuzz/regressions/{name}` is not named after a fuzz target");
        };
        for file in std::fs::read_dir(&folder).unwrap() {
            let file = file.unwrap().path();
            run(&std::fs::read(&file).unwrap());
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no kept input under `{}`", dir.display());
}
