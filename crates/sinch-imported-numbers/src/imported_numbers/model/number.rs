//! [`ImportedNumber`]: one imported number as the API returns it.

use sinch_imported_numbers_api::types;

use super::{non_empty, Provisioning};
use crate::error::Result;
use crate::{PhoneNumber, Region};

/// A phone number imported into a project, as the API returns it.
///
/// Read it through the accessors: absent and empty fields are `None`. The
/// provisioning state (pending change, per-service and per-carrier states) is
/// under [`provisioning`](Self::provisioning).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct ImportedNumber {
    phone_number: PhoneNumber,
    /// Boxed: the wire body is over a kilobyte, and a number is moved several
    /// times on its way through a page and the item stream.
    raw: Box<types::ImportedNumber>,
}

impl ImportedNumber {
    /// Checks a body the server returned. Everything is tolerated except a
    /// missing or malformed phone number: such a body is not an imported
    /// number, whatever its status.
    pub(crate) fn from_wire(raw: types::ImportedNumber) -> Result<Self> {
        let phone_number =
            PhoneNumber::of_answer("an imported number", raw.phone_number.as_deref())?;
        Ok(ImportedNumber {
            phone_number,
            raw: Box::new(raw),
        })
    }

    /// The number, in E.164 form.
    pub fn phone_number(&self) -> &PhoneNumber {
        &self.phone_number
    }

    /// The project the number belongs to.
    pub fn project_id(&self) -> Option<&str> {
        non_empty(&self.raw.project_id)
    }

    /// The number's region, when the server sent one this SDK knows (`US`, `CA`).
    pub fn region(&self) -> Option<Region> {
        self.region_code()?.parse().ok()
    }

    /// The region code exactly as the server sent it.
    pub fn region_code(&self) -> Option<&str> {
        non_empty(&self.raw.region_code)
    }

    /// The name shown for the number.
    pub fn display_name(&self) -> Option<&str> {
        non_empty(&self.raw.display_name)
    }

    /// The SMS service plan the number is linked to.
    pub fn service_plan_id(&self) -> Option<&str> {
        non_empty(&self.raw.sms_configuration.as_ref()?.service_plan_id)
    }

    /// The 10DLC campaign the number is linked to.
    pub fn campaign_id(&self) -> Option<&str> {
        non_empty(&self.raw.sms_configuration.as_ref()?.campaign_id)
    }

    /// The URL Sinch calls with provisioning events for this number.
    pub fn callback_url(&self) -> Option<&str> {
        non_empty(&self.raw.callback_url)
    }

    /// Whether the number is assigned to another aggregator on T-Mobile's
    /// platform and must be migrated to Sinch, when the server says.
    pub fn migrate_to_sinch_tmo(&self) -> Option<bool> {
        self.raw.sms_configuration.as_ref()?.migrate_to_sinch_tmo
    }

    /// Where provisioning stands: the pending change, each service's state
    /// and each carrier's.
    pub fn provisioning(&self) -> Provisioning<'_> {
        Provisioning::new(&self.raw)
    }

    /// The body exactly as decoded from the wire.
    ///
    /// An escape hatch: the generated type follows the spec and is **not**
    /// covered by this crate's semver guarantees.
    pub fn raw(&self) -> &types::ImportedNumber {
        &self.raw
    }

    /// Consumes the number, returning the decoded wire body (see [`raw`](Self::raw)).
    pub fn into_raw(self) -> types::ImportedNumber {
        *self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn decode(json: serde_json::Value) -> Result<ImportedNumber> {
        ImportedNumber::from_wire(serde_json::from_value(json).unwrap())
    }

    #[test]
    fn empty_and_absent_fields_read_as_none() {
        let n = decode(serde_json::json!({
            "phoneNumber": "+12065550134", "displayName": "", "regionCode": "US",
            "smsConfiguration": {"servicePlanId": "", "campaignId": "c"}
        }))
        .unwrap();
        assert_eq!(n.phone_number().as_str(), "+12065550134");
        assert_eq!(n.display_name(), None);
        assert_eq!(n.service_plan_id(), None);
        assert_eq!(n.campaign_id(), Some("c"));
        assert_eq!(n.region(), Some(Region::Us));
        assert_eq!(n.callback_url(), None);
    }

    #[test]
    fn a_body_without_a_phone_number_is_a_decode_error() {
        for body in [
            serde_json::json!({}),
            serde_json::json!({"status": "ok"}),
            serde_json::json!({"phoneNumber": ""}),
            serde_json::json!({"phoneNumber": "12065550134"}),
        ] {
            let err = decode(body.clone()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{body}");
            assert!(err.to_string().contains("not an imported number"), "{err}");
        }
    }

    #[test]
    fn numbers_the_server_holds_are_accepted_beyond_the_area_code_table() {
        // 200 is not an area code in service; the server holds it anyway.
        let n = decode(serde_json::json!({"phoneNumber": "+12005550134"})).unwrap();
        assert_eq!(n.phone_number().as_str(), "+12005550134");
        assert_eq!(n.region(), None);
    }
}
