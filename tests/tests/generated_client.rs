//! The generated client against httpmock: the exact request each of the five
//! operations puts on the wire, and the decoding of every documented response.

use httpmock::prelude::*;
use serde_json::json;
use sinch_imported_numbers_api::{open_enum, types, Client, Context, Error};

const PROJECT: &str = "d1923022-5199-4bb3-a513-c47b3a656bc5";
const NUMBERS: &str = "/v1/projects/d1923022-5199-4bb3-a513-c47b3a656bc5/importedNumbers";
const ONE_NUMBER: &str =
    "/v1/projects/d1923022-5199-4bb3-a513-c47b3a656bc5/importedNumbers/+12025550134";

fn client(server: &MockServer) -> Client {
    Client::new_with_client(&server.base_url(), reqwest_client(), Context::default())
}

fn reqwest_client() -> reqwest::Client {
    sinch_imported_numbers::tls::http_client_builder()
        .unwrap()
        .build()
        .expect("a plain reqwest client builds")
}

/// A full number as the vendor documents it, including fields only the
/// markdown page shows (mnoConfiguration, smsProvisioning, campaignProvisioning).
fn full_number() -> serde_json::Value {
    json!({
        "phoneNumber": "+12025550134",
        "projectId": PROJECT,
        "regionCode": "US",
        "displayName": "MyPhoneNumber",
        "smsConfiguration": {
            "servicePlanId": "YOUR_service_plan_id",
            "scheduledProvisioning": {
                "servicePlanId": "next_plan",
                "status": "IN_PROGRESS",
                "lastUpdatedTime": "2025-04-02T19:45:28.650924Z",
                "campaignId": "next_campaign",
                "errorCodes": ["CAMPAIGN_NOT_AVAILABLE", "INVALID_NNID"]
            },
            "campaignId": "YOUR_campaign_id",
            "migrateToSinchTmo": true
        },
        "callbackUrl": "https://www.your-callback-server.com/callback",
        "mnoConfiguration": {
            "smsAtt": {"state": "DONE", "errorCode": "", "errorMessage": "",
                       "updateTime": "2025-04-02T19:45:28.650924Z", "operation": "PROVISIONING"},
            "smsTmo": {"state": "FAILED", "errorCode": "E42", "errorMessage": "carrier said no",
                       "updateTime": "2025-04-02T19:45:28Z", "operation": "DEPROVISIONING"},
            "mmsAtt": {"state": "IN_PROGRESS", "operation": "OPERATION_UNSPECIFIED"},
            "mmsTmo": {"state": "WAITING"}
        },
        "smsProvisioning": {
            "serviceType": "SMS", "serviceId": "0130a21c9ed6461ba3a1fefda83f7ec7",
            "type": "PROVISIONING", "updateTime": "2023-02-02T21:00:07.467353Z",
            "errorMessage": "", "errorCode": ""
        },
        "campaignProvisioning": {"serviceType": "CAMPAIGN", "serviceId": "C1", "type": "DEPROVISIONING"}
    })
}

fn error_body(code: &str, status: &str, message: &str) -> serde_json::Value {
    json!({"code": code, "status": status, "message": message})
}

