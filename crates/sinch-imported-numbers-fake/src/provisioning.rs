//! Asynchronous provisioning, as the live service does it: after an import
//! or a (re)link the number shows a pending change that goes `WAITING` →
//! `IN_PROGRESS` → done (or `FAILED`), with each service's and carrier's
//! state following along.
//!
//! Nothing runs in the background for this: a change records when it
//! started, and its phase is worked out from the elapsed time whenever the
//! number is read ([`Timing`] sets the delays). Failures are chosen ahead by
//! rules ([`FailRule`]) matched when a change starts.

use std::time::{Duration, Instant};

use chrono::Utc;
use sinch_imported_numbers_api::open_enum::{
    MnoOperation, ProvisioningServiceType, ProvisioningType, ScheduledProvisioningStatus,
    SmsErrorCode, State,
};
use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types::{
    CampaignProvisioning, ImportedNumber, MnoConfiguration, MnoOperationStatus, ProvisioningStatus,
    ScheduledProvisioning, SmsProvisioning,
};

/// How long each phase of a change lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Timing {
    pub waiting: Duration,
    pub in_progress: Duration,
}

impl Timing {
    /// When a change that started at `started` is done.
    pub(crate) fn done_at(&self, started: Instant) -> Instant {
        started + self.waiting + self.in_progress
    }
}

/// Where a change stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Waiting,
    InProgress,
    Done,
    Failed,
}

impl Phase {
    pub(crate) fn is_final(self) -> bool {
        matches!(self, Phase::Done | Phase::Failed)
    }

    fn state(self) -> State {
        match self {
            Phase::Waiting => State::Waiting,
            Phase::InProgress => State::InProgress,
            Phase::Done => State::Done,
            Phase::Failed => State::Failed,
        }
    }
}

/// A change of a number's links, and how it will end.
#[derive(Clone, Debug)]
pub(crate) struct Pending {
    pub started: Instant,
    pub service_plan_id: String,
    pub campaign_id: String,
    /// `Some` when the change is set up to fail.
    pub failure: Option<Failure>,
}

/// How a change fails: its error codes, and which services fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Failure {
    pub codes: Vec<SmsErrorCode>,
    /// The SMS service plan's provisioning fails too (not only the campaign's).
    pub sms: bool,
}

impl Pending {
    pub(crate) fn phase(&self, now: Instant, timing: Timing) -> Phase {
        let elapsed = now.saturating_duration_since(self.started);
        if elapsed < timing.waiting {
            Phase::Waiting
        } else if elapsed < timing.waiting + timing.in_progress {
            Phase::InProgress
        } else if self.failure.is_some() {
            Phase::Failed
        } else {
            Phase::Done
        }
    }
}

/// What makes a change fail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FailWhen {
    Number(String),
    Campaign(String),
}

/// Changes matching `when` fail with `codes`.
#[derive(Clone, Debug)]
pub(crate) struct FailRule {
    pub when: FailWhen,
    pub codes: Vec<SmsErrorCode>,
}

/// How a change to `phone` linking `campaign` fails, if any rule matches: a
/// number rule fails every service, a campaign rule the campaign only.
pub(crate) fn failure_for(rules: &[FailRule], phone: &str, campaign: &str) -> Option<Failure> {
    rules.iter().find_map(|rule| match &rule.when {
        FailWhen::Number(n) if n == phone => Some(Failure {
            codes: rule.codes.clone(),
            sms: true,
        }),
        FailWhen::Campaign(c) if !campaign.is_empty() && c == campaign => Some(Failure {
            codes: rule.codes.clone(),
            sms: false,
        }),
        _ => None,
    })
}

