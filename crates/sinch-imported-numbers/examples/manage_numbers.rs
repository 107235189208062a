//! A small command-line tool over the SDK, configured from the environment.
//!
//! ```sh
//! export SINCH_PROJECT_ID=... SINCH_KEY_ID=... SINCH_KEY_SECRET=...
//! # or try it against the local fake server:
//! #   cargo run -p sinch-imported-numbers-fake -- --port 8080
//! #   export SINCH_PROJECT_ID=demo SINCH_KEY_ID=fake-key-id SINCH_KEY_SECRET=fake-key-secret \
//! #          SINCH_IMPORTED_NUMBERS_URL=http://127.0.0.1:8080
//! cargo run --example manage_numbers -- import "(206) 555-0134" PLAN CAMPAIGN
//! cargo run --example manage_numbers -- list PLAN CAMPAIGN
//! cargo run --example manage_numbers -- rename +12065550134 "Front desk"
//! cargo run --example manage_numbers -- relink +12065550134 NEW_PLAN
//! cargo run --example manage_numbers -- delete +12065550134
//! ```

use futures::TryStreamExt;
use sinch_imported_numbers::{Client, ListFilter, NumberImport, PhoneNumber, Region};

const USAGE: &str =
    "usage: manage_numbers (list PLAN CAMPAIGN | import NUMBER PLAN CAMPAIGN | get NUMBER | \
                     rename NUMBER NAME | relink NUMBER PLAN | delete NUMBER)";

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Err(e) = run(&args).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    // Numbers are accepted as people write them, read as US/CA numbers.
    let number = |text: &str| PhoneNumber::parse_with_region(text, Region::Us);
    let client = Client::from_env()?;
    match words.as_slice() {
        ["list", plan, campaign] => {
            let mut numbers = client
                .list(ListFilter::new(*plan, *campaign))
                .page_size(100)
                .items();
            while let Some(n) = numbers.try_next().await? {
                println!(
                    "{}\t{}\t{}",
                    n.phone_number(),
                    n.region_code().unwrap_or("-"),
                    n.display_name().unwrap_or("-")
                );
            }
        }
        ["import", text, plan, campaign] => {
            let imported = client
                .import(
                    NumberImport::new(number(text)?)
                        .service_plan_id(*plan)
                        .campaign_id(*campaign),
                )
                .await?;
            println!("imported {}", imported.phone_number());
        }
        ["get", text] => println!("{:#?}", client.get(&number(text)?).await?),
        ["rename", text, name] => {
            let updated = client
                .update(&number(text)?)
                .display_name(*name)
                .send()
                .await?;
            println!("renamed to {:?}", updated.display_name());
        }
        ["relink", text, plan] => {
            client.relink_service_plan(&number(text)?, plan).await?;
            println!("now on service plan {plan}");
        }
        ["delete", text] => {
            client.delete(&number(text)?).await?;
            println!("deleted");
        }
        _ => return Err(USAGE.into()),
    }
    Ok(())
}
