//! A progress line on stderr for long runs, only when a person is watching a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Runs show nothing for this long, so quick runs never flicker.
const QUIET_START: Duration = Duration::from_millis(750);

pub struct Progress {
    stop: Arc<AtomicBool>,
    /// Files read so far: the pipeline counts them (`run::Settings::progress`).
    pub done: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the indicator if stderr is a terminal, not a CI log, and not `--quiet`.
    pub fn start(total: usize, quiet: bool) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicUsize::new(0));
        let wanted = !quiet
            && std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        let thread = wanted.then(|| {
            let (stop, done) = (stop.clone(), done.clone());
            std::thread::spawn(move || show(total, &done, &stop))
        });
        Progress { stop, done, thread }
    }

    pub fn finish(mut self) {
        self.end();
    }

    fn end(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.end();
    }
}

/// `checking files… 1234/7035 (3s)`, then `analysing… 7035/7035` once every file is read.
pub fn line(done: usize, total: usize, elapsed: Duration) -> String {
    let done = done.min(total);
    let phase = if done < total {
        "reading files"
    } else {
        "analysing"
    };
    format!("{phase}… {done}/{total} ({:.0}s)", elapsed.as_secs_f64())
}

fn show(total: usize, done: &AtomicUsize, stop: &AtomicBool) {
    let start = Instant::now();
    let mut shown = false;
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() < QUIET_START || stop.load(Ordering::Relaxed) {
            continue;
        }
        shown = true;
        let mut err = std::io::stderr().lock();
        let text = line(done.load(Ordering::Relaxed), total, start.elapsed());
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
    }
    if shown {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_counts_done_over_total() {
        let second = Duration::from_secs(2);
        assert_eq!(line(12, 40, second), "reading files… 12/40 (2s)");
        assert_eq!(line(40, 40, second), "analysing… 40/40 (2s)");
        // A file read twice (a stdin buffer also on disk) never shows more than the total.
        assert_eq!(line(41, 40, second), "analysing… 40/40 (2s)");
    }
}
