//! The fake's in-memory state and the API's rules over it.
//!
//! Numbers are kept per project, with an index per sort order so a page is
//! found by a range scan from the page token's position instead of a scan
//! over every number, and with a count per (service plan, campaign) so
//! `totalSize` of an unfiltered listing costs nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::time::Instant;

use sinch_imported_numbers_api::types::{ImportedNumber, SmsConfiguration};

use crate::problem::Problem;
use crate::provisioning::{self, FailRule, Pending, Timing};

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
    /// The last change of its links, finished or not.
    change: Option<Pending>,
}

#[derive(Default)]
struct Project {
    numbers: HashMap<String, Record>,
    /// Numbers whose change has not reached a final phase yet.
    unsettled: HashSet<String>,
    by_created: BTreeMap<u64, String>,
    by_updated: BTreeMap<u64, String>,
    /// How many numbers are linked to each (service plan, campaign) pair.
    linked: HashMap<(String, String), usize>,
}

/// Every project's numbers.
pub(crate) struct Store {
    projects: HashMap<String, Project>,
    seq: u64,
    timing: Timing,
    rules: Vec<FailRule>,
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
    pub(crate) fn new(timing: Timing) -> Self {
        Store {
            projects: HashMap::new(),
            seq: 0,
            timing,
            rules: Vec::new(),
        }
    }

    /// From now on, changes matching `rule` fail.
    pub(crate) fn add_rule(&mut self, rule: FailRule) {
        self.rules.push(rule);
    }

    /// Brings every unfinished change of `project_id` to its current phase.
    /// Call before reading: phases move with the clock, not with requests.
    pub(crate) fn settle(&mut self, project_id: &str) {
        let timing = self.timing;
        let Some(project) = self.projects.get_mut(project_id) else {
            return;
        };
        let now = Instant::now();
        let numbers = &mut project.numbers;
        project.unsettled.retain(|phone| {
            let Some(record) = numbers.get_mut(phone) else {
                return false;
            };
            let Some(change) = &record.change else {
                return false;
            };
            let phase = change.phase(now, timing);
            provisioning::render(&mut record.number, Some((change, phase)));
            !phase.is_final()
        });
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Adds a number, filling the read-only fields the way Sinch does. When
    /// it links anything, its provisioning starts: the change is returned.
    /// `settled`: as if imported long ago, provisioning done (for seeding).
    pub(crate) fn import(
        &mut self,
        project_id: &str,
        mut number: ImportedNumber,
        settled: bool,
    ) -> Result<(ImportedNumber, Option<Pending>), Problem> {
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
        let change = if settled {
            None
        } else {
            provisioning_change(&self.rules, &phone, &link_key(&number))
        };
        let now = Instant::now();
        provisioning::render(
            &mut number,
            change.as_ref().map(|c| (c, c.phase(now, self.timing))),
        );
        let seq = self.next_seq();
        let project = self.projects.entry(project_id.to_owned()).or_default();
        project.adjust_link(link_key(&number), 1);
        if change.is_some() {
            project.unsettled.insert(phone.clone());
        }
        project.by_created.insert(seq, phone.clone());
        project.by_updated.insert(seq, phone.clone());
        project.numbers.insert(
            phone,
            Record {
                number: number.clone(),
                created: seq,
                updated: seq,
                change: change.clone(),
            },
        );
        Ok((number, change))
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
        project.unsettled.remove(phone);
        project.adjust_link(link_key(&record.number), -1);
        Ok(())
    }

    /// Applies an update: `edit` changes the number, or refuses. When its
    /// links change to something, a new provisioning starts: it is returned.
    pub(crate) fn update(
        &mut self,
        project_id: &str,
        phone: &str,
        edit: impl FnOnce(&mut ImportedNumber) -> Result<(), Problem>,
    ) -> Result<(ImportedNumber, Option<Pending>), Problem> {
        self.settle(project_id);
        let seq = self.seq + 1;
        let timing = self.timing;
        let project = self
            .projects
            .get_mut(project_id)
            .ok_or_else(Problem::not_found)?;
        let record = project
            .numbers
            .get_mut(phone)
            .ok_or_else(Problem::not_found)?;
        let mut number = record.number.clone();
        edit(&mut number)?;
        let (old_key, new_key) = (link_key(&record.number), link_key(&number));
        let started = if old_key == new_key {
            None
        } else {
            let started = provisioning_change(&self.rules, phone, &new_key);
            record.change = started.clone();
            if started.is_some() {
                project.unsettled.insert(phone.to_owned());
            }
            started
        };
        let now = Instant::now();
        provisioning::render(
            &mut number,
            record.change.as_ref().map(|c| (c, c.phase(now, timing))),
        );
        project.by_updated.remove(&record.updated);
        project.by_updated.insert(seq, phone.to_owned());
        record.updated = seq;
        record.number = number.clone();
        project.adjust_link(old_key, -1);
        project.adjust_link(new_key, 1);
        self.seq = seq;
        Ok((number, started))
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

/// A change to `phone`'s links `(plan, campaign)`, starting now; `None` when
/// it links nothing.
fn provisioning_change(
    rules: &[FailRule],
    phone: &str,
    (plan, campaign): &(String, String),
) -> Option<Pending> {
    (!plan.is_empty() || !campaign.is_empty()).then(|| Pending {
        started: Instant::now(),
        service_plan_id: plan.clone(),
        campaign_id: campaign.clone(),
        failure: provisioning::failure_for(rules, phone, campaign),
    })
}
