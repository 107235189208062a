//! The SDK's write side and waits against the fake server's asynchronous
//! flows (which validate every request against the spec): qualification by
//! invoice and by voice, a text-enable order that waits for its letter's
//! signature, a rejected order, batches at the limits, and the signed
//! callbacks about hosting-order numbers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use sinch_imported_numbers::callbacks::{self, CallbackSecret, Subject};
use sinch_imported_numbers::hosting_orders::{
    Address, AuthorisedPerson, DirectLoa, HostingOrderWait, Loa, OrderImport, OrderWaitOutcome,
    TextEnable,
};
use sinch_imported_numbers::qualified_numbers::{QualificationOutcome, QualificationWait};
use sinch_imported_numbers::types::{
    CallbackEventType, CallbackStatus, GlobalProcessState, HostingOrderState,
};
use sinch_imported_numbers::{Client, ErrorKind, PhoneNumber};
use sinch_imported_numbers_fake::{FakeServer, HostingStep};
use workspace_tests::{client_with_key, phone, PROJECT};

const DELAY: Duration = Duration::from_millis(40);

async fn fake() -> (FakeServer, Client) {
    let server = FakeServer::builder()
        .flow_delay(DELAY)
        .invoice_review(None)
        .start()
        .await
        .expect("the fake starts");
    let client = client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    (server, client)
}

fn loa() -> DirectLoa {
    DirectLoa::new(
        AuthorisedPerson::new("Alex", "Example", "alex@example.com"),
        Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US"),
        "Verizon",
    )
}

fn quick_order(wait: HostingOrderWait) -> HostingOrderWait {
    wait.poll_interval(Duration::from_millis(10))
        .max_poll_interval(Duration::from_millis(100))
        .deadline(Duration::from_secs(30))
}

fn quick_number(wait: QualificationWait) -> QualificationWait {
    wait.poll_interval(Duration::from_millis(10))
        .max_poll_interval(Duration::from_millis(100))
        .deadline(Duration::from_secs(30))
}

/// Adds `numbers` and has them verified by invoice.
async fn verified(server: &FakeServer, client: &Client, numbers: &[PhoneNumber]) {
    client
        .qualified_numbers()
        .add(numbers.to_vec())
        .await
        .unwrap();
    for n in numbers {
        let eligible = quick_number(client.qualified_numbers().wait(n).stop_when_eligible(true))
            .await
            .unwrap();
        assert!(
            matches!(eligible, QualificationOutcome::Eligible(_)),
            "{eligible:?}"
        );
        assert!(server.approve_invoices(PROJECT, n.as_str()));
        assert!(quick_number(client.qualified_numbers().wait(n))
            .await
            .unwrap()
            .is_qualified());
    }
}

#[tokio::test]
async fn voice_proof_right_and_wrong_codes() {
    let (server, client) = fake().await;
    let q = client.qualified_numbers();
    let (good, bad) = (phone("+12065550120"), phone("+12065550121"));
    q.add([good.clone(), bad.clone()]).await.unwrap();
    for n in [&good, &bad] {
        quick_number(q.wait(n).stop_when_eligible(true))
            .await
            .unwrap();
        q.send_voice_challenge(n).await.unwrap();
        let waiting = quick_number(q.wait(n)).await.unwrap();
        assert!(
            matches!(waiting, QualificationOutcome::AwaitingCode(_)),
            "{waiting:?}"
        );
    }
    let code = server.voice_code(PROJECT, good.as_str()).unwrap();
    let after = q.verify_voice_challenge(&good, &code).await.unwrap();
    assert_eq!(after.state(), Some(&GlobalProcessState::Verified));
    let wrong = q.verify_voice_challenge(&bad, "000000x").await.unwrap();
    assert_eq!(wrong.state(), Some(&GlobalProcessState::VerificationFailed));
    let ended = quick_number(q.wait(&bad)).await.unwrap();
    assert!(
        matches!(ended, QualificationOutcome::Failed(_)),
        "{ended:?}"
    );
    // No challenge is pending any more: the service refuses, typed.
    let err = q.verify_voice_challenge(&bad, "1234").await.unwrap_err();
    assert!(
        err.http_status().is_some_and(|s| (400..500).contains(&s)),
        "{err}"
    );
}

#[tokio::test]
async fn a_not_eligible_number_says_why() {
    let (server, client) = fake().await;
    let n = phone("+12065550122");
    server.make_not_eligible(n.as_str());
    client.qualified_numbers().add([n.clone()]).await.unwrap();
    let outcome = quick_number(client.qualified_numbers().wait(&n))
        .await
        .unwrap();
    let QualificationOutcome::NotEligible(q) = outcome else {
        panic!("{outcome:?}")
    };
    assert!(q.osr_eligibility().and_then(|s| s.error()).is_some());
}

