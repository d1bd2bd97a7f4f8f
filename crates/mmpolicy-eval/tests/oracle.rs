//! Differential test against `@cloud-copilot/iam-simulate` (the oracle, pinned in
//! `tests/oracle/package.json`): a few hundred generated cases (a fixed seed; actions,
//! resources, principals and conditions drawn from small alphabets) are decided by both, and
//! the decisions must agree, but for the disagreements listed in `known_disagreement`, each
//! with the AWS documentation that says who is right.
//!
//! The oracle is installed with `npm ci` into `tests/oracle/node_modules` (git-ignored) the
//! first time. Where Node.js or npm is absent, or the install fails, the test says so and
//! returns: the one test allowed to skip.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap or panic is a failed test"
)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use mmpolicy_catalog::Catalog;
use mmpolicy_eval::{
    Context, ContextValue, Decision, Policy, PolicySet, Principal, Request, ResourcePolicyKind,
    ValueType, evaluate,
};
use serde_json::{Value, json};

const CASES: u64 = 400;
const A: &str = "111111111111";
const B: &str = "222222222222";

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())].clone()
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The targets: action, resource, and the kind of the resource's policy.
const TARGETS: &[(&str, &str, &str)] = &[
    ("s3:GetObject", "arn:aws:s3:::bucket-a/docs/k1", "bucket"),
    ("s3:ListBucket", "arn:aws:s3:::bucket-a", "bucket"),
    (
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:us-east-1:111111111111:secret:s1-AbCdEf",
        "secret",
    ),
    (
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "key",
    ),
    (
        "sqs:SendMessage",
        "arn:aws:sqs:us-east-1:111111111111:q1",
        "other",
    ),
];

const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111111111111:user/alice",
    "arn:aws:iam::111111111111:role/app",
    "arn:aws:sts::111111111111:assumed-role/app/s1",
    "arn:aws:iam::222222222222:role/app",
    "ses.amazonaws.com",
];

