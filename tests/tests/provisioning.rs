//! The provisioning lifecycle against the fake: signed callbacks delivered
//! to a local receiver and verified with the project's secret, the waiter's
//! ready / failed / deadline outcomes with bounded reads, and the callback
//! secret's management.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;
use sinch_imported_numbers::callbacks::{self, CallbackError, CallbackSecret, Event};
use sinch_imported_numbers::types::{
    CallbackEventType, CallbackFailureCode, CallbackStatus, ScheduledProvisioningStatus,
    SmsErrorCode, State,
};
use sinch_imported_numbers::{
    Client, ErrorKind, InputError, NumberImport, Provisioned, ProvisioningOutcome, Setting,
};
use sinch_imported_numbers_fake::{FakeServer, FakeServerBuilder, DEFAULT_CALLBACK_SECRET};
use workspace_tests::misbehaving::{Misbehaving, Reply, Request};
use workspace_tests::{phone, PROJECT};

const HANG_GUARD: Duration = Duration::from_secs(20);

fn client_for(server: &FakeServer) -> Client {
    workspace_tests::client_with_key(&server.base_url(), server.key_id(), server.key_secret())
}

/// A callback receiver answering 200 (or what `answer` says for the n-th POST).
async fn receiver(answer: impl Fn(usize) -> u16 + Send + Sync + 'static) -> Misbehaving {
    Misbehaving::start(move |_, n| Reply::json(answer(n), json!({}))).await
}

/// Waits (bounded) until `receiver` has seen `n` requests.
async fn received(receiver: &Misbehaving, n: usize) -> Vec<Request> {
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let seen = receiver.requests();
            if seen.len() >= n {
                return seen;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("expected {n} callbacks, got {}", receiver.requests().len()))
}

fn verify(secret: &CallbackSecret, request: &Request) -> Result<Event, CallbackError> {
    callbacks::verify(
        secret,
        &request.body,
        request.header(callbacks::SIGNATURE_HEADER),
    )
}

async fn wait(client: &Client, number: &str) -> sinch_imported_numbers::Result<Provisioned> {
    tokio::time::timeout(
        HANG_GUARD,
        client
            .wait_for_provisioning(&phone(number))
            .poll_interval(Duration::from_millis(10))
            .max_poll_interval(Duration::from_millis(40)),
    )
    .await
    .expect("the wait ends")
}

#[tokio::test]
async fn a_ready_number_reports_signed_callbacks_and_the_waiter_sees_it_ready() {
    let server = FakeServer::start().await.unwrap();
    let hook = receiver(|_| 200).await;
    let client = client_for(&server);
    client
        .import(
            NumberImport::new(phone("+12065550134"))
                .service_plan_id("plan")
                .campaign_id("campaign")
                .callback_url(format!("{}/callbacks", hook.url())),
        )
        .await
        .unwrap();
    let done = wait(&client, "+12065550134").await.unwrap();
    assert!(done.is_ready(), "{done:?}");
    assert_eq!(
        done.number().provisioning().sms().unwrap().state(),
        Some(&State::Done)
    );

    let secret = client.callback_secret().await.unwrap();
    assert_eq!(secret.expose(), DEFAULT_CALLBACK_SECRET);
    let events: Vec<Event> = received(&hook, 2)
        .await
        .iter()
        .map(|r| verify(&secret, r).expect("signed by the fake with the project's secret"))
        .collect();
    let kinds: Vec<_> = events.iter().map(|e| e.event_type().cloned()).collect();
    assert_eq!(
        kinds,
        [
            Some(CallbackEventType::ProvisioningToSmsPlatform),
            Some(CallbackEventType::LinkTo10dlcCampaign)
        ]
    );
    for event in &events {
        assert!(event.succeeded());
        assert_eq!(event.failure_code(), None);
        assert_eq!(event.phone_number(), Some(phone("+12065550134")));
        assert_eq!(event.project_id(), Some(PROJECT));
        assert!(event.timestamp().unwrap().instant().is_some());
    }
    // Tampering or the wrong secret is caught.
    let mut tampered = hook.requests()[0].clone();
    tampered.body = tampered.body.replace_first(b"SUCCEEDED", b"FAILED\"  ");
    assert_eq!(verify(&secret, &tampered), Err(CallbackError::BadSignature));
    let wrong = CallbackSecret::new("not-the-secret").unwrap();
    assert_eq!(
        verify(&wrong, &hook.requests()[0]),
        Err(CallbackError::BadSignature)
    );
}

