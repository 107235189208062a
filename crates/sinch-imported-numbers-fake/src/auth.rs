//! Authentication: Basic with the configured key, or a bearer token issued
//! by the fake's own OAuth2 token endpoint (`POST /oauth2/token`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::problem::Problem;

/// The key the fake accepts, and the tokens it has issued.
pub(crate) struct Auth {
    key_id: String,
    key_secret: String,
    token_ttl: Duration,
    tokens: std::sync::Mutex<HashMap<String, Instant>>,
}

impl Auth {
    pub(crate) fn new(key_id: String, key_secret: String, token_ttl: Duration) -> Self {
        Auth {
            key_id,
            key_secret,
            token_ttl,
            tokens: Default::default(),
        }
    }

    fn basic_ok(&self, header: &str) -> bool {
        let Some(encoded) = header.strip_prefix("Basic ") else {
            return false;
        };
        let Ok(decoded) = STANDARD.decode(encoded.trim()) else {
            return false;
        };
        let Ok(text) = String::from_utf8(decoded) else {
            return false;
        };
        text.split_once(':')
            .is_some_and(|(id, secret)| id == self.key_id && secret == self.key_secret)
    }

    /// Accepts Basic with the right key or an unexpired issued token.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), Problem> {
        let Some(header) = headers.get("authorization").and_then(|h| h.to_str().ok()) else {
            return Err(Problem::unauthenticated("missing Authorization header"));
        };
        if let Some(token) = header.strip_prefix("Bearer ") {
            let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
            return match tokens.get(token) {
                Some(expiry) if Instant::now() < *expiry => Ok(()),
                Some(_) => Err(Problem::unauthenticated("access token expired")),
                None => Err(Problem::unauthenticated("unknown access token")),
            };
        }
        if self.basic_ok(header) {
            Ok(())
        } else {
            Err(Problem::unauthenticated("invalid key id or secret"))
        }
    }

    /// Issues a token for the client-credentials grant.
    pub(crate) fn issue_token(
        &self,
        headers: &HeaderMap,
        body: &str,
    ) -> Result<serde_json::Value, Problem> {
        let header = headers
            .get("authorization")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        if !self.basic_ok(header) {
            return Err(Problem::unauthenticated("invalid client credentials"));
        }
        let grant: Vec<(String, String)> = serde_urlencoded::from_str(body).unwrap_or_default();
        if !grant
            .iter()
            .any(|(k, v)| k == "grant_type" && v == "client_credentials")
        {
            return Err(Problem::invalid("grant_type must be client_credentials"));
        }
        let token: String = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        tokens.retain(|_, expiry| *expiry > now);
        tokens.insert(token.clone(), now + self.token_ttl);
        Ok(serde_json::json!({
            "access_token": token,
            "expires_in": self.token_ttl.as_secs(),
            "token_type": "bearer",
            "scope": "",
        }))
    }

    /// Revokes every issued token, as if they had all expired.
    pub(crate) fn revoke_all(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}
