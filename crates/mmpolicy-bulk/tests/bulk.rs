//! The bulk path against `render`, for every registered provider, and its ordering, error and
//! format guarantees.

use mmpolicy::PolicyProvider;
use mmpolicy_bulk::sink::NdjsonSink;
use mmpolicy_bulk::{BulkError, InputFormat, LineError, Options, Summary, testdata};

/// Runs the bulk path into memory; returns the summary, the output and the errors file.
fn bulk(
    provider: &dyn PolicyProvider,
    input: &str,
    format: InputFormat,
    jobs: usize,
    keep_going: bool,
) -> Result<(Summary, String, String), BulkError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut sink = NdjsonSink::with_errors(&mut out, &mut errors);
    let summary = mmpolicy_bulk::run(
        provider,
        input.as_bytes(),
        format,
        Options { jobs, keep_going },
        &mut sink,
    )?;
    Ok((
        summary,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&errors).into_owned(),
    ))
}

fn providers() -> Vec<&'static dyn PolicyProvider> {
    let providers: Vec<_> = mmpolicy::registry().iter().collect();
    assert!(!providers.is_empty());
    providers
}

#[test]
fn generated_sets_are_varied_and_all_render() {
    for provider in providers() {
        let sets = testdata::param_sets(provider, 500, testdata::SEED);
        for set in &sets {
            provider
                .render_value(set)
                .unwrap_or_else(|e| panic!("{}: {set}: {e}", provider.id()));
        }
    }
}

#[test]
fn generated_sets_vary_accounts_regions_and_ids() {
    // The providers of this crate's time; a provider added later needs only to render (above),
    // since the generator varies only the fields it recognises.
    for (id, id_field) in [
        ("ingress.secret-policy", "ingress_point_id"),
        ("ingress.key-policy", "ingress_point_id"),
        ("smtp-relay.secret-policy", "relay_id"),
        ("smtp-relay.key-policy", "relay_id"),
    ] {
        let provider = mmpolicy::registry().get(id).unwrap();
        let sets = testdata::param_sets(provider, 500, testdata::SEED);
        let distinct = |field: &str| {
            sets.iter()
                .map(|s| s[field].to_string())
                .collect::<std::collections::HashSet<_>>()
                .len()
        };
        assert_eq!(distinct("account_id"), 500, "{id}");
        assert!(distinct("region") >= 10, "{id}");
        assert!(distinct(id_field) > 450, "{id}");
    }
}

#[test]
fn bulk_output_equals_render_line_by_line() {
    for provider in providers() {
        let input = testdata::ndjson(provider, 1_000, testdata::SEED);
        for jobs in [1, 3] {
            let (summary, out, _) =
                bulk(provider, &input, InputFormat::Ndjson, jobs, false).unwrap();
            assert_eq!(summary.rendered, 1_000);
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 1_000);
            for (params, got) in input.lines().zip(&lines) {
                // As `render` prints it: key, secret and bucket policies as statements.
                let want = provider
                    .render_str(params)
                    .unwrap()
                    .to_compact_json_as(provider.kind().shape());
                assert_eq!(*got, want, "{}: {params}", provider.id());
            }
        }
    }
}

#[test]
fn order_is_kept_with_many_jobs() {
    let provider = providers()[0];
    let input = testdata::ndjson(provider, 10_000, testdata::SEED);
    let (_, one, _) = bulk(provider, &input, InputFormat::Ndjson, 1, false).unwrap();
    let (summary, four, _) = bulk(provider, &input, InputFormat::Ndjson, 4, false).unwrap();
    assert_eq!(summary.rendered, 10_000);
    assert_eq!(four, one);
}

#[test]
fn csv_and_ndjson_give_identical_output() {
    for provider in providers() {
        let sets = testdata::param_sets(provider, 300, testdata::SEED);
        let ndjson: String = sets.iter().map(|s| format!("{s}\n")).collect();
        // Leave an optional parameter out of some sets, so that empty cells are exercised.
        let csv = testdata::to_csv(&sets);
        let (_, from_ndjson, _) = bulk(provider, &ndjson, InputFormat::Ndjson, 2, false).unwrap();
        let (_, from_csv, _) = bulk(provider, &csv, InputFormat::Csv, 2, false).unwrap();
        assert_eq!(from_csv, from_ndjson, "{}", provider.id());
    }
}

