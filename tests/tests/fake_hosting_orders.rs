//! The fake server's eight hosting-order operations over real HTTP: orders
//! opened by import and text-enable calls, every 400 the fake gives, 404s,
//! 401, listings with each filter paged through tokens, seeding and the
//! report; then how opened orders move on their own (the letter's
//! signature, each number's steps, failures, rejections), the callbacks of
//! their numbers, and the signing helper route.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sinch_imported_numbers::callbacks::{self, CallbackSecret};
use sinch_imported_numbers_api::open_enum::{HostingOrderState, HostingOrderType, LoaType, State};
use sinch_imported_numbers_fake::{
    FakeServer, HostingOrderNumberSeed, HostingOrderSeed, HostingStep, DEFAULT_CALLBACK_SECRET,
};
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{send_json, PROJECT};

fn orders() -> String {
    format!("/v1/projects/{PROJECT}/hostingOrders")
}

async fn call(
    server: &FakeServer,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    send_json(
        &server.base_url(),
        Some((server.key_id(), server.key_secret())),
        method,
        path,
        body.as_ref(),
    )
    .await
}

async fn get(server: &FakeServer, path: &str) -> (StatusCode, Value) {
    call(server, Method::GET, path, None).await
}

async fn post(server: &FakeServer, path: &str, body: Value) -> (StatusCode, Value) {
    call(server, Method::POST, path, Some(body)).await
}

/// Asserts a 400 in the documented flat shape whose message contains `needle`.
fn assert_400(answer: &(StatusCode, Value), needle: &str) {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "400", "{body}");
    assert_eq!(body["status"], "INVALID_ARGUMENT", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

fn assert_404(answer: &(StatusCode, Value)) {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "404", "{body}");
    assert_eq!(body["status"], "NOT_FOUND", "{body}");
}

fn import_body(numbers: &[&str]) -> Value {
    json!({
        "regionCode": "US",
        "numbers": numbers,
        "servicePlanId": "plan",
        "campaignId": "C3O84GA",
        "displayName": "first batch",
    })
}

fn direct_loa() -> Value {
    json!({
        "authorisedPerson": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        "address": {"buildingNumber": "2433", "street": "Main St", "city": "Springfield",
                    "state": "IL", "postalCode": "01002", "country": "US"},
        "currentVoiceCarrier": "Verizon",
    })
}

fn reseller_loa() -> Value {
    let mut loa = direct_loa();
    loa["businessName"] = json!("Resold Inc.");
    loa
}

fn text_enable_body(loa_field: &str, loa: Value) -> Value {
    let mut body = json!({
        "regionCode": "US",
        "numbers": ["+12065550100", "+12065550101"],
        "servicePlanId": "plan",
        "campaignId": "C3O84GA",
        "nnid": "123456",
    });
    body[loa_field] = loa;
    body
}

fn toll_free_body(loa_field: &str, loa: Value) -> Value {
    let mut body = json!({
        "projectId": PROJECT,
        "regionCode": "US",
        "numbers": ["+18335870229"],
        "servicePlanId": "plan",
    });
    body[loa_field] = loa;
    body
}

fn is_lowercase_ulid(id: &str) -> bool {
    id.len() == 26
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_lowercase() && !b"ilou".contains(&b)))
}

fn assert_utc_time(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a time: {value}"));
    assert!(text.ends_with('Z'), "{text}");
    chrono::DateTime::parse_from_rfc3339(text).unwrap();
}

/// A server whose orders stay as opened for the length of a test.
async fn still() -> FakeServer {
    FakeServer::builder()
        .flow_delay(Duration::from_secs(600))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn import_opens_a_submitted_order_with_waiting_numbers() {
    let server = still().await;
    let (status, order) = post(
        &server,
        &format!("{}:importNumbers", orders()),
        import_body(&["+12065550100", "+14165550101"]),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    let id = order["hostingOrderId"].as_str().unwrap().to_owned();
    assert!(is_lowercase_ulid(&id), "{id}");
    assert_eq!(order["state"], "SUBMITTED");
    assert_eq!(order["type"], "IMPORT");
    assert_eq!(order["projectId"], PROJECT);
    assert_eq!(order["servicePlanId"], "plan");
    assert_eq!(order["campaignId"], "C3O84GA");
    assert_eq!(order["displayName"], "first batch");
    assert_eq!(order["migrateToSinchTmo"], false);
    assert_utc_time(&order["createdTime"]);
    assert_utc_time(&order["updatedTime"]);
    // The ImportHostingOrder shape: no text-enable details.
    assert!(order.get("textEnableInfo").is_none() && order.get("scheduledOsrUpdateTime").is_none());
    assert_eq!(server.hosting_order_count(PROJECT), 1);

    let (status, got) = get(&server, &format!("{}/{id}", orders())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["hostingOrderId"], id.as_str());
    assert_eq!(got["state"], "SUBMITTED");

    let (status, page) = get(&server, &format!("{}/{id}/numbers", orders())).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["totalSize"], 2);
    assert_eq!(page["nextPageToken"], "");
    let numbers = page["numbers"].as_array().unwrap();
    assert_eq!(numbers[0]["phoneNumber"], "+12065550100");
    for n in numbers {
        assert_eq!(n["hostingOrderId"], id.as_str());
        assert_eq!(n["projectId"], PROJECT);
        for step in [
            "osrUpdate",
            "platformProvisioning",
            "campaignProvisioning",
            "smsAtt",
            "smsTmo",
            "mmsAtt",
            "mmsTmo",
        ] {
            assert_eq!(n[step]["state"], "WAITING", "{step} of {n}");
        }
        assert_eq!(n["platformProvisioning"]["servicePlanId"], "plan");
        assert_eq!(n["campaignProvisioning"]["campaignId"], "C3O84GA");
        assert_eq!(n["smsAtt"]["errorCode"], "");
        assert_utc_time(&n["smsAtt"]["updateTime"]);
    }

    let (status, one) = get(&server, &format!("{}/{id}/numbers/+14165550101", orders())).await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["phoneNumber"], "+14165550101");

    let (status, report) = get(&server, &format!("{}/{id}/report", orders())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report,
        json!({"total": 2, "osrUpdated": 0, "smsProvisioned": 0, "addedToCampaign": 0, "ongoingManualAction": 0})
    );
}

