//! Signed callbacks to a number's `callbackUrl`, as the live service sends
//! them: one JSON `POST` per event when a change finishes, with
//! `X-Sinch-Signature` (lowercase hex HMAC-SHA1 of the raw body, keyed with
//! the project's callback secret), retried with backoff on a non-2xx answer.
//!
//! Changes of imported numbers are scheduled here when they start; the
//! milestones of hosting-order numbers are sent when they are reached
//! (see `flows`), through [`send`].
//!
//! Only loopback URLs are called (127.0.0.0/8, `localhost`, `[::1]`): the
//! fake never sends traffic off the machine. For tests, events can be sent
//! twice ([`Delivery::duplicate`]) or in reverse order ([`Delivery::reverse`]).

use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use sinch_imported_numbers::callbacks::{self, CallbackSecret};
use sinch_imported_numbers_api::open_enum::{
    CallbackEventType, CallbackFailureCode, CallbackResourceType, CallbackStatus,
};
use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types::CallbackPayload;

use crate::provisioning::Pending;
use crate::AppState;

/// How callbacks are delivered.
#[derive(Clone, Debug)]
pub(crate) struct Delivery {
    pub max_attempts: u32,
    pub first_backoff: Duration,
    pub duplicate: bool,
    pub reverse: bool,
}

/// Counts of what was sent, for tests.
#[derive(Debug, Default)]
pub(crate) struct Sent {
    pub attempts: AtomicU64,
    pub delivered: AtomicU64,
}

/// Whether `url` is an http URL on this machine.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    url.scheme() == "http"
        && match url.host_str() {
            Some("localhost") => true,
            Some(host) => host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback()),
            None => false,
        }
}

/// The events a finished change produces: one per linked service, failed
/// where the failure reaches that service.
fn events(project_id: &str, phone: &str, change: &Pending) -> Vec<CallbackPayload> {
    let sms_fails = change.failure.as_ref().is_some_and(|f| f.sms);
    let kinds = [
        (!change.service_plan_id.is_empty())
            .then_some((CallbackEventType::ProvisioningToSmsPlatform, sms_fails)),
        (!change.campaign_id.is_empty()).then_some((CallbackEventType::LinkTo10dlcCampaign, true)),
    ];
    kinds
        .into_iter()
        .flatten()
        .map(|(kind, reached)| {
            let code = change
                .failure
                .as_ref()
                .filter(|_| reached)
                .and_then(|f| f.codes.first());
            let (status, failure_code, internal_failure_code) = match code {
                None => (CallbackStatus::Succeeded, None, None),
                Some(code) => match code.as_str().parse().unwrap_or_else(|e| match e {}) {
                    // Codes with no callback equivalent travel as the internal code.
                    CallbackFailureCode::Unknown(_) => {
                        (CallbackStatus::Failed, None, Some(code.to_string()))
                    }
                    known => (CallbackStatus::Failed, Some(known), None),
                },
            };
            let mut event = payload(
                project_id,
                phone,
                CallbackResourceType::ImportedNumber,
                kind,
            );
            event.status = Some(status);
            event.failure_code = failure_code;
            event.internal_failure_code = internal_failure_code;
            event
        })
        .collect()
}

/// A fresh event (new id, stamped now) about `resource_id`, succeeded
/// unless changed.
pub(crate) fn payload(
    project_id: &str,
    resource_id: &str,
    resource_type: CallbackResourceType,
    event_type: CallbackEventType,
) -> CallbackPayload {
    CallbackPayload {
        event_id: Some(
            std::iter::repeat_with(fastrand::alphanumeric)
                .take(24)
                .collect(),
        ),
        timestamp: Some(Timestamp::from_instant(Utc::now())),
        project_id: Some(project_id.to_owned()),
        resource_id: Some(resource_id.to_owned()),
        resource_type: Some(resource_type),
        event_type: Some(event_type),
        status: Some(CallbackStatus::Succeeded),
        failure_code: None,
        internal_failure_code: None,
    }
}

/// Sends the events of `change` to `url` once the change is done. Does
/// nothing for a URL off this machine.
pub(crate) fn schedule(
    app: Arc<AppState>,
    project_id: String,
    phone: String,
    url: String,
    change: Pending,
) {
    let Ok(url) = reqwest::Url::parse(&url) else {
        return;
    };
    if !is_loopback(&url) {
        return;
    }
    let due = app.timing.done_at(change.started);
    tokio::spawn(async move {
        tokio::time::sleep_until(due.into()).await;
        let events = events(&project_id, &phone, &change);
        deliver_all(&app, &project_id, &url, events).await;
    });
}

/// Sends `events` to `url` now, in order, on the server's runtime. Does
/// nothing for a URL off this machine.
pub(crate) fn send(app: &Arc<AppState>, project_id: &str, url: &str, events: Vec<CallbackPayload>) {
    let Ok(url) = reqwest::Url::parse(url) else {
        return;
    };
    if !is_loopback(&url) || events.is_empty() {
        return;
    }
    let app_for_task = app.clone();
    let project_id = project_id.to_owned();
    app.runtime.spawn(async move {
        deliver_all(&app_for_task, &project_id, &url, events).await;
    });
}

/// Delivers `events` one after the other (reversed or each twice when the
/// server is set up so).
async fn deliver_all(
    app: &AppState,
    project_id: &str,
    url: &reqwest::Url,
    mut events: Vec<CallbackPayload>,
) {
    if app.delivery.reverse {
        events.reverse();
    }
    let copies = if app.delivery.duplicate { 2 } else { 1 };
    for event in events {
        let body = serde_json::to_vec(&event).expect("events serialize");
        for _ in 0..copies {
            deliver(app, project_id, url, &body).await;
        }
    }
}

/// POSTs one signed body, retrying non-2xx answers with doubling backoff.
async fn deliver(app: &AppState, project_id: &str, url: &reqwest::Url, body: &[u8]) {
    // Only valid secrets are ever stored (see the update handler).
    let Ok(secret) = CallbackSecret::new(app.callback_secret(project_id)) else {
        return;
    };
    let signature = callbacks::sign(&secret, body);
    let mut backoff = app.delivery.first_backoff;
    for attempt in 1..=app.delivery.max_attempts {
        app.sent.attempts.fetch_add(1, Ordering::Relaxed);
        let answer = app
            .http
            .post(url.clone())
            .header("content-type", "application/json")
            .header(callbacks::SIGNATURE_HEADER, &signature)
            .body(body.to_vec())
            .send()
            .await;
        if answer.is_ok_and(|r| r.status().is_success()) {
            app.sent.delivered.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if attempt < app.delivery.max_attempts {
            tokio::time::sleep(backoff).await;
            backoff *= 2;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_urls_are_called() {
        for (url, ok) in [
            ("http://127.0.0.1:9/cb", true),
            ("http://127.8.9.10/cb", true),
            ("http://localhost:1234/", true),
            ("http://[::1]:80/x", true),
            ("https://127.0.0.1/cb", false),
            ("http://10.0.0.1/cb", false),
            ("http://example.com/cb", false),
            ("http://54.76.19.159/cb", false),
        ] {
            assert_eq!(is_loopback(&reqwest::Url::parse(url).unwrap()), ok, "{url}");
        }
    }
}
