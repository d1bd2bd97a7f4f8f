//! Suggestions: duplicate statements, actions covered twice, statements that can merge.

use crate::document::{Document, Stmt, Strings};
use crate::{Finding, Rule};
use mmpolicy_catalog::pattern::{has_wildcard, wildcard_matches_ignore_case};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};

/// How many action-against-wildcard comparisons one statement may cost before the search for
/// actions covered by a wildcard stops (duplicates are still found): keeps huge documents fast.
const WILDCARD_BUDGET: usize = 1_000_000;

pub(crate) fn check(doc: &Document<'_>, out: &mut Vec<Finding>) {
    for s in &doc.statements {
        covered_actions(s, out);
    }
    let shapes: Vec<Shape> = doc.statements.iter().map(Shape::of).collect();
    // The first statement of each frame and action and resource sets: one pass with hash
    // maps, instead of comparing every pair.
    let mut same_all: HashMap<(&str, &BTreeSet<String>, &BTreeSet<String>), usize> = HashMap::new();
    // Merging is suggested only when one of the two statements has no `Sid`: two named
    // statements are kept apart on purpose (each `Sid` names what its grant is for, and
    // `mmpolicy merge` replaces statements by `Sid`, which merging them would break). So the
    // maps are kept twice: every statement, and the statements without a `Sid`.
    type ByFrame<'s> = HashMap<(&'s str, &'s BTreeSet<String>), usize>;
    let (mut same_resources, mut same_actions): (ByFrame<'_>, ByFrame<'_>) = Default::default();
    let (mut unnamed_resources, mut unnamed_actions): (ByFrame<'_>, ByFrame<'_>) =
        Default::default();
    for (j, b) in shapes.iter().enumerate() {
        let dup = *same_all
            .entry((&b.frame, &b.actions, &b.resources))
            .or_insert(j);
        let (by_resources, by_actions) = if b.plain {
            let by_resources = (&b.frame as &str, &b.resources);
            let by_actions = (&b.frame as &str, &b.actions);
            let (resources, actions) = if b.named {
                (
                    unnamed_resources.get(&by_resources).copied().unwrap_or(j),
                    unnamed_actions.get(&by_actions).copied().unwrap_or(j),
                )
            } else {
                (
                    same_resources.get(&by_resources).copied().unwrap_or(j),
                    same_actions.get(&by_actions).copied().unwrap_or(j),
                )
            };
            same_resources.entry(by_resources).or_insert(j);
            same_actions.entry(by_actions).or_insert(j);
            if !b.named {
                unnamed_resources.entry(by_resources).or_insert(j);
                unnamed_actions.entry(by_actions).or_insert(j);
            }
            (resources, actions)
        } else {
            (j, j)
        };
        // The statement it repeats; else the earliest it merges with.
        let first = if dup != j {
            dup
        } else {
            by_resources.min(by_actions)
        };
        if first == j {
            continue;
        }
        let a = &shapes[first];
        let finding = if first == dup {
            Finding::new(
                Rule::DuplicateStatement,
                b.ptr.clone(),
                format!(
                    "statement {} repeats statement {} (apart from `Sid`): remove it",
                    b.index, a.index
                ),
            )
        } else if first == by_resources {
            Finding::new(
                Rule::MergeableStatements,
                b.ptr.clone(),
                format!(
                    "statement {} has the same effect, principal, resources and condition as statement {}: move its actions into that statement",
                    b.index, a.index
                ),
            )
        } else {
            Finding::new(
                Rule::MergeableStatements,
                b.ptr.clone(),
                format!(
                    "statement {} has the same effect, principal, actions and condition as statement {}: move its resources into that statement",
                    b.index, a.index
                ),
            )
        };
        out.push(finding);
    }
}

/// A statement reduced to what decides whether it repeats or merges with another.
struct Shape {
    index: usize,
    ptr: String,
    /// Everything but `Sid`, `Action` and `Resource`, canonical, as JSON text.
    frame: String,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    /// `Action` and `Resource` (not `NotAction`/`NotResource`), so that merging is a union.
    plain: bool,
    /// The statement has a `Sid`.
    named: bool,
}

impl Shape {
    fn of(s: &Stmt<'_>) -> Shape {
        let mut frame = serde_json::Map::new();
        for (k, v) in s.obj {
            if !matches!(k.as_str(), "Sid" | "Action" | "Resource") {
                frame.insert(k.clone(), canonical(v));
            }
        }
        let set = |x: &Option<Strings<'_>>, lower: bool| -> BTreeSet<String> {
            x.iter()
                .flat_map(|l| &l.items)
                .map(|(_, v)| {
                    if lower {
                        v.to_ascii_lowercase()
                    } else {
                        (*v).to_owned()
                    }
                })
                .collect()
        };
        Shape {
            index: s.index,
            ptr: s.ptr.clone(),
            frame: Value::Object(frame).to_string(),
            actions: set(&s.action, true),
            resources: set(&s.resource, false),
            plain: s.action.is_some() && s.resource.is_some(),
            named: s.sid.is_some(),
        }
    }
}

/// A value with lists of scalars sorted and deduplicated and objects in key order, so that
/// `"a"` and `["a"]`, or two orders of a list, compare equal.
fn canonical(v: &Value) -> Value {
    match v {
        Value::Array(a) => {
            let mut items: Vec<Value> = a.iter().map(canonical).collect();
            items.sort_by_key(|x| x.to_string());
            items.dedup();
            if items.len() == 1 {
                items.remove(0)
            } else {
                Value::Array(items)
            }
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), canonical(&m[k])))
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

fn covered_actions(s: &Stmt<'_>, out: &mut Vec<Finding>) {
    let Some(actions) = s.action.as_ref().or(s.not_action.as_ref()) else {
        return;
    };
    let lower: Vec<String> = actions
        .items
        .iter()
        .map(|(_, a)| a.to_ascii_lowercase())
        .collect();
    // The first index of each action, case ignored.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(lower.len());
    for (i, a) in lower.iter().enumerate() {
        first.entry(a.as_str()).or_insert(i);
    }
    // The distinct wildcards, at their first index.
    let mut wildcards: Vec<(usize, &str)> = first
        .iter()
        .filter(|(a, _)| has_wildcard(a))
        .map(|(a, i)| (*i, *a))
        .collect();
    wildcards.sort_unstable();
    let search_wildcards = wildcards.len().saturating_mul(lower.len()) <= WILDCARD_BUDGET;
    for (i, ((p, a), low)) in actions.items.iter().zip(&lower).enumerate() {
        // The later of two equal items is the duplicate.
        let equal = first.get(low.as_str()).copied().filter(|j| *j < i);
        let covering = if search_wildcards {
            wildcards
                .iter()
                .find(|(_, w)| *w != low.as_str() && wildcard_matches_ignore_case(w, a))
                .map(|(j, _)| *j)
        } else {
            None
        };
        // The earliest item that repeats or covers it.
        let by = match (equal, covering) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (e, c) => e.or(c),
        };
        let Some(j) = by else {
            continue;
        };
        let other = actions.items[j].1;
        let how = if other.eq_ignore_ascii_case(a) {
            "is listed twice".to_owned()
        } else {
            format!("is covered by `{other}`")
        };
        out.push(Finding::new(
            Rule::DuplicateAction,
            p.clone(),
            format!("`{a}` {how} in the same statement: remove it"),
        ));
    }
}
