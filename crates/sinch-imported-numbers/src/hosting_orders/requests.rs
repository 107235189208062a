//! The requests that open a hosting order: importing numbers
//! ([`OrderImport`]), text-enabling numbers under a letter of authorization
//! ([`TextEnable`]), and its toll-free form ([`TollFreeTextEnable`]). The
//! qualified-number text-enable calls take the same two requests.
//!
//! Every request is checked before anything is sent: at least one number,
//! none twice, no more than the call accepts, all in the order's region
//! (US or CA), a non-blank service plan, an http(s) callback URL, a complete
//! letter. Each refusal is an [`InputError`] naming the setting.

use std::time::SystemTime;

use sinch_imported_numbers_api::timestamp::Timestamp;
use sinch_imported_numbers_api::types;

use super::loa::{Loa, TollFreeLoa};
use crate::error::{InputError, Setting};
use crate::{PhoneNumber, Region};

/// The most numbers one hosting-order import takes (the account manager can
/// raise it; see [`OrderImport::raised_limit`]).
pub const IMPORT_ORDER_LIMIT: usize = 5;

/// The most numbers one text-enable call for qualified numbers takes.
pub const QUALIFIED_TEXT_ENABLE_LIMIT: usize = 500;

/// The settings every order request shares.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Common {
    numbers: Vec<PhoneNumber>,
    region: Option<Region>,
    service_plan_id: String,
    display_name: Option<String>,
    callback_url: Option<String>,
}

impl Common {
    fn new(numbers: impl IntoIterator<Item = PhoneNumber>, service_plan_id: String) -> Self {
        Common {
            numbers: numbers.into_iter().collect(),
            region: None,
            service_plan_id,
            display_name: None,
            callback_url: None,
        }
    }

    /// Checks the shared settings; returns the region to send.
    fn check(&self, limit: Option<usize>) -> Result<Region, InputError> {
        if self.service_plan_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::ServicePlanId));
        }
        if let Some(url) = &self.callback_url {
            crate::core::check_callback_url(url)?;
        }
        check_numbers(&self.numbers, self.region, limit)
    }
}

