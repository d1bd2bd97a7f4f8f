//! SARIF 2.1.0 output, for code-scanning dashboards: one run, every [`Rule`] in the tool's
//! driver, one result per finding located by file and JSON pointer (and by line when the
//! text is given).
//!
//! Files are located the way SARIF consumers can resolve them: a file given by an absolute path
//! gets a `file://` URI and no base; a file given by a relative path gets a relative URI (no
//! leading slash) against the base [`SRCROOT`], the folder the run started in; standard input
//! is the relative URI `stdin`, with no base, since it is no file of the source tree.

use crate::{Finding, Report, Rule, Severity, plain};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;

/// The `uriBaseId` of files given by a relative path: the folder the lint run started in (the
/// conventional name of the root of the analysed source tree).
pub const SRCROOT: &str = "%SRCROOT%";

/// The SARIF level of a severity: errors and security findings are `error`.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error | Severity::Security => "error",
        Severity::Warning => "warning",
        Severity::Suggestion => "note",
    }
}

/// Where a linted document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// A file, by the path it was given as: absolute, or relative to the working folder.
    Path(&'a str),
    /// Standard input.
    Stdin,
}

/// One linted document: where it came from, its text (for line numbers), and its report.
#[derive(Debug, Clone, Copy)]
pub struct Artifact<'a> {
    /// The file, or standard input.
    pub source: Source<'a>,
    /// The text, when known, to give each result a line.
    pub text: Option<&'a str>,
    /// The findings.
    pub report: &'a Report,
}

/// The SARIF `artifactLocation` of `source`: `{"uri": "file:///abs/p.json"}` for an absolute
/// path, `{"uri": "rel/p.json", "uriBaseId": "%SRCROOT%"}` for a relative one, and
/// `{"uri": "stdin"}` for standard input. URIs are percent-encoded.
pub fn artifact_location(source: Source<'_>) -> Value {
    match source {
        Source::Stdin => json!({ "uri": "stdin" }),
        Source::Path(path) => {
            let slashed = path.replace(std::path::MAIN_SEPARATOR, "/");
            if Path::new(path).is_absolute() {
                json!({ "uri": file_uri(&slashed) })
            } else {
                let mut rel = slashed.as_str();
                while let Some(rest) = rel.strip_prefix("./") {
                    rel = rest.trim_start_matches('/');
                }
                json!({ "uri": percent_encode(rel), "uriBaseId": SRCROOT })
            }
        }
    }
}

/// The `file://` URI of an absolute path written with `/` (`C:/x` on Windows).
fn file_uri(path: &str) -> String {
    let bytes = path.as_bytes();
    // A Windows drive (`C:`) stays as written: its colon is part of the path, not a scheme.
    let (drive, rest) = match bytes {
        [d, b':', ..] if d.is_ascii_alphabetic() => (&path[..2], &path[2..]),
        _ => ("", path),
    };
    let sep = if drive.is_empty() { "" } else { "/" };
    format!("file://{sep}{drive}{}", percent_encode(rest))
}

/// `text` with every byte but the unreserved characters of RFC 3986 and `/` percent-encoded.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The tags of a rule: its category, and `security` for security findings; each once (SARIF
/// wants the tags unique).
pub fn tags(rule: Rule) -> Vec<&'static str> {
    let mut tags = vec![category(rule)];
    if rule.severity() == Severity::Security && !tags.contains(&"security") {
        tags.push("security");
    }
    tags
}

/// The SARIF log of a lint run over `artifacts`, by `tool_version`.
pub fn to_sarif(artifacts: &[Artifact<'_>], tool_version: &str) -> Value {
    let rules = rule_descriptors().clone();
    let mut results = Vec::new();
    for (index, a) in artifacts.iter().enumerate() {
        let lines = a
            .text
            .map(|t| Lines::new(t, a.report.findings.iter().map(|f| f.pointer.as_str())));
        for f in &a.report.findings {
            results.push(result(a, index, f, lines.as_ref()));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "mmpolicy",
                "version": tool_version,
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules,
            }},
            "artifacts": artifacts.iter().map(artifact).collect::<Vec<_>>(),
            "results": results,
        }],
    })
}

/// The `artifact` object of a linted document: where it is, that it was analysed, that it is
/// JSON, and its length in bytes when the text is known.
fn artifact(a: &Artifact<'_>) -> Value {
    let mut artifact = json!({
        "location": artifact_location(a.source),
        "roles": ["analysisTarget"],
        "mimeType": "application/json",
    });
    if let Some(text) = a.text {
        artifact["length"] = json!(text.len());
    }
    artifact
}

