//! The bulk loop: read batches, render them on a pool of threads, write them back in order.
//!
//! One thread reads batches of lines; `jobs` threads render them; the calling thread puts them
//! back in input order and hands each policy to the [`Sink`]. Batches are recycled through a
//! channel holding a fixed number of them, so at most that many are ever in memory: the reader
//! waits for a free batch before reading more. With one job everything runs on the calling
//! thread, and NDJSON lines are rendered where they stand in the input's buffer, without being
//! copied into a batch first.

use crate::input::{Batch, BatchReader, Borrowed, CellKinds, InputFormat, Item};
use mmpolicy::error::quote_value;
use mmpolicy::{PolicyProvider, RenderError};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// How to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Rendering threads (at least one).
    pub jobs: usize,
    /// Report bad lines to the sink and go on, instead of stopping at the first.
    pub keep_going: bool,
}

impl Default for Options {
    /// One job per core, stopping at the first bad line.
    fn default() -> Self {
        Options {
            jobs: std::thread::available_parallelism().map_or(1, usize::from),
            keep_going: false,
        }
    }
}

/// A line that could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// The line in the input (for CSV, the line where the record starts).
    pub line: u64,
    /// The parameter to blame, when one is.
    pub field: Option<String>,
    /// The one-line message: the field, the value and the rule, as `render` gives it.
    pub message: String,
}

impl LineError {
    /// An error of the whole line.
    pub fn whole(line: u64, message: impl Into<String>) -> Self {
        LineError {
            line,
            field: None,
            message: message.into(),
        }
    }

    /// The error of rendering line `line`.
    pub fn from_render(line: u64, e: &RenderError) -> Self {
        LineError {
            line,
            field: e.field().map(str::to_owned),
            message: e.to_string(),
        }
    }

    /// One NDJSON line, without its newline: `{"line":12,"field":"account_id","error":"..."}`.
    pub fn to_json(&self) -> String {
        let mut map = serde_json::Map::new();
        map.insert("line".into(), self.line.into());
        map.insert(
            "field".into(),
            self.field
                .as_deref()
                .map_or(serde_json::Value::Null, Into::into),
        );
        map.insert("error".into(), self.message.as_str().into());
        serde_json::Value::Object(map).to_string()
    }
}

/// Why a bulk run stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkError {
    /// A bad line, without `keep_going`.
    #[error(transparent)]
    Line(LineError),
    /// The input could not be read.
    #[error("cannot read the input: {0}")]
    Read(#[source] std::io::Error),
    /// The input is not in the format given (a bad CSV header, an overlong line).
    #[error(transparent)]
    Input(#[from] InputError),
    /// The output could not be written.
    #[error("cannot write the output: {0}")]
    Write(#[source] std::io::Error),
    /// The output could not be set up or finished (an existing directory, a failed rename).
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Input that is not in the format given.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A line over [`MAX_LINE_BYTES`](crate::input::MAX_LINE_BYTES).
    #[error(
        "line {line} is longer than 1 MiB, the limit for one line: give one parameter set per line (is `--input` the right file?)"
    )]
    LineTooLong {
        /// The line.
        line: u64,
    },
    /// The CSV reader failed for a reason that is not one record's fault.
    #[error("cannot read the CSV input: {0}")]
    Csv(String),
    /// A column of the CSV header is not UTF-8.
    #[error("the CSV header's column {column} is not valid UTF-8: save the input as UTF-8")]
    HeaderNotUtf8 {
        /// The column, from 1.
        column: usize,
    },
    /// A column of the CSV header is empty.
    #[error("the CSV header's column {column} is empty: name the parameter it holds")]
    HeaderEmpty {
        /// The column, from 1.
        column: usize,
    },
    /// The CSV header names a parameter twice.
    #[error("the CSV header names `{}` twice: give each parameter one column", quote_value(.name))]
    HeaderTwice {
        /// The parameter.
        name: String,
    },
    /// The thread reading the input stopped without an answer.
    #[error("the input reader failed")]
    ReaderFailed,
}

