//! A one-line progress bar for a terminal: lines done, rate, and (when the input's size is
//! known) a bar and the time left. The caller draws it only when stderr is a terminal.

use std::io::Write;
use std::time::{Duration, Instant};

/// How often the bar is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);

/// A progress bar drawn on stderr.
#[derive(Debug)]
pub struct Progress {
    total_bytes: Option<u64>,
    start: Instant,
    last: Option<Instant>,
}

impl Progress {
    /// A bar for an input of `total_bytes` (unknown for a pipe).
    pub fn new(total_bytes: Option<u64>) -> Self {
        Progress {
            total_bytes: total_bytes.filter(|t| *t > 0),
            start: Instant::now(),
            last: None,
        }
    }

    /// Redraws the bar, at most ten times a second.
    pub fn update(&mut self, lines: u64, bytes: u64) {
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now.duration_since(last) < REDRAW)
        {
            return;
        }
        self.last = Some(now);
        let line = self.line(lines, bytes, now.duration_since(self.start));
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r{line}\x1b[K");
        let _ = err.flush();
    }

    /// Clears the bar (until the next update); dropping the bar clears it too, so that an error
    /// message does not land after it on its line.
    pub fn finish(&mut self) {
        if self.last.take().is_some() {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }

    /// The text of the bar.
    fn line(&self, lines: u64, bytes: u64, elapsed: Duration) -> String {
        let secs = elapsed.as_secs_f64().max(1e-3);
        let rate = lines as f64 / secs;
        let Some(total) = self.total_bytes else {
            return format!("{lines} lines, {rate:.0} lines/s");
        };
        let done = (bytes as f64 / total as f64).clamp(0.0, 1.0);
        const WIDTH: usize = 30;
        let filled = (done * WIDTH as f64) as usize;
        let eta = if done > 0.0 {
            secs * (1.0 - done) / done
        } else {
            0.0
        };
        format!(
            "[{}{}] {:>3.0}% {lines} lines, {rate:.0} lines/s, {eta:.0}s left",
            "#".repeat(filled),
            " ".repeat(WIDTH - filled.min(WIDTH)),
            done * 100.0
        )
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_rate_and_time_left() {
        let p = Progress::new(Some(1000));
        let line = p.line(500, 250, Duration::from_secs(1));
        assert!(
            line.contains(" 25% 500 lines, 500 lines/s, 3s left"),
            "{line}"
        );
        let p = Progress::new(None);
        assert_eq!(
            p.line(20, 0, Duration::from_secs(2)),
            "20 lines, 10 lines/s"
        );
    }
}
