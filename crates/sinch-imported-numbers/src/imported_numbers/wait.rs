//! Waiting for a number's provisioning to finish: a long-running-operation
//! poller over [`Client::get`](crate::Client::get).
//!
//! SMS provisioning and 10DLC campaign linking finish minutes after an
//! import or a (re)link, and may fail. [`ProvisioningWait`] re-reads the
//! number with growing pauses until nothing is pending, then returns the
//! outcome; it gives up at its deadline, so it always ends, and it stops when
//! dropped (it is a plain future).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use crate::core::handle::Handle;
use crate::error::{Error, ErrorKind, InputError, Result, Setting};
use crate::{ImportedNumber, PhoneNumber, ProvisioningOutcome};

/// How a finished provisioning ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Provisioned {
    /// Nothing is pending and nothing failed.
    Ready(Box<ImportedNumber>),
    /// The last change failed: see the number's
    /// [`provisioning`](ImportedNumber::provisioning) for the error codes
    /// and each service's state.
    Failed(Box<ImportedNumber>),
}

impl Provisioned {
    /// The number as last read.
    pub fn number(&self) -> &ImportedNumber {
        match self {
            Provisioned::Ready(n) | Provisioned::Failed(n) => n,
        }
    }

    /// Whether it is [`Ready`](Self::Ready).
    pub fn is_ready(&self) -> bool {
        matches!(self, Provisioned::Ready(_))
    }
}

/// A wait for provisioning to finish; `.await` it. Built by
/// [`Client::wait_for_provisioning`](crate::Client::wait_for_provisioning).
///
/// Polls after `poll_interval` (default 2 s), doubling each time up to
/// `max_poll_interval` (default 30 s), and fails with
/// [`ErrorKind::DeadlineExceeded`] after `deadline` (default 10 minutes).
/// An error reading the number (after the client's own retries) ends the
/// wait with that error.
#[derive(Debug)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct ProvisioningWait {
    handle: Arc<Handle>,
    number: PhoneNumber,
    poll_interval: Duration,
    max_poll_interval: Duration,
    deadline: Duration,
}

impl ProvisioningWait {
    pub(crate) fn new(handle: Arc<Handle>, number: PhoneNumber) -> Self {
        ProvisioningWait {
            handle,
            number,
            poll_interval: Duration::from_secs(2),
            max_poll_interval: Duration::from_secs(30),
            deadline: Duration::from_secs(600),
        }
    }

    /// The first pause between reads (more than zero).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval;
        self
    }

    /// The longest pause between reads.
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_poll_interval = interval;
        self
    }

    /// How long to wait in all before failing with
    /// [`ErrorKind::DeadlineExceeded`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    async fn run(self) -> Result<Provisioned> {
        if self.poll_interval.is_zero() {
            return Err(
                InputError::invalid(Setting::PollInterval, "must be more than zero").into(),
            );
        }
        let deadline = Instant::now() + self.deadline;
        let mut pause = self.poll_interval;
        let mut polls = 0u32;
        loop {
            let number = super::get(&self.handle, &self.number).await?;
            polls += 1;
            match number.provisioning().outcome() {
                ProvisioningOutcome::Settled => return Ok(Provisioned::Ready(Box::new(number))),
                ProvisioningOutcome::Failed => return Ok(Provisioned::Failed(Box::new(number))),
                _ => {}
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Error::new(
                    ErrorKind::DeadlineExceeded,
                    format!(
                        "provisioning of {} still pending after {:?} ({polls} reads)",
                        self.number, self.deadline
                    ),
                ));
            }
            tracing::debug!(number = %self.number, polls, pause_ms = pause.as_millis() as u64, "provisioning pending");
            tokio::time::sleep(pause.min(deadline - now)).await;
            pause = (pause * 2).min(self.max_poll_interval.max(self.poll_interval));
        }
    }
}

impl IntoFuture for ProvisioningWait {
    type Output = Result<Provisioned>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
