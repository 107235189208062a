//! Hosting orders in memory: each project's orders with their numbers and
//! the state of every number's steps, the listings over them, and the seed
//! types tests use to put orders in any state.
//!
//! An order opened through the API carries its [`OrderFlow`] and moves
//! with the clock (see `progress`); a seeded order stays as it was seeded
//! until a test changes it with the `FakeServer` helpers.

use std::collections::{HashMap, HashSet};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::Utc;
use sinch_imported_numbers_api::open_enum::{HostingOrderState, HostingOrderType, LoaType, State};
use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types::{
    Address, AuthorizedPerson, CarrierState, HostingOrder, HostingOrderNumber,
    HostingOrderNumberCampaignProvisioning, HostingOrderNumberOsrUpdate,
    HostingOrderNumberPlatformProvisioning, HostingOrderReport, TextEnableInfo,
};

use crate::hosting_orders::flow::OrderFlow;
use crate::page_token::{paginate, Page};
use crate::problem::Problem;

/// A step of a hosting-order number whose state can be seeded or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostingStep {
    /// `osrUpdate`: the number's carrier routing (OSR) record.
    OsrUpdate,
    /// `platformProvisioning`: the number on the SMS platform (service plan).
    PlatformProvisioning,
    /// `campaignProvisioning`: the number's link to the 10DLC campaign.
    CampaignProvisioning,
    /// `smsAtt`: SMS on AT&T.
    SmsAtt,
    /// `smsTmo`: SMS on T-Mobile.
    SmsTmo,
    /// `mmsAtt`: MMS on AT&T.
    MmsAtt,
    /// `mmsTmo`: MMS on T-Mobile.
    MmsTmo,
}

impl HostingStep {
    /// Every step, in the order the fake stores them.
    pub const ALL: [HostingStep; 7] = [
        HostingStep::OsrUpdate,
        HostingStep::PlatformProvisioning,
        HostingStep::CampaignProvisioning,
        HostingStep::SmsAtt,
        HostingStep::SmsTmo,
        HostingStep::MmsAtt,
        HostingStep::MmsTmo,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A number to put into a seeded hosting order, with the state of each of
/// its steps: `WAITING` unless set.
///
/// ```
/// use sinch_imported_numbers_api::open_enum::State;
/// use sinch_imported_numbers_fake::{HostingOrderNumberSeed, HostingStep};
///
/// let half_done = HostingOrderNumberSeed::new("+12065550100")
///     .step(HostingStep::OsrUpdate, State::Done)
///     .step(HostingStep::PlatformProvisioning, State::Failed);
/// # let _ = half_done;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HostingOrderNumberSeed {
    phone_number: String,
    steps: [State; 7],
}

impl HostingOrderNumberSeed {
    /// `phone_number` (E.164) with every step `WAITING`.
    pub fn new(phone_number: impl Into<String>) -> Self {
        HostingOrderNumberSeed {
            phone_number: phone_number.into(),
            steps: std::array::from_fn(|_| State::Waiting),
        }
    }

    /// Sets one step's state.
    pub fn step(mut self, step: HostingStep, state: State) -> Self {
        self.steps[step.index()] = state;
        self
    }

