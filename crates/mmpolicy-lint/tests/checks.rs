//! One test per check: a policy that triggers it and one that does not, through one
//! `check(kind, policy, expect)` helper. `expect` lists every finding as `CODE pointer`, so a
//! case also fails when some other check fires where it should not.
#![allow(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use mmpolicy_lint::{Catalog, KindSource, PolicyKind, Rule, Severity, lint, lint_str};
use serde_json::{Value, json};

/// Lints `policy` as `kind` (`"guess"` to guess) and compares the findings, as
/// `CODE pointer`, with `expect` in document order.
fn check(kind: &str, policy: Value, expect: &[&str]) {
    let kind = match kind {
        "guess" => None,
        k => Some(k.parse::<PolicyKind>().unwrap()),
    };
    let report = lint(&policy, kind, Catalog::embedded());
    let got: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.code(), f.pointer))
        .collect();
    let messages: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {}: {}", f.rule.code(), f.pointer, f.message))
        .collect();
    assert_eq!(got, expect, "\n{}", messages.join("\n"));
    for f in &report.findings {
        // The rules whose findings rest on the catalog's silence are warnings, and errors
        // when the name is a near miss of a known one (then they say which).
        let near_miss = matches!(
            f.rule,
            Rule::UnknownService
                | Rule::UnknownAction
                | Rule::UnknownConditionKey
                | Rule::UnknownResourceService
        ) && f.message.contains("did you mean");
        let expected = if near_miss {
            Severity::Error
        } else {
            f.rule.severity()
        };
        assert_eq!(f.severity, expected, "{}", f.message);
        let first = f.message.chars().next().unwrap();
        assert!(
            !first.is_ascii_uppercase(),
            "message starts uppercase: {}",
            f.message
        );
        assert!(
            !f.message.ends_with('.'),
            "message ends with a period: {}",
            f.message
        );
        assert!(
            !f.message.contains('\n'),
            "message spans lines: {}",
            f.message
        );
    }
}

const ARCHIVE: &str = "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1";
const ARCHIVE_ALL: &str = "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*";

/// A clean identity policy of one statement.
fn identity(statement: Value) -> Value {
    json!({ "Version": "2012-10-17", "Statement": [statement] })
}

/// A key policy of `statement` and AWS's default statement that lets the account manage the
/// key (without which S014 fires).
fn key_policy(statement: Value) -> Value {
    json!({ "Version": "2012-10-17", "Statement": [statement, key_admin()] })
}

fn key_admin() -> Value {
    json!({ "Sid": "EnableIamUserPermissions", "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "kms:*", "Resource": "*" })
}

fn read_archive() -> Value {
    json!({ "Sid": "ReadArchive", "Effect": "Allow", "Action": "ses:GetArchive", "Resource": ARCHIVE })
}

/// The statement of a key policy letting SES decrypt, with confused-deputy keys.
fn ses_key_statement() -> Value {
    json!({
        "Sid": "AllowSes", "Effect": "Allow",
        "Principal": { "Service": "ses.amazonaws.com" },
        "Action": "kms:Decrypt", "Resource": "*",
        "Condition": {
            "StringEquals": { "aws:SourceAccount": "111122223333" },
            "ArnLike": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*" }
        }
    })
}

fn with(mut v: Value, pointer: &str, new: Value) -> Value {
    *v.pointer_mut(pointer).unwrap() = new;
    v
}

fn without(mut v: Value, key: &str) -> Value {
    v.as_object_mut().unwrap().remove(key);
    v
}

#[test]
fn clean_policies() {
    check("identity", identity(read_archive()), &[]);
    check("key", key_policy(ses_key_statement()), &[]);
    check("guess", key_policy(ses_key_statement()), &[]);
}

// ---- grammar ----

#[test]
fn e001_not_an_object() {
    check("identity", json!("ses:GetArchive"), &["E001 "]);
    check("identity", json!(null), &["E001 "]);
}

#[test]
fn a_list_of_statements_is_linted_as_statements_to_merge() {
    // The statements are checked, at pointers into the list; no policy around them is.
    check("identity", json!([read_archive()]), &[]);
    let mut wide = read_archive();
    wide["Action"] = json!("ses:*");
    wide["Resource"] = json!("*");
    wide["Sid"] = json!("Wide");
    check(
        "identity",
        json!([read_archive(), wide]),
        &["S012 /1/Action"],
    );
    check("identity", json!([]), &["E006 "]);
    check("identity", json!([read_archive(), 7]), &["E007 /1"]);
}

#[test]
fn e002_e003_e004_version() {
    check(
        "identity",
        without(identity(read_archive()), "Version"),
        &["E002 "],
    );
    check(
        "identity",
        with(identity(read_archive()), "/Version", json!("2024-05-01")),
        &["E003 /Version"],
    );
    check(
        "identity",
        with(identity(read_archive()), "/Version", json!(2012)),
        &["E003 /Version"],
    );
    check(
        "identity",
        with(identity(read_archive()), "/Version", json!("2008-10-17")),
        &["E004 /Version"],
    );
}

#[test]
fn e005_unknown_element() {
    let mut p = identity(read_archive());
    p["Statment"] = json!([]);
    check("identity", p, &["E005 /Statment"]);
    let s = json!({ "Effect": "Allow", "Actions": "ses:GetArchive", "Resource": ARCHIVE });
    check(
        "identity",
        identity(s),
        &["E009 /Statement/0", "E005 /Statement/0/Actions"],
    );
}

#[test]
fn e006_missing_statement() {
    check("identity", json!({ "Version": "2012-10-17" }), &["E006 "]);
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [] }),
        &["E006 /Statement"],
    );
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": "x" }),
        &["E006 /Statement"],
    );
    // A bare statement: one finding, and the statement is still checked.
    check("identity", read_archive(), &["E006 "]);
    // `Statement` as one object is valid.
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": read_archive() }),
        &[],
    );
}

#[test]
fn e007_statement_not_object() {
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), "x"] }),
        &["E007 /Statement/1"],
    );
}

#[test]
fn e008_effect() {
    check(
        "identity",
        identity(with(read_archive(), "/Effect", json!("allow"))),
        &["E008 /Statement/0/Effect"],
    );
    check(
        "identity",
        identity(without(read_archive(), "Effect")),
        &["E008 /Statement/0"],
    );
}

#[test]
fn e009_e010_action() {
    check(
        "identity",
        identity(without(read_archive(), "Action")),
        &["E009 /Statement/0"],
    );
    let mut s = with(read_archive(), "/Effect", json!("Deny"));
    s["NotAction"] = json!("ses:DeleteArchive");
    check("identity", identity(s), &["E010 /Statement/0/NotAction"]);
}

#[test]
fn e011_e012_resource() {
    check(
        "identity",
        identity(without(read_archive(), "Resource")),
        &["E011 /Statement/0"],
    );
    let mut s = with(read_archive(), "/Effect", json!("Deny"));
    s["NotResource"] = json!(ARCHIVE);
    check("identity", identity(s), &["E012 /Statement/0/NotResource"]);
    // A trust policy has none.
    let trust = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "sts:AssumeRole" });
    check("trust", identity(trust), &[]);
}

#[test]
fn e013_principal_in_identity_policy() {
    let mut s = read_archive();
    s["Principal"] = json!({ "AWS": "111122223333" });
    check("identity", identity(s), &["E013 /Statement/0/Principal"]);
}

#[test]
fn e014_missing_principal() {
    check(
        "key",
        key_policy(without(ses_key_statement(), "Principal")),
        &["E014 /Statement/0"],
    );
    let bucket =
        json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" });
    check("bucket", identity(bucket), &["E014 /Statement/0"]);
}

#[test]
fn e015_resource_in_trust_policy() {
    let trust = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
        "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::111122223333:role/r" });
    check("trust", identity(trust), &["E015 /Statement/0/Resource"]);
}

