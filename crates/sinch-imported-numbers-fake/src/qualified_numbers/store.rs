//! Qualified numbers in memory: each project's numbers with their global
//! process state and step details, the pending voice-challenge codes, the
//! listing over them, and the seed type tests use. How numbers added
//! through the API move on their own is in `progress`.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use chrono::Utc;
use sinch_imported_numbers_api::open_enum::{GlobalProcessState, HostingStatus, State};
use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types::{
    QualifiedNumber, QualifiedNumberHosting, QualifiedNumberStep,
};

use crate::page_token::{paginate, Page};
use crate::problem::Problem;

/// What the fake writes in `ownershipVerification.error` after a wrong code.
pub(crate) const WRONG_CODE: &str = "the code does not match the one the call read out";
/// What it writes there once too many wrong codes blocked the number.
pub(crate) const BLOCKED: &str = "too many failed attempts; verification is blocked";
/// How many wrong codes in a row block a number.
pub(crate) const WRONG_CODES_TO_BLOCK: u32 = 3;

/// A qualified number to insert directly with
/// [`FakeServer::seed_qualified_number`](crate::FakeServer::seed_qualified_number).
///
/// The details (`osrEligibility`, `ownershipVerification`, `hostedNumber`)
/// default to what the state implies: e.g. `GLOBAL_PROCESS_STATE_VERIFIED`
/// has both steps `DONE` and hosting status 0, `..._HOSTING_FAILED` hosting
/// status 2 with an error text. The region defaults to the one of the
/// number's area code (`CA` for Canadian ones, `US` otherwise).
///
/// ```
/// use sinch_imported_numbers_api::open_enum::{GlobalProcessState, State};
/// use sinch_imported_numbers_fake::QualifiedNumberSeed;
///
/// let seed = QualifiedNumberSeed::new("+12065550100", GlobalProcessState::NotEligible)
///     .osr_eligibility(State::Failed, "the carrier refused the OSR update");
/// # let _ = seed;
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct QualifiedNumberSeed {
    phone_number: String,
    state: GlobalProcessState,
    region_code: Option<String>,
    osr_eligibility: Option<QualifiedNumberStep>,
    ownership_verification: Option<QualifiedNumberStep>,
    hosted_number: Option<QualifiedNumberHosting>,
}

impl QualifiedNumberSeed {
    /// `phone_number` (E.164) in `state`, with the details the state implies.
    pub fn new(phone_number: impl Into<String>, state: GlobalProcessState) -> Self {
        QualifiedNumberSeed {
            phone_number: phone_number.into(),
            state,
            region_code: None,
            osr_eligibility: None,
            ownership_verification: None,
            hosted_number: None,
        }
    }

    /// The number's region (`regionCode`).
    pub fn region_code(mut self, region_code: impl Into<String>) -> Self {
        self.region_code = Some(region_code.into());
        self
    }

    /// `osrEligibility`: its status and error text (empty for none).
    pub fn osr_eligibility(mut self, status: State, error: impl Into<String>) -> Self {
        self.osr_eligibility = Some(step(status, error));
        self
    }

    /// `ownershipVerification`: its status and error text (empty for none).
    pub fn ownership_verification(mut self, status: State, error: impl Into<String>) -> Self {
        self.ownership_verification = Some(step(status, error));
        self
    }

    /// `hostedNumber`: its status (sent as an integer) and error text.
    pub fn hosted_number(mut self, status: HostingStatus, error: impl Into<String>) -> Self {
        self.hosted_number = Some(QualifiedNumberHosting {
            status: Some(status),
            error: Some(error.into()),
        });
        self
    }
}

pub(super) fn step(status: State, error: impl Into<String>) -> QualifiedNumberStep {
    QualifiedNumberStep {
        status: Some(status),
        error: Some(error.into()),
    }
}