    /// Sets every step to `state`.
    pub fn all_steps(mut self, state: State) -> Self {
        self.steps = std::array::from_fn(|_| state.clone());
        self
    }
}

/// A hosting order to insert directly with
/// [`FakeServer::seed_hosting_order`](crate::FakeServer::seed_hosting_order).
///
/// Defaults: a `SUBMITTED` `IMPORT` order in `US` for service plan `plan`,
/// no campaign, no numbers, a generated id. A `TYPE_TEXT_ENABLE` order gets
/// `textEnableInfo` from a sample direct letter of authorization unless
/// [`loa_type`](Self::loa_type) says otherwise.
///
/// ```
/// use sinch_imported_numbers_api::open_enum::{HostingOrderState, HostingOrderType, State};
/// use sinch_imported_numbers_fake::{HostingOrderNumberSeed, HostingOrderSeed};
///
/// let seed = HostingOrderSeed::new()
///     .order_type(HostingOrderType::TextEnable)
///     .state(HostingOrderState::InProgress)
///     .campaign_id("C3O84GA")
///     .number(HostingOrderNumberSeed::new("+12065550100").all_steps(State::Done))
///     .number(HostingOrderNumberSeed::new("+12065550101"));
/// # let _ = seed;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HostingOrderSeed {
    id: Option<String>,
    state: HostingOrderState,
    order_type: HostingOrderType,
    region_code: String,
    service_plan_id: String,
    campaign_id: Option<String>,
    display_name: Option<String>,
    loa_type: Option<LoaType>,
    numbers: Vec<HostingOrderNumberSeed>,
}

impl Default for HostingOrderSeed {
    fn default() -> Self {
        HostingOrderSeed {
            id: None,
            state: HostingOrderState::Submitted,
            order_type: HostingOrderType::Import,
            region_code: "US".to_owned(),
            service_plan_id: "plan".to_owned(),
            campaign_id: None,
            display_name: None,
            loa_type: None,
            numbers: Vec::new(),
        }
    }
}

impl HostingOrderSeed {
    /// The defaults described on the type.
    pub fn new() -> Self {
        Self::default()
    }

    /// The order's id (default: a fresh 26-character id). An order already
    /// stored under it is replaced.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The order's state.
    pub fn state(mut self, state: HostingOrderState) -> Self {
        self.state = state;
        self
    }

    /// The order's type.
    pub fn order_type(mut self, order_type: HostingOrderType) -> Self {
        self.order_type = order_type;
        self
    }

    /// The order's region (`regionCode`).
    pub fn region_code(mut self, region_code: impl Into<String>) -> Self {
        self.region_code = region_code.into();
        self
    }

    /// The service plan the order provisions to.
    pub fn service_plan_id(mut self, service_plan_id: impl Into<String>) -> Self {
        self.service_plan_id = service_plan_id.into();
        self
    }

    /// The campaign the order links to.
    pub fn campaign_id(mut self, campaign_id: impl Into<String>) -> Self {
        self.campaign_id = Some(campaign_id.into());
        self
    }

    /// The order's label.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = Some(display_name.into());
        self
    }

    /// Gives the order `textEnableInfo` with a sample letter of
    /// authorization of this type (any order type).
    pub fn loa_type(mut self, loa_type: LoaType) -> Self {
        self.loa_type = Some(loa_type);
        self
    }

    /// Adds a number.
    pub fn number(mut self, number: HostingOrderNumberSeed) -> Self {
        self.numbers.push(number);
        self
    }

    /// Adds numbers with every step `WAITING`.
    pub fn numbers<S: Into<String>>(mut self, numbers: impl IntoIterator<Item = S>) -> Self {
        self.numbers
            .extend(numbers.into_iter().map(HostingOrderNumberSeed::new));
        self
    }
}

/// A text-enable order's `textEnableInfo` for a sample letter of
/// authorization of type `loa_type` (for seeded orders).
fn sample_text_enable_info(loa_type: LoaType) -> TextEnableInfo {
    TextEnableInfo {
        business_name: (loa_type == LoaType::Reseller).then(|| "Example Reseller Inc.".to_owned()),
        authorised_person: Some(AuthorizedPerson {
            first_name: Some("Alex".to_owned()),
            last_name: Some("Example".to_owned()),
            email: Some("alex@example.com".to_owned()),
        }),
        address: Some(Address {
            building_number: Some("2433".to_owned()),
            street: Some("Main Street".to_owned()),
            city: Some("Springfield".to_owned()),
            state: Some("IL".to_owned()),
            postal_code: Some("01002".to_owned()),
            country: Some("US".to_owned()),
        }),
        service_provider: Some(SERVICE_PROVIDER.to_owned()),
        current_voice_carrier: Some("Verizon".to_owned()),
        nnid: Some(DEFAULT_NNID.to_owned()),
        loa_type: Some(loa_type),
    }
}

