//! Merging the policies a section plans under one file into one document, and the size AWS
//! allows each kind of document.

use mmpolicy_core::section::PlannedPolicy;
use mmpolicy_core::target::Target;
use mmpolicy_core::{Condition, OneOrMany, PolicyDocument, PolicyKind, Statement, Text};
use std::collections::{HashMap, HashSet};

/// Merges policies attached to one principal into one document, under `file`, `attach_to` and
/// `target`.
/// Statements that differ only in their resources (same `Effect`, `Principal`, set of actions
/// and `Condition`) become one statement listing every resource once, under the first one's
/// `Sid`; the others keep their order, exact duplicates are removed, and a repeated `Sid` is
/// numbered (`Sid2`, `Sid3`) so that every `Sid` is unique. Merging never widens the grant: a
/// statement's resources are alternatives, so one statement on two resources allows what two
/// statements on one resource each allow.
///
/// Linear in the number of statements and resources: statements are grouped by a key made of
/// everything but their resources, not compared pairwise.
pub fn merge(
    file: impl Into<String>,
    attach_to: impl Into<String>,
    target: Target,
    parts: Vec<PlannedPolicy>,
) -> PlannedPolicy {
    let mut providers: Vec<&'static str> = Vec::new();
    let mut seen_providers = HashSet::new();
    let mut statements: Vec<Statement> = Vec::new();
    // The statement of each group of mergeable statements, and its resources' set.
    let mut groups: HashMap<String, (usize, HashSet<Text>)> = HashMap::new();
    // The statements that cannot merge, as written (for exact duplicates).
    let mut whole: HashSet<String> = HashSet::new();
    let mut sids: HashSet<Text> = HashSet::new();
    let mut next_number: HashMap<Text, usize> = HashMap::new();
    let mut kind = PolicyKind::Identity;
    let mut requests = Vec::new();
    for part in parts {
        kind = part.kind;
        requests.extend(part.requests);
        for p in part.providers {
            if seen_providers.insert(p) {
                providers.push(p);
            }
        }
        for st in part.policy.statement.as_slice() {
            if let Some(key) = group_key(st) {
                if let Some((at, set)) = groups.get_mut(&key) {
                    if let Some(into) = statements.get_mut(*at) {
                        // Extended in place: copying the list at each merge would make
                        // merging quadratic in the number of resources.
                        let mut all = match into.resource.take() {
                            Some(OneOrMany::Many(all)) => all,
                            Some(OneOrMany::One(one) | OneOrMany::ListOfOne(one)) => vec![one],
                            None => Vec::new(),
                        };
                        for r in st.resource.iter().flatten() {
                            if set.insert(r.clone()) {
                                all.push(r.clone());
                            }
                        }
                        into.resource = Some(OneOrMany::from(all));
                    }
                    continue;
                }
                let set = st.resource.iter().flatten().cloned().collect();
                groups.insert(key, (statements.len(), set));
            } else if whole.contains(&statement_key(st)) {
                continue;
            }
            let mut st = st.clone();
            if let Some(sid) = st.sid.clone() {
                let mut candidate = sid.clone();
                if sids.contains(&candidate) {
                    let n = next_number.entry(sid.clone()).or_insert(2);
                    loop {
                        candidate = Text::from(format!("{sid}{n}"));
                        *n += 1;
                        if !sids.contains(&candidate) {
                            break;
                        }
                    }
                }
                sids.insert(candidate.clone());
                st.sid = Some(candidate);
            }
            if group_key(&st).is_none() {
                // A statement that cannot merge is remembered as it is written.
                whole.insert(statement_key(&st));
            }
            statements.push(st);
        }
    }
    PlannedPolicy {
        file: file.into(),
        providers,
        kind,
        attach_to: attach_to.into(),
        target,
        policy: PolicyDocument::new(statements),
        requests,
    }
}

/// Everything that decides whether two statements may share one statement listing both
/// resources: `Effect`, `Principal`, `NotPrincipal`, the set of actions and `Condition`
/// (whose operators and keys are unordered). `None` for a statement that cannot merge: one
/// with `NotAction` or `NotResource`, or without `Action` or `Resource`.
fn group_key(st: &Statement) -> Option<String> {
    if st.not_action.is_some() || st.not_resource.is_some() || st.resource.is_none() {
        return None;
    }
    let mut actions: Vec<&str> = st.action.as_ref()?.iter().collect();
    actions.sort_unstable();
    actions.dedup();
    let principal =
        serde_json::to_string(&(&st.effect, &st.principal, &st.not_principal)).unwrap_or_default();
    Some(format!(
        "{principal}\u{0}{}\u{0}{}",
        actions.join("\u{0}"),
        condition_key(st.condition.as_ref())
    ))
}

/// A statement as it is written, with its condition in a canonical order: equal keys for
/// equal statements.
fn statement_key(st: &Statement) -> String {
    let mut bare = st.clone();
    let condition = bare.condition.take();
    format!(
        "{}\u{0}{}",
        serde_json::to_string(&bare).unwrap_or_default(),
        condition_key(condition.as_ref())
    )
}

/// A condition block with its operators and keys sorted, as [`Condition`]'s equality sees it.
fn condition_key(condition: Option<&Condition>) -> String {
    let Some(condition) = condition else {
        return String::new();
    };
    let mut operators: Vec<String> = condition
        .iter()
        .map(|(operator, keys)| {
            let mut keys: Vec<String> = keys
                .iter()
                .map(|(k, v)| format!("{k}={}", serde_json::to_string(v).unwrap_or_default()))
                .collect();
            keys.sort_unstable();
            format!("{operator}:{}", keys.join("\u{1}"))
        })
        .collect();
    operators.sort_unstable();
    operators.join("\u{2}")
}
