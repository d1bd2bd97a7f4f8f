//! Requests decided per second on a Mail Manager-shaped policy set: the ingress secret's
//! resource policy and the key policy with the account statement, plus an identity policy;
//! `ses.amazonaws.com` reading the secret, a role decrypting with the key, near misses.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    reason = "criterion's macros generate undocumented functions; a failed unwrap fails the bench"
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use mmpolicy_eval::{Context, Policy, PolicySet, Principal, Request, ResourcePolicyKind, evaluate};
use std::hint::black_box;

const SECRET: &str = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:smtp-AbCdEf";
const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const INGRESS: &str = "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1";

fn policies() -> (PolicySet, PolicySet) {
    let conditions = serde_json::json!({
        "StringEquals": {"aws:SourceAccount": "111122223333"},
        "ArnLike": {"aws:SourceArn": "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/*"}
    });
    let secret = Policy::from_value(&serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "MailManager", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
         "Action": "secretsmanager:GetSecretValue", "Resource": "*", "Condition": conditions}]}))
    .unwrap();
    let key = Policy::from_value(&serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "MailManager", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"},
         "Action": ["kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*", "Condition": conditions},
        {"Sid": "NoHttp", "Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
         "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}}]}))
    .unwrap();
    let identity = Policy::from_value(&serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Decrypt", "Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": KEY},
        {"Sid": "Read", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": SECRET,
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "mail"}}}]}))
    .unwrap();
    (
        PolicySet::new()
            .with_identity("app", identity.clone())
            .with_resource("secret", ResourcePolicyKind::Secret, secret),
        PolicySet::new()
            .with_identity("app", identity)
            .with_resource("key", ResourcePolicyKind::Key, key),
    )
}

fn requests() -> Vec<(bool, Request)> {
    let ses = Principal::parse("ses.amazonaws.com").unwrap();
    let role = Principal::parse("arn:aws:sts::111122223333:assumed-role/app/i-0abc").unwrap();
    let source = |account: &str, arn: &str| {
        Context::new()
            .with_str("aws:SourceAccount", account)
            .with_str("aws:SourceArn", arn)
    };
    let ok = source("111122223333", INGRESS);
    let other = source(
        "444455556666",
        "arn:aws:ses:eu-west-1:444455556666:mailmanager-ingress-point/inp-1",
    );
    vec![
        (
            true,
            Request::new(ses.clone(), "secretsmanager:GetSecretValue", SECRET)
                .with_context(ok.clone()),
        ),
        (
            true,
            Request::new(ses.clone(), "secretsmanager:GetSecretValue", SECRET)
                .with_context(other.clone()),
        ),
        (
            false,
            Request::new(ses.clone(), "kms:Decrypt", KEY).with_context(ok),
        ),
        (
            false,
            Request::new(ses, "kms:Decrypt", KEY).with_context(other),
        ),
        (false, Request::new(role.clone(), "kms:Decrypt", KEY)),
        (
            true,
            Request::new(role, "secretsmanager:GetSecretValue", SECRET)
                .with_context(Context::new().with_str("aws:PrincipalTag/team", "mail")),
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let (secret, key) = policies();
    let requests = requests();
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("mail_manager_requests", |b| {
        b.iter(|| {
            for (on_secret, request) in &requests {
                let set = if *on_secret { &secret } else { &key };
                black_box(evaluate(black_box(set), black_box(request)).unwrap());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
