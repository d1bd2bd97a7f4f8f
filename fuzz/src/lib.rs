//! The harness of mmpolicy's fuzz targets: one function per target, each taking the fuzzer's
//! bytes and calling one public entry point of mmpolicy with them.
//!
//! The same functions are run by `cargo fuzz` (the binaries in `fuzz_targets/`) and, on a
//! stable toolchain, by the property test `crates/mmpolicy-cli/tests/fuzz.rs`, which includes
//! this file as a module. So this file names no crate of its own (no `crate::` paths, no inner
//! attributes) and uses only crates the mmpolicy CLI depends on.
//!
//! Every target must return for any input, without a panic, an abort, a hang or unbounded
//! memory. The first byte of the input chooses what is fuzzed (a provider, a kind, a format);
//! the rest is the text. Beyond "it returns", each target checks what mmpolicy promises:
//!
//! - a refusal's message quotes input safely: no control, bidirectional or invisible
//!   character reaches it raw;
//! - `params_json`: the three ways of reading parameters (`render_str`, the bulk path's
//!   `render_compact_into`, and what `render --params` does: duplicate keys refused, then
//!   `render_value`) agree;
//! - `bundle`: the index a bundle writes lists exactly the policy files it writes;
//! - `bulk_lines`: every parameter set read is rendered or reported.

use std::path::Path;

/// A harness function: runs one input, and panics on a finding.
pub type Harness = fn(&[u8]);

/// The targets, by name, with their harness functions.
pub const TARGETS: &[(&str, Harness)] = &[
    ("params_json", params_json),
    ("params_toml", params_toml),
    ("bundle", bundle),
    ("lint", lint),
    ("bulk_lines", bulk_lines),
];

/// Whether `c` would forge or hide part of a message if printed raw (the set mmpolicy's
/// messages escape).
fn forges_output(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{061c}'
                | '\u{feff}'
                | '\u{fff9}'..='\u{fffb}'
        )
}

/// Fails when `message` holds a character that must be escaped.
fn assert_safe(what: &str, message: &str) {
    assert!(
        !message.chars().any(forges_output),
        "{what}: a raw control, bidirectional or invisible character in the message: {message:?}"
    );
}

/// The provider chosen by `selector`, among every registered one.
fn provider(selector: u8) -> Option<&'static dyn mmpolicy::PolicyProvider> {
    let providers = mmpolicy::registry();
    providers
        .iter()
        .nth(usize::from(selector) % providers.len().max(1))
}

/// The first byte and the rest as UTF-8 text (mmpolicy refuses a file that is not UTF-8
/// before reading it).
fn split_text(data: &[u8]) -> Option<(u8, &str)> {
    let (&selector, rest) = data.split_first()?;
    Some((selector, std::str::from_utf8(rest).ok()?))
}

/// A parameter file in JSON: the first byte chooses the provider, the rest is the file.
pub fn params_json(data: &[u8]) {
    let Some((selector, text)) = split_text(data) else {
        return;
    };
    let Some(provider) = provider(selector) else {
        return;
    };
    let id = provider.id();
    let by_str = provider.render_str(text);
    let mut compact = Vec::new();
    let by_compact = provider.render_compact_into(text, &mut compact);
    assert_eq!(
        by_str.is_ok(),
        by_compact.is_ok(),
        "{id}: `render_str` and the bulk path disagree: {:?} against {:?}",
        by_str.as_ref().map(|_| ()).map_err(ToString::to_string),
        by_compact.as_ref().map_err(ToString::to_string),
    );
    match (&by_str, &by_compact) {
        (Ok(policy), Ok(())) => {
            assert_eq!(
                policy
                    .to_compact_json_as(provider.kind().shape())
                    .as_bytes(),
                compact.as_slice(),
                "{id}: the bulk path wrote another policy"
            );
            let _ = policy.to_pretty_json();
        }
        (Err(a), Err(b)) => {
            assert_eq!(
                a.to_string(),
                b.to_string(),
                "{id}: the bulk path refused with another message"
            );
            assert_safe(id, &a.to_string());
        }
        _ => {}
    }
    // What `render --params FILE.json` does: a key given twice is refused, then the value is
    // rendered.
    match mmpolicy::json::from_str(text) {
        Ok(value) => {
            let by_value = provider.render_value(&value);
            assert_eq!(
                by_str.is_ok(),
                by_value.is_ok(),
                "{id}: `render_str` and `render --params` disagree: {:?} against {:?}",
                by_str.as_ref().map(|_| ()).map_err(ToString::to_string),
                by_value.as_ref().map(|_| ()).map_err(ToString::to_string),
            );
            match (&by_str, &by_value) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{id}: `render --params` renders another policy")
                }
                (Err(_), Err(e)) => assert_safe(id, &e.to_string()),
                _ => {}
            }
        }
        Err(e) => assert_safe(id, &e.to_string()),
    }
}

