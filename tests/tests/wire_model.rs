//! What the live service sends, through the facade: string enums (and legacy
//! integers), `state` fields, odd timestamps, `null` arrays, the three error
//! shapes, and success bodies that are not a number at all.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::{json, Value};
use sinch_imported_numbers::types::{ScheduledProvisioningStatus, SmsErrorCode, State};
use sinch_imported_numbers::{
    Carrier, ErrorKind, ImportResult, ListFilter, NumberImport, ProvisioningOutcome,
};
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::{client, number_json, number_path, numbers_path, phone, PROJECT};

fn with_pending(number: &str, pending: Value) -> Value {
    let mut n = number_json(number);
    n["smsConfiguration"]["scheduledProvisioning"] = pending;
    n
}

#[tokio::test]
async fn a_page_with_pending_and_failed_changes_yields_every_number() {
    let server = MockServer::start_async().await;
    let page = json!({
        "importedNumbers": [
            with_pending("+12065550001", json!({"status": "IN_PROGRESS", "campaignId": "c"})),
            with_pending("+12065550002", json!({"status": "FAILED", "errorCodes": ["CAMPAIGN_NOT_AVAILABLE"],
                                                "lastUpdatedTime": "2024-07-23T14:02:14.415637289"})),
            number_json("+12065550003"),
        ],
        "totalSize": 3
    });
    server
        .mock_async(|when, then| {
            when.method(GET).path(numbers_path());
            then.status(200).json_body(page);
        })
        .await;
    let numbers: Vec<_> = client(&server.base_url())
        .list(ListFilter::new("plan", "campaign"))
        .items()
        .try_collect()
        .await
        .expect("every number decodes");
    assert_eq!(numbers.len(), 3);
    let outcomes: Vec<_> = numbers.iter().map(|n| n.provisioning().outcome()).collect();
    assert_eq!(
        outcomes,
        [
            ProvisioningOutcome::Pending,
            ProvisioningOutcome::Failed,
            ProvisioningOutcome::Settled
        ]
    );
    let failed = numbers[1].provisioning().pending().unwrap();
    assert_eq!(failed.status(), Some(&ScheduledProvisioningStatus::Failed));
    assert_eq!(failed.error_codes(), &[SmsErrorCode::CampaignNotAvailable]);
    assert_eq!(
        failed
            .last_updated()
            .unwrap()
            .instant()
            .unwrap()
            .to_rfc3339(),
        "2024-07-23T14:02:14.415637289+00:00",
        "a timestamp without offset is read as UTC"
    );
}

#[tokio::test]
async fn legacy_integers_unspecified_states_odd_timestamps_and_nulls_never_fail_a_call() {
    let server = MockServer::start_async().await;
    let mut body = with_pending(
        "+12065550134",
        json!({"status": 2, "errorCodes": [7, 11], "lastUpdatedTime": ""}),
    );
    body["smsProvisioning"] =
        json!({"state": "STATE_UNSPECIFIED", "updateTime": "2025-13-45T99:00:00"});
    body["campaignProvisioning"] = json!({"state": "DONE", "updateTime": null});
    body["mnoConfiguration"]["smsTmo"] = json!({"state": "STATE_UNSPECIFIED", "updateTime": ""});
    let mut nulls = with_pending(
        "+12065550135",
        json!({"status": "WAITING", "errorCodes": null}),
    );
    nulls["displayName"] = Value::Null;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(200).json_body(body);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550135"));
            then.status(200).json_body(nulls);
        })
        .await;
    let c = client(&server.base_url());
    let n = c.get(&phone("+12065550134")).await.unwrap();
    let provisioning = n.provisioning();
    let pending = provisioning.pending().unwrap();
    assert_eq!(
        pending.status(),
        Some(&ScheduledProvisioningStatus::Unknown("2".into()))
    );
    assert_eq!(
        pending.error_codes(),
        &[
            SmsErrorCode::Unknown("7".into()),
            SmsErrorCode::Unknown("11".into())
        ]
    );
    assert_eq!(pending.last_updated().unwrap().instant(), None);
    let sms = provisioning.sms().unwrap();
    assert_eq!(sms.state(), Some(&State::StateUnspecified));
    assert_eq!(sms.updated().unwrap().as_str(), "2025-13-45T99:00:00");
    assert_eq!(sms.updated().unwrap().instant(), None);
    assert_eq!(provisioning.campaign().unwrap().updated(), None);
    assert_eq!(
        provisioning.carrier(Carrier::SmsTmo).unwrap().state(),
        Some(&State::StateUnspecified)
    );

    let n = c.get(&phone("+12065550135")).await.unwrap();
    assert_eq!(n.display_name(), None);
    assert!(n.provisioning().pending().unwrap().error_codes().is_empty());
    assert_eq!(n.provisioning().outcome(), ProvisioningOutcome::Pending);
}

