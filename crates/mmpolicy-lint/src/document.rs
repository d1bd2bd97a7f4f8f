//! The document read into statements, each element with its JSON pointer. Shape errors
//! (a number where a string belongs, an empty list) are reported here, once.

use crate::{Finding, Rule, ptr};
use serde_json::{Map, Value};

/// The top-level elements of a policy.
pub(crate) const TOP_LEVEL: &[&str] = &["Version", "Id", "Statement"];
/// The elements of a statement.
pub(crate) const STATEMENT: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Effect {
    Allow,
    Deny,
}

/// A string-or-list element (`Action`, `Resource`, ...): its pointer and each string with
/// its own pointer.
#[derive(Debug)]
pub(crate) struct Strings<'a> {
    pub ptr: String,
    pub items: Vec<(String, &'a str)>,
}

/// One condition: operator, key and values.
#[derive(Debug)]
pub(crate) struct Cond<'a> {
    pub op: &'a str,
    pub op_ptr: String,
    pub key: &'a str,
    pub key_ptr: String,
    /// Each value with its pointer (a single value has the key's pointer).
    pub values: Vec<(String, &'a Value)>,
}

/// A statement.
#[derive(Debug)]
pub(crate) struct Stmt<'a> {
    pub index: usize,
    pub ptr: String,
    pub obj: &'a Map<String, Value>,
    pub sid: Option<(String, &'a str)>,
    pub effect: Option<Effect>,
    pub action: Option<Strings<'a>>,
    pub not_action: Option<Strings<'a>>,
    pub resource: Option<Strings<'a>>,
    pub not_resource: Option<Strings<'a>>,
    pub principal: Option<(String, &'a Value)>,
    pub not_principal: Option<(String, &'a Value)>,
    pub conditions: Vec<Cond<'a>>,
}

impl Stmt<'_> {
    pub fn is_allow(&self) -> bool {
        self.effect == Some(Effect::Allow)
    }
}

/// The document.
#[derive(Debug)]
pub(crate) struct Document<'a> {
    pub root: Option<&'a Map<String, Value>>,
    /// The document is one statement, without `Version`/`Statement` around it.
    pub bare_statement: bool,
    /// The document is a list of statements to merge into a policy, as mmpolicy writes key,
    /// secret and bucket policies: the statements are checked, the policy around them is not.
    pub statement_list: bool,
    /// `Statement` was one object, not a list.
    pub statements: Vec<Stmt<'a>>,
}

impl<'a> Document<'a> {
    /// Reads `value`; reports shape errors into `out`.
    pub fn read(value: &'a Value, out: &mut Vec<Finding>) -> Document<'a> {
        if let Value::Array(items) = value {
            return Document::read_list(items, out);
        }
        let Some(root) = value.as_object() else {
            out.push(Finding::new(
                Rule::NotAnObject,
                "",
                format!(
                    "the document is {}, not a JSON object: a policy is `{{\"Version\": \"2012-10-17\", \"Statement\": [...]}}`",
                    json_type(value)
                ),
            ));
            return Document {
                root: None,
                bare_statement: false,
                statement_list: false,
                statements: Vec::new(),
            };
        };
        let bare = !root.contains_key("Statement")
            && (root.contains_key("Effect")
                || root.contains_key("Action")
                || root.contains_key("NotAction"));
        let mut statements = Vec::new();
        if bare {
            statements.push(read_statement(0, String::new(), root, out));
        } else {
            match root.get("Statement") {
                Some(Value::Object(o)) => {
                    statements.push(read_statement(0, "/Statement".into(), o, out));
                }
                Some(Value::Array(items)) => read_items(items, "/Statement", &mut statements, out),
                _ => {}
            }
        }
        Document {
            root: Some(root),
            bare_statement: bare,
            statement_list: false,
            statements,
        }
    }

    /// Reads a list of statements (`[{...}, ...]`).
    fn read_list(items: &'a [Value], out: &mut Vec<Finding>) -> Document<'a> {
        let mut statements = Vec::new();
        if items.is_empty() {
            out.push(Finding::new(
                Rule::MissingStatement,
                "",
                "the document is an empty list: a list of statements to merge needs at least one statement",
            ));
        }
        read_items(items, "", &mut statements, out);
        Document {
            root: None,
            bare_statement: false,
            statement_list: true,
            statements,
        }
    }
}

/// Reads the statements of a list whose pointer is `base`; reports items that are not objects.
fn read_items<'a>(
    items: &'a [Value],
    base: &str,
    statements: &mut Vec<Stmt<'a>>,
    out: &mut Vec<Finding>,
) {
    for (i, item) in items.iter().enumerate() {
        let p = ptr(base, i);
        match item.as_object() {
            Some(o) => statements.push(read_statement(i, p, o, out)),
            None => out.push(Finding::new(
                Rule::StatementNotObject,
                p,
                format!(
                    "statement {i} is {}: a statement is an object with `Effect`, `Action` and `Resource`",
                    json_type(item)
                ),
            )),
        }
    }
}

/// `a string`, `a number`, ... for messages.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn read_statement<'a>(
    index: usize,
    p: String,
    obj: &'a Map<String, Value>,
    out: &mut Vec<Finding>,
) -> Stmt<'a> {
    let sid = match obj.get("Sid") {
        Some(Value::String(s)) => Some((ptr(&p, "Sid"), s.as_str())),
        Some(other) => {
            out.push(Finding::new(
                Rule::InvalidValue,
                ptr(&p, "Sid"),
                format!(
                    "`Sid` is {}: make it a string of letters and digits",
                    json_type(other)
                ),
            ));
            None
        }
        None => None,
    };
    let effect = match obj.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Some(Effect::Allow),
        Some(Value::String(s)) if s == "Deny" => Some(Effect::Deny),
        Some(other) => {
            let shown = match other {
                Value::String(s) => format!("`{s}`"),
                v => json_type(v).to_owned(),
            };
            out.push(Finding::new(
                Rule::InvalidEffect,
                ptr(&p, "Effect"),
                format!("`Effect` is {shown}: use `Allow` or `Deny` (case matters)"),
            ));
            None
        }
        None => {
            out.push(Finding::new(
                Rule::InvalidEffect,
                p.clone(),
                "statement has no `Effect`: add `\"Effect\": \"Allow\"` or `\"Deny\"`",
            ));
            None
        }
    };
    let strings = |name: &str, out: &mut Vec<Finding>| read_strings(&p, obj, name, out);
    let action = strings("Action", out);
    let not_action = strings("NotAction", out);
    let resource = strings("Resource", out);
    let not_resource = strings("NotResource", out);
    let principal = obj.get("Principal").map(|v| (ptr(&p, "Principal"), v));
    let not_principal = obj
        .get("NotPrincipal")
        .map(|v| (ptr(&p, "NotPrincipal"), v));
    let conditions = read_conditions(&p, obj.get("Condition"), out);
    Stmt {
        index,
        ptr: p,
        obj,
        sid,
        effect,
        action,
        not_action,
        resource,
        not_resource,
        principal,
        not_principal,
        conditions,
    }
}

