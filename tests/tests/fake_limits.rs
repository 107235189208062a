//! The fake's traffic knobs: the per-project rate limit, outages by status
//! and by refused connections, and the answered/throttled/failed counters
//! with their `/_fake/stats` endpoint.
//!
//! Waits are bounded loops with generous limits, so a busy machine makes
//! these tests slower, not flaky.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};
use sinch_imported_numbers_fake::{FakeServer, FakeStats, Outage};
use workspace_tests::{phone, PROJECT};

const OTHER_PROJECT: &str = "0b7e6f7a-0000-4000-8000-000000000001";

/// The path of a number nobody imported: a cheap request that the API
/// answers 404.
fn missing_number(project: &str) -> String {
    format!("/v1/projects/{project}/importedNumbers/+12065550100")
}

struct Answer {
    status: StatusCode,
    retry_after: Option<String>,
    body: Value,
}

async fn send(
    http: &reqwest::Client,
    server: &FakeServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> Result<Answer, reqwest::Error> {
    let mut request = http
        .request(method, format!("{}{path}", server.base_url()))
        .basic_auth(server.key_id(), Some(server.key_secret()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await?;
    Ok(Answer {
        status,
        retry_after,
        body: serde_json::from_str(&text).unwrap_or(Value::String(text)),
    })
}

async fn get(server: &FakeServer, path: &str) -> Answer {
    send(
        &workspace_tests::http(),
        server,
        reqwest::Method::GET,
        path,
        None,
    )
    .await
    .unwrap()
}

async fn stats_json(server: &FakeServer) -> (StatusCode, Value) {
    let response = workspace_tests::http()
        .get(server.stats_url())
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

fn stats(answered: u64, throttled: u64, failed: u64) -> FakeStats {
    FakeStats {
        answered,
        throttled,
        failed,
    }
}

#[tokio::test]
async fn the_burst_passes_then_429_with_retry_after() {
    // One token every 10 s: nothing refills while the test runs.
    let server = FakeServer::builder()
        .rate_limit(0.1, 3)
        .start()
        .await
        .unwrap();
    let mut statuses = Vec::new();
    let mut last = None;
    for _ in 0..6 {
        let answer = get(&server, &missing_number(PROJECT)).await;
        statuses.push(answer.status.as_u16());
        last = Some(answer);
    }
    assert_eq!(statuses, [404, 404, 404, 429, 429, 429]);
    let last = last.unwrap();
    assert_eq!(last.body["code"], "429");
    assert_eq!(last.body["status"], "RESOURCE_EXHAUSTED");
    assert!(last.body["message"]
        .as_str()
        .unwrap()
        .contains("rate limit"));
    let retry_after: u64 = last.retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=10).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(server.stats(), stats(3, 3, 0));
}

#[tokio::test]
async fn tokens_refill_at_the_rate() {
    let server = FakeServer::builder()
        .rate_limit(50.0, 2)
        .start()
        .await
        .unwrap();
    let http = workspace_tests::http();
    let path = missing_number(PROJECT);
    let mut throttled = None;
    for _ in 0..20 {
        let answer = send(&http, &server, reqwest::Method::GET, &path, None)
            .await
            .unwrap();
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(answer);
            break;
        }
    }
    let throttled = throttled.expect("20 quick requests exceed a burst of 2");
    // The next token is 20 ms away: rounded up to the smallest whole second.
    assert_eq!(throttled.retry_after.as_deref(), Some("1"));
    let mut passed = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(30)).await;
        let answer = send(&http, &server, reqwest::Method::GET, &path, None)
            .await
            .unwrap();
        if answer.status == StatusCode::NOT_FOUND {
            passed = true;
            break;
        }
    }
    assert!(passed, "a token came back within 3 s at 50/s");
    let counted = server.stats();
    assert!(
        counted.throttled >= 1 && counted.answered >= 3,
        "{counted:?}"
    );
}

