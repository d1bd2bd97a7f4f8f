//! Catalog checks on actions and resources: unknown services and actions, wildcards that match
//! nothing, malformed ARNs, and resources that the statement's actions do not accept.

use crate::document::Stmt;
use crate::{Finding, PolicyKind, Rule, Severity};
use mmpolicy_catalog::{Action, ActionLookup, Catalog, Service};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// What one action pattern (`ec2:*e*`) names, worked out once per document and shared by
/// every statement that writes it: the actions, and what the checks need of them.
#[derive(Debug)]
pub(crate) struct Expansion<'c> {
    /// The service.
    pub service: &'c Service,
    /// The actions the pattern names.
    pub actions: Vec<&'c Action>,
    /// The distinct resource types the actions accept, in catalog order.
    pub resource_types: Vec<&'c str>,
    /// The distinct condition keys of the actions and of their resource types.
    pub condition_keys: Vec<&'c str>,
    /// Whether an action (not a resource type) lists a confused-deputy key
    /// (`aws:SourceArn`, ...).
    pub names_source_keys: bool,
}

impl<'c> Expansion<'c> {
    fn new(service: &'c Service, actions: Vec<&'c Action>) -> Self {
        let mut resource_types: Vec<&'c str> = Vec::new();
        let mut keys: BTreeSet<&'c str> = BTreeSet::new();
        let mut names_source_keys = false;
        for a in &actions {
            keys.extend(a.condition_keys().iter().map(String::as_str));
            names_source_keys |= a.condition_keys().iter().any(|k| {
                crate::security::SOURCE_KEYS
                    .iter()
                    .any(|sk| k.eq_ignore_ascii_case(sk))
            });
            for rt in a.resource_types() {
                if !resource_types.contains(&rt.name()) {
                    resource_types.push(rt.name());
                    if let Some(t) = service.resource_type(rt.name()) {
                        keys.extend(t.condition_keys().iter().map(String::as_str));
                    }
                }
            }
        }
        Expansion {
            service,
            actions,
            resource_types,
            condition_keys: keys.into_iter().collect(),
            names_source_keys,
        }
    }
}

/// The expansions of one document, by action pattern (case ignored): a document of 200,000
/// statements that all write `ec2:*e*` matches the pattern against the service once and holds
/// one list of its actions, not 200,000.
#[derive(Debug, Default)]
pub(crate) struct Expansions<'c> {
    found: HashMap<String, Rc<Expansion<'c>>>,
}

/// One `Action` item and what it names in the catalog.
#[derive(Debug)]
pub(crate) struct ResolvedAction<'c> {
    pub ptr: String,
    pub text: String,
    pub service: &'c Service,
    pub expansion: Rc<Expansion<'c>>,
}

/// A statement's actions, resolved.
#[derive(Debug, Default)]
pub(crate) struct Resolved<'c> {
    pub items: Vec<ResolvedAction<'c>>,
    /// Every item of `Action` resolved (no `*`, no unknown action, no `NotAction`): the
    /// statement's actions are exactly known.
    pub complete: bool,
}

/// How many unknown actions of one document get a "did you mean" (each costs a comparison
/// with every action of the service); the others get the generic hint, so that thousands of
/// unknown names stay fast.
pub(crate) const CLOSEST_ACTION_BUDGET: usize = 100;

/// How many edits from a known service prefix an unknown one is a near miss (a typo: an
/// error); further, the catalog is merely silent (a warning).
pub(crate) const NEAR_MISS_PREFIX: usize = 1;

/// How many edits from a known action an unknown one is a near miss.
pub(crate) const NEAR_MISS_ACTION: usize = 2;

