//! Reading parameter sets in batches: NDJSON lines, or CSV records turned into JSON objects.
//!
//! **NDJSON**: one JSON object a line; blank lines are skipped (they render nothing); every other
//! line is one parameter set, read by the provider exactly as `mmpolicy render --params` reads a
//! file.
//!
//! **CSV**: the first record is a header naming the parameters; each later record is one
//! parameter set, turned into a JSON object:
//! - an empty cell leaves the parameter out (so an optional parameter takes its default);
//! - a cell starting with `{` or `[` is JSON, for structured parameters (`{"team":["mail"]}`);
//! - a cell `true` or `false` is that boolean;
//! - any other cell is a string, as written (account ids keep their leading zeros).
//!
//! Line numbers are those of the input file (for CSV, the line where the record starts; the
//! header is line 1). A UTF-8 byte order mark at the start of the input (as spreadsheets write
//! it) is skipped.

use crate::engine::{BulkError, LineError};
use std::io::BufRead;
use std::ops::Range;

/// The format of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// One JSON object a line.
    #[default]
    Ndjson,
    /// Comma-separated values with a header naming the parameters.
    Csv,
}

impl InputFormat {
    /// `ndjson` or `csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Ndjson => "ndjson",
            InputFormat::Csv => "csv",
        }
    }
}

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xef\xbb\xbf";

/// Most lines read into one batch.
pub(crate) const BATCH_LINES: usize = 512;
/// Most bytes of parameters read into one batch (a batch always holds at least one line).
const BATCH_BYTES: usize = 1 << 20;

/// One input line of a batch and, once rendered, its outcome.
#[derive(Debug)]
pub(crate) struct Item {
    /// The line number in the input.
    pub line: u64,
    /// The parameter set's JSON text in the batch's `text`, or why the line could not be read.
    pub input: Result<Range<usize>, LineError>,
    /// The compact policy's range in the batch's `out`, or why it failed; set by rendering.
    pub outcome: Result<Range<usize>, LineError>,
}

/// A run of consecutive input lines, the unit of work passed between threads and reused.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The position of the batch in the input.
    pub seq: u64,
    /// The parameter sets' JSON texts, one after another.
    pub text: String,
    /// The lines.
    pub items: Vec<Item>,
    /// The rendered policies, one after another.
    pub out: Vec<u8>,
    /// Input bytes read up to the end of this batch.
    pub bytes_read: u64,
}

impl Batch {
    fn clear(&mut self) {
        self.text.clear();
        self.items.clear();
        self.out.clear();
    }
}

/// Reads an input in batches.
pub(crate) enum BatchReader<R: BufRead> {
    /// NDJSON lines.
    Ndjson {
        /// The input.
        reader: R,
        /// The number of the last line read.
        line: u64,
        /// Bytes read so far.
        bytes: u64,
        /// The current line's bytes.
        scratch: Vec<u8>,
    },
    /// CSV records.
    Csv {
        /// The CSV reader over the input.
        reader: Box<csv::Reader<R>>,
        /// The parameter names, and each written as a JSON key with its colon (`"name":`).
        keys: Vec<(String, String)>,
        /// The current record.
        record: csv::ByteRecord,
    },
}

