//! Service plan and campaign links, shared by imports and updates.

use sinch_imported_numbers_api::types;

use crate::error::{InputError, Setting};

/// A service plan or campaign id to link to must not be blank.
pub(crate) fn check_link_id(setting: Setting, id: &str) -> Result<(), InputError> {
    if id.trim().is_empty() {
        return Err(InputError::invalid(
            setting,
            "is empty; to unlink, use the update builder's unlink methods",
        ));
    }
    Ok(())
}

/// The `smsConfiguration` of an import, carrying just the links given. The
/// API requires the object even when it links nothing.
pub(crate) fn sms_configuration(
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
) -> types::SmsConfiguration {
    types::SmsConfiguration {
        service_plan_id,
        campaign_id,
        ..Default::default()
    }
}
