//! Condition operators and how they compare the request context with a policy's values.
//!
//! The rules, from AWS's "IAM JSON policy elements: Condition operators" and "Conditions with
//! multiple context keys or values"
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>):
//!
//! - operators in a block are ANDed, keys under one operator are ANDed, the values of one key
//!   are ORed; for a negated operator (`StringNotEquals`, `StringNotLike`, `NumericNotEquals`,
//!   `DateNotEquals`, `ArnNotEquals`, `ArnNotLike`, `NotIpAddress`, `StringNotEqualsIgnoreCase`)
//!   the values are NORed: true when the request's value matches none of them;
//! - a key missing from the request: the condition is false, except that a negated operator
//!   is then true ("If the policy condition requires that the key is not matched, such as
//!   StringNotLike or ArnNotLike, and the right key is not present, the condition evaluates to
//!   true"), and `...IfExists` is true; `Null` tests for the key's absence;
//! - `ForAllValues:` is true when every request value matches (for a negated operator: matches
//!   none of the policy values), and also when the key is missing or its list is empty;
//!   `ForAnyValue:` is true when at least one request value matches, false when the key is
//!   missing or empty, `IfExists` or not (the docs: "If the key [...] resolves to an empty
//!   data set, the condition returns false"; AWS's own answer on re:Post, "ForAnyValue:
//!   StringEqualsIfExists behaving unexpectedly", confirms it for a missing key);
//! - a key given with an empty list is present: `Null` is false for it;
//! - without a set operator, a multi-valued key matches when any of its values matches (for a
//!   negated operator: when none does).

use serde_json::Value;

use crate::EvalError;
use crate::context::{Context, ContextValue};
use crate::pattern;
use crate::values::{self, Cidr};

/// A comparison of numbers or dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    fn holds(self, request: f64, policy: f64) -> bool {
        match self {
            Cmp::Eq => request == policy,
            Cmp::Lt => request < policy,
            Cmp::Le => request <= policy,
            Cmp::Gt => request > policy,
            Cmp::Ge => request >= policy,
        }
    }
}

/// An operator's family, in its positive form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    String { ignore_case: bool, like: bool },
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

/// `ForAnyValue:` or `ForAllValues:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetOp {
    Any,
    All,
}

/// A parsed condition operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Operator {
    name: String,
    set: Option<SetOp>,
    family: Family,
    negated: bool,
    if_exists: bool,
}

impl Operator {
    /// Reads an operator name; `None` when IAM has no such operator.
    fn parse(name: &str) -> Option<Operator> {
        let lower = name.to_ascii_lowercase();
        let (set, rest) = if let Some(r) = lower.strip_prefix("foranyvalue:") {
            (Some(SetOp::Any), r)
        } else if let Some(r) = lower.strip_prefix("forallvalues:") {
            (Some(SetOp::All), r)
        } else {
            (None, lower.as_str())
        };
        let (if_exists, base) = match rest.strip_suffix("ifexists") {
            Some(b) => (true, b),
            None => (false, rest),
        };
        let string = |ignore_case, like| Family::String { ignore_case, like };
        let (family, negated) = match base {
            "stringequals" => (string(false, false), false),
            "stringnotequals" => (string(false, false), true),
            "stringequalsignorecase" => (string(true, false), false),
            "stringnotequalsignorecase" => (string(true, false), true),
            "stringlike" => (string(false, true), false),
            "stringnotlike" => (string(false, true), true),
            "numericequals" => (Family::Numeric(Cmp::Eq), false),
            "numericnotequals" => (Family::Numeric(Cmp::Eq), true),
            "numericlessthan" => (Family::Numeric(Cmp::Lt), false),
            "numericlessthanequals" => (Family::Numeric(Cmp::Le), false),
            "numericgreaterthan" => (Family::Numeric(Cmp::Gt), false),
            "numericgreaterthanequals" => (Family::Numeric(Cmp::Ge), false),
            "dateequals" => (Family::Date(Cmp::Eq), false),
            "datenotequals" => (Family::Date(Cmp::Eq), true),
            "datelessthan" => (Family::Date(Cmp::Lt), false),
            "datelessthanequals" => (Family::Date(Cmp::Le), false),
            "dategreaterthan" => (Family::Date(Cmp::Gt), false),
            "dategreaterthanequals" => (Family::Date(Cmp::Ge), false),
            "bool" => (Family::Bool, false),
            "binaryequals" => (Family::Binary, false),
            "ipaddress" => (Family::Ip, false),
            "notipaddress" => (Family::Ip, true),
            "arnequals" | "arnlike" => (Family::Arn, false),
            "arnnotequals" | "arnnotlike" => (Family::Arn, true),
            // `Null` takes neither a set operator nor `IfExists`.
            "null" if set.is_none() && !if_exists => (Family::Null, false),
            _ => return None,
        };
        Some(Operator {
            name: name.to_owned(),
            set,
            family,
            negated,
            if_exists,
        })
    }

