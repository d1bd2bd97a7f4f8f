//! AWS account ids.

use super::refusal;
use crate::InvalidValue;
use crate::string_newtype;
use arrayvec::ArrayString;
use schemars::json_schema;

/// An AWS account id: exactly twelve digits, leading zeros kept (`012345678901`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountId(ArrayString<12>);

impl AccountId {
    /// Parses an account id.
    pub fn new(value: &str) -> Result<Self, InvalidValue> {
        let digits = (value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| ArrayString::from(value).ok())
            .flatten();
        digits.map(AccountId).ok_or_else(|| {
            refusal(
                Self::FIELD,
                value,
                "expected exactly 12 digits (write it as a string to keep leading zeros)",
            )
        })
    }

    /// The twelve digits.
    #[inline]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype!(
    AccountId,
    field = "account_id",
    schema = json_schema!({
        "title": "account id: 12 digits",
        "type": "string",
        "description": "An AWS account id: exactly 12 digits (write it as a string to keep leading zeros).",
        "pattern": "^[0-9]{12}$",
        "examples": ["111122223333"]
    })
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_twelve_digits() {
        assert_eq!(
            AccountId::new("012345678901").unwrap().as_str(),
            "012345678901"
        );
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "12345",
            "1234567890123",
            "12345678901a",
            "*",
            "１２３４５６７８９０１２",
            " 123456789012",
        ] {
            let e = AccountId::new(bad).unwrap_err();
            assert_eq!(e.field, "account_id");
        }
        assert_eq!(
            AccountId::new("12345").unwrap_err().to_string(),
            "invalid `account_id` `12345`: expected exactly 12 digits (write it as a string to keep leading zeros)"
        );
    }

    #[test]
    fn deserialises_only_from_a_string() {
        assert!(serde_json::from_str::<AccountId>("\"111122223333\"").is_ok());
        assert!(serde_json::from_str::<AccountId>("111122223333").is_err());
    }
}
