//! The one error type of the SDK.
//!
//! [`Error::kind`] says what happened, [`Error::is_retryable`] whether trying
//! again may succeed, and the accessors give the HTTP status and the server's
//! own `code` / `message` / `status` when there was a response. Errors never
//! contain credentials or tokens.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;
use sinch_imported_numbers_api::types;

use crate::phone_number::{PhoneNumberError, RegionError};
use crate::UpdatableField;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, in terms a caller can act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The caller's input was rejected before any request was sent.
    InvalidInput,
    /// 404: the imported number does not exist in the project.
    NotFound,
    /// 409: the number is already imported.
    AlreadyExists,
    /// 400: the server rejected an argument; see [`Error::field_violations`].
    InvalidArgument,
    /// 401: the credentials were missing, wrong or expired, or no token could be obtained.
    Unauthenticated,
    /// 403: the credentials are valid but not allowed to do this.
    PermissionDenied,
    /// 429: too many requests; see [`Error::retry_after`].
    RateLimited,
    /// 5xx: the server failed.
    Server,
    /// The request or response could not be transmitted (connection, timeout, TLS).
    Transport,
    /// The response could not be understood.
    Decode,
    /// A deadline ran out: a call's [`RetryPolicy::deadline`](crate::RetryPolicy::deadline),
    /// or a [`ProvisioningWait`](crate::ProvisioningWait)'s.
    DeadlineExceeded,
    /// Anything else: an unexpected status, a pagination loop, an internal error.
    Other,
}

/// A setting or argument the SDK checks before sending anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The project id.
    ProjectId,
    /// The access key id.
    KeyId,
    /// The access key secret.
    KeySecret,
    /// The API's base URL.
    BaseUrl,
    /// The OAuth2 token endpoint.
    TokenUrl,
    /// A service plan id.
    ServicePlanId,
    /// A campaign id.
    CampaignId,
    /// A callback URL.
    CallbackUrl,
    /// A listing's number pattern.
    NumberPattern,
    /// A listing's page size.
    PageSize,
    /// A listing's limit of consecutive empty pages.
    MaxEmptyPages,
    /// The response-size cap.
    MaxResponseBytes,
    /// The project's callback secret.
    CallbackSecret,
    /// A provisioning wait's poll interval or deadline.
    PollInterval,
    /// A hosting order id.
    HostingOrderId,
    /// The phone numbers of a request (none given, one given twice, or more
    /// than the call accepts).
    PhoneNumbers,
    /// A region a request names that its numbers are not in.
    Region,
    /// The NNID (Net Number ID) of a text-enable request.
    Nnid,
    /// The code a voice challenge read out.
    VoiceCode,
    /// A part of a letter of authorization (LOA), named by its wire path,
    /// e.g. `authorisedPerson.email`.
    LetterOfAuthorization(&'static str),
    /// An environment variable read by [`Client::from_env`](crate::Client::from_env).
    EnvironmentVariable(&'static str),
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Setting::ProjectId => "project id",
            Setting::KeyId => "key id",
            Setting::KeySecret => "key secret",
            Setting::BaseUrl => "base url",
            Setting::TokenUrl => "token url",
            Setting::ServicePlanId => "service plan id",
            Setting::CampaignId => "campaign id",
            Setting::CallbackUrl => "callback url",
            Setting::NumberPattern => "number pattern",
            Setting::PageSize => "page size",
            Setting::MaxEmptyPages => "max empty pages",
            Setting::MaxResponseBytes => "max response bytes",
            Setting::CallbackSecret => "callback secret",
            Setting::PollInterval => "poll interval",
            Setting::HostingOrderId => "hosting order id",
            Setting::PhoneNumbers => "phone numbers",
            Setting::Region => "region",
            Setting::Nnid => "NNID",
            Setting::VoiceCode => "voice code",
            Setting::LetterOfAuthorization(part) => {
                return write!(f, "letter of authorization's {part}")
            }
            Setting::EnvironmentVariable(name) => name,
        })
    }
}

