//! A check of the SDK against a real project, opt-in, and the same suite
//! against the fake so the code path stays honest.
//!
//! Against Sinch: `SINCH_LIVE=1` with `SINCH_PROJECT_ID`, `SINCH_KEY_ID` and
//! `SINCH_KEY_SECRET` (and `SINCH_IMPORTED_NUMBERS_URL` to point elsewhere),
//! then `cargo test -p workspace-tests --test live -- --nocapture`. Read-only
//! unless told: it lists a page of imported numbers (with
//! `SINCH_LIVE_SERVICE_PLAN_ID` and `SINCH_LIVE_CAMPAIGN_ID`), reads one of
//! them back, checks the callback configuration has a secret (never printed),
//! lists verified qualified numbers and, with `SINCH_LIVE_ORDER_STATE`,
//! `SINCH_LIVE_ORDER_TYPE` and the plan and campaign, hosting orders, and
//! makes one call with a wrong secret, which must be refused. Writes only
//! with `SINCH_LIVE_WRITE=1` and `SINCH_LIVE_TEST_NUMBER`: it sets that
//! number's display name and puts the old one back (a number without one is
//! left alone). Every value the SDK does
//! not know (an enum value, a timestamp it cannot read) is reported with the
//! raw text, so drift shows before it bites.

use futures::TryStreamExt;
use sinch_imported_numbers::hosting_orders::HostingOrderFilter;
use sinch_imported_numbers::qualified_numbers::QualifiedNumberFilter;
use sinch_imported_numbers::types::{
    GlobalProcessState, HostingOrderState, HostingOrderType, State, Timestamp,
};
use sinch_imported_numbers::{Client, ErrorKind, ImportedNumber, ListFilter, PhoneNumber};
use sinch_imported_numbers_fake::{FakeServer, HostingOrderSeed, QualifiedNumberSeed};

/// What the suite needs; from the environment, or made for the fake.
struct Settings {
    base_url: Option<String>,
    project_id: String,
    key_id: String,
    key_secret: String,
    plan_and_campaign: Option<(String, String)>,
    order_filter: Option<(HostingOrderState, HostingOrderType)>,
    write_number: Option<PhoneNumber>,
}

impl Settings {
    /// `Err` says why the live suite does not run.
    fn from_env() -> Result<Settings, String> {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if get("SINCH_LIVE").as_deref() != Some("1") {
            return Err("SINCH_LIVE is not 1".into());
        }
        let need = |name: &str| get(name).ok_or(format!("{name} is not set"));
        let plan_and_campaign =
            get("SINCH_LIVE_SERVICE_PLAN_ID").zip(get("SINCH_LIVE_CAMPAIGN_ID"));
        let order_filter = get("SINCH_LIVE_ORDER_STATE")
            .zip(get("SINCH_LIVE_ORDER_TYPE"))
            .map(|(state, kind)| {
                let state: HostingOrderState = state.parse().unwrap_or_else(|e| match e {});
                let kind: HostingOrderType = kind.parse().unwrap_or_else(|e| match e {});
                (state, kind)
            });
        let write_number = match (
            get("SINCH_LIVE_WRITE").as_deref(),
            get("SINCH_LIVE_TEST_NUMBER"),
        ) {
            (Some("1"), Some(text)) => Some(
                PhoneNumber::parse(&text).map_err(|e| format!("SINCH_LIVE_TEST_NUMBER: {e}"))?,
            ),
            _ => None,
        };
        Ok(Settings {
            base_url: get("SINCH_IMPORTED_NUMBERS_URL"),
            project_id: need("SINCH_PROJECT_ID")?,
            key_id: need("SINCH_KEY_ID")?,
            key_secret: need("SINCH_KEY_SECRET")?,
            plan_and_campaign,
            order_filter,
            write_number,
        })
    }

    fn client(&self, secret: &str) -> Client {
        let mut builder = Client::builder()
            .project_id(&self.project_id)
            .key_id(&self.key_id)
            .key_secret(secret);
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url);
        }
        builder.build().expect("the settings make a client")
    }
}

/// A value this SDK does not know, with where it was and its raw text.
fn unknown_state(at: &str, state: Option<&State>, odd: &mut Vec<String>) {
    if let Some(State::Unknown(raw)) = state {
        odd.push(format!("{at}: state {raw:?}"));
    }
}

fn unreadable_time(at: &str, time: Option<&Timestamp>, odd: &mut Vec<String>) {
    if let Some(t) = time.filter(|t| !t.as_str().is_empty() && t.instant().is_none()) {
        odd.push(format!("{at}: timestamp {:?}", t.as_str()));
    }
}

fn check_number(n: &ImportedNumber, odd: &mut Vec<String>) {
    let at = n.phone_number().as_str();
    let provisioning = n.provisioning();
    for service in [provisioning.sms(), provisioning.campaign()]
        .into_iter()
        .flatten()
    {
        unknown_state(at, service.state(), odd);
        unreadable_time(at, service.updated(), odd);
    }
    for carrier in provisioning.carriers() {
        unknown_state(at, carrier.state(), odd);
        unreadable_time(at, carrier.updated(), odd);
    }
}

