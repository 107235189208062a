//! Authentication: HTTP Basic, or OAuth2 client credentials with a cached,
//! proactively refreshed token.
//!
//! Both use the access key id and secret from the Sinch dashboard. The secret
//! is kept in a [`SecretString`] and never appears in `Debug` output, logs or
//! errors.
//!
//! The token cache trusts no number the token endpoint sends: a lifetime is
//! clamped to between [`MIN_TOKEN_LIFETIME`] and [`MAX_TOKEN_LIFETIME`], and
//! the refresh margin to half of it, so a huge `expires_in` cannot overflow
//! and a tiny one cannot make every call fetch a token. One fetch runs at a
//! time; callers that waited for it share its result, failure included.

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

/// The shortest lifetime a token is given, whatever `expires_in` says.
const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(1);
/// The longest lifetime a token is given (Sinch's live for an hour).
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);
/// The lifetime assumed when the token endpoint does not say.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The largest token response read; a real one is a few hundred bytes.
const MAX_TOKEN_RESPONSE_BYTES: usize = 64 * 1024;

/// How requests are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthMode {
    /// HTTP Basic with key id and secret on every request. For prototyping
    /// only: Sinch rate-limits Basic authentication heavily, so a production
    /// client should use OAuth2 (the default). Choose it explicitly with
    /// [`ClientBuilder::auth`](crate::ClientBuilder::auth) or `SINCH_AUTH=basic`.
    Basic,
    /// OAuth2 client credentials: the key id and secret are exchanged for a
    /// short-lived bearer token at `token_url`. The default, and what Sinch
    /// recommends for production.
    OAuth2 {
        /// The token endpoint (default [`DEFAULT_TOKEN_URL`]).
        token_url: String,
        /// Refresh this long before the token expires, but never more than
        /// half the token's lifetime (which is clamped to 1 s ..= 24 h).
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
    /// What no error message may quote: the secret and the Basic credential.
    pub(crate) fn secrets(&self) -> Vec<String> {
        let raw = format!("{}:{}", self.id, self.secret.expose_secret());
        vec![
            self.secret.expose_secret().to_owned(),
            base64::engine::general_purpose::STANDARD.encode(raw),
        ]
    }

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
                attempts: AtomicU64::new(0),
                refresh: tokio::sync::Mutex::new(None),
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
    /// Counts finished fetches, successful or not.
    attempts: AtomicU64,
    /// Held while fetching, so concurrent callers wait for one fetch instead
    /// of each asking for a token; holds the last fetch's error, which the
    /// callers that waited for that fetch share instead of repeating it.
    refresh: tokio::sync::Mutex<Option<Error>>,
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
    /// A number of seconds; any JSON number is accepted and clamped.
    #[serde(default)]
    expires_in: Option<serde_json::Number>,
}

/// The lifetime to give a token whose endpoint said `expires_in`.
fn lifetime(expires_in: Option<&serde_json::Number>) -> Duration {
    let Some(n) = expires_in else {
        return DEFAULT_TOKEN_LIFETIME;
    };
    let seconds = n.as_f64().filter(|s| s.is_finite()).unwrap_or(0.0);
    Duration::from_secs_f64(seconds.clamp(
        MIN_TOKEN_LIFETIME.as_secs_f64(),
        MAX_TOKEN_LIFETIME.as_secs_f64(),
    ))
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
        let attempts_before = self.attempts.load(Ordering::Acquire);
        let mut last_error = self.refresh.lock().await;
        // Another task may have refreshed while this one waited...
        if let Some(token) = self.fresh() {
            return Ok(token.generation);
        }
        // ...or tried and failed: share that failure rather than queue up
        // one more fetch per waiting caller.
        if self.attempts.load(Ordering::Acquire) != attempts_before {
            if let Some(error) = last_error.as_ref() {
                return Err(error.duplicate());
            }
        }
        let result = self.fetch().await;
        self.attempts.fetch_add(1, Ordering::Release);
        match result {
            Ok(token) => {
                *last_error = None;
                let generation = token.generation;
                *self.current.write().unwrap_or_else(|p| p.into_inner()) = Some(token);
                Ok(generation)
            }
            Err(error) => {
                *last_error = Some(error.duplicate());
                Err(error)
            }
        }
    }

    /// Fetches a token. Every error names the token endpoint and is marked as
    /// not sent (the API never saw the call), so the retry policy may retry
    /// it even for an import.
    async fn fetch(&self) -> Result<Token> {
        self.request_token().await.map_err(|e| {
            e.not_sent()
                .prefixed(&format!("OAuth2 token endpoint {}", self.token_url))
        })
    }

    async fn request_token(&self) -> Result<Token> {
        let mut response = self
            .http
            .post(&self.token_url)
            .header(AUTHORIZATION, self.key.basic_header())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(Error::transport)?;
        let status = response.status();
        let wait = crate::core::retry::retry_after(response.headers());
        let body = read_capped(&mut response, MAX_TOKEN_RESPONSE_BYTES).await?;
        if !status.is_success() {
            return Err(match status.as_u16() {
                // The endpoint refused the key: retrying cannot help.
                400 | 401 | 403 => Error::new(
                    ErrorKind::Unauthenticated,
                    format!(
                        "HTTP {}: the token endpoint refused the access key",
                        status.as_u16()
                    ),
                )
                .with_status(status),
                _ => Error::from_status(status, None, wait),
            });
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!("token response is not valid: {e}"),
            )
            .with_status(status)
        })?;
        let mut header = HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
            .map_err(|_| {
                Error::new(
                    ErrorKind::Decode,
                    "token contains characters not allowed in a header",
                )
            })?;
        header.set_sensitive(true);
        let lifetime = lifetime(parsed.expires_in.as_ref());
        let margin = self.refresh_margin.min(lifetime / 2);
        tracing::debug!(token_url = %self.token_url, lifetime_s = lifetime.as_secs(), "fetched an OAuth2 access token");
        // Both are at most a day, so this cannot overflow.
        let refresh_at = Instant::now() + (lifetime - margin);
        let generation = self.fetched.fetch_add(1, Ordering::Relaxed) + 1;
        Ok(Token {
            header,
            refresh_at,
            generation,
        })
    }
}

