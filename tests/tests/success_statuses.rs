//! Answers the spec does not list: gateways and newer API versions answer
//! 201, 202 or 204 where the spec says 200, and bodies can be empty, too
//! large or redirected. A call whose success needs no body succeeds on any
//! 2xx; one that returns a body reads it under any 2xx and says clearly when
//! it is missing; every error built from a response keeps its status.

use std::time::Duration;

use serde_json::json;
use sinch_imported_numbers::callbacks::CallbackSecret;
use sinch_imported_numbers::{AuthMode, Client, ErrorKind, NumberImport, RetryPolicy};
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{number_json, phone, PROJECT};

const NUMBER: &str = "+12065550134";

async fn one_answer(reply: Reply) -> (Misbehaving, Client) {
    let server = Misbehaving::start(move |_, _| reply.clone()).await;
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("key-id")
        .key_secret("key-secret")
        .base_url(server.url())
        .retry_policy(RetryPolicy::none())
        .max_response_bytes(4096)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    (server, client)
}

#[tokio::test]
async fn calls_that_return_nothing_succeed_on_any_2xx() {
    for reply in [
        Reply::text(204, "application/json", ""),
        Reply::json(202, json!({})),
        Reply::text(200, "text/plain", "deleted"),
        Reply::json(201, json!({"whatever": true})),
    ] {
        let (_server, client) = one_answer(reply.clone()).await;
        let number = phone(NUMBER);
        client
            .delete(&number)
            .await
            .unwrap_or_else(|e| panic!("{reply:?}: {e}"));
        client
            .qualified_numbers()
            .delete(&number)
            .await
            .unwrap_or_else(|e| panic!("{reply:?}: {e}"));
        client
            .set_callback_secret(&CallbackSecret::new("a-new-secret-value").unwrap())
            .await
            .unwrap_or_else(|e| panic!("{reply:?}: {e}"));
    }
}

#[tokio::test]
async fn calls_that_return_a_body_read_it_under_any_2xx() {
    for status in [201, 202, 203] {
        let (_server, client) = one_answer(Reply::json(status, number_json(NUMBER))).await;
        let number = client.get(&phone(NUMBER)).await.unwrap();
        assert_eq!(number.phone_number().as_str(), NUMBER);
        let imported = client
            .import(NumberImport::new(phone(NUMBER)).service_plan_id("plan"))
            .await
            .unwrap();
        assert_eq!(imported.phone_number().as_str(), NUMBER, "HTTP {status}");
    }
}

#[tokio::test]
async fn a_missing_or_wrong_body_is_a_decode_error_with_its_status() {
    for (reply, status, says) in [
        (Reply::text(204, "application/json", ""), 204, "empty body"),
        (Reply::text(200, "application/json", ""), 200, "empty body"),
        (
            Reply::text(200, "application/json", "  \r\n"),
            200,
            "empty body",
        ),
        (
            Reply::text(202, "text/html", "<html>queued</html>"),
            202,
            "not the documented JSON",
        ),
        (
            Reply::text(200, "text/html", "<html>hi</html>"),
            200,
            "not the documented JSON",
        ),
        (Reply::json(201, json!({})), 201, "not an imported number"),
    ] {
        let (_server, client) = one_answer(reply).await;
        let err = client.get(&phone(NUMBER)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert_eq!(err.http_status(), Some(status), "{err}");
        assert!(err.to_string().contains(says), "{err}");
        assert!(
            err.to_string().starts_with(&format!("HTTP {status}: ")),
            "{err}"
        );
        let err = client.hosting_orders().get("o1").await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert_eq!(err.http_status(), Some(status), "{err}");
    }
}

#[tokio::test]
async fn too_large_and_redirected_answers_keep_their_status() {
    let big = vec![b' '; 64 * 1024];
    // Announced too large, and streamed without a length past the cap.
    for reply in [
        Reply::text(200, "application/json", big.clone()),
        Reply::Endless {
            status: 200,
            chunk: b"[1,1,1,1,1,1,1,1]".repeat(64),
        },
        Reply::text(201, "application/json", big),
    ] {
        let (_server, client) = one_answer(reply.clone()).await;
        let err = client.get(&phone(NUMBER)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
        assert!(err.to_string().contains("4096-byte limit"), "{err}");
        assert!(
            matches!(err.http_status(), Some(200 | 201)),
            "{reply:?}: {err} has no status"
        );
    }
    let (_server, client) = one_answer(
        Reply::text(302, "text/plain", "").header("location", "https://elsewhere.example/"),
    )
    .await;
    let err = client.get(&phone(NUMBER)).await.unwrap_err();
    assert_eq!(err.http_status(), Some(302), "{err}");
}
