//! Where a number's provisioning stands: typed views over the wire body.
//!
//! SMS provisioning and 10DLC campaign linking complete asynchronously after
//! an import or a (re)link. The API reports it in three places, each with its
//! own view here: the pending change (`smsConfiguration.scheduledProvisioning`),
//! each service's outcome (`smsProvisioning`, `campaignProvisioning`) and each
//! carrier's configuration (`mnoConfiguration`). The views borrow from the
//! number, so reading them costs nothing.

use sinch_imported_numbers_api::types;

use super::non_empty;
use crate::core::carrier::{Carrier, CarrierState};
use crate::types::{
    ProvisioningServiceType, ProvisioningType, ScheduledProvisioningStatus, SmsErrorCode, State,
    Timestamp,
};

/// Where a number's provisioning stands; from [`ImportedNumber::provisioning`](crate::ImportedNumber::provisioning).
#[derive(Clone, Copy, Debug)]
pub struct Provisioning<'a> {
    raw: &'a types::ImportedNumber,
}

/// The summary of a number's provisioning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProvisioningOutcome {
    /// A change is waiting or in progress.
    Pending,
    /// The last change failed; see [`Provisioning::pending`] for its error
    /// codes and the service states for their messages.
    Failed,
    /// Nothing is pending and nothing failed.
    Settled,
}

impl<'a> Provisioning<'a> {
    pub(super) fn new(raw: &'a types::ImportedNumber) -> Self {
        Provisioning { raw }
    }

    /// The change being applied, when the server reports one.
    pub fn pending(&self) -> Option<PendingChange<'a>> {
        let raw = self
            .raw
            .sms_configuration
            .as_ref()?
            .scheduled_provisioning
            .as_ref()?;
        Some(PendingChange { raw })
    }

    /// The SMS service plan's provisioning.
    pub fn sms(&self) -> Option<ServiceState<'a>> {
        let raw = &self.raw.sms_provisioning.as_ref()?.0;
        Some(ServiceState { raw })
    }

    /// The 10DLC campaign's provisioning.
    pub fn campaign(&self) -> Option<ServiceState<'a>> {
        let raw = &self.raw.campaign_provisioning.as_ref()?.0;
        Some(ServiceState { raw })
    }

    /// One carrier's configuration, when the server reports it.
    pub fn carrier(&self, carrier: Carrier) -> Option<CarrierState<'a>> {
        let mno = self.raw.mno_configuration.as_ref()?;
        let raw = match carrier {
            Carrier::SmsAtt => mno.sms_att.as_ref(),
            Carrier::SmsTmo => mno.sms_tmo.as_ref(),
            Carrier::MmsAtt => mno.mms_att.as_ref(),
            Carrier::MmsTmo => mno.mms_tmo.as_ref(),
        }?;
        Some(CarrierState::imported(carrier, raw))
    }

    /// Every carrier configuration the server reports.
    pub fn carriers(&self) -> impl Iterator<Item = CarrierState<'a>> + 'a {
        let this = *self;
        Carrier::ALL
            .into_iter()
            .filter_map(move |c| this.carrier(c))
    }

    /// The summary: pending while the pending change or a service is waiting
    /// or in progress; failed when either reports a failure; settled
    /// otherwise. A status this SDK does not know counts as pending, so a
    /// poller keeps watching rather than declaring success.
    pub fn outcome(&self) -> ProvisioningOutcome {
        use ScheduledProvisioningStatus as P;
        let mut failed = false;
        if let Some(status) = self.pending().and_then(|p| p.status()) {
            match status {
                P::Waiting | P::InProgress | P::Unknown(_) => return ProvisioningOutcome::Pending,
                P::Failed => failed = true,
                _ => {}
            }
        }
        for state in [self.sms(), self.campaign()]
            .iter()
            .flatten()
            .filter_map(|s| s.state())
        {
            match state {
                State::Waiting | State::InProgress | State::Unknown(_) => {
                    return ProvisioningOutcome::Pending
                }
                State::Failed => failed = true,
                _ => {}
            }
        }
        if failed {
            ProvisioningOutcome::Failed
        } else {
            ProvisioningOutcome::Settled
        }
    }
}

/// The change being applied to a number (`smsConfiguration.scheduledProvisioning`).
#[derive(Clone, Copy, Debug)]
pub struct PendingChange<'a> {
    raw: &'a types::ScheduledProvisioning,
}

impl<'a> PendingChange<'a> {
    /// Its status, when the server sent one.
    pub fn status(&self) -> Option<&'a ScheduledProvisioningStatus> {
        self.raw.status.as_ref()
    }

    /// Why it failed (empty when it did not, or when the server sent `null`).
    pub fn error_codes(&self) -> &'a [SmsErrorCode] {
        self.raw.error_codes.as_deref().unwrap_or_default()
    }

    /// The service plan being linked.
    pub fn service_plan_id(&self) -> Option<&'a str> {
        non_empty(&self.raw.service_plan_id)
    }

    /// The campaign being linked.
    pub fn campaign_id(&self) -> Option<&'a str> {
        non_empty(&self.raw.campaign_id)
    }

    /// When the status last changed.
    pub fn last_updated(&self) -> Option<&'a Timestamp> {
        self.raw.last_updated_time.as_ref()
    }
}

