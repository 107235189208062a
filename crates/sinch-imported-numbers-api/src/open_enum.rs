//! Forward-compatible enums for values the server sends.
//!
//! Sinch adds enum values without bumping the API version. A closed Rust enum
//! would turn such a value into a decode error for the whole response, so the
//! generator is told (see `xtask/src/codegen.rs`) to use these types instead:
//! each has one variant per documented value plus `Unknown(String)`, which
//! keeps the exact text the server sent.

macro_rules! open_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value this version of the SDK does not know, exactly as received.
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
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(match s {
                    $($wire => $name::$variant,)+
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Ok(text.parse().unwrap_or_else(|never: std::convert::Infallible| match never {}))
            }
        }
    };
}

open_enum! {
    /// The current state of a carrier (MNO) configuration operation.
    MnoState {
        /// The operation finished.
        Done = "DONE",
        /// The operation failed; see the error code and message.
        Failed = "FAILED",
        /// The operation is running.
        InProgress = "IN_PROGRESS",
        /// The operation has not started yet.
        Waiting = "WAITING",
    }
}

open_enum! {
    /// The kind of carrier (MNO) configuration operation.
    MnoOperation {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip() {
        for state in MnoState::KNOWN {
            let json = serde_json::to_string(state).unwrap();
            assert_eq!(&serde_json::from_str::<MnoState>(&json).unwrap(), state);
        }
        assert_eq!(
            serde_json::to_string(&MnoState::InProgress).unwrap(),
            "\"IN_PROGRESS\""
        );
    }

    #[test]
    fn unknown_value_is_kept_verbatim() {
        let state: MnoState = serde_json::from_str("\"PAUSED_BY_CARRIER\"").unwrap();
        assert_eq!(state, MnoState::Unknown("PAUSED_BY_CARRIER".into()));
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            "\"PAUSED_BY_CARRIER\""
        );
    }

    #[test]
    fn non_string_is_a_decode_error() {
        assert!(serde_json::from_str::<ProvisioningType>("3").is_err());
    }
}