#[test]
fn e016_resource_not_star() {
    let key_arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    check(
        "key",
        key_policy(with(ses_key_statement(), "/Resource", json!(key_arn))),
        &["E016 /Statement/0/Resource"],
    );
    let secret = with(
        ses_key_statement(),
        "/Action",
        json!("secretsmanager:GetSecretValue"),
    );
    check("secret", identity(secret.clone()), &[]);
    check(
        "secret",
        identity(with(
            secret,
            "/Resource",
            json!([
                "*",
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf"
            ]),
        )),
        &["E016 /Statement/0/Resource/1"],
    );
}

#[test]
fn e017_e018_sid() {
    check(
        "identity",
        identity(with(read_archive(), "/Sid", json!("Read-Archive"))),
        &["E017 /Statement/0/Sid"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Sid", json!("Read Archive"))),
        &["E017 /Statement/0/Sid"],
    );
    // Key policies accept spaces.
    check(
        "key",
        key_policy(with(
            ses_key_statement(),
            "/Sid",
            json!("Allow SES to decrypt"),
        )),
        &[],
    );
    let other = json!({ "Sid": "ReadArchive", "Effect": "Allow", "Action": "ses:SendEmail",
        "Resource": "arn:aws:ses:us-east-1:111122223333:identity/example.com" });
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), other] }),
        &["E018 /Statement/1/Sid"],
    );
}

#[test]
fn e019_invalid_character() {
    let s = json!({ "Effect": "Allow", "Action": "ses:GetArchive", "Resource": ARCHIVE,
        "Condition": { "StringEquals": { "aws:PrincipalTag/team": "mail\u{2192}ops" } } });
    check(
        "identity",
        identity(s),
        &["E019 /Statement/0/Condition/StringEquals/aws:PrincipalTag~1team"],
    );
    // Latin-1 is accepted.
    let s = json!({ "Effect": "Allow", "Action": "ses:GetArchive", "Resource": ARCHIVE,
        "Condition": { "StringEquals": { "aws:PrincipalTag/team": "équipe" } } });
    check("identity", identity(s), &[]);
}

#[test]
fn e020_policy_too_large() {
    let many = |n: usize| -> Value {
        let resources: Vec<String> = (0..n)
            .map(|i| {
                format!("arn:aws:ses:us-east-1:111122223333:mailmanager-archive/archive-{i:04}")
            })
            .collect();
        identity(json!({ "Effect": "Allow", "Action": "ses:GetArchive", "Resource": resources }))
    };
    // Each resource is 70 characters with quotes and comma: 100 fit in 6,144, 100 do not.
    check("identity", many(80), &[]);
    check("identity", many(100), &["E020 "]);
}

#[test]
fn e020_measures_the_text_as_written() {
    // White space does not count for identity policies: 5,000 spaces keep it small.
    let text = format!(
        "{{\"Version\": \"2012-10-17\",{}\"Statement\": [{{\"Effect\": \"Allow\", \"Action\": \"ses:GetArchive\", \"Resource\": \"{ARCHIVE}\"}}]}}",
        " ".repeat(5_000)
    );
    let report = lint_str(&text, Some(PolicyKind::Identity), Catalog::embedded()).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
    // For key policies, bytes count, white space included.
    let text = format!(
        "{{\"Version\": \"2012-10-17\",{}\"Statement\": [{}, {}]}}",
        " ".repeat(33_000),
        ses_key_statement(),
        key_admin()
    );
    let report = lint_str(&text, Some(PolicyKind::Key), Catalog::embedded()).unwrap();
    let codes: Vec<&str> = report.findings.iter().map(|f| f.rule.code()).collect();
    assert_eq!(codes, ["E020"]);
}

#[test]
fn e021_invalid_value() {
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!(5))),
        &["E021 /Statement/0/Action"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!([]))),
        &["E021 /Statement/0/Action"],
    );
    check(
        "identity",
        identity(with(
            read_archive(),
            "/Action",
            json!(["ses:GetArchive", 1]),
        )),
        &["E021 /Statement/0/Action/1"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Sid", json!(1))),
        &["E021 /Statement/0/Sid"],
    );
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": "x" });
    check(
        "identity",
        identity(s),
        &["E021 /Statement/0/Condition/StringEquals"],
    );
}

#[test]
fn e022_invalid_principal() {
    let s = with(
        ses_key_statement(),
        "/Principal",
        json!({ "Services": "ses.amazonaws.com" }),
    );
    check(
        "key",
        key_policy(s),
        &["E022 /Statement/0/Principal/Services"],
    );
    let s = with(
        ses_key_statement(),
        "/Principal",
        json!("ses.amazonaws.com"),
    );
    check("key", key_policy(s), &["E022 /Statement/0/Principal"]);
    let s = with(
        ses_key_statement(),
        "/Principal",
        json!({ "AWS": "my-role" }),
    );
    check("key", key_policy(s), &["E022 /Statement/0/Principal/AWS"]);
    let s = with(
        ses_key_statement(),
        "/Principal",
        json!({ "AWS": ["111122223333", "arn:aws:iam::111122223333:role/r"] }),
    );
    check("key", key_policy(s), &[]);
}

#[test]
fn e023_trust_action() {
    let trust = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
        "Action": ["sts:AssumeRole", "s3:GetObject"] });
    check("trust", identity(trust), &["E023 /Statement/0/Action/1"]);
}

/// The findings of `text` linted as `kind`, as `CODE pointer`.
fn codes_of_text(kind: PolicyKind, text: &str) -> Vec<String> {
    lint_str(text, Some(kind), Catalog::embedded())
        .unwrap()
        .findings
        .iter()
        .map(|f| format!("{} {}", f.rule.code(), f.pointer))
        .collect()
}

#[test]
fn e025_duplicate_key() {
    // Two `Action`s in one statement: the first is otherwise never seen.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "iam:PassRole", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#;
    assert_eq!(
        codes_of_text(PolicyKind::Identity, text),
        ["E025 /Statement/0/Action"]
    );
    // `Statement` twice, at the top.
    let text = r#"{"Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}],
        "Statement": [{"Effect": "Allow", "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1"}]}"#;
    let report = lint_str(text, Some(PolicyKind::Identity), Catalog::embedded()).unwrap();
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    let f = &report.findings[0];
    assert_eq!((f.rule, f.severity), (Rule::DuplicateKey, Severity::Error));
    assert_eq!(f.pointer, "/Statement");
    assert!(
        f.message
            .starts_with("the document has the key `Statement` more than once"),
        "{}",
        f.message
    );
    // Condition keys repeated under one operator, named by their pointer.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/team": "b"}}}]}"#;
    assert_eq!(
        codes_of_text(PolicyKind::Identity, text),
        ["E025 /Statement/0/Condition/StringEquals/aws:PrincipalTag~1team"]
    );
    // Keys that differ in case are different keys.
    let text = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Action": "ses:GetArchive", "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-1",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a", "aws:PrincipalTag/Team": "b"}}}]}"#;
    assert_eq!(
        codes_of_text(PolicyKind::Identity, text),
        Vec::<String>::new()
    );
}

// ---- catalog ----

#[test]
fn c001_c002_c003_c011_action_names() {
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("sesv9:GetArchive"))),
        &["C001 /Statement/0/Action"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("ses:GetArchives"))),
        &["C002 /Statement/0/Action"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("ses:GetArchiv*"))),
        &[],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("ses:Zap*"))),
        &["C003 /Statement/0/Action"],
    );
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("GetArchive"))),
        &["C011 /Statement/0/Action"],
    );
    // Case does not matter, as in IAM.
    check(
        "identity",
        identity(with(read_archive(), "/Action", json!("SES:getarchive"))),
        &[],
    );
}

#[test]
fn c002_suggests_the_closest_action() {
    let report = lint(
        &identity(with(read_archive(), "/Action", json!("ses:GetArchives"))),
        Some(PolicyKind::Identity),
        Catalog::embedded(),
    );
    assert!(
        report.findings[0]
            .message
            .contains("did you mean `ses:GetArchive`?"),
        "{}",
        report.findings[0].message
    );
}

