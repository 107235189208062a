//! Retry policy: bounded exponential backoff with jitter.
//!
//! The client retries 429, 502, 503, 504, connection failures and timeouts.
//! Only idempotent calls (list, get, update, delete) are retried on a 5xx or a
//! timeout; an import is retried only when the server cannot have acted on it
//! (429, or the connection was never made), since a repeated import may be
//! answered with 409. An optional [`RetryPolicy::deadline`] bounds one call
//! as a whole: attempts, backoff and `Retry-After` waits included; the
//! retry budget (`retry_budget.rs`) bounds what all calls of a client spend
//! on retries together.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::retry_budget::RetryBudget;
use crate::error::{Error, ErrorKind};

/// How failed calls are retried: bounded exponential backoff with jitter.
///
/// The client retries 429, 502, 503, 504, connection failures and timeouts,
/// honouring `Retry-After`. An import is retried only when the server cannot
/// have acted on it (429, or no connection was made). A retry budget shared
/// by the client's calls ([`budget`](Self::budget), on by default) stops
/// retrying while most calls fail.
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_retry_after: Duration,
    jitter: bool,
    deadline: Option<Duration>,
    budget: Option<RetryBudget>,
}

impl Default for RetryPolicy {
    /// Three retries, backoff 200 ms doubling up to 10 s, with jitter,
    /// `Retry-After` honoured up to 60 s, no overall deadline (each request
    /// still has the client's timeout), and the default [`RetryBudget`].
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            jitter: true,
            deadline: None,
            budget: Some(RetryBudget::default()),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Retry at most `n` times (so at most `n + 1` attempts).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// The first backoff; each further retry doubles it, up to `max`.
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// The longest `Retry-After` the client will wait for. A server asking for
    /// longer gets the error returned instead, with [`Error::retry_after`] set.
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Whether to randomise each backoff (between half and all of it), so many
    /// clients do not retry in lockstep. On by default.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The most time one call may take: every attempt (token fetches
    /// included), backoff and `Retry-After` wait. When it runs out the call
    /// ends with an error; a `Retry-After` that would end past it is not
    /// waited for: the error is returned at once, with
    /// [`Error::retry_after`] set. Off by default.
    pub fn deadline(mut self, budget: Duration) -> Self {
        self.deadline = Some(budget);
        self
    }

    /// The retry budget shared by every call of a client (on by default):
    /// once most recent calls failed (5 failures in a row with the
    /// default), failed calls are not retried until successes refill it, so
    /// a dead service costs a bounded number of requests and each call fails
    /// fast, saying the budget is exhausted.
    pub fn budget(mut self, budget: RetryBudget) -> Self {
        self.budget = Some(budget);
        self
    }

    /// Turns the retry budget off: every call retries on its own, as many
    /// times as `max_retries` allows, whatever the others saw.
    pub fn without_budget(mut self) -> Self {
        self.budget = None;
        self
    }

    /// The retry budget's settings, if it is on.
    pub(crate) fn retry_budget(&self) -> Option<RetryBudget> {
        self.budget
    }

    /// The overall budget of one call, if any.
    pub(crate) fn call_budget(&self) -> Option<Duration> {
        self.deadline
    }

    /// How long to wait before retry number `retry` (0-based) after `error`,
    /// or `None` to give up.
    pub(crate) fn delay(&self, retry: u32, error: &Error, idempotent: bool) -> Option<Duration> {
        if retry >= self.max_retries || !error.is_retryable() {
            return None;
        }
        let server_cannot_have_acted =
            error.kind() == ErrorKind::RateLimited || error.was_not_sent();
        if !idempotent && !server_cannot_have_acted {
            return None;
        }
        if let Some(wait) = error.retry_after() {
            return (wait <= self.max_retry_after).then_some(wait);
        }
        let exp = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(retry));
        let base = exp.min(self.max_backoff);
        Some(if self.jitter {
            base.mul_f64(0.5 + fastrand::f64() / 2.0)
        } else {
            base
        })
    }
}

/// Reads `Retry-After` as delay-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn status(code: u16, retry_after: Option<Duration>) -> Error {
        Error::from_status(StatusCode::from_u16(code).unwrap(), None, retry_after)
    }

    #[test]
    fn the_deadline_and_the_budget_are_kept_as_set() {
        let p = RetryPolicy::default();
        assert_eq!(p.call_budget(), None, "no deadline by default");
        assert_eq!(p.retry_budget(), Some(RetryBudget::default()));
        let second = Duration::from_secs(1);
        assert_eq!(p.clone().deadline(second).call_budget(), Some(second));
        assert_eq!(p.clone().without_budget().retry_budget(), None);
        let small = RetryBudget::new(3, 0.5);
        assert_eq!(
            p.clone().without_budget().budget(small).retry_budget(),
            Some(small)
        );
        assert_eq!(RetryPolicy::none().retry_budget(), p.retry_budget());
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_and_stops() {
        let p = RetryPolicy::default()
            .jitter(false)
            .max_retries(5)
            .backoff(Duration::from_millis(100), Duration::from_millis(350));
        let e = status(503, None);
        let delays: Vec<_> = (0..6).map(|n| p.delay(n, &e, true)).collect();
        let ms = |n| Some(Duration::from_millis(n));
        assert_eq!(
            delays,
            vec![ms(100), ms(200), ms(350), ms(350), ms(350), None]
        );
    }

    #[test]
    fn jitter_stays_within_half_to_full() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        for _ in 0..200 {
            let d = p.delay(1, &status(502, None), true).unwrap();
            assert!(
                d >= Duration::from_millis(100) && d <= Duration::from_millis(200),
                "{d:?}"
            );
        }
    }

    #[test]
    fn only_retryable_errors_and_safe_calls() {
        let p = RetryPolicy::default();
        assert!(p.delay(0, &status(500, None), true).is_none());
        assert!(p.delay(0, &status(404, None), true).is_none());
        assert!(
            p.delay(0, &status(503, None), false).is_none(),
            "import is not retried on 503"
        );
        assert!(
            p.delay(0, &status(429, None), false).is_some(),
            "429 means not processed"
        );
        assert!(RetryPolicy::none()
            .delay(0, &status(429, None), true)
            .is_none());
    }

    #[test]
    fn retry_after_is_honoured_within_the_limit() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(5));
        let wait = Duration::from_secs(3);
        assert_eq!(p.delay(0, &status(429, Some(wait)), true), Some(wait));
        assert_eq!(
            p.delay(0, &status(429, Some(Duration::from_secs(6))), true),
            None
        );
    }

    #[test]
    fn retry_after_header_forms() {
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        let later = SystemTime::now() + Duration::from_secs(30);
        h.insert(RETRY_AFTER, httpdate::fmt_http_date(later).parse().unwrap());
        let d = retry_after(&h).unwrap();
        assert!(
            d > Duration::from_secs(28) && d <= Duration::from_secs(30),
            "{d:?}"
        );
        h.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
