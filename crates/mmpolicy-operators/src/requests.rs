//! The requests a provider's holder makes, and the near misses its policy must deny: data that
//! `check` (and this crate's tests, with `mmpolicy-eval`) evaluates against the rendered policy.
//!
//! Core has no such API yet; [`RequiredRequests`] is shaped so that it can become a method of
//! core's `Provider` trait unchanged (`fn required_requests(params) -> Result<Vec<..>, _>`).

use mmpolicy_core::{InvalidValue, Provider};

/// Whether a request must be allowed or denied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The holder needs it: the policy must allow it.
    Allow,
    /// A near miss: the policy must not allow it.
    Deny,
}

/// One request the holder of a policy makes (or must not be able to make).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedRequest {
    /// Who makes it, in words (`the deployer role`); the request is made by the principal the
    /// identity policy is attached to, in the policy's account.
    pub principal_hint: &'static str,
    /// The action, `service:Name`.
    pub action: &'static str,
    /// The resource's ARN, or `*` for actions that take none.
    pub resource: String,
    /// The request's condition keys and their values (several for a multi-valued key).
    pub context: Vec<(String, Vec<String>)>,
    /// Allowed or denied.
    pub expect: Expect,
    /// Why, in one line.
    pub why: &'static str,
}

impl ExpectedRequest {
    /// A request that must be allowed.
    pub fn allow(
        principal_hint: &'static str,
        action: &'static str,
        resource: impl Into<String>,
        why: &'static str,
    ) -> Self {
        ExpectedRequest {
            principal_hint,
            action,
            resource: resource.into(),
            context: Vec::new(),
            expect: Expect::Allow,
            why,
        }
    }

    /// A near miss that must be denied.
    pub fn deny(
        principal_hint: &'static str,
        action: &'static str,
        resource: impl Into<String>,
        why: &'static str,
    ) -> Self {
        ExpectedRequest {
            expect: Expect::Deny,
            ..ExpectedRequest::allow(principal_hint, action, resource, why)
        }
    }

    /// The same request with a condition key set to `values`.
    pub fn with(mut self, key: impl Into<String>, values: &[&str]) -> Self {
        self.context
            .push((key.into(), values.iter().map(|v| (*v).to_owned()).collect()));
        self
    }
}

/// A provider that declares the requests its holder makes and the near misses to deny.
pub trait RequiredRequests: Provider {
    /// The requests for `params`: every one the holder needs, then the near misses. Fails
    /// exactly when rendering `params` fails.
    fn required_requests(params: &Self::Params) -> Result<Vec<ExpectedRequest>, InvalidValue>;
}
