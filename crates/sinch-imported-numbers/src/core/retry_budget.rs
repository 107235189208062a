//! The retry budget: retries are allowed only while most recent calls of the
//! client succeed, so a dead or failing service costs a bounded number of
//! requests instead of every call's own retries (gRPC's retry throttling).
//!
//! A bucket of tokens, shared by every call of one client, starts full. Each
//! failure that the policy would retry (5xx, timeouts, connection errors)
//! takes one token; each success puts back a fraction of one. While the
//! bucket holds more than half its tokens, retries go ahead; below that, a
//! failed call returns its error at once, saying the budget is exhausted.
//! `429` answers neither take nor give: the server is up and says when to
//! come back, and `Retry-After` (and a bulk import's adaptive rate) deals
//! with them.

use std::sync::Mutex;

/// The retry budget's settings; see [`RetryPolicy::budget`](crate::RetryPolicy::budget).
///
/// The defaults are gRPC's: 10 tokens, 0.1 token back per success. So after
/// 5 failures in a row (with no success between) a client stops retrying,
/// and 10 successes earn one more retry.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryBudget {
    max_tokens: f64,
    token_ratio: f64,
}

impl Default for RetryBudget {
    fn default() -> Self {
        RetryBudget {
            max_tokens: 10.0,
            token_ratio: 0.1,
        }
    }
}

impl RetryBudget {
    /// A bucket of `max_tokens` (at least 1); each success puts back
    /// `token_ratio` tokens (between 0.001 and 1).
    pub fn new(max_tokens: u32, token_ratio: f64) -> Self {
        RetryBudget {
            max_tokens: f64::from(max_tokens.max(1)),
            token_ratio: if token_ratio.is_finite() {
                token_ratio.clamp(0.001, 1.0)
            } else {
                0.1
            },
        }
    }
}

/// The live bucket of one client.
#[derive(Debug)]
pub(crate) struct Budget {
    settings: RetryBudget,
    tokens: Mutex<f64>,
}

impl Budget {
    pub(crate) fn new(settings: RetryBudget) -> Self {
        Budget {
            settings,
            tokens: Mutex::new(settings.max_tokens),
        }
    }

    fn update(&self, change: impl FnOnce(f64) -> f64) -> f64 {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = change(*tokens).clamp(0.0, self.settings.max_tokens);
        *tokens
    }

    /// A call succeeded.
    pub(crate) fn success(&self) {
        self.update(|t| t + self.settings.token_ratio);
    }

    /// A call failed in a way the policy retries; returns whether a retry
    /// is still allowed.
    pub(crate) fn failure(&self) -> bool {
        self.update(|t| t - 1.0) > self.settings.max_tokens / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_exhaust_it_and_successes_refill_it() {
        let budget = Budget::new(RetryBudget::default());
        // 10 tokens: the 5th failure in a row leaves 5, not above half.
        let allowed: Vec<bool> = (0..6).map(|_| budget.failure()).collect();
        assert_eq!(allowed, [true, true, true, true, false, false]);
        // 4 tokens now; 30 successes bring 3 more: one retry is allowed
        // (7 - 1 = 6 > 5), the next is not.
        for _ in 0..30 {
            budget.success();
        }
        assert!(budget.failure());
        assert!(!budget.failure());
    }

    #[test]
    fn the_bucket_never_overflows() {
        let budget = Budget::new(RetryBudget::new(4, 0.5));
        for _ in 0..100 {
            budget.success();
        }
        assert!(budget.failure(), "4 - 1 = 3 > 2");
        assert!(!budget.failure(), "2 is not above 2");
        let odd = RetryBudget::new(0, f64::NAN);
        assert_eq!(odd, RetryBudget::new(1, 0.1));
    }
}
