//! Runs the fake Imported Numbers and Hosting Orders API server until
//! interrupted, optionally with demo data to look at.
//!
//! `cargo run -p sinch-imported-numbers-fake -- [--port N] [--seed-demo PROJECT]
//! [--rate-limit PER_SECOND [--burst N]] [--outage STATUS] [--flow-delay-ms N]`

use std::time::Duration;

use axum::http::StatusCode;
use clap::Parser;
use sinch_imported_numbers_api::open_enum::{
    GlobalProcessState, HostingOrderState, HostingOrderType, HostingStatus, State,
};
use sinch_imported_numbers_fake::{
    FakeServer, HostingOrderNumberSeed, HostingOrderSeed, HostingStep, QualifiedNumberSeed,
};

/// A local, in-memory Imported Numbers and Hosting Orders API for trying the
/// SDK and the `sinch-numbers` CLI without a Sinch account. Loopback only.
#[derive(Debug, Parser)]
#[command(name = "sinch-imported-numbers-fake", version)]
struct Args {
    /// The port on 127.0.0.1 to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    port: u16,

    /// Fill PROJECT with demo hosting orders (completed, in progress with a
    /// failed number, waiting for a signature) and qualified numbers in
    /// several states, and print their ids.
    #[arg(long, value_name = "PROJECT")]
    seed_demo: Option<String>,

    /// Limit each project to PER_SECOND API requests a second (a token
    /// bucket); requests over it are answered 429 with Retry-After.
    #[arg(long, value_name = "PER_SECOND", value_parser = positive_rate)]
    rate_limit: Option<f64>,

    /// How many requests a project may send at once under --rate-limit
    /// (the bucket's size). Default: PER_SECOND rounded up.
    #[arg(long, value_name = "N", requires = "rate_limit", value_parser = clap::value_parser!(u32).range(1..))]
    burst: Option<u32>,

    /// Answer every API request with this HTTP status (400 to 599, e.g.
    /// 503) in the API's error shape, to try clients against an outage.
    /// The token endpoint and /_fake/stats keep working.
    #[arg(long, value_name = "STATUS", value_parser = outage_status)]
    outage: Option<StatusCode>,

    /// How long each asynchronous step of a hosting order or a qualified
    /// number takes, in milliseconds (default 100). Invoices are reviewed
    /// after four such steps.
    #[arg(long, value_name = "N")]
    flow_delay_ms: Option<u64>,
}

fn positive_rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(rate) if rate.is_finite() && rate > 0.0 => Ok(rate),
        _ => Err(format!(
            "{text:?} is not a positive number of requests per second"
        )),
    }
}

fn outage_status(text: &str) -> Result<StatusCode, String> {
    text.parse::<u16>()
        .ok()
        .filter(|code| (400..=599).contains(code))
        .and_then(|code| StatusCode::from_u16(code).ok())
        .ok_or_else(|| format!("{text:?} is not an HTTP error status (400 to 599)"))
}

/// The burst when --burst is not given: one second's worth of requests.
fn default_burst(rate: f64) -> u32 {
    // `as` saturates: a huge rate gives u32::MAX.
    (rate.ceil() as u32).max(1)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut builder = FakeServer::builder().port(args.port);
    if let Some(rate) = args.rate_limit {
        builder = builder.rate_limit(rate, args.burst.unwrap_or_else(|| default_burst(rate)));
    }
    if let Some(status) = args.outage {
        builder = builder.outage(status);
    }
    if let Some(ms) = args.flow_delay_ms {
        builder = builder.flow_delay(Duration::from_millis(ms));
    }
    let server = match builder.start().await {
        Ok(server) => server,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{}: {e}", args.port);
            std::process::exit(1);
        }
    };
    println!(
        "Imported Numbers and Hosting Orders fake listening on {}",
        server.base_url()
    );
    println!("  SINCH_IMPORTED_NUMBERS_URL={}", server.base_url());
    println!(
        "  SINCH_KEY_ID={}  SINCH_KEY_SECRET={}",
        server.key_id(),
        server.key_secret()
    );
    println!("  OAuth2 token URL: {}", server.token_url());
    if let Some(rate) = args.rate_limit {
        let burst = args.burst.unwrap_or_else(|| default_burst(rate));
        println!("  rate limit: {rate} requests/s per project, burst {burst}");
    }
    if let Some(status) = args.outage {
        println!("  outage: every API request is answered {status}");
    }
    println!("  counters (test helper): GET {}", server.stats_url());
    println!(
        "  sign a hosting order's letter (test helper): POST {}/_fake/projects/PROJECT/hostingOrders/ID:signLoa",
        server.base_url()
    );
    println!(
        "  hear a voice challenge's code (test helper): GET {}/_fake/projects/PROJECT/qualifiedNumbers/NUMBER/voiceCode",
        server.base_url()
    );
    if let Some(ms) = args.flow_delay_ms {
        println!("  each step of a hosting order or qualified number: {ms} ms");
    }
    if let Some(project) = &args.seed_demo {
        seed_demo(&server, project);
    }
    std::future::pending::<()>().await;
}

