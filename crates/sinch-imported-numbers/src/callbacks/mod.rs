//! Receiving the callbacks Sinch sends to a number's `callbackUrl`, from
//! any HTTP framework.
//!
//! Each provisioning event (SMS provisioning, 10DLC campaign link, ...) is a
//! JSON `POST` whose `X-Sinch-Signature` header is the lowercase hex
//! HMAC-SHA1 of the **raw body**, keyed with the project's callback secret
//! ([`Client::callback_secret`](crate::Client::callback_secret)). [`verify`]
//! checks that signature in constant time *before* anything is parsed, then
//! returns a typed [`Event`].
//!
//! Delivery is at least once, retried, in no guaranteed order, and nothing
//! in the signature prevents a replay: answer 200 quickly, skip `event_id`s
//! already handled, and re-read the number for its current state rather than
//! trusting the order of events. Sinch sends callbacks from 54.76.19.159,
//! 54.78.194.39 and 54.155.83.128 ([`SOURCE_IPS`]) if you also allow-list.
//!
//! ```
//! use sinch_imported_numbers::callbacks::{self, CallbackSecret};
//!
//! let secret = CallbackSecret::new("my-callback-secret")?;
//! let body = br#"{"eventId":"e1","resourceId":"+12065550134","eventType":"LINK_TO_10DLC_CAMPAIGN","status":"SUCCEEDED"}"#;
//! let signature = callbacks::sign(&secret, body); // what Sinch sends
//! let event = callbacks::verify(&secret, body, Some(&signature))?;
//! assert!(event.succeeded());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub(crate) mod configuration;

use std::fmt;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;
use sinch_imported_numbers_api::types;

use crate::error::{InputError, Setting};
use crate::types::{
    CallbackEventType, CallbackFailureCode, CallbackResourceType, CallbackStatus, Timestamp,
};
use crate::PhoneNumber;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Sinch-Signature";

/// The addresses Sinch sends callbacks from, per the vendor.
pub const SOURCE_IPS: [&str; 3] = ["54.76.19.159", "54.78.194.39", "54.155.83.128"];

/// The largest body [`verify`] accepts; a real event is well under 1 KiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest secret [`CallbackSecret::new`] accepts.
const MAX_SECRET_BYTES: usize = 1024;

type HmacSha1 = Hmac<Sha1>;

/// A project's callback secret. Never shown by `Debug` or `Display`.
#[derive(Clone)]
pub struct CallbackSecret(SecretString);

impl CallbackSecret {
    /// A secret to set with [`Client::set_callback_secret`](crate::Client::set_callback_secret):
    /// not empty, at most 1024 bytes, no whitespace or control characters
    /// at either end or control characters anywhere.
    pub fn new(secret: impl Into<String>) -> Result<Self, InputError> {
        let secret = secret.into();
        let invalid = |why: &str| InputError::invalid(Setting::CallbackSecret, why);
        if secret.is_empty() {
            return Err(InputError::Missing(Setting::CallbackSecret));
        }
        if secret.len() > MAX_SECRET_BYTES {
            return Err(invalid("is longer than 1024 bytes"));
        }
        if secret.chars().any(char::is_control) {
            return Err(invalid("contains control characters"));
        }
        if secret.trim() != secret {
            return Err(invalid("starts or ends with whitespace"));
        }
        Ok(CallbackSecret(SecretString::from(secret)))
    }

    /// A secret as the server stored it, taken as is.
    pub(crate) fn from_server(secret: String) -> Self {
        CallbackSecret(SecretString::from(secret))
    }

    /// The secret itself, for storing it (say, in your secret manager).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    fn mac(&self) -> HmacSha1 {
        // HMAC takes a key of any length.
        HmacSha1::new_from_slice(self.0.expose_secret().as_bytes())
            .expect("HMAC accepts keys of any length")
    }
}

impl fmt::Debug for CallbackSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackSecret(<redacted>)")
    }
}

/// Why a callback was rejected. Nothing in the body was read unless the
/// error is [`InvalidPayload`](Self::InvalidPayload).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body is larger than the verifier accepts (not hashed, not parsed).
    #[error("callback body of {size} bytes is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// The body's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is empty.
    #[error("callback body is empty")]
    EmptyBody,
    /// No `X-Sinch-Signature` header.
    #[error("callback has no X-Sinch-Signature header")]
    MissingSignature,
    /// The header is not 40 hexadecimal digits.
    #[error("X-Sinch-Signature is not a hex HMAC-SHA1 (40 hexadecimal digits)")]
    MalformedSignature,
    /// The signature does not match the body and secret: a forged or
    /// altered body, or the wrong secret.
    #[error("X-Sinch-Signature does not match the body (wrong secret, or the body was altered)")]
    BadSignature,
    /// Signed correctly, but not a callback payload (a JSON object).
    #[error("callback body is signed but is not a callback payload: {0}")]
    InvalidPayload(String),
}

