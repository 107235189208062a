//! An adaptive request rate for a group of calls (a bulk import), in the
//! spirit of the AWS SDKs' adaptive retry mode: a client-side limiter that
//! learns the rate the server allows from its `429` answers.
//!
//! Until the server first throttles, the group runs as fast as its
//! concurrency allows (or at the user's `max_rate`). A `429` pauses the
//! **whole group** for its `Retry-After` (1 s without one), not just the call
//! that got it. Each pause ends an *episode*; the limiter keeps when each
//! call was sent and whether the server counted or refused it, and fits the
//! server's token bucket (a burst `B`, refilled at `r` a second) to them
//! (`fit.rs`):
//!
//! 1. **Discover.** The first episode ran unthrottled from a full bucket:
//!    the `S₁` calls it counted bound the burst (`B ≤ S₁ + 1`).
//! 2. **Ramp.** After the pause the bucket is full again. The group spends
//!    most of it at once (`S₁ − 2` calls), then ramps up from `6·S₁` calls a
//!    second, by about 16 % every 100 ms, until refused. While the ramp is
//!    below `r` the bucket banks what it is not using, so little is lost,
//!    and the refusal bounds `r` over the whole episode (most of a second)
//!    rather than over its last moments. A ramp that ends with `r` known
//!    within [`PRECISE`] holds; otherwise it ramps again from the rate found
//!    (at most [`MAX_RAMPS`] times).
//! 3. **Hold.** The group holds a little above the lowest rate the fit
//!    allows ([`HOLD_WITHIN`] of the way to the highest, and at least the
//!    burst spread over [`HEADROOM`], which the bucket absorbs), so it is
//!    seldom refused again. After a minute without a `429` it probes upward slowly,
//!    faster the longer none comes (so a raised limit is found again); a
//!    later `429` re-fits the bucket with the hold's long history.
//!
//! Slots are spaced at the rate without being reserved ahead, so a rate
//! that grows takes effect for calls already waiting. A hold re-estimate
//! stays between half the held rate and the held rate, so one odd
//! measurement cannot stall the group or let it run away. A server whose
//! answers no token bucket explains still gets a bounded rate: the lowest
//! the known burst allows, and never more than the rate it refused.

mod fit;
#[cfg(test)]
mod simulation;

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use fit::{Call, Outcome};

/// How often the ramp's rate grows.
const RAMP_STEP: Duration = Duration::from_millis(25);
/// How fast the ramp grows, per second (continuously compounded): about
/// 16 % every 100 ms. Slower wastes more while below the server's rate
/// (once its bucket is full); faster ends the episode sooner, and the
/// shorter the episode, the less precise the rate it measures.
const RAMP_GROWTH: f64 = 1.5;
/// Where the ramp starts, in bursts a second: a bucket usually refills its
/// burst in well under a second, and starting below the server's rate
/// costs little (the bucket banks it).
const RAMP_START: f64 = 6.0;
/// How many ramps the limiter runs before it holds whatever it knows.
const MAX_RAMPS: u32 = 3;
/// A fit this narrow (upper bound over lower bound, less one) ends the
/// ramps.
const PRECISE: f64 = 0.15;
/// Where the hold sits between the lowest and the highest rate a precise
/// fit allows: the server's rate is seldom at the very bottom, and a hold a
/// little above it is refused only after its bucket has drained, at the
/// price of one pause that pins the rate down for good.
const HOLD_WITHIN: f64 = 0.4;
/// Over how long the hold spends the server's burst on top of the rate:
/// holding `B / HEADROOM` above the lowest rate that fits empties the
/// bucket no sooner than this even if that lowest rate is the server's.
const HEADROOM: Duration = Duration::from_secs(60);
/// How long the rate holds after a `429` before it probes upward.
const PROBE_AFTER: Duration = Duration::from_secs(60);
/// The pause after a `429` without `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// The slowest rate the limiter goes down to, in calls per second.
const MIN_RATE: f64 = 0.5;
/// How many calls the limiter remembers (about 40 bytes each).
const MAX_CALLS: usize = 4096;
/// Once the first episode is forgotten, the fit tries bursts this close to
/// the one found before.
const NEAR_BURST: i32 = 3;
/// Up to this many remembered calls, the fit tries every burst that the
/// first episode allows; beyond, only the one found before.
const FIT_EVERY_BURST_UP_TO: usize = 1024;
const _: () = assert!(FIT_EVERY_BURST_UP_TO < MAX_CALLS);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// No `429` yet: as fast as allowed.
    Discover,
    /// Growing until the next `429`.
    Ramp,
    /// Just above the lowest rate the fit allows, probing slowly.
    Hold,
}

