//! An adaptive request rate for a group of calls (a bulk import), in the
//! spirit of the AWS SDKs' adaptive retry mode: a client-side limiter that
//! learns the rate the server allows from its `429` answers.
//!
//! Until the server first throttles, the group runs as fast as its
//! concurrency allows (or at the user's `max_rate`). A `429` pauses the
//! **whole group** for its `Retry-After` (1 s without one), not just the call
//! that got it. The limiter then learns the server's token bucket:
//!
//! 1. The successes before the first `429` estimate the server's burst `B`
//!    (its bucket's size).
//! 2. It ramps up from `B` calls a second, doubling every 250 ms, until the
//!    next `429`. The server's bucket was full when that rate `R` started
//!    (every rate before it was below the server's), and ran dry after `t`
//!    seconds: it refills at `r = R - B / t`, the allowed rate. The group
//!    holds just below it (99 %).
//! 3. Holding, it probes upward slowly, faster the longer no `429` came (so
//!    a raised limit is found again); each later `429` re-estimates `r` the
//!    same way, from the time since the last pause ended.
//!
//! Every estimate stays between half the current rate and the current rate,
//! so one odd measurement cannot stall the group or let it run away.

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// How long each ramp step lasts before the rate doubles.
const RAMP_STEP: Duration = Duration::from_millis(250);
/// The pause after a `429` without `Retry-After`.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// How far below the learned rate the group holds.
const MARGIN: f64 = 0.99;
/// The slowest rate the limiter goes down to, in calls per second.
const MIN_RATE: f64 = 0.5;

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

    /// Waits until the group may send its next call.
    pub(crate) async fn acquire(&self) {
        let mut reserved = false;
        loop {
            let wake = {
                let mut st = self.lock();
                let now = Instant::now();
                self.advance(&mut st, now);
                if let Some(until) = st.paused_until {
                    // A pause began: whatever slot was reserved is void.
                    reserved = false;
                    until
                } else {
                    let wait_for = match (reserved, st.rate) {
                        (false, Some(rate)) => {
                            let slot = st.next_send.max(now);
                            st.next_send = slot + Duration::from_secs_f64(1.0 / rate);
                            (slot > now).then_some(slot)
                        }
                        // A slot reserved earlier has come, or no limit yet.
                        _ => None,
                    };
                    match wait_for {
                        Some(slot) => {
                            reserved = true;
                            slot
                        }
                        None => {
                            st.step_started += 1;
                            return;
                        }
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
                    st.rate = Some(self.capped(rate * 2.0));
                }
                st.step_start = now;
                st.step_started = 0;
            }
            (Phase::Hold, Some(rate)) => {
                let quiet = now.duration_since(st.last_throttle).as_secs_f64();
                // 0.1 % a second for the first half minute without a 429,
                // then growing with the square of the quiet time, at most
                // 5 % a second.
                let per_second = (0.001 * (quiet / 30.0).powi(2).max(1.0)).min(0.05);
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

    /// A call of the group was throttled (`429`), with the server's
    /// `Retry-After` if it sent one: the whole group pauses, and the rate is
    /// learned again.
    pub(crate) fn throttled(&self, retry_after: Option<Duration>) {
        let mut st = self.lock();
        let now = Instant::now();
        if st.paused_until.is_some_and(|until| until > now) {
            // Another call of the same episode: already handled.
            return;
        }
        let ran = now.duration_since(st.step_start).as_secs_f64().max(0.001);
        match (st.phase, st.rate) {
            (Phase::Discover, _) => {
                st.burst = (st.successes as f64).max(1.0);
                st.rate = Some(self.capped(st.burst));
                st.phase = Phase::Ramp;
            }
            (Phase::Ramp | Phase::Hold, Some(rate)) => {
                // The bucket was full when this rate started (the rates
                // before were below the server's, or a pause refilled it):
                // what was sent beyond it came from the refill. The calls
                // actually sent count, not the nominal rate: the group's
                // concurrency may have kept it below that.
                let sent = if st.step_started > 0 {
                    st.step_started as f64 / ran
                } else {
                    rate
                };
                let learned = (sent.min(rate) - st.burst / ran).clamp(rate / 2.0, rate);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn it_learns_the_servers_rate_from_two_throttles() {
        let limiter = AdaptiveRate::new(None);
        // Unlimited until the first 429: a burst of 20 went through.
        for _ in 0..20 {
            limiter.acquire().await;
            limiter.success();
        }
        limiter.throttled(Some(Duration::from_secs(1)));
        assert_eq!(limiter.rate(), Some(20.0));
        // The group waits out the pause.
        let before = Instant::now();
        limiter.acquire().await;
        assert!(Instant::now().duration_since(before) >= Duration::from_secs(1));
        // Ramp: 20, 40, 80, 160, 320 a second, 250 ms each, while the group
        // sends as fast as it may.
        for _ in 0..4 {
            let end = Instant::now() + Duration::from_millis(250);
            while Instant::now() < end {
                limiter.acquire().await;
            }
        }
        limiter.acquire().await;
        assert_eq!(limiter.rate(), Some(320.0));
        // At 320/s a bucket of 20 refilling at 200/s runs dry after 1/6 s:
        // the group sends 53 calls (each acquire waits for its slot).
        for _ in 0..52 {
            limiter.acquire().await;
        }
        limiter.throttled(None);
        let learned = limiter.rate().unwrap();
        assert!((190.0..200.0).contains(&learned), "{learned}");
    }

    #[tokio::test(start_paused = true)]
    async fn an_idle_group_does_not_ramp_up() {
        let limiter = AdaptiveRate::new(None);
        limiter.throttled(Some(Duration::from_secs(1)));
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
        limiter.throttled(None);
        assert!(limiter.rate().unwrap() <= 10.0);
    }

    #[tokio::test(start_paused = true)]
    async fn one_episode_is_handled_once_and_estimates_stay_bounded() {
        let limiter = AdaptiveRate::new(None);
        limiter.throttled(Some(Duration::from_secs(2)));
        let after_first = limiter.rate();
        limiter.throttled(Some(Duration::from_secs(2)));
        assert_eq!(limiter.rate(), after_first, "same episode");
        tokio::time::advance(Duration::from_secs(3)).await;
        limiter.acquire().await;
        // A 429 right after resuming: the estimate is floored at half.
        limiter.throttled(None);
        assert_eq!(limiter.rate(), Some(MIN_RATE));
    }
}