fn read_strings<'a>(
    p: &str,
    obj: &'a Map<String, Value>,
    name: &str,
    out: &mut Vec<Finding>,
) -> Option<Strings<'a>> {
    let value = obj.get(name)?;
    let elem = ptr(p, name);
    let mut items = Vec::new();
    match value {
        Value::String(s) => items.push((elem.clone(), s.as_str())),
        Value::Array(list) if list.is_empty() => out.push(Finding::new(
            Rule::InvalidValue,
            elem.clone(),
            format!("`{name}` is an empty list, which matches nothing: list at least one value"),
        )),
        Value::Array(list) => {
            for (i, item) in list.iter().enumerate() {
                match item {
                    Value::String(s) => items.push((ptr(&elem, i), s.as_str())),
                    other => out.push(Finding::new(
                        Rule::InvalidValue,
                        ptr(&elem, i),
                        format!(
                            "`{name}` item {i} is {}: write it as a string",
                            json_type(other)
                        ),
                    )),
                }
            }
        }
        other => out.push(Finding::new(
            Rule::InvalidValue,
            elem.clone(),
            format!(
                "`{name}` is {}: write a string or a list of strings",
                json_type(other)
            ),
        )),
    }
    Some(Strings { ptr: elem, items })
}

fn read_conditions<'a>(p: &str, value: Option<&'a Value>, out: &mut Vec<Finding>) -> Vec<Cond<'a>> {
    let mut conds = Vec::new();
    let Some(value) = value else {
        return conds;
    };
    let cp = ptr(p, "Condition");
    let Some(ops) = value.as_object() else {
        out.push(Finding::new(
            Rule::InvalidValue,
            cp,
            format!(
                "`Condition` is {}: write `{{\"Operator\": {{\"key\": \"value\"}}}}`",
                json_type(value)
            ),
        ));
        return conds;
    };
    for (op, keys) in ops {
        let op_ptr = ptr(&cp, op);
        let Some(keys) = keys.as_object() else {
            out.push(Finding::new(
                Rule::InvalidValue,
                op_ptr,
                format!(
                    "condition operator `{op}` holds {}: write `{{\"key\": \"value\"}}`",
                    json_type(keys)
                ),
            ));
            continue;
        };
        for (key, v) in keys {
            let key_ptr = ptr(&op_ptr, key);
            let mut values = Vec::new();
            match v {
                Value::Array(list) if list.is_empty() => out.push(Finding::new(
                    Rule::InvalidValue,
                    key_ptr.clone(),
                    format!("condition key `{key}` has no value: give at least one"),
                )),
                Value::Array(list) => {
                    for (i, item) in list.iter().enumerate() {
                        if scalar(item) {
                            values.push((ptr(&key_ptr, i), item));
                        } else {
                            out.push(Finding::new(
                                Rule::InvalidValue,
                                ptr(&key_ptr, i),
                                format!(
                                    "value {i} of condition key `{key}` is {}: write a string",
                                    json_type(item)
                                ),
                            ));
                        }
                    }
                }
                item if scalar(item) => values.push((key_ptr.clone(), item)),
                other => out.push(Finding::new(
                    Rule::InvalidValue,
                    key_ptr.clone(),
                    format!(
                        "condition key `{key}` holds {}: write a string or a list of strings",
                        json_type(other)
                    ),
                )),
            }
            conds.push(Cond {
                op,
                op_ptr: op_ptr.clone(),
                key,
                key_ptr,
                values,
            });
        }
    }
    conds
}

fn scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Bool(_) | Value::Number(_))
}

/// The text of a scalar condition value.
pub(crate) fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