#[test]
fn csv_empty_cells_leave_optional_parameters_out() {
    let provider = mmpolicy::registry().get("ingress.secret-policy").unwrap();
    let csv = "account_id,region,partition,ingress_point_id\n111122223333,eu-west-1,,*\n";
    let (_, out, _) = bulk(provider, csv, InputFormat::Csv, 1, false).unwrap();
    let want = provider
        .render_str(r#"{"account_id":"111122223333","region":"eu-west-1","ingress_point_id":"*"}"#)
        .unwrap()
        .to_compact_json_as(mmpolicy::Shape::Statements);
    assert!(want.starts_with("[{"), "{want}");
    assert_eq!(out, format!("{want}\n"));
}

#[test]
fn csv_empty_cells_of_scoping_parameters_are_refused_not_widened() {
    let provider = mmpolicy::registry().get("ingress.secret-policy").unwrap();
    let csv = "account_id,region,ingress_point_id\n111122223333,eu-west-1,\n";
    let Err(BulkError::Line(e)) = bulk(provider, csv, InputFormat::Csv, 1, false) else {
        panic!("an empty ingress point must be refused");
    };
    assert_eq!(e.line, 2);
    assert!(
        e.message.contains("missing parameter `ingress_point_id`"),
        "{}",
        e.message
    );
}

#[test]
fn ndjson_lines_with_a_key_given_twice_are_refused() {
    let provider = mmpolicy::registry().get("archiving.identity").unwrap();
    let line = r#"{"account_id":"111122223333","region":"eu-west-1","archive_id":"*","create_tags":{"team":["a"],"team":["b"]}}"#;
    let Err(BulkError::Line(e)) = bulk(provider, line, InputFormat::Ndjson, 1, false) else {
        panic!("a tag key given twice must be refused");
    };
    assert!(
        e.message
            .contains("invalid `create_tags`: duplicate key `team`: give it once"),
        "{}",
        e.message
    );
    let line = r#"{"account_id":"111122223333","account_id":"111122223333","region":"eu-west-1","archive_id":"*"}"#;
    assert!(bulk(provider, line, InputFormat::Ndjson, 1, false).is_err());
    let csv = "account_id,region,archive_id,create_tags\n111122223333,eu-west-1,*,\"{\"\"t\"\":[\"\"a\"\"],\"\"t\"\":[\"\"b\"\"]}\"\n";
    let Err(BulkError::Line(e)) = bulk(provider, csv, InputFormat::Csv, 1, false) else {
        panic!("a tag key given twice in a CSV cell must be refused");
    };
    assert!(e.message.contains("duplicate key `t`"), "{}", e.message);
}

/// The first provider whose parameters include an account id (the bad value the tests use).
fn provider_with_account_id() -> Option<&'static dyn PolicyProvider> {
    providers()
        .into_iter()
        .find(|p| p.example_params().get("account_id").is_some())
}

/// The generated input with line `bad` (1-based) replaced by a set with a bad account id.
fn with_bad_line(provider: &dyn PolicyProvider, lines: usize, bad: usize) -> String {
    let mut sets = testdata::param_sets(provider, lines, testdata::SEED);
    sets[bad - 1]["account_id"] = "12345".into();
    sets.iter().map(|s| format!("{s}\n")).collect()
}

#[test]
fn a_bad_line_stops_the_run_with_its_number_field_and_rule() {
    let provider = provider_with_account_id().unwrap();
    let input = with_bad_line(provider, 3_000, 1_777);
    for jobs in [1, 4] {
        let Err(BulkError::Line(e)) = bulk(provider, &input, InputFormat::Ndjson, jobs, false)
        else {
            panic!("the bad line was accepted");
        };
        assert_eq!(
            e,
            LineError {
                line: 1_777,
                field: Some("account_id".into()),
                message: "invalid `account_id` `12345`: expected exactly 12 digits (write it as a string to keep leading zeros)".into(),
            }
        );
        assert_eq!(
            e.to_string(),
            "line 1777: invalid `account_id` `12345`: expected exactly 12 digits (write it as a string to keep leading zeros)"
        );
    }
}

