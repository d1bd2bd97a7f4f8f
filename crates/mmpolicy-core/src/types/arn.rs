//! ARNs that parameters take whole: KMS keys and IAM principals.

use super::{AccountId, Partition, Region, reject_widening};
use crate::InvalidValue;
use crate::{regional_arn_accessors, string_newtype};
use schemars::json_schema;

/// Splits `arn:<partition>:<service>:<region>:<account>:<rest>` and checks every part, so
/// that an ARN taken whole carries a real partition, region and account; refuses anything
/// else for `field` with `rule` (what the ARN should look like). For feature crates declaring
/// their own ARN types.
pub fn split_arn<'a>(
    field: &'static str,
    value: &'a str,
    service: &str,
    rule: &'static str,
) -> Result<(Partition, Region, AccountId, &'a str), InvalidValue> {
    let fail = |rule: String| InvalidValue::new(field, value, rule);
    let Some([arn, partition, svc, region, account, rest]) = arn_parts(value) else {
        return Err(fail(rule.to_owned()));
    };
    if arn != "arn" || svc != service {
        return Err(fail(rule.to_owned()));
    }
    let partition = Partition::new(partition).map_err(|e| fail(format!("{rule}: {}", e.rule)))?;
    let region = Region::new(region).map_err(|e| fail(format!("{rule}: {}", e.rule)))?;
    if region.partition() != partition {
        return Err(fail(format!(
            "region `{region}` is in partition `{}`, not `{partition}`",
            region.partition()
        )));
    }
    let account = AccountId::new(account).map_err(|e| fail(format!("{rule}: {}", e.rule)))?;
    Ok((partition, region, account, rest))
}

/// The six parts of `arn:<partition>:<service>:<region>:<account>:<rest>` (the last one may
/// hold further colons), as slices of `value`; `None` with fewer than five colons.
fn arn_parts(value: &str) -> Option<[&str; 6]> {
    let [a, b, c, d, e] = first_colons(value.as_bytes())?;
    // Each cut is next to a `:`, so every slice falls on a character boundary.
    Some([
        value.get(..a)?,
        value.get(a + 1..b)?,
        value.get(b + 1..c)?,
        value.get(c + 1..d)?,
        value.get(d + 1..e)?,
        value.get(e + 1..)?,
    ])
}

/// The positions of the first five colons of `bytes`, `None` with fewer.
///
/// They are all near the start of an ARN, so the first 64 bytes are read eight at a time into
/// a mask with a bit per colon, whose five lowest bits are the positions: no branch per byte
/// or per colon, where a loop over the bytes mispredicts at each colon. A longer head is
/// looked for byte by byte.
fn first_colons(bytes: &[u8]) -> Option<[usize; 5]> {
    let mut mask = super::bytes::head_mask(bytes, b':');
    let mut colons = [0; 5];
    for colon in &mut colons {
        if mask == 0 {
            return first_colons_by_byte(bytes);
        }
        *colon = mask.trailing_zeros() as usize;
        mask &= mask - 1;
    }
    Some(colons)
}

/// [`first_colons`] a byte at a time.
fn first_colons_by_byte(bytes: &[u8]) -> Option<[usize; 5]> {
    let mut colons = [0; 5];
    let mut found = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' {
            *colons.get_mut(found)? = i;
            found += 1;
            if found == colons.len() {
                return Some(colons);
            }
        }
    }
    None
}

/// The ARN of a KMS key (not an alias): `arn:<partition>:kms:<region>:<account>:key/<key id>`,
/// the key id a UUID or a multi-Region key id (`mrk-` and 32 hexadecimal digits).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KmsKeyArn {
    arn: String,
    partition: Partition,
    region: Region,
    account: AccountId,
}

/// A lowercase UUID: groups of 8, 4, 4, 4 and 12 hexadecimal digits joined by `-`.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