/// Rewrites the read-only provisioning fields of `n` for its links and its
/// change (`None`: settled long ago).
pub(crate) fn render(n: &mut ImportedNumber, change: Option<(&Pending, Phase)>) {
    let now = Timestamp::from_instant(Utc::now());
    let phase = change.map_or(Phase::Done, |(_, phase)| phase);
    let failure = change.and_then(|(p, _)| p.failure.as_ref());
    let sms = n.sms_configuration.get_or_insert_with(Default::default);
    let plan = sms.service_plan_id.clone().unwrap_or_default();
    let campaign = sms.campaign_id.clone().unwrap_or_default();
    sms.scheduled_provisioning = match change {
        Some((pending, phase)) if phase != Phase::Done => Some(ScheduledProvisioning {
            status: Some(match phase {
                Phase::Waiting => ScheduledProvisioningStatus::Waiting,
                Phase::InProgress => ScheduledProvisioningStatus::InProgress,
                _ => ScheduledProvisioningStatus::Failed,
            }),
            service_plan_id: Some(pending.service_plan_id.clone()).filter(|p| !p.is_empty()),
            campaign_id: Some(pending.campaign_id.clone()).filter(|c| !c.is_empty()),
            last_updated_time: Some(now.clone()),
            error_codes: (phase == Phase::Failed)
                .then(|| failure.map(|f| f.codes.clone()).unwrap_or_default()),
        }),
        _ => None,
    };
    let (error_code, error_message) = match (phase, failure) {
        (Phase::Failed, Some(failure)) => (
            failure
                .codes
                .first()
                .map(|c| c.to_string())
                .unwrap_or_default(),
            format!(
                "provisioning failed: {}",
                failure
                    .codes
                    .iter()
                    .map(|c| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ),
        _ => (String::new(), String::new()),
    };
    // A service the failure does not reach finishes normally.
    let sms_fails = failure.is_some_and(|f| f.sms);
    let status = |service_type: ProvisioningServiceType, id: &str, reached: bool| {
        let (phase, code, message) = match (phase, reached) {
            (Phase::Failed, false) => (Phase::Done, String::new(), String::new()),
            _ => (phase, error_code.clone(), error_message.clone()),
        };
        ProvisioningStatus {
            service_type: Some(service_type),
            service_id: Some(id.to_owned()),
            type_: Some(ProvisioningType::Provisioning),
            state: Some(phase.state()),
            update_time: Some(now.clone()),
            error_code: Some(code),
            error_message: Some(message),
        }
    };
    n.sms_provisioning = (!plan.is_empty())
        .then(|| SmsProvisioning(status(ProvisioningServiceType::Sms, &plan, sms_fails)));
    n.campaign_provisioning = (!campaign.is_empty())
        .then(|| CampaignProvisioning(status(ProvisioningServiceType::Campaign, &campaign, true)));
    let carrier = MnoOperationStatus {
        state: Some(phase.state()),
        operation: Some(if campaign.is_empty() {
            MnoOperation::Deprovisioning
        } else {
            MnoOperation::Provisioning
        }),
        update_time: Some(now.clone()),
        error_code: Some(error_code.clone()),
        error_message: Some(error_message.clone()),
    };
    n.mno_configuration = Some(MnoConfiguration {
        sms_att: Some(carrier.clone()),
        sms_tmo: Some(carrier),
        mms_att: None,
        mms_tmo: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_follow_the_clock() {
        let timing = Timing {
            waiting: Duration::from_millis(10),
            in_progress: Duration::from_millis(20),
        };
        let start = Instant::now();
        let mut pending = Pending {
            started: start,
            service_plan_id: "p".into(),
            campaign_id: "c".into(),
            failure: None,
        };
        let at = |ms| start + Duration::from_millis(ms);
        assert_eq!(pending.phase(at(0), timing), Phase::Waiting);
        assert_eq!(pending.phase(at(15), timing), Phase::InProgress);
        assert_eq!(pending.phase(at(30), timing), Phase::Done);
        pending.failure = Some(Failure {
            codes: vec![SmsErrorCode::CampaignNotAvailable],
            sms: false,
        });
        assert_eq!(pending.phase(at(31), timing), Phase::Failed);
    }

    #[test]
    fn rules_match_numbers_and_campaigns() {
        let rules = [FailRule {
            when: FailWhen::Campaign("bad".into()),
            codes: vec![SmsErrorCode::CampaignExpired],
        }];
        assert_eq!(failure_for(&rules, "+1", "bad").map(|f| f.sms), Some(false));
        assert!(failure_for(&rules, "+1", "good").is_none());
        assert!(failure_for(&rules, "+1", "").is_none());
    }
}
