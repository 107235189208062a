//! The facade's single-number calls against httpmock: the requests they send,
//! and how every kind of answer becomes a result or a typed error.

use httpmock::prelude::*;
use serde_json::json;
use sinch_imported_numbers::types::State;
use sinch_imported_numbers::{
    Carrier, ErrorKind, InputError, NumberImport, PhoneNumber, Region, Setting,
};
use workspace_tests::{client, error_json, number_json, number_path, numbers_path, phone};

#[tokio::test]
async fn get_returns_the_number_and_sends_basic_auth() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(number_path("+12065550134"))
                // base64("key-id:key-secret")
                .header("authorization", "Basic a2V5LWlkOmtleS1zZWNyZXQ=")
                .header("api-version", "1.0");
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await;
    let number = client(&server.base_url())
        .get(&phone("+12065550134"))
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(Some(number.phone_number().as_str()), Some("+12065550134"));
    assert_eq!(
        number
            .provisioning()
            .carrier(Carrier::SmsAtt)
            .unwrap()
            .state(),
        Some(&State::Done)
    );
}

#[tokio::test]
async fn import_sends_validated_body_with_inferred_region() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path(numbers_path()).json_body(json!({
                "phoneNumber": "+14165550134",
                "regionCode": "CA",
                "displayName": "Toronto desk",
                "smsConfiguration": {"servicePlanId": "plan", "campaignId": "campaign"},
                "callbackUrl": "https://example.com/cb"
            }));
            then.status(200).json_body(number_json("+14165550134"));
        })
        .await;
    let number = PhoneNumber::parse_with_region("(416) 555-0134", Region::Ca).unwrap();
    let imported = client(&server.base_url())
        .import(
            NumberImport::new(number)
                .display_name("Toronto desk")
                .service_plan_id("plan")
                .campaign_id("campaign")
                .callback_url("https://example.com/cb"),
        )
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(Some(imported.phone_number().as_str()), Some("+14165550134"));
}

#[tokio::test]
async fn documented_errors_become_typed_kinds() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(numbers_path());
            then.status(409).json_body(error_json(
                409,
                "ALREADY_EXISTS",
                "The imported number already exists.",
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550199"));
            then.status(404).json_body(error_json(
                404,
                "NOT_FOUND",
                "The imported number could not be found.",
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(PATCH).path(number_path("+12065550134"));
            then.status(400).json_body(json!({
                "code": "400", "status": "INVALID_ARGUMENT", "message": "servicePlanId is not valid",
                "details": [{"fieldViolations": [{"field": "smsConfiguration.servicePlanId", "description": "unknown plan"}]}]
            }));
        })
        .await;
    let c = client(&server.base_url());

    let err = c.import(phone("+12065550134")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AlreadyExists);
    assert_eq!(err.http_status().unwrap(), 409);
    let api = err.api_error().unwrap();
    assert_eq!(
        (
            api.code.as_deref(),
            api.status.as_deref(),
            api.message.as_deref()
        ),
        (
            Some("409"),
            Some("ALREADY_EXISTS"),
            Some("The imported number already exists.")
        )
    );
    assert!(!err.is_retryable());

    let err = c.get(&phone("+12065550199")).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(
        err.to_string(),
        "HTTP 404: The imported number could not be found. [NOT_FOUND]"
    );

    let err = c
        .update(&phone("+12065550134"))
        .service_plan_id("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    assert_eq!(
        err.field_violations()[0].field,
        "smsConfiguration.servicePlanId"
    );
    assert_eq!(err.field_violations()[0].description, "unknown plan");
}

#[tokio::test]
async fn surprising_responses_are_clear_errors() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550101"));
            then.status(200).body("<html>captive portal</html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550102"));
            then.status(404).body("<html>not here</html>");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550103"));
            then.status(418).body("teapot");
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550104"));
            then.status(200)
                .json_body(json!({"phoneNumber": 12065550104_u64}));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550105"));
            then.status(404)
                .json_body(json!({"code": 404, "message": "gone", "status": "NOT_FOUND"}));
        })
        .await;
    let c = client(&server.base_url());

    let err = c.get(&phone("+12065550105")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::NotFound,
        "a numeric code still reads as the error it is"
    );
    assert_eq!(err.api_error().unwrap().code.as_deref(), Some("404"));
    assert_eq!(err.api_error().unwrap().message.as_deref(), Some("gone"));

    let err = c.get(&phone("+12065550101")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
    assert!(err.to_string().contains("captive portal"), "{err}");

    let err = c.get(&phone("+12065550102")).await.unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::NotFound,
        "a non-JSON 404 keeps its status: {err}"
    );
    assert!(err.to_string().contains("not here"), "{err}");

    let err = c.get(&phone("+12065550103")).await.unwrap_err();
    assert_eq!(
        (err.kind(), err.http_status().unwrap()),
        (ErrorKind::Other, 418)
    );

    let err = c.get(&phone("+12065550104")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode);
}

