"""Reads back every policy apply.sh put into the account (moto in CI) and checks it: a role's
trust and permission policies equal the bundle's, a key, bucket or secret policy contains the
bundle's statements, and the statements that were there before are still there.

Usage: python readback.py SAMPLE_DIR SNAPSHOT_FILE
  SAMPLE_DIR holds placements.json and aws-cli/; the policies read are written to SNAPSHOT_FILE
  (to compare the first run's with the second's). The resources whose names or ARNs are not
  in the deployment are named by apply.sh's environment variables, set by the caller.
Also expects, in the environment, EXPECT_KEY_SIDS (Sids the keys had before: each key must
still have them), EXPECT_BUCKET_SIDS and EXPECT_SECRET_SIDS (likewise, for the resources that
had a policy before: `ARN=Sid` pairs, one a line).
"""

import json
import os
import pathlib
import re
import sys

import botocore.session

from policies import contains, normal


def env_name(feature, suffix):
    return feature.upper().replace("-", "_") + suffix


def main(sample, snapshot):
    sample = pathlib.Path(sample)
    placements = json.loads((sample / "placements.json").read_text(encoding="utf-8"))
    session = botocore.session.get_session()
    client = {s: session.create_client(s, region_name=os.environ["AWS_REGION"]) for s in ("iam", "kms", "s3", "secretsmanager")}
    before = {}
    for pair in "\n".join(os.environ.get(v, "") for v in
                           ("EXPECT_KEY_SIDS", "EXPECT_BUCKET_SIDS", "EXPECT_SECRET_SIDS")).splitlines():
        resource, sid = pair.rsplit("=", 1)
        before.setdefault(resource, []).append(sid)
    read = {}
    failures = 0
    for p in placements:
        target, file = p["target"], p["file"]
        feature = file.split(".")[0]
        want = json.loads((sample / "aws-cli" / file).read_text(encoding="utf-8"))
        attach = target["attach"]
        if attach in ("inline-role-policy", "trust-policy"):
            if "logical_name" in target:
                # A created role's name comes from <LOGICAL_NAME>_NAME (RULE_SET_ROLE_NAME).
                base = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", target["logical_name"]).upper()
                role = os.environ.get(base + "_NAME", target["name"])
            else:
                role = os.environ.get(env_name(feature, "_ROLE_NAME"), target["name"])
            if attach == "trust-policy":
                got = client["iam"].get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
                where = f"trust policy of role {role}"
            else:
                got = client["iam"].get_role_policy(
                    RoleName=role, PolicyName=target["policy_name"])["PolicyDocument"]
                where = f"policy {target['policy_name']} of role {role}"
            ok = normal(got) == normal(want)
            how = "equals"
            resource = None
        else:
            how = "contains"
            if attach == "key-policy":
                resource = os.environ.get(env_name(feature, "_KEY_ARN")) or target["arn"]
                got = json.loads(client["kms"].get_key_policy(
                    KeyId=resource, PolicyName="default")["Policy"])
                where = f"key policy of {resource}"
            elif attach == "bucket-policy":
                resource = os.environ.get(env_name(feature, "_BUCKET_NAME")) or target["name"]
                got = json.loads(client["s3"].get_bucket_policy(Bucket=resource)["Policy"])
                where = f"bucket policy of {resource}"
            elif attach == "secret-resource-policy":
                resource = os.environ.get(env_name(feature, "_SECRET_ARN")) or target["arn"]
                got = json.loads(client["secretsmanager"].get_resource_policy(
                    SecretId=resource)["ResourcePolicy"])
                where = f"resource policy of {resource}"
            else:
                raise SystemExit(f"{file}: no read-back for `{attach}`")
            ok = contains(got, want)
        read[where] = got
        if ok:
            print(f"ok   {where} {how} {file}")
        else:
            print(f"FAIL {where} does not {how.rstrip('s')} {file}")
            print("  read:  ", json.dumps(got, sort_keys=True))
            failures += 1
        for sid in before.get(resource, []) if resource else []:
            sids = [s.get("Sid") for s in got.get("Statement", [])]
            if sid in sids:
                print(f"ok   {where} still has its statement {sid}")
            else:
                print(f"FAIL {where} lost its statement {sid}")
                failures += 1
    pathlib.Path(snapshot).write_text(json.dumps(read, indent=2, sort_keys=True) + "\n",
                                      encoding="utf-8")
    if failures:
        raise SystemExit(f"{failures} policies read back are not as the bundle says")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
