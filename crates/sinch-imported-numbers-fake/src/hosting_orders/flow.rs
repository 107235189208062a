//! The timeline of a hosting order opened through the API.
//!
//! As with provisioning, nothing runs in the background to move an order:
//! the order records when it was submitted, signed or rejected, and where
//! it and each of its numbers stand is worked out from the clock whenever
//! they are read. With `d` the flow delay:
//!
//! * `SUBMITTED` for `d`; then `WAITING_FOR_LOA_SIGNATURE` for a
//!   text-enable order under a direct or reseller letter, until it is
//!   signed; then `IN_PROGRESS` (an import order, or one under a blanket
//!   letter, goes straight there);
//! * once in progress, each number's tracks run one after the other, `d`
//!   each: the OSR update, the platform provisioning, and the campaign
//!   link when the order names a campaign. The carriers are in progress
//!   from the platform provisioning on, and done when the last track is;
//! * a number set up to fail stops at the chosen step, `FAILED`, and its
//!   carriers show why; the later tracks stay `WAITING`;
//! * `COMPLETED` once every number has finished, failed ones included;
//!   `REJECTED` from the moment of a rejection, which stops the numbers
//!   that had not finished.

use std::time::{Duration, Instant};

use sinch_imported_numbers_api::open_enum::{
    CallbackEventType, CallbackFailureCode, HostingOrderState, State,
};

use crate::hosting_orders::store::HostingStep;

/// When an order opened through the API was submitted, signed and
/// rejected, and what its numbers go through.
#[derive(Clone, Debug)]
pub(crate) struct OrderFlow {
    pub submitted: Instant,
    /// How long each step takes.
    pub step: Duration,
    /// A text-enable order under a direct or reseller letter, which a
    /// person signs.
    pub needs_signature: bool,
    pub signed: Option<Instant>,
    pub rejected: Option<Instant>,
    /// The numbers are linked to a campaign as a third track.
    pub campaign: bool,
}

/// Why a number's hosting did not succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    /// The step set up to fail failed.
    Step(HostingStep),
    /// The order was rejected before the number finished.
    Rejected,
}

impl Why {
    /// The failure code a callback names (none for a rejection) and the
    /// text the carriers and the qualified number show.
    pub(crate) fn reason(self) -> (Option<CallbackFailureCode>, &'static str) {
        match self {
            Why::Step(HostingStep::OsrUpdate) => (
                Some(CallbackFailureCode::InvalidNnid),
                "the OSR update failed: the carriers did not accept the NNID",
            ),
            Why::Step(HostingStep::PlatformProvisioning) => (
                Some(CallbackFailureCode::NumberProvisioningFailed),
                "the number could not be provisioned to the SMS platform",
            ),
            Why::Step(HostingStep::CampaignProvisioning) => (
                Some(CallbackFailureCode::CampaignProvisioningFailed),
                "the number could not be linked to the campaign",
            ),
            Why::Step(_) => (
                Some(CallbackFailureCode::MnoSharingError),
                "a carrier did not accept the number",
            ),
            Why::Rejected => (None, "the hosting order was rejected"),
        }
    }
}

/// Something that happens to a number at a moment: a track ends (an event
/// named as the callback names it), or, last, its whole hosting does
/// ([`CallbackEventType::HostingProcess`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Milestone {
    pub at: Instant,
    pub event: CallbackEventType,
    /// `None` when it succeeded.
    pub failure: Option<Why>,
}

/// The tracks of a number, in the order they run, with the event that
/// reports each.
const TRACKS: [(HostingStep, CallbackEventType); 3] = [
    (HostingStep::OsrUpdate, CallbackEventType::OsrUpdate),
    (
        HostingStep::PlatformProvisioning,
        CallbackEventType::ProvisioningToSmsPlatform,
    ),
    (
        HostingStep::CampaignProvisioning,
        CallbackEventType::LinkTo10dlcCampaign,
    ),
];

/// The four carrier steps.
const CARRIERS: [HostingStep; 4] = [
    HostingStep::SmsAtt,
    HostingStep::SmsTmo,
    HostingStep::MmsAtt,
    HostingStep::MmsTmo,
];

fn is_carrier(step: HostingStep) -> bool {
    CARRIERS.contains(&step)
}

impl OrderFlow {
    /// When the order leaves `SUBMITTED`.
    fn accepted(&self) -> Instant {
        self.submitted + self.step
    }

    /// When work on the numbers starts, once that is known (never for an
    /// order rejected first).
    pub(crate) fn start(&self) -> Option<Instant> {
        let accepted = self.accepted();
        let start = if self.needs_signature {
            self.signed.map(|signed| signed.max(accepted))
        } else {
            Some(accepted)
        };
        start.filter(|start| self.rejected.is_none_or(|rejected| *start < rejected))
    }