/// Resolves the statement's `Action` against the catalog; reports unknown names.
/// `closest_left` counts down the "did you mean" searches left for the document.
pub(crate) fn resolve<'c>(
    s: &Stmt<'_>,
    catalog: &'c Catalog,
    expansions: &mut Expansions<'c>,
    closest_left: &mut usize,
    out: &mut Vec<Finding>,
) -> Resolved<'c> {
    let mut resolved = Resolved {
        items: Vec::new(),
        complete: s.action.is_some() && s.not_action.is_none(),
    };
    for (list, is_action) in [(&s.action, true), (&s.not_action, false)] {
        let Some(list) = list else {
            continue;
        };
        for (p, text) in &list.items {
            // A pattern already found in this document: the same answer, shared.
            let key = text.to_ascii_lowercase();
            if let Some(e) = expansions.found.get(&key) {
                if is_action {
                    resolved.items.push(ResolvedAction {
                        ptr: p.clone(),
                        text: (*text).to_owned(),
                        service: e.service,
                        expansion: Rc::clone(e),
                    });
                }
                continue;
            }
            match catalog.lookup_action(text) {
                ActionLookup::Everything | ActionLookup::AnyService => resolved.complete = false,
                ActionLookup::Malformed => {
                    resolved.complete = false;
                    out.push(Finding::new(
                        Rule::MalformedAction,
                        p.clone(),
                        format!("action `{text}` is not `service:Action`: write it as `ses:GetArchive` (or `\"*\"`)"),
                    ));
                }
                ActionLookup::UnknownService => {
                    resolved.complete = false;
                    let prefix = text.split(':').next().unwrap_or_default();
                    let finding = match catalog.closest_prefix(prefix, NEAR_MISS_PREFIX) {
                        Some(near) => Finding::new(
                            Rule::UnknownService,
                            p.clone(),
                            format!("unknown service prefix `{prefix}` in `{text}`: did you mean `{near}`?"),
                        )
                        .with_severity(Severity::Error),
                        None => Finding::new(
                            Rule::UnknownService,
                            p.clone(),
                            format!(
                                "{} lists no service `{prefix}` (in `{text}`): the service may be retired or newer than the data; check the prefix in AWS's service authorization reference",
                                catalog.data_name()
                            ),
                        ),
                    };
                    out.push(finding);
                }
                ActionLookup::UnknownAction(service) => {
                    resolved.complete = false;
                    let name = text.split_once(':').map(|x| x.1).unwrap_or_default();
                    let closest = if *closest_left > 0 {
                        *closest_left -= 1;
                        Catalog::closest_action_within(service, name, NEAR_MISS_ACTION)
                    } else {
                        None
                    };
                    let finding = match closest {
                        Some((near, _)) => Finding::new(
                            Rule::UnknownAction,
                            p.clone(),
                            format!(
                                "`{text}` is not an action of `{}`: did you mean `{}:{near}`?",
                                service.prefix(),
                                service.prefix()
                            ),
                        )
                        .with_severity(Severity::Error),
                        None => Finding::new(
                            Rule::UnknownAction,
                            p.clone(),
                            format!(
                                "{} lists no action `{name}` in `{}`: the action may be retired or newer than the data; check the name in the `{}` service authorization reference",
                                catalog.data_name(),
                                service.prefix(),
                                service.prefix()
                            ),
                        ),
                    };
                    out.push(finding);
                }
                ActionLookup::NoMatch(service) => {
                    resolved.complete = false;
                    out.push(Finding::new(
                        Rule::WildcardMatchesNothing,
                        p.clone(),
                        format!(
                            "`{text}` matches no action of `{}`: fix the pattern or remove it",
                            service.prefix()
                        ),
                    ));
                }
                ActionLookup::Found(service, actions) => {
                    let e = Rc::new(Expansion::new(service, actions));
                    expansions.found.insert(key, Rc::clone(&e));
                    if is_action {
                        resolved.items.push(ResolvedAction {
                            ptr: p.clone(),
                            text: (*text).to_owned(),
                            service,
                            expansion: e,
                        });
                    }
                }
            }
        }
    }
    resolved
}

