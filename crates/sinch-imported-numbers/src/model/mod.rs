//! The facade's own data model: what the API returns, as users read it.
//!
//! Every value comes from the generated wire types, which stay an
//! implementation detail (reachable through [`ImportedNumber::raw`]). Absent
//! and empty fields read as `None`, so callers never write
//! `.unwrap_or_default()`; a success body without a phone number is a
//! [`Decode`](crate::ErrorKind::Decode) error instead of an empty success.

mod number;
mod page;
mod provisioning;

pub use number::ImportedNumber;
pub use page::Page;
pub use provisioning::{
    Carrier, CarrierState, PendingChange, Provisioning, ProvisioningOutcome, ServiceState,
};

/// `Some(text)` unless the server left it out or sent it empty.
fn non_empty(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.is_empty())
}
