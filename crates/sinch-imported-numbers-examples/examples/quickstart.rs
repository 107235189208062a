//! The SDK's main job, end to end, with no account and no network.
//!
//! Starts the in-process fake Imported Numbers server on loopback, then uses
//! the SDK to import numbers, list them page by page, fetch one, update it,
//! move it to another service plan, and delete it.
//!
//! `cargo run --example quickstart`
//!
//! To run the same code against Sinch, build the client with
//! `Client::from_env()` (SINCH_PROJECT_ID, SINCH_KEY_ID, SINCH_KEY_SECRET).

use futures::TryStreamExt;
use sinch_imported_numbers::{Client, ErrorKind, ListFilter, NumberImport, PhoneNumber, Region};
use sinch_imported_numbers_fake::FakeServer;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start().await?;
    println!("fake Imported Numbers API on {}\n", server.base_url());

    let client = Client::builder()
        .project_id("quickstart-project")
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .build()?;

    // Numbers as people write them; each becomes canonical E.164 or a clear error.
    let typed = [
        "(206) 555-0134",
        "206.555.0135",
        "+1 416-555-0136",
        "1-312-555-0137",
        "+1 911 555 0100",
    ];
    let mut numbers = Vec::new();
    for text in typed {
        match PhoneNumber::parse_with_region(text, Region::Us) {
            Ok(n) => {
                println!(
                    "parsed  {text:<18} -> {n} ({})",
                    n.region().map_or("?", |r| r.code())
                );
                numbers.push(n);
            }
            Err(e) => println!("refused {text:<18} -> {e}"),
        }
    }

    println!("\n== import (bulk, 4 at a time)");
    let imports = numbers.clone().into_iter().map(|n| {
        let name = format!("line {}", &n.as_str()[8..]);
        NumberImport::new(n)
            .display_name(name)
            .service_plan_id("plan-a")
            .campaign_id("campaign-1")
    });
    let report = client.import_many(imports).concurrency(4).run().await;
    for outcome in &report.outcomes {
        println!("  {} -> {}", outcome.number, outcome.result_kind());
    }
    let again = client
        .import(NumberImport::new(numbers[0].clone()))
        .await
        .unwrap_err();
    println!(
        "  importing {} again -> {:?}: {again}",
        numbers[0],
        again.kind()
    );

    println!("\n== list, 2 per page");
    let mut pages = client
        .list(ListFilter::new("plan-a", "campaign-1"))
        .page_size(2)
        .pages();
    while let Some(page) = pages.try_next().await? {
        let listed: Vec<_> = page
            .items
            .iter()
            .map(|n| n.phone_number().as_str())
            .collect();
        println!(
            "  page: {listed:?} (total {:?}, next token {:?})",
            page.total_size.unwrap_or(0),
            page.next_page_token
        );
    }

    let first = &numbers[0];
    println!("\n== get {first}");
    let got = client.get(first).await?;
    println!(
        "  display name {:?}, region {:?}, provisioning {:?}",
        got.display_name(),
        got.region(),
        got.provisioning().outcome()
    );

    println!("\n== update display name");
    let request = client.update(first).display_name("Front desk");
    println!("  updateMask = {}", request.mask());
    let updated = request.send().await?;
    println!("  now {:?}", updated.display_name());

    println!("\n== move to another service plan");
    let direct = client
        .update(first)
        .service_plan_id("plan-b")
        .send()
        .await
        .unwrap_err();
    println!("  linking directly -> {:?}: {direct}", direct.kind());
    let moved = client.relink_service_plan(first, "plan-b").await?;
    println!(
        "  relink (unlink, then link) -> service plan {:?}",
        moved.service_plan_id()
    );

    println!("\n== delete {first}");
    client.delete(first).await?;
    match client.get(first).await {
        Err(e) if e.kind() == ErrorKind::NotFound => println!("  gone: {e}"),
        other => println!("  unexpected: {other:?}"),
    }
    println!(
        "\n{} numbers left in the project",
        server.number_count("quickstart-project")
    );
    Ok(())
}

/// A one-word summary of a bulk outcome, for printing.
trait ResultKind {
    fn result_kind(&self) -> &'static str;
}

impl ResultKind for sinch_imported_numbers::ImportOutcome {
    fn result_kind(&self) -> &'static str {
        match self.result {
            sinch_imported_numbers::ImportResult::Imported(_) => "imported",
            sinch_imported_numbers::ImportResult::AlreadyExisted => "already existed",
            sinch_imported_numbers::ImportResult::Failed(_) => "failed",
            _ => "other",
        }
    }
}
