//! The validated types only rule actions use: the targets of rule actions and the names that
//! appear beside them (KMS key aliases, SNS topic ARNs, Lambda function ARNs, Amazon Q Business
//! application and index ids, SES configuration set names, WorkMail organization ids), declared
//! with core's public macros.

use mmpolicy_core::InvalidValue;
use mmpolicy_core::types::{
    AccountId, Partition, Region, ShortString, all_bytes_in, refusal, reject_widening, split_arn,
};
use mmpolicy_core::{regional_arn_accessors, string_newtype};
use schemars::json_schema;

/// A KMS alias name, `alias/<name>`: letters, digits and `/ _ -`, 1 to 256 characters in all.
/// Names under `alias/aws/` belong to AWS managed keys and are refused: their key policies
/// cannot be changed to let a role use them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KmsKeyAlias(String);

impl KmsKeyAlias {
    /// Parses an alias name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        reject_widening(Self::FIELD, value)?;
        let fail = |rule: &'static str| Err(InvalidValue::new(Self::FIELD, value, rule));
        if value.starts_with("arn:") {
            return fail("give the alias name (`alias/<name>`), not its ARN");
        }
        let Some(name) = value.strip_prefix("alias/") else {
            return fail("expected an alias name `alias/<name>`");
        };
        if name.is_empty() || value.len() > 256 {
            return fail("an alias name has 1 to 250 characters after `alias/`");
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
        {
            return fail("an alias name has only letters, digits and `/ _ -`");
        }
        if name.starts_with("aws/") {
            return fail(
                "`alias/aws/` names an AWS managed key, whose key policy you cannot change: use a customer managed key",
            );
        }
        Ok(KmsKeyAlias(value.to_owned()))
    }

    /// The alias name, `alias/<name>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    KmsKeyAlias,
    field = "kms_key_alias",
    schema = json_schema!({
        "title": "KMS alias name",
        "type": "string",
        "description": "A KMS alias name, `alias/<name>` (not `alias/aws/...`).",
        "pattern": "^alias/[A-Za-z0-9/_-]{1,250}$",
        "examples": ["alias/mail-inbound"]
    })
);

/// The ARN of an SNS topic: `arn:<partition>:sns:<region>:<account>:<topic name>`, the name 1
/// to 256 letters, digits, `-` or `_` (a FIFO topic's name ends in `.fifo`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SnsTopicArn {
    arn: String,
    partition: Partition,
    region: Region,
    account: AccountId,
}

impl SnsTopicArn {
    /// Parses a topic ARN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str =
            "expected an SNS topic ARN `arn:aws:sns:<region>:<account id>:<topic name>`";
        reject_widening(Self::FIELD, value)?;
        let (partition, region, account, name) = split_arn(Self::FIELD, value, "sns", RULE)?;
        let base = name.strip_suffix(".fifo").unwrap_or(name);
        let ok = (1..=256).contains(&name.len())
            && !base.is_empty()
            && base
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "a topic name has 1 to 256 letters, digits, `-` or `_` (and `.fifo` at the end of a FIFO topic)",
            ));
        }
        Ok(SnsTopicArn {
            arn: value.to_owned(),
            partition,
            region,
            account,
        })
    }
}

regional_arn_accessors!(SnsTopicArn, "topic");

string_newtype!(
    SnsTopicArn,
    field = "topic_arn",
    schema = json_schema!({
        "title": "SNS topic ARN",
        "type": "string",
        "description": "The ARN of an SNS topic.",
        "pattern": "^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?$",
        "examples": ["arn:aws:sns:us-east-1:111122223333:inbound-mail"]
    })
);

/// The ARN of a Lambda function, `arn:<partition>:lambda:<region>:<account>:function:<name>`,
/// optionally qualified with a version or alias (`:<qualifier>`). The policy names exactly
/// this ARN: a qualified ARN allows that version or alias only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LambdaFunctionArn {
    arn: String,
    partition: Partition,
    region: Region,
    account: AccountId,
}