/// The provider the fake names as hosting the numbers.
pub(crate) const SERVICE_PROVIDER: &str = "Sinch America Inc.";
/// The NNID used when a text-enable request names none.
pub(crate) const DEFAULT_NNID: &str = "104029";

/// A listing of orders (`GET .../hostingOrders`): every filter the API
/// requires, the optional region, and the order.
#[derive(Clone, Debug, Hash)]
pub(crate) struct OrderQuery {
    pub state: HostingOrderState,
    pub order_type: HostingOrderType,
    pub service_plan_id: String,
    /// Empty matches orders without a campaign (toll-free ones).
    pub campaign_id: String,
    pub region: Option<String>,
    pub by_updated: bool,
}

impl OrderQuery {
    fn matches(&self, o: &HostingOrder) -> bool {
        o.state.as_ref() == Some(&self.state)
            && o.type_.as_ref() == Some(&self.order_type)
            && o.service_plan_id.as_deref().unwrap_or("") == self.service_plan_id
            && o.campaign_id.as_deref().unwrap_or("") == self.campaign_id
            && self
                .region
                .as_ref()
                .is_none_or(|r| o.region_code.as_ref() == Some(r))
    }
}

/// A listing of one order's numbers, with the optional step filters.
#[derive(Clone, Debug, Hash)]
pub(crate) struct NumberQuery {
    pub hosting_order_id: String,
    pub osr_update: Option<State>,
    pub platform_provisioning: Option<State>,
    pub campaign_provisioning: Option<State>,
    pub by_updated: bool,
}

impl NumberQuery {
    fn matches(&self, n: &NumberRecord) -> bool {
        let wants = |filter: &Option<State>, step: HostingStep| {
            filter.as_ref().is_none_or(|s| &n.steps[step.index()] == s)
        };
        wants(&self.osr_update, HostingStep::OsrUpdate)
            && wants(
                &self.platform_provisioning,
                HostingStep::PlatformProvisioning,
            )
            && wants(
                &self.campaign_provisioning,
                HostingStep::CampaignProvisioning,
            )
    }
}

pub(super) struct NumberRecord {
    pub(super) number: HostingOrderNumber,
    pub(super) steps: [State; 7],
    pub(super) created: u64,
    pub(super) updated: u64,
    /// The step set up to fail, for a number of an order with a flow.
    pub(super) fail: Option<HostingStep>,
    /// How many of its milestones have been reported.
    pub(super) reported: usize,
}

pub(super) struct OrderRecord {
    pub(super) order: HostingOrder,
    pub(super) numbers: Vec<NumberRecord>,
    pub(super) created: u64,
    pub(super) updated: u64,
    /// `Some` for an order opened through the API: it moves on its own.
    pub(super) flow: Option<OrderFlow>,
    /// Opened by a qualified-number text-enable call.
    pub(super) qualified: bool,
}

/// What makes orders opened through the API fail, chosen before they open.
#[derive(Default)]
pub(super) struct Rules {
    /// The step at which a number's hosting fails.
    pub(super) failing: HashMap<String, HostingStep>,
    /// Display names of orders that are rejected after one step.
    pub(super) rejected_names: HashSet<String>,
}

/// Every project's hosting orders.
#[derive(Default)]
pub(crate) struct HostingOrders {
    pub(super) projects: HashMap<String, HashMap<String, OrderRecord>>,
    pub(super) seq: u64,
    /// Per project, the orders whose flow has not finished reporting.
    pub(super) active: HashMap<String, HashSet<String>>,
    pub(super) rules: Rules,
}

pub(super) fn now() -> Timestamp {
    Timestamp::from_instant(Utc::now())
}

