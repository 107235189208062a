//! Waiting for a hosting order: the shared poller (`core/poller.rs`) over
//! [`HostingOrders::get`](super::HostingOrders::get), ending when the order
//! is over (`COMPLETED`, `REJECTED`) or when a person has to act.
//!
//! A text-enable order under a direct or reseller letter waits for its
//! signature (`WAITING_FOR_LOA_SIGNATURE`) until the authorised person signs
//! the e-mailed letter: nothing happens until then, so the wait returns
//! [`OrderWaitOutcome::AwaitingSignature`] instead of polling for days,
//! unless told to wait through it. That is a state to act on, not an error.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::TryStreamExt;

use super::model::{HostingOrder, HostingOrderNumber, HostingOrderReport};
use super::HostingOrderNumberFilter;
use crate::core::handle::Handle;
use crate::core::poller::{poll, polling_setters, Poll, Polling};
use crate::error::Result;
use crate::types::HostingOrderState;

/// An order that is over or needs a person, with its counters and the
/// numbers that failed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct OrderSummary {
    /// The order as last read.
    pub order: HostingOrder,
    /// Its counters as last read.
    pub report: HostingOrderReport,
    /// Its numbers with a failed step or carrier; see
    /// [`HostingOrderNumber::failure`] for why each failed.
    pub failed_numbers: Vec<HostingOrderNumber>,
}

/// How a wait for a hosting order ended.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum OrderWaitOutcome {
    /// `COMPLETED`. Some numbers may still have failed: see
    /// [`OrderSummary::failed_numbers`].
    Completed(Box<OrderSummary>),
    /// `REJECTED` by Sinch.
    Rejected(Box<OrderSummary>),
    /// The letter of authorization was e-mailed to the authorised person and
    /// is not signed yet; the order goes on once it is.
    AwaitingSignature(Box<HostingOrder>),
    /// Numbers need someone at Sinch to act (the report's
    /// `ongoingManualAction` is above zero); only when asked for with
    /// [`HostingOrderWait::stop_on_manual_action`].
    NeedsManualAction(Box<OrderSummary>),
}

impl OrderWaitOutcome {
    /// The order as last read.
    pub fn order(&self) -> &HostingOrder {
        match self {
            OrderWaitOutcome::Completed(s)
            | OrderWaitOutcome::Rejected(s)
            | OrderWaitOutcome::NeedsManualAction(s) => &s.order,
            OrderWaitOutcome::AwaitingSignature(o) => o,
        }
    }

    /// The summary, unless the order is waiting for its signature.
    pub fn summary(&self) -> Option<&OrderSummary> {
        match self {
            OrderWaitOutcome::Completed(s)
            | OrderWaitOutcome::Rejected(s)
            | OrderWaitOutcome::NeedsManualAction(s) => Some(s),
            OrderWaitOutcome::AwaitingSignature(_) => None,
        }
    }
}

/// A wait for a hosting order; `.await` it. Built by
/// [`HostingOrders::wait`](super::HostingOrders::wait).
///
/// Reads the order after `poll_interval` (default 5 s), doubling up to
/// `max_poll_interval` (default 5 minutes), and fails with
/// [`ErrorKind::DeadlineExceeded`](crate::ErrorKind::DeadlineExceeded) after
/// `deadline` (default 24 hours: orders take hours to days). When the order
/// ends, its report and its failed numbers are read once more.
#[derive(Debug)]
#[must_use = "a wait does nothing until it is awaited"]
pub struct HostingOrderWait {
    handle: Arc<Handle>,
    id: String,
    polling: Polling,
    through_signature: bool,
    stop_on_manual_action: bool,
}

impl HostingOrderWait {
    pub(crate) fn new(handle: Arc<Handle>, id: String) -> Self {
        HostingOrderWait {
            handle,
            id,
            polling: Polling {
                first: Duration::from_secs(5),
                max: Duration::from_secs(300),
                deadline: Duration::from_secs(24 * 3600),
            },
            through_signature: false,
            stop_on_manual_action: false,
        }
    }

    polling_setters!();

    /// Keep waiting while the order waits for its letter's signature,
    /// instead of returning [`OrderWaitOutcome::AwaitingSignature`].
    pub fn through_signature(mut self, on: bool) -> Self {
        self.through_signature = on;
        self
    }

    /// Return [`OrderWaitOutcome::NeedsManualAction`] as soon as the report
    /// counts numbers that need someone at Sinch (off by default: Sinch acts
    /// on them and the order goes on).
    pub fn stop_on_manual_action(mut self, on: bool) -> Self {
        self.stop_on_manual_action = on;
        self
    }

    async fn run(self) -> Result<OrderWaitOutcome> {
        super::check_id(&self.id)?;
        let orders = super::HostingOrders::new(self.handle.clone());
        let what = format!("hosting order {}", self.id);
        let (through_signature, stop_on_manual) =
            (self.through_signature, self.stop_on_manual_action);
        let orders_ref = &orders;
        let id = self.id.as_str();
        poll(self.polling, &what, || async move {
            let order = orders_ref.get(id).await?;
            let state = order.state().cloned();
            match state {
                Some(HostingOrderState::Completed) => {
                    let summary = summarise(orders_ref, order).await?;
                    Ok(Poll::Done(OrderWaitOutcome::Completed(summary)))
                }
                Some(HostingOrderState::Rejected) => {
                    let summary = summarise(orders_ref, order).await?;
                    Ok(Poll::Done(OrderWaitOutcome::Rejected(summary)))
                }
                Some(HostingOrderState::WaitingForLoaSignature) if !through_signature => Ok(
                    Poll::Done(OrderWaitOutcome::AwaitingSignature(Box::new(order))),
                ),
                _ if stop_on_manual => {
                    let report = orders_ref.report(id).await?;
                    if report.ongoing_manual_action().unwrap_or(0) > 0 {
                        let summary = summary_with(orders_ref, order, report).await?;
                        return Ok(Poll::Done(OrderWaitOutcome::NeedsManualAction(summary)));
                    }
                    Ok(Poll::Pending(standing(state.as_ref())))
                }
                _ => Ok(Poll::Pending(standing(state.as_ref()))),
            }
        })
        .await
    }
}

fn standing(state: Option<&HostingOrderState>) -> String {
    match state {
        Some(state) => format!("{state}"),
        None => "without a state".to_owned(),
    }
}

async fn summarise(
    orders: &super::HostingOrders,
    order: HostingOrder,
) -> Result<Box<OrderSummary>> {
    let report = orders.report(order.id()).await?;
    summary_with(orders, order, report).await
}

async fn summary_with(
    orders: &super::HostingOrders,
    order: HostingOrder,
    report: HostingOrderReport,
) -> Result<Box<OrderSummary>> {
    let failed_numbers = orders
        .numbers(order.id(), HostingOrderNumberFilter::new())
        .items()
        .try_filter(|n| std::future::ready(n.failure().is_some()))
        .try_collect()
        .await?;
    Ok(Box::new(OrderSummary {
        order,
        report,
        failed_numbers,
    }))
}

impl IntoFuture for HostingOrderWait {
    type Output = Result<OrderWaitOutcome>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}
