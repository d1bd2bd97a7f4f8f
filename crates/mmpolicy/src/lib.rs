//! **mmpolicy**: the AWS permission policies that Amazon SES Mail Manager needs, rendered from
//! your real values, validated and least-privilege.
//!
//! This facade is the stable API for tools that embed mmpolicy. It re-exports the core (policy
//! model, parameter types, [`PolicyProvider`], [`registry()`]) and links one feature crate per
//! enabled cargo feature, so that their providers appear in the registry:
//!
//! ```
//! let provider = mmpolicy::registry().get("ingress.secret-policy")?;
//! let params = provider.example_params();
//! let policy = provider.render_value(&params)?;
//! assert_eq!(policy.statements().len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Features (all on by default): `ingress`, `smtp-relay`, `archiving`, `rule-actions`.

pub use mmpolicy_core::*;

// Rust links only the crates that code names; an unnamed feature crate's registrations would
// silently vanish from the registry. Naming each one here (as a public module) keeps it linked.
#[cfg(feature = "ingress")]
pub use mmpolicy_ingress as ingress;
#[cfg(feature = "smtp-relay")]
pub use mmpolicy_smtp_relay as smtp_relay;

#[cfg(feature = "archiving")]
pub use mmpolicy_archiving as archiving;
#[cfg(feature = "rule-actions")]
pub use mmpolicy_rule_actions as rule_actions;

/// The features compiled into this build, in the order the registry lists them.
pub const FEATURES: &[&str] = &[
    #[cfg(feature = "archiving")]
    "archiving",
    #[cfg(feature = "ingress")]
    "ingress",
    #[cfg(feature = "rule-actions")]
    "rule-actions",
    #[cfg(feature = "smtp-relay")]
    "smtp-relay",
];
