//! Partial updates: the update builder and field masks.
//!
//! The API changes only the fields named in `updateMask`. [`UpdatableField`]
//! is the one place that says which fields those are and where each lives in
//! the body: the mask, the request body, the error messages and the fake
//! server all derive from it. [`UpdateRequest`] computes the mask from
//! exactly the fields you set, so the body and the mask can never disagree,
//! and read-only fields are never sent.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde_json::{Map, Value};
use sinch_imported_numbers_api::types;

use crate::core::answer_about;
use crate::core::handle::{Handle, Idempotency};
use crate::error::{Error, ErrorKind, InputError, Result};
use crate::{ImportedNumber, PhoneNumber};

/// A field the API allows to be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum UpdatableField {
    /// `displayName`
    DisplayName,
    /// `smsConfiguration.servicePlanId`
    ServicePlanId,
    /// `smsConfiguration.campaignId`
    CampaignId,
    /// `callbackUrl`. Not in the pages' list of mask paths, but the vendor's
    /// own PATCH examples send it, and the service accepts it.
    CallbackUrl,
}

impl UpdatableField {
    /// Every updatable field.
    pub const ALL: [UpdatableField; 4] = [
        Self::DisplayName,
        Self::ServicePlanId,
        Self::CampaignId,
        Self::CallbackUrl,
    ];

    /// The field's path in an update mask, which is also its path in the
    /// JSON body (`smsConfiguration.campaignId` is `{"smsConfiguration": {"campaignId": ..}}`).
    pub fn path(self) -> &'static str {
        match self {
            Self::DisplayName => "displayName",
            Self::ServicePlanId => "smsConfiguration.servicePlanId",
            Self::CampaignId => "smsConfiguration.campaignId",
            Self::CallbackUrl => "callbackUrl",
        }
    }

    /// Whether the field links the number to a service plan or campaign. The
    /// API refuses to change a link to another value directly: the number
    /// must be unlinked (set to `""`) first.
    pub fn is_link(self) -> bool {
        matches!(self, Self::ServicePlanId | Self::CampaignId)
    }

    /// Every updatable path, comma-separated, for messages.
    pub fn list() -> String {
        Self::ALL.map(Self::path).join(", ")
    }

    /// The field's value in a JSON body, when it is there.
    pub fn get(self, body: &Value) -> Option<&Value> {
        self.path().split('.').try_fold(body, |v, key| v.get(key))
    }

    /// Sets the field in a JSON body (an object), creating the objects on its
    /// path as needed. A body that is not an object is left as it is.
    pub fn set(self, body: &mut Value, value: Value) {
        let mut keys = self.path().split('.').peekable();
        let mut at = body;
        while let Some(key) = keys.next() {
            let Some(object) = at.as_object_mut() else {
                return;
            };
            if keys.peek().is_none() {
                object.insert(key.to_owned(), value);
                return;
            }
            at = object
                .entry(key)
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
}

impl fmt::Display for UpdatableField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.path())
    }
}

impl FromStr for UpdatableField {
    type Err = InputError;

    fn from_str(path: &str) -> Result<Self, InputError> {
        Self::ALL
            .into_iter()
            .find(|f| f.path() == path)
            .ok_or_else(|| InputError::UnknownMaskPath {
                path: path.to_owned(),
            })
    }
}

/// A set of updatable fields, written as the comma-separated `updateMask`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldMask(BTreeSet<UpdatableField>);

impl FieldMask {
    /// Parses `displayName,smsConfiguration.servicePlanId`; every path must be
    /// an updatable field.
    pub fn parse(text: &str) -> Result<Self, InputError> {
        text.split(',')
            .map(|p| p.trim().parse())
            .collect::<Result<BTreeSet<_>, _>>()
            .map(FieldMask)
    }

    /// Adds a field.
    pub fn insert(&mut self, field: UpdatableField) {
        self.0.insert(field);
    }

    /// Whether the mask names `field`.
    pub fn contains(&self, field: UpdatableField) -> bool {
        self.0.contains(&field)
    }

    /// Whether the mask names no field.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The fields, in a stable order.
    pub fn fields(&self) -> impl Iterator<Item = UpdatableField> + '_ {
        self.0.iter().copied()
    }
}

impl FromStr for FieldMask {
    type Err = InputError;

    fn from_str(text: &str) -> Result<Self, InputError> {
        Self::parse(text)
    }
}

impl fmt::Display for FieldMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, field) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(field.path())?;
        }
        Ok(())
    }
}

impl FromIterator<UpdatableField> for FieldMask {
    fn from_iter<I: IntoIterator<Item = UpdatableField>>(iter: I) -> Self {
        FieldMask(iter.into_iter().collect())
    }
}

