//! `orders list|get|report|numbers|wait`: hosting orders, their reports
//! and the progress of their numbers, in every output format, and the wait
//! for an order to end (`orders import` is in `onboarding.rs`).

use std::io::Write;
use std::time::Duration;

use futures::TryStreamExt;

use sinch_imported_numbers::hosting_orders::{
    HostingOrder, HostingOrderFilter, HostingOrderNumber, HostingOrderNumberFilter,
    HostingOrderReport, OrderWaitOutcome,
};
use sinch_imported_numbers::{Carrier, Client, ErrorKind, OrderBy};

use crate::args::{
    Format, OrderArg, OrderArgs, OrderNumbersArgs, OrdersCommand, OrdersListArgs, OrdersWaitArgs,
};
use crate::failure::{self, Failure};
use crate::output::{column, json, reasons, spreadsheet_safe, text, visible, Column, Record};
use crate::progress::Progress;

use super::{number, sdk_failure, stream_listing, write_one, NO_PROJECT};

/// The advice when the server does not know the order (or the number).
const NO_ORDER: &str =
    "no hosting order with this id in this project: see `sinch-numbers orders list`";

/// Runs one `orders` subcommand.
pub async fn run(
    client: &Client,
    command: OrdersCommand,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    match command {
        OrdersCommand::List(args) => list(client, args, out).await,
        OrdersCommand::Get(args) => get(client, args, out).await,
        OrdersCommand::Report(args) => report(client, args, out).await,
        OrdersCommand::Numbers(args) => numbers(client, args, out).await,
        OrdersCommand::Import(args) => {
            super::onboarding::orders_import(Some(client), args, out, show_progress).await
        }
        OrdersCommand::Wait(args) => wait(client, args, out, show_progress).await,
    }
}

/// `orders wait`: waits (a spinner on a terminal) until the order is over
/// or waits for its letter's signature, then prints how it ended: its
/// state, its report's counters and each failed number with why (also at
/// the deadline, from one more read). The exit
/// status says how it ended (see [`failure`]): 0 completed with every number
/// done, 3 completed with failed numbers, 4 rejected, 5 awaiting the
/// signature, 6 still going at the deadline.
async fn wait(
    client: &Client,
    args: OrdersWaitArgs,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let subject = format!("hosting order {}", visible(&args.id));
    let spinner = Progress::waiting(
        &format!("waiting for {subject}"),
        show_progress && !args.no_progress,
    );
    let waited = client
        .hosting_orders()
        .wait(&args.id)
        .poll_interval(args.poll_interval)
        .deadline(Duration::from_secs(args.timeout_minutes * 60))
        .through_signature(args.through_signature)
        .await;
    spinner.finish();
    let outcome = match waited {
        Ok(outcome) => outcome,
        Err(e) if e.kind() == ErrorKind::DeadlineExceeded => {
            return Err(deadline(client, &args, &subject, &e, out).await)
        }
        Err(e) => return Err(super::sdk_failure(&subject, &e, NO_ORDER)),
    };
    let end = End::of(&outcome);
    end.write(args.output, out).map_err(Failure::output)?;
    let order = outcome.order();
    match &outcome {
        OrderWaitOutcome::Completed(_) if end.failed.is_empty() => Ok(failure::OK),
        OrderWaitOutcome::Completed(_) => Err(Failure::with_status(
            format!(
                "{subject} completed, but {} of its numbers failed (listed above)",
                end.failed.len()
            ),
            failure::COMPLETED_WITH_FAILURES,
        )
        .hint(format!(
            "`sinch-numbers orders numbers {} NUMBER` shows a number's every step and carrier",
            visible(order.id())
        ))),
        OrderWaitOutcome::Rejected(_) => Err(Failure::with_status(
            format!("{subject} was rejected by Sinch"),
            failure::REFUSED,
        )
        .hint("ask your account manager why; the order's numbers were not hosted")),
        OrderWaitOutcome::AwaitingSignature(_) => {
            let email = order
                .text_enable_info()
                .and_then(|info| info.authorised_person())
                .and_then(|person| person.email());
            let to = match email {
                Some(email) => format!("e-mailed to {}", visible(email)),
                None => "e-mailed to the authorised person".to_owned(),
            };
            Err(Failure::with_status(
                format!(
                    "{subject} waits for its letter of authorization: a person must sign the LOA {to}"
                ),
                failure::AWAITING_SIGNATURE,
            )
            .hint(
                "the order goes on once it is signed; wait through the signature with \
                 --through-signature",
            ))
        }
        _ => Err(Failure::failed(format!(
            "{subject} needs someone at Sinch to act on some of its numbers ({})",
            end.state
        ))),
    }
}

