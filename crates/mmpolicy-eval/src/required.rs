//! Evaluates the requests a provider declares ([`mmpolicy_core::requests`]) against a policy of
//! the provider's kind: what `mmpolicy check` and every feature crate's tests run.
//!
//! The policy plays the part its kind gives it:
//!
//! - an **identity** policy is the only identity policy of the request's principal (the
//!   holder); a `kms:` request is decided with the key's *default* key policy beside it (it
//!   lets the account's IAM policies count), since the key policy is another provider's
//!   business and is checked on its own;
//! - a **key**, **bucket**, **secret** or **trust** policy is the resource's policy, alone: a
//!   service principal has no identity policy, and a key policy must allow a principal it
//!   names directly.
//!
//! The holder of an identity policy is the role `arn:<partition>:iam::<account>:role/PolicyHolder`,
//! in the account the request gives (else the resource's, else `111122223333`).

use mmpolicy_catalog::Catalog;
use mmpolicy_core::PolicyKind;
use mmpolicy_core::requests::{Expect, ExpectedRequest, RequestPrincipal};

use crate::context::{ValueType, key_type};
use crate::{
    Context, ContextValue, Decision, EvalError, Evaluation, Policy, PolicySet, Principal, Request,
    ResourcePolicyKind, evaluate,
};

/// The account of a holder when neither the request nor its resource names one.
const FALLBACK_ACCOUNT: &str = "111122223333";

/// One declared request and how the policy decided it.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked<'a> {
    /// The request as the provider declared it.
    pub request: &'a ExpectedRequest,
    /// The evaluator's decision, with the deciding statements.
    pub evaluation: Evaluation,
}

impl Checked<'_> {
    /// Whether the decision is the expected one: allowed for a needed request, anything else
    /// for a near miss.
    pub fn passed(&self) -> bool {
        match self.request.expect {
            Expect::Allow => self.evaluation.decision == Decision::Allowed,
            Expect::Deny => self.evaluation.decision != Decision::Allowed,
        }
    }
}

/// The resource-policy kind of a provider's kind; `None` for identity policies.
pub fn resource_kind(kind: PolicyKind) -> Option<ResourcePolicyKind> {
    match kind {
        PolicyKind::Identity => None,
        PolicyKind::Trust => Some(ResourcePolicyKind::Trust),
        PolicyKind::Key => Some(ResourcePolicyKind::Key),
        PolicyKind::Secret => Some(ResourcePolicyKind::Secret),
        PolicyKind::Bucket => Some(ResourcePolicyKind::Bucket),
    }
}

/// The evaluator's request for a declared one: its principal (the holder as a role), action,
/// resource, resource account and context (each key typed as AWS types it).
pub fn to_request(request: &ExpectedRequest) -> Result<Request, EvalError> {
    let principal = match &request.principal {
        RequestPrincipal::Holder { account } => {
            let account = account
                .as_deref()
                .or(request.resource_account.as_deref())
                .or_else(|| arn_field(&request.resource, 4))
                .unwrap_or(FALLBACK_ACCOUNT);
            let partition = arn_field(&request.resource, 1).unwrap_or("aws");
            Principal::parse(&format!("arn:{partition}:iam::{account}:role/PolicyHolder"))?
        }
        RequestPrincipal::Service(service) => Principal::parse(service)?,
        RequestPrincipal::Arn(arn) => Principal::parse(arn)?,
    };
    let catalog = Catalog::embedded();
    let mut context = Context::new();
    for (key, values) in &request.context {
        let ty = key_type(key, catalog).map_or(ValueType::String, |t| ValueType::of(t.base));
        let values = values
            .iter()
            .map(|v| ContextValue::parse(ty, v))
            .collect::<Result<Vec<_>, _>>()?;
        context.insert_list(key.clone(), values);
    }
    let mut out =
        Request::new(principal, request.action, request.resource.clone()).with_context(context);
    if let Some(account) = &request.resource_account {
        out = out.with_resource_account(account.clone());
    }
    Ok(out)
}

