//! Moving orders opened through the API along their [`OrderFlow`]: opening
//! them with it, bringing every order of a project to where the clock says
//! (and saying what happened to which number since the last time), the
//! signature of the letter of authorization, and rejections.

use std::time::{Duration, Instant};

use sinch_imported_numbers_api::open_enum::{HostingOrderState, HostingOrderType};
use sinch_imported_numbers_api::types::HostingOrder;

use crate::hosting_orders::flow::{Milestone, OrderFlow, Why};
use crate::hosting_orders::store::{
    now as timestamp_now, render_number, HostingOrderNumberSeed, HostingOrders, HostingStep,
};

/// A milestone of one number of an order, with what the callbacks and the
/// other stores need to know about the order.
#[derive(Clone, Debug)]
pub(crate) struct Reported {
    pub order_type: HostingOrderType,
    /// The order was opened by a qualified-number text-enable call.
    pub qualified: bool,
    pub callback_url: Option<String>,
    pub region_code: String,
    pub service_plan_id: String,
    pub campaign_id: Option<String>,
    pub phone: String,
    pub milestone: Milestone,
}

/// When an order's next milestone is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wake {
    /// Everything has been reported (or there is no such order).
    Done,
    At(Instant),
    /// Not known yet: the order waits for its signature.
    Unknown,
}

/// The outcome of signing an order's letter of authorization.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Signing {
    Signed,
    /// The project has no such order.
    Unknown,
    /// The order was not opened with a letter to sign, is already signed,
    /// or was rejected.
    NotWaiting,
}

/// The error code and message a number failing at `fail` shows on its
/// failed carriers.
fn carrier_error(fail: Option<HostingStep>) -> Option<(String, &'static str)> {
    let (code, text) = Why::Step(fail?).reason();
    Some((
        code.map(|c| c.as_str().to_owned()).unwrap_or_default(),
        text,
    ))
}

fn is_final(state: &HostingOrderState) -> bool {
    matches!(
        state,
        HostingOrderState::Completed | HostingOrderState::Rejected
    )
}

impl HostingOrders {
    /// From now on, orders opened with `phone` fail it at `step`.
    pub(crate) fn fail_number(&mut self, phone: &str, step: HostingStep) {
        self.rules.failing.insert(phone.to_owned(), step);
    }

    /// From now on, orders opened with this display name are rejected one
    /// step after they are submitted.
    pub(crate) fn reject_named(&mut self, display_name: &str) {
        self.rules.rejected_names.insert(display_name.to_owned());
    }

    /// Stores an order opened through the API, `SUBMITTED`, with its
    /// numbers all `WAITING`, and starts its flow (`step` per step).
    pub(crate) fn open(
        &mut self,
        project_id: &str,
        order: HostingOrder,
        phones: Vec<String>,
        step: Duration,
        qualified: bool,
    ) -> HostingOrder {
        let now = Instant::now();
        let needs_signature = order.type_ == Some(HostingOrderType::TextEnable)
            && order
                .text_enable_info
                .as_ref()
                .is_some_and(|info| info.loa_type.is_some());
        let rejected = order
            .display_name
            .as_ref()
            .filter(|name| self.rules.rejected_names.contains(*name))
            .map(|_| now + step);
        let flow = OrderFlow {
            submitted: now,
            step,
            needs_signature,
            signed: None,
            rejected,
            campaign: order.campaign_id.is_some(),
        };
        let fails: Vec<Option<HostingStep>> = phones
            .iter()
            .map(|phone| self.rules.failing.get(phone).copied())
            .collect();
        let seeds = phones
            .into_iter()
            .map(HostingOrderNumberSeed::new)
            .collect();
        let order = self.create(project_id, order, seeds);
        let id = order.hosting_order_id.clone().unwrap_or_default();
        if let Some(record) = self
            .projects
            .get_mut(project_id)
            .and_then(|p| p.get_mut(&id))
        {
            record.flow = Some(flow);
            record.qualified = qualified;
            for (number, fail) in record.numbers.iter_mut().zip(fails) {
                number.fail = fail;
            }
        }
        self.active
            .entry(project_id.to_owned())
            .or_default()
            .insert(id);
        order
    }

