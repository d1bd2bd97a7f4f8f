//! The decision: which statements apply to a request, and how identity and resource policies
//! combine.
//!
//! AWS, "Policy evaluation logic" and "Determining whether a request is allowed or denied
//! within an account"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>):
//! an explicit deny in any policy wins; otherwise, within one account, an allow in an identity
//! policy or in the resource policy is enough. A resource policy that names the account
//! (`arn:aws:iam::ACCOUNT:root` or the account id) rather than the principal delegates to the
//! account: the principal then also needs an identity policy that allows.
//!
//! AWS, "Cross-account policy evaluation logic"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html>):
//! when the principal's account is not the resource's, both the identity policy and the
//! resource policy must allow.
//!
//! AWS KMS, "Key policies in AWS KMS: default key policy, allows access to the AWS account and
//! enables IAM policies"
//! (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html>): "Unless
//! the key policy explicitly allows it, you cannot use IAM policies to allow access to a KMS
//! key." The key policy must allow the principal itself, or allow the account (which enables
//! identity policies); a role's trust policy likewise must allow `sts:AssumeRole` ("IAM roles:
//! terms and concepts", trust policy).
//!
//! A service principal (`ses.amazonaws.com`) has no identity policies: only the resource
//! policy applies.

use serde::Serialize;

use crate::condition::Failure;
use crate::pattern;
use crate::policy::{Effect, Names, Policy, Statement};
use crate::principal::PrincipalMatch;
use crate::{Context, EvalError, Principal};

/// What a request asks: who, which action, on which resource, in which context.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Who makes the request.
    pub principal: Principal,
    /// The action, `service:Name` (`secretsmanager:GetSecretValue`).
    pub action: String,
    /// The resource's ARN (`*` for actions that take no resource).
    pub resource: String,
    /// The account that owns the resource. `None` takes the account in the resource's ARN;
    /// for ARNs without one (S3 buckets) and `*`, the resource is taken to be in the
    /// principal's account.
    pub resource_account: Option<String>,
    /// The request's condition keys.
    pub context: Context,
}

impl Request {
    /// A request with an empty context and the resource's account read from its ARN.
    pub fn new(
        principal: Principal,
        action: impl Into<String>,
        resource: impl Into<String>,
    ) -> Self {
        Request {
            principal,
            action: action.into(),
            resource: resource.into(),
            resource_account: None,
            context: Context::new(),
        }
    }

    /// `self` with the resource's account set.
    pub fn with_resource_account(mut self, account: impl Into<String>) -> Self {
        self.resource_account = Some(account.into());
        self
    }

    /// `self` with this context.
    pub fn with_context(mut self, context: Context) -> Self {
        self.context = context;
        self
    }

    /// The resource's account: given, else the ARN's account field.
    fn resource_account(&self) -> Option<&str> {
        if let Some(a) = &self.resource_account {
            return Some(a);
        }
        let account = self.resource.split(':').nth(4)?;
        (!account.is_empty()).then_some(account)
    }
}

/// What kind of resource policy it is, which decides how it combines with identity policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ResourcePolicyKind {
    /// A KMS key policy: it must allow, the principal directly or its account (which lets
    /// identity policies count).
    Key,
    /// An IAM role's trust policy: like a key policy, it must allow.
    Trust,
    /// An S3 bucket policy.
    Bucket,
    /// A Secrets Manager secret's resource policy.
    Secret,
    /// Any other resource policy (SNS topic, SQS queue, Lambda function, ...).
    Other,
}

impl ResourcePolicyKind {
    /// Whether the policy must allow for the request to be allowed (identity policies count
    /// only through it).
    fn must_allow(self) -> bool {
        matches!(self, ResourcePolicyKind::Key | ResourcePolicyKind::Trust)
    }
}

/// A resource policy with its label and kind.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourcePolicy {
    /// The name under which its statements are reported.
    pub label: String,
    /// What kind of resource it guards.
    pub kind: ResourcePolicyKind,
    /// The policy.
    pub policy: Policy,
}

/// The policies that decide a request: the principal's identity policies and the resource's
/// policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicySet {
    /// The identity policies, each with the label under which its statements are reported.
    pub identity: Vec<(String, Policy)>,
    /// The resource's policy, if it has one.
    pub resource: Option<ResourcePolicy>,
}

impl PolicySet {
    /// An empty set: every request is implicitly denied.
    pub fn new() -> Self {
        PolicySet::default()
    }

