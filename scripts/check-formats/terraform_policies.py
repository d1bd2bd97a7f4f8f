"""Parses every .tf file of the Terraform samples with python-hcl2, turns each
`data "aws_iam_policy_document"` block back into a JSON policy document, and checks it equals
the bundle's JSON file of the same policy (semantically: see policies.py).

Usage: python terraform_policies.py SAMPLE_DIR BUNDLE_DIR [SAMPLE_DIR BUNDLE_DIR ...]
"""

import json
import pathlib
import sys

import hcl2

from policies import normal


def scalar(value):
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    return unescape(value)


def strings(value):
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    if not isinstance(value, list):
        value = [value]
    return [unescape(v) for v in value]


def unescape(value):
    # HCL writes IAM's `${aws:username}` as `$${aws:username}`.
    if isinstance(value, str):
        return value.replace("$${", "${").replace("%%{", "%{")
    return value


def blocks(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statement(block):
    st = {}
    names = {"sid": "Sid", "effect": "Effect"}
    lists = {"actions": "Action", "not_actions": "NotAction",
             "resources": "Resource", "not_resources": "NotResource"}
    for key, value in block.items():
        if key.startswith("__"):
            continue
        if key in names:
            st[names[key]] = scalar(value)
        elif key in lists:
            st[lists[key]] = strings(value)
        elif key in ("principals", "not_principals"):
            out = {}
            for p in blocks(value):
                out.setdefault(scalar(p["type"]), []).extend(strings(p["identifiers"]))
            field = "Principal" if key == "principals" else "NotPrincipal"
            st[field] = "*" if out == {"*": ["*"]} else out
        elif key == "condition":
            cond = {}
            for c in blocks(value):
                cond.setdefault(scalar(c["test"]), {})[scalar(c["variable"])] = strings(c["values"])
            st["Condition"] = cond
        else:
            raise SystemExit(f"unexpected statement field `{key}`")
    return st


def document(block):
    doc = {}
    if "version" in block:
        doc["Version"] = scalar(block["version"])
    if "policy_id" in block:
        doc["Id"] = scalar(block["policy_id"])
    doc["Statement"] = [statement(s) for s in blocks(block.get("statement"))]
    return doc


def check(sample, bundle):
    documents = {}
    files = sorted(pathlib.Path(sample).glob("*.tf"))
    if not files:
        raise SystemExit(f"no .tf file in {sample}")
    for tf in files:
        with open(tf, encoding="utf-8") as f:
            parsed = hcl2.load(f)
        for data in parsed.get("data", []):
            for name, block in data.get("aws_iam_policy_document", {}).items():
                if "statement" in block:
                    documents[name] = document(block)
    index = json.loads((pathlib.Path(bundle) / "bundle.json").read_text(encoding="utf-8"))
    failures = 0
    for entry in index["policies"]:
        stem = entry["file"].removesuffix(".json")
        name = "".join(c if c.isalnum() else "_" for c in stem).lower()
        want = json.loads((pathlib.Path(bundle) / entry["file"]).read_text(encoding="utf-8"))
        got = documents.pop(name, None)
        if got is None:
            print(f"FAIL {sample}: no aws_iam_policy_document `{name}` for {entry['file']}")
            failures += 1
        elif normal(got) != normal(want):
            print(f"FAIL {sample}: `{name}` differs from {entry['file']}")
            print("  terraform:", json.dumps(normal(got), sort_keys=True))
            print("  bundle:   ", json.dumps(normal(want), sort_keys=True))
            failures += 1
        else:
            print(f"ok   {name} equals {entry['file']}")
    for name in documents:
        print(f"FAIL {sample}: `{name}` is no policy of the bundle")
        failures += 1
    return failures


def main(args):
    if not args or len(args) % 2:
        raise SystemExit(__doc__)
    failures = sum(check(args[i], args[i + 1]) for i in range(0, len(args), 2))
    if failures:
        raise SystemExit(f"{failures} Terraform policy documents differ from the bundle's")


if __name__ == "__main__":
    main(sys.argv[1:])
