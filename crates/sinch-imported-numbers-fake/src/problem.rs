//! Error responses in the API's documented shape: `{code, message, status}`,
//! for the fake's own errors and, through [`json_errors`], for the ones the
//! framework produces itself (405, 413, undecodable paths).

use std::borrow::Cow;

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// An error the fake answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    pub http: StatusCode,
    pub status: Cow<'static, str>,
    pub message: String,
    pub retry_after: Option<u64>,
    /// Sent in the google.rpc wrapper `{"error": {...}}` with an integer code.
    pub wrapped: bool,
}

impl Problem {
    pub(crate) fn new(
        http: StatusCode,
        status: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            http,
            status: status.into(),
            message: message.into(),
            retry_after: None,
            wrapped: false,
        }
    }

    /// The same error in the google.rpc wrapper shape.
    pub(crate) fn wrapped(mut self) -> Self {
        self.wrapped = true;
        self
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_ARGUMENT", message)
    }

    pub(crate) fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "FAILED_PRECONDITION", message)
    }

    pub(crate) fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The imported number could not be found.",
        )
    }

    /// A 404 naming what could not be found (for resources other than
    /// imported numbers).
    pub(crate) fn no_such(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// A 409 naming what already exists.
    pub(crate) fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "ALREADY_EXISTS", message)
    }

    pub(crate) fn already_exists() -> Self {
        Self::new(
            StatusCode::CONFLICT,
            "ALREADY_EXISTS",
            "The imported number already exists.",
        )
    }

    /// An error for `status` named after its reason phrase
    /// (`SERVICE_UNAVAILABLE`, ...), for faults and outages.
    pub(crate) fn for_status(http: StatusCode, message: impl Into<String>) -> Self {
        let name = http
            .canonical_reason()
            .unwrap_or("ERROR")
            .to_uppercase()
            .replace(' ', "_");
        Self::new(http, name, message)
    }

    pub(crate) fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = if self.wrapped {
            serde_json::json!({"error": {
                "code": self.http.as_u16(),
                "message": self.message,
                "status": self.status,
            }})
        } else {
            serde_json::json!({
                "code": self.http.as_u16().to_string(),
                "message": self.message,
                "status": self.status,
            })
        };
        let mut response = (self.http, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(seconds));
        }
        response
    }
}

/// Rewrites an error response that is not JSON (axum's plain-text
/// rejections) into the documented shape, keeping its status and text.
pub(crate) async fn json_errors(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_owned();
    let name = status
        .canonical_reason()
        .unwrap_or("ERROR")
        .to_uppercase()
        .replace(' ', "_");
    let message = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let mut problem = Problem::new(status, name, message).into_response();
    for (name, value) in parts.headers.iter() {
        if name != axum::http::header::CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            problem.headers_mut().insert(name.clone(), value.clone());
        }
    }
    problem
}