/// The end of a wait at its deadline: the order is read once more (with
/// its report and failed numbers) and printed as for the other endings,
/// then the failure (exit status 6) says where it stands.
async fn deadline(
    client: &Client,
    args: &OrdersWaitArgs,
    subject: &str,
    error: &sinch_imported_numbers::Error,
    out: &mut dyn Write,
) -> Failure {
    let again = format!(
        "the order goes on without this wait: run `sinch-numbers orders wait {}` again, or with \
         a longer --timeout-minutes",
        visible(&args.id)
    );
    let end = match End::last_read(client, &args.id).await {
        Ok(end) => end,
        Err(e) => {
            // Nothing to print: say the SDK's words for the wait, and why
            // the order could not be shown.
            let said = error.to_string();
            let said = said
                .strip_prefix(&format!("hosting order {}: ", args.id))
                .unwrap_or(&said);
            return Failure::with_status(
                format!(
                    "{subject} has not ended: {said}; reading it once more failed: {}",
                    visible(&e.to_string())
                ),
                failure::DEADLINE,
            )
            .hint(again);
        }
    };
    if let Err(e) = end.write(args.output, out) {
        return Failure::output(e);
    }
    let state = if end.state.is_empty() {
        "without a state".to_owned()
    } else {
        visible(&end.state).into_owned()
    };
    let message = if args.timeout_minutes == 0 {
        format!(
            "{subject} has not ended: it is {state} (--timeout-minutes 0 reads the order once \
             and does not wait)"
        )
    } else {
        format!(
            "{subject} has not ended: still {state} after waiting {}",
            minutes(args.timeout_minutes)
        )
    };
    Failure::with_status(message, failure::DEADLINE).hint(again)
}

