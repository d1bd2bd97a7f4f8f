//! Reading parameter sets: a JSON or TOML file, stdin, `--set` pairs, or the example.

use crate::error::CliError;
use std::io::Read;
use std::path::Path;

/// The most bytes mmpolicy reads from one parameter, bundle or policy file (or standard
/// input): 16 MiB, far more than any of them needs, so that a wrong file (`/dev/zero`, an
/// image) fails at once instead of taking all the memory.
pub const MAX_FILE_BYTES: u64 = 16 << 20;

/// Reads a file (`-` for stdin) as text, at most [`MAX_FILE_BYTES`] of it.
pub fn read_text(path: &str) -> Result<String, CliError> {
    let name = if path == "-" {
        "standard input".to_owned()
    } else {
        format!("`{path}`")
    };
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| CliError::io(format!("cannot read {name}"), &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(CliError::usage(format!(
            "{name} is larger than 16 MiB, the limit for one input file: give the right file (a parameter, bundle or policy file is far smaller)"
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        CliError::usage(format!(
            "cannot read {name}: it is not UTF-8 text: save it as UTF-8"
        ))
    })
}

/// Parses a parameter file: TOML when its name ends in `.toml`, else JSON.
pub fn parse_params(path: &str, text: &str) -> Result<serde_json::Value, CliError> {
    if mmpolicy_bundle::Format::from_path(Path::new(path)) == mmpolicy_bundle::Format::Toml {
        let value = toml::from_str::<serde_json::Value>(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| mmpolicy_bundle::position::line_of(text, span.start))
                .map(|line| format!(":{line}"))
                .unwrap_or_default();
            CliError::usage(format!(
                "{path}{line}: not valid TOML: {}",
                e.message().trim().replace('\n', " ")
            ))
        })?;
        if let Some(key) = toml_datetime(&value, "") {
            let line = mmpolicy_bundle::position::locate(text, mmpolicy_bundle::Format::Toml, &key)
                .map(|line| format!(":{line}"))
                .unwrap_or_default();
            return Err(CliError::usage(format!(
                "{path}{line}: invalid `{key}`: invalid type: datetime, expected a string: write the value in quotes"
            )));
        }
        Ok(value)
    } else {
        // Refuses a key given twice (a plain `Value` keeps the last one) and skips a byte
        // order mark.
        mmpolicy::json::from_str(text)
            .map_err(|e| CliError::usage(format!("`{path}` is not valid JSON: {e}")))
    }
}

/// The path of the first TOML datetime in a parameter set read from TOML: the toml crate hands
/// a datetime over as a map with one private key, which would be reported as a map.
fn toml_datetime(value: &serde_json::Value, at: &str) -> Option<String> {
    const DATETIME_KEY: &str = "$__toml_private_datetime";
    match value {
        serde_json::Value::Object(map) => {
            if map.len() == 1 && map.contains_key(DATETIME_KEY) {
                return Some(at.to_owned());
            }
            map.iter().find_map(|(k, v)| {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                toml_datetime(v, &path)
            })
        }
        serde_json::Value::Array(items) => items.iter().find_map(|v| toml_datetime(v, at)),
        _ => None,
    }
}

/// Applies `--set key=value` (a string) and `--set key:=json` (any JSON value) pairs to `params`.
pub fn apply_sets(params: &mut serde_json::Value, sets: &[String]) -> Result<(), CliError> {
    let serde_json::Value::Object(map) = params else {
        return Err(CliError::usage(
            "the parameters must be a JSON object to take `--set`",
        ));
    };
    let mut seen = std::collections::HashSet::new();
    for set in sets {
        let (key, value) = if let Some((key, json)) = set.split_once(":=") {
            let value = mmpolicy::json::from_str(json).map_err(|e| {
                CliError::usage(format!(
                    "invalid `--set {set}`: the value after `:=` must be JSON: {e}"
                ))
            })?;
            (key, value)
        } else if let Some((key, text)) = set.split_once('=') {
            (key, serde_json::Value::String(text.to_owned()))
        } else {
            return Err(CliError::usage(format!(
                "invalid `--set {set}`: expected `key=value` (a string) or `key:=json`"
            )));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(CliError::usage(format!(
                "invalid `--set {set}`: the key is empty"
            )));
        }
        if !seen.insert(key.to_owned()) {
            return Err(CliError::usage(format!(
                "`--set {key}` is given twice: give each parameter once"
            )));
        }
        map.insert(key.to_owned(), value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sets_strings_and_json() {
        let mut v = json!({"a": "1"});
        apply_sets(
            &mut v,
            &["a=x=y".into(), "b:=[1,2]".into(), "c:=true".into()],
        )
        .unwrap();
        assert_eq!(v, json!({"a": "x=y", "b": [1, 2], "c": true}));
    }

    #[test]
    fn a_key_given_twice_in_json_is_refused() {
        let e = parse_params(
            "p.json",
            r#"{"create_tags": {"team": ["a"], "team": ["b"]}}"#,
        )
        .unwrap_err();
        let CliError::Usage(m) = e else {
            panic!("a usage error")
        };
        assert!(m.contains("duplicate key `team`: give it once"), "{m}");
        let mut v = json!({});
        assert!(apply_sets(&mut v, &[r#"t:={"a": 1, "a": 2}"#.into()]).is_err());
    }

    #[test]
    fn a_json_byte_order_mark_is_skipped() {
        let v = parse_params("p.json", "\u{feff}{\"a\": \"1\"}").unwrap();
        assert_eq!(v, json!({"a": "1"}));
    }

    #[test]
    fn a_toml_datetime_is_called_a_datetime() {
        let e = parse_params(
            "p.toml",
            "region = \"us-east-1\"\naccount_id = 1979-05-27\n",
        )
        .unwrap_err();
        let CliError::Usage(m) = e else {
            panic!("a usage error")
        };
        assert_eq!(
            m,
            "p.toml:2: invalid `account_id`: invalid type: datetime, expected a string: write the value in quotes"
        );
    }

    #[test]
    fn a_parameter_set_twice_is_refused() {
        let mut v = json!({});
        assert!(apply_sets(&mut v, &["a=1".into(), "a=2".into()]).is_err());
    }

    #[test]
    fn rejects_malformed_sets() {
        for bad in ["novalue", "=x", "a:=notjson"] {
            let mut v = json!({});
            assert!(apply_sets(&mut v, &[bad.into()]).is_err(), "{bad}");
        }
    }
}