fn assert_full_number(n: &types::ImportedNumber) {
    assert_eq!(n.phone_number.as_deref(), Some("+12025550134"));
    assert_eq!(n.project_id.as_deref(), Some(PROJECT));
    assert_eq!(n.region_code.as_deref(), Some("US"));
    assert_eq!(n.display_name.as_deref(), Some("MyPhoneNumber"));
    assert_eq!(
        n.callback_url.as_deref(),
        Some("https://www.your-callback-server.com/callback")
    );
    let sms = n.sms_configuration.as_ref().unwrap();
    assert_eq!(sms.service_plan_id.as_deref(), Some("YOUR_service_plan_id"));
    assert_eq!(sms.campaign_id.as_deref(), Some("YOUR_campaign_id"));
    assert_eq!(sms.migrate_to_sinch_tmo, Some(true));
    let scheduled = sms.scheduled_provisioning.as_ref().unwrap();
    assert_eq!(
        scheduled.status,
        Some(open_enum::ScheduledProvisioningStatus::InProgress)
    );
    assert_eq!(
        scheduled.error_codes,
        Some(vec![
            open_enum::SmsErrorCode::CampaignNotAvailable,
            open_enum::SmsErrorCode::InvalidNnid
        ])
    );
    assert_eq!(scheduled.service_plan_id.as_deref(), Some("next_plan"));
    assert_eq!(scheduled.campaign_id.as_deref(), Some("next_campaign"));
    assert_eq!(
        scheduled
            .last_updated_time
            .as_ref()
            .and_then(|t| t.instant())
            .unwrap()
            .to_rfc3339(),
        "2025-04-02T19:45:28.650924+00:00"
    );
    let mno = n.mno_configuration.as_ref().unwrap();
    let att = mno.sms_att.as_ref().unwrap();
    assert_eq!(att.state, Some(open_enum::State::Done));
    assert_eq!(att.operation, Some(open_enum::MnoOperation::Provisioning));
    assert_eq!(att.error_code.as_deref(), Some(""));
    let tmo = mno.sms_tmo.as_ref().unwrap();
    assert_eq!(tmo.state, Some(open_enum::State::Failed));
    assert_eq!(tmo.error_message.as_deref(), Some("carrier said no"));
    assert_eq!(tmo.operation, Some(open_enum::MnoOperation::Deprovisioning));
    let mms_att = mno.mms_att.as_ref().unwrap();
    assert_eq!(mms_att.state, Some(open_enum::State::InProgress));
    assert_eq!(
        mms_att.operation,
        Some(open_enum::MnoOperation::OperationUnspecified)
    );
    assert_eq!(
        mno.mms_tmo.as_ref().unwrap().state,
        Some(open_enum::State::Waiting)
    );
    let sms_prov = n.sms_provisioning.as_ref().unwrap();
    assert_eq!(
        sms_prov.service_type,
        Some(open_enum::ProvisioningServiceType::Sms)
    );
    assert_eq!(
        sms_prov.type_,
        Some(open_enum::ProvisioningType::Provisioning)
    );
    assert_eq!(
        sms_prov.service_id.as_deref(),
        Some("0130a21c9ed6461ba3a1fefda83f7ec7")
    );
    let campaign = n.campaign_provisioning.as_ref().unwrap();
    assert_eq!(
        campaign.service_type,
        Some(open_enum::ProvisioningServiceType::Campaign)
    );
    assert_eq!(
        campaign.type_,
        Some(open_enum::ProvisioningType::Deprovisioning)
    );
}

fn expect_error_response<T: std::fmt::Debug>(
    result: Result<T, Error<types::Error>>,
    status: u16,
) -> types::Error {
    match result {
        Err(Error::ErrorResponse(response)) => {
            assert_eq!(response.status().as_u16(), status);
            response.into_inner()
        }
        other => panic!("expected a {status} error response, got {other:?}"),
    }
}

#[tokio::test]
async fn list_sends_every_filter_with_dotted_names_and_encoded_plus() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(NUMBERS)
                .header("api-version", "1.0")
                .query_param("servicePlanId", "plan-1")
                .query_param("campaignId", "camp-1")
                .query_param("regionCode", "US")
                .query_param("numberPattern.pattern", "+1206")
                .query_param("numberPattern.searchPattern", "START")
                .query_param("pageSize", "2")
                .query_param("pageToken", "C2VNYXJr==")
                .query_param("orderBy", "createdTime")
                .is_true(|req| {
                    let query = req.uri().query().unwrap_or("").to_owned();
                    query.contains("numberPattern.pattern=%2B1206") && query.split('&').count() == 8
                });
            then.status(200).json_body(json!({
                "importedNumbers": [full_number()],
                "nextPageToken": "next==",
                "totalSize": 3
            }));
        })
        .await;

    let page = client(&server)
        .list_imported_numbers()
        .project_id(PROJECT)
        .service_plan_id("plan-1")
        .campaign_id("camp-1")
        .region_code("US")
        .number_pattern_pattern("+1206")
        .number_pattern_search_pattern(types::SearchPattern::Start)
        .page_size(2)
        .page_token("C2VNYXJr==")
        .order_by(types::OrderBy::CreatedTime)
        .send()
        .await
        .expect("list succeeds")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(page.imported_numbers.len(), 1);
    assert_full_number(&page.imported_numbers[0]);
    assert_eq!(page.next_page_token.as_deref(), Some("next=="));
    assert_eq!(page.total_size, Some(3));
}