/// `1 minute`, `90 minutes`, `2 hours`.
fn minutes(count: u64) -> String {
    let (count, unit) = if count >= 60 && count.is_multiple_of(60) {
        (count / 60, "hour")
    } else {
        (count, "minute")
    };
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// How an order ended, as `orders wait` prints it.
struct End {
    id: String,
    state: String,
    outcome: &'static str,
    report: Option<HostingOrderReport>,
    /// Each failed number with why.
    failed: Vec<(String, String)>,
}

/// Each failed number with why.
fn failures(numbers: &[HostingOrderNumber]) -> Vec<(String, String)> {
    numbers
        .iter()
        .filter_map(|n| {
            let why = n.failure()?;
            Some((n.phone_number().to_string(), why))
        })
        .collect()
}

impl End {
    /// The order as read now, with its report and failed numbers, for a
    /// wait that ended at its deadline.
    async fn last_read(client: &Client, id: &str) -> sinch_imported_numbers::Result<Self> {
        let orders = client.hosting_orders();
        let order = orders.get(id).await?;
        let report = orders.report(id).await?;
        let numbers: Vec<HostingOrderNumber> = orders
            .numbers(id, HostingOrderNumberFilter::new())
            .items()
            .try_filter(|n| std::future::ready(n.failure().is_some()))
            .try_collect()
            .await?;
        Ok(End {
            id: order.id().to_owned(),
            state: text(order.state()),
            outcome: "still-going",
            report: Some(report),
            failed: failures(&numbers),
        })
    }

    fn of(outcome: &OrderWaitOutcome) -> Self {
        let order = outcome.order();
        let summary = outcome.summary();
        let failed = summary
            .map(|s| failures(&s.failed_numbers))
            .unwrap_or_default();
        let word = match outcome {
            OrderWaitOutcome::Completed(_) if failed.is_empty() => "completed",
            OrderWaitOutcome::Completed(_) => "completed-with-failures",
            OrderWaitOutcome::Rejected(_) => "rejected",
            OrderWaitOutcome::AwaitingSignature(_) => "awaiting-signature",
            _ => "needs-manual-action",
        };
        End {
            id: order.id().to_owned(),
            state: text(order.state()),
            outcome: word,
            report: summary.map(|s| s.report.clone()),
            failed,
        }
    }

    fn write(&self, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
        match format {
            Format::Table => {
                writeln!(
                    out,
                    "hosting order {}: {} ({})",
                    visible(&self.id),
                    visible(&self.state),
                    self.outcome
                )?;
                if let Some(report) = &self.report {
                    let count = |n: Option<u32>| text(n);
                    writeln!(
                        out,
                        "total {}, OSR updated {}, SMS provisioned {}, added to campaign {}, \
                         ongoing manual action {}",
                        count(report.total()),
                        count(report.osr_updated()),
                        count(report.sms_provisioned()),
                        count(report.added_to_campaign()),
                        count(report.ongoing_manual_action())
                    )?;
                    writeln!(out, "failed numbers: {}", self.failed.len())?;
                }
                for (number, why) in &self.failed {
                    writeln!(out, "{:<16} {}", visible(number), visible(why))?;
                }
                out.flush()
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(out);
                csv.write_record([
                    "hosting_order_id",
                    "state",
                    "outcome",
                    "phone_number",
                    "failure",
                ])?;
                let rows: Vec<(&str, &str)> = if self.failed.is_empty() {
                    vec![("", "")]
                } else {
                    self.failed
                        .iter()
                        .map(|(n, why)| (n.as_str(), why.as_str()))
                        .collect()
                };
                for (number, why) in rows {
                    csv.write_record(
                        [self.id.as_str(), &self.state, self.outcome, number, why]
                            .map(|cell| spreadsheet_safe(cell).into_owned()),
                    )?;
                }
                csv.flush()
            }
            Format::Json | Format::Jsonl => {
                let failed: Vec<serde_json::Value> = self
                    .failed
                    .iter()
                    .map(|(n, why)| serde_json::json!({"phoneNumber": n, "failure": why}))
                    .collect();
                let mut value = serde_json::json!({
                    "hostingOrderId": self.id,
                    "state": self.state,
                    "outcome": self.outcome,
                    "failedNumbers": failed,
                });
                if let Some(report) = &self.report {
                    value["report"] =
                        serde_json::to_value(report.raw()).map_err(std::io::Error::from)?;
                }
                json(&value, &mut *out, format == Format::Json)?;
                writeln!(out)
            }
        }
    }
}

/// The SDK's order for the flag's.
pub(super) fn order_by(order: OrderArg) -> OrderBy {
    match order {
        OrderArg::Created => OrderBy::CreatedTime,
        OrderArg::Updated => OrderBy::UpdatedTime,
    }
}

/// `orders list`: streams every matching order.
async fn list(client: &Client, args: OrdersListArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut filter = HostingOrderFilter::new(
        args.state,
        args.order_type,
        args.service_plan_id,
        args.campaign_id,
    );
    if let Some(region) = args.region {
        filter = filter.region(region);
    }
    if let Some(order) = args.order_by {
        filter = filter.order_by(order_by(order));
    }
    let orders = client
        .hosting_orders()
        .list(filter)
        .page_size(args.page_size)
        .items();
    stream_listing(orders, args.output, out, "orders", NO_PROJECT).await
}

/// `orders get`.
async fn get(client: &Client, args: OrderArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let order = client
        .hosting_orders()
        .get(&args.id)
        .await
        .map_err(|e| sdk_failure(&format!("hosting order {}", args.id), &e, NO_ORDER))?;
    write_one(&order, args.output, out)
}

/// `orders report`.
async fn report(client: &Client, args: OrderArgs, out: &mut dyn Write) -> Result<u8, Failure> {
    let report = client
        .hosting_orders()
        .report(&args.id)
        .await
        .map_err(|e| sdk_failure(&format!("hosting order {}", args.id), &e, NO_ORDER))?;
    write_one(&report, args.output, out)
}

/// `orders numbers`: streams the order's numbers, or shows the one given.
async fn numbers(
    client: &Client,
    args: OrderNumbersArgs,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    let orders = client.hosting_orders();
    if let Some(written) = &args.number {
        let n = number(written, args.default_region)?;
        let got = orders.number(&args.id, &n).await.map_err(|e| {
            sdk_failure(
                &format!("hosting order {}, number {n}", args.id),
                &e,
                "the order is not in this project, or the number is not in the order",
            )
        })?;
        return write_one(&got, args.output, out);
    }
    let mut filter = HostingOrderNumberFilter::new();
    if let Some(state) = args.osr_update {
        filter = filter.osr_update(state);
    }
    if let Some(state) = args.platform {
        filter = filter.platform_provisioning(state);
    }
    if let Some(state) = args.campaign {
        filter = filter.campaign_provisioning(state);
    }
    if let Some(order) = args.order_by {
        filter = filter.order_by(order_by(order));
    }
    let numbers = orders
        .numbers(&args.id, filter)
        .page_size(args.page_size)
        .items();
    stream_listing(numbers, args.output, out, "numbers", NO_ORDER).await
}

impl Record for HostingOrder {
    const COLUMNS: &'static [&'static str] = &[
        "hosting_order_id",
        "state",
        "type",
        "region",
        "display_name",
        "service_plan_id",
        "campaign_id",
        "created_time",
        "updated_time",
    ];
    const TABLE: &'static [Column] = &[
        column("ID", 0, 26, false),
        column("STATE", 1, 25, false),
        column("TYPE", 2, 16, false),
        column("REGION", 3, 6, false),
        column("DISPLAY NAME", 4, 24, true),
        column("SERVICE PLAN", 5, 20, true),
        column("CAMPAIGN", 6, 20, true),
        column("CREATED", 7, 27, false),
        column("UPDATED", 8, 0, false),
    ];

    fn fields(&self) -> Vec<String> {
        vec![
            self.id().to_owned(),
            text(self.state()),
            text(self.order_type()),
            text(self.region_code()),
            text(self.display_name()),
            text(self.service_plan_id()),
            text(self.campaign_id()),
            text(self.created()),
            text(self.updated()),
        ]
    }

    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()> {
        json(self.raw(), out, pretty)
    }
}

