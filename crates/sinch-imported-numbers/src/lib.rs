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
//!     println!("{:?}", n.phone_number);
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
//! * [`Error`]: one error type; [`ErrorKind`] says what happened.
//! * [`RetryPolicy`] and [`AuthMode`]: retries and authentication.

#![warn(missing_docs)]

mod auth;
mod bulk;
mod call;
mod client;
mod error;
mod import;
mod links;
mod list;
mod nanp;
mod phone_number;
mod retry;
mod update;

pub use auth::{AuthMode, DEFAULT_TOKEN_URL};
pub use bulk::{BulkImport, BulkReport, ImportOutcome, ImportResult};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL};
pub use error::{ApiError, Error, ErrorKind, FieldViolation, InputError, Result};
pub use import::NumberImport;
pub use list::{ListFilter, ListRequest, NumberPattern, OrderBy, Page};
pub use phone_number::{PhoneNumber, PhoneNumberError, Region};
pub use retry::RetryPolicy;
pub use update::{FieldMask, UpdatableField, UpdateRequest};

/// The API's data types, as generated from the spec.
pub mod types {
    pub use sinch_imported_numbers_api::open_enum::{
        MnoOperation, MnoState, ProvisioningServiceType, ProvisioningType,
    };
    pub use sinch_imported_numbers_api::types::{
        CampaignProvisioning, ImportedNumber, MnoConfiguration, MnoOperationStatus,
        ProvisioningStatus, ScheduledProvisioning, SmsConfiguration, SmsProvisioning,
    };
}

pub use types::ImportedNumber;

/// The generated low-level client, for anything the facade does not cover.
pub use sinch_imported_numbers_api as api;

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