#[tokio::test]
async fn list_requires_service_plan_and_campaign_before_sending() {
    let server = MockServer::start_async().await;
    let result = client(&server)
        .list_imported_numbers()
        .project_id(PROJECT)
        .campaign_id("camp-1")
        .send()
        .await;
    match result {
        Err(Error::InvalidRequest(msg)) => assert!(msg.contains("service_plan_id"), "{msg}"),
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn list_last_page_and_400() {
    let server = MockServer::start_async().await;
    let last = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(NUMBERS)
                .query_param_missing("pageToken");
            then.status(200)
                .json_body(json!({"importedNumbers": [], "nextPageToken": "", "totalSize": 0}));
        })
        .await;
    let bad = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(NUMBERS)
                .query_param("pageToken", "garbage");
            then.status(400).json_body(error_body(
                "400",
                "INVALID_ARGUMENT",
                "page_token is not valid",
            ));
        })
        .await;
    let api = client(&server);
    let page = api
        .list_imported_numbers()
        .project_id(PROJECT)
        .service_plan_id("p")
        .campaign_id("c")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(page.imported_numbers.is_empty());
    assert_eq!(page.next_page_token.as_deref(), Some(""));

    let err = expect_error_response(
        api.list_imported_numbers()
            .project_id(PROJECT)
            .service_plan_id("p")
            .campaign_id("c")
            .page_token("garbage")
            .send()
            .await,
        400,
    );
    assert_eq!(err.status.as_deref(), Some("INVALID_ARGUMENT"));
    assert_eq!(err.message.as_deref(), Some("page_token is not valid"));
    last.assert_async().await;
    bad.assert_async().await;
}

#[tokio::test]
async fn import_posts_the_json_body_and_decodes_200_409_400() {
    let server = MockServer::start_async().await;
    let body = json!({
        "phoneNumber": "+12025550134",
        "regionCode": "US",
        "displayName": "MyPhoneNumber",
        "smsConfiguration": {"servicePlanId": "YOUR_service_plan_id", "campaignId": "YOUR_campaign_id"},
        "callbackUrl": "https://www.your-callback-server.com/callback"
    });
    let created = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(NUMBERS)
                .header("content-type", "application/json")
                .json_body(body.clone());
            then.status(200).json_body(full_number());
        })
        .await;
    let request: types::CreateImportedNumberRequest = serde_json::from_value(body.clone()).unwrap();
    let api = client(&server);
    let number = api
        .import_number()
        .project_id(PROJECT)
        .body(request.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    created.assert_async().await;
    assert_full_number(&number);
    created.delete_async().await;

    server
        .mock_async(|when, then| {
            when.method(POST).path(NUMBERS);
            then.status(409).json_body(error_body(
                "409",
                "ALREADY_EXISTS",
                "The imported number already exists.",
            ));
        })
        .await;
    let err = expect_error_response(
        api.import_number()
            .project_id(PROJECT)
            .body(request.clone())
            .send()
            .await,
        409,
    );
    assert_eq!(err.code.as_deref(), Some("409"));
    assert_eq!(err.status.as_deref(), Some("ALREADY_EXISTS"));
    assert_eq!(
        err.message.as_deref(),
        Some("The imported number already exists.")
    );
}