#[tokio::test]
async fn import_rejections() {
    let server = FakeServer::start().await.unwrap();
    let path = format!("{}:importNumbers", orders());
    let six: Vec<String> = (0..6).map(|i| format!("+1206555010{i}")).collect();
    let six: Vec<&str> = six.iter().map(String::as_str).collect();
    assert_400(&post(&server, &path, import_body(&six)).await, "at most 5");
    assert_400(
        &post(&server, &path, import_body(&[])).await,
        "at least one",
    );
    assert_400(
        &post(&server, &path, import_body(&["+12065550100", "2065550101"])).await,
        "numbers[1] \"2065550101\" is not valid",
    );
    assert_400(
        &post(
            &server,
            &path,
            import_body(&["+12065550100", "+12065550100"]),
        )
        .await,
        "more than once",
    );
    let mut body = import_body(&["+12065550100"]);
    body["regionCode"] = json!("GB");
    assert_400(&post(&server, &path, body).await, "regionCode \"GB\"");
    let mut body = import_body(&["+12065550100"]);
    body["projectId"] = json!("another-project");
    assert_400(
        &post(&server, &path, body).await,
        "does not match the project",
    );
    let mut body = import_body(&["+12065550100"]);
    body.as_object_mut().unwrap().remove("servicePlanId");
    assert_400(
        &post(&server, &path, body).await,
        "`body.servicePlanId` is required",
    );
    let mut body = import_body(&["+12065550100"]);
    body["servicePlanId"] = json!(" ");
    assert_400(
        &post(&server, &path, body).await,
        "servicePlanId must not be empty",
    );
    let mut body = import_body(&["+12065550100"]);
    body["numberImport"] = json!("{}");
    assert_400(
        &post(&server, &path, body).await,
        "unknown field `body.numberImport`",
    );
    let (status, _) = send_json(
        &server.base_url(),
        Some((server.key_id(), server.key_secret())),
        Method::POST,
        &format!("{path}?pageSize=1"),
        Some(&import_body(&["+12065550100"])),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "no query parameters on this operation"
    );
    assert_eq!(server.hosting_order_count(PROJECT), 0, "nothing was opened");
}