    /// The operator as written in the policy.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// A policy value, read for its operator.
#[derive(Debug, Clone, PartialEq)]
enum PolicyValue {
    /// String and ARN operators: the text, variables expanded at evaluation.
    Text(String),
    Number(f64),
    Date(f64),
    Bool(bool),
    Ip(Cidr),
}

/// One key under one operator, with its values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    pub(crate) operator: Operator,
    /// The key as written.
    pub(crate) key: String,
    values: Vec<PolicyValue>,
}

/// Why a condition did not hold.
pub(crate) type Failure = String;

impl Condition {
    /// Reads every condition of a `Condition` block at `pointer`.
    pub(crate) fn parse_block(value: &Value, pointer: &str) -> Result<Vec<Condition>, EvalError> {
        let Value::Object(block) = value else {
            return Err(EvalError::malformed(
                pointer,
                "`Condition` is an object of operators, such as `{\"StringEquals\": {\"aws:SourceAccount\": \"111122223333\"}}`",
            ));
        };
        let mut out = Vec::new();
        for (op_name, keys) in block {
            let op_ptr = crate::policy::ptr(pointer, op_name);
            let Some(operator) = Operator::parse(op_name) else {
                return Err(EvalError::UnknownOperator {
                    pointer: op_ptr,
                    operator: op_name.clone(),
                });
            };
            let Value::Object(keys) = keys else {
                return Err(EvalError::malformed(
                    op_ptr,
                    format!("`{op_name}` takes an object of condition keys and their values"),
                ));
            };
            for (key, values) in keys {
                let key_ptr = crate::policy::ptr(&op_ptr, key);
                let raw: Vec<(String, &Value)> = match values {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (crate::policy::ptr(&key_ptr, i), v))
                        .collect(),
                    v => vec![(key_ptr.clone(), v)],
                };
                if raw.is_empty() {
                    return Err(EvalError::malformed(
                        key_ptr,
                        format!("`{key}` has no values: give at least one"),
                    ));
                }
                let values = raw
                    .into_iter()
                    .map(|(p, v)| read_value(operator.family, v, &p))
                    .collect::<Result<_, _>>()?;
                out.push(Condition {
                    operator: operator.clone(),
                    key: key.clone(),
                    values,
                });
            }
        }
        Ok(out)
    }

    /// Whether the condition holds in `context`; why not when it does not.
    pub(crate) fn check(&self, context: &Context) -> Result<(), Failure> {
        let op = &self.operator;
        let request = context.get(&self.key);
        if op.family == Family::Null {
            let absent = request.is_none();
            let holds = self
                .values
                .iter()
                .any(|v| matches!(v, PolicyValue::Bool(b) if *b == absent));
            return if holds {
                Ok(())
            } else if absent {
                Err("the key is absent".into())
            } else {
                Err("the key is present".into())
            };
        }
        let Some(request) = request else {
            let holds = match op.set {
                Some(SetOp::All) => true,
                // Even with `IfExists`: AWS answers a missing key so (re:Post, "ForAnyValue:
                // StringEqualsIfExists behaving unexpectedly"), and so does the oracle.
                Some(SetOp::Any) => false,
                None => op.negated || op.if_exists,
            };
            return if holds {
                Ok(())
            } else {
                Err("the key is not in the request".into())
            };
        };
        // Whether one request value matches one of the policy values (positive form).
        let mut type_error: Option<String> = None;
        let mut matches_any = |r: &ContextValue| {
            self.values.iter().any(|p| {
                match_one(op.family, r, p, context).unwrap_or_else(|e| {
                    type_error.get_or_insert(e);
                    false
                })
            })
        };
        let holds = match op.set {
            Some(SetOp::All) => request.iter().all(|r| matches_any(r) != op.negated),
            Some(SetOp::Any) => request.iter().any(|r| matches_any(r) != op.negated),
            None => request.iter().any(&mut matches_any) != op.negated,
        };
        if holds {
            return Ok(());
        }
        let shown: Vec<&str> = request.iter().map(ContextValue::text).collect();
        let mut why = format!("the request has `{}`", shown.join("`, `"));
        if let Some(e) = type_error {
            why.push_str(": ");
            why.push_str(&e);
        }
        Err(why)
    }
}