    /// Brings every moving order of `project_id` to where it stands at
    /// `now`, and returns the milestones reached since the last call, each
    /// once, in time order per number.
    pub(crate) fn settle(&mut self, project_id: &str, now: Instant) -> Vec<Reported> {
        let Some(ids) = self.active.remove(project_id) else {
            return Vec::new();
        };
        let mut seq = self.seq;
        let mut reported = Vec::new();
        let mut still = ids.clone();
        for id in ids {
            let Some(record) = self
                .projects
                .get_mut(project_id)
                .and_then(|p| p.get_mut(&id))
            else {
                still.remove(&id);
                continue;
            };
            let Some(flow) = record.flow.clone() else {
                still.remove(&id);
                continue;
            };
            let fails: Vec<Option<HostingStep>> = record.numbers.iter().map(|n| n.fail).collect();
            let mut all_reported = true;
            for number in &mut record.numbers {
                let steps = flow.steps(now, number.fail);
                if steps != number.steps {
                    number.steps = steps;
                    seq += 1;
                    number.updated = seq;
                    let why = carrier_error(number.fail);
                    render_number(
                        &mut number.number,
                        &number.steps,
                        &record.order,
                        why.as_ref().map(|(code, text)| (code.as_str(), *text)),
                    );
                }
                let milestones = flow.milestones(number.fail);
                let due = milestones.iter().take_while(|m| m.at <= now).count();
                let phone = number.number.phone_number.clone().unwrap_or_default();
                for milestone in milestones.iter().take(due).skip(number.reported) {
                    reported.push(Reported {
                        order_type: record
                            .order
                            .type_
                            .clone()
                            .unwrap_or(HostingOrderType::HostingOrderTypeUnspecified),
                        qualified: record.qualified,
                        callback_url: record.order.callback_url.clone(),
                        region_code: record.order.region_code.clone().unwrap_or_default(),
                        service_plan_id: record.order.service_plan_id.clone().unwrap_or_default(),
                        campaign_id: record.order.campaign_id.clone(),
                        phone: phone.clone(),
                        milestone: milestone.clone(),
                    });
                }
                number.reported = number.reported.max(due);
                all_reported &= !milestones.is_empty() && number.reported == milestones.len();
            }
            let state = flow.state(now, &fails);
            if record.order.state.as_ref() != Some(&state) {
                seq += 1;
                record.updated = seq;
                record.order.updated_time = Some(timestamp_now());
                record.order.state = Some(state.clone());
            }
            if all_reported && is_final(&state) {
                still.remove(&id);
            }
        }
        self.seq = seq;
        if !still.is_empty() {
            self.active.insert(project_id.to_owned(), still);
        }
        reported
    }

    /// Records the signature of order `id`'s letter of authorization at
    /// `now`: the order moves on from `WAITING_FOR_LOA_SIGNATURE` (at once,
    /// or when it gets there, if signed while still `SUBMITTED`).
    pub(crate) fn sign(&mut self, project_id: &str, id: &str, now: Instant) -> Signing {
        let Some(record) = self
            .projects
            .get_mut(project_id)
            .and_then(|p| p.get_mut(id))
        else {
            return Signing::Unknown;
        };
        match &mut record.flow {
            Some(flow)
                if flow.needs_signature && flow.signed.is_none() && flow.rejected.is_none() =>
            {
                flow.signed = Some(now);
                Signing::Signed
            }
            // A seeded order waiting for its signature only changes state.
            None if record.order.state == Some(HostingOrderState::WaitingForLoaSignature) => {
                self.set_state(project_id, id, HostingOrderState::InProgress);
                Signing::Signed
            }
            _ => Signing::NotWaiting,
        }
    }

    /// Rejects order `id` at `now`: numbers that had not finished stop.
    /// `false` when there is no such order or it is already completed or
    /// rejected. A seeded order only changes its state.
    pub(crate) fn reject(&mut self, project_id: &str, id: &str, now: Instant) -> bool {
        let Some(record) = self
            .projects
            .get_mut(project_id)
            .and_then(|p| p.get_mut(id))
        else {
            return false;
        };
        let Some(flow) = &mut record.flow else {
            let done = record.order.state.as_ref().is_some_and(is_final);
            return !done && self.set_state(project_id, id, HostingOrderState::Rejected);
        };
        let fails: Vec<Option<HostingStep>> = record.numbers.iter().map(|n| n.fail).collect();
        if is_final(&flow.state(now, &fails)) {
            return false;
        }
        flow.rejected = Some(flow.rejected.map_or(now, |r| r.min(now)));
        self.active
            .entry(project_id.to_owned())
            .or_default()
            .insert(id.to_owned());
        true
    }

    /// Whether `project_id` has orders whose flow has not finished.
    pub(crate) fn is_moving(&self, project_id: &str) -> bool {
        self.active.contains_key(project_id)
    }

