//! Condition checks: known operators, keys valid globally or for the statement's actions and
//! resources, operators and values that fit the key's type, and `ForAllValues` guards.

use crate::actions::Resolved;
use crate::document::{Cond, Stmt, scalar_text};
use crate::{Finding, Rule, Severity};
use mmpolicy_catalog::{BaseType, Catalog, KeyType, Service};
use serde_json::Value;
use std::collections::BTreeSet;

/// How many edits from a known condition key an unknown one is a near miss (an error);
/// further, the catalog is merely silent (a warning).
const NEAR_MISS_KEY: usize = 2;

/// The family of an operator: which values it compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String,
    Numeric,
    Date,
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

const OPERATORS: &[(&str, Family)] = &[
    ("StringEquals", Family::String),
    ("StringNotEquals", Family::String),
    ("StringEqualsIgnoreCase", Family::String),
    ("StringNotEqualsIgnoreCase", Family::String),
    ("StringLike", Family::String),
    ("StringNotLike", Family::String),
    ("NumericEquals", Family::Numeric),
    ("NumericNotEquals", Family::Numeric),
    ("NumericLessThan", Family::Numeric),
    ("NumericLessThanEquals", Family::Numeric),
    ("NumericGreaterThan", Family::Numeric),
    ("NumericGreaterThanEquals", Family::Numeric),
    ("DateEquals", Family::Date),
    ("DateNotEquals", Family::Date),
    ("DateLessThan", Family::Date),
    ("DateLessThanEquals", Family::Date),
    ("DateGreaterThan", Family::Date),
    ("DateGreaterThanEquals", Family::Date),
    ("Bool", Family::Bool),
    ("BinaryEquals", Family::Binary),
    ("IpAddress", Family::Ip),
    ("NotIpAddress", Family::Ip),
    ("ArnEquals", Family::Arn),
    ("ArnLike", Family::Arn),
    ("ArnNotEquals", Family::Arn),
    ("ArnNotLike", Family::Arn),
    ("Null", Family::Null),
];

/// A parsed operator: `ForAllValues:StringLikeIfExists` is set `ForAllValues`, base
/// `StringLike`, `IfExists`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Operator {
    pub set: Option<SetOp>,
    family: Family,
    pub base: &'static str,
    /// `...IfExists`: true when the key is absent.
    pub if_exists: bool,
}

impl Operator {
    /// Whether the condition can only hold when the key is in the request: not `IfExists`,
    /// not a negation, not `Null`.
    pub(crate) fn needs_key(self) -> bool {
        !self.if_exists && self.family != Family::Null && !self.base.contains("Not")
    }
}

/// `ForAllValues` or `ForAnyValue`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SetOp {
    ForAllValues,
    ForAnyValue,
}

/// Reads an operator name; `None` when AWS does not know it.
pub(crate) fn parse_operator(op: &str) -> Option<Operator> {
    let (set, rest) = if let Some(r) = strip_prefix_ci(op, "ForAllValues:") {
        (Some(SetOp::ForAllValues), r)
    } else if let Some(r) = strip_prefix_ci(op, "ForAnyValue:") {
        (Some(SetOp::ForAnyValue), r)
    } else {
        (None, op)
    };
    let (base, if_exists) = match strip_suffix_ci(rest, "IfExists") {
        Some(b) => (b, true),
        None => (rest, false),
    };
    let &(name, family) = OPERATORS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(base))?;
    if family == Family::Null && (if_exists || set.is_some()) {
        return None;
    }
    Some(Operator {
        set,
        family,
        base: name,
        if_exists,
    })
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

fn strip_suffix_ci<'a>(s: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let tail = s.get(cut..)?;
    tail.eq_ignore_ascii_case(suffix).then(|| &s[..cut])
}

/// Where a key stands for a statement.
enum KeyStatus {
    /// Global, or supported by the statement's actions or resources; and whether its type is
    /// the catalog's word for a key of AWS (global or of the key's own service), not a default
    /// or an identity provider's claim (whose values the catalog types loosely).
    Valid(KeyType, bool),
    /// Defined by a service, but not for these actions.
    NotApplicable(KeyType),
    /// Defined nowhere.
    Unknown,
}

/// Services whose key files hold the keys of identity providers (`accounts.google.com:aud`,
/// `saml:sub`, `token.actions.githubusercontent.com:sub`): their prefixes are no service.
const FEDERATION_KEY_SERVICES: &[&str] = &["sts"];