/// Why input was rejected before sending.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A phone number is not valid.
    #[error("invalid phone number: {0}")]
    PhoneNumber(#[from] PhoneNumberError),
    /// A region code is not one the API supports.
    #[error(transparent)]
    Region(#[from] RegionError),
    /// A required setting was not given (or was blank).
    #[error("{0} is required")]
    Missing(Setting),
    /// A setting has a value that cannot be used.
    #[error("{setting} is invalid: {reason}")]
    Invalid {
        /// The setting.
        setting: Setting,
        /// What is wrong with it.
        reason: String,
    },
    /// An update mask names a field that cannot be updated.
    #[error(
        "{path:?} cannot be updated; updatable fields are {}",
        UpdatableField::list()
    )]
    UnknownMaskPath {
        /// The path as given.
        path: String,
    },
    /// An update that changes nothing.
    #[error("update sets no field; set one of {}", UpdatableField::list())]
    EmptyUpdate,
    /// The number is in a region the Imported Numbers API does not support.
    #[error("{number} is not a US or CA number; the Imported Numbers API supports US and CA only")]
    UnsupportedRegion {
        /// The number.
        number: String,
    },
}

impl InputError {
    /// The setting this error is about, when it is about one.
    pub fn setting(&self) -> Option<Setting> {
        match self {
            InputError::Missing(setting) | InputError::Invalid { setting, .. } => Some(*setting),
            _ => None,
        }
    }

    pub(crate) fn invalid(setting: Setting, reason: impl Into<String>) -> Self {
        InputError::Invalid {
            setting,
            reason: reason.into(),
        }
    }
}

/// The error body the server sent, when it sent one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The server's `code` (the HTTP code as a string, e.g. `"404"`).
    pub code: Option<String>,
    /// The server's human-readable message.
    pub message: Option<String>,
    /// The server's status name, e.g. `"NOT_FOUND"`.
    pub status: Option<String>,
    /// Field violations found in `details`, if any.
    pub field_violations: Vec<FieldViolation>,
}

/// One invalid field reported by the server (google.rpc.BadRequest style).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldViolation {
    /// The field path, e.g. `phoneNumber`.
    pub field: String,
    /// Why it is invalid.
    pub description: String,
}

impl ApiError {
    /// Reads the (normalised) error body the generated client decoded.
    pub(crate) fn from_wire(body: types::Error) -> Self {
        let field_violations = body
            .details
            .iter()
            .filter_map(|detail| detail.get("fieldViolations")?.as_array())
            .flatten()
            .filter_map(|v| {
                Some(FieldViolation {
                    field: v.get("field")?.as_str()?.to_owned(),
                    description: v
                        .get("description")
                        .and_then(|d| d.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                })
            })
            .collect();
        ApiError {
            code: body.code,
            message: body.message,
            status: body.status,
            field_violations,
        }
    }
}

/// An error from the SDK.
///
/// [`Error::kind`] says what happened, [`Error::is_retryable`] whether trying
/// again may succeed, and the accessors give the HTTP status and the server's
/// own `code` / `message` / `status` when there was a response. Errors never
/// contain credentials or tokens.
///
/// Boxed, so `Result<T, Error>` stays one pointer wide on the error side.
pub struct Error {
    inner: Box<ErrorInner>,
}

struct ErrorInner {
    kind: ErrorKind,
    message: String,
    http_status: Option<StatusCode>,
    api: Option<ApiError>,
    retry_after: Option<Duration>,
    retryable: bool,
    /// The API request was never sent (no connection, or no token), so the
    /// server cannot have acted on it.
    not_sent: bool,
    input: Option<InputError>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    budget_exhausted: bool,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        let inner = ErrorInner {
            kind,
            message: message.into(),
            http_status: None,
            api: None,
            retry_after: None,
            retryable: false,
            not_sent: false,
            input: None,
            source: None,
            budget_exhausted: false,
        };
        Error {
            inner: Box::new(inner),
        }
    }

    /// An error for input rejected before sending.
    pub(crate) fn input(reason: impl Into<InputError>) -> Self {
        let reason = reason.into();
        let mut e = Error::new(ErrorKind::InvalidInput, reason.to_string());
        e.inner.input = Some(reason);
        e
    }

