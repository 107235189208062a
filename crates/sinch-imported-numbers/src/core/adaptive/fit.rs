//! Fitting a server's token bucket to what a group of calls saw: which calls
//! it counted, which it refused with `429`, and when each was sent.
//!
//! The server's bucket holds at most `B` tokens (its burst), gains `r` a
//! second, and each call it counts takes one. Whatever happened before, the
//! bucket holds at most `B + r·w − N` tokens at the end of any window of `w`
//! seconds in which it counted `N` calls (it held at most `B` when the window
//! began). So:
//! - a counted call found a token: for every window ending at it,
//!   `B + r·w − N ≥ 1`, a **lower bound** on `r` for each `B`;
//! - a refused call found none, and since the bucket was full when the group
//!   began, the bound is reached for the window that began when it was last
//!   full: for **some** window ending at it, `B + r·w − N < 1`, an upper
//!   bound on `r`.
//!
//! A burst is a whole number of calls, so the fit tries whole bursts and
//! keeps those that leave some rate between the bounds. Slow first answers
//! (connections being opened) can leave several such bursts; the fit then
//! prefers the one the first episode points to when read at face value
//! ([`Prefer`]). It reports the lowest rate for that burst, so that a group
//! holding at that rate is not refused again, and the highest, so the
//! caller knows how sure it is.
//!
//! Send times stand in for arrival times. A call whose answer took longer
//! than the quickest answer may have reached the server up to that much
//! later, so a window ending at it is widened by that much (for lower
//! bounds) and a window starting at it narrowed (for upper bounds), plus
//! [`BASE_SLACK`].

use tokio::time::Instant;

/// What became of one call of the group, as far as the server's bucket is
/// concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// No answer yet, or one that does not say whether the server counted
    /// the call (a connection error).
    Unknown,
    /// An HTTP answer other than `429`: the server took a token for it.
    Counted,
    /// `429`: the bucket had no token.
    Refused,
}

/// One call of the group: when it was sent, what became of it, and how
/// long the answer took (seconds; `None` until it comes).
#[derive(Clone, Copy, Debug)]
pub(super) struct Call {
    pub(super) sent: Instant,
    pub(super) outcome: Outcome,
    pub(super) round_trip: Option<f64>,
}

/// The token bucket that explains the calls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Fit {
    /// The burst, in calls.
    pub(super) burst: f64,
    /// The lowest refill rate that explains the calls with it, in calls a
    /// second.
    pub(super) rate: f64,
    /// The highest, in calls a second (infinite when no call was refused).
    pub(super) ceiling: f64,
}

/// Added to every call's own slack, in seconds: the clock's grain, and a
/// trip that varied without the round trip showing it.
const BASE_SLACK: f64 = 0.0001;
/// Up to this many calls, every call is tried as the start of a window.
const EVERY_START_UP_TO: usize = 1536;
/// Beyond that, the most recent calls tried as window starts, and about how
/// many more spread over the older ones.
const RECENT_STARTS: usize = 512;
const SPREAD_STARTS: usize = 256;

/// The token bucket that explains `calls` (oldest first, in the order they
/// were sent; the first one sent when the bucket was full) with one of
/// `bursts`: `None` if no burst explains them. `starts` are indices of calls
/// that are always tried as window starts (the first call after each
/// pause); `prefer` says which burst to take when several explain them.
pub(super) fn fit(calls: &[Call], bursts: &[f64], starts: &[usize], prefer: Prefer) -> Option<Fit> {
    let history = History::of(calls)?;
    let starts = window_starts(calls.len(), starts);
    let windows = Windows::of(&history, &starts);
    let fits: Vec<Fit> = bursts
        .iter()
        .filter(|&&b| b >= 1.0)
        .filter_map(|&burst| {
            let (rate, ceiling) = (windows.floor(burst), windows.ceiling(burst));
            (ceiling > 0.0 && rate <= ceiling).then_some(Fit {
                burst,
                rate,
                ceiling,
            })
        })
        .collect();
    // The candidate closest to the preferred burst; the larger (so the
    // lower rate) of two as close.
    let first = match prefer {
        Prefer::FirstEpisode(n) => Some(history.first_episode(n)),
        Prefer::Near(_) => None,
    };
    let off = |fit: &Fit| match (prefer, first) {
        (_, Some((counted, seconds))) => (fit.burst - (counted - fit.rate * seconds)).abs().round(),
        (Prefer::Near(burst), _) => (fit.burst - burst).abs(),
        _ => 0.0,
    };
    let best = fits
        .iter()
        .copied()
        .min_by(|x, y| off(x).total_cmp(&off(y)).then(x.rate.total_cmp(&y.rate)))?;
    // A first episode reads a burst one too many when a token refilled
    // while it ran; the ceiling allows for that burst too, when it fits, so
    // the caller does not hold a rate lower than it needs to.
    let ceiling = fits
        .iter()
        .filter(|f| f.burst == best.burst - 1.0)
        .fold(best.ceiling, |c, f| c.max(f.ceiling));
    Some(Fit { ceiling, ..best })
}

