//! Shared setup for the bench binaries: a seeded fake server and a client for it.

use std::time::Duration;

use sinch_imported_numbers::{AuthMode, Client, RetryPolicy};
use sinch_imported_numbers_api::types::{ImportedNumber, SmsConfiguration};
use sinch_imported_numbers_fake::FakeServer;

pub const PLAN: &str = "plan";
pub const CAMPAIGN: &str = "campaign";

/// `count` distinct valid numbers: +1206 200-0000, +1206 200-0001, ...
pub fn phone_numbers(count: usize) -> impl Iterator<Item = String> {
    (0..count).map(|i| format!("+1206{:07}", 2_000_000 + i))
}

/// Stores `count` numbers linked to [`PLAN`] / [`CAMPAIGN`] in `project`.
pub fn seed(server: &FakeServer, project: &str, count: usize) {
    let numbers = phone_numbers(count).map(|phone| ImportedNumber {
        phone_number: Some(phone),
        region_code: Some("US".into()),
        display_name: Some("seeded".into()),
        sms_configuration: Some(SmsConfiguration {
            service_plan_id: Some(PLAN.into()),
            campaign_id: Some(CAMPAIGN.into()),
            ..Default::default()
        }),
        ..Default::default()
    });
    assert_eq!(server.seed(project, numbers), count);
}

pub fn client(server: &FakeServer, project: &str) -> Client {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(project)
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("bench client builds")
}