/// The details a number in `state` shows unless told otherwise:
/// (`osrEligibility`, `ownershipVerification`, `hostedNumber`).
fn details_for(
    state: &GlobalProcessState,
) -> (
    QualifiedNumberStep,
    QualifiedNumberStep,
    QualifiedNumberHosting,
) {
    use GlobalProcessState as G;
    use State::{Done, Failed, InProgress, StateUnspecified, Waiting};
    let (osr, ownership, hosted) = match state {
        G::EligibleCheckPending => (step(InProgress, ""), step(Waiting, ""), None),
        G::Eligible => (step(Done, ""), step(Waiting, ""), None),
        G::NotEligible => (
            step(Failed, "the number's OSR record cannot be updated"),
            step(Waiting, ""),
            None,
        ),
        G::VerificationPending => (step(Done, ""), step(InProgress, ""), None),
        G::VerificationFailed => (step(Done, ""), step(Failed, WRONG_CODE), None),
        G::VerificationBlocked => (step(Done, ""), step(Failed, BLOCKED), None),
        G::Verified | G::HostingInProgress => (step(Done, ""), step(Done, ""), None),
        G::HostingDone => (
            step(Done, ""),
            step(Done, ""),
            Some((HostingStatus::Hosted, "")),
        ),
        G::HostingFailed => (
            step(Done, ""),
            step(Done, ""),
            Some((HostingStatus::Failed, "hosting the number failed")),
        ),
        _ => (step(StateUnspecified, ""), step(StateUnspecified, ""), None),
    };
    let (status, error) = hosted.unwrap_or((HostingStatus::Unspecified, ""));
    (
        osr,
        ownership,
        QualifiedNumberHosting {
            status: Some(status),
            error: Some(error.to_owned()),
        },
    )
}

/// Canadian area codes; every other +1 number counts as `US`.
const CANADIAN_AREA_CODES: &[&str] = &[
    "204", "226", "236", "249", "250", "257", "263", "289", "306", "343", "354", "365", "367",
    "368", "382", "403", "416", "418", "428", "431", "437", "438", "450", "460", "468", "474",
    "506", "514", "519", "548", "579", "581", "584", "587", "604", "613", "639", "647", "672",
    "683", "705", "709", "742", "753", "778", "780", "782", "807", "819", "825", "867", "873",
    "879", "902", "905", "942",
];

/// The region of a +1 number, from its area code.
pub(crate) fn region_of(phone: &str) -> &'static str {
    match phone.strip_prefix("+1").and_then(|n| n.get(..3)) {
        Some(area) if CANADIAN_AREA_CODES.contains(&area) => "CA",
        _ => "US",
    }
}

/// A listing of qualified numbers.
#[derive(Clone, Debug, Hash)]
pub(crate) struct QualifiedQuery {
    pub state: GlobalProcessState,
    pub region: Option<String>,
    pub by_updated: bool,
}

/// Where a number added through the API is on its own path: the
/// eligibility check, then the review of its invoices.
#[derive(Clone, Copy, Debug)]
pub(super) struct Qualifying {
    pub(super) added: Instant,
    /// The eligibility check has finished.
    pub(super) checked: bool,
    /// The check will find the number not eligible.
    pub(super) not_eligible: bool,
}

pub(super) struct Record {
    pub(super) number: QualifiedNumber,
    pub(super) created: u64,
    pub(super) updated: u64,
    /// The code the last voice call read out, until it is checked.
    pub(super) code: Option<String>,
    /// `Some` for a number added through the API: it moves on its own.
    pub(super) flow: Option<Qualifying>,
    /// A voice challenge was sent: the invoices are no longer reviewed.
    pub(super) voice: bool,
    /// Wrong codes in a row.
    pub(super) wrong_codes: u32,
}

/// Every project's qualified numbers.
#[derive(Default)]
pub(crate) struct QualifiedNumbers {
    pub(super) projects: HashMap<String, HashMap<String, Record>>,
    pub(super) seq: u64,
    /// Per project, the numbers whose own path has not ended.
    pub(super) moving: HashMap<String, HashSet<String>>,
    /// Numbers the eligibility check will refuse, chosen before they are added.
    pub(super) not_eligible: HashSet<String>,
}

pub(super) fn now() -> Timestamp {
    Timestamp::from_instant(Utc::now())
}

fn not_found(phone: &str) -> Problem {
    Problem::no_such(format!(
        "The qualified number {phone:?} could not be found."
    ))
}

impl QualifiedNumbers {
    pub(super) fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn insert(&mut self, project_id: &str, seed: QualifiedNumberSeed) -> QualifiedNumber {
        let (osr, ownership, hosted) = details_for(&seed.state);
        let at = now();
        let region = seed
            .region_code
            .unwrap_or_else(|| region_of(&seed.phone_number).to_owned());
        let number = QualifiedNumber {
            phone_number: Some(seed.phone_number.clone()),
            project_id: Some(project_id.to_owned()),
            region_code: Some(region),
            global_process_state: Some(seed.state),
            osr_eligibility: Some(seed.osr_eligibility.unwrap_or(osr)),
            ownership_verification: Some(seed.ownership_verification.unwrap_or(ownership)),
            hosted_number: Some(seed.hosted_number.unwrap_or(hosted)),
            created_time: Some(at.clone()),
            updated_time: Some(at),
        };
        let seq = self.next_seq();
        self.projects
            .entry(project_id.to_owned())
            .or_default()
            .insert(
                seed.phone_number,
                Record {
                    number: number.clone(),
                    created: seq,
                    updated: seq,
                    code: None,
                    flow: None,
                    voice: false,
                    wrong_codes: 0,
                },
            );
        number
    }