/// Runs the suite; returns what it saw of values this SDK does not know.
/// Panics (fails the test) when a call fails.
async fn suite(settings: &Settings) -> Vec<String> {
    let client = settings.client(&settings.key_secret);
    let mut odd = Vec::new();

    if let Some((plan, campaign)) = &settings.plan_and_campaign {
        let page = client
            .list(ListFilter::new(plan, campaign))
            .page_size(5)
            .pages()
            .try_next()
            .await
            .expect("listing imported numbers")
            .expect("a first page");
        println!("imported numbers: a page of {}", page.items.len());
        for n in &page.items {
            check_number(n, &mut odd);
        }
        if let Some(first) = page.items.first() {
            let again = client
                .get(first.phone_number())
                .await
                .expect("getting a listed number");
            assert_eq!(again.phone_number(), first.phone_number());
            check_number(&again, &mut odd);
        }
    } else {
        println!("imported numbers: skipped (SINCH_LIVE_SERVICE_PLAN_ID, SINCH_LIVE_CAMPAIGN_ID)");
    }

    let secret = client
        .callback_secret()
        .await
        .expect("reading the callback configuration");
    assert!(!secret.expose().is_empty());
    println!(
        "callback configuration: has a secret ({} characters)",
        secret.expose().len()
    );

    let verified: Vec<_> = client
        .qualified_numbers()
        .list(QualifiedNumberFilter::new(GlobalProcessState::Verified))
        .page_size(5)
        .pages()
        .try_next()
        .await
        .expect("listing qualified numbers")
        .map(|page| page.items)
        .unwrap_or_default();
    println!("qualified numbers (verified): a page of {}", verified.len());
    for n in &verified {
        if let Some(GlobalProcessState::Unknown(raw)) = n.state() {
            odd.push(format!("{}: globalProcessState {raw:?}", n.phone_number()));
        }
        unreadable_time(n.phone_number().as_str(), n.created(), &mut odd);
    }

    match (&settings.order_filter, &settings.plan_and_campaign) {
        (Some((state, kind)), Some((plan, campaign))) => {
            let orders = client
                .hosting_orders()
                .list(HostingOrderFilter::new(state.clone(), kind.clone(), plan, campaign))
                .page_size(5)
                .pages()
                .try_next()
                .await
                .expect("listing hosting orders")
                .map(|page| page.items)
                .unwrap_or_default();
            println!("hosting orders: a page of {}", orders.len());
            for order in &orders {
                if let Some(HostingOrderState::Unknown(raw)) = order.state() {
                    odd.push(format!("order {}: state {raw:?}", order.id()));
                }
                let report = client.hosting_orders().report(order.id()).await.expect("a report");
                println!("  {}: {:?} of {:?} provisioned", order.id(), report.sms_provisioned(), report.total());
            }
        }
        _ => println!("hosting orders: skipped (SINCH_LIVE_ORDER_STATE, SINCH_LIVE_ORDER_TYPE and the plan and campaign)"),
    }

    let refused = settings
        .client("not-the-secret")
        .callback_secret()
        .await
        .expect_err("a wrong secret must be refused");
    assert_eq!(refused.kind(), ErrorKind::Unauthenticated, "{refused}");
    assert!(!refused.to_string().contains(&settings.key_secret));
    println!("a wrong secret: refused ({:?})", refused.kind());

    if let Some(number) = &settings.write_number {
        let before = client.get(number).await.expect("the test number");
        match before.display_name().map(str::to_owned) {
            // Only a name that can be put back as it was is changed.
            None => {
                println!("write check on {number}: skipped, it has no display name to put back")
            }
            Some(old) => {
                client
                    .update(number)
                    .display_name("sinch-imported-numbers live check")
                    .send()
                    .await
                    .expect("setting the display name");
                let after = client
                    .update(number)
                    .display_name(&old)
                    .send()
                    .await
                    .expect("putting the display name back");
                assert_eq!(after.display_name(), Some(old.as_str()));
                println!("write check on {number}: display name set and put back");
            }
        }
    } else {
        println!("write check: skipped (SINCH_LIVE_WRITE=1 and SINCH_LIVE_TEST_NUMBER)");
    }
    for line in &odd {
        println!("value this SDK does not know: {line}");
    }
    odd
}

#[tokio::test]
async fn live_against_the_configured_project() {
    match Settings::from_env() {
        Ok(settings) => {
            let odd = suite(&settings).await;
            println!("live check done; {} unknown values", odd.len());
        }
        Err(why) => println!("live check skipped: {why}"),
    }
}

#[tokio::test]
async fn the_live_suite_runs_against_the_fake() {
    let server = FakeServer::start().await.unwrap();
    let project = "live-suite";
    let settings = Settings {
        base_url: Some(server.base_url()),
        project_id: project.into(),
        key_id: server.key_id().into(),
        key_secret: server.key_secret().into(),
        plan_and_campaign: Some(("plan".into(), "c1".into())),
        order_filter: Some((HostingOrderState::InProgress, HostingOrderType::TextEnable)),
        write_number: Some(PhoneNumber::parse("+12065550150").unwrap()),
    };
    let client = settings.client(&settings.key_secret);
    for n in ["+12065550150", "+12065550151"] {
        client
            .import(
                sinch_imported_numbers::NumberImport::new(PhoneNumber::parse(n).unwrap())
                    .service_plan_id("plan")
                    .campaign_id("c1"),
            )
            .await
            .unwrap();
    }
    server.seed_hosting_order(
        project,
        HostingOrderSeed::new()
            .state(HostingOrderState::InProgress)
            .order_type(HostingOrderType::TextEnable)
            .campaign_id("c1"),
    );
    server.seed_qualified_number(
        project,
        QualifiedNumberSeed::new("+12065550160", GlobalProcessState::Verified),
    );
    let odd = suite(&settings).await;
    assert!(odd.is_empty(), "{odd:?}");
}
