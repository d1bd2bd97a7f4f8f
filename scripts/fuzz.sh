#!/usr/bin/env bash
# Runs mmpolicy's fuzz targets (fuzz/) with cargo fuzz and libFuzzer, one at a time, each for
# a bounded time, and prints the executions of each. See docs/testing.md.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS]     (default: all targets, 60 seconds each)
#
# Installs the pinned cargo-fuzz when it is missing. On a stable toolchain, RUSTC_BOOTSTRAP=1
# lets rustc take the -Z flags cargo fuzz passes. The sanitizer is off (`-s none`): the code
# fuzzed has no unsafe code, and without it libFuzzer runs about twice as many inputs; set
# FUZZ_SANITIZER=address to turn AddressSanitizer on. The starting corpus is made from the
# repository's own examples (fuzz/examples/seeds.rs) into fuzz/corpus/, which git ignores. A
# crashing input is left in fuzz/artifacts/<target>/: fix the bug, then keep the input in
# fuzz/regressions/<target>/, where `cargo test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo_fuzz_version=0.13.1
all_targets=(params_json params_toml bundle lint bulk_lines)
target=${1:-all}
seconds=${2:-60}
sanitizer=${FUZZ_SANITIZER:-none}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}

if [[ $target == all ]]; then
    targets=("${all_targets[@]}")
elif [[ " ${all_targets[*]} " == *" $target "* ]]; then
    targets=("$target")
else
    echo "error: unknown target \`$target\`: give one of ${all_targets[*]}, or all" >&2
    exit 2
fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
    echo "error: invalid seconds \`$seconds\`: give a whole number of seconds" >&2
    exit 2
fi

if [[ $(cargo fuzz --version 2>/dev/null || true) != *" $cargo_fuzz_version"* ]]; then
    echo "== installing cargo-fuzz $cargo_fuzz_version"
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked
fi
if [[ $(rustc --version) != *nightly* ]]; then
    export RUSTC_BOOTSTRAP=1
fi

cd fuzz
for t in "${targets[@]}"; do
    if [[ ! -d corpus/$t ]]; then
        echo "== writing the starting corpus into fuzz/corpus/"
        cargo run --quiet --example seeds -- corpus
        break
    fi
done

mkdir -p target/logs
failed=()
for t in "${targets[@]}"; do
    echo "== $t for ${seconds}s"
    log=target/logs/$t.log
    status=0
    # -max_len: a parameter, bundle or policy file, or a few bulk lines, is far smaller than
    # 16 KiB; longer inputs only slow the search down.
    cargo fuzz run --sanitizer "$sanitizer" "$t" "corpus/$t" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=16384 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
    echo "$t: ${runs:-?} executions in ${seconds}s (${rate:-?}/s, peak ${rss:-?} MB)"
    if [[ $status -ne 0 ]]; then
        echo "$t: FAILED (exit $status); the log is fuzz/$log:" >&2
        grep -E -A 3 'panicked|ERROR|SUMMARY|Test unit written' "$log" >&2 || tail -n 20 "$log" >&2
        failed+=("$t")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "error: findings in ${failed[*]}" >&2
    exit 1
fi
