//! Load through the fake server: listing 100 000 numbers and importing
//! 10 000 with the bulk helper. For each, the time the server spent handling
//! an average request is set against the round trip the client saw, so it
//! shows whether the server is the bottleneck.
//!
//! `cargo bench -p sinch-imported-numbers --bench load`

mod support;

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use sinch_imported_numbers::{ListFilter, NumberImport, PhoneNumber};
use sinch_imported_numbers_fake::FakeServer;
use support::{CAMPAIGN, PLAN};

async fn list_100k() {
    let server = FakeServer::builder()
        .max_page_size(1000)
        .start()
        .await
        .unwrap();
    support::seed(&server, "p", 100_000);
    let client = support::client(&server, "p");
    for page_size in [100, 1000] {
        let (busy_before, requests_before) = (server.busy_time(), server.request_count());
        let started = Instant::now();
        let count = client
            .list(ListFilter::new(PLAN, CAMPAIGN))
            .page_size(page_size)
            .items()
            .try_fold(0usize, |n, _| async move { Ok(n + 1) })
            .await
            .unwrap();
        let wall = started.elapsed();
        assert_eq!(count, 100_000);
        let requests = server.request_count() - requests_before;
        println!(
            "list 100 000, pages of {page_size:>4}: {:>6.0} ms, {:>7.0} numbers/s; {}",
            wall.as_secs_f64() * 1e3,
            count as f64 / wall.as_secs_f64(),
            server_share(server.busy_time() - busy_before, requests, wall, 1)
        );
    }
}

async fn import_10k() {
    for concurrency in [1, 16] {
        let server = FakeServer::start().await.unwrap();
        let client = support::client(&server, "p");
        let imports: Vec<_> = support::phone_numbers(10_000)
            .map(|n| {
                NumberImport::new(PhoneNumber::parse(&n).unwrap())
                    .service_plan_id(PLAN)
                    .campaign_id(CAMPAIGN)
            })
            .collect();
        let started = Instant::now();
        let report = client
            .import_many(imports)
            .concurrency(concurrency)
            .run()
            .await;
        let wall = started.elapsed();
        assert_eq!(report.imported().count(), 10_000);
        println!(
            "import 10 000, concurrency {concurrency:>2}: {:>6.0} ms, {:>6.0} numbers/s; {}",
            wall.as_secs_f64() * 1e3,
            10_000.0 / wall.as_secs_f64(),
            server_share(
                server.busy_time(),
                server.request_count(),
                wall,
                concurrency
            )
        );
    }
}

/// "server X µs of a Y µs round trip per request": with `concurrency`
/// requests in flight, each round trip lasts about wall * concurrency / requests.
fn server_share(busy: Duration, requests: u64, wall: Duration, concurrency: usize) -> String {
    let handled = busy.as_secs_f64() * 1e6 / requests as f64;
    let round_trip = wall.as_secs_f64() * 1e6 * concurrency as f64 / requests as f64;
    format!(
        "server {handled:.0} µs of a {round_trip:.0} µs round trip per request ({:.0}%)",
        100.0 * handled / round_trip
    )
}

#[tokio::main]
async fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench` to measure");
        return;
    }
    list_100k().await;
    import_10k().await;
}
