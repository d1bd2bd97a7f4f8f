//! The core of mmpolicy: the IAM policy model, the validated parameter types, the
//! [`PolicyProvider`] trait and the provider registry, and the [`Section`] trait through which
//! a feature contributes a table to the deployment file (read by `mmpolicy-bundle`).
//!
//! Feature crates (`mmpolicy-ingress`, `mmpolicy-smtp-relay`, ...) depend on this crate and
//! register providers; tools depend on the `mmpolicy` facade, which links the features and
//! re-exports this API.

pub mod arns;
mod compact;
pub mod docs;
pub mod error;
pub mod json;
mod keymap;
pub mod model;
pub mod provider;
pub mod registry;
pub mod requests;
pub mod section;
pub mod target;
mod text;
pub mod types;

pub use docs::{ParamDoc, join_description_lines, param_docs, published_schema, schema_id};
pub use error::{InvalidParams, InvalidValue, RenderError, UnknownProvider};
pub use model::{
    Actions, Condition, ConditionValue, Effect, KeyMap, OneOrMany, PolicyDocument, Principal,
    PrincipalMap, Shape, Statement, Text, Version,
};
pub use provider::{PolicyKind, PolicyProvider, PolicySize, Provider};
pub use registry::{DuplicateId, ProviderEntry, Registry, registry};
pub use requests::{Expect, ExpectedRequest, RequestPrincipal};
pub use section::{DeploymentSection, PlannedPolicy, Section, sections};
pub use target::{Attach, RoleRef, Target};

/// Re-exports used by [`register_provider!`]; not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use inventory;
    pub use schemars;
    pub use serde;
}
