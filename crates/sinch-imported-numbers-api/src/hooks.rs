//! The generated client's request hooks: what happens around every request.
//!
//! * Before sending, the `Authorization` header comes from [`Credentials`].
//! * After receiving, an error response whose body is not the documented JSON
//!   error (an HTML page from a proxy, an empty body) is replaced by a JSON
//!   error body carrying the status and the start of the original text.
//!   Without this, progenitor reports such a response as an undecodable
//!   payload and the HTTP status (say, 404) is lost.

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
        let body = if is_json_object(&body) {
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

fn is_json_object(body: &[u8]) -> bool {
    matches!(
        serde_json::from_slice::<serde_json::Value>(body),
        Ok(serde_json::Value::Object(_))
    )
}

/// `{code, message, status}` for an error response that had no JSON body.
fn synthesize_error_body(status: reqwest::StatusCode, body: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(body);
    let snippet: String = text.trim().chars().take(SNIPPET_CHARS).collect();
    let reason = status.canonical_reason().unwrap_or("error");
    let message = if snippet.is_empty() {
        format!("{reason} (empty response body)")
    } else {
        format!("{reason} (response body is not JSON: {snippet})")
    };
    serde_json::json!({
        "code": status.as_u16().to_string(),
        "message": message,
        "status": reason.to_uppercase().replace(' ', "_"),
    })
    .to_string()
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthesized_body_keeps_status_and_snippet() {
        let body = synthesize_error_body(
            reqwest::StatusCode::BAD_GATEWAY,
            b"<html>upstream down</html>",
        );
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["code"], "502");
        assert_eq!(v["status"], "BAD_GATEWAY");
        assert_eq!(
            v["message"],
            "Bad Gateway (response body is not JSON: <html>upstream down</html>)"
        );
        let empty = synthesize_error_body(reqwest::StatusCode::NOT_FOUND, b"");
        let v: serde_json::Value = serde_json::from_slice(&empty).unwrap();
        assert_eq!(v["message"], "Not Found (empty response body)");
    }

    #[test]
    fn json_detection() {
        assert!(is_json_object(br#"{"code":"404"}"#));
        assert!(!is_json_object(b"[1]"));
        assert!(!is_json_object(b"not json"));
    }
}
