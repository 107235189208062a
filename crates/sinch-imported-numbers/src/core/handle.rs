//! The shared handle every request goes through: the generated client, the
//! project, authentication and the retry policy, and how one call is made.
//!
//! [`Client`](crate::Client), the resource accessors and every request
//! builder hold an `Arc<Handle>`, never each other. Each operation hands [`Handle::call`] a
//! closure that builds and sends the generated request, so a retry rebuilds
//! the request from scratch.

use std::future::Future;
use std::sync::Arc;

use reqwest::header::LOCATION;
use tokio::time::Instant;

use sinch_imported_numbers_api::ClientInfo as _;

use sinch_imported_numbers_api as api;
use sinch_imported_numbers_api::types;

use super::auth::Authenticator;
use super::retry::{retry_after, RetryPolicy};
use crate::error::{ApiError, Error, ErrorKind, Result};

/// What every request needs; shared by the client and its builders.
#[derive(Debug)]
pub(crate) struct Handle {
    pub(crate) api: api::Client,
    /// Faster paths for get and list, same requests (see `api::direct`).
    pub(crate) direct: api::direct::DirectCalls,
    pub(crate) project_id: String,
    pub(crate) auth: Arc<Authenticator>,
    pub(crate) retry: RetryPolicy,
}

/// Whether sending the same request twice has the same effect as once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Idempotency {
    /// Reads, updates (they set fields), deletes.
    Idempotent,
    /// Creations (imports, orders, qualifications): a repeat may be
    /// answered with 409 or create a second order.
    NotIdempotent,
}

/// How much of an undecodable body is quoted in a decode error.
const SNIPPET_CHARS: usize = 120;

impl Handle {
    /// Sends a request built by `send`, authenticating it and retrying it as
    /// the policy allows, within the policy's overall deadline if it has one.
    pub(crate) async fn call<T, F, Fut>(&self, idempotency: Idempotency, send: F) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        let Some(budget) = self.retry.call_budget() else {
            return self.attempts(idempotency, send, None).await;
        };
        let deadline = Instant::now() + budget;
        let attempts = self.attempts(idempotency, send, Some(deadline));
        tokio::time::timeout_at(deadline, attempts)
            .await
            .unwrap_or_else(|_| {
                Err(Error::new(
                    ErrorKind::DeadlineExceeded,
                    format!(
                        "the call did not finish within its {budget:?} deadline (retries and waits included)"
                    ),
                )
                .retryable(true))
            })
    }

    async fn attempts<T, F, Fut>(
        &self,
        idempotency: Idempotency,
        send: F,
        deadline: Option<Instant>,
    ) -> Result<T>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        let auth = &self.auth;
        let mut retries = 0;
        let mut reauthenticated = false;
        loop {
            let (error, idempotent) = match auth.ensure_fresh().await {
                // No token: the API call was not sent, so even an import may
                // be retried (the error is marked as not sent).
                Err(error) => (error, true),
                Ok(token_generation) => {
                    let error = match send().await {
                        Ok(response) => return Ok(response.into_inner()),
                        Err(e) => self.map_error(e).await,
                    };
                    // A 401 with OAuth2 usually means the token was revoked or
                    // expired early: fetch a new one and try once more.
                    if error.kind() == ErrorKind::Unauthenticated
                        && !reauthenticated
                        && auth.invalidate(token_generation)
                    {
                        tracing::debug!(
                            "access token rejected (401); fetching a new one and retrying once"
                        );
                        reauthenticated = true;
                        continue;
                    }
                    (error, idempotency == Idempotency::Idempotent)
                }
            };
            let Some(wait) = self.retry.delay(retries, &error, idempotent) else {
                return Err(error);
            };
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                // Waiting would outlive the deadline: give the caller the
                // error (with its Retry-After) now rather than later.
                return Err(error);
            }
            retries += 1;
            tracing::debug!(
                retry = retries,
                wait_ms = wait.as_millis() as u64,
                kind = ?error.kind(),
                status = error.http_status(),
                "Imported Numbers API call failed; retrying"
            );
            tokio::time::sleep(wait).await;
        }
    }

    /// Turns progenitor's error into the SDK's. Body text is quoted only
    /// after credentials are redacted.
    async fn map_error(&self, error: api::Error<types::Error>) -> Error {
        let context = self.api.inner();
        let snippet = |body: &[u8]| -> String {
            context
                .redact(&String::from_utf8_lossy(body))
                .chars()
                .take(SNIPPET_CHARS)
                .collect()
        };
        match error {
            api::Error::InvalidRequest(message) => Error::new(ErrorKind::InvalidInput, message),
            api::Error::CommunicationError(e) | api::Error::ResponseBodyError(e)
                if api::body_too_large(&e) =>
            {
                Error::new(
                    ErrorKind::Decode,
                    format!(
                        "response body is larger than the {}-byte limit (see ClientBuilder::max_response_bytes); not read",
                        context.response_limit()
                    ),
                )
            }
            api::Error::CommunicationError(e) | api::Error::ResponseBodyError(e) => {
                Error::transport(e)
            }
            api::Error::ErrorResponse(response) => {
                let status = response.status();
                let wait = retry_after(response.headers());
                Error::from_status(
                    status,
                    Some(ApiError::from_wire(response.into_inner())),
                    wait,
                )
            }
            api::Error::InvalidResponsePayload(body, e) => Error::new(
                ErrorKind::Decode,
                format!(
                    "response is not the documented JSON ({e}); body starts: {:?}",
                    snippet(&body)
                ),
            )
            .with_source(e),
            api::Error::UnexpectedResponse(response) if response.status().is_redirection() => {
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get(LOCATION)
                    .map(|l| redact_location(&String::from_utf8_lossy(l.as_bytes()), context))
                    .unwrap_or_else(|| "nowhere (no Location header)".to_owned());
                Error::new(
                    ErrorKind::Other,
                    format!(
                        "HTTP {status}: the server redirected the call to {location}; API calls do not follow redirects (is the base URL right?)"
                    ),
                )
            }
            api::Error::UnexpectedResponse(response) => {
                let status = response.status();
                let wait = retry_after(response.headers());
                let body = response.bytes().await.unwrap_or_default();
                if status.is_success() {
                    return Error::new(
                        ErrorKind::Decode,
                        format!(
                            "unexpected success status {}; body starts: {:?}",
                            status.as_u16(),
                            snippet(&body)
                        ),
                    );
                }
                let api_error = serde_json::from_slice::<types::Error>(&body)
                    .ok()
                    .map(ApiError::from_wire);
                Error::from_status(status, api_error, wait)
            }
            other => Error::new(ErrorKind::Other, other.to_string()),
        }
    }
}

/// A redirect target fit for a message: no user name or password, no
/// credentials in the query.
fn redact_location(location: &str, context: &api::Context) -> String {
    let text = match reqwest::Url::parse(location) {
        Ok(mut url) => {
            let _ = url.set_username("");
            let _ = url.set_password(None);
            url.to_string()
        }
        Err(_) => location.to_owned(),
    };
    context.redact(&text).chars().take(SNIPPET_CHARS).collect()
}
