//! One piece of client code, run against the stateful fake and against
//! httpmock scripted from the vendor docs: both must produce the same story.
//! This keeps the fake honest (it answers like the documented API) and shows
//! the SDK does not depend on either server's quirks.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use sinch_imported_numbers::{AuthMode, Client, ListFilter, NumberImport};
use sinch_imported_numbers_api::types::ImportedNumber;
use sinch_imported_numbers_fake::FakeServer;
use workspace_tests::{error_json, number_path, numbers_path, phone, PROJECT};

const A: &str = "+12065550134";
const B: &str = "+12065550135";
const MISSING: &str = "+12065550199";

/// The client code under test: every facade call, narrated.
async fn scenario(client: &Client) -> Vec<String> {
    let mut story = Vec::new();
    let imported = client
        .import(
            NumberImport::new(phone(A))
                .display_name("Desk")
                .service_plan_id("plan")
                .campaign_id("campaign"),
        )
        .await
        .unwrap();
    story.push(format!(
        "imported {} in {}",
        imported.phone_number(),
        imported.region_code().unwrap()
    ));
    let err = client
        .import(NumberImport::new(phone(B)))
        .await
        .unwrap_err();
    story.push(format!("import {B}: {:?}", err.kind()));
    let got = client.get(&phone(A)).await.unwrap();
    story.push(format!("got {}", got.display_name().unwrap()));
    let renamed = client
        .update(&phone(A))
        .display_name("Reception")
        .send()
        .await
        .unwrap();
    story.push(format!("renamed to {}", renamed.display_name().unwrap()));
    let listed: Vec<String> = client
        .list(ListFilter::new("plan", "campaign"))
        .page_size(1)
        .items()
        .map_ok(|n| n.phone_number().to_string())
        .try_collect()
        .await
        .unwrap();
    story.push(format!("listed {}", listed.join(" ")));
    client.delete(&phone(A)).await.unwrap();
    story.push("deleted".into());
    let err = client.get(&phone(MISSING)).await.unwrap_err();
    story.push(format!("get {MISSING}: {:?}", err.kind()));
    story
}

fn expected() -> Vec<String> {
    vec![
        format!("imported {A} in US"),
        format!("import {B}: AlreadyExists"),
        "got Desk".into(),
        "renamed to Reception".into(),
        format!("listed {B} {A}"),
        "deleted".into(),
        format!("get {MISSING}: NotFound"),
    ]
}

fn client(base_url: &str, key_id: &str, key_secret: &str) -> Client {
    Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id(key_id)
        .key_secret(key_secret)
        .base_url(base_url)
        .build()
        .unwrap()
}

fn number(phone: &str, name: &str) -> serde_json::Value {
    json!({"phoneNumber": phone, "projectId": PROJECT, "regionCode": "US", "displayName": name,
           "smsConfiguration": {"servicePlanId": "plan", "campaignId": "campaign"}})
}

#[tokio::test]
async fn against_the_fake() {
    let server = FakeServer::start().await.unwrap();
    let existing: ImportedNumber = serde_json::from_value(number(B, "Old")).unwrap();
    assert_eq!(server.seed(PROJECT, [existing]), 1);
    let story = scenario(&client(
        &server.base_url(),
        server.key_id(),
        server.key_secret(),
    ))
    .await;
    assert_eq!(story, expected());
}

#[tokio::test]
async fn against_httpmock() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(numbers_path())
                .json_body_includes(json!({"phoneNumber": A}).to_string());
            then.status(200).json_body(number(A, "Desk"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(numbers_path())
                .json_body_includes(json!({"phoneNumber": B}).to_string());
            then.status(409).json_body(error_json(
                409,
                "ALREADY_EXISTS",
                "The imported number already exists.",
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path(A));
            then.status(200).json_body(number(A, "Desk"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(number_path(A))
                .query_param("updateMask", "displayName");
            then.status(200).json_body(number(A, "Reception"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(numbers_path()).query_param_missing("pageToken");
            then.status(200).json_body(json!({"importedNumbers": [number(B, "Old")], "nextPageToken": "p2", "totalSize": 2}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(numbers_path()).query_param("pageToken", "p2");
            then.status(200).json_body(json!({"importedNumbers": [number(A, "Reception")], "nextPageToken": "", "totalSize": 2}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(number_path(A));
            then.status(200);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path(MISSING));
            then.status(404).json_body(error_json(
                404,
                "NOT_FOUND",
                "The imported number could not be found.",
            ));
        })
        .await;
    let story = scenario(&client(&server.base_url(), "key-id", "key-secret")).await;
    assert_eq!(story, expected());
}