#[tokio::test]
async fn import_400_with_details_and_500() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(NUMBERS).json_body_includes(r#"{"phoneNumber":"+1"}"#);
            then.status(400).json_body(json!({
                "code": "400", "status": "INVALID_ARGUMENT",
                "message": "importedNumber.phoneNumber is not valid",
                "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": "phoneNumber", "description": "too short"}]}]
            }));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(NUMBERS)
                .json_body_includes(r#"{"phoneNumber":"+12025550199"}"#);
            then.status(500)
                .json_body(error_body("500", "INTERNAL", "Internal server error"));
        })
        .await;
    let api = client(&server);
    let bad: types::CreateImportedNumberRequest = serde_json::from_value(json!({
        "phoneNumber": "+1", "regionCode": "US", "smsConfiguration": {}
    }))
    .unwrap();
    let err = expect_error_response(
        api.import_number()
            .project_id(PROJECT)
            .body(bad)
            .send()
            .await,
        400,
    );
    assert_eq!(err.details.len(), 1);
    assert_eq!(err.details[0]["fieldViolations"][0]["field"], "phoneNumber");

    let boom: types::CreateImportedNumberRequest = serde_json::from_value(json!({
        "phoneNumber": "+12025550199", "regionCode": "US", "smsConfiguration": {}
    }))
    .unwrap();
    let err = expect_error_response(
        api.import_number()
            .project_id(PROJECT)
            .body(boom)
            .send()
            .await,
        500,
    );
    assert_eq!(err.status.as_deref(), Some("INTERNAL"));
}

#[tokio::test]
async fn get_sends_plus_raw_in_the_path_and_decodes_200_404() {
    let server = MockServer::start_async().await;
    let found = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(ONE_NUMBER)
                .header("api-version", "1.0");
            then.status(200).json_body(full_number());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(format!("{NUMBERS}/+12025550199"));
            then.status(404).json_body(error_body(
                "404",
                "NOT_FOUND",
                "The imported number could not be found.",
            ));
        })
        .await;
    let api = client(&server);
    let number = api
        .get_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .send()
        .await
        .unwrap()
        .into_inner();
    found.assert_async().await;
    assert_full_number(&number);

    let err = expect_error_response(
        api.get_imported_number()
            .project_id(PROJECT)
            .phone_number("+12025550199")
            .send()
            .await,
        404,
    );
    assert_eq!(err.status.as_deref(), Some("NOT_FOUND"));
}

#[tokio::test]
async fn delete_decodes_empty_200_and_404() {
    let server = MockServer::start_async().await;
    let deleted = server
        .mock_async(|when, then| {
            when.method(DELETE).path(ONE_NUMBER);
            then.status(200);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(DELETE).path(format!("{NUMBERS}/+12025550199"));
            then.status(404).json_body(error_body(
                "404",
                "NOT_FOUND",
                "The imported number could not be found.",
            ));
        })
        .await;
    let api = client(&server);
    let response = api
        .delete_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    deleted.assert_async().await;
    let err = expect_error_response(
        api.delete_imported_number()
            .project_id(PROJECT)
            .phone_number("+12025550199")
            .send()
            .await,
        404,
    );
    assert_eq!(
        err.message.as_deref(),
        Some("The imported number could not be found.")
    );
}