/// What the statement's actions support, gathered once per statement so that each condition
/// is checked against it and not against every action again.
struct Applicable<'c> {
    /// The distinct condition keys (templates such as `aws:RequestTag/${TagKey}`) of the
    /// actions and of their resource types.
    keys: Vec<&'c str>,
    /// The distinct services of the actions.
    services: Vec<&'c Service>,
}

impl<'c> Applicable<'c> {
    fn of(res: &Resolved<'c>) -> Self {
        let mut keys: BTreeSet<&'c str> = BTreeSet::new();
        let mut services: Vec<&'c Service> = Vec::new();
        for item in &res.items {
            if !services.iter().any(|s| std::ptr::eq(*s, item.service)) {
                services.push(item.service);
            }
        }
        for item in &res.items {
            keys.extend(item.expansion.condition_keys.iter().copied());
        }
        Applicable {
            keys: keys.into_iter().collect(),
            services,
        }
    }
}

fn key_status<'c>(
    key: &str,
    res: &Resolved<'c>,
    applicable: &mut Option<Applicable<'c>>,
    catalog: &Catalog,
) -> KeyStatus {
    if let Some(g) = catalog.global_key(key) {
        return KeyStatus::Valid(g.key_type(), true);
    }
    // The key's definition: in the services of the statement, its own prefix's service, or
    // the services that define identity-provider keys.
    let prefix = key.split(':').next().unwrap_or_default();
    let applicable = applicable.get_or_insert_with(|| Applicable::of(res));
    let mut defined = applicable
        .services
        .iter()
        .find_map(|service| service.condition_key(key))
        .or_else(|| catalog.service(prefix).and_then(|s| s.condition_key(key)));
    if defined.is_none() && !catalog.has_service(prefix) {
        defined = FEDERATION_KEY_SERVICES
            .iter()
            .filter_map(|p| catalog.service(p))
            .find_map(|s| s.condition_key(key));
    }
    let key_type = defined.map(|d| d.key_type());
    // The claims of an OIDC provider (`token.actions.githubusercontent.com:sub`,
    // `oidc.eks.<region>.amazonaws.com/id/<id>:aud`): the prefix is the provider's URL, which
    // the catalog cannot list for every provider.
    if key_type.is_none() && !catalog.has_service(prefix) && prefix.contains('.') {
        return KeyStatus::Valid(KeyType::parse("String"), false);
    }
    let of_aws = key_type.is_some() && catalog.has_service(prefix);
    let applicable = applicable
        .keys
        .iter()
        .any(|k| mmpolicy_catalog::pattern::key_matches_template(k, key));
    let string = KeyType::parse("String");
    match (applicable, key_type) {
        (true, t) => KeyStatus::Valid(t.unwrap_or(string), of_aws),
        // Actions not exactly known (`*`, `NotAction`, an unknown name): accept any key
        // that exists.
        (false, Some(t)) if !res.complete => KeyStatus::Valid(t, of_aws),
        (false, Some(t)) => KeyStatus::NotApplicable(t),
        (false, None) => KeyStatus::Unknown,
    }
}

