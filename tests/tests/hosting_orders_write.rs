//! The calls that open hosting orders and prove ownership, and the waits
//! that follow them, against scripted servers: the exact bodies sent, every
//! kind of bad input refused with the server seeing no request, batches
//! split at the limits with one outcome per number, and each way a wait
//! can end (done, rejected, awaiting a person, deadline).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{json, Value};
use sinch_imported_numbers::hosting_orders::{
    Address, AuthorisedPerson, BatchResult, DirectLoa, HostingOrderWait, Loa, OrderImport,
    OrderWaitOutcome, ResellerLoa, TextEnable, TollFreeTextEnable, IMPORT_ORDER_LIMIT,
    QUALIFIED_TEXT_ENABLE_LIMIT,
};
use sinch_imported_numbers::qualified_numbers::QualificationOutcome;
use sinch_imported_numbers::types::HostingOrderState;
use sinch_imported_numbers::{ErrorKind, PhoneNumber, Region, Setting};
use workspace_tests::misbehaving::{Misbehaving, Reply};
use workspace_tests::{client, error_json, phone, PROJECT};

const HANG_GUARD: Duration = Duration::from_secs(20);

async fn guarded<F: std::future::IntoFuture>(f: F) -> F::Output {
    tokio::time::timeout(HANG_GUARD, f.into_future())
        .await
        .expect("the call hung")
}

fn numbers(count: usize) -> Vec<PhoneNumber> {
    (0..count)
        .map(|i| phone(&format!("+1206555{:04}", 100 + i)))
        .collect()
}

fn direct() -> DirectLoa {
    DirectLoa::new(
        AuthorisedPerson::new("Alex", "Example", "alex@example.com"),
        Address::new("2433", "Main Street", "Springfield", "IL", "01002", "US"),
        "Verizon",
    )
}

fn order_json(id: &str, state: &str) -> Value {
    json!({"hostingOrderId": id, "projectId": PROJECT, "state": state, "type": "TYPE_TEXT_ENABLE",
           "regionCode": "US"})
}

fn body(request: &workspace_tests::misbehaving::Request) -> Value {
    serde_json::from_slice(&request.body).expect("a JSON body")
}

/// A server that must not be called.
async fn silent() -> Misbehaving {
    Misbehaving::start(|r, _| panic!("nothing should be sent, got {} {}", r.method, r.target)).await
}

