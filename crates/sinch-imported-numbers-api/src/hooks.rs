//! The generated client's request hooks: what happens around every request.
//!
//! * Before sending, the `Authorization` header comes from [`Credentials`].
//! * After receiving, an error response whose body is not the documented JSON
//!   error (an HTML page from a proxy, an empty body, a numeric `code`) is
//!   replaced by a documented error body that keeps what could be read and
//!   the start of the original text. Without this, progenitor reports such a
//!   response as an undecodable payload and the HTTP status (say, 404) is lost.

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};

use crate::Credentials;

/// How much of a non-JSON error body is kept in the synthesised message.
const SNIPPET_CHARS: usize = 200;

impl ClientHooks<Credentials> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Some(mut value) = self.inner().authorization() {
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
        }
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let response = self.client().execute(request).await?;
        let status = response.status();
        if !(status.is_client_error() || status.is_server_error()) {
            return Ok(response);
        }
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let body = if serde_json::from_slice::<crate::types::Error>(&body).is_ok() {
            body.to_vec()
        } else {
            synthesize_error_body(status, &body)
        };
        let mut rebuilt = http::Response::new(body);
        *rebuilt.status_mut() = status;
        *rebuilt.headers_mut() = headers;
        rebuilt
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        rebuilt.headers_mut().remove(CONTENT_LENGTH);
        Ok(reqwest::Response::from(rebuilt))
    }
}

/// A documented `{code, message, status}` body for an error response whose
/// body is not one, keeping whatever fields it has in a usable form.
fn synthesize_error_body(status: reqwest::StatusCode, body: &[u8]) -> Vec<u8> {
    let reason = status.canonical_reason().unwrap_or("error");
    let found = serde_json::from_slice::<serde_json::Value>(body).ok();
    let field = |name: &str| match found.as_ref().and_then(|v| v.get(name)) {
        Some(serde_json::Value::String(text)) => Some(text.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let text = String::from_utf8_lossy(body);
    let snippet: String = text.trim().chars().take(SNIPPET_CHARS).collect();
    let message = field("message").unwrap_or_else(|| {
        if snippet.is_empty() {
            format!("{reason} (empty response body)")
        } else {
            format!("{reason} (response body is not the documented error: {snippet})")
        }
    });
    serde_json::json!({
        "code": field("code").unwrap_or_else(|| status.as_u16().to_string()),
        "message": message,
        "status": field("status").unwrap_or_else(|| reason.to_uppercase().replace(' ', "_")),
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthesized(status: reqwest::StatusCode, body: &str) -> serde_json::Value {
        serde_json::from_slice(&synthesize_error_body(status, body.as_bytes())).unwrap()
    }

    #[test]
    fn non_json_bodies_keep_status_and_snippet() {
        let v = synthesized(
            reqwest::StatusCode::BAD_GATEWAY,
            "<html>upstream down</html>",
        );
        assert_eq!(v["code"], "502");
        assert_eq!(v["status"], "BAD_GATEWAY");
        assert_eq!(
            v["message"],
            "Bad Gateway (response body is not the documented error: <html>upstream down</html>)"
        );
        let v = synthesized(reqwest::StatusCode::NOT_FOUND, "");
        assert_eq!(v["message"], "Not Found (empty response body)");
    }

    #[test]
    fn surprising_json_keeps_what_it_can() {
        let v = synthesized(
            reqwest::StatusCode::NOT_FOUND,
            r#"{"code": 404, "message": "gone", "status": "NOT_FOUND"}"#,
        );
        assert_eq!(
            v,
            serde_json::json!({"code": "404", "message": "gone", "status": "NOT_FOUND"})
        );
        let v = synthesized(
            reqwest::StatusCode::CONFLICT,
            r#"{"error": {"reason": "dup"}}"#,
        );
        assert_eq!(v["code"], "409");
        assert_eq!(v["status"], "CONFLICT");
        assert!(v["message"]
            .as_str()
            .unwrap()
            .contains(r#"{"error": {"reason": "dup"}}"#));
        let v = synthesized(reqwest::StatusCode::BAD_REQUEST, "[1, 2]");
        assert_eq!(v["code"], "400");
    }

    #[test]
    fn every_synthesized_body_decodes_as_the_documented_error() {
        for body in [
            "",
            "<html/>",
            "[]",
            "null",
            r#"{"code": 5}"#,
            r#"{"details": null}"#,
            r#"{"message": ["x"]}"#,
        ] {
            let bytes =
                synthesize_error_body(reqwest::StatusCode::INTERNAL_SERVER_ERROR, body.as_bytes());
            assert!(
                serde_json::from_slice::<crate::types::Error>(&bytes).is_ok(),
                "{body}"
            );
        }
    }
}
