//! Authentication and retries against httpmock: OAuth2 token caching,
//! single-flight refresh, expiry, refresh-on-401, 429 with Retry-After,
//! bounded retries on 5xx, and no secret in any error.

use std::time::{Duration, Instant};

use httpmock::prelude::*;
use sinch_imported_numbers::{AuthMode, Client, ErrorKind, NumberImport, RetryPolicy};
use workspace_tests::{error_json, number_json, number_path, numbers_path, phone, PROJECT};

const SECRET: &str = "very-secret-key-value";

fn oauth_client(server: &MockServer, refresh_margin: Duration) -> Client {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("key-id")
        .key_secret(SECRET)
        .base_url(server.base_url())
        .auth(AuthMode::OAuth2 {
            token_url: server.url("/oauth2/token"),
            refresh_margin,
        })
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn token_endpoint<'a>(
    server: &'a MockServer,
    token: &str,
    expires_in: u64,
) -> httpmock::Mock<'a> {
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/oauth2/token")
                .header("content-type", "application/x-www-form-urlencoded")
                .header_prefix("authorization", "Basic ")
                .body("grant_type=client_credentials");
            then.status(200).json_body(serde_json::json!({
                "access_token": token, "expires_in": expires_in, "token_type": "bearer"
            }));
        })
        .await
}

async fn api_with_token<'a>(server: &'a MockServer, token: &str) -> httpmock::Mock<'a> {
    let bearer = format!("Bearer {token}");
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(number_path("+12065550134"))
                .header("authorization", bearer);
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await
}

/// The API rejects every GET of the test number with 401, whatever the credentials.
async fn get_always_unauthenticated(server: &MockServer) -> httpmock::Mock<'_> {
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(401)
                .json_body(error_json(401, "UNAUTHENTICATED", "credentials rejected"));
        })
        .await
}

#[tokio::test]
async fn oauth_token_is_fetched_once_for_concurrent_calls() {
    let server = MockServer::start_async().await;
    let token = token_endpoint(&server, "tok-1", 3600).await;
    let api = api_with_token(&server, "tok-1").await;
    let client = oauth_client(&server, Duration::from_secs(60));
    let calls = (0..16).map(|_| {
        let c = client.clone();
        async move { c.get(&phone("+12065550134")).await }
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        token.calls_async().await,
        1,
        "one refresh at a time, then cached"
    );
    assert_eq!(api.calls_async().await, 16);
}

#[tokio::test]
async fn an_expiring_token_is_refreshed_before_use() {
    let server = MockServer::start_async().await;
    let token = token_endpoint(&server, "tok-1", 2).await;
    api_with_token(&server, "tok-1").await;
    // Lifetime 2 s; the 60 s margin is capped at half of it: stale one second after issue.
    let client = oauth_client(&server, Duration::from_secs(60));
    client.get(&phone("+12065550134")).await.unwrap();
    client.get(&phone("+12065550134")).await.unwrap();
    assert_eq!(token.calls_async().await, 1, "still fresh");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get(&phone("+12065550134")).await.unwrap();
    assert_eq!(
        token.calls_async().await,
        2,
        "refreshed once past the margin"
    );
}

#[tokio::test]
async fn a_401_refreshes_the_token_and_retries_once() {
    let server = MockServer::start_async().await;
    let token = token_endpoint(&server, "revoked", 3600).await;
    let api = get_always_unauthenticated(&server).await;
    let err = oauth_client(&server, Duration::from_secs(60))
        .get(&phone("+12065550134"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(
        token.calls_async().await,
        2,
        "initial token, then one refresh"
    );
    assert_eq!(
        api.calls_async().await,
        2,
        "original call, then exactly one retry"
    );
}

#[tokio::test]
async fn concurrent_401s_cause_one_refresh() {
    let server = MockServer::start_async().await;
    let token = token_endpoint(&server, "revoked", 3600).await;
    let api = get_always_unauthenticated(&server).await;
    let client = oauth_client(&server, Duration::from_secs(60));
    let calls = (0..16).map(|_| {
        let c = client.clone();
        async move { c.get(&phone("+12065550134")).await }
    });
    for result in futures::future::join_all(calls).await {
        assert_eq!(result.unwrap_err().kind(), ErrorKind::Unauthenticated);
    }
    assert_eq!(
        token.calls_async().await,
        2,
        "the first token, then one shared refresh"
    );
    assert_eq!(
        api.calls_async().await,
        32,
        "each call: one attempt, one retry"
    );
}

#[tokio::test]
async fn token_failures_are_unauthenticated_and_never_show_the_secret() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path("/oauth2/token");
            then.status(401)
                .body(format!("bad credentials for {SECRET}"));
        })
        .await;
    let client = oauth_client(&server, Duration::from_secs(60));
    let err = client.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(err.http_status(), Some(401), "the token endpoint's answer");
    assert!(err.to_string().contains("token endpoint"), "{err}");
    for text in [err.to_string(), format!("{err:?}"), format!("{client:?}")] {
        assert!(!text.contains(SECRET), "secret leaked: {text}");
    }
}

#[tokio::test]
async fn basic_auth_401_is_not_retried() {
    let server = MockServer::start_async().await;
    let api = get_always_unauthenticated(&server).await;
    let err = workspace_tests::client(&server.base_url())
        .get(&phone("+12065550134"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert_eq!(api.calls_async().await, 1);
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_retried() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(429)
                .header("Retry-After", "1")
                .json_body(error_json(429, "RESOURCE_EXHAUSTED", "slow down"));
        })
        .await;
    let client = workspace_tests::client(&server.base_url());
    let started = Instant::now();
    let call = tokio::spawn(async move { client.get(&phone("+12065550134")).await });
    // Once the first attempt has been rate limited, let the server recover.
    while limited.calls_async().await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    limited.delete_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await;
    let number = call.await.unwrap().unwrap();
    assert_eq!(Some(number.phone_number().as_str()), Some("+12065550134"));
    ok.assert_async().await;
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After: 1 was honoured"
    );
}

#[tokio::test]
async fn a_too_long_retry_after_is_returned_to_the_caller() {
    let server = MockServer::start_async().await;
    let limited = server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(429).header("Retry-After", "3600");
        })
        .await;
    let err = workspace_tests::client(&server.base_url())
        .get(&phone("+12065550134"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert!(err.is_retryable());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(limited.calls_async().await, 1);
}

#[tokio::test]
async fn server_errors_retries_are_bounded_and_skip_non_idempotent_imports() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(503).body("<html>maintenance</html>");
        })
        .await;
    let post = server
        .mock_async(|when, then| {
            when.method(POST).path(numbers_path());
            then.status(503);
        })
        .await;
    let client = workspace_tests::client(&server.base_url());
    let err = client.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!((err.kind(), err.is_retryable()), (ErrorKind::Server, true));
    assert_eq!(
        get.calls_async().await,
        4,
        "one attempt plus the default three retries"
    );

    let err = client
        .import(NumberImport::new(phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(
        post.calls_async().await,
        1,
        "an import that may have been processed is not repeated"
    );
}

#[tokio::test]
async fn retries_can_be_turned_off_and_connection_errors_are_transport() {
    let server = MockServer::start_async().await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(502);
        })
        .await;
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("k")
        .key_secret("s")
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    client.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(get.calls_async().await, 1);

    // Nothing listens on port 9 of loopback.
    let offline = workspace_tests::client("http://127.0.0.1:9");
    let err = offline.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.is_retryable()),
        (ErrorKind::Transport, true)
    );
}
