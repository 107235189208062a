//! `qualified list|get|delete`: numbers whose ownership is being proven, in
//! every output format; deletes ask first, as `delete` does.

use std::io::Write;

use sinch_imported_numbers::qualified_numbers::{QualifiedNumber, QualifiedNumberFilter};
use sinch_imported_numbers::Client;

use crate::args::{GetArgs, QualifiedCommand, QualifiedDeleteArgs, QualifiedListArgs};
use crate::failure::{self, Failure};
use crate::output::{column, json, reasons, text, Column, Record};

use super::orders::order_by;
use super::{
    confirm, delete_all, distinct, io, number, sdk_failure, stream_listing, write_one, Target,
    NO_PROJECT,
};

/// The advice when the server does not know the number.
const NOT_QUALIFIED: &str = "the number is not a qualified number of this project";

/// Runs one `qualified` subcommand.
pub async fn run(
    client: &Client,
    command: QualifiedCommand,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    match command {
        QualifiedCommand::List(args) => list(client, args, out).await,
        QualifiedCommand::Get(args) => get(client, args, out).await,
        QualifiedCommand::Delete(args) => delete(client, args, out).await,
    }
}

/// `qualified list`: streams every number in the state.
async fn list(
    client: &Client,
    args: QualifiedListArgs,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    let mut filter = QualifiedNumberFilter::new(args.state);
    if let Some(region) = args.region {
        filter = filter.region(region);
    }
    if let Some(order) = args.order_by {
        filter = filter.order_by(order_by(order));
    }
    let numbers = client
        .qualified_numbers()
        .list(filter)
        .page_size(args.page_size)
        .items();
    stream_listing(numbers, args.output, out, "numbers", NO_PROJECT).await
}

/// `qualified get`.
async fn get(client: &Client, args: GetArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let n = number(&args.number, args.default_region)?;
    let got = client
        .qualified_numbers()
        .get(&n)
        .await
        .map_err(|e| sdk_failure(n.as_str(), &e, NOT_QUALIFIED))?;
    write_one(&got, args.output, out)
}

/// `qualified delete`: every number is read first (a bad one stops it all
/// before anything is sent), then confirmed unless `--yes`; a number already
/// gone counts as deleted.
async fn delete(
    client: &Client,
    args: QualifiedDeleteArgs,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    let targets = args
        .numbers
        .iter()
        .map(|written| {
            let n = number(written, args.default_region)?;
            Ok((0, written.clone(), Ok(n)))
        })
        .collect::<Result<Vec<Target>, Failure>>()?;
    let targets = distinct(targets);
    if !args.yes
        && !confirm(&format!(
            "Delete {} qualified number(s) from project {}?",
            targets.len(),
            client.project_id()
        ))?
    {
        writeln!(out, "nothing deleted").map_err(io)?;
        return Ok(failure::OK);
    }
    let qualified = client.qualified_numbers();
    delete_all(targets, args.output, out, |n| {
        let qualified = qualified.clone();
        async move { qualified.delete(&n).await }
    })
    .await
}

impl Record for QualifiedNumber {
    const COLUMNS: &'static [&'static str] = &[
        "phone_number",
        "region",
        "state",
        "osr_eligibility",
        "osr_eligibility_error",
        "ownership_verification",
        "ownership_verification_error",
        "hosting",
        "hosting_error",
        "created_time",
        "updated_time",
        "errors",
    ];
    const TABLE: &'static [Column] = &[
        column("NUMBER", 0, 16, false),
        column("REGION", 1, 6, false),
        column("STATE", 2, 43, false),
        column("OSR ELIGIBILITY", 3, 15, false),
        column("OWNERSHIP", 5, 11, false),
        column("HOSTING", 7, 21, false),
        column("CREATED", 9, 27, false),
        column("ERRORS", 11, 0, false),
    ];

    fn fields(&self) -> Vec<String> {
        let osr = self.osr_eligibility();
        let ownership = self.ownership_verification();
        let hosting = self.hosting();
        vec![
            self.phone_number().to_string(),
            text(self.region_code()),
            text(self.state()),
            text(osr.and_then(|s| s.state())),
            text(osr.and_then(|s| s.error())),
            text(ownership.and_then(|s| s.state())),
            text(ownership.and_then(|s| s.error())),
            text(hosting.and_then(|h| h.status())),
            text(hosting.and_then(|h| h.error())),
            text(self.created()),
            text(self.updated()),
            reasons(
                [
                    ("osrEligibility", osr.and_then(|s| s.error())),
                    ("ownershipVerification", ownership.and_then(|s| s.error())),
                    ("hosting", hosting.and_then(|h| h.error())),
                ]
                .map(|(name, error)| (name, error.into_iter().collect())),
            ),
        ]
    }

    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()> {
        json(self.raw(), out, pretty)
    }
}