/// Demo data under fixed ids, so a walkthrough can name them.
fn seed_demo(server: &FakeServer, project: &str) {
    let order = |id: &str, state, order_type| {
        HostingOrderSeed::new()
            .id(id)
            .state(state)
            .order_type(order_type)
            .service_plan_id("plan-a")
            .campaign_id("c1")
    };
    let orders = [
        order(
            "demo-import-completed",
            HostingOrderState::Completed,
            HostingOrderType::Import,
        )
        .display_name("Imported last week")
        .number(HostingOrderNumberSeed::new("+12065550111").all_steps(State::Done))
        .number(HostingOrderNumberSeed::new("+12065550112").all_steps(State::Done)),
        order(
            "demo-text-enable-in-progress",
            HostingOrderState::InProgress,
            HostingOrderType::TextEnable,
        )
        .display_name("Front desk lines")
        .number(HostingOrderNumberSeed::new("+12065550121").all_steps(State::Done))
        .number(
            HostingOrderNumberSeed::new("+12065550122")
                .step(HostingStep::OsrUpdate, State::Done)
                .step(HostingStep::PlatformProvisioning, State::Failed)
                .step(HostingStep::SmsTmo, State::Failed),
        )
        .number(
            HostingOrderNumberSeed::new("+12065550123")
                .step(HostingStep::OsrUpdate, State::InProgress),
        ),
        order(
            "demo-text-enable-awaiting-signature",
            HostingOrderState::WaitingForLoaSignature,
            HostingOrderType::TextEnable,
        )
        .display_name("New branch")
        .number(HostingOrderNumberSeed::new("+12065550131")),
    ];
    println!("Demo data in project {project}:");
    for seed in orders {
        let id = server.seed_hosting_order(project, seed);
        println!("  hosting order {id}");
    }
    let qualified = [
        QualifiedNumberSeed::new("+12065550141", GlobalProcessState::Verified),
        QualifiedNumberSeed::new("+12065550142", GlobalProcessState::VerificationPending),
        QualifiedNumberSeed::new("+12065550143", GlobalProcessState::NotEligible)
            .osr_eligibility(State::Failed, "the carrier refused the OSR update"),
        QualifiedNumberSeed::new("+12065550144", GlobalProcessState::HostingDone)
            .hosted_number(HostingStatus::Hosted, ""),
    ];
    for seed in qualified {
        server.seed_qualified_number(project, seed);
    }
    println!("  qualified numbers +12065550141 to +12065550144");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_flags_parse() {
        let args =
            Args::try_parse_from(["fake", "--rate-limit", "2.5", "--outage", "503"]).unwrap();
        assert_eq!(args.rate_limit, Some(2.5));
        assert_eq!(args.burst, None);
        assert_eq!(default_burst(2.5), 3);
        assert_eq!(default_burst(0.1), 1);
        assert_eq!(args.outage, Some(StatusCode::SERVICE_UNAVAILABLE));
        let args = Args::try_parse_from(["fake", "--rate-limit", "200", "--burst", "20"]).unwrap();
        assert_eq!((args.rate_limit, args.burst), (Some(200.0), Some(20)));
    }

    #[test]
    fn flow_delay_flag_parses() {
        let args = Args::try_parse_from(["fake", "--flow-delay-ms", "2500"]).unwrap();
        assert_eq!(args.flow_delay_ms, Some(2500));
        assert_eq!(Args::try_parse_from(["fake"]).unwrap().flow_delay_ms, None);
        assert!(Args::try_parse_from(["fake", "--flow-delay-ms", "soon"]).is_err());
    }

    #[test]
    fn bad_limit_flags_are_refused() {
        for bad in [
            &["fake", "--rate-limit", "0"][..],
            &["fake", "--rate-limit", "-3"],
            &["fake", "--rate-limit", "inf"],
            &["fake", "--burst", "5"],
            &["fake", "--rate-limit", "5", "--burst", "0"],
            &["fake", "--outage", "200"],
            &["fake", "--outage", "down"],
        ] {
            assert!(Args::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }
}