/// What is wrong with an ARN as written, if anything.
pub(crate) fn arn_problem(r: &str) -> Option<String> {
    if r == "*" {
        return None;
    }
    let Some(rest) = r.strip_prefix("arn:") else {
        return Some(format!(
            "resource `{r}` is not an ARN: write `arn:partition:service:region:account:resource` or `\"*\"`"
        ));
    };
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    if parts.len() < 5 {
        return Some(format!(
            "resource `{r}` has {} of the 6 colon-separated fields of an ARN: write `arn:partition:service:region:account:resource`",
            parts.len() + 1
        ));
    }
    let (partition, service, region, account, resource) =
        (parts[0], parts[1], parts[2], parts[3], parts[4]);
    let wild = |s: &str| s.contains(['*', '?']) || s.contains("${");
    const PARTITIONS: &[&str] = &[
        "aws",
        "aws-cn",
        "aws-us-gov",
        "aws-iso",
        "aws-iso-b",
        "aws-iso-e",
        "aws-iso-f",
        "aws-eusc",
    ];
    if !wild(partition) && !PARTITIONS.contains(&partition) {
        return Some(format!(
            "resource `{r}` has partition `{partition}`: use `aws`, `aws-cn` or `aws-us-gov`"
        ));
    }
    if service.is_empty() {
        return Some(format!(
            "resource `{r}` names no service: write the service prefix after the partition"
        ));
    }
    if !wild(region)
        && !region.is_empty()
        && !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Some(format!(
            "resource `{r}` has region `{region}`: write a region such as `us-east-1`, or nothing"
        ));
    }
    let account_ok = account.is_empty()
        || wild(account)
        || (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()))
        // A few AWS-owned resources say `aws` here (managed policies, public parameters).
        || account == "aws";
    if !account_ok {
        return Some(format!(
            "resource `{r}` has account `{account}`: write a 12-digit account id, or nothing"
        ));
    }
    if resource.is_empty() {
        return Some(format!(
            "resource `{r}` has an empty resource part: name the resource after the account"
        ));
    }
    // `<`, `>`, white space, and braces outside a policy variable `${...}`: a placeholder
    // left in, or a typo.
    let without_variables = strip_variables(resource);
    if let Some(c) = without_variables
        .chars()
        .find(|c| matches!(c, '<' | '>' | '{' | '}' | '"' | '\\') || c.is_whitespace())
    {
        return Some(format!(
            "resource `{r}` has `{c}` in its resource part, which no AWS resource name holds: replace the placeholder with the real name"
        ));
    }
    None
}

