//! The client against servers that misbehave on purpose (see
//! `workspace_tests::misbehaving`): token endpoints that stall, fail or send
//! absurd lifetimes, redirects, endless pages and bodies, long Retry-After
//! waits, error pages that echo credentials. Each test is one case the
//! client once got wrong: a panic, a hang or a false success.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use sinch_imported_numbers::{
    AuthMode, Client, ClientBuilder, ErrorKind, ImportResult, InputError, ListFilter, NumberImport,
    RetryPolicy, Setting,
};
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::misbehaving::{Misbehaving, Reply, Request};
use workspace_tests::{number_json, phone, PROJECT};

/// Every test call is wrapped in this: a hang fails the test instead of CI.
const HANG_GUARD: Duration = Duration::from_secs(20);

async fn guarded<F: std::future::Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("{what} hung"))
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

fn builder(server: &Misbehaving) -> ClientBuilder {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("key-id")
        .key_secret("key-secret-value")
        .base_url(server.url())
        .retry_policy(fast_retries())
}

fn oauth(server: &Misbehaving) -> ClientBuilder {
    let mut mode = AuthMode::oauth2();
    if let AuthMode::OAuth2 { token_url, .. } = &mut mode {
        *token_url = server.token_url();
    }
    builder(server).auth(mode)
}

fn token(access_token: &str, expires_in: serde_json::Value) -> Reply {
    Reply::json(
        200,
        json!({"access_token": access_token, "expires_in": expires_in, "token_type": "bearer"}),
    )
}

/// Answers the token endpoint with `token_reply(n)` (n counts token
/// requests) and every API call with a number.
async fn oauth_server(token_reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Misbehaving {
    let tokens = AtomicUsize::new(0);
    Misbehaving::start(move |request, _| {
        if request.is_token_request() {
            token_reply(tokens.fetch_add(1, Ordering::SeqCst))
        } else {
            Reply::json(200, number_json("+12065550134"))
        }
    })
    .await
}

fn is_api(request: &Request) -> bool {
    request.target.starts_with("/v1/")
}

#[tokio::test]
async fn absurd_token_lifetimes_never_panic() {
    for expires_in in [
        json!(10000000000000000000u64),
        json!(1e300),
        json!(-5),
        json!(0.25),
        json!(0),
    ] {
        let server = oauth_server({
            let e = expires_in.clone();
            move |_| token("t", e.clone())
        })
        .await;
        let client = oauth(&server).build().unwrap();
        for _ in 0..3 {
            guarded("get", client.get(&phone("+12065550134")))
                .await
                .unwrap_or_else(|e| panic!("expires_in {expires_in}: {e}"));
        }
    }
}

#[tokio::test]
async fn callers_waiting_for_a_failed_token_fetch_share_its_failure() {
    let server = oauth_server(|_| Reply::Stall).await;
    let client = oauth(&server)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let calls = (0..10).map(|_| {
        let c = client.clone();
        async move { c.get(&phone("+12065550134")).await }
    });
    let results = guarded("10 calls", futures::future::join_all(calls)).await;
    for result in results {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        assert!(err.to_string().contains("OAuth2 token endpoint"), "{err}");
    }
    assert_eq!(
        server.count(Request::is_token_request),
        1,
        "one fetch, shared by every waiter"
    );
    assert_eq!(server.count(is_api), 0);
}

#[tokio::test]
async fn short_lived_tokens_still_mean_one_fetch_for_concurrent_calls() {
    for expires_in in [30, 0] {
        let server = oauth_server(move |n| token(&format!("t{n}"), json!(expires_in))).await;
        let client = oauth(&server).build().unwrap();
        let calls = (0..20).map(|_| {
            let c = client.clone();
            async move { c.get(&phone("+12065550134")).await }
        });
        for result in guarded("20 calls", futures::future::join_all(calls)).await {
            result.unwrap();
        }
        assert_eq!(
            server.count(Request::is_token_request),
            1,
            "expires_in {expires_in}: one fetch for 20 concurrent calls"
        );
    }
}

#[tokio::test]
async fn token_endpoint_failures_go_through_the_retry_policy() {
    // One 503, then a token: the call (even an import) succeeds on a retry.
    let server = oauth_server(|n| match n {
        0 => Reply::json(503, json!({"error": "temporarily_unavailable"})),
        _ => token("t", json!(3600)),
    })
    .await;
    let client = oauth(&server).build().unwrap();
    guarded("import", client.import(phone("+12065550134")))
        .await
        .unwrap();
    assert_eq!(server.count(Request::is_token_request), 2);
    assert_eq!(server.count(is_api), 1);

    // A refused key is not retried, and says where it came from.
    let server = oauth_server(|_| Reply::json(401, json!({"error": "invalid_client"}))).await;
    let client = oauth(&server).build().unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unauthenticated);
    assert!(!err.is_retryable());
    assert!(err.to_string().contains(&server.token_url()), "{err}");
    assert_eq!(server.count(Request::is_token_request), 1);
}

