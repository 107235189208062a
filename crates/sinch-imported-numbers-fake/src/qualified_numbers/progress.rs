//! How qualified numbers move without a caller asking: the eligibility
//! check and the invoice review of numbers added through the API (worked
//! out from the clock when the project is read), approving invoices at
//! once, and the hosting of numbers by qualified-number text-enable orders.
//!
//! With `check` the eligibility delay: a number added at `t` is
//! `..._ELIGIBLE_CHECK_PENDING` until `t + check`, then `..._ELIGIBLE` (or
//! `..._NOT_ELIGIBLE` when chosen so). An eligible number that never had a
//! voice challenge is `..._VERIFIED` at `t + check + review`, when invoices
//! are reviewed automatically.

use std::time::{Duration, Instant};

use sinch_imported_numbers_api::open_enum::{GlobalProcessState, HostingStatus, State};
use sinch_imported_numbers_api::types::QualifiedNumberHosting;

use crate::problem::Problem;
use crate::qualified_numbers::store::{now as timestamp_now, step, QualifiedNumbers};

/// What the fake writes in `osrEligibility.error` for a number chosen not
/// to be eligible.
pub(crate) const NOT_ELIGIBLE: &str =
    "the number's carrier does not allow its OSR record to be updated";

/// How long the steps of a qualified number's own path take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Qualification {
    /// The eligibility check.
    pub check: Duration,
    /// The invoice review after the check; `None`: never automatic.
    pub review: Option<Duration>,
}

impl QualifiedNumbers {
    /// From now on, numbers added as `phone` fail their eligibility check.
    pub(crate) fn make_not_eligible(&mut self, phone: &str) {
        self.not_eligible.insert(phone.to_owned());
    }

    /// Whether `project_id` has numbers still on their own path.
    pub(crate) fn is_moving(&self, project_id: &str) -> bool {
        self.moving.contains_key(project_id)
    }

    /// Brings the numbers of `project_id` added through the API to where
    /// they stand at `now`. The result of the eligibility check wins over a
    /// voice challenge sent before it came.
    pub(crate) fn settle(&mut self, project_id: &str, now: Instant, timing: Qualification) {
        use GlobalProcessState as G;
        let Some(phones) = self.moving.remove(project_id) else {
            return;
        };
        let mut still = phones.clone();
        for phone in phones {
            let seq = self.seq + 1;
            let Some(record) = self
                .projects
                .get_mut(project_id)
                .and_then(|p| p.get_mut(&phone))
            else {
                still.remove(&phone);
                continue;
            };
            let Some(mut flow) = record.flow else {
                still.remove(&phone);
                continue;
            };
            let checked_at = flow.added + timing.check;
            let mut changed = false;
            if !flow.checked && now >= checked_at {
                flow.checked = true;
                changed = true;
                let state = record.number.global_process_state.clone();
                if flow.not_eligible {
                    record.code = None;
                    record.number.global_process_state = Some(G::NotEligible);
                    record.number.osr_eligibility = Some(step(State::Failed, NOT_ELIGIBLE));
                } else {
                    record.number.osr_eligibility = Some(step(State::Done, ""));
                    if state == Some(G::EligibleCheckPending) {
                        record.number.global_process_state = Some(G::Eligible);
                    }
                }
            }
            let eligible = record.number.global_process_state == Some(G::Eligible);
            let on_invoices = flow.checked && eligible && !record.voice;
            match timing.review {
                Some(review) if on_invoices && now >= checked_at + review => {
                    changed = true;
                    record.number.global_process_state = Some(G::Verified);
                    record.number.ownership_verification = Some(step(State::Done, ""));
                    still.remove(&phone);
                }
                Some(_) if on_invoices => {}
                _ if flow.checked => {
                    still.remove(&phone);
                }
                _ => {}
            }
            record.flow = Some(flow);
            if changed {
                record.updated = seq;
                record.number.updated_time = Some(timestamp_now());
                self.seq = seq;
            }
        }
        if !still.is_empty() {
            self.moving.insert(project_id.to_owned(), still);
        }
    }

    /// Approves `phone`'s invoices now: an eligible number, or one whose
    /// voice challenge is pending or failed, is verified. `false` for any
    /// other state or an unknown number.
    pub(crate) fn approve_invoices(&mut self, project_id: &str, phone: &str) -> bool {
        use GlobalProcessState as G;
        let ready = self.get(project_id, phone).is_ok_and(|n| {
            matches!(
                n.global_process_state,
                Some(G::Eligible | G::VerificationPending | G::VerificationFailed)
            )
        });
        if !ready {
            return false;
        }
        let Ok(record) = self.record_mut(project_id, phone) else {
            return false;
        };
        record.code = None;
        record.number.global_process_state = Some(G::Verified);
        record.number.ownership_verification = Some(step(State::Done, ""));
        true
    }

    /// A 400 naming every number of `phones` that is not a verified
    /// qualified number of the project.
    pub(crate) fn check_verified(
        &self,
        project_id: &str,
        phones: &[String],
    ) -> Result<(), Problem> {
        let unverified: Vec<&str> = phones
            .iter()
            .filter(|phone| {
                self.get(project_id, phone).map_or(true, |n| {
                    n.global_process_state != Some(GlobalProcessState::Verified)
                })
            })
            .map(String::as_str)
            .collect();
        if unverified.is_empty() {
            return Ok(());
        }
        Err(Problem::failed_precondition(format!(
            "only verified qualified numbers of the project can be text-enabled; not verified: {}",
            unverified.join(", ")
        )))
    }

