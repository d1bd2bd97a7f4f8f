#!/usr/bin/env bash
# The CloudFormation, Terraform and AWS CLI forms of the example deployment (and of a smaller
# one), checked with the real tools: cfn-lint, checkov, python-hcl2, shellcheck, and an end to
# end run of apply.sh against moto's AWS server on 127.0.0.1, twice.
#
# Installs pinned tools from PyPI into target/ci-tools/venv (once; again when the pins change)
# and shellcheck from Debian when missing. Writes the samples to target/formats-sample/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}

pins=(cfn-lint==1.58.0 checkov==3.3.30 python-hcl2==8.1.4 'moto[server]==5.2.5' awscli==1.46.3)
venv=$root/target/ci-tools/venv
if [ ! -f "$venv/pins" ] || [ "$(cat "$venv/pins")" != "${pins[*]}" ]; then
    echo "== installing ${pins[*]} into target/ci-tools/venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "${pins[@]}"
    echo "${pins[*]}" >"$venv/pins"
fi
if ! command -v shellcheck >/dev/null; then
    echo "== installing shellcheck"
    apt-get update -qq
    apt-get install -y -qq shellcheck >/dev/null
fi
python=$venv/bin/python

echo "== samples: the example deployment and a smaller one, in three forms"
cargo build -q -p mmpolicy-cli
cargo build -q -p mmpolicy-formats --example write_samples
mmpolicy=$target/debug/mmpolicy
write_samples=$target/debug/examples/write_samples
out=$root/target/formats-sample
rm -rf "$out"
mkdir -p "$out/example" "$out/small"
# The smaller one: the rule set's role without `role_arn` (so named by default) and archive
# operators that are an IAM user, without a key or exports.
cat >"$out/small.toml" <<'TOML'
account_id = "111122223333"
region = "eu-west-1"

[archiving]
archive_id = "*"
principal_arn = "arn:aws:iam::111122223333:user/archivist"

[rule-actions]
rule_set_id = "*"

[rule-actions.write-to-s3]
bucket = "example-inbound-mail"
key_prefix = "*"
TOML
"$mmpolicy" bundle examples/deployment.toml --out "$out/example/bundle/" >/dev/null
"$mmpolicy" bundle "$out/small.toml" --out "$out/small/bundle/" >/dev/null
for sample in example small; do
    "$write_samples" "$out/$sample/bundle" "$out/$sample"
done

echo "== cfn-lint $("$venv/bin/cfn-lint" --version)"
for sample in example small; do
    "$venv/bin/cfn-lint" -- "$out/$sample/cloudformation/template.yaml"
    echo "ok   $sample/cloudformation/template.yaml"
done

echo "== checkov $("$venv/bin/checkov" --version) (suppressions are justified where they are)"
for sample in example small; do
    for form in cloudformation terraform; do
        "$venv/bin/checkov" --directory "$out/$sample/$form" --framework cloudformation terraform \
            --compact --quiet --skip-download
    done
done

echo "== python-hcl2: every Terraform policy document equals the bundle's"
"$python" scripts/check-formats/terraform_policies.py \
    "$out/example/terraform" "$out/example/bundle" "$out/small/terraform" "$out/small/bundle"

echo "== shellcheck $(shellcheck --version | sed -n 's/^version: //p')"
for script in "$out"/*/*/*.sh; do
    shellcheck "$script"
    echo "ok   ${script#"$out"/}"
done

echo "== end to end: apply.sh twice against moto_server on 127.0.0.1"
port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
e2e=$out/e2e
mkdir -p "$e2e"
# moto's server, in the deployment's account, stopped at exit and after 10 minutes at most.
MOTO_ACCOUNT_ID=111122223333 timeout 600 "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" \
    >"$e2e/moto.log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true' EXIT
export AWS_ENDPOINT_URL=http://127.0.0.1:$port
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN=testing
export AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_DEFAULT_REGION AWS_PROFILE
export PATH=$venv/bin:$PATH
for _ in $(seq 100); do
    if "$python" -c "import urllib.request; urllib.request.urlopen('$AWS_ENDPOINT_URL/moto-api/', timeout=1)" 2>/dev/null; then
        break
    fi
    sleep 0.2