#[tokio::test]
async fn unknown_enum_values_and_fields_do_not_fail_the_call() {
    let server = MockServer::start_async().await;
    let mut body = number_json("+12065550134");
    body["mnoConfiguration"]["smsAtt"]["state"] = json!("SUSPENDED");
    body["brandNewField"] = json!({"nested": [1, 2, 3]});
    server
        .mock_async(|when, then| {
            when.method(GET).path(number_path("+12065550134"));
            then.status(200).json_body(body);
        })
        .await;
    let number = client(&server.base_url())
        .get(&phone("+12065550134"))
        .await
        .unwrap();
    let provisioning = number.provisioning();
    let state = provisioning
        .carrier(Carrier::SmsAtt)
        .unwrap()
        .state()
        .unwrap();
    assert_eq!(state, &State::Unknown("SUSPENDED".into()));
    assert_eq!(state.to_string(), "SUSPENDED");
}

#[tokio::test]
async fn update_sends_exactly_the_fields_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(number_path("+12065550134"))
                .query_param("updateMask", "displayName,smsConfiguration.campaignId")
                .json_body(
                    json!({"displayName": "Reception", "smsConfiguration": {"campaignId": ""}}),
                );
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await;
    client(&server.base_url())
        .update(&phone("+12065550134"))
        .display_name("Reception")
        .unlink_campaign()
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn relink_unlinks_then_links() {
    let server = MockServer::start_async().await;
    let unlink = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(number_path("+12065550134"))
                .query_param("updateMask", "smsConfiguration.servicePlanId")
                .json_body(json!({"smsConfiguration": {"servicePlanId": ""}}));
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await;
    let link = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(number_path("+12065550134"))
                .query_param("updateMask", "smsConfiguration.servicePlanId")
                .json_body(json!({"smsConfiguration": {"servicePlanId": "new-plan"}}));
            then.status(200).json_body(number_json("+12065550134"));
        })
        .await;
    let c = client(&server.base_url());
    c.relink_service_plan(&phone("+12065550134"), "new-plan")
        .await
        .unwrap();
    unlink.assert_async().await;
    link.assert_async().await;

    let err = c
        .relink_campaign(&phone("+12065550134"), "")
        .await
        .unwrap_err();
    assert_eq!(
        err.input_error().and_then(InputError::setting),
        Some(Setting::CampaignId)
    );
}

#[tokio::test]
async fn the_callback_url_is_updatable_and_checked_first() {
    let server = sinch_imported_numbers_fake::FakeServer::builder()
        .credentials("key-id", "key-secret")
        .start()
        .await
        .unwrap();
    let c = client(&server.base_url());
    c.import(phone("+12065550134")).await.unwrap();
    let updated = c
        .update(&phone("+12065550134"))
        .callback_url("https://example.com/hooks/sinch")
        .send()
        .await
        .unwrap();
    assert_eq!(
        updated.callback_url(),
        Some("https://example.com/hooks/sinch")
    );
    let before = server.request_count();
    let err = c
        .update(&phone("+12065550134"))
        .callback_url("ftp://example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.input_error().and_then(InputError::setting),
        Some(Setting::CallbackUrl)
    );
    assert_eq!(server.request_count(), before, "nothing sent");
}

#[tokio::test]
async fn delete_and_bad_input_never_reach_the_server_when_invalid() {
    let server = MockServer::start_async().await;
    let deleted = server
        .mock_async(|when, then| {
            when.method(DELETE).path(number_path("+12065550134"));
            then.status(200);
        })
        .await;
    let anything_else = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(500);
        })
        .await;
    let c = client(&server.base_url());
    c.delete(&phone("+12065550134")).await.unwrap();
    deleted.assert_async().await;

    assert!(PhoneNumber::parse("+1 206 555 0134").is_err());
    let err = c.import(phone("+442079460958")).await.unwrap_err();
    assert!(matches!(
        err.input_error(),
        Some(InputError::UnsupportedRegion { .. })
    ));
    let err = c
        .update(&phone("+12065550134"))
        .set("scheduledProvisioning", "x")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        err.input_error(),
        Some(InputError::UnknownMaskPath { .. })
    ));
    assert_eq!(
        anything_else.calls_async().await,
        0,
        "invalid input must not be sent"
    );
}
