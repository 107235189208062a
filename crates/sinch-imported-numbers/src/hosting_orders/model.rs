//! What the API returns about hosting orders, read through accessors:
//! absent and empty fields are `None`, values this SDK does not know are
//! kept (open enums), and `raw()` reaches the wire type.

use sinch_imported_numbers_api::types;

use crate::core::carrier::{Carrier, CarrierState};
use crate::core::non_empty;
use crate::error::{Error, ErrorKind, Result};
use crate::types::{HostingOrderState, HostingOrderType, LoaType, State, Timestamp};
use crate::{PhoneNumber, Region};

/// A hosting order, as the API returns it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HostingOrder {
    raw: Box<types::HostingOrder>,
}

impl HostingOrder {
    /// Checks a body the server returned: everything is tolerated except a
    /// missing id, without which it is not a hosting order.
    pub(crate) fn from_wire(raw: types::HostingOrder) -> Result<Self> {
        if non_empty(&raw.hosting_order_id).is_none() {
            return Err(Error::new(
                ErrorKind::Decode,
                "the server's answer is not a hosting order: it has no hostingOrderId",
            ));
        }
        Ok(HostingOrder { raw: Box::new(raw) })
    }

    /// The order an import through a hosting order answers with: the same
    /// fields without the text-enable ones.
    pub(crate) fn from_import_wire(raw: types::ImportHostingOrder) -> Result<Self> {
        Self::from_wire(types::HostingOrder {
            project_id: raw.project_id,
            hosting_order_id: raw.hosting_order_id,
            display_name: raw.display_name,
            region_code: raw.region_code,
            state: raw.state,
            type_: raw.type_,
            created_time: raw.created_time,
            updated_time: raw.updated_time,
            service_plan_id: raw.service_plan_id,
            campaign_id: raw.campaign_id,
            migrate_to_sinch_tmo: raw.migrate_to_sinch_tmo,
            callback_url: raw.callback_url,
            ..types::HostingOrder::default()
        })
    }

    /// The order's id, as the server gave it (opaque).
    pub fn id(&self) -> &str {
        self.raw.hosting_order_id.as_deref().unwrap_or_default()
    }

    /// The project the order belongs to.
    pub fn project_id(&self) -> Option<&str> {
        non_empty(&self.raw.project_id)
    }

    /// The order's label.
    pub fn display_name(&self) -> Option<&str> {
        non_empty(&self.raw.display_name)
    }

    /// The order's region, when the server sent one this SDK knows.
    pub fn region(&self) -> Option<Region> {
        self.region_code()?.parse().ok()
    }

    /// The region code exactly as the server sent it.
    pub fn region_code(&self) -> Option<&str> {
        non_empty(&self.raw.region_code)
    }

    /// Where the order is in its life.
    pub fn state(&self) -> Option<&HostingOrderState> {
        self.raw.state.as_ref()
    }

    /// What the order does (import or text-enable).
    pub fn order_type(&self) -> Option<&HostingOrderType> {
        self.raw.type_.as_ref()
    }

    /// Whether the order is over: `COMPLETED` or `REJECTED`.
    pub fn is_finished(&self) -> bool {
        matches!(
            self.state(),
            Some(HostingOrderState::Completed | HostingOrderState::Rejected)
        )
    }

    /// Whether the order waits for a person: the letter of authorization
    /// was e-mailed to the authorised person and is not signed yet.
    pub fn awaits_signature(&self) -> bool {
        matches!(
            self.state(),
            Some(HostingOrderState::WaitingForLoaSignature)
        )
    }

    /// When the order was created.
    pub fn created(&self) -> Option<&Timestamp> {
        self.raw.created_time.as_ref()
    }

    /// When the order last changed.
    pub fn updated(&self) -> Option<&Timestamp> {
        self.raw.updated_time.as_ref()
    }

    /// When the OSR (carrier routing) record is to be changed.
    pub fn scheduled_osr_update(&self) -> Option<&Timestamp> {
        self.raw.scheduled_osr_update_time.as_ref()
    }

    /// The SMS service plan the numbers go to.
    pub fn service_plan_id(&self) -> Option<&str> {
        non_empty(&self.raw.service_plan_id)
    }

    /// The 10DLC campaign the numbers are linked to.
    pub fn campaign_id(&self) -> Option<&str> {
        non_empty(&self.raw.campaign_id)
    }

