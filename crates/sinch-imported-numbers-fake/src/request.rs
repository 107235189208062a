//! Reading and checking requests: the helpers every resource's handlers
//! share (query decoding, body checks against the spec, phone numbers,
//! regions, page sizes).

use axum::body::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::problem::Problem;
use crate::spec_check::SPEC;
use crate::AppState;

/// The decoded query string, in order, repeats kept.
pub(crate) fn query_pairs(raw: Option<String>) -> Result<Vec<(String, String)>, Problem> {
    serde_urlencoded::from_str(raw.as_deref().unwrap_or(""))
        .map_err(|e| Problem::invalid(format!("query string cannot be decoded: {e}")))
}

/// Decodes the query string and checks it against `operation_id`'s parameters.
pub(crate) fn checked_query(
    raw: Option<String>,
    operation_id: &str,
) -> Result<Vec<(String, String)>, Problem> {
    let pairs = query_pairs(raw)?;
    SPEC.check_query(operation_id, &pairs)
        .map_err(Problem::invalid)?;
    Ok(pairs)
}

/// The first value of query parameter `name`.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// E.164 with the NANP shape for +1; the fake's own check, independent of the SDK's.
pub(crate) fn check_phone(text: &str, field: &str) -> Result<(), Problem> {
    let invalid = |why: &str| {
        Err(Problem::invalid(format!(
            "{field} {text:?} is not valid: {why}"
        )))
    };
    let Some(digits) = text.strip_prefix('+') else {
        return invalid("it must start with +");
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return invalid("only digits may follow the +");
    }
    if !(7..=15).contains(&digits.len()) || digits.starts_with('0') {
        return invalid("E.164 numbers have 7 to 15 digits and no leading 0");
    }
    if let Some(national) = digits.strip_prefix('1') {
        let b = national.as_bytes();
        if b.len() != 10 || b[0] < b'2' || b[3] < b'2' {
            return invalid("+1 numbers are NXX-NXX-XXXX");
        }
    }
    Ok(())
}

/// Checks a list of numbers from a body: not empty, at most `limit`, each
/// E.164, none twice. `field` names the list in messages.
pub(crate) fn check_phone_list(
    numbers: &[String],
    field: &str,
    limit: usize,
) -> Result<(), Problem> {
    if numbers.is_empty() {
        return Err(Problem::invalid(format!(
            "{field} must name at least one number"
        )));
    }
    if numbers.len() > limit {
        return Err(Problem::invalid(format!(
            "{field} has {} numbers; at most {limit} are accepted per call",
            numbers.len()
        )));
    }
    for (i, number) in numbers.iter().enumerate() {
        check_phone(number, &format!("{field}[{i}]"))?;
        if numbers[..i].contains(number) {
            return Err(Problem::invalid(format!(
                "{field}[{i}] {number:?} is given more than once"
            )));
        }
    }
    Ok(())
}

/// Hosting and SMS enablement exist in the US and Canada only.
pub(crate) fn check_region(region: &str) -> Result<(), Problem> {
    match region {
        "US" | "CA" => Ok(()),
        other => Err(Problem::invalid(format!(
            "regionCode {other:?} is not supported; use US or CA"
        ))),
    }
}

/// A JSON body, checked against `operation_id`'s schema in the spec.
pub(crate) fn parse_json(body: &Bytes, operation_id: &str) -> Result<Value, Problem> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Problem::invalid(format!("request body is not valid JSON: {e}")))?;
    SPEC.check_body(operation_id, &value)
        .map_err(Problem::invalid)?;
    Ok(value)
}

/// A JSON body checked against the spec, then read as the generated type
/// `T` (named `type_name` in messages).
pub(crate) fn parse_body<T: DeserializeOwned>(
    body: &Bytes,
    operation_id: &str,
    type_name: &str,
) -> Result<T, Problem> {
    serde_json::from_value(parse_json(body, operation_id)?)
        .map_err(|e| Problem::invalid(format!("request body does not match {type_name}: {e}")))
}

/// Refuses a body on an operation that takes none.
pub(crate) fn no_body(body: &Bytes) -> Result<(), Problem> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(())
    } else {
        Err(Problem::invalid("this operation takes no request body"))
    }
}

/// The page size a listing uses: the server's default for none (or a
/// non-positive one), capped at its maximum.
pub(crate) fn page_size(app: &AppState, pairs: &[(String, String)]) -> usize {
    let requested: i64 = param(pairs, "pageSize")
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    if requested <= 0 {
        app.default_page_size
    } else {
        usize::try_from(requested)
            .unwrap_or(usize::MAX)
            .min(app.max_page_size)
    }
}

/// The `pageToken` query parameter, when one is given and not empty.
pub(crate) fn page_token(pairs: &[(String, String)]) -> Option<&str> {
    param(pairs, "pageToken").filter(|t| !t.is_empty())
}

/// The `orderBy` query parameter (validated by the spec): `true` for
/// `updatedTime`.
pub(crate) fn by_updated(pairs: &[(String, String)]) -> bool {
    param(pairs, "orderBy") == Some("updatedTime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_checks() {
        assert!(check_phone("+12065550134", "n").is_ok());
        assert!(check_phone("+46701234567", "n").is_ok());
        for bad in [
            "12065550134",
            "+1206555013",
            "+10065550134",
            "+1206055013a",
            "+0123456789",
            " 12065550134",
        ] {
            assert!(check_phone(bad, "n").is_err(), "{bad}");
        }
    }

    #[test]
    fn phone_lists() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(check_phone_list(&list(&["+12065550134"]), "numbers", 1).is_ok());
        let err = check_phone_list(&list(&[]), "numbers", 5).unwrap_err();
        assert!(err.message.contains("at least one"), "{}", err.message);
        let err =
            check_phone_list(&list(&["+12065550134", "+12065550135"]), "numbers", 1).unwrap_err();
        assert!(err.message.contains("at most 1"), "{}", err.message);
        let err =
            check_phone_list(&list(&["+12065550134", "+12065550134"]), "numbers", 5).unwrap_err();
        assert!(err.message.contains("numbers[1]"), "{}", err.message);
        let err = check_phone_list(&list(&["+1206"]), "numbers", 5).unwrap_err();
        assert!(err.message.starts_with("numbers[0]"), "{}", err.message);
    }
}
