//! The AWS CLI form: `apply.sh`, a bash script that puts every policy into the account, with
//! the policy files beside it.
//!
//! The script creates each role the deployment creates when it does not exist (else updates
//! its trust policy), puts the roles' and users' permission policies, and merges the key,
//! bucket and secret policies: it reads the current policy (an empty one when there is none),
//! merges mmpolicy's statements into it with `mmpolicy merge`, and puts the result only when
//! it differs from the current policy as `mmpolicy merge` writes it. So a second run changes
//! nothing, and says `unchanged:` for every policy. It honours the AWS CLI's environment
//! (`AWS_PROFILE`, `AWS_REGION`, `AWS_ENDPOINT_URL`, ...), finds mmpolicy through `MMPOLICY`
//! (default: `mmpolicy` on `PATH`), and with `--dry-run` prints the commands without running
//! any.

use crate::inputs::Inputs;
use crate::{Deployment, FormatError, OutputFile, Placement, RoleRef, Target, header};
use std::fmt::Write as _;

/// The script's file name.
pub const SCRIPT: &str = "apply.sh";

/// The files of the AWS CLI form: `apply.sh` and every policy file.
pub fn write(deployment: &Deployment) -> Result<Vec<OutputFile>, FormatError> {
    let all: Vec<usize> = (0..deployment.placements().len()).collect();
    let intro = format!(
        "Puts the policies of the deployment in account {} ({}) into the account with the\n\
         AWS CLI: creates the roles the deployment creates when they do not exist (else updates\n\
         their trust policies), puts the permission policies, and merges mmpolicy's statements\n\
         into the key, bucket and secret policies with `mmpolicy merge`, keeping every other\n\
         statement. Running it again changes nothing.",
        deployment.account_id(),
        deployment.region()
    );
    let mut files = vec![(SCRIPT.to_owned(), script(deployment, SCRIPT, &intro, &all))];
    files.extend(policy_files(deployment, &all));
    Ok(files)
}

/// The policy files of the placements `indices`, under their own names.
pub(crate) fn policy_files(deployment: &Deployment, indices: &[usize]) -> Vec<OutputFile> {
    indices
        .iter()
        .map(|&i| {
            let p = &deployment.placements()[i];
            (p.file().to_owned(), p.file_contents())
        })
        .collect()
}