    /// `self` with one more identity policy.
    pub fn with_identity(mut self, label: impl Into<String>, policy: Policy) -> Self {
        self.identity.push((label.into(), policy));
        self
    }

    /// `self` with the resource's policy.
    pub fn with_resource(
        mut self,
        label: impl Into<String>,
        kind: ResourcePolicyKind,
        policy: Policy,
    ) -> Self {
        self.resource = Some(ResourcePolicy {
            label: label.into(),
            kind,
            policy,
        });
        self
    }
}

/// The outcome of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Decision {
    /// A statement allows and none denies.
    Allowed,
    /// A statement denies.
    ExplicitlyDenied,
    /// Nothing denies, but nothing (or not enough) allows.
    ImplicitlyDenied,
}

/// A statement of a policy in the set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct StatementRef {
    /// The label of its policy.
    pub policy: String,
    /// Its 0-based index in the policy's `Statement` list.
    pub index: usize,
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
    /// Its effect.
    pub effect: Effect,
}

/// Why a statement did not decide the request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NotApplied {
    /// `Action` does not name the action (or `NotAction` does).
    ActionNotMatched,
    /// `Resource` does not name the resource (or `NotResource` does), or a policy variable in
    /// it has no value in the request.
    ResourceNotMatched,
    /// `Principal` does not name the principal (or `NotPrincipal` does).
    PrincipalNotMatched,
    /// A condition did not hold.
    ConditionFailed {
        /// The operator as written.
        operator: String,
        /// The condition key as written.
        key: String,
        /// Why, in words (`the request has \`222233334444\``).
        reason: String,
    },
    /// An identity policy, and the principal is a service, which has none.
    ServicePrincipal,
    /// The resource policy allows the principal's account, not the principal: an identity
    /// policy must allow too, and none does.
    NeedsIdentityAllow,
    /// The request is cross-account and the resource policy does not allow it.
    NeedsResourceAllow,
    /// An identity policy allows, but the key policy (or trust policy) neither allows the
    /// principal nor delegates to its account.
    NeedsResourcePolicyDelegation,
    /// The request is cross-account and no identity policy allows it.
    NeedsIdentityAllowCrossAccount,
    /// It allows, and another statement denies.
    OverriddenByDeny,
}

impl NotApplied {
    /// A stable code for the reason (`condition_failed`), for machine-readable output.
    pub fn code(&self) -> &'static str {
        match self {
            NotApplied::ActionNotMatched => "action_not_matched",
            NotApplied::ResourceNotMatched => "resource_not_matched",
            NotApplied::PrincipalNotMatched => "principal_not_matched",
            NotApplied::ConditionFailed { .. } => "condition_failed",
            NotApplied::ServicePrincipal => "service_principal",
            NotApplied::NeedsIdentityAllow => "needs_identity_allow",
            NotApplied::NeedsResourceAllow => "needs_resource_allow",
            NotApplied::NeedsResourcePolicyDelegation => "needs_resource_policy_delegation",
            NotApplied::NeedsIdentityAllowCrossAccount => "needs_identity_allow_cross_account",
            NotApplied::OverriddenByDeny => "overridden_by_deny",
        }
    }
}

impl std::fmt::Display for NotApplied {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotApplied::ActionNotMatched => f.write_str("the action did not match"),
            NotApplied::ResourceNotMatched => f.write_str("the resource did not match"),
            NotApplied::PrincipalNotMatched => f.write_str("the principal did not match"),
            NotApplied::ConditionFailed {
                operator,
                key,
                reason,
            } => write!(f, "condition `{operator}` on `{key}` failed: {reason}"),
            NotApplied::ServicePrincipal => {
                f.write_str("identity policies do not apply to a service principal")
            }
            NotApplied::NeedsIdentityAllow => f.write_str(
                "it allows the principal's account, so an identity policy must allow too, and none does",
            ),
            NotApplied::NeedsResourceAllow => f.write_str(
                "the request is cross-account, so the resource policy must allow too, and it does not",
            ),
            NotApplied::NeedsResourcePolicyDelegation => f.write_str(
                "the resource policy must allow the principal or its account for identity policies to count, and it does not",
            ),
            NotApplied::NeedsIdentityAllowCrossAccount => f.write_str(
                "the request is cross-account, so an identity policy must allow too, and none does",
            ),
            NotApplied::OverriddenByDeny => f.write_str("another statement denies"),
        }
    }
}

