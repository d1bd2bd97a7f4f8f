"""Semantic comparison of IAM policy documents, shared by the checks of check-formats.sh.

Two documents are equal when they grant the same: statement order, the order of actions,
resources, principals and condition values, and a single value written without its list do
not matter; condition values compare as strings (Terraform writes `true` as "true").
"""

import json

LISTS = ("Action", "NotAction", "Resource", "NotResource")


def _strings(value):
    values = value if isinstance(value, list) else [value]
    return sorted(json.dumps(v) if not isinstance(v, str) else v for v in values)


def _principal(value):
    if value == "*":
        return {"*": ["*"]}
    return {kind: _strings(ids) for kind, ids in value.items()}


def statement(st):
    """One statement in its normal form."""
    out = {}
    for key, value in st.items():
        if key in LISTS:
            out[key] = _strings(value)
        elif key in ("Principal", "NotPrincipal"):
            out[key] = _principal(value)
        elif key == "Condition":
            out[key] = {
                op: {k: [str(v).lower() if isinstance(v, bool) else str(v) for v in _strings(vs)]
                     for k, vs in keys.items()}
                for op, keys in value.items()
            }
        else:
            out[key] = value
    return out


def as_document(doc):
    """A document, or a list of statements (as mmpolicy writes key, secret and bucket policies
    to merge), as a document."""
    if isinstance(doc, list):
        return {"Version": "2012-10-17", "Statement": doc}
    return doc


def statements(doc):
    """The statements of a document in their normal form, in a canonical order."""
    sts = as_document(doc).get("Statement", [])
    if isinstance(sts, dict):
        sts = [sts]
    return sorted((statement(s) for s in sts), key=lambda s: json.dumps(s, sort_keys=True))


def normal(doc):
    """A whole document in its normal form."""
    out = {k: v for k, v in as_document(doc).items() if k != "Statement"}
    out["Statement"] = statements(doc)
    return out


def contains(doc, part):
    """Whether every statement of `part` is in `doc`, the same."""
    have = statements(doc)
    return all(s in have for s in statements(part))
