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
//! Where things live (one folder per resource, over a shared core):
//! * [`Client`] / [`ClientBuilder`] (`client.rs`): configuration, credentials,
//!   the imported-number calls, and the accessors of the other resources.
//! * `imported_numbers/`: [`ListFilter`], [`UpdateRequest`] and [`FieldMask`],
//!   [`NumberImport`], [`BulkImport`], [`ProvisioningWait`], and the model
//!   ([`ImportedNumber`], [`Provisioning`]).
//! * `hosting_orders/` ([`hosting_orders`]): [`HostingOrders`], from
//!   [`Client::hosting_orders`]: orders, their numbers' progress, the report;
//!   opening orders (`requests.rs`: import, text-enable) under a letter of
//!   authorization (`loa.rs`), and waiting for them (`wait.rs`).
//! * `qualified_numbers/` ([`qualified_numbers`]): [`QualifiedNumbers`], from
//!   [`Client::qualified_numbers`]: numbers whose ownership is being proven
//!   (by invoice or voice challenge), text-enabling them, waiting on them.
//! * [`callbacks`]: verifying and reading the callbacks Sinch sends, and the
//!   secret that signs them.
//! * `phone_number/`: [`PhoneNumber`], validated E.164 (NANP rules for `+1`).
//! * `core/`: what every resource shares: the one pager ([`Listing`],
//!   [`Page`]), the one poller behind every wait, batches of numbers
//!   ([`hosting_orders::BatchReport`]), carriers ([`Carrier`], [`CarrierState`]), retries
//!   ([`RetryPolicy`]), authentication ([`AuthMode`]), [`tls`].
//! * [`Error`] (`error.rs`): one error type; [`ErrorKind`] says what happened.

//!
//! # Cargo features
//! * `tls-ring` (default): TLS with rustls and the *ring* crypto provider.
//! * `tls-aws-lc`: rustls with aws-lc-rs instead (slower to build; chosen
//!   when both are on). With neither, install a rustls `CryptoProvider`
//!   yourself before building a client.
//! * `http2`: offer HTTP/2 (ALPN) besides HTTP/1.1.
//!
//! No public item is gated by a feature: they change how TLS and HTTP are
//! set up, never the API.

#![warn(missing_docs)]

pub mod callbacks;
mod client;
mod core;
mod error;
pub mod hosting_orders;
mod imported_numbers;
mod phone_number;
pub mod qualified_numbers;

pub use crate::core::adaptive::SharedRate;
pub use crate::core::auth::{AuthMode, DEFAULT_TOKEN_URL};
pub use crate::core::carrier::{Carrier, CarrierState};
pub use crate::core::pager::{Listing, OrderBy, Page, TOKEN_WINDOW};
pub use crate::core::retry::RetryPolicy;
pub use crate::core::retry_budget::RetryBudget;
pub use crate::core::tls;
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, Error, ErrorKind, FieldViolation, InputError, Result, Setting};
pub use hosting_orders::HostingOrders;
pub use imported_numbers::bulk::{BulkImport, BulkReport, ImportOutcome, ImportResult};
pub use imported_numbers::import::NumberImport;
pub use imported_numbers::list::{ListFilter, ListRequest, NumberPattern};
pub use imported_numbers::model::{
    ImportedNumber, PendingChange, Provisioning, ProvisioningOutcome, ServiceState,
};
pub use imported_numbers::update::{FieldMask, UpdatableField, UpdateRequest};
pub use imported_numbers::wait::{Provisioned, ProvisioningWait};
pub use phone_number::{PhoneNumber, PhoneNumberError, Region, RegionError, AREA_CODE_TABLE};
pub use qualified_numbers::QualifiedNumbers;

/// Value types the model hands out: open enums that keep values this SDK
/// does not know yet (`Unknown(String)`), and timestamps kept as received.
pub mod types {
    pub use sinch_imported_numbers_api::open_enum::{
        CallbackEventType, CallbackFailureCode, CallbackResourceType, CallbackStatus,
        GlobalProcessState, HostingOrderState, HostingOrderType, HostingStatus, LoaType,
        MnoOperation, ProvisioningServiceType, ProvisioningType, ScheduledProvisioningStatus,
        SmsErrorCode, State,
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
#[doc = include_str!("../README.md")]
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
        assert_send_sync::<crate::HostingOrders>();
        assert_send_sync::<crate::QualifiedNumbers>();
        assert_send_sync::<crate::Listing<crate::hosting_orders::HostingOrder>>();
        assert_send_sync::<crate::hosting_orders::HostingOrderWait>();
        assert_send_sync::<crate::hosting_orders::BatchReport>();
        assert_send_sync::<crate::hosting_orders::TextEnable>();
        assert_send_sync::<crate::qualified_numbers::QualificationWait>();
    }
}
