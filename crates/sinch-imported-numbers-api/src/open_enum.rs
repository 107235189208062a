//! Forward-compatible enums for values the server sends.
//!
//! Sinch adds enum values without bumping the API version. A closed Rust enum
//! would turn such a value into a decode error for the whole response, so the
//! generator is told (see `xtask/src/codegen.rs`) to use these types instead:
//! each has one variant per documented value plus `Unknown(String)`, which
//! keeps the exact text the server sent.
//!
//! The vendor's pages render some of these as `integer <enum>` (the default
//! output of its protobuf-to-OpenAPI generator), while the service sends the
//! names. Both decode: a name as its variant, an integer (or integer text)
//! as `Unknown` with its decimal text, except `0`, which protobuf reserves
//! for the `*_UNSPECIFIED` value, where an enum has one, and the integers an
//! enum's schema gives (`HostingStatus`). A boolean or a fractional number
//! decodes as `Unknown` with its text too: an odd value never fails a
//! response. Known names decode without allocating.

use std::fmt;

macro_rules! open_enum {
    (
        $(#[$doc:meta])* $name:ident $(zero = $zero:ident)?
        $(codes = [$($code:literal => $cvar:ident),+])?
        $(any_case = $any_case:literal)? {
            $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of the SDK does not know, exactly as received
            /// (an integer as its decimal text).
            Unknown(String),
        }

        impl $name {
            /// Every documented value, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant),+];

            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Unknown(other) => other,
                }
            }

            /// The documented value named `text`, if there is one.
            fn known(text: &str) -> Option<Self> {
                match text {
                    $($wire => return Some($name::$variant),)+
                    _ => {}
                }
                $(if $any_case {
                    return Self::KNOWN
                        .iter()
                        .find(|v| v.as_str().eq_ignore_ascii_case(text))
                        .cloned();
                })?
                None
            }

            /// The integer the schema gives this value, for the enums the
            /// vendor's schema types as integers.
            #[allow(unused_variables)]
            fn code(&self) -> Option<i64> {
                $($(if *self == $name::$cvar {
                    return Some($code);
                })+)?
                None
            }

            /// Text that is an integer (`"1"`), read as that integer.
            fn from_numeric_text(text: &str) -> Option<Self> {
                let n: i128 = text.parse().ok()?;
                match Self::from_integer(n) {
                    $name::Unknown(_) => None,
                    known => Some(known),
                }
            }

            #[allow(unused_variables)]
            fn from_integer(n: i128) -> Self {
                $($(if n == $code {
                    return $name::$cvar;
                })+)?
                $(if n == 0 {
                    return $name::$zero;
                })?
                $name::Unknown(n.to_string())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(Self::known(s)
                    .or_else(|| Self::from_numeric_text(s))
                    .unwrap_or_else(|| $name::Unknown(s.to_owned())))
            }
        }

        impl serde::Serialize for $name {
            /// The name, or the schema's integer for enums it types as integers.
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self.code() {
                    Some(code) => serializer.serialize_i64(code),
                    None => serializer.serialize_str(self.as_str()),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl<'de> serde::de::Visitor<'de> for Visitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " name or integer"))
                    }
                    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<$name, E> {
                        Ok($name::known(text)
                            .or_else(|| $name::from_numeric_text(text))
                            .unwrap_or_else(|| $name::Unknown(text.to_owned())))
                    }
                    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<$name, E> {
                        Ok($name::known(&text)
                            .or_else(|| $name::from_numeric_text(&text))
                            .unwrap_or($name::Unknown(text)))
                    }
                    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<$name, E> {
                        // 1.0 is the integer 1; anything else is kept as text.
                        if n.fract() == 0.0 && n.abs() < 1e15 {
                            return Ok($name::from_integer(n as i128));
                        }
                        Ok($name::Unknown(n.to_string()))
                    }
                    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<$name, E> {
                        Ok($name::Unknown(b.to_string()))
                    }
                    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<$name, E> {
                        Ok($name::from_integer(n.into()))
                    }
                    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<$name, E> {
                        Ok($name::from_integer(n.into()))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    };
}