#[derive(Debug)]
struct State {
    phase: Phase,
    /// Calls per second; `None` while unlimited.
    rate: Option<f64>,
    /// When the next call may start.
    next_send: Instant,
    /// The group waits until then (a `Retry-After`).
    paused_until: Option<Instant>,
    /// The rate when the pause began (`None`: unlimited).
    refused_at: Option<f64>,
    /// When the current ramp step began, or the last pause ended.
    step_start: Instant,
    /// Calls started since `step_start`.
    step_started: u64,
    /// When the rate last grew while holding.
    last_probe: Instant,
    /// When the last `429` came.
    last_throttle: Instant,
    /// Calls that may start at once, unspaced (the bucket the pause refilled).
    credit: u64,
    /// The server's burst, as estimated.
    burst: f64,
    /// Calls the server counted in the first episode (`S₁`).
    discovered: Option<f64>,
    /// Ramps so far.
    ramps: u32,
    /// The most recent calls, oldest first; at most `MAX_CALLS`.
    calls: VecDeque<Call>,
    /// The ticket of `calls[0]`.
    first_ticket: u64,
    /// Tickets of the first call after each pause (the most recent 64).
    episode_starts: VecDeque<u64>,
    /// Remembered calls without an answer yet.
    in_flight: u64,
    /// Whether the episode the current pause ended has been learned from
    /// (as soon as its last call is answered, so the work is done while the
    /// group waits anyway).
    learned: bool,
}

/// A request rate shared by calls made together (a bulk import, rows of a
/// file): with [`SharedRate::adaptive`], a `429` to any of them pauses all
/// of them for its `Retry-After`, and they then hold just below the rate the
/// server allows, learned from its `429`s (see the module's docs on
/// `core/adaptive` for how). [`BulkImport`](crate::BulkImport) makes one
/// for itself; pass one to [`Client::import_sharing`](crate::Client::import_sharing)
/// for imports you drive yourself. Cheap to clone; clones share the rate.
#[derive(Clone, Debug)]
pub struct SharedRate(pub(crate) std::sync::Arc<AdaptiveRate>);

impl SharedRate {
    /// Learns the server's rate from its `429`s; as fast as the calls come
    /// until the first one.
    pub fn adaptive() -> Self {
        SharedRate(std::sync::Arc::new(AdaptiveRate::new(None)))
    }

    /// [`adaptive`](Self::adaptive), and never more than `per_second` calls
    /// a second (a positive, finite number; others mean no cap).
    pub fn adaptive_with_max(per_second: f64) -> Self {
        SharedRate(std::sync::Arc::new(AdaptiveRate::new(valid_rate(
            per_second,
        ))))
    }

    /// At most `per_second` calls a second, learning nothing: each call
    /// handles its own `429`s. A rate that is not positive and finite
    /// means no limit.
    pub fn fixed(per_second: f64) -> Self {
        SharedRate(std::sync::Arc::new(match valid_rate(per_second) {
            Some(rate) => AdaptiveRate::fixed(rate),
            None => AdaptiveRate::with(None, false),
        }))
    }
}

/// A usable rate: positive and finite.
pub(crate) fn valid_rate(per_second: f64) -> Option<f64> {
    (per_second.is_finite() && per_second > 0.0).then_some(per_second)
}

/// A call's place among the group's calls, from [`AdaptiveRate::acquire`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ticket(u64);