/// Reads one policy value for `family`.
fn read_value(family: Family, value: &Value, pointer: &str) -> Result<PolicyValue, EvalError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null | Value::Array(_) | Value::Object(_) => {
            return Err(EvalError::WrongType {
                pointer: pointer.to_owned(),
                value: value.to_string(),
                expected: "a string, number or boolean",
            });
        }
    };
    let wrong = |expected| EvalError::WrongType {
        pointer: pointer.to_owned(),
        value: text.clone(),
        expected,
    };
    Ok(match family {
        Family::String { .. } | Family::Arn | Family::Binary => PolicyValue::Text(text),
        Family::Numeric(_) => {
            PolicyValue::Number(values::number(&text).ok_or_else(|| wrong("a number"))?)
        }
        Family::Date(_) => PolicyValue::Date(
            values::date(&text).ok_or_else(|| wrong("a date in ISO 8601 or epoch seconds"))?,
        ),
        Family::Bool | Family::Null => {
            PolicyValue::Bool(values::boolean(&text).ok_or_else(|| wrong("`true` or `false`"))?)
        }
        Family::Ip => {
            PolicyValue::Ip(Cidr::parse(&text).ok_or_else(|| wrong("an IP address or CIDR range"))?)
        }
    })
}

/// Whether the request value `r` matches the policy value `p` (positive form); `Err` when
/// the request value is not of the operator's type.
fn match_one(
    family: Family,
    r: &ContextValue,
    p: &PolicyValue,
    context: &Context,
) -> Result<bool, String> {
    let text = r.text();
    let not = |what: &str| format!("`{text}` is not {what}");
    Ok(match (family, p) {
        (Family::String { ignore_case, like }, PolicyValue::Text(t)) => {
            match pattern::expand(t, context, like) {
                Some(toks) => pattern::glob(&toks, text, ignore_case),
                None => false,
            }
        }
        (Family::Arn, PolicyValue::Text(t)) => match pattern::expand(t, context, true) {
            Some(toks) => pattern::arn_matches(&toks, text),
            None => false,
        },
        (Family::Binary, PolicyValue::Text(t)) => t == text,
        (Family::Numeric(cmp), PolicyValue::Number(n)) => {
            cmp.holds(values::number(text).ok_or_else(|| not("a number"))?, *n)
        }
        (Family::Date(cmp), PolicyValue::Date(d)) => {
            cmp.holds(values::date(text).ok_or_else(|| not("a date"))?, *d)
        }
        (Family::Bool, PolicyValue::Bool(b)) => {
            values::boolean(text).ok_or_else(|| not("`true` or `false`"))? == *b
        }
        (Family::Ip, PolicyValue::Ip(net)) => {
            net.contains(&Cidr::parse(text).ok_or_else(|| not("an IP address"))?)
        }
        _ => false,
    })
}