/// An output that could not be set up or finished.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// A symbolic link to a file that cannot be reached.
    #[error("`{}` is a symbolic link that cannot be followed ({source}): point it to an existing file, or remove it", .path.display())]
    BrokenLink {
        /// The link.
        path: PathBuf,
        /// Why it cannot be followed.
        source: std::io::Error,
    },
    /// A file that cannot be opened.
    #[error("cannot open `{}`: {source}", .path.display())]
    Open {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The temporary file or directory beside the destination cannot be created.
    #[error("cannot create a {what} beside `{}`: {source}", .path.display())]
    CreateBeside {
        /// `file` or `directory`.
        what: &'static str,
        /// The destination.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file that cannot be written.
    #[error("cannot write `{}`: {source}", .path.display())]
    WriteFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The finished output cannot be renamed into place.
    #[error("cannot rename the output to `{}`: {source}", .path.display())]
    Rename {
        /// The destination.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--out-dir` names something that is not a directory.
    #[error("`{}` exists and is not a directory: choose another `--out-dir`", .path.display())]
    NotADirectory {
        /// The destination.
        path: PathBuf,
    },
    /// `--out-dir` names a directory that holds something.
    #[error("`{}` is not empty: choose a new `--out-dir`, or remove the old one first", .path.display())]
    NotEmpty {
        /// The destination.
        path: PathBuf,
    },
    /// A rendered policy could not be read back to be written pretty.
    #[error("cannot re-read a rendered policy: {0}")]
    ReRead(String),
    /// The errors file cannot be written.
    #[error("cannot write the errors file `{path}`: {reason}")]
    ErrorsFile {
        /// The errors file, as given.
        path: String,
        /// Why, in words.
        reason: String,
    },
}

/// One rendered policy, as the sink receives it.
#[derive(Debug, Clone, Copy)]
pub struct Rendered<'a> {
    /// The line in the input.
    pub line: u64,
    /// The parameter set, as JSON text.
    pub params: &'a str,
    /// The policy as compact JSON, without a newline.
    pub json: &'a [u8],
}

/// Where the policies go, in input order.
pub trait Sink {
    /// Takes one policy. A [`BulkError::Line`] rejects this line only (it is then reported
    /// through [`error`](Self::error) with `keep_going`); any other error stops the run.
    fn policy(&mut self, policy: &Rendered<'_>) -> Result<(), BulkError>;

    /// Takes a bad line, with `keep_going`.
    fn error(&mut self, error: &LineError) -> Result<(), BulkError>;

    /// Told after each batch how many lines and input bytes are done.
    fn progress(&mut self, _lines: u64, _bytes: u64) {}

    /// The writer of a sink that writes each policy as it is, followed by a newline, and
    /// nothing else: the policies of consecutive good lines are then written to it in one
    /// call, not handed over one by one through [`policy`](Self::policy). `None` (the
    /// default) for any other sink.
    fn ndjson(&mut self) -> Option<&mut dyn std::io::Write> {
        None
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    /// Parameter sets read (blank NDJSON lines do not count).
    pub lines: u64,
    /// Policies handed to the sink.
    pub rendered: u64,
    /// Lines that failed (only with `keep_going`; without it the first stops the run).
    pub failed: u64,
}

/// Batches in flight per rendering thread: enough to keep every thread busy while one batch is
/// slow, few enough to keep memory flat.
const BATCHES_PER_JOB: usize = 4;

/// Renders every parameter set of `input` with `provider` and hands the policies to `sink` in
/// input order.
pub fn run<R: BufRead + Send>(
    provider: &dyn PolicyProvider,
    input: R,
    format: InputFormat,
    options: Options,
    sink: &mut dyn Sink,
) -> Result<Summary, BulkError> {
    let kinds = match format {
        InputFormat::Csv => CellKinds::from_schema(provider.params_schema().as_value()),
        InputFormat::Ndjson => CellKinds::default(),
    };
    let mut reader = BatchReader::new(input, format, &kinds)?;
    let mut writer = Writer {
        sink,
        keep_going: options.keep_going,
        summary: Summary::default(),
    };
    if options.jobs <= 1 {
        // NDJSON lines are rendered where they stand in the input's buffer whenever they can
        // be; the others (the first, one cut by the buffer's end) are read into a batch one at
        // a time, and CSV records a batch at a time.
        let mut batch = Batch::default();
        loop {
            let lines = match reader.borrow(&mut batch)? {
                Borrowed::Lines(text) => {
                    let taken = text.len();
                    render_lines(provider, text, &mut batch.items, &mut batch.out);
                    writer.write(text, &batch)?;
                    reader.consume(taken);
                    continue;
                }
                Borrowed::Fill(lines) => lines,
                Borrowed::End => return Ok(writer.summary),
            };
            if !reader.fill_up_to(&mut batch, lines)? {
                return Ok(writer.summary);
            }
            render_lines(provider, &batch.text, &mut batch.items, &mut batch.out);
            writer.write(&batch.text, &batch)?;
        }
    }
    let in_flight = options.jobs * BATCHES_PER_JOB;
    let (free_tx, free_rx) = sync_channel::<Batch>(in_flight);
    for _ in 0..in_flight {
        let _ = free_tx.send(Batch::default());
    }
    let (work_tx, work_rx) = sync_channel::<Batch>(in_flight);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = sync_channel::<Batch>(in_flight);
    std::thread::scope(|scope| {
        let read = scope.spawn(move || read_batches(&mut reader, &free_rx, &work_tx));
        for _ in 0..options.jobs {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || render_batches(provider, work_rx, &done_tx));
        }
        drop(done_tx);
        // Returning drops `free_tx` and `done_rx`, which stops the reader and the renderers
        // when the writer fails early.
        let written = writer.write_in_order(done_rx, free_tx);
        let read = read
            .join()
            .unwrap_or_else(|_| Err(InputError::ReaderFailed.into()));
        // A bad line was read before any read error, so it comes first, as with one job; a
        // read error explains a short output better than anything else after it.
        if matches!(written, Err(BulkError::Line(_))) {
            return written;
        }
        read?;
        written
    })?;
    Ok(writer.summary)
}

/// The reader thread: fills free batches until the input ends or nobody wants more.
fn read_batches<R: BufRead>(
    reader: &mut BatchReader<R>,
    free: &Receiver<Batch>,
    work: &SyncSender<Batch>,
) -> Result<(), BulkError> {
    let mut seq = 0;
    while let Ok(mut batch) = free.recv() {
        if !reader.fill(&mut batch)? {
            break;
        }
        batch.seq = seq;
        seq += 1;
        if work.send(batch).is_err() {
            break;
        }
    }
    Ok(())
}

/// A rendering thread: renders batches until there are no more or nobody wants them.
fn render_batches(
    provider: &dyn PolicyProvider,
    work: &Mutex<Receiver<Batch>>,
    done: &SyncSender<Batch>,
) {
    loop {
        let next = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(mut batch) = next else { return };
        render_lines(provider, &batch.text, &mut batch.items, &mut batch.out);
        if done.send(batch).is_err() {
            return;
        }
    }
}

/// Renders each of `items`, whose parameter sets are ranges of `text`, into `out` (cleared
/// first), and sets its outcome.
fn render_lines(provider: &dyn PolicyProvider, text: &str, items: &mut [Item], out: &mut Vec<u8>) {
    out.clear();
    for item in items.iter_mut() {
        item.outcome = match &item.input {
            Ok(range) => {
                let params = text.get(range.clone()).unwrap_or_default();
                let start = out.len();
                match provider.render_compact_into(params, out) {
                    Ok(()) => {
                        let end = out.len();
                        // Each policy is followed by a newline, outside its range, so that the
                        // policies of consecutive lines are NDJSON as they stand.
                        out.push(b'\n');
                        Ok(start..end)
                    }
                    Err(e) => {
                        out.truncate(start);
                        Err(Box::new(
                            not_json(item.line, params)
                                .unwrap_or_else(|| LineError::from_render(item.line, &e)),
                        ))
                    }
                }
            }
            Err(e) => Err(e.clone()),
        };
    }
}

/// The error of a line that is not JSON at all (`nope`, `tx`, `123abc`), or `None` when it is
/// JSON. Only failed lines are read again, so good lines pay nothing for it.
fn not_json(line: u64, text: &str) -> Option<LineError> {
    let e = serde_json::from_str::<serde_json::Value>(text).err()?;
    // serde_json says "at line 1 column 4": the line is the input's, already given.
    let reason = e.to_string();
    let reason = match reason.rfind(" at line ") {
        Some(at) => format!("{} at column {}", &reason[..at], e.column()),
        None => reason,
    };
    Some(LineError::whole(
        line,
        format!("the line is not valid JSON ({reason}): write one JSON object per line"),
    ))
}

/// Hands rendered batches to the sink in order.
struct Writer<'s> {
    sink: &'s mut dyn Sink,
    keep_going: bool,
    summary: Summary,
}

impl Writer<'_> {
    /// Writes the batches arriving on `done` in sequence order, returning each to `free`.
    fn write_in_order(
        &mut self,
        done: Receiver<Batch>,
        free: SyncSender<Batch>,
    ) -> Result<(), BulkError> {
        let mut pending: BTreeMap<u64, Batch> = BTreeMap::new();
        let mut next = 0;
        for batch in done.iter() {
            pending.insert(batch.seq, batch);
            while let Some(batch) = pending.remove(&next) {
                self.write(&batch.text, &batch)?;
                next += 1;
                let _ = free.send(batch);
            }
        }
        Ok(())
    }

    /// Hands one rendered batch to the sink; `text` holds its parameter sets (the batch's own
    /// text, or the input lines it was rendered from where they stand). A sink with an
    /// [`ndjson`](Sink::ndjson) writer gets the policies of each run of good lines, newlines
    /// and all, in one call, written before the bad line that ends the run is reported.
    fn write(&mut self, text: &str, batch: &Batch) -> Result<(), BulkError> {
        let direct = self.sink.ndjson().is_some();
        // The bytes of `batch.out` not yet written: policies of consecutive good lines.
        let mut run = 0..0;
        for item in &batch.items {
            self.summary.lines += 1;
            let result = match &item.outcome {
                Ok(range) if direct => {
                    if run.is_empty() {
                        run.start = range.start;
                    }
                    // The policy's newline follows its range.
                    run.end = range.end + 1;
                    Ok(())
                }
                Ok(range) => {
                    let params = item
                        .input
                        .as_ref()
                        .ok()
                        .and_then(|r| text.get(r.clone()))
                        .unwrap_or_default();
                    let json = batch.out.get(range.clone()).unwrap_or_default();
                    self.sink.policy(&Rendered {
                        line: item.line,
                        params,
                        json,
                    })
                }
                Err(e) => {
                    self.flush_run(batch, &mut run)?;
                    Err(BulkError::Line(LineError::clone(e)))
                }
            };
            match result {
                Ok(()) => self.summary.rendered += 1,
                Err(BulkError::Line(e)) if self.keep_going => {
                    self.summary.failed += 1;
                    self.sink.error(&e)?;
                }
                Err(e) => return Err(e),
            }
        }
        self.flush_run(batch, &mut run)?;
        self.sink.progress(self.summary.lines, batch.bytes_read);
        Ok(())
    }

    /// Writes a run of policies to the sink's NDJSON writer and empties it.
    fn flush_run(
        &mut self,
        batch: &Batch,
        run: &mut std::ops::Range<usize>,
    ) -> Result<(), BulkError> {
        let bytes = batch.out.get(run.clone()).unwrap_or_default();
        *run = 0..0;
        match self.sink.ndjson() {
            Some(out) if !bytes.is_empty() => out.write_all(bytes).map_err(BulkError::Write),
            _ => Ok(()),
        }
    }
}
