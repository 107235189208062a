//! Provisioning, end to end, with no account and no network: the fake
//! server, a local callback receiver, and two imports, one set up to fail.
//!
//! ```sh
//! cargo run --example provisioning
//! ```
//!
//! The receiver verifies each callback's signature before reading it, skips
//! events it has already handled (delivery is at least once; the fake here
//! sends everything twice, in reverse order), and re-reads the number rather
//! than trusting the order of events. Meanwhile `wait_for_provisioning`
//! polls each number until it is ready or failed.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use sinch_imported_numbers::callbacks::{self, CallbackSecret, Event};
use sinch_imported_numbers::{Client, NumberImport, PhoneNumber, Provisioned};
use sinch_imported_numbers_fake::FakeServer;
use tokio::sync::mpsc;

/// What the receiver shares between requests.
struct Receiver {
    secret: CallbackSecret,
    handled: Mutex<HashSet<String>>,
    events: mpsc::UnboundedSender<Event>,
}

/// The whole receiver: verify, skip repeats, answer 200 fast.
async fn receive(State(r): State<Arc<Receiver>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let signature = headers
        .get(callbacks::SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok());
    match callbacks::verify(&r.secret, &body, signature) {
        Ok(event) => {
            let id = event.event_id().unwrap_or_default().to_owned();
            if r.handled.lock().unwrap().insert(id) {
                let _ = r.events.send(event);
            } else {
                println!("  (duplicate {} skipped)", event.event_id().unwrap_or("?"));
            }
            StatusCode::OK
        }
        Err(e) => {
            println!("  rejected a callback: {e}");
            StatusCode::UNAUTHORIZED
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::builder()
        .provisioning_delays(Duration::from_millis(200), Duration::from_millis(300))
        .duplicate_callbacks(true)
        .reverse_callbacks(true)
        .start()
        .await?;
    server.fail_campaign("expired-campaign", &["CAMPAIGN_EXPIRED"]);
    let client = Client::builder()
        .project_id("provisioning-demo")
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .build()?;

    // The receiver, on a free loopback port, keyed with the project's secret.
    let (events, mut incoming) = mpsc::unbounded_channel();
    let state = Arc::new(Receiver {
        secret: client.callback_secret().await?,
        handled: Mutex::default(),
        events,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/callbacks", listener.local_addr()?);
    let app = Router::new()
        .route("/callbacks", post(receive))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("callback receiver at {callback_url}");

    let good = PhoneNumber::parse("+12065550101")?;
    let bad = PhoneNumber::parse("+12065550102")?;
    for (number, campaign) in [(&good, "campaign-1"), (&bad, "expired-campaign")] {
        let imported = client
            .import(
                NumberImport::new(number.clone())
                    .service_plan_id("plan-a")
                    .campaign_id(campaign)
                    .callback_url(&callback_url),
            )
            .await?;
        let pending = imported
            .provisioning()
            .pending()
            .and_then(|p| p.status().cloned());
        println!("imported {number} (campaign {campaign}): pending change {pending:?}");
    }

    println!("\n== waiting for provisioning");
    let waits = [&good, &bad].map(|n| {
        client
            .wait_for_provisioning(n)
            .poll_interval(Duration::from_millis(100))
            .deadline(Duration::from_secs(30))
    });
    let [first, second] = waits;
    let (first, second) = tokio::join!(first, second);
    for outcome in [first?, second?] {
        let number = outcome.number();
        match &outcome {
            Provisioned::Ready(_) => println!("  {} is ready", number.phone_number()),
            Provisioned::Failed(_) => {
                let provisioning = number.provisioning();
                let codes = provisioning.pending().map(|p| p.error_codes().to_vec());
                println!("  {} failed: {codes:?}", number.phone_number());
            }
            _ => println!("  {} ended some other way", number.phone_number()),
        }
    }

    println!("\n== callbacks (verified, each once)");
    for _ in 0..4 {
        let event = tokio::time::timeout(Duration::from_secs(10), incoming.recv())
            .await?
            .ok_or("the receiver stopped")?;
        println!(
            "  {} {:?} {:?} failure {:?}",
            event.resource_id().unwrap_or("?"),
            event.event_type(),
            event.status(),
            event.failure_code()
        );
        // Trust the number, not the event order: re-read it.
        if let Some(number) = event.phone_number() {
            let now = client.get(&number).await?;
            println!("    now: {:?}", now.provisioning().outcome());
        }
    }
    println!(
        "\n{} callback POSTs sent by the fake (duplicates included)",
        server.callback_attempts()
    );
    Ok(())
}