    /// Whether the numbers move to Sinch on T-Mobile's platform.
    pub fn migrate_to_sinch_tmo(&self) -> Option<bool> {
        self.raw.migrate_to_sinch_tmo
    }

    /// Where events about the order's numbers are posted.
    pub fn callback_url(&self) -> Option<&str> {
        non_empty(&self.raw.callback_url)
    }

    /// The business and letter-of-authorization details of a text-enable
    /// order, read from `textEnableInfo` or, when only that is sent, from
    /// `hostingOrderInfo` (the key the vendor's examples use).
    pub fn text_enable_info(&self) -> Option<TextEnableInfo<'_>> {
        let raw = self
            .raw
            .text_enable_info
            .as_ref()
            .or(self.raw.hosting_order_info.as_ref())?;
        Some(TextEnableInfo { raw })
    }

    /// The order exactly as received: the escape hatch for fields this
    /// model does not cover. Not covered by semver (it follows the spec).
    pub fn raw(&self) -> &types::HostingOrder {
        &self.raw
    }
}

/// The business and letter-of-authorization (LOA) details of a text-enable
/// order; from [`HostingOrder::text_enable_info`].
#[derive(Clone, Copy, Debug)]
pub struct TextEnableInfo<'a> {
    raw: &'a types::TextEnableInfo,
}

impl<'a> TextEnableInfo<'a> {
    /// The business the numbers belong to.
    pub fn business_name(&self) -> Option<&'a str> {
        non_empty(&self.raw.business_name)
    }

    /// Who signs the LOA.
    pub fn authorised_person(&self) -> Option<AuthorisedPersonInfo<'a>> {
        let raw = self.raw.authorised_person.as_ref()?;
        Some(AuthorisedPersonInfo { raw })
    }

    /// The business address on the LOA.
    pub fn address(&self) -> Option<AddressInfo<'a>> {
        let raw = self.raw.address.as_ref()?;
        Some(AddressInfo { raw })
    }

    /// The provider the numbers are hosted with.
    pub fn service_provider(&self) -> Option<&'a str> {
        non_empty(&self.raw.service_provider)
    }

    /// The carrier serving the numbers' voice traffic (free text).
    pub fn current_voice_carrier(&self) -> Option<&'a str> {
        non_empty(&self.raw.current_voice_carrier)
    }

    /// The NNID the numbers are routed with.
    pub fn nnid(&self) -> Option<&'a str> {
        non_empty(&self.raw.nnid)
    }

    /// The kind of LOA (`Direct` and `DIRECT` both read as direct).
    pub fn loa_type(&self) -> Option<&'a LoaType> {
        self.raw.loa_type.as_ref()
    }
}

/// Who signs a letter of authorization, as the server reports it.
#[derive(Clone, Copy, Debug)]
pub struct AuthorisedPersonInfo<'a> {
    raw: &'a types::AuthorizedPerson,
}

impl<'a> AuthorisedPersonInfo<'a> {
    /// Given name.
    pub fn first_name(&self) -> Option<&'a str> {
        non_empty(&self.raw.first_name)
    }

    /// Family name.
    pub fn last_name(&self) -> Option<&'a str> {
        non_empty(&self.raw.last_name)
    }

    /// Where the LOA is sent for signature.
    pub fn email(&self) -> Option<&'a str> {
        non_empty(&self.raw.email)
    }
}

/// A business address on a letter of authorization, as the server reports it.
#[derive(Clone, Copy, Debug)]
pub struct AddressInfo<'a> {
    raw: &'a types::Address,
}

impl<'a> AddressInfo<'a> {
    /// The building number (text: it may hold letters).
    pub fn building_number(&self) -> Option<&'a str> {
        non_empty(&self.raw.building_number)
    }

    /// The street.
    pub fn street(&self) -> Option<&'a str> {
        non_empty(&self.raw.street)
    }

    /// The city.
    pub fn city(&self) -> Option<&'a str> {
        non_empty(&self.raw.city)
    }

    /// The state or province abbreviation.
    pub fn state(&self) -> Option<&'a str> {
        non_empty(&self.raw.state)
    }

    /// The postal code, leading zeros kept.
    pub fn postal_code(&self) -> Option<&'a str> {
        non_empty(&self.raw.postal_code)
    }

    /// The country code.
    pub fn country(&self) -> Option<&'a str> {
        non_empty(&self.raw.country)
    }
}