pub(crate) fn check(s: &Stmt<'_>, res: &Resolved<'_>, catalog: &Catalog, out: &mut Vec<Finding>) {
    let mut reported_ops: Vec<&str> = Vec::new();
    let mut applicable = None;
    for c in &s.conditions {
        let Some(op) = parse_operator(c.op) else {
            if !reported_ops.contains(&c.op) {
                reported_ops.push(c.op);
                let hint = OPERATORS
                    .iter()
                    .map(|(n, _)| *n)
                    .find(|n| close(n, c.op))
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                out.push(Finding::new(
                    Rule::UnknownOperator,
                    c.op_ptr.clone(),
                    format!("unknown condition operator `{}`{hint}: use one of AWS's (`StringEquals`, `ArnLike`, `Bool`, ...), optionally with `IfExists` or `ForAnyValue:`/`ForAllValues:`", c.op),
                ));
            }
            continue;
        };
        let (key_type, typed) = match key_status(c.key, res, &mut applicable, catalog) {
            KeyStatus::Valid(t, typed) => (Some(t), typed),
            KeyStatus::NotApplicable(t) => {
                out.push(Finding::new(
                    Rule::ConditionKeyNotApplicable,
                    c.key_ptr.clone(),
                    format!("condition key `{}` is not supported by this statement's actions or resources, so the condition never matches as meant: use a key that they support, or a global `aws:` key", c.key),
                ));
                (Some(t), true)
            }
            KeyStatus::Unknown => {
                let finding = match catalog.closest_condition_key(c.key, NEAR_MISS_KEY) {
                    Some(near) => Finding::new(
                        Rule::UnknownConditionKey,
                        c.key_ptr.clone(),
                        format!("unknown condition key `{}`: did you mean `{near}`?", c.key),
                    )
                    .with_severity(Severity::Error),
                    None => Finding::new(
                        Rule::UnknownConditionKey,
                        c.key_ptr.clone(),
                        format!(
                            "{} lists no condition key `{}`: the key may be newer than the data, or a typo; check it against a global `aws:` key or the service's keys in its service authorization reference",
                            catalog.data_name(),
                            c.key
                        ),
                    ),
                };
                out.push(finding);
                (None, false)
            }
        };
        if let Some(t) = key_type {
            if typed && t.multi_valued && op.set.is_none() && op.family != Family::Null {
                out.push(Finding::new(
                    Rule::MissingSetQualifier,
                    c.op_ptr.clone(),
                    format!("`{}` is multi-valued ({t}), so `{}` compares a set of values: write `ForAnyValue:{}` (one of the values matches) or `ForAllValues:{}` (every value matches)", c.key, c.op, c.op, c.op),
                ));
            }
            if t.base == BaseType::Arn
                && op.family == Family::String
                && matches!(op.base, "StringLike" | "StringNotLike")
            {
                out.push(Finding::new(
                    Rule::StringLikeOnArnKey,
                    c.key_ptr.clone(),
                    format!("`{}` compares the ARN key `{}` as text, where `*` also matches across the ARN's `:` fields (another account, region or service): use `{}`", c.op, c.key, if op.base == "StringLike" { "ArnLike" } else { "ArnNotLike" }),
                ));
            }
        }
        if let (Some(set), Some(t)) = (op.set, key_type) {
            if typed && !t.multi_valued {
                let name = match set {
                    SetOp::ForAllValues => "ForAllValues:",
                    SetOp::ForAnyValue => "ForAnyValue:",
                };
                out.push(Finding::new(
                    Rule::SetOperatorOnSingleValuedKey,
                    c.op_ptr.clone(),
                    format!("`{}` is a set operator, but `{}` is single-valued ({t}): drop `{name}` and use `{}{}`", c.op, c.key, op.base, if op.if_exists { "IfExists" } else { "" }),
                ));
            }
        }
        let type_ok = key_type.is_none_or(|t| check_type(c, op, t, out));
        if type_ok {
            check_values(c, op, out);
        }
        if let Some(t) = key_type {
            if op.set == Some(SetOp::ForAllValues)
                && t.multi_valued
                && s.is_allow()
                && !guarded(s, c.key)
            {
                out.push(Finding::new(
                    Rule::UnguardedForAllValues,
                    c.op_ptr.clone(),
                    format!("`{}` on `{}` also matches a request without the key (an empty set): add `\"Null\": {{\"{}\": \"false\"}}`", c.op, c.key, c.key),
                ));
            }
        }
    }
}

fn close(a: &str, b: &str) -> bool {
    let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
    a.len().abs_diff(b.len()) <= 1 && a.chars().zip(b.chars()).filter(|(x, y)| x != y).count() <= 1
}

