#!/usr/bin/env bash
# Validates the SARIF of `mmpolicy lint --format sarif` with Microsoft's SARIF Multitool, the
# validator code-scanning services follow, on every shape of lint run: files by relative and by
# absolute path, stdin, a bundle folder, a run with no findings, and one where every rule fires
# (the examples of docs/lint-rules.md, plus a policy over the size limit).
#
# Fails when the validator reports any error or warning. Its notes (suggestions such as
# embedding file contents or code snippets) are counted and printed, never fatal.
#
# Installs the validator, pinned, with npm into target/ci-tools/ (nothing global); needs node,
# npm and python3. Usage: scripts/validate-sarif.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MULTITOOL_VERSION=5.7.0
tools="$PWD/target/ci-tools/sarif-multitool"

# The npm package picks a self-contained binary (no .NET needed) from a package per platform;
# both are pinned to the exact version.
packages=("@microsoft/sarif-multitool@$MULTITOOL_VERSION")
case "$(uname -s)" in
Linux) packages+=("@microsoft/sarif-multitool-linux@$MULTITOOL_VERSION") ;;
Darwin) packages+=("@microsoft/sarif-multitool-darwin@$MULTITOOL_VERSION") ;;
esac

multitool() {
    (cd "$tools" && node -p "require('@microsoft/sarif-multitool')")
}

# The tool prints its version on stderr.
installed() {
    local version
    bin="$(multitool 2>/dev/null)" && version="$("$bin" --version 2>&1)" &&
        [[ "$version" == "SARIF Multitool $MULTITOOL_VERSION+"* ]]
}

if ! installed; then
    echo "installing the SARIF Multitool $MULTITOOL_VERSION into $tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --loglevel=error "${packages[@]}"
    bin="$(multitool)"
    # npm may skip the package's install script, which only marks the binary executable.
    chmod u+x "$bin"
    installed || { echo "the SARIF Multitool $MULTITOOL_VERSION does not run here" >&2; exit 1; }
fi
echo "validating with $("$bin" --version 2>&1)"

cargo build --quiet -p mmpolicy-cli
mmpolicy="$PWD/target/debug/mmpolicy"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
page=crates/mmpolicy-lint/tests/fixtures/page

# `mmpolicy lint` exits 1 when it finds problems: that is expected here; 2 is not.
lint() {
    local out="$1"
    shift
    local status=0
    "$mmpolicy" lint --format sarif "$@" >"$out" || status=$?
    if [ "$status" -gt 1 ]; then
        echo "mmpolicy lint $* exited $status" >&2
        exit 1
    fi
}

# The example bundle, linted from its folder. It lints clean, so one of its policies (a list of
# statements to merge, as the bundle writes it) gets a wide statement: the run then has a result
# located in a file of the bundle.
"$mmpolicy" bundle examples/deployment.toml --out "$work/policies" >/dev/null
python3 - "$work/policies/ingress.secret-policy.json" <<'EOF'
import json, pathlib, sys
path = pathlib.Path(sys.argv[1])
statements = json.loads(path.read_text())
statements.append({"Sid": "Wide", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
                   "Action": "secretsmanager:*", "Resource": "*"})
path.write_text(json.dumps(statements, indent=2) + "\n")
EOF

# Every rule's example from the rules document, with its kind, as a bundle folder; and a
# trust policy over its size limit (the document's example of that rule is abbreviated).
python3 - "$work/every-rule" docs/lint-rules.md <<'EOF'
import json, pathlib, re, sys

out, doc = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]).read_text()
out.mkdir()
policies = []
for code, kind, example in re.findall(
    r"\n## (\w+) [^\n]*\n.*?linted with `--kind (\w+)`.*?```json\n(.*?)\n```", doc, re.S
):
    (out / f"{code}.json").write_text(example + "\n")
    policies.append({"file": f"{code}.json", "kind": kind})
roles = [f"arn:aws:iam::111122223333:role/mail-rules-{i:04}" for i in range(60)]
large = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": roles}, "Action": "sts:AssumeRole"}]}
(out / "too-large.json").write_text(json.dumps(large, indent=2) + "\n")
policies.append({"file": "too-large.json", "kind": "trust"})
(out / "bundle.json").write_text(json.dumps({"policies": policies}, indent=2) + "\n")
EOF

lint "$work/relative.sarif" "$page/archiving-identity-policy.json" "./$page/ingress-key-policy.json"
lint "$work/absolute.sarif" "$PWD/$page/archiving-identity-policy.json" "$PWD/$page/smtp-relay-key-policy.json"
lint "$work/stdin.sarif" - <"$page/archiving-identity-policy.json"
lint "$work/bundle.sarif" "$work/policies"
lint "$work/no-findings.sarif" --kind secret "$page/smtp-relay-secret-policy.json"
lint "$work/every-rule.sarif" "$work/every-rule"

failed=0
# Each case must hold results of the rules it is meant to (none for no-findings; all for
# every-rule), so that a change in the cases cannot quietly empty them.
python3 - "$work" <<'EOF' || failed=1
import json, pathlib, sys

work = pathlib.Path(sys.argv[1])
def rule_ids(case):
    log = json.loads((work / f"{case}.sarif").read_text())
    run = log["runs"][0]
    return {r["id"] for r in run["tool"]["driver"]["rules"]}, {r["ruleId"] for r in run["results"]}

rules, fired = rule_ids("every-rule")
if fired != rules:
    sys.exit(f"every-rule: rules that did not fire: {sorted(rules - fired)}")
if rule_ids("no-findings")[1]:
    sys.exit("no-findings: the run has results")
for case in ["relative", "absolute", "stdin", "bundle"]:
    if not rule_ids(case)[1]:
        sys.exit(f"{case}: the run has no results")
EOF

for case in relative absolute stdin bundle no-findings every-rule; do
    log="$work/$case.sarif"
    report="$work/$case.validation.sarif"
    if ! "$bin" validate "$log" --output "$report" --log ForceOverwrite --level "Error;Warning;Note" \
        >"$work/$case.validation.log" 2>&1; then
        cat "$work/$case.validation.log" >&2
        echo "$case: the validator failed to run" >&2
        failed=1
        continue
    fi
    # The validator exits 0 even when it finds errors: read its own SARIF log. A result
    # without a level is a warning (SARIF's default).
    python3 - "$case" "$report" <<'EOF' || failed=1
import json, sys
from collections import Counter

case, path = sys.argv[1], sys.argv[2]
run = json.load(open(path))["runs"][0]
results = run.get("results") or []
levels = Counter(r.get("level", "warning") for r in results)
bad = [r for r in results if r.get("level", "warning") in ("error", "warning")]
invocation_ok = all(i.get("executionSuccessful", False) for i in run.get("invocations") or [])
notes = Counter(r["ruleId"] for r in results if r.get("level") == "note")
print(f"{case}: {levels['error']} error(s), {levels['warning']} warning(s), "
      f"{levels['note']} note(s) {dict(sorted(notes.items()))}")
for r in bad:
    loc = r.get("locations", [{}])[0].get("physicalLocation", {}).get("region", {})
    args = r.get("message", {}).get("arguments", [])
    print(f"  {r.get('level', 'warning')} {r['ruleId']} line {loc.get('startLine', '?')}: {args}")
if bad or not invocation_ok:
    sys.exit(1)
EOF
done

if [ "$failed" -ne 0 ]; then
    echo "the SARIF of mmpolicy lint does not validate (see above)" >&2
    exit 1
fi
echo "the SARIF of every case validates"
