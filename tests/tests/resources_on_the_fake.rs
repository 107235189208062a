//! The facade's hosting-order and qualified-number reads against the fake
//! server, which validates every request against the spec: what the facade
//! sends is accepted, page tokens are followed, filters select, and what
//! the fake stores reads back through the models.

use futures::TryStreamExt;
use sinch_imported_numbers::hosting_orders::{HostingOrderFilter, HostingOrderNumberFilter};
use sinch_imported_numbers::qualified_numbers::QualifiedNumberFilter;
use sinch_imported_numbers::types::{
    GlobalProcessState, HostingOrderState, HostingOrderType, HostingStatus, State,
};
use sinch_imported_numbers::{Carrier, Client, ErrorKind, Region};
use sinch_imported_numbers_fake::{
    FakeServer, HostingOrderNumberSeed, HostingOrderSeed, HostingStep, QualifiedNumberSeed,
};
use workspace_tests::{client_with_key, phone, PROJECT};

async fn fake() -> (FakeServer, Client) {
    let server = FakeServer::start().await.expect("the fake starts");
    let client = client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    (server, client)
}

fn in_progress(campaign: &str) -> HostingOrderFilter {
    HostingOrderFilter::new(
        HostingOrderState::InProgress,
        HostingOrderType::TextEnable,
        "plan",
        campaign,
    )
}

#[tokio::test]
async fn hosting_orders_list_filter_and_page() {
    let (server, client) = fake().await;
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(
            server.seed_hosting_order(
                PROJECT,
                HostingOrderSeed::new()
                    .order_type(HostingOrderType::TextEnable)
                    .state(HostingOrderState::InProgress)
                    .campaign_id("C3O84GA")
                    .number(HostingOrderNumberSeed::new(format!("+1206555010{n}"))),
            ),
        );
    }
    // Orders that must not match: another state, another campaign.
    server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .order_type(HostingOrderType::TextEnable)
            .state(HostingOrderState::Completed)
            .campaign_id("C3O84GA"),
    );
    server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .order_type(HostingOrderType::TextEnable)
            .state(HostingOrderState::InProgress)
            .campaign_id("OTHER"),
    );
    let pages: Vec<_> = client
        .hosting_orders()
        .list(in_progress("C3O84GA").region(Region::Us))
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    let mut listed: Vec<_> = pages
        .iter()
        .flat_map(|p| p.items.iter().map(|o| o.id().to_owned()))
        .collect();
    listed.sort();
    ids.sort();
    assert_eq!(listed, ids);
    let order = &pages[0].items[0];
    assert_eq!(order.state(), Some(&HostingOrderState::InProgress));
    assert_eq!(order.order_type(), Some(&HostingOrderType::TextEnable));
    assert!(
        order.text_enable_info().is_some(),
        "text-enable orders carry their LOA details"
    );
    assert!(
        order.created().and_then(|t| t.instant()).is_some(),
        "RFC 3339 timestamps"
    );
}

#[tokio::test]
async fn one_order_its_report_and_its_numbers() {
    let (server, client) = fake().await;
    let id = server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .state(HostingOrderState::InProgress)
            .campaign_id("C3O84GA")
            .number(HostingOrderNumberSeed::new("+12065550100").all_steps(State::Done))
            .number(
                HostingOrderNumberSeed::new("+12065550101")
                    .step(HostingStep::OsrUpdate, State::Done)
                    .step(HostingStep::PlatformProvisioning, State::Failed)
                    .step(HostingStep::SmsTmo, State::Failed),
            )
            .number(HostingOrderNumberSeed::new("+12065550102")),
    );
    let orders = client.hosting_orders();
    let order = orders.get(&id).await.unwrap();
    assert_eq!(order.id(), id);
    assert_eq!(order.service_plan_id(), Some("plan"));
    let report = orders.report(&id).await.unwrap();
    assert_eq!(report.total(), Some(3));
    assert_eq!(report.osr_updated(), Some(2));
    assert_eq!(report.sms_provisioned(), Some(1));

    let failed: Vec<_> = orders
        .numbers(
            &id,
            HostingOrderNumberFilter::new().platform_provisioning(State::Failed),
        )
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(failed.len(), 1);
    let number = &failed[0];
    assert_eq!(number.phone_number().as_str(), "+12065550101");
    assert!(number.platform_provisioning().unwrap().is_failed());
    assert!(number.osr_update().unwrap().is_done());
    assert_eq!(
        number.carrier(Carrier::SmsTmo).unwrap().state(),
        Some(&State::Failed)
    );

    let all: Vec<_> = orders
        .numbers(&id, HostingOrderNumberFilter::new())
        .page_size(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);

    server.set_hosting_order_number_step(
        PROJECT,
        &id,
        "+12065550102",
        HostingStep::OsrUpdate,
        State::InProgress,
    );
    let one = orders.number(&id, &phone("+12065550102")).await.unwrap();
    assert_eq!(one.osr_update().unwrap().state(), Some(&State::InProgress));

    server.set_hosting_order_state(PROJECT, &id, HostingOrderState::Completed);
    assert!(orders.get(&id).await.unwrap().is_finished());

    let err = orders.get("01arz3ndektsv4rrffq69g5fav").await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = orders
        .number(&id, &phone("+12065550199"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn qualified_numbers_list_get_delete() {
    let (server, client) = fake().await;
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550100", GlobalProcessState::HostingDone)
            .region_code("US")
            .hosted_number(HostingStatus::Hosted, ""),
    );
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550101", GlobalProcessState::HostingDone).region_code("US"),
    );
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550102", GlobalProcessState::NotEligible)
            .osr_eligibility(State::Failed, "the carrier refused"),
    );
    let qualified = client.qualified_numbers();
    let done: Vec<_> = qualified
        .list(QualifiedNumberFilter::new(GlobalProcessState::HostingDone))
        .page_size(1)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(done.len(), 2);
    let hosted = done
        .iter()
        .find(|n| n.phone_number().as_str() == "+12065550100")
        .unwrap();
    assert_eq!(
        hosted.hosting().unwrap().status(),
        Some(&HostingStatus::Hosted)
    );

    let refused = qualified.get(&phone("+12065550102")).await.unwrap();
    assert_eq!(refused.state(), Some(&GlobalProcessState::NotEligible));
    let step = refused.osr_eligibility().unwrap();
    assert_eq!(
        (step.state(), step.error()),
        (Some(&State::Failed), Some("the carrier refused"))
    );

    qualified.delete(&phone("+12065550102")).await.unwrap();
    let err = qualified.get(&phone("+12065550102")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = qualified.delete(&phone("+12065550102")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn orders_without_a_campaign_list_with_an_empty_campaign_id() {
    let (server, client) = fake().await;
    let toll_free = server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .order_type(HostingOrderType::TextEnable)
            .state(HostingOrderState::InProgress)
            .numbers(["+18335870229"]),
    );
    server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .order_type(HostingOrderType::TextEnable)
            .state(HostingOrderState::InProgress)
            .campaign_id("C3O84GA"),
    );
    let ids: Vec<String> = client
        .hosting_orders()
        .list(in_progress(""))
        .items()
        .map_ok(|o| o.id().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, vec![toll_free]);
}