/// A `Null: false` on the key, or a `ForAnyValue` on it, rules out the empty set; so does,
/// for `aws:TagKeys`, a condition that needs a tag in the request (`aws:RequestTag/team`
/// with `StringEquals`).
fn guarded(s: &Stmt<'_>, key: &str) -> bool {
    let tag_keys = key.eq_ignore_ascii_case("aws:TagKeys");
    s.conditions.iter().any(|c| {
        let op = parse_operator(c.op);
        let same_key = c.key.eq_ignore_ascii_case(key)
            && ((c.op.eq_ignore_ascii_case("Null")
                && c.values
                    .iter()
                    .any(|(_, v)| scalar_text(v).eq_ignore_ascii_case("false")))
                || op.is_some_and(|o| o.set == Some(SetOp::ForAnyValue)));
        let prefix = "aws:RequestTag/";
        let request_tag = tag_keys
            && c.key.len() > prefix.len()
            && c.key
                .get(..prefix.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
            && op.is_some_and(|o| o.needs_key() && o.set.is_none());
        same_key || request_tag
    })
}

/// Reports an operator that does not fit the key's type; returns whether it fits.
fn check_type(c: &Cond<'_>, op: Operator, t: KeyType, out: &mut Vec<Finding>) -> bool {
    let ok = matches!(
        (op.family, t.base),
        (Family::Null, _)
            | (Family::String, BaseType::String | BaseType::Arn)
            // `ArnLike` on a string key compares it as text, as `StringLike` would; Access
            // Analyzer accepts it.
            | (Family::Arn, BaseType::Arn | BaseType::String)
            | (Family::Numeric, BaseType::Numeric)
            | (Family::Date, BaseType::Date)
            | (Family::Bool, BaseType::Bool)
            | (Family::Ip, BaseType::IpAddress)
            | (Family::Binary, BaseType::Binary)
    );
    if !ok {
        let want = match t.base {
            BaseType::String => "a `String...` operator",
            BaseType::Arn => "an `Arn...` or `String...` operator",
            BaseType::Bool => "`Bool`",
            BaseType::Numeric => "a `Numeric...` operator",
            BaseType::Date => "a `Date...` operator",
            BaseType::IpAddress => "`IpAddress` or `NotIpAddress`",
            BaseType::Binary => "`BinaryEquals`",
        };
        out.push(Finding::new(
            Rule::ConditionTypeMismatch,
            c.key_ptr.clone(),
            format!(
                "`{}` does not compare keys of type {} such as `{}`: use {want}",
                op.base, t, c.key
            ),
        ));
    }
    ok
}

fn check_values(c: &Cond<'_>, op: Operator, out: &mut Vec<Finding>) {
    for (p, v) in &c.values {
        let text = scalar_text(v);
        let problem = match op.family {
            Family::Bool | Family::Null => (!(text.eq_ignore_ascii_case("true")
                || text.eq_ignore_ascii_case("false")))
            .then_some("`true` or `false`"),
            Family::Numeric => (!is_number(v, &text)).then_some("a number"),
            Family::Date => {
                (!is_date(&text)).then_some("a date (`2026-01-31T00:00:00Z`) or epoch seconds")
            }
            Family::Ip => {
                (!is_ip_or_cidr(&text)).then_some("an IP address or CIDR range (`203.0.113.0/24`)")
            }
            Family::Arn => (!(text.starts_with("arn:") || text == "*" || text.starts_with("${")))
                .then_some("an ARN (`arn:aws:ses:us-east-1:111122223333:...`)"),
            Family::String | Family::Binary => None,
        };
        if let Some(want) = problem {
            out.push(Finding::new(
                Rule::ConditionTypeMismatch,
                p.clone(),
                format!(
                    "`{}` expects {want}, not `{text}`, for key `{}`",
                    op.base, c.key
                ),
            ));
        }
    }
}

/// A number as IAM's `Numeric...` operators read it: an integer or a decimal (`10`, `-3`,
/// `10.5`), no exponent, no `NaN` or `inf`.
fn is_number(v: &Value, text: &str) -> bool {
    if let Value::Number(n) = v {
        // A float prints as a decimal unless huge or tiny (`1e300`), which IAM does not read.
        return n.is_i64() || n.is_u64() || is_decimal(&n.to_string());
    }
    is_decimal(text)
}

fn is_decimal(text: &str) -> bool {
    let t = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match frac {
        None => digits(int),
        Some(f) => digits(int) && digits(f),
    }
}

/// A date as IAM's `Date...` operators read it: epoch seconds, or ISO 8601
/// (`2026-01-31`, `2026-01-31T12:00:00Z`, with optional seconds, fraction and zone
/// `Z`/`+hh:mm`), with a real month, day, hour, minute and second.
fn is_date(s: &str) -> bool {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return false;
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    if day == 0 || day > days {
        return false;
    }
    if b.len() == 10 {
        return true;
    }
    if b.get(10) != Some(&b'T') {
        return false;
    }
    // `hh:mm`, then optional `:ss`, optional `.fraction`, optional zone.
    let (Some(hour), Some(minute)) = (num(11..13), num(14..16)) else {
        return false;
    };
    if b.get(13) != Some(&b':') || hour > 23 || minute > 59 {
        return false;
    }
    let mut i = 16;
    if b.get(i) == Some(&b':') {
        match num(i + 1..i + 3) {
            Some(sec) if sec <= 59 => i += 3,
            _ => return false,
        }
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return false;
            }
        }
    }
    match b.get(i) {
        None => true,
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let (Some(zh), Some(zm)) = (num(i + 1..i + 3), num(i + 4..i + 6)) else {
                return false;
            };
            b.get(i + 3) == Some(&b':') && i + 6 == b.len() && zh <= 23 && zm <= 59
        }
        Some(_) => false,
    }
}

fn is_ip_or_cidr(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    prefix.is_none_or(|p| p.parse::<u8>().is_ok_and(|n| n <= max))
}