    fn contains(&self, project_id: &str, phone: &str) -> bool {
        self.projects
            .get(project_id)
            .is_some_and(|p| p.contains_key(phone))
    }

    /// Stores a seeded number; `false` (and nothing changes) when the
    /// project already has it.
    pub(crate) fn seed(&mut self, project_id: &str, seed: QualifiedNumberSeed) -> bool {
        if self.contains(project_id, &seed.phone_number) {
            return false;
        }
        self.insert(project_id, seed);
        true
    }

    /// Adds checked numbers for qualification by invoice, all or none: a
    /// 409 when the project already has one of them. Their eligibility
    /// check starts at `now`.
    pub(crate) fn add(
        &mut self,
        project_id: &str,
        phones: &[String],
        now: Instant,
    ) -> Result<Vec<QualifiedNumber>, Problem> {
        if let Some(taken) = phones.iter().find(|p| self.contains(project_id, p)) {
            return Err(Problem::conflict(format!(
                "The qualified number {taken:?} already exists."
            )));
        }
        let added = phones
            .iter()
            .map(|phone| {
                self.insert(
                    project_id,
                    QualifiedNumberSeed::new(
                        phone.clone(),
                        GlobalProcessState::EligibleCheckPending,
                    ),
                )
            })
            .collect();
        for phone in phones {
            let not_eligible = self.not_eligible.contains(phone);
            if let Some(record) = self
                .projects
                .get_mut(project_id)
                .and_then(|p| p.get_mut(phone))
            {
                record.flow = Some(Qualifying {
                    added: now,
                    checked: false,
                    not_eligible,
                });
            }
        }
        self.moving
            .entry(project_id.to_owned())
            .or_default()
            .extend(phones.iter().cloned());
        Ok(added)
    }

    /// One number.
    pub(crate) fn get(&self, project_id: &str, phone: &str) -> Result<&QualifiedNumber, Problem> {
        self.projects
            .get(project_id)
            .and_then(|p| p.get(phone))
            .map(|r| &r.number)
            .ok_or_else(|| not_found(phone))
    }

    /// Removes a number (and any pending challenge).
    pub(crate) fn delete(&mut self, project_id: &str, phone: &str) -> Result<(), Problem> {
        self.projects
            .get_mut(project_id)
            .and_then(|p| p.remove(phone))
            .map(|_| ())
            .ok_or_else(|| not_found(phone))
    }

    /// A page of numbers matching `query`.
    pub(crate) fn list(
        &self,
        project_id: &str,
        query: &QualifiedQuery,
        after: Option<u64>,
        size: usize,
    ) -> Page<&QualifiedNumber> {
        let hits = self
            .projects
            .get(project_id)
            .into_iter()
            .flat_map(|p| p.values())
            .filter(|r| {
                r.number.global_process_state.as_ref() == Some(&query.state)
                    && query
                        .region
                        .as_ref()
                        .is_none_or(|region| r.number.region_code.as_ref() == Some(region))
            })
            .map(|r| {
                let position = if query.by_updated {
                    r.updated
                } else {
                    r.created
                };
                (position, &r.number)
            })
            .collect();
        paginate(hits, after, size)
    }

    pub(super) fn record_mut(
        &mut self,
        project_id: &str,
        phone: &str,
    ) -> Result<&mut Record, Problem> {
        let seq = self.next_seq();
        let record = self
            .projects
            .get_mut(project_id)
            .and_then(|p| p.get_mut(phone))
            .ok_or_else(|| not_found(phone))?;
        record.updated = seq;
        record.number.updated_time = Some(now());
        Ok(record)
    }

