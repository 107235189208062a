//! Rate limits and outages: the retry budget every call of a client shares,
//! the adaptive rate of bulk imports (a `429` pauses the whole group for its
//! `Retry-After`), and OAuth2 as the default authentication.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde_json::json;
use sinch_imported_numbers::{
    AuthMode, Client, ErrorKind, ImportResult, NumberImport, RetryBudget, RetryPolicy, SharedRate,
};
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{client_with_key, number_json, phone, PROJECT};

const HANG_GUARD: Duration = Duration::from_secs(60);

async fn guarded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .expect("the call hung")
}

fn fast(policy: RetryPolicy) -> RetryPolicy {
    policy.backoff(Duration::from_millis(1), Duration::from_millis(2))
}

fn basic_client(url: &str, policy: RetryPolicy) -> Client {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("key-id")
        .key_secret("key-secret")
        .base_url(url)
        .retry_policy(fast(policy))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_failing_service_exhausts_the_budget_and_successes_refill_it() {
    let healthy = Arc::new(AtomicBool::new(false));
    let server = Misbehaving::start({
        let healthy = healthy.clone();
        move |_, _| {
            if healthy.load(Ordering::SeqCst) {
                Reply::json(200, number_json("+12065550134"))
            } else {
                Reply::json(
                    503,
                    json!({"code": "503", "message": "down", "status": "UNAVAILABLE"}),
                )
            }
        }
    })
    .await;
    let client = basic_client(&server.url(), RetryPolicy::default());
    let number = phone("+12065550134");
    let mut errors = Vec::new();
    for _ in 0..20 {
        errors.push(guarded(client.get(&number)).await.unwrap_err());
    }
    // Without a budget: 20 calls x 4 attempts = 80 requests. With it, the
    // first call retries until 5 tokens are spent; then one attempt each.
    let sent = server.count(|_| true);
    assert!(sent <= 5 + 19, "{sent} requests for 20 calls");
    let last = errors.last().unwrap();
    assert!(last.is_budget_exhausted(), "{last}");
    assert!(
        last.to_string().contains("retry budget exhausted"),
        "{last}"
    );
    assert_eq!(last.kind(), ErrorKind::Server);
    assert!(!errors[0].is_budget_exhausted() || sent < 20);

    // The service recovers: successes refill the bucket, retries come back.
    healthy.store(true, Ordering::SeqCst);
    // 0 tokens: 70 successes bring 7, so one retry (7 - 1 > 5) is allowed.
    for _ in 0..70 {
        guarded(client.get(&number)).await.unwrap();
    }
    healthy.store(false, Ordering::SeqCst);
    let before = server.count(|_| true);
    let err = guarded(client.get(&number)).await.unwrap_err();
    assert!(
        server.count(|_| true) - before >= 2,
        "a retry is allowed again"
    );
    assert!(!err.to_string().is_empty());

    // Off switch: every call retries on its own.
    let client = basic_client(&server.url(), RetryPolicy::default().without_budget());
    let before = server.count(|_| true);
    for _ in 0..10 {
        let err = guarded(client.get(&number)).await.unwrap_err();
        assert!(!err.is_budget_exhausted());
    }
    assert_eq!(server.count(|_| true) - before, 40);
    // A small budget of one's own.
    let client = basic_client(
        &server.url(),
        RetryPolicy::default().budget(RetryBudget::new(2, 0.5)),
    );
    let before = server.count(|_| true);
    guarded(client.get(&number)).await.unwrap_err();
    assert_eq!(server.count(|_| true) - before, 1, "2 - 1 is not above 1");
}

#[tokio::test]
async fn a_429_pauses_the_whole_bulk_import_for_its_retry_after() {
    let server = Misbehaving::start(|request, n| {
        if n == 6 {
            return Reply::json(
                429,
                json!({"code": "429", "message": "slow down", "status": "RESOURCE_EXHAUSTED"}),
            )
            .header("retry-after", "1");
        }
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        Reply::json(200, number_json(body["phoneNumber"].as_str().unwrap()))
    })
    .await;
    let client = basic_client(&server.url(), RetryPolicy::default());
    let numbers: Vec<_> = (0..30)
        .map(|n| NumberImport::new(phone(&format!("+120655501{n:02}"))).service_plan_id("plan"))
        .collect();
    let report = guarded(client.import_many(numbers).concurrency(4).run()).await;
    assert!(
        report
            .outcomes
            .iter()
            .all(|o| matches!(o.result, ImportResult::Imported(_))),
        "nothing lost: {:?}",
        report
            .failed()
            .map(|(o, e)| (o.index, e.to_string()))
            .collect::<Vec<_>>()
    );
    let requests = server.requests();
    let throttled_at = requests[6].received;
    // Calls already on the wire when the 429 came may land just after it;
    // nothing the group starts afterwards may come before the Retry-After.
    let early = requests[7..]
        .iter()
        .filter(|r| {
            let after = r.received.duration_since(throttled_at);
            after > Duration::from_millis(100) && after < Duration::from_millis(950)
        })
        .count();
    assert_eq!(early, 0, "requests inside the Retry-After window");
    assert_eq!(requests.len(), 31, "30 imports and the one retried");
}

#[tokio::test]
async fn bulk_imports_adapt_to_a_rate_limited_project() {
    let server = FakeServer::builder()
        .rate_limit(100.0, 10)
        .start()
        .await
        .unwrap();
    let client = client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    let numbers: Vec<_> = (0..150)
        .map(|n| NumberImport::new(phone(&format!("+1206555{n:04}"))).service_plan_id("plan"))
        .collect();
    let started = Instant::now();
    let outcomes: Vec<_> = guarded(
        client
            .import_many(numbers)
            .concurrency(8)
            .stream()
            .collect(),
    )
    .await;
    let took = started.elapsed();
    assert_eq!(outcomes.len(), 150);
    assert!(outcomes
        .iter()
        .all(|o| matches!(o.result, ImportResult::Imported(_))));
    let stats = server.stats();
    assert_eq!(stats.answered, 150);
    // Learning the rate costs a few refusals, not one per import.
    assert!(stats.throttled <= 30, "{stats:?} in {took:?}");
}

#[tokio::test]
async fn waits_sharing_the_imports_rate_stay_under_the_learned_limit() {
    let server = FakeServer::builder()
        .rate_limit(50.0, 5)
        .provisioning_delays(Duration::from_millis(100), Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let client = client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    let numbers: Vec<_> = (0..40).map(|n| phone(&format!("+1206555{n:04}"))).collect();
    let rate = SharedRate::adaptive();
    // 40 imports at once: the group learns the project's limit.
    let imports = numbers.iter().map(|n| {
        client.import_sharing(&rate, NumberImport::new(n.clone()).service_plan_id("plan"))
    });
    let imported = guarded(futures::future::join_all(imports)).await;
    assert!(imported.iter().all(Result::is_ok), "{imported:?}");
    // 40 waits polling at once every 20 ms or so: unshared, 35 of their
    // first reads would be refused; shared, they keep to the rate.
    let before = server.stats();
    let waits = numbers.iter().map(|n| {
        client
            .wait_for_provisioning(n)
            .poll_interval(Duration::from_millis(20))
            .max_poll_interval(Duration::from_millis(40))
            .sharing(&rate)
            .into_future()
    });
    let waited = guarded(futures::future::join_all(waits)).await;
    assert!(
        waited
            .iter()
            .all(|w| w.as_ref().is_ok_and(|p| p.is_ready())),
        "{waited:?}"
    );
    let during = server.stats().since(before);
    assert!(during.answered >= 40, "{during:?}");
    assert!(during.throttled <= 5, "{during:?}");
}

#[tokio::test]
async fn a_max_rate_is_honoured_without_the_server_asking() {
    let server = FakeServer::start().await.unwrap();
    let client = client_with_key(&server.base_url(), server.key_id(), server.key_secret());
    let numbers: Vec<_> = (0..11)
        .map(|n| NumberImport::new(phone(&format!("+1206555{n:04}"))).service_plan_id("plan"))
        .collect();
    let started = Instant::now();
    let report = guarded(client.import_many(numbers).max_rate(20.0).run()).await;
    let failed: Vec<_> = report
        .failed()
        .map(|(o, e)| (o.index, e.to_string()))
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(report.imported().count(), 11);
    // 11 starts at 20 a second are at least 0.5 s apart first to last.
    assert!(
        started.elapsed() >= Duration::from_millis(490),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn oauth2_is_the_default_and_the_fake_serves_its_token() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::builder()
        .project_id(PROJECT)
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .build()
        .unwrap();
    client
        .import(NumberImport::new(phone("+12065550134")).service_plan_id("plan"))
        .await
        .unwrap();
    client.get(&phone("+12065550134")).await.unwrap();
    assert_eq!(server.token_count(), 1, "one token for both calls");
}
