//! Pagination: what prefetching gains against a server with latency, and
//! that memory stays flat however many numbers are listed.
//!
//! `cargo bench -p sinch-imported-numbers --bench pagination`

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use sinch_imported_numbers::ListFilter;
use sinch_imported_numbers_fake::FakeServer;
use support::{CAMPAIGN, PLAN};

/// Counts live heap bytes and their peak, to show memory use while streaming.
struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarding to the system allocator with the caller's layout.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

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
            count += page.numbers.len();
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
        let baseline = LIVE.load(Ordering::Relaxed);
        PEAK.store(baseline, Ordering::Relaxed);
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
        let grown = PEAK.load(Ordering::Relaxed) - baseline;
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
