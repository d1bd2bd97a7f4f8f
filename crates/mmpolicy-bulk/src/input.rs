//! Reading parameter sets in batches: NDJSON lines, or CSV records turned into JSON objects.
//!
//! **NDJSON**: one JSON object a line; blank lines are skipped (they render nothing); every other
//! line is one parameter set, read by the provider exactly as `mmpolicy render --params` reads a
//! file.
//!
//! **CSV**: the first record is a header naming the parameters; each later record is one
//! parameter set, turned into a JSON object that the provider then reads as it reads NDJSON. A
//! cell is read as the type the provider's parameter schema gives its column:
//! - an empty cell leaves the parameter out (so an optional parameter takes its default);
//! - a string parameter takes the cell as written (account ids keep their leading zeros);
//! - a boolean parameter takes `true` or `false`, a number parameter a JSON number;
//! - a structured parameter (a map or a list, such as `create_tags`) takes JSON:
//!   `{"team":["mail"]}`;
//! - a column the schema does not describe plainly (or does not know: the provider then refuses
//!   it by name) is JSON when the cell starts with `{` or `[`, a boolean when it is `true` or
//!   `false`, and a string otherwise.
//!
//! A cell that does not fit its type is passed on as a string, so the provider's own message
//! reports it, except a structured cell that is not JSON, which is reported here.
//!
//! Line numbers are those of the input file (for CSV, the line where the record starts; the
//! header is line 1). A UTF-8 byte order mark at the start of the input (as spreadsheets write
//! it) is skipped.

use crate::engine::{BulkError, InputError, LineError};
use mmpolicy::error::quote_value;
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

/// The most bytes one input line may have (its line ending aside): 1 MiB. A longer line
/// stops the run, so that a file with no line ends (`/dev/zero`, a binary file given by
/// mistake) cannot take all the memory.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// The error of a line over [`MAX_LINE_BYTES`].
fn too_long(line: u64) -> InputError {
    InputError::LineTooLong { line }
}

/// A reader that fails once a line grows over [`MAX_LINE_BYTES`], for the CSV reader (which
/// buffers a record however long it is).
#[derive(Debug)]
pub(crate) struct LineLimited<R> {
    inner: R,
    /// The number of the current line.
    line: u64,
    /// Bytes of the current line read so far.
    current: usize,
}

impl<R: std::io::Read> std::io::Read for LineLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        let mut rest = read;
        while let Some(at) = rest.iter().position(|&b| b == b'\n') {
            self.line += 1;
            self.current = 0;
            rest = rest.get(at + 1..).unwrap_or_default();
        }
        self.current += rest.len();
        if self.current > MAX_LINE_BYTES {
            return Err(std::io::Error::other(too_long(self.line + 1).to_string()));
        }
        Ok(n)
    }
}

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
    /// (Errors are boxed to keep items small: a batch writes and reads hundreds of them.)
    pub input: Result<Range<usize>, Box<LineError>>,
    /// The compact policy's range in the batch's `out`, or why it failed; set by rendering.
    pub outcome: Result<Range<usize>, Box<LineError>>,
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

/// What [`BatchReader::borrow`] found in the reader's buffer.
pub(crate) enum Borrowed<'a> {
    /// Whole lines, line endings and blank lines included.
    Lines(&'a str),
    /// No line it can take: [`BatchReader::fill_up_to`] reads the next ones, this many at most.
    Fill(usize),
    /// The end of the input.
    End,
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
        /// A line over [`MAX_LINE_BYTES`] that ended the last batch: the error of the next.
        too_long: Option<u64>,
    },
    /// CSV records.
    Csv {
        /// The CSV reader over the input.
        reader: Box<csv::Reader<LineLimited<R>>>,
        /// The columns, in header order.
        columns: Vec<Column>,
        /// The current record.
        record: csv::ByteRecord,
    },
}