/// `replace_first` for byte bodies, keeping the test readable.
trait ReplaceFirst {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8>;
}

impl ReplaceFirst for Vec<u8> {
    fn replace_first(&self, from: &[u8], to: &[u8]) -> Vec<u8> {
        let at = self
            .windows(from.len())
            .position(|w| w == from)
            .expect("the text is in the body");
        [&self[..at], to, &self[at + from.len()..]].concat()
    }
}

#[tokio::test]
async fn a_failing_campaign_ends_failed_with_its_codes_in_the_number_and_the_callback() {
    let server = FakeServer::start().await.unwrap();
    server.fail_campaign("expired-campaign", &["CAMPAIGN_NOT_AVAILABLE"]);
    let hook = receiver(|_| 200).await;
    let client = client_for(&server);
    client
        .import(
            NumberImport::new(phone("+12065550135"))
                .campaign_id("expired-campaign")
                .callback_url(hook.url()),
        )
        .await
        .unwrap();
    let done = wait(&client, "+12065550135").await.unwrap();
    let Provisioned::Failed(number) = &done else {
        panic!("expected a failure: {done:?}")
    };
    let provisioning = number.provisioning();
    let pending = provisioning.pending().unwrap();
    assert_eq!(pending.status(), Some(&ScheduledProvisioningStatus::Failed));
    assert_eq!(pending.error_codes(), &[SmsErrorCode::CampaignNotAvailable]);
    let campaign = provisioning.campaign().unwrap();
    assert_eq!(campaign.state(), Some(&State::Failed));
    assert_eq!(campaign.error_code(), Some("CAMPAIGN_NOT_AVAILABLE"));
    assert_eq!(provisioning.outcome(), ProvisioningOutcome::Failed);
    // The campaign's problem; no service plan was linked, so nothing else failed.
    assert!(provisioning.sms().is_none());

    let secret = client.callback_secret().await.unwrap();
    let event = verify(&secret, &received(&hook, 1).await[0]).unwrap();
    assert_eq!(event.status(), Some(&CallbackStatus::Failed));
    assert_eq!(
        event.failure_code(),
        Some(&CallbackFailureCode::CampaignNotAvailable)
    );
}