/// Field `n` of an ARN (`1` the partition, `4` the account), when the text is an ARN and the
/// field is not empty.
fn arn_field(text: &str, n: usize) -> Option<&str> {
    if !text.starts_with("arn:") {
        return None;
    }
    text.split(':').nth(n).filter(|f| !f.is_empty())
}

/// The policies deciding `request` when `policy`, labelled `label`, is a policy of `kind`.
pub fn policy_set(
    kind: PolicyKind,
    label: &str,
    policy: &Policy,
    request: &Request,
) -> Result<PolicySet, EvalError> {
    let Some(resource_kind) = resource_kind(kind) else {
        let set = PolicySet::new().with_identity(label, policy.clone());
        if !request.action.to_ascii_lowercase().starts_with("kms:") {
            return Ok(set);
        }
        let account = request
            .resource
            .split(':')
            .nth(4)
            .filter(|a| !a.is_empty())
            .or(request.principal.account())
            .unwrap_or(FALLBACK_ACCOUNT);
        let partition = arn_field(&request.resource, 1).unwrap_or("aws");
        let default_key_policy = Policy::from_value(&serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": format!("arn:{partition}:iam::{account}:root")},
                "Action": "kms:*",
                "Resource": "*"
            }]
        }))?;
        return Ok(set.with_resource(
            "the key's default key policy",
            ResourcePolicyKind::Key,
            default_key_policy,
        ));
    };
    Ok(PolicySet::new().with_resource(label, resource_kind, policy.clone()))
}

/// Evaluates every request against `policy`, a policy of `kind` labelled `label` (the label
/// names its statements in the evaluations).
pub fn check_requests<'a>(
    kind: PolicyKind,
    label: &str,
    policy: &Policy,
    requests: &'a [ExpectedRequest],
) -> Result<Vec<Checked<'a>>, EvalError> {
    requests
        .iter()
        .map(|request| {
            let evaluated = to_request(request)?;
            let set = policy_set(kind, label, policy, &evaluated)?;
            Ok(Checked {
                request,
                evaluation: evaluate(&set, &evaluated)?,
            })
        })
        .collect()
}

/// One line naming a request that did not get the expected decision, for test failures and
/// messages: `needs secretsmanager:GetSecretValue on ARN by ses.amazonaws.com (why): ImplicitlyDenied`.
pub fn describe_failure(checked: &Checked<'_>) -> String {
    let r = checked.request;
    format!(
        "{} `{}` on `{}` by {} ({}): {}",
        match r.expect {
            Expect::Allow => "needs",
            Expect::Deny => "must not get",
        },
        r.action,
        r.resource,
        r.principal.describe(),
        r.why,
        match checked.evaluation.decision {
            Decision::Allowed => "allowed",
            Decision::ExplicitlyDenied => "explicitly denied",
            Decision::ImplicitlyDenied => "implicitly denied",
        }
    )
}

/// What removing one statement from a policy costs: the needed requests that are no longer
/// allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The statement's 0-based index.
    pub index: usize,
    /// Its `Sid`, if it has one.
    pub sid: Option<String>,
    /// The needed requests that fail without it, one line each ([`describe_failure`]).
    pub failing: Vec<String>,
}