    /// Puts numbers checked by [`check_verified`](Self::check_verified)
    /// into `..._HOSTING_IN_PROGRESS`.
    pub(crate) fn start_hosting(&mut self, project_id: &str, phones: &[String]) {
        for phone in phones {
            if let Ok(record) = self.record_mut(project_id, phone) {
                record.number.global_process_state = Some(GlobalProcessState::HostingInProgress);
            }
        }
    }

    /// Ends the hosting of `phone`: `..._HOSTING_DONE` (hosting status 1),
    /// or `..._HOSTING_FAILED` (status 2) with `error`. Only a number still
    /// being hosted changes.
    pub(crate) fn finish_hosting(&mut self, project_id: &str, phone: &str, error: Option<&str>) {
        let hosting = self
            .get(project_id, phone)
            .is_ok_and(|n| n.global_process_state == Some(GlobalProcessState::HostingInProgress));
        if !hosting {
            return;
        }
        let Ok(record) = self.record_mut(project_id, phone) else {
            return;
        };
        let (state, status) = match error {
            None => (GlobalProcessState::HostingDone, HostingStatus::Hosted),
            Some(_) => (GlobalProcessState::HostingFailed, HostingStatus::Failed),
        };
        record.number.global_process_state = Some(state);
        record.number.hosted_number = Some(QualifiedNumberHosting {
            status: Some(status),
            error: Some(error.unwrap_or("").to_owned()),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qualified_numbers::store::QualifiedNumberSeed;

    const D: Duration = Duration::from_millis(10);

    fn state(store: &QualifiedNumbers, phone: &str) -> GlobalProcessState {
        store
            .get("p", phone)
            .unwrap()
            .global_process_state
            .clone()
            .unwrap()
    }

    #[test]
    fn eligibility_then_invoices() {
        let mut store = QualifiedNumbers::default();
        store.make_not_eligible("+12065550102");
        let phones: Vec<String> = ["+12065550100", "+12065550101", "+12065550102"]
            .map(String::from)
            .to_vec();
        let start = Instant::now();
        store.add("p", &phones, start).unwrap();
        let timing = Qualification {
            check: D,
            review: Some(D * 4),
        };
        store.settle("p", start + D / 2, timing);
        assert_eq!(
            state(&store, &phones[0]),
            GlobalProcessState::EligibleCheckPending
        );
        store.settle("p", start + D, timing);
        assert_eq!(state(&store, &phones[0]), GlobalProcessState::Eligible);
        assert_eq!(state(&store, &phones[2]), GlobalProcessState::NotEligible);
        let refused = store.get("p", &phones[2]).unwrap();
        assert_eq!(
            refused.osr_eligibility.as_ref().unwrap().status,
            Some(State::Failed)
        );
        // A voice challenge takes the second number off the invoice path.
        store.send_challenge("p", &phones[1]).unwrap();
        store.settle("p", start + D * 5, timing);
        assert_eq!(state(&store, &phones[0]), GlobalProcessState::Verified);
        assert_eq!(
            state(&store, &phones[1]),
            GlobalProcessState::VerificationPending
        );
        assert!(store.moving.is_empty());
    }

    #[test]
    fn invoices_approved_by_hand_and_hosting() {
        let mut store = QualifiedNumbers::default();
        let phone = "+12065550100".to_owned();
        store
            .add("p", std::slice::from_ref(&phone), Instant::now())
            .unwrap();
        let manual = Qualification {
            check: D,
            review: None,
        };
        assert!(!store.approve_invoices("p", &phone), "not eligible yet");
        store.settle("p", Instant::now() + D * 100, manual);
        assert_eq!(state(&store, &phone), GlobalProcessState::Eligible);
        assert!(store
            .check_verified("p", std::slice::from_ref(&phone))
            .is_err());
        assert!(store.approve_invoices("p", &phone));
        assert!(!store.approve_invoices("p", &phone), "already verified");
        let both = vec![phone.clone(), "+12065550199".to_owned()];
        let message = store.check_verified("p", &both).unwrap_err().message;
        assert!(message.ends_with("not verified: +12065550199"), "{message}");
        store.start_hosting("p", std::slice::from_ref(&phone));
        assert_eq!(state(&store, &phone), GlobalProcessState::HostingInProgress);
        store.finish_hosting("p", &phone, Some("it broke"));
        let failed = store.get("p", &phone).unwrap();
        assert_eq!(
            failed.global_process_state,
            Some(GlobalProcessState::HostingFailed)
        );
        assert_eq!(
            failed.hosted_number.as_ref().unwrap().status,
            Some(HostingStatus::Failed)
        );
        store.seed(
            "p",
            QualifiedNumberSeed::new("+12065550101", GlobalProcessState::Verified),
        );
        store.finish_hosting("p", "+12065550101", None);
        assert_eq!(state(&store, "+12065550101"), GlobalProcessState::Verified);
    }
}