/// How many of an order's numbers have passed each step. Each count is
/// `None` when the server left it out (or sent a negative one).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HostingOrderReport {
    raw: types::HostingOrderReport,
}

fn count(n: Option<i32>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

impl HostingOrderReport {
    pub(crate) fn from_wire(raw: types::HostingOrderReport) -> Self {
        HostingOrderReport { raw }
    }

    /// Numbers in the order.
    pub fn total(&self) -> Option<u32> {
        count(self.raw.total)
    }

    /// Numbers whose OSR record is updated.
    pub fn osr_updated(&self) -> Option<u32> {
        count(self.raw.osr_updated)
    }

    /// Numbers provisioned to the SMS platform.
    pub fn sms_provisioned(&self) -> Option<u32> {
        count(self.raw.sms_provisioned)
    }

    /// Numbers linked to the campaign.
    pub fn added_to_campaign(&self) -> Option<u32> {
        count(self.raw.added_to_campaign)
    }

    /// Numbers waiting for a person at Sinch.
    pub fn ongoing_manual_action(&self) -> Option<u32> {
        count(self.raw.ongoing_manual_action)
    }

    /// The report exactly as received. Not covered by semver.
    pub fn raw(&self) -> &types::HostingOrderReport {
        &self.raw
    }
}

/// One number of a hosting order and how far each of its steps has come.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct HostingOrderNumber {
    phone_number: PhoneNumber,
    raw: Box<types::HostingOrderNumber>,
}

impl HostingOrderNumber {
    /// Checks a body the server returned: everything is tolerated except a
    /// missing or malformed phone number.
    pub(crate) fn from_wire(raw: types::HostingOrderNumber) -> Result<Self> {
        let phone_number =
            PhoneNumber::of_answer("a hosting-order number", raw.phone_number.as_deref())?;
        Ok(HostingOrderNumber {
            phone_number,
            raw: Box::new(raw),
        })
    }

    /// The number, in E.164 form.
    pub fn phone_number(&self) -> &PhoneNumber {
        &self.phone_number
    }

    /// The order the number belongs to.
    pub fn hosting_order_id(&self) -> Option<&str> {
        non_empty(&self.raw.hosting_order_id)
    }

    /// The project the order belongs to.
    pub fn project_id(&self) -> Option<&str> {
        non_empty(&self.raw.project_id)
    }

    /// The update of the number's OSR (carrier routing) record; its target
    /// is the NNID.
    pub fn osr_update(&self) -> Option<Step<'_>> {
        let raw = self.raw.osr_update.as_ref()?;
        Some(Step {
            state: raw.state.as_ref(),
            target: non_empty(&raw.nnid),
        })
    }

    /// Provisioning to the SMS platform; its target is the service plan.
    pub fn platform_provisioning(&self) -> Option<Step<'_>> {
        let raw = self.raw.platform_provisioning.as_ref()?;
        Some(Step {
            state: raw.state.as_ref(),
            target: non_empty(&raw.service_plan_id),
        })
    }

    /// Linking to the campaign; its target is the campaign.
    pub fn campaign_provisioning(&self) -> Option<Step<'_>> {
        let raw = self.raw.campaign_provisioning.as_ref()?;
        Some(Step {
            state: raw.state.as_ref(),
            target: non_empty(&raw.campaign_id),
        })
    }

    /// The number's state on one carrier, when the server reports it.
    pub fn carrier(&self, carrier: Carrier) -> Option<CarrierState<'_>> {
        let raw = match carrier {
            Carrier::SmsAtt => self.raw.sms_att.as_ref(),
            Carrier::SmsTmo => self.raw.sms_tmo.as_ref(),
            Carrier::MmsAtt => self.raw.mms_att.as_ref(),
            Carrier::MmsTmo => self.raw.mms_tmo.as_ref(),
        }?;
        Some(CarrierState::hosted(carrier, raw))
    }

    /// Every carrier state the server reports.
    pub fn carriers(&self) -> impl Iterator<Item = CarrierState<'_>> + '_ {
        Carrier::ALL.into_iter().filter_map(|c| self.carrier(c))
    }

    /// Why the number failed, when a step or a carrier did: each failed
    /// step (`"osrUpdate failed"`, ...), then the failed carriers with the
    /// error code and message the server sent (carriers that failed alike
    /// are named together). `None` while nothing has failed.
    pub fn failure(&self) -> Option<String> {
        let steps = [
            ("osrUpdate", self.osr_update()),
            ("platformProvisioning", self.platform_provisioning()),
            ("campaignProvisioning", self.campaign_provisioning()),
        ];
        let mut reasons: Vec<String> = steps
            .iter()
            .filter(|(_, step)| step.is_some_and(|s| s.is_failed()))
            .map(|(name, _)| format!("{name} failed"))
            .collect();
        // Carriers that failed for the same reason are named together.
        let mut by_detail: Vec<(String, Vec<&str>)> = Vec::new();
        for carrier in self.carriers() {
            if carrier.state() == Some(&State::Failed) {
                let detail = [carrier.error_code(), carrier.error_message()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(": ");
                let name = carrier.carrier().wire_name();
                match by_detail.iter_mut().find(|(d, _)| *d == detail) {
                    Some((_, names)) => names.push(name),
                    None => by_detail.push((detail, vec![name])),
                }
            }
        }
        for (detail, names) in by_detail {
            let names = names.join(", ");
            reasons.push(match detail.is_empty() {
                true => format!("{names} failed"),
                false => format!("{names} failed ({detail})"),
            });
        }
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    /// The number exactly as received. Not covered by semver.
    pub fn raw(&self) -> &types::HostingOrderNumber {
        &self.raw
    }
}

/// One step of a hosting-order number (OSR update, platform or campaign
/// provisioning): its state and what it works with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step<'a> {
    state: Option<&'a State>,
    target: Option<&'a str>,
}

