#!/usr/bin/env bash
# Whole-process speed of `mmpolicy bulk` against `jq` filling the same policy template, and the
# peak memory of `mmpolicy bulk` for 10,000 and 1,000,000 lines. Not part of the test suite: run
# it by hand on a quiet machine and copy its figures into docs/performance.md.
#
#   scripts/compare-jq.sh [LINES]        (default 100000)
#   scripts/compare-jq.sh --check        (CI: only that both write the same, on 2,000 lines,
#                                         with the debug build)
#
# The input is `ingress.secret-policy` parameter sets with varied accounts, regions and ingress
# point ids, drawn by awk with a fixed seed. jq fills the policy's template without validating
# anything; mmpolicy validates every field as `render` does. Both outputs are compared byte for
# byte before anything is timed.
set -euo pipefail

check=false
if [ "${1:-}" = "--check" ]; then
    check=true
    set -- 2000
fi
lines="${1:-100000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! command -v jq >/dev/null; then
    apt-get install -y jq >/dev/null
fi
if [ ! -x /usr/bin/time ] && ! $check; then
    apt-get install -y time >/dev/null
fi

if $check; then
    cargo build --quiet --manifest-path "$root/Cargo.toml" -p mmpolicy-cli
    bin="${CARGO_TARGET_DIR:-$root/target}/debug/mmpolicy"
else
    echo "building mmpolicy (release)..." >&2
    cargo build --release --quiet --manifest-path "$root/Cargo.toml" -p mmpolicy-cli
    bin="${CARGO_TARGET_DIR:-$root/target}/release/mmpolicy"
fi

# N parameter sets, the same for the same N.
generate() {
    awk -v n="$1" 'BEGIN {
        srand(20261128)
        split("us-east-1 us-east-2 us-west-2 eu-west-1 eu-west-2 eu-central-1 ap-southeast-1 ap-southeast-2 ap-northeast-1 ca-central-1", regions, " ")
        alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
        for (i = 0; i < n; i++) {
            account = ""
            for (d = 0; d < 12; d++) account = account int(rand() * 10)
            region = regions[1 + int(rand() * 10)]
            # Half the lines name an ingress point, half give every one (`*`).
            id = "*"
            if (rand() >= 0.5) {
                id = "inp-"
                for (c = 0; c < 26; c++) id = id substr(alnum, 1 + int(rand() * 36), 1)
            }
            printf "{\"account_id\":\"%s\",\"region\":\"%s\",\"ingress_point_id\":\"%s\"}\n", account, region, id
        }
    }'
}

# The compact policy of `ingress.secret-policy`, as mmpolicy renders it (commercial regions):
# the list of statements to merge into the secret's resource policy.
template='[{Sid:"AllowMailManagerIngressToReadSecret",Effect:"Allow",Principal:{Service:"ses.amazonaws.com"},Action:"secretsmanager:GetSecretValue",Resource:"*",Condition:{StringEquals:{"aws:SourceAccount":.account_id},ArnLike:{"aws:SourceArn":("arn:aws:ses:" + .region + ":" + .account_id + ":mailmanager-ingress-point/" + .ingress_point_id)}}}]'

generate "$lines" > "$work/in.ndjson"

# Same output first, on the whole input.
"$bin" bulk ingress.secret-policy --input "$work/in.ndjson" --output "$work/mmpolicy.ndjson"
jq -c "$template" "$work/in.ndjson" > "$work/jq.ndjson"
if ! cmp -s "$work/mmpolicy.ndjson" "$work/jq.ndjson"; then
    echo "error: mmpolicy and jq disagree:" >&2
    diff <(head -3 "$work/mmpolicy.ndjson") <(head -3 "$work/jq.ndjson") >&2 || true
    exit 1
fi
if $check; then
    echo "ok: mmpolicy bulk and jq wrote the same $lines policies"
    exit 0
fi

seconds() {
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    calc "$end - $start"
}

# Arithmetic on decimals: calc EXPR [FORMAT].
calc() {
    awk "BEGIN { printf \"${2:-%.6f}\", $1 }"
}

best() {
    local best="" t
    for _ in 1 2 3; do
        t=$(seconds "$@")
        if [ -z "$best" ] || [ "$(calc "$t < $best" %d)" = 1 ]; then best=$t; fi
    done
    calc "$best" %.3f
}

t_one=$(best "$bin" bulk ingress.secret-policy --input "$work/in.ndjson" --output /dev/null --jobs 1)
t_all=$(best "$bin" bulk ingress.secret-policy --input "$work/in.ndjson" --output /dev/null)
t_jq=$(best jq -c "$template" "$work/in.ndjson")

echo "date:      $(date -u +%Y-%m-%d)"
echo "machine:   $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "lines:     $lines"
echo "mmpolicy bulk --jobs 1:        ${t_one}s  ($(calc "$lines / $t_one" %.0f) lines/s)"
echo "mmpolicy bulk (all cores):     ${t_all}s  ($(calc "$lines / $t_all" %.0f) lines/s)"
echo "jq -c (same template):         ${t_jq}s  ($(calc "$lines / $t_jq" %.0f) lines/s)"
echo "jq / mmpolicy (all cores):     $(calc "$t_jq / $t_all" %.1f)x"
echo "jq / mmpolicy (one job):       $(calc "$t_jq / $t_one" %.1f)x"

peak() {
    generate "$1" > "$work/mem.ndjson"
    /usr/bin/time -v "$bin" bulk ingress.secret-policy --input "$work/mem.ndjson" --output /dev/null 2>&1 >/dev/null \
        | sed -n 's/^\s*Maximum resident set size (kbytes): //p'
    rm -f "$work/mem.ndjson"
}
echo "peak RSS, 10,000 lines:        $(peak 10000) KiB"
echo "peak RSS, 1,000,000 lines:     $(peak 1000000) KiB"