impl KmsKeyArn {
    /// Parses a KMS key ARN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str =
            "expected a KMS key ARN `arn:aws:kms:<region>:<account id>:key/<key id>`";
        reject_widening(Self::FIELD, value)?;
        let fail = |rule: String| InvalidValue::new(Self::FIELD, value, rule);
        let (partition, region, account, resource) = split_arn(Self::FIELD, value, "kms", RULE)?;
        if resource.starts_with("alias/") {
            return Err(fail(
                "an alias cannot name a key in an IAM `Resource`: give the key ARN (`...:key/<key id>`), or the alias in `kms_key_alias` where the parameter has one".to_owned(),
            ));
        }
        let Some(key_id) = resource.strip_prefix("key/") else {
            return Err(fail(RULE.to_owned()));
        };
        let mrk = key_id.strip_prefix("mrk-").is_some_and(|h| {
            h.len() == 32
                && h.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if !is_uuid(key_id) && !mrk {
            return Err(fail(
                "the key id is a lowercase UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or `mrk-` and 32 hexadecimal digits".to_owned(),
            ));
        }
        Ok(KmsKeyArn {
            arn: value.to_owned(),
            partition,
            region,
            account,
        })
    }
}

regional_arn_accessors!(KmsKeyArn, "key");

string_newtype!(
    KmsKeyArn,
    field = "kms_key_arn",
    schema = json_schema!({
        "title": "KMS key ARN",
        "type": "string",
        "description": "A KMS key ARN `arn:aws:kms:<region>:<account id>:key/<key id>` (not an alias); the key id is a lowercase UUID (`1234abcd-12ab-34cd-56ef-1234567890ab`) or `mrk-` and 32 hexadecimal digits.",
        "pattern": "^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:[0-9]{12}:key/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$",
        "examples": ["arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
    })
);

/// The ARN of a Secrets Manager secret:
/// `arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretArn {
    arn: String,
    partition: Partition,
    region: Region,
    account: AccountId,
}

impl SecretArn {
    /// Parses a secret ARN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str = "expected a Secrets Manager secret ARN `arn:aws:secretsmanager:<region>:<account id>:secret:<name>-<6 characters>`";
        reject_widening(Self::FIELD, value)?;
        let (partition, region, account, rest) =
            split_arn(Self::FIELD, value, "secretsmanager", RULE)?;
        let name = rest
            .strip_prefix("secret:")
            .ok_or_else(|| InvalidValue::new(Self::FIELD, value, RULE))?;
        // AWS appends `-` and six random characters to the name; the ARN is complete with them.
        let suffix_ok = name.len() > 7
            && name.as_bytes()[name.len() - 7] == b'-'
            && name[name.len() - 6..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric());
        let chars_ok = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b));
        if !suffix_ok || !chars_ok || name.len() > 512 + 7 {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "the secret name has letters, digits or `/_+=.@-`, and the complete ARN ends with `-` and the 6 characters AWS adds (copy it from the console)",
            ));
        }
        Ok(SecretArn {
            arn: value.to_owned(),
            partition,
            region,
            account,
        })
    }
}

regional_arn_accessors!(SecretArn, "secret");

string_newtype!(
    SecretArn,
    field = "secret_arn",
    schema = json_schema!({
        "title": "Secrets Manager secret ARN",
        "type": "string",
        "description": "A Secrets Manager secret ARN `arn:aws:secretsmanager:<region>:<account id>:secret:<name>-<6 characters>`; the secret name has letters, digits or `/_+=.@-`, and the complete ARN ends with `-` and the 6 characters AWS adds (copy it from the console).",
        "pattern": "^arn:aws(-cn|-us-gov)?:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$",
        "examples": ["arn:aws:secretsmanager:us-east-1:111122223333:secret:mail/smtp-relay-AbCdEf"]
    })
);

/// Whether a [`PrincipalArn`] names a user or a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrincipalKind {
    /// `arn:...:iam::<account>:user/...`.
    User,
    /// `arn:...:iam::<account>:role/...`.
    Role,
}

/// The ARN of an IAM user or role, which a resource policy can name as a principal. Groups are
/// refused: a group cannot be a principal.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrincipalArn {
    arn: String,
    partition: Partition,
    account: AccountId,
    kind: PrincipalKind,
}

