//! Removing credentials from text quoted out of a response body.
//!
//! Error messages quote the start of bodies that are not the documented
//! error, so a proxy page that echoes the request's headers could carry the
//! `Authorization` value into an error, a log line or a bug report. Before
//! any body is quoted, [`redact`] replaces:
//! * the value after `Basic` or `Bearer` (any case);
//! * the value of an `Authorization` header or field (`Authorization: x`,
//!   `"authorization": "x"`, `authorization=x`);
//! * every given secret, wherever it appears.

/// What replaces a removed value.
pub const REDACTED: &str = "<redacted>";

/// `text` with credential values and `secrets` replaced by [`REDACTED`].
pub fn redact(text: &str, secrets: &[String]) -> String {
    let mut out = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        out = out.replace(secret.as_str(), REDACTED);
    }
    for marker in ["basic", "bearer"] {
        out = redact_after(&out, marker, |b| b == b' ' || b == b'\t', |_| true);
    }
    // A header or field: the name, then `:` or `=` (quotes and spaces around).
    redact_after(
        &out,
        "authorization",
        |b| matches!(b, b' ' | b'\t' | b':' | b'=' | b'"' | b'\''),
        |run| run.iter().any(|b| matches!(b, b':' | b'=')),
    )
}

/// Replaces the value that follows each whole-word, case-insensitive
/// `marker` and a run of `separator` bytes that `valid` accepts, up to the
/// next delimiter.
fn redact_after(
    text: &str,
    marker: &str,
    separator: impl Fn(u8) -> bool,
    valid: impl Fn(&[u8]) -> bool,
) -> String {
    let lower = text.to_ascii_lowercase();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(marker) {
        let start = from + found;
        let mut at = start + marker.len();
        from = at;
        let word_start = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if !word_start || at >= bytes.len() || !separator(bytes[at]) {
            continue;
        }
        while at < bytes.len() && separator(bytes[at]) {
            at += 1;
        }
        if !valid(&bytes[from..at]) {
            continue;
        }
        // `Authorization: Basic x`: keep the scheme, redact what follows it.
        for scheme in ["basic ", "bearer "] {
            if lower[at..].starts_with(scheme) {
                at += scheme.len();
                while at < bytes.len() && separator(bytes[at]) {
                    at += 1;
                }
            }
        }
        let value_start = at;
        while at < bytes.len() && !is_delimiter(bytes[at]) {
            at += 1;
        }
        if at == value_start || text[value_start..at].starts_with(REDACTED) {
            continue;
        }
        out.push_str(&text[copied..value_start]);
        out.push_str(REDACTED);
        copied = at;
        from = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where a header or token value ends in quoted text.
fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'"' | b'\'' | b'<' | b'>' | b'&' | b',' | b';' | b'\r' | b'\n'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(text: &str) -> String {
        redact(text, &["s3cr3t".to_owned()])
    }

    #[test]
    fn credentials_echoed_by_a_proxy_are_removed() {
        assert_eq!(
            r("<pre>Authorization: Basic a2V5OnMzY3IzdA==\nHost: x</pre>"),
            "<pre>Authorization: Basic <redacted>\nHost: x</pre>"
        );
        assert_eq!(
            r(r#"{"headers": {"authorization": "Bearer eyJhbGciOi.abc.def"}}"#),
            r#"{"headers": {"authorization": "Bearer <redacted>"}}"#
        );
        assert_eq!(
            r("AUTHORIZATION=tok123&x=1"),
            "AUTHORIZATION=<redacted>&x=1"
        );
        assert_eq!(r("bearer   abc"), "bearer   <redacted>");
        assert_eq!(
            r("the key is s3cr3t, really"),
            "the key is <redacted>, really"
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "Basic",
            "basically fine",
            "no authorization given",
            "Unauthorized",
            "",
            "ünïcödé Bearer",
        ] {
            assert_eq!(r(text), text, "{text:?}");
        }
    }
}