impl<R: BufRead> BatchReader<R> {
    /// Starts reading `reader`; for CSV this reads and checks the header.
    pub fn new(reader: R, format: InputFormat, kinds: &CellKinds) -> Result<Self, BulkError> {
        match format {
            InputFormat::Ndjson => Ok(BatchReader::Ndjson {
                reader,
                line: 0,
                bytes: 0,
                too_long: None,
            }),
            InputFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(LineLimited {
                        inner: reader,
                        line: 0,
                        current: 0,
                    });
                let mut header = csv::ByteRecord::new();
                let columns = if reader.read_byte_record(&mut header).map_err(csv_fatal)? {
                    header_columns(&header, kinds)?
                } else {
                    Vec::new()
                };
                Ok(BatchReader::Csv {
                    reader: Box::new(reader),
                    columns,
                    record: csv::ByteRecord::new(),
                })
            }
        }
    }

    /// Clears `batch` and fills it with the next lines; false when the input is exhausted.
    pub fn fill(&mut self, batch: &mut Batch) -> Result<bool, BulkError> {
        self.fill_up_to(batch, BATCH_LINES)
    }

    /// [`fill`](Self::fill), with at most `lines` parameter sets.
    pub fn fill_up_to(&mut self, batch: &mut Batch, lines: usize) -> Result<bool, BulkError> {
        batch.clear();
        match self {
            BatchReader::Ndjson {
                reader,
                line,
                bytes,
                too_long,
            } => {
                if let Some(line) = too_long.take() {
                    return Err(self::too_long(line).into());
                }
                // The lines are read straight into the batch's text, and the text is checked
                // to be UTF-8 once, as a whole: the lines of a batch are nearly always valid.
                let mut text = std::mem::take(&mut batch.text).into_bytes();
                while batch.items.len() < lines && text.len() < BATCH_BYTES {
                    let start = text.len();
                    // At most the limit, a line ending and one byte more: enough to tell a line
                    // that is too long without reading all of it.
                    let n = read_line(reader, MAX_LINE_BYTES + 3, &mut text)
                        .map_err(BulkError::Read)?;
                    if n == 0 {
                        break;
                    }
                    *line += 1;
                    *bytes += n as u64;
                    let mut from = start;
                    if *line == 1 && text[start..].starts_with(BOM) {
                        from += BOM.len();
                    }
                    let end = from + body_len(&text[from..]);
                    if end - from > MAX_LINE_BYTES {
                        // The lines before it are rendered first, as a bad line's are.
                        if batch.items.is_empty() {
                            return Err(self::too_long(*line).into());
                        }
                        *too_long = Some(*line);
                        text.truncate(start);
                        break;
                    }
                    if is_blank(&text[from..end]) {
                        text.truncate(start);
                        continue;
                    }
                    text.truncate(end);
                    if from > start {
                        text.drain(start..from);
                    }
                    batch.items.push(Item {
                        line: *line,
                        input: Ok(start..text.len()),
                        outcome: Ok(0..0),
                    });
                }
                batch.text = match String::from_utf8(text) {
                    Ok(text) => text,
                    Err(e) => valid_lines(&e.into_bytes(), &mut batch.items),
                };
                batch.bytes_read = *bytes;
            }
            BatchReader::Csv {
                reader,
                columns,
                record,
            } => {
                while batch.items.len() < lines && batch.text.len() < BATCH_BYTES {
                    if !reader.read_byte_record(record).map_err(csv_fatal)? {
                        break;
                    }
                    let line = record.position().map_or(0, csv::Position::line);
                    let start = batch.text.len();
                    let input = match csv_to_json(columns, record, &mut batch.text) {
                        Ok(()) => Ok(start..batch.text.len()),
                        Err((field, message)) => {
                            batch.text.truncate(start);
                            Err(Box::new(LineError {
                                line,
                                field,
                                message,
                            }))
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

    /// Takes the next NDJSON lines where they stand in the reader's buffer, without copying
    /// them, for one job, which renders them before it reads on. Returns their text; puts an
    /// item for each parameter set in `batch.items` (its range in that text) and counts the
    /// lines and bytes as read. Once they are rendered and written,
    /// [`consume`](Self::consume) the text's length.
    ///
    /// Only whole lines are taken, as [`fill`](Self::fill) would read them. When the buffer
    /// does not start with one this can take, [`fill_up_to`](Self::fill_up_to) must read the
    /// next line instead ([`Fill`](Borrowed::Fill)): the first line (which may start with a
    /// byte order mark), a line whose end is not yet in the buffer, a line that is not UTF-8
    /// or is over [`MAX_LINE_BYTES`]; and for CSV, every record. A line of the input is thus
    /// either taken here or read there, never both, and the two give it the same range,
    /// number and error.
    pub fn borrow(&mut self, batch: &mut Batch) -> Result<Borrowed<'_>, BulkError> {
        let BatchReader::Ndjson {
            reader,
            line,
            bytes,
            too_long,
        } = self
        else {
            return Ok(Borrowed::Fill(BATCH_LINES));
        };
        if *line == 0 || too_long.is_some() {
            return Ok(Borrowed::Fill(1));
        }
        // The buffer is filled once (retrying an interrupted read) and then looked at again:
        // borrowing it inside the retry loop would keep the reader borrowed across the loop.
        loop {
            match reader.fill_buf() {
                Ok([]) => return Ok(Borrowed::End),
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(BulkError::Read(e)),
            }
        }
        // A filled buffer is returned again without reading.
        let buffer = reader.fill_buf().map_err(BulkError::Read)?;
        // The lines are checked to be UTF-8 as a whole, as `fill` does; the lines before the
        // first that is not are taken, and that one is left to `fill_up_to`.
        let (mut taken, mut last) = take_lines(buffer, usize::MAX, *line, &mut batch.items);
        let whole = buffer.get(..taken).unwrap_or_default();
        let text = match std::str::from_utf8(whole) {
            Ok(text) => text,
            Err(e) => {
                let valid = whole.get(..e.valid_up_to()).unwrap_or_default();
                let before = memchr::memrchr(b'\n', valid).map_or(0, |at| at + 1);
                (taken, last) = take_lines(buffer, before, *line, &mut batch.items);
                // The lines before the first byte that is not UTF-8: this cannot fail.
                let Ok(text) = std::str::from_utf8(whole.get(..taken).unwrap_or_default()) else {
                    return Ok(Borrowed::Fill(1));
                };
                text
            }
        };
        if taken == 0 {
            return Ok(Borrowed::Fill(1));
        }
        *line = last;
        *bytes += taken as u64;
        batch.bytes_read = *bytes;
        Ok(Borrowed::Lines(text))
    }

    /// Marks `amount` bytes of the reader's buffer, taken by [`borrow`](Self::borrow), as read.
    pub fn consume(&mut self, amount: usize) {
        if let BatchReader::Ndjson { reader, .. } = self {
            reader.consume(amount);
        }
    }
}

/// The length of a line without its ending: the `\n` and the `\r`s before it.
fn body_len(line: &[u8]) -> usize {
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    end
}

/// A line of white space only: it renders nothing.
fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// Puts in `items` (cleared first) the parameter sets of the whole lines at the start of
/// `buffer`, up to `limit` bytes, a batch's worth and the first line over [`MAX_LINE_BYTES`];
/// `line` is the number of the line before. Returns the bytes of the lines taken and the number
/// of the last.
fn take_lines(buffer: &[u8], limit: usize, line: u64, items: &mut Vec<Item>) -> (usize, u64) {
    items.clear();
    let buffer = buffer.get(..limit.min(buffer.len())).unwrap_or_default();
    let (mut taken, mut line) = (0, line);
    while items.len() < BATCH_LINES && taken < BATCH_BYTES {
        let rest = buffer.get(taken..).unwrap_or_default();
        let Some(newline) = memchr::memchr(b'\n', rest) else {
            break;
        };
        let end = body_len(rest.get(..=newline).unwrap_or_default());
        if end > MAX_LINE_BYTES {
            break;
        }
        line += 1;
        if !is_blank(rest.get(..end).unwrap_or_default()) {
            items.push(Item {
                line,
                input: Ok(taken..taken + end),
                outcome: Ok(0..0),
            });
        }
        taken += newline + 1;
    }
    (taken, line)
}

/// The lines of `items` whose bytes in `text` are UTF-8, as the batch's new text (their ranges
/// moved to it); the others become errors. For a batch whose text is not UTF-8 as a whole.
fn valid_lines(text: &[u8], items: &mut [Item]) -> String {
    let mut valid = String::with_capacity(text.len());
    for item in items {
        let Ok(range) = &item.input else {
            continue;
        };
        item.input = match std::str::from_utf8(&text[range.clone()]) {
            Ok(line) => {
                let start = valid.len();
                valid.push_str(line);
                Ok(start..valid.len())
            }
            Err(_) => Err(Box::new(LineError::whole(
                item.line,
                "the line is not valid UTF-8: save the input as UTF-8",
            ))),
        };
    }
    valid
}

/// Appends the next line of `reader` to `out`, its `\n` included, reading at most `limit`
/// bytes; the count read, 0 at the end of the input. What `reader.take(limit).read_until(b'\n',
/// out)` does, with the line ending found by `memchr` (vector instructions) rather than a loop
/// over the bytes.
fn read_line(reader: &mut impl BufRead, limit: usize, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    while read < limit {
        let available = match reader.fill_buf() {
            Ok(available) => available,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        let room = &available[..available.len().min(limit - read)];
        let (used, ended) = match memchr::memchr(b'\n', room) {
            Some(i) => (i + 1, true),
            None => (room.len(), false),
        };
        out.extend_from_slice(&room[..used]);
        reader.consume(used);
        read += used;
        if ended {
            break;
        }
    }
    Ok(read)
}

/// A CSV failure that is not one record's fault (an unreadable input).
fn csv_fatal(e: csv::Error) -> BulkError {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(e) => BulkError::Read(e),
        _ => InputError::Csv(message).into(),
    }
}

/// How the cells of a CSV column become a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A string parameter: the cell as written.
    Text,
    /// A boolean parameter: `true` or `false`.
    Bool,
    /// A number parameter: a JSON number.
    Number,
    /// A map or a list: JSON.
    Json,
    /// Not plainly described: JSON when it starts with `{` or `[`, a boolean when `true` or
    /// `false`, a string otherwise.
    Auto,
}

/// The kind of each parameter, read off a provider's parameter schema.
#[derive(Debug, Clone, Default)]
pub struct CellKinds {
    kinds: Vec<(String, CellKind)>,
}

impl CellKinds {
    /// The kinds of the top-level properties of a JSON schema (as
    /// [`PolicyProvider::params_schema`](mmpolicy::PolicyProvider::params_schema) gives it).
    pub fn from_schema(schema: &serde_json::Value) -> Self {
        let defs = schema.get("$defs");
        let kinds = schema
            .get("properties")
            .and_then(serde_json::Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .map(|(name, prop)| (name.clone(), kind_of(prop, defs, 0)))
                    .collect()
            })
            .unwrap_or_default();
        CellKinds { kinds }
    }

    /// The kind of the column `name`.
    pub fn get(&self, name: &str) -> CellKind {
        self.kinds
            .iter()
            .find(|(n, _)| n == name)
            .map_or(CellKind::Auto, |(_, k)| *k)
    }
}

/// The kind of one property schema, following `$ref`s and `Option`s.
fn kind_of(prop: &serde_json::Value, defs: Option<&serde_json::Value>, depth: u8) -> CellKind {
    if depth > 8 {
        return CellKind::Auto;
    }
    if let Some(r) = prop.get("$ref").and_then(serde_json::Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return defs
            .and_then(|d| d.get(name))
            .map_or(CellKind::Auto, |def| kind_of(def, defs, depth + 1));
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(alts) = prop.get(key).and_then(serde_json::Value::as_array) {
            let non_null: Vec<&serde_json::Value> = alts
                .iter()
                .filter(|a| a.get("type").and_then(serde_json::Value::as_str) != Some("null"))
                .collect();
            return match non_null[..] {
                [one] => kind_of(one, defs, depth + 1),
                _ => CellKind::Auto,
            };
        }
    }
    let by_name = |t: &str| match t {
        "string" => CellKind::Text,
        "boolean" => CellKind::Bool,
        "integer" | "number" => CellKind::Number,
        "object" | "array" => CellKind::Json,
        _ => CellKind::Auto,
    };
    match prop.get("type") {
        Some(serde_json::Value::String(t)) => by_name(t),
        Some(serde_json::Value::Array(types)) => {
            let non_null: Vec<&str> = types
                .iter()
                .filter_map(serde_json::Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            match non_null[..] {
                [one] => by_name(one),
                _ => CellKind::Auto,
            }
        }
        _ => CellKind::Auto,
    }
}

/// One CSV column.
#[derive(Debug)]
pub(crate) struct Column {
    /// The parameter name.
    name: String,
    /// The name written as a JSON key with its colon: `"name":`.
    key: String,
    /// How its cells are read.
    kind: CellKind,
}

/// Checks the header and prepares each column.
fn header_columns(header: &csv::ByteRecord, kinds: &CellKinds) -> Result<Vec<Column>, BulkError> {
    let mut columns: Vec<Column> = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let name = std::str::from_utf8(raw)
            .map_err(|_| BulkError::from(InputError::HeaderNotUtf8 { column: i + 1 }))?
            .trim_start_matches('\u{feff}')
            .trim();
        if name.is_empty() {
            return Err(InputError::HeaderEmpty { column: i + 1 }.into());
        }
        if columns.iter().any(|c| c.name == name) {
            return Err(InputError::HeaderTwice {
                name: name.to_owned(),
            }
            .into());
        }
        let mut key = json_string(name);
        key.push(':');
        columns.push(Column {
            name: name.to_owned(),
            key,
            kind: kinds.get(name),
        });
    }
    Ok(columns)
}

/// A string as a JSON string literal.
fn json_string(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Appends one CSV record as a JSON object to `out`, or names the column that is wrong.
fn csv_to_json(
    columns: &[Column],
    record: &csv::ByteRecord,
    out: &mut String,
) -> Result<(), (Option<String>, String)> {
    if record.len() != columns.len() {
        return Err((
            None,
            format!(
                "the record has {} cells but the header names {} parameters: give one cell per column (an empty cell leaves the parameter out)",
                record.len(),
                columns.len()
            ),
        ));
    }
    out.push('{');
    let mut first = true;
    for (column, raw) in columns.iter().zip(record.iter()) {
        if raw.is_empty() {
            continue;
        }
        let name = &column.name;
        // The column's name as a message quotes it: escaped, and shortened when long.
        let shown = || quote_value(name);
        let Ok(cell) = std::str::from_utf8(raw) else {
            return Err((
                Some(name.clone()),
                format!(
                    "invalid `{}`: the cell is not valid UTF-8: save the input as UTF-8",
                    shown()
                ),
            ));
        };
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str(&column.key);
        let structured = cell.starts_with('{') || cell.starts_with('[');
        let boolean = cell == "true" || cell == "false";
        match column.kind {
            CellKind::Json | CellKind::Auto if column.kind == CellKind::Json || structured => {
                match mmpolicy::json::from_str(cell) {
                    Ok(value) => out.push_str(&value.to_string()),
                    Err(e) => {
                        return Err((
                            Some(name.clone()),
                            format!(
                                "invalid `{}`: a structured parameter is given as JSON (`{{\"key\":[\"value\"]}}`), and this cell is not JSON: {e}",
                                shown()
                            ),
                        ));
                    }
                }
            }
            CellKind::Bool | CellKind::Auto if boolean => out.push_str(cell),
            CellKind::Number if serde_json::from_str::<serde_json::Number>(cell).is_ok() => {
                out.push_str(cell);
            }
            _ => out.push_str(&json_string(cell)),
        }
    }
    out.push('}');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_line_reads_what_take_and_read_until_read() {
        use std::io::{BufReader, Read};
        let inputs: [&[u8]; 6] = [
            b"",
            b"\n",
            b"{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}",
            b"no line ending at all",
            b"0123456789\n0123456789012345\nab\n",
            "\u{e9}t\u{e9}\n\u{1f600}\n".as_bytes(),
        ];
        for input in inputs {
            // Buffers smaller and larger than a line, limits that cut lines and that do not.
            for capacity in [1, 2, 3, 7, 64] {
                for limit in [1, 2, 5, 11, 12, 1000] {
                    let mut ours = BufReader::with_capacity(capacity, input);
                    let mut std = BufReader::with_capacity(capacity, input);
                    loop {
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        let n = read_line(&mut ours, limit, &mut a).unwrap();
                        let m = (&mut std)
                            .take(limit as u64)
                            .read_until(b'\n', &mut b)
                            .unwrap();
                        let case = format!("{input:?}, buffer {capacity}, limit {limit}");
                        assert_eq!((n, &a), (m, &b), "{case}");
                        if n == 0 {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// What was read: each parameter set's line and text, or its error.
    type ReadLines = Vec<(u64, Result<String, String>)>;

    fn read_all(input: &str, format: InputFormat) -> ReadLines {
        read_with(input, format, &CellKinds::default())
    }

    fn read_with(
        input: &str,
        format: InputFormat,
        kinds: &CellKinds,
    ) -> Vec<(u64, Result<String, String>)> {
        read_bytes(input.as_bytes(), format, kinds)
    }

    fn read_bytes(
        input: &[u8],
        format: InputFormat,
        kinds: &CellKinds,
    ) -> Vec<(u64, Result<String, String>)> {
        let mut reader = BatchReader::new(input, format, kinds).unwrap();
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
        let mut reader = BatchReader::new(
            &b"{}\n\xff\xfe\n"[..],
            InputFormat::Ndjson,
            &CellKinds::default(),
        )
        .unwrap();
        let mut batch = Batch::default();
        assert!(reader.fill(&mut batch).unwrap());
        assert_eq!(batch.items.len(), 2);
        let e = batch.items[1].input.as_ref().unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.message.contains("UTF-8"), "{e}");
    }

    #[test]
    fn ndjson_lines_around_an_invalid_one_are_kept_whole() {
        let input = b"\xef\xbb\xbf{\"a\":\"\xc3\xa9\"}\r\n{\"b\":\"\xff\"}\n\n{\"c\":\"\xe2\x82\xac\"}\n\xc3\n{}";
        let got = read_bytes(input, InputFormat::Ndjson, &CellKinds::default());
        let invalid = Err("the line is not valid UTF-8: save the input as UTF-8".to_owned());
        assert_eq!(
            got,
            vec![
                (1, Ok("{\"a\":\"\u{e9}\"}".to_owned())),
                (2, invalid.clone()),
                (4, Ok("{\"c\":\"\u{20ac}\"}".to_owned())),
                (5, invalid),
                (6, Ok("{}".to_owned())),
            ]
        );
    }

    /// Reads `input` as one job does: lines borrowed where they stand whenever they can be,
    /// the others read with `fill_up_to`. Returns what was read, line by line, and how many
    /// lines were borrowed.
    fn read_borrowing(input: impl BufRead) -> (ReadLines, usize) {
        let mut reader =
            BatchReader::new(input, InputFormat::Ndjson, &CellKinds::default()).unwrap();
        let mut batch = Batch::default();
        let (mut out, mut borrowed) = (Vec::new(), 0);
        let push = |text: &str, items: &[Item], out: &mut Vec<_>| {
            for item in items {
                let r = match &item.input {
                    Ok(range) => Ok(text[range.clone()].to_owned()),
                    Err(e) => Err(e.message.clone()),
                };
                out.push((item.line, r));
            }
        };
        loop {
            let lines = match reader.borrow(&mut batch).unwrap() {
                Borrowed::Lines(text) => {
                    let taken = text.len();
                    borrowed += batch.items.len();
                    push(text, &batch.items, &mut out);
                    reader.consume(taken);
                    continue;
                }
                Borrowed::Fill(lines) => lines,
                Borrowed::End => break,
            };
            if !reader.fill_up_to(&mut batch, lines).unwrap() {
                break;
            }
            push(&batch.text, &batch.items, &mut out);
        }
        (out, borrowed)
    }

    #[test]
    fn borrowed_lines_read_as_filled_ones() {
        let inputs: [&[u8]; 5] = [
            b"",
            b"{\"a\":1}",
            b"\xef\xbb\xbf{\"a\":1}\r\n\n  \n{\"b\":2}\r\r\n{\"c\":\"\xff\"}\n{\"d\":4}\n\xc3\n{}",
            "{\"\u{e9}\":1}\n{\"b\":\"\u{20ac}\"}\n\t\n{\"c\":3}\n".as_bytes(),
            b"{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}\n",
        ];
        for input in inputs {
            let want = read_bytes(input, InputFormat::Ndjson, &CellKinds::default());
            let (got, borrowed) = read_borrowing(input);
            assert_eq!(got, want, "{input:?}");
            // Every valid line but the first and a last one without a line ending is borrowed.
            let unended = !input.is_empty() && !input.ends_with(b"\n");
            let valid = want.iter().skip(1).filter(|(_, r)| r.is_ok()).count();
            assert_eq!(
                borrowed,
                valid - usize::from(unended && want.len() > 1),
                "{input:?}"
            );
            for capacity in [1, 2, 3, 5, 8, 13, 64] {
                let reader = std::io::BufReader::with_capacity(capacity, input);
                assert_eq!(read_borrowing(reader).0, want, "{input:?}, {capacity}");
            }
        }
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
    fn csv_cells_take_the_type_of_their_parameter() {
        let schema = serde_json::json!({
            "properties": {
                "account_id": {"$ref": "#/$defs/AccountId"},
                "note": {"type": "string"},
                "on": {"anyOf": [{"type": "boolean"}, {"type": "null"}]},
                "days": {"type": ["integer", "null"]},
                "tags": {"type": "object", "additionalProperties": {"type": "array"}},
                "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]}
            },
            "$defs": {"AccountId": {"type": "string", "pattern": "^[0-9]{12}$"}}
        });
        let kinds = CellKinds::from_schema(&schema);
        assert_eq!(kinds.get("account_id"), CellKind::Text);
        assert_eq!(kinds.get("on"), CellKind::Bool);
        assert_eq!(kinds.get("days"), CellKind::Number);
        assert_eq!(kinds.get("tags"), CellKind::Json);
        assert_eq!(kinds.get("either"), CellKind::Auto);
        assert_eq!(kinds.get("unknown"), CellKind::Auto);
        let input = "account_id,note,on,days,tags,either\n\
                     012345678901,true,true,30,{},[1]\n\
                     111122223333,[x],no,012,\"{\"\"a\"\":[\"\"b\"\"]}\",false\n";
        assert_eq!(
            read_with(input, InputFormat::Csv, &kinds),
            vec![
                (
                    2,
                    Ok(r#"{"account_id":"012345678901","note":"true","on":true,"days":30,"tags":{},"either":[1]}"#.to_owned())
                ),
                (
                    3,
                    Ok(r#"{"account_id":"111122223333","note":"[x]","on":"no","days":"012","tags":{"a":["b"]},"either":false}"#.to_owned())
                ),
            ]
        );
        let got = read_with("tags\nnot json\n", InputFormat::Csv, &kinds);
        let e = got[0].1.as_ref().unwrap_err();
        assert!(
            e.starts_with("invalid `tags`: a structured parameter is given as JSON"),
            "{e}"
        );
    }

    #[test]
    fn csv_record_errors_name_the_line_and_column() {
        let got = read_all("a,b\n1,{oops\n1\n", InputFormat::Csv);
        assert_eq!(got[0].0, 2);
        let e = got[0].1.as_ref().unwrap_err();
        assert!(
            e.starts_with("invalid `b`: a structured parameter is given as JSON"),
            "{e}"
        );
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
            let Err(e) =
                BatchReader::new(input.as_bytes(), InputFormat::Csv, &CellKinds::default())
            else {
                panic!("{input} was accepted");
            };
            assert!(e.to_string().contains(want), "{e}");
        }
    }

    #[test]
    fn csv_column_names_are_quoted_safely() {
        let mut reader = BatchReader::new(
            &b"a\x1b[31m\n\xff\n"[..],
            InputFormat::Csv,
            &CellKinds::default(),
        )
        .unwrap();
        let mut batch = Batch::default();
        assert!(reader.fill(&mut batch).unwrap());
        let e = batch.items[0].input.as_ref().unwrap_err();
        assert_eq!(
            e.message,
            r"invalid `a\u{1b}[31m`: the cell is not valid UTF-8: save the input as UTF-8"
        );
        let Err(e) = BatchReader::new(
            "a\u{202e},a\u{202e}\n".as_bytes(),
            InputFormat::Csv,
            &CellKinds::default(),
        ) else {
            panic!("a column named twice was accepted");
        };
        assert_eq!(
            e.to_string(),
            r"the CSV header names `a\u{202e}` twice: give each parameter one column"
        );
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