    /// When order `id`'s next milestone is due.
    pub(crate) fn next_wake(&self, project_id: &str, id: &str) -> Wake {
        let moving = self
            .active
            .get(project_id)
            .is_some_and(|ids| ids.contains(id));
        let flow = self
            .projects
            .get(project_id)
            .and_then(|p| p.get(id))
            .and_then(|r| r.flow.as_ref().map(|flow| (flow, &r.numbers)));
        let (Some((flow, numbers)), true) = (flow, moving) else {
            return Wake::Done;
        };
        let next = numbers
            .iter()
            .filter_map(|n| flow.milestones(n.fail).get(n.reported).map(|m| m.at))
            .min();
        match next {
            Some(at) => Wake::At(at),
            None if flow.start().is_none() => Wake::Unknown,
            // Reported but not yet settled as final: settle now.
            None => Wake::At(Instant::now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_imported_numbers_api::open_enum::{CallbackEventType, LoaType, State};
    use sinch_imported_numbers_api::types::TextEnableInfo;

    const D: Duration = Duration::from_millis(10);

    fn text_enable(loa: Option<LoaType>) -> HostingOrder {
        HostingOrder {
            type_: Some(HostingOrderType::TextEnable),
            state: Some(HostingOrderState::Submitted),
            service_plan_id: Some("plan".into()),
            text_enable_info: Some(TextEnableInfo {
                loa_type: loa,
                ..TextEnableInfo::default()
            }),
            ..HostingOrder::default()
        }
    }

    fn phones(list: &[&str]) -> Vec<String> {
        list.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn milestones_are_reported_once_and_the_order_settles() {
        let mut store = HostingOrders::default();
        store.fail_number("+12065550101", HostingStep::OsrUpdate);
        let order = store.open(
            "p",
            text_enable(Some(LoaType::Direct)),
            phones(&["+12065550100", "+12065550101"]),
            D,
            false,
        );
        let id = order.hosting_order_id.unwrap();
        let start = Instant::now();
        assert!(store.settle("p", start + D * 5).is_empty(), "not signed");
        assert_eq!(
            store.get("p", &id).unwrap().state,
            Some(HostingOrderState::WaitingForLoaSignature)
        );
        assert_eq!(store.next_wake("p", &id), Wake::Unknown);
        assert_eq!(store.sign("p", &id, start + D * 5), Signing::Signed);
        assert_eq!(store.sign("p", &id, start + D * 5), Signing::NotWaiting);
        assert_eq!(store.sign("p", "nope", start), Signing::Unknown);
        let first = store.settle("p", start + D * 6 + D / 2);
        let events: Vec<_> = first
            .iter()
            .map(|r| {
                (
                    r.phone.as_str(),
                    r.milestone.event.clone(),
                    r.milestone.failure,
                )
            })
            .collect();
        assert_eq!(
            events,
            [
                ("+12065550100", CallbackEventType::OsrUpdate, None),
                (
                    "+12065550101",
                    CallbackEventType::OsrUpdate,
                    Some(Why::Step(HostingStep::OsrUpdate))
                ),
                (
                    "+12065550101",
                    CallbackEventType::HostingProcess,
                    Some(Why::Step(HostingStep::OsrUpdate))
                ),
            ]
        );
        let failed = store.number("p", &id, "+12065550101").unwrap();
        let tmo = failed.sms_tmo.as_ref().unwrap();
        assert_eq!(tmo.state, Some(State::Failed));
        assert_eq!(tmo.error_code.as_deref(), Some("INVALID_NNID"));
        assert!(matches!(store.next_wake("p", &id), Wake::At(_)));
        assert_eq!(store.settle("p", start + D * 9).len(), 2);
        assert_eq!(
            store.get("p", &id).unwrap().state,
            Some(HostingOrderState::Completed)
        );
        assert!(store.settle("p", start + D * 20).is_empty());
        assert_eq!(store.next_wake("p", &id), Wake::Done);
        assert!(!store.reject("p", &id, start + D * 20), "already completed");
    }

    #[test]
    fn rejections_by_rule_and_by_call() {
        let mut store = HostingOrders::default();
        store.reject_named("doomed");
        let mut doomed = text_enable(None);
        doomed.display_name = Some("doomed".into());
        let id = store
            .open("p", doomed, phones(&["+12065550100"]), D, false)
            .hosting_order_id
            .unwrap();
        let start = Instant::now();
        let reported = store.settle("p", start + D * 2);
        assert_eq!(reported.len(), 1);
        assert_eq!(reported[0].milestone.failure, Some(Why::Rejected));
        assert_eq!(
            store.get("p", &id).unwrap().state,
            Some(HostingOrderState::Rejected)
        );
        let other = store
            .open("p", text_enable(None), phones(&["+12065550100"]), D, false)
            .hosting_order_id
            .unwrap();
        assert!(store.reject("p", &other, Instant::now()));
        store.settle("p", Instant::now());
        assert_eq!(
            store.get("p", &other).unwrap().state,
            Some(HostingOrderState::Rejected)
        );
        assert!(!store.reject("p", &other, Instant::now()));
        assert!(!store.reject("p", "nope", Instant::now()));
    }
}