const ACTIONS: &[&str] = &[
    "s3:GetObject",
    "s3:*",
    "S3:get*",
    "s3:List?ucket",
    "*",
    "secretsmanager:GetSecretValue",
    "secretsmanager:Get*",
    "kms:*",
    "kms:Decrypt",
    "kms:Encrypt",
    "sqs:SendMessage",
    "sns:Publish",
];

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::bucket-a/*",
    "arn:aws:s3:::bucket-?/docs/*",
    "arn:aws:s3:::bucket-a",
    "arn:aws:s3:::bucket-b/*",
    "arn:aws:s3:::bucket-a/${aws:username}/*",
    "arn:aws:*:us-east-1:111111111111:*",
    "arn:aws:secretsmanager:us-east-1:111111111111:secret:s1-*",
    "arn:aws:kms:*:111111111111:key/*",
    "arn:aws:sqs:us-east-1:222222222222:*",
];

const POLICY_PRINCIPALS: &[&str] = &[
    r#""*""#,
    r#"{"AWS": "*"}"#,
    r#"{"AWS": "111111111111"}"#,
    r#"{"AWS": "arn:aws:iam::111111111111:root"}"#,
    r#"{"AWS": "arn:aws:iam::111111111111:role/app"}"#,
    r#"{"AWS": "arn:aws:iam::111111111111:user/alice"}"#,
    r#"{"AWS": ["arn:aws:iam::222222222222:role/app", "arn:aws:iam::111111111111:user/bob"]}"#,
    r#"{"AWS": "222222222222"}"#,
    r#"{"Service": "ses.amazonaws.com"}"#,
];

/// A condition on a key from a small alphabet of operators and values.
fn condition(rng: &mut Rng) -> Value {
    let if_exists = if rng.chance(20) { "IfExists" } else { "" };
    let (op, key, values): (String, &str, Value) = match rng.below(9) {
        0 => (
            rng.pick(&[
                "StringEquals",
                "StringNotEquals",
                "StringLike",
                "StringNotLike",
            ])
            .into(),
            "aws:SourceAccount",
            json!(rng.pick(&[A, B, "1111*"])),
        ),
        1 => (
            rng.pick(&["ArnLike", "ArnNotLike", "ArnEquals"]).into(),
            "aws:SourceArn",
            json!(rng.pick(&[
                "arn:aws:ses:us-east-1:111111111111:mailmanager-ingress-point/inp-1",
                "arn:aws:ses:*:111111111111:mailmanager-ingress-point/*",
                "arn:aws:ses:us-east-1:222222222222:*",
            ])),
        ),
        2 => (
            rng.pick(&[
                "StringEquals",
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
            ])
            .into(),
            "aws:PrincipalTag/team",
            json!(rng.pick(&[
                json!("mail"),
                json!(["Mail", "ops"]),
                json!("${aws:username}")
            ])),
        ),
        3 => (
            rng.pick(&["IpAddress", "NotIpAddress"]).into(),
            "aws:SourceIp",
            json!(rng.pick(&["203.0.113.0/24", "10.0.0.0/8", "2001:db8::/32"])),
        ),
        4 => (
            rng.pick(&["DateLessThan", "DateGreaterThan", "DateNotEquals"])
                .into(),
            "aws:CurrentTime",
            json!(rng.pick(&["2025-06-01T00:00:00Z", "2025-01-01", "1748736000"])),
        ),
        5 => (
            "Bool".into(),
            "aws:SecureTransport",
            json!(rng.pick(&["true", "false"])),
        ),
        6 => (
            rng.pick(&[
                "NumericLessThan",
                "NumericGreaterThanEquals",
                "NumericNotEquals",
            ])
            .into(),
            "aws:MultiFactorAuthAge",
            json!(rng.pick(&["3600", "60"])),
        ),
        7 => {
            let set = rng.pick(&["ForAllValues:", "ForAnyValue:"]);
            let op = rng.pick(&["StringEquals", "StringNotEquals", "StringLike"]);
            (
                format!("{set}{op}"),
                "aws:TagKeys",
                json!(rng.pick(&[json!(["env", "team"]), json!("e*")])),
            )
        }
        _ => {
            let key = rng.pick(&["aws:SourceAccount", "aws:TagKeys", "aws:username"]);
            return json!({"Null": {key: rng.pick(&["true", "false"])}});
        }
    };
    json!({ format!("{op}{if_exists}"): { key: values } })
}

fn statement(rng: &mut Rng, principal: bool) -> Value {
    let mut s = serde_json::Map::new();
    s.insert(
        "Effect".into(),
        json!(if rng.chance(75) { "Allow" } else { "Deny" }),
    );
    let actions: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(ACTIONS)).collect();
    let key = if rng.chance(10) {
        "NotAction"
    } else {
        "Action"
    };
    s.insert(key.into(), json!(actions));
    let resources: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(RESOURCES)).collect();
    let key = if rng.chance(10) {
        "NotResource"
    } else {
        "Resource"
    };
    s.insert(key.into(), json!(resources));
    if principal {
        let p: Value = serde_json::from_str(rng.pick(POLICY_PRINCIPALS)).unwrap();
        let key = if rng.chance(8) {
            "NotPrincipal"
        } else {
            "Principal"
        };
        s.insert(key.into(), p);
    }
    if rng.chance(60) {
        let mut block = serde_json::Map::new();
        for _ in 0..1 + rng.below(2) {
            if let Value::Object(c) = condition(rng) {
                for (op, keys) in c {
                    block.insert(op, keys);
                }
            }
        }
        s.insert("Condition".into(), Value::Object(block));
    }
    Value::Object(s)
}

fn policy(rng: &mut Rng, principal: bool) -> Value {
    let statements: Vec<Value> = (0..1 + rng.below(2))
        .map(|_| statement(rng, principal))
        .collect();
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn context(rng: &mut Rng) -> serde_json::Map<String, Value> {
    let mut c = serde_json::Map::new();
    let mut maybe = |rng: &mut Rng, key: &str, value: Value| {
        if rng.chance(50) {
            c.insert(key.into(), value);
        }
    };
    let v = json!(rng.pick(&[A, B]));
    maybe(rng, "aws:SourceAccount", v);
    let v = json!(rng.pick(&[
        "arn:aws:ses:us-east-1:111111111111:mailmanager-ingress-point/inp-1",
        "arn:aws:ses:us-east-1:111111111111:mailmanager-ingress-point/inp-2",
        "arn:aws:ses:us-east-1:222222222222:mailmanager-ingress-point/inp-1",
    ]));
    maybe(rng, "aws:SourceArn", v);
    let v = json!(rng.pick(&["mail", "Mail", "ops", "alice"]));
    maybe(rng, "aws:PrincipalTag/team", v);
    let v = json!(rng.pick(&["alice", "bob"]));
    maybe(rng, "aws:username", v);
    let v = json!(rng.pick(&["203.0.113.7", "10.1.2.3", "2001:db8::1"]));
    maybe(rng, "aws:SourceIp", v);
    let v = json!(rng.pick(&[
        "2025-05-31T23:00:00Z",
        "2025-06-01T00:00:00Z",
        "2024-12-31T00:00:00Z"
    ]));
    maybe(rng, "aws:CurrentTime", v);
    let v = json!(rng.pick(&["true", "false"]));
    maybe(rng, "aws:SecureTransport", v);
    let v = json!(rng.pick(&["30", "3600", "7200"]));
    maybe(rng, "aws:MultiFactorAuthAge", v);
    let v = rng.pick(&[json!(["env"]), json!(["env", "cost"]), json!([])]);
    maybe(rng, "aws:TagKeys", v);
    c
}

/// One generated case, as the oracle reads it.
fn case(id: u64, rng: &mut Rng) -> Value {
    let principal = rng.pick(PRINCIPALS);
    let (action, resource, kind) = rng.pick(TARGETS);
    let identity: Vec<Value> = if principal.ends_with(".amazonaws.com") {
        Vec::new()
    } else {
        (0..rng.below(3))
            .map(|i| json!({"name": format!("identity-{i}"), "policy": policy(rng, false)}))
            .collect()
    };
    let resource_policy = if rng.chance(65) {
        policy(rng, true)
    } else {
        Value::Null
    };
    json!({
        "id": id,
        "identity": identity,
        "resource_policy": resource_policy,
        "kind": kind,
        "principal": principal,
        "action": action,
        "resource": resource,
        "resource_account": A,
        "context": context(rng),
    })
}

/// The Rust side's decision on a case.
fn decide(case: &Value) -> Decision {
    let mut set = PolicySet::new();
    for p in case["identity"].as_array().unwrap() {
        set = set.with_identity(
            p["name"].as_str().unwrap(),
            Policy::from_value(&p["policy"]).unwrap(),
        );
    }
    if !case["resource_policy"].is_null() {
        let kind = match case["kind"].as_str().unwrap() {
            "key" => ResourcePolicyKind::Key,
            "bucket" => ResourcePolicyKind::Bucket,
            "secret" => ResourcePolicyKind::Secret,
            _ => ResourcePolicyKind::Other,
        };
        set = set.with_resource(
            "resource",
            kind,
            Policy::from_value(&case["resource_policy"]).unwrap(),
        );
    }
    let mut context = Context::new();
    for (key, v) in case["context"].as_object().unwrap() {
        let ty = mmpolicy_eval::key_type(key, Catalog::embedded())
            .map_or(ValueType::String, |t| ValueType::of(t.base));
        match v {
            Value::Array(items) => context.insert_list(
                key,
                items
                    .iter()
                    .map(|i| ContextValue::parse(ty, i.as_str().unwrap()).unwrap())
                    .collect(),
            ),
            v => context.insert(key, ContextValue::parse(ty, v.as_str().unwrap()).unwrap()),
        }
    }
    let request = Request::new(
        Principal::parse(case["principal"].as_str().unwrap()).unwrap(),
        case["action"].as_str().unwrap(),
        case["resource"].as_str().unwrap(),
    )
    .with_resource_account(case["resource_account"].as_str().unwrap())
    .with_context(context);
    evaluate(&set, &request).unwrap().decision
}

/// Why the two may disagree on `case`, with the AWS documentation that says who is right;
/// `None` when they must agree.
fn known_disagreement(case: &Value, _ours: Decision, _oracle: &str) -> Option<&'static str> {
    // AWS, "IAM JSON policy elements: Condition operators", date condition operators: a date
    // value is "one of the variations of ISO 8601" or "epoch (UNIX) time", seconds since
    // 1970. The oracle (`condition/date/date.js`, `parseDate`) reads an epoch value as a
    // number of seconds but an ISO 8601 value with `Date.parse`, in milliseconds, and
    // compares the two: `DateLessThan 1748736000` (2025-06-01) is then never true of
    // `2025-05-31T23:00:00Z`. This crate reads both as seconds.
    if has_epoch_date_condition(case) {
        return Some("the oracle compares epoch seconds with ISO 8601 milliseconds");
    }
    None
}

/// Whether a policy of the case has a `Date*` condition with an epoch value.
fn has_epoch_date_condition(case: &Value) -> bool {
    let mut policies: Vec<&Value> = case["identity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| &p["policy"])
        .collect();
    policies.push(&case["resource_policy"]);
    policies.iter().any(|p| {
        p["Statement"].as_array().into_iter().flatten().any(|s| {
            s["Condition"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(op, keys)| {
                    let base = op.rsplit(':').next().unwrap_or(op);
                    base.starts_with("Date")
                        && keys.as_object().into_iter().flatten().any(|(_, v)| {
                            v.as_str()
                                .is_some_and(|t| t.bytes().all(|b| b.is_ascii_digit()))
                        })
                })
        })
    })
}

fn oracle_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle")
}

/// Installs the oracle if needed; `Err` says why it cannot run here.
fn install_oracle(dir: &Path) -> Result<(), String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("`node` is not installed".into());
    }
    if dir
        .join("node_modules/@cloud-copilot/iam-simulate/package.json")
        .is_file()
    {
        return Ok(());
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--silent"])
        .current_dir(dir)
        .status()
        .map_err(|e| format!("`npm` cannot run: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`npm ci` in {} failed ({status})", dir.display()))
    }
}

#[test]
fn agrees_with_iam_simulate() {
    let dir = oracle_dir();
    if let Err(why) = install_oracle(&dir) {
        println!(
            "skipped: the differential test needs Node.js and @cloud-copilot/iam-simulate: {why}"
        );
        return;
    }
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let cases: Vec<Value> = (0..CASES).map(|id| case(id, &mut rng)).collect();
    let mut child = Command::new("node")
        .arg("oracle.mjs")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&cases).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "the oracle failed");
    let answers: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(answers.len(), cases.len());
    let (mut agreed, mut explained, mut wrong) = (0, Vec::new(), Vec::new());
    for (case, answer) in cases.iter().zip(&answers) {
        let Some(oracle) = answer["decision"].as_str() else {
            wrong.push(format!(
                "case {}: the oracle refused it: {}\n{case}",
                case["id"], answer["error"]
            ));
            continue;
        };
        let ours = decide(case);
        if format!("{ours:?}") == oracle {
            agreed += 1;
        } else if let Some(why) = known_disagreement(case, ours, oracle) {
            explained.push(why);
        } else {
            wrong.push(format!(
                "case {}: ours {ours:?}, oracle {oracle}\n{case}",
                case["id"]
            ));
        }
    }
    println!(
        "{} cases: {agreed} agree, {} known disagreements",
        cases.len(),
        explained.len()
    );
    assert!(
        wrong.is_empty(),
        "{} unexplained disagreements:\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
    // The generator must exercise every outcome.
    for decision in ["Allowed", "ExplicitlyDenied", "ImplicitlyDenied"] {
        assert!(
            answers.iter().any(|a| a["decision"] == decision),
            "no case is {decision}"
        );
    }
}
