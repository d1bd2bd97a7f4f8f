//! Suggestions: duplicate statements, actions covered twice, statements that can merge.

use crate::document::{Document, Stmt, Strings};
use crate::{Finding, Rule};
use mmpolicy_catalog::pattern::{has_wildcard, wildcard_matches_ignore_case};
use serde_json::Value;
use std::collections::BTreeSet;

pub(crate) fn check(doc: &Document<'_>, out: &mut Vec<Finding>) {
    for s in &doc.statements {
        covered_actions(s, out);
    }
    let shapes: Vec<Shape> = doc.statements.iter().map(Shape::of).collect();
    for (j, b) in shapes.iter().enumerate() {
        for a in &shapes[..j] {
            if a.same_frame(b) && a.actions == b.actions && a.resources == b.resources {
                out.push(Finding::new(
                    Rule::DuplicateStatement,
                    b.ptr.clone(),
                    format!(
                        "statement {} repeats statement {} (apart from `Sid`): remove it",
                        b.index, a.index
                    ),
                ));
                break;
            }
            if !(a.same_frame(b) && a.plain && b.plain) {
                continue;
            }
            if a.resources == b.resources {
                out.push(Finding::new(
                    Rule::MergeableStatements,
                    b.ptr.clone(),
                    format!("statement {} has the same effect, principal, resources and condition as statement {}: move its actions into that statement", b.index, a.index),
                ));
                break;
            }
            if a.actions == b.actions {
                out.push(Finding::new(
                    Rule::MergeableStatements,
                    b.ptr.clone(),
                    format!("statement {} has the same effect, principal, actions and condition as statement {}: move its resources into that statement", b.index, a.index),
                ));
                break;
            }
        }
    }
}

/// A statement reduced to what decides whether it repeats or merges with another.
struct Shape {
    index: usize,
    ptr: String,
    /// Everything but `Sid`, `Action` and `Resource`, canonical.
    frame: Value,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    /// `Action` and `Resource` (not `NotAction`/`NotResource`), so that merging is a union.
    plain: bool,
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
            frame: Value::Object(frame),
            actions: set(&s.action, true),
            resources: set(&s.resource, false),
            plain: s.action.is_some() && s.resource.is_some(),
        }
    }

    fn same_frame(&self, other: &Shape) -> bool {
        self.frame == other.frame
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
    for (i, (p, a)) in actions.items.iter().enumerate() {
        let by = actions.items.iter().enumerate().find(|(j, (_, other))| {
            *j != i
                && if other.eq_ignore_ascii_case(a) {
                    // The later of two equal items is the duplicate.
                    *j < i
                } else {
                    has_wildcard(other) && wildcard_matches_ignore_case(other, a)
                }
        });
        if let Some((_, (_, other))) = by {
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
}
