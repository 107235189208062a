//! The generated client's request hooks: what happens around every request.
//!
//! * Before sending, the `Authorization` header comes from the
//!   [`Context`]'s credentials.
//! * Every response body, success or error, is capped at the context's
//!   limit while it streams: a larger one fails the call (see
//!   [`body_too_large`](crate::body_too_large)) instead of being buffered.
//! * After receiving, every error response body is brought into the
//!   documented flat shape `{code, message, status, details}`, so the facade
//!   reads one shape and the HTTP status is never lost. Sinch services send
//!   three shapes, all kept with their message, code and status:
//!   - the documented flat body, passed through unchanged;
//!   - the google.rpc wrapper `{"error": {"code": 404, "message", "status", "details"}}`
//!     (documented on the same host for `callbackConfiguration`);
//!   - RFC 7807 `application/problem+json` `{type, title, status, detail}`
//!     (Sinch's error registry).
//!
//!   Anything else (an HTML page from a proxy, an empty body, a JSON object
//!   with none of those fields) becomes a flat body naming the HTTP status and
//!   quoting the start of the original text, with credentials redacted.

use http_body_util::{BodyExt, Limited};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use serde_json::{Map, Value};

use crate::Context;

/// How much of a non-JSON error body is kept in the synthesised message.
const SNIPPET_CHARS: usize = 200;

impl ClientHooks<Context> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        if let Some(mut value) = self.inner().credentials().authorization() {
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
        let context = self.inner();
        let limit = context.response_limit();
        let response = self.client().execute(request).await?;
        let status = response.status();
        let success = !(status.is_client_error() || status.is_server_error());
        let cap = match response.content_length() {
            // Within the cap and announced: hyper delivers exactly that many
            // bytes, so the body goes on as it is, at no cost.
            Some(n) if n <= limit as u64 && success => return Ok(response),
            // Announced as too large: fails at its first byte.
            Some(n) if n > limit as u64 => 0,
            _ => limit,
        };
        let response: http::Response<reqwest::Body> = response.into();
        let (mut parts, body) = response.into_parts();
        let body = Limited::new(body, cap);
        if success {
            // No length announced: streamed on, and reading past the cap
            // fails with an error that keeps the status.
            let body = body.map_err(move |source| {
                Box::new(crate::BodyTooLarge { status, source }) as crate::BoxError
            });
            return Ok(reqwest::Response::from(http::Response::from_parts(
                parts,
                reqwest::Body::wrap(body),
            )));
        }
        let text = match body.collect().await {
            Ok(collected) => normalize_error_body(status, &collected.to_bytes(), context),
            Err(_) => too_large_error_body(status, limit),
        };
        parts
            .headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        parts.headers.remove(CONTENT_LENGTH);
        Ok(reqwest::Response::from(http::Response::from_parts(
            parts, text,
        )))
    }
}

/// A flat error body for an error response whose body exceeded the cap (it
/// was not read): the HTTP status survives.
fn too_large_error_body(status: reqwest::StatusCode, limit: usize) -> Vec<u8> {
    let reason = status.canonical_reason().unwrap_or("error");
    let message = format!("{reason} (response body larger than {limit} bytes; not read)");
    flat(status, &Map::new(), Some(message), "status")
}

/// The flat documented error body for any error response body; quoted text
/// and messages have credentials removed (see [`crate::redact`]).
pub(crate) fn normalize_error_body(
    status: reqwest::StatusCode,
    body: &[u8],
    context: &Context,
) -> Vec<u8> {
    let found = serde_json::from_slice::<Value>(body).ok();
    let object = found.as_ref().and_then(Value::as_object);
    if let Some(object) = object {
        if is_flat_error(object) {
            let message = text(object, "message");
            return flat(
                status,
                object,
                message.map(|m| context.redact(&m)),
                "status",
            );
        }
        if let Some(inner) = object.get("error").and_then(Value::as_object) {
            if is_flat_error(inner) || inner.get("code").is_some_and(Value::is_number) {
                let message = text(inner, "message");
                return flat(status, inner, message.map(|m| context.redact(&m)), "status");
            }
        }
        if ["title", "detail", "type"]
            .iter()
            .any(|k| object.contains_key(*k))
        {
            let message = match (text(object, "title"), text(object, "detail")) {
                (Some(title), Some(detail)) if title != detail => {
                    Some(format!("{title}: {detail}"))
                }
                (title, detail) => detail.or(title),
            };
            // problem+json's `status` is the HTTP code, not a status name.
            return flat(status, object, message.map(|m| context.redact(&m)), "");
        }
    }
    // Redact the whole text before cutting it, so a cut cannot split a
    // credential out of the redactor's sight.
    let snippet: String = context
        .redact(&String::from_utf8_lossy(body))
        .trim()
        .chars()
        .take(SNIPPET_CHARS)
        .collect();
    let reason = status.canonical_reason().unwrap_or("error");
    let message = object
        .and_then(|o| text(o, "message"))
        .map(|m| context.redact(&m));
    let message = message.unwrap_or_else(|| {
        if snippet.is_empty() {
            format!("{reason} (empty response body)")
        } else {
            format!("{reason} (response body is not the documented error: {snippet})")
        }
    });
    flat(
        status,
        object.unwrap_or(&Map::new()),
        Some(message),
        "status",
    )
}

