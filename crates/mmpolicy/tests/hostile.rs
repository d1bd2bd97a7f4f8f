//! Keep it closed: for every registered provider, any value from a hostile alphabet (quotes,
//! backslashes, wildcards, policy variables, separators, control and bidi characters, very long
//! values) put in place of each string parameter of the provider's example is either refused
//! with a message naming that parameter, or appears in the policy only as the literal value in
//! its place.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail the test on an unexpected error"
)]

use proptest::prelude::*;
use serde_json::Value;

/// A value from the hostile alphabet, short or very long.
fn hostile() -> impl Strategy<Value = String> {
    let short = "[a-z0-9./:*?$\\{\\}\"'`\\\\ \n\t\u{1b}\u{202e}\u{200b}-]{0,24}";
    let long = "[a-z0-9$\\{*/-]{1,8}".prop_map(|s| s.repeat(90));
    let literal = prop_oneof![
        Just("*".to_owned()),
        Just("${aws:username}".to_owned()),
        Just("inp-*".to_owned()),
        Just("a/*".to_owned()),
        Just("exports/".to_owned()),
    ];
    prop_oneof![4 => short, 1 => long, 1 => literal]
}

/// `value` with every string in it rewritten by `f`.
fn map_strings(value: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match value {
        Value::String(s) => Value::String(f(s)),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_strings(v, f)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), map_strings(v, f)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// `s` with every occurrence of `from` that stands as a whole part of it (between the ends
/// and the separators of ARNs, endpoints and addresses: `/ : . @`) replaced by `to`.
fn replace_part(s: &str, from: &str, to: &str) -> String {
    let is_sep = |c: Option<char>| c.is_none_or(|c| "/:.@".contains(c));
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find(from) {
        let before = rest[..at].chars().next_back().or(out.chars().next_back());
        let after = rest[at + from.len()..].chars().next();
        out.push_str(&rest[..at]);
        if is_sep(before) && is_sep(after) {
            out.push_str(to);
        } else {
            out.push_str(from);
        }
        rest = &rest[at + from.len()..];
    }
    out.push_str(rest);
    out
}

fn check(provider: &dyn mmpolicy::PolicyProvider, field: &str, value: &str) {
    let example = provider.example_params();
    let Some(Value::String(original)) = example.get(field) else {
        panic!("{}: `{field}` is not a string parameter", provider.id());
    };
    let mut params = example.clone();
    params[field] = Value::String(value.to_owned());
    match provider.render_value(&params) {
        Err(e) => {
            let message = e.to_string();
            assert!(
                e.field() == Some(field) || message.contains(&format!("`{field}`")),
                "{}: `{field}` = {value:?}: the refusal does not name the field: {message}",
                provider.id()
            );
            assert!(
                !message.chars().any(|c| c.is_control()
                    || ('\u{200b}'..='\u{200f}').contains(&c)
                    || ('\u{202a}'..='\u{202e}').contains(&c)),
                "{}: raw input in the message: {message:?}",
                provider.id()
            );
            assert!(message.chars().count() < 700, "{message}");
        }
        Ok(policy) => {
            // What is accepted holds nothing that IAM reads as more than a literal.
            assert!(
                !value.contains("${")
                    && (value == "*" || !value.contains(['*', '?']))
                    && !value.contains(['"', '\'', '`', '\\'])
                    && !value.chars().any(|c| c.is_control() || !c.is_ascii()),
                "{}: `{field}` = {value:?} was accepted",
                provider.id()
            );
            let got = serde_json::to_value(&policy).unwrap();
            let base = serde_json::to_value(provider.render_value(&example).unwrap()).unwrap();
            // A key prefix is written without its trailing `/`.
            let (from, to) = (
                original.trim_end_matches('/').to_owned(),
                value.trim_end_matches('/').to_owned(),
            );
            // `*` for a key prefix is the whole bucket: `<bucket>/*`, not `<bucket>/*/*`.
            let want = map_strings(&base, &|s| {
                replace_part(s, &from, &to).replace("/*/*", "/*")
            });
            assert_eq!(
                got,
                want,
                "{}: `{field}` = {value:?} changed the policy beyond its own place",
                provider.id()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn hostile_parameter_values_are_refused_or_literal(value in hostile()) {
        for provider in mmpolicy::registry().iter() {
            let example = provider.example_params();
            let fields: Vec<String> = example
                .as_object()
                .unwrap()
                .iter()
                .filter(|(_, v)| v.is_string())
                .map(|(k, _)| k.clone())
                .collect();
            prop_assert!(!fields.is_empty(), "{}", provider.id());
            for field in &fields {
                check(provider, field, &value);
            }
        }
    }
}

#[test]
fn null_is_refused_for_every_parameter_naming_it() {
    for provider in mmpolicy::registry().iter() {
        let schema = provider.params_schema().to_value();
        let names: Vec<&String> = schema["properties"].as_object().unwrap().keys().collect();
        for name in names {
            let mut params = provider.example_params();
            params[name.as_str()] = Value::Null;
            let e = provider
                .render_value(&params)
                .expect_err(&format!("{}: `{name}` = null was accepted", provider.id()));
            assert!(
                e.to_string()
                    .starts_with(&format!("invalid `{name}`: `null` is not allowed; give ")),
                "{}: {e}",
                provider.id()
            );
            assert_eq!(e.field(), Some(name.as_str()), "{}", provider.id());
        }
    }
}

#[test]
fn a_tag_key_given_twice_is_refused() {
    let provider = mmpolicy::registry().get("archiving.identity").unwrap();
    let text = r#"{"account_id": "111122223333", "region": "us-east-1", "archive_id": "*",
        "create_tags": {"team": ["mail"], "team": ["ops"]}}"#;
    let e = provider.render_str(text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid `create_tags`: duplicate key `team`: give it once"
    );
}