/// A parameter file in TOML: the first byte chooses the provider, the rest is the file, read as
/// `render --params FILE.toml` reads it.
pub fn params_toml(data: &[u8]) {
    let Some((selector, text)) = split_text(data) else {
        return;
    };
    let Some(provider) = provider(selector) else {
        return;
    };
    let Ok(value) = toml::from_str::<serde_json::Value>(text) else {
        return;
    };
    match provider.render_value(&value) {
        Ok(policy) => {
            let _ = policy.to_pretty_json();
        }
        Err(e) => assert_safe(provider.id(), &e.to_string()),
    }
}

/// A bundle (deployment) file: TOML when the first byte is even, JSON when odd.
pub fn bundle(data: &[u8]) {
    use mmpolicy_bundle::{Format as BundleFormat, index_files, plan_bundle};
    let Some((selector, text)) = split_text(data) else {
        return;
    };
    let format = if selector % 2 == 0 {
        BundleFormat::Toml
    } else {
        BundleFormat::Json
    };
    match plan_bundle(text, format) {
        Ok(bundle) => {
            let mut files = bundle.files();
            let index = files.pop().map(|(_, text)| text).unwrap_or_default();
            let names: Vec<String> = files.into_iter().map(|(name, _)| name).collect();
            assert_eq!(
                index_files(&index),
                Some(names),
                "the index does not list the files the bundle writes"
            );
        }
        Err(e) => assert_safe("bundle", &e.to_string()),
    }
}

/// A policy document given to `lint`: the first byte chooses the kind (or none, to guess it),
/// the rest is the document; the report is also written as SARIF.
pub fn lint(data: &[u8]) {
    use mmpolicy_lint::sarif::{Artifact, Source, to_sarif};
    let Some((selector, text)) = split_text(data) else {
        return;
    };
    let kinds = mmpolicy::PolicyKind::ALL;
    let kind = usize::from(selector)
        .checked_rem(kinds.len() + 1)
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| kinds.get(i).copied());
    let Ok(report) = mmpolicy_lint::lint_str(text, kind, mmpolicy_lint::Catalog::embedded()) else {
        return;
    };
    let _ = report.fails();
    let artifact = Artifact {
        source: Source::Path("policy.json"),
        text: Some(text),
        report: &report,
    };
    let _ = to_sarif(&[artifact], "0.0.0");
}

