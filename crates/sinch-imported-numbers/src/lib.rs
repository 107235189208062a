//! Rust SDK for Sinch's **Imported Numbers API**: import phone numbers you
//! already own (with your own NNID) into a Sinch project and enable them for
//! SMS, without porting.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use sinch_imported_numbers::{Client, ListFilter, NumberImport, PhoneNumber};
//!
//! # async fn demo() -> Result<(), sinch_imported_numbers::Error> {
//! let client = Client::builder()
//!     .project_id("my-project")
//!     .key_id("my-key-id")
//!     .key_secret("my-key-secret")
//!     .build()?;
//!
//! let number = PhoneNumber::parse("+12065550134")?;
//! client
//!     .import(NumberImport::new(number.clone()).display_name("Front desk").service_plan_id("plan"))
//!     .await?;
//!
//! let mut numbers = client.list(ListFilter::new("plan", "campaign")).items();
//! while let Some(n) = numbers.try_next().await? {
//!     println!("{} {:?}", n.phone_number(), n.display_name());
//! }
//!
//! client.update(&number).display_name("Reception").send().await?;
//! client.delete(&number).await?;
//! # Ok(()) }
//! ```
//!
//! Where things live:
//! * [`Client`] / [`ClientBuilder`]: configuration, credentials, the single-number calls.
//! * [`PhoneNumber`]: validated E.164 numbers; every method takes one.
//! * [`ListRequest`]: auto-paginating listing as a `Stream`.
//! * [`UpdateRequest`] and [`FieldMask`]: partial updates.
//! * [`BulkImport`]: importing many numbers concurrently.
//! * [`ImportedNumber`] and [`Provisioning`]: what the API returns, read through accessors.
//! * [`ProvisioningWait`]: waiting until provisioning is ready or failed.
//! * [`callbacks`]: verifying and reading the callbacks Sinch sends.
//! * [`Error`]: one error type; [`ErrorKind`] says what happened.
//! * [`RetryPolicy`] and [`AuthMode`]: retries and authentication.

#![warn(missing_docs)]

mod auth;
mod bulk;
pub mod callbacks;
mod client;
mod error;
mod handle;
mod import;
mod links;
mod list;
mod model;
mod nanp;
mod phone_number;
mod retry;
pub mod tls;
mod update;
mod wait;

pub use auth::{AuthMode, DEFAULT_TOKEN_URL};
pub use bulk::{BulkImport, BulkReport, ImportOutcome, ImportResult};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, Error, ErrorKind, FieldViolation, InputError, Result, Setting};
pub use import::NumberImport;
pub use list::{ListFilter, ListRequest, NumberPattern, OrderBy};
pub use model::{
    Carrier, CarrierState, ImportedNumber, Page, PendingChange, Provisioning, ProvisioningOutcome,
    ServiceState,
};
pub use phone_number::{PhoneNumber, PhoneNumberError, Region, RegionError};
pub use retry::RetryPolicy;
pub use update::{FieldMask, UpdatableField, UpdateRequest};
pub use wait::{Provisioned, ProvisioningWait};

/// Value types the model hands out: open enums that keep values this SDK
/// does not know yet (`Unknown(String)`), and timestamps kept as received.
pub mod types {
    pub use sinch_imported_numbers_api::open_enum::{
        CallbackEventType, CallbackFailureCode, CallbackResourceType, CallbackStatus, MnoOperation,
        ProvisioningServiceType, ProvisioningType, ScheduledProvisioningStatus, SmsErrorCode,
        State,
    };
    pub use sinch_imported_numbers_api::timestamp::Timestamp;
}

/// Escape hatch: the generated low-level client and its wire types, for
/// anything the facade does not cover (see also [`ImportedNumber::raw`]).
///
/// **Not covered by this crate's semver guarantees**: it follows the spec and
/// the generator, and may change in any release.
pub use sinch_imported_numbers_api as api;

/// What the benchmarks measure of the facade's internals. Not part of the
/// API: hidden, and may change at any time.
#[doc(hidden)]
pub mod bench_support {
    /// Decodes a list response body as the facade does (wire types, then
    /// its own model); returns how many numbers it held.
    pub fn decode_page(body: &[u8]) -> usize {
        let page: sinch_imported_numbers_api::types::ListImportedNumbersResponse =
            sinch_imported_numbers_api::direct::decode_json(body).expect("a list response");
        page.imported_numbers
            .into_iter()
            .map(crate::ImportedNumber::from_wire)
            .filter(Result::is_ok)
            .count()
    }
}

/// Compiles the README's Rust example, so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeExample;

#[cfg(test)]
mod thread_safety {
    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_can_cross_threads() {
        assert_send_sync::<crate::Client>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::PhoneNumber>();
        assert_send_sync::<crate::ListRequest>();
        assert_send_sync::<crate::UpdateRequest>();
        assert_send_sync::<crate::BulkImport>();
        assert_send_sync::<crate::BulkReport>();
    }
}
