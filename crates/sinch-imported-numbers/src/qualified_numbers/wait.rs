//! Waiting for a qualified number: the shared poller (`core/poller.rs`) over
//! [`QualifiedNumbers::get`](super::QualifiedNumbers::get), ending when the
//! ownership proof is settled one way or the other, or when the voice
//! challenge's code has to be typed in.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use super::model::QualifiedNumber;
use crate::core::handle::Handle;
use crate::core::poller::{poll, polling_setters, Poll, Polling};
use crate::error::Result;
use crate::types::GlobalProcessState;
use crate::PhoneNumber;

/// How a wait for a qualified number ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum QualificationOutcome {
    /// Ownership is proven (`..._VERIFIED`, or hosting under way or done):
    /// the number can be text-enabled.
    Qualified(Box<QualifiedNumber>),
    /// The OSR record cannot be updated (`..._NOT_ELIGIBLE`); see
    /// [`QualifiedNumber::osr_eligibility`] for why.
    NotEligible(Box<QualifiedNumber>),
    /// The proof or the hosting failed (`..._VERIFICATION_FAILED`,
    /// `..._VERIFICATION_BLOCKED`, `..._HOSTING_FAILED`); the number's state
    /// and steps say which.
    Failed(Box<QualifiedNumber>),
    /// A voice call read out a code (`..._VERIFICATION_PENDING`): a person
    /// must send it back with
    /// [`verify_voice_challenge`](super::QualifiedNumbers::verify_voice_challenge).
    AwaitingCode(Box<QualifiedNumber>),
    /// Eligible and waiting for its proof (`..._ELIGIBLE`); only when asked
    /// for with [`QualificationWait::stop_when_eligible`].
    Eligible(Box<QualifiedNumber>),
}

impl QualificationOutcome {
    /// The number as last read.
    pub fn number(&self) -> &QualifiedNumber {
        match self {
            QualificationOutcome::Qualified(n)
            | QualificationOutcome::NotEligible(n)
            | QualificationOutcome::Failed(n)
            | QualificationOutcome::AwaitingCode(n)
            | QualificationOutcome::Eligible(n) => n,
        }
    }

    /// Whether ownership is proven.
    pub fn is_qualified(&self) -> bool {
        matches!(self, QualificationOutcome::Qualified(_))
    }
}

/// A wait for a qualified number; `.await` it. Built by
/// [`QualifiedNumbers::wait`](super::QualifiedNumbers::wait).
///
/// Reads the number after `poll_interval` (default 5 s), doubling up to
/// `max_poll_interval` (default 10 minutes), and fails with
/// [`ErrorKind::DeadlineExceeded`](crate::ErrorKind::DeadlineExceeded) after
/// `deadline` (default 72 hours: an invoice review takes one to three days).
/// States this SDK does not know are waited through.
#[derive(Debug)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct QualificationWait {
    handle: Arc<Handle>,
    number: PhoneNumber,
    polling: Polling,
    stop_when_eligible: bool,
}

impl QualificationWait {
    pub(crate) fn new(handle: Arc<Handle>, number: PhoneNumber) -> Self {
        QualificationWait {
            handle,
            number,
            polling: Polling {
                first: Duration::from_secs(5),
                max: Duration::from_secs(600),
                deadline: Duration::from_secs(72 * 3600),
            },
            stop_when_eligible: false,
        }
    }

    polling_setters!();

    /// Also stop at `..._ELIGIBLE` ([`QualificationOutcome::Eligible`]), to
    /// send a voice challenge once the eligibility check has passed.
    pub fn stop_when_eligible(mut self, on: bool) -> Self {
        self.stop_when_eligible = on;
        self
    }

    async fn run(self) -> Result<QualificationOutcome> {
        use GlobalProcessState as G;
        use QualificationOutcome as O;
        let numbers = super::QualifiedNumbers::new(self.handle.clone());
        let what = format!("qualified number {}", self.number);
        let (numbers, number, stop_when_eligible) =
            (&numbers, &self.number, self.stop_when_eligible);
        poll(self.polling, &what, || async move {
            let found = numbers.get(number).await?;
            let state = found.state().cloned();
            let boxed = || Box::new(found.clone());
            Ok(match state {
                Some(G::Verified | G::HostingInProgress | G::HostingDone) => {
                    Poll::Done(O::Qualified(boxed()))
                }
                Some(G::NotEligible) => Poll::Done(O::NotEligible(boxed())),
                Some(G::VerificationFailed | G::VerificationBlocked | G::HostingFailed) => {
                    Poll::Done(O::Failed(boxed()))
                }
                Some(G::VerificationPending) => Poll::Done(O::AwaitingCode(boxed())),
                Some(G::Eligible) if stop_when_eligible => Poll::Done(O::Eligible(boxed())),
                Some(other) => Poll::Pending(other.to_string()),
                None => Poll::Pending("without a state".to_owned()),
            })
        })
        .await
    }
}

impl IntoFuture for QualificationWait {
    type Output = Result<QualificationOutcome>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