/// Reads a body of at most `limit` bytes; a larger one is an error, found
/// while streaming, not after buffering it.
async fn read_capped(response: &mut reqwest::Response, limit: usize) -> Result<Vec<u8>> {
    let too_large = || {
        Error::new(
            ErrorKind::Decode,
            format!("response body is larger than {limit} bytes"),
        )
    };
    if response.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(Error::transport)? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::test_support::{http_client, raw_server};

    #[test]
    fn debug_never_shows_the_secret() {
        for mode in [AuthMode::Basic, AuthMode::oauth2()] {
            let auth = Authenticator::new(&mode, key(), http_client());
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
    fn lifetimes_are_clamped_whatever_the_server_says() {
        let n = |v: serde_json::Value| serde_json::from_value::<serde_json::Number>(v).unwrap();
        assert_eq!(lifetime(None), DEFAULT_TOKEN_LIFETIME);
        assert_eq!(
            lifetime(Some(&n(serde_json::json!(3599)))),
            Duration::from_secs(3599)
        );
        assert_eq!(lifetime(Some(&n(serde_json::json!(0)))), MIN_TOKEN_LIFETIME);
        assert_eq!(
            lifetime(Some(&n(serde_json::json!(-5)))),
            MIN_TOKEN_LIFETIME
        );
        assert_eq!(
            lifetime(Some(&n(serde_json::json!(0.25)))),
            MIN_TOKEN_LIFETIME
        );
        assert_eq!(
            lifetime(Some(&n(serde_json::json!(10000000000000000000u64)))),
            MAX_TOKEN_LIFETIME
        );
        assert_eq!(
            lifetime(Some(&n(serde_json::json!(1e300)))),
            MAX_TOKEN_LIFETIME
        );
        // The bounds themselves: an hour by default, one second to one day.
        assert_eq!(DEFAULT_TOKEN_LIFETIME, Duration::from_secs(3600));
        assert_eq!(MIN_TOKEN_LIFETIME, Duration::from_secs(1));
        assert_eq!(MAX_TOKEN_LIFETIME, Duration::from_secs(86_400));
    }

    fn key() -> AccessKey {
        AccessKey {
            id: "key-id".into(),
            secret: SecretString::from("s3cr3t-value"),
        }
    }

    fn oauth2(token_url: String, refresh_margin: Duration) -> Arc<Authenticator> {
        let mode = AuthMode::OAuth2 {
            token_url,
            refresh_margin,
        };
        Authenticator::new(&mode, key(), http_client())
    }

    /// A token response of exactly `size` bytes (JSON padded with spaces).
    fn token_body(size: usize) -> Vec<u8> {
        let mut body = br#"{"access_token":"t","expires_in":3600}"#.to_vec();
        body.resize(size, b' ');
        body
    }

    #[tokio::test]
    async fn token_responses_are_capped_at_64_kib_exactly() {
        for (size, ok) in [(65_536, true), (65_537, false)] {
            let body = token_body(size);
            let mut sized = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {size}\r\nconnection: close\r\n\r\n"
            )
            .into_bytes();
            sized.extend_from_slice(&body);
            // Chunked, so only the bytes read can tell the size: two chunks.
            let mut chunked = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n".to_vec();
            for part in body.chunks(40_000) {
                chunked.extend_from_slice(format!("{:x}\r\n", part.len()).as_bytes());
                chunked.extend_from_slice(part);
                chunked.extend_from_slice(b"\r\n");
            }
            chunked.extend_from_slice(b"0\r\n\r\n");
            for (how, response) in [("content-length", sized), ("chunked", chunked)] {
                let token_url = format!("{}/token", raw_server(response).await);
                let auth = oauth2(token_url, Duration::from_secs(60));
                let got = auth.ensure_fresh().await;
                match ok {
                    true => assert_eq!(got.unwrap(), 1, "{how} {size}"),
                    false => {
                        let e = got.unwrap_err();
                        assert_eq!(e.kind(), ErrorKind::Decode, "{how} {size}");
                        assert!(
                            e.to_string()
                                .ends_with("response body is larger than 65536 bytes"),
                            "{how}: {e}"
                        );
                    }
                }
            }
        }
    }

    #[tokio::test]
    async fn a_token_is_reused_until_its_refresh_time_then_fetched_again() {
        use httpmock::prelude::*;
        let server = MockServer::start_async().await;
        let endpoint = server
            .mock_async(|when, then| {
                when.method(POST).path("/token");
                then.status(200)
                    .json_body(serde_json::json!({"access_token": "t1", "expires_in": 2}));
            })
            .await;
        // A 2 s token with a 60 s margin: the margin is cut to half, 1 s.
        let auth = oauth2(server.url("/token"), Duration::from_secs(60));
        assert_eq!(auth.authorization(), None, "nothing fetched yet");
        assert_eq!(auth.ensure_fresh().await.unwrap(), 1);
        assert_eq!(auth.ensure_fresh().await.unwrap(), 1);
        assert_eq!(endpoint.calls_async().await, 1, "still fresh");
        assert_eq!(auth.authorization().unwrap(), "Bearer t1");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        assert_eq!(auth.ensure_fresh().await.unwrap(), 2, "refreshed after 1 s");
        assert_eq!(endpoint.calls_async().await, 2);

        // A 401 for an old token keeps the newer one; for the current one,
        // forgets it.
        assert!(auth.invalidate(1));
        assert!(auth.authorization().is_some());
        assert!(auth.invalidate(2));
        assert_eq!(auth.authorization(), None);
        assert_eq!(auth.ensure_fresh().await.unwrap(), 3);

        // Basic: nothing to fetch, and a 401 cannot be cured by retrying.
        let basic = Authenticator::new(&AuthMode::Basic, key(), http_client());
        assert_eq!(basic.ensure_fresh().await.unwrap(), 0);
        assert!(!basic.invalidate(0));
        assert_eq!(basic.authorization(), Some(key().basic_header()));
    }

    #[tokio::test]
    async fn the_token_endpoint_refusing_the_key_is_unauthenticated() {
        use httpmock::prelude::*;
        for (status, kind) in [
            (400, ErrorKind::Unauthenticated),
            (401, ErrorKind::Unauthenticated),
            (403, ErrorKind::Unauthenticated),
            (503, ErrorKind::Server),
        ] {
            let server = MockServer::start_async().await;
            server
                .mock_async(|when, then| {
                    when.method(POST).path("/token");
                    then.status(status).header("retry-after", "7").body("{}");
                })
                .await;
            let url = server.url("/token");
            let e = oauth2(url.clone(), Duration::from_secs(60))
                .ensure_fresh()
                .await
                .unwrap_err();
            assert_eq!((e.kind(), e.http_status()), (kind, Some(status)));
            assert!(e.was_not_sent(), "the API never saw the call");
            assert!(
                e.to_string()
                    .starts_with(&format!("OAuth2 token endpoint {url}: HTTP {status}")),
                "{e}"
            );
            let retry_after = (status == 503).then_some(Duration::from_secs(7));
            assert_eq!(e.retry_after(), retry_after);
        }
    }

    #[tokio::test]
    async fn callers_waiting_for_one_fetch_share_it_and_its_failure() {
        use httpmock::prelude::*;
        let server = MockServer::start_async().await;
        let failing = server
            .mock_async(|when, then| {
                when.method(POST).path("/token");
                then.status(500).delay(Duration::from_millis(200));
            })
            .await;
        let auth = oauth2(server.url("/token"), Duration::from_secs(60));
        let waits = (0..5).map(|_| auth.ensure_fresh());
        let results = futures::future::join_all(waits).await;
        assert!(results.iter().all(|r| r.is_err()));
        assert_eq!(failing.calls_async().await, 1, "one fetch for five callers");
        // A later caller tries again.
        assert!(auth.ensure_fresh().await.is_err());
        assert_eq!(failing.calls_async().await, 2);
    }

    #[test]
    fn debug_says_what_it_is_without_the_secret() {
        let auth = oauth2("http://127.0.0.1:9/token".into(), Duration::from_secs(60));
        assert_eq!(
            format!("{auth:?}"),
            "OAuth2(TokenCache { token_url: \"http://127.0.0.1:9/token\", key: AccessKey { id: \"key-id\", secret: \"<redacted>\" }, has_token: false })"
        );
        let basic = Authenticator::new(&AuthMode::Basic, key(), http_client());
        assert_eq!(format!("{basic:?}"), "Basic(BasicAuth(<redacted>))");
        // What error messages are scrubbed of: the secret and the Basic credential.
        assert_eq!(
            key().secrets(),
            [
                "s3cr3t-value".to_owned(),
                base64::engine::general_purpose::STANDARD.encode("key-id:s3cr3t-value")
            ]
        );
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
