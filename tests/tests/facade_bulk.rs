//! Bulk import against httpmock: every number gets exactly one outcome, in
//! input order, and failures do not stop the rest.

use httpmock::prelude::*;
use serde_json::json;
use sinch_imported_numbers::{ErrorKind, ImportResult, NumberImport};
use workspace_tests::{client, error_json, number_json, numbers_path, phone};

#[tokio::test]
async fn outcomes_cover_every_number_in_input_order() {
    let server = MockServer::start_async().await;
    let mut imported = Vec::new();
    for n in ["+12065550001", "+12065550003", "+12065550005"] {
        imported.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path(numbers_path())
                        .json_body_includes(json!({"phoneNumber": n}).to_string());
                    then.status(200).json_body(number_json(n));
                })
                .await,
        );
    }
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(numbers_path())
                .json_body_includes(r#"{"phoneNumber":"+12065550002"}"#);
            then.status(409)
                .json_body(error_json(409, "ALREADY_EXISTS", "exists"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(POST)
                .path(numbers_path())
                .json_body_includes(r#"{"phoneNumber":"+12065550004"}"#);
            then.status(500)
                .json_body(error_json(500, "INTERNAL", "boom"));
        })
        .await;
    let inputs = vec![
        NumberImport::new(phone("+12065550001")).service_plan_id("plan"),
        NumberImport::new(phone("+12065550002")),
        NumberImport::new(phone("+442079460958")), // not US/CA: fails before sending
        NumberImport::new(phone("+12065550003")),
        NumberImport::new(phone("+12065550004")),
        NumberImport::new(phone("+12065550005")),
    ];
    let report = client(&server.base_url())
        .import_many(inputs)
        .concurrency(3)
        .run()
        .await;

    let summary: Vec<_> = report
        .outcomes
        .iter()
        .map(|o| {
            let what = match &o.result {
                ImportResult::Imported(n) => {
                    format!("imported {}", n.phone_number())
                }
                ImportResult::AlreadyExisted => "exists".to_owned(),
                ImportResult::Failed(e) => format!("failed {:?}", e.kind()),
                other => format!("unexpected {other:?}"),
            };
            (o.index, o.number.to_string(), what)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, "+12065550001".into(), "imported +12065550001".into()),
            (1, "+12065550002".into(), "exists".into()),
            (
                2,
                "+442079460958".into(),
                format!("failed {:?}", ErrorKind::InvalidInput)
            ),
            (3, "+12065550003".into(), "imported +12065550003".into()),
            (
                4,
                "+12065550004".into(),
                format!("failed {:?}", ErrorKind::Server)
            ),
            (5, "+12065550005".into(), "imported +12065550005".into()),
        ]
    );
    assert_eq!(report.imported().count(), 3);
    assert_eq!(report.already_existed().count(), 1);
    assert_eq!(report.failed().count(), 2);
    for mock in imported {
        mock.assert_async().await;
    }
}
