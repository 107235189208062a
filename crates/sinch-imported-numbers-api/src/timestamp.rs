//! Timestamps that never fail a response.
//!
//! The vendor documents RFC 3339 timestamps, its own OpenAPI file types them
//! as plain strings, and Sinch services also send them without an offset
//! (`2024-07-23T14:02:14.415637289`) or empty. [`Timestamp`] keeps the text
//! exactly as received and offers the instant when it can be read: RFC 3339
//! first (the fast path), then the same without an offset, taken as UTC.
//!
//! A page of numbers carries seven or eight timestamps per number, and most
//! are never read: decoding only copies the text (inline, without a heap
//! allocation, when it is short, as every form Sinch sends is), and the
//! instant is worked out when [`Timestamp::instant`] asks for it.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Utc};

/// A timestamp as the server sent it, with the instant when it can be read.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Timestamp {
    text: Text,
}

/// The longest text kept inline: `2024-07-23T14:02:14.415637289+00:00` is 35.
const INLINE: usize = 38;

/// Text kept inline when short, on the heap otherwise. Equal texts always
/// take the same form (it depends on the length only).
#[derive(Clone, PartialEq, Eq, Hash)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl Text {
    fn new(text: &str) -> Self {
        if text.len() <= INLINE {
            let mut bytes = [0u8; INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            Text::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            Text::Heap(text.into())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // Whole UTF-8 text was copied in, so this cannot fail.
            Text::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            Text::Heap(text) => text,
        }
    }
}

impl Timestamp {
    /// Reads `text`; never fails: unreadable text is kept without an instant.
    pub fn parse(text: &str) -> Self {
        Timestamp {
            text: Text::new(text),
        }
    }

    /// The instant, written as RFC 3339 in UTC.
    pub fn from_instant(instant: DateTime<Utc>) -> Self {
        Timestamp::parse(&instant.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }

    /// The instant, when the text can be read (RFC 3339, or the same without
    /// an offset, taken as UTC). Worked out on each call: tens of
    /// nanoseconds.
    pub fn instant(&self) -> Option<DateTime<Utc>> {
        parse_lenient(self.as_str())
    }

    /// The text exactly as received.
    pub fn as_str(&self) -> &str {
        self.text.as_str()
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
        match self.instant() {
            Some(instant) => write!(f, "Timestamp({instant:?})"),
            None => write!(f, "Timestamp(unreadable: {:?})", self.as_str()),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a timestamp string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Timestamp, E> {
                Ok(Timestamp::parse(text))
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                text: &'de str,
            ) -> Result<Timestamp, E> {
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
    fn long_texts_are_kept_too() {
        let long = format!("2025-04-02T19:45:28.650924Z{}", " ".repeat(40));
        let t = Timestamp::parse(&long);
        assert_eq!(t.as_str(), long);
        assert_eq!(
            t.instant().map(|i| i.to_rfc3339()),
            Some("2025-04-02T19:45:28.650924+00:00".into())
        );
        assert_eq!(
            Timestamp::parse("2025-04-02T19:45:28Z"),
            Timestamp::parse("2025-04-02T19:45:28Z")
        );
    }

    #[test]
    fn non_strings_are_decode_errors() {
        assert!(serde_json::from_str::<Timestamp>("12").is_err());
    }
}