impl LambdaFunctionArn {
    /// Parses a function ARN.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        // The ARN's own rule first: what it lets through has none of the characters the
        // widening check refuses (`$` only in `$LATEST`), so that check runs only to explain a
        // refusal, as it comes first in the rule.
        Self::parse(value).or_else(|e| {
            reject_widening(Self::FIELD, value)?;
            Err(e)
        })
    }

    /// [`new`](Self::new) without the widening check.
    fn parse(value: &str) -> Result<Self, InvalidValue> {
        const RULE: &str =
            "expected a Lambda function ARN `arn:aws:lambda:<region>:<account id>:function:<name>`";
        let (partition, region, account, rest) = split_arn(Self::FIELD, value, "lambda", RULE)?;
        let Some(rest) = rest.strip_prefix("function:") else {
            return Err(InvalidValue::new(Self::FIELD, value, RULE));
        };
        // The qualifier's colon, looked for byte by byte: names are short.
        let (name, qualifier) = match rest.bytes().position(|b| b == b':') {
            Some(at) => (rest.get(..at).unwrap_or(""), rest.get(at + 1..)),
            None => (rest, None),
        };
        let name_ok = (1..=64).contains(&name.len())
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !name_ok {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "a function name has 1 to 64 letters, digits, `-` or `_`",
            ));
        }
        if let Some(q) = qualifier {
            let q_ok = q == "$LATEST"
                || ((1..=128).contains(&q.len())
                    && q.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
            if !q_ok {
                return Err(InvalidValue::new(
                    Self::FIELD,
                    value,
                    "a qualifier is a version number, `$LATEST` or an alias name (letters, digits, `-` or `_`)",
                ));
            }
        }
        Ok(LambdaFunctionArn {
            arn: value.to_owned(),
            partition,
            region,
            account,
        })
    }
}

regional_arn_accessors!(LambdaFunctionArn, "function");

string_newtype!(
    LambdaFunctionArn,
    field = "function_arn",
    schema = json_schema!({
        "title": "Lambda function ARN",
        "type": "string",
        "description": "The ARN of a Lambda function, optionally with a version or alias.",
        "pattern": "^arn:aws(-cn|-us-gov)?:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$",
        "examples": ["arn:aws:lambda:us-east-1:111122223333:function:classify-mail"]
    })
);

/// Checks an Amazon Q Business id: exactly 36 lowercase letters, digits or hyphens (the
/// Mail Manager API's pattern for both ids).
fn check_qbusiness_id(field: &'static str, value: &str) -> Result<(), InvalidValue> {
    let ok = value.len() == 36
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(refusal(
            field,
            value,
            "expected exactly 36 lowercase letters, digits or hyphens (the id shown in the Amazon Q Business console)",
        ))
    }
}

/// The id of an Amazon Q Business application (36 lowercase letters, digits or hyphens).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QBusinessApplicationId(String);

