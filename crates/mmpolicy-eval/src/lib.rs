//! Evaluates AWS IAM policies against a request, as AWS documents it: is the request
//! [`Decision::Allowed`], [`Decision::ExplicitlyDenied`] or [`Decision::ImplicitlyDenied`],
//! which statements decided it, and why each other statement did not apply.
//!
//! ```
//! use mmpolicy_eval::{Context, Decision, Policy, PolicySet, Principal, Request,
//!     ResourcePolicyKind, evaluate};
//!
//! let secret_policy = Policy::parse(r#"{"Version": "2012-10-17", "Statement": [{
//!     "Sid": "AllowMailManager", "Effect": "Allow",
//!     "Principal": {"Service": "ses.amazonaws.com"},
//!     "Action": "secretsmanager:GetSecretValue", "Resource": "*",
//!     "Condition": {
//!         "StringEquals": {"aws:SourceAccount": "111122223333"},
//!         "ArnLike": {"aws:SourceArn": "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1"}}}]}"#)?;
//! let policies = PolicySet::new().with_resource("secret", ResourcePolicyKind::Secret, secret_policy);
//! let request = Request::new(
//!     Principal::parse("ses.amazonaws.com")?,
//!     "secretsmanager:GetSecretValue",
//!     "arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf",
//! )
//! .with_context(Context::new()
//!     .with_str("aws:SourceAccount", "111122223333")
//!     .with_str("aws:SourceArn", "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1"));
//! let evaluation = mmpolicy_eval::evaluate(&policies, &request)?;
//! assert_eq!(evaluation.decision, Decision::Allowed);
//! assert_eq!(evaluation.deciding[0].sid.as_deref(), Some("AllowMailManager"));
//! # Ok::<(), mmpolicy_eval::EvalError>(())
//! ```
//!
//! What it covers: `Statement` as an object or a list; `Action`/`NotAction`,
//! `Resource`/`NotResource` (ARNs matched part by part, wildcards `*` and `?`, actions ignoring
//! case); `Principal`/`NotPrincipal` (`*`, `AWS` account ids, root, user and role ARNs, a role
//! ARN naming its sessions, `Service`; `Federated` and `CanonicalUser` entries are read but
//! never name the principals this crate evaluates); every condition operator, `...IfExists`,
//! `ForAnyValue:`/`ForAllValues:` and `Null` (see the `condition` module for the rules and
//! their sources); policy variables with defaults and the `${*}`, `${?}`, `${$}` escapes;
//! same-account and cross-account requests, service principals, and the key-policy rule of
//! KMS (see [`evaluate`]). Not covered: service control policies, resource control policies,
//! permission boundaries, session policies, and values the request context gets from AWS
//! itself (the caller gives every context key).
//!
//! # Why not an existing evaluator
//!
//! `iam-rs` (0.8.0, crates.io) was read against this crate's test table. Its conditions are
//! careful (negated operators on missing keys, set operators, defaults in variables), but it
//! evaluates one flat list of policies: it has no identity/resource distinction, so neither
//! the cross-account rule (both must allow) nor a resource policy that names the account
//! rather than the principal, nor the KMS key-policy rule, nor "a service principal has no
//! identity policy" can be expressed; it has no `${*}`/`${?}`/`${$}` escapes, reports a
//! statement's reason as free text without the failing condition, and its errors read as
//! sentences with capitals. Wrapping it would leave the decision logic to write here anyway,
//! and two condition engines to keep in line, so the evaluator is written here; the
//! differential test (`tests/oracle.rs`) checks it against `@cloud-copilot/iam-simulate`
//! instead.

mod condition;
mod context;
mod error;
mod evaluate;
mod pattern;
mod policy;
mod principal;
pub mod required;
mod values;

pub use context::{Context, ContextValue, ValueType, key_type};
pub use error::EvalError;
pub use evaluate::{
    Decision, Evaluation, NotApplied, PolicySet, Request, ResourcePolicy, ResourcePolicyKind,
    StatementRef, evaluate,
};
pub use policy::{Effect, Policy};
pub use principal::Principal;
