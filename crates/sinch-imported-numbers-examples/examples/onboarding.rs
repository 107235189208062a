//! Onboarding numbers you own, end to end, with no account and no network:
//! qualify them, prove one by a voice call, text-enable them under a letter
//! of authorization (LOA), sign it, wait for the hosting order, then import
//! the numbers through a second order.
//!
//! ```sh
//! cargo run --example onboarding
//! ```
//!
//! Two things a person does in real life are done by the fake here: typing
//! in the code the voice call read out (the example asks the fake for it),
//! and signing the LOA e-mailed to the authorised person. One number is set
//! up to fail its eligibility check and one to fail on the SMS platform, to
//! show how each failure reads.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use sinch_imported_numbers::callbacks::{self, CallbackSecret, Subject};
use sinch_imported_numbers::hosting_orders::{
    Address, AuthorisedPerson, DirectLoa, OrderImport, OrderWaitOutcome, TextEnable,
};
use sinch_imported_numbers::qualified_numbers::QualificationOutcome;
use sinch_imported_numbers::{Client, PhoneNumber};
use sinch_imported_numbers_fake::{FakeServer, HostingStep};
use tokio::sync::mpsc;

const PROJECT: &str = "onboarding-demo";
const SERVICE_PLAN: &str = "07d6c2621f364b68856fe4938b7bb78f";
const CAMPAIGN: &str = "C3O84GA";

/// A state as the API spells it, or `-` when the server sent none.
fn shown<T: std::fmt::Display>(state: Option<&T>) -> String {
    state.map_or_else(|| "-".to_owned(), T::to_string)
}

