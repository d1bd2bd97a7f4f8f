//! SES identities: a domain or an email address.

use super::{ShortString, reject_widening};
use crate::InvalidValue;
use crate::string_newtype;
use schemars::json_schema;

/// A verified SES identity: a domain (`example.com`) or an email address
/// (`sender@example.com`), as it appears in `arn:...:identity/<identity>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SesIdentity(ShortString);

/// Checks a DNS domain name: at least two labels of letters, digits and hyphens, 1 to 63 long,
/// not starting or ending with a hyphen, 253 characters in all.
pub(crate) fn is_domain(value: &str) -> bool {
    if value.len() > 253 {
        return false;
    }
    // One pass over the bytes: the labels seen, and the length and last byte of the current one.
    let (mut labels, mut len, mut last) = (1, 0, b'.');
    for &b in value.as_bytes() {
        if b == b'.' {
            if !(1..=63).contains(&len) || last == b'-' {
                return false;
            }
            labels += 1;
            len = 0;
        } else if b.is_ascii_alphanumeric() || (b == b'-' && len > 0) {
            len += 1;
        } else {
            return false;
        }
        last = b;
    }
    labels >= 2 && (1..=63).contains(&len) && last != b'-'
}

impl SesIdentity {
    /// Parses a domain or an email address.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        // The identity's own rule first: its characters exclude everything the widening check
        // refuses but `${`, so a valid identity without a `$` needs no second scan; any other
        // value gets the widening check's explanation first, as the rule is ordered.
        // A domain (the usual identity) in one pass: a valid domain has no `@`. Otherwise the
        // first `@`, looked for byte by byte: identities are short.
        let (ok, local) = if is_domain(value) {
            (true, "")
        } else if let Some(at) = value.bytes().position(|b| b == b'@') {
            let (local, domain) = (value.get(..at).unwrap_or(""), value.get(at + 1..));
            let ok = (1..=64).contains(&local.len())
                && local
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&+-=^_{|}~.".contains(&b))
                && !local.starts_with('.')
                && !local.ends_with('.')
                && !local.as_bytes().windows(2).any(|w| w == b"..")
                && domain.is_some_and(is_domain);
            (ok, local)
        } else {
            (false, "")
        };
        // A valid domain has no `$`; only a local part can hold one.
        if !ok || local.bytes().any(|b| b == b'$') {
            reject_widening(Self::FIELD, value)?;
        }
        if !ok {
            return Err(InvalidValue::new(
                Self::FIELD,
                value,
                "expected a domain (`example.com`) or an email address (`sender@example.com`) verified in SES",
            ));
        }
        Ok(SesIdentity(ShortString::new(value)))
    }

    /// The identity.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
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
    fn domains_are_checked_in_one_pass_as_label_by_label() {
        // The rule label by label, as the documentation states it.
        fn by_labels(value: &str) -> bool {
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
        let long = "a".repeat(63);
        let mut values: Vec<String> = [
            "", ".", "a", "a.", ".a", "a.b", "a..b", "-a.b", "a-.b", "a.-b", "a.b-", "a-b.c-d",
            "a_b.c", "a.b.c.d", "é.com", "a.b ", "1.2",
        ]
        .map(str::to_owned)
        .to_vec();
        values.push(format!("{long}.com"));
        values.push(format!("{long}a.com"));
        values.push(format!("com.{long}a"));
        values.push(format!("{long}.{long}.{long}.{}", "a".repeat(61)));
        values.push(format!("{long}.{long}.{long}.{}", "a".repeat(62)));
        // Labels at the start, the end and the middle of names of 60 to 67 bytes.
        for n in 60..=67 {
            let a = |k: usize| "a".repeat(n - k);
            values.extend([
                format!("{}.b", a(2)),
                format!("b.{}", a(2)),
                format!("{}-.b", a(3)),
                format!("b.-{}", a(3)),
                format!("{}.", a(1)),
                format!(".{}", a(1)),
                format!("{}..b", a(3)),
                format!("{}.b-", a(3)),
                format!("{}-b.c", a(4)),
                a(0),
                format!("{}_.b", a(3)),
            ]);
        }
        for v in &values {
            assert_eq!(is_domain(v), by_labels(v), "{v:?}");
        }
        // Every name of up to seven bytes from letters, digits, `-`, `.` and `_`.
        let alphabet = [b'a', b'7', b'-', b'.', b'_'];
        let mut names = vec![Vec::new()];
        let mut checked = 0;
        for _ in 0..7 {
            names = names
                .iter()
                .flat_map(|name| {
                    alphabet.iter().map(move |b| {
                        let mut longer = name.clone();
                        longer.push(*b);
                        longer
                    })
                })
                .collect();
            for name in &names {
                let v = std::str::from_utf8(name).unwrap();
                assert_eq!(is_domain(v), by_labels(v), "{v:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, (1..=7).map(|n| 5usize.pow(n)).sum::<usize>());
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