/// Which burst [`fit`] takes when several explain the calls.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Prefer {
    /// The one the first `n` calls point to: they went out at full speed
    /// from a full bucket, so the burst is about the calls they counted
    /// less what refilled between the first arrival and the last counted
    /// call, at the candidate's rate.
    FirstEpisode(usize),
    /// The one closest to this (the burst found before).
    Near(f64),
}

/// The calls, ready for fitting: send times in seconds since the first,
/// slacks, running counts.
struct History<'a> {
    calls: &'a [Call],
    at: Vec<f64>,
    /// How much later than its send time each call may have reached the
    /// server (for a call without an answer, the most any call may have).
    slack: Vec<f64>,
    /// The largest slack.
    widest: f64,
    /// `counted[i]`: calls before `i` the server surely counted.
    counted: Vec<f64>,
    /// `possible[i]`: calls before `i` it may have counted (those without
    /// an answer too).
    possible: Vec<f64>,
}

impl<'a> History<'a> {
    fn of(calls: &'a [Call]) -> Option<Self> {
        let first = calls.first()?.sent;
        let at = calls
            .iter()
            .map(|c| c.sent.duration_since(first).as_secs_f64())
            .collect();
        let quickest = calls
            .iter()
            .filter_map(|c| c.round_trip)
            .fold(f64::INFINITY, f64::min);
        let answered = |c: &Call| c.round_trip.map(|t| t - quickest + BASE_SLACK);
        let widest = calls.iter().filter_map(answered).fold(BASE_SLACK, f64::max);
        let slack = calls
            .iter()
            .map(|c| answered(c).unwrap_or(widest))
            .collect();
        let (mut counted, mut possible) = (vec![0.0; calls.len() + 1], vec![0.0; calls.len() + 1]);
        for (i, call) in calls.iter().enumerate() {
            counted[i + 1] = counted[i] + f64::from(u8::from(call.outcome == Outcome::Counted));
            possible[i + 1] = possible[i] + f64::from(u8::from(call.outcome != Outcome::Refused));
        }
        Some(History {
            calls,
            at,
            slack,
            widest,
            counted,
            possible,
        })
    }

    /// Of the first `n` calls: how many were counted, and the seconds from
    /// the latest the first call may have arrived (a group's first calls
    /// are slow because they open connections, before reaching the server)
    /// to when the last counted one was sent.
    fn first_episode(&self, n: usize) -> (f64, f64) {
        let n = n.min(self.calls.len());
        let last = (0..n).rev().find(|&i| self.is(i, Outcome::Counted));
        let seconds = last.map_or(0.0, |i| (self.at[i] - self.slack[0]).max(0.0));
        (self.counted[n], seconds)
    }

    fn is(&self, i: usize, outcome: Outcome) -> bool {
        self.calls[i].outcome == outcome
    }
}

/// Every window the fit looks at, as (calls in it, seconds): what each
/// counted call and each refused one says, whatever the burst.
struct Windows {
    /// For each counted call `a` and start `s` before it: the calls surely
    /// counted from `s` on that surely reached the server before `a` did,
    /// and the longest the window may have lasted (`a`'s slack added).
    counted: Vec<Vec<(f64, f64)>>,
    /// For each refused call `f` and start `s` before it: the calls that may
    /// have been counted from the latest time `s` may have arrived (those
    /// sent before `s` that may have arrived after it, and those sent after
    /// `f` that may have arrived before it, included), and the shortest the
    /// window may have lasted.
    refused: Vec<Vec<(f64, f64)>>,
}