/// Checks callbacks against one secret, with a body-size limit.
#[derive(Clone, Debug)]
pub struct Verifier {
    secret: CallbackSecret,
    max_body_bytes: usize,
}

impl Verifier {
    /// Verifies with `secret` and the default body limit ([`DEFAULT_MAX_BODY_BYTES`]).
    pub fn new(secret: CallbackSecret) -> Self {
        Verifier {
            secret,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// The largest body accepted.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Checks the size, then the signature (constant time), and only then
    /// parses the body. `signature` is the `X-Sinch-Signature` header value:
    /// 40 hex digits in either case (Sinch sends lowercase), with surrounding
    /// whitespace ignored; anything else is
    /// [`CallbackError::MalformedSignature`].
    pub fn verify(&self, body: &[u8], signature: Option<&str>) -> Result<Event, CallbackError> {
        if body.len() > self.max_body_bytes {
            return Err(CallbackError::BodyTooLarge {
                size: body.len(),
                limit: self.max_body_bytes,
            });
        }
        if body.is_empty() {
            return Err(CallbackError::EmptyBody);
        }
        let signature = signature.ok_or(CallbackError::MissingSignature)?;
        let expected = decode_hex(signature.trim()).ok_or(CallbackError::MalformedSignature)?;
        let mut mac = self.secret.mac();
        mac.update(body);
        mac.verify_slice(&expected)
            .map_err(|_| CallbackError::BadSignature)?;
        Event::parse(body)
    }
}

/// [`Verifier::verify`] with the default body limit: the signature is 40
/// hex digits in either case, surrounding whitespace ignored.
pub fn verify(
    secret: &CallbackSecret,
    body: &[u8],
    signature: Option<&str>,
) -> Result<Event, CallbackError> {
    Verifier::new(secret.clone()).verify(body, signature)
}

/// The signature Sinch sends for `body`: lowercase hex HMAC-SHA1. For tests
/// and local tools (the fake server signs with it too).
pub fn sign(secret: &CallbackSecret, body: &[u8]) -> String {
    let mut mac = secret.mac();
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 40 hex digits (either case) as 20 bytes.
fn decode_hex(text: &str) -> Option<[u8; 20]> {
    let digits = text.as_bytes();
    if digits.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        *byte = (hi * 16 + lo) as u8;
    }
    Some(out)
}

/// What a callback event is about.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Subject {
    /// An imported number (`IMPORTED_NUMBER`).
    ImportedNumber(PhoneNumber),
    /// A number being handled inside a hosting order (`HOSTING_ORDER_NUMBER`).
    HostingOrderNumber(PhoneNumber),
    /// A resource type this SDK does not know, or a resource id that is not
    /// a phone number: see [`Event::resource_type`] and [`Event::resource_id`].
    Other,
}

/// One verified callback event.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Event {
    raw: types::CallbackPayload,
}