#[tokio::test]
async fn wrapped_and_problem_json_errors_keep_message_code_and_kind() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(404).json_body(json!({"error": {
                "code": 404, "message": "Imported number +12065550134 not found", "status": "NOT_FOUND",
                "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": "phoneNumber", "description": "not imported"}]}]}}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(number_path("+12065550134"));
            then.status(403)
                .header("content-type", "application/problem+json")
                .body(r#"{"type": "https://developers.sinch.com/errors/forbidden", "title": "Forbidden",
                          "status": 403, "detail": "Key k has no access to project p"}"#);
        })
        .await;
    let c = client(&server.base_url());
    let err = c.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let api = err.api_error().unwrap();
    assert_eq!(api.code.as_deref(), Some("404"));
    assert_eq!(api.status.as_deref(), Some("NOT_FOUND"));
    assert_eq!(
        api.message.as_deref(),
        Some("Imported number +12065550134 not found")
    );
    assert_eq!(err.field_violations()[0].field, "phoneNumber");

    let err = c.delete(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(err.http_status(), Some(403));
    assert_eq!(
        err.api_error().unwrap().message.as_deref(),
        Some("Forbidden: Key k has no access to project p")
    );
    assert!(err.to_string().contains("Key k has no access"), "{err}");
}

#[tokio::test]
async fn a_success_without_a_phone_number_is_a_decode_error_not_a_success() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(200).json_body(json!({}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(numbers_path());
            then.status(200).json_body(json!({"status": "ok"}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(numbers_path());
            then.status(200).json_body(
                json!({"importedNumbers": [number_json("+12065550001"), {"displayName": "?"}]}),
            );
        })
        .await;
    let c = client(&server.base_url());
    let err = c.get(&phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("has no phoneNumber"), "{err}");

    let err = c.import(phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    let report = c
        .import_many([NumberImport::new(phone("+12065550134"))])
        .run()
        .await;
    assert!(
        matches!(&report.outcomes[0].result, ImportResult::Failed(e) if e.kind() == ErrorKind::Decode),
        "{report:?}"
    );

    let err = c
        .list(ListFilter::new("plan", "campaign"))
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn the_fake_sends_state_fields_and_names_that_the_facade_reads() {
    // The credentials `workspace_tests::client` sends.
    let server = FakeServer::builder()
        .credentials("key-id", "key-secret")
        .start()
        .await
        .unwrap();
    let c = client(&server.base_url());
    let imported = c
        .import(
            NumberImport::new(phone("+12065550134"))
                .service_plan_id("plan")
                .campaign_id("campaign"),
        )
        .await
        .unwrap();
    // Just imported: the change is pending, as the live service shows it.
    let provisioning = imported.provisioning();
    assert_eq!(
        provisioning.pending().unwrap().status(),
        Some(&ScheduledProvisioningStatus::Waiting)
    );
    assert_eq!(provisioning.sms().unwrap().state(), Some(&State::Waiting));
    assert_eq!(provisioning.outcome(), ProvisioningOutcome::Pending);
    assert_eq!(imported.project_id(), Some(PROJECT));
    let settled = c
        .wait_for_provisioning(imported.phone_number())
        .poll_interval(std::time::Duration::from_millis(10))
        .await
        .unwrap();
    let number = settled.number();
    let provisioning = number.provisioning();
    let sms = provisioning.sms().unwrap();
    assert_eq!(sms.state(), Some(&State::Done));
    assert_eq!(sms.service_id(), Some("plan"));
    assert!(sms.updated().unwrap().instant().is_some());
    assert_eq!(
        provisioning.campaign().unwrap().service_id(),
        Some("campaign")
    );
    assert!(provisioning.pending().is_none());
    assert_eq!(provisioning.outcome(), ProvisioningOutcome::Settled);

    // An import without links still carries the smsConfiguration the API requires.
    let bare = c.import(phone("+12065550135")).await.unwrap();
    assert_eq!(bare.service_plan_id(), None);
    assert!(bare.provisioning().sms().is_none());

    let err = c.get(&phone("+12065550199")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert_eq!(
        err.api_error().unwrap().message.as_deref(),
        Some("The imported number could not be found.")
    );
}