open_enum! {
    /// The state of a provisioning or carrier (MNO) configuration operation
    /// (the vendor's `State`).
    State zero = StateUnspecified {
        /// No state given.
        StateUnspecified = "STATE_UNSPECIFIED",
        /// The operation has not started yet.
        Waiting = "WAITING",
        /// The operation is running.
        InProgress = "IN_PROGRESS",
        /// The operation finished.
        Done = "DONE",
        /// The operation failed; see the error code and message.
        Failed = "FAILED",
    }
}

open_enum! {
    /// The kind of carrier (MNO) configuration operation.
    MnoOperation zero = OperationUnspecified {
        /// Enabling the number on the carrier.
        Provisioning = "PROVISIONING",
        /// Removing the number from the carrier.
        Deprovisioning = "DEPROVISIONING",
        /// No operation given.
        OperationUnspecified = "OPERATION_UNSPECIFIED",
    }
}

open_enum! {
    /// The kind of service a number is provisioned to.
    ProvisioningServiceType {
        /// An SMS service plan.
        Sms = "SMS",
        /// A 10DLC campaign.
        Campaign = "CAMPAIGN",
    }
}

open_enum! {
    /// Whether a provisioning operation adds or removes the number.
    ProvisioningType {
        /// Linking the number to the service.
        Provisioning = "PROVISIONING",
        /// Unlinking the number from the service.
        Deprovisioning = "DEPROVISIONING",
    }
}

open_enum! {
    /// The status of a pending change (`smsConfiguration.scheduledProvisioning.status`).
    ScheduledProvisioningStatus zero = ProvisioningStatusUnspecified {
        /// No status given.
        ProvisioningStatusUnspecified = "PROVISIONING_STATUS_UNSPECIFIED",
        /// The change is queued.
        Waiting = "WAITING",
        /// The change is being applied.
        InProgress = "IN_PROGRESS",
        /// The change failed; see the error codes.
        Failed = "FAILED",
    }
}

open_enum! {
    /// Why a pending change failed (`smsConfiguration.scheduledProvisioning.errorCodes`).
    SmsErrorCode zero = ErrorCodeUnspecified {
        /// No error code given.
        ErrorCodeUnspecified = "ERROR_CODE_UNSPECIFIED",
        /// An internal error at Sinch.
        InternalError = "INTERNAL_ERROR",
        /// The number could not be provisioned to the SMS platform.
        SmsProvisioningFailed = "SMS_PROVISIONING_FAILED",
        /// The number could not be linked to the campaign.
        CampaignProvisioningFailed = "CAMPAIGN_PROVISIONING_FAILED",
        /// The campaign is not available.
        CampaignNotAvailable = "CAMPAIGN_NOT_AVAILABLE",
        /// The 10DLC number limit was exceeded.
        Exceeded10dlcLimit = "EXCEEDED_10DLC_LIMIT",
        /// The number could not be provisioned.
        NumberProvisioningFailed = "NUMBER_PROVISIONING_FAILED",
        /// A partner service was unavailable.
        PartnerServiceUnavailable = "PARTNER_SERVICE_UNAVAILABLE",
        /// The campaign has not been accepted yet.
        CampaignPendingAcceptance = "CAMPAIGN_PENDING_ACCEPTANCE",
        /// Sharing with the carriers failed.
        MnoSharingError = "MNO_SHARING_ERROR",
        /// The campaign has expired.
        CampaignExpired = "CAMPAIGN_EXPIRED",
        /// A carrier rejected the campaign.
        CampaignMnoRejected = "CAMPAIGN_MNO_REJECTED",
        /// A carrier suspended the campaign.
        CampaignMnoSuspended = "CAMPAIGN_MNO_SUSPENDED",
        /// A carrier is reviewing the campaign.
        CampaignMnoReview = "CAMPAIGN_MNO_REVIEW",
        /// The account balance is too low.
        InsufficientBalance = "INSUFFICIENT_BALANCE",
        /// Mock campaigns cannot be used.
        MockCampaignNotAllowed = "MOCK_CAMPAIGN_NOT_ALLOWED",
        /// Toll-free numbers cannot be used.
        TfnNotAllowed = "TFN_NOT_ALLOWED",
        /// The number's NNID is not valid.
        InvalidNnid = "INVALID_NNID",
    }
}