/// One service's provisioning (`smsProvisioning` or `campaignProvisioning`).
#[derive(Clone, Copy, Debug)]
pub struct ServiceState<'a> {
    raw: &'a types::ProvisioningStatus,
}

impl<'a> ServiceState<'a> {
    /// Its state, when the server sent one.
    pub fn state(&self) -> Option<&'a State> {
        self.raw.state.as_ref()
    }

    /// The kind of service (SMS or campaign).
    pub fn service_type(&self) -> Option<&'a ProvisioningServiceType> {
        self.raw.service_type.as_ref()
    }

    /// The service plan or campaign id.
    pub fn service_id(&self) -> Option<&'a str> {
        non_empty(&self.raw.service_id)
    }

    /// Whether the number is being linked or unlinked.
    pub fn operation(&self) -> Option<&'a ProvisioningType> {
        self.raw.type_.as_ref()
    }

    /// The error code, when it failed (the server sends `""` otherwise).
    pub fn error_code(&self) -> Option<&'a str> {
        non_empty(&self.raw.error_code)
    }

    /// The error message, when it failed.
    pub fn error_message(&self) -> Option<&'a str> {
        non_empty(&self.raw.error_message)
    }

    /// When the state last changed.
    pub fn updated(&self) -> Option<&'a Timestamp> {
        self.raw.update_time.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ImportedNumber;

    fn number(json: serde_json::Value) -> ImportedNumber {
        let mut json = json;
        json["phoneNumber"] = "+12065550134".into();
        ImportedNumber::from_wire(serde_json::from_value(json).unwrap()).unwrap()
    }

    #[test]
    fn a_pending_change_reads_with_its_codes() {
        let n = number(
            serde_json::json!({"smsConfiguration": {"scheduledProvisioning": {
            "status": "FAILED", "errorCodes": ["CAMPAIGN_NOT_AVAILABLE", "SOMETHING_NEW"],
            "campaignId": "c1", "lastUpdatedTime": "2024-07-23T14:02:14.415637289"}}}),
        );
        let pending = n.provisioning().pending().unwrap();
        assert_eq!(pending.status(), Some(&ScheduledProvisioningStatus::Failed));
        assert_eq!(
            pending.error_codes(),
            &[
                SmsErrorCode::CampaignNotAvailable,
                SmsErrorCode::Unknown("SOMETHING_NEW".into())
            ]
        );
        assert_eq!(pending.campaign_id(), Some("c1"));
        assert!(pending.last_updated().unwrap().instant().is_some());
        assert_eq!(n.provisioning().outcome(), ProvisioningOutcome::Failed);
    }

    #[test]
    fn outcome_follows_the_pending_change_and_the_services() {
        let outcome = |json| number(json).provisioning().outcome();
        assert_eq!(outcome(serde_json::json!({})), ProvisioningOutcome::Settled);
        assert_eq!(
            outcome(
                serde_json::json!({"smsConfiguration": {"scheduledProvisioning": {"status": "IN_PROGRESS", "errorCodes": null}}})
            ),
            ProvisioningOutcome::Pending
        );
        assert_eq!(
            outcome(
                serde_json::json!({"smsProvisioning": {"state": "WAITING"}, "campaignProvisioning": {"state": "FAILED"}})
            ),
            ProvisioningOutcome::Pending
        );
        assert_eq!(
            outcome(
                serde_json::json!({"smsProvisioning": {"state": "DONE"}, "campaignProvisioning": {"state": "FAILED", "errorCode": "X"}})
            ),
            ProvisioningOutcome::Failed
        );
        assert_eq!(
            outcome(serde_json::json!({"smsProvisioning": {"state": "STATE_UNSPECIFIED"}})),
            ProvisioningOutcome::Settled
        );
        assert_eq!(
            outcome(serde_json::json!({"smsProvisioning": {"state": "PAUSED"}})),
            ProvisioningOutcome::Pending,
            "an unknown state is watched, not taken as done"
        );
    }

    #[test]
    fn carriers_read_in_order_with_empty_errors_as_none() {
        let n = number(serde_json::json!({"mnoConfiguration": {
            "smsTmo": {"state": "FAILED", "errorCode": "E1", "errorMessage": "no", "updateTime": ""},
            "smsAtt": {"state": "STATE_UNSPECIFIED", "errorCode": "", "operation": "PROVISIONING"}}}));
        let carriers: Vec<_> = n.provisioning().carriers().collect();
        assert_eq!(carriers.len(), 2);
        assert_eq!(carriers[0].carrier(), Carrier::SmsAtt);
        assert_eq!(carriers[0].error_code(), None);
        assert_eq!(carriers[0].state(), Some(&State::StateUnspecified));
        assert_eq!(carriers[1].error_message(), Some("no"));
        assert_eq!(carriers[1].updated().unwrap().instant(), None);
        assert!(n.provisioning().carrier(Carrier::MmsAtt).is_none());
    }
}
