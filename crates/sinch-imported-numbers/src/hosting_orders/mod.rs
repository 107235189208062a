//! Hosting orders: Sinch's work on a batch of numbers (an import, or adding
//! SMS under a letter of authorization), followed per number through the OSR
//! update, SMS platform provisioning and campaign linking.
//!
//! Reach it with [`Client::hosting_orders`](crate::Client::hosting_orders).
//! `model.rs` holds what the API returns (orders, per-number progress, the
//! report); `list.rs` the two listings' filters; `requests.rs` the requests
//! that open an order and `loa.rs` the letter of authorization they need;
//! `wait.rs` the wait for an order to finish.

pub(crate) mod list;
pub(crate) mod loa;
pub(crate) mod model;
pub(crate) mod requests;
pub(crate) mod wait;

use std::sync::Arc;

use crate::core::answer_about;
use crate::core::batches;
use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::Listing;
use crate::error::{InputError, Result, Setting};
use crate::PhoneNumber;

pub use crate::core::batches::{BatchOutcome, BatchReport, BatchResult};
pub use list::{HostingOrderFilter, HostingOrderNumberFilter};
pub use loa::{Address, AuthorisedPerson, DirectLoa, Loa, ResellerLoa, TollFreeLoa};
pub use model::{
    AddressInfo, AuthorisedPersonInfo, HostingOrder, HostingOrderNumber, HostingOrderReport, Step,
    TextEnableInfo,
};
pub use requests::{
    OrderImport, TextEnable, TollFreeTextEnable, IMPORT_ORDER_LIMIT, QUALIFIED_TEXT_ENABLE_LIMIT,
};
pub use wait::{HostingOrderWait, OrderSummary, OrderWaitOutcome};

/// The hosting-order calls of one project; from
/// [`Client::hosting_orders`](crate::Client::hosting_orders). Cheap to clone.
#[derive(Clone, Debug)]
pub struct HostingOrders {
    handle: Arc<Handle>,
}

impl HostingOrders {
    pub(crate) fn new(handle: Arc<Handle>) -> Self {
        HostingOrders { handle }
    }

    /// The project's hosting orders that match `filter`, page after page;
    /// see [`Listing`].
    pub fn list(&self, filter: HostingOrderFilter) -> Listing<HostingOrder> {
        list::orders(self.handle.clone(), filter)
    }

    /// One hosting order. An id that is empty, contains `/` or is `.`/`..`
    /// is refused before sending ([`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput));
    /// an unknown one gives [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    pub async fn get(&self, hosting_order_id: &str) -> Result<HostingOrder> {
        check_id(hosting_order_id)?;
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::Idempotent,
                || {
                    handle
                        .api
                        .get_hosting_order()
                        .project_id(&handle.project_id)
                        .hosting_order_id(hosting_order_id)
                        .send()
                },
                |raw| {
                    answer_about(
                        "hosting order",
                        hosting_order_id,
                        HostingOrder::from_wire(raw)?,
                        HostingOrder::id,
                    )
                },
            )
            .await
    }

    /// How many of an order's numbers have passed each step. The id is
    /// checked as for [`get`](Self::get).
    pub async fn report(&self, hosting_order_id: &str) -> Result<HostingOrderReport> {
        check_id(hosting_order_id)?;
        let handle = &self.handle;
        let raw = handle
            .call(Idempotency::Idempotent, || {
                handle
                    .api
                    .get_hosting_order_report()
                    .project_id(&handle.project_id)
                    .hosting_order_id(hosting_order_id)
                    .send()
            })
            .await?;
        Ok(HostingOrderReport::from_wire(raw))
    }

    /// The numbers of one order with the progress of each, page after page;
    /// see [`Listing`]. A bad id is the listing's first and only item.
    pub fn numbers(
        &self,
        hosting_order_id: &str,
        filter: HostingOrderNumberFilter,
    ) -> Listing<HostingOrderNumber> {
        list::numbers(self.handle.clone(), hosting_order_id.to_owned(), filter)
    }

    /// The progress of one number of an order. An unknown order or a
    /// number not in it gives [`ErrorKind::NotFound`](crate::ErrorKind::NotFound).
    pub async fn number(
        &self,
        hosting_order_id: &str,
        number: &PhoneNumber,
    ) -> Result<HostingOrderNumber> {
        check_id(hosting_order_id)?;
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::Idempotent,
                || {
                    handle
                        .api
                        .get_hosting_order_number()
                        .project_id(&handle.project_id)
                        .hosting_order_id(hosting_order_id)
                        .phone_number(number.as_str())
                        .send()
                },
                |raw| {
                    let got = HostingOrderNumber::from_wire(raw)?;
                    // A number that does not name its order is taken as the order's.
                    let got = match got.hosting_order_id() {
                        Some(_) => answer_about("hosting order", hosting_order_id, got, |n| {
                            n.hosting_order_id().unwrap_or_default()
                        })?,
                        None => got,
                    };
                    answer_about("number", number.as_str(), got, |n| {
                        n.phone_number().as_str()
                    })
                },
            )
            .await
    }
}

