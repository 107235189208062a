//! Bulk imports against a rate-limited project: 10 000 imports through the
//! fake server with a limit of 200 requests a second and a burst of 20, with
//! the adaptive rate (the default, nothing tuned) and with fixed concurrency
//! of 8 and of 64 (adaptive off, each call waiting out its own 429s; at most
//! 2 000 imports, which take minutes). For each: imports a second as a
//! fraction of the limit, and the share of requests refused with 429.
//! Figures are printed, not asserted.
//!
//! `cargo bench -p sinch-imported-numbers --bench throttling [-- IMPORTS]`
//! (`THROTTLING_TRACE=1` logs each `429` the limiter learns from to stderr)

// Only the number generator and the plan are used here.
#[allow(dead_code)]
mod support;

use std::time::Instant;

use futures::StreamExt;
use sinch_imported_numbers::{AuthMode, Client, ImportResult, NumberImport, PhoneNumber};
use sinch_imported_numbers_fake::FakeServer;
use support::PLAN;

const LIMIT: f64 = 200.0;
const BURST: u32 = 20;

#[derive(Clone, Copy, Debug)]
enum Mode {
    Adaptive,
    Fixed(usize),
}

async fn run(mode: Mode, imports: usize) {
    let server = FakeServer::builder()
        .rate_limit(LIMIT, BURST)
        .start()
        .await
        .unwrap();
    // The default retry policy: a 429 is retried (by the group or the call).
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id("p")
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let numbers = support::phone_numbers(imports)
        .map(|n| NumberImport::new(PhoneNumber::parse(&n).unwrap()).service_plan_id(PLAN));
    let bulk = client.import_many(numbers.collect::<Vec<_>>());
    let bulk = match mode {
        Mode::Adaptive => bulk,
        Mode::Fixed(n) => bulk.adaptive(false).concurrency(n),
    };
    let started = Instant::now();
    let outcomes: Vec<_> = bulk.stream().collect().await;
    let wall = started.elapsed().as_secs_f64();
    let imported = outcomes
        .iter()
        .filter(|o| matches!(o.result, ImportResult::Imported(_)))
        .count();
    let stats = server.stats();
    let sent = stats.answered + stats.throttled;
    let rate = imported as f64 / wall;
    println!(
        "{:<22} {imported:>6} imported ({} failed) in {wall:>6.1} s: {rate:>6.1}/s = {:.3} of the limit; {:>5} of {sent:>6} requests refused (429) = {:.3}",
        match mode {
            Mode::Adaptive => "adaptive (default)".to_owned(),
            Mode::Fixed(n) => format!("fixed concurrency {n}"),
        },
        outcomes.len() - imported,
        rate / LIMIT,
        stats.throttled,
        stats.throttled as f64 / sent.max(1) as f64,
    );
}

fn main() {
    if std::env::var_os("THROTTLING_TRACE").is_some() {
        use tracing_subscriber::layer::SubscriberExt;
        use tracing_subscriber::util::SubscriberInitExt;
        let only_the_limiter = tracing_subscriber::filter::Targets::new().with_target(
            "sinch_imported_numbers::core::adaptive",
            tracing::Level::DEBUG,
        );
        tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .with(only_the_limiter)
            .init();
    }
    let imports = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    println!("{imports} imports, limit {LIMIT}/s, burst {BURST}, one project");
    runtime.block_on(run(Mode::Adaptive, imports));
    // Fixed concurrency takes minutes per thousand imports here: a sample
    // shows its rate.
    for n in [8, 64] {
        runtime.block_on(run(Mode::Fixed(n), imports.min(2000)));
    }
}