    /// An error for an HTTP response with a non-success status.
    pub(crate) fn from_status(
        status: StatusCode,
        api: Option<ApiError>,
        retry_after: Option<Duration>,
    ) -> Self {
        let kind = match status.as_u16() {
            400 => ErrorKind::InvalidArgument,
            401 => ErrorKind::Unauthenticated,
            403 => ErrorKind::PermissionDenied,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::AlreadyExists,
            429 => ErrorKind::RateLimited,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        };
        let detail = api
            .as_ref()
            .and_then(|a| a.message.clone())
            .unwrap_or_else(|| {
                status
                    .canonical_reason()
                    .unwrap_or("unexpected status")
                    .to_owned()
            });
        let mut e = Error::new(kind, format!("HTTP {}: {detail}", status.as_u16()));
        e.inner.retryable = matches!(status.as_u16(), 429 | 502 | 503 | 504);
        e.inner.http_status = Some(status);
        e.inner.api = api;
        e.inner.retry_after = retry_after;
        e
    }

    pub(crate) fn transport(err: reqwest::Error) -> Self {
        let mut e = Error::new(ErrorKind::Transport, describe_reqwest(&err));
        // A request that never connected, or timed out, is worth another try.
        e.inner.retryable = err.is_connect() || err.is_timeout();
        e.inner.not_sent = err.is_connect();
        e.inner.source = Some(Box::new(err.without_url()));
        e
    }

    /// Says, in the message, how many attempts the call made when it made
    /// more than one, so a slow failure explains itself.
    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        if attempts > 1 {
            self.inner.message =
                format!("{} (gave up after {attempts} attempts)", self.inner.message);
        }
        self
    }

    /// Says, in the message, that the client's retry budget stopped the
    /// retries, and marks the error so [`Error::is_budget_exhausted`] tells.
    pub(crate) fn budget_exhausted(mut self) -> Self {
        self.inner.message = format!(
            "{}; retry budget exhausted: most recent calls of this client failed, so it does not retry (see RetryPolicy::budget)",
            self.inner.message
        );
        self.inner.budget_exhausted = true;
        self
    }

    /// Whether the call was not retried because the client's retry budget
    /// was exhausted (most of its recent calls failed): the service is
    /// probably down or failing, and retrying everything would not help.
    pub fn is_budget_exhausted(&self) -> bool {
        self.inner.budget_exhausted
    }

    /// Records the HTTP status of the response this error was built from.
    pub(crate) fn with_status(mut self, status: StatusCode) -> Self {
        self.inner.http_status = Some(status);
        self
    }

    /// Records the status of the response whose body this error is about,
    /// and names it in the message.
    pub(crate) fn in_response(mut self, status: StatusCode) -> Self {
        self.inner.message = format!("HTTP {}: {}", status.as_u16(), self.inner.message);
        self.with_status(status)
    }

    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// What happened.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// Whether the same request may succeed if sent again later (429, 502,
    /// 503, 504, connection failures and timeouts). The client already
    /// retries these according to its [`RetryPolicy`](crate::RetryPolicy).
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// The HTTP status code, when a response was received.
    pub fn http_status(&self) -> Option<u16> {
        self.inner.http_status.map(|s| s.as_u16())
    }

    /// The server's error body, when it sent one that could be read.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.inner.api.as_ref()
    }

    /// Field violations the server reported (empty if none).
    pub fn field_violations(&self) -> &[FieldViolation] {
        self.inner.api.as_ref().map_or(&[], |a| &a.field_violations)
    }

    /// How long the server asked to wait before retrying (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// For [`ErrorKind::InvalidInput`]: exactly what was wrong.
    pub fn input_error(&self) -> Option<&InputError> {
        self.inner.input.as_ref()
    }

    /// Whether the API request was never sent, so the server cannot have acted.
    pub(crate) fn was_not_sent(&self) -> bool {
        self.inner.not_sent
    }

    /// Marks the API request as never sent (e.g. no token could be had).
    pub(crate) fn not_sent(mut self) -> Self {
        self.inner.not_sent = true;
        self
    }

    /// Puts `what` in front of the message: `"{what}: {message}"`.
    pub(crate) fn prefixed(mut self, what: &str) -> Self {
        self.inner.message = format!("{what}: {}", self.inner.message);
        self
    }

    /// Marks whether the same request may succeed later.
    pub(crate) fn retryable(mut self, retryable: bool) -> Self {
        self.inner.retryable = retryable;
        self
    }

    /// A copy for another caller that shares this outcome (the source error
    /// is not cloneable; its text is already in the message).
    pub(crate) fn duplicate(&self) -> Self {
        let inner = &self.inner;
        Error {
            inner: Box::new(ErrorInner {
                kind: inner.kind,
                message: inner.message.clone(),
                http_status: inner.http_status,
                api: inner.api.clone(),
                retry_after: inner.retry_after,
                retryable: inner.retryable,
                not_sent: inner.not_sent,
                input: inner.input.clone(),
                source: None,
                budget_exhausted: inner.budget_exhausted,
            }),
        }
    }

    /// Shorthand for `kind() == ErrorKind::NotFound`.
    pub fn is_not_found(&self) -> bool {
        self.inner.kind == ErrorKind::NotFound
    }
}

