//! Everything logged while the SDK authenticates, retries and re-authenticates
//! (ours and the HTTP stack's, at TRACE) must be free of credentials.

use std::io::Write;

use base64::Engine as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use sinch_imported_numbers::callbacks::{self, CallbackSecret};
use sinch_imported_numbers::{AuthMode, Client, NumberImport, RetryPolicy};
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::{phone, PROJECT};

const KEY_ID: &str = "log-test-key";
const SECRET: &str = "log-test-secret-value";
const CALLBACK_SECRET: &str = "log-test-callback-secret";

/// Collects formatted log lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn no_secret_or_token_in_trace_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FakeServer::builder()
        .credentials(KEY_ID, SECRET)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id(KEY_ID)
        .key_secret(SECRET)
        .base_url(server.base_url())
        .auth(AuthMode::OAuth2 {
            token_url: server.token_url(),
            refresh_margin: Duration::from_secs(60),
        })
        .retry_policy(
            RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(2)),
        )
        .build()
        .unwrap();
    client
        .import(
            NumberImport::new(phone("+12065550134"))
                .service_plan_id("p")
                .campaign_id("c"),
        )
        .await
        .unwrap();
    server.fail_next(1, StatusCode::SERVICE_UNAVAILABLE, None);
    server.revoke_tokens();
    client.get(&phone("+12065550134")).await.unwrap();
    let _ = client.get(&phone("+12065550199")).await.unwrap_err();
    // The callback secret: set, read back, used, and shown in Debug.
    let callback_secret = CallbackSecret::new(CALLBACK_SECRET).unwrap();
    client.set_callback_secret(&callback_secret).await.unwrap();
    let read = client.callback_secret().await.unwrap();
    assert_eq!(read.expose(), CALLBACK_SECRET);
    tracing::info!(secret = ?read, "read the callback secret");
    let err = callbacks::verify(&read, b"{}", Some(&"0".repeat(40))).unwrap_err();
    tracing::info!(%err, ?err, "a rejected callback");

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("hyper"),
        "the HTTP stack's own events are captured too"
    );
    assert!(logs.contains("retrying"), "the retry was logged:\n{logs}");
    assert!(
        logs.contains("fetching a new one"),
        "the re-authentication was logged:\n{logs}"
    );
    assert!(logs.contains("fetched an OAuth2 access token"));
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{KEY_ID}:{SECRET}"));
    assert!(logs.contains("CallbackSecret(<redacted>)"), "{logs}");
    for secret in [SECRET, basic.as_str(), "Bearer ", CALLBACK_SECRET] {
        assert!(
            !logs.contains(secret),
            "{secret:?} appears in the logs:\n{logs}"
        );
    }
}