impl Record for HostingOrderReport {
    const COLUMNS: &'static [&'static str] = &[
        "total",
        "osr_updated",
        "sms_provisioned",
        "added_to_campaign",
        "ongoing_manual_action",
    ];
    const TABLE: &'static [Column] = &[
        column("TOTAL", 0, 8, false),
        column("OSR UPDATED", 1, 11, false),
        column("SMS PROVISIONED", 2, 15, false),
        column("ADDED TO CAMPAIGN", 3, 17, false),
        column("ONGOING MANUAL ACTION", 4, 0, false),
    ];

    fn fields(&self) -> Vec<String> {
        vec![
            text(self.total()),
            text(self.osr_updated()),
            text(self.sms_provisioned()),
            text(self.added_to_campaign()),
            text(self.ongoing_manual_action()),
        ]
    }

    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()> {
        json(self.raw(), out, pretty)
    }
}

impl Record for HostingOrderNumber {
    const COLUMNS: &'static [&'static str] = &[
        "phone_number",
        "osr_update",
        "platform_provisioning",
        "campaign_provisioning",
        "sms_att",
        "sms_tmo",
        "mms_att",
        "mms_tmo",
        "errors",
    ];
    const TABLE: &'static [Column] = &[
        column("NUMBER", 0, 16, false),
        column("OSR UPDATE", 1, 11, false),
        column("PLATFORM", 2, 11, false),
        column("CAMPAIGN", 3, 11, false),
        column("SMS ATT", 4, 11, false),
        column("SMS TMO", 5, 11, false),
        column("MMS ATT", 6, 11, false),
        column("MMS TMO", 7, 11, false),
        column("ERRORS", 8, 0, false),
    ];

    fn fields(&self) -> Vec<String> {
        let carrier = |c| text(self.carrier(c).and_then(|s| s.state()));
        vec![
            self.phone_number().to_string(),
            text(self.osr_update().and_then(|s| s.state())),
            text(self.platform_provisioning().and_then(|s| s.state())),
            text(self.campaign_provisioning().and_then(|s| s.state())),
            carrier(Carrier::SmsAtt),
            carrier(Carrier::SmsTmo),
            carrier(Carrier::MmsAtt),
            carrier(Carrier::MmsTmo),
            reasons(self.carriers().map(|c| {
                let said = [c.error_code(), c.error_message()];
                (
                    c.carrier().wire_name(),
                    said.into_iter().flatten().collect(),
                )
            })),
        ]
    }

    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()> {
        json(self.raw(), out, pretty)
    }
}

#[cfg(test)]
mod tests {
    use super::minutes;

    #[test]
    fn deadlines_in_words() {
        assert_eq!(minutes(1), "1 minute");
        assert_eq!(minutes(30), "30 minutes");
        assert_eq!(minutes(60), "1 hour");
        assert_eq!(minutes(90), "90 minutes");
        assert_eq!(minutes(1440), "24 hours");
    }
}