/// reqwest's own message, without the URL (which may carry query values).
fn describe_reqwest(err: &reqwest::Error) -> String {
    let what = if err.is_timeout() {
        "request timed out"
    } else if err.is_connect() {
        "could not connect"
    } else if err.is_body() || err.is_decode() {
        "could not read the response body"
    } else {
        "request failed"
    };
    let mut cause = std::error::Error::source(err);
    let mut text = what.to_owned();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)?;
        if let Some(api) = &self.inner.api {
            if let Some(status) = &api.status {
                write!(f, " [{status}]")?;
            }
            for v in &api.field_violations {
                write!(f, "; {}: {}", v.field, v.description)?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .field("message", &self.inner.message)
            .field("http_status", &self.inner.http_status)
            .field("api", &self.inner.api)
            .field("retry_after", &self.inner.retry_after)
            .field("retryable", &self.inner.retryable)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        if let Some(input) = &self.inner.input {
            return Some(input);
        }
        self.inner
            .source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<PhoneNumberError> for Error {
    fn from(e: PhoneNumberError) -> Self {
        Error::input(e)
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::input(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_mapping() {
        let cases = [
            (400, ErrorKind::InvalidArgument, false),
            (401, ErrorKind::Unauthenticated, false),
            (403, ErrorKind::PermissionDenied, false),
            (404, ErrorKind::NotFound, false),
            (409, ErrorKind::AlreadyExists, false),
            (429, ErrorKind::RateLimited, true),
            (500, ErrorKind::Server, false),
            (502, ErrorKind::Server, true),
            (503, ErrorKind::Server, true),
            (504, ErrorKind::Server, true),
            (418, ErrorKind::Other, false),
        ];
        for (code, kind, retryable) in cases {
            let e = Error::from_status(StatusCode::from_u16(code).unwrap(), None, None);
            assert_eq!((e.kind(), e.is_retryable()), (kind, retryable), "{code}");
            assert_eq!(e.http_status(), Some(code));
        }
    }

    #[test]
    fn field_violations_are_extracted_from_details() {
        let body: types::Error = serde_json::from_value(serde_json::json!({
            "code": "400", "status": "INVALID_ARGUMENT", "message": "bad",
            "details": [{"fieldViolations": [{"field": "phoneNumber", "description": "too short"}, {"nofield": 1}]},
                        {"@type": "other"}]
        }))
        .unwrap();
        let e = Error::from_status(
            StatusCode::BAD_REQUEST,
            Some(ApiError::from_wire(body)),
            None,
        );
        assert_eq!(
            e.field_violations(),
            &[FieldViolation {
                field: "phoneNumber".into(),
                description: "too short".into()
            }]
        );
        assert_eq!(
            e.to_string(),
            "HTTP 400: bad [INVALID_ARGUMENT]; phoneNumber: too short"
        );
    }

    #[test]
    fn an_api_error_is_kept_and_shown() {
        let body: types::Error = serde_json::from_value(serde_json::json!({
            "code": "404", "status": "NOT_FOUND", "message": "no such number"
        }))
        .unwrap();
        let e = Error::from_status(
            StatusCode::NOT_FOUND,
            Some(ApiError::from_wire(body)),
            Some(Duration::from_secs(3)),
        );
        assert!(e.is_not_found());
        let api = e.api_error().unwrap();
        assert_eq!(api.message.as_deref(), Some("no such number"));
        assert_eq!(api.code.as_deref(), Some("404"));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        assert_eq!(e.to_string(), "HTTP 404: no such number [NOT_FOUND]");
        let shown = format!("{e:?}");
        assert!(
            shown.starts_with("Error { kind: NotFound, message: \"HTTP 404: no such number\""),
            "{shown}"
        );
        let other = Error::from_status(StatusCode::CONFLICT, None, None);
        assert!(!other.is_not_found() && other.api_error().is_none());
        assert_eq!(other.to_string(), "HTTP 409: Conflict");
    }

    #[test]
    fn attempts_and_the_budget_are_told_in_the_message() {
        let e = || Error::from_status(StatusCode::SERVICE_UNAVAILABLE, None, None);
        assert_eq!(
            e().after_attempts(1).to_string(),
            "HTTP 503: Service Unavailable"
        );
        assert_eq!(
            e().after_attempts(2).to_string(),
            "HTTP 503: Service Unavailable (gave up after 2 attempts)"
        );
        assert!(!e().is_budget_exhausted());
        let spent = e().budget_exhausted();
        assert!(spent.is_budget_exhausted());
        assert!(spent.to_string().contains("retry budget exhausted"));
        assert!(spent.duplicate().is_budget_exhausted());
    }

    #[test]
    fn the_source_is_the_input_error_or_the_cause() {
        use std::error::Error as _;
        let e = Error::from(PhoneNumberError::MissingPlus);
        assert_eq!(
            e.source().map(|s| s.to_string()),
            Some(InputError::PhoneNumber(PhoneNumberError::MissingPlus).to_string())
        );
        let io = std::io::Error::other("disk on fire");
        let e = Error::new(ErrorKind::Other, "x").with_source(io);
        assert_eq!(
            e.source().map(|s| s.to_string()).as_deref(),
            Some("disk on fire")
        );
        assert!(Error::new(ErrorKind::Other, "x").source().is_none());
    }

    /// A reqwest error from a real request to `url`, with `timeout`.
    async fn reqwest_error(url: &str, timeout: Duration) -> reqwest::Error {
        crate::core::tls::http_client_builder()
            .unwrap()
            .timeout(timeout)
            .build()
            .unwrap()
            .get(url)
            .send()
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn transport_errors_say_what_failed_and_whether_it_was_sent() {
        // Nothing listens: the request was never sent, a retry is safe.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!(
            "http://{}/v1/projects/p?secret=abc",
            closed.local_addr().unwrap()
        );
        drop(closed);
        let e = Error::transport(reqwest_error(&url, Duration::from_secs(5)).await);
        assert_eq!(e.kind(), ErrorKind::Transport);
        assert!(e.is_retryable() && e.was_not_sent());
        assert!(e.to_string().starts_with("could not connect: "), "{e}");
        assert!(!e.to_string().contains("secret=abc"), "{e}");
        // A listener that never answers: sent, and timed out.
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", silent.local_addr().unwrap());
        let e = Error::transport(reqwest_error(&url, Duration::from_millis(50)).await);
        assert!(e.is_retryable() && !e.was_not_sent());
        assert!(e.to_string().starts_with("request timed out"), "{e}");
        drop(silent);
        // A body cut short: the answer came, its body could not be read.
        let cut = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nabc".to_vec();
        let url = crate::core::test_support::raw_server(cut).await;
        let client = crate::core::test_support::http_client();
        let response = client.get(&url).send().await.unwrap();
        let e = Error::transport(response.bytes().await.unwrap_err());
        assert!(!e.is_retryable());
        assert!(
            e.to_string()
                .starts_with("could not read the response body"),
            "{e}"
        );
    }

    #[test]
    fn input_errors_keep_the_reason() {
        let e = Error::from(PhoneNumberError::MissingPlus);
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        assert_eq!(
            e.input_error(),
            Some(&InputError::PhoneNumber(PhoneNumberError::MissingPlus))
        );
        assert!(!e.is_retryable());
    }
}