/// A fresh order id in the shape the service uses: 26 lowercase Crockford
/// base32 characters, the first ten the creation time in milliseconds (as a
/// ULID), the rest random.
pub(crate) fn new_order_id() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let time = (0..10)
        .rev()
        .map(|i| ALPHABET[((millis >> (5 * i)) & 31) as usize] as char);
    let random = std::iter::repeat_with(|| ALPHABET[fastrand::usize(..32)] as char).take(16);
    time.chain(random).collect()
}

fn order_not_found(id: &str) -> Problem {
    Problem::no_such(format!("The hosting order {id:?} could not be found."))
}

/// The error code and message of a failed carrier when nothing says why.
const CARRIER_REFUSED: (&str, &str) = ("UNKNOWN", "the carrier refused the number");

/// The carrier state the fake shows for `state`: empty error fields unless
/// it failed, then `why` (code, message).
fn carrier(state: &State, at: &Timestamp, why: (&str, &str)) -> CarrierState {
    let (code, message) = if *state == State::Failed {
        why
    } else {
        ("", "")
    };
    CarrierState {
        state: Some(state.clone()),
        error_code: Some(code.to_owned()),
        error_message: Some(message.to_owned()),
        update_time: Some(at.clone()),
    }
}

/// Rewrites `n`'s step objects from `steps`, for `order`; failed carriers
/// carry `why` (error code, message), or a generic refusal.
pub(super) fn render_number(
    n: &mut HostingOrderNumber,
    steps: &[State; 7],
    order: &HostingOrder,
    why: Option<(&str, &str)>,
) {
    let at = now();
    let why = why.unwrap_or(CARRIER_REFUSED);
    let step = |s: HostingStep| Some(steps[s.index()].clone());
    n.osr_update = Some(HostingOrderNumberOsrUpdate {
        nnid: order.text_enable_info.as_ref().and_then(|i| i.nnid.clone()),
        state: step(HostingStep::OsrUpdate),
    });
    n.platform_provisioning = Some(HostingOrderNumberPlatformProvisioning {
        service_plan_id: order.service_plan_id.clone(),
        state: step(HostingStep::PlatformProvisioning),
    });
    n.campaign_provisioning = Some(HostingOrderNumberCampaignProvisioning {
        campaign_id: order.campaign_id.clone(),
        state: step(HostingStep::CampaignProvisioning),
    });
    n.sms_att = Some(carrier(&steps[HostingStep::SmsAtt.index()], &at, why));
    n.sms_tmo = Some(carrier(&steps[HostingStep::SmsTmo.index()], &at, why));
    n.mms_att = Some(carrier(&steps[HostingStep::MmsAtt.index()], &at, why));
    n.mms_tmo = Some(carrier(&steps[HostingStep::MmsTmo.index()], &at, why));
}

impl HostingOrders {
    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Stores a new order: fills its id (unless given), project, times and
    /// numbers, and returns it.
    pub(crate) fn create(
        &mut self,
        project_id: &str,
        mut order: HostingOrder,
        numbers: Vec<HostingOrderNumberSeed>,
    ) -> HostingOrder {
        let project = self.projects.entry(project_id.to_owned()).or_default();
        let id = match order.hosting_order_id.take() {
            Some(id) => id,
            None => loop {
                let id = new_order_id();
                if !project.contains_key(&id) {
                    break id;
                }
            },
        };
        let at = now();
        order.hosting_order_id = Some(id.clone());
        order.project_id = Some(project_id.to_owned());
        order.created_time = Some(at.clone());
        order.updated_time = Some(at);
        // One position for the order, then one per number, from the same counter.
        let created = self.seq + 1;
        self.seq += 1 + numbers.len() as u64;
        let records = numbers
            .into_iter()
            .zip(created + 1..)
            .map(|(seed, position)| {
                let mut number = HostingOrderNumber {
                    project_id: Some(project_id.to_owned()),
                    hosting_order_id: Some(id.clone()),
                    phone_number: Some(seed.phone_number),
                    ..HostingOrderNumber::default()
                };
                render_number(&mut number, &seed.steps, &order, None);
                NumberRecord {
                    number,
                    steps: seed.steps,
                    created: position,
                    updated: position,
                    fail: None,
                    reported: 0,
                }
            })
            .collect();
        let project = self.projects.entry(project_id.to_owned()).or_default();
        project.insert(
            id,
            OrderRecord {
                order: order.clone(),
                numbers: records,
                created,
                updated: created,
                flow: None,
                qualified: false,
            },
        );
        order
    }