impl HostingOrders {
    /// Opens an `IMPORT` order for the request's numbers (at most
    /// [`IMPORT_ORDER_LIMIT`] unless raised); they are then provisioned in
    /// the background: follow them with [`wait`](Self::wait) or callbacks.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) for a
    /// request [`OrderImport::check`] refuses (nothing is sent); otherwise
    /// the server's error. Not retried after the request may have reached
    /// the server, since a repeat could open a second order.
    pub async fn import_numbers(&self, request: &OrderImport) -> Result<HostingOrder> {
        let body = request.to_wire()?;
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .import_hosting_order_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                HostingOrder::from_import_wire,
            )
            .await
    }

    /// [`import_numbers`](Self::import_numbers) for any number of numbers:
    /// split into orders of at most the limit (never mixing regions), sent
    /// one after another, with one outcome per number in input order. A
    /// number listed twice, outside US/CA, or in a refused batch gets its
    /// error; the others go on.
    pub async fn import_numbers_in_batches(&self, request: &OrderImport) -> BatchReport {
        let named = request.named_region();
        batches::run(
            request.numbers().to_vec(),
            request.limit(),
            |n| requests::region_of(n, named),
            |batch| {
                let request = request.with_numbers(batch);
                async move {
                    self.import_numbers(&request)
                        .await
                        .map(|o| o.id().to_owned())
                }
            },
        )
        .await
    }

    /// Opens a text-enable order under the request's letter of
    /// authorization. A direct or reseller letter is e-mailed to the
    /// authorised person, and the order waits for the signature.
    ///
    /// # Errors
    /// As [`import_numbers`](Self::import_numbers), with
    /// [`TextEnable::check`]'s refusals.
    pub async fn text_enable(&self, request: &TextEnable) -> Result<HostingOrder> {
        let body = request.to_wire(None)?;
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .text_enable_hosting_order_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                HostingOrder::from_wire,
            )
            .await
    }

    /// Opens a text-enable order for toll-free numbers.
    ///
    /// # Errors
    /// As [`text_enable`](Self::text_enable).
    pub async fn text_enable_toll_free(
        &self,
        request: &TollFreeTextEnable,
    ) -> Result<HostingOrder> {
        let handle = &self.handle;
        let body = request.to_wire(&handle.project_id)?;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .text_enable_hosting_order_toll_free_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                HostingOrder::from_wire,
            )
            .await
    }

    /// Waits for an order to be over or to need a person; see
    /// [`HostingOrderWait`] for the defaults and [`OrderWaitOutcome`] for
    /// the endings. The id is checked as for [`get`](Self::get).
    pub fn wait(&self, hosting_order_id: &str) -> HostingOrderWait {
        HostingOrderWait::new(self.handle.clone(), hosting_order_id.to_owned())
    }
}

/// Hosting order ids are opaque (ULIDs today, but the SDK does not rely on
/// it): refused only when they cannot be one path segment (`\` counts as
/// `/` in an http URL), or carry whitespace at either end, which no id the
/// service hands out does and a copy from a spreadsheet often adds.
pub(crate) fn check_id(id: &str) -> std::result::Result<(), InputError> {
    if id.trim().is_empty() {
        return Err(InputError::Missing(Setting::HostingOrderId));
    }
    let invalid = |why: &str| {
        Err(InputError::invalid(
            Setting::HostingOrderId,
            format!("{id:?} {why}"),
        ))
    };
    if id == "." || id == ".." || id.contains(['/', '\\']) || id.chars().any(char::is_control) {
        return invalid("cannot be a path segment (no '/', '\\', control characters, '.' or '..')");
    }
    if id.trim() != id {
        return invalid("has whitespace at its start or end");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_opaque_but_must_be_one_segment() {
        for good in ["01arz3ndektsv4rrffq69g5fav", "ORDER-1", "a b", "ä", "x:y"] {
            assert!(check_id(good).is_ok(), "{good:?}");
        }
        assert_eq!(
            check_id(" "),
            Err(InputError::Missing(Setting::HostingOrderId))
        );
        for bad in [
            "a/b", "/", ".", "..", "a\nb", "a\\..\\b", "\\", "o1 ", " o1", "o1\t",
        ] {
            assert_eq!(
                check_id(bad).unwrap_err().setting(),
                Some(Setting::HostingOrderId),
                "{bad:?}"
            );
        }
    }
}