    /// Places the voice call: a new random code of 4 to 6 digits, and the
    /// number waits for it (`..._VERIFICATION_PENDING`). Refused once the
    /// number is not eligible, blocked, verified, or being hosted.
    pub(crate) fn send_challenge(
        &mut self,
        project_id: &str,
        phone: &str,
    ) -> Result<QualifiedNumber, Problem> {
        use GlobalProcessState as G;
        let state = self
            .get(project_id, phone)?
            .global_process_state
            .clone()
            .unwrap_or(G::Unspecified);
        if !matches!(
            state,
            G::Unspecified
                | G::EligibleCheckPending
                | G::Eligible
                | G::VerificationPending
                | G::VerificationFailed
        ) {
            return Err(Problem::failed_precondition(format!(
                "no voice challenge can be sent to {phone:?} in state {state}"
            )));
        }
        let record = self.record_mut(project_id, phone)?;
        let digits = fastrand::usize(4..=6);
        let code: String = std::iter::repeat_with(|| char::from(b'0' + fastrand::u8(0..10)))
            .take(digits)
            .collect();
        record.code = Some(code);
        record.voice = true;
        record.number.global_process_state = Some(G::VerificationPending);
        record.number.ownership_verification = Some(step(State::InProgress, ""));
        Ok(record.number.clone())
    }

    /// Checks `code` against the pending challenge, which it uses up: the
    /// right code verifies the number, a wrong one fails the verification,
    /// and the third wrong one in a row blocks it. A 400 when no challenge
    /// is pending.
    pub(crate) fn verify_challenge(
        &mut self,
        project_id: &str,
        phone: &str,
        code: &str,
    ) -> Result<QualifiedNumber, Problem> {
        self.get(project_id, phone)?;
        let pending = self
            .projects
            .get(project_id)
            .and_then(|p| p.get(phone))
            .and_then(|r| r.code.clone());
        let Some(expected) = pending else {
            return Err(Problem::failed_precondition(format!(
                "no voice challenge is pending for {phone:?}; send one first"
            )));
        };
        let record = self.record_mut(project_id, phone)?;
        record.code = None;
        if code == expected {
            record.wrong_codes = 0;
            record.number.global_process_state = Some(GlobalProcessState::Verified);
            record.number.ownership_verification = Some(step(State::Done, ""));
        } else {
            record.wrong_codes += 1;
            let (state, error) = if record.wrong_codes >= WRONG_CODES_TO_BLOCK {
                (GlobalProcessState::VerificationBlocked, BLOCKED)
            } else {
                (GlobalProcessState::VerificationFailed, WRONG_CODE)
            };
            record.number.global_process_state = Some(state);
            record.number.ownership_verification = Some(step(State::Failed, error));
        }
        Ok(record.number.clone())
    }

    /// The code of the pending challenge of `phone`, if any.
    pub(crate) fn code(&self, project_id: &str, phone: &str) -> Option<String> {
        self.projects.get(project_id)?.get(phone)?.code.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_from_area_codes() {
        assert_eq!(region_of("+14165550100"), "CA");
        assert_eq!(region_of("+12065550100"), "US");
    }

    #[test]
    fn voice_round_trip() {
        let mut store = QualifiedNumbers::default();
        let phone = "+12065550100".to_owned();
        let now = Instant::now();
        store.add("p", std::slice::from_ref(&phone), now).unwrap();
        assert!(store.add("p", std::slice::from_ref(&phone), now).is_err());
        assert!(store.verify_challenge("p", &phone, "1234").is_err());
        store.send_challenge("p", &phone).unwrap();
        let code = store.code("p", &phone).unwrap();
        assert!((4..=6).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()));
        let verified = store.verify_challenge("p", &phone, &code).unwrap();
        assert_eq!(
            verified.global_process_state,
            Some(GlobalProcessState::Verified)
        );
        assert_eq!(store.code("p", &phone), None);
        assert!(
            store.send_challenge("p", &phone).is_err(),
            "already verified"
        );
    }

    #[test]
    fn three_wrong_codes_block() {
        let mut store = QualifiedNumbers::default();
        let phone = "+12065550100";
        store.seed(
            "p",
            QualifiedNumberSeed::new(phone, GlobalProcessState::Eligible),
        );
        for attempt in 1..=3 {
            store.send_challenge("p", phone).unwrap();
            let code = store.code("p", phone).unwrap();
            let wrong = format!("{code}9");
            let number = store.verify_challenge("p", phone, &wrong).unwrap();
            let expected = if attempt < 3 {
                GlobalProcessState::VerificationFailed
            } else {
                GlobalProcessState::VerificationBlocked
            };
            assert_eq!(number.global_process_state, Some(expected), "{attempt}");
        }
        assert!(store.send_challenge("p", phone).is_err(), "blocked");
    }
}