impl State {
    /// Remembers a call starting now; its ticket.
    fn record(&mut self, now: Instant) -> Ticket {
        if self.calls.len() == MAX_CALLS {
            if self.calls.pop_front().map(|c| c.round_trip.is_none()) == Some(true) {
                self.in_flight -= 1;
            }
            self.first_ticket += 1;
        }
        self.in_flight += 1;
        self.calls.push_back(Call {
            sent: now,
            outcome: Outcome::Unknown,
            round_trip: None,
        });
        Ticket(self.first_ticket + self.calls.len() as u64 - 1)
    }

    /// Remembers what became of the call holding `ticket`, if it is still
    /// remembered.
    fn outcome(&mut self, ticket: Ticket, outcome: Outcome, now: Instant) {
        let Some(index) = ticket.0.checked_sub(self.first_ticket) else {
            return;
        };
        if let Some(call) = usize::try_from(index)
            .ok()
            .and_then(|i| self.calls.get_mut(i))
        {
            if call.round_trip.is_none() {
                self.in_flight -= 1;
            }
            call.outcome = outcome;
            call.round_trip = Some(now.duration_since(call.sent).as_secs_f64());
        }
    }

    /// The ticket the next call will get.
    fn next_ticket(&self) -> u64 {
        self.first_ticket + self.calls.len() as u64
    }
}

/// The limiter of one group of calls.
#[derive(Debug)]
pub(crate) struct AdaptiveRate {
    state: Mutex<State>,
    max_rate: Option<f64>,
    /// Whether `429`s teach it anything; off, it only spaces calls at
    /// `max_rate` and each call handles its `429`s itself.
    learns: bool,
}

impl AdaptiveRate {
    /// A limiter that learns from `429`s and never goes above `max_rate`
    /// calls per second, if given.
    pub(crate) fn new(max_rate: Option<f64>) -> Self {
        Self::with(max_rate, true)
    }

    /// A limiter that only spaces calls at `max_rate` calls per second.
    pub(crate) fn fixed(max_rate: f64) -> Self {
        Self::with(Some(max_rate), false)
    }

    /// Whether the group pauses and slows down on `429`.
    pub(crate) fn learns(&self) -> bool {
        self.learns
    }