impl Windows {
    fn of(h: &History<'_>, starts: &[usize]) -> Self {
        let n = h.calls.len();
        let counted = (0..n)
            .filter(|&a| h.is(a, Outcome::Counted))
            .map(|a| {
                // Counted calls sent before `a` that may have reached the
                // server after it.
                let late: Vec<usize> = (0..a)
                    .rev()
                    .take_while(|&i| h.at[i] >= h.at[a] - h.widest)
                    .filter(|&i| h.is(i, Outcome::Counted) && h.at[i] + h.slack[i] >= h.at[a])
                    .collect();
                starts
                    .iter()
                    .take_while(|&&s| s < a)
                    .map(|&s| {
                        let overtaken = late.iter().filter(|&&i| i >= s).count() as f64;
                        (
                            h.counted[a] - h.counted[s] - overtaken,
                            h.at[a] - h.at[s] + h.slack[a],
                        )
                    })
                    .collect()
            })
            .collect();
        // For each start: when its window begins at the latest, and the
        // calls sent before it that may have arrived after that.
        let begins: Vec<(f64, f64)> = starts
            .iter()
            .map(|&s| {
                let begins = h.at[s] + h.slack[s];
                let overtaken = (0..s)
                    .rev()
                    .take_while(|&i| h.at[i] >= begins - h.widest)
                    .filter(|&i| !h.is(i, Outcome::Refused) && h.at[i] + h.slack[i] >= begins)
                    .count() as f64;
                (begins, overtaken)
            })
            .collect();
        let refused = (0..n)
            .filter(|&f| h.is(f, Outcome::Refused))
            .map(|f| {
                let overtaking = (f + 1..n)
                    .take_while(|&i| h.at[i] < h.at[f] + h.slack[f])
                    .filter(|&i| !h.is(i, Outcome::Refused))
                    .count() as f64;
                starts
                    .iter()
                    .zip(&begins)
                    .take_while(|(&s, _)| s < f)
                    .map(|(&s, &(begins, overtaken))| {
                        (
                            h.possible[f] - h.possible[s] + overtaking + overtaken,
                            h.at[f] - begins,
                        )
                    })
                    .collect()
            })
            .collect();
        Windows { counted, refused }
    }

    /// The lowest rate that lets every counted call find a token with this
    /// burst: over each window ending at one, `burst + rate·seconds ≥ calls
    /// + 1`.
    fn floor(&self, burst: f64) -> f64 {
        self.counted
            .iter()
            .flatten()
            .filter(|(calls, _)| calls + 1.0 > burst)
            .map(|(calls, seconds)| (calls + 1.0 - burst) / seconds)
            .fold(0.0, f64::max)
    }