    /// Stores a seeded order; returns its id.
    pub(crate) fn seed(&mut self, project_id: &str, seed: HostingOrderSeed) -> String {
        let loa_type = seed.loa_type.or_else(|| {
            (seed.order_type == HostingOrderType::TextEnable).then_some(LoaType::Direct)
        });
        let order = HostingOrder {
            hosting_order_id: seed.id,
            state: Some(seed.state),
            type_: Some(seed.order_type),
            region_code: Some(seed.region_code),
            service_plan_id: Some(seed.service_plan_id),
            campaign_id: seed.campaign_id,
            display_name: seed.display_name,
            migrate_to_sinch_tmo: Some(false),
            text_enable_info: loa_type.map(sample_text_enable_info),
            ..HostingOrder::default()
        };
        let order = self.create(project_id, order, seed.numbers);
        order.hosting_order_id.unwrap_or_default()
    }

    pub(super) fn record(&self, project_id: &str, id: &str) -> Result<&OrderRecord, Problem> {
        self.projects
            .get(project_id)
            .and_then(|p| p.get(id))
            .ok_or_else(|| order_not_found(id))
    }

    /// Marks order `id` as changed now.
    pub(super) fn touch(&mut self, project_id: &str, id: &str) -> Option<&mut OrderRecord> {
        let seq = self.next_seq();
        let record = self.projects.get_mut(project_id)?.get_mut(id)?;
        record.updated = seq;
        record.order.updated_time = Some(now());
        Some(record)
    }

    /// One order.
    pub(crate) fn get(&self, project_id: &str, id: &str) -> Result<&HostingOrder, Problem> {
        self.record(project_id, id).map(|r| &r.order)
    }

    /// A page of orders matching `query`.
    pub(crate) fn list(
        &self,
        project_id: &str,
        query: &OrderQuery,
        after: Option<u64>,
        size: usize,
    ) -> Page<&HostingOrder> {
        let hits = self
            .projects
            .get(project_id)
            .into_iter()
            .flat_map(|p| p.values())
            .filter(|r| query.matches(&r.order))
            .map(|r| {
                let position = if query.by_updated {
                    r.updated
                } else {
                    r.created
                };
                (position, &r.order)
            })
            .collect();
        paginate(hits, after, size)
    }

    /// A page of order `query.hosting_order_id`'s numbers.
    pub(crate) fn list_numbers(
        &self,
        project_id: &str,
        query: &NumberQuery,
        after: Option<u64>,
        size: usize,
    ) -> Result<Page<&HostingOrderNumber>, Problem> {
        let record = self.record(project_id, &query.hosting_order_id)?;
        let hits = record
            .numbers
            .iter()
            .filter(|n| query.matches(n))
            .map(|n| {
                let position = if query.by_updated {
                    n.updated
                } else {
                    n.created
                };
                (position, &n.number)
            })
            .collect();
        Ok(paginate(hits, after, size))
    }

    /// One number of order `id`.
    pub(crate) fn number(
        &self,
        project_id: &str,
        id: &str,
        phone: &str,
    ) -> Result<&HostingOrderNumber, Problem> {
        self.record(project_id, id)?
            .numbers
            .iter()
            .find(|n| n.number.phone_number.as_deref() == Some(phone))
            .map(|n| &n.number)
            .ok_or_else(|| {
                Problem::no_such(format!(
                    "The number {phone:?} is not part of hosting order {id:?}."
                ))
            })
    }