#[tokio::test]
async fn update_sends_mask_and_body_and_decodes_200_400_404() {
    let server = MockServer::start_async().await;
    let updated = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(ONE_NUMBER)
                .query_param("updateMask", "displayName,smsConfiguration.servicePlanId")
                .json_body(
                    json!({"displayName": "Front desk", "smsConfiguration": {"servicePlanId": ""}}),
                );
            then.status(200).json_body(full_number());
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(ONE_NUMBER)
                .query_param_missing("updateMask");
            then.status(400).json_body(error_body(
                "400",
                "INVALID_ARGUMENT",
                "fieldMask is not provided",
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(format!("{NUMBERS}/+12025550199"));
            then.status(404).json_body(error_body(
                "404",
                "NOT_FOUND",
                "The imported number could not be found.",
            ));
        })
        .await;
    let api = client(&server);
    let body = types::ImportedNumberInput {
        display_name: Some("Front desk".into()),
        sms_configuration: Some(types::SmsConfiguration {
            service_plan_id: Some(String::new()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let number = api
        .update_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .update_mask("displayName,smsConfiguration.servicePlanId")
        .body(body.clone())
        .send()
        .await
        .unwrap()
        .into_inner();
    updated.assert_async().await;
    assert_full_number(&number);

    // updateMask is required by the spec (the service refuses a PATCH without it with
    // 400 "fieldMask is not provided"), so the generated client refuses before sending.
    match api
        .update_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .body(body.clone())
        .send()
        .await
    {
        Err(Error::InvalidRequest(message)) => {
            assert!(message.contains("update_mask"), "{message}")
        }
        other => panic!("expected the builder to refuse a missing mask, got {other:?}"),
    }
    let err = expect_error_response(
        api.update_imported_number()
            .project_id(PROJECT)
            .phone_number("+12025550199")
            .update_mask("displayName")
            .body(body)
            .send()
            .await,
        404,
    );
    assert_eq!(err.status.as_deref(), Some("NOT_FOUND"));
}

/// Forward compatibility: enum values and fields the spec does not know yet
/// must not fail the call.
#[tokio::test]
async fn unknown_enum_values_and_fields_still_decode() {
    let server = MockServer::start_async().await;
    let mut number = full_number();
    number["mnoConfiguration"]["smsAtt"]["state"] = json!("PAUSED_BY_CARRIER");
    number["mnoConfiguration"]["smsAtt"]["operation"] = json!("MIGRATING");
    number["smsProvisioning"]["serviceType"] = json!("RCS");
    number["smsProvisioning"]["type"] = json!("REPROVISIONING");
    number["smsConfiguration"]["scheduledProvisioning"]["status"] = json!(987);
    number["smsConfiguration"]["scheduledProvisioning"]["errorCodes"] = json!([4040, 9001]);
    number["voiceConfiguration"] = json!({"appId": "new-field"});
    number["mnoConfiguration"]["rcsAtt"] = json!({"state": "DONE"});
    server
        .mock_async(|when, then| {
            when.method(GET).path(ONE_NUMBER);
            then.status(200).json_body(number);
        })
        .await;
    let got = client(&server)
        .get_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .send()
        .await
        .expect("unknown values decode")
        .into_inner();
    let att = got.mno_configuration.unwrap().sms_att.unwrap();
    assert_eq!(
        att.state,
        Some(open_enum::State::Unknown("PAUSED_BY_CARRIER".into()))
    );
    assert_eq!(
        att.operation,
        Some(open_enum::MnoOperation::Unknown("MIGRATING".into()))
    );
    let prov = got.sms_provisioning.unwrap();
    assert_eq!(
        prov.service_type,
        Some(open_enum::ProvisioningServiceType::Unknown("RCS".into()))
    );
    assert_eq!(
        prov.type_,
        Some(open_enum::ProvisioningType::Unknown(
            "REPROVISIONING".into()
        ))
    );
    let scheduled = got
        .sms_configuration
        .unwrap()
        .scheduled_provisioning
        .unwrap();
    // Legacy integers (the pages' `integer <enum>`) still decode, kept as text.
    assert_eq!(
        scheduled.status,
        Some(open_enum::ScheduledProvisioningStatus::Unknown(
            "987".into()
        ))
    );
    assert_eq!(
        scheduled.error_codes,
        Some(vec![
            open_enum::SmsErrorCode::Unknown("4040".into()),
            open_enum::SmsErrorCode::Unknown("9001".into())
        ])
    );
}

#[tokio::test]
async fn garbage_body_is_a_payload_error_not_a_panic() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(ONE_NUMBER);
            then.status(200).body("<html>surprise</html>");
        })
        .await;
    let result = client(&server)
        .get_imported_number()
        .project_id(PROJECT)
        .phone_number("+12025550134")
        .send()
        .await;
    assert!(
        matches!(result, Err(Error::InvalidResponsePayload(..))),
        "{result:?}"
    );
}
