//! `orders list|get|report|numbers`: hosting orders, their reports and the
//! progress of their numbers, in every output format.

use std::io::Write;

use sinch_imported_numbers::hosting_orders::{
    HostingOrder, HostingOrderFilter, HostingOrderNumber, HostingOrderNumberFilter,
    HostingOrderReport,
};
use sinch_imported_numbers::{Carrier, Client, OrderBy};

use crate::args::{OrderArg, OrderArgs, OrderNumbersArgs, OrdersCommand, OrdersListArgs};
use crate::failure::Failure;
use crate::output::{column, json, reasons, text, Column, Record};

use super::{number, sdk_failure, stream_listing, write_one, NO_PROJECT};

/// The advice when the server does not know the order (or the number).
const NO_ORDER: &str =
    "no hosting order with this id in this project: see `sinch-numbers orders list`";

/// Runs one `orders` subcommand.
pub async fn run(
    client: &Client,
    command: OrdersCommand,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    match command {
        OrdersCommand::List(args) => list(client, args, out).await,
        OrdersCommand::Get(args) => get(client, args, out).await,
        OrdersCommand::Report(args) => report(client, args, out).await,
        OrdersCommand::Numbers(args) => numbers(client, args, out).await,
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