/// The decision on a request, with the statements that made it and why the others did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The outcome.
    pub decision: Decision,
    /// The statements that decided it: the denying ones, or the allowing ones that were
    /// enough; empty for an implicit deny.
    pub deciding: Vec<StatementRef>,
    /// Every other statement, with why it did not decide, in policy order (identity policies,
    /// then the resource policy).
    pub others: Vec<(StatementRef, NotApplied)>,
}

/// One statement in the serialised form.
#[derive(Serialize)]
struct StatementOut<'a> {
    #[serde(flatten)]
    statement: &'a StatementRef,
    deciding: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

impl Serialize for Evaluation {
    /// `{"decision": "Allowed", "statements": [{"policy", "index", "sid", "effect",
    /// "deciding", "reason", "message"}]}`: the deciding statements first.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let statements: Vec<StatementOut<'_>> = self
            .deciding
            .iter()
            .map(|s| StatementOut {
                statement: s,
                deciding: true,
                reason: None,
                message: None,
            })
            .chain(self.others.iter().map(|(s, why)| StatementOut {
                statement: s,
                deciding: false,
                reason: Some(why.code()),
                message: Some(why.to_string()),
            }))
            .collect();
        let mut out = serializer.serialize_struct("Evaluation", 2)?;
        out.serialize_field("decision", &self.decision)?;
        out.serialize_field("statements", &statements)?;
        out.end()
    }
}

/// How one statement relates to the request.
enum Outcome {
    /// It applies; for a resource policy, how its `Principal` names the principal.
    Applies(PrincipalMatch),
    /// It does not.
    No(NotApplied),
}

/// Decides `request` under `policies`.
///
/// Errors only on a policy that cannot be evaluated where it was put: a `Principal` in an
/// identity policy, a resource policy statement without one, or an identity policy statement
/// without `Resource`/`NotResource`.
pub fn evaluate(policies: &PolicySet, request: &Request) -> Result<Evaluation, EvalError> {
    let service = request.principal.is_service();
    let mut identity_allows = Vec::new();
    let mut denies = Vec::new();
    let mut others = Vec::new();

    for (label, policy) in &policies.identity {
        for (index, st) in policy.statements.iter().enumerate() {
            let r = reference(label, index, st);
            if service {
                others.push((r, NotApplied::ServicePrincipal));
                continue;
            }
            match check(st, request, label, index, false)? {
                Outcome::Applies(_) => match st.effect {
                    Effect::Allow => identity_allows.push(r),
                    Effect::Deny => denies.push(r),
                },
                Outcome::No(why) => others.push((r, why)),
            }
        }
    }

    let (mut direct, mut account) = (Vec::new(), Vec::new());
    if let Some(rp) = &policies.resource {
        for (index, st) in rp.policy.statements.iter().enumerate() {
            let r = reference(&rp.label, index, st);
            match check(st, request, &rp.label, index, true)? {
                Outcome::Applies(m) => match (st.effect, m) {
                    (Effect::Deny, _) => denies.push(r),
                    (Effect::Allow, PrincipalMatch::Direct) => direct.push(r),
                    (Effect::Allow, _) => account.push(r),
                },
                Outcome::No(why) => others.push((r, why)),
            }
        }
    }

    if !denies.is_empty() {
        let overridden = identity_allows.into_iter().chain(direct).chain(account);
        others.extend(overridden.map(|r| (r, NotApplied::OverriddenByDeny)));
        return Ok(finish(Decision::ExplicitlyDenied, denies, others));
    }

    let cross = match (request.principal.account(), request.resource_account()) {
        (Some(p), Some(r)) => p != r,
        _ => false,
    };
    // A key without a key policy in the set: nothing lets identity policies count.
    let must_allow = match &policies.resource {
        Some(rp) => rp.kind.must_allow(),
        None => is_kms_key(&request.resource),
    };
    let mut deciding = Vec::new();
    let allowed = if service {
        deciding.append(&mut direct);
        others.extend(
            account
                .drain(..)
                .map(|r| (r, NotApplied::NeedsIdentityAllow)),
        );
        !deciding.is_empty()
    } else if cross {
        let resource_allows = !direct.is_empty() || !account.is_empty();
        let identity_allow = !identity_allows.is_empty();
        if resource_allows && identity_allow {
            deciding.append(&mut identity_allows);
            deciding.append(&mut direct);
            deciding.append(&mut account);
        } else {
            others.extend(
                identity_allows
                    .drain(..)
                    .map(|r| (r, NotApplied::NeedsResourceAllow)),
            );
            let why = || NotApplied::NeedsIdentityAllowCrossAccount;
            others.extend(
                direct
                    .drain(..)
                    .chain(account.drain(..))
                    .map(|r| (r, why())),
            );
        }
        resource_allows && identity_allow
    } else if must_allow {
        let delegated = !account.is_empty() && !identity_allows.is_empty();
        deciding.append(&mut direct);
        if delegated {
            deciding.append(&mut account);
            deciding.append(&mut identity_allows);
        } else {
            others.extend(
                account
                    .drain(..)
                    .map(|r| (r, NotApplied::NeedsIdentityAllow)),
            );
            let why = NotApplied::NeedsResourcePolicyDelegation;
            others.extend(identity_allows.drain(..).map(|r| (r, why.clone())));
        }
        !deciding.is_empty()
    } else {
        let identity_allow = !identity_allows.is_empty();
        deciding.append(&mut identity_allows);
        deciding.append(&mut direct);
        if identity_allow {
            deciding.append(&mut account);
        } else {
            others.extend(
                account
                    .drain(..)
                    .map(|r| (r, NotApplied::NeedsIdentityAllow)),
            );
        }
        !deciding.is_empty()
    };
    if allowed {
        Ok(finish(Decision::Allowed, deciding, others))
    } else {
        Ok(finish(Decision::ImplicitlyDenied, Vec::new(), others))
    }
}