impl<'a> Step<'a> {
    /// The step's state, when the server sent one.
    pub fn state(&self) -> Option<&'a State> {
        self.state
    }

    /// The NNID, service plan or campaign the step works with.
    pub fn target(&self) -> Option<&'a str> {
        self.target
    }

    /// Whether the step is finished (`DONE`).
    pub fn is_done(&self) -> bool {
        matches!(self.state, Some(State::Done))
    }

    /// Whether the step failed (`FAILED`).
    pub fn is_failed(&self) -> bool {
        matches!(self.state, Some(State::Failed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_enable_info_is_read_under_either_key() {
        let body = r#"{"hostingOrderId":"o1","hostingOrderInfo":{"loaType":"DIRECT","nnid":"104029","authorisedPerson":{"email":"a@b.example"}}}"#;
        let order = HostingOrder::from_wire(serde_json::from_str(body).unwrap()).unwrap();
        let info = order.text_enable_info().unwrap();
        assert_eq!(info.loa_type(), Some(&LoaType::Direct));
        assert_eq!(info.nnid(), Some("104029"));
        assert_eq!(
            info.authorised_person().unwrap().email(),
            Some("a@b.example")
        );
        assert_eq!(info.authorised_person().unwrap().first_name(), None);
        let body = r#"{"hostingOrderId":"o1","textEnableInfo":{"nnid":"1"},"hostingOrderInfo":{"nnid":"2"}}"#;
        let order = HostingOrder::from_wire(serde_json::from_str(body).unwrap()).unwrap();
        assert_eq!(
            order.text_enable_info().unwrap().nnid(),
            Some("1"),
            "the schema's key wins"
        );
    }

    #[test]
    fn an_order_without_an_id_is_a_decode_error() {
        for body in [r#"{}"#, r#"{"hostingOrderId":""}"#] {
            let err = HostingOrder::from_wire(serde_json::from_str(body).unwrap()).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Decode, "{body}");
        }
    }

    #[test]
    fn odd_values_are_tolerated() {
        let body = r#"{"hostingOrderId":"o1","state":"PAUSED","type":"PORT_IN","createdTime":"yesterday"}"#;
        let order = HostingOrder::from_wire(serde_json::from_str(body).unwrap()).unwrap();
        assert_eq!(
            order.state(),
            Some(&HostingOrderState::Unknown("PAUSED".into()))
        );
        assert!(!order.is_finished());
        assert_eq!(
            order.order_type(),
            Some(&HostingOrderType::Unknown("PORT_IN".into()))
        );
        let report = HostingOrderReport::from_wire(
            serde_json::from_str(r#"{"total":3,"osrUpdated":-1}"#).unwrap(),
        );
        assert_eq!(
            (
                report.total(),
                report.osr_updated(),
                report.sms_provisioned()
            ),
            (Some(3), None, None)
        );
    }
}