/// `s` with every `${...}` removed.
fn strip_variables(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => rest = &rest[start + end + 1..],
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The service field of an ARN or ARN format (`s3` in `arn:aws:s3:::b`), when it is plain
/// text (no wildcard, no variable).
fn arn_service(arn: &str) -> Option<&str> {
    // The fields, with the `:` inside `${...}` (`${aws:partition}`) not splitting them.
    let mut start = 0;
    let mut field = 0;
    let mut in_variable = false;
    let b = arn.as_bytes();
    for (i, c) in b.iter().enumerate() {
        match c {
            b'$' if b.get(i + 1) == Some(&b'{') => in_variable = true,
            b'}' => in_variable = false,
            b':' if !in_variable => {
                if field == 2 {
                    let service = &arn[start..i];
                    return (!service.is_empty() && !service.contains(['*', '?', '$']))
                        .then_some(service);
                }
                field += 1;
                start = i + 1;
            }
            _ => {}
        }
    }
    None
}

pub(crate) fn check_resources(
    s: &Stmt<'_>,
    res: &Resolved<'_>,
    kind: Option<PolicyKind>,
    catalog: &Catalog,
    out: &mut Vec<Finding>,
) {
    let mut well_formed: Vec<(&str, &str)> = Vec::new();
    for (list, is_resource) in [(&s.resource, true), (&s.not_resource, false)] {
        let Some(list) = list else {
            continue;
        };
        for (p, r) in &list.items {
            match arn_problem(r) {
                Some(msg) => out.push(Finding::new(Rule::MalformedArn, p.clone(), msg)),
                None if is_resource => well_formed.push((p, r)),
                None => {}
            }
        }
    }
    // Key and secret policies say `"*"` for the resource they are attached to; trust
    // policies have none.
    if matches!(
        kind,
        Some(PolicyKind::Key | PolicyKind::Secret | PolicyKind::Trust)
    ) || s.resource.is_none()
        || well_formed.is_empty()
    {
        return;
    }
    // Only `"*"`: every action accepts it and every resource is used, whatever the types.
    if well_formed.iter().all(|(_, r)| *r == "*") {
        return;
    }
    // Which resources each resource type matches, worked out once per type (not once per
    // action and resource), so that thousands of actions on thousands of resources stay fast.
    let star: Vec<bool> = well_formed.iter().map(|(_, r)| *r == "*").collect();
    // Each resource's service field, to skip the types of other services without matching.
    let services: Vec<Option<&str>> = well_formed.iter().map(|(_, r)| arn_service(r)).collect();
    let any_star = star.iter().any(|x| *x);
    let mut used = vec![false; well_formed.len()];
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    // Per type: the resources it matches (`None`: a type the data lacks, which is not
    // guessed at and so matches every resource), whether it matches any, and whether it was
    // already counted in `used`.
    let mut types: Vec<(Option<Vec<bool>>, bool, bool)> = Vec::new();
    let mut star_counted = false;
    for item in &res.items {
        let expansion = &*item.expansion;
        let mut any = false;
        if any_star && !expansion.actions.is_empty() {
            // `"*"` is accepted by every action.
            any = true;
            if !star_counted {
                star_counted = true;
                for (u, s) in used.iter_mut().zip(&star) {
                    *u |= *s;
                }
            }
        }
        {
            for &rt in &expansion.resource_types {
                let i = *index
                    .entry((item.service.prefix(), rt))
                    .or_insert_with(|| {
                        let matched = item.service.resource_type(rt).map(|t| {
                            let service = arn_service(t.arn_format());
                            well_formed
                                .iter()
                                .zip(&services)
                                .map(|((_, r), rs)| {
                                    let other =
                                        matches!((service, rs), (Some(a), Some(b)) if !a.eq_ignore_ascii_case(b));
                                    *r != "*" && !other && t.matches(r)
                                })
                                .collect::<Vec<bool>>()
                        });
                        let some = matched.as_ref().is_none_or(|m| m.iter().any(|x| *x));
                        types.push((matched, some, false));
                        types.len() - 1
                    });
                let (matched, some, counted) = &mut types[i];
                any |= *some;
                if !*counted {
                    *counted = true;
                    match matched {
                        Some(m) => {
                            for (u, x) in used.iter_mut().zip(m.iter()) {
                                *u |= *x;
                            }
                        }
                        None => used.iter_mut().for_each(|u| *u = true),
                    }
                }
            }
        }
        if any {
            continue;
        }
        let none_take_arns = expansion.resource_types.is_empty();
        if none_take_arns {
            out.push(Finding::new(
                Rule::ResourceNeedsStar,
                item.ptr.clone(),
                format!(
                    "`{}` may accept only `\"*\"`: {} lists no resource type for it; if AWS documents none, move it to a statement with `\"Resource\": \"*\"`",
                    item.text,
                    catalog.data_name()
                ),
            ));
        } else {
            let mut formats: Vec<String> = expansion
                .resource_types
                .iter()
                .filter_map(|rt| item.service.resource_type(rt))
                .map(|t| format!("`{}` (`{}`)", t.name(), t.arn_format()))
                .collect();
            formats.sort();
            formats.dedup();
            let shown = formats
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if formats.len() > 3 { ", ..." } else { "" };
            out.push(Finding::new(
                Rule::ResourceMismatch,
                item.ptr.clone(),
                format!(
                    "`{}` applies to none of this statement's resources, so it grants nothing: it accepts {shown}{more}",
                    item.text
                ),
            ));
        }
    }
    // A resource that no action of the statement can use, when some action works: dead weight
    // or a typo. Only when every action is known.
    if res.complete && used.iter().any(|u| *u) {
        for (i, (p, r)) in well_formed.iter().enumerate() {
            if !used[i] {
                out.push(Finding::new(
                    Rule::ResourceMismatch,
                    (*p).to_owned(),
                    format!("resource `{r}` matches no resource type of this statement's actions: remove it or fix the ARN"),
                ));
            }
        }
    }
}
