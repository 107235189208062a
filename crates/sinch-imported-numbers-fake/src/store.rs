//! The fake's in-memory state and the API's rules over it.
//!
//! Numbers are kept per project, with an index per sort order so a page is
//! found by a range scan from the page token's position instead of a scan
//! over every number, and with a count per (service plan, campaign) so
//! `totalSize` of an unfiltered listing costs nothing.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use chrono::Utc;
use sinch_imported_numbers_api::open_enum::{
    MnoOperation, ProvisioningServiceType, ProvisioningType, State,
};
use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types::{
    CampaignProvisioning, ImportedNumber, MnoConfiguration, MnoOperationStatus, ProvisioningStatus,
    SmsConfiguration, SmsProvisioning,
};

use crate::problem::Problem;

/// How listed numbers are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Order {
    Created,
    Updated,
}

/// Where a pattern must match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Search {
    Start,
    Contain,
    End,
}

/// A validated listing request.
#[derive(Clone, Debug, Hash)]
pub(crate) struct ListQuery {
    pub service_plan_id: String,
    pub campaign_id: String,
    pub region: Option<String>,
    pub pattern: Option<(String, Search)>,
    pub order: Order,
}

/// One page of a listing.
pub(crate) struct PageOut<'a> {
    pub numbers: Vec<&'a ImportedNumber>,
    /// The sequence number of the last item, when more follow.
    pub more_after: Option<u64>,
    pub total: usize,
}

struct Record {
    number: ImportedNumber,
    created: u64,
    updated: u64,
}

#[derive(Default)]
struct Project {
    numbers: HashMap<String, Record>,
    by_created: BTreeMap<u64, String>,
    by_updated: BTreeMap<u64, String>,
    /// How many numbers are linked to each (service plan, campaign) pair.
    linked: HashMap<(String, String), usize>,
}

/// Every project's numbers.
#[derive(Default)]
pub(crate) struct Store {
    projects: HashMap<String, Project>,
    seq: u64,
}

fn link_key(n: &ImportedNumber) -> (String, String) {
    let sms = n.sms_configuration.as_ref();
    (
        sms.and_then(|s| s.service_plan_id.clone())
            .unwrap_or_default(),
        sms.and_then(|s| s.campaign_id.clone()).unwrap_or_default(),
    )
}

impl Project {
    fn adjust_link(&mut self, key: (String, String), delta: isize) {
        let count = self.linked.entry(key.clone()).or_default();
        *count = count.saturating_add_signed(delta);
        if *count == 0 {
            self.linked.remove(&key);
        }
    }
}

impl ListQuery {
    fn matches(&self, n: &ImportedNumber) -> bool {
        let (plan, campaign) = link_key(n);
        if plan != self.service_plan_id || campaign != self.campaign_id {
            return false;
        }
        if let Some(region) = &self.region {
            if n.region_code.as_deref() != Some(region) {
                return false;
            }
        }
        if let Some((pattern, search)) = &self.pattern {
            let phone = n.phone_number.as_deref().unwrap_or("");
            let haystack = if pattern.starts_with('+') {
                phone
            } else {
                phone.trim_start_matches('+')
            };
            let hit = match search {
                Search::Start => haystack.starts_with(pattern.as_str()),
                Search::Contain => haystack.contains(pattern.as_str()),
                Search::End => haystack.ends_with(pattern.as_str()),
            };
            if !hit {
                return false;
            }
        }
        true
    }

    fn is_unfiltered(&self) -> bool {
        self.region.is_none() && self.pattern.is_none()
    }
}

impl Store {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Adds a number, filling the read-only fields the way Sinch does.
    pub(crate) fn import(
        &mut self,
        project_id: &str,
        mut number: ImportedNumber,
    ) -> Result<ImportedNumber, Problem> {
        let phone = number.phone_number.clone().unwrap_or_default();
        if self
            .projects
            .get(project_id)
            .is_some_and(|p| p.numbers.contains_key(&phone))
        {
            return Err(Problem::already_exists());
        }
        number.project_id = Some(project_id.to_owned());
        let (plan, campaign) = link_key(&number);
        number.sms_configuration = Some(SmsConfiguration {
            service_plan_id: Some(plan).filter(|p| !p.is_empty()),
            campaign_id: Some(campaign).filter(|c| !c.is_empty()),
            migrate_to_sinch_tmo: Some(false),
            scheduled_provisioning: None,
        });
        refresh_provisioning(&mut number);
        let seq = self.next_seq();
        let project = self.projects.entry(project_id.to_owned()).or_default();
        project.adjust_link(link_key(&number), 1);
        project.by_created.insert(seq, phone.clone());
        project.by_updated.insert(seq, phone.clone());
        project.numbers.insert(
            phone,
            Record {
                number: number.clone(),
                created: seq,
                updated: seq,
            },
        );
        Ok(number)
    }

