#!/usr/bin/env bash
# Lints AWS's managed policies with `mmpolicy lint --kind identity` and compares the findings
# with IAM Access Analyzer's: the calibration benchmark of the lint rules. Not part of the test
# suite, and the corpus is not part of the repository (it is GPL-3.0): point the script at a
# local checkout of it.
#
#   scripts/lint-managed-policies.sh [--count-all] CORPUS [MMPOLICY]
#
# CORPUS is a checkout of `zoph-io/MAMIP`: `policies/<name>` holds what `aws iam
# get-policy-version` prints for each managed policy (the document under
# `.PolicyVersion.Document`), and `findings/<name>.json`, when present, Access Analyzer's
# ValidatePolicy findings on it (a list of `{findingType, issueCode, ...}`). A folder of plain
# policy documents (`policies/<name>` or `policies/<name>.json`) works too.
# MMPOLICY is the binary to run (default: `target/release/mmpolicy`, built if missing).
#
# Prints the policies with an error, a security finding, a warning; the findings by rule and
# severity; and, per Access Analyzer finding type, how many of the policies it flags mmpolicy
# flags too: with a finding of the same class (error, security, warning, suggestion) and with
# the rule that corresponds to the type.
#
# S012 (`svc:*` or `*` on every resource) is counted apart: it is a check of the policies you
# write, and AWS's managed full-access and administrator policies grant exactly that by
# design. AWS Security Hub scopes its own checks of these grants the same way (IAM.1, full
# administrator access, and IAM.21, wildcard actions for services, check customer managed
# policies only). Its findings are listed, but the counts of policies by severity leave them
# out unless `--count-all` is given.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
apart='["S012"]'
if [ "${1:-}" = "--count-all" ]; then
    apart='[]'
    shift
fi
corpus="${1:?usage: scripts/lint-managed-policies.sh [--count-all] CORPUS [MMPOLICY]}"
bin="${2:-${CARGO_TARGET_DIR:-$root/target}/release/mmpolicy}"
batch=200
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }
[ -d "$corpus/policies" ] || { echo "\`$corpus\` has no \`policies/\` folder: give a checkout of zoph-io/MAMIP" >&2; exit 2; }
if [ ! -x "$bin" ]; then
    cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p mmpolicy-cli
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs"