#[tokio::test]
async fn an_unreachable_or_silent_token_endpoint_is_a_retryable_transport_error() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let server = Misbehaving::start(|_, _| Reply::json(200, number_json("+12065550134"))).await;
    let mut mode = AuthMode::oauth2();
    if let AuthMode::OAuth2 { token_url, .. } = &mut mode {
        *token_url = format!("http://{closed}/oauth2/token");
    }
    let client = builder(&server).auth(mode).build().unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
    assert!(err.is_retryable());
    assert!(
        err.to_string().starts_with(&format!(
            "OAuth2 token endpoint http://{closed}/oauth2/token: could not connect"
        )),
        "{err}"
    );

    let silent = oauth_server(|_| Reply::Stall).await;
    let client = oauth(&silent)
        .timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transport);
    assert!(err.to_string().contains("timed out"), "{err}");
    assert!(err.to_string().contains("OAuth2 token endpoint"), "{err}");
}

#[tokio::test]
async fn a_redirected_call_is_an_error_and_is_not_followed() {
    let elsewhere = Misbehaving::start(|_, _| Reply::json(200, number_json("+12065550134"))).await;
    let target = format!("{}/v1/projects/{PROJECT}/importedNumbers", elsewhere.url());
    let server = Misbehaving::start(move |request, _| match request.method.as_str() {
        "POST" => Reply::text(303, "text/plain", "see other").header(
            "location",
            &format!("/v1/projects/{PROJECT}/importedNumbers"),
        ),
        _ => Reply::text(307, "text/plain", "moved").header("location", &target),
    })
    .await;
    let client = builder(&server).build().unwrap();
    let err = guarded("import", client.import(phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(
        err.to_string().contains(&format!(
            "HTTP 303: the server redirected the call to /v1/projects/{PROJECT}/importedNumbers"
        )),
        "{err}"
    );
    let report = guarded(
        "import_many",
        client
            .import_many([NumberImport::new(phone("+12065550135"))])
            .run(),
    )
    .await;
    assert!(matches!(report.outcomes[0].result, ImportResult::Failed(_)));
    assert_eq!(
        server.count(|r| r.method == "GET"),
        0,
        "the POST was not replayed as a GET"
    );

    // A redirect to another origin is not followed either: nothing reaches it.
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("HTTP 307"), "{err}");
    assert_eq!(elsewhere.requests().len(), 0);
}

/// Answers every listing with an empty page and a token never sent before.
async fn endless_empty_pages() -> Misbehaving {
    Misbehaving::start(|_, n| {
        Reply::json(
            200,
            json!({"importedNumbers": [], "nextPageToken": format!("tok-{n}")}),
        )
    })
    .await
}

#[tokio::test]
async fn endless_empty_pages_end_the_listing_with_an_error() {
    let server = endless_empty_pages().await;
    let client = builder(&server).build().unwrap();
    let mut items = client.list(ListFilter::new("plan", "campaign")).items();
    let err = guarded("items", items.try_next()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(err.to_string().contains("10 empty pages in a row"), "{err}");
    assert!(
        guarded("items", items.next()).await.is_none(),
        "the stream ends"
    );
    assert!(server.requests().len() <= 11, "{}", server.requests().len());

    let fewer = endless_empty_pages().await;
    let client = builder(&fewer).build().unwrap();
    let pages: Vec<_> = guarded(
        "pages",
        client
            .list(ListFilter::new("plan", "campaign"))
            .max_empty_pages(3)
            .prefetch(false)
            .pages()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(pages.len(), 4, "three empty pages, then the error");
    assert!(pages[3].is_err());
    assert_eq!(fewer.requests().len(), 3);
}

#[test]
fn a_project_id_cannot_leave_its_path() {
    for bad in ["..", ".", "a/../b", "%2e%2e", "p\u{0}", "p/", "p q"] {
        let err = Client::builder()
            .auth(AuthMode::Basic)
            .project_id(bad)
            .key_id("k")
            .key_secret("s")
            .build()
            .unwrap_err();
        assert_eq!(
            err.input_error().and_then(InputError::setting),
            Some(Setting::ProjectId),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn oversized_bodies_fail_while_streaming_and_keep_the_status() {
    let server =
        Misbehaving::start(
            |request, _| match (request.method.as_str(), request.target.as_str()) {
                ("GET", t) if t.ends_with("0001") => Reply::Endless {
                    status: 200,
                    chunk: vec![b' '; 16 * 1024],
                },
                ("GET", t) if t.ends_with("0002") => Reply::Declared {
                    status: 200,
                    length: 1 << 40,
                    chunk: vec![b' '; 16 * 1024],
                },
                ("DELETE", _) => Reply::Endless {
                    status: 500,
                    chunk: b"<html>error ".repeat(1000),
                },
                _ => Reply::json(200, number_json("+12065550134")),
            },
        )
        .await;
    let client = builder(&server)
        .max_response_bytes(256 * 1024)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    for number in ["+12065550001", "+12065550002"] {
        let err = guarded("get", client.get(&phone(number)))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(
            err.to_string()
                .contains("larger than the 262144-byte limit"),
            "{err}"
        );
        assert!(!err.is_retryable());
    }
    let err = guarded("delete", client.delete(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(err.http_status(), Some(500));
    assert!(err.to_string().contains("not read"), "{err}");
    // A normal body still reads.
    guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap();

    let tokens = oauth_server(|_| Reply::Endless {
        status: 200,
        chunk: b"{\"access_token\":\"".to_vec(),
    })
    .await;
    let client = oauth(&tokens)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("OAuth2 token endpoint"), "{err}");
    assert!(err.to_string().contains("larger than"), "{err}");

    assert!(Client::builder()
        .auth(AuthMode::Basic)
        .project_id("p")
        .key_id("k")
        .key_secret("s")
        .max_response_bytes(10)
        .build()
        .is_err());
}

#[tokio::test]
async fn a_deadline_bounds_the_whole_call() {
    // Retry-After beyond the deadline: returned at once, with its wait.
    let server = Misbehaving::start(|_, _| {
        Reply::json(
            429,
            json!({"code": "429", "message": "slow down", "status": "RESOURCE_EXHAUSTED"}),
        )
        .header("retry-after", "60")
    })
    .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_secs(5)))
        .build()
        .unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.retry_after(), Some(Duration::from_secs(60)));
    assert_eq!(
        server.requests().len(),
        1,
        "no 60 s wait inside the deadline"
    );

    // A server that never answers: the deadline ends the call, not the 30 s timeout.
    let silent = Misbehaving::start(|_, _| Reply::Stall).await;
    let client = builder(&silent)
        .retry_policy(RetryPolicy::default().deadline(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(err.to_string().contains("deadline"), "{err}");

    // Endless 503s with many retries allowed: the deadline stops them.
    let failing = Misbehaving::start(|_, _| Reply::json(503, json!({"code": "503"}))).await;
    let client = builder(&failing)
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1000)
                .jitter(false)
                .backoff(Duration::from_millis(50), Duration::from_millis(50))
                .deadline(Duration::from_millis(400)),
        )
        .build()
        .unwrap();
    guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert!(
        failing.requests().len() <= 10,
        "{}",
        failing.requests().len()
    );
}

#[tokio::test]
async fn error_messages_never_quote_credentials() {
    // A proxy page that echoes the request, headers and all.
    let server = Misbehaving::start(|request, _| {
        let auth = request.header("authorization").unwrap_or("").to_owned();
        Reply::text(
            502,
            "text/html",
            format!(
                "<html><pre>GET {}\nAuthorization: {auth}\nraw={auth}\n</pre></html>",
                request.target
            ),
        )
    })
    .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    let basic = base64::engine::general_purpose::STANDARD.encode("key-id:key-secret-value");
    for text in [err.to_string(), format!("{err:?}")] {
        assert!(!text.contains(&basic), "{text}");
        assert!(!text.contains("key-secret-value"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
    assert_eq!(err.http_status(), Some(502));

    // The same with a bearer token and a JSON message that repeats it.
    let server = Misbehaving::start(|request, _| {
        if request.is_token_request() {
            return token("secret-token-value", json!(3600));
        }
        let auth = request.header("authorization").unwrap_or("").to_owned();
        Reply::json(400, json!({"code": "400", "status": "INVALID_ARGUMENT", "message": format!("bad header {auth}")}))
    })
    .await;
    let client = oauth(&server).build().unwrap();
    let err = guarded("get", client.get(&phone("+12065550134")))
        .await
        .unwrap_err();
    assert!(!err.to_string().contains("secret-token-value"), "{err}");
    assert!(
        !format!("{err:?}").contains("secret-token-value"),
        "{err:?}"
    );
}

#[tokio::test]
async fn import_many_pulls_its_input_lazily() {
    let server = Misbehaving::start(|_, _| Reply::json(200, number_json("+12065550134"))).await;
    let client = builder(&server).build().unwrap();
    let pulled = Arc::new(AtomicUsize::new(0));
    // An endless input: collecting it first would never start an import.
    let endless = {
        let pulled = pulled.clone();
        (0u64..).map(move |i| {
            pulled.fetch_add(1, Ordering::SeqCst);
            phone(&format!("+1206555{:04}", i % 10_000))
        })
    };
    let outcomes: Vec<_> = guarded(
        "import_many",
        client
            .import_many(endless)
            .concurrency(4)
            .stream()
            .take(20)
            .collect(),
    )
    .await;
    assert_eq!(outcomes.len(), 20);
    let pulled = pulled.load(Ordering::SeqCst);
    assert!(pulled <= 20 + 4, "pulled {pulled} inputs for 20 outcomes");

    let rows =
        futures::stream::iter((0u64..).map(|i| phone(&format!("+1206556{:04}", i % 10_000))));
    let ordered: Vec<_> = guarded(
        "import_stream",
        client
            .import_stream(rows)
            .concurrency(3)
            .ordered()
            .take(7)
            .collect(),
    )
    .await;
    let indexes: Vec<_> = ordered.iter().map(|o| o.index).collect();
    assert_eq!(indexes, (0..7).collect::<Vec<_>>());
}

#[tokio::test]
async fn the_fake_answers_every_error_in_the_documented_shape() {
    let fake = FakeServer::builder()
        .project_key("scoped-project", "scoped-key", "scoped-secret")
        .start()
        .await
        .unwrap();
    let http = workspace_tests::http();
    let basic = |id: &str, secret: &str| {
        format!(
            "basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
        )
    };
    let main_key = basic(fake.key_id(), fake.key_secret());
    let numbers =
        |project: &str| format!("{}/v1/projects/{project}/importedNumbers", fake.base_url());
    let cases = [
        (
            http.put(numbers("p")).header("authorization", &main_key),
            405,
        ),
        (
            http.post(numbers("p"))
                .header("authorization", &main_key)
                .header("content-type", "application/json")
                .body(vec![b' '; 3 * 1024 * 1024]),
            413,
        ),
        (
            http.get(format!("{}/%FF", numbers("p")))
                .header("authorization", &main_key),
            400,
        ),
        (http.get(format!("{}/nowhere", fake.base_url())), 404),
    ];
    for (request, status) in cases {
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), status);
        let body: serde_json::Value = response.json().await.expect("a JSON error body");
        assert_eq!(body["code"], status.to_string(), "{body}");
        assert!(
            body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
        assert!(body["status"].is_string(), "{body}");
    }

    // Lower-case `basic` is the same scheme.
    let response = http
        .get(format!("{}/+12065550134", numbers("p")))
        .header("authorization", &main_key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "authenticated, number unknown");

    // A token obtained with a per-project key works on that project only.
    let token: serde_json::Value = http
        .post(fake.token_url())
        .header("authorization", basic("scoped-key", "scoped-secret"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let list = |project: &str| {
        http.get(format!("{}?servicePlanId=p&campaignId=c", numbers(project)))
            .header("authorization", &bearer)
    };
    assert_eq!(list("scoped-project").send().await.unwrap().status(), 200);
    let denied = list("other-project").send().await.unwrap();
    assert_eq!(denied.status(), 403);
    let body: serde_json::Value = denied.json().await.unwrap();
    assert_eq!(body["status"], "PERMISSION_DENIED");
}