/// Removes each statement of `document` (a policy document as JSON, of `kind`) in turn and
/// evaluates `requests` against the rest: for each statement, the needed requests that then
/// fail. A statement whose `failing` is empty is not needed by any declared request.
pub fn statement_removals(
    kind: PolicyKind,
    document: &serde_json::Value,
    requests: &[ExpectedRequest],
) -> Result<Vec<Removal>, EvalError> {
    let statements = match document.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.clone(),
        Some(one) => vec![one.clone()],
        None => Vec::new(),
    };
    let mut out = Vec::with_capacity(statements.len());
    for (index, statement) in statements.iter().enumerate() {
        let mut rest = statements.clone();
        rest.remove(index);
        let mut without = document.clone();
        if let Some(map) = without.as_object_mut() {
            map.insert("Statement".to_owned(), serde_json::Value::Array(rest));
        }
        let policy = Policy::from_value(&without)?;
        let failing = check_requests(kind, "policy", &policy, requests)?
            .iter()
            .filter(|c| c.request.expect == Expect::Allow && !c.passed())
            .map(describe_failure)
            .collect();
        out.push(Removal {
            index,
            sid: statement
                .get("Sid")
                .and_then(|s| s.as_str())
                .map(str::to_owned),
            failing,
        });
    }
    Ok(out)
}

/// Everything wrong with a provider's declared requests for `params` (JSON), one line each;
/// empty when all is well: the policy it renders allows every needed request and denies every
/// near miss, it declares at least one of each, and every statement is needed by a request
/// (removing it makes a needed request fail).
pub fn audit(
    provider: &dyn mmpolicy_core::PolicyProvider,
    params: &serde_json::Value,
) -> Vec<String> {
    let id = provider.id();
    let document = match provider.render_value(params) {
        Ok(document) => document,
        Err(e) => return vec![format!("{id}: does not render: {e}")],
    };
    let requests = match provider.required_requests_value(params) {
        Ok(requests) => requests,
        Err(e) => return vec![format!("{id}: declares no requests: {e}")],
    };
    let value = match serde_json::to_value(&document) {
        Ok(value) => value,
        Err(e) => return vec![format!("{id}: does not serialise: {e}")],
    };
    let mut out = Vec::new();
    for expect in [Expect::Allow, Expect::Deny] {
        if !requests.iter().any(|r| r.expect == expect) {
            out.push(format!("{id}: declares no request expected {expect:?}"));
        }
    }
    let checked = Policy::from_value(&value)
        .and_then(|policy| check_requests(provider.kind(), id, &policy, &requests));
    match checked {
        Ok(checked) => out.extend(
            checked
                .iter()
                .filter(|c| !c.passed())
                .map(|c| format!("{id}: {}", describe_failure(c))),
        ),
        Err(e) => out.push(format!("{id}: cannot evaluate: {e}")),
    }
    match statement_removals(provider.kind(), &value, &requests) {
        Ok(removals) => out.extend(removals.iter().filter(|r| r.failing.is_empty()).map(|r| {
            format!(
                "{id}: no declared request needs statement {} ({})",
                r.index,
                r.sid.as_deref().unwrap_or("no Sid")
            )
        })),
        Err(e) => out.push(format!("{id}: cannot evaluate: {e}")),
    }
    out
}

/// The requests provider `P` declares for `params`, once [`audit`] finds nothing wrong with
/// them; else every problem it finds, one a line. For the tests of a feature crate:
///
/// ```text
/// let requests = audited::<Bounce>(&serde_json::to_value(Bounce::example())?)?;
/// assert!(near_misses(&requests).contains(&"another sending identity"));
/// ```
pub fn audited<P: mmpolicy_core::Provider + Default>(
    params: &serde_json::Value,
) -> Result<Vec<ExpectedRequest>, String> {
    let problems = audit(&P::default(), params);
    if !problems.is_empty() {
        return Err(problems.join("\n"));
    }
    let typed: P::Params = serde_json::from_value(params.clone())
        .map_err(|e| format!("{}: not its parameters: {e}", P::ID))?;
    P::required_requests(&typed).map_err(|e| format!("{}: {e}", P::ID))
}

/// Why each near miss of `requests` (each request expected denied) must be denied.
pub fn near_misses(requests: &[ExpectedRequest]) -> Vec<&'static str> {
    requests
        .iter()
        .filter(|r| r.expect == Expect::Deny)
        .map(|r| r.why)
        .collect()
}
