//! Qualified numbers: numbers whose ownership is being proven (by invoice or
//! by a voice call with a code) before they can be text-enabled or hosted.
//!
//! Reach it with [`Client::qualified_numbers`](crate::Client::qualified_numbers).
//! `model.rs` holds what the API returns; `list.rs` the listing's filter;
//! `wait.rs` the wait for a qualification to settle. Ownership is proven
//! by invoice ([`QualifiedNumbers::add`], then e-mailing the invoices to
//! Sinch) or by voice ([`QualifiedNumbers::send_voice_challenge`], then
//! [`QualifiedNumbers::verify_voice_challenge`] with the code heard).

pub(crate) mod list;
pub(crate) mod model;
pub(crate) mod wait;

use std::sync::Arc;

use crate::core::answer_about;
use crate::core::batches;
use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::Listing;
use crate::error::{Error, ErrorKind, InputError, Result, Setting};
use crate::hosting_orders::requests::{self, QUALIFIED_TEXT_ENABLE_LIMIT};
use crate::hosting_orders::{HostingOrder, TextEnable, TollFreeTextEnable};
use crate::PhoneNumber;

pub use crate::core::batches::{BatchOutcome, BatchReport, BatchResult};
pub use list::QualifiedNumberFilter;
pub use model::{HostingOutcome, QualificationStep, QualifiedNumber};
pub use wait::{QualificationOutcome, QualificationWait};

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
    /// [`ErrorKind::NotFound`].
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
                |raw| about(number, raw),
            )
            .await
    }

    /// Removes a qualified number from the project. An unknown one gives
    /// [`ErrorKind::NotFound`].
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

    /// Submits numbers whose ownership is proven by invoice, all in one
    /// call; then e-mail the invoices to Sinch, whose review takes one to
    /// three days ([`wait`](Self::wait) follows it). Returns the numbers as
    /// recorded.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] before
    /// sending when there are no numbers, one is listed twice, or one is
    /// outside the US and Canada; otherwise the server's error (a number
    /// already submitted is refused by the service). Not retried once the
    /// request may have arrived.
    pub async fn add(
        &self,
        numbers: impl IntoIterator<Item = PhoneNumber>,
    ) -> Result<Vec<QualifiedNumber>> {
        let numbers: Vec<PhoneNumber> = numbers.into_iter().collect();
        if numbers.is_empty() {
            return Err(InputError::Missing(Setting::PhoneNumbers).into());
        }
        for (i, number) in numbers.iter().enumerate() {
            if numbers[..i].contains(number) {
                return Err(InputError::invalid(
                    Setting::PhoneNumbers,
                    format!("{number} is listed twice"),
                )
                .into());
            }
            requests::region_of(number, None)?;
        }
        let body = sinch_imported_numbers_api::types::BatchCreateQualifiedNumbersRequest {
            phone_numbers: numbers.iter().map(|n| n.as_str().to_owned()).collect(),
        };
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .add_qualified_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                |raw| {
                    raw.qualified_numbers
                        .unwrap_or_default()
                        .into_iter()
                        .map(QualifiedNumber::from_wire)
                        .collect()
                },
            )
            .await
    }

    /// Has Sinch call the number and read out a code; send it back with
    /// [`verify_voice_challenge`](Self::verify_voice_challenge). Returns the
    /// number, now waiting for the code.
    ///
    /// # Errors
    /// The server's error: an unknown number is
    /// [`NotFound`](crate::ErrorKind::NotFound); one that cannot take a
    /// challenge (not eligible, blocked, already verified) is refused.
    pub async fn send_voice_challenge(&self, number: &PhoneNumber) -> Result<QualifiedNumber> {
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .send_voice_challenge()
                        .project_id(&handle.project_id)
                        .phone_number(number.as_str())
                        .send()
                },
                |raw| about(number, raw),
            )
            .await
    }

    /// Sends back the code the voice call read out. Returns the number
    /// after the check: `..._VERIFIED` when the code was right,
    /// `..._VERIFICATION_FAILED` (or `_BLOCKED` after repeated failures)
    /// when not; a wrong code is an answer, not an error.
    ///
    /// # Errors
    /// [`ErrorKind::InvalidInput`] naming
    /// [`Setting::VoiceCode`] before sending when the code is empty or
    /// holds whitespace or control characters; otherwise the server's error
    /// (no challenge pending, unknown number).
    pub async fn verify_voice_challenge(
        &self,
        number: &PhoneNumber,
        code: &str,
    ) -> Result<QualifiedNumber> {
        check_voice_code(code)?;
        let body = sinch_imported_numbers_api::types::VerifyVoiceChallengeRequest {
            code: code.to_owned(),
        };
        let handle = &self.handle;
        handle
            .call_then(
                // The code is used up by the first check: a repeat fails.
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .verify_voice_challenge()
                        .project_id(&handle.project_id)
                        .phone_number(number.as_str())
                        .body(body.clone())
                        .send()
                },
                |raw| about(number, raw),
            )
            .await
    }

    /// Opens a text-enable hosting order for qualified numbers (at most
    /// [`QUALIFIED_TEXT_ENABLE_LIMIT`]); returns the order's id, which
    /// [`HostingOrders::get`](crate::HostingOrders::get) and
    /// [`HostingOrders::wait`](crate::HostingOrders::wait) take.
    ///
    /// # Errors
    /// As [`HostingOrders::text_enable`](crate::HostingOrders::text_enable),
    /// plus more than the limit refused before sending; an answer without
    /// an order id is [`Decode`](crate::ErrorKind::Decode).
    pub async fn text_enable(&self, request: &TextEnable) -> Result<String> {
        let body = request.to_wire(Some(QUALIFIED_TEXT_ENABLE_LIMIT))?;
        let handle = &self.handle;
        handle
            .call_then(
                Idempotency::NotIdempotent,
                || {
                    handle
                        .api
                        .text_enable_qualified_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                |raw| match raw.hosting_order_id.filter(|id| !id.is_empty()) {
                    Some(id) => Ok(id),
                    None => Err(Error::new(
                        ErrorKind::Decode,
                        "the answer to a text-enable call has no hostingOrderId",
                    )),
                },
            )
            .await
    }

    /// [`text_enable`](Self::text_enable) for any number of numbers: split
    /// into orders of at most [`QUALIFIED_TEXT_ENABLE_LIMIT`] (never mixing
    /// regions), with one outcome per number; see
    /// [`HostingOrders::import_numbers_in_batches`](crate::HostingOrders::import_numbers_in_batches).
    pub async fn text_enable_in_batches(&self, request: &TextEnable) -> BatchReport {
        let named = request.named_region();
        batches::run(
            request.numbers().to_vec(),
            QUALIFIED_TEXT_ENABLE_LIMIT,
            |n| requests::region_of(n, named),
            |batch| {
                let request = request.with_numbers(batch);
                async move { self.text_enable(&request).await }
            },
        )
        .await
    }

    /// Opens a text-enable order for qualified toll-free numbers.
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
                        .text_enable_qualified_toll_free_numbers()
                        .project_id(&handle.project_id)
                        .body(body.clone())
                        .send()
                },
                HostingOrder::from_wire,
            )
            .await
    }

    /// Waits for a number's qualification to settle; see
    /// [`QualificationWait`] for the defaults and [`QualificationOutcome`]
    /// for the endings.
    pub fn wait(&self, number: &PhoneNumber) -> QualificationWait {
        QualificationWait::new(self.handle.clone(), number.clone())
    }
}

/// Checks a voice challenge's code as [`QualifiedNumbers::verify_voice_challenge`]
/// does before sending it: not empty, no whitespace or control characters
/// (the code is sent exactly as given, never trimmed).
///
/// # Errors
/// [`InputError`] naming [`Setting::VoiceCode`].
pub fn check_voice_code(code: &str) -> std::result::Result<(), InputError> {
    if code.is_empty() {
        return Err(InputError::Missing(Setting::VoiceCode));
    }
    if code.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(InputError::invalid(
            Setting::VoiceCode,
            format!("{code:?} holds spaces or control characters; send the code as heard"),
        ));
    }
    Ok(())
}

/// The answer must be about the number asked for.
fn about(
    number: &PhoneNumber,
    raw: sinch_imported_numbers_api::types::QualifiedNumber,
) -> Result<QualifiedNumber> {
    answer_about(
        "qualified number",
        number.as_str(),
        QualifiedNumber::from_wire(raw)?,
        |n| n.phone_number().as_str(),
    )
}
