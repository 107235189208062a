//! The imported-number model: what the API returns about a number, as users read it.
//!
//! Every value comes from the generated wire types, which stay an
//! implementation detail (reachable through [`ImportedNumber::raw`]). Absent
//! and empty fields read as `None`, so callers never write
//! `.unwrap_or_default()`; a success body without a phone number is a
//! [`Decode`](crate::ErrorKind::Decode) error instead of an empty success.

mod number;
mod provisioning;

pub use number::ImportedNumber;
pub use provisioning::{PendingChange, Provisioning, ProvisioningOutcome, ServiceState};

use crate::core::non_empty;
