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
//! Features (all on by default): `ingress`, `smtp-relay`, `archiving`, `rule-actions`,
//! `operators`.

pub use mmpolicy_core::*;

/// Names each feature crate once: the line yields the public module (which also keeps the
/// crate linked: Rust links only the crates that code names, and an unnamed feature crate's
/// registrations would silently vanish from the registry) and the entry in [`FEATURES`].
macro_rules! features {
    ($($feature:literal => $krate:ident as $module:ident,)*) => {
        $(
            #[cfg(feature = $feature)]
            pub use $krate as $module;
        )*

        /// The features compiled into this build, in the order the registry lists them.
        pub const FEATURES: &[&str] = &[$(#[cfg(feature = $feature)] $feature,)*];
    };
}

// In the order the registry lists them (by name).
features! {
    "archiving" => mmpolicy_archiving as archiving,
    "ingress" => mmpolicy_ingress as ingress,
    "operators" => mmpolicy_operators as operators,
    "rule-actions" => mmpolicy_rule_actions as rule_actions,
    "smtp-relay" => mmpolicy_smtp_relay as smtp_relay,
}
