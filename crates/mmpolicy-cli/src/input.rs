//! Reading parameter sets: a JSON or TOML file, stdin, `--set` pairs, or the example.

use crate::error::{CliError, io_reason};
use std::io::Read;
use std::path::Path;

/// Reads a file (`-` for stdin) as text.
pub fn read_text(path: &str) -> Result<String, CliError> {
    if path == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| CliError::usage(format!("cannot read stdin: {}", io_reason(&e))))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read `{path}`: {}", io_reason(&e))))
    }
}

/// Parses a parameter file: TOML when its name ends in `.toml`, else JSON.
pub fn parse_params(path: &str, text: &str) -> Result<serde_json::Value, CliError> {
    let is_toml = Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        toml::from_str::<serde_json::Value>(text).map_err(|e| {
            let line = e
                .span()
                .map(|span| line_of_offset(text, span.start))
                .map(|line| format!(":{line}"))
                .unwrap_or_default();
            CliError::usage(format!(
                "{path}{line}: not valid TOML: {}",
                e.message().trim().replace('\n', " ")
            ))
        })
    } else {
        serde_json::from_str::<serde_json::Value>(text)
            .map_err(|e| CliError::usage(format!("`{path}` is not valid JSON: {e}")))
    }
}

/// The 1-based line of a byte offset in `text`.
pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of a top-level `key = ...` in a TOML text, to locate an error about that key.
pub fn toml_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix(key)
                .or_else(|| line.strip_prefix(&format!("\"{key}\"")));
            rest.is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1)
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
            let value = serde_json::from_str(json).map_err(|e| {
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
    fn lines_of_offsets_and_toml_keys() {
        let text = "a = 1\nregion = \"x\"\n  \"account_id\" = \"1\"\n";
        assert_eq!(line_of_offset(text, 0), 1);
        assert_eq!(line_of_offset(text, 7), 2);
        assert_eq!(toml_key_line(text, "region"), Some(2));
        assert_eq!(toml_key_line(text, "account_id"), Some(3));
        assert_eq!(toml_key_line(text, "a"), Some(1));
        assert_eq!(toml_key_line(text, "missing"), None);
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
