//! Runs the fake Imported Numbers and Hosting Orders API server until
//! interrupted, optionally with demo data to look at.
//!
//! `cargo run -p sinch-imported-numbers-fake -- [--port N] [--seed-demo PROJECT]`

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
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let server = match FakeServer::builder().port(args.port).start().await {
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
