//! Pagination: what prefetching gains against a server with latency, and
//! that memory stays flat however many numbers are listed.
//!
//! `cargo bench -p sinch-imported-numbers --bench pagination`

mod heap;
mod support;

use std::time::{Duration, Instant};

use futures::TryStreamExt;
use sinch_imported_numbers::ListFilter;
use sinch_imported_numbers_fake::FakeServer;
use support::{CAMPAIGN, PLAN};

const PAGE_SIZE: u32 = 100;

async fn prefetch_gain() {
    let latency = Duration::from_millis(20);
    let work_per_page = Duration::from_millis(20);
    let server = FakeServer::builder()
        .latency(latency)
        .start()
        .await
        .unwrap();
    support::seed(&server, "p", 2_000);
    let client = support::client(&server, "p");
    println!("prefetch: 2 000 numbers in pages of {PAGE_SIZE}, server latency {latency:?}, caller works {work_per_page:?} per page");
    let mut times = Vec::new();
    for prefetch in [false, true] {
        let started = Instant::now();
        let mut pages = client
            .list(ListFilter::new(PLAN, CAMPAIGN))
            .page_size(PAGE_SIZE)
            .prefetch(prefetch)
            .pages();
        let mut count = 0;
        while let Some(page) = pages.try_next().await.unwrap() {
            count += page.items.len();
            tokio::time::sleep(work_per_page).await;
        }
        assert_eq!(count, 2_000);
        let took = started.elapsed();
        println!(
            "  prefetch {:<5}: {:>7.1} ms",
            prefetch,
            took.as_secs_f64() * 1e3
        );
        times.push(took);
    }
    println!(
        "  prefetching is {:.2}x faster",
        times[0].as_secs_f64() / times[1].as_secs_f64()
    );
}

async fn flat_memory() {
    let server = FakeServer::builder()
        .max_page_size(1000)
        .start()
        .await
        .unwrap();
    let sizes = [10_000, 100_000];
    for (i, n) in sizes.iter().enumerate() {
        support::seed(&server, &format!("p{i}"), *n);
    }
    println!("memory: peak heap growth while streaming every number with .items() (client and in-process server together)");
    for (i, n) in sizes.iter().enumerate() {
        let client = support::client(&server, &format!("p{i}"));
        let peak = heap::PeakGrowth::start();
        let started = Instant::now();
        let mut items = client
            .list(ListFilter::new(PLAN, CAMPAIGN))
            .page_size(PAGE_SIZE)
            .items();
        let mut count = 0usize;
        while let Some(number) = items.try_next().await.unwrap() {
            count += usize::from(number.phone_number().is_nanp());
        }
        assert_eq!(count, *n);
        let grown = peak.bytes();
        println!(
            "  {n:>7} numbers: peak +{:>6.1} KiB ({:.0} numbers/s)",
            grown as f64 / 1024.0,
            *n as f64 / started.elapsed().as_secs_f64()
        );
    }
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent; keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("run with `cargo bench` to measure");
        return;
    }
    prefetch_gain().await;
    flat_memory().await;
}
