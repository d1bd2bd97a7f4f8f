//! One table per condition operator family: a condition, the request context, and whether the
//! condition holds. Each case runs through `check`, which puts the condition in an identity
//! policy that allows `s3:GetObject` and evaluates one request.
//!
//! The expectations follow AWS, "IAM JSON policy elements: Condition operators" and
//! "Conditions with multiple context keys or values"
//! (reference_policies_condition-logic-multiple-context-keys-or-values).
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failed unwrap or panic is a failed test"
)]

use mmpolicy_eval::{
    Context, ContextValue, Decision, EvalError, Policy, PolicySet, Principal, Request, ValueType,
    evaluate,
};
use serde_json::{Value, json};

/// The request context from a JSON object: a string is one value typed by the catalog's type
/// of the key (`String` when unknown), a list is a multi-valued key, a bool or number is
/// itself.
fn context(entries: &Value) -> Context {
    let catalog = mmpolicy_catalog::Catalog::embedded();
    let mut ctx = Context::new();
    let Value::Object(map) = entries else {
        panic!("context must be an object")
    };
    for (key, v) in map {
        let ty = mmpolicy_eval::key_type(key, catalog)
            .map_or(ValueType::String, |t| ValueType::of(t.base));
        let one = |v: &Value| match v {
            Value::String(s) => ContextValue::parse(ty, s).unwrap(),
            Value::Bool(b) => ContextValue::bool(*b),
            Value::Number(n) => ContextValue::number(n.as_f64().unwrap()),
            other => panic!("bad context value {other}"),
        };
        match v {
            Value::Array(items) => ctx.insert_list(key, items.iter().map(one).collect()),
            v => ctx.insert(key, one(v)),
        }
    }
    ctx
}

/// Evaluates `condition` against `entries` and asserts whether it holds.
fn check(condition: Value, entries: Value, holds: bool) {
    let policy = Policy::from_value(&json!({
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
    }))
    .unwrap_or_else(|e| panic!("{condition}: {e}"));
    let set = PolicySet::new().with_identity("p", policy);
    let request = Request::new(
        Principal::parse("arn:aws:iam::111122223333:user/alice").unwrap(),
        "s3:GetObject",
        "arn:aws:s3:::bucket/key",
    )
    .with_context(context(&entries));
    let got = evaluate(&set, &request).unwrap().decision;
    let want = if holds {
        Decision::Allowed
    } else {
        Decision::ImplicitlyDenied
    };
    assert_eq!(got, want, "condition {condition} with context {entries}");
}

/// Asserts that the condition is refused when read, with this error.
fn check_error(condition: Value, want: &str) {
    let err = Policy::from_value(&json!({
        "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": condition}
    }))
    .unwrap_err();
    assert_eq!(err.to_string(), want, "{condition}");
}