open_enum! {
    /// What a callback is about.
    CallbackResourceType {
        /// An imported number.
        ImportedNumber = "IMPORTED_NUMBER",
        /// A number of a hosting order.
        HostingOrderNumber = "HOSTING_ORDER_NUMBER",
    }
}

open_enum! {
    /// What happened, in a callback.
    CallbackEventType {
        /// The number was provisioned to the SMS platform.
        ProvisioningToSmsPlatform = "PROVISIONING_TO_SMS_PLATFORM",
        /// The number was removed from the SMS platform.
        DeprovisioningToSmsPlatform = "DEPROVISIONING_TO_SMS_PLATFORM",
        /// The number was linked to a 10DLC campaign.
        LinkTo10dlcCampaign = "LINK_TO_10DLC_CAMPAIGN",
        /// The number was unlinked from a 10DLC campaign.
        UnlinkTo10dlcCampaign = "UNLINK_TO_10DLC_CAMPAIGN",
        /// A hosting-order step.
        HostingProcess = "HOSTING_PROCESS",
        /// An OSR update.
        OsrUpdate = "OSR_UPDATE",
        /// The number was deleted.
        Delete = "DELETE",
    }
}

open_enum! {
    /// Whether a callback's event succeeded.
    CallbackStatus {
        /// It succeeded.
        Succeeded = "SUCCEEDED",
        /// It failed; see the failure code.
        Failed = "FAILED",
    }
}

open_enum! {
    /// Why a callback's event failed.
    CallbackFailureCode {
        /// The campaign is not available.
        CampaignNotAvailable = "CAMPAIGN_NOT_AVAILABLE",
        /// The 10DLC number limit was exceeded.
        Exceeded10dlcLimit = "EXCEEDED_10DLC_LIMIT",
        /// The number could not be provisioned.
        NumberProvisioningFailed = "NUMBER_PROVISIONING_FAILED",
        /// A partner service was unavailable.
        PartnerServiceUnavailable = "PARTNER_SERVICE_UNAVAILABLE",
        /// The campaign has not been accepted yet.
        CampaignPendingAcceptance = "CAMPAIGN_PENDING_ACCEPTANCE",
        /// Sharing with the carriers failed.
        MnoSharingError = "MNO_SHARING_ERROR",
        /// The number could not be linked to the campaign.
        CampaignProvisioningFailed = "CAMPAIGN_PROVISIONING_FAILED",
        /// The campaign has expired.
        CampaignExpired = "CAMPAIGN_EXPIRED",
        /// A carrier rejected the campaign.
        CampaignMnoRejected = "CAMPAIGN_MNO_REJECTED",
        /// A carrier suspended the campaign.
        CampaignMnoSuspended = "CAMPAIGN_MNO_SUSPENDED",
        /// A carrier is reviewing the campaign.
        CampaignMnoReview = "CAMPAIGN_MNO_REVIEW",
        /// The account balance is too low.
        InsufficientBalance = "INSUFFICIENT_BALANCE",
        /// Mock campaigns cannot be used.
        MockCampaignNotAllowed = "MOCK_CAMPAIGN_NOT_ALLOWED",
        /// Toll-free numbers cannot be used.
        TfnNotAllowed = "TFN_NOT_ALLOWED",
        /// The number's NNID is not valid.
        InvalidNnid = "INVALID_NNID",
    }
}

