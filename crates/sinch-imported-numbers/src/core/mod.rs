//! What every resource shares and no resource owns: the handle each call
//! goes through (authentication, retries, error mapping), the one pager, TLS.
//!
//! Nothing here knows a resource: arrows point from `imported_numbers`,
//! `hosting_orders`, `qualified_numbers` and `callbacks` down to this module.

pub(crate) mod auth;
pub(crate) mod carrier;
pub(crate) mod handle;
pub(crate) mod pager;
pub(crate) mod retry;
pub mod tls;

/// `Some(text)` unless the server left it out or sent it empty: how every
/// model reads an optional string of the wire.
pub(crate) fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.is_empty())
}
