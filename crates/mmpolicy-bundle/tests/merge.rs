//! The linear merge gives the document the former pairwise merge gave, on every combination of
//! a set of small, overlapping statements.

#![allow(
    clippy::unwrap_used,
    reason = "test helpers fail the test on an unexpected error"
)]

use mmpolicy::{OneOrMany, PlannedPolicy, PolicyDocument, PolicyKind, Principal, Statement, Text};
use std::collections::BTreeSet;

/// The pairwise merge the bundle used before it grouped statements: the reference.
fn pairwise(parts: Vec<PlannedPolicy>) -> Vec<Statement> {
    fn same_but_resource(a: &Statement, b: &Statement) -> bool {
        fn actions(s: &Statement) -> Option<BTreeSet<&str>> {
            s.action.as_ref().map(|a| a.iter().collect())
        }
        a.effect == b.effect
            && a.principal == b.principal
            && a.not_principal == b.not_principal
            && a.not_action.is_none()
            && b.not_action.is_none()
            && a.not_resource.is_none()
            && b.not_resource.is_none()
            && a.resource.is_some()
            && b.resource.is_some()
            && a.action.is_some()
            && actions(a) == actions(b)
            && a.condition == b.condition
    }
    let mut statements: Vec<Statement> = Vec::new();
    for part in parts {
        for st in part.policy.statements() {
            if statements.contains(st) {
                continue;
            }
            if let Some(into) = statements.iter_mut().find(|o| same_but_resource(o, st)) {
                let mut all: Vec<Text> = into.resource.iter().flatten().cloned().collect();
                for r in st.resource.iter().flatten() {
                    if !all.contains(r) {
                        all.push(r.clone());
                    }
                }
                into.resource = Some(OneOrMany::from(all));
                continue;
            }
            let mut st = st.clone();
            if let Some(sid) = st.sid.clone() {
                let taken =
                    |s: &str, all: &[Statement]| all.iter().any(|o| o.sid.as_deref() == Some(s));
                let mut n = 2;
                let mut candidate = sid.clone();
                while taken(&candidate, &statements) {
                    candidate = format!("{sid}{n}").into();
                    n += 1;
                }
                st.sid = Some(candidate);
            }
            statements.push(st);
        }
    }
    statements
}

/// Small statements that overlap in every way the merge looks at.
fn pool() -> Vec<Statement> {
    let put = |r: &'static str| {
        Statement::allow()
            .sid("Put")
            .actions(&["s3:PutObject", "s3:PutObjectAcl"])
            .resources([r])
    };
    vec![
        put("a"),
        put("b"),
        Statement::allow()
            .sid("Put")
            .actions(&["s3:PutObjectAcl", "s3:PutObject"])
            .resources(["c", "a"]),
        Statement::allow()
            .sid("Put")
            .principal(Principal::service("sns.amazonaws.com"))
            .actions(&["s3:PutObject"])
            .resources(["a"]),
        Statement::allow()
            .sid("Kms")
            .actions(&["kms:Decrypt"])
            .resources(["k1"])
            .condition(
                "StringEquals",
                "kms:ViaService",
                ["s3.eu-west-1.amazonaws.com"],
            )
            .condition("StringEquals", "aws:SourceAccount", ["111122223333"]),
        Statement::allow()
            .sid("Kms")
            .actions(&["kms:Decrypt"])
            .resources(["k2"])
            .condition("StringEquals", "aws:SourceAccount", ["111122223333"])
            .condition(
                "StringEquals",
                "kms:ViaService",
                ["s3.eu-west-1.amazonaws.com"],
            ),
        Statement::allow()
            .sid("Kms2")
            .actions(&["kms:Decrypt"])
            .resources(["k3"]),
        Statement::allow().sid("Any").actions(&["sts:AssumeRole"]),
        Statement::allow().actions(&["sts:AssumeRole"]),
        Statement::allow()
            .resources(["x"])
            .actions(&["s3:GetObject"]),
    ]
}

fn part(statements: Vec<Statement>, provider: &'static str) -> PlannedPolicy {
    PlannedPolicy {
        file: "m.json".to_owned(),
        providers: vec![provider],
        kind: PolicyKind::Identity,
        attach_to: "role".to_owned(),
        target: role(),
        policy: PolicyDocument::new(statements),
        requests: Vec::new(),
    }
}

/// The role the merged policies go to.
fn role() -> mmpolicy_core::Target {
    mmpolicy_core::Target::RolePolicy {
        role: mmpolicy_core::RoleRef::Existing {
            role_name: "R".to_owned(),
        },
        policy_name: "p".to_owned(),
    }
}

#[test]
fn the_linear_merge_gives_what_the_pairwise_merge_gave() {
    let pool = pool();
    let n = pool.len();
    let mut checked = 0;
    // Every ordered pair and triple of pool statements, split over two parts, and each
    // statement twice in a row.
    for a in 0..n {
        for b in 0..n {
            for c in 0..n {
                let parts = || {
                    vec![
                        part(vec![pool[a].clone(), pool[b].clone()], "a.x"),
                        part(vec![pool[c].clone(), pool[a].clone()], "a.y"),
                    ]
                };
                let merged = mmpolicy_bundle::merge("m.json", "role", role(), parts());
                assert_eq!(
                    merged.policy.statements(),
                    pairwise(parts()).as_slice(),
                    "statements {a}, {b}, {c}"
                );
                assert_eq!(merged.providers, ["a.x", "a.y"]);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, n * n * n);
    let all = mmpolicy_bundle::merge("m.json", "role", role(), vec![part(pool.clone(), "a.x")]);
    assert_eq!(all.policy.statements(), pairwise(vec![part(pool, "a.x")]));
}
