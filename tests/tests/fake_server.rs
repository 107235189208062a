//! The facade against the stateful fake server: whole lifecycles, the
//! server's validation, filters, paging, OAuth2 rotation and injected faults.

use std::time::Duration;

use futures::TryStreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sinch_imported_numbers::{
    AuthMode, Client, ErrorKind, ListFilter, NumberImport, NumberPattern, OrderBy, Region,
};
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::{phone, PROJECT};

fn client_for(server: &FakeServer) -> Client {
    workspace_tests::client_with_key(&server.base_url(), server.key_id(), server.key_secret())
}

fn linked(number: &str) -> NumberImport {
    NumberImport::new(phone(number))
        .service_plan_id("plan")
        .campaign_id("campaign")
}

async fn list_numbers(client: &Client, filter: ListFilter) -> Vec<String> {
    client
        .list(filter)
        .page_size(2)
        .items()
        .map_ok(|n| n.phone_number().to_string())
        .try_collect()
        .await
        .unwrap()
}

/// Raw HTTP with the fake's Basic credentials, for what the SDK never sends.
async fn raw(
    server: &FakeServer,
    method: reqwest::Method,
    path_and_query: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = workspace_tests::http()
        .request(method, format!("{}{path_and_query}", server.base_url()))
        .basic_auth(server.key_id(), Some(server.key_secret()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn full_lifecycle() {
    let server = FakeServer::start().await.unwrap();
    let client = client_for(&server);
    for n in ["+12065550101", "+12065550102", "+14165550103"] {
        client
            .import(linked(n).display_name(format!("desk {n}")))
            .await
            .unwrap();
    }
    let err = client.import(linked("+12065550101")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);

    let all = list_numbers(&client, ListFilter::new("plan", "campaign")).await;
    assert_eq!(all, ["+12065550101", "+12065550102", "+14165550103"]);

    let got = client.get(&phone("+14165550103")).await.unwrap();
    assert_eq!(
        got.region_code(),
        Some("CA"),
        "region inferred from the 416 area code"
    );
    assert_eq!(got.project_id(), Some(PROJECT));
    assert_eq!(
        got.migrate_to_sinch_tmo(),
        Some(false),
        "read-only field filled by the server"
    );

    let renamed = client
        .update(&phone("+12065550101"))
        .display_name("Front desk")
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.display_name(), Some("Front desk"));
    assert_eq!(
        renamed.service_plan_id(),
        Some("plan"),
        "fields outside the mask untouched"
    );

    // Linking to another plan without unlinking is refused; relink does both steps.
    let err = client
        .update(&phone("+12065550101"))
        .service_plan_id("plan-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        err.api_error().unwrap().status.as_deref(),
        Some("FAILED_PRECONDITION")
    );
    let moved = client
        .relink_service_plan(&phone("+12065550101"), "plan-2")
        .await
        .unwrap();
    assert_eq!(moved.service_plan_id(), Some("plan-2"));
    assert_eq!(
        list_numbers(&client, ListFilter::new("plan-2", "campaign")).await,
        ["+12065550101"]
    );

    client.delete(&phone("+12065550102")).await.unwrap();
    assert!(client
        .get(&phone("+12065550102"))
        .await
        .unwrap_err()
        .is_not_found());
    assert!(client
        .delete(&phone("+12065550102"))
        .await
        .unwrap_err()
        .is_not_found());
    assert_eq!(server.number_count(PROJECT), 2);
}

#[tokio::test]
async fn filters_and_order() {
    let server = FakeServer::start().await.unwrap();
    let client = client_for(&server);
    for n in [
        "+12065550134",
        "+14165550134",
        "+12065559999",
        "+13125550100",
    ] {
        client.import(linked(n)).await.unwrap();
    }
    let base = || ListFilter::new("plan", "campaign");
    assert_eq!(
        list_numbers(&client, base().region(Region::Ca)).await,
        ["+14165550134"]
    );
    assert_eq!(
        list_numbers(&client, base().pattern(NumberPattern::starts_with("+1206"))).await,
        ["+12065550134", "+12065559999"]
    );
    assert_eq!(
        list_numbers(&client, base().pattern(NumberPattern::contains("5550")))
            .await
            .len(),
        3
    );
    assert_eq!(
        list_numbers(&client, base().pattern(NumberPattern::ends_with("0134"))).await,
        ["+12065550134", "+14165550134"]
    );
    client
        .update(&phone("+12065550134"))
        .display_name("touched")
        .send()
        .await
        .unwrap();
    assert_eq!(
        list_numbers(&client, base().order_by(OrderBy::UpdatedTime)).await,
        [
            "+14165550134",
            "+12065559999",
            "+13125550100",
            "+12065550134"
        ]
    );
}

#[tokio::test]
async fn paging_caps_page_size_and_reports_totals() {
    let server = FakeServer::builder()
        .max_page_size(10)
        .start()
        .await
        .unwrap();
    let client = client_for(&server);
    let numbers: Vec<_> = (0..35).map(|i| format!("+1206555{i:04}")).collect();
    let report = client
        .import_many(numbers.clone().into_iter().map(|n| linked(&n)))
        .concurrency(4)
        .run()
        .await;
    assert_eq!(report.imported().count(), 35);
    let pages: Vec<_> = client
        .list(ListFilter::new("plan", "campaign"))
        .page_size(1000)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<_> = pages.iter().map(|p| p.items.len()).collect();
    assert_eq!(sizes, [10, 10, 10, 5]);
    assert!(pages.iter().all(|p| p.total_size == Some(35)));
    // Concurrent imports finish in any order; every number appears exactly once.
    let mut listed: Vec<_> = pages
        .into_iter()
        .flat_map(|p| p.items)
        .map(|n| n.phone_number().to_string())
        .collect();
    listed.sort();
    assert_eq!(listed, numbers);
}

/// Sends a request the SDK would never send and returns the 400's message.
async fn rejected(
    server: &FakeServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> String {
    let (status, body) = raw(server, method, path, body).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        matches!(body["status"].as_str(), Some("INVALID_ARGUMENT")),
        "{body}"
    );
    body["message"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn the_server_validates_requests_against_the_spec() {
    use reqwest::Method;
    let server = FakeServer::start().await.unwrap();
    let numbers = format!("/v1/projects/{PROJECT}/importedNumbers");
    let list = |query: &str| format!("{numbers}?servicePlanId=p&campaignId=c{query}");

    let message = rejected(&server, Method::GET, &list("&page=2"), None).await;
    assert!(
        message.starts_with("unknown query parameter `page`"),
        "{message}"
    );
    let message = rejected(
        &server,
        Method::GET,
        &format!("{numbers}?campaignId=c"),
        None,
    )
    .await;
    assert_eq!(message, "query parameter `servicePlanId` is required");
    let message = rejected(&server, Method::GET, &list("&pageToken=bogus"), None).await;
    assert!(
        message.contains("page_token \"bogus\" is not valid"),
        "{message}"
    );
    // A raw '+' in a query decodes to a space: the server says so instead of matching nothing.
    let message = rejected(
        &server,
        Method::GET,
        &list("&numberPattern.pattern=+1206"),
        None,
    )
    .await;
    assert!(message.contains("numberPattern.pattern"), "{message}");

    let unknown_field = json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {}, "smsConfig": {}});
    let message = rejected(&server, Method::POST, &numbers, Some(unknown_field)).await;
    assert_eq!(message, "unknown field `body.smsConfig`");
    // The vendor's CreateImportedNumberRequest requires regionCode and smsConfiguration.
    let no_sms = json!({"phoneNumber": "+12065550134", "regionCode": "US"});
    let message = rejected(&server, Method::POST, &numbers, Some(no_sms)).await;
    assert_eq!(message, "`body.smsConfiguration` is required");
    let national = json!({"phoneNumber": "2065550134", "regionCode": "US", "smsConfiguration": {}});
    let message = rejected(&server, Method::POST, &numbers, Some(national)).await;
    assert!(
        message.contains("phoneNumber \"2065550134\" is not valid"),
        "{message}"
    );

    // Read-only fields are accepted but ignored.
    let (status, body) = raw(
        &server,
        Method::POST,
        &numbers,
        Some(json!({
            "phoneNumber": "+12065550134", "regionCode": "US",
            "smsConfiguration": {"servicePlanId": "p", "campaignId": "c", "migrateToSinchTmo": true,
                                 "scheduledProvisioning": {"status": "FAILED"}},
            "mnoConfiguration": {"smsAtt": {"state": "FAILED"}}
        })),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["smsConfiguration"]["migrateToSinchTmo"], false);
    assert_eq!(
        body["smsConfiguration"]["scheduledProvisioning"]["status"], "WAITING",
        "the server's own pending change, not the caller's"
    );
    assert_eq!(body["mnoConfiguration"]["smsAtt"]["state"], "WAITING");

    let one = format!("{numbers}/+12065550134");
    let message = rejected(
        &server,
        Method::PATCH,
        &one,
        Some(json!({"displayName": "x"})),
    )
    .await;
    assert_eq!(message, "fieldMask is not provided");
    let read_only_mask = format!("{one}?updateMask=smsConfiguration.migrateToSinchTmo");
    let message = rejected(&server, Method::PATCH, &read_only_mask, Some(json!({}))).await;
    // The spec's pattern names the updatable paths only.
    assert!(
        message.starts_with("updateMask \"smsConfiguration.migrateToSinchTmo\" is not valid: it does not match the pattern ^(displayName|smsConfiguration\\.servicePlanId|smsConfiguration\\.campaignId|callbackUrl)"),
        "{message}"
    );

    let unauthenticated = workspace_tests::http()
        .get(format!("{}{one}", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
}

#[tokio::test]
async fn oauth2_tokens_are_rotated_after_revocation() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .auth(AuthMode::OAuth2 {
            token_url: server.token_url(),
            refresh_margin: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    client.import(linked("+12065550134")).await.unwrap();
    server.revoke_tokens();
    // The old token now gets a 401; the client fetches a new one and retries.
    let number = client.get(&phone("+12065550134")).await.unwrap();
    assert_eq!(Some(number.phone_number().as_str()), Some("+12065550134"));

    let wrong = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id(server.key_id())
        .key_secret("wrong")
        .base_url(server.base_url())
        .auth(AuthMode::OAuth2 {
            token_url: server.token_url(),
            refresh_margin: Duration::from_secs(60),
        })
        .build()
        .unwrap();
    assert_eq!(
        wrong.get(&phone("+12065550134")).await.unwrap_err().kind(),
        ErrorKind::Unauthenticated
    );
}

#[tokio::test]
async fn injected_faults_are_retried() {
    let server = FakeServer::start().await.unwrap();
    let client = client_for(&server);
    client.import(linked("+12065550134")).await.unwrap();
    let before = server.request_count();
    server.fail_next(2, StatusCode::SERVICE_UNAVAILABLE, None);
    client.get(&phone("+12065550134")).await.unwrap();
    assert_eq!(server.request_count() - before, 3);

    server.fail_next(
        1,
        StatusCode::TOO_MANY_REQUESTS,
        Some(Duration::from_secs(1)),
    );
    let started = std::time::Instant::now();
    client.get(&phone("+12065550134")).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(950));
}
