//! `mmpolicy bulk`: one policy per input line, validated like `render`, streamed in input order.

use crate::error::CliError;
use crate::paths;
use mmpolicy_bulk::files::{AtomicDir, AtomicFile};
use mmpolicy_bulk::progress::Progress;
use mmpolicy_bulk::sink::{DirSink, NdjsonSink};
use mmpolicy_bulk::{
    BulkError, InputFormat, LineError, Options, OutputError, Rendered, Sink, Summary,
};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

const AFTER_HELP: &str = "\
Input: one parameter set per line, as NDJSON (a JSON object a line; blank lines are skipped) or
CSV (`--input-format csv`, or a file ending in .csv): a header naming the parameters, then one
record per set. In CSV an empty cell leaves the parameter out; a cell is read as its parameter's
type (`mmpolicy describe <id>`): a string as written (account ids keep leading zeros),
`true`/`false` for a boolean, a number for a number, JSON for a map or a list
(`{\"team\":[\"mail\"]}`).

Output: NDJSON, one compact policy per input line, in input order (`--output FILE`, or stdout).
With --keep-going, output line k is the policy of the k-th input line that did not fail, and the
errors file gives the input line of each failure; --with-line wraps each policy with its input
line instead ({\"line\":12,\"policy\":{...}}).
With `--out-dir DIR --name-from COLUMN`: one pretty policy per set in DIR/<value>.json and an
index DIR/index.ndjson ({\"line\":..,\"name\":..,\"file\":..}); DIR must not exist or be empty.

Errors: every line is validated exactly like `mmpolicy render`. The first bad line stops the run
with its line number, field and rule (exit 2) and no output file or directory is left behind:
output is written under a temporary name and renamed when complete. (On stdout, what was
written before the bad line stays written.) With --keep-going, bad lines are reported on stderr
and, as NDJSON ({\"line\":..,\"field\":..,\"error\":..}), in `--errors FILE`, by default
<output>.errors.ndjson or <out-dir>.errors.ndjson (none when writing to stdout); the good lines
are rendered, and the exit code is 1 when any line failed. A run where no line failed leaves no
errors file: an earlier one at that path is removed (one reached through a link is emptied).

Limits and safety: a line may hold at most 1 MiB (a longer one stops the run, naming it). An
output is never the input or another output (compared as files, not names: refused with exit
2). Files are written with the permissions `>` gives (an existing file keeps its own, a new one
0666 less the umask); an output that is a symbolic link is written through to its target, and
one with several hard links is rewritten in place. On SIGINT, SIGTERM or SIGHUP the temporary
files are removed (exit 130, 143, 129). A file that cannot be written exits 2, naming it.

Examples:
  mmpolicy bulk ingress.secret-policy --input accounts.ndjson --output policies.ndjson
  mmpolicy bulk smtp-relay.key-policy --input tenants.csv --out-dir policies --name-from account_id
  cat sets.ndjson | mmpolicy bulk ingress.key-policy --input - --keep-going --jobs 2 > out.ndjson";

/// Render one policy per input line (NDJSON or CSV), streamed in input order on every core.
#[derive(Debug, clap::Args)]
#[command(after_help = AFTER_HELP)]
pub struct Args {
    /// The provider id, as `mmpolicy list` shows it.
    id: String,
    /// The parameter sets: a file, or `-` for stdin.
    #[arg(long, value_name = "FILE|-")]
    input: String,
    /// The input format; by default CSV for a file ending in `.csv`, else NDJSON.
    #[arg(long, value_name = "FORMAT", value_parser = ["ndjson", "csv"])]
    input_format: Option<String>,
    /// Where the NDJSON policies go: a file, or `-` for stdout.
    #[arg(
        long,
        value_name = "FILE|-",
        default_value = "-",
        conflicts_with = "out_dir"
    )]
    output: String,
    /// Write one file per parameter set into this new directory, plus `index.ndjson`.
    #[arg(long, value_name = "DIR", requires = "name_from")]
    out_dir: Option<PathBuf>,
    /// With `--out-dir`: the parameter whose value names each file (`account_id`).
    #[arg(long, value_name = "COLUMN", requires = "out_dir")]
    name_from: Option<String>,
    /// Report bad lines and render the others, instead of stopping at the first.
    #[arg(long)]
    keep_going: bool,
    /// With `--keep-going`: the NDJSON file of bad lines (default: beside the output).
    #[arg(long, value_name = "FILE", requires = "keep_going")]
    errors: Option<PathBuf>,
    /// Wrap each NDJSON policy with its input line: `{"line":12,"policy":{...}}`.
    #[arg(long, conflicts_with = "out_dir")]
    with_line: bool,
    /// Rendering threads (1 to 256); default: one per core.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: Option<u16>,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let provider = mmpolicy::registry().get(&args.id)?;
    let format = match args.input_format.as_deref() {
        Some("csv") => InputFormat::Csv,
        Some(_) => InputFormat::Ndjson,
        None if args.input.to_ascii_lowercase().ends_with(".csv") => InputFormat::Csv,
        None => InputFormat::Ndjson,
    };
    let mut options = Options {
        keep_going: args.keep_going,
        ..Options::default()
    };
    if let Some(jobs) = args.jobs {
        options.jobs = usize::from(jobs);
    }
    let errors_path = args.errors.clone().or_else(|| {
        if !args.keep_going {
            return None;
        }
        match (&args.out_dir, args.output.as_str()) {
            (Some(dir), _) => Some(suffixed(dir, ".errors.ndjson")),
            (None, "-") => None,
            // A device or pipe (`/dev/null`) has no folder of its own for an errors file.
            (None, file) if mmpolicy_bulk::files::is_special(Path::new(file)) => None,
            (None, file) => Some(suffixed(Path::new(file), ".errors.ndjson")),
        }
    });
    check_paths(args, errors_path.as_deref())?;
    let (input, size): (Box<dyn BufRead + Send>, Option<u64>) = if args.input == "-" {
        (Box::new(BufReader::new(std::io::stdin())), None)
    } else {
        let file = File::open(&args.input)
            .map_err(|e| CliError::io(format!("cannot read `{}`", args.input), &e))?;
        let size = file.metadata().ok().map(|m| m.len());
        (Box::new(BufReader::with_capacity(1 << 16, file)), size)
    };
    let mut errors = errors_path
        .as_deref()
        .map(AtomicFile::create)
        .transpose()
        .map_err(|e| fail(args, e))?;
    let errors_shown = errors_path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    let mut report = Report {
        input: &args.input,
        errors_path: &errors_shown,
        errors: errors.as_mut().map(|f| BufWriter::new(f.file())),
        progress: std::io::stderr().is_terminal().then(|| Progress::new(size)),
    };
    let summary = if let (Some(dir), Some(column)) = (&args.out_dir, &args.name_from) {
        let temp = AtomicDir::create(dir).map_err(|e| fail(args, e))?;
        let sink = DirSink::new(temp.path(), column).map_err(|e| fail(args, e))?;
        let mut sink = Reporting {
            inner: sink,
            report: &mut report,
        };
        let summary = mmpolicy_bulk::run(provider, input, format, options, &mut sink)
            .map_err(|e| fail(args, e))?;
        sink.inner.finish().map_err(|e| fail(args, e))?;
        report.done()?;
        temp.commit().map_err(|e| fail(args, e))?;
        summary
    } else if args.output == "-" {
        let stdout = std::io::stdout().lock();
        let mut sink = Reporting {
            inner: NdjsonSink::new(BufWriter::with_capacity(1 << 16, stdout))
                .with_line(args.with_line),
            report: &mut report,
        };
        let result = mmpolicy_bulk::run(provider, input, format, options, &mut sink);
        let (mut out, _) = sink.inner.into_inner();
        let flushed = out.flush();
        let summary = match result {
            Ok(summary) => summary,
            // The reader has gone (`mmpolicy bulk ... | head`): not an error.
            Err(BulkError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                return Ok(());
            }
            Err(BulkError::Write(e)) => {
                return Err(CliError::io("cannot write to standard output", &e));
            }
            Err(e) => return Err(fail(args, e)),
        };
        match flushed {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                return Err(CliError::io("cannot write to standard output", &e));
            }
            _ => {}
        }
        report.done()?;
        summary
    } else {
        let mut file = AtomicFile::create(Path::new(&args.output)).map_err(|e| fail(args, e))?;
        let summary = {
            let mut sink = Reporting {
                inner: NdjsonSink::new(BufWriter::with_capacity(1 << 16, file.file()))
                    .with_line(args.with_line),
                report: &mut report,
            };
            let summary = mmpolicy_bulk::run(provider, input, format, options, &mut sink)
                .map_err(|e| fail(args, e))?;
            let (mut out, _) = sink.inner.into_inner();
            out.flush()
                .map_err(|e| CliError::io(format!("cannot write `{}`", args.output), &e))?;
            summary
        };
        report.done()?;
        file.commit().map_err(|e| fail(args, e))?;
        summary
    };
    drop(report);
    finish(summary, errors, errors_path.as_deref())
}

/// Keeps the errors file when a line failed, and says how the run went. When none failed,
/// an errors file left at that path by an earlier run is removed (or emptied, when it is
/// reached through a link or is a device), so that no stale errors file outlives a clean run.
fn finish(
    summary: Summary,
    errors: Option<AtomicFile>,
    errors_path: Option<&Path>,
) -> Result<(), CliError> {
    if summary.failed == 0 {
        if let (Some(errors), Some(path)) = (errors, errors_path) {
            let plain =
                std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && links(&m) == 1);
            if plain {
                std::fs::remove_file(path).map_err(|e| {
                    CliError::io(
                        format!("cannot remove the earlier errors file `{}`", path.display()),
                        &e,
                    )
                })?;
            } else if std::fs::symlink_metadata(path).is_ok() {
                errors.commit().map_err(CliError::usage)?;
            }
        }
        return Ok(());
    }
    if let (Some(errors), Some(path)) = (errors, errors_path) {
        errors.commit().map_err(CliError::usage)?;
        eprintln!(
            "{} of {} lines failed; they are listed in `{}`",
            summary.failed,
            summary.lines,
            path.display()
        );
    } else {
        eprintln!("{} of {} lines failed", summary.failed, summary.lines);
    }
    Err(CliError::Failed)
}

/// The number of names a file has.
#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

/// The number of names a file has: one, where it cannot be told.
#[cfg(not(unix))]
fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Refuses an output that is the input (`--input`, or the file stdin reads) or another output.
fn check_paths(args: &Args, errors: Option<&Path>) -> Result<(), CliError> {
    let mut inputs = Vec::new();
    if args.input == "-" {
        inputs.extend(paths::Named::stream(
            "standard input",
            paths::stdin_identity(),
        ));
    } else {
        inputs.push(paths::Named::path("--input", Path::new(&args.input)));
    }
    let mut outputs = Vec::new();
    match (&args.out_dir, args.output.as_str()) {
        (Some(dir), _) => outputs.push(paths::Named::path("--out-dir", dir)),
        (None, "-") => {
            outputs.extend(paths::Named::stream(
                "standard output",
                paths::stdout_identity(),
            ));
        }
        (None, file) => outputs.push(paths::Named::path("--output", Path::new(file))),
    }
    if let Some(errors) = errors {
        let label = if args.errors.is_some() {
            "--errors"
        } else {
            "the errors file"
        };
        outputs.push(paths::Named::path(label, errors));
        if let Some(dir) = &args.out_dir {
            if paths::normalised(errors).starts_with(paths::normalised(dir)) {
                return Err(CliError::usage(format!(
                    "`{label} {}` is inside `--out-dir {}`: give an errors file outside the output folder",
                    errors.display(),
                    dir.display()
                )));
            }
        }
    }
    paths::check_distinct(&inputs, &outputs)
}

/// `<path><suffix>`: `out.ndjson` → `out.ndjson.errors.ndjson`.
fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The CLI error of a failed run: a bad line or bad input, and a file that cannot be read or
/// written, exit 2 with the path and the reason.
fn fail(args: &Args, e: BulkError) -> CliError {
    match e {
        BulkError::Line(e) => CliError::usage(located(&args.input, &e)),
        BulkError::Input(_) => CliError::usage(format!("{}: {e}", display_name(&args.input))),
        BulkError::Read(e) => CliError::io(format!("cannot read {}", shown_input(&args.input)), &e),
        BulkError::Write(e) => {
            let output = match &args.out_dir {
                Some(dir) => format!("`{}`", dir.display()),
                None if args.output == "-" => "standard output".to_owned(),
                None => format!("`{}`", args.output),
            };
            CliError::io(format!("cannot write {output}"), &e)
        }
        other => CliError::usage(other),
    }
}

/// The input as a read error names it.
fn shown_input(input: &str) -> String {
    if input == "-" {
        "standard input".to_owned()
    } else {
        format!("`{input}`")
    }
}

/// `file:line: message`, as compilers write it.
fn located(input: &str, e: &LineError) -> String {
    format!("{}:{}: {}", display_name(input), e.line, e.message)
}

/// The input as messages name it.
fn display_name(input: &str) -> &str {
    if input == "-" { "<stdin>" } else { input }
}

/// What the run reports besides the policies: bad lines and progress.
struct Report<'a, E: Write> {
    input: &'a str,
    /// The errors file, as messages name it.
    errors_path: &'a str,
    errors: Option<E>,
    progress: Option<Progress>,
}

impl<E: Write> Report<'_, E> {
    /// Flushes the errors file and clears the progress bar.
    fn done(&mut self) -> Result<(), CliError> {
        if let Some(progress) = &mut self.progress {
            progress.finish();
        }
        if let Some(errors) = &mut self.errors {
            errors.flush().map_err(|e| {
                CliError::io(
                    format!("cannot write the errors file `{}`", self.errors_path),
                    &e,
                )
            })?;
        }
        Ok(())
    }
}

/// A sink that also reports bad lines and progress.
struct Reporting<'r, 'a, S: Sink, E: Write> {
    inner: S,
    report: &'r mut Report<'a, E>,
}

impl<S: Sink, E: Write> Sink for Reporting<'_, '_, S, E> {
    fn policy(&mut self, policy: &Rendered<'_>) -> Result<(), BulkError> {
        self.inner.policy(policy)
    }

    fn error(&mut self, error: &LineError) -> Result<(), BulkError> {
        if let Some(progress) = &mut self.report.progress {
            progress.finish();
        }
        eprintln!("error: {}", located(self.report.input, error));
        if let Some(errors) = &mut self.report.errors {
            writeln!(errors, "{}", error.to_json()).map_err(|e| {
                BulkError::from(OutputError::ErrorsFile {
                    path: self.report.errors_path.to_owned(),
                    reason: crate::error::io_reason(&e),
                })
            })?;
        }
        Ok(())
    }

    fn progress(&mut self, lines: u64, bytes: u64) {
        if let Some(progress) = &mut self.report.progress {
            progress.update(lines, bytes);
        }
    }

    fn ndjson(&mut self) -> Option<&mut dyn Write> {
        self.inner.ndjson()
    }
}