    pub(crate) fn with(max_rate: Option<f64>, learns: bool) -> Self {
        let now = Instant::now();
        AdaptiveRate {
            state: Mutex::new(State {
                phase: Phase::Discover,
                rate: max_rate,
                next_send: now,
                paused_until: None,
                refused_at: None,
                step_start: now,
                step_started: 0,
                last_probe: now,
                last_throttle: now,
                credit: 0,
                burst: 1.0,
                discovered: None,
                ramps: 0,
                calls: VecDeque::new(),
                first_ticket: 0,
                episode_starts: VecDeque::new(),
                in_flight: 0,
                learned: true,
            }),
            max_rate,
            learns,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn capped(&self, rate: f64) -> f64 {
        let rate = rate.max(MIN_RATE);
        self.max_rate.map_or(rate, |max| rate.min(max))
    }

    /// Waits until the group may send its next call; returns its ticket
    /// (to hand back with what became of the call).
    pub(crate) async fn acquire(&self) -> Ticket {
        loop {
            let wake = {
                let mut st = self.lock();
                self.advance(&mut st, Instant::now());
                let now = Instant::now();
                match (st.paused_until, st.rate) {
                    (Some(until), _) => until,
                    (None, rate) if st.credit > 0 => {
                        // The spaced calls resume one interval after the
                        // credit is spent, not at once.
                        st.credit -= 1;
                        st.next_send =
                            now + rate.map_or(Duration::ZERO, |r| Duration::from_secs_f64(1.0 / r));
                        return st.record(now);
                    }
                    // The next slot is later: wait for it, then look again
                    // (no slot is reserved ahead, so a rate that grows
                    // meanwhile takes effect at once).
                    (None, Some(_)) if st.next_send > now => st.next_send,
                    (None, rate) => {
                        if let Some(rate) = rate {
                            // Slots stay on their schedule (a wake-up a
                            // timer tick late does not push every later
                            // slot back), with at most one slot of credit
                            // after an idle spell.
                            let interval = Duration::from_secs_f64(1.0 / rate);
                            let slot = st.next_send.max(now.checked_sub(interval).unwrap_or(now));
                            st.next_send = slot + interval;
                        }
                        st.step_started += 1;
                        return st.record(now);
                    }
                }
            };
            tokio::time::sleep_until(wake).await;
        }
    }

    /// Ends a pause that is over, and grows the rate as the phase says.
    fn advance(&self, st: &mut State, now: Instant) {
        if let Some(until) = st.paused_until {
            if until > now {
                return;
            }
            self.end_pause(st, now);
        }
        match (st.phase, st.rate) {
            (Phase::Ramp, Some(rate)) if now.duration_since(st.step_start) >= RAMP_STEP => {
                // Grow only a rate the group used (at least half of it):
                // an idle group must not ramp up on paper and then burst.
                let elapsed = now.duration_since(st.step_start).as_secs_f64();
                if st.step_started as f64 >= rate * elapsed / 2.0 {
                    st.rate = Some(self.capped(rate * (RAMP_GROWTH * elapsed).exp()));
                }
                st.step_start = now;
                st.step_started = 0;
            }
            (Phase::Hold, Some(rate)) => {
                let quiet = now.duration_since(st.last_throttle).as_secs_f64();
                // Nothing for a minute without a 429 (the rate is one the
                // server allows), then 0.1 % a second, growing with the
                // square of the quiet time, at most 5 %.
                let per_second = match quiet >= PROBE_AFTER.as_secs_f64() {
                    true => (0.001 * (quiet / 60.0).powi(2)).min(0.05),
                    false => 0.0,
                };
                let elapsed = now.duration_since(st.last_probe).as_secs_f64();
                st.rate = Some(self.capped(rate * (1.0 + per_second * elapsed)));
                st.last_probe = now;
            }
            _ => {}
        }
    }

    /// The pause is over: the server's bucket is full again. Learns what
    /// the episode that ended teaches (if that is not done yet), and starts
    /// the next one.
    fn end_pause(&self, st: &mut State, now: Instant) {
        st.paused_until = None;
        self.learn(st);
        let next = st.next_ticket();
        if st.episode_starts.len() == 64 {
            st.episode_starts.pop_front();
        }
        st.episode_starts.push_back(next);
        st.next_send = now;
        st.step_start = now;
        st.step_started = 0;
        st.last_probe = now;
        tracing::debug!(
            phase = ?st.phase,
            rate = st.rate,
            burst = st.burst,
            credit = st.credit,
            "pause over: the group resumes"
        );
    }

    /// Learns from the episode the current pause ended, once.
    fn learn(&self, st: &mut State) {
        if std::mem::replace(&mut st.learned, true) {
            return;
        }
        match st.phase {
            Phase::Discover => {
                let counted = |c: &&Call| c.outcome == Outcome::Counted;
                st.discovered = Some(st.calls.iter().filter(counted).count() as f64);
                // The calls sent before the first refused one went through
                // from a full bucket: so will as many less two (one may have
                // been a token refilled meanwhile), sent as fast.
                let before_refusal = st
                    .calls
                    .iter()
                    .take_while(|c| c.outcome != Outcome::Refused)
                    .filter(counted)
                    .count() as u64;
                st.burst = before_refusal.max(1) as f64;
                st.credit = before_refusal.saturating_sub(2);
                st.rate = Some(self.capped(RAMP_START * st.burst));
                st.phase = Phase::Ramp;
                st.ramps = 1;
            }
            Phase::Ramp | Phase::Hold => {
                let refused_at = st.refused_at.unwrap_or(f64::INFINITY);
                let fitted = self.fit(st);
                tracing::debug!(fit = ?fitted, refused_at, "the server's bucket, fitted");
                let (rate, precise) = match fitted {
                    Some(fit) => {
                        st.burst = fit.burst;
                        let precise = fit.ceiling <= fit.rate * (1.0 + PRECISE);
                        let above = match precise {
                            true => HOLD_WITHIN * (fit.ceiling - fit.rate),
                            false => 0.0,
                        };
                        let rate = fit.rate + above.max(fit.burst / HEADROOM.as_secs_f64());
                        (rate, precise)
                    }
                    // No token bucket explains the calls (a limiter of
                    // another kind, or a bucket that was not full when the
                    // group began): half the refused rate, as AIMD would.
                    None => (refused_at / 2.0, false),
                };
                // A ramp overshoots by design; a hold re-estimate stays
                // within half of the rate it held, so one odd measurement
                // cannot stall the group.
                let floor = match st.phase {
                    Phase::Ramp => MIN_RATE,
                    _ => refused_at / 2.0,
                };
                st.rate = Some(self.capped(rate.min(refused_at).max(floor)));
                if st.phase == Phase::Ramp && !precise && st.ramps < MAX_RAMPS {
                    st.ramps += 1;
                    st.credit = (st.burst as u64).saturating_sub(2);
                } else {
                    st.phase = Phase::Hold;
                }
            }
        }
    }

    /// Learns from the paused episode if its last call was just answered.
    fn learn_when_complete(&self, st: &mut State) {
        if st.paused_until.is_some() && !st.learned && st.in_flight == 0 {
            self.learn(st);
        }
    }

    /// The server's bucket, fitted to the remembered calls.
    fn fit(&self, st: &State) -> Option<fit::Fit> {
        let calls: Vec<Call> = st.calls.iter().copied().collect();
        let starts: Vec<usize> = st
            .episode_starts
            .iter()
            .filter_map(|&t| usize::try_from(t.checked_sub(st.first_ticket)?).ok())
            .collect();
        let (bursts, prefer): (Vec<f64>, _) = match (st.discovered, starts.first()) {
            // So few calls are all of them (none is forgotten before
            // `MAX_CALLS`), the first episode included.
            (Some(counted), Some(&first)) if calls.len() <= FIT_EVERY_BURST_UP_TO => (
                (1..=counted as u64 + 1).map(|b| b as f64).collect(),
                fit::Prefer::FirstEpisode(first),
            ),
            // The first episode is forgotten: the burst found before, or
            // one close to it (it may have been read one or two off).
            _ => (
                (-NEAR_BURST..=NEAR_BURST)
                    .map(|d| st.burst + f64::from(d))
                    .collect(),
                fit::Prefer::Near(st.burst),
            ),
        };
        fit::fit(&calls, &bursts, &starts, prefer)
    }

    /// The call holding `ticket` got an HTTP answer other than `429`: the
    /// server counted it.
    pub(crate) fn answered(&self, ticket: Ticket) {
        let mut st = self.lock();
        st.outcome(ticket, Outcome::Counted, Instant::now());
        self.learn_when_complete(&mut st);
    }

    /// The call holding `ticket` got a `429` that the group does not act
    /// on (the call gives up): only remembered.
    pub(crate) fn refused(&self, ticket: Ticket) {
        let mut st = self.lock();
        st.outcome(ticket, Outcome::Refused, Instant::now());
        self.learn_when_complete(&mut st);
    }

    /// The call holding `ticket` was throttled (`429`), with the server's
    /// `Retry-After` if it sent one: the whole group pauses, and learns.
    /// A call sent before the last pause ended is only remembered: its
    /// `429` is about a bucket that has refilled since.
    pub(crate) fn throttled(&self, ticket: Ticket, retry_after: Option<Duration>) {
        let mut st = self.lock();
        let now = Instant::now();
        st.outcome(ticket, Outcome::Refused, now);
        if st.paused_until.is_some_and(|until| until > now) {
            // Another call of the same episode: already handled.
            self.learn_when_complete(&mut st);
            return;
        }
        // A pause that is over but not yet ended by a caller: end it first,
        // so the episode it closes is learned from.
        self.advance(&mut st, now);
        if st.episode_starts.back().is_some_and(|&t| ticket.0 < t) {
            return;
        }
        let until = now + retry_after.unwrap_or(DEFAULT_PAUSE);
        st.paused_until = Some(until);
        st.learned = false;
        st.refused_at = st.rate;
        st.last_throttle = until;
        tracing::debug!(
            phase = ?st.phase,
            rate = st.rate,
            pause_ms = until.duration_since(now).as_millis() as u64,
            "throttled (429): the group pauses"
        );
        self.learn_when_complete(&mut st);
    }

    /// The current rate in calls per second, `None` while unlimited.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.lock().rate
    }
}
