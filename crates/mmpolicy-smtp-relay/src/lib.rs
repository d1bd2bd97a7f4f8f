//! mmpolicy feature crate: the two policies a Mail Manager **SMTP relay** needs when the
//! credentials for the downstream SMTP server live in a Secrets Manager secret encrypted with a
//! customer managed KMS key.
//!
//! - `smtp-relay.secret-policy`: the secret's resource policy, letting SES read the secret;
//! - `smtp-relay.key-policy`: the key-policy statement letting SES decrypt it through Secrets
//!   Manager.
//!
//! Both use one account id and one region (AWS's page mixes two accounts in this pair), are
//! scoped to the one relay given (or, asked with `*`, to every one), and carry `aws:SourceAccount` and `aws:SourceArn`.

mod key_policy;
mod params;
mod secret_policy;
mod section;

pub use key_policy::KeyPolicy;
pub use params::RelayParams;
pub use secret_policy::SecretPolicy;
pub use section::*;

use mmpolicy_core::{register_provider, register_section};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "smtp-relay";

register_provider!(SecretPolicy);
register_provider!(KeyPolicy);
register_section!(RelaySection);