fn is_iam_name(s: &str) -> bool {
    (1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
}

impl PrincipalArn {
    /// Parses the ARN of a user or a role.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str = "expected the ARN of an IAM user or role: `arn:aws:iam::<account id>:role/<name>` or `...:user/<name>`";
        reject_widening(Self::FIELD, value)?;
        let fail = |rule: String| InvalidValue::new(Self::FIELD, value, rule);
        let Some([arn, partition, service, region, account, resource]) = arn_parts(value) else {
            return Err(fail(RULE.to_owned()));
        };
        if arn != "arn" || service != "iam" || !region.is_empty() {
            return Err(fail(RULE.to_owned()));
        }
        let partition =
            Partition::new(partition).map_err(|e| fail(format!("{RULE}: {}", e.rule)))?;
        let account = AccountId::new(account).map_err(|e| fail(format!("{RULE}: {}", e.rule)))?;
        let (kind, rest) = if let Some(rest) = resource.strip_prefix("user/") {
            (PrincipalKind::User, rest)
        } else if let Some(rest) = resource.strip_prefix("role/") {
            (PrincipalKind::Role, rest)
        } else if resource.starts_with("group/") {
            return Err(fail(
                "an IAM group cannot be a principal in a policy: name a role (or a user) that the group's members use".to_owned(),
            ));
        } else {
            return Err(fail(RULE.to_owned()));
        };
        // `path/name`: every segment an IAM name.
        if rest.split('/').any(|seg| !is_iam_name(seg)) || rest.len() > 512 {
            return Err(fail(
                "a user or role name (and each folder of its path) has 1 to 64 letters, digits or `+=,.@_-`".to_owned(),
            ));
        }
        Ok(PrincipalArn {
            arn: value.to_owned(),
            partition,
            account,
            kind,
        })
    }

    /// The ARN.
    pub fn as_str(&self) -> &str {
        &self.arn
    }

    /// The principal's partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The account the principal is in.
    pub fn account(&self) -> AccountId {
        self.account
    }

    /// User or role.
    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    /// The user's or role's name: the ARN's last segment, without its path.
    pub fn name(&self) -> &str {
        self.arn.rsplit('/').next().unwrap_or(&self.arn)
    }
}