open_enum! {
    /// Where a hosting order is in its life. The usual path is `SUBMITTED`,
    /// `WAITING_FOR_LOA_SIGNATURE` (text-enable orders), `IN_PROGRESS`, then
    /// `COMPLETED` or `REJECTED`.
    HostingOrderState zero = HostingOrderStateUnspecified {
        /// No state given.
        HostingOrderStateUnspecified = "HOSTING_ORDER_STATE_UNSPECIFIED",
        /// Being prepared; not submitted yet.
        Draft = "DRAFT",
        /// Submitted; Sinch has not started on it.
        Submitted = "SUBMITTED",
        /// The letter of authorization was e-mailed and waits for its signature.
        WaitingForLoaSignature = "WAITING_FOR_LOA_SIGNATURE",
        /// Sinch is working through the numbers.
        InProgress = "IN_PROGRESS",
        /// Every step is finished; see the report for numbers that failed.
        Completed = "COMPLETED",
        /// Sinch refused the order.
        Rejected = "REJECTED",
    }
}

open_enum! {
    /// What a hosting order does.
    HostingOrderType zero = HostingOrderTypeUnspecified {
        /// No type given.
        HostingOrderTypeUnspecified = "HOSTING_ORDER_TYPE_UNSPECIFIED",
        /// Imports numbers (`hostingOrders:importNumbers`).
        Import = "IMPORT",
        /// Adds SMS to numbers under a letter of authorization.
        TextEnable = "TYPE_TEXT_ENABLE",
    }
}

open_enum! {
    /// Where a qualified number is in its life: the eligibility check, the
    /// ownership proof, then hosting.
    GlobalProcessState zero = Unspecified {
        /// No state given.
        Unspecified = "GLOBAL_PROCESS_STATE_UNSPECIFIED",
        /// Sinch is checking whether the number can be hosted.
        EligibleCheckPending = "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
        /// The number can be hosted; ownership is still to be proven.
        Eligible = "GLOBAL_PROCESS_STATE_ELIGIBLE",
        /// The number cannot be hosted.
        NotEligible = "GLOBAL_PROCESS_STATE_NOT_ELIGIBLE",
        /// The ownership proof (voice code or invoices) is under way.
        VerificationPending = "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING",
        /// The ownership proof failed.
        VerificationFailed = "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED",
        /// Too many failed proofs; Sinch blocked further attempts.
        VerificationBlocked = "GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED",
        /// Ownership is proven; the number can be text-enabled.
        Verified = "GLOBAL_PROCESS_STATE_VERIFIED",
        /// A hosting order for the number is running.
        HostingInProgress = "GLOBAL_PROCESS_STATE_HOSTING_IN_PROGRESS",
        /// The number is hosted.
        HostingDone = "GLOBAL_PROCESS_STATE_HOSTING_DONE",
        /// Hosting the number failed.
        HostingFailed = "GLOBAL_PROCESS_STATE_HOSTING_FAILED",
    }
}

open_enum! {
    /// The kind of letter of authorization of a text-enable order. The
    /// vendor's schema spells the values `Direct` and `Reseller`, its
    /// examples `DIRECT`: any case reads as the known value (and is written
    /// back in the schema's spelling).
    LoaType any_case = true {
        /// Signed by the numbers' owner.
        Direct = "Direct",
        /// Signed by a reseller for its customer.
        Reseller = "Reseller",
    }
}

