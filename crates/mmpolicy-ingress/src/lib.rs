//! mmpolicy feature crate: the two policies an authenticated Mail Manager **ingress endpoint**
//! needs when its SMTP credentials live in a Secrets Manager secret encrypted with a customer
//! managed KMS key.
//!
//! - `ingress.secret-policy`: the secret's resource policy, letting SES read the secret;
//! - `ingress.key-policy`: the key-policy statement letting SES decrypt it through Secrets
//!   Manager.
//!
//! Both are scoped to the one ingress point given (or, asked with `*`, to every one), and carry the confused-deputy
//! conditions `aws:SourceAccount` and `aws:SourceArn`.

mod key_policy;
mod params;
mod secret_policy;
mod section;

pub use key_policy::KeyPolicy;
pub use params::IngressParams;
pub use secret_policy::SecretPolicy;
pub use section::*;

use mmpolicy_core::{register_provider, register_section};

/// The feature name of this crate's providers.
pub const FEATURE: &str = "ingress";

register_provider!(SecretPolicy);
register_provider!(KeyPolicy);
register_section!(IngressSection);