/// An update of one number, built from the fields you set.
///
/// The `updateMask` is computed from exactly the fields you set, so the body
/// and the mask never disagree, and read-only fields are never sent.
///
/// To move a number to another service plan or campaign, the API requires
/// unlinking it first; [`Client::relink_service_plan`](crate::Client::relink_service_plan) and
/// [`Client::relink_campaign`](crate::Client::relink_campaign) do both steps.
#[derive(Clone, Debug)]
#[must_use = "an update does nothing until `send` is awaited"]
pub struct UpdateRequest {
    handle: Arc<Handle>,
    number: PhoneNumber,
    values: BTreeMap<UpdatableField, String>,
    invalid: Option<InputError>,
}

impl UpdateRequest {
    pub(crate) fn new(handle: Arc<Handle>, number: PhoneNumber) -> Self {
        UpdateRequest {
            handle,
            number,
            values: BTreeMap::new(),
            invalid: None,
        }
    }

    /// Sets `field` to `value`.
    pub fn field(mut self, field: UpdatableField, value: impl Into<String>) -> Self {
        self.values.insert(field, value.into());
        self
    }

    /// Sets the display name (an empty string clears it).
    pub fn display_name(self, name: impl Into<String>) -> Self {
        self.field(UpdatableField::DisplayName, name)
    }

    /// Links the number to an SMS service plan. An empty string unlinks it,
    /// as the API documents; [`unlink_service_plan`](Self::unlink_service_plan) says so more clearly.
    pub fn service_plan_id(self, id: impl Into<String>) -> Self {
        self.field(UpdatableField::ServicePlanId, id)
    }

    /// Links the number to a campaign. An empty string unlinks it.
    pub fn campaign_id(self, id: impl Into<String>) -> Self {
        self.field(UpdatableField::CampaignId, id)
    }

    /// Sets the URL Sinch sends this number's callbacks to (an absolute
    /// http(s) URL; checked before sending).
    pub fn callback_url(self, url: impl Into<String>) -> Self {
        self.field(UpdatableField::CallbackUrl, url)
    }

    /// Unlinks the number from its SMS service plan.
    pub fn unlink_service_plan(self) -> Self {
        self.service_plan_id("")
    }

    /// Unlinks the number from its campaign.
    pub fn unlink_campaign(self) -> Self {
        self.campaign_id("")
    }

    /// Sets a field by its mask path, e.g. `"smsConfiguration.campaignId"`.
    /// An unknown or read-only path makes [`send`](Self::send) fail with
    /// [`InputError::UnknownMaskPath`] before anything is sent.
    pub fn set(self, path: &str, value: impl Into<String>) -> Self {
        match path.parse() {
            Ok(field) => self.field(field, value),
            Err(e) => Self {
                invalid: self.invalid.or(Some(e)),
                ..self
            },
        }
    }

    /// The mask that [`send`](Self::send) will use: exactly the fields set.
    pub fn mask(&self) -> FieldMask {
        self.values.keys().copied().collect()
    }

    fn body(&self) -> Result<types::ImportedNumberInput> {
        let mut body = Value::Object(Map::new());
        for (field, value) in &self.values {
            field.set(&mut body, Value::String(value.clone()));
        }
        serde_json::from_value(body).map_err(|e| {
            Error::new(
                ErrorKind::Other,
                format!("internal error: the update body does not fit the API's schema: {e}"),
            )
        })
    }

    /// Sends the update and returns the number as it is now.
    pub async fn send(self) -> Result<ImportedNumber> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        if let Some(url) = self.values.get(&UpdatableField::CallbackUrl) {
            crate::core::check_callback_url(url)?;
        }
        let mask = self.mask();
        if mask.is_empty() {
            return Err(InputError::EmptyUpdate.into());
        }
        let (mask, body, handle) = (mask.to_string(), self.body()?, &self.handle);
        handle
            .call_then(
                Idempotency::Idempotent,
                || {
                    handle
                        .api
                        .update_imported_number()
                        .project_id(&handle.project_id)
                        .phone_number(self.number.as_str())
                        .update_mask(mask.as_str())
                        .body(body.clone())
                        .send()
                },
                |raw| {
                    answer_about(
                        "imported number",
                        self.number.as_str(),
                        ImportedNumber::from_wire(raw)?,
                        |n| n.phone_number().as_str(),
                    )
                },
            )
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    fn request() -> UpdateRequest {
        let client = Client::builder()
            .project_id("p")
            .key_id("k")
            .key_secret("s")
            .build()
            .unwrap();
        client.update(&PhoneNumber::parse("+12065550134").unwrap())
    }