#[test]
fn keep_going_reports_bad_lines_and_renders_the_rest() {
    let provider = provider_with_account_id().unwrap();
    let mut input = with_bad_line(provider, 2_000, 1_500);
    input.push_str("{not json\n");
    let (summary, out, errors) = bulk(provider, &input, InputFormat::Ndjson, 4, true).unwrap();
    assert_eq!(
        summary,
        Summary {
            lines: 2_001,
            rendered: 1_999,
            failed: 2
        }
    );
    assert_eq!(out.lines().count(), 1_999);
    let errors: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0]["line"], 1_500);
    assert_eq!(errors[0]["field"], "account_id");
    assert!(
        errors[0]["error"]
            .as_str()
            .unwrap()
            .contains("expected exactly 12 digits")
    );
    assert_eq!(errors[1]["line"], 2_001);
    assert_eq!(errors[1]["field"], serde_json::Value::Null);
    // The good lines are those of a run without the bad ones, in order.
    let good: String = input
        .lines()
        .enumerate()
        .filter(|(i, _)| *i != 1_499 && *i != 2_000)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    let (_, want, _) = bulk(provider, &good, InputFormat::Ndjson, 1, false).unwrap();
    assert_eq!(out, want);
}

#[test]
fn empty_input_gives_empty_output() {
    let provider = providers()[0];
    for (input, format) in [
        ("", InputFormat::Ndjson),
        ("\n\n", InputFormat::Ndjson),
        ("", InputFormat::Csv),
        ("account_id,region\n", InputFormat::Csv),
    ] {
        for jobs in [1, 2] {
            let (summary, out, errors) = bulk(provider, input, format, jobs, false).unwrap();
            assert_eq!(summary, Summary::default());
            assert_eq!((out.as_str(), errors.as_str()), ("", ""));
        }
    }
}

/// A sink that writes policies as NDJSON through its writer and notes, at each bad line, how
/// many policies were written before it.
#[derive(Default)]
struct Ordered {
    out: Vec<u8>,
    /// For each bad line: its number and the policies written when it was reported.
    errors: Vec<(u64, usize)>,
}

impl mmpolicy_bulk::Sink for Ordered {
    fn policy(&mut self, _: &mmpolicy_bulk::Rendered<'_>) -> Result<(), BulkError> {
        // A sink with an NDJSON writer is given runs of policies, not single ones.
        Err(BulkError::Write(std::io::Error::other("a single policy")))
    }
    fn error(&mut self, error: &LineError) -> Result<(), BulkError> {
        let written = self.out.iter().filter(|b| **b == b'\n').count();
        self.errors.push((error.line, written));
        Ok(())
    }
    fn ndjson(&mut self) -> Option<&mut dyn std::io::Write> {
        Some(&mut self.out)
    }
}

#[test]
fn an_ndjson_writer_gets_the_policies_before_a_bad_line_before_it_is_reported() {
    let provider = provider_with_account_id().unwrap();
    let mut sets = testdata::param_sets(provider, 5_000, testdata::SEED);
    let bad = [1, 2, 2_500, 4_999, 5_000];
    for line in bad {
        sets[line - 1]["account_id"] = "12345".into();
    }
    let input: String = sets.iter().map(|s| format!("{s}\n")).collect();
    for jobs in [1, 3] {
        let mut sink = Ordered::default();
        let options = Options {
            jobs,
            keep_going: true,
        };
        let summary = mmpolicy_bulk::run(
            provider,
            input.as_bytes(),
            InputFormat::Ndjson,
            options,
            &mut sink,
        )
        .unwrap();
        assert_eq!(summary.rendered, 5_000 - bad.len() as u64);
        // Each bad line is reported after the good lines before it, and before the next.
        let want: Vec<(u64, usize)> = bad
            .iter()
            .enumerate()
            .map(|(i, line)| (*line as u64, line - 1 - i))
            .collect();
        assert_eq!(sink.errors, want);
        let (_, expected, _) = bulk(provider, &input, InputFormat::Ndjson, 1, true).unwrap();
        assert_eq!(String::from_utf8(sink.out).unwrap(), expected);
    }
}

/// The same parameter set written another way: spaced out, keys in reverse order, and every
/// `a` of a string escaped as `\u0061`.
fn rewritten(set: &serde_json::Value) -> [String; 3] {
    // Written into a `String`, none of these can fail; an empty line would fail the test.
    let spaced = serde_json::to_string_pretty(set)
        .unwrap_or_default()
        .replace('\n', " ");
    let reversed: Vec<String> = set
        .as_object()
        .into_iter()
        .flatten()
        .rev()
        .map(|(k, v)| format!("{}:{v}", serde_json::Value::from(k.as_str())))
        .collect();
    let reversed = format!("{{{}}}", reversed.join(","));
    let escaped = set.to_string().replace('a', "\\u0061");
    [spaced, reversed, escaped]
}

