//! Imported numbers: numbers you own, imported into a project and linked to
//! an SMS service plan and campaign. The calls themselves are on
//! [`Client`](crate::Client) (`get`, `import`, `list`, `update`, `delete`,
//! `import_many`, `wait_for_provisioning`); this module holds what they
//! are made of.
//!
//! * `list.rs`: the listing filter; `update.rs`: partial updates and their
//!   field mask; `import.rs`: the import body; `bulk.rs`: many imports at
//!   once; `wait.rs`: waiting for provisioning; `links.rs`: service plan and
//!   campaign ids; `model/`: what the API returns.

pub(crate) mod bulk;
pub(crate) mod import;
pub(crate) mod links;
pub(crate) mod list;
pub(crate) mod model;
pub(crate) mod update;
pub(crate) mod wait;

use crate::core::adaptive::AdaptiveRate;
use crate::core::answer_about;
use crate::core::handle::{Handle, Idempotency};
use crate::error::Result;
use crate::{ImportedNumber, NumberImport, PhoneNumber};

/// Fetches one number.
pub(crate) async fn get(handle: &Handle, number: &PhoneNumber) -> Result<ImportedNumber> {
    get_in(handle, None, number).await
}

/// [`get`], as one call of `group` (its `429`s pause the whole group).
pub(crate) async fn get_in(
    handle: &Handle,
    group: Option<&AdaptiveRate>,
    number: &PhoneNumber,
) -> Result<ImportedNumber> {
    handle
        .call_in_group(
            group,
            Idempotency::Idempotent,
            || {
                handle
                    .direct
                    .get_imported_number(&handle.api, &handle.project_id, number.as_str())
            },
            |raw| {
                answer_about(
                    "imported number",
                    number.as_str(),
                    ImportedNumber::from_wire(raw)?,
                    |n| n.phone_number().as_str(),
                )
            },
        )
        .await
}

/// Imports one number, after checking it.
pub(crate) async fn import(handle: &Handle, import: NumberImport) -> Result<ImportedNumber> {
    import_in(handle, None, import).await
}

/// Imports one number as a call of `group` (a bulk import's shared rate),
/// or on its own.
pub(crate) async fn import_in(
    handle: &Handle,
    group: Option<&AdaptiveRate>,
    import: NumberImport,
) -> Result<ImportedNumber> {
    let number = import.number().clone();
    let body = import.into_body()?;
    let send = || {
        handle
            .api
            .import_number()
            .project_id(&handle.project_id)
            .body(body.clone())
            .send()
    };
    let read = |raw| {
        answer_about(
            "imported number",
            number.as_str(),
            ImportedNumber::from_wire(raw)?,
            |n| n.phone_number().as_str(),
        )
    };
    handle
        .call_in_group(group, Idempotency::NotIdempotent, send, read)
        .await
}

/// Deletes one number.
pub(crate) async fn delete(handle: &Handle, number: &PhoneNumber) -> Result<()> {
    handle
        .call(Idempotency::Idempotent, || {
            handle
                .api
                .delete_imported_number()
                .project_id(&handle.project_id)
                .phone_number(number.as_str())
                .send()
        })
        .await
}