    #[test]
    fn mask_is_exactly_the_fields_set() {
        assert_eq!(
            request().display_name("x").mask().to_string(),
            "displayName"
        );
        assert_eq!(
            request()
                .campaign_id("c")
                .display_name("x")
                .mask()
                .to_string(),
            "displayName,smsConfiguration.campaignId"
        );
        assert_eq!(
            request()
                .unlink_service_plan()
                .unlink_campaign()
                .mask()
                .to_string(),
            "smsConfiguration.servicePlanId,smsConfiguration.campaignId"
        );
        assert!(request().mask().is_empty());
    }

    #[test]
    fn body_carries_only_set_fields() {
        let body = request().unlink_service_plan().body().unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"smsConfiguration": {"servicePlanId": ""}})
        );
        let body = request().set("displayName", "Desk").body().unwrap();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"displayName": "Desk"})
        );
    }

    #[test]
    fn every_field_lands_at_its_path_in_the_body() {
        for field in UpdatableField::ALL {
            let mut body = serde_json::json!({"displayName": "kept"});
            field.set(&mut body, "v".into());
            assert_eq!(field.get(&body), Some(&Value::from("v")), "{field}");
            let decoded: types::ImportedNumberInput = serde_json::from_value(body).unwrap();
            let again = serde_json::to_value(&decoded).unwrap();
            assert_eq!(
                field.get(&again),
                Some(&Value::from("v")),
                "{field} survives the typed body"
            );
        }
    }

    #[test]
    fn mask_parsing_validates_paths() {
        let mask: FieldMask = "smsConfiguration.campaignId, displayName".parse().unwrap();
        assert_eq!(mask.to_string(), "displayName,smsConfiguration.campaignId");
        for bad in [
            "migrateToSinchTmo",
            "smsConfiguration.scheduledProvisioning",
            "",
            "displayName,",
        ] {
            assert!(
                matches!(
                    FieldMask::parse(bad),
                    Err(InputError::UnknownMaskPath { .. })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_mask_holds_exactly_the_fields_put_in() {
        let mut mask = FieldMask::default();
        assert!(mask.is_empty());
        mask.insert(UpdatableField::CampaignId);
        assert!(!mask.is_empty());
        assert!(mask.contains(UpdatableField::CampaignId));
        assert!(!mask.contains(UpdatableField::DisplayName));
        mask.insert(UpdatableField::DisplayName);
        mask.insert(UpdatableField::DisplayName);
        assert_eq!(
            mask.fields().collect::<Vec<_>>(),
            [UpdatableField::DisplayName, UpdatableField::CampaignId]
        );
        assert_eq!(mask.to_string(), "displayName,smsConfiguration.campaignId");
        let collected: FieldMask = [UpdatableField::CallbackUrl].into_iter().collect();
        assert_eq!(collected.to_string(), "callbackUrl");
        assert_eq!(
            "callbackUrl".parse::<FieldMask>().unwrap(),
            collected,
            "FromStr is parse"
        );
    }

    #[test]
    fn fields_show_their_mask_paths() {
        let shown: Vec<String> = UpdatableField::ALL.iter().map(|f| f.to_string()).collect();
        assert_eq!(
            shown,
            [
                "displayName",
                "smsConfiguration.servicePlanId",
                "smsConfiguration.campaignId",
                "callbackUrl"
            ]
        );
        assert_eq!(
            UpdatableField::list(),
            "displayName, smsConfiguration.servicePlanId, smsConfiguration.campaignId, callbackUrl"
        );
        let links: Vec<_> = UpdatableField::ALL
            .into_iter()
            .filter(|f| f.is_link())
            .collect();
        assert_eq!(
            links,
            [UpdatableField::ServicePlanId, UpdatableField::CampaignId]
        );
        for field in UpdatableField::ALL {
            assert_eq!(field.path().parse::<UpdatableField>().unwrap(), field);
        }
        // A body that is not an object is left as it is.
        let mut body = Value::from("text");
        UpdatableField::CampaignId.set(&mut body, "c".into());
        assert_eq!(body, Value::from("text"));
        assert_eq!(UpdatableField::CampaignId.get(&body), None);
    }

    #[tokio::test]
    async fn unknown_or_empty_updates_fail_before_sending() {
        let err = request()
            .set("smsConfiguration.migrateToSinchTmo", "true")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.input_error(),
            Some(&InputError::UnknownMaskPath {
                path: "smsConfiguration.migrateToSinchTmo".into()
            })
        );
        let err = request().send().await.unwrap_err();
        assert_eq!(err.input_error(), Some(&InputError::EmptyUpdate));
    }
}
