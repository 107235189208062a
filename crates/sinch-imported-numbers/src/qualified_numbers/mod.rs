//! Qualified numbers: numbers whose ownership is being proven (by invoice or
//! by a voice call with a code) before they can be text-enabled or hosted.
//!
//! Reach it with [`Client::qualified_numbers`](crate::Client::qualified_numbers).
//! `model.rs` holds what the API returns; `list.rs` the listing's filter.

pub(crate) mod list;
pub(crate) mod model;

use std::sync::Arc;

use crate::core::answer_about;
use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::Listing;
use crate::error::Result;
use crate::PhoneNumber;

pub use list::QualifiedNumberFilter;
pub use model::{HostingOutcome, QualificationStep, QualifiedNumber};

/// The qualified-number calls of one project; from
/// [`Client::qualified_numbers`](crate::Client::qualified_numbers). Cheap to clone.
#[derive(Clone, Debug)]
pub struct QualifiedNumbers {
    handle: Arc<Handle>,
}

impl QualifiedNumbers {
    pub(crate) fn new(handle: Arc<Handle>) -> Self {
        QualifiedNumbers { handle }
    }

    /// The project's qualified numbers that match `filter`, page after page;
    /// see [`Listing`].
    pub fn list(&self, filter: QualifiedNumberFilter) -> Listing<QualifiedNumber> {
        list::qualified_numbers(self.handle.clone(), filter)
    }

    /// One qualified number. A number the project has not submitted gives
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    pub async fn get(&self, number: &PhoneNumber) -> Result<QualifiedNumber> {
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::Idempotent,
                || {
                    handle
                        .api
                        .get_qualified_number()
                        .project_id(&handle.project_id)
                        .phone_number(number.as_str())
                        .send()
                },
                |raw| {
                    answer_about(
                        "qualified number",
                        number.as_str(),
                        QualifiedNumber::from_wire(raw)?,
                        |n| n.phone_number().as_str(),
                    )
                },
            )
            .await
    }

    /// Removes a qualified number from the project. An unknown one gives
    /// [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    pub async fn delete(&self, number: &PhoneNumber) -> Result<()> {
        let handle = &self.handle;
        handle
            .call(Idempotency::Idempotent, || {
                handle
                    .api
                    .delete_qualified_number()
                    .project_id(&handle.project_id)
                    .phone_number(number.as_str())
                    .send()
            })
            .await
    }
}
