//! The asynchronous flows of hosting orders and qualified numbers, across
//! the stores: bringing a project to where the clock says before any of
//! its requests is answered, applying what a finished hosting-order number
//! means elsewhere (a qualified number hosted or failed, an imported
//! number added), reporting milestones as signed callbacks, and waking up
//! on time for orders with a callback URL, so their callbacks do not wait
//! for a read.

use std::collections::BTreeMap;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use sinch_imported_numbers_api::open_enum::{
    CallbackEventType, CallbackResourceType, CallbackStatus, HostingOrderType,
};
use sinch_imported_numbers_api::types::{
    CallbackPayload, HostingOrder, ImportedNumber, SmsConfiguration,
};

use crate::callbacks;
use crate::hosting_orders::flow::Why;
use crate::hosting_orders::progress::{Reported, Wake};
use crate::AppState;

/// The shortest pause of a watcher waiting for a signature.
const MIN_POLL: Duration = Duration::from_millis(10);

/// What `internalFailureCode` says for a number stopped by a rejection.
const REJECTED_CODE: &str = "HOSTING_ORDER_REJECTED";

impl AppState {
    /// Brings `project_id`'s hosting orders and qualified numbers to where
    /// they stand now, applies the hosting-order numbers that finished, and
    /// sends the callbacks of the milestones reached.
    pub(crate) fn settle(self: &Arc<Self>, project_id: &str) {
        // Most requests find nothing moving: check that under shared locks.
        let hosting_moves = self
            .hosting
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_moving(project_id);
        let qualified_moves = self
            .qualified
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_moving(project_id);
        if !hosting_moves && !qualified_moves {
            return;
        }
        let now = Instant::now();
        let reported = self
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .settle(project_id, now);
        for finished in reported
            .iter()
            .filter(|r| r.milestone.event == CallbackEventType::HostingProcess)
        {
            self.apply(project_id, finished);
        }
        let mut by_url: BTreeMap<&str, Vec<CallbackPayload>> = BTreeMap::new();
        for r in &reported {
            if let Some(url) = r.callback_url.as_deref().filter(|u| !u.is_empty()) {
                by_url
                    .entry(url)
                    .or_default()
                    .push(hosting_event(project_id, r));
            }
        }
        for (url, events) in by_url {
            callbacks::send(self, project_id, url, events);
        }
        self.qualified
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .settle(project_id, now, self.qualification);
    }

    /// What a number's finished hosting means for the other stores.
    fn apply(&self, project_id: &str, finished: &Reported) {
        let failure = finished.milestone.failure;
        if finished.qualified {
            self.qualified
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .finish_hosting(
                    project_id,
                    &finished.phone,
                    failure.map(|why| why.reason().1),
                );
        }
        if finished.order_type == HostingOrderType::Import && failure.is_none() {
            let number = ImportedNumber {
                phone_number: Some(finished.phone.clone()),
                project_id: Some(project_id.to_owned()),
                region_code: Some(finished.region_code.clone()),
                display_name: None,
                sms_configuration: Some(SmsConfiguration {
                    service_plan_id: Some(finished.service_plan_id.clone()),
                    campaign_id: finished.campaign_id.clone(),
                    ..SmsConfiguration::default()
                }),
                callback_url: None,
                mno_configuration: None,
                sms_provisioning: None,
                campaign_provisioning: None,
            };
            // A number the project already has stays as it is.
            let _ = self
                .store
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .import(project_id, number, true);
        }
    }
}

/// The callback of one milestone of a hosting-order number.
fn hosting_event(project_id: &str, reported: &Reported) -> CallbackPayload {
    let milestone = &reported.milestone;
    let mut event = callbacks::payload(
        project_id,
        &reported.phone,
        CallbackResourceType::HostingOrderNumber,
        milestone.event.clone(),
    );
    if let Some(why) = milestone.failure {
        event.status = Some(CallbackStatus::Failed);
        event.failure_code = why.reason().0;
        if why == Why::Rejected {
            event.internal_failure_code = Some(REJECTED_CODE.to_owned());
        }
    }
    event
}

/// Keeps order `order` of `project_id` moving on time when it has a
/// loopback callback URL: settles the project whenever one of its
/// milestones is due, until all are reported or the server is gone.
pub(crate) fn watch(app: &Arc<AppState>, project_id: &str, order: &HostingOrder) {
    let loopback = order
        .callback_url
        .as_deref()
        .and_then(|url| reqwest::Url::parse(url).ok())
        .is_some_and(|url| callbacks::is_loopback(&url));
    let Some(id) = order.hosting_order_id.clone().filter(|_| loopback) else {
        return;
    };
    let weak = Arc::downgrade(app);
    let project_id = project_id.to_owned();
    app.runtime.spawn(drive(weak, project_id, id));
}

async fn drive(app: Weak<AppState>, project_id: String, id: String) {
    loop {
        let (wake, step) = {
            let Some(app) = app.upgrade() else {
                return;
            };
            let hosting = app.hosting.read().unwrap_or_else(|p| p.into_inner());
            (hosting.next_wake(&project_id, &id), app.flow_delay)
        };
        match wake {
            Wake::Done => return,
            Wake::At(at) => tokio::time::sleep_until(at.into()).await,
            // Waiting for a signature: look again after a step (not in a
            // tight loop when steps take no time).
            Wake::Unknown => tokio::time::sleep(step.max(MIN_POLL)).await,
        }
        let Some(app) = app.upgrade() else {
            return;
        };
        app.settle(&project_id);
    }
}