#[tokio::test]
async fn each_write_sends_its_body_to_its_path() {
    let server = Misbehaving::start(|r, _| {
        let path = r.target.split('?').next().unwrap_or_default().to_owned();
        let base = format!("/v1/projects/{PROJECT}");
        if path == format!("{base}/hostingOrders:importNumbers") {
            // The import answers with the narrower order type.
            Reply::json(200, json!({"hostingOrderId": "imp1", "state": "SUBMITTED", "type": "IMPORT"}))
        } else if path.ends_with(":textEnableNumbers") && path.contains("qualifiedNumbers") {
            Reply::json(200, json!({"hostingOrderId": "q1"}))
        } else if path.ends_with("TollFreeNumbers") || path.ends_with(":textEnableNumbers") {
            Reply::json(200, order_json("t1", "SUBMITTED"))
        } else if path.ends_with(":addNumbers") {
            Reply::json(200, json!({"qualifiedNumbers": [{"phoneNumber": "+12065550100", "globalProcessState": "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING"}]}))
        } else if path.ends_with(":sendVoiceChallenge") || path.ends_with(":verifyVoiceChallenge") {
            Reply::json(200, json!({"phoneNumber": "+12065550100", "globalProcessState": "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"}))
        } else {
            Reply::json(404, error_json(404, "NOT_FOUND", "no such path"))
        }
    })
    .await;
    let c = client(&server.url());
    let n = phone("+12065550100");

    let order = guarded(
        c.hosting_orders()
            .import_numbers(&OrderImport::new([n.clone()], "plan").campaign_id("C3O84GA")),
    )
    .await
    .unwrap();
    assert_eq!(order.id(), "imp1");
    let order = guarded(c.hosting_orders().text_enable(&TextEnable::new(
        [n.clone()],
        "plan",
        direct(),
    )))
    .await
    .unwrap();
    assert_eq!(order.state(), Some(&HostingOrderState::Submitted));
    guarded(
        c.hosting_orders()
            .text_enable_toll_free(&TollFreeTextEnable::new(
                [phone("+18335870229")],
                "plan",
                direct(),
            )),
    )
    .await
    .unwrap();
    let id = guarded(c.qualified_numbers().text_enable(&TextEnable::new(
        [n.clone()],
        "plan",
        Loa::Blanket,
    )))
    .await
    .unwrap();
    assert_eq!(id, "q1");
    guarded(
        c.qualified_numbers()
            .text_enable_toll_free(&TollFreeTextEnable::new(
                [phone("+18335870229")],
                "plan",
                ResellerLoa::new(
                    "Shop",
                    AuthorisedPerson::new("A", "B", "a@b.co"),
                    Address::new("1", "S", "C", "NY", "10001", "US"),
                    "AT&T",
                ),
            )),
    )
    .await
    .unwrap();
    let added = guarded(c.qualified_numbers().add([n.clone()]))
        .await
        .unwrap();
    assert_eq!(added.len(), 1);
    guarded(c.qualified_numbers().send_voice_challenge(&n))
        .await
        .unwrap();
    guarded(c.qualified_numbers().verify_voice_challenge(&n, "1234"))
        .await
        .unwrap();

    let sent = server.requests();
    let paths: Vec<String> = sent.iter().map(|r| r.target.clone()).collect();
    let base = format!("/v1/projects/{PROJECT}");
    assert_eq!(
        paths,
        vec![
            format!("{base}/hostingOrders:importNumbers"),
            format!("{base}/hostingOrders:textEnableNumbers"),
            format!("{base}/hostingOrders:textEnableTollFreeNumbers"),
            format!("{base}/qualifiedNumbers:textEnableNumbers"),
            format!("{base}/qualifiedNumbers:textEnableTollFreeNumbers"),
            format!("{base}/qualifiedNumbers:addNumbers"),
            format!("{base}/qualifiedNumbers/+12065550100:sendVoiceChallenge"),
            format!("{base}/qualifiedNumbers/+12065550100:verifyVoiceChallenge"),
        ]
    );
    assert!(sent.iter().all(|r| r.method == "POST"));
    assert_eq!(
        body(&sent[0]),
        json!({"regionCode": "US", "numbers": ["+12065550100"], "servicePlanId": "plan", "campaignId": "C3O84GA"})
    );
    let text_enable = body(&sent[1]);
    assert_eq!(
        text_enable["directLoaInfo"]["currentVoiceCarrier"],
        "Verizon"
    );
    assert_eq!(
        text_enable["directLoaInfo"]["address"]["postalCode"],
        "01002"
    );
    assert!(
        text_enable.get("resellerLoaInfo").is_none() && text_enable.get("blanketLoaInfo").is_none()
    );
    assert_eq!(body(&sent[2])["projectId"], PROJECT);
    assert_eq!(body(&sent[3])["blanketLoaInfo"], json!({}));
    assert_eq!(body(&sent[4])["resellerLoaInfo"]["businessName"], "Shop");
    assert_eq!(body(&sent[5]), json!({"phoneNumbers": ["+12065550100"]}));
    assert!(
        sent[6].body.is_empty() || sent[6].body == b"{}" || sent[6].body == b"null",
        "{:?}",
        String::from_utf8_lossy(&sent[6].body)
    );
    assert_eq!(body(&sent[7]), json!({"code": "1234"}));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = silent().await;
    let c = client(&server.url());
    let orders = c.hosting_orders();
    let qualified = c.qualified_numbers();
    let us = phone("+12065550100");
    let setting = |e: sinch_imported_numbers::Error| {
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        e.input_error().and_then(|i| i.setting())
    };
    let cases = vec![
        (
            orders
                .import_numbers(&OrderImport::new([], "plan"))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            orders
                .import_numbers(&OrderImport::new(numbers(IMPORT_ORDER_LIMIT + 1), "plan"))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            orders
                .import_numbers(&OrderImport::new([us.clone(), us.clone()], "plan"))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            orders
                .import_numbers(&OrderImport::new([us.clone()], ""))
                .await
                .map(drop),
            Some(Setting::ServicePlanId),
        ),
        (
            orders
                .import_numbers(&OrderImport::new([us.clone(), phone("+14165550100")], "p"))
                .await
                .map(drop),
            Some(Setting::Region),
        ),
        (
            orders
                .import_numbers(&OrderImport::new([phone("+14165550100")], "p").region(Region::Us))
                .await
                .map(drop),
            Some(Setting::Region),
        ),
        (
            orders
                .import_numbers(&OrderImport::new([phone("+442079460000")], "p"))
                .await
                .map(drop),
            None,
        ),
        (
            orders
                .text_enable(&TextEnable::new(
                    [us.clone()],
                    "p",
                    DirectLoa::new(
                        AuthorisedPerson::new("", "B", "a@b.co"),
                        Address::new("1", "S", "C", "NY", "1", "US"),
                        "V",
                    ),
                ))
                .await
                .map(drop),
            Some(Setting::LetterOfAuthorization("authorisedPerson.firstName")),
        ),
        (
            orders
                .text_enable(&TextEnable::new(
                    [us.clone()],
                    "p",
                    ResellerLoa::new(
                        "",
                        AuthorisedPerson::new("A", "B", "a@b.co"),
                        Address::new("1", "S", "C", "NY", "1", "US"),
                        "V",
                    ),
                ))
                .await
                .map(drop),
            Some(Setting::LetterOfAuthorization("businessName")),
        ),
        (
            orders
                .text_enable(
                    &TextEnable::new([us.clone()], "p", direct()).callback_url("not a url"),
                )
                .await
                .map(drop),
            Some(Setting::CallbackUrl),
        ),
        (
            orders
                .text_enable(&TextEnable::new([us.clone()], "p", direct()).nnid("abc"))
                .await
                .map(drop),
            Some(Setting::Nnid),
        ),
        (
            orders
                .text_enable_toll_free(&TollFreeTextEnable::new(
                    [phone("+18335870229")],
                    "p",
                    DirectLoa::new(
                        AuthorisedPerson::new("A", "B", "no-at-sign"),
                        Address::new("1", "S", "C", "NY", "1", "US"),
                        "V",
                    ),
                ))
                .await
                .map(drop),
            Some(Setting::LetterOfAuthorization("authorisedPerson.email")),
        ),
        (
            orders
                .text_enable_toll_free(&TollFreeTextEnable::new([us.clone()], "p", direct()))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            orders
                .text_enable(&TextEnable::new([phone("+18005550100")], "p", direct()))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            qualified
                .text_enable(&TextEnable::new(
                    numbers(QUALIFIED_TEXT_ENABLE_LIMIT + 1),
                    "p",
                    direct(),
                ))
                .await
                .map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            qualified.add([]).await.map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            qualified.add([us.clone(), us.clone()]).await.map(drop),
            Some(Setting::PhoneNumbers),
        ),
        (
            qualified.add([phone("+442079460000")]).await.map(drop),
            None,
        ),
        (
            qualified.verify_voice_challenge(&us, "").await.map(drop),
            Some(Setting::VoiceCode),
        ),
        (
            qualified
                .verify_voice_challenge(&us, " 1234")
                .await
                .map(drop),
            Some(Setting::VoiceCode),
        ),
        (
            orders.wait("a/b").await.map(drop),
            Some(Setting::HostingOrderId),
        ),
    ];
    for (i, (result, want)) in cases.into_iter().enumerate() {
        assert_eq!(setting(result.unwrap_err()), want, "case {i}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn batches_split_at_the_limit_and_every_number_gets_an_outcome() {
    // The second import batch is refused by the server; the third goes on.
    let server = Misbehaving::start(|r, n| {
        let sent: Value = serde_json::from_slice(&r.body).unwrap();
        let count = sent["numbers"].as_array().map_or(0, Vec::len);
        assert!(count <= IMPORT_ORDER_LIMIT, "a batch of {count}");
        match n {
            1 => Reply::json(
                400,
                error_json(400, "INVALID_ARGUMENT", "campaign not found"),
            ),
            _ => Reply::json(
                200,
                json!({"hostingOrderId": format!("o{n}"), "state": "SUBMITTED"}),
            ),
        }
    })
    .await;
    let mut input = numbers(12);
    input.insert(3, input[0].clone()); // listed twice
    input.push(phone("+442079460000")); // outside US/CA
    let report = guarded(
        client(&server.url())
            .hosting_orders()
            .import_numbers_in_batches(&OrderImport::new(input.clone(), "plan")),
    )
    .await;
    assert_eq!(report.outcomes.len(), input.len());
    for (o, n) in report.outcomes.iter().zip(&input) {
        assert_eq!(&o.number, n, "input order kept");
    }
    assert_eq!(
        server.requests().len(),
        3,
        "12 distinct numbers in batches of 5"
    );
    assert_eq!(report.order_ids(), vec!["o0", "o2"]);
    assert_eq!(report.ordered().count(), 7);
    let failed: Vec<(String, ErrorKind)> = report
        .failed()
        .map(|(n, e)| (n.to_string(), e.kind()))
        .collect();
    assert_eq!(failed.len(), 7, "{failed:?}");
    assert_eq!(
        failed
            .iter()
            .filter(|(_, k)| *k == ErrorKind::InvalidArgument)
            .count(),
        5
    );
    assert_eq!(
        failed
            .iter()
            .filter(|(_, k)| *k == ErrorKind::InvalidInput)
            .count(),
        2
    );
    assert!(
        matches!(&report.outcomes[3].result, BatchResult::Failed(e) if e.to_string().contains("listed twice"))
    );
    assert!(!report.all_ordered());
}

#[tokio::test]
async fn qualified_text_enable_batches_hold_up_to_500() {
    let server =
        Misbehaving::start(|_, n| Reply::json(200, json!({"hostingOrderId": format!("q{n}")})))
            .await;
    let input: Vec<PhoneNumber> = (0..1001)
        .map(|i| phone(&format!("+1206{:07}", 5_550_000 + i)))
        .collect();
    let report = guarded(
        client(&server.url())
            .qualified_numbers()
            .text_enable_in_batches(&TextEnable::new(input, "plan", direct())),
    )
    .await;
    let sizes: Vec<usize> = server
        .requests()
        .iter()
        .map(|r| body(r)["numbers"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![500, 500, 1]);
    assert!(report.all_ordered());
    assert_eq!(report.order_ids(), vec!["q0", "q1", "q2"]);
}

#[tokio::test]
async fn an_answer_without_an_order_id_is_not_success() {
    let server = Misbehaving::start(|_, _| Reply::json(200, json!({}))).await;
    let c = client(&server.url());
    let err = guarded(c.qualified_numbers().text_enable(&TextEnable::new(
        [phone("+12065550100")],
        "p",
        direct(),
    )))
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    let err = guarded(
        c.hosting_orders()
            .import_numbers(&OrderImport::new([phone("+12065550100")], "p")),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Decode, "{err}");
    // Not retried: a repeat could open a second order.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_write_that_failed_with_503_is_not_repeated() {
    let server =
        Misbehaving::start(|_, _| Reply::json(503, error_json(503, "UNAVAILABLE", "busy"))).await;
    let err = guarded(
        client(&server.url())
            .hosting_orders()
            .import_numbers(&OrderImport::new([phone("+12065550100")], "p")),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Server);
    assert_eq!(server.requests().len(), 1);
}

/// A server whose order `o1` shows `states[n]` on its n-th read (the last
/// one repeats); its report and numbers answer as an order with one failed
/// number.
async fn order_going_through(states: &'static [&'static str]) -> Misbehaving {
    let reads = AtomicUsize::new(0);
    Misbehaving::start(move |r, _| {
        let path = r.target.split('?').next().unwrap_or_default();
        if path.ends_with("/report") {
            Reply::json(200, json!({"total": 2, "osrUpdated": 2, "smsProvisioned": 1, "addedToCampaign": 1, "ongoingManualAction": 1}))
        } else if path.ends_with("/numbers") {
            Reply::json(200, json!({"numbers": [
                {"phoneNumber": "+12065550100", "hostingOrderId": "o1", "osrUpdate": {"state": "DONE"}, "platformProvisioning": {"state": "DONE"}},
                {"phoneNumber": "+12065550101", "hostingOrderId": "o1", "osrUpdate": {"state": "DONE"}, "platformProvisioning": {"state": "FAILED"},
                 "smsTmo": {"state": "FAILED", "errorCode": "60135", "errorMessage": "held by another aggregator"}}
            ]}))
        } else {
            let n = reads.fetch_add(1, Ordering::SeqCst);
            Reply::json(200, order_json("o1", states[n.min(states.len() - 1)]))
        }
    })
    .await
}

fn quick(wait: HostingOrderWait) -> HostingOrderWait {
    wait.poll_interval(Duration::from_millis(5))
        .max_poll_interval(Duration::from_millis(20))
        .deadline(Duration::from_secs(5))
}

fn order_reads(server: &Misbehaving) -> usize {
    server.count(|r| r.target.ends_with("/hostingOrders/o1"))
}

#[tokio::test]
async fn an_order_wait_ends_completed_with_the_failed_numbers_and_why() {
    let server =
        order_going_through(&["SUBMITTED", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"]).await;
    let outcome = guarded(quick(client(&server.url()).hosting_orders().wait("o1")))
        .await
        .unwrap();
    let OrderWaitOutcome::Completed(summary) = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(order_reads(&server), 4);
    assert_eq!(summary.report.ongoing_manual_action(), Some(1));
    assert_eq!(summary.failed_numbers.len(), 1);
    let failed = &summary.failed_numbers[0];
    assert_eq!(failed.phone_number().as_str(), "+12065550101");
    let why = failed.failure().unwrap();
    assert!(
        why.contains("platformProvisioning failed")
            && why.contains("60135: held by another aggregator"),
        "{why}"
    );
}

#[tokio::test]
async fn an_order_wait_ends_rejected() {
    let server = order_going_through(&["SUBMITTED", "REJECTED"]).await;
    let outcome = guarded(quick(client(&server.url()).hosting_orders().wait("o1")))
        .await
        .unwrap();
    assert!(
        matches!(outcome, OrderWaitOutcome::Rejected(_)),
        "{outcome:?}"
    );
    assert_eq!(outcome.order().state(), Some(&HostingOrderState::Rejected));
}

#[tokio::test]
async fn an_order_awaiting_its_signature_says_so_unless_told_to_wait_through() {
    let server = order_going_through(&[
        "SUBMITTED",
        "WAITING_FOR_LOA_SIGNATURE",
        "WAITING_FOR_LOA_SIGNATURE",
        "IN_PROGRESS",
        "COMPLETED",
    ])
    .await;
    let c = client(&server.url());
    let outcome = guarded(quick(c.hosting_orders().wait("o1"))).await.unwrap();
    assert!(
        matches!(outcome, OrderWaitOutcome::AwaitingSignature(_)),
        "{outcome:?}"
    );
    assert!(outcome.summary().is_none());
    assert!(outcome.order().awaits_signature());
    let outcome = guarded(quick(c.hosting_orders().wait("o1")).through_signature(true))
        .await
        .unwrap();
    assert!(
        matches!(outcome, OrderWaitOutcome::Completed(_)),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn an_order_needing_manual_action_stops_the_wait_when_asked() {
    let server = order_going_through(&["IN_PROGRESS"]).await;
    let outcome = guarded(
        quick(client(&server.url()).hosting_orders().wait("o1")).stop_on_manual_action(true),
    )
    .await
    .unwrap();
    let OrderWaitOutcome::NeedsManualAction(summary) = outcome else {
        panic!()
    };
    assert_eq!(summary.failed_numbers.len(), 1);
}

#[tokio::test]
async fn an_order_wait_gives_up_at_its_deadline_with_bounded_reads() {
    let server = order_going_through(&["IN_PROGRESS"]).await;
    let err = guarded(
        client(&server.url())
            .hosting_orders()
            .wait("o1")
            .poll_interval(Duration::from_millis(10))
            .max_poll_interval(Duration::from_millis(50))
            .deadline(Duration::from_millis(400)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(
        err.to_string()
            .contains("hosting order o1: still IN_PROGRESS"),
        "{err}"
    );
    let reads = order_reads(&server);
    assert!((3..=20).contains(&reads), "{reads} reads");
}

type States = &'static [&'static str];
/// States to go through, and what the wait must end with.
type Case = (States, fn(&QualificationOutcome) -> bool);

/// A server whose qualified number shows `states[n]` on its n-th read.
async fn qualification_going_through(states: &'static [&'static str]) -> Misbehaving {
    let reads = AtomicUsize::new(0);
    Misbehaving::start(move |_, _| {
        let n = reads.fetch_add(1, Ordering::SeqCst);
        Reply::json(200, json!({"phoneNumber": "+12065550100", "globalProcessState": states[n.min(states.len() - 1)]}))
    })
    .await
}

#[tokio::test]
async fn a_qualification_wait_ends_in_each_settled_state() {
    use QualificationOutcome as O;
    let n = phone("+12065550100");
    let cases: [Case; 6] = [
        (
            &[
                "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
                "GLOBAL_PROCESS_STATE_ELIGIBLE",
                "GLOBAL_PROCESS_STATE_VERIFIED",
            ],
            |o| o.is_qualified(),
        ),
        (
            &[
                "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
                "GLOBAL_PROCESS_STATE_NOT_ELIGIBLE",
            ],
            |o| matches!(o, O::NotEligible(_)),
        ),
        (&["GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED"], |o| {
            matches!(o, O::Failed(_))
        }),
        (&["GLOBAL_PROCESS_STATE_HOSTING_FAILED"], |o| {
            matches!(o, O::Failed(_))
        }),
        (
            &[
                "GLOBAL_PROCESS_STATE_SOMETHING_NEW",
                "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING",
            ],
            |o| matches!(o, O::AwaitingCode(_)),
        ),
        (&["GLOBAL_PROCESS_STATE_HOSTING_DONE"], |o| o.is_qualified()),
    ];
    for (i, (states, check)) in cases.into_iter().enumerate() {
        let server = qualification_going_through(states).await;
        let outcome = guarded(
            client(&server.url())
                .qualified_numbers()
                .wait(&n)
                .poll_interval(Duration::from_millis(5))
                .deadline(Duration::from_secs(5)),
        )
        .await
        .unwrap();
        assert!(check(&outcome), "case {i}: {outcome:?}");
        assert_eq!(server.requests().len(), states.len(), "case {i}");
    }
    let server = qualification_going_through(&["GLOBAL_PROCESS_STATE_ELIGIBLE"]).await;
    let c = client(&server.url());
    let outcome = guarded(
        c.qualified_numbers()
            .wait(&n)
            .poll_interval(Duration::from_millis(5))
            .stop_when_eligible(true),
    )
    .await
    .unwrap();
    assert!(matches!(outcome, O::Eligible(_)), "{outcome:?}");
    let err = guarded(
        c.qualified_numbers()
            .wait(&n)
            .poll_interval(Duration::from_millis(5))
            .deadline(Duration::from_millis(100)),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::DeadlineExceeded);
    assert!(
        err.to_string().contains("GLOBAL_PROCESS_STATE_ELIGIBLE"),
        "{err}"
    );
}
