//! What to import: a number and its initial settings.

use sinch_imported_numbers_api::types;

use super::links;
use crate::error::{InputError, Result, Setting};
use crate::{PhoneNumber, Region};

/// A number to import, with the settings it should start with.
///
/// The region (`US` or `CA`) is inferred from the area code unless set with
/// [`region`](Self::region); numbers outside the US and Canada are rejected
/// before sending, since the API supports only those two. The API requires
/// the region and an `smsConfiguration`; both are always sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberImport {
    number: PhoneNumber,
    region: Option<Region>,
    display_name: Option<String>,
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
    callback_url: Option<String>,
}

impl NumberImport {
    /// Import `number` with no display name and no SMS configuration.
    pub fn new(number: PhoneNumber) -> Self {
        NumberImport {
            number,
            region: None,
            display_name: None,
            service_plan_id: None,
            campaign_id: None,
            callback_url: None,
        }
    }

    /// The number to import.
    pub fn number(&self) -> &PhoneNumber {
        &self.number
    }

    /// Overrides the region inferred from the area code.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The name shown for the number.
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Links the number to this SMS service plan.
    pub fn service_plan_id(mut self, id: impl Into<String>) -> Self {
        self.service_plan_id = Some(id.into());
        self
    }

    /// Links the number to this campaign.
    pub fn campaign_id(mut self, id: impl Into<String>) -> Self {
        self.campaign_id = Some(id.into());
        self
    }

    /// The URL Sinch calls when the import finishes.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Checks every field as [`Client::import`](crate::Client::import) would,
    /// without sending anything (for a dry run over a file of numbers).
    pub fn check(&self) -> Result<()> {
        self.clone().into_body().map(|_| ())
    }

    /// The request body, after checking every field.
    pub(crate) fn into_body(self) -> Result<types::CreateImportedNumberRequest> {
        let region = self
            .region
            .or_else(|| self.number.region())
            .ok_or_else(|| InputError::UnsupportedRegion {
                number: self.number.to_string(),
            })?;
        if let Some(id) = &self.service_plan_id {
            links::check_link_id(Setting::ServicePlanId, id)?;
        }
        if let Some(id) = &self.campaign_id {
            links::check_link_id(Setting::CampaignId, id)?;
        }
        if let Some(url) = &self.callback_url {
            crate::core::check_callback_url(url)?;
        }
        Ok(types::CreateImportedNumberRequest {
            phone_number: self.number.to_string(),
            region_code: region.code().to_owned(),
            display_name: self.display_name,
            sms_configuration: links::sms_configuration(self.service_plan_id, self.campaign_id),
            callback_url: self.callback_url,
            project_id: None,
            mno_configuration: None,
            sms_provisioning: None,
            campaign_provisioning: None,
        })
    }
}

impl From<PhoneNumber> for NumberImport {
    fn from(number: PhoneNumber) -> Self {
        NumberImport::new(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap()
    }

    #[test]
    fn body_has_inferred_region_and_only_given_fields() {
        let body = NumberImport::new(number("+14165550134"))
            .display_name("Desk")
            .service_plan_id("plan")
            .into_body()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"phoneNumber": "+14165550134", "regionCode": "CA", "displayName": "Desk",
                               "smsConfiguration": {"servicePlanId": "plan"}})
        );
    }

    #[test]
    fn bad_input_is_rejected_before_sending() {
        let err = NumberImport::new(number("+46701234567"))
            .into_body()
            .unwrap_err();
        assert!(matches!(
            err.input_error(),
            Some(InputError::UnsupportedRegion { .. })
        ));
        let err = NumberImport::new(number("+12065550134"))
            .service_plan_id(" ")
            .into_body()
            .unwrap_err();
        assert_eq!(
            err.input_error().and_then(InputError::setting),
            Some(Setting::ServicePlanId)
        );
        let err = NumberImport::new(number("+12065550134"))
            .callback_url("nope")
            .into_body()
            .unwrap_err();
        assert_eq!(
            err.input_error().and_then(InputError::setting),
            Some(Setting::CallbackUrl)
        );
        let ok = NumberImport::new(number("+12425550134"))
            .region(Region::Us)
            .into_body()
            .unwrap();
        assert_eq!(ok.region_code, "US");
    }

    #[test]
    fn sms_configuration_is_always_sent() {
        let body = NumberImport::new(number("+12065550134"))
            .into_body()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"phoneNumber": "+12065550134", "regionCode": "US", "smsConfiguration": {}})
        );
    }
}
