//! The qualified-number read calls against a scripted server: what is sent,
//! and what odd answers read as (integer or named hosting status, unknown
//! states, absent fields, a null list, an empty delete answer).

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::json;
use sinch_imported_numbers::qualified_numbers::QualifiedNumberFilter;
use sinch_imported_numbers::types::{GlobalProcessState, HostingStatus, State};
use sinch_imported_numbers::{ErrorKind, Region};
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{client, error_json, phone, PROJECT};

const HANG_GUARD: Duration = Duration::from_secs(20);

async fn guarded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f)
        .await
        .expect("the call hung")
}

fn path() -> String {
    format!("/v1/projects/{PROJECT}/qualifiedNumbers")
}

#[tokio::test]
async fn listing_sends_the_state_and_reads_every_shape_of_status() {
    let server = Misbehaving::start(|_, n| match n {
        0 => Reply::json(200, json!({"qualifiedNumbers": [
            {"phoneNumber": "+12025550134", "globalProcessState": "GLOBAL_PROCESS_STATE_HOSTING_DONE",
             "hostedNumber": {"status": 1}, "osrEligibility": {"status": "DONE", "error": ""}},
            {"phoneNumber": "+12025550135", "globalProcessState": "GLOBAL_PROCESS_STATE_SOMETHING_NEW",
             "hostedNumber": {"status": "HOSTING_STATUS_FAILED", "error": "no"}},
        ], "nextPageToken": "n"})),
        1 => Reply::json(200, json!({"qualifiedNumbers": null})),
        _ => Reply::json(500, json!({})),
    })
    .await;
    let numbers: Vec<_> = guarded(
        client(&server.url())
            .qualified_numbers()
            .list(QualifiedNumberFilter::new(GlobalProcessState::HostingDone).region(Region::Us))
            .items()
            .try_collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert_eq!(numbers.len(), 2);
    assert_eq!(numbers[0].state(), Some(&GlobalProcessState::HostingDone));
    assert_eq!(
        numbers[0].hosting().unwrap().status(),
        Some(&HostingStatus::Hosted)
    );
    assert_eq!(
        numbers[0].osr_eligibility().unwrap().state(),
        Some(&State::Done)
    );
    assert_eq!(numbers[0].osr_eligibility().unwrap().error(), None);
    assert_eq!(
        numbers[1].state(),
        Some(&GlobalProcessState::Unknown(
            "GLOBAL_PROCESS_STATE_SOMETHING_NEW".into()
        ))
    );
    assert_eq!(
        numbers[1].hosting().unwrap().status(),
        Some(&HostingStatus::Failed)
    );
    assert_eq!(numbers[1].hosting().unwrap().error(), Some("no"));
    assert!(numbers[1].ownership_verification().is_none());
    let first = &server.requests()[0].target;
    assert!(first.starts_with(&path()), "{first}");
    for part in ["states=GLOBAL_PROCESS_STATE_HOSTING_DONE", "regionCode=US"] {
        assert!(first.contains(part), "{part} missing from {first}");
    }
    assert_eq!(server.count(|_| true), 2, "a null list ends the listing");
}

#[tokio::test]
async fn get_and_delete() {
    let server = Misbehaving::start(|request, _| {
        match (
            request.method.as_str(),
            request.target.rsplit('/').next().unwrap(),
        ) {
            ("GET", "+12025550134") => Reply::json(
                200,
                json!({"phoneNumber": "+12025550134", "regionCode": "CA"}),
            ),
            ("GET", "+12025550136") => Reply::json(
                200,
                json!({"globalProcessState": "GLOBAL_PROCESS_STATE_VERIFIED"}),
            ),
            ("DELETE", "+12025550134") => Reply::text(200, "application/json", ""),
            _ => Reply::json(404, error_json(404, "NOT_FOUND", "not a qualified number")),
        }
    })
    .await;
    let qualified = client(&server.url()).qualified_numbers();
    let n = guarded(qualified.get(&phone("+12025550134")))
        .await
        .unwrap();
    assert_eq!(n.region(), Some(Region::Ca));
    assert_eq!(n.state(), None);
    let err = guarded(qualified.get(&phone("+12025550135")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = guarded(qualified.get(&phone("+12025550136")))
        .await
        .unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::Decode,
        "a 200 without a number is no success"
    );
    guarded(qualified.delete(&phone("+12025550134")))
        .await
        .unwrap();
    let err = guarded(qualified.delete(&phone("+12025550135")))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let deleted = server
        .requests()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert_eq!(deleted.target, format!("{}/+12025550134", path()));
}