/// The numbers of one call: some, none twice, at most `limit`, one region;
/// returns that region.
pub(crate) fn check_numbers(
    numbers: &[PhoneNumber],
    region: Option<Region>,
    limit: Option<usize>,
) -> Result<Region, InputError> {
    if numbers.is_empty() {
        return Err(InputError::Missing(Setting::PhoneNumbers));
    }
    for (i, number) in numbers.iter().enumerate() {
        if numbers[..i].contains(number) {
            return Err(InputError::invalid(
                Setting::PhoneNumbers,
                format!("{number} is listed twice"),
            ));
        }
    }
    if let Some(limit) = limit.filter(|&l| numbers.len() > l) {
        return Err(InputError::invalid(
            Setting::PhoneNumbers,
            format!(
                "{} numbers given; one call takes at most {limit} (the batched call splits them)",
                numbers.len()
            ),
        ));
    }
    let mut found: Option<Region> = region;
    for number in numbers {
        let own = region_of(number, region)?;
        match found {
            None => found = Some(own),
            Some(r) if r != own => {
                return Err(InputError::invalid(
                    Setting::Region,
                    format!(
                        "{number} is a {own} number but the order is for {r}; one order is for one region (the batched call splits them)"
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    // `numbers` is not empty, so a region was found.
    Ok(found.unwrap_or(Region::Us))
}

/// The region `number` can be ordered in, given the region the order names.
///
/// A number in a known Canadian area code is Canadian; any other US/CA
/// number goes in the named region, since a brand-new Canadian area code
/// reads as US until this SDK's table knows it. Numbers outside the US and
/// Canada are refused: hosting is offered there only.
pub(crate) fn region_of(number: &PhoneNumber, named: Option<Region>) -> Result<Region, InputError> {
    match (number.region(), named) {
        (None, _) => Err(InputError::UnsupportedRegion {
            number: number.to_string(),
        }),
        (Some(Region::Ca), _) => Ok(Region::Ca),
        (Some(inferred), None) => Ok(inferred),
        (Some(_), Some(named)) => Ok(named),
    }
}

fn wire_numbers(numbers: &[PhoneNumber]) -> Vec<String> {
    numbers.iter().map(|n| n.as_str().to_owned()).collect()
}

/// Builder methods the three requests share.
macro_rules! common_setters {
    () => {
        /// The order's region. Default: the numbers' own, from their area
        /// codes (a number in a Canadian area code is always `CA`).
        pub fn region(mut self, region: Region) -> Self {
            self.common.region = Some(region);
            self
        }

        /// A label for the order.
        pub fn display_name(mut self, name: impl Into<String>) -> Self {
            self.common.display_name = Some(name.into());
            self
        }

        /// Where Sinch posts events about the order's numbers (an absolute
        /// http(s) URL).
        pub fn callback_url(mut self, url: impl Into<String>) -> Self {
            self.common.callback_url = Some(url.into());
            self
        }

        /// The numbers of the request, in the order given.
        pub fn numbers(&self) -> &[PhoneNumber] {
            &self.common.numbers
        }
    };
}

/// What the batched calls need of a request: a copy for other numbers.
macro_rules! batchable {
    ($request:ty) => {
        impl $request {
            /// The same request for other numbers (how the batched calls
            /// split one).
            pub(crate) fn with_numbers(&self, numbers: Vec<PhoneNumber>) -> Self {
                let mut copy = self.clone();
                copy.common.numbers = numbers;
                copy
            }

            /// The region the order names, if set.
            pub(crate) fn named_region(&self) -> Option<Region> {
                self.common.region
            }
        }
    };
}

batchable!(OrderImport);
batchable!(TextEnable);

/// Importing numbers through a hosting order (an `IMPORT` order): up to
/// [`IMPORT_ORDER_LIMIT`] numbers per call, provisioned to a service plan
/// and, when given, linked to a campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderImport {
    common: Common,
    campaign_id: Option<String>,
    migrate_to_sinch_tmo: Option<bool>,
    limit: usize,
}

impl OrderImport {
    /// Import `numbers` to service plan `service_plan_id`.
    pub fn new(
        numbers: impl IntoIterator<Item = PhoneNumber>,
        service_plan_id: impl Into<String>,
    ) -> Self {
        OrderImport {
            common: Common::new(numbers, service_plan_id.into()),
            campaign_id: None,
            migrate_to_sinch_tmo: None,
            limit: IMPORT_ORDER_LIMIT,
        }
    }

    common_setters!();

    /// Links the numbers to this 10DLC campaign.
    pub fn campaign_id(mut self, id: impl Into<String>) -> Self {
        self.campaign_id = Some(id.into());
        self
    }

    /// Asks Sinch to move the numbers to itself on T-Mobile's platform: set
    /// it when T-Mobile reports error 60135 (another aggregator holds them).
    pub fn migrate_to_sinch_tmo(mut self, on: bool) -> Self {
        self.migrate_to_sinch_tmo = Some(on);
        self
    }

    /// Your account manager raised the per-call limit to `limit` numbers
    /// (at least [`IMPORT_ORDER_LIMIT`]; smaller values are ignored).
    pub fn raised_limit(mut self, limit: usize) -> Self {
        self.limit = limit.max(IMPORT_ORDER_LIMIT);
        self
    }

    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// Checks everything [`HostingOrders::import_numbers`](super::HostingOrders::import_numbers)
    /// would, without sending anything.
    ///
    /// # Errors
    /// [`InputError`] naming the setting: no numbers, a number twice, more
    /// than the limit, numbers of two regions or outside US/CA, a blank
    /// service plan or campaign, a callback URL that is not http(s).
    pub fn check(&self) -> Result<(), InputError> {
        self.to_wire().map(|_| ())
    }

    pub(crate) fn to_wire(&self) -> Result<types::ImportNumbersRequest, InputError> {
        let region = self.common.check(Some(self.limit))?;
        check_campaign(self.campaign_id.as_deref())?;
        Ok(types::ImportNumbersRequest {
            project_id: None,
            display_name: self.common.display_name.clone(),
            region_code: region.code().to_owned(),
            numbers: wire_numbers(&self.common.numbers),
            service_plan_id: self.common.service_plan_id.clone(),
            campaign_id: self.campaign_id.clone(),
            callback_url: self.common.callback_url.clone(),
            migrate_to_sinch_tmo: self.migrate_to_sinch_tmo,
        })
    }
}

/// Text-enabling numbers (a `TYPE_TEXT_ENABLE` order) under one letter of
/// authorization; for hosting orders and, through
/// [`QualifiedNumbers::text_enable`](crate::QualifiedNumbers::text_enable),
/// for qualified numbers (at most [`QUALIFIED_TEXT_ENABLE_LIMIT`] per call).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextEnable {
    common: Common,
    loa: Loa,
    campaign_id: Option<String>,
    nnid: Option<String>,
    scheduled_osr_update: Option<SystemTime>,
    migrate_to_sinch_tmo: Option<bool>,
}

impl TextEnable {
    /// Text-enable `numbers` on service plan `service_plan_id` under `loa`.
    pub fn new(
        numbers: impl IntoIterator<Item = PhoneNumber>,
        service_plan_id: impl Into<String>,
        loa: impl Into<Loa>,
    ) -> Self {
        TextEnable {
            common: Common::new(numbers, service_plan_id.into()),
            loa: loa.into(),
            campaign_id: None,
            nnid: None,
            scheduled_osr_update: None,
            migrate_to_sinch_tmo: None,
        }
    }

    common_setters!();

    /// Links the numbers to this 10DLC campaign.
    pub fn campaign_id(mut self, id: impl Into<String>) -> Self {
        self.campaign_id = Some(id.into());
        self
    }

    /// Routes with this NNID (Net Number ID, digits only) instead of
    /// Sinch's; one of your own needs the account manager first.
    pub fn nnid(mut self, nnid: impl Into<String>) -> Self {
        self.nnid = Some(nnid.into());
        self
    }

    /// When the numbers' OSR (routing) record is to be changed.
    pub fn scheduled_osr_update(mut self, at: SystemTime) -> Self {
        self.scheduled_osr_update = Some(at);
        self
    }

    /// As [`OrderImport::migrate_to_sinch_tmo`].
    pub fn migrate_to_sinch_tmo(mut self, on: bool) -> Self {
        self.migrate_to_sinch_tmo = Some(on);
        self
    }

    /// The letter the order is made under.
    pub fn loa(&self) -> &Loa {
        &self.loa
    }

    /// Checks everything the text-enable calls would, without sending
    /// anything (`limit`: the call's cap on numbers, if it has one).
    pub(crate) fn check_with(&self, limit: Option<usize>) -> Result<(), InputError> {
        self.to_wire(limit).map(|_| ())
    }

    /// Checks everything [`HostingOrders::text_enable`](super::HostingOrders::text_enable)
    /// would, without sending anything.
    ///
    /// # Errors
    /// As [`OrderImport::check`], plus the letter's parts
    /// ([`Setting::LetterOfAuthorization`]), an NNID that is not digits, and
    /// a toll-free number ([`PhoneNumber::is_toll_free`]; those go in a
    /// [`TollFreeTextEnable`]).
    pub fn check(&self) -> Result<(), InputError> {
        self.check_with(None)
    }

    pub(crate) fn to_wire(
        &self,
        limit: Option<usize>,
    ) -> Result<types::TextEnableNumbersRequest, InputError> {
        let region = self.common.check(limit)?;
        if let Some(n) = self.common.numbers.iter().find(|n| n.is_toll_free()) {
            return Err(InputError::invalid(
                Setting::PhoneNumbers,
                format!("{n} is a toll-free number; toll-free numbers are text-enabled with TollFreeTextEnable"),
            ));
        }
        check_campaign(self.campaign_id.as_deref())?;
        if let Some(nnid) = &self.nnid {
            if nnid.is_empty() || !nnid.bytes().all(|b| b.is_ascii_digit()) {
                return Err(InputError::invalid(
                    Setting::Nnid,
                    format!("{nnid:?} is not an NNID (digits only, e.g. \"104029\")"),
                ));
            }
        }
        self.loa.check()?;
        let (direct_loa_info, reseller_loa_info, blanket_loa_info) = self.loa.to_wire();
        Ok(types::TextEnableNumbersRequest {
            project_id: None,
            display_name: self.common.display_name.clone(),
            region_code: region.code().to_owned(),
            numbers: wire_numbers(&self.common.numbers),
            nnid: self.nnid.clone(),
            service_plan_id: self.common.service_plan_id.clone(),
            campaign_id: self.campaign_id.clone(),
            direct_loa_info,
            reseller_loa_info,
            blanket_loa_info,
            scheduled_osr_update_time: self
                .scheduled_osr_update
                .map(|at| Timestamp::from_instant(at.into())),
            migrate_to_sinch_tmo: self.migrate_to_sinch_tmo,
            callback_url: self.common.callback_url.clone(),
        })
    }
}

/// Text-enabling toll-free numbers: a direct or reseller letter, no
/// campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TollFreeTextEnable {
    common: Common,
    loa: TollFreeLoa,
    scheduled_provisioning: Option<SystemTime>,
}

impl TollFreeTextEnable {
    /// Text-enable toll-free `numbers` on service plan `service_plan_id`
    /// under `loa`.
    pub fn new(
        numbers: impl IntoIterator<Item = PhoneNumber>,
        service_plan_id: impl Into<String>,
        loa: impl Into<TollFreeLoa>,
    ) -> Self {
        TollFreeTextEnable {
            common: Common::new(numbers, service_plan_id.into()),
            loa: loa.into(),
            scheduled_provisioning: None,
        }
    }

    common_setters!();

    /// When to provision the numbers (sent as UTC). If the letter is signed
    /// later, Sinch provisions at the same time of day on the next day.
    pub fn scheduled_provisioning(mut self, at: SystemTime) -> Self {
        self.scheduled_provisioning = Some(at);
        self
    }

    /// Checks everything the toll-free calls would, without sending.
    ///
    /// # Errors
    /// As [`TextEnable::check`], and a number that is not toll-free
    /// ([`PhoneNumber::is_toll_free`]).
    pub fn check(&self) -> Result<(), InputError> {
        self.to_wire("-").map(|_| ())
    }

    pub(crate) fn to_wire(
        &self,
        project_id: &str,
    ) -> Result<types::TextEnableTollFreeNumbersRequest, InputError> {
        let region = self.common.check(None)?;
        if let Some(n) = self.common.numbers.iter().find(|n| !n.is_toll_free()) {
            return Err(InputError::invalid(
                Setting::PhoneNumbers,
                format!("{n} is not a toll-free number (800, 833, 844, 855, 866, 877, 888); text-enable it with TextEnable"),
            ));
        }
        self.loa.check()?;
        let (direct_loa_info, reseller_loa_info, _) = Loa::from(self.loa.clone()).to_wire();
        Ok(types::TextEnableTollFreeNumbersRequest {
            // Required in this body, and it must be the path's.
            project_id: project_id.to_owned(),
            display_name: self.common.display_name.clone(),
            region_code: region.code().to_owned(),
            numbers: wire_numbers(&self.common.numbers),
            scheduled_zipwhip_provisioning_time: self
                .scheduled_provisioning
                .map(|at| Timestamp::from_instant(at.into()).as_str().to_owned()),
            service_plan_id: self.common.service_plan_id.clone(),
            callback_url: self.common.callback_url.clone(),
            direct_loa_info,
            reseller_loa_info,
        })
    }
}

fn check_campaign(campaign_id: Option<&str>) -> Result<(), InputError> {
    match campaign_id {
        Some(id) if id.trim().is_empty() => Err(InputError::invalid(
            Setting::CampaignId,
            "is blank; leave it out for no campaign",
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hosting_orders::loa::{Address, AuthorisedPerson, DirectLoa};

    fn n(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap()
    }

    fn loa() -> DirectLoa {
        DirectLoa::new(
            AuthorisedPerson::new("Alex", "Example", "alex@example.com"),
            Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US"),
            "Verizon",
        )
    }

    fn setting(e: InputError) -> Option<Setting> {
        e.setting()
    }

    #[test]
    fn import_body_has_what_was_set() {
        let body = OrderImport::new([n("+14165550100")], "plan")
            .campaign_id("C3O84GA")
            .display_name("Batch 1")
            .to_wire()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"regionCode": "CA", "numbers": ["+14165550100"], "servicePlanId": "plan",
                               "campaignId": "C3O84GA", "displayName": "Batch 1"})
        );
    }

    #[test]
    fn the_import_limit_is_five_unless_raised() {
        let six: Vec<_> = (0..6).map(|i| n(&format!("+1206555010{i}"))).collect();
        assert!(OrderImport::new(six[..5].to_vec(), "p").check().is_ok());
        let err = OrderImport::new(six.clone(), "p").check().unwrap_err();
        assert_eq!(setting(err.clone()), Some(Setting::PhoneNumbers));
        assert!(err.to_string().contains("at most 5"), "{err}");
        assert!(OrderImport::new(six.clone(), "p")
            .raised_limit(6)
            .check()
            .is_ok());
        assert!(OrderImport::new(six, "p").raised_limit(2).check().is_err());
    }

    #[test]
    fn bad_requests_name_their_setting() {
        let us = n("+12065550100");
        let cases: Vec<(Result<(), InputError>, Setting)> = vec![
            (OrderImport::new([], "p").check(), Setting::PhoneNumbers),
            (
                OrderImport::new([us.clone(), us.clone()], "p").check(),
                Setting::PhoneNumbers,
            ),
            (
                OrderImport::new([us.clone()], " ").check(),
                Setting::ServicePlanId,
            ),
            (
                OrderImport::new([us.clone()], "p").campaign_id("").check(),
                Setting::CampaignId,
            ),
            (
                OrderImport::new([us.clone()], "p")
                    .callback_url("ftp://x")
                    .check(),
                Setting::CallbackUrl,
            ),
            (
                OrderImport::new([us.clone(), n("+14165550100")], "p").check(),
                Setting::Region,
            ),
            (
                OrderImport::new([n("+14165550100")], "p")
                    .region(Region::Us)
                    .check(),
                Setting::Region,
            ),
            (
                TextEnable::new([us.clone()], "p", loa())
                    .nnid("10-40")
                    .check(),
                Setting::Nnid,
            ),
            (
                TextEnable::new(
                    [us.clone()],
                    "p",
                    DirectLoa::new(
                        AuthorisedPerson::new("A", "B", "x"),
                        Address::new("1", "S", "C", "NY", "1", "US"),
                        "V",
                    ),
                )
                .check(),
                Setting::LetterOfAuthorization("authorisedPerson.email"),
            ),
        ];
        for (i, (result, want)) in cases.into_iter().enumerate() {
            assert_eq!(result.map_err(setting), Err(Some(want)), "case {i}");
        }
        let err = OrderImport::new([n("+442079460000")], "p")
            .check()
            .unwrap_err();
        assert!(matches!(err, InputError::UnsupportedRegion { .. }), "{err}");
    }

    #[test]
    fn a_number_of_a_new_area_code_goes_in_the_named_region() {
        // A Canadian area code newer than the SDK's table reads as US: a
        // CA order takes such a number rather than refusing it.
        assert!(OrderImport::new([n("+12065550100")], "p")
            .region(Region::Ca)
            .check()
            .is_ok());
    }

    #[test]
    fn text_enable_sends_exactly_one_letter() {
        let body = TextEnable::new([n("+12065550100")], "plan", loa())
            .campaign_id("C3O84GA")
            .nnid("104029")
            .to_wire(Some(QUALIFIED_TEXT_ENABLE_LIMIT))
            .unwrap();
        let json = serde_json::to_value(&body).unwrap();
        assert!(json.get("directLoaInfo").is_some());
        assert!(json.get("resellerLoaInfo").is_none() && json.get("blanketLoaInfo").is_none());
        assert_eq!(
            json["directLoaInfo"]["authorisedPerson"]["email"],
            "alex@example.com"
        );
        let blanket = TextEnable::new([n("+12065550100")], "plan", Loa::Blanket)
            .to_wire(None)
            .unwrap();
        assert_eq!(
            serde_json::to_value(&blanket).unwrap()["blanketLoaInfo"],
            serde_json::json!({})
        );
    }

    #[test]
    fn toll_free_and_ordinary_numbers_go_in_their_own_requests() {
        for toll_free in [
            "+18005550100",
            "+18335870229",
            "+18885550100",
            "+18225550100",
        ] {
            assert!(n(toll_free).is_toll_free(), "{toll_free}");
            let err = TextEnable::new([n(toll_free)], "p", loa())
                .check()
                .unwrap_err();
            assert_eq!(setting(err.clone()), Some(Setting::PhoneNumbers));
            assert!(err.to_string().contains("TollFreeTextEnable"), "{err}");
            assert!(TollFreeTextEnable::new([n(toll_free)], "p", loa())
                .check()
                .is_ok());
        }
        let err = TollFreeTextEnable::new([n("+12065550100")], "p", loa())
            .check()
            .unwrap_err();
        assert_eq!(setting(err.clone()), Some(Setting::PhoneNumbers));
        assert!(err.to_string().contains("not a toll-free number"), "{err}");
        assert!(
            !n("+448005550100").is_toll_free(),
            "UK 0800 is not NANP toll-free"
        );
    }

    #[test]
    fn toll_free_body_carries_the_project() {
        let body = TollFreeTextEnable::new([n("+18335870229")], "plan", loa())
            .to_wire("proj")
            .unwrap();
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["projectId"], "proj");
        assert_eq!(json["regionCode"], "US");
        assert!(json.get("directLoaInfo").is_some() && json.get("campaignId").is_none());
    }
}