#[tokio::test]
async fn each_project_has_its_own_limit() {
    let server = FakeServer::builder()
        .rate_limit(0.1, 1)
        .start()
        .await
        .unwrap();
    assert_eq!(
        get(&server, &missing_number(PROJECT)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&server, &missing_number(PROJECT)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        get(&server, &missing_number(OTHER_PROJECT)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&server, &missing_number(OTHER_PROJECT)).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // The token endpoint and the stats endpoint are not limited.
    for _ in 0..3 {
        let token = workspace_tests::http()
            .post(server.token_url())
            .basic_auth(server.key_id(), Some(server.key_secret()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .unwrap();
        assert_eq!(token.status(), StatusCode::OK);
        assert_eq!(stats_json(&server).await.0, StatusCode::OK);
    }
    assert_eq!(server.stats(), stats(2, 2, 0));
}

#[tokio::test]
async fn throttled_requests_do_no_work() {
    let server = FakeServer::builder()
        .rate_limit(0.1, 1)
        .start()
        .await
        .unwrap();
    let http = workspace_tests::http();
    get(&server, &missing_number(PROJECT)).await;
    let import = json!({
        "phoneNumber": "+12065550101",
        "regionCode": "US",
        "smsConfiguration": {},
    });
    let path = format!("/v1/projects/{PROJECT}/importedNumbers");
    let answer = send(&http, &server, reqwest::Method::POST, &path, Some(import))
        .await
        .unwrap();
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(server.number_count(PROJECT), 0);

    // With the limit lifted, the same import is done.
    server.remove_rate_limit();
    let import = json!({
        "phoneNumber": "+12065550101",
        "regionCode": "US",
        "smsConfiguration": {},
    });
    let answer = send(&http, &server, reqwest::Method::POST, &path, Some(import))
        .await
        .unwrap();
    assert!(answer.status.is_success(), "{}", answer.body);
    assert_eq!(server.number_count(PROJECT), 1);
}

#[tokio::test]
async fn the_counters_follow_their_definitions() {
    let server = FakeServer::builder()
        .rate_limit(0.1, 4)
        .start()
        .await
        .unwrap();
    server.seed(
        PROJECT,
        [workspace_tests::number_json("+12065550102")].map(|n| serde_json::from_value(n).unwrap()),
    );
    let http = workspace_tests::http();
    let present = format!("/v1/projects/{PROJECT}/importedNumbers/+12065550102");
    // Answered: a 200, a 404, and a 401 for a wrong key.
    assert_eq!(get(&server, &present).await.status, StatusCode::OK);
    assert_eq!(
        get(&server, &missing_number(PROJECT)).await.status,
        StatusCode::NOT_FOUND
    );
    let wrong_key = http
        .get(format!("{}{present}", server.base_url()))
        .basic_auth("nobody", Some("nothing"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_key.status(), StatusCode::UNAUTHORIZED);
    // Failed: an injected fault, even a 429 one.
    server.fail_next(1, StatusCode::TOO_MANY_REQUESTS, None);
    assert_eq!(
        get(&server, &present).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Throttled: the bucket of 4 is empty now.
    assert_eq!(
        get(&server, &present).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Failed: an outage is answered before the limit is consulted.
    server.set_outage(Some(Outage::Status(StatusCode::BAD_GATEWAY)));
    assert_eq!(get(&server, &present).await.status, StatusCode::BAD_GATEWAY);
    server.set_outage(None);
    // Not counted: paths the API does not have, tokens, and the stats.
    assert_eq!(
        get(&server, "/v1/nothing/here").await.status,
        StatusCode::NOT_FOUND
    );

    let counted = server.stats();
    assert_eq!(counted, stats(3, 1, 2));
    let (status, body) = stats_json(&server).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"answered": 3, "throttled": 1, "failed": 2}),
        "the endpoint and stats() agree"
    );
    assert_eq!(server.stats().since(counted), FakeStats::default());
    assert_eq!(counted.total(), 6);
}

#[tokio::test]
async fn the_stats_endpoint_is_a_plain_json_helper() {
    let server = FakeServer::builder()
        .outage(StatusCode::SERVICE_UNAVAILABLE)
        .start()
        .await
        .unwrap();
    // No authentication, and it keeps answering during a status outage.
    let (status, body) = stats_json(&server).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"answered": 0, "throttled": 0, "failed": 0}));
    assert_eq!(
        server.stats_url(),
        format!("{}/_fake/stats", server.base_url())
    );
    let post = workspace_tests::http()
        .post(server.stats_url())
        .send()
        .await
        .unwrap();
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(server.stats(), FakeStats::default());
}

#[tokio::test]
async fn a_status_outage_fails_every_api_request() {
    let server = FakeServer::builder()
        .outage(StatusCode::SERVICE_UNAVAILABLE)
        .start()
        .await
        .unwrap();
    assert_eq!(
        server.outage(),
        Some(Outage::Status(StatusCode::SERVICE_UNAVAILABLE))
    );
    for path in [
        missing_number(PROJECT),
        format!("/v1/projects/{PROJECT}/hostingOrders/some-order"),
    ] {
        let answer = get(&server, &path).await;
        assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer.body["code"], "503");
        assert_eq!(answer.body["status"], "SERVICE_UNAVAILABLE");
    }
    // Unauthenticated requests fail the same way: the outage comes first.
    let anonymous = workspace_tests::http()
        .get(format!("{}{}", server.base_url(), missing_number(PROJECT)))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SERVICE_UNAVAILABLE);
    // The token endpoint keeps working.
    let token = workspace_tests::http()
        .post(server.token_url())
        .basic_auth(server.key_id(), Some(server.key_secret()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), StatusCode::OK);
    assert_eq!(server.stats(), stats(0, 0, 3));

    server.set_outage(None);
    assert_eq!(server.outage(), None);
    assert_eq!(
        get(&server, &missing_number(PROJECT)).await.status,
        StatusCode::NOT_FOUND
    );

    // An outage with a duration ends by itself.
    server.set_outage_for(
        Outage::Status(StatusCode::INTERNAL_SERVER_ERROR),
        Duration::from_millis(200),
    );
    assert_eq!(
        get(&server, &missing_number(PROJECT)).await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    let mut recovered = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if get(&server, &missing_number(PROJECT)).await.status == StatusCode::NOT_FOUND {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "the 200 ms outage ended within 5 s");
}