/// A callback receiver that keeps every verified event.
async fn receiver(secret: CallbackSecret) -> (String, Arc<Mutex<Vec<callbacks::Event>>>) {
    type Shared = (Arc<CallbackSecret>, Arc<Mutex<Vec<callbacks::Event>>>);
    async fn receive(
        State((secret, seen)): State<Shared>,
        headers: HeaderMap,
        body: Bytes,
    ) -> StatusCode {
        let signature = headers
            .get(callbacks::SIGNATURE_HEADER)
            .and_then(|v| v.to_str().ok());
        match callbacks::verify(&secret, &body, signature) {
            Ok(event) => {
                seen.lock().unwrap().push(event);
                StatusCode::OK
            }
            Err(_) => StatusCode::UNAUTHORIZED,
        }
    }
    let seen = Arc::new(Mutex::new(Vec::new()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cb", listener.local_addr().unwrap());
    let app = Router::new()
        .route("/cb", post(receive))
        .with_state((Arc::new(secret), seen.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn a_text_enable_order_waits_for_its_signature_then_completes_with_callbacks() {
    let (server, client) = fake().await;
    let numbers = [phone("+12065550130"), phone("+12065550131")];
    verified(&server, &client, &numbers).await;
    server.fail_hosting_of_number(numbers[1].as_str(), HostingStep::PlatformProvisioning);
    let (url, seen) = receiver(client.callback_secret().await.unwrap()).await;
    let request = TextEnable::new(numbers.clone(), "plan", loa())
        .campaign_id("C3O84GA")
        .callback_url(&url);
    let id = client
        .qualified_numbers()
        .text_enable(&request)
        .await
        .unwrap();

    let orders = client.hosting_orders();
    let outcome = quick_order(orders.wait(&id)).await.unwrap();
    assert!(
        matches!(outcome, OrderWaitOutcome::AwaitingSignature(_)),
        "{outcome:?}"
    );
    // Nothing moves until the letter is signed.
    tokio::time::sleep(DELAY * 4).await;
    assert_eq!(
        orders.get(&id).await.unwrap().state(),
        Some(&HostingOrderState::WaitingForLoaSignature)
    );
    assert!(server.sign_loa(PROJECT, &id));
    let OrderWaitOutcome::Completed(done) = quick_order(orders.wait(&id)).await.unwrap() else {
        panic!()
    };
    assert_eq!(done.report.total(), Some(2));
    assert_eq!(done.report.sms_provisioned(), Some(1));
    let failed: Vec<_> = done
        .failed_numbers
        .iter()
        .map(|n| n.phone_number().clone())
        .collect();
    assert_eq!(failed, vec![numbers[1].clone()]);
    assert!(done.failed_numbers[0]
        .failure()
        .unwrap()
        .contains("platformProvisioning failed"));
    // The qualified numbers follow their order.
    let hosted = client.qualified_numbers().get(&numbers[0]).await.unwrap();
    assert_eq!(hosted.state(), Some(&GlobalProcessState::HostingDone));

    // Callbacks: typed as hosting-order numbers, one final event each.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let finals = seen
            .lock()
            .unwrap()
            .iter()
            .filter(|e| e.ends_hosting())
            .count();
        if finals == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "final callbacks missing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seen = seen.lock().unwrap();
    for event in seen.iter() {
        assert!(
            matches!(event.subject(), Subject::HostingOrderNumber(_)),
            "{event:?}"
        );
    }
    let final_of = |n: &PhoneNumber| {
        seen.iter()
            .find(|e| e.ends_hosting() && e.subject() == Subject::HostingOrderNumber(n.clone()))
            .map(|e| e.status().cloned())
    };
    assert_eq!(final_of(&numbers[0]), Some(Some(CallbackStatus::Succeeded)));
    assert_eq!(final_of(&numbers[1]), Some(Some(CallbackStatus::Failed)));
    assert!(seen
        .iter()
        .any(|e| e.event_type() == Some(&CallbackEventType::OsrUpdate)));
}

#[tokio::test]
async fn a_rejected_order_ends_the_wait_rejected() {
    let (server, client) = fake().await;
    let id = client
        .hosting_orders()
        .text_enable(&TextEnable::new(
            [phone("+12065550133")],
            "plan",
            Loa::Blanket,
        ))
        .await
        .unwrap()
        .id()
        .to_owned();
    assert!(server.reject_hosting_order(PROJECT, &id));
    let outcome = quick_order(client.hosting_orders().wait(&id))
        .await
        .unwrap();
    assert!(
        matches!(outcome, OrderWaitOutcome::Rejected(_)),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn batched_imports_open_orders_of_five_and_the_numbers_become_imported() {
    let (_server, client) = fake().await;
    let numbers: Vec<PhoneNumber> = (0..7).map(|i| phone(&format!("+1206555014{i}"))).collect();
    let report = client
        .hosting_orders()
        .import_numbers_in_batches(&OrderImport::new(numbers.clone(), "plan"))
        .await;
    assert!(
        report.all_ordered(),
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    let ids = report.order_ids();
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let outcome = quick_order(client.hosting_orders().wait(id)).await.unwrap();
        assert!(
            matches!(outcome, OrderWaitOutcome::Completed(ref s) if s.failed_numbers.is_empty()),
            "{outcome:?}"
        );
    }
    for n in &numbers {
        assert_eq!(client.get(n).await.unwrap().phone_number(), n);
    }
}

#[tokio::test]
async fn refused_input_never_reaches_the_server() {
    let (server, client) = fake().await;
    let before = server.request_count();
    let six: Vec<PhoneNumber> = (0..6).map(|i| phone(&format!("+1206555015{i}"))).collect();
    let err = client
        .hosting_orders()
        .import_numbers(&OrderImport::new(six, "plan"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let no_email = DirectLoa::new(
        AuthorisedPerson::new("Alex", "Example", ""),
        Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US"),
        "Verizon",
    );
    let err = client
        .qualified_numbers()
        .text_enable(&TextEnable::new([phone("+12065550150")], "plan", no_email))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let err = client
        .qualified_numbers()
        .verify_voice_challenge(&phone("+12065550150"), "")
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(server.request_count(), before);
}

#[tokio::test]
async fn the_fake_refuses_unverified_numbers_for_a_qualified_text_enable() {
    let (_server, client) = fake().await;
    let err = client
        .qualified_numbers()
        .text_enable(&TextEnable::new([phone("+12065550160")], "plan", loa()))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{err}");
}
