//! The progress bar of long runs: on stderr, and only when stderr is a
//! terminal (indicatif hides it otherwise), so scripts and pipes never see
//! it. Lines printed while it runs go above it.
//!
//! The line is one message built at once from the same counts (position,
//! whole rows per second, time left, outcomes), so its numbers always agree;
//! the message is cut to the terminal's width rather than wrapped.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar, or nothing.
pub struct Progress {
    bar: ProgressBar,
    total: Option<u64>,
    started: Instant,
}

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
            "{bar:12} {wide_msg}"
        } else {
            "{spinner} {wide_msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Progress {
            bar,
            total,
            started: Instant::now(),
        }
    }

    /// A spinner for a wait of unknown length (`orders wait`): `what`,
    /// then the time waited so far, redrawn on its own; unless `enabled` is
    /// false.
    pub fn waiting(what: &str, enabled: bool) -> Self {
        let target = if enabled {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        if let Ok(style) = ProgressStyle::with_template("{spinner} {wide_msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(what.to_owned());
        if enabled {
            bar.enable_steady_tick(Duration::from_millis(250));
        }
        Progress {
            bar,
            total: None,
            started: Instant::now(),
        }
    }

    /// `done` items are done; `counts` describes their outcomes.
    pub fn advance(&self, done: u64, counts: &str) {
        let elapsed = self.started.elapsed().as_secs_f64();
        let rate = if elapsed > 0.0 {
            done as f64 / elapsed
        } else {
            0.0
        };
        let message = match self.total {
            Some(total) => {
                let left = if rate > 0.0 {
                    Duration::from_secs_f64(total.saturating_sub(done) as f64 / rate)
                } else {
                    Duration::ZERO
                };
                format!(
                    "{done}/{total} rows · {rate:.0}/s · eta {} · {counts}",
                    short_duration(left)
                )
            }
            None => format!("{done} rows · {rate:.0}/s · {counts}"),
        };
        self.bar.set_position(done);
        self.bar.set_message(message);
    }

    /// Prints a line to stderr without tearing the bar.
    pub fn line(&self, text: &str) {
        self.bar.suspend(|| eprintln!("{text}"));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `42s`, `3m05s`, `1h02m`.
fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short() {
        assert_eq!(short_duration(Duration::from_secs(42)), "42s");
        assert_eq!(short_duration(Duration::from_secs(185)), "3m05s");
        assert_eq!(short_duration(Duration::from_secs(3720)), "1h02m");
    }
}