/// The documented flat shape: string `code`/`message`/`status`, at least one
/// present, and `details` (if any) an array of objects.
fn is_flat_error(object: &Map<String, Value>) -> bool {
    let strings = ["code", "message", "status"]
        .iter()
        .all(|k| object.get(*k).is_none_or(Value::is_string));
    let any = ["code", "message", "status"]
        .iter()
        .any(|k| object.contains_key(*k));
    let details = object
        .get("details")
        .is_none_or(|d| d.as_array().is_some_and(|a| a.iter().all(Value::is_object)));
    strings && any && details
}

/// A string field, or a number written as text.
fn text(object: &Map<String, Value>, name: &str) -> Option<String> {
    match object.get(name)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A flat body from `source`'s fields, defaulting what is missing from the
/// HTTP status; `status_field` names where the status name is read ("" for none).
fn flat(
    status: reqwest::StatusCode,
    source: &Map<String, Value>,
    message: Option<String>,
    status_field: &str,
) -> Vec<u8> {
    let reason = status.canonical_reason().unwrap_or("error");
    let status_name = source
        .get(status_field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| reason.to_uppercase().replace(' ', "_"));
    let mut out = serde_json::json!({
        "code": text(source, "code").unwrap_or_else(|| status.as_u16().to_string()),
        "message": message.unwrap_or_else(|| reason.to_owned()),
        "status": status_name,
    });
    if let Some(details) = source.get("details").and_then(Value::as_array) {
        let objects: Vec<Value> = details.iter().filter(|d| d.is_object()).cloned().collect();
        if !objects.is_empty() {
            out["details"] = Value::Array(objects);
        }
    }
    out.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synthesized(status: reqwest::StatusCode, body: &str) -> serde_json::Value {
        serde_json::from_slice(&normalize_error_body(
            status,
            body.as_bytes(),
            &Context::default(),
        ))
        .unwrap()
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
    fn google_rpc_wrapper_keeps_message_code_status_and_details() {
        let v = synthesized(
            reqwest::StatusCode::NOT_FOUND,
            r#"{"error": {"code": 404, "message": "Number +12065550134 not found", "status": "NOT_FOUND",
                "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": "phoneNumber", "description": "unknown"}]}]}}"#,
        );
        assert_eq!(v["code"], "404");
        assert_eq!(v["message"], "Number +12065550134 not found");
        assert_eq!(v["status"], "NOT_FOUND");
        assert_eq!(
            v["details"][0]["fieldViolations"][0]["field"],
            "phoneNumber"
        );
    }

    #[test]
    fn problem_json_keeps_title_detail_and_code() {
        let v = synthesized(
            reqwest::StatusCode::TOO_MANY_REQUESTS,
            r#"{"type": "https://developers.sinch.com/errors/rate-limit", "title": "Too many requests",
                "status": 429, "detail": "Slow down: 10 requests per second"}"#,
        );
        assert_eq!(v["code"], "429");
        assert_eq!(
            v["message"],
            "Too many requests: Slow down: 10 requests per second"
        );
        assert_eq!(v["status"], "TOO_MANY_REQUESTS");
        let v = synthesized(reqwest::StatusCode::FORBIDDEN, r#"{"title": "Forbidden"}"#);
        assert_eq!(v["message"], "Forbidden");
        assert_eq!(v["code"], "403");
    }

    #[test]
    fn json_without_any_error_field_is_not_the_documented_error() {
        for body in ["{}", r#"{"ok": false}"#] {
            let v = synthesized(reqwest::StatusCode::INTERNAL_SERVER_ERROR, body);
            assert_eq!(v["code"], "500");
            assert_eq!(v["status"], "INTERNAL_SERVER_ERROR");
            assert!(
                v["message"]
                    .as_str()
                    .unwrap()
                    .contains("not the documented error"),
                "{v}"
            );
        }
        let flat = r#"{"code":"404","message":"gone","status":"NOT_FOUND","details":[{"k":1}]}"#;
        assert_eq!(
            synthesized(reqwest::StatusCode::NOT_FOUND, flat),
            serde_json::from_str::<Value>(flat).unwrap(),
            "the documented shape keeps every field"
        );
    }

    #[test]
    fn quoted_bodies_and_messages_never_carry_credentials() {
        let context = Context::default().secrets(["key-secret-value".to_owned()]);
        let normalize = |body: &str| -> Value {
            serde_json::from_slice(&normalize_error_body(
                reqwest::StatusCode::BAD_GATEWAY,
                body.as_bytes(),
                &context,
            ))
            .unwrap()
        };
        let echoed =
            "<pre>GET /v1/projects/p\nAuthorization: Basic a2V5OmtleS1zZWNyZXQtdmFsdWU=\n</pre>";
        let message = normalize(echoed)["message"].as_str().unwrap().to_owned();
        assert!(!message.contains("a2V5Om"), "{message}");
        assert!(
            message.contains("Authorization: Basic <redacted>"),
            "{message}"
        );
        let message = normalize(r#"{"message": "bad key key-secret-value; sent Bearer abc.def"}"#)
            ["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(message, "bad key <redacted>; sent Bearer <redacted>");
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
            let bytes = normalize_error_body(
                reqwest::StatusCode::INTERNAL_SERVER_ERROR,
                body.as_bytes(),
                &Context::default(),
            );
            assert!(
                serde_json::from_slice::<crate::types::Error>(&bytes).is_ok(),
                "{body}"
            );
        }
    }
}