impl Event {
    fn parse(body: &[u8]) -> Result<Event, CallbackError> {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| CallbackError::InvalidPayload(e.to_string()))?;
        if !value.is_object() {
            return Err(CallbackError::InvalidPayload("not a JSON object".into()));
        }
        let raw = serde_json::from_value(value)
            .map_err(|e| CallbackError::InvalidPayload(e.to_string()))?;
        Ok(Event { raw })
    }

    /// The event's id; a redelivery repeats it, so it is the key to skip
    /// events already handled.
    pub fn event_id(&self) -> Option<&str> {
        self.raw.event_id.as_deref().filter(|t| !t.is_empty())
    }

    /// When the event happened (kept as sent; read leniently).
    pub fn timestamp(&self) -> Option<&Timestamp> {
        self.raw.timestamp.as_ref()
    }

    /// The project.
    pub fn project_id(&self) -> Option<&str> {
        self.raw.project_id.as_deref().filter(|t| !t.is_empty())
    }

    /// What the event is about, as sent (a phone number for imported numbers).
    pub fn resource_id(&self) -> Option<&str> {
        self.raw.resource_id.as_deref().filter(|t| !t.is_empty())
    }

    /// The resource as a phone number, when it is one.
    pub fn phone_number(&self) -> Option<PhoneNumber> {
        PhoneNumber::from_server(self.resource_id()?).ok()
    }

    /// The kind of resource.
    pub fn resource_type(&self) -> Option<&CallbackResourceType> {
        self.raw.resource_type.as_ref()
    }

    /// What the event is about, typed: an imported number, or a number
    /// inside a hosting order (the event then has no order id; find the
    /// order from the number).
    pub fn subject(&self) -> Subject {
        let number = self.phone_number();
        match (self.resource_type(), number) {
            (Some(CallbackResourceType::ImportedNumber), Some(n)) => Subject::ImportedNumber(n),
            (Some(CallbackResourceType::HostingOrderNumber), Some(n)) => {
                Subject::HostingOrderNumber(n)
            }
            _ => Subject::Other,
        }
    }

    /// Whether the event reports the end of a hosting-order number's
    /// hosting (`HOSTING_PROCESS`), successful or not; the other events
    /// report one step (`OSR_UPDATE`, `PROVISIONING_TO_SMS_PLATFORM`, ...).
    pub fn ends_hosting(&self) -> bool {
        self.raw.event_type == Some(CallbackEventType::HostingProcess)
    }

    /// What happened.
    pub fn event_type(&self) -> Option<&CallbackEventType> {
        self.raw.event_type.as_ref()
    }

    /// Whether it succeeded.
    pub fn status(&self) -> Option<&CallbackStatus> {
        self.raw.status.as_ref()
    }

    /// Shorthand for `status() == Some(&CallbackStatus::Succeeded)`.
    pub fn succeeded(&self) -> bool {
        self.raw.status == Some(CallbackStatus::Succeeded)
    }

    /// Why it failed (`None` when it did not, or the server sent `null`).
    pub fn failure_code(&self) -> Option<&CallbackFailureCode> {
        self.raw.failure_code.as_ref()
    }

    /// The more specific code the live service adds to some failures.
    pub fn internal_failure_code(&self) -> Option<&str> {
        self.raw
            .internal_failure_code
            .as_deref()
            .filter(|t| !t.is_empty())
    }

    /// The payload as decoded. An escape hatch: the generated type is not
    /// covered by this crate's semver guarantees.
    pub fn raw(&self) -> &types::CallbackPayload {
        &self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> CallbackSecret {
        CallbackSecret::new(s).unwrap()
    }

    #[test]
    fn known_hmac_sha1_vectors() {
        // RFC 2202 test case 2, and the well-known "quick brown fox" vector.
        assert_eq!(
            sign(&secret("Jefe"), b"what do ya want for nothing?"),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        assert_eq!(
            sign(
                &secret("key"),
                b"The quick brown fox jumps over the lazy dog"
            ),
            "de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9"
        );
    }

    #[test]
    fn rejections_are_distinct_and_checked_before_parsing() {
        let s = secret("k");
        let body = br#"{"eventId":"e"}"#;
        let good = sign(&s, body);
        assert!(verify(&s, body, Some(&good)).is_ok());
        assert!(
            verify(&s, body, Some(&good.to_uppercase())).is_ok(),
            "hex in either case"
        );
        assert_eq!(verify(&s, body, None), Err(CallbackError::MissingSignature));
        for garbage in [
            "",
            "sha1=",
            "zz",
            &good[..39],
            &format!("{good}00"),
            &"g".repeat(40),
        ] {
            assert_eq!(
                verify(&s, body, Some(garbage)),
                Err(CallbackError::MalformedSignature),
                "{garbage:?}"
            );
        }
        assert_eq!(
            verify(&s, br#"{"eventId":"f"}"#, Some(&good)),
            Err(CallbackError::BadSignature),
            "tampered body"
        );
        assert_eq!(
            verify(&secret("other"), body, Some(&good)),
            Err(CallbackError::BadSignature)
        );
        assert_eq!(verify(&s, b"", Some(&good)), Err(CallbackError::EmptyBody));
        let big = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
        assert!(matches!(
            verify(&s, &big, None),
            Err(CallbackError::BodyTooLarge { .. })
        ));
        // Signed garbage: rejected only after the signature passed.
        let not_json = b"<html>";
        assert!(matches!(
            verify(&s, not_json, Some(&sign(&s, not_json))),
            Err(CallbackError::InvalidPayload(_))
        ));
        assert!(matches!(
            verify(&s, b"[1]", Some(&sign(&s, b"[1]"))),
            Err(CallbackError::InvalidPayload(_))
        ));
    }

    #[test]
    fn the_body_limit_is_64_kib_and_inclusive() {
        let s = secret("k");
        assert_eq!(DEFAULT_MAX_BODY_BYTES, 65_536);
        // At the limit the body is read (and found not to be JSON); one
        // byte more is refused unread, naming both sizes.
        let at_limit = vec![b' '; DEFAULT_MAX_BODY_BYTES];
        assert!(matches!(
            verify(&s, &at_limit, Some(&sign(&s, &at_limit))),
            Err(CallbackError::InvalidPayload(_))
        ));
        let over = vec![b' '; DEFAULT_MAX_BODY_BYTES + 1];
        let error = verify(&s, &over, Some(&sign(&s, &over))).unwrap_err();
        assert_eq!(
            error,
            CallbackError::BodyTooLarge {
                size: 65_537,
                limit: 65_536
            }
        );
        assert_eq!(
            error.to_string(),
            "callback body of 65537 bytes is larger than the 65536-byte limit"
        );
        // A verifier's own limit: the same boundary.
        let body = br#"{"eventId":"e"}"#;
        let signature = sign(&s, body);
        let exact = Verifier::new(s.clone()).max_body_bytes(body.len());
        assert!(exact.verify(body, Some(&signature)).is_ok());
        let smaller = Verifier::new(s).max_body_bytes(body.len() - 1);
        assert!(matches!(
            smaller.verify(body, Some(&signature)),
            Err(CallbackError::BodyTooLarge { .. })
        ));
    }

    #[test]
    fn a_secret_is_exposed_only_when_asked() {
        let s = secret("hunter2-hunter2");
        assert_eq!(s.expose(), "hunter2-hunter2");
        assert_eq!(format!("{s:?}"), "CallbackSecret(<redacted>)");
    }

    #[test]
    fn secrets_are_checked_and_never_shown() {
        assert!(CallbackSecret::new("").is_err());
        assert!(CallbackSecret::new(" padded").is_err());
        assert!(CallbackSecret::new("a\u{7}b").is_err());
        assert!(CallbackSecret::new("x".repeat(1025)).is_err());
        assert!(CallbackSecret::new("x".repeat(1024)).is_ok());
        let s = secret("hunter2-hunter2");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!(!format!("{:?}", Verifier::new(s)).contains("hunter2"));
    }

    #[test]
    fn every_field_of_an_event_reads_as_sent() {
        let key = secret("s3cret-for-tests");
        let body = br#"{"eventId":"01J","timestamp":"2024-07-23T14:02:14Z","projectId":"p-1","resourceId":"+12065550134","resourceType":"IMPORTED_NUMBER","eventType":"PROVISIONING_TO_SMS_PLATFORM","status":"FAILED","failureCode":"INVALID_NNID","internalFailureCode":"E42"}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        assert_eq!(event.event_id(), Some("01J"));
        assert_eq!(
            event.timestamp().map(Timestamp::as_str),
            Some("2024-07-23T14:02:14Z")
        );
        assert_eq!(event.project_id(), Some("p-1"));
        assert_eq!(event.resource_id(), Some("+12065550134"));
        assert_eq!(
            event.phone_number(),
            Some(PhoneNumber::parse("+12065550134").unwrap())
        );
        assert_eq!(
            event.resource_type(),
            Some(&CallbackResourceType::ImportedNumber)
        );
        assert_eq!(
            event.event_type(),
            Some(&CallbackEventType::ProvisioningToSmsPlatform)
        );
        assert_eq!(event.status(), Some(&CallbackStatus::Failed));
        assert!(!event.succeeded() && !event.ends_hosting());
        assert_eq!(
            event.failure_code(),
            Some(&CallbackFailureCode::InvalidNnid)
        );
        assert_eq!(event.internal_failure_code(), Some("E42"));
        assert_eq!(event.raw().event_id.as_deref(), Some("01J"));

        // Blank texts read as absent; a resource id that is not a number
        // has no phone number.
        let body = br#"{"eventId":"","projectId":"","resourceId":"brand-1","internalFailureCode":"","status":"SUCCEEDED"}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        assert_eq!(event.event_id(), None);
        assert_eq!(event.project_id(), None);
        assert_eq!(event.internal_failure_code(), None);
        assert_eq!(event.resource_id(), Some("brand-1"));
        assert_eq!(event.phone_number(), None);
        assert_eq!(event.timestamp(), None);
        assert!(event.succeeded());
        let body = br#"{"resourceId":""}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        assert_eq!(event.resource_id(), None);
    }

    #[test]
    fn hosting_order_number_events_are_typed() {
        let key = secret("s3cret-for-tests");
        let body = br#"{"eventId":"e9","projectId":"p","resourceId":"+12065550134","resourceType":"HOSTING_ORDER_NUMBER","eventType":"HOSTING_PROCESS","status":"FAILED","failureCode":"INVALID_NNID"}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        let number = PhoneNumber::parse("+12065550134").unwrap();
        assert_eq!(event.subject(), Subject::HostingOrderNumber(number.clone()));
        assert!(event.ends_hosting() && !event.succeeded());
        assert_eq!(
            event.failure_code(),
            Some(&CallbackFailureCode::InvalidNnid)
        );
        let body = br#"{"resourceId":"+12065550134","resourceType":"IMPORTED_NUMBER","eventType":"OSR_UPDATE","status":"SUCCEEDED"}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        assert_eq!(event.subject(), Subject::ImportedNumber(number));
        assert!(!event.ends_hosting());
        let body =
            br#"{"resourceId":"brand-1","resourceType":"BRAND","eventType":"SOMETHING_NEW"}"#;
        let event = verify(&key, body, Some(&sign(&key, body))).unwrap();
        assert_eq!(event.subject(), Subject::Other);
    }
}