/// Lines given to `mmpolicy bulk`: the first byte chooses the provider (its high bits) and the
/// format (its low bit: NDJSON or CSV), the rest is the input. One job, `--keep-going`.
pub fn bulk_lines(data: &[u8]) {
    use mmpolicy_bulk::{BulkError, InputFormat, LineError, Options, Rendered, Sink};

    /// Counts what it is handed and checks each refusal's message.
    #[derive(Default)]
    struct Count {
        rendered: u64,
        failed: u64,
    }
    impl Sink for Count {
        fn policy(&mut self, policy: &Rendered<'_>) -> Result<(), BulkError> {
            assert!(!policy.json.is_empty(), "an empty policy");
            self.rendered += 1;
            Ok(())
        }
        fn error(&mut self, error: &LineError) -> Result<(), BulkError> {
            assert_safe("bulk", &error.message);
            self.failed += 1;
            Ok(())
        }
    }

    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let Some(provider) = provider(selector >> 1) else {
        return;
    };
    let format = if selector % 2 == 0 {
        InputFormat::Ndjson
    } else {
        InputFormat::Csv
    };
    let run = |input: &mut (dyn std::io::BufRead + Send), jobs: usize| {
        let options = Options {
            jobs,
            keep_going: true,
        };
        let mut sink = Count::default();
        let result = mmpolicy_bulk::run(provider, input, format, options, &mut sink);
        match &result {
            Ok(summary) => {
                assert_eq!(summary.rendered, sink.rendered, "rendered lines miscounted");
                assert_eq!(summary.failed, sink.failed, "failed lines miscounted");
                assert_eq!(
                    summary.lines,
                    summary.rendered + summary.failed,
                    "a parameter set was neither rendered nor reported"
                );
            }
            Err(e) => assert_safe("bulk", &e.to_string()),
        }
        (
            result.map_err(|e| e.to_string()),
            sink.rendered,
            sink.failed,
        )
    };
    let whole = run(&mut &input[..], 1);
    // One job reads lines where they stand in the reader's buffer when it can: a small buffer,
    // which cuts lines, and several jobs, which copy every line, must read the same.
    let small = run(&mut std::io::BufReader::with_capacity(7, input), 1);
    assert_eq!(small, whole, "a small reader buffer read differently");
    let jobs = run(&mut &input[..], 2);
    assert_eq!(jobs, whole, "two jobs read differently");
}

/// The starting inputs of `target`, made from the repository's own examples: every provider's
/// example parameters (as JSON, TOML, NDJSON and CSV), `examples/deployment.toml` (as TOML and
/// JSON), the lint test fixtures and every provider's example policy. `root` is the
/// repository's root; files that cannot be read there are left out.
pub fn seeds(target: &str, root: &Path) -> Vec<Vec<u8>> {
    let with = |selector: u8, text: &str| {
        let mut input = vec![selector];
        input.extend_from_slice(text.as_bytes());
        input
    };
    let providers: Vec<&dyn mmpolicy::PolicyProvider> = mmpolicy::registry().iter().collect();
    let examples = providers
        .iter()
        .zip(0u8..)
        .map(|(p, i)| (i, p.example_params()));
    let mut out = Vec::new();
    match target {
        "params_json" => {
            for (i, example) in examples {
                out.push(with(i, &example.to_string()));
                if let Ok(pretty) = serde_json::to_string_pretty(&example) {
                    out.push(with(i, &pretty));
                }
            }
        }
        "params_toml" => {
            for (i, example) in examples {
                if let Ok(text) = toml::to_string(&example) {
                    out.push(with(i, &text));
                }
            }
        }
        "bundle" => {
            if let Ok(text) = std::fs::read_to_string(root.join("examples/deployment.toml")) {
                out.push(with(0, &text));
                if let Ok(value) = toml::from_str::<serde_json::Value>(&text) {
                    out.push(with(1, &value.to_string()));
                }
            }
        }
        "lint" => {
            let fixtures = root.join("crates/mmpolicy-lint/tests/fixtures/page");
            let mut files: Vec<_> = std::fs::read_dir(fixtures)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            files.sort();
            for file in files {
                if let Ok(text) = std::fs::read_to_string(file) {
                    out.push(with(0, &text));
                }
            }
            for (provider, i) in providers.iter().zip(0u8..) {
                if let Ok(policy) = provider.render_value(&provider.example_params()) {
                    out.push(with(i % 6, &policy.to_pretty_json()));
                }
            }
        }
        "bulk_lines" => {
            for (i, example) in examples {
                let line = example.to_string();
                out.push(with(i << 1, &format!("{line}\n\n{line}\n{{}}\n")));
                if let Some(map) = example.as_object() {
                    let header: Vec<&str> = map.keys().map(String::as_str).collect();
                    let cells: Vec<String> = map
                        .values()
                        .map(|v| match v {
                            serde_json::Value::String(s) => s.clone(),
                            other => format!("\"{}\"", other.to_string().replace('"', "\"\"")),
                        })
                        .collect();
                    let csv = format!(
                        "{}\n{}\n{}\n",
                        header.join(","),
                        cells.join(","),
                        cells.join(",")
                    );
                    out.push(with((i << 1) | 1, &csv));
                }
            }
        }
        _ => {}
    }
    out
}
