//! The hosting-order read calls against a scripted server that sends what
//! real servers send on bad days: unknown enum values, absent fields, a
//! null list, bodies that are not what the call returns, repeated page
//! tokens. Nothing may panic, hang, or be silently dropped; bad input is
//! refused before anything is sent.

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use sinch_imported_numbers::hosting_orders::{HostingOrderFilter, HostingOrderNumberFilter};
use sinch_imported_numbers::types::{HostingOrderState, HostingOrderType, LoaType, State};
use sinch_imported_numbers::{Carrier, ErrorKind, OrderBy, Region, Setting};
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{client, error_json, phone, PROJECT};

const HANG_GUARD: Duration = Duration::from_secs(20);

async fn guarded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .expect("the call hung")
}

fn orders_path() -> String {
    format!("/v1/projects/{PROJECT}/hostingOrders")
}

fn filter() -> HostingOrderFilter {
    HostingOrderFilter::new(
        HostingOrderState::InProgress,
        HostingOrderType::TextEnable,
        "plan",
        "campaign",
    )
}

fn order_json(id: &str) -> serde_json::Value {
    json!({"hostingOrderId": id, "projectId": PROJECT, "state": "IN_PROGRESS", "type": "TYPE_TEXT_ENABLE",
           "regionCode": "US", "createdTime": "2023-01-12T14:34:40.968Z"})
}

