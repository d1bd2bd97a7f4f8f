//! The example values every provider's example parameters share, so that the examples of one
//! deployment fit together (one account, one region).
//!
//! The literals are valid by construction; `tests::examples_parse` proves it.
#![allow(
    clippy::expect_used,
    reason = "literal example values, each checked by a unit test"
)]

use super::*;

/// `111122223333`, AWS's documentation account.
pub fn account_id() -> AccountId {
    AccountId::new("111122223333").expect("valid example account id")
}

/// `us-east-1`.
pub fn region() -> Region {
    Region::new("us-east-1").expect("valid example region")
}

/// Parses an example literal of any parameter type.
pub fn parse<T: std::str::FromStr<Err = crate::InvalidValue>>(literal: &str) -> T {
    literal.parse().expect("valid example literal")
}

#[cfg(test)]
mod tests {
    #[test]
    fn examples_parse() {
        assert_eq!(super::account_id().as_str(), "111122223333");
        assert_eq!(super::region().as_str(), "us-east-1");
    }
}
