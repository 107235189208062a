//! The one poller behind every "wait until" of the SDK (a number's
//! provisioning, a hosting order, a qualification): read, decide, pause
//! with a doubling interval, give up at a deadline.
//!
//! A wait always ends: the deadline bounds its time and the smallest pause
//! bounds its reads. It is a plain future, so dropping it stops it. An error
//! reading the resource (after the client's own retries) ends it with that
//! error.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::error::{Error, ErrorKind, InputError, Result, Setting};

/// How a wait polls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Polling {
    /// The first pause between reads (more than zero).
    pub first: Duration,
    /// The longest pause; pauses double up to it.
    pub max: Duration,
    /// How long to wait in all.
    pub deadline: Duration,
}

/// What one read found.
pub(crate) enum Poll<T> {
    /// The wait is over with this value.
    Done(T),
    /// Not yet; the text says where it stands (for logs and the deadline
    /// error), e.g. `"state IN_PROGRESS"`.
    Pending(String),
}

/// Reads with `read` until it returns [`Poll::Done`], pausing between
/// reads; fails with [`ErrorKind::DeadlineExceeded`] naming `what` and
/// where it last stood once `polling.deadline` has passed.
pub(crate) async fn poll<T, F, Fut>(polling: Polling, what: &str, mut read: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>>>,
{
    if polling.first.is_zero() {
        return Err(InputError::invalid(Setting::PollInterval, "must be more than zero").into());
    }
    let deadline = Instant::now() + polling.deadline;
    let mut pause = polling.first;
    let mut reads = 0u32;
    loop {
        let found = read().await?;
        reads += 1;
        let standing = match found {
            Poll::Done(value) => return Ok(value),
            Poll::Pending(standing) => standing,
        };
        let now = Instant::now();
        if now >= deadline {
            return Err(Error::new(
                ErrorKind::DeadlineExceeded,
                format!(
                    "{what}: still {standing} after {:?} ({reads} reads)",
                    polling.deadline
                ),
            ));
        }
        tracing::debug!(
            what,
            reads,
            standing,
            pause_ms = pause.as_millis() as u64,
            "waiting"
        );
        tokio::time::sleep(pause.min(deadline - now)).await;
        // Never below the first pause, so reads stay bounded whatever the settings.
        pause = (pause * 2).clamp(polling.first, polling.max.max(polling.first));
    }
}

/// The three builder methods every wait type has, setting its `polling`
/// field.
macro_rules! polling_setters {
    () => {
        /// The first pause between reads (more than zero, else the wait
        /// fails with [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput)
        /// naming [`Setting::PollInterval`](crate::Setting::PollInterval)).
        pub fn poll_interval(mut self, interval: std::time::Duration) -> Self {
            self.polling.first = interval;
            self
        }

        /// The longest pause between reads: pauses double from the first
        /// up to this.
        pub fn max_poll_interval(mut self, interval: std::time::Duration) -> Self {
            self.polling.max = interval;
            self
        }

        /// How long to wait in all before failing with
        /// [`ErrorKind::DeadlineExceeded`](crate::ErrorKind::DeadlineExceeded).
        pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
            self.polling.deadline = deadline;
            self
        }
    };
}
pub(crate) use polling_setters;

#[cfg(test)]
mod tests {
    use super::*;

    fn quick(deadline_ms: u64) -> Polling {
        Polling {
            first: Duration::from_millis(10),
            max: Duration::from_millis(40),
            deadline: Duration::from_millis(deadline_ms),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stops_when_done() {
        let mut reads = 0;
        let got = poll(quick(10_000), "thing", || {
            reads += 1;
            let n = reads;
            async move {
                Ok(if n == 3 {
                    Poll::Done(n)
                } else {
                    Poll::Pending(format!("at {n}"))
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(got, 3);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_deadline_with_a_bounded_number_of_reads() {
        let mut reads = 0u32;
        let err = poll(quick(1_000), "hosting order o1", || {
            reads += 1;
            async { Ok(Poll::<()>::Pending("state IN_PROGRESS".to_owned())) }
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
        assert!(
            err.to_string()
                .contains("hosting order o1: still state IN_PROGRESS after"),
            "{err}"
        );
        // 10 + 20 + 40 + 40 ... ms up to 1 s: about 27 reads, never unbounded.
        assert!((20..=30).contains(&reads), "{reads}");
        assert!(
            err.to_string().ends_with(&format!("({reads} reads)")),
            "{err}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_zero_interval_is_refused_before_reading() {
        let mut reads = 0;
        let mut polling = quick(100);
        polling.first = Duration::ZERO;
        let err = poll(polling, "x", || {
            reads += 1;
            async { Ok(Poll::Done(())) }
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(reads, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_read_error_ends_the_wait() {
        let err = poll(quick(1_000), "x", || async {
            Err::<Poll<()>, _>(Error::new(ErrorKind::NotFound, "gone"))
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
    }
}
