//! Service plan and campaign links, shared by imports and updates.

use sinch_imported_numbers_api::types;

use crate::error::InputError;

/// A service plan or campaign id to link to must not be blank.
pub(crate) fn check_link_id(name: &'static str, id: &str) -> Result<(), InputError> {
    if id.trim().is_empty() {
        return Err(InputError::Invalid {
            name,
            reason: "is empty; to unlink, use the update builder's unlink methods".into(),
        });
    }
    Ok(())
}

/// The `smsConfiguration` carrying just the links that were given, or none.
pub(crate) fn sms_configuration(
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
) -> Option<types::SmsConfiguration> {
    (service_plan_id.is_some() || campaign_id.is_some()).then(|| types::SmsConfiguration {
        service_plan_id,
        campaign_id,
        ..Default::default()
    })
}
