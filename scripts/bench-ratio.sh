#!/usr/bin/env bash
# The bulk/baseline ratio of each provider, from the last criterion run
# (`cargo bench -p mmpolicy-bulk`), and with `--callgrind` first from instruction counts, which a
# busy machine does not disturb, for every provider the registry has. The baseline serialises
# the same policies with serde_json in the shape bulk writes (`testdata::serde_floor`). Not
# part of the test suite.
#
#   scripts/bench-ratio.sh [--callgrind]
#   scripts/bench-ratio.sh --repeat N PROVIDER-ID
#   scripts/bench-ratio.sh --time N
#
# `--repeat` runs the criterion pair `bulk/<id>/10k` and `baseline/serde-only/10k/<id>` N times,
# one right after the other, and prints each run's ratio and their median: on a shared machine
# whose speed drifts by tens of percent within minutes, one pair of medians is not a
# measurement.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
criterion="$target/criterion"
command -v jq >/dev/null || apt-get install -y jq >/dev/null

median_ms() {
    jq '.median.point_estimate / 1e6' "$1/new/estimates.json"
}

if [ "${1:-}" = "--repeat" ]; then
    runs="${2:?--repeat N PROVIDER-ID}"
    id="${3:?--repeat N PROVIDER-ID}"
    pattern="^(bulk/${id//./\\.}/10k|baseline/serde-only/10k/${id//./\\.})\$"
    ratios=()
    printf '%-4s %12s %12s %8s\n' "run" "bulk ms" "serde ms" "ratio"
    for run in $(seq "$runs"); do
        cargo bench --quiet --manifest-path "$root/Cargo.toml" -p mmpolicy-bulk --bench bulk -- "$pattern" >/dev/null 2>&1
        bulk=$(median_ms "$criterion/bulk/${id}_10k")
        base=$(median_ms "$criterion/baseline/serde-only_10k_${id}")
        ratio=$(awk -v b="$bulk" -v s="$base" 'BEGIN { printf "%.3f", b / s }')
        ratios+=("$ratio")
        awk -v r="$run" -v b="$bulk" -v s="$base" -v q="$ratio" \
            'BEGIN { printf "%-4s %12.2f %12.2f %7.2fx\n", r, b, s, q }'
    done
    printf '%s\n' "${ratios[@]}" | sort -n | awk '{ v[NR] = $1 } END { printf "median ratio of %d runs: %.2fx (lowest %.2fx, highest %.2fx)\n", NR, v[int((NR + 1) / 2)], v[1], v[NR] }'
    exit 0
fi

if [ "${1:-}" = "--time" ]; then
    # Wall-clock time of every provider: `profile ratio` (bulk and the floor in alternating
    # rounds, one process) run N times, each in a new process; the median over the processes
    # of each process's median round ratio, and all of them. A build's code layout and the
    # machine's phase move one process's figure by up to 10%; several processes show how far.
    runs="${2:?--time N}"
    cargo build --quiet --profile bench --manifest-path "$root/Cargo.toml" -p mmpolicy-bulk --example profile
    bin="$target/release/examples/profile"
    printf '%-36s %8s  %s\n' "provider" "median" "each process, sorted"
    for id in $("$bin" ids); do
        ratios=()
        for _ in $(seq "$runs"); do
            ratios+=("$("$bin" ratio "$id" 10000 21 | sed -n "s/.*rounds' ratios \([0-9.]*\)x.*/\1/p")")
        done
        sorted=$(printf '%s\n' "${ratios[@]}" | sort -n)
        median=$(awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }' <<<"$sorted")
        printf '%-36s %7.2fx  %s\n' "$id" "$median" "$(tr '\n' ' ' <<<"$sorted")"
    done
    exit 0
fi

if [ "${1:-}" = "--callgrind" ]; then
    # Every provider the registry has, whether or not criterion ran it.
    command -v valgrind >/dev/null || apt-get install -y valgrind >/dev/null
    cargo build --quiet --profile bench --manifest-path "$root/Cargo.toml" -p mmpolicy-bulk --example profile
    bin="$target/release/examples/profile"
    collected() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="$1" "${@:2}" 2>&1 \
            | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    }
    printf '%-36s %14s %14s %8s\n' "provider" "bulk Ir/set" "serde Ir/set" "ratio"
    for id in $("$bin" ids); do
        bulk=$(collected 'profile::bulk*' "$bin" bulk "$id" 10000)
        base=$(collected 'profile::serialize_all*' "$bin" serde-only "$id" 10000)
        awk -v id="$id" -v b="$bulk" -v s="$base" \
            'BEGIN { printf "%-36s %14.0f %14.0f %7.2fx\n", id, b / 10000, s / 10000, b / s }'
    done
    echo
fi

providers=()
for dir in "$criterion"/bulk/*_10k; do
    [ -d "$dir" ] || continue
    name="$(basename "$dir")"
    providers+=("${name%_10k}")
done
if [ ${#providers[@]} -eq 0 ]; then
    [ "${1:-}" = "--callgrind" ] && exit 0
    echo "no criterion results under $criterion: run \`cargo bench -p mmpolicy-bulk\` first" >&2
    exit 1
fi

printf '%-36s %12s %12s %8s\n' "provider" "bulk ms" "serde ms" "ratio"
for id in "${providers[@]}"; do
    bulk=$(median_ms "$criterion/bulk/${id}_10k")
    base=$(median_ms "$criterion/baseline/serde-only_10k_${id}")
    awk -v id="$id" -v b="$bulk" -v s="$base" \
        'BEGIN { printf "%-36s %12.2f %12.2f %7.2fx\n", id, b, s, b / s }'
done