    /// The highest rate that leaves every refused call without a token with
    /// this burst (infinite if none was refused): over some window ending
    /// at each, `burst + rate·seconds < calls + 1`.
    fn ceiling(&self, burst: f64) -> f64 {
        self.refused
            .iter()
            .map(|windows| {
                windows
                    .iter()
                    .map(|&(calls, seconds)| {
                        let short = calls + 1.0 - burst;
                        match (short > 0.0, seconds > 0.0) {
                            (true, false) => f64::INFINITY,
                            (_, true) => short / seconds,
                            (false, false) => f64::NEG_INFINITY,
                        }
                    })
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .fold(f64::INFINITY, f64::min)
    }
}

/// The calls tried as window starts, in order: all of them for a short
/// history; otherwise the recent ones, `always`, and a spread of the rest.
fn window_starts(n: usize, always: &[usize]) -> Vec<usize> {
    if n <= EVERY_START_UP_TO {
        return (0..n).collect();
    }
    let recent = n - RECENT_STARTS;
    let step = recent.div_ceil(SPREAD_STARTS);
    let mut starts: Vec<usize> = (0..recent)
        .step_by(step)
        .chain(always.iter().copied().filter(|&s| s < recent))
        .chain(recent..n)
        .collect();
    starts.sort_unstable();
    starts.dedup();
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Calls at the given offsets (ms), through a bucket of `burst` tokens
    /// refilling at `rate`, starting full: what the server would answer.
    fn through_bucket(offsets_ms: &[f64], burst: f64, rate: f64) -> Vec<Call> {
        let start = Instant::now();
        let (mut tokens, mut last) = (burst, 0.0);
        offsets_ms
            .iter()
            .map(|&ms| {
                let t = ms / 1000.0;
                tokens = (tokens + (t - last) * rate).min(burst);
                last = t;
                let outcome = if tokens >= 1.0 {
                    tokens -= 1.0;
                    Outcome::Counted
                } else {
                    Outcome::Refused
                };
                Call {
                    sent: start + Duration::from_secs_f64(t),
                    outcome,
                    round_trip: Some(0.001),
                }
            })
            .collect()
    }

    fn bursts() -> Vec<f64> {
        (1..=40).map(f64::from).collect()
    }

    #[test]
    fn a_burst_then_a_ramp_pins_the_bucket_down() {
        // 25 calls within 2.4 ms, a 1 s pause, then a ramp from 40/s up,
        // 2 % faster each call, to 400/s.
        let mut offsets: Vec<f64> = (0..25).map(|i| f64::from(i) * 0.1).collect();
        let (mut t, mut rate) = (1002.4, 40.0);
        while offsets.len() < 600 {
            offsets.push(t);
            rate = f64::min(rate * 1.02, 400.0);
            t += 1000.0 / rate;
        }
        let calls = through_bucket(&offsets, 20.0, 200.0);
        let refused = calls
            .iter()
            .position(|c| c.outcome == Outcome::Refused && c.sent > calls[30].sent)
            .unwrap();
        let fit = fit(
            &calls[..=refused],
            &bursts(),
            &[25],
            Prefer::FirstEpisode(25),
        )
        .unwrap();
        assert_eq!(fit.burst, 20.0, "{fit:?}");
        assert!(
            fit.rate <= 200.0 && fit.ceiling > 200.0,
            "the truth lies between: {fit:?}"
        );
        // The ceiling allows for a burst of 19 too (see `fit`).
        assert!(fit.rate > 196.0 && fit.ceiling < 210.0, "{fit:?}");
    }

    #[test]
    fn without_a_refusal_only_a_floor_is_known() {
        let offsets: Vec<f64> = (0..100).map(|i| f64::from(i) * 10.0).collect();
        let calls = through_bucket(&offsets, 20.0, 200.0);
        let fit = fit(&calls, &[20.0], &[], Prefer::Near(20.0)).unwrap();
        assert!(fit.rate <= 100.0, "{fit:?}");
        assert_eq!(fit.ceiling, f64::INFINITY);
    }

    #[test]
    fn unknown_outcomes_never_raise_the_floor() {
        let offsets: Vec<f64> = (0..30).map(|i| f64::from(i) * 0.1).collect();
        let mut calls = through_bucket(&offsets, 20.0, 200.0);
        let known = fit(&calls, &bursts(), &[], Prefer::Near(20.0)).unwrap();
        for call in &mut calls[..10] {
            call.outcome = Outcome::Unknown;
        }
        let unsure = fit(&calls, &bursts(), &[], Prefer::Near(20.0)).unwrap();
        assert!(unsure.rate <= known.rate, "{unsure:?} vs {known:?}");
    }

    #[test]
    fn calls_no_bucket_explains_give_no_fit() {
        // Refused while a full bucket of any burst tried had tokens to give.
        let offsets = [0.0, 500.0];
        let mut calls = through_bucket(&offsets, 20.0, 200.0);
        calls[1].outcome = Outcome::Refused;
        assert_eq!(fit(&calls, &[5.0, 10.0], &[], Prefer::Near(20.0)), None);
    }

    #[test]
    fn long_histories_sample_their_window_starts() {
        let starts = window_starts(4096, &[7, 4000]);
        assert!(starts.len() < 4096 / 4, "{}", starts.len());
        assert!(starts.contains(&7) && starts.contains(&4000) && starts.contains(&4095));
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(window_starts(10, &[3]), (0..10).collect::<Vec<_>>());
    }
}
