//! Authentication: HTTP Basic, or OAuth2 client credentials with a cached,
//! proactively refreshed token.
//!
//! Both use the access key id and secret from the Sinch dashboard. The secret
//! is kept in a [`SecretString`] and never appears in `Debug` output, logs or
//! errors.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sinch_imported_numbers_api::CredentialSource;

use crate::error::{Error, ErrorKind, Result};

/// Sinch's OAuth2 token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://auth.sinch.com/oauth2/token";

/// How requests are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// HTTP Basic with key id and secret on every request. Simple; Sinch
    /// recommends it for testing.
    Basic,
    /// OAuth2 client credentials: the key id and secret are exchanged for a
    /// short-lived bearer token at `token_url`. Recommended for production.
    OAuth2 {
        /// The token endpoint (default [`DEFAULT_TOKEN_URL`]).
        token_url: String,
        /// Refresh this long before the token expires.
        refresh_margin: Duration,
    },
}

impl AuthMode {
    /// OAuth2 against Sinch's token endpoint, refreshing 60 s before expiry.
    pub fn oauth2() -> Self {
        AuthMode::OAuth2 {
            token_url: DEFAULT_TOKEN_URL.to_owned(),
            refresh_margin: Duration::from_secs(60),
        }
    }
}

/// The access key: id and secret.
#[derive(Clone)]
pub(crate) struct AccessKey {
    pub(crate) id: String,
    pub(crate) secret: SecretString,
}

impl AccessKey {
    fn basic_header(&self) -> HeaderValue {
        let raw = format!("{}:{}", self.id, self.secret.expose_secret());
        let mut value = HeaderValue::from_str(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        ))
        .expect("base64 text is a valid header value");
        value.set_sensitive(true);
        value
    }
}

impl fmt::Debug for AccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Produces the `Authorization` header for the generated client.
#[derive(Debug)]
pub(crate) enum Authenticator {
    Basic(BasicAuth),
    OAuth2(TokenCache),
}

pub(crate) struct BasicAuth(HeaderValue);

impl fmt::Debug for BasicAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BasicAuth(<redacted>)")
    }
}

impl Authenticator {
    pub(crate) fn new(mode: &AuthMode, key: AccessKey, http: reqwest::Client) -> Arc<Self> {
        Arc::new(match mode {
            AuthMode::Basic => Authenticator::Basic(BasicAuth(key.basic_header())),
            AuthMode::OAuth2 {
                token_url,
                refresh_margin,
            } => Authenticator::OAuth2(TokenCache {
                token_url: token_url.clone(),
                refresh_margin: *refresh_margin,
                key,
                http,
                current: RwLock::new(None),
                fetched: AtomicU64::new(0),
                refresh: tokio::sync::Mutex::new(()),
            }),
        })
    }

    /// Makes sure a usable token is cached (no-op for Basic). Returns the
    /// generation of the token requests will carry, for [`invalidate`](Self::invalidate).
    pub(crate) async fn ensure_fresh(&self) -> Result<u64> {
        match self {
            Authenticator::Basic(_) => Ok(0),
            Authenticator::OAuth2(cache) => cache.ensure_fresh().await,
        }
    }

    /// After a 401 for a request sent with token `generation`: forget that
    /// token so the next attempt fetches a new one. A newer token that another
    /// task already fetched is kept, so concurrent 401s cause one refresh.
    /// Returns whether retrying can help (false for Basic: the key is wrong).
    pub(crate) fn invalidate(&self, generation: u64) -> bool {
        match self {
            Authenticator::Basic(_) => false,
            Authenticator::OAuth2(cache) => {
                let mut current = cache.current.write().unwrap_or_else(|p| p.into_inner());
                if current.as_ref().is_some_and(|t| t.generation == generation) {
                    *current = None;
                }
                true
            }
        }
    }
}