/// Sorts `others` in policy order and builds the evaluation.
fn finish(
    decision: Decision,
    deciding: Vec<StatementRef>,
    mut others: Vec<(StatementRef, NotApplied)>,
) -> Evaluation {
    others.sort_by(|a, b| (&a.0.policy, a.0.index).cmp(&(&b.0.policy, b.0.index)));
    Evaluation {
        decision,
        deciding,
        others,
    }
}

fn reference(label: &str, index: usize, st: &Statement) -> StatementRef {
    StatementRef {
        policy: label.to_owned(),
        index,
        sid: st.sid.clone(),
        effect: st.effect,
    }
}

/// Whether `arn` is a KMS key's.
fn is_kms_key(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts[..], ["arn", _, "kms", _, _, r] if r.starts_with("key/"))
}

/// Whether `names` (a list or its `Not` form) names `text` by `matches`.
fn names(list: &Names, matches: impl Fn(&str) -> bool) -> bool {
    list.items.iter().any(|p| matches(p)) != list.not
}

/// How the statement relates to the request.
fn check(
    st: &Statement,
    request: &Request,
    label: &str,
    index: usize,
    resource_policy: bool,
) -> Result<Outcome, EvalError> {
    let misplaced = |message: String| EvalError::Misplaced {
        label: label.to_owned(),
        message,
    };
    if !names(&st.action, |p| pattern::action_matches(p, &request.action)) {
        return Ok(Outcome::No(NotApplied::ActionNotMatched));
    }
    let resource_matches = |p: &str| {
        pattern::expand(p, &request.context, true)
            .is_some_and(|toks| pattern::arn_matches(&toks, &request.resource))
    };
    match &st.resource {
        Some(list) => {
            if !names(list, resource_matches) {
                return Ok(Outcome::No(NotApplied::ResourceNotMatched));
            }
        }
        None if resource_policy => {}
        None => {
            return Err(misplaced(format!(
                "statement {index} has neither `Resource` nor `NotResource`: an identity policy names the resources it applies to"
            )));
        }
    }
    let matched = match (&st.principal, resource_policy) {
        (Some(_), false) => {
            return Err(misplaced(format!(
                "statement {index} has a `Principal`: identity policies have none (the principal is the identity they are attached to); pass it as a resource policy"
            )));
        }
        (None, true) => {
            return Err(misplaced(format!(
                "statement {index} has no `Principal`: a resource policy names who it applies to"
            )));
        }
        (None, false) => PrincipalMatch::Direct,
        (Some((not, element)), true) => {
            let m = element.matches(&request.principal);
            match (not, m) {
                (false, PrincipalMatch::None)
                | (true, PrincipalMatch::Direct | PrincipalMatch::Account) => {
                    return Ok(Outcome::No(NotApplied::PrincipalNotMatched));
                }
                (false, m) => m,
                (true, PrincipalMatch::None) => PrincipalMatch::Direct,
            }
        }
    };
    for c in &st.conditions {
        if let Err(reason) = c.check(&request.context) {
            let reason: Failure = reason;
            return Ok(Outcome::No(NotApplied::ConditionFailed {
                operator: c.operator.name().to_owned(),
                key: c.key.clone(),
                reason,
            }));
        }
    }
    Ok(Outcome::Applies(matched))
}
