//! An adaptive request rate for a group of calls (a bulk import), in the
//! spirit of the AWS SDKs' adaptive retry mode: a client-side limiter that
//! learns the rate the server allows from its `429` answers.
//!
//! Until the server first throttles, the group runs as fast as its
//! concurrency allows (or at the user's `max_rate`). A `429` pauses the
//! **whole group** for its `Retry-After` (1 s without one), not just the call
//! that got it. The limiter then learns the server's token bucket (a burst
//! `B`, refilled at `r` a second), which a pause leaves full:
//!
//! 1. The first episode ran unthrottled from a full bucket: its `S₁` calls
//!    over `T₁` seconds before the refused one give `S₁ = B + r·T₁`.
//! 2. It ramps up from `√(B·S₁/T₁)` calls a second (halfway, in log terms,
//!    between a floor of `B` a second and the rate that emptied the bucket),
//!    by a quarter every 100 ms, until the next `429`. A bucket never holds more than `B`, so every window ending
//!    at the refused call held at most `B + r·w` calls, and exactly that
//!    many over the window that began when the bucket was last full: with
//!    step 1 this pins down `B` and `r` (see `estimate`). The group then
//!    holds just below `r` (99 %).
//! 3. Holding, it waits a minute without a `429`, then probes upward slowly,
//!    faster the longer none comes (so a raised limit is found again); a
//!    later `429` re-learns `r` the same way, `B` now known.
//!
//! Slots are spaced at the rate without being reserved ahead, so a rate
//! that grows takes effect for calls already waiting. A hold re-estimate
//! stays between half the held rate and the held rate, so one odd
//! measurement cannot stall the group or let it run away.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How long each ramp step lasts before the rate grows.
const RAMP_STEP: Duration = Duration::from_millis(100);
/// How much the rate grows each ramp step: gently, so that the rate that
/// empties the server's bucket is not far above the server's own, and the
/// bucket takes long enough to empty for the estimate to be precise.
const RAMP_GROWTH: f64 = 1.25;
/// How long the rate holds after a `429` before it probes upward.
const PROBE_AFTER: Duration = Duration::from_secs(60);
/// The pause after a `429` without `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// How far below the learned rate the group holds.
const MARGIN: f64 = 0.99;
/// The slowest rate the limiter goes down to, in calls per second.
const MIN_RATE: f64 = 0.5;
/// How many call start times the estimator keeps.
const MAX_SENDS: usize = 4096;
/// The shortest window the estimator divides by, in seconds.
const MIN_WINDOW: f64 = 0.02;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// No `429` yet: as fast as allowed.
    Discover,
    /// Doubling until the next `429`.
    Ramp,
    /// Just below the learned rate, probing slowly.
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
    /// When the current rate took effect, or the last pause ended.
    step_start: Instant,
    /// When the rate last grew while holding.
    last_probe: Instant,
    /// When the last `429` came.
    last_throttle: Instant,
    /// The server's burst, as estimated.
    burst: f64,
    /// Successes so far.
    successes: u64,
    /// Calls started since `step_start`.
    step_started: u64,
    /// When each call started since the server's bucket was last known
    /// full (the group's start, or the end of a pause), newest last; at
    /// most `MAX_SENDS`.
    sends: VecDeque<Instant>,
    /// How many calls started before `sends[0]`, since the group began.
    sends_before: u64,
    /// The first episode: calls that went through before the first `429`,
    /// and over how many seconds.
    discovery: Option<(f64, f64)>,
}

