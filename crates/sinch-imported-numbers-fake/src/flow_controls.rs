//! The knobs and test controls of the asynchronous flows of hosting orders
//! and qualified numbers: their timing on the builder, and on the server
//! the choices made ahead (numbers that fail, orders that are rejected)
//! and the acts of people (signing a letter, reviewing invoices).

use std::time::{Duration, Instant};

use crate::hosting_orders::progress::Signing;
use crate::hosting_orders::store::HostingStep;
use crate::{FakeServer, FakeServerBuilder};

/// How long each step of a flow takes unless configured.
pub(crate) const DEFAULT_FLOW_DELAY: Duration = Duration::from_millis(100);
/// The invoice review takes this many flow delays unless configured.
pub(crate) const INVOICE_REVIEW_STEPS: u32 = 4;

impl FakeServerBuilder {
    /// How long each asynchronous step of a hosting order or a qualified
    /// number takes (default 100 ms): the eligibility check, leaving
    /// `SUBMITTED`, and each track of each number of an order. See the
    /// crate documentation for the whole timeline.
    pub fn flow_delay(mut self, delay: Duration) -> Self {
        self.flow_delay = delay;
        self
    }

    /// How long after its eligibility check an eligible number that had no
    /// voice challenge is verified by the review of its invoices (default
    /// four flow delays). `None`: invoices are only approved by
    /// [`FakeServer::approve_invoices`].
    pub fn invoice_review(mut self, delay: Option<Duration>) -> Self {
        self.invoice_review = Some(delay);
        self
    }
}

impl FakeServer {
    /// Makes the eligibility check of `phone_number` fail when it is next
    /// added with `qualifiedNumbers:addNumbers` (in any project):
    /// `..._NOT_ELIGIBLE`, with `osrEligibility` `FAILED` and an error text.
    pub fn make_not_eligible(&self, phone_number: &str) {
        self.state
            .qualified
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .make_not_eligible(phone_number);
    }

    /// Reviews and accepts `phone_number`'s invoices now: a number that is
    /// eligible, or whose voice challenge is pending or failed, becomes
    /// `..._VERIFIED`. Returns `false` (and changes nothing) for a number
    /// the project does not have or in any other state.
    pub fn approve_invoices(&self, project_id: &str, phone_number: &str) -> bool {
        self.state.settle(project_id);
        self.state
            .qualified
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .approve_invoices(project_id, phone_number)
    }

    /// Signs the letter of authorization of a text-enable order opened
    /// through the API under a direct or reseller letter, as the person it
    /// was e-mailed to would: the order leaves `WAITING_FOR_LOA_SIGNATURE`
    /// for `IN_PROGRESS` (signed earlier, while `SUBMITTED`, it goes
    /// straight on when its first step ends). Returns `false` for an
    /// unknown order, a seeded one, one with no letter to sign (an import,
    /// a blanket letter), one already signed, or a rejected one.
    ///
    /// A fake running as its own process offers the same as
    /// `POST /_fake/projects/{projectId}/hostingOrders/{hostingOrderId}:signLoa`.
    pub fn sign_loa(&self, project_id: &str, hosting_order_id: &str) -> bool {
        self.state.settle(project_id);
        let signing = self
            .state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .sign(project_id, hosting_order_id, Instant::now());
        signing == Signing::Signed
    }

    /// Makes `phone_number`'s hosting fail at `step` in the hosting orders
    /// opened through the API from now on (any project): that step ends
    /// `FAILED`, the carriers show why in `errorCode`/`errorMessage`, and
    /// the later steps stay `WAITING`. A carrier step fails that carrier
    /// alone, once every track is done; a campaign step has nothing to fail
    /// in an order without a campaign.
    pub fn fail_hosting_of_number(&self, phone_number: &str, step: HostingStep) {
        self.state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .fail_number(phone_number, step);
    }

    /// Rejects a hosting order now: `REJECTED`, and the numbers that had
    /// not finished stop (their callbacks report `HOSTING_PROCESS`
    /// `FAILED`). Returns `false` for an unknown order or one already
    /// completed or rejected. A seeded order only changes its state.
    pub fn reject_hosting_order(&self, project_id: &str, hosting_order_id: &str) -> bool {
        self.state.settle(project_id);
        let rejected = self
            .state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .reject(project_id, hosting_order_id, Instant::now());
        if rejected {
            self.state.settle(project_id);
        }
        rejected
    }

    /// Makes hosting orders opened through the API from now on with this
    /// `displayName` be rejected instead of going on, one flow delay after
    /// they are submitted.
    pub fn reject_hosting_orders_named(&self, display_name: &str) {
        self.state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .reject_named(display_name);
    }
}