impl<R: BufRead> BatchReader<R> {
    /// Starts reading `reader`; for CSV this reads and checks the header.
    pub fn new(reader: R, format: InputFormat) -> Result<Self, BulkError> {
        match format {
            InputFormat::Ndjson => Ok(BatchReader::Ndjson {
                reader,
                line: 0,
                bytes: 0,
                scratch: Vec::new(),
            }),
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(reader);
                let mut header = csv::ByteRecord::new();
                let keys = if reader.read_byte_record(&mut header).map_err(csv_fatal)? {
                    header_keys(&header)?
                } else {
                    Vec::new()
                };
                Ok(BatchReader::Csv {
                    reader: Box::new(reader),
                    keys,
                    record: csv::ByteRecord::new(),
                })
            }
        }
    }

    /// Clears `batch` and fills it with the next lines; false when the input is exhausted.
    pub fn fill(&mut self, batch: &mut Batch) -> Result<bool, BulkError> {
        batch.clear();
        match self {
            BatchReader::Ndjson {
                reader,
                line,
                bytes,
                scratch,
            } => {
                while batch.items.len() < BATCH_LINES && batch.text.len() < BATCH_BYTES {
                    scratch.clear();
                    let n = reader.read_until(b'\n', scratch).map_err(BulkError::Read)?;
                    if n == 0 {
                        break;
                    }
                    *line += 1;
                    *bytes += n as u64;
                    let mut content = &scratch[..];
                    if *line == 1 {
                        content = content.strip_prefix(BOM).unwrap_or(content);
                    }
                    while let [rest @ .., b'\n' | b'\r'] = content {
                        content = rest;
                    }
                    if content.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    let input = match std::str::from_utf8(content) {
                        Ok(text) => {
                            let start = batch.text.len();
                            batch.text.push_str(text);
                            Ok(start..batch.text.len())
                        }
                        Err(_) => Err(LineError::whole(
                            *line,
                            "the line is not valid UTF-8: save the input as UTF-8",
                        )),
                    };
                    batch.items.push(Item {
                        line: *line,
                        input,
                        outcome: Ok(0..0),
                    });
                }
                batch.bytes_read = *bytes;
            }
            BatchReader::Csv {
                reader,
                keys,
                record,
            } => {
                while batch.items.len() < BATCH_LINES && batch.text.len() < BATCH_BYTES {
                    if !reader.read_byte_record(record).map_err(csv_fatal)? {
                        break;
                    }
                    let line = record.position().map_or(0, csv::Position::line);
                    let start = batch.text.len();
                    let input = match csv_to_json(keys, record, &mut batch.text) {
                        Ok(()) => Ok(start..batch.text.len()),
                        Err((field, message)) => {
                            batch.text.truncate(start);
                            Err(LineError {
                                line,
                                field,
                                message,
                            })
                        }
                    };
                    batch.items.push(Item {
                        line,
                        input,
                        outcome: Ok(0..0),
                    });
                }
                batch.bytes_read = reader.position().byte();
            }
        }
        Ok(!batch.items.is_empty())
    }
}

/// A CSV failure that is not one record's fault (an unreadable input).
fn csv_fatal(e: csv::Error) -> BulkError {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => BulkError::Read(e),
        _ => BulkError::Input(format!("cannot read the CSV input: {message}")),
    }
}

/// Checks the header and writes each name as a JSON key: `"name":`.
fn header_keys(header: &csv::ByteRecord) -> Result<Vec<(String, String)>, BulkError> {
    let mut keys: Vec<(String, String)> = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| {
                BulkError::Input(format!(
                    "the CSV header's column {} is not valid UTF-8: save the input as UTF-8",
                    i + 1
                ))
            })?
            .trim_start_matches('\u{feff}')
            .trim();
        if name.is_empty() {
            return Err(BulkError::Input(format!(
                "the CSV header's column {} is empty: name the parameter it holds",
                i + 1
            )));
        }
        if keys.iter().any(|(n, _)| n == name) {
            return Err(BulkError::Input(format!(
                "the CSV header names `{name}` twice: give each parameter one column"
            )));
        }
        let mut key = json_string(name);
        key.push(':');
        keys.push((name.to_owned(), key));
    }
    Ok(keys)
}

