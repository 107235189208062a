//! How a request gets its `Authorization` header.
//!
//! The generated [`Client`](crate::Client) carries a [`Credentials`] value as
//! its progenitor "inner type". Before each request is sent, the client asks it
//! for the current header value, so a caller can rotate OAuth2 tokens without
//! rebuilding the client.

use std::fmt;
use std::sync::Arc;

use reqwest::header::HeaderValue;

/// Supplies the `Authorization` header value for outgoing requests.
pub trait CredentialSource: Send + Sync {
    /// The header value to send now, or `None` to send the request unauthenticated.
    fn authorization(&self) -> Option<HeaderValue>;
}

/// The credentials a [`Client`](crate::Client) attaches to each request.
///
/// `Debug` never shows the secret.
#[derive(Clone, Default)]
pub struct Credentials(Option<Arc<dyn CredentialSource>>);

impl Credentials {
    /// No `Authorization` header at all.
    pub fn none() -> Self {
        Self(None)
    }

    /// Asks `source` for the header before every request.
    pub fn from_source(source: Arc<dyn CredentialSource>) -> Self {
        Self(Some(source))
    }

    /// The header value to send now, if any.
    pub fn authorization(&self) -> Option<HeaderValue> {
        self.0.as_ref().and_then(|source| source.authorization())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(_) => f.write_str("Credentials(<redacted>)"),
            None => f.write_str("Credentials(none)"),
        }
    }
}
