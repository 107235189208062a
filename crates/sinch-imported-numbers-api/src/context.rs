//! What the generated client carries to its hooks: credentials, the largest
//! response body it will read, and the secrets no error message may quote.

use std::fmt;
use std::sync::Arc;

use crate::Credentials;

/// The default cap on a response body: far above any real page (a page of
/// 1,000 numbers is about 1.5 MB), far below what would hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// The generated [`Client`](crate::Client)'s progenitor "inner type".
///
/// `Debug` never shows the credentials or the secrets.
#[derive(Clone)]
pub struct Context {
    credentials: Credentials,
    max_response_bytes: usize,
    secrets: Arc<[String]>,
}

impl Context {
    /// Sends `credentials`, with the default response cap and no extra secrets.
    pub fn new(credentials: Credentials) -> Self {
        Context {
            credentials,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            secrets: Arc::from([]),
        }
    }

    /// The largest response body, success or error, that is read. A larger
    /// one fails the call while it streams, without being buffered.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Text that must never be quoted from a response body in an error
    /// message (e.g. the key secret); see [`redact`](crate::redact).
    pub fn secrets(mut self, secrets: impl IntoIterator<Item = String>) -> Self {
        self.secrets = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        self
    }

    /// The credentials to send.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The response cap, in bytes.
    pub fn response_limit(&self) -> usize {
        self.max_response_bytes
    }

    /// `text` with credentials and the configured secrets removed.
    pub fn redact(&self, text: &str) -> String {
        crate::redact::redact(text, &self.secrets)
    }
}

impl Default for Context {
    fn default() -> Self {
        Context::new(Credentials::none())
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("credentials", &self.credentials)
            .field("max_response_bytes", &self.max_response_bytes)
            .field(
                "secrets",
                &format_args!("<{} redacted>", self.secrets.len()),
            )
            .finish()
    }
}
