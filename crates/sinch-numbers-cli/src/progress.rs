//! The progress bar of long runs: on stderr, and only when stderr is a
//! terminal (indicatif hides it otherwise), so scripts and pipes never see
//! it. Lines printed while it runs go above it.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing.
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar for `total` items (a spinner when unknown), unless `enabled` is false.
    pub fn new(total: Option<u64>, enabled: bool) -> Self {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(total, target);
        let template = if total.is_some() {
            "{bar:30} {pos}/{len} rows · {per_sec} · eta {eta} · {msg}"
        } else {
            "{spinner} {pos} rows · {per_sec} · {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress(bar)
    }

    /// One more item done; `counts` describes the totals so far.
    pub fn advance(&self, counts: String) {
        self.0.set_message(counts);
        self.0.inc(1);
    }

    /// Prints a line to stderr without tearing the bar.
    pub fn line(&self, text: &str) {
        self.0.suspend(|| eprintln!("{text}"));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
