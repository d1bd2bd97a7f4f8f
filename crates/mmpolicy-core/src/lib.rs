//! The core of mmpolicy: the IAM policy model, the validated parameter types, the
//! [`PolicyProvider`] trait and the provider registry.
//!
//! Feature crates (`mmpolicy-ingress`, `mmpolicy-smtp-relay`, ...) depend on this crate and
//! register providers; tools depend on the `mmpolicy` facade, which links the features and
//! re-exports this API.

pub mod arns;
pub mod bundle;
mod compact;
pub mod error;
pub mod json;
mod keymap;
pub mod model;
pub mod provider;
pub mod registry;
mod text;
pub mod types;

pub use bundle::deployment_schema;
pub use error::{InvalidParams, InvalidValue, RenderError, UnknownProvider};
pub use model::{
    Condition, ConditionValue, Effect, KeyMap, OneOrMany, PolicyDocument, Principal, PrincipalMap,
    Statement, Text, Version,
};
pub use provider::{ParamDoc, PolicyKind, PolicyProvider, Provider, param_docs};
pub use provider::{join_description_lines, published_schema, schema_id};
pub use registry::{DuplicateId, ProviderEntry, Registry, registry};

/// Re-exports used by [`register_provider!`]; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
}
