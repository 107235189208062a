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
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use tokio::time::Instant;

use sinch_imported_numbers_api::ClientInfo as _;

use sinch_imported_numbers_api as api;
use sinch_imported_numbers_api::types;

use super::adaptive::{AdaptiveRate, Ticket};
use super::auth::Authenticator;
use super::retry::{retry_after, RetryPolicy};
use super::retry_budget::Budget;
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
    /// The client's retry budget, shared by its calls (see `retry_budget.rs`).
    pub(crate) budget: Option<Budget>,
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

/// How many `429`s one call of a group waits out (each pausing the group)
/// before it fails with the last one.
const MAX_GROUP_THROTTLES: u32 = 10;

/// How much of an undecodable body is quoted in a decode error.
const SNIPPET_CHARS: usize = 120;

impl Handle {
    /// Sends a request built by `send`, authenticating it and retrying it as
    /// the policy allows, within the policy's overall deadline if it has one.
    pub(crate) async fn call<T, F, Fut>(&self, idempotency: Idempotency, send: F) -> Result<T>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        self.call_then(idempotency, send, Ok).await
    }

    /// [`call`](Self::call), then `read` turns the wire body into the
    /// model; an error it finds (a body that is not what the call returns)
    /// keeps the response's HTTP status.
    pub(crate) async fn call_then<T, U, F, Fut>(
        &self,
        idempotency: Idempotency,
        send: F,
        read: impl FnOnce(T) -> Result<U>,
    ) -> Result<U>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        self.call_in_group(None, idempotency, send, read).await
    }

    /// [`call_then`](Self::call_then), as one of a group of calls that share
    /// an adaptive rate (a bulk import) when `group` is given: each attempt
    /// waits for the group's turn, and a `429` pauses the whole group for its
    /// `Retry-After` and slows it down, instead of this call alone waiting.
    pub(crate) async fn call_in_group<T, U, F, Fut>(
        &self,
        group: Option<&AdaptiveRate>,
        idempotency: Idempotency,
        send: F,
        read: impl FnOnce(T) -> Result<U>,
    ) -> Result<U>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        let (value, status) = self.within_deadline(idempotency, send, group).await?;
        read(value).map_err(|e| match e.http_status() {
            Some(_) => e,
            None => e.in_response(status),
        })
    }

    async fn within_deadline<T, F, Fut>(
        &self,
        idempotency: Idempotency,
        send: F,
        group: Option<&AdaptiveRate>,
    ) -> Result<(T, StatusCode)>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        let Some(budget) = self.retry.call_budget() else {
            return self.attempts(idempotency, send, None, group).await;
        };
        let deadline = Instant::now() + budget;
        let attempts = self.attempts(idempotency, send, Some(deadline), group);
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
        group: Option<&AdaptiveRate>,
    ) -> Result<(T, StatusCode)>
    where
        T: DeserializeOwned,
        F: Fn() -> Fut,
        Fut: Future<Output = std::result::Result<api::ResponseValue<T>, api::Error<types::Error>>>,
    {
        let auth = &self.auth;
        let mut retries = 0;
        let mut reauthenticated = false;
        // 429s of a group: each pauses the whole group; bounded separately
        // from `retries` so a busy server does not fail rows of a bulk import.
        let mut group_throttles = 0;
        loop {
            let ticket = match group {
                Some(group) => Some(group.acquire().await),
                None => None,
            };
            let (error, idempotent) = match auth.ensure_fresh().await {
                // No token: the API call was not sent, so even an import may
                // be retried (the error is marked as not sent).
                Err(error) => (error, true),
                Ok(token_generation) => {
                    let error = match send().await {
                        Ok(response) => {
                            let status = response.status();
                            self.succeeded(group, ticket);
                            return Ok((response.into_inner(), status));
                        }
                        // A 2xx the spec does not list (201, 202, 204, ...).
                        Err(api::Error::UnexpectedResponse(response))
                            if response.status().is_success() =>
                        {
                            let status = response.status();
                            match self.unlisted_success(response).await {
                                Ok(value) => {
                                    self.succeeded(group, ticket);
                                    return Ok((value, status));
                                }
                                Err(e) => e,
                            }
                        }
                        Err(e) => self.map_error(e).await,
                    };
                    // Any answer but a 429 took a token of the server's
                    // bucket: the group's rate learns from it.
                    if let (Some(group), Some(ticket), Some(_)) =
                        (group, ticket, error.http_status())
                    {
                        if error.kind() != ErrorKind::RateLimited {
                            group.answered(ticket);
                        }
                    }
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
            if let (Some(group), Some(ticket)) = (group, ticket) {
                // The policy would retry it (its Retry-After is within
                // bounds): the group waits instead of this call alone.
                if group.learns()
                    && error.kind() == ErrorKind::RateLimited
                    && group_throttles < MAX_GROUP_THROTTLES
                    && self.retry.delay(0, &error, idempotent).is_some()
                {
                    group.throttled(ticket, error.retry_after());
                    group_throttles += 1;
                    continue;
                }
                if error.kind() == ErrorKind::RateLimited {
                    group.refused(ticket);
                }
            }
            // 429s neither spend nor refill the budget: the server is up.
            let budget_allows = match &self.budget {
                Some(budget) if error.is_retryable() && error.kind() != ErrorKind::RateLimited => {
                    budget.failure()
                }
                _ => true,
            };
            let Some(wait) = self.retry.delay(retries, &error, idempotent) else {
                return Err(error.after_attempts(retries + 1));
            };
            if !budget_allows {
                tracing::debug!(kind = ?error.kind(), "retry budget exhausted; not retrying");
                return Err(error.after_attempts(retries + 1).budget_exhausted());
            }
            if deadline.is_some_and(|d| Instant::now() + wait >= d) {
                // Waiting would outlive the deadline: give the caller the
                // error (with its Retry-After) now rather than later.
                return Err(error.after_attempts(retries + 1));
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

    /// Refills the retry budget a little, and tells the call's group.
    fn succeeded(&self, group: Option<&AdaptiveRate>, ticket: Option<Ticket>) {
        if let Some(budget) = &self.budget {
            budget.success();
        }
        if let (Some(group), Some(ticket)) = (group, ticket) {
            group.answered(ticket);
        }
    }

    /// A success status the spec does not list for the operation. A call
    /// whose success carries nothing (a delete) is done whatever the body;
    /// one that returns a body reads the documented body under any 2xx, and
    /// says so clearly when there is none. Either way the status is kept.
    async fn unlisted_success<T: DeserializeOwned>(
        &self,
        response: reqwest::Response,
    ) -> Result<T> {
        let status = response.status();
        if let Ok(nothing) = serde_json::from_str::<T>("null") {
            return Ok(nothing);
        }
        let body = match response.bytes().await {
            Ok(body) => body,
            Err(e) => return Err(self.body_error(e, Some(status))),
        };
        decode_success(status, &body, self.api.inner())
    }

    /// An error reading a response body: too large (with the status, when
    /// known) or broken in transit.
    fn body_error(&self, error: reqwest::Error, status: Option<StatusCode>) -> Error {
        if api::body_too_large(&error) {
            let status = status.or_else(|| api::body_error_status(&error));
            let mut e = Error::new(
                ErrorKind::Decode,
                format!(
                    "{}response body is larger than the {}-byte limit (see ClientBuilder::max_response_bytes); not read",
                    status.map_or(String::new(), |s| format!("HTTP {}: ", s.as_u16())),
                    self.api.inner().response_limit()
                ),
            );
            if let Some(status) = status {
                e = e.with_status(status);
            }
            return e;
        }
        Error::transport(error)
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
            api::Error::CommunicationError(e) | api::Error::ResponseBodyError(e) => {
                self.body_error(e, None)
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
            // Only a documented success body is decoded into the operation's
            // type, and every operation documents 200 (error bodies are
            // normalised by the hooks and always decode).
            api::Error::InvalidResponsePayload(body, _) if body.trim_ascii().is_empty() => {
                empty_body(StatusCode::OK)
            }
            api::Error::InvalidResponsePayload(body, e) => Error::new(
                ErrorKind::Decode,
                format!(
                    "HTTP 200: the answer is not the documented JSON ({e}); body starts: {:?}",
                    snippet(&body)
                ),
            )
            .with_status(StatusCode::OK)
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
                .with_status(response.status())
            }
            api::Error::UnexpectedResponse(response) => {
                let status = response.status();
                let wait = retry_after(response.headers());
                let body = response.bytes().await.unwrap_or_default();
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

/// Decodes a success body, or says exactly what is wrong with it, keeping
/// the status either way.
fn decode_success<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    context: &api::Context,
) -> Result<T> {
    let code = status.as_u16();
    if body.trim_ascii().is_empty() {
        return Err(empty_body(status));
    }
    api::direct::decode_json::<T>(body).map_err(|e| {
        let start: String = context
            .redact(&String::from_utf8_lossy(body))
            .chars()
            .take(SNIPPET_CHARS)
            .collect();
        Error::new(
            ErrorKind::Decode,
            format!(
                "HTTP {code}: the answer is not the documented JSON ({e}); body starts: {start:?}"
            ),
        )
        .with_status(status)
        .with_source(e)
    })
}

/// A success answer without the body the call returns.
fn empty_body(status: StatusCode) -> Error {
    Error::new(
        ErrorKind::Decode,
        format!(
            "HTTP {}: the answer has an empty body, but this call returns one",
            status.as_u16()
        ),
    )
    .with_status(status)
}