#[test]
fn a_parameter_set_renders_the_same_however_its_json_is_written() {
    for provider in providers() {
        let sets = testdata::param_sets(provider, 100, testdata::SEED);
        let compact: String = sets.iter().map(|s| format!("{s}\n")).collect();
        let (_, want, _) = bulk(provider, &compact, InputFormat::Ndjson, 1, false).unwrap();
        for form in 0..3 {
            let input: String = sets
                .iter()
                .map(|s| rewritten(s)[form].clone() + "\n")
                .collect();
            // Spaced out and escaped, every line differs (every set has an `a`, in `arn` or
            // `aws` if not elsewhere); reversed, those of more than one key.
            assert!(form == 1 || input.lines().zip(compact.lines()).all(|(a, b)| a != b));
            let (summary, out, _) = bulk(provider, &input, InputFormat::Ndjson, 1, false).unwrap();
            assert_eq!(summary.rendered, 100);
            assert!(out == want, "{} form {form}", provider.id());
        }
    }
}

/// What a run gave: its summary or its error, the policies and the bad lines.
type Outcome = (Result<Summary, String>, String, String);

/// Runs `input` through `reader` (made from the input's bytes) with `jobs` threads.
fn outcome(
    provider: &dyn PolicyProvider,
    reader: impl std::io::BufRead + Send,
    jobs: usize,
    keep_going: bool,
) -> Outcome {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut sink = NdjsonSink::with_errors(&mut out, &mut errors);
    let summary = mmpolicy_bulk::run(
        provider,
        reader,
        InputFormat::Ndjson,
        Options { jobs, keep_going },
        &mut sink,
    )
    .map_err(|e| e.to_string());
    (
        summary,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&errors).into_owned(),
    )
}

/// Asserts two runs gave the same, naming the case and showing only what differs in short.
fn same(got: &Outcome, want: &Outcome, case: &str) {
    assert_eq!((&got.0, &got.2), (&want.0, &want.2), "{case}");
    assert!(got.1 == want.1, "{case}: the policies differ");
}

#[test]
fn ndjson_lines_read_the_same_whatever_the_reader_buffer_and_jobs() {
    let provider = provider_with_account_id().unwrap();
    let sets = testdata::param_sets(provider, 40, testdata::SEED);
    let line = |i: usize| sets[i].to_string();
    let mut bad = sets[3].clone();
    bad["account_id"] = "12345".into();
    // Everything a line can be, around lines that render: a byte order mark, CRLF and CR CR
    // LF endings, blank and space-only lines, a line that is not UTF-8, one that is not JSON,
    // one that is refused, and a last line without an ending.
    let mut input: Vec<u8> = b"\xef\xbb\xbf".to_vec();
    input.extend(format!("{}\r\n\n   \n{}\r\r\n", line(0), line(1)).bytes());
    input.extend(b"{\"account_id\":\"\xff\"}\n");
    input.extend(format!("{}\nnope\n{bad}\n\t\r\n", line(2)).bytes());
    for i in 4..40 {
        input.extend(format!("{}\n", line(i)).bytes());
    }
    input.extend(line(0).bytes());
    let too_long = {
        let mut input = input.clone();
        input.extend(b"\n");
        input.extend(std::iter::repeat_n(
            b' ',
            mmpolicy_bulk::input::MAX_LINE_BYTES + 1,
        ));
        input.extend(b"x\n");
        input
    };
    for (what, input) in [("lines", &input), ("a line too long", &too_long)] {
        for keep_going in [true, false] {
            let want = outcome(provider, input.as_slice(), 1, keep_going);
            if keep_going && what == "lines" {
                // The reading itself, checked once: the rest must only agree with it.
                let summary = want.0.clone().unwrap();
                assert_eq!((summary.lines, summary.failed), (43, 3), "{}", want.2);
                let lines: Vec<&str> = want.2.lines().map(|l| &l[..10]).collect();
                assert_eq!(lines, [r#"{"line":5,"#, r#"{"line":7,"#, r#"{"line":8,"#]);
            }
            let case = |how: &str| format!("{what}, keep going {keep_going}, {how}");
            for capacity in [1, 2, 3, 7, 64, 300, 4096] {
                let reader = std::io::BufReader::with_capacity(capacity, input.as_slice());
                let got = outcome(provider, reader, 1, keep_going);
                same(&got, &want, &case(&format!("buffer of {capacity}")));
            }
            let got = outcome(provider, input.as_slice(), 3, keep_going);
            same(&got, &want, &case("three jobs"));
        }
    }
}