#[tokio::test]
async fn text_enable_orders_carry_the_letter() {
    let server = FakeServer::start().await.unwrap();
    let path = format!("{}:textEnableNumbers", orders());
    let (status, order) = post(
        &server,
        &path,
        text_enable_body("directLoaInfo", direct_loa()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["type"], "TYPE_TEXT_ENABLE");
    assert_eq!(order["state"], "SUBMITTED");
    assert!(is_lowercase_ulid(order["hostingOrderId"].as_str().unwrap()));
    let info = &order["textEnableInfo"];
    assert_eq!(info["loaType"], "Direct");
    assert_eq!(info["authorisedPerson"]["email"], "ada@example.com");
    assert_eq!(info["address"]["postalCode"], "01002");
    assert_eq!(info["currentVoiceCarrier"], "Verizon");
    assert_eq!(info["nnid"], "123456");
    let id = order["hostingOrderId"].as_str().unwrap();
    let (_, numbers) = get(&server, &format!("{}/{id}/numbers", orders())).await;
    assert_eq!(numbers["numbers"][0]["osrUpdate"]["nnid"], "123456");

    let (status, order) = post(
        &server,
        &path,
        text_enable_body("resellerLoaInfo", reseller_loa()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["textEnableInfo"]["loaType"], "Reseller");
    assert_eq!(order["textEnableInfo"]["businessName"], "Resold Inc.");

    let (status, order) = post(
        &server,
        &path,
        text_enable_body("blanketLoaInfo", json!({})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert!(order["textEnableInfo"].get("loaType").is_none(), "{order}");
    assert_eq!(server.hosting_order_count(PROJECT), 3);
}

#[tokio::test]
async fn text_enable_rejections_name_the_field() {
    let server = FakeServer::start().await.unwrap();
    let path = format!("{}:textEnableNumbers", orders());
    // Each part of the signatory and address, and the carrier, is needed.
    let parts = [
        (
            "/authorisedPerson/firstName",
            "`body.directLoaInfo.authorisedPerson.firstName` is required",
        ),
        (
            "/authorisedPerson/lastName",
            "`body.directLoaInfo.authorisedPerson.lastName` is required",
        ),
        (
            "/authorisedPerson/email",
            "`body.directLoaInfo.authorisedPerson.email` is required",
        ),
        (
            "/address/buildingNumber",
            "`body.directLoaInfo.address.buildingNumber` is required",
        ),
        (
            "/address/street",
            "`body.directLoaInfo.address.street` is required",
        ),
        (
            "/address/city",
            "`body.directLoaInfo.address.city` is required",
        ),
        (
            "/address/state",
            "`body.directLoaInfo.address.state` is required",
        ),
        (
            "/address/postalCode",
            "`body.directLoaInfo.address.postalCode` is required",
        ),
        (
            "/address/country",
            "`body.directLoaInfo.address.country` is required",
        ),
        (
            "/currentVoiceCarrier",
            "`body.directLoaInfo.currentVoiceCarrier` is required",
        ),
    ];
    for (pointer, needle) in parts {
        let mut loa = direct_loa();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        loa.pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .unwrap()
            .remove(key);
        assert_400(
            &post(&server, &path, text_enable_body("directLoaInfo", loa)).await,
            needle,
        );
    }
    let mut loa = direct_loa();
    loa["authorisedPerson"]["email"] = json!("");
    assert_400(
        &post(&server, &path, text_enable_body("directLoaInfo", loa)).await,
        "body.directLoaInfo.authorisedPerson.email must not be empty",
    );
    let mut loa = reseller_loa();
    loa.as_object_mut().unwrap().remove("businessName");
    assert_400(
        &post(&server, &path, text_enable_body("resellerLoaInfo", loa)).await,
        "`body.resellerLoaInfo.businessName` is required",
    );
    let mut loa = reseller_loa();
    loa["address"]["city"] = json!(" ");
    assert_400(
        &post(&server, &path, text_enable_body("resellerLoaInfo", loa)).await,
        "body.resellerLoaInfo.address.city must not be empty",
    );
    let mut none = text_enable_body("directLoaInfo", direct_loa());
    none.as_object_mut().unwrap().remove("directLoaInfo");
    assert_400(
        &post(&server, &path, none).await,
        "must have exactly one of directLoaInfo, resellerLoaInfo, blanketLoaInfo; got none",
    );
    let mut two = text_enable_body("directLoaInfo", direct_loa());
    two["blanketLoaInfo"] = json!({});
    assert_400(
        &post(&server, &path, two).await,
        "got directLoaInfo and blanketLoaInfo",
    );
    let mut body = text_enable_body("blanketLoaInfo", json!({}));
    body["regionCode"] = json!("MX");
    assert_400(&post(&server, &path, body).await, "regionCode \"MX\"");
    let mut body = text_enable_body("blanketLoaInfo", json!({}));
    body["numbers"] = json!(["+1206"]);
    assert_400(&post(&server, &path, body).await, "numbers[0]");
    let mut body = text_enable_body("blanketLoaInfo", json!({}));
    body["projectId"] = json!("other");
    assert_400(
        &post(&server, &path, body).await,
        "does not match the project",
    );
    let (status, body) = send_json(
        &server.base_url(),
        Some((server.key_id(), server.key_secret())),
        Method::POST,
        &path,
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("not valid JSON"));
    assert_eq!(server.hosting_order_count(PROJECT), 0);
}

#[tokio::test]
async fn toll_free_orders() {
    let server = FakeServer::start().await.unwrap();
    let path = format!("{}:textEnableTollFreeNumbers", orders());
    let (status, order) = post(
        &server,
        &path,
        toll_free_body("directLoaInfo", direct_loa()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["type"], "TYPE_TEXT_ENABLE");
    assert!(
        order.get("campaignId").is_none(),
        "toll-free orders have no campaign"
    );
    assert_eq!(order["textEnableInfo"]["loaType"], "Direct");
    let (status, order) = post(
        &server,
        &path,
        toll_free_body("resellerLoaInfo", reseller_loa()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["textEnableInfo"]["loaType"], "Reseller");

    assert_400(
        &post(&server, &path, toll_free_body("blanketLoaInfo", json!({}))).await,
        "unknown field `body.blanketLoaInfo`",
    );
    let mut body = toll_free_body("directLoaInfo", direct_loa());
    body["projectId"] = json!("another-project");
    assert_400(
        &post(&server, &path, body).await,
        "does not match the project",
    );
    let mut body = toll_free_body("directLoaInfo", direct_loa());
    body.as_object_mut().unwrap().remove("projectId");
    assert_400(
        &post(&server, &path, body).await,
        "`body.projectId` is required",
    );
    let mut body = toll_free_body("directLoaInfo", direct_loa());
    body["resellerLoaInfo"] = reseller_loa();
    assert_400(
        &post(&server, &path, body).await,
        "got directLoaInfo and resellerLoaInfo",
    );
    let mut none = toll_free_body("directLoaInfo", direct_loa());
    none.as_object_mut().unwrap().remove("directLoaInfo");
    assert_400(
        &post(&server, &path, none).await,
        "must have exactly one of directLoaInfo, resellerLoaInfo; got none",
    );
    let mut loa = direct_loa();
    loa["authorisedPerson"]
        .as_object_mut()
        .unwrap()
        .remove("lastName");
    assert_400(
        &post(&server, &path, toll_free_body("directLoaInfo", loa)).await,
        "`body.directLoaInfo.authorisedPerson.lastName` is required",
    );
    assert_eq!(server.hosting_order_count(PROJECT), 2);
}

/// The ids of every order `query` lists, paging `size` at a time.
async fn list_all(server: &FakeServer, query: &str, size: usize) -> Vec<String> {
    let mut ids = Vec::new();
    let mut token = String::new();
    loop {
        let (status, page) = get(
            server,
            &format!("{}?{query}&pageSize={size}&pageToken={token}", orders()),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let items = page["hostingOrders"].as_array().unwrap();
        assert!(items.len() <= size);
        ids.extend(
            items
                .iter()
                .map(|o| o["hostingOrderId"].as_str().unwrap().to_owned()),
        );
        token = page["nextPageToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            assert_eq!(page["totalSize"], ids.len(), "totalSize counts every page");
            return ids;
        }
    }
}

const SUBMITTED_IMPORTS: &str = "states=SUBMITTED&type=IMPORT&servicePlanId=plan&campaignId=camp";

#[tokio::test]
async fn listing_filters_and_pages() {
    let server = FakeServer::start().await.unwrap();
    let seed = |id: &str| HostingOrderSeed::new().id(id).campaign_id("camp");
    let ids: Vec<String> = (0..5)
        .map(|i| server.seed_hosting_order(PROJECT, seed(&format!("order-{i}"))))
        .collect();
    server.seed_hosting_order(PROJECT, seed("ca-order").region_code("CA"));
    server.seed_hosting_order(
        PROJECT,
        seed("completed").state(HostingOrderState::Completed),
    );
    server.seed_hosting_order(
        PROJECT,
        seed("text").order_type(HostingOrderType::TextEnable),
    );
    server.seed_hosting_order(PROJECT, seed("other-plan").service_plan_id("plan-2"));
    server.seed_hosting_order(PROJECT, HostingOrderSeed::new().id("no-campaign"));
    server.seed_hosting_order("another-project", seed("elsewhere"));

    let mut all = ids.clone();
    all.push("ca-order".into());
    assert_eq!(list_all(&server, SUBMITTED_IMPORTS, 2).await, all);
    assert_eq!(
        list_all(&server, &format!("{SUBMITTED_IMPORTS}&regionCode=CA"), 2).await,
        ["ca-order"]
    );
    assert_eq!(
        list_all(&server, &format!("{SUBMITTED_IMPORTS}&regionCode=US"), 10).await,
        ids
    );
    assert_eq!(
        list_all(
            &server,
            "states=COMPLETED&type=IMPORT&servicePlanId=plan&campaignId=camp",
            2
        )
        .await,
        ["completed"]
    );
    assert_eq!(
        list_all(
            &server,
            "states=SUBMITTED&type=TYPE_TEXT_ENABLE&servicePlanId=plan&campaignId=camp",
            2
        )
        .await,
        ["text"]
    );
    assert_eq!(
        list_all(
            &server,
            "states=SUBMITTED&type=IMPORT&servicePlanId=plan-2&campaignId=camp",
            2
        )
        .await,
        ["other-plan"]
    );
    assert_eq!(
        list_all(
            &server,
            "states=SUBMITTED&type=IMPORT&servicePlanId=plan&campaignId=",
            2
        )
        .await,
        ["no-campaign"],
        "an empty campaignId lists the orders without one"
    );
    let (_, text) = get(&server, &format!("{}/text", orders())).await;
    assert_eq!(
        text["textEnableInfo"]["loaType"], "Direct",
        "seeded text-enable orders get a letter"
    );

    // Ordered by update: the order moved last comes last.
    assert!(server.set_hosting_order_state(PROJECT, "order-0", HostingOrderState::Submitted));
    let by_update = list_all(
        &server,
        &format!("{SUBMITTED_IMPORTS}&orderBy=updatedTime"),
        3,
    )
    .await;
    assert_eq!(by_update.last().map(String::as_str), Some("order-0"));
    assert_eq!(by_update.len(), all.len());
    assert!(!server.set_hosting_order_state(PROJECT, "nope", HostingOrderState::Completed));

    // A token belongs to its query.
    let (_, first) = get(
        &server,
        &format!("{}?{SUBMITTED_IMPORTS}&pageSize=2", orders()),
    )
    .await;
    let token = first["nextPageToken"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_400(
        &get(
            &server,
            &format!(
                "{}?{SUBMITTED_IMPORTS}&regionCode=US&pageSize=2&pageToken={token}",
                orders()
            ),
        )
        .await,
        "other filters or order",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?{SUBMITTED_IMPORTS}&orderBy=updatedTime&pageToken={token}",
                orders()
            ),
        )
        .await,
        "other filters or order",
    );
    assert_400(
        &get(
            &server,
            &format!("{}?{SUBMITTED_IMPORTS}&pageToken=garbage", orders()),
        )
        .await,
        "is not valid",
    );

    // The spec's rules for the query.
    for missing in ["states", "type", "servicePlanId", "campaignId"] {
        let query: Vec<&str> = SUBMITTED_IMPORTS
            .split('&')
            .filter(|kv| !kv.starts_with(&format!("{missing}=")))
            .collect();
        assert_400(
            &get(&server, &format!("{}?{}", orders(), query.join("&"))).await,
            &format!("`{missing}` is required"),
        );
    }
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=OPEN&type=IMPORT&servicePlanId=p&campaignId=c",
                orders()
            ),
        )
        .await,
        "`states` must be one of",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=DRAFT&type=PORT&servicePlanId=p&campaignId=c",
                orders()
            ),
        )
        .await,
        "`type` must be one of",
    );
    assert_400(
        &get(
            &server,
            &format!("{}?{SUBMITTED_IMPORTS}&pageSize=ten", orders()),
        )
        .await,
        "`pageSize` must be an integer",
    );
    assert_400(
        &get(
            &server,
            &format!("{}?{SUBMITTED_IMPORTS}&orderBy=name", orders()),
        )
        .await,
        "`orderBy` must be one of",
    );
    assert_400(
        &get(
            &server,
            &format!("{}?{SUBMITTED_IMPORTS}&regionCode=GB", orders()),
        )
        .await,
        "regionCode \"GB\"",
    );
    assert_400(
        &get(&server, &format!("{}?{SUBMITTED_IMPORTS}&page=2", orders())).await,
        "unknown query parameter `page`",
    );
}

#[tokio::test]
async fn order_numbers_filter_and_page() {
    let server = FakeServer::start().await.unwrap();
    let seed = HostingOrderSeed::new()
        .id("o1")
        .campaign_id("camp")
        .number(HostingOrderNumberSeed::new("+12065550100").all_steps(State::Done))
        .number(
            HostingOrderNumberSeed::new("+12065550101")
                .step(HostingStep::OsrUpdate, State::Done)
                .step(HostingStep::PlatformProvisioning, State::InProgress),
        )
        .number(
            HostingOrderNumberSeed::new("+12065550102")
                .step(HostingStep::OsrUpdate, State::Failed)
                .step(HostingStep::SmsTmo, State::Failed),
        )
        .numbers(["+12065550103", "+12065550104"]);
    assert_eq!(server.seed_hosting_order(PROJECT, seed), "o1");
    let path = format!("{}/o1/numbers", orders());
    let list = |query: String| {
        let server = &server;
        let path = path.clone();
        async move {
            let mut phones = Vec::new();
            let mut token = String::new();
            loop {
                let (status, page) = get(
                    server,
                    &format!("{path}?pageSize=2&pageToken={token}{query}"),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                phones.extend(
                    page["numbers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n["phoneNumber"].as_str().unwrap().to_owned()),
                );
                token = page["nextPageToken"].as_str().unwrap().to_owned();
                if token.is_empty() {
                    assert_eq!(page["totalSize"], phones.len());
                    return phones;
                }
            }
        }
    };
    assert_eq!(list(String::new()).await.len(), 5);
    assert_eq!(
        list("&osrUpdateState=DONE".into()).await,
        ["+12065550100", "+12065550101"]
    );
    assert_eq!(
        list("&osrUpdateState=FAILED".into()).await,
        ["+12065550102"]
    );
    assert_eq!(
        list("&platformProvisioningState=IN_PROGRESS".into()).await,
        ["+12065550101"]
    );
    assert_eq!(
        list("&campaignProvisioningState=WAITING".into()).await,
        [
            "+12065550101",
            "+12065550102",
            "+12065550103",
            "+12065550104"
        ]
    );
    assert_eq!(
        list("&osrUpdateState=DONE&campaignProvisioningState=DONE".into()).await,
        ["+12065550100"]
    );

    // A step changed by a test shows in the filters, the number and the update order.
    assert!(server.set_hosting_order_number_step(
        PROJECT,
        "o1",
        "+12065550103",
        HostingStep::CampaignProvisioning,
        State::Done
    ));
    assert!(!server.set_hosting_order_number_step(
        PROJECT,
        "o1",
        "+12065550199",
        HostingStep::OsrUpdate,
        State::Done
    ));
    assert!(!server.set_hosting_order_number_step(
        PROJECT,
        "o9",
        "+12065550103",
        HostingStep::OsrUpdate,
        State::Done
    ));
    assert_eq!(
        list("&campaignProvisioningState=DONE".into()).await,
        ["+12065550100", "+12065550103"]
    );
    let by_update = list("&orderBy=updatedTime".into()).await;
    assert_eq!(by_update.last().map(String::as_str), Some("+12065550103"));
    let (_, one) = get(&server, &format!("{path}/+12065550102")).await;
    assert_eq!(one["osrUpdate"]["state"], "FAILED");
    assert_eq!(one["smsTmo"]["state"], "FAILED");
    assert_ne!(one["smsTmo"]["errorMessage"], "");
    assert_eq!(one["smsAtt"]["state"], "WAITING");

    let (_, first) = get(&server, &format!("{path}?pageSize=2")).await;
    let token = first["nextPageToken"].as_str().unwrap();
    assert_400(
        &get(
            &server,
            &format!("{path}?pageSize=2&osrUpdateState=DONE&pageToken={token}"),
        )
        .await,
        "other filters or order",
    );
    assert_400(
        &get(&server, &format!("{path}?osrUpdateState=SOON")).await,
        "`osrUpdateState` must be one of",
    );
    assert_400(
        &get(&server, &format!("{path}?pageSize=x")).await,
        "`pageSize` must be an integer",
    );
    assert_400(
        &get(&server, &format!("{path}/12065550100")).await,
        "must start with +",
    );
}

#[tokio::test]
async fn report_counts_the_numbers_steps() {
    let server = FakeServer::start().await.unwrap();
    let id = server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .state(HostingOrderState::InProgress)
            .loa_type(LoaType::Reseller)
            .number(HostingOrderNumberSeed::new("+12065550100").all_steps(State::Done))
            .number(
                HostingOrderNumberSeed::new("+12065550101")
                    .step(HostingStep::OsrUpdate, State::Done)
                    .step(HostingStep::PlatformProvisioning, State::Done)
                    .step(HostingStep::CampaignProvisioning, State::Failed),
            )
            .number(
                HostingOrderNumberSeed::new("+12065550102")
                    .step(HostingStep::MmsAtt, State::Failed),
            ),
    );
    let (_, order) = get(&server, &format!("{}/{id}", orders())).await;
    assert_eq!(order["state"], "IN_PROGRESS");
    assert_eq!(order["textEnableInfo"]["loaType"], "Reseller");
    let report_path = format!("{}/{id}/report", orders());
    let (status, report) = get(&server, &report_path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        report,
        json!({"total": 3, "osrUpdated": 2, "smsProvisioned": 2, "addedToCampaign": 1, "ongoingManualAction": 2})
    );
    server.set_hosting_order_number_step(
        PROJECT,
        &id,
        "+12065550101",
        HostingStep::CampaignProvisioning,
        State::Done,
    );
    let (_, report) = get(&server, &report_path).await;
    assert_eq!(report["addedToCampaign"], 2);
    assert_eq!(report["ongoingManualAction"], 1);
    assert!(server.set_hosting_order_state(PROJECT, &id, HostingOrderState::Completed));
    let (_, order) = get(&server, &format!("{}/{id}", orders())).await;
    assert_eq!(order["state"], "COMPLETED");
}

#[tokio::test]
async fn unknown_orders_numbers_and_verbs_are_404() {
    let server = FakeServer::start().await.unwrap();
    let id = server.seed_hosting_order(PROJECT, HostingOrderSeed::new().numbers(["+12065550100"]));
    for path in [
        format!("{}/01arz3ndektsv4rrffq69g5fav", orders()),
        format!("{}/01arz3ndektsv4rrffq69g5fav/report", orders()),
        format!("{}/01arz3ndektsv4rrffq69g5fav/numbers", orders()),
        format!(
            "{}/01arz3ndektsv4rrffq69g5fav/numbers/+12065550100",
            orders()
        ),
        format!("{}/{id}/numbers/+12065550199", orders()),
        format!("/v1/projects/another-project/hostingOrders/{id}"),
    ] {
        assert_404(&get(&server, &path).await);
    }
    let answer = post(&server, &format!("{}:cancel", orders()), json!({})).await;
    assert_404(&answer);
    let (status, body) = call(
        &server,
        Method::GET,
        &format!("{}:importNumbers", orders()),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["code"], "405");
}

#[tokio::test]
async fn every_route_needs_auth() {
    let server = FakeServer::start().await.unwrap();
    let id = server.seed_hosting_order(PROJECT, HostingOrderSeed::new().numbers(["+12065550100"]));
    let routes = [
        (Method::GET, format!("{}?{SUBMITTED_IMPORTS}", orders())),
        (Method::GET, format!("{}/{id}", orders())),
        (Method::GET, format!("{}/{id}/report", orders())),
        (Method::GET, format!("{}/{id}/numbers", orders())),
        (
            Method::GET,
            format!("{}/{id}/numbers/+12065550100", orders()),
        ),
        (Method::POST, format!("{}:importNumbers", orders())),
        (Method::POST, format!("{}:textEnableNumbers", orders())),
        (
            Method::POST,
            format!("{}:textEnableTollFreeNumbers", orders()),
        ),
    ];
    for (method, path) in routes {
        let (status, body) = send_json(
            &server.base_url(),
            None,
            method.clone(),
            &path,
            Some(&json!({})),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(body["code"], "401");
        assert_eq!(body["status"], "UNAUTHENTICATED");
        let (status, _) = send_json(
            &server.base_url(),
            Some(("fake-key-id", "wrong")),
            method.clone(),
            &path,
            Some(&json!({})),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a wrong secret"
        );
    }
}

/// The flow delay of the tests below: long enough that a read in the
/// middle of a step lands in it on a busy machine (300 ms was not: a CI
/// build beside the tests made the reads after one mid-step cross into the
/// next step).
const D: Duration = Duration::from_millis(800);

async fn flowing() -> FakeServer {
    FakeServer::builder().flow_delay(D).start().await.unwrap()
}

/// Sleeps until the middle of step `n` counted from `t0` (step 0 is the
/// one that starts at `t0`).
async fn mid_step(t0: Instant, n: u32) {
    tokio::time::sleep_until((t0 + D * n + D / 2).into()).await;
}

async fn order(server: &FakeServer, id: &str) -> Value {
    let (status, order) = get(server, &format!("{}/{id}", orders())).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    order
}

async fn number(server: &FakeServer, id: &str, phone: &str) -> Value {
    let (status, number) = get(server, &format!("{}/{id}/numbers/{phone}", orders())).await;
    assert_eq!(status, StatusCode::OK, "{number}");
    number
}

/// The states of a number's tracks and of its AT&T SMS carrier.
fn steps(number: &Value) -> [&str; 4] {
    [
        "osrUpdate",
        "platformProvisioning",
        "campaignProvisioning",
        "smsAtt",
    ]
    .map(|step| number[step]["state"].as_str().unwrap_or("?"))
}

/// Polls (bounded) until order `id` is in `state`.
async fn until_order(server: &FakeServer, id: &str, state: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let order = order(server, id).await;
        if order["state"] == state {
            return order;
        }
        assert!(Instant::now() < deadline, "never {state}: {order}");
        tokio::time::sleep(D / 4).await;
    }
}

async fn receiver() -> Misbehaving {
    Misbehaving::start(|_, _| Reply::json(200, json!({}))).await
}

/// The callbacks `hook` received once there are `n`, each checked for its
/// signature, as (phone, event type, status, failure code).
async fn callbacks_seen(
    hook: &Misbehaving,
    n: usize,
) -> BTreeSet<(String, String, String, String)> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while hook.requests().len() < n {
        assert!(
            Instant::now() < deadline,
            "{} callbacks",
            hook.requests().len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let secret = CallbackSecret::new(DEFAULT_CALLBACK_SECRET).unwrap();
    hook.requests()
        .iter()
        .map(|request| {
            callbacks::verify(
                &secret,
                &request.body,
                request.header(callbacks::SIGNATURE_HEADER),
            )
            .expect("a signed callback");
            let event: Value = serde_json::from_slice(&request.body).unwrap();
            assert_eq!(event["resourceType"], "HOSTING_ORDER_NUMBER", "{event}");
            assert_eq!(event["projectId"], PROJECT, "{event}");
            let text = |key: &str| event[key].as_str().unwrap_or("").to_owned();
            (
                text("resourceId"),
                text("eventType"),
                text("status"),
                text("failureCode"),
            )
        })
        .collect()
}

fn seen(phone: &str, event: &str, status: &str, code: &str) -> (String, String, String, String) {
    (phone.into(), event.into(), status.into(), code.into())
}

#[tokio::test]
async fn an_import_order_moves_step_by_step_reports_and_imports() {
    let server = flowing().await;
    let hook = receiver().await;
    let (ok, bad) = ("+12065550100", "+12065550101");
    server.fail_hosting_of_number(bad, HostingStep::PlatformProvisioning);
    let mut body = import_body(&[ok, bad]);
    body["callbackUrl"] = json!(format!("{}/hooks", hook.url()));
    let t0 = Instant::now();
    let (status, opened) = post(&server, &format!("{}:importNumbers", orders()), body).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["state"], "SUBMITTED");
    let id = opened["hostingOrderId"].as_str().unwrap().to_owned();

    mid_step(t0, 0).await;
    assert_eq!(order(&server, &id).await["state"], "SUBMITTED");
    assert_eq!(steps(&number(&server, &id, ok).await), ["WAITING"; 4]);

    // An import order needs no signature.
    mid_step(t0, 1).await;
    assert_eq!(order(&server, &id).await["state"], "IN_PROGRESS");
    assert_eq!(
        steps(&number(&server, &id, ok).await),
        ["IN_PROGRESS", "WAITING", "WAITING", "WAITING"]
    );

    mid_step(t0, 2).await;
    for phone in [ok, bad] {
        assert_eq!(
            steps(&number(&server, &id, phone).await),
            ["DONE", "IN_PROGRESS", "WAITING", "IN_PROGRESS"]
        );
    }

    mid_step(t0, 3).await;
    assert_eq!(
        steps(&number(&server, &id, ok).await),
        ["DONE", "DONE", "IN_PROGRESS", "IN_PROGRESS"]
    );
    let failed = number(&server, &id, bad).await;
    assert_eq!(steps(&failed), ["DONE", "FAILED", "WAITING", "FAILED"]);
    for carrier in ["smsAtt", "smsTmo", "mmsAtt", "mmsTmo"] {
        assert_eq!(failed[carrier]["state"], "FAILED", "{failed}");
        assert_eq!(failed[carrier]["errorCode"], "NUMBER_PROVISIONING_FAILED");
        assert!(!failed[carrier]["errorMessage"].as_str().unwrap().is_empty());
    }
    assert_eq!(order(&server, &id).await["state"], "IN_PROGRESS");
    let (_, report) = get(&server, &format!("{}/{id}/report", orders())).await;
    assert_eq!(
        report,
        json!({"total": 2, "osrUpdated": 2, "smsProvisioned": 1, "addedToCampaign": 0, "ongoingManualAction": 1})
    );

    // Completed, although one number failed.
    mid_step(t0, 4).await;
    assert_eq!(order(&server, &id).await["state"], "COMPLETED");
    let done = number(&server, &id, ok).await;
    assert_eq!(steps(&done), ["DONE"; 4]);
    assert_eq!(done["mmsTmo"]["state"], "DONE");
    assert_eq!(done["mmsTmo"]["errorCode"], "");
    let (_, report) = get(&server, &format!("{}/{id}/report", orders())).await;
    assert_eq!(report["addedToCampaign"], 1);

    // The number that finished is now an imported number of the project.
    let (status, imported) = get(
        &server,
        &format!("/v1/projects/{PROJECT}/importedNumbers/{ok}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(imported["smsConfiguration"]["servicePlanId"], "plan");
    assert_eq!(imported["smsConfiguration"]["campaignId"], "C3O84GA");
    assert_eq!(imported["regionCode"], "US");
    let (status, _) = get(
        &server,
        &format!("/v1/projects/{PROJECT}/importedNumbers/{bad}"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let events = callbacks_seen(&hook, 7).await;
    let expected: BTreeSet<_> = [
        seen(ok, "OSR_UPDATE", "SUCCEEDED", ""),
        seen(ok, "PROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED", ""),
        seen(ok, "LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED", ""),
        seen(ok, "HOSTING_PROCESS", "SUCCEEDED", ""),
        seen(bad, "OSR_UPDATE", "SUCCEEDED", ""),
        seen(
            bad,
            "PROVISIONING_TO_SMS_PLATFORM",
            "FAILED",
            "NUMBER_PROVISIONING_FAILED",
        ),
        seen(
            bad,
            "HOSTING_PROCESS",
            "FAILED",
            "NUMBER_PROVISIONING_FAILED",
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(events, expected);
    tokio::time::sleep(D).await;
    assert_eq!(hook.requests().len(), 7, "each milestone is reported once");
    assert_eq!(server.callbacks_delivered(), 7);
}

#[tokio::test]
async fn a_letter_waits_for_its_signature_through_the_helper_route() {
    let server = flowing().await;
    let hook = receiver().await;
    server.fail_hosting_of_number("+12065550101", HostingStep::OsrUpdate);
    let mut body = text_enable_body("directLoaInfo", direct_loa());
    body["callbackUrl"] = json!(hook.url());
    let t0 = Instant::now();
    let (status, opened) = post(&server, &format!("{}:textEnableNumbers", orders()), body).await;
    assert_eq!(status, StatusCode::OK, "{opened}");
    assert_eq!(opened["state"], "SUBMITTED");
    let id = opened["hostingOrderId"].as_str().unwrap().to_owned();
    mid_step(t0, 1).await;
    assert_eq!(
        order(&server, &id).await["state"],
        "WAITING_FOR_LOA_SIGNATURE"
    );
    mid_step(t0, 3).await;
    assert_eq!(
        order(&server, &id).await["state"],
        "WAITING_FOR_LOA_SIGNATURE",
        "nothing moves until a person signs"
    );
    assert_eq!(
        steps(&number(&server, &id, "+12065550100").await),
        ["WAITING"; 4]
    );
    assert!(hook.requests().is_empty());

    let sign = |order_id: &str| {
        format!(
            "{}/_fake/projects/{PROJECT}/hostingOrders/{order_id}:signLoa",
            server.base_url()
        )
    };
    let http = workspace_tests::http();
    let signed = http.post(sign(&id)).send().await.unwrap();
    assert_eq!(signed.status(), StatusCode::NO_CONTENT, "no auth needed");
    let t1 = Instant::now();
    let again = http.post(sign(&id)).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["status"], "FAILED_PRECONDITION", "{again}");
    let unknown = http
        .post(sign("01arz3ndektsv4rrffq69g5fav"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    let verb = http
        .post(format!(
            "{}/_fake/projects/{PROJECT}/hostingOrders/{id}:cancel",
            server.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(verb.status(), StatusCode::NOT_FOUND);
    assert!(!server.sign_loa(PROJECT, &id), "signed already");

    mid_step(t1, 0).await;
    assert_eq!(order(&server, &id).await["state"], "IN_PROGRESS");
    assert_eq!(
        steps(&number(&server, &id, "+12065550100").await)[0],
        "IN_PROGRESS"
    );
    mid_step(t1, 1).await;
    let failed = number(&server, &id, "+12065550101").await;
    assert_eq!(steps(&failed), ["FAILED", "WAITING", "WAITING", "FAILED"]);
    assert_eq!(failed["smsTmo"]["errorCode"], "INVALID_NNID");
    let done = until_order(&server, &id, "COMPLETED").await;
    assert_eq!(done["textEnableInfo"]["loaType"], "Direct");
    assert_eq!(
        steps(&number(&server, &id, "+12065550100").await),
        ["DONE"; 4]
    );
    let (_, report) = get(&server, &format!("{}/{id}/report", orders())).await;
    assert_eq!(
        report,
        json!({"total": 2, "osrUpdated": 1, "smsProvisioned": 1, "addedToCampaign": 1, "ongoingManualAction": 1})
    );
    // Text-enabling imports nothing.
    let (status, _) = get(
        &server,
        &format!("/v1/projects/{PROJECT}/importedNumbers/+12065550100"),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let events = callbacks_seen(&hook, 6).await;
    assert!(events.contains(&seen(
        "+12065550101",
        "OSR_UPDATE",
        "FAILED",
        "INVALID_NNID"
    )));
    assert!(events.contains(&seen(
        "+12065550101",
        "HOSTING_PROCESS",
        "FAILED",
        "INVALID_NNID"
    )));
    assert!(events.contains(&seen("+12065550100", "HOSTING_PROCESS", "SUCCEEDED", "")));
}

#[tokio::test]
async fn blanket_letters_skip_signing_and_toll_free_orders_have_no_campaign_step() {
    let server = flowing().await;
    let t0 = Instant::now();
    let (_, blanket) = post(
        &server,
        &format!("{}:textEnableNumbers", orders()),
        text_enable_body("blanketLoaInfo", json!({})),
    )
    .await;
    let blanket = blanket["hostingOrderId"].as_str().unwrap().to_owned();
    let (_, toll_free) = post(
        &server,
        &format!("{}:textEnableTollFreeNumbers", orders()),
        toll_free_body("resellerLoaInfo", reseller_loa()),
    )
    .await;
    let toll_free = toll_free["hostingOrderId"].as_str().unwrap().to_owned();
    mid_step(t0, 1).await;
    assert_eq!(order(&server, &blanket).await["state"], "IN_PROGRESS");
    assert_eq!(
        order(&server, &toll_free).await["state"],
        "WAITING_FOR_LOA_SIGNATURE"
    );
    assert!(!server.sign_loa(PROJECT, &blanket), "no letter to sign");
    assert!(!server.sign_loa(PROJECT, "nope"));
    assert!(server.sign_loa(PROJECT, &toll_free));
    until_order(&server, &toll_free, "COMPLETED").await;
    let n = number(&server, &toll_free, "+18335870229").await;
    assert_eq!(steps(&n), ["DONE", "DONE", "WAITING", "DONE"]);
    let (_, report) = get(&server, &format!("{}/{toll_free}/report", orders())).await;
    assert_eq!(
        report,
        json!({"total": 1, "osrUpdated": 1, "smsProvisioned": 1, "addedToCampaign": 0, "ongoingManualAction": 0})
    );
    until_order(&server, &blanket, "COMPLETED").await;
}

#[tokio::test]
async fn rejections_stop_orders_and_seeded_orders_stay_put() {
    let server = flowing().await;
    let hook = receiver().await;
    server.reject_hosting_orders_named("doomed");
    let mut doomed = import_body(&["+12065550100"]);
    doomed["displayName"] = json!("doomed");
    let mut stopped = import_body(&["+12065550101"]);
    stopped["callbackUrl"] = json!(hook.url());
    let seeded =
        server.seed_hosting_order(PROJECT, HostingOrderSeed::new().numbers(["+12065550102"]));
    let t0 = Instant::now();
    let (_, doomed) = post(&server, &format!("{}:importNumbers", orders()), doomed).await;
    let doomed = doomed["hostingOrderId"].as_str().unwrap().to_owned();
    let (_, stopped) = post(&server, &format!("{}:importNumbers", orders()), stopped).await;
    let stopped = stopped["hostingOrderId"].as_str().unwrap().to_owned();

    mid_step(t0, 1).await;
    assert_eq!(order(&server, &doomed).await["state"], "REJECTED");
    mid_step(t0, 2).await;
    assert!(server.reject_hosting_order(PROJECT, &stopped));
    assert!(!server.reject_hosting_order(PROJECT, &stopped), "once");
    assert!(!server.reject_hosting_order(PROJECT, "nope"));
    let n = number(&server, &stopped, "+12065550101").await;
    assert_eq!(order(&server, &stopped).await["state"], "REJECTED");
    assert_eq!(steps(&n), ["DONE", "WAITING", "WAITING", "WAITING"]);
    let events = callbacks_seen(&hook, 2).await;
    assert!(events.contains(&seen("+12065550101", "HOSTING_PROCESS", "FAILED", "")));

    mid_step(t0, 6).await;
    assert_eq!(order(&server, &doomed).await["state"], "REJECTED");
    assert_eq!(
        steps(&number(&server, &doomed, "+12065550100").await),
        ["WAITING"; 4]
    );
    assert_eq!(order(&server, &stopped).await["state"], "REJECTED");
    for phone in ["+12065550100", "+12065550101"] {
        let (status, _) = get(
            &server,
            &format!("/v1/projects/{PROJECT}/importedNumbers/{phone}"),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{phone} was not imported");
    }
    let seeded_order = order(&server, &seeded).await;
    assert_eq!(
        seeded_order["state"], "SUBMITTED",
        "seeded orders do not move"
    );
    assert_eq!(
        steps(&number(&server, &seeded, "+12065550102").await),
        ["WAITING"; 4]
    );
    assert!(!server.sign_loa(PROJECT, &seeded));
    assert!(server.reject_hosting_order(PROJECT, &seeded));
    assert_eq!(order(&server, &seeded).await["state"], "REJECTED");
}