#[test]
fn c004_resource_mismatch() {
    let list = json!({ "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::bucket/*" });
    check("identity", identity(list), &["C004 /Statement/0/Action"]);
    let both = json!({ "Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetObject"],
        "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"] });
    check("identity", identity(both), &[]);
    // A resource no action of the statement can use.
    let extra = json!({ "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": ["arn:aws:s3:::bucket/*", "arn:aws:ses:us-east-1:111122223333:identity/example.com"] });
    check(
        "identity",
        identity(extra),
        &["C004 /Statement/0/Resource/1"],
    );
    // A wildcard action applies when one of its actions does.
    let wild =
        json!({ "Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::bucket/*" });
    check("identity", identity(wild), &[]);
    let s3_on_archive = with(read_archive(), "/Action", json!("s3:GetObject"));
    check(
        "identity",
        identity(s3_on_archive),
        &["C004 /Statement/0/Action"],
    );
}

#[test]
fn c005_resource_needs_star() {
    let s = json!({ "Effect": "Allow", "Action": "ses:ListArchives", "Resource": ARCHIVE_ALL });
    check("identity", identity(s), &["C005 /Statement/0/Action"]);
    let s = json!({ "Effect": "Allow", "Action": "ses:ListArchives", "Resource": "*" });
    check("identity", identity(s), &[]);
}

#[test]
fn c006_malformed_arn() {
    check(
        "identity",
        identity(with(read_archive(), "/Resource", json!("arn:aws:ses"))),
        &["C006 /Statement/0/Resource"],
    );
    check(
        "identity",
        identity(with(
            read_archive(),
            "/Resource",
            json!("mailmanager-archive/a-1"),
        )),
        &["C006 /Statement/0/Resource"],
    );
    check(
        "identity",
        identity(with(
            read_archive(),
            "/Resource",
            json!("arn:aws:ses:us-east-1:12345:mailmanager-archive/a"),
        )),
        &["C006 /Statement/0/Resource"],
    );
    check(
        "identity",
        identity(with(
            read_archive(),
            "/Resource",
            json!("arn:amazon:ses:us-east-1:111122223333:mailmanager-archive/a"),
        )),
        &["C006 /Statement/0/Resource"],
    );
    let page = json!({ "Effect": "Allow", "Action": "workmail:DeliverToMailbox",
        "Resource": "arn:aws:workmail:us-east-1:888888888888:organization/MyWorkMailOrganizationID>" });
    check("identity", identity(page), &["C006 /Statement/0/Resource"]);
    // Policy variables and wildcards are fine.
    check(
        "identity",
        identity(with(
            read_archive(),
            "/Resource",
            json!("arn:${aws:partition}:ses:*:*:mailmanager-archive/*"),
        )),
        &[],
    );
}

#[test]
fn c007_unknown_operator() {
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEqual": { "aws:ResourceTag/team": "mail" } });
    check(
        "identity",
        identity(s),
        &["C007 /Statement/0/Condition/StringEqual"],
    );
    let mut s = read_archive();
    s["Condition"] =
        json!({ "ForAnyValue:StringEqualsIfExists": { "aws:ResourceTag/team": "mail" } });
    // The operator is known; the set prefix on a single-valued key is C012's business.
    check(
        "identity",
        identity(s),
        &["C012 /Statement/0/Condition/ForAnyValue:StringEqualsIfExists"],
    );
    let mut s = read_archive();
    s["Condition"] = json!({ "NullIfExists": { "aws:ResourceTag/team": "true" } });
    check(
        "identity",
        identity(s),
        &["C007 /Statement/0/Condition/NullIfExists"],
    );
}

#[test]
fn c012_set_operator_on_single_valued_key() {
    let cond = |c: Value| {
        let mut s =
            json!({ "Effect": "Allow", "Action": "ses:CreateArchive", "Resource": ARCHIVE_ALL });
        s["Condition"] = c;
        identity(s)
    };
    check(
        "identity",
        cond(json!({ "ForAnyValue:StringEquals": { "aws:RequestTag/team": ["mail", "ops"] } })),
        &["C012 /Statement/0/Condition/ForAnyValue:StringEquals"],
    );
    check(
        "identity",
        cond(json!({ "ForAllValues:StringLike": { "aws:PrincipalTag/team": "mail*" } })),
        &["C012 /Statement/0/Condition/ForAllValues:StringLike"],
    );
    // A multi-valued key (`ArrayOfString`), guarded: fine.
    check(
        "identity",
        cond(
            json!({ "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] },
            "Null": { "aws:TagKeys": "false" } }),
        ),
        &[],
    );
    check(
        "identity",
        cond(json!({ "ForAnyValue:StringEquals": { "aws:TagKeys": ["team"] } })),
        &[],
    );
    // The single-valued form of the same check: fine.
    check(
        "identity",
        cond(json!({ "StringEquals": { "aws:RequestTag/team": ["mail", "ops"] } })),
        &[],
    );
    // An identity provider's claims are typed loosely by the catalog (Cognito's `amr` holds
    // several values): not flagged.
    let trust = json!({ "Effect": "Allow", "Principal": { "Federated": "cognito-identity.amazonaws.com" },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": { "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "authenticated" } } });
    check("trust", identity(trust), &[]);
}

