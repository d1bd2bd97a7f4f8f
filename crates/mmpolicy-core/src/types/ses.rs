//! SES identities: a domain or an email address.

use super::reject_widening;
use crate::InvalidValue;
use crate::string_newtype;
use schemars::json_schema;

/// A verified SES identity: a domain (`example.com`) or an email address
/// (`sender@example.com`), as it appears in `arn:...:identity/<identity>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SesIdentity(String);

/// Checks a DNS domain name: at least two labels of letters, digits and hyphens, 1 to 63 long,
/// not starting or ending with a hyphen, 253 characters in all.
pub(crate) fn is_domain(value: &str) -> bool {
    value.len() <= 253
        && value.split('.').count() >= 2
        && value.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

impl SesIdentity {
    /// Parses a domain or an email address.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        reject_widening(Self::FIELD, value)?;
        let ok = match value.split_once('@') {
            None => is_domain(value),
            Some((local, domain)) => {
                (1..=64).contains(&local.len())
                    && local
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&+-=^_{|}~.".contains(&b))
                    && !local.starts_with('.')
                    && !local.ends_with('.')
                    && !local.contains("..")
                    && is_domain(domain)
            }
        };
        if !ok {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "expected a domain (`example.com`) or an email address (`sender@example.com`) verified in SES",
            ));
        }
        Ok(SesIdentity(value.to_owned()))
    }

    /// The identity.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for an email address, false for a domain.
    pub fn is_email_address(&self) -> bool {
        self.0.contains('@')
    }
}

string_newtype!(
    SesIdentity,
    field = "sending_identity",
    schema = json_schema!({
        "title": "SES identity: domain or email address",
        "type": "string",
        "description": "An SES identity: a domain (`example.com`) or an email address (`sender@example.com`) verified in SES.",
        "pattern": "^(?!.*\\.\\.)(?!\\.)(?!.*\\.@)(?=([^@]*@)?.{1,253}$)([A-Za-z0-9!#$%&+=^_{|}~.-]{1,64}@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$",
        "examples": ["example.com", "notifications@example.com"]
    })
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_and_addresses() {
        for good in [
            "example.com",
            "mail.example.co.uk",
            "a-b.example",
            "x@example.com",
            "first.last+tag@example.com",
        ] {
            assert!(SesIdentity::new(good).is_ok(), "{good}");
        }
        assert!(
            SesIdentity::new("x@example.com")
                .unwrap()
                .is_email_address()
        );
    }

    #[test]
    fn refuses_what_is_neither() {
        for bad in [
            "example",
            "-a.com",
            "a-.com",
            "a..com",
            "@example.com",
            "x@",
            "a@b@c.com",
            "*.example.com",
            "x'y@example.com",
            "x/y.com",
            ".x@example.com",
            "bücher.de",
        ] {
            assert!(SesIdentity::new(bad).is_err(), "{bad}");
        }
    }
}
