//! Waiting for a number's provisioning to finish: the shared poller
//! (`core/poller.rs`) over [`Client::get`](crate::Client::get).
//!
//! SMS provisioning and 10DLC campaign linking finish minutes after an
//! import or a (re)link, and may fail. [`ProvisioningWait`] re-reads the
//! number with growing pauses until nothing is pending, then returns the
//! outcome; it gives up at its deadline, so it always ends, and it stops when
//! dropped (it is a plain future). Waits over many numbers can share a
//! [`SharedRate`](crate::SharedRate), so that a `429` to one of them pauses
//! them all.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::core::adaptive::SharedRate;
use crate::core::handle::Handle;
use crate::core::poller::{poll, polling_setters, Poll, Polling};
use crate::error::Result;
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
/// [`ErrorKind::DeadlineExceeded`](crate::ErrorKind::DeadlineExceeded) after `deadline` (default 10 minutes).
/// An error reading the number (after the client's own retries) ends the
/// wait with that error.
#[derive(Debug)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct ProvisioningWait {
    handle: Arc<Handle>,
    number: PhoneNumber,
    polling: Polling,
    rate: Option<SharedRate>,
}

impl ProvisioningWait {
    pub(crate) fn new(handle: Arc<Handle>, number: PhoneNumber) -> Self {
        ProvisioningWait {
            handle,
            number,
            polling: Polling {
                first: Duration::from_secs(2),
                max: Duration::from_secs(30),
                deadline: Duration::from_secs(600),
            },
            rate: None,
        }
    }

    /// Reads the number as one call of `rate`'s group: give the same
    /// [`SharedRate`] to every wait of a batch (and to the imports before
    /// them) and a `429` to any of them pauses all of them for its
    /// `Retry-After`, after which they keep under the rate the server
    /// allows. Without it, each read handles its own `429`s.
    pub fn sharing(mut self, rate: &SharedRate) -> Self {
        self.rate = Some(rate.clone());
        self
    }

    polling_setters!();

    async fn run(self) -> Result<Provisioned> {
        let what = format!("provisioning of {}", self.number);
        poll(self.polling, &what, || async {
            let group = self.rate.as_ref().map(|r| &*r.0);
            let number = super::get_in(&self.handle, group, &self.number).await?;
            Ok(match number.provisioning().outcome() {
                ProvisioningOutcome::Settled => Poll::Done(Provisioned::Ready(Box::new(number))),
                ProvisioningOutcome::Failed => Poll::Done(Provisioned::Failed(Box::new(number))),
                _ => Poll::Pending("pending".to_owned()),
            })
        })
        .await
    }
}

impl IntoFuture for ProvisioningWait {
    type Output = Result<Provisioned>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