#[tokio::test]
async fn refused_connections_are_connection_errors() {
    let server = FakeServer::start().await.unwrap();
    let path = missing_number(PROJECT);
    // A client with a kept-alive connection from before the outage.
    let pooled = workspace_tests::http();
    let before = send(&pooled, &server, reqwest::Method::GET, &path, None)
        .await
        .unwrap();
    assert_eq!(before.status, StatusCode::NOT_FOUND);

    server.set_outage(Some(Outage::RefuseConnections));
    let err = send(&pooled, &server, reqwest::Method::GET, &path, None)
        .await
        .err()
        .expect("the kept-alive connection is cut");
    assert!(err.status().is_none(), "no HTTP answer: {err}");
    let fresh = workspace_tests::http();
    let err = send(&fresh, &server, reqwest::Method::GET, &path, None)
        .await
        .err()
        .expect("a new connection is closed");
    assert!(err.status().is_none(), "no HTTP answer: {err}");
    assert!(workspace_tests::http()
        .get(server.stats_url())
        .send()
        .await
        .is_err());
    // The SDK sees an error too, whatever it retries.
    let client =
        workspace_tests::client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    assert!(client.get(&phone("+12065550100")).await.is_err());
    let counted = server.stats();
    assert!(counted.failed >= 3, "{counted:?}");
    assert_eq!(counted.answered, 1);

    server.set_outage(None);
    let after = send(
        &workspace_tests::http(),
        &server,
        reqwest::Method::GET,
        &path,
        None,
    )
    .await
    .unwrap();
    assert_eq!(after.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn refused_connections_for_a_while_then_served_again() {
    let server = FakeServer::builder()
        .outage_for(Outage::RefuseConnections, Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let path = missing_number(PROJECT);
    let mut refused = 0;
    let mut served = false;
    for _ in 0..100 {
        match send(
            &workspace_tests::http(),
            &server,
            reqwest::Method::GET,
            &path,
            None,
        )
        .await
        {
            Ok(answer) => {
                assert_eq!(answer.status, StatusCode::NOT_FOUND);
                served = true;
                break;
            }
            Err(_) => refused += 1,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "the 300 ms outage ended within about 5 s");
    assert_eq!(server.outage(), None);
    assert!(server.stats().failed >= refused, "{:?}", server.stats());
}