#[test]
fn string_operators() {
    let t = "aws:PrincipalTag/team";
    let cases = [
        (
            json!({"StringEquals": {t: "mail"}}),
            json!({t: "mail"}),
            true,
        ),
        (
            json!({"StringEquals": {t: "mail"}}),
            json!({t: "Mail"}),
            false,
        ),
        (
            json!({"StringEquals": {t: ["x", "mail"]}}),
            json!({t: "mail"}),
            true,
        ),
        (json!({"StringEquals": {t: "mail"}}), json!({}), false),
        (
            json!({"StringEquals": {t: "ma*"}}),
            json!({t: "mail"}),
            false,
        ),
        (
            json!({"StringNotEquals": {t: "mail"}}),
            json!({t: "ops"}),
            true,
        ),
        (
            json!({"StringNotEquals": {t: "mail"}}),
            json!({t: "mail"}),
            false,
        ),
        // Negated operators NOR the values.
        (
            json!({"StringNotEquals": {t: ["mail", "ops"]}}),
            json!({t: "ops"}),
            false,
        ),
        (
            json!({"StringNotEquals": {t: ["mail", "ops"]}}),
            json!({t: "dev"}),
            true,
        ),
        // A negated operator on a missing key is true.
        (json!({"StringNotEquals": {t: "mail"}}), json!({}), true),
        (json!({"StringNotLike": {t: "m*"}}), json!({}), true),
        (
            json!({"StringEqualsIgnoreCase": {t: "MAIL"}}),
            json!({t: "mail"}),
            true,
        ),
        (
            json!({"StringNotEqualsIgnoreCase": {t: "MAIL"}}),
            json!({t: "mail"}),
            false,
        ),
        (
            json!({"StringNotEqualsIgnoreCase": {t: "MAIL"}}),
            json!({}),
            true,
        ),
        (
            json!({"StringLike": {t: "ma?l*"}}),
            json!({t: "mail-ops"}),
            true,
        ),
        (
            json!({"StringLike": {t: "ma?l*"}}),
            json!({t: "Mail-ops"}),
            false,
        ),
        (
            json!({"StringNotLike": {t: "ma*"}}),
            json!({t: "ops"}),
            true,
        ),
        (
            json!({"StringNotLike": {t: "ma*"}}),
            json!({t: "mail"}),
            false,
        ),
        (
            json!({"StringEqualsIfExists": {t: "mail"}}),
            json!({}),
            true,
        ),
        (
            json!({"StringEqualsIfExists": {t: "mail"}}),
            json!({t: "ops"}),
            false,
        ),
        (
            json!({"StringNotEqualsIfExists": {t: "mail"}}),
            json!({}),
            true,
        ),
        // Keys are case-insensitive.
        (
            json!({"StringEquals": {"AWS:PRINCIPALTAG/TEAM": "mail"}}),
            json!({t: "mail"}),
            true,
        ),
        // Several keys under one operator are ANDed, several operators too.
        (
            json!({"StringEquals": {t: "mail", "aws:username": "alice"}}),
            json!({t: "mail"}),
            false,
        ),
        (
            json!({"StringEquals": {t: "mail"}, "StringLike": {"aws:username": "a*"}}),
            json!({t: "mail", "aws:username": "alice"}),
            true,
        ),
        // Numbers and booleans in the policy are their text.
        (json!({"StringEquals": {t: 42}}), json!({t: "42"}), true),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
}

#[test]
fn policy_variables_in_conditions() {
    let cases = [
        (
            json!({"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}),
            json!({"aws:PrincipalTag/owner": "alice", "aws:username": "alice"}),
            true,
        ),
        (
            json!({"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}),
            json!({"aws:PrincipalTag/owner": "alice", "aws:username": "bob"}),
            false,
        ),
        // A missing variable makes the value not match.
        (
            json!({"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}}),
            json!({"aws:PrincipalTag/owner": "alice"}),
            false,
        ),
        // ... unless it has a default.
        (
            json!({"StringEquals": {"aws:PrincipalTag/owner": "${aws:username, 'nobody'}"}}),
            json!({"aws:PrincipalTag/owner": "nobody"}),
            true,
        ),
        // The escapes are literal characters, no wildcard.
        (
            json!({"StringLike": {"aws:PrincipalTag/owner": "a${*}"}}),
            json!({"aws:PrincipalTag/owner": "a*"}),
            true,
        ),
        (
            json!({"StringLike": {"aws:PrincipalTag/owner": "a${*}"}}),
            json!({"aws:PrincipalTag/owner": "ab"}),
            false,
        ),
        (
            json!({"StringEquals": {"aws:PrincipalTag/owner": "${$}{x}${?}"}}),
            json!({"aws:PrincipalTag/owner": "${x}?"}),
            true,
        ),
        (
            json!({"StringLike": {"aws:PrincipalTag/owner": "${aws:username}/*"}}),
            json!({"aws:PrincipalTag/owner": "alice/x", "aws:username": "alice"}),
            true,
        ),
        (
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:ses:*:${aws:SourceAccount}:*"}}),
            json!({"aws:SourceArn": "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1", "aws:SourceAccount": "111122223333"}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
}

#[test]
fn numeric_operators() {
    let k = "aws:MultiFactorAuthAge";
    let cases = [
        (json!({"NumericEquals": {k: "10"}}), json!({k: "10"}), true),
        (json!({"NumericEquals": {k: 10}}), json!({k: "10.0"}), true),
        (json!({"NumericEquals": {k: "10"}}), json!({k: "11"}), false),
        (
            json!({"NumericNotEquals": {k: "10"}}),
            json!({k: "11"}),
            true,
        ),
        (
            json!({"NumericNotEquals": {k: ["10", "11"]}}),
            json!({k: "11"}),
            false,
        ),
        (json!({"NumericNotEquals": {k: "10"}}), json!({}), true),
        (
            json!({"NumericLessThan": {k: "3600"}}),
            json!({k: "60"}),
            true,
        ),
        (
            json!({"NumericLessThan": {k: "3600"}}),
            json!({k: "3600"}),
            false,
        ),
        (
            json!({"NumericLessThanEquals": {k: "3600"}}),
            json!({k: "3600"}),
            true,
        ),
        (
            json!({"NumericGreaterThan": {k: "3600"}}),
            json!({k: "3601"}),
            true,
        ),
        (
            json!({"NumericGreaterThanEquals": {k: "3600"}}),
            json!({k: "3599"}),
            false,
        ),
        (json!({"NumericLessThan": {k: "3600"}}), json!({}), false),
        (
            json!({"NumericLessThanIfExists": {k: "3600"}}),
            json!({}),
            true,
        ),
        (
            json!({"NumericLessThanIfExists": {k: "3600"}}),
            json!({k: "7200"}),
            false,
        ),
        // A request value of the wrong type does not match.
        (
            json!({"NumericEquals": {"aws:username": "1"}}),
            json!({"aws:username": "one"}),
            false,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
    check_error(
        json!({"NumericLessThan": {k: "ten"}}),
        "wrong value type at `/Statement/Condition/NumericLessThan/aws:MultiFactorAuthAge`: `ten` is not a number",
    );
}

#[test]
fn date_operators() {
    let k = "aws:CurrentTime";
    let cases = [
        (
            json!({"DateLessThan": {k: "2025-06-01T00:00:00Z"}}),
            json!({k: "2025-05-31T23:59:59Z"}),
            true,
        ),
        (
            json!({"DateLessThan": {k: "2025-06-01T00:00:00Z"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            false,
        ),
        (
            json!({"DateLessThanEquals": {k: "2025-06-01"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            true,
        ),
        (
            json!({"DateGreaterThan": {k: "2025-06-01T00:00:00Z"}}),
            json!({k: "2025-06-01T02:00:00+01:00"}),
            true,
        ),
        (
            json!({"DateGreaterThanEquals": {k: "1748736000"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            true,
        ),
        (
            json!({"DateEquals": {k: 1748736000}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            true,
        ),
        (
            json!({"DateNotEquals": {k: "2025-06-01T00:00:00Z"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            false,
        ),
        (
            json!({"DateNotEquals": {k: "2025-06-01T00:00:00Z"}}),
            json!({}),
            true,
        ),
        (
            json!({"DateLessThan": {k: "2025-06-01T00:00:00Z"}}),
            json!({}),
            false,
        ),
        (
            json!({"DateLessThanIfExists": {k: "2025-06-01T00:00:00Z"}}),
            json!({}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
    check_error(
        json!({"DateLessThan": {k: "yesterday"}}),
        "wrong value type at `/Statement/Condition/DateLessThan/aws:CurrentTime`: `yesterday` is not a date in ISO 8601 or epoch seconds",
    );
}

#[test]
fn bool_and_binary_operators() {
    let k = "aws:SecureTransport";
    let cases = [
        (json!({"Bool": {k: "true"}}), json!({k: true}), true),
        (json!({"Bool": {k: true}}), json!({k: true}), true),
        (json!({"Bool": {k: "false"}}), json!({k: true}), false),
        (json!({"Bool": {k: "TRUE"}}), json!({k: "true"}), true),
        // Bool is not a negated operator: a missing key is false.
        (json!({"Bool": {k: "false"}}), json!({}), false),
        (json!({"BoolIfExists": {k: "false"}}), json!({}), true),
        (
            json!({"BoolIfExists": {k: "false"}}),
            json!({k: true}),
            false,
        ),
        (
            json!({"BinaryEquals": {"aws:PrincipalTag/key": "QmluYXJ5"}}),
            json!({"aws:PrincipalTag/key": "QmluYXJ5"}),
            true,
        ),
        (
            json!({"BinaryEquals": {"aws:PrincipalTag/key": "QmluYXJ5"}}),
            json!({"aws:PrincipalTag/key": "QmluYXJ6"}),
            false,
        ),
        (
            json!({"BinaryEquals": {"aws:PrincipalTag/key": "QmluYXJ5"}}),
            json!({}),
            false,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
    check_error(
        json!({"Bool": {k: "yes"}}),
        "wrong value type at `/Statement/Condition/Bool/aws:SecureTransport`: `yes` is not `true` or `false`",
    );
}

#[test]
fn ip_operators() {
    let k = "aws:SourceIp";
    let cases = [
        (
            json!({"IpAddress": {k: "203.0.113.0/24"}}),
            json!({k: "203.0.113.7"}),
            true,
        ),
        (
            json!({"IpAddress": {k: "203.0.113.0/24"}}),
            json!({k: "198.51.100.7"}),
            false,
        ),
        (
            json!({"IpAddress": {k: ["198.51.100.0/24", "203.0.113.0/24"]}}),
            json!({k: "203.0.113.7"}),
            true,
        ),
        (
            json!({"IpAddress": {k: "203.0.113.7"}}),
            json!({k: "203.0.113.7"}),
            true,
        ),
        (
            json!({"IpAddress": {k: "2001:db8::/32"}}),
            json!({k: "2001:db8:1::5"}),
            true,
        ),
        (
            json!({"IpAddress": {k: "2001:db8::/32"}}),
            json!({k: "203.0.113.7"}),
            false,
        ),
        (
            json!({"NotIpAddress": {k: "203.0.113.0/24"}}),
            json!({k: "198.51.100.7"}),
            true,
        ),
        (
            json!({"NotIpAddress": {k: ["198.51.100.0/24", "203.0.113.0/24"]}}),
            json!({k: "198.51.100.7"}),
            false,
        ),
        (
            json!({"NotIpAddress": {k: "203.0.113.0/24"}}),
            json!({}),
            true,
        ),
        (
            json!({"IpAddress": {k: "203.0.113.0/24"}}),
            json!({}),
            false,
        ),
        (
            json!({"IpAddressIfExists": {k: "203.0.113.0/24"}}),
            json!({}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
    check_error(
        json!({"IpAddress": {k: "203.0.113.0/40"}}),
        "wrong value type at `/Statement/Condition/IpAddress/aws:SourceIp`: `203.0.113.0/40` is not an IP address or CIDR range",
    );
}

#[test]
fn arn_operators() {
    let k = "aws:SourceArn";
    let inp = "arn:aws:ses:eu-west-1:111122223333:mailmanager-ingress-point/inp-1";
    let cases = [
        (json!({"ArnEquals": {k: inp}}), json!({k: inp}), true),
        (
            json!({"ArnLike": {k: "arn:aws:ses:*:111122223333:mailmanager-ingress-point/*"}}),
            json!({k: inp}),
            true,
        ),
        (
            json!({"ArnEquals": {k: "arn:aws:ses:*:111122223333:mailmanager-ingress-point/*"}}),
            json!({k: inp}),
            true,
        ),
        // A wildcard in the region stays in the region.
        (
            json!({"ArnLike": {k: "arn:aws:ses:*:mailmanager-ingress-point/*"}}),
            json!({k: inp}),
            false,
        ),
        (
            json!({"ArnLike": {k: "arn:aws:ses:eu-west-1:444455556666:*"}}),
            json!({k: inp}),
            false,
        ),
        (
            json!({"ArnLike": {k: "arn:aws:SES:eu-west-1:111122223333:*"}}),
            json!({k: inp}),
            false,
        ),
        (
            json!({"ArnLike": {k: "arn:aws:ses:eu-west-?:111122223333:mailmanager-*"}}),
            json!({k: inp}),
            true,
        ),
        (json!({"ArnNotEquals": {k: inp}}), json!({k: inp}), false),
        (
            json!({"ArnNotLike": {k: "arn:aws:ses:*:444455556666:*"}}),
            json!({k: inp}),
            true,
        ),
        (
            json!({"ArnNotLike": {k: "arn:aws:ses:*:444455556666:*"}}),
            json!({}),
            true,
        ),
        (json!({"ArnLike": {k: "arn:aws:ses:*"}}), json!({}), false),
        (
            json!({"ArnLikeIfExists": {k: "arn:aws:ses:*"}}),
            json!({}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
}

#[test]
fn null_operator() {
    let k = "aws:TokenIssueTime";
    let cases = [
        (json!({"Null": {k: "true"}}), json!({}), true),
        (
            json!({"Null": {k: "true"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            false,
        ),
        (
            json!({"Null": {k: "false"}}),
            json!({k: "2025-06-01T00:00:00Z"}),
            true,
        ),
        (json!({"Null": {k: false}}), json!({}), false),
        // A key given with an empty list is present.
        (
            json!({"Null": {"aws:TagKeys": "true"}}),
            json!({"aws:TagKeys": []}),
            false,
        ),
        (
            json!({"Null": {"aws:TagKeys": "false"}}),
            json!({"aws:TagKeys": []}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
    check_error(
        json!({"Null": {k: "maybe"}}),
        "wrong value type at `/Statement/Condition/Null/aws:TokenIssueTime`: `maybe` is not `true` or `false`",
    );
}

#[test]
fn set_operators() {
    let k = "aws:TagKeys";
    let cases = [
        (
            json!({"ForAllValues:StringEquals": {k: ["env", "team"]}}),
            json!({k: ["env"]}),
            true,
        ),
        (
            json!({"ForAllValues:StringEquals": {k: ["env", "team"]}}),
            json!({k: ["env", "team"]}),
            true,
        ),
        (
            json!({"ForAllValues:StringEquals": {k: ["env", "team"]}}),
            json!({k: ["env", "cost"]}),
            false,
        ),
        // ForAllValues on an empty or missing key is true.
        (
            json!({"ForAllValues:StringEquals": {k: ["env"]}}),
            json!({k: []}),
            true,
        ),
        (
            json!({"ForAllValues:StringEquals": {k: ["env"]}}),
            json!({}),
            true,
        ),
        (
            json!({"ForAnyValue:StringEquals": {k: ["env", "team"]}}),
            json!({k: ["cost", "team"]}),
            true,
        ),
        (
            json!({"ForAnyValue:StringEquals": {k: ["env", "team"]}}),
            json!({k: ["cost"]}),
            false,
        ),
        // ForAnyValue on an empty or missing key is false.
        (
            json!({"ForAnyValue:StringEquals": {k: ["env"]}}),
            json!({k: []}),
            false,
        ),
        (
            json!({"ForAnyValue:StringEquals": {k: ["env"]}}),
            json!({}),
            false,
        ),
        // Negated: every value (ForAllValues) or one value (ForAnyValue) matches none.
        (
            json!({"ForAllValues:StringNotEquals": {k: ["env", "team"]}}),
            json!({k: ["cost", "owner"]}),
            true,
        ),
        (
            json!({"ForAllValues:StringNotEquals": {k: ["env", "team"]}}),
            json!({k: ["cost", "team"]}),
            false,
        ),
        (
            json!({"ForAllValues:StringNotEquals": {k: ["env"]}}),
            json!({}),
            true,
        ),
        (
            json!({"ForAnyValue:StringNotEquals": {k: ["env", "team"]}}),
            json!({k: ["cost", "team"]}),
            true,
        ),
        (
            json!({"ForAnyValue:StringNotEquals": {k: ["env", "team"]}}),
            json!({k: ["env", "team"]}),
            false,
        ),
        (
            json!({"ForAnyValue:StringNotEquals": {k: ["env"]}}),
            json!({}),
            false,
        ),
        (
            json!({"ForAnyValue:StringLike": {k: ["e*"]}}),
            json!({k: ["cost", "env"]}),
            true,
        ),
        (
            json!({"ForAllValues:StringLike": {k: ["e*", "t*"]}}),
            json!({k: ["env", "team"]}),
            true,
        ),
        // Without a set operator, a multi-valued key matches when any value does.
        (
            json!({"StringEquals": {k: "env"}}),
            json!({k: ["cost", "env"]}),
            true,
        ),
        (
            json!({"StringNotEquals": {k: "env"}}),
            json!({k: ["cost", "env"]}),
            false,
        ),
        (json!({"StringEquals": {k: "env"}}), json!({k: []}), false),
        // ForAnyValue on a missing key is false even with IfExists.
        (
            json!({"ForAnyValue:StringEqualsIfExists": {k: ["env"]}}),
            json!({}),
            false,
        ),
        (
            json!({"ForAllValues:StringEqualsIfExists": {k: ["env"]}}),
            json!({}),
            true,
        ),
    ];
    for (condition, entries, holds) in cases {
        check(condition, entries, holds);
    }
}

#[test]
fn operator_errors() {
    check_error(
        json!({"StringEqualz": {"aws:username": "alice"}}),
        "unknown condition operator `StringEqualz` at `/Statement/Condition/StringEqualz`: expected one of IAM's operators such as `StringEquals`, `ArnLike` or `NumericLessThan`, optionally with `ForAnyValue:`/`ForAllValues:` before it or `IfExists` after it",
    );
    check_error(
        json!({"NullIfExists": {"aws:username": "true"}}),
        "unknown condition operator `NullIfExists` at `/Statement/Condition/NullIfExists`: expected one of IAM's operators such as `StringEquals`, `ArnLike` or `NumericLessThan`, optionally with `ForAnyValue:`/`ForAllValues:` before it or `IfExists` after it",
    );
    check_error(
        json!({"StringEquals": "alice"}),
        "malformed policy at `/Statement/Condition/StringEquals`: `StringEquals` takes an object of condition keys and their values",
    );
    check_error(
        json!({"StringEquals": {"aws:username": []}}),
        "malformed policy at `/Statement/Condition/StringEquals/aws:username`: `aws:username` has no values: give at least one",
    );
    check_error(
        json!({"StringEquals": {"aws:username": {"a": 1}}}),
        "wrong value type at `/Statement/Condition/StringEquals/aws:username`: `{\"a\":1}` is not a string, number or boolean",
    );
    let err: EvalError = Policy::parse("{").unwrap_err();
    assert!(matches!(err, EvalError::Json { line: 1, .. }), "{err}");
}