#[tokio::test]
async fn listing_sends_every_filter_and_follows_tokens_to_the_end() {
    let server = Misbehaving::start(|request, n| {
        assert!(request.target.starts_with(&orders_path()), "{}", request.target);
        match n {
            0 => Reply::json(200, json!({"hostingOrders": [order_json("o1"), order_json("o2")], "nextPageToken": "t1", "totalSize": 3})),
            _ => Reply::json(200, json!({"hostingOrders": [order_json("o3")], "nextPageToken": ""})),
        }
    })
    .await;
    let orders: Vec<_> = guarded(
        client(&server.url())
            .hosting_orders()
            .list(filter().region(Region::Ca).order_by(OrderBy::UpdatedTime))
            .page_size(2)
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    let ids: Vec<_> = orders.iter().map(|o| o.id()).collect();
    assert_eq!(ids, ["o1", "o2", "o3"]);
    assert_eq!(orders[0].state(), Some(&HostingOrderState::InProgress));
    assert_eq!(orders[0].region(), Some(Region::Us));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let first = &requests[0].target;
    for part in [
        "states=IN_PROGRESS",
        "type=TYPE_TEXT_ENABLE",
        "servicePlanId=plan",
        "campaignId=campaign",
        "regionCode=CA",
        "orderBy=updatedTime",
        "pageSize=2",
    ] {
        assert!(first.contains(part), "{part} missing from {first}");
    }
    assert!(!first.contains("pageToken"), "{first}");
    assert!(
        requests[1].target.contains("pageToken=t1"),
        "{}",
        requests[1].target
    );
}

#[tokio::test]
async fn odd_but_valid_answers_are_tolerated() {
    let server = Misbehaving::start(|_, n| match n {
        // A null list, an absent list, unknown enum values, absent fields.
        0 => Reply::json(200, json!({"hostingOrders": null, "nextPageToken": "a"})),
        1 => Reply::json(200, json!({"nextPageToken": "b"})),
        _ => Reply::json(200, json!({"hostingOrders": [
            {"hostingOrderId": "o9", "state": "ON_HOLD", "type": "PORT_IN", "createdTime": "not a time",
             "hostingOrderInfo": {"loaType": "DIRECT"}, "unknownField": {"x": 1}}
        ]})),
    })
    .await;
    let orders: Vec<_> = guarded(
        client(&server.url())
            .hosting_orders()
            .list(filter())
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert_eq!(orders.len(), 1);
    let order = &orders[0];
    assert_eq!(
        order.state(),
        Some(&HostingOrderState::Unknown("ON_HOLD".into()))
    );
    assert_eq!(
        order.order_type(),
        Some(&HostingOrderType::Unknown("PORT_IN".into()))
    );
    assert!(!order.is_finished() && !order.awaits_signature());
    assert_eq!(order.display_name(), None);
    assert_eq!(order.region(), None);
    assert_eq!(order.created().map(|t| t.as_str()), Some("not a time"));
    assert_eq!(
        order.text_enable_info().unwrap().loa_type(),
        Some(&LoaType::Direct)
    );
}

#[tokio::test]
async fn a_repeated_page_token_ends_the_listing_with_an_error() {
    let server = Misbehaving::start(|_, _| {
        Reply::json(
            200,
            json!({"hostingOrders": [order_json("o1")], "nextPageToken": "same"}),
        )
    })
    .await;
    let results: Vec<_> = guarded(
        client(&server.url())
            .hosting_orders()
            .list(filter())
            .prefetch(false)
            .items()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 3, "two orders, then the error");
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(err.to_string().contains("repeated page token"), "{err}");
    assert_eq!(server.count(|_| true), 2);
}

#[tokio::test]
async fn an_item_that_is_not_an_order_fails_the_page_instead_of_vanishing() {
    let server = Misbehaving::start(|_, _| {
        Reply::json(
            200,
            json!({"hostingOrders": [order_json("o1"), {"state": "DRAFT"}]}),
        )
    })
    .await;
    let err = guarded(
        client(&server.url())
            .hosting_orders()
            .list(filter())
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("hostingOrderId"), "{err}");
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = Misbehaving::start(|_, _| Reply::json(500, json!({}))).await;
    let orders = client(&server.url()).hosting_orders();
    for (filter, setting) in [
        (
            HostingOrderFilter::new(
                HostingOrderState::Completed,
                HostingOrderType::Import,
                " ",
                "c",
            ),
            Setting::ServicePlanId,
        ),
        (
            HostingOrderFilter::new(
                HostingOrderState::Completed,
                HostingOrderType::Import,
                "p",
                "  ",
            ),
            Setting::CampaignId,
        ),
    ] {
        let err = guarded(orders.list(filter).items().try_collect::<Vec<_>>())
            .await
            .unwrap_err();
        assert_eq!(err.input_error().and_then(|e| e.setting()), Some(setting));
    }
    for id in [
        "",
        "a/b",
        "..",
        ".",
        "a\\..\\..\\other\\hostingOrders\\o1",
        "o1 ",
    ] {
        let err = guarded(orders.get(id)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{id:?}");
        assert_eq!(
            err.input_error().and_then(|e| e.setting()),
            Some(Setting::HostingOrderId)
        );
        assert_eq!(
            guarded(orders.report(id)).await.unwrap_err().kind(),
            ErrorKind::InvalidInput
        );
        assert_eq!(
            guarded(orders.number(id, &phone("+12025550134")))
                .await
                .unwrap_err()
                .kind(),
            ErrorKind::InvalidInput
        );
        let listed = guarded(
            orders
                .numbers(id, HostingOrderNumberFilter::new())
                .items()
                .try_collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(listed.unwrap_err().kind(), ErrorKind::InvalidInput);
    }
    let err = guarded(
        orders
            .list(filter())
            .page_size(0)
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.input_error().and_then(|e| e.setting()),
        Some(Setting::PageSize)
    );
    assert_eq!(server.count(|_| true), 0, "nothing reached the server");
}

#[tokio::test]
async fn get_report_and_errors() {
    let server = Misbehaving::start(|request, _| {
        let target = request.target.as_str();
        if target.ends_with("/hostingOrders/missing") {
            Reply::json(404, error_json(404, "NOT_FOUND", "no such order"))
        } else if target.ends_with("/hostingOrders/o1/report") {
            Reply::json(
                200,
                json!({"total": 5, "osrUpdated": 4, "smsProvisioned": -2, "addedToCampaign": 1}),
            )
        } else if target.ends_with("/hostingOrders/empty") {
            Reply::json(200, json!({}))
        } else if target.ends_with("/hostingOrders/o%201") {
            Reply::json(200, order_json("o 1"))
        } else {
            Reply::json(200, order_json("o1"))
        }
    })
    .await;
    let orders = client(&server.url()).hosting_orders();
    let order = guarded(orders.get("o1")).await.unwrap();
    assert_eq!(order.id(), "o1");
    // Ids are opaque: a space is sent percent-encoded, not refused.
    assert_eq!(guarded(orders.get("o 1")).await.unwrap().id(), "o 1");
    let report = guarded(orders.report("o1")).await.unwrap();
    assert_eq!(report.total(), Some(5));
    assert_eq!(report.osr_updated(), Some(4));
    assert_eq!(
        report.sms_provisioned(),
        None,
        "a negative count reads as unknown"
    );
    assert_eq!(report.ongoing_manual_action(), None);
    let err = guarded(orders.get("missing")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(err.http_status(), Some(404));
    let err = guarded(orders.get("empty")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Decode,
        "a 200 without an order is no success"
    );
}

#[tokio::test]
async fn order_numbers_with_their_steps_and_carriers() {
    let server = Misbehaving::start(|request, _| {
        if request.target.contains("/numbers/") {
            return Reply::json(200, json!({"phoneNumber": "+12025550134", "osrUpdate": {"state": "DONE", "nnid": "104029"}}));
        }
        Reply::json(200, json!({"numbers": [
            {"phoneNumber": "+12025550134", "hostingOrderId": "o1",
             "osrUpdate": {"nnid": "104029", "state": "DONE"},
             "platformProvisioning": {"servicePlanId": "plan", "state": "IN_PROGRESS"},
             "campaignProvisioning": {"campaignId": "C3O84GA", "state": "WAITING_FOR_CARRIER"},
             "smsTmo": {"state": "FAILED", "errorCode": "60135", "errorMessage": "held by another aggregator", "updateTime": "2023-06-06T07:45:27.785357Z"},
             "smsAtt": {"state": "DONE", "errorCode": "", "errorMessage": ""}},
            {"phoneNumber": "+12025550135"}
        ], "totalSize": 2}))
    })
    .await;
    let orders = client(&server.url()).hosting_orders();
    let page = guarded(
        orders
            .numbers(
                "o1",
                HostingOrderNumberFilter::new()
                    .osr_update(State::Done)
                    .platform_provisioning(State::InProgress)
                    .campaign_provisioning(State::Waiting),
            )
            .pages()
            .next(),
    )
    .await
    .unwrap()
    .unwrap();
    assert_eq!(page.total_size, Some(2));
    assert_eq!(page.next_page_token, None);
    let first = &page.items[0];
    assert_eq!(first.phone_number().as_str(), "+12025550134");
    let osr = first.osr_update().unwrap();
    assert!(osr.is_done());
    assert_eq!(osr.target(), Some("104029"));
    assert_eq!(
        first.platform_provisioning().unwrap().state(),
        Some(&State::InProgress)
    );
    let campaign = first.campaign_provisioning().unwrap();
    assert_eq!(
        campaign.state(),
        Some(&State::Unknown("WAITING_FOR_CARRIER".into()))
    );
    assert!(!campaign.is_done() && !campaign.is_failed());
    let tmo = first.carrier(Carrier::SmsTmo).unwrap();
    assert_eq!(tmo.state(), Some(&State::Failed));
    assert_eq!(tmo.error_code(), Some("60135"));
    assert_eq!(tmo.operation(), None);
    assert_eq!(
        first.carrier(Carrier::SmsAtt).unwrap().error_code(),
        None,
        "\"\" is no error"
    );
    assert_eq!(first.carriers().count(), 2);
    let bare = &page.items[1];
    assert!(bare.osr_update().is_none() && bare.carriers().next().is_none());
    let target = &server.requests()[0].target;
    for part in [
        "osrUpdateState=DONE",
        "platformProvisioningState=IN_PROGRESS",
        "campaignProvisioningState=WAITING",
    ] {
        assert!(target.contains(part), "{part} missing from {target}");
    }
    let one = guarded(orders.number("o1", &phone("+12025550134")))
        .await
        .unwrap();
    assert!(one.osr_update().unwrap().is_done());
    let path = &server.requests()[1].target;
    assert_eq!(
        path,
        &format!("{}/o1/numbers/+12025550134", orders_path()),
        "the + is sent raw"
    );
}

#[tokio::test]
async fn an_answer_about_another_order_or_number_is_not_success() {
    let server = Misbehaving::start(|request, _| {
        if request.target.contains("/numbers/") {
            Reply::json(
                200,
                json!({"phoneNumber": "+12025550199", "hostingOrderId": "o1"}),
            )
        } else if request.target.contains("qualifiedNumbers") {
            Reply::json(200, json!({"phoneNumber": "+12025550199"}))
        } else if request.target.contains("importedNumbers") {
            Reply::json(200, workspace_tests::number_json("+12025550199"))
        } else {
            Reply::json(200, order_json("another-order"))
        }
    })
    .await;
    let client = client(&server.url());
    let asked = phone("+12025550134");
    let errors = [
        guarded(client.hosting_orders().get("o1"))
            .await
            .unwrap_err(),
        guarded(client.hosting_orders().number("o1", &asked))
            .await
            .unwrap_err(),
        guarded(client.qualified_numbers().get(&asked))
            .await
            .unwrap_err(),
        guarded(client.get(&asked)).await.unwrap_err(),
        guarded(client.update(&asked).display_name("x").send())
            .await
            .unwrap_err(),
    ];
    for err in errors {
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.to_string().contains("but the answer is about"), "{err}");
        assert_eq!(err.http_status(), Some(200), "{err}");
    }
}