/// The callback receiver: verifies each event, passes on the hosting-order
/// ones.
async fn receive(
    State((secret, events)): State<(Arc<CallbackSecret>, mpsc::UnboundedSender<String>)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let signature = headers
        .get(callbacks::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    let Ok(event) = callbacks::verify(&secret, &body, signature) else {
        return StatusCode::UNAUTHORIZED;
    };
    if let Subject::HostingOrderNumber(number) = event.subject() {
        let line = format!(
            "{number} {} {}{}",
            event
                .event_type()
                .map(|t| t.to_string())
                .unwrap_or_default(),
            event.status().map(|s| s.to_string()).unwrap_or_default(),
            event
                .failure_code()
                .map(|c| format!(" ({c})"))
                .unwrap_or_default()
        );
        let _ = events.send(line);
    }
    StatusCode::OK
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::builder()
        .flow_delay(Duration::from_millis(50))
        // Invoices are "reviewed" by this example, not on a timer.
        .invoice_review(None)
        .start()
        .await?;
    let client = Client::builder()
        .project_id(PROJECT)
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .build()?;
    let numbers: Vec<PhoneNumber> = ["+12065550140", "+12065550141", "+12065550142"]
        .into_iter()
        .map(PhoneNumber::parse)
        .collect::<Result<_, _>>()?;
    let [by_voice, by_invoice, failing] = [&numbers[0], &numbers[1], &numbers[2]];
    let not_eligible = PhoneNumber::parse("+12065550149")?;
    server.make_not_eligible(not_eligible.as_str());
    server.fail_hosting_of_number(failing.as_str(), HostingStep::PlatformProvisioning);

    // A callback receiver on a free loopback port.
    let (events, mut incoming) = mpsc::unbounded_channel();
    let secret = Arc::new(client.callback_secret().await?);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/callbacks", listener.local_addr()?);
    let app = Router::new()
        .route("/callbacks", post(receive))
        .with_state((secret, events));
    tokio::spawn(async move { axum::serve(listener, app).await });

    println!("== 1. qualify: submit the numbers, wait for the eligibility check");
    let qualified = client.qualified_numbers();
    let mut all = numbers.clone();
    all.push(not_eligible.clone());
    for n in qualified.add(all.clone()).await? {
        println!("  {} {}", n.phone_number(), shown(n.state()));
    }
    let quick = |n: &PhoneNumber| {
        qualified
            .wait(n)
            .poll_interval(Duration::from_millis(25))
            .deadline(Duration::from_secs(30))
    };
    for n in &all {
        match quick(n).stop_when_eligible(true).await? {
            QualificationOutcome::NotEligible(q) => println!(
                "  {n} is not eligible: {}",
                q.osr_eligibility().and_then(|s| s.error()).unwrap_or("?")
            ),
            outcome => println!("  {n} {}", shown(outcome.number().state())),
        }
    }

    println!("\n== 2. prove ownership: one by a voice call, two by invoice");
    qualified.send_voice_challenge(by_voice).await?;
    // In real life a person answers the call; the fake tells us the code.
    let code = server
        .voice_code(PROJECT, by_voice.as_str())
        .ok_or("no voice code pending")?;
    let verified = qualified.verify_voice_challenge(by_voice, &code).await?;
    println!("  {by_voice}: code {code} -> {}", shown(verified.state()));
    for n in [by_invoice, failing] {
        // Sinch reviews the e-mailed invoices (one to three days).
        server.approve_invoices(PROJECT, n.as_str());
    }
    for n in &numbers {
        let outcome = quick(n).await?;
        println!("  {n} qualified: {}", outcome.is_qualified());
    }

    println!("\n== 3. text-enable under a direct LOA");
    let loa = DirectLoa::new(
        AuthorisedPerson::new("Alex", "Example", "alex@example.com"),
        Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US"),
        "Verizon",
    );
    let request = TextEnable::new(numbers.clone(), SERVICE_PLAN, loa)
        .campaign_id(CAMPAIGN)
        .display_name("Front desks")
        .callback_url(&callback_url);
    let order_id = qualified.text_enable(&request).await?;
    println!("  order {order_id} opened");

    let orders = client.hosting_orders();
    let wait = |id: &str| {
        orders
            .wait(id)
            .poll_interval(Duration::from_millis(25))
            .max_poll_interval(Duration::from_millis(200))
            .deadline(Duration::from_secs(60))
    };
    let outcome = wait(&order_id).await?;
    if let OrderWaitOutcome::AwaitingSignature(order) = &outcome {
        let signer = order
            .text_enable_info()
            .and_then(|i| i.authorised_person())
            .and_then(|p| p.email())
            .unwrap_or("the authorised person");
        println!(
            "  {}: the LOA was e-mailed to {signer}; signing it",
            shown(order.state())
        );
        server.sign_loa(PROJECT, &order_id);
    }
    match wait(&order_id).await? {
        OrderWaitOutcome::Completed(done) => {
            let r = &done.report;
            println!(
                "  COMPLETED: {} numbers, {} OSR-updated, {} on the SMS platform, {} in the campaign",
                shown(r.total().as_ref()),
                shown(r.osr_updated().as_ref()),
                shown(r.sms_provisioned().as_ref()),
                shown(r.added_to_campaign().as_ref())
            );
            for n in &done.failed_numbers {
                println!(
                    "  failed: {} ({})",
                    n.phone_number(),
                    n.failure().unwrap_or_default()
                );
            }
        }
        other => println!("  ended {}", shown(other.order().state())),
    }

    println!("\n== 4. import the text-enabled numbers through a hosting order");
    let done: Vec<PhoneNumber> = vec![by_voice.clone(), by_invoice.clone()];
    let import = orders
        .import_numbers(&OrderImport::new(done.clone(), SERVICE_PLAN).campaign_id(CAMPAIGN))
        .await?;
    println!("  order {} {}", import.id(), shown(import.state()));
    let outcome = wait(import.id()).through_signature(true).await?;
    println!("  ended {}", shown(outcome.order().state()));
    for n in &done {
        let imported = client.get(n).await?;
        println!(
            "  {} is an imported number, service plan {}",
            imported.phone_number(),
            imported.service_plan_id().unwrap_or("-")
        );
    }

    println!("\n== callbacks about hosting-order numbers (verified)");
    tokio::time::sleep(Duration::from_millis(200)).await;
    while let Ok(line) = incoming.try_recv() {
        println!("  {line}");
    }
    Ok(())
}
