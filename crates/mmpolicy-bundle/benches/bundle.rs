//! Merging the policies of many rule actions into the rule set role's permission policy, as
//! `mmpolicy bundle` does: the time grows linearly with the number of actions.

#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented function"
)]
#![allow(
    clippy::unwrap_used,
    reason = "a bench fails loudly on a broken fixture"
)]

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use mmpolicy::{PlannedPolicy, PolicyKind};
use serde_json::json;

/// `n` Publish to SNS actions, each on its own topic, a third of them with a KMS key.
fn actions(n: usize) -> Vec<PlannedPolicy> {
    let provider = mmpolicy::registry()
        .get("rule-actions.publish-to-sns")
        .unwrap();
    (0..n)
        .map(|i| {
            let mut params = json!({
                "topic_arn": format!("arn:aws:sns:us-east-1:111122223333:topic-{i}"),
            });
            if i % 3 == 0 {
                params["kms_key_arn"] = json!(format!(
                    "arn:aws:kms:us-east-1:111122223333:key/{:08x}-12ab-34cd-56ef-1234567890ab",
                    i % 97
                ));
            }
            PlannedPolicy {
                file: "rule-actions.role-policy.json".to_owned(),
                providers: vec![provider.id()],
                kind: PolicyKind::Identity,
                attach_to: "the role".to_owned(),
                target: role(),
                policy: provider.render_value(&params).unwrap(),
                requests: Vec::new(),
            }
        })
        .collect()
}

fn merge(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge");
    group.sample_size(10);
    for n in [1_000, 10_000, 40_000] {
        let parts = actions(n);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("rule-actions", n), &parts, |b, parts| {
            b.iter_batched(
                || parts.clone(),
                |parts| mmpolicy_bundle::merge("role.json", "the role", role(), parts),
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);

/// The role the merged policies go to.
fn role() -> mmpolicy_core::Target {
    mmpolicy_core::Target::RolePolicy {
        role: mmpolicy_core::RoleRef::Existing {
            role_name: "R".to_owned(),
        },
        policy_name: "p".to_owned(),
    }
}
