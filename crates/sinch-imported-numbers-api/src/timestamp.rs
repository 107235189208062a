//! Timestamps that never fail a response.
//!
//! The vendor documents RFC 3339 timestamps, its own OpenAPI file types them
//! as plain strings, and Sinch services also send them without an offset
//! (`2024-07-23T14:02:14.415637289`) or empty. [`Timestamp`] keeps the text
//! exactly as received and offers the instant when it can be read: RFC 3339
//! first (the fast path), then the same without an offset, taken as UTC.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A timestamp as the server sent it, with the instant when it could be read.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: String,
    instant: Option<DateTime<Utc>>,
}

impl Timestamp {
    /// Reads `text`; never fails: unreadable text is kept without an instant.
    pub fn parse(text: impl Into<String>) -> Self {
        let text = text.into();
        let instant = parse_lenient(&text);
        Timestamp { text, instant }
    }

    /// The instant, written as RFC 3339 in UTC.
    pub fn from_instant(instant: DateTime<Utc>) -> Self {
        Timestamp {
            text: instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            instant: Some(instant),
        }
    }

    /// The instant, when the text could be read (RFC 3339, or the same
    /// without an offset, taken as UTC).
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        self.instant
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn parse_lenient(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    // Without an offset: `T` or a space between date and time, optional fraction.
    ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| naive.and_utc())
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.instant {
            Some(instant) => write!(f, "Timestamp({instant:?})"),
            None => write!(f, "Timestamp(unreadable: {:?})", self.text),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Timestamp::parse(s))
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Timestamp::from_instant(instant)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::parse(text))
            }
            fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Timestamp, E> {
                Ok(Timestamp::parse(text))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(json: &str) -> Option<String> {
        serde_json::from_str::<Timestamp>(json)
            .unwrap()
            .instant()
            .map(|t| t.to_rfc3339())
    }

    #[test]
    fn every_form_the_service_sends_decodes() {
        assert_eq!(
            instant(r#""2025-04-02T19:45:28.650924Z""#).as_deref(),
            Some("2025-04-02T19:45:28.650924+00:00")
        );
        assert_eq!(
            instant(r#""2025-04-02T21:45:28+02:00""#).as_deref(),
            Some("2025-04-02T19:45:28+00:00")
        );
        assert_eq!(
            instant(r#""2024-07-23T14:02:14.415637289""#).as_deref(),
            Some("2024-07-23T14:02:14.415637289+00:00"),
            "no offset: UTC"
        );
        assert_eq!(instant(r#""""#), None);
        assert_eq!(instant(r#""yesterday""#), None);
    }

    #[test]
    fn text_is_kept_exactly() {
        for text in [
            "2025-04-02T19:45:28.650924Z",
            "",
            "2024-07-23T14:02:14.415637289",
            "soon",
        ] {
            let json = serde_json::to_string(text).unwrap();
            let t: Timestamp = serde_json::from_str(&json).unwrap();
            assert_eq!(t.as_str(), text);
            assert_eq!(serde_json::to_string(&t).unwrap(), json);
        }
    }

    #[test]
    fn non_strings_are_decode_errors() {
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
