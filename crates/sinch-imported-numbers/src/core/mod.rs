//! What every resource shares and no resource owns: the handle each call
//! goes through (authentication, retries, error mapping), the one pager, TLS.
//!
//! Nothing here knows a resource: arrows point from `imported_numbers`,
//! `hosting_orders`, `qualified_numbers` and `callbacks` down to this module.

pub(crate) mod adaptive;
pub(crate) mod auth;
pub(crate) mod batches;
pub(crate) mod carrier;
pub(crate) mod handle;
pub(crate) mod pager;
pub(crate) mod poller;
pub(crate) mod retry;
pub(crate) mod retry_budget;
#[cfg(test)]
pub(crate) mod test_support;
pub mod tls;

/// `Some(text)` unless the server left it out or sent it empty: how every
/// model reads an optional string of the wire.
pub(crate) fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.is_empty())
}

/// The answer to a call about one thing must be about that thing: an order
/// or number other than the one asked for is not what the call returns,
/// whatever its status. `what` names the kind ("hosting order"); `key`
/// reads the thing's key from the answer.
pub(crate) fn answer_about<T>(
    what: &str,
    asked: &str,
    value: T,
    key: impl Fn(&T) -> &str,
) -> crate::error::Result<T> {
    if key(&value) == asked {
        return Ok(value);
    }
    Err(crate::error::Error::new(
        crate::error::ErrorKind::Decode,
        format!(
            "asked for {what} {asked:?}, but the answer is about {what} {:?}",
            key(&value)
        ),
    ))
}

/// A callback URL must be an absolute http(s) URL.
pub(crate) fn check_callback_url(url: &str) -> std::result::Result<(), crate::error::InputError> {
    let ok = reqwest::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
    if ok {
        Ok(())
    } else {
        Err(crate::error::InputError::invalid(
            crate::error::Setting::CallbackUrl,
            format!("{url:?} is not an http(s) URL"),
        ))
    }
}
