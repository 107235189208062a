//! What the API returns about qualified numbers, read through accessors:
//! absent and empty fields are `None`, values this SDK does not know are
//! kept (open enums), and `raw()` reaches the wire type.

use sinch_imported_numbers_api::types;

use crate::core::non_empty;
use crate::error::Result;
use crate::types::{GlobalProcessState, HostingStatus, State, Timestamp};
use crate::{PhoneNumber, Region};

/// A number whose ownership is being proven or has been, as the API returns it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct QualifiedNumber {
    phone_number: PhoneNumber,
    raw: Box<types::QualifiedNumber>,
}

impl QualifiedNumber {
    /// Checks a body the server returned: everything is tolerated except a
    /// missing or malformed phone number.
    pub(crate) fn from_wire(raw: types::QualifiedNumber) -> Result<Self> {
        let phone_number =
            PhoneNumber::of_answer("a qualified number", raw.phone_number.as_deref())?;
        Ok(QualifiedNumber {
            phone_number,
            raw: Box::new(raw),
        })
    }

    /// The number, in E.164 form.
    pub fn phone_number(&self) -> &PhoneNumber {
        &self.phone_number
    }

    /// The project the number belongs to.
    pub fn project_id(&self) -> Option<&str> {
        non_empty(&self.raw.project_id)
    }

    /// The number's region, when the server sent one this SDK knows.
    pub fn region(&self) -> Option<Region> {
        self.region_code()?.parse().ok()
    }

    /// The region code exactly as the server sent it.
    pub fn region_code(&self) -> Option<&str> {
        non_empty(&self.raw.region_code)
    }

    /// Where the number is in its life (eligibility, ownership proof, hosting).
    pub fn state(&self) -> Option<&GlobalProcessState> {
        self.raw.global_process_state.as_ref()
    }

    /// Whether the OSR (carrier routing) record can be updated.
    pub fn osr_eligibility(&self) -> Option<QualificationStep<'_>> {
        let raw = self.raw.osr_eligibility.as_ref()?;
        Some(QualificationStep { raw })
    }

    /// The ownership proof (voice code or invoices).
    pub fn ownership_verification(&self) -> Option<QualificationStep<'_>> {
        let raw = self.raw.ownership_verification.as_ref()?;
        Some(QualificationStep { raw })
    }

    /// The outcome of hosting the number.
    pub fn hosting(&self) -> Option<HostingOutcome<'_>> {
        let raw = self.raw.hosted_number.as_ref()?;
        Some(HostingOutcome { raw })
    }

    /// When the number was submitted.
    pub fn created(&self) -> Option<&Timestamp> {
        self.raw.created_time.as_ref()
    }

    /// When the number last changed.
    pub fn updated(&self) -> Option<&Timestamp> {
        self.raw.updated_time.as_ref()
    }

    /// The number exactly as received. Not covered by semver.
    pub fn raw(&self) -> &types::QualifiedNumber {
        &self.raw
    }
}

/// One step of a qualification: its state and, when it failed, why.
#[derive(Clone, Copy, Debug)]
pub struct QualificationStep<'a> {
    raw: &'a types::QualifiedNumberStep,
}

impl<'a> QualificationStep<'a> {
    /// The step's state, when the server sent one.
    pub fn state(&self) -> Option<&'a State> {
        self.raw.status.as_ref()
    }

    /// Why the step failed (the server sends `""` otherwise).
    pub fn error(&self) -> Option<&'a str> {
        non_empty(&self.raw.error)
    }
}

/// The outcome of hosting a qualified number.
#[derive(Clone, Copy, Debug)]
pub struct HostingOutcome<'a> {
    raw: &'a types::QualifiedNumberHosting,
}

impl<'a> HostingOutcome<'a> {
    /// The outcome (sent as an integer or a name; both read).
    pub fn status(&self) -> Option<&'a HostingStatus> {
        self.raw.status.as_ref()
    }

    /// Why hosting failed (the server sends `""` otherwise).
    pub fn error(&self) -> Option<&'a str> {
        non_empty(&self.raw.error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn the_wire_as_sent_reads() {
        let body = r#"{"phoneNumber":"+12025550134","globalProcessState":"GLOBAL_PROCESS_STATE_VERIFIED",
            "ownershipVerification":{"status":"DONE","error":""},"hostedNumber":{"status":2,"error":"carrier said no"},
            "createdTime":"2023-02-02T21:00:07.467353Z"}"#;
        let n = QualifiedNumber::from_wire(serde_json::from_str(body).unwrap()).unwrap();
        assert_eq!(n.state(), Some(&GlobalProcessState::Verified));
        let proof = n.ownership_verification().unwrap();
        assert_eq!((proof.state(), proof.error()), (Some(&State::Done), None));
        let hosting = n.hosting().unwrap();
        assert_eq!(hosting.status(), Some(&HostingStatus::Failed));
        assert_eq!(hosting.error(), Some("carrier said no"));
        assert!(n.osr_eligibility().is_none());
    }

    #[test]
    fn a_body_without_a_valid_number_is_a_decode_error() {
        for body in [r#"{}"#, r#"{"phoneNumber":"12025550134"}"#] {
            let err = QualifiedNumber::from_wire(serde_json::from_str(body).unwrap()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{body}");
        }
    }
}
