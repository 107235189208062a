//! `cargo bench -p sinch-numbers-cli --bench cli`: the CLI's bulk paths
//! against the in-process fake, with figures printed, not asserted:
//! importing a 10,000-row CSV, and listing 10,000 and 100,000 numbers to CSV,
//! each with rows/s and the peak heap growth while it ran. Listing memory
//! should be flat: the same growth for 10,000 as for 100,000. Then the same
//! 10,000-row import against a fake in an outage (every request answered
//! `503`, then every connection refused): how long the CLI takes to give
//! up, and how many requests reached the fake.
//!
//! The CLI runs in this process (`sinch_numbers_cli::run`) so a counting
//! allocator can see its heap; the fake's own numbers are allocated before
//! each measurement starts.

#[path = "../../sinch-imported-numbers/benches/heap/mod.rs"]
mod heap;

use std::time::Instant;

use sinch_imported_numbers_api::types::{ImportedNumber, SmsConfiguration};
use sinch_imported_numbers_fake::{FakeServer, Outage};

const PROJECT: &str = "bench";

/// Runs the CLI with `args` after the connection flags; returns the seconds
/// it took and the peak heap growth in KiB.
fn measure(connection: &[String], args: &[&str]) -> (f64, f64) {
    let peak = heap::PeakGrowth::start();
    let started = Instant::now();
    let argv = std::iter::once("sinch-numbers".to_owned())
        .chain(connection.iter().cloned())
        .chain(args.iter().map(|a| a.to_string()));
    let status = sinch_numbers_cli::run(argv, &mut std::io::sink());
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(status, std::process::ExitCode::SUCCESS, "{args:?}");
    let grown = peak.bytes();
    (seconds, grown as f64 / 1024.0)
}

/// Runs the CLI with `args` after the connection flags against a service
/// that is down: the seconds until it gave up (it must fail).
fn give_up(connection: &[String], args: &[&str]) -> f64 {
    let started = Instant::now();
    let argv = std::iter::once("sinch-numbers".to_owned())
        .chain(connection.iter().cloned())
        .chain(args.iter().map(|a| a.to_string()));
    let status = sinch_numbers_cli::run(argv, &mut std::io::sink());
    assert_ne!(status, std::process::ExitCode::SUCCESS, "{args:?}");
    started.elapsed().as_secs_f64()
}

fn seed(server: &FakeServer, plan: &str, first: usize, count: usize) {
    let numbers = (first..first + count).map(|i| ImportedNumber {
        phone_number: Some(format!("+1206{:07}", 2_000_000 + i)),
        region_code: Some("US".into()),
        display_name: Some("seeded".into()),
        sms_configuration: Some(SmsConfiguration {
            service_plan_id: Some(plan.into()),
            campaign_id: Some("campaign".into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(server.seed(PROJECT, numbers), count);
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let server = runtime
        .block_on(FakeServer::builder().max_page_size(1000).start())
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret");
    std::fs::write(&secret, server.key_secret()).unwrap();
    let connection: Vec<String> = [
        "--project-id",
        PROJECT,
        "--key-id",
        server.key_id(),
        "--key-secret-file",
        secret.to_str().unwrap(),
        "--base-url",
        &server.base_url(),
    ]
    .map(str::to_owned)
    .to_vec();

    println!("sinch-numbers against the in-process fake (one run each)");
    let sheet = dir.path().join("import.csv");
    let mut text = String::from("number,display name\n");
    for i in 0..10_000 {
        text.push_str(&format!(
            "(415) 5{:02}-{:04},row {i}\n",
            20 + i / 10_000,
            i % 10_000
        ));
    }
    std::fs::write(&sheet, text).unwrap();
    let (seconds, kib) = measure(
        &connection,
        &[
            "import",
            "--csv",
            sheet.to_str().unwrap(),
            "--service-plan-id",
            "import-plan",
            "--concurrency",
            "16",
            "--no-progress",
        ],
    );
    assert_eq!(server.number_count(PROJECT), 10_000);
    println!(
        "  import 10,000-row CSV: {:>8.0} rows/s  ({seconds:.2} s), peak heap +{kib:.0} KiB (the fake storing 10,000 numbers included)",
        10_000.0 / seconds
    );

    seed(&server, "small", 100_000, 10_000);
    seed(&server, "big", 200_000, 100_000);
    for (plan, rows) in [("small", 10_000), ("big", 100_000)] {
        let (seconds, kib) = measure(
            &connection,
            &[
                "list",
                "--service-plan-id",
                plan,
                "--campaign-id",
                "campaign",
                "--page-size",
                "1000",
                "-o",
                "csv",
            ],
        );
        println!(
            "  list {rows:>7} to CSV:    {:>8.0} rows/s  ({seconds:.2} s), peak heap +{kib:.0} KiB",
            rows as f64 / seconds
        );
    }

    // The same sheet against a service that is down (new numbers, so a
    // server that came back would import them).
    let down = dir.path().join("down.csv");
    std::fs::write(
        &down,
        std::fs::read_to_string(&sheet)
            .unwrap()
            .replace("(415) 5", "(206) 5"),
    )
    .unwrap();
    let import = [
        "import",
        "--csv",
        down.to_str().unwrap(),
        "--service-plan-id",
        "import-plan",
        "--no-progress",
    ];
    for (outage, what) in [
        (
            Outage::Status(http::StatusCode::SERVICE_UNAVAILABLE),
            "every request answered 503",
        ),
        (Outage::RefuseConnections, "every connection refused  "),
    ] {
        server.set_outage(Some(outage));
        let before = server.stats();
        let seconds = give_up(&connection, &import);
        let reached = server.stats().since(before).total();
        server.set_outage(None);
        println!(
            "  import 10,000 rows, {what}: gave up in {seconds:.2} s, {reached} requests (or connections) reached the fake"
        );
    }
}
