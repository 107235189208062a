//! Partial updates: the update builder and field masks.
//!
//! The API changes only the fields named in `updateMask`. [`UpdateRequest`]
//! computes the mask from exactly the fields you set, so the body and the
//! mask can never disagree, and read-only fields are never sent.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use sinch_imported_numbers_api::types;

use crate::call::Idempotency;
use crate::error::{InputError, Result};
use crate::links;
use crate::{Client, ImportedNumber, PhoneNumber};

/// A field the API allows to be updated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum UpdatableField {
    /// `displayName`
    DisplayName,
    /// `smsConfiguration.servicePlanId`
    ServicePlanId,
    /// `smsConfiguration.campaignId`
    CampaignId,
}

impl UpdatableField {
    /// Every updatable field.
    pub const ALL: [UpdatableField; 3] = [Self::DisplayName, Self::ServicePlanId, Self::CampaignId];

    /// The field's path in an update mask.
    pub fn path(self) -> &'static str {
        match self {
            Self::DisplayName => "displayName",
            Self::ServicePlanId => "smsConfiguration.servicePlanId",
            Self::CampaignId => "smsConfiguration.campaignId",
        }
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
/// unlinking it first; [`Client::relink_service_plan`] and
/// [`Client::relink_campaign`] do both steps.
#[derive(Clone, Debug)]
#[must_use = "an update does nothing until `send` is awaited"]
pub struct UpdateRequest {
    client: Client,
    number: PhoneNumber,
    display_name: Option<String>,
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
    invalid: Option<InputError>,
}

impl UpdateRequest {
    pub(crate) fn new(client: Client, number: PhoneNumber) -> Self {
        UpdateRequest {
            client,
            number,
            display_name: None,
            service_plan_id: None,
            campaign_id: None,
            invalid: None,
        }
    }

    /// Sets the display name (an empty string clears it).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// Links the number to an SMS service plan. An empty string unlinks it,
    /// as the API documents; [`unlink_service_plan`](Self::unlink_service_plan) says so more clearly.
    pub fn service_plan_id(mut self, id: impl Into<String>) -> Self {
        self.service_plan_id = Some(id.into());
        self
    }

    /// Links the number to a campaign. An empty string unlinks it.
    pub fn campaign_id(mut self, id: impl Into<String>) -> Self {
        self.campaign_id = Some(id.into());
        self
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
            Ok(UpdatableField::DisplayName) => self.display_name(value),
            Ok(UpdatableField::ServicePlanId) => self.service_plan_id(value),
            Ok(UpdatableField::CampaignId) => self.campaign_id(value),
            Err(e) => Self {
                invalid: self.invalid.or(Some(e)),
                ..self
            },
        }
    }

    /// The mask that [`send`](Self::send) will use: exactly the fields set.
    pub fn mask(&self) -> FieldMask {
        let set = [
            (UpdatableField::DisplayName, self.display_name.is_some()),
            (
                UpdatableField::ServicePlanId,
                self.service_plan_id.is_some(),
            ),
            (UpdatableField::CampaignId, self.campaign_id.is_some()),
        ];
        set.into_iter()
            .filter(|(_, is_set)| *is_set)
            .map(|(field, _)| field)
            .collect()
    }

    fn body(&self) -> types::ImportedNumber {
        types::ImportedNumber {
            display_name: self.display_name.clone(),
            sms_configuration: links::sms_configuration(
                self.service_plan_id.clone(),
                self.campaign_id.clone(),
            ),
            ..Default::default()
        }
    }

    /// Sends the update and returns the number as it is now.
    pub async fn send(self) -> Result<ImportedNumber> {
        if let Some(invalid) = self.invalid {
            return Err(invalid.into());
        }
        let mask = self.mask();
        if mask.is_empty() {
            return Err(InputError::EmptyUpdate.into());
        }
        let (mask, body, client) = (mask.to_string(), self.body(), &self.client);
        client
            .call(Idempotency::Idempotent, || {
                client
                    .api()
                    .update_imported_number()
                    .project_id(client.project_id())
                    .phone_number(self.number.as_str())
                    .update_mask(mask.as_str())
                    .body(body.clone())
                    .send()
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let body = request().unlink_service_plan().body();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"smsConfiguration": {"servicePlanId": ""}})
        );
        let body = request().set("displayName", "Desk").body();
        assert_eq!(
            serde_json::to_value(&body).unwrap(),
            serde_json::json!({"displayName": "Desk"})
        );
    }

    #[test]
    fn mask_parsing_validates_paths() {
        let mask = FieldMask::parse("smsConfiguration.campaignId, displayName").unwrap();
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