open_enum! {
    /// The outcome of hosting a qualified number. The vendor's schema makes
    /// it an integer (0, 1, 2) and names the values only in prose: the
    /// integers (also as text, `"1"`, or `1.0`) and the names in any case
    /// read, and it is written back as the schema's integer.
    HostingStatus zero = Unspecified codes = [0 => Unspecified, 1 => Hosted, 2 => Failed] any_case = true {
        /// No outcome yet (`0`).
        Unspecified = "HOSTING_STATUS_UNSPECIFIED",
        /// The number is hosted (`1`).
        Hosted = "HOSTING_STATUS_HOSTED",
        /// Hosting failed (`2`); see the error text.
        Failed = "HOSTING_STATUS_FAILED",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for state in State::KNOWN {
            let json = serde_json::to_string(state).unwrap();
            assert_eq!(&serde_json::from_str::<State>(&json).unwrap(), state);
        }
        assert_eq!(
            serde_json::to_string(&State::InProgress).unwrap(),
            "\"IN_PROGRESS\""
        );
    }

    #[test]
    fn unknown_value_is_kept_verbatim() {
        let state: State = serde_json::from_str("\"PAUSED_BY_CARRIER\"").unwrap();
        assert_eq!(state, State::Unknown("PAUSED_BY_CARRIER".into()));
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            "\"PAUSED_BY_CARRIER\""
        );
        // An escaped string is not borrowed from the input; it decodes the same.
        let escaped: SmsErrorCode = serde_json::from_str("\"TFN_NOT\\u005fALLOWED\"").unwrap();
        assert_eq!(escaped, SmsErrorCode::TfnNotAllowed);
    }

    #[test]
    fn legacy_integers_decode() {
        let status: ScheduledProvisioningStatus = serde_json::from_str("2").unwrap();
        assert_eq!(status, ScheduledProvisioningStatus::Unknown("2".into()));
        let status: ScheduledProvisioningStatus = serde_json::from_str("0").unwrap();
        assert_eq!(
            status,
            ScheduledProvisioningStatus::ProvisioningStatusUnspecified
        );
        let code: SmsErrorCode = serde_json::from_str("-7").unwrap();
        assert_eq!(code, SmsErrorCode::Unknown("-7".into()));
        let kind: ProvisioningType = serde_json::from_str("0").unwrap();
        assert_eq!(
            kind,
            ProvisioningType::Unknown("0".into()),
            "no unspecified value"
        );
    }

    #[test]
    fn integer_codes_and_any_case_spellings_decode() {
        for (json, status) in [
            ("0", HostingStatus::Unspecified),
            ("1", HostingStatus::Hosted),
            ("2", HostingStatus::Failed),
            ("\"HOSTING_STATUS_HOSTED\"", HostingStatus::Hosted),
            ("3", HostingStatus::Unknown("3".into())),
        ] {
            assert_eq!(
                serde_json::from_str::<HostingStatus>(json).unwrap(),
                status,
                "{json}"
            );
        }
        for (json, loa) in [
            ("\"Direct\"", LoaType::Direct),
            ("\"DIRECT\"", LoaType::Direct),
            ("\"reseller\"", LoaType::Reseller),
            ("\"BLANKET\"", LoaType::Unknown("BLANKET".into())),
        ] {
            assert_eq!(
                serde_json::from_str::<LoaType>(json).unwrap(),
                loa,
                "{json}"
            );
        }
        // Other enums stay exact: a lower-case state is not a known one.
        assert_eq!(
            serde_json::from_str::<State>("\"done\"").unwrap(),
            State::Unknown("done".into())
        );
    }

    #[test]
    fn odd_scalars_are_kept_as_text() {
        for (json, status) in [
            ("\"1\"", HostingStatus::Hosted),
            ("\"hosting_status_failed\"", HostingStatus::Failed),
            ("1.0", HostingStatus::Hosted),
            ("1.5", HostingStatus::Unknown("1.5".into())),
            ("true", HostingStatus::Unknown("true".into())),
            ("\"07\"", HostingStatus::Unknown("07".into())),
        ] {
            assert_eq!(
                serde_json::from_str::<HostingStatus>(json).unwrap(),
                status,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::from_str::<State>("\"0\"").unwrap(),
            State::StateUnspecified
        );
        assert_eq!(serde_json::to_string(&HostingStatus::Failed).unwrap(), "2");
        assert_eq!(
            serde_json::to_string(&HostingStatus::Unspecified).unwrap(),
            "0"
        );
        assert_eq!(
            serde_json::to_string(&HostingStatus::Unknown("7".into())).unwrap(),
            "\"7\""
        );
    }

    #[test]
    fn other_json_is_a_decode_error() {
        for json in ["{}", "[]", "null"] {
            assert!(
                serde_json::from_str::<ProvisioningType>(json).is_err(),
                "{json}"
            );
        }
    }
}