    /// Order `id`'s counters, worked out from its numbers' steps:
    /// `osrUpdated`, `smsProvisioned` and `addedToCampaign` count the
    /// numbers whose OSR update, platform provisioning or campaign
    /// provisioning is `DONE`; `ongoingManualAction` counts those with any
    /// step (carriers included) `FAILED`, as a person at Sinch then has to
    /// look at them.
    pub(crate) fn report(&self, project_id: &str, id: &str) -> Result<HostingOrderReport, Problem> {
        let numbers = &self.record(project_id, id)?.numbers;
        let count = |pred: &dyn Fn(&NumberRecord) -> bool| {
            i32::try_from(numbers.iter().filter(|n| pred(n)).count()).unwrap_or(i32::MAX)
        };
        let done = |step: HostingStep| move |n: &NumberRecord| n.steps[step.index()] == State::Done;
        Ok(HostingOrderReport {
            total: Some(count(&|_| true)),
            osr_updated: Some(count(&done(HostingStep::OsrUpdate))),
            sms_provisioned: Some(count(&done(HostingStep::PlatformProvisioning))),
            added_to_campaign: Some(count(&done(HostingStep::CampaignProvisioning))),
            ongoing_manual_action: Some(count(&|n| n.steps.contains(&State::Failed))),
        })
    }

    /// Sets order `id`'s state; `false` when there is no such order.
    pub(crate) fn set_state(
        &mut self,
        project_id: &str,
        id: &str,
        state: HostingOrderState,
    ) -> bool {
        match self.touch(project_id, id) {
            Some(record) => {
                record.order.state = Some(state);
                true
            }
            None => false,
        }
    }

    /// Sets one step of `phone` in order `id`; `false` when there is no
    /// such order or number.
    pub(crate) fn set_step(
        &mut self,
        project_id: &str,
        id: &str,
        phone: &str,
        step: HostingStep,
        state: State,
    ) -> bool {
        let seq = self.seq + 1;
        let Some(record) = self
            .projects
            .get_mut(project_id)
            .and_then(|p| p.get_mut(id))
        else {
            return false;
        };
        let Some(number) = record
            .numbers
            .iter_mut()
            .find(|n| n.number.phone_number.as_deref() == Some(phone))
        else {
            return false;
        };
        number.steps[step.index()] = state;
        number.updated = seq;
        render_number(&mut number.number, &number.steps, &record.order, None);
        self.touch(project_id, id);
        true
    }

    /// How many orders `project_id` has.
    pub(crate) fn len(&self, project_id: &str) -> usize {
        self.projects.get(project_id).map_or(0, HashMap::len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_look_like_lowercase_ulids() {
        let id = new_order_id();
        assert_eq!(id.len(), 26);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b.is_ascii_lowercase() && !b"ilou".contains(&b))));
        assert_ne!(id, new_order_id());
    }

    #[test]
    fn report_counts_steps() {
        let mut store = HostingOrders::default();
        let id = store.seed(
            "p",
            HostingOrderSeed::new()
                .number(HostingOrderNumberSeed::new("+12065550100").all_steps(State::Done))
                .number(
                    HostingOrderNumberSeed::new("+12065550101")
                        .step(HostingStep::OsrUpdate, State::Done)
                        .step(HostingStep::MmsTmo, State::Failed),
                )
                .numbers(["+12065550102"]),
        );
        let report = store.report("p", &id).unwrap();
        assert_eq!(report.total, Some(3));
        assert_eq!(report.osr_updated, Some(2));
        assert_eq!(report.sms_provisioned, Some(1));
        assert_eq!(report.added_to_campaign, Some(1));
        assert_eq!(report.ongoing_manual_action, Some(1));
        assert!(store.set_step(
            "p",
            &id,
            "+12065550102",
            HostingStep::OsrUpdate,
            State::Done
        ));
        assert_eq!(store.report("p", &id).unwrap().osr_updated, Some(3));
        assert!(!store.set_step(
            "p",
            &id,
            "+12065550199",
            HostingStep::OsrUpdate,
            State::Done
        ));
        assert!(store.report("p", "nope").is_err());
    }
}
