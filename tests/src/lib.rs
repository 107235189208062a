//! Shared fixtures for the workspace-level tests in `tests/tests/`.

pub mod misbehaving;

use serde_json::{json, Value};
use sinch_imported_numbers::{AuthMode, Client, PhoneNumber, RetryPolicy};

/// The project every test uses.
pub const PROJECT: &str = "d1923022-5199-4bb3-a513-c47b3a656bc5";

/// The path of the collection for [`PROJECT`].
pub fn numbers_path() -> String {
    format!("/v1/projects/{PROJECT}/importedNumbers")
}

/// The path of one number, with its `+` sent raw.
pub fn number_path(number: &str) -> String {
    format!("{}/{number}", numbers_path())
}

/// A parsed number; panics on a typo in a test.
pub fn phone(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap_or_else(|e| panic!("test number {text}: {e}"))
}

/// A plain HTTP client for poking servers directly, with the SDK's TLS setup.
pub fn http() -> reqwest::Client {
    sinch_imported_numbers::tls::http_client_builder()
        .expect("TLS configures")
        .build()
        .expect("the HTTP client builds")
}

/// A facade client for a local server, with fast retries so tests stay quick.
pub fn client(base_url: &str) -> Client {
    client_with_key(base_url, "key-id", "key-secret")
}

/// [`client`] with a particular access key (the fake's, say). Basic
/// authentication, so a scripted server sees exactly the API calls (the
/// default, OAuth2, adds a token request); tests of OAuth2 choose it.
pub fn client_with_key(base_url: &str, key_id: &str, key_secret: &str) -> Client {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id(key_id)
        .key_secret(key_secret)
        .base_url(base_url)
        .retry_policy(RetryPolicy::default().backoff(
            std::time::Duration::from_millis(1),
            std::time::Duration::from_millis(5),
        ))
        .build()
        .expect("test client builds")
}

/// A number as the server returns it.
pub fn number_json(number: &str) -> Value {
    json!({
        "phoneNumber": number,
        "projectId": PROJECT,
        "regionCode": "US",
        "displayName": format!("name of {number}"),
        "smsConfiguration": {"servicePlanId": "plan", "campaignId": "campaign", "migrateToSinchTmo": false},
        "mnoConfiguration": {"smsAtt": {"state": "DONE", "operation": "PROVISIONING"}},
    })
}

/// The documented error body.
pub fn error_json(code: u16, status: &str, message: &str) -> Value {
    json!({"code": code.to_string(), "status": status, "message": message})
}

/// Sends `method path_and_query` to `base_url` with an optional JSON body
/// and, when `basic` is given, Basic credentials; returns the status and
/// the body as JSON (a JSON string holding the text when it is not JSON).
pub async fn send_json(
    base_url: &str,
    basic: Option<(&str, &str)>,
    method: reqwest::Method,
    path_and_query: &str,
    body: Option<&Value>,
) -> (reqwest::StatusCode, Value) {
    let mut request = http().request(method, format!("{base_url}{path_and_query}"));
    if let Some((id, secret)) = basic {
        request = request.basic_auth(id, Some(secret));
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.expect("the local server answers");
    let status = response.status();
    let text = response.text().await.expect("the body reads");
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}