/// The `reportingDescriptor` of every rule, in `Rule::ALL` order: the same for every log, so it
/// is built once (the help texts are long and formatted from parts).
fn rule_descriptors() -> &'static Vec<Value> {
    static RULES: OnceLock<Vec<Value>> = OnceLock::new();
    RULES.get_or_init(|| Rule::ALL.iter().map(|r| rule_descriptor(*r)).collect())
}

/// The `reportingDescriptor` of `rule`.
fn rule_descriptor(r: Rule) -> Value {
    let mut props = json!({ "tags": tags(r) });
    if r.severity() == Severity::Security {
        props["security-severity"] = json!("7.5");
    }
    json!({
        "id": r.code(),
        "name": r.name(),
        "shortDescription": { "text": plain(r.summary()), "markdown": r.summary() },
        "fullDescription": { "text": plain(r.why()), "markdown": r.why() },
        "helpUri": r.help_uri(),
        "help": { "text": r.help_text(), "markdown": r.help_markdown() },
        "defaultConfiguration": { "level": level(r.severity()) },
        "properties": props,
    })
}

fn category(r: Rule) -> &'static str {
    match r.code().as_bytes().first() {
        Some(b'E') => "grammar",
        Some(b'C') => "catalog",
        Some(b'S') => "security",
        _ => "suggestion",
    }
}

fn result(a: &Artifact<'_>, index: usize, f: &Finding, lines: Option<&Lines>) -> Value {
    let rule_index = Rule::ALL.iter().position(|r| *r == f.rule).unwrap_or(0);
    let mut location = artifact_location(a.source);
    location["index"] = json!(index);
    let mut physical = json!({ "artifactLocation": location });
    if let Some(line) = lines.and_then(|l| l.get(&f.pointer)) {
        physical["region"] = json!({ "startLine": line });
    }
    json!({
        "ruleId": f.rule.code(),
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": f.message },
        "locations": [{
            "physicalLocation": physical,
            "logicalLocations": [{ "fullyQualifiedName": f.pointer, "kind": "member" }],
        }],
    })
}

/// The 1-based line where the value at `pointer` starts in `text`, found by walking the JSON
/// text; `None` when the text does not parse as expected.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = if pointer.is_empty() {
        Vec::new()
    } else {
        pointer
            .strip_prefix('/')?
            .split('/')
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
            .collect()
    };
    let b = text.as_bytes();
    let mut i = skip_ws(b, 0);
    for tok in &tokens {
        match b.get(i)? {
            b'{' => {
                i = skip_ws(b, i + 1);
                loop {
                    let (key, after) = read_string(text, i)?;
                    i = skip_ws(b, after);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    if key == *tok {
                        break;
                    }
                    i = skip_ws(b, skip_value(b, i)?);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let n: usize = tok.parse().ok()?;
                i = skip_ws(b, i + 1);
                for _ in 0..n {
                    i = skip_ws(b, skip_value(b, i)?);
                    if b.get(i)? != &b',' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                }
            }
            _ => return None,
        }
    }
    Some(text[..i].bytes().filter(|c| *c == b'\n').count() + 1)
}

/// The lines of many pointers into one text, found in one walk over the text ([`line_of`]
/// walks it once per pointer, which is slow for thousands of findings).
#[derive(Debug, Clone, Default)]
pub struct Lines {
    lines: HashMap<String, usize>,
}

impl Lines {
    /// Finds the line of each of `pointers` in `text`.
    pub fn new<'p>(text: &str, pointers: impl IntoIterator<Item = &'p str>) -> Lines {
        let wanted: HashSet<&str> = pointers.into_iter().collect();
        let mut walk = Walk {
            text,
            wanted,
            lines: HashMap::new(),
            pos: 0,
            line: 1,
        };
        let mut path = String::new();
        let start = skip_ws(text.as_bytes(), 0);
        // A text that does not read as expected leaves the pointers after the problem out.
        let _ = walk.value(start, &mut path, 0);
        Lines { lines: walk.lines }
    }

    /// The 1-based line where the value at `pointer` starts; `None` when it was not asked
    /// for or not found.
    pub fn get(&self, pointer: &str) -> Option<usize> {
        self.lines.get(pointer).copied()
    }
}

/// Deeper than this, the walk stops (serde_json reads no deeper than 128).
const MAX_DEPTH: usize = 256;