/// A string as a JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Appends one CSV record as a JSON object to `out`, or names the column that is wrong.
fn csv_to_json(
    keys: &[(String, String)],
    record: &csv::ByteRecord,
    out: &mut String,
) -> Result<(), (Option<String>, String)> {
    if record.len() != keys.len() {
        return Err((
            None,
            format!(
                "the record has {} cells but the header names {} parameters: give one cell per column (an empty cell leaves the parameter out)",
                record.len(),
                keys.len()
            ),
        ));
    }
    out.push('{');
    let mut first = true;
    for ((name, key), raw) in keys.iter().zip(record.iter()) {
        if raw.is_empty() {
            continue;
        }
        let Ok(cell) = std::str::from_utf8(raw) else {
            return Err((
                Some(name.clone()),
                format!("invalid `{name}`: the cell is not valid UTF-8: save the input as UTF-8"),
            ));
        };
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(key);
        if cell.starts_with('{') || cell.starts_with('[') {
            match serde_json::from_str::<serde_json::Value>(cell) {
                Ok(value) => out.push_str(&value.to_string()),
                Err(e) => {
                    return Err((
                        Some(name.clone()),
                        format!(
                            "invalid `{name}`: a cell starting with `{{` or `[` is read as JSON, and this one is not: {e}"
                        ),
                    ));
                }
            }
        } else if cell == "true" || cell == "false" {
            out.push_str(cell);
        } else {
            out.push_str(&json_string(cell));
        }
    }
    out.push('}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &str, format: InputFormat) -> Vec<(u64, Result<String, String>)> {
        let mut reader = BatchReader::new(input.as_bytes(), format).unwrap();
        let mut batch = Batch::default();
        let mut out = Vec::new();
        while reader.fill(&mut batch).unwrap() {
            for item in &batch.items {
                let r = match &item.input {
                    Ok(range) => Ok(batch.text[range.clone()].to_owned()),
                    Err(e) => Err(e.message.clone()),
                };
                out.push((item.line, r));
            }
        }
        out
    }

    #[test]
    fn ndjson_skips_blank_lines_and_keeps_line_numbers() {
        let got = read_all("{\"a\":\"1\"}\r\n\n  \n{\"b\":\"2\"}", InputFormat::Ndjson);
        assert_eq!(
            got,
            vec![
                (1, Ok("{\"a\":\"1\"}".to_owned())),
                (4, Ok("{\"b\":\"2\"}".to_owned()))
            ]
        );
    }

    #[test]
    fn ndjson_reports_invalid_utf8_on_its_line() {
        let mut reader = BatchReader::new(&b"{}\n\xff\xfe\n"[..], InputFormat::Ndjson).unwrap();
        let mut batch = Batch::default();
        assert!(reader.fill(&mut batch).unwrap());
        assert_eq!(batch.items.len(), 2);
        let e = batch.items[1].input.as_ref().unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("UTF-8"), "{e}");
    }

    #[test]
    fn csv_cells_become_parameters() {
        let input = "account_id,region,tags,on,note\n\
                     012345678901,eu-west-1,\"{\"\"team\"\":[\"\"mail\"\"]}\",true,\n\
                     111122223333,,,false,\"a,b\"\n";
        let got = read_all(input, InputFormat::Csv);
        assert_eq!(
            got,
            vec![
                (
                    2,
                    Ok(r#"{"account_id":"012345678901","region":"eu-west-1","tags":{"team":["mail"]},"on":true}"#.to_owned())
                ),
                (
                    3,
                    Ok(r#"{"account_id":"111122223333","on":false,"note":"a,b"}"#.to_owned())
                ),
            ]
        );
    }

    #[test]
    fn csv_record_errors_name_the_line_and_column() {
        let got = read_all("a,b\n1,{oops\n1\n", InputFormat::Csv);
        assert_eq!(got[0].0, 2);
        let e = got[0].1.as_ref().unwrap_err();
        assert!(e.starts_with("invalid `b`: a cell starting with"), "{e}");
        assert_eq!(got[1].0, 3);
        let e = got[1].1.as_ref().unwrap_err();
        assert!(e.contains("has 1 cells but the header names 2"), "{e}");
    }

    #[test]
    fn csv_header_must_name_each_parameter_once() {
        for (input, want) in [
            ("a,,b\n", "column 2 is empty"),
            ("a,b,a\n", "names `a` twice"),
        ] {
            let Err(e) = BatchReader::new(input.as_bytes(), InputFormat::Csv) else {
                panic!("{input} was accepted");
            };
            assert!(e.to_string().contains(want), "{e}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        assert_eq!(
            read_all("\u{feff}{\"a\":\"1\"}\n", InputFormat::Ndjson),
            vec![(1, Ok("{\"a\":\"1\"}".to_owned()))]
        );
        assert_eq!(
            read_all("\u{feff}a,b\n1,2\n", InputFormat::Csv),
            vec![(2, Ok("{\"a\":\"1\",\"b\":\"2\"}".to_owned()))]
        );
    }

    #[test]
    fn empty_inputs_read_nothing() {
        assert!(read_all("", InputFormat::Ndjson).is_empty());
        assert!(read_all("\n\n", InputFormat::Ndjson).is_empty());
        assert!(read_all("", InputFormat::Csv).is_empty());
        assert!(read_all("account_id,region\n", InputFormat::Csv).is_empty());
    }
}