done
cd "$e2e"
# apply.sh is run with AWS_REGION alone; version 1 of the AWS CLI reads AWS_DEFAULT_REGION.
aws() {
    AWS_DEFAULT_REGION=$AWS_REGION command aws "$@"
}

# What the deployment attaches to: the archive operators' role, the export bucket with a
# statement of its own, the secrets (the relay's with a policy of its own) and the keys.
aws iam create-role --role-name MailArchiveOperators --assume-role-policy-document \
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}]}' >/dev/null
aws s3api create-bucket --bucket example-mail-archive-exports >/dev/null
aws s3api put-bucket-policy --bucket example-mail-archive-exports --policy \
    '{"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::example-mail-archive-exports/*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'
INGRESS_SECRET_ARN=$(aws secretsmanager create-secret --name ingress-smtp-credentials \
    --secret-string '{"username": "u", "password": "p"}' --query ARN --output text)
SMTP_RELAY_SECRET_ARN=$(aws secretsmanager create-secret --name relay-smtp-credentials \
    --secret-string '{"username": "u", "password": "p"}' --query ARN --output text)
aws secretsmanager put-resource-policy --secret-id "$SMTP_RELAY_SECRET_ARN" --resource-policy \
    '{"Version": "2012-10-17", "Statement": [{"Sid": "AllowSecretAdmins", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "secretsmanager:DescribeSecret", "Resource": "*"}]}' >/dev/null
ARCHIVING_KEY_ARN=$(aws kms create-key --description archive --query KeyMetadata.Arn --output text)
# One key for both secrets: the second merge must keep the first's statement.
INGRESS_KEY_ARN=$(aws kms create-key --description secrets --query KeyMetadata.Arn --output text)
SMTP_RELAY_KEY_ARN=$INGRESS_KEY_ARN
# The key of the Write to S3 bucket, which takes the rule set role's statements.
RULE_ACTIONS_KEY_ARN=$(aws kms create-key --description write-to-s3 --query KeyMetadata.Arn --output text)
export INGRESS_SECRET_ARN SMTP_RELAY_SECRET_ARN ARCHIVING_KEY_ARN INGRESS_KEY_ARN SMTP_RELAY_KEY_ARN \
    RULE_ACTIONS_KEY_ARN
root_sid=$(aws kms get-key-policy --key-id "$ARCHIVING_KEY_ARN" --policy-name default \
    --query Policy --output text | "$python" -c 'import json, sys; print(json.load(sys.stdin)["Statement"][0]["Sid"])')
EXPECT_KEY_SIDS="$ARCHIVING_KEY_ARN=$root_sid
$RULE_ACTIONS_KEY_ARN=$root_sid
$INGRESS_KEY_ARN=$root_sid
$INGRESS_KEY_ARN=AllowMailManagerIngressToDecryptSecret"
export EXPECT_KEY_SIDS
export EXPECT_BUCKET_SIDS="example-mail-archive-exports=DenyInsecureTransport"
export EXPECT_SECRET_SIDS="$SMTP_RELAY_SECRET_ARN=AllowSecretAdmins"
export MMPOLICY=$mmpolicy
apply=$out/example/aws-cli/apply.sh
policies=$(grep -c '"file"' "$out/example/placements.json")

"$apply" --dry-run >dry-run.log
if ! grep -q '^+ aws iam put-role-policy' dry-run.log; then
    echo "error: apply.sh --dry-run printed no put-role-policy command" >&2
    exit 1
fi
echo "ok   --dry-run printed $(grep -c '^+ aws' dry-run.log) commands"

"$apply" | tee first.log
"$python" "$root/scripts/check-formats/readback.py" "$out/example" first.json
"$apply" | tee second.log
"$python" "$root/scripts/check-formats/readback.py" "$out/example" second.json >/dev/null
if grep -q '^unchanged:' first.log; then
    echo "error: the first run found policies already in place" >&2
    exit 1
fi
if [ "$(grep -c '^unchanged:' second.log)" -ne "$policies" ] || [ "$(wc -l <second.log)" -ne "$policies" ]; then
    echo "error: the second run changed something (expected $policies lines, each \`unchanged:\`)" >&2
    exit 1
fi
if ! cmp -s first.json second.json; then
    echo "error: the policies read back after the second run differ from the first's:" >&2
    diff first.json second.json >&2 || true
    exit 1
fi
echo "ok   second run: $policies policies unchanged, every policy read back the same"