string_newtype!(
    PrincipalArn,
    field = "principal_arn",
    schema = json_schema!({
        "title": "IAM role or user ARN",
        "type": "string",
        "description": "The ARN of an IAM user or role: `arn:aws:iam::<account id>:role/<name>` or `...:user/<name>` (an IAM group cannot be a principal).",
        "pattern": "^arn:aws(-cn|-us-gov)?:iam::[0-9]{12}:(user|role)/([A-Za-z0-9+=,.@_-]{1,64}/)*[A-Za-z0-9+=,.@_-]{1,64}$",
        "examples": ["arn:aws:iam::111122223333:role/MailArchiveOperators"]
    })
);

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn key_arns() {
        let k = KmsKeyArn::new(KEY).unwrap();
        assert_eq!(k.region().as_str(), "us-west-2");
        assert_eq!(k.account().as_str(), "111122223333");
        assert_eq!(k.to_string(), KEY);
        assert!(
            KmsKeyArn::new(
                "arn:aws:kms:eu-west-1:111122223333:key/mrk-0123456789abcdef0123456789abcdef"
            )
            .is_ok()
        );
        assert!(
            KmsKeyArn::new(
                "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            )
            .is_ok()
        );
    }

    #[test]
    fn bad_key_arns() {
        for (bad, why) in [
            (
                "arn:aws:kms:us-east-1:111122223333:alias/MyKeyAlias",
                "alias",
            ),
            ("arn:aws:kms:us-east-1:111122223333:key/*", "wildcard"),
            (
                "arn:aws:kms:us-east-1:111122223333:key/MyKmsKeyArnID",
                "UUID",
            ),
            (
                "arn:aws:kms:mars-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "region",
            ),
            (
                "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "partition",
            ),
            (
                "arn:aws:kms:us-east-1:1111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "12 digits",
            ),
            (
                "arn:aws:s3:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "KMS key ARN",
            ),
            ("1234abcd-12ab-34cd-56ef-1234567890ab", "KMS key ARN"),
        ] {
            let e = KmsKeyArn::new(bad).unwrap_err();
            assert!(e.rule.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn an_arn_splits_at_its_first_five_colons() {
        for value in [
            "arn:aws:kms:us-east-1:111122223333:key/x",
            "arn:aws:lambda:us-east-1:111122223333:function:f:1",
            "arn:aws:iam::111122223333:role/r",
            ":::::",
            "a:b:c:d:e:",
            "a:b:c:d:e",
            "a:b:c:d",
            "",
            "é:ü:c:d:e:f:g",
        ] {
            let split: Vec<&str> = value.splitn(6, ':').collect();
            let expected: Option<[&str; 6]> = split.try_into().ok();
            assert_eq!(arn_parts(value), expected, "{value}");
        }
    }

    #[test]
    fn the_first_colons_are_found_wherever_they_are() {
        // Colons at every position of a 70-byte value, among bytes next to `:` (0x3a) in value
        // and in bits (`;` is 0x3b, `8` 0x38, `z` 0x7a, `\u{ba}` in `º`), one to six of them.
        let mut checked = 0;
        for filler in ["a", ";", "8", "z", "º"] {
            let base = filler.repeat(70 / filler.len());
            let len = base.len();
            for first in 0..len {
                for gap in [1, 2, 7, 8, 9, 13] {
                    let mut bytes = base.clone().into_bytes();
                    let colons: Vec<usize> = (0..6)
                        .map(|k| first + k * gap)
                        .filter(|&at| at < len && (filler.len() == 1 || at % 2 == 0))
                        .collect();
                    for &at in &colons {
                        bytes[at] = b':';
                    }
                    let expected: Option<[usize; 5]> =
                        colons.get(..5).and_then(|c| c.try_into().ok());
                    assert_eq!(first_colons(&bytes), expected, "{filler} {first} {gap}");
                    assert_eq!(first_colons_by_byte(&bytes), expected);
                    checked += 1;
                }
            }
        }
        assert!(checked > 1_500, "{checked}");
    }

    #[test]
    fn uuids_are_five_groups_of_lowercase_hexadecimal_digits() {
        assert!(is_uuid("1234abcd-12ab-34cd-56ef-1234567890ab"));
        for bad in [
            "1234abcd-12ab-34cd-56ef-1234567890a",
            "1234abcd-12ab-34cd-56ef-1234567890abc",
            "1234abcd-12ab-34cd-56ef1-234567890ab",
            "1234abcd-12ab-34cd-56ef-1234567890aB",
            "1234abcd-12ab-34cd-56ef-12345678-0ab",
            "1234abcd012ab-34cd-56ef-1234567890ab",
            "1234abcg-12ab-34cd-56ef-1234567890ab",
            "",
        ] {
            assert!(!is_uuid(bad), "{bad}");
        }
    }

    #[test]
    fn principal_arns() {
        let r = PrincipalArn::new("arn:aws:iam::111122223333:role/service/Archivist").unwrap();
        assert_eq!(r.kind(), PrincipalKind::Role);
        assert_eq!(
            PrincipalArn::new("arn:aws:iam::111122223333:user/alice")
                .unwrap()
                .kind(),
            PrincipalKind::User
        );
        let e = PrincipalArn::new("arn:aws:iam::111122223333:group/Admins").unwrap_err();
        assert!(e.rule.contains("group cannot be a principal"), "{e}");
        for bad in [
            "arn:aws:iam::111122223333:root",
            "arn:aws:iam::111122223333:role/",
            "arn:aws:iam::111122223333:role/a//b",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam:us-east-1:111122223333:role/x",
            "arn:aws:sts::111122223333:assumed-role/x/y",
            "arn:aws:iam::111122223333:role/MyUserRoleOrGroupName>",
        ] {
            assert!(PrincipalArn::new(bad).is_err(), "{bad}");
        }
    }
}