struct Walk<'t, 'p> {
    text: &'t str,
    wanted: HashSet<&'p str>,
    lines: HashMap<String, usize>,
    /// The line at `pos`; the walk only moves forward.
    pos: usize,
    line: usize,
}

impl Walk<'_, '_> {
    fn record(&mut self, path: &str, i: usize) {
        if !self.wanted.contains(path) || self.lines.contains_key(path) {
            return;
        }
        let b = self.text.as_bytes();
        self.line += b[self.pos..i].iter().filter(|c| **c == b'\n').count();
        self.pos = i;
        self.lines.insert(path.to_owned(), self.line);
    }

    /// Walks the value at `i`; returns the index after it.
    fn value(&mut self, i: usize, path: &mut String, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.record(path, i);
        let b = self.text.as_bytes();
        match b.get(i)? {
            b'{' => {
                let mut i = skip_ws(b, i + 1);
                if b.get(i) == Some(&b'}') {
                    return Some(i + 1);
                }
                loop {
                    let (key, after) = read_string(self.text, i)?;
                    i = skip_ws(b, after);
                    if b.get(i)? != &b':' {
                        return None;
                    }
                    i = skip_ws(b, i + 1);
                    let len = path.len();
                    path.push('/');
                    path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    i = skip_ws(b, self.value(i, path, depth + 1)?);
                    path.truncate(len);
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        b'}' => return Some(i + 1),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                let mut i = skip_ws(b, i + 1);
                if b.get(i) == Some(&b']') {
                    return Some(i + 1);
                }
                let mut n = 0usize;
                loop {
                    let len = path.len();
                    path.push('/');
                    path.push_str(&n.to_string());
                    i = skip_ws(b, self.value(i, path, depth + 1)?);
                    path.truncate(len);
                    n += 1;
                    match b.get(i)? {
                        b',' => i = skip_ws(b, i + 1),
                        b']' => return Some(i + 1),
                        _ => return None,
                    }
                }
            }
            _ => skip_value(b, i),
        }
    }
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Reads a JSON string at `i`; returns it (unescaped for the simple escapes) and the index
/// after it.
fn read_string(text: &str, i: usize) -> Option<(String, usize)> {
    let b = text.as_bytes();
    if b.get(i)? != &b'"' {
        return None;
    }
    let mut j = i + 1;
    while *b.get(j)? != b'"' {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    let raw = &text[i..=j];
    let s: String = serde_json::from_str(raw).ok()?;
    Some((s, j + 1))
}

/// The index after the JSON value at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => {
            let mut j = i + 1;
            while *b.get(j)? != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            Some(j + 1)
        }
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            loop {
                match b.get(j)? {
                    b'"' => {
                        j = skip_value(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
        }
        _ => {
            let mut j = i;
            while b
                .get(j)
                .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
            {
                j += 1;
            }
            Some(j)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KindSource, Report};

    fn report(rules: &[Rule]) -> Report {
        Report {
            kind: None,
            kind_source: KindSource::Given,
            findings: rules
                .iter()
                .map(|r| Finding::new(*r, "/Statement/0", "a message"))
                .collect(),
        }
    }

    /// The log of one document from `source` with one finding of every rule.
    fn log_of(source: Source<'_>) -> Value {
        let report = report(Rule::ALL);
        let text = "{\n  \"Statement\": [{}]\n}\n";
        let artifacts = [Artifact {
            source,
            text: Some(text),
            report: &report,
        }];
        to_sarif(&artifacts, "0.0.0")
    }

    /// Every `artifactLocation` of a log: the artifacts' and the results'.
    fn locations(log: &Value) -> Vec<Value> {
        let run = &log["runs"][0];
        let mut all: Vec<Value> = run["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["location"].clone())
            .collect();
        for r in run["results"].as_array().unwrap() {
            all.push(r["locations"][0]["physicalLocation"]["artifactLocation"].clone());
        }
        assert!(all.len() > Rule::ALL.len());
        all
    }

    #[test]
    fn rule_tags_are_unique() {
        let log = log_of(Source::Stdin);
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), Rule::ALL.len());
        for r in rules {
            let tags: Vec<&str> = r["properties"]["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            let unique: HashSet<&str> = tags.iter().copied().collect();
            assert_eq!(unique.len(), tags.len(), "{}: {tags:?}", r["id"]);
            assert!(!tags.is_empty(), "{}", r["id"]);
        }
    }

    #[test]
    fn security_rules_are_tagged_security() {
        for r in Rule::ALL {
            if r.severity() == Severity::Security {
                assert!(tags(*r).contains(&"security"), "{r}");
            }
        }
    }

    #[test]
    fn absolute_path_is_a_file_uri_without_base() {
        let log = log_of(Source::Path("/srv/policies/key policy.json"));
        for loc in locations(&log) {
            assert_eq!(
                loc["uri"], "file:///srv/policies/key%20policy.json",
                "{loc}"
            );
            assert!(loc.get("uriBaseId").is_none(), "{loc}");
        }
    }

    #[test]
    fn relative_path_has_a_base_and_no_leading_slash() {
        for path in [
            "policies/key.json",
            "./policies/key.json",
            ".//policies/key.json",
        ] {
            let log = log_of(Source::Path(path));
            for loc in locations(&log) {
                assert_eq!(loc["uri"], "policies/key.json", "{path}: {loc}");
                assert_eq!(loc["uriBaseId"], SRCROOT, "{path}: {loc}");
            }
        }
    }

    #[test]
    fn relative_path_is_percent_encoded() {
        let loc = artifact_location(Source::Path("a:b/ü #1.json"));
        assert_eq!(loc["uri"], "a%3Ab/%C3%BC%20%231.json");
    }

    #[test]
    fn stdin_is_located_without_base() {
        let log = log_of(Source::Stdin);
        for loc in locations(&log) {
            assert_eq!(loc["uri"], "stdin", "{loc}");
            assert!(loc.get("uriBaseId").is_none(), "{loc}");
        }
    }

    #[test]
    fn results_point_at_their_artifact() {
        let one = report(&[Rule::DuplicateSid]);
        let two = report(&[Rule::GroupPrincipal]);
        let artifacts = [
            Artifact {
                source: Source::Path("a.json"),
                text: None,
                report: &one,
            },
            Artifact {
                source: Source::Path("b.json"),
                text: None,
                report: &two,
            },
        ];
        let log = to_sarif(&artifacts, "0.0.0");
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 2);
        for (i, r) in results.iter().enumerate() {
            let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            assert_eq!(loc["index"], i);
            assert_eq!(
                log["runs"][0]["artifacts"][i]["location"]["uri"],
                loc["uri"]
            );
        }
        let artifacts = log["runs"][0]["artifacts"].as_array().unwrap();
        for a in artifacts {
            assert_eq!(a["roles"], json!(["analysisTarget"]));
            assert!(a.get("length").is_none(), "no text, no length: {a}");
        }
    }

    #[test]
    fn lines_of_pointers() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\n      \"Action\": [\"a\",\n \"b\"]\n    }\n  ]\n}\n";
        assert_eq!(line_of(text, ""), Some(1));
        assert_eq!(line_of(text, "/Version"), Some(2));
        assert_eq!(line_of(text, "/Statement/0"), Some(4));
        assert_eq!(line_of(text, "/Statement/1/Action"), Some(6));
        assert_eq!(line_of(text, "/Statement/1/Action/1"), Some(7));
        assert_eq!(line_of(text, "/Statement/2"), None);
        assert_eq!(line_of(text, "/Nope"), None);
    }

    #[test]
    fn lines_in_one_walk_agree_with_line_of() {
        let text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\n      \"Action\": [\"a\",\n \"b\"], \"Condition\": {\"StringEquals\":\n {\"aws:RequestTag/a\": \"x\"}}\n    }\n  ]\n}\n";
        let pointers = [
            "",
            "/Version",
            "/Statement/0",
            "/Statement/0/Effect",
            "/Statement/1/Action",
            "/Statement/1/Action/1",
            "/Statement/1/Condition/StringEquals/aws:RequestTag~1a",
            "/Statement/2",
            "/Nope",
        ];
        let lines = Lines::new(text, pointers);
        for p in pointers {
            assert_eq!(lines.get(p), line_of(text, p), "{p}");
        }
        assert_eq!(lines.get("/Statement/1/Action/1"), Some(7));
        assert_eq!(
            lines.get("/Statement/1/Condition/StringEquals/aws:RequestTag~1a"),
            Some(8)
        );
        // Not asked for: not found.
        assert_eq!(Lines::new(text, ["/Version"]).get("/Statement/0"), None);
    }

    #[test]
    fn escaped_keys() {
        let text = "{\"Condition\": {\"StringEquals\":\n {\"aws:RequestTag/a\": \"x\"}}}";
        assert_eq!(
            line_of(text, "/Condition/StringEquals/aws:RequestTag~1a"),
            Some(2)
        );
    }
}