/// A request rate shared by calls made together (a bulk import, rows of a
/// file): with [`SharedRate::adaptive`], a `429` to any of them pauses all
/// of them for its `Retry-After`, and they then hold just below the rate the
/// server allows, learned from its `429`s (see the module's docs on
/// `core/adaptive.rs` for how). [`BulkImport`](crate::BulkImport) makes one
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
    /// The start times of this episode's calls before the one holding
    /// `ticket`, and when that one started (now, if it is not in the
    /// episode: it started before the last pause).
    fn before(&self, ticket: Ticket) -> (Vec<Instant>, Instant) {
        let index = ticket.0.saturating_sub(self.sends_before) as usize;
        match self.sends.get(index) {
            Some(&at) if ticket.0 >= self.sends_before => {
                (self.sends.iter().take(index).copied().collect(), at)
            }
            _ => (self.sends.iter().copied().collect(), Instant::now()),
        }
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
                step_start: now,
                last_probe: now,
                last_throttle: now,
                burst: 1.0,
                successes: 0,
                step_started: 0,
                sends: VecDeque::new(),
                sends_before: 0,
                discovery: None,
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
    /// (to hand back to [`throttled`](Self::throttled) if it gets a `429`).
    pub(crate) async fn acquire(&self) -> Ticket {
        loop {
            let wake = {
                let mut st = self.lock();
                let now = Instant::now();
                self.advance(&mut st, now);
                match (st.paused_until, st.rate) {
                    (Some(until), _) => until,
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
                        if st.sends.len() == MAX_SENDS {
                            st.sends.pop_front();
                            st.sends_before += 1;
                        }
                        st.sends.push_back(now);
                        return Ticket(st.sends_before + st.sends.len() as u64 - 1);
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
            st.paused_until = None;
            // The pause refilled the server's bucket: a new episode.
            st.sends_before += st.sends.len() as u64;
            st.sends.clear();
            st.step_start = now;
            st.step_started = 0;
            st.last_probe = now;
            st.next_send = now;
        }
        match (st.phase, st.rate) {
            (Phase::Ramp, Some(rate)) if now.duration_since(st.step_start) >= RAMP_STEP => {
                // Double only a rate the group used (at least half of it):
                // an idle group must not ramp up on paper and then burst.
                let allowance = rate * now.duration_since(st.step_start).as_secs_f64();
                if st.step_started as f64 >= allowance / 2.0 {
                    st.rate = Some(self.capped(rate * RAMP_GROWTH));
                }
                st.step_start = now;
                st.step_started = 0;
            }
            (Phase::Hold, Some(rate)) => {
                let quiet = now.duration_since(st.last_throttle).as_secs_f64();
                // Nothing for a minute without a 429 (the learned rate is
                // the server's, less the margin), then 0.1 % a second,
                // growing with the square of the quiet time, at most 5 %.
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

    /// A call of the group succeeded.
    pub(crate) fn success(&self) {
        self.lock().successes += 1;
    }

    /// The call of the group holding `ticket` was throttled
    /// (`429`), with the server's `Retry-After` if it sent one: the whole
    /// group pauses, and the rate is learned again.
    pub(crate) fn throttled(&self, ticket: Ticket, retry_after: Option<Duration>) {
        let mut st = self.lock();
        let now = Instant::now();
        if st.paused_until.is_some_and(|until| until > now) {
            // Another call of the same episode: already handled.
            return;
        }
        match (st.phase, st.rate) {
            (Phase::Discover, _) => {
                // Everything before the refused call went through: the
                // server's bucket, plus what it refilled meanwhile.
                let (before, sent_at) = st.before(ticket);
                let before = before.len() as f64;
                let took = st
                    .sends
                    .front()
                    .map_or(0.0, |&first| sent_at.duration_since(first).as_secs_f64());
                st.burst = before.max(1.0);
                st.discovery = Some((before, took));
                // The server's rate is below the rate that emptied its
                // bucket (`S₁/T₁`); `B` a second is a floor by convention.
                // The ramp starts halfway between, in log terms.
                // The server's rate is below the rate that emptied its
                // bucket (`S₁/T₁`); `B` a second is a floor by convention.
                // The ramp starts halfway between, in log terms.
                let ceiling = if took > 0.0 { before / took } else { st.burst };
                st.rate = Some(self.capped((st.burst * ceiling.max(st.burst)).sqrt()));
                st.phase = Phase::Ramp;
            }
            (Phase::Ramp | Phase::Hold, Some(rate)) => {
                let (burst, learned) = estimate(&st, ticket);
                st.burst = burst;
                // A ramp overshoots by design; a hold re-estimate stays
                // within half of the rate it held, so one odd measurement
                // cannot stall the group.
                let floor = match st.phase {
                    Phase::Ramp => MIN_RATE,
                    _ => rate / 2.0,
                };
                let learned = learned.clamp(floor, rate);
                st.rate = Some(self.capped(learned * MARGIN));
                st.phase = Phase::Hold;
            }
            (_, None) => {}
        }
        let until = now + retry_after.unwrap_or(DEFAULT_PAUSE);
        st.paused_until = Some(until);
        st.last_throttle = until;
        tracing::debug!(
            rate = st.rate,
            burst = st.burst,
            pause_ms = until.duration_since(now).as_millis() as u64,
            "throttled (429): the group pauses and slows down"
        );
    }

    /// The current rate in calls per second, `None` while unlimited.
    #[cfg(test)]
    fn rate(&self) -> Option<f64> {
        self.lock().rate
    }
}

/// The server's bucket (burst, refill rate a second), from the calls
/// started since it was last full (`st.sends`) up to the refused one.
///
/// A bucket of `B` tokens refilling at `r` a second never holds more than
/// `B`: for every window of age `w` ending at the refused call, the calls
/// started in it are at most `B + r·w`, with equality for the window that
/// began when the bucket was last full. So, with `B` known,
/// `r = max over windows of (calls − B) / w`.
///
/// `B` itself comes from the first episode: the group ran unthrottled from
/// a full bucket until refused, so its `S₁` calls over `T₁` seconds give
/// `S₁ = B + r·T₁`. On that line, the windows longer than `T₁` bound `r`
/// from below, `r ≥ (calls − S₁) / (w − T₁)`, and the largest bound is
/// the answer (one of them is tight). Without such a window, `B = S₁`.
fn estimate(st: &State, ticket: Ticket) -> (f64, f64) {
    let (before, refused) = st.before(ticket);
    let n = before.len();
    // (age of the window starting at call i, calls in it), longest first.
    let windows = before
        .iter()
        .enumerate()
        .map(|(i, &t)| (refused.duration_since(t).as_secs_f64(), (n - i) as f64));
    if let Some((calls, took)) = st.discovery.filter(|_| st.phase == Phase::Ramp) {
        let bound = windows
            .clone()
            .filter(|&(age, _)| age - took >= MIN_WINDOW)
            .map(|(age, sent)| (sent - calls) / (age - took))
            .fold(f64::NEG_INFINITY, f64::max);
        if bound.is_finite() && bound > 0.0 {
            let burst = (calls - bound * took).clamp(1.0, calls.max(1.0));
            return (burst, bound);
        }
    }
    let burst = st.burst;
    let rate = windows
        .filter(|&(age, _)| age >= MIN_WINDOW)
        .map(|(age, sent)| (sent - burst) / age)
        .fold(0.0_f64, f64::max);
    (burst, rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn it_learns_the_servers_bucket_from_two_throttles() {
        let limiter = AdaptiveRate::new(None);
        let mut bucket = Bucket {
            tokens: 20.0,
            rate: 200.0,
            burst: 20.0,
            at: Instant::now(),
        };
        // One call at a time, each taking 1 ms, until the second 429.
        let mut throttles = 0;
        let mut rates = Vec::new();
        while throttles < 2 {
            let ticket = limiter.acquire().await;
            tokio::time::sleep(Duration::from_millis(1)).await;
            if bucket.take() {
                limiter.success();
            } else {
                limiter.throttled(ticket, Some(Duration::from_secs(1)));
                throttles += 1;
                rates.push(limiter.rate().unwrap());
            }
        }
        // Unlimited until the first 429, after the burst of 20 and what
        // refilled meanwhile (one call a millisecond): the ramp starts
        // between 20 a second and the 1000 a second that emptied the bucket.
        assert!((60.0..=250.0).contains(&rates[0]), "{rates:?}");
        // The second: the server's 200 a second, less the margin.
        assert!((194.0..=200.0).contains(&rates[1]), "{rates:?}");
        let burst = limiter.lock().burst;
        assert!((18.0..=22.0).contains(&burst), "{burst}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_group_does_not_ramp_up() {
        let limiter = AdaptiveRate::new(None);
        limiter.throttled(limiter.acquire().await, Some(Duration::from_secs(1)));
        limiter.acquire().await;
        tokio::time::advance(Duration::from_secs(5)).await;
        limiter.acquire().await;
        assert_eq!(
            limiter.rate(),
            Some(1.0),
            "one call in 5 s earns no doubling"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn calls_are_spaced_at_the_rate_and_capped_by_max_rate() {
        let limiter = AdaptiveRate::new(Some(10.0));
        let start = Instant::now();
        for _ in 0..11 {
            limiter.acquire().await;
        }
        let took = Instant::now().duration_since(start);
        assert!(
            took >= Duration::from_millis(999) && took < Duration::from_millis(1100),
            "{took:?}"
        );
        limiter.throttled(limiter.acquire().await, None);
        assert!(limiter.rate().unwrap() <= 10.0);
    }

    #[tokio::test(start_paused = true)]
    async fn one_episode_is_handled_once_and_estimates_stay_bounded() {
        let limiter = AdaptiveRate::new(None);
        let (first, second) = (limiter.acquire().await, limiter.acquire().await);
        limiter.throttled(first, Some(Duration::from_secs(2)));
        let after_first = limiter.rate();
        limiter.throttled(second, Some(Duration::from_secs(2)));
        assert_eq!(limiter.rate(), after_first, "same episode");
        tokio::time::advance(Duration::from_secs(3)).await;
        let sent = limiter.acquire().await;
        // A 429 right after resuming: the estimate is floored at half.
        limiter.throttled(sent, None);
        assert_eq!(limiter.rate(), Some(MIN_RATE));
    }

    /// A server's token bucket, in virtual time.
    struct Bucket {
        tokens: f64,
        rate: f64,
        burst: f64,
        at: Instant,
    }

    impl Bucket {
        fn take(&mut self) -> bool {
            let now = Instant::now();
            let refill = now.duration_since(self.at).as_secs_f64() * self.rate;
            self.tokens = (self.tokens + refill).min(self.burst);
            self.at = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                true
            } else {
                false
            }
        }
    }

    /// `calls` calls through one limiter, `concurrency` at a time, each
    /// taking `latency`, against a server allowing `rate` a second with a
    /// burst of `burst` and answering `Retry-After: 1` when it refuses.
    /// Returns (calls a second as a fraction of `rate`, refused fraction).
    async fn simulate(
        calls: usize,
        concurrency: usize,
        latency: Duration,
        rate: f64,
        burst: f64,
    ) -> (f64, f64) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        let limiter = Arc::new(AdaptiveRate::new(None));
        let bucket = Arc::new(Mutex::new(Bucket {
            tokens: burst,
            rate,
            burst,
            at: Instant::now(),
        }));
        let next = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let workers: Vec<_> = (0..concurrency)
            .map(|_| {
                let (limiter, bucket, next, refused) = (
                    limiter.clone(),
                    bucket.clone(),
                    next.clone(),
                    refused.clone(),
                );
                tokio::spawn(async move {
                    while next.fetch_add(1, Ordering::SeqCst) < calls {
                        loop {
                            let sent = limiter.acquire().await;
                            tokio::time::sleep(latency / 2).await;
                            let ok = bucket.lock().unwrap().take();
                            tokio::time::sleep(latency / 2).await;
                            if ok {
                                limiter.success();
                                break;
                            }
                            refused.fetch_add(1, Ordering::SeqCst);
                            limiter.throttled(sent, Some(Duration::from_secs(1)));
                            if std::env::var_os("ADAPTIVE_TRACE").is_some() {
                                let st = limiter.lock();
                                if st.paused_until.is_some_and(|u| {
                                    u.duration_since(Instant::now()) < Duration::from_millis(999)
                                }) {
                                    continue;
                                }
                                println!(
                                    "  429 at {:.2} s: rate {:?}, burst {:.1}",
                                    Instant::now().duration_since(start).as_secs_f64(),
                                    st.rate,
                                    st.burst
                                );
                            }
                        }
                    }
                })
            })
            .collect();
        let monitor = {
            let limiter = limiter.clone();
            tokio::spawn(async move {
                if std::env::var_os("ADAPTIVE_TRACE").is_none() {
                    return;
                }
                for _ in 0..40 {
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    let st = limiter.lock();
                    println!(
                        "  {:.2} s: {:?} rate {:?} step_started {}",
                        Instant::now().duration_since(start).as_secs_f64(),
                        st.phase,
                        st.rate,
                        st.step_started
                    );
                }
            })
        };
        for w in workers {
            w.await.unwrap();
        }
        monitor.abort();
        let took = Instant::now().duration_since(start).as_secs_f64();
        let refused = refused.load(Ordering::SeqCst) as f64;
        (
            calls as f64 / took / rate,
            refused / (calls as f64 + refused),
        )
    }

    /// The algorithm in virtual time (deterministic, not a timing test):
    /// 10 000 calls against 200 a second with a burst of 20, for a fast
    /// server, a slower one, and a slow one with many calls in flight. The
    /// benchmark `throttling` measures the same on real sockets.
    #[tokio::test(start_paused = true)]
    async fn simulated_bulk_uses_the_servers_rate() {
        for (latency_ms, concurrency) in [(2, 8), (20, 8), (50, 64)] {
            let (fraction, refused) = simulate(
                10_000,
                concurrency,
                Duration::from_millis(latency_ms),
                200.0,
                20.0,
            )
            .await;
            println!("latency {latency_ms} ms, concurrency {concurrency}: {fraction:.3} of the rate, {refused:.4} refused");
            assert!(
                fraction >= 0.9,
                "latency {latency_ms} ms: {fraction:.3} of the rate"
            );
            assert!(
                refused <= 0.01,
                "latency {latency_ms} ms: {refused:.4} refused"
            );
        }
    }
}
