//! The carriers (AT&T and T-Mobile, SMS and MMS) a number is configured on,
//! and the state of each: shared by imported numbers and hosting-order
//! numbers, which report them in two slightly different wire shapes.

use sinch_imported_numbers_api::types;

use super::non_empty;
use crate::types::{MnoOperation, State, Timestamp};

/// A carrier configuration the API reports on (`mnoConfiguration.*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Carrier {
    /// SMS on AT&T (`smsAtt`).
    SmsAtt,
    /// SMS on T-Mobile (`smsTmo`).
    SmsTmo,
    /// MMS on AT&T (`mmsAtt`).
    MmsAtt,
    /// MMS on T-Mobile (`mmsTmo`).
    MmsTmo,
}

impl Carrier {
    /// Every carrier configuration, in the API's order.
    pub const ALL: [Carrier; 4] = [Self::SmsAtt, Self::SmsTmo, Self::MmsAtt, Self::MmsTmo];

    /// The field the API reports this carrier under (`smsAtt`, `smsTmo`,
    /// `mmsAtt`, `mmsTmo`).
    pub fn wire_name(self) -> &'static str {
        match self {
            Carrier::SmsAtt => "smsAtt",
            Carrier::SmsTmo => "smsTmo",
            Carrier::MmsAtt => "mmsAtt",
            Carrier::MmsTmo => "mmsTmo",
        }
    }
}

/// One carrier's state for a number: of an imported number
/// (`mnoConfiguration.*`, with the operation) or of a hosting-order number
/// (`smsAtt`, ..., without one).
#[derive(Clone, Copy, Debug)]
pub struct CarrierState<'a> {
    carrier: Carrier,
    raw: Raw<'a>,
}

#[derive(Clone, Copy, Debug)]
enum Raw<'a> {
    Imported(&'a types::MnoOperationStatus),
    Hosted(&'a types::CarrierState),
}

/// The fields both wire shapes share.
macro_rules! field {
    ($self:ident . $name:ident) => {
        match $self.raw {
            Raw::Imported(raw) => &raw.$name,
            Raw::Hosted(raw) => &raw.$name,
        }
    };
}

impl<'a> CarrierState<'a> {
    pub(crate) fn imported(carrier: Carrier, raw: &'a types::MnoOperationStatus) -> Self {
        CarrierState {
            carrier,
            raw: Raw::Imported(raw),
        }
    }

    pub(crate) fn hosted(carrier: Carrier, raw: &'a types::CarrierState) -> Self {
        CarrierState {
            carrier,
            raw: Raw::Hosted(raw),
        }
    }

    /// Which carrier configuration this is.
    pub fn carrier(&self) -> Carrier {
        self.carrier
    }

    /// Its state, when the server sent one.
    pub fn state(&self) -> Option<&'a State> {
        field!(self.state).as_ref()
    }

    /// What is being done on the carrier; hosting-order numbers do not say.
    pub fn operation(&self) -> Option<&'a MnoOperation> {
        match self.raw {
            Raw::Imported(raw) => raw.operation.as_ref(),
            Raw::Hosted(_) => None,
        }
    }

    /// The error code, when it failed (the server sends `""` otherwise).
    pub fn error_code(&self) -> Option<&'a str> {
        non_empty(field!(self.error_code))
    }

    /// The error message, when it failed.
    pub fn error_message(&self) -> Option<&'a str> {
        non_empty(field!(self.error_message))
    }

    /// When the state last changed.
    pub fn updated(&self) -> Option<&'a Timestamp> {
        field!(self.update_time).as_ref()
    }
}