    fn tracks(&self) -> &'static [(HostingStep, CallbackEventType)] {
        if self.campaign {
            &TRACKS
        } else {
            &TRACKS[..2]
        }
    }

    /// What happens to a number that fails at `fail` (`None`: succeeds),
    /// in time order, ending with its `HOSTING_PROCESS`. Empty while the
    /// start is unknown. A campaign step set to fail in an order without a
    /// campaign has nothing to fail.
    pub(crate) fn milestones(&self, fail: Option<HostingStep>) -> Vec<Milestone> {
        let mut out = Vec::new();
        if let Some(start) = self.start() {
            let mut at = start;
            let mut failure = None;
            for (track, event) in self.tracks() {
                at += self.step;
                let failed = fail == Some(*track);
                out.push(Milestone {
                    at,
                    event: event.clone(),
                    failure: failed.then_some(Why::Step(*track)),
                });
                if failed {
                    failure = Some(Why::Step(*track));
                    break;
                }
            }
            let failure = failure.or(fail.filter(|f| is_carrier(*f)).map(Why::Step));
            out.push(Milestone {
                at,
                event: CallbackEventType::HostingProcess,
                failure,
            });
        }
        match self.rejected {
            Some(rejected) if out.last().is_none_or(|m| m.at >= rejected) => {
                out.retain(|m| m.at < rejected);
                out.push(Milestone {
                    at: rejected,
                    event: CallbackEventType::HostingProcess,
                    failure: Some(Why::Rejected),
                });
            }
            _ => {}
        }
        out
    }

    /// When a number failing at `fail` finishes, once known.
    pub(crate) fn finish(&self, fail: Option<HostingStep>) -> Option<Instant> {
        self.milestones(fail).last().map(|m| m.at)
    }

    /// The order's state at `now`, given its numbers' failures.
    pub(crate) fn state(&self, now: Instant, fails: &[Option<HostingStep>]) -> HostingOrderState {
        if self.rejected.is_some_and(|r| r <= now) {
            return HostingOrderState::Rejected;
        }
        if now < self.accepted() {
            return HostingOrderState::Submitted;
        }
        match self.start() {
            Some(start) if start <= now => {
                let finished = fails
                    .iter()
                    .all(|f| self.finish(*f).is_some_and(|end| end <= now));
                if finished {
                    HostingOrderState::Completed
                } else {
                    HostingOrderState::InProgress
                }
            }
            _ => HostingOrderState::WaitingForLoaSignature,
        }
    }

    /// The states of a number's seven steps (in [`HostingStep::ALL`]
    /// order) at `now`, for a number failing at `fail`.
    pub(crate) fn steps(&self, now: Instant, fail: Option<HostingStep>) -> [State; 7] {
        let mut steps: [State; 7] = std::array::from_fn(|_| State::Waiting);
        let milestones = self.milestones(fail);
        let mut finished = false;
        for m in milestones.iter().filter(|m| m.at <= now) {
            let outcome = if m.failure.is_some() {
                State::Failed
            } else {
                State::Done
            };
            if let Some((track, _)) = TRACKS.iter().find(|(_, e)| *e == m.event) {
                steps[*track as usize] = outcome;
                continue;
            }
            finished = true;
            for carrier in CARRIERS {
                steps[carrier as usize] = match m.failure {
                    None => State::Done,
                    Some(Why::Step(step)) if is_carrier(step) && step != carrier => State::Done,
                    Some(Why::Step(_)) => State::Failed,
                    Some(Why::Rejected) => State::Waiting,
                };
            }
        }
        let started = self.start().is_some_and(|s| s <= now);
        if started && !finished {
            if let Some((track, _)) = self
                .tracks()
                .iter()
                .find(|(t, _)| steps[*t as usize] == State::Waiting)
            {
                steps[*track as usize] = State::InProgress;
            }
            if steps[HostingStep::OsrUpdate as usize] == State::Done {
                for carrier in CARRIERS {
                    steps[carrier as usize] = State::InProgress;
                }
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Duration = Duration::from_millis(10);

    fn flow(needs_signature: bool, campaign: bool) -> OrderFlow {
        OrderFlow {
            submitted: Instant::now(),
            step: D,
            needs_signature,
            signed: None,
            rejected: None,
            campaign,
        }
    }

    fn at(flow: &OrderFlow, steps: u32) -> Instant {
        flow.submitted + D * steps
    }

    /// The three tracks and the first carrier, as text.
    fn tracks(states: &[State; 7]) -> [String; 4] {
        std::array::from_fn(|i| states[i].to_string())
    }

    #[test]
    fn an_import_order_runs_one_step_at_a_time() {
        let f = flow(false, true);
        let ok = [None];
        let state = |n| f.state(at(&f, n), &ok);
        assert_eq!(state(0), HostingOrderState::Submitted);
        assert_eq!(state(1), HostingOrderState::InProgress);
        assert_eq!(state(3), HostingOrderState::InProgress);
        assert_eq!(state(4), HostingOrderState::Completed);
        let steps = |n| tracks(&f.steps(at(&f, n), None));
        assert_eq!(steps(0), ["WAITING", "WAITING", "WAITING", "WAITING"]);
        assert_eq!(steps(1), ["IN_PROGRESS", "WAITING", "WAITING", "WAITING"]);
        assert_eq!(steps(2), ["DONE", "IN_PROGRESS", "WAITING", "IN_PROGRESS"]);
        assert_eq!(steps(3), ["DONE", "DONE", "IN_PROGRESS", "IN_PROGRESS"]);
        assert_eq!(steps(4), ["DONE", "DONE", "DONE", "DONE"]);
        let events: Vec<_> = f.milestones(None).into_iter().map(|m| m.event).collect();
        assert_eq!(
            events,
            [
                CallbackEventType::OsrUpdate,
                CallbackEventType::ProvisioningToSmsPlatform,
                CallbackEventType::LinkTo10dlcCampaign,
                CallbackEventType::HostingProcess,
            ]
        );
    }

    #[test]
    fn without_a_campaign_the_third_track_waits() {
        let f = flow(false, false);
        assert_eq!(f.state(at(&f, 3), &[None]), HostingOrderState::Completed);
        assert_eq!(
            tracks(&f.steps(at(&f, 3), None)),
            ["DONE", "DONE", "WAITING", "DONE"]
        );
        assert_eq!(f.milestones(None).len(), 3);
        let campaign_fail = f.milestones(Some(HostingStep::CampaignProvisioning));
        assert!(campaign_fail.iter().all(|m| m.failure.is_none()));
    }

    #[test]
    fn a_letter_waits_for_its_signature() {
        let mut f = flow(true, false);
        assert_eq!(
            f.state(at(&f, 5), &[None]),
            HostingOrderState::WaitingForLoaSignature
        );
        assert!(f.milestones(None).is_empty());
        f.signed = Some(at(&f, 5));
        assert_eq!(f.state(at(&f, 5), &[None]), HostingOrderState::InProgress);
        assert_eq!(f.state(at(&f, 7), &[None]), HostingOrderState::Completed);
        // Signed early, the order still spends one step submitted.
        f.signed = Some(f.submitted);
        assert_eq!(f.start(), Some(at(&f, 1)));
    }

    #[test]
    fn a_failing_step_stops_the_number() {
        let f = flow(false, true);
        let fail = Some(HostingStep::PlatformProvisioning);
        let steps = f.steps(at(&f, 9), fail);
        assert_eq!(tracks(&steps), ["DONE", "FAILED", "WAITING", "FAILED"]);
        assert_eq!(f.finish(fail), Some(at(&f, 3)));
        let last = f.milestones(fail).pop().unwrap();
        assert_eq!(last.event, CallbackEventType::HostingProcess);
        assert_eq!(last.failure, fail.map(Why::Step));
        // The order completes when the slowest number does.
        assert_eq!(
            f.state(at(&f, 3), &[fail, None]),
            HostingOrderState::InProgress
        );
        assert_eq!(
            f.state(at(&f, 4), &[fail, None]),
            HostingOrderState::Completed
        );
        // A carrier fails alone, at the end.
        let tmo = f.steps(at(&f, 4), Some(HostingStep::SmsTmo));
        assert_eq!(tmo[HostingStep::SmsTmo as usize], State::Failed);
        assert_eq!(tmo[HostingStep::SmsAtt as usize], State::Done);
        assert_eq!(tmo[HostingStep::CampaignProvisioning as usize], State::Done);
    }

    #[test]
    fn a_rejection_stops_what_has_not_finished() {
        let mut f = flow(false, true);
        f.rejected = Some(at(&f, 2) + D / 2);
        assert_eq!(f.state(at(&f, 2), &[None]), HostingOrderState::InProgress);
        assert_eq!(f.state(at(&f, 3), &[None]), HostingOrderState::Rejected);
        let steps = f.steps(at(&f, 3), None);
        assert_eq!(tracks(&steps), ["DONE", "WAITING", "WAITING", "WAITING"]);
        let last = f.milestones(None).pop().unwrap();
        assert_eq!(
            (last.at, last.failure),
            (at(&f, 2) + D / 2, Some(Why::Rejected))
        );
        // Rejected while submitted: nothing ever starts.
        let mut early = flow(true, true);
        early.rejected = Some(at(&early, 1));
        early.signed = Some(at(&early, 1));
        assert_eq!(early.start(), None);
        assert_eq!(early.milestones(None).len(), 1);
    }
}