#[test]
fn c008_c009_condition_keys() {
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": { "ses:NoSuchKey": "x" } });
    check(
        "identity",
        identity(s),
        &["C008 /Statement/0/Condition/StringEquals/ses:NoSuchKey"],
    );
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": { "kms:ViaService": "ses.us-east-1.amazonaws.com" } });
    check(
        "identity",
        identity(s),
        &["C009 /Statement/0/Condition/StringEquals/kms:ViaService"],
    );
    // A resource key of the action's resource type, and a templated global key.
    let mut s = read_archive();
    s["Condition"] =
        json!({ "StringEquals": { "aws:ResourceTag/team": "mail", "aws:RequestTag/x": "y" } });
    check("identity", identity(s), &[]);
    // An identity provider's key in a trust policy.
    let trust = json!({ "Effect": "Allow", "Principal": { "Federated": "accounts.google.com" },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": { "StringEquals": { "accounts.google.com:aud": "123.apps.googleusercontent.com" } } });
    check("trust", identity(trust), &[]);
}

#[test]
fn c010_condition_type_mismatch() {
    let cond = |c: Value| {
        let mut s = read_archive();
        s["Condition"] = c;
        identity(s)
    };
    check(
        "identity",
        cond(json!({ "Bool": { "aws:SourceAccount": "true" } })),
        &["C010 /Statement/0/Condition/Bool/aws:SourceAccount"],
    );
    check(
        "identity",
        cond(json!({ "Bool": { "aws:MultiFactorAuthPresent": "yes" } })),
        &["C010 /Statement/0/Condition/Bool/aws:MultiFactorAuthPresent"],
    );
    check(
        "identity",
        cond(json!({ "Bool": { "aws:MultiFactorAuthPresent": true } })),
        &[],
    );
    check(
        "identity",
        cond(json!({ "NumericLessThan": { "aws:MultiFactorAuthAge": ["3600", "soon"] } })),
        &["C010 /Statement/0/Condition/NumericLessThan/aws:MultiFactorAuthAge/1"],
    );
    check(
        "identity",
        cond(json!({ "DateGreaterThan": { "aws:CurrentTime": "yesterday" } })),
        &["C010 /Statement/0/Condition/DateGreaterThan/aws:CurrentTime"],
    );
    check(
        "identity",
        cond(json!({ "DateGreaterThan": { "aws:CurrentTime": "2026-01-31T00:00:00Z" } })),
        &[],
    );
    check(
        "identity",
        cond(json!({ "IpAddress": { "aws:SourceIp": "10.0.0.0/33" } })),
        &["C010 /Statement/0/Condition/IpAddress/aws:SourceIp"],
    );
    check(
        "identity",
        cond(json!({ "IpAddress": { "aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"] } })),
        &[],
    );
    check(
        "identity",
        cond(json!({ "ArnLike": { "aws:SourceArn": "ses" } })),
        &["C010 /Statement/0/Condition/ArnLike/aws:SourceArn"],
    );
    check(
        "identity",
        cond(json!({ "ArnLike": { "aws:SourceAccount": "111122223333" } })),
        &["C010 /Statement/0/Condition/ArnLike/aws:SourceAccount"],
    );
    // Dates: a real month, day and time, or epoch seconds.
    for bad in [
        "2026-13-01",
        "2026-00-10",
        "2026-02-29",
        "2026-04-31",
        "2026-01-31T24:00:00Z",
        "2026-01-31T12:60:00Z",
        "2026-01-31T12:00:61Z",
        "2026-01-31T12:00:00+25:00",
        "2026-01-31T12",
        "2026-01-31 12:00:00",
        "2026-01-31T12:00:00ZZ",
    ] {
        check(
            "identity",
            cond(json!({ "DateGreaterThan": { "aws:CurrentTime": bad } })),
            &["C010 /Statement/0/Condition/DateGreaterThan/aws:CurrentTime"],
        );
    }
    for good in [
        "2024-02-29",
        "2026-12-31T23:59:59Z",
        "2026-01-31T12:00Z",
        "2026-01-31T12:00:00.123+01:00",
        "2026-01-31T12:00:00-05:30",
        "1767225600",
    ] {
        check(
            "identity",
            cond(json!({ "DateGreaterThan": { "aws:CurrentTime": good } })),
            &[],
        );
    }
    // Numbers: integers and decimals, no exponent.
    for bad in ["1e3", "ten", "NaN", "inf", "1.", ".5", "0x10", ""] {
        check(
            "identity",
            cond(json!({ "NumericLessThan": { "aws:MultiFactorAuthAge": bad } })),
            &["C010 /Statement/0/Condition/NumericLessThan/aws:MultiFactorAuthAge"],
        );
    }
    for good in [
        json!("3600"),
        json!("10.5"),
        json!("-3"),
        json!(3600),
        json!(10.5),
    ] {
        check(
            "identity",
            cond(json!({ "NumericLessThan": { "aws:MultiFactorAuthAge": good } })),
            &[],
        );
    }
    // String operators compare ARN keys too: `StringEquals` quietly, `StringLike` with a
    // security finding (S011) and no type mismatch.
    check(
        "identity",
        cond(
            json!({ "StringEquals": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/i-1" } }),
        ),
        &[],
    );
    check(
        "identity",
        cond(json!({ "StringLike": { "aws:SourceArn": "arn:aws:ses:*" } })),
        &["S011 /Statement/0/Condition/StringLike/aws:SourceArn"],
    );
    // `ArnLike` on a String key compares it as text: accepted, as Access Analyzer does.
    check(
        "identity",
        cond(json!({ "ArnLike": { "aws:PrincipalTag/team": "arn:aws:*" } })),
        &[],
    );
}

// ---- security ----

#[test]
fn s001_missing_confused_deputy_keys() {
    let s = without(ses_key_statement(), "Condition");
    check(
        "key",
        key_policy(s),
        &["S001 /Statement/0/Principal/Service"],
    );
    // One of the keys keeps other accounts out, or names the resource: a warning, as AWS
    // recommends both.
    let only = |c: Value| key_policy(with(ses_key_statement(), "/Condition", c));
    check(
        "key",
        only(json!({ "StringEquals": { "aws:SourceAccount": "111122223333" } })),
        &["S010 /Statement/0/Principal/Service"],
    );
    // `aws:SourceArn` alone that names the account (as AWS's documented bucket policies
    // write it) fixes the account: no finding; one that leaves the account open does not.
    check(
        "key",
        only(
            json!({ "ArnLike": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*" } }),
        ),
        &[],
    );
    check(
        "key",
        only(
            json!({ "ArnEquals": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/inp-1" } }),
        ),
        &[],
    );
    for open in [
        "arn:aws:ses:us-east-1:*:mailmanager-ingress-point/*",
        "arn:aws:ses:us-east-1::mailmanager-ingress-point/*",
        "arn:aws:ses:us-east-1:1111222233?3:mailmanager-ingress-point/*",
        "arn:aws:ses:us-east-1:${aws:PrincipalAccount}:mailmanager-ingress-point/*",
    ] {
        check(
            "key",
            only(json!({ "ArnLike": { "aws:SourceArn": [
                "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*", open] } })),
            &["S010 /Statement/0/Principal/Service"],
        );
    }
    // An organization-wide limit is the documented alternative.
    check(
        "key",
        only(json!({ "StringEquals": { "aws:SourceOrgID": "o-abcdefghij" } })),
        &[],
    );
    // Conditions that protect nothing count as none.
    for c in [
        json!({ "StringEquals": { "aws:SourceAccount": "*" }, "ArnLike": { "aws:SourceArn": "*" } }),
        json!({ "StringLike": { "aws:SourceAccount": "?*" } }),
        json!({ "StringEqualsIfExists": { "aws:SourceAccount": "111122223333" } }),
        json!({ "StringEqualsIfExists": { "aws:SourceAccount": "111122223333" },
            "ArnLikeIfExists": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-ingress-point/*" } }),
        json!({ "StringNotEquals": { "aws:SourceAccount": "444455556666" } }),
        json!({ "Null": { "aws:SourceArn": "false" } }),
    ] {
        check("key", only(c), &["S001 /Statement/0/Principal/Service"]);
    }
    // One real key beside one that protects nothing: the real one counts.
    check(
        "key",
        only(
            json!({ "StringEquals": { "aws:SourceAccount": "111122223333" },
            "ArnLike": { "aws:SourceArn": "*" } }),
        ),
        &["S010 /Statement/0/Principal/Service"],
    );
    // A partial wildcard still names something.
    check(
        "key",
        only(
            json!({ "StringEquals": { "aws:SourceAccount": "111122223333" },
            "ArnLike": { "aws:SourceArn": "arn:aws:ses:*:111122223333:*" } }),
        ),
        &[],
    );
    // A service not known to send them: no finding.
    let s = with(
        without(ses_key_statement(), "Condition"),
        "/Principal",
        json!({ "Service": "logs.us-east-1.amazonaws.com" }),
    );
    check("key", key_policy(s), &[]);
}

#[test]
fn s010_message_names_the_arn_that_leaves_the_account_open() {
    let s = with(
        ses_key_statement(),
        "/Condition",
        json!({ "ArnLike": { "aws:SourceArn": "arn:aws:ses:us-east-1:*:mailmanager-ingress-point/*" } }),
    );
    let report = lint(&key_policy(s), Some(PolicyKind::Key), Catalog::embedded());
    assert_eq!(report.findings.len(), 1);
    let message = &report.findings[0].message;
    assert!(
        message.contains(
            "`arn:aws:ses:us-east-1:*:mailmanager-ingress-point/*` leaves the account open"
        ),
        "{message}"
    );
    assert!(!message.contains("whose account is not fixed"), "{message}");
}

#[test]
fn s001_message_says_why_a_condition_protects_nothing() {
    let s = with(
        ses_key_statement(),
        "/Condition",
        json!({ "ArnLike": { "aws:SourceArn": "*" } }),
    );
    let report = lint(&key_policy(s), Some(PolicyKind::Key), Catalog::embedded());
    assert_eq!(report.findings.len(), 1);
    assert!(
        report.findings[0]
            .message
            .contains("`ArnLike` on `aws:SourceArn` with `\"*\"` names no specific value"),
        "{}",
        report.findings[0].message
    );
}

#[test]
fn s008_archive_features_are_not_limited_by_keys_they_do_not_send() {
    // Archive export, as AWS documents it: no confused-deputy key, and no finding.
    let export = json!({ "Effect": "Allow", "Principal": { "Service": "ses.amazonaws.com" },
        "Action": ["s3:ListBucket", "s3:GetBucketLocation"], "Resource": "arn:aws:s3:::bucket" });
    check("bucket", identity(export.clone()), &[]);
    // Requiring a key archive export never sends denies the export.
    let mut limited = export;
    limited["Condition"] = json!({ "StringEquals": { "aws:SourceAccount": "111122223333" } });
    check(
        "bucket",
        identity(limited),
        &["S008 /Statement/0/Principal/Service"],
    );
    // SES receipt rules writing with `s3:PutObject` alone do send them.
    let receipt = json!({ "Effect": "Allow", "Principal": { "Service": "ses.amazonaws.com" },
        "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*" });
    check(
        "bucket",
        identity(receipt),
        &["S001 /Statement/0/Principal/Service"],
    );
    // Archive encryption: `GenerateDataKey*` tells it from the ingress endpoint's `Decrypt`.
    let archive_key = json!({ "Effect": "Allow", "Principal": { "Service": "ses.amazonaws.com" },
        "Action": ["kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey"], "Resource": "*" });
    check("key", key_policy(archive_key.clone()), &[]);
    let mut limited = archive_key;
    limited["Condition"] = json!({ "StringEquals": { "aws:SourceAccount": "111122223333" },
        "ArnLike": { "aws:SourceArn": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/*" } });
    check(
        "key",
        key_policy(limited),
        &["S008 /Statement/0/Principal/Service"],
    );
}

#[test]
fn s012_wildcard_action_on_all_resources() {
    let grant = |action: Value, resource: Value| {
        identity(json!({ "Effect": "Allow", "Action": action, "Resource": resource }))
    };
    for action in ["s3:*", "ses:*", "S3:*"] {
        check(
            "identity",
            grant(json!(action), json!("*")),
            &["S012 /Statement/0/Action"],
        );
    }
    // The ARN form of every resource, and a list holding it.
    check(
        "identity",
        grant(
            json!("s3:*"),
            json!(["arn:aws:s3:::bucket/*", "arn:aws:s3:::*"]),
        ),
        &["S012 /Statement/0/Action"],
    );
    // `*` on `*`: full access, beside the `iam:PassRole` finding.
    check(
        "identity",
        grant(json!(["*"]), json!("*")),
        &["S012 /Statement/0/Action/0", "S005 /Statement/0/Resource"],
    );
    // Named resources, a Deny, or a key policy (where `"*"` is the key): no finding.
    check(
        "identity",
        grant(json!("s3:*"), json!("arn:aws:s3:::bucket/*")),
        &[],
    );
    check(
        "identity",
        identity(json!({ "Effect": "Deny", "Action": "s3:*", "Resource": "*" })),
        &[],
    );
    let root = json!({ "Sid": "EnableIamPolicies", "Effect": "Allow",
        "Principal": { "AWS": "arn:aws:iam::111122223333:root" }, "Action": "kms:*", "Resource": "*" });
    check("key", identity(root), &[]);
}

#[test]
fn s013_action_on_every_resource() {
    let grant = |action: Value, resource: Value| {
        identity(json!({ "Effect": "Allow", "Action": action, "Resource": resource }))
    };
    check(
        "identity",
        grant(json!("s3:GetObject"), json!("arn:aws:s3:::*")),
        &["S013 /Statement/0/Action"],
    );
    check(
        "identity",
        grant(
            json!("ses:GetArchive"),
            json!("arn:aws:ses:us-east-1:111122223333:*"),
        ),
        &["S013 /Statement/0/Action"],
    );
    // A named bucket, `"*"` itself for a named action, or an action of another service.
    check(
        "identity",
        grant(json!("s3:GetObject"), json!("arn:aws:s3:::bucket/*")),
        &[],
    );
    check("identity", grant(json!("s3:GetObject"), json!("*")), &[]);
    // An action that accepts no resource type needs `"*"`: C005 tells, not S013.
    check(
        "identity",
        grant(
            json!("ses:ListArchives"),
            json!("arn:aws:ses:us-east-1:111122223333:*"),
        ),
        &["C005 /Statement/0/Action"],
    );
    let report = lint(
        &grant(json!("s3:GetObject"), json!("arn:aws:s3:::*")),
        Some(PolicyKind::Identity),
        Catalog::embedded(),
    );
    assert!(
        report.findings[0].message.contains("every bucket"),
        "{}",
        report.findings[0].message
    );
}

#[test]
fn s014_key_without_administrator() {
    // Only the service statement: nobody of the account can manage the key.
    check("key", identity(ses_key_statement()), &["S014 /Statement"]);
    // The account root, its id, a role or a user of it, with `kms:*`, `*` or
    // `kms:PutKeyPolicy` (or a wildcard that covers it).
    for (principal, action) in [
        ("arn:aws:iam::111122223333:root", "kms:*"),
        ("111122223333", "kms:PutKeyPolicy"),
        ("arn:aws:iam::111122223333:role/KeyAdmins", "kms:Put*"),
        ("arn:aws-us-gov:iam::111122223333:user/admin", "kms:*"),
    ] {
        let admin = json!({ "Sid": "Admin", "Effect": "Allow", "Principal": { "AWS": principal },
            "Action": action, "Resource": "*" });
        let policy = json!({ "Version": "2012-10-17", "Statement": [ses_key_statement(), admin] });
        check("key", policy, &[]);
    }
    // Use without management, a Deny, or a service: still no administrator.
    for admin in [
        json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
            "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": "*" }),
        json!({ "Effect": "Deny", "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
            "Action": "kms:*", "Resource": "*" }),
        json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:group/admins" },
            "Action": "kms:*", "Resource": "*" }),
    ] {
        let policy = json!({ "Version": "2012-10-17", "Statement": [ses_key_statement(), admin] });
        let report = lint(&policy, Some(PolicyKind::Key), Catalog::embedded());
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.rule == Rule::KeyWithoutAdministrator),
            "{:?}",
            report.findings
        );
    }
    // Other kinds are not key policies.
    check("identity", identity(read_archive()), &[]);
}

#[test]
fn s002_unconditioned_star_principal() {
    let s = json!({ "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" });
    check(
        "bucket",
        identity(s.clone()),
        &["S002 /Statement/0/Principal"],
    );
    let s2 = with(s.clone(), "/Principal", json!({ "AWS": "*" }));
    check("bucket", identity(s2), &["S002 /Statement/0/Principal/AWS"]);
    let mut limited = s;
    limited["Condition"] = json!({ "StringEquals": { "aws:PrincipalOrgID": "o-abcdefghij" } });
    check("bucket", identity(limited), &[]);
}

#[test]
fn s003_s004_s009_allow_with_not() {
    let s = json!({ "Effect": "Allow", "NotAction": "iam:*", "Resource": "*" });
    check("identity", identity(s), &["S003 /Statement/0/NotAction"]);
    let s = json!({ "Effect": "Allow", "Action": "ses:GetArchive", "NotResource": ARCHIVE });
    check("identity", identity(s), &["S004 /Statement/0/NotResource"]);
    let s = json!({ "Effect": "Deny", "NotAction": "ses:GetArchive", "NotResource": ARCHIVE });
    check("identity", identity(s), &[]);
    let s = json!({ "Effect": "Allow", "NotPrincipal": { "AWS": "arn:aws:iam::111122223333:role/r" },
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" });
    check("bucket", identity(s), &["S009 /Statement/0/NotPrincipal"]);
}

#[test]
fn s005_pass_role_on_star() {
    let s = json!({ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*" });
    check("identity", identity(s), &["S005 /Statement/0/Resource"]);
    let s = json!({ "Effect": "Allow", "Action": "iam:Pass*", "Resource": ["*"] });
    check("identity", identity(s), &["S005 /Statement/0/Resource/0"]);
    let s = json!({ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/mail-rules" });
    check("identity", identity(s), &[]);
}

#[test]
fn s005_is_quiet_when_passed_to_service_limits_the_grant() {
    let pass = |condition: Value| {
        identity(
            json!({ "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Condition": condition }),
        )
    };
    check(
        "identity",
        pass(json!({ "StringEquals": { "iam:PassedToService": "ses.amazonaws.com" } })),
        &[],
    );
    check(
        "identity",
        pass(
            json!({ "ArnLike": { "iam:AssociatedResourceArn": "arn:aws:ses:*:111122223333:mailmanager-archive/*" } }),
        ),
        &[],
    );
    // `IfExists` lets a request without the key through: still a finding, as Access Analyzer
    // reports it.
    check(
        "identity",
        pass(json!({ "StringEqualsIfExists": { "iam:PassedToService": "ses.amazonaws.com" } })),
        &["S005 /Statement/0/Resource"],
    );
    // A wildcard service is no limit.
    check(
        "identity",
        pass(json!({ "StringLike": { "iam:PassedToService": "*" } })),
        &["S005 /Statement/0/Resource"],
    );
    // `NotResource` with `iam:PassRole` passes every role but those listed.
    let s = json!({ "Effect": "Allow", "Action": "iam:PassRole", "NotResource": "arn:aws:iam::111122223333:role/admin" });
    check(
        "identity",
        identity(s),
        &[
            "S004 /Statement/0/NotResource",
            "S005 /Statement/0/NotResource",
        ],
    );
}

#[test]
fn s011_string_like_on_an_arn_key() {
    let cond = |c: Value| {
        let mut s = read_archive();
        s["Condition"] = c;
        identity(s)
    };
    check(
        "identity",
        cond(
            json!({ "StringLike": { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/mail-*" } }),
        ),
        &["S011 /Statement/0/Condition/StringLike/aws:PrincipalArn"],
    );
    check(
        "identity",
        cond(
            json!({ "StringNotLikeIfExists": { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/mail-*" } }),
        ),
        &["S011 /Statement/0/Condition/StringNotLikeIfExists/aws:PrincipalArn"],
    );
    // `ArnLike` is the fix; `StringLike` on a String key is fine.
    check(
        "identity",
        cond(json!({ "ArnLike": { "aws:PrincipalArn": "arn:aws:iam::111122223333:role/mail-*" } })),
        &[],
    );
    check(
        "identity",
        cond(json!({ "StringLike": { "aws:PrincipalTag/team": "mail-*" } })),
        &[],
    );
}

#[test]
fn e026_service_principal_format() {
    let cond = |c: Value| {
        let mut s = read_archive();
        s["Condition"] = c;
        identity(s)
    };
    check(
        "identity",
        cond(
            json!({ "ForAnyValue:StringEquals": { "aws:CalledVia": ["athena.amazonaws.com", "application-signals.cloudwatch.amazonaws.com"] } }),
        ),
        &["E026 /Statement/0/Condition/ForAnyValue:StringEquals/aws:CalledVia/1"],
    );
    check(
        "identity",
        cond(json!({ "StringEquals": { "aws:PrincipalServiceName": "Athena" } })),
        &["E026 /Statement/0/Condition/StringEquals/aws:PrincipalServiceName"],
    );
    // The three suffixes AWS uses, a wildcard, a variable, and another key pass.
    check(
        "identity",
        cond(
            json!({ "ForAnyValue:StringEquals": { "aws:CalledVia": ["athena.amazonaws.com", "quicksight.amazon.com", "s3.amazonaws.com.cn"] } }),
        ),
        &[],
    );
    check(
        "identity",
        cond(json!({ "StringLike": { "aws:CalledViaFirst": "*.amazonaws.com" } })),
        &[],
    );
    check(
        "identity",
        cond(json!({ "StringEquals": { "aws:PrincipalTag/team": "not.a.service" } })),
        &[],
    );
}

#[test]
fn c014_unknown_resource_service() {
    let get = |resource: &str| {
        identity(json!({ "Effect": "Allow", "Action": "s3:GetObject", "Resource": resource }))
    };
    // Within one edit of `s3`: an error naming it (and the action matches no resource).
    check(
        "identity",
        get("arn:aws:s4:::bucket/*"),
        &["C004 /Statement/0/Action", "C014 /Statement/0/Resource"],
    );
    // Far from every known service: a warning resting on the data's silence.
    check(
        "identity",
        get("arn:aws:zzqfoo:us-east-1:111122223333:thing/*"),
        &["C004 /Statement/0/Action", "C014 /Statement/0/Resource"],
    );
    check("identity", get("arn:aws:s3:::bucket/*"), &[]);
    check("identity", get("arn:aws:*:::bucket/*"), &[]);
}

#[test]
fn c013_missing_set_qualifier() {
    let tag = |c: Value| {
        identity(
            json!({ "Effect": "Allow", "Action": "ses:TagResource", "Resource": ARCHIVE_ALL, "Condition": c }),
        )
    };
    check(
        "identity",
        tag(json!({ "StringEquals": { "aws:TagKeys": "team" } })),
        &["C013 /Statement/0/Condition/StringEquals"],
    );
    check(
        "identity",
        tag(json!({ "ForAnyValue:StringEquals": { "aws:TagKeys": "team" } })),
        &[],
    );
    // `Null` asks only whether the key is there.
    check(
        "identity",
        tag(json!({ "Null": { "aws:TagKeys": "false" } })),
        &[],
    );
}

#[test]
fn catalog_silence_is_a_warning_that_names_the_data() {
    let lint_one = |statement: Value| {
        let report = lint(
            &identity(statement),
            Some(PolicyKind::Identity),
            Catalog::embedded(),
        );
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        report.findings[0].clone()
    };
    let data = "the service authorization data of 2026-09-26";
    // A retired service, far from every known prefix.
    let f = lint_one(
        json!({ "Effect": "Allow", "Action": "elastic-inference:Connect", "Resource": "*" }),
    );
    assert_eq!(
        (f.rule, f.severity),
        (Rule::UnknownService, Severity::Warning)
    );
    assert!(
        f.message
            .starts_with(&format!("{data} lists no service `elastic-inference`")),
        "{}",
        f.message
    );
    // An action the data lacks, far from every known one.
    let f = lint_one(
        json!({ "Effect": "Allow", "Action": "ses:ExportEverythingNow", "Resource": "*" }),
    );
    assert_eq!(
        (f.rule, f.severity),
        (Rule::UnknownAction, Severity::Warning)
    );
    assert!(
        f.message.starts_with(&format!(
            "{data} lists no action `ExportEverythingNow` in `ses`"
        )),
        "{}",
        f.message
    );
    // An action the data lists with no resource type, on a specific ARN.
    let f = lint_one(
        json!({ "Effect": "Allow", "Action": "ses:ListArchives", "Resource": ARCHIVE_ALL }),
    );
    assert_eq!(
        (f.rule, f.severity),
        (Rule::ResourceNeedsStar, Severity::Warning)
    );
    assert!(
        f.message
            .contains(&format!("{data} lists no resource type for it")),
        "{}",
        f.message
    );
    // A key the data lacks.
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": { "ses:NoSuchKeyAtAll": "x" } });
    let f = lint_one(s);
    assert_eq!(
        (f.rule, f.severity),
        (Rule::UnknownConditionKey, Severity::Warning)
    );
    assert!(
        f.message.starts_with(&format!(
            "{data} lists no condition key `ses:NoSuchKeyAtAll`"
        )),
        "{}",
        f.message
    );
}

#[test]
fn a_near_miss_of_a_known_name_is_an_error_with_the_name() {
    let lint_one = |statement: Value| {
        let report = lint(
            &identity(statement),
            Some(PolicyKind::Identity),
            Catalog::embedded(),
        );
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        report.findings[0].clone()
    };
    let f = lint_one(json!({ "Effect": "Allow", "Action": "s3:ListBuckets", "Resource": "*" }));
    assert_eq!((f.rule, f.severity), (Rule::UnknownAction, Severity::Error));
    assert!(
        f.message.ends_with("did you mean `s3:ListBucket`?"),
        "{}",
        f.message
    );
    let f = lint_one(json!({ "Effect": "Allow", "Action": "sess:GetArchive", "Resource": "*" }));
    assert_eq!(
        (f.rule, f.severity),
        (Rule::UnknownService, Severity::Error)
    );
    assert!(f.message.ends_with("did you mean `ses`?"), "{}", f.message);
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": { "aws:PrincipalAcount": "111122223333" } });
    let f = lint_one(s);
    assert_eq!(
        (f.rule, f.severity),
        (Rule::UnknownConditionKey, Severity::Error)
    );
    assert!(
        f.message.ends_with("did you mean `aws:PrincipalAccount`?"),
        "{}",
        f.message
    );
}

#[test]
fn s006_unguarded_for_all_values() {
    let s = json!({ "Effect": "Allow", "Action": "ses:CreateArchive", "Resource": ARCHIVE_ALL,
        "Condition": { "ForAllValues:StringEquals": { "aws:TagKeys": ["team"] } } });
    check(
        "identity",
        identity(s.clone()),
        &["S006 /Statement/0/Condition/ForAllValues:StringEquals"],
    );
    let mut guarded = s.clone();
    guarded["Condition"]["Null"] = json!({ "aws:TagKeys": "false" });
    check("identity", identity(guarded), &[]);
    // A required request tag implies a non-empty `aws:TagKeys`.
    let mut tagged = s.clone();
    tagged["Condition"]["StringEquals"] = json!({ "aws:RequestTag/team": "mail" });
    check("identity", identity(tagged), &[]);
    // ... but not when the tag may be absent.
    let mut maybe = s;
    maybe["Condition"]["StringEqualsIfExists"] = json!({ "aws:RequestTag/team": "mail" });
    check(
        "identity",
        identity(maybe),
        &["S006 /Statement/0/Condition/ForAllValues:StringEquals"],
    );
}

#[test]
fn s007_group_principal() {
    let s = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:group/admins" },
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" });
    check("bucket", identity(s), &["S007 /Statement/0/Principal/AWS"]);
    let s = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:user/admins" },
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*" });
    check("bucket", identity(s), &[]);
}

// ---- suggestions ----

#[test]
fn u001_duplicate_statement() {
    let dup = with(read_archive(), "/Sid", json!("Again"));
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), dup] }),
        &["U001 /Statement/1"],
    );
    // A one-item list and a string are the same.
    let dup = with(
        without(read_archive(), "Sid"),
        "/Action",
        json!(["ses:GetArchive"]),
    );
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), dup] }),
        &["U001 /Statement/1"],
    );
}

#[test]
fn u002_duplicate_action() {
    let s = with(
        read_archive(),
        "/Action",
        json!(["ses:GetArchive", "ses:getarchive"]),
    );
    check("identity", identity(s), &["U002 /Statement/0/Action/1"]);
    let s = json!({ "Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:GenerateDataKey*"],
        "Resource": "arn:aws:kms:us-east-1:111122223333:key/k" });
    check("identity", identity(s), &["U002 /Statement/0/Action/0"]);
    let s = with(
        read_archive(),
        "/Action",
        json!(["ses:GetArchive", "ses:UpdateArchive"]),
    );
    check("identity", identity(s), &[]);
}

#[test]
fn u003_mergeable_statements() {
    let update = json!({ "Effect": "Allow", "Action": "ses:UpdateArchive", "Resource": ARCHIVE });
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), update] }),
        &["U003 /Statement/1"],
    );
    let other = json!({ "Effect": "Allow", "Action": "ses:GetArchive",
        "Resource": "arn:aws:ses:us-east-1:111122223333:mailmanager-archive/a-2" });
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), other] }),
        &["U003 /Statement/1"],
    );
    // Two statements with a `Sid` each are kept apart on purpose: no suggestion; a third
    // without one merges with the first.
    let named = |sid: &str, action: &str| json!({ "Sid": sid, "Effect": "Allow", "Action": action, "Resource": ARCHIVE });
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [
            named("ReadArchive", "ses:GetArchive"), named("UpdateArchive", "ses:UpdateArchive"),
            json!({ "Effect": "Allow", "Action": "ses:DeleteArchive", "Resource": ARCHIVE })] }),
        &["U003 /Statement/2"],
    );
    // Different conditions: not mergeable.
    let mut cond = json!({ "Effect": "Allow", "Action": "ses:UpdateArchive", "Resource": ARCHIVE });
    cond["Condition"] = json!({ "Bool": { "aws:MultiFactorAuthPresent": "true" } });
    check(
        "identity",
        json!({ "Version": "2012-10-17", "Statement": [read_archive(), cond] }),
        &[],
    );
}

// ---- kinds ----

#[test]
fn kind_is_guessed_and_said() {
    let guess = |v: Value| lint(&v, None, Catalog::embedded());
    let r = guess(identity(read_archive()));
    assert_eq!(r.kind, Some(PolicyKind::Identity));
    assert_eq!(
        r.kind_source,
        KindSource::Guessed("no statement names a principal".into())
    );
    assert_eq!(
        guess(identity(ses_key_statement())).kind,
        Some(PolicyKind::Key)
    );
    let trust = json!({ "Effect": "Allow", "Principal": { "Service": "ses.amazonaws.com" }, "Action": "sts:AssumeRole",
        "Condition": { "StringEquals": { "aws:SourceAccount": "111122223333" } } });
    assert_eq!(guess(identity(trust)).kind, Some(PolicyKind::Trust));
    let secret = with(
        ses_key_statement(),
        "/Action",
        json!("secretsmanager:GetSecretValue"),
    );
    assert_eq!(guess(identity(secret)).kind, Some(PolicyKind::Secret));
    let bucket = json!({ "Effect": "Allow", "Principal": { "AWS": "111122223333" }, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*" });
    assert_eq!(guess(identity(bucket)).kind, Some(PolicyKind::Bucket));
    let mixed = with(
        ses_key_statement(),
        "/Action",
        json!(["kms:Decrypt", "s3:GetObject"]),
    );
    let r = guess(identity(mixed));
    assert_eq!(r.kind, None);
    assert_eq!(
        r.kind_source,
        KindSource::Unknown(
            "principals with actions of several services (`kms`, `s3`): pass `--kind`".into()
        )
    );
    let star = with(ses_key_statement(), "/Action", json!("*"));
    assert_eq!(
        guess(identity(star)).kind_source,
        KindSource::Unknown("principals with the action `*` (every service): pass `--kind`".into())
    );
    let sns = with(ses_key_statement(), "/Action", json!("sns:Publish"));
    assert_eq!(
        guess(identity(sns)).kind_source,
        KindSource::Unknown("principals with actions of `sns` only, which is none of the trust (`sts`), key (`kms`), secret (`secretsmanager`) or bucket (`s3`) kinds: pass `--kind`".into())
    );
    // Given kinds are not guessed.
    let r = lint(
        &identity(read_archive()),
        Some(PolicyKind::Identity),
        Catalog::embedded(),
    );
    assert_eq!(r.kind_source, KindSource::Given);
}

#[test]
fn a_trust_policy_with_a_resource_is_guessed_as_trust() {
    let trust = json!({ "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111122223333:root" },
        "Action": ["sts:AssumeRole", "sts:TagSession"], "Resource": "*" });
    check(
        "guess",
        identity(trust.clone()),
        &["E015 /Statement/0/Resource"],
    );
    let r = lint(&identity(trust), None, Catalog::embedded());
    assert_eq!(r.kind, Some(PolicyKind::Trust));
    assert_eq!(
        r.kind_source,
        KindSource::Guessed("principals with only `sts:` actions".into())
    );
}

#[test]
fn a_byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", identity(read_archive()));
    let report = lint_str(&text, Some(PolicyKind::Identity), Catalog::embedded()).unwrap();
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn invalid_json_is_an_error_with_its_place() {
    let err = lint_str("{\n  \"Version\": ", None, Catalog::embedded()).unwrap_err();
    assert_eq!(err.line, 2);
    assert_eq!(
        err.to_string(),
        "not valid JSON at line 2 column 13: EOF while parsing a value"
    );
}

#[test]
fn rules_are_unique_and_documented() {
    let mut codes: Vec<&str> = Rule::ALL.iter().map(|r| r.code()).collect();
    let mut names: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    codes.sort();
    codes.dedup();
    names.sort();
    names.dedup();
    assert_eq!(codes.len(), Rule::ALL.len());
    assert_eq!(names.len(), Rule::ALL.len());
    for r in Rule::ALL {
        assert!(!r.summary().is_empty());
        let code = r.code();
        let expected = match &code[..1] {
            "E" | "C" => vec![Severity::Error, Severity::Warning],
            "S" => vec![Severity::Security, Severity::Warning, Severity::Suggestion],
            "U" => vec![Severity::Suggestion],
            _ => vec![],
        };
        assert!(
            expected.contains(&r.severity()),
            "{code} has severity {}",
            r.severity()
        );
    }
}

#[test]
fn oidc_provider_claims_are_condition_keys() {
    let trust = json!({ "Effect": "Allow",
        "Principal": { "Federated": "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            "StringLike": { "token.actions.githubusercontent.com:sub": "repo:o/r:*" } } });
    check("trust", identity(trust), &[]);
    // A prefix that is neither a service nor a provider's URL is still unknown.
    let mut s = read_archive();
    s["Condition"] = json!({ "StringEquals": { "nosuchservice:key": "x" } });
    check(
        "identity",
        identity(s),
        &["C008 /Statement/0/Condition/StringEquals/nosuchservice:key"],
    );
}

#[test]
fn e024_bucket_resource() {
    let s = json!({ "Effect": "Allow", "Principal": { "AWS": "111122223333" }, "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": ["arn:aws:s3:::bucket", "arn:aws:s3:::bucket/*"] });
    check("bucket", identity(s.clone()), &[]);
    let other = with(s.clone(), "/Resource/1", json!("arn:aws:s3:::other/*"));
    check("bucket", identity(other), &["E024 /Statement/0/Resource/1"]);
    let kms = with(
        s,
        "/Resource/1",
        json!("arn:aws:kms:us-east-1:111122223333:key/k"),
    );
    // The catalog checks agree: `s3:GetObject` has no object left, the key no action.
    check(
        "bucket",
        identity(kms),
        &[
            "C004 /Statement/0/Action/0",
            "E024 /Statement/0/Resource/1",
            "C004 /Statement/0/Resource/1",
        ],
    );
}

// ---- large documents: every check finishes, and the size finding is there ----

/// The first `n` actions of the catalog, service after service.
fn catalog_actions(n: usize) -> Vec<String> {
    let catalog = Catalog::embedded();
    let mut actions = Vec::new();
    for prefix in catalog.prefixes() {
        let service = catalog.service(prefix).unwrap();
        for a in service.actions() {
            if !a.name().eq_ignore_ascii_case("PassRole") {
                actions.push(format!("{prefix}:{}", a.name()));
            }
        }
        if actions.len() >= n {
            break;
        }
    }
    actions.truncate(n);
    assert_eq!(actions.len(), n);
    actions
}

#[test]
fn a_policy_of_thousands_of_actions_and_resources_is_linted() {
    let actions = catalog_actions(5_000);
    let resources: Vec<String> = (0..500)
        .map(|i| format!("arn:aws:s3:::bucket-{i}/*"))
        .collect();
    let policy = identity(json!({ "Effect": "Allow", "Action": actions, "Resource": resources }));
    let report = lint(&policy, Some(PolicyKind::Identity), Catalog::embedded());
    let size: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::PolicyTooLarge)
        .map(|f| f.pointer.as_str())
        .collect();
    assert_eq!(size, [""]);
    // Distinct actions: nothing listed twice.
    assert!(
        report
            .findings
            .iter()
            .all(|f| f.rule != Rule::DuplicateAction)
    );
    // `s3:GetObject` applies to the objects: not reported.
    let get_object = actions.iter().position(|a| a == "s3:GetObject");
    if let Some(i) = get_object {
        let p = format!("/Statement/0/Action/{i}");
        assert!(report.findings.iter().all(|f| f.pointer != p));
    }
}

#[test]
fn a_policy_of_thousands_of_statements_is_linted() {
    let actions = catalog_actions(2_000);
    let mut statements: Vec<Value> = actions
        .iter()
        .map(|a| json!({ "Effect": "Allow", "Action": a, "Resource": "*" }))
        .collect();
    statements.push(statements[5].clone());
    let policy = json!({ "Version": "2012-10-17", "Statement": statements });
    let mut expect = vec!["E020 ".to_owned()];
    expect.extend((1..2_000).map(|i| format!("U003 /Statement/{i}")));
    expect.push("U001 /Statement/2000".to_owned());
    let expect: Vec<&str> = expect.iter().map(String::as_str).collect();
    check("identity", policy, &expect);
    // Each statement merges with the first, and the repeat names the one it repeats.
    let report = lint(
        &json!({ "Version": "2012-10-17", "Statement": statements }),
        Some(PolicyKind::Identity),
        Catalog::embedded(),
    );
    let last = report.findings.last().unwrap();
    assert_eq!(
        last.message,
        "statement 2000 repeats statement 5 (apart from `Sid`): remove it"
    );
    assert!(report.findings[1].message.contains("as statement 0"));
}

#[test]
fn u002_on_many_actions_with_wildcards() {
    // Wildcards beside thousands of actions: the ones they cover are still found.
    let mut actions = catalog_actions(3_000);
    let covered = actions[10].clone();
    let service = covered.split(':').next().unwrap().to_owned();
    actions.push(format!("{service}:*"));
    actions.push(actions[20].to_ascii_uppercase());
    let policy = identity(json!({ "Effect": "Allow", "Action": actions, "Resource": "*" }));
    let report = lint(&policy, Some(PolicyKind::Identity), Catalog::embedded());
    let dup: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::DuplicateAction)
        .map(|f| f.pointer.as_str())
        .collect();
    assert!(dup.contains(&"/Statement/0/Action/10"), "{dup:?}");
    assert!(dup.contains(&"/Statement/0/Action/3001"), "{dup:?}");
}

#[test]
fn thousands_of_unknown_actions_get_the_generic_hint_after_a_hundred() {
    // Two edits from `GetArchive` each (`GetArchivaa`, `GetArchivab`, ...): near misses.
    let actions: Vec<String> = (0..150u8)
        .map(|i| {
            let (a, b) = (char::from(b'a' + i / 26), char::from(b'a' + i % 26));
            format!("ses:GetArchiv{a}{b}")
        })
        .collect();
    let policy = identity(json!({ "Effect": "Allow", "Action": actions, "Resource": "*" }));
    let report = lint(&policy, Some(PolicyKind::Identity), Catalog::embedded());
    let unknown: Vec<&str> = report
        .findings
        .iter()
        .filter(|f| f.rule == Rule::UnknownAction)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unknown.len(), 150);
    assert_eq!(
        unknown[0],
        "`ses:GetArchivaa` is not an action of `ses`: did you mean `ses:GetArchive`?"
    );
    assert_eq!(
        unknown
            .iter()
            .filter(|m| m.contains("did you mean"))
            .count(),
        100
    );
    assert_eq!(
        unknown[149],
        "the service authorization data of 2026-09-26 lists no action `GetArchivft` in `ses`: the action may be retired or newer than the data; check the name in the `ses` service authorization reference"
    );
}

#[test]
fn many_conditions_on_thousands_of_actions_are_checked() {
    let actions = catalog_actions(2_000);
    assert!(actions.iter().all(|a| !a.starts_with("ec2:")));
    let keys: serde_json::Map<String, Value> = (0..50)
        .map(|i| (format!("ec2:ResourceTag/k{i}"), json!("v")))
        .collect();
    let policy = identity(
        json!({ "Effect": "Allow", "Action": actions, "Resource": "*",
        "Condition": { "StringEquals": keys } }),
    );
    let report = lint(&policy, Some(PolicyKind::Identity), Catalog::embedded());
    let count = |rule: Rule| report.findings.iter().filter(|f| f.rule == rule).count();
    assert_eq!(count(Rule::PolicyTooLarge), 1);
    // `ec2:` keys on actions of other services: each one is reported.
    assert_eq!(count(Rule::ConditionKeyNotApplicable), 50);
}