# The documents, one file each, named after the policy; empty files (the corpus keeps a few
# for policies AWS withdrew) are skipped.
skipped=0
for f in "$corpus"/policies/*; do
    [ -f "$f" ] || continue
    name="$(basename "$f" .json)"
    if [ ! -s "$f" ]; then
        skipped=$((skipped + 1))
        continue
    fi
    jq 'if type == "object" and has("PolicyVersion") then .PolicyVersion.Document else . end' "$f" \
        >"$work/docs/$name.json"
done

# Lint in batches (thousands of paths do not fit one command line); exit 1 only says that
# there are findings.
: >"$work/reports.json"
find "$work/docs" -name '*.json' | sort >"$work/list"
split -l "$batch" "$work/list" "$work/batch."
for b in "$work"/batch.*; do
    rc=0
    mapfile -t files <"$b"
    "$bin" lint --kind identity --format json "${files[@]}" >>"$work/reports.json" || rc=$?
    if [ "$rc" -gt 1 ]; then
        echo "mmpolicy lint failed (exit $rc) on one of: ${files[*]}" >&2
        exit 2
    fi
done

# Access Analyzer's findings, by policy name.
: >"$work/aa.json"
if [ -d "$corpus/findings" ]; then
    for f in "$corpus"/findings/*.json; do
        [ -f "$f" ] || continue
        jq -c --arg name "$(basename "$f" .json)" '{name: $name, findings: .}' "$f" >>"$work/aa.json"
    done
fi

commit=""
if git -C "$corpus" rev-parse --git-dir >/dev/null 2>&1; then
    commit="$(git -C "$corpus" log -1 --format='%h of %cs' 2>/dev/null || true)"
fi

jq -n -r --arg corpus "$corpus" --arg commit "$commit" --argjson skipped "$skipped" --argjson apart "$apart" \
    --slurpfile reports "$work/reports.json" --slurpfile aa "$work/aa.json" '
# Access Analyzer issue code -> the mmpolicy rules that report the same problem (none: no
# rule has that check).
def rules_for: {
    INVALID_ACTION: ["C002"],
    INVALID_SERVICE: ["C014", "C006"],
    INVALID_SERVICE_IN_ACTION: ["C001"],
    INVALID_SERVICE_CONDITION_KEY: ["C008"],
    INVALID_SERVICE_PRINCIPAL_FORMAT: ["E026"],
    MISSING_QUALIFIER: ["C013"],
    PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE: ["S005"],
    PASS_ROLE_WITH_STAR_IN_RESOURCE: ["S005"],
    STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS: ["S011"],
    POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA: ["E020"],
    TYPE_MISMATCH: ["C010"],
    REDUNDANT_ACTION: ["U002"],
    REDUNDANT_RESOURCE: [],
    EQUIVALENT_TO_NULL_FALSE: [],
    CREATE_SLR_WITH_STAR_IN_RESOURCE: [],
    CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE: [],
    ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE: ["C009"]
}[.] // [];
def class_of: {ERROR: "error", SECURITY_WARNING: "security", WARNING: "warning", SUGGESTION: "suggestion"}[.] // "?";
def pct($n; $d): if $d == 0 then "-" else "\((100 * $n / $d) | round)%" end;

[$reports[][]] as $everything
# The findings counted: without those of the rules kept apart.
| [$everything[] | .findings |= map(select(.code as $c | $apart | index($c) | not))] as $all
| ($all | map({key: (.file | split("/") | last | sub("\\.json$"; "")), value: .findings}) | from_entries) as $mm
| ($all | length) as $n
| def with($sev): [$all[] | select(any(.findings[]; .severity == $sev))] | length;
"corpus: \($corpus)\(if $commit != "" then " (commit \($commit))" else "" end)",
"policies linted: \($n)\(if $skipped > 0 then " (\($skipped) empty files skipped)" else "" end)",
"policies with an error: \(with("error"))",
"policies with a security finding: \(with("security"))",
"policies with a warning: \(with("warning"))",
"policies with a suggestion: \(with("suggestion"))",
(if ($apart | length) == 0 then empty else
    [$everything[] | select(any(.findings[]; .code as $c | $apart | index($c)))] as $kept
    | "left out of these counts: \($apart | join(", ")), a check of the policies you write (AWS managed policies grant `svc:*` on `*` by design; --count-all counts it): on \($kept | length) policies, \([$kept[] | select(all(.findings[]; .severity != "security" or (.code as $c | $apart | index($c))))] | length) of them with no other security finding"
end),
"",
"findings by rule and severity (findings, policies), every rule:",
([$everything[] | .file as $f | .findings[] | {rule: "\(.code) \(.name)", severity, file: $f}]
    | group_by([.rule, .severity])
    | sort_by(.[0].rule)
    | .[]
    | "  \(.[0].rule) \(.[0].severity): \(length) findings, \(map(.file) | unique | length) policies"),
(if ($aa | length) == 0 then "", "no Access Analyzer findings (no `findings/` folder)" else
    ($aa | map({key: .name, value: .findings}) | from_entries) as $aafor
    | "",
      "Access Analyzer (policies it flags; how many mmpolicy flags with the same class; with the corresponding rule):",
      ([$aa[] | .name as $p | .findings[] | {type: .findingType, code: .issueCode, policy: $p}]
        | unique
        | group_by([.type, .code])
        | sort_by([(.[0].type | {ERROR: 0, SECURITY_WARNING: 1, WARNING: 2, SUGGESTION: 3}[.]), .[0].code])
        | .[]
        | .[0].type as $type | .[0].code as $code | ($code | rules_for) as $rules
        | map(.policy) as $ps
        | [$ps[] | select(. as $p | any($mm[$p][]?; .severity == ($type | class_of)))] as $same
        | [$ps[] | select(. as $p | any($mm[$p][]?; .code as $c | $rules | index($c)))] as $rule
        | ($ps - $rule) as $missed
        | "  \($type) \($code): \($ps | length) policies; same class \($same | length) (\(pct($same | length; $ps | length))); rule \(if ($rules | length) == 0 then "(none)" else $rules | join("/") end) \($rule | length) (\(pct($rule | length; $ps | length)))\(if ($missed | length) > 0 then "; missed by the rule: \($missed | join(", "))" else "" end)"),
      "",
      ([$aa[] | select(any(.findings[]; .findingType == "ERROR")) | .name] as $aerr
       | [$aerr[] | select(. as $p | any($mm[$p][]?; .severity == "error"))] as $both
       | "Access Analyzer errors: \($aerr | length) policies; mmpolicy reports an error on \($both | length) of them; mmpolicy-only errors: \(with("error") - ($both | length)) policies"),
      ([$aa[] | select(any(.findings[]; .findingType == "SECURITY_WARNING")) | .name] as $asec
       | [$asec[] | select(. as $p | any($mm[$p][]?; .severity == "security"))] as $both
       | "Access Analyzer security warnings: \($asec | length) policies; mmpolicy reports a security finding on \($both | length) of them; mmpolicy-only: \(with("security") - ($both | length)) policies")
end)
'