#[tokio::test]
async fn the_waiter_gives_up_at_its_deadline_after_a_bounded_number_of_reads() {
    let server = FakeServerBuilder::default()
        .provisioning_delays(Duration::from_secs(60), Duration::from_secs(60))
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    client
        .import(NumberImport::new(phone("+12065550136")).service_plan_id("plan"))
        .await
        .unwrap();
    let before = server.request_count();
    let err = tokio::time::timeout(
        HANG_GUARD,
        client
            .wait_for_provisioning(&phone("+12065550136"))
            .poll_interval(Duration::from_millis(20))
            .max_poll_interval(Duration::from_millis(50))
            .deadline(Duration::from_millis(300)),
    )
    .await
    .expect("the wait ends")
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(err.to_string().contains("still pending"), "{err}");
    let reads = server.request_count() - before;
    // 20, 40, 50, 50, ... ms pauses within 300 ms: at most about 8 reads.
    assert!((2..=10).contains(&reads), "{reads} reads");

    let err = client
        .wait_for_provisioning(&phone("+12065550136"))
        .poll_interval(Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(
        err.input_error().and_then(InputError::setting),
        Some(Setting::PollInterval)
    );
    // A number that is not there ends the wait at once.
    let err = wait(&client, "+12065550199").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn callbacks_are_retried_until_the_receiver_accepts_them() {
    let server = FakeServerBuilder::default()
        .callback_retries(5, Duration::from_millis(5))
        .start()
        .await
        .unwrap();
    let hook = receiver(|n| if n < 2 { 503 } else { 200 }).await;
    let client = client_for(&server);
    client
        .import(
            NumberImport::new(phone("+12065550137"))
                .service_plan_id("plan")
                .callback_url(hook.url()),
        )
        .await
        .unwrap();
    let seen = received(&hook, 3).await;
    let bodies: HashSet<_> = seen.iter().map(|r| r.body.clone()).collect();
    assert_eq!(bodies.len(), 1, "the same event, retried");
    // The fake counts a delivery once the receiver's answer is back: wait for it (bounded).
    tokio::time::timeout(HANG_GUARD, async {
        while server.callbacks_delivered() == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the third attempt is delivered");
    assert_eq!(server.callback_attempts(), 3);
    assert_eq!(server.callbacks_delivered(), 1);
}

#[tokio::test]
async fn duplicated_and_reordered_callbacks_are_handled_once_each() {
    let server = FakeServerBuilder::default()
        .duplicate_callbacks(true)
        .reverse_callbacks(true)
        .start()
        .await
        .unwrap();
    let hook = receiver(|_| 200).await;
    let client = client_for(&server);
    client
        .import(
            NumberImport::new(phone("+12065550138"))
                .service_plan_id("plan")
                .campaign_id("campaign")
                .callback_url(hook.url()),
        )
        .await
        .unwrap();
    let secret = client.callback_secret().await.unwrap();
    let events: Vec<Event> = received(&hook, 4)
        .await
        .iter()
        .map(|r| verify(&secret, r).unwrap())
        .collect();
    assert_eq!(
        events[0].event_type(),
        Some(&CallbackEventType::LinkTo10dlcCampaign),
        "out of order"
    );
    // What a receiver does (see the provisioning example): skip event ids
    // already handled, then re-read the number rather than trust the order.
    let mut handled = HashSet::new();
    let fresh: Vec<_> = events
        .iter()
        .filter(|e| handled.insert(e.event_id().unwrap().to_owned()))
        .collect();
    assert_eq!(fresh.len(), 2, "each event once");
    let now = client.get(&fresh[0].phone_number().unwrap()).await.unwrap();
    assert_eq!(now.provisioning().outcome(), ProvisioningOutcome::Settled);
}

#[tokio::test]
async fn the_callback_secret_can_be_replaced_and_signs_what_follows() {
    let server = FakeServer::start().await.unwrap();
    let hook = receiver(|_| 200).await;
    let client = client_for(&server);
    let secret = CallbackSecret::new("rotated-secret-2026").unwrap();
    client.set_callback_secret(&secret).await.unwrap();
    assert_eq!(
        client.callback_secret().await.unwrap().expose(),
        "rotated-secret-2026"
    );
    assert_eq!(server.callback_secret(PROJECT), "rotated-secret-2026");
    client
        .import(
            NumberImport::new(phone("+12065550139"))
                .service_plan_id("plan")
                .callback_url(hook.url()),
        )
        .await
        .unwrap();
    let request = &received(&hook, 1).await[0];
    assert!(verify(&secret, request).is_ok());
    let old = CallbackSecret::new(DEFAULT_CALLBACK_SECRET).unwrap();
    assert_eq!(verify(&old, request), Err(CallbackError::BadSignature));

    // The endpoint's own errors come in the google.rpc wrapper; the facade reads them.
    let raw = workspace_tests::http()
        .patch(format!(
            "{}/v1/projects/{PROJECT}/callbackConfiguration",
            server.base_url()
        ))
        .basic_auth(server.key_id(), Some(server.key_secret()))
        .json(&json!({"hmacSecret": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), 400);
    let body: serde_json::Value = raw.json().await.unwrap();
    assert_eq!(body["error"]["code"], 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("hmacSecret"));
}

#[test]
fn events_decode_whatever_the_service_adds() {
    let secret = CallbackSecret::new("s").unwrap();
    let body = json!({
        "eventId": "e-1", "timestamp": "2024-07-23T14:02:14.415637289",
        "projectId": PROJECT, "resourceId": "+12065550134", "resourceType": "IMPORTED_NUMBER",
        "eventType": "PORTING_DONE", "status": "FAILED", "failureCode": null,
        "internalFailureCode": "CARRIER_TIMEOUT_17", "somethingNew": {"a": 1}
    })
    .to_string();
    let event = callbacks::verify(
        &secret,
        body.as_bytes(),
        Some(&callbacks::sign(&secret, body.as_bytes())),
    )
    .unwrap();
    assert_eq!(
        event.event_type(),
        Some(&CallbackEventType::Unknown("PORTING_DONE".into()))
    );
    assert_eq!(event.failure_code(), None);
    assert_eq!(event.internal_failure_code(), Some("CARRIER_TIMEOUT_17"));
    assert_eq!(
        event.timestamp().unwrap().instant().unwrap().to_rfc3339(),
        "2024-07-23T14:02:14.415637289+00:00"
    );
    assert!(!event.succeeded());
    // Not a phone number: kept as text, no PhoneNumber.
    let body =
        br#"{"eventId":"e-2","resourceId":"order-17","resourceType":"HOSTING_ORDER_NUMBER"}"#;
    let event = callbacks::verify(&secret, body, Some(&callbacks::sign(&secret, body))).unwrap();
    assert_eq!(event.resource_id(), Some("order-17"));
    assert_eq!(event.phone_number(), None);
}