/// A script named `name` that places the placements `indices` (in order, the roles the
/// deployment creates first), introduced by `intro`.
pub(crate) fn script(
    deployment: &Deployment,
    name: &str,
    intro: &str,
    indices: &[usize],
) -> String {
    let inputs = Inputs::of(deployment);
    let used = inputs.used_by(indices.iter().copied());
    let mut s = String::from("#!/usr/bin/env bash\n");
    s.push_str(&header("#", name));
    s.push_str("#\n");
    for line in intro.lines() {
        let _ = writeln!(s, "# {line}");
    }
    s.push_str(USAGE);
    if !used.is_empty() {
        s.push_str(
            "#\n# What the deployment attaches to comes from the environment, the deployment's value\n\
             # being the default:\n",
        );
        for input in &used {
            let default = input
                .default
                .as_deref()
                .map_or("required".to_owned(), |d| format!("default {d}"));
            let _ = writeln!(
                s,
                "#   {:<22} {} ({default})",
                input.upper(),
                input.description
            );
        }
    }
    s.push_str(PRELUDE);
    let _ = writeln!(
        s,
        "export AWS_DEFAULT_REGION=\"${{AWS_DEFAULT_REGION:-{}}}\"\n",
        shell_word(deployment.region())
    );
    if !used.is_empty() {
        for input in &used {
            let var = input.upper();
            let default = input.default.as_deref().map(shell_word).unwrap_or_default();
            let _ = writeln!(s, "{var}=${{{var}:-{default}}}");
        }
        s.push_str("missing=()\n");
        for input in used.iter().filter(|i| i.default.is_none()) {
            let var = input.upper();
            let _ = writeln!(
                s,
                "if [ -z \"${var}\" ]; then missing+=({var}); {var}=\"<{var}>\"; fi"
            );
        }
        s.push_str(MISSING);
    }
    s.push_str(FUNCTIONS);
    s.push('\n');
    let var = |i: usize| format!("\"${}\"", inputs.of_placement(i).upper());
    let placements = deployment.placements();
    // The roles the deployment creates come first, so that their policies have a role.
    let created: Vec<usize> = indices
        .iter()
        .copied()
        .filter(|&i| {
            matches!(
                placements[i].target(),
                Target::TrustPolicy {
                    role: RoleRef::Created { .. }
                }
            )
        })
        .collect();
    let rest = indices.iter().copied().filter(|i| !created.contains(i));
    for i in created.iter().copied().chain(rest) {
        let p: &Placement = &placements[i];
        let file = p.file();
        let line = match p.target() {
            Target::TrustPolicy {
                role: RoleRef::Created { .. },
            } => format!("ensure_role {} {file}", var(i)),
            Target::TrustPolicy { .. } => format!("update_trust_policy {} {file}", var(i)),
            Target::RolePolicy { policy_name, .. } => {
                format!(
                    "put_role_policy {} {} {file}",
                    var(i),
                    shell_word(policy_name)
                )
            }
            Target::UserPolicy { policy_name, .. } => {
                format!(
                    "put_user_policy {} {} {file}",
                    var(i),
                    shell_word(policy_name)
                )
            }
            Target::BucketPolicy { .. } => format!("merge_bucket_policy {} {file}", var(i)),
            Target::SecretPolicy { .. } => format!("merge_secret_policy {} {file}", var(i)),
            Target::KeyPolicy { .. } => format!("merge_key_policy {} {file}", var(i)),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s
}

/// `value` as one shell word: bare when it holds only safe characters, else single-quoted.
fn shell_word(value: &str) -> String {
    if !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+,./:=@_-".contains(c))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

const USAGE: &str = r##"#
# Usage: ./apply.sh [--dry-run]
#   --dry-run  print the commands that would run, without running any
# It uses the AWS CLI's usual environment (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL, ...);
# MMPOLICY names the mmpolicy command (default: mmpolicy on PATH).
"##;

const PRELUDE: &str = r##"set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dry_run=false
if [ $# -eq 1 ] && [ "$1" = --dry-run ]; then
    dry_run=true
elif [ $# -ne 0 ]; then
    echo "usage: $0 [--dry-run]" >&2
    exit 2
fi
mmpolicy=${MMPOLICY:-mmpolicy}
export AWS_PAGER=""
# Version 1 of the AWS CLI reads only AWS_DEFAULT_REGION: pass AWS_REGION on.
if [ -n "${AWS_REGION:-}" ]; then
    export AWS_DEFAULT_REGION="$AWS_REGION"
fi
"##;

const MISSING: &str = r##"if [ ${#missing[@]} -gt 0 ] && [ "$dry_run" = false ]; then
    echo "error: set ${missing[*]} in the environment: the deployment does not name them" >&2
    exit 2
fi
"##;

const FUNCTIONS: &str = r##"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Prints a command as it would be typed.
show() {
    printf '+'
    printf ' %q' "$@"
    printf '\n'
}

# Whether policy files $2 and $3 of kind $1 are the same once written as `mmpolicy merge`
# writes them.
same() {
    "$mmpolicy" merge "$2" --kind "$1" >"$work/a.json"
    "$mmpolicy" merge "$3" --kind "$1" >"$work/b.json"
    cmp -s "$work/a.json" "$work/b.json"
}

# Merges policy file $2 into $work/current.json (kind $1) as $work/merged.json; fails when
# that changes nothing.
merge_changes() {
    "$mmpolicy" merge "$work/current.json" --kind "$1" >"$work/before.json"
    "$mmpolicy" merge "$work/current.json" "$2" --kind "$1" >"$work/merged.json"
    if cmp -s "$work/before.json" "$work/merged.json"; then
        return 1
    fi
}

# The policy of a resource that has none.
empty_policy() {
    printf '{"Version": "2012-10-17", "Statement": []}\n' >"$work/current.json"
}

# Fails the script with the AWS CLI's message, unless it holds $1 (an expected error).
expect_error() {
    if ! grep -q "$1" "$work/error"; then
        cat "$work/error" >&2
        exit 1
    fi
}

# Creates role $1 with trust policy file $2 when it does not exist, else updates its trust
# policy when it differs.
ensure_role() {
    local role=$1 file=$here/$2
    if [ "$dry_run" = true ]; then
        echo "# role $role: created when it does not exist, else its trust policy updated"
        show aws iam create-role --role-name "$role" --assume-role-policy-document "file://$file"
        show aws iam update-assume-role-policy --role-name "$role" --policy-document "file://$file"
        return
    fi
    if aws iam get-role --role-name "$role" --query Role.AssumeRolePolicyDocument \
        --output json >"$work/current.json" 2>"$work/error"; then
        if same trust "$work/current.json" "$file"; then
            echo "unchanged: trust policy of role $role ($2)"
        else
            aws iam update-assume-role-policy --role-name "$role" --policy-document "file://$file"
            echo "updated: trust policy of role $role ($2)"
        fi
    else
        expect_error NoSuchEntity
        aws iam create-role --role-name "$role" --assume-role-policy-document "file://$file" \
            --description "Amazon SES Mail Manager, written by mmpolicy" >/dev/null
        echo "created: role $role with its trust policy ($2)"
    fi
}

# Updates the trust policy of existing role $1 to file $2 when it differs.
update_trust_policy() {
    local role=$1 file=$here/$2
    if [ "$dry_run" = true ]; then
        show aws iam update-assume-role-policy --role-name "$role" --policy-document "file://$file"
        return
    fi
    aws iam get-role --role-name "$role" --query Role.AssumeRolePolicyDocument \
        --output json >"$work/current.json"
    if same trust "$work/current.json" "$file"; then
        echo "unchanged: trust policy of role $role ($2)"
    else
        aws iam update-assume-role-policy --role-name "$role" --policy-document "file://$file"
        echo "updated: trust policy of role $role ($2)"
    fi
}

# Puts inline policy $2 of role $1 from file $3 when it differs.
put_role_policy() {
    local role=$1 name=$2 file=$here/$3
    if [ "$dry_run" = true ]; then
        show aws iam put-role-policy --role-name "$role" --policy-name "$name" --policy-document "file://$file"
        return
    fi
    if aws iam get-role-policy --role-name "$role" --policy-name "$name" --query PolicyDocument \
        --output json >"$work/current.json" 2>"$work/error"; then
        if same identity "$work/current.json" "$file"; then
            echo "unchanged: policy $name of role $role ($3)"
            return
        fi
    else
        expect_error NoSuchEntity
    fi
    aws iam put-role-policy --role-name "$role" --policy-name "$name" --policy-document "file://$file"
    echo "put: policy $name of role $role ($3)"
}

# Puts inline policy $2 of user $1 from file $3 when it differs.
put_user_policy() {
    local user=$1 name=$2 file=$here/$3
    if [ "$dry_run" = true ]; then
        show aws iam put-user-policy --user-name "$user" --policy-name "$name" --policy-document "file://$file"
        return
    fi
    if aws iam get-user-policy --user-name "$user" --policy-name "$name" --query PolicyDocument \
        --output json >"$work/current.json" 2>"$work/error"; then
        if same identity "$work/current.json" "$file"; then
            echo "unchanged: policy $name of user $user ($3)"
            return
        fi
    else
        expect_error NoSuchEntity
    fi
    aws iam put-user-policy --user-name "$user" --policy-name "$name" --policy-document "file://$file"
    echo "put: policy $name of user $user ($3)"
}

# Merges the statements of file $2 into the key policy of key $1.
merge_key_policy() {
    local key=$1 file=$here/$2
    if [ "$dry_run" = true ]; then
        show aws kms get-key-policy --key-id "$key" --policy-name default --query Policy --output text
        echo "# | $mmpolicy merge - $file --kind key > merged.json; when that changes the policy:"
        show aws kms put-key-policy --key-id "$key" --policy-name default --policy file://merged.json
        return
    fi
    aws kms get-key-policy --key-id "$key" --policy-name default --query Policy \
        --output text >"$work/current.json"
    if merge_changes key "$file"; then
        aws kms put-key-policy --key-id "$key" --policy-name default \
            --policy "file://$work/merged.json"
        echo "merged: $2 into the key policy of $key"
    else
        echo "unchanged: key policy of $key ($2)"
    fi
}

# Merges the statements of file $2 into the bucket policy of bucket $1 (an empty policy when it
# has none).
merge_bucket_policy() {
    local bucket=$1 file=$here/$2
    if [ "$dry_run" = true ]; then
        show aws s3api get-bucket-policy --bucket "$bucket" --query Policy --output text
        echo "# | $mmpolicy merge - $file --kind bucket > merged.json; when that changes the policy:"
        show aws s3api put-bucket-policy --bucket "$bucket" --policy file://merged.json
        return
    fi
    if ! aws s3api get-bucket-policy --bucket "$bucket" --query Policy \
        --output text >"$work/current.json" 2>"$work/error"; then
        expect_error NoSuchBucketPolicy
        empty_policy
    fi
    if merge_changes bucket "$file"; then
        aws s3api put-bucket-policy --bucket "$bucket" --policy "file://$work/merged.json"
        echo "merged: $2 into the bucket policy of $bucket"
    else
        echo "unchanged: bucket policy of $bucket ($2)"
    fi
}

# Merges the statements of file $2 into the resource policy of secret $1 (an empty policy when
# it has none).
merge_secret_policy() {
    local secret=$1 file=$here/$2
    if [ "$dry_run" = true ]; then
        show aws secretsmanager get-resource-policy --secret-id "$secret" --query ResourcePolicy --output text
        echo "# | $mmpolicy merge - $file --kind secret > merged.json; when that changes the policy:"
        show aws secretsmanager put-resource-policy --secret-id "$secret" --resource-policy file://merged.json --block-public-policy
        return
    fi
    aws secretsmanager get-resource-policy --secret-id "$secret" --query ResourcePolicy \
        --output text >"$work/current.json"
    # A secret without a resource policy has none to print.
    if [ ! -s "$work/current.json" ] || [ "$(cat "$work/current.json")" = None ]; then
        empty_policy
    fi
    if merge_changes secret "$file"; then
        aws secretsmanager put-resource-policy --secret-id "$secret" \
            --resource-policy "file://$work/merged.json" --block-public-policy >/dev/null
        echo "merged: $2 into the resource policy of $secret"
    else
        echo "unchanged: resource policy of $secret ($2)"
    fi
}
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_quote_what_the_shell_would_read() {
        assert_eq!(
            shell_word("arn:aws:kms:us-east-1:1:key/a-b"),
            "arn:aws:kms:us-east-1:1:key/a-b"
        );
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word(""), "''");
    }
}