impl QBusinessApplicationId {
    /// Parses the id.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        check_qbusiness_id(Self::FIELD, value)?;
        Ok(QBusinessApplicationId(value.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    QBusinessApplicationId,
    field = "application_id",
    schema = json_schema!({
        "title": "Q Business application id",
        "type": "string",
        "description": "The id of an Amazon Q Business application.",
        "pattern": "^[a-z0-9-]{36}$",
        "examples": ["a1b2c3d4-5678-90ab-cdef-111122223333"]
    })
);

/// The id of an Amazon Q Business index (36 lowercase letters, digits or hyphens).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QBusinessIndexId(String);

impl QBusinessIndexId {
    /// Parses the id.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        check_qbusiness_id(Self::FIELD, value)?;
        Ok(QBusinessIndexId(value.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    QBusinessIndexId,
    field = "index_id",
    schema = json_schema!({
        "title": "Q Business index id",
        "type": "string",
        "description": "The id of an index of an Amazon Q Business application.",
        "pattern": "^[a-z0-9-]{36}$",
        "examples": ["b2c3d4e5-6789-01ab-cdef-111122223333"]
    })
);

/// The name of an SES configuration set: 1 to 64 letters, digits, `_` or `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConfigurationSetName(ShortString);

impl ConfigurationSetName {
    /// Parses the name.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        /// Letters, digits, `_` and `-`.
        const NAME: [bool; 256] = {
            let mut table = [false; 256];
            let mut b = 0;
            while b < 256 {
                table[b] = matches!(b as u8, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-');
                b += 1;
            }
            table
        };
        let ok = (1..=64).contains(&value.len()) && all_bytes_in(&NAME, value.as_bytes());
        if !ok {
            return Err(refusal(
                Self::FIELD,
                value,
                "a configuration set name has 1 to 64 letters, digits, `_` or `-`",
            ));
        }
        Ok(ConfigurationSetName(ShortString::new(value)))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

string_newtype!(
    ConfigurationSetName,
    field = "configuration_set",
    schema = json_schema!({
        "title": "SES configuration set name",
        "type": "string",
        "description": "The name of an SES configuration set.",
        "pattern": "^[A-Za-z0-9_-]{1,64}$",
        "examples": ["outbound-tracking"]
    })
);

/// An Amazon WorkMail organization id: `m-` and 32 lowercase hexadecimal digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkMailOrganizationId(String);

impl WorkMailOrganizationId {
    /// Parses the id.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        let ok = value.strip_prefix("m-").is_some_and(|hex| {
            hex.len() == 32
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
        if !ok {
            return Err(refusal(
                Self::FIELD,
                value,
                "expected `m-` followed by 32 lowercase hexadecimal digits (the organization id shown in the WorkMail console)",
            ));
        }
        Ok(WorkMailOrganizationId(value.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    WorkMailOrganizationId,
    field = "workmail_organization_id",
    schema = json_schema!({
        "title": "WorkMail organization id",
        "type": "string",
        "description": "An Amazon WorkMail organization id: `m-` followed by 32 lowercase hexadecimal digits (the organization id shown in the WorkMail console).",
        "pattern": "^m-[0-9a-f]{32}$",
        "examples": ["m-0123456789abcdef0123456789abcdef"]
    })
);

#[cfg(test)]
mod tests {
    use super::*;

    fn check_bad<T: std::fmt::Debug>(
        parse: impl Fn(&str) -> Result<T, InvalidValue>,
        field: &str,
        cases: &[(&str, &str)],
    ) {
        for (bad, why) in cases {
            let e = parse(bad).unwrap_err();
            assert_eq!(e.field, field, "{bad}");
            assert!(e.rule.contains(why), "{bad}: {e}");
            assert!(e.to_string().contains(&format!("`{field}`")), "{e}");
        }
    }

    #[test]
    fn key_aliases() {
        for good in ["alias/mail", "alias/team/mail_in-1"] {
            assert_eq!(KmsKeyAlias::new(good).unwrap().as_str(), good);
        }
        check_bad(
            KmsKeyAlias::new,
            "kms_key_alias",
            &[
                ("mail", "alias/<name>"),
                ("alias/", "1 to 250"),
                ("alias/aws/s3", "AWS managed key"),
                ("alias/a.b", "letters, digits"),
                ("alias/*", "wildcards"),
                (
                    "arn:aws:kms:us-east-1:111122223333:alias/mail",
                    "not its ARN",
                ),
            ],
        );
        assert_eq!(
            KmsKeyAlias::new("alias/aws/s3").unwrap_err().to_string(),
            "invalid `kms_key_alias` `alias/aws/s3`: `alias/aws/` names an AWS managed key, whose key policy you cannot change: use a customer managed key"
        );
    }

    #[test]
    fn topic_arns() {
        let t = SnsTopicArn::new("arn:aws:sns:eu-west-1:111122223333:inbound_mail-1").unwrap();
        assert_eq!(t.region().as_str(), "eu-west-1");
        assert_eq!(t.account().as_str(), "111122223333");
        assert!(SnsTopicArn::new("arn:aws:sns:us-east-1:111122223333:orders.fifo").is_ok());
        check_bad(
            SnsTopicArn::new,
            "topic_arn",
            &[
                ("arn:aws:sns:us-east-1:111122223333:*", "wildcards"),
                ("arn:aws:sns:us-east-1:111122223333:a.b", "topic name"),
                ("arn:aws:sns:us-east-1:111122223333:", "topic name"),
                ("arn:aws:sns:us-east-1:111122223333:.fifo", "topic name"),
                ("arn:aws:sqs:us-east-1:111122223333:q", "SNS topic ARN"),
                ("arn:aws:sns:mars-1:111122223333:t", "region"),
                ("arn:aws-cn:sns:us-east-1:111122223333:t", "partition"),
                ("arn:aws:sns:us-east-1:1111:t", "12 digits"),
                ("inbound-mail", "SNS topic ARN"),
            ],
        );
    }

    #[test]
    fn function_arns() {
        for good in [
            "arn:aws:lambda:us-east-1:111122223333:function:classify-mail",
            "arn:aws:lambda:us-east-1:111122223333:function:classify_mail:3",
            "arn:aws:lambda:us-east-1:111122223333:function:classify:live",
            "arn:aws:lambda:us-east-1:111122223333:function:classify:$LATEST",
        ] {
            assert_eq!(LambdaFunctionArn::new(good).unwrap().as_str(), good);
        }
        check_bad(
            LambdaFunctionArn::new,
            "function_arn",
            &[
                (
                    "arn:aws:lambda:us-east-1:111122223333:function:*",
                    "wildcards",
                ),
                (
                    "arn:aws:lambda:us-east-1:111122223333:function:a.b",
                    "function name",
                ),
                (
                    "arn:aws:lambda:us-east-1:111122223333:function:a:b:c",
                    "qualifier",
                ),
                (
                    "arn:aws:lambda:us-east-1:111122223333:layer:x",
                    "Lambda function ARN",
                ),
                (
                    "arn:aws:lambda:us-east-1:111122223333:function:",
                    "function name",
                ),
                ("classify-mail", "Lambda function ARN"),
            ],
        );
    }

    #[test]
    fn function_arns_are_refused_as_if_the_widening_check_came_first() {
        let good = "arn:aws:lambda:us-east-1:111122223333:function:classify:$LATEST";
        let widening_first = |v: &str| {
            reject_widening(LambdaFunctionArn::FIELD, v).and_then(|()| LambdaFunctionArn::parse(v))
        };
        let mut tried = 0;
        for at in 0..=good.len() {
            for c in [
                "*", "?", "$", "${", "\"", "'", "\\", " ", "\n", "é", ":", "-", "a", "{", "",
            ] {
                for cut in [0, 1] {
                    let (head, tail) = good.split_at(at);
                    let tail = tail.get(cut..).unwrap_or("");
                    let value = format!("{head}{c}{tail}");
                    let (new, old) = (LambdaFunctionArn::new(&value), widening_first(&value));
                    match (new, old) {
                        (Ok(a), Ok(b)) => assert_eq!(a.as_str(), b.as_str()),
                        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string(), "{value}"),
                        (a, b) => assert_eq!(format!("{a:?}"), format!("{b:?}"), "{value}"),
                    }
                    tried += 1;
                }
            }
        }
        assert_eq!(tried, (good.len() + 1) * 15 * 2);
    }

    #[test]
    fn qbusiness_ids() {
        let id = "a1b2c3d4-5678-90ab-cdef-111122223333";
        assert_eq!(QBusinessApplicationId::new(id).unwrap().as_str(), id);
        assert_eq!(QBusinessIndexId::new(id).unwrap().as_str(), id);
        let cases = [
            ("a1b2c3d4", "exactly 36"),
            ("A1B2C3D4-5678-90AB-CDEF-111122223333", "exactly 36"),
            ("a1b2c3d4-5678-90ab-cdef-11112222333*", "wildcards"),
        ];
        check_bad(QBusinessApplicationId::new, "application_id", &cases);
        check_bad(QBusinessIndexId::new, "index_id", &cases);
    }

    #[test]
    fn configuration_sets() {
        assert!(ConfigurationSetName::new("outbound_tracking-1").is_ok());
        check_bad(
            ConfigurationSetName::new,
            "configuration_set",
            &[
                ("a.b", "1 to 64"),
                (&"a".repeat(65), "1 to 64"),
                ("a/b", "1 to 64"),
                ("*", "wildcards"),
            ],
        );
    }

    #[test]
    fn configuration_set_names_take_letters_digits_underscore_and_hyphen_only() {
        for b in 0..=u8::MAX {
            // Each byte among the first eight of a name (checked together) and after them.
            for (len, at) in [(10, 3), (10, 9), (3, 1)] {
                let mut name = vec![b'a'; len];
                name[at] = b;
                let Ok(name) = String::from_utf8(name) else {
                    continue;
                };
                let expected = b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
                assert_eq!(
                    ConfigurationSetName::new(&name).is_ok(),
                    expected,
                    "byte {b:#04x} in {name:?}"
                );
            }
        }
        let many = "a".repeat(64);
        assert!(ConfigurationSetName::new(&many).is_ok());
    }

    #[test]
    fn workmail_organization_ids() {
        assert!(WorkMailOrganizationId::new("m-0123456789abcdef0123456789abcdef").is_ok());
        for bad in [
            "m-0123456789abcdef0123456789abcde",
            "m-0123456789ABCDEF0123456789abcdef",
            "MyWorkMailOrganizationID>",
            "m-0123456789abcdef0123456789abcdeg",
        ] {
            assert!(WorkMailOrganizationId::new(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_variables_are_refused() {
        assert!(
            LambdaFunctionArn::new(
                "arn:aws:lambda:us-east-1:111122223333:function:f:${aws:username}"
            )
            .is_err()
        );
        assert!(KmsKeyAlias::new("alias/${x}").is_err());
        assert!(
            LambdaFunctionArn::new("arn:aws:lambda:us-east-1:111122223333:function:f:$LATEST")
                .is_ok()
        );
    }
}