    pub(crate) fn get(&self, project_id: &str, phone: &str) -> Result<ImportedNumber, Problem> {
        self.projects
            .get(project_id)
            .and_then(|p| p.numbers.get(phone))
            .map(|r| r.number.clone())
            .ok_or_else(Problem::not_found)
    }

    pub(crate) fn delete(&mut self, project_id: &str, phone: &str) -> Result<(), Problem> {
        let project = self
            .projects
            .get_mut(project_id)
            .ok_or_else(Problem::not_found)?;
        let record = project
            .numbers
            .remove(phone)
            .ok_or_else(Problem::not_found)?;
        project.by_created.remove(&record.created);
        project.by_updated.remove(&record.updated);
        project.adjust_link(link_key(&record.number), -1);
        Ok(())
    }

    /// Applies an update: `change` edits the number, or refuses.
    pub(crate) fn update(
        &mut self,
        project_id: &str,
        phone: &str,
        change: impl FnOnce(&mut ImportedNumber) -> Result<(), Problem>,
    ) -> Result<ImportedNumber, Problem> {
        let seq = self.seq + 1;
        let project = self
            .projects
            .get_mut(project_id)
            .ok_or_else(Problem::not_found)?;
        let record = project
            .numbers
            .get_mut(phone)
            .ok_or_else(Problem::not_found)?;
        let mut number = record.number.clone();
        change(&mut number)?;
        refresh_provisioning(&mut number);
        let (old_key, new_key) = (link_key(&record.number), link_key(&number));
        project.by_updated.remove(&record.updated);
        project.by_updated.insert(seq, phone.to_owned());
        record.updated = seq;
        record.number = number.clone();
        project.adjust_link(old_key, -1);
        project.adjust_link(new_key, 1);
        self.seq = seq;
        Ok(number)
    }

    /// The page after sequence number `after`, in `query`'s order.
    pub(crate) fn list(
        &self,
        project_id: &str,
        query: &ListQuery,
        after: Option<u64>,
        page_size: usize,
    ) -> PageOut<'_> {
        let Some(project) = self.projects.get(project_id) else {
            return PageOut {
                numbers: Vec::new(),
                more_after: None,
                total: 0,
            };
        };
        let index = match query.order {
            Order::Created => &project.by_created,
            Order::Updated => &project.by_updated,
        };
        let start = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut hits = index
            .range((start, Bound::Unbounded))
            .map(|(seq, phone)| (*seq, &project.numbers[phone].number))
            .filter(|(_, n)| query.matches(n));
        let mut numbers = Vec::with_capacity(page_size.min(1024));
        let mut last = None;
        for (seq, n) in hits.by_ref().take(page_size) {
            numbers.push(n);
            last = Some(seq);
        }
        let more_after = if hits.next().is_some() { last } else { None };
        let total = if query.is_unfiltered() {
            project
                .linked
                .get(&(query.service_plan_id.clone(), query.campaign_id.clone()))
                .copied()
                .unwrap_or(0)
        } else {
            project
                .numbers
                .values()
                .filter(|r| query.matches(&r.number))
                .count()
        };
        PageOut {
            numbers,
            more_after,
            total,
        }
    }

    /// How many numbers a project has.
    pub(crate) fn len(&self, project_id: &str) -> usize {
        self.projects.get(project_id).map_or(0, |p| p.numbers.len())
    }
}

/// Rewrites the provisioning status fields after the links changed.
fn refresh_provisioning(n: &mut ImportedNumber) {
    let now = Timestamp::from_instant(Utc::now());
    let (plan, campaign) = link_key(n);
    let status = |service_type: ProvisioningServiceType, id: &str| ProvisioningStatus {
        service_type: Some(service_type),
        service_id: Some(id.to_owned()),
        type_: Some(ProvisioningType::Provisioning),
        state: Some(State::Done),
        update_time: Some(now.clone()),
        error_code: Some(String::new()),
        error_message: Some(String::new()),
    };
    n.sms_provisioning =
        (!plan.is_empty()).then(|| SmsProvisioning(status(ProvisioningServiceType::Sms, &plan)));
    n.campaign_provisioning = (!campaign.is_empty())
        .then(|| CampaignProvisioning(status(ProvisioningServiceType::Campaign, &campaign)));
    let carrier = MnoOperationStatus {
        state: Some(State::Done),
        operation: Some(if campaign.is_empty() {
            MnoOperation::Deprovisioning
        } else {
            MnoOperation::Provisioning
        }),
        update_time: Some(now),
        error_code: Some(String::new()),
        error_message: Some(String::new()),
    };
    n.mno_configuration = Some(MnoConfiguration {
        sms_att: Some(carrier.clone()),
        sms_tmo: Some(carrier),
        mms_att: None,
        mms_tmo: None,
    });
}
