//! Authentication: Basic with a configured key, or a bearer token issued by
//! the fake's own OAuth2 token endpoint (`POST /oauth2/token`).
//!
//! A key may be limited to one project ([`FakeServerBuilder::project_key`](crate::FakeServerBuilder::project_key));
//! a token carries the scope of the key that obtained it, so it works exactly
//! where that key does. Scheme names are case-insensitive (RFC 9110). At most
//! [`MAX_TOKENS`] tokens are live at once: issuing more drops the expired
//! ones, then those closest to expiry.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::problem::Problem;

/// The most tokens the fake keeps.
pub(crate) const MAX_TOKENS: usize = 10_000;

/// One accepted key.
#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub id: String,
    pub secret: String,
    /// The only project it may use, or `None` for all.
    pub project: Option<String>,
}

struct Issued {
    key_id: String,
    expiry: Instant,
}

/// The keys the fake accepts, and the tokens it has issued.
pub(crate) struct Auth {
    keys: Vec<Key>,
    token_ttl: Duration,
    tokens: std::sync::Mutex<HashMap<String, Issued>>,
}

/// `value` without its scheme, when the scheme is `scheme` (any case).
fn strip_scheme<'a>(value: &'a str, scheme: &str) -> Option<&'a str> {
    let (name, rest) = value.split_once(' ')?;
    name.eq_ignore_ascii_case(scheme).then(|| rest.trim())
}

impl Auth {
    pub(crate) fn new(keys: Vec<Key>, token_ttl: Duration) -> Self {
        Auth {
            keys,
            token_ttl,
            tokens: Default::default(),
        }
    }

    /// The key a Basic header names, if its secret is right.
    fn basic_key(&self, header: &str) -> Option<&Key> {
        let decoded = STANDARD.decode(strip_scheme(header, "basic")?).ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        self.keys.iter().find(|k| k.id == id && k.secret == secret)
    }

    fn key(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.id == id)
    }

    /// Accepts Basic with a right key or an unexpired issued token, when
    /// the key may use `project` (all projects when `None`).
    pub(crate) fn check(&self, headers: &HeaderMap, project: Option<&str>) -> Result<(), Problem> {
        let Some(header) = headers.get("authorization").and_then(|h| h.to_str().ok()) else {
            return Err(Problem::unauthenticated("missing Authorization header"));
        };
        let key = if let Some(token) = strip_scheme(header, "bearer") {
            let tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
            match tokens.get(token) {
                Some(issued) if Instant::now() < issued.expiry => self
                    .key(&issued.key_id)
                    .ok_or_else(|| Problem::unauthenticated("the token's key was removed"))?
                    .clone(),
                Some(_) => return Err(Problem::unauthenticated("access token expired")),
                None => return Err(Problem::unauthenticated("unknown access token")),
            }
        } else {
            self.basic_key(header)
                .ok_or_else(|| Problem::unauthenticated("invalid key id or secret"))?
                .clone()
        };
        match (&key.project, project) {
            (Some(allowed), Some(wanted)) if allowed != wanted => Err(Problem::new(
                StatusCode::FORBIDDEN,
                "PERMISSION_DENIED",
                format!("key {} may not use project {wanted}", key.id),
            )),
            _ => Ok(()),
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
        let Some(key) = self.basic_key(header) else {
            return Err(Problem::unauthenticated("invalid client credentials"));
        };
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
        tokens.retain(|_, issued| issued.expiry > now);
        while tokens.len() >= MAX_TOKENS {
            let soonest = tokens
                .iter()
                .min_by_key(|(_, issued)| issued.expiry)
                .map(|(t, _)| t.clone());
            match soonest {
                Some(t) => tokens.remove(&t),
                None => break,
            };
        }
        tokens.insert(
            token.clone(),
            Issued {
                key_id: key.id.clone(),
                expiry: now + self.token_ttl,
            },
        );
        Ok(serde_json::json!({
            "access_token": token,
            "expires_in": self.token_ttl.as_secs(),
            "token_type": "bearer",
            "scope": "",
        }))
    }

    /// How many tokens are live.
    pub(crate) fn token_count(&self) -> usize {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Revokes every issued token, as if they had all expired.
    pub(crate) fn revoke_all(&self) {
        self.tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth() -> Auth {
        Auth::new(
            vec![
                Key {
                    id: "all".into(),
                    secret: "s".into(),
                    project: None,
                },
                Key {
                    id: "one".into(),
                    secret: "t".into(),
                    project: Some("p1".into()),
                },
            ],
            Duration::from_secs(60),
        )
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("authorization", value.parse().unwrap());
        h
    }

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    #[test]
    fn schemes_are_case_insensitive() {
        let a = auth();
        let lower = basic("all", "s").replacen("Basic", "basic", 1);
        assert!(a.check(&headers(&lower), Some("p")).is_ok());
        let upper = basic("all", "s").replacen("Basic", "BASIC", 1);
        assert!(a.check(&headers(&upper), Some("p")).is_ok());
    }

    #[test]
    fn tokens_carry_the_scope_of_their_key() {
        let a = auth();
        let token = a
            .issue_token(
                &headers(&basic("one", "t")),
                "grant_type=client_credentials",
            )
            .unwrap()["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let bearer = headers(&format!("bearer {token}"));
        assert!(a.check(&bearer, Some("p1")).is_ok());
        let denied = a.check(&bearer, Some("p2")).unwrap_err();
        assert_eq!(denied.http, StatusCode::FORBIDDEN);
        assert!(a.check(&headers(&basic("one", "t")), Some("p2")).is_err());
        assert!(a.check(&headers(&basic("all", "s")), Some("p2")).is_ok());
    }

    #[test]
    fn issued_tokens_are_capped() {
        let a = auth();
        for _ in 0..MAX_TOKENS + 5 {
            a.issue_token(
                &headers(&basic("all", "s")),
                "grant_type=client_credentials",
            )
            .unwrap();
        }
        assert_eq!(a.token_count(), MAX_TOKENS);
    }
}
