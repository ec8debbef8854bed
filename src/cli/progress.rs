//! A progress line on stderr for long runs, only when a person is watching a terminal.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Runs show nothing for this long, so quick runs never flicker.
const QUIET_START: Duration = Duration::from_millis(750);

pub struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the indicator if stderr is a terminal and not a CI log.
    pub fn start(files: usize) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let wanted = std::io::stderr().is_terminal()
            && std::env::var_os("CI").is_none()
            && std::env::var_os("TERM").is_none_or(|t| t != "dumb");
        let thread = wanted.then(|| {
            let done = done.clone();
            std::thread::spawn(move || spin(files, &done))
        });
        Progress { done, thread }
    }

    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop();
    }
}

fn spin(files: usize, done: &AtomicBool) {
    let start = Instant::now();
    let frames = ['|', '/', '-', '\\'];
    let mut shown = false;
    let mut frame = 0;
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(100));
        if start.elapsed() < QUIET_START || done.load(Ordering::Relaxed) {
            continue;
        }
        shown = true;
        frame = (frame + 1) % frames.len();
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r{} checking {files} files… {:.0}s",
            frames[frame],
            start.elapsed().as_secs_f64()
        );
        let _ = err.flush();
    }
    if shown {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}