impl CredentialSource for Authenticator {
    fn authorization(&self) -> Option<HeaderValue> {
        match self {
            Authenticator::Basic(BasicAuth(value)) => Some(value.clone()),
            Authenticator::OAuth2(cache) => cache.current().map(|t| t.header),
        }
    }
}

#[derive(Clone)]
struct Token {
    header: HeaderValue,
    refresh_at: Instant,
    /// Counts fetched tokens, to tell a stale token from a fresh one.
    generation: u64,
}

/// The OAuth2 token, shared by all clones of a client.
pub(crate) struct TokenCache {
    token_url: String,
    refresh_margin: Duration,
    key: AccessKey,
    http: reqwest::Client,
    current: RwLock<Option<Token>>,
    fetched: AtomicU64,
    /// Held while fetching, so concurrent callers wait for one refresh
    /// instead of each asking for a token.
    refresh: tokio::sync::Mutex<()>,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("token_url", &self.token_url)
            .field("key", &self.key)
            .field("has_token", &self.current().is_some())
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl TokenCache {
    fn current(&self) -> Option<Token> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn fresh(&self) -> Option<Token> {
        self.current().filter(|t| Instant::now() < t.refresh_at)
    }

    async fn ensure_fresh(&self) -> Result<u64> {
        if let Some(token) = self.fresh() {
            return Ok(token.generation);
        }
        let _guard = self.refresh.lock().await;
        // Another task may have refreshed while this one waited.
        if let Some(token) = self.fresh() {
            return Ok(token.generation);
        }
        let token = self.fetch().await?;
        let generation = token.generation;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(token);
        Ok(generation)
    }

    async fn fetch(&self) -> Result<Token> {
        let fail = |what: String| {
            Error::new(
                ErrorKind::Unauthenticated,
                format!("OAuth2 token request to {} failed: {what}", self.token_url),
            )
        };
        let response = self
            .http
            .post(&self.token_url)
            .header(AUTHORIZATION, self.key.basic_header())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|e| {
                let transport = Error::transport(e);
                fail(transport.to_string()).with_source(transport)
            })?;
        let status = response.status();
        let body = response
            .bytes()
            .await
            .map_err(|e| fail(Error::transport(e).to_string()))?;
        if !status.is_success() {
            let mut e = fail(format!("HTTP {}", status.as_u16()));
            if status.is_server_error() || status.as_u16() == 429 {
                e = Error::from_status(status, None, None);
            }
            return Err(e);
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("OAuth2 token response is not valid: {e}"),
            )
        })?;
        let mut header = HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
            .map_err(|_| {
                Error::new(
                    ErrorKind::Decode,
                    "OAuth2 token contains characters not allowed in a header",
                )
            })?;
        header.set_sensitive(true);
        // Sinch tokens live for an hour; assume so if the server does not say.
        let lifetime = Duration::from_secs(parsed.expires_in.unwrap_or(3600));
        tracing::debug!(token_url = %self.token_url, lifetime_s = lifetime.as_secs(), "fetched an OAuth2 access token");
        let refresh_at = Instant::now() + lifetime.saturating_sub(self.refresh_margin);
        let generation = self.fetched.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(Token {
            header,
            refresh_at,
            generation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let key = AccessKey {
            id: "key-id".into(),
            secret: SecretString::from("s3cr3t-value"),
        };
        let http = reqwest::Client::new();
        for mode in [AuthMode::Basic, AuthMode::oauth2()] {
            let auth = Authenticator::new(&mode, key.clone(), http.clone());
            let text = format!("{auth:?}");
            assert!(!text.contains("s3cr3t"), "{text}");
            assert!(
                !text.contains(
                    &base64::engine::general_purpose::STANDARD.encode("key-id:s3cr3t-value")
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn basic_header_is_standard() {
        let key = AccessKey {
            id: "Aladdin".into(),
            secret: SecretString::from("open sesame"),
        };
        assert_eq!(key.basic_header(), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert!(key.basic_header().is_sensitive());
    }
}
