//! The fake server's eight qualified-number operations over real HTTP:
//! adding, reading and deleting numbers, the voice challenge round trip,
//! text-enabling, listings with filters and tokens, seeding, the integer
//! `hostedNumber.status`, and the 400/404/405/401 answers; then how added
//! numbers move on their own (the eligibility check, the invoice review),
//! blocking after wrong codes, and hosting through text-enable orders.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sinch_imported_numbers_api::open_enum::{GlobalProcessState, HostingStatus, State};
use sinch_imported_numbers_fake::{FakeServer, HostingStep, QualifiedNumberSeed};
use workspace_tests::{send_json, PROJECT};

fn numbers() -> String {
    format!("/v1/projects/{PROJECT}/qualifiedNumbers")
}

async fn call(
    server: &FakeServer,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    send_json(
        &server.base_url(),
        Some((server.key_id(), server.key_secret())),
        method,
        path,
        body.as_ref(),
    )
    .await
}

async fn get(server: &FakeServer, path: &str) -> (StatusCode, Value) {
    call(server, Method::GET, path, None).await
}

async fn post(server: &FakeServer, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    call(server, Method::POST, path, body).await
}

fn assert_400(answer: &(StatusCode, Value), needle: &str) {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["code"], "400", "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(message.contains(needle), "{message:?} lacks {needle:?}");
}

fn assert_404(answer: &(StatusCode, Value)) {
    let (status, body) = answer;
    assert_eq!(*status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "404", "{body}");
    assert_eq!(body["status"], "NOT_FOUND", "{body}");
}

async fn add(server: &FakeServer, phones: &[&str]) -> (StatusCode, Value) {
    post(
        server,
        &format!("{}:addNumbers", numbers()),
        Some(json!({ "phoneNumbers": phones })),
    )
    .await
}

fn direct_loa() -> Value {
    json!({
        "authorisedPerson": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com"},
        "address": {"buildingNumber": "2433", "street": "Main St", "city": "Springfield",
                    "state": "IL", "postalCode": "01002", "country": "US"},
        "currentVoiceCarrier": "Verizon",
    })
}

/// A server whose numbers and orders stay as they are for the length of a
/// test.
async fn still() -> FakeServer {
    FakeServer::builder()
        .flow_delay(Duration::from_secs(600))
        .start()
        .await
        .unwrap()
}

fn verified(phone: &str) -> QualifiedNumberSeed {
    QualifiedNumberSeed::new(phone, GlobalProcessState::Verified)
}

#[tokio::test]
async fn add_get_and_delete() {
    let server = still().await;
    let (status, body) = add(&server, &["+12065550100", "+14165550101"]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let added = body["qualifiedNumbers"].as_array().unwrap();
    assert_eq!(added.len(), 2);
    for n in added {
        assert_eq!(
            n["globalProcessState"],
            "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING"
        );
        assert_eq!(n["projectId"], PROJECT);
        assert_eq!(
            n["hostedNumber"]["status"],
            json!(0),
            "an integer on the wire"
        );
        chrono::DateTime::parse_from_rfc3339(n["createdTime"].as_str().unwrap()).unwrap();
    }
    assert_eq!(added[0]["regionCode"], "US");
    assert_eq!(added[1]["regionCode"], "CA", "416 is a Canadian area code");

    let (status, body) = add(&server, &["+12065550102", "+12065550100"]).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "409");
    assert_eq!(body["status"], "ALREADY_EXISTS");
    let one = format!("{}/+12065550102", numbers());
    assert_404(&get(&server, &one).await);

    let path = format!("{}/+12065550100", numbers());
    let (status, got) = get(&server, &path).await;
    assert_eq!(status, StatusCode::OK, "{got}");
    assert_eq!(got["phoneNumber"], "+12065550100");
    assert_eq!(got["osrEligibility"]["status"], "IN_PROGRESS");
    let (status, body) = call(&server, Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, Value::String(String::new()), "no body");
    assert_404(&get(&server, &path).await);
    assert_404(&call(&server, Method::DELETE, &path, None).await);
    assert_400(
        &get(&server, &format!("{}/12065550100", numbers())).await,
        "must start with +",
    );
    assert_400(
        &get(&server, &format!("{path}?view=full")).await,
        "unknown query parameter `view`",
    );
}

#[tokio::test]
async fn add_rejections() {
    let server = FakeServer::start().await.unwrap();
    assert_400(&add(&server, &[]).await, "at least one");
    assert_400(
        &add(&server, &["+12065550100", "+1206"]).await,
        "phoneNumbers[1]",
    );
    assert_400(
        &add(&server, &["+12065550100", "+12065550100"]).await,
        "more than once",
    );
    assert_400(
        &add(&server, &["+46701234567"]).await,
        "does not match the pattern ^\\+1[2-9]",
    );
    let path = format!("{}:addNumbers", numbers());
    assert_400(
        &post(&server, &path, Some(json!({}))).await,
        "`body.phoneNumbers` is required",
    );
    assert_400(
        &post(
            &server,
            &path,
            Some(json!({"phoneNumbers": "+12065550100"})),
        )
        .await,
        "must be an array",
    );
    let (_, page) = get(
        &server,
        &format!(
            "{}?states=GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
            numbers()
        ),
    )
    .await;
    assert_eq!(page["totalSize"], 0, "nothing was added");
}

#[tokio::test]
async fn voice_challenge_round_trip() {
    let server = FakeServer::start().await.unwrap();
    add(&server, &["+12065550100"]).await;
    let number = format!("{}/+12065550100", numbers());
    let send = format!("{number}:sendVoiceChallenge");
    let verify = format!("{number}:verifyVoiceChallenge");

    assert_400(
        &post(&server, &verify, Some(json!({"code": "1234"}))).await,
        "no voice challenge is pending",
    );
    assert_400(
        &post(&server, &send, Some(json!({}))).await,
        "takes no request body",
    );
    assert_eq!(server.voice_code(PROJECT, "+12065550100"), None);

    let (status, sent) = post(&server, &send, None).await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(
        sent["globalProcessState"],
        "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"
    );
    assert_eq!(sent["ownershipVerification"]["status"], "IN_PROGRESS");
    let code = server
        .voice_code(PROJECT, "+12065550100")
        .expect("a code is pending");
    assert!(
        (4..=6).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()),
        "{code}"
    );

    let wrong = if code == "0000" { "1111" } else { "0000" };
    assert_400(
        &post(&server, &verify, Some(json!({}))).await,
        "`body.code` is required",
    );
    assert_400(
        &post(&server, &verify, Some(json!({"code": ""}))).await,
        "code must not be empty",
    );
    let (status, failed) = post(&server, &verify, Some(json!({ "code": wrong }))).await;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert_eq!(
        failed["globalProcessState"],
        "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
    );
    assert_eq!(failed["ownershipVerification"]["status"], "FAILED");
    assert!(!failed["ownershipVerification"]["error"]
        .as_str()
        .unwrap()
        .is_empty());
    assert_eq!(
        server.voice_code(PROJECT, "+12065550100"),
        None,
        "a code is used once"
    );
    assert_400(
        &post(&server, &verify, Some(json!({ "code": code }))).await,
        "no voice challenge is pending",
    );

    // A failed verification may be retried with a new call.
    post(&server, &send, None).await;
    let code = server.voice_code(PROJECT, "+12065550100").unwrap();
    let (status, verified) = post(&server, &verify, Some(json!({ "code": code }))).await;
    assert_eq!(status, StatusCode::OK, "{verified}");
    assert_eq!(
        verified["globalProcessState"],
        "GLOBAL_PROCESS_STATE_VERIFIED"
    );
    assert_eq!(verified["ownershipVerification"]["status"], "DONE");
    assert_eq!(verified["ownershipVerification"]["error"], "");
    let (_, got) = get(&server, &number).await;
    assert_eq!(got["globalProcessState"], "GLOBAL_PROCESS_STATE_VERIFIED");
    let (status, body) = post(&server, &send, None).await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "a verified number needs no call: {body}"
    );
    assert_eq!(body["status"], "FAILED_PRECONDITION");

    // Unknown numbers are 404 for both verbs.
    let other = format!("{}/+12065550199", numbers());
    assert_404(&post(&server, &format!("{other}:sendVoiceChallenge"), None).await);
    assert_404(
        &post(
            &server,
            &format!("{other}:verifyVoiceChallenge"),
            Some(json!({"code": "1234"})),
        )
        .await,
    );
}

#[tokio::test]
async fn seeded_numbers_list_with_filters_and_tokens() {
    let server = FakeServer::start().await.unwrap();
    for i in 0..5 {
        assert!(server.seed_qualified_number(
            PROJECT,
            QualifiedNumberSeed::new(format!("+1206555010{i}"), GlobalProcessState::Verified),
        ));
    }
    assert!(!server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550100", GlobalProcessState::Eligible),
    ));
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+14165550100", GlobalProcessState::Verified),
    );
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550200", GlobalProcessState::HostingDone),
    );
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550201", GlobalProcessState::HostingFailed)
            .region_code("CA"),
    );
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550202", GlobalProcessState::NotEligible)
            .osr_eligibility(State::Failed, "held by another carrier")
            .ownership_verification(State::StateUnspecified, "")
            .hosted_number(HostingStatus::Failed, "never hosted"),
    );
    server.seed_qualified_number(
        "another-project",
        QualifiedNumberSeed::new("+12065550300", GlobalProcessState::Verified),
    );

    let list = |query: &'static str| {
        let server = &server;
        async move {
            let mut phones = Vec::new();
            let mut token = String::new();
            loop {
                let (status, page) = get(
                    server,
                    &format!("{}?{query}&pageSize=2&pageToken={token}", numbers()),
                )
                .await;
                assert_eq!(status, StatusCode::OK, "{page}");
                phones.extend(
                    page["qualifiedNumbers"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|n| n["phoneNumber"].as_str().unwrap().to_owned()),
                );
                token = page["nextPageToken"].as_str().unwrap().to_owned();
                if token.is_empty() {
                    assert_eq!(page["totalSize"], phones.len());
                    return phones;
                }
            }
        }
    };
    let verified = list("states=GLOBAL_PROCESS_STATE_VERIFIED").await;
    assert_eq!(verified.len(), 6);
    assert_eq!(verified[0], "+12065550100", "the earlier seed is kept");
    assert_eq!(
        list("states=GLOBAL_PROCESS_STATE_VERIFIED&regionCode=CA").await,
        ["+14165550100"]
    );
    assert_eq!(
        list("states=GLOBAL_PROCESS_STATE_VERIFIED&regionCode=US")
            .await
            .len(),
        5
    );
    assert_eq!(
        list("states=GLOBAL_PROCESS_STATE_HOSTING_FAILED&regionCode=CA").await,
        ["+12065550201"]
    );
    assert!(list("states=GLOBAL_PROCESS_STATE_ELIGIBLE")
        .await
        .is_empty());
    let by_update = list("states=GLOBAL_PROCESS_STATE_VERIFIED&orderBy=updatedTime").await;
    assert_eq!(by_update, verified, "nothing changed since seeding");

    // Details: what the state implies, or what the seed says; the hosting status is an integer.
    let (_, done) = get(&server, &format!("{}/+12065550200", numbers())).await;
    assert_eq!(done["hostedNumber"]["status"], json!(1));
    assert_eq!(done["ownershipVerification"]["status"], "DONE");
    let (_, failed) = get(&server, &format!("{}/+12065550201", numbers())).await;
    assert_eq!(failed["hostedNumber"]["status"], json!(2));
    assert!(!failed["hostedNumber"]["error"].as_str().unwrap().is_empty());
    let (_, custom) = get(&server, &format!("{}/+12065550202", numbers())).await;
    assert_eq!(
        custom["globalProcessState"],
        "GLOBAL_PROCESS_STATE_NOT_ELIGIBLE"
    );
    assert_eq!(
        custom["osrEligibility"],
        json!({"status": "FAILED", "error": "held by another carrier"})
    );
    assert_eq!(
        custom["ownershipVerification"]["status"],
        "STATE_UNSPECIFIED"
    );
    assert_eq!(
        custom["hostedNumber"],
        json!({"status": 2, "error": "never hosted"})
    );
    let (status, body) = post(
        &server,
        &format!("{}/+12065550202:sendVoiceChallenge", numbers()),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not eligible: {body}");

    // Tokens are bound to their query; the spec's rules hold.
    let (_, first) = get(
        &server,
        &format!(
            "{}?states=GLOBAL_PROCESS_STATE_VERIFIED&pageSize=2",
            numbers()
        ),
    )
    .await;
    let token = first["nextPageToken"].as_str().unwrap();
    assert!(!token.is_empty());
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=GLOBAL_PROCESS_STATE_VERIFIED&regionCode=US&pageToken={token}",
                numbers()
            ),
        )
        .await,
        "other filters or order",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=GLOBAL_PROCESS_STATE_HOSTING_DONE&pageToken={token}",
                numbers()
            ),
        )
        .await,
        "other filters or order",
    );
    assert_400(&get(&server, &numbers()).await, "`states` is required");
    assert_400(
        &get(&server, &format!("{}?states=VERIFIED", numbers())).await,
        "`states` must be one of",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=GLOBAL_PROCESS_STATE_VERIFIED&pageSize=many",
                numbers()
            ),
        )
        .await,
        "`pageSize` must be an integer",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=GLOBAL_PROCESS_STATE_VERIFIED&orderBy=phone",
                numbers()
            ),
        )
        .await,
        "`orderBy` must be one of",
    );
    assert_400(
        &get(
            &server,
            &format!(
                "{}?states=GLOBAL_PROCESS_STATE_VERIFIED&regionCode=SE",
                numbers()
            ),
        )
        .await,
        "regionCode \"SE\"",
    );
}

#[tokio::test]
async fn text_enable_opens_hosting_orders() {
    let server = still().await;
    let many: Vec<String> = (0..501).map(|i| format!("+1425555{i:04}")).collect();
    for phone in ["+12065550100", "+18335870229"]
        .into_iter()
        .chain(many[..500].iter().map(String::as_str))
    {
        server.seed_qualified_number(PROJECT, verified(phone));
    }
    let path = format!("{}:textEnableNumbers", numbers());
    let body = json!({
        "regionCode": "US",
        "numbers": ["+12065550100"],
        "servicePlanId": "plan",
        "campaignId": "C3O84GA",
        "directLoaInfo": direct_loa(),
    });
    let (status, answer) = post(&server, &path, Some(body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["hostingOrderId"].as_str().unwrap();
    assert_eq!(
        answer.as_object().unwrap().len(),
        1,
        "the id only: {answer}"
    );
    let (status, order) = get(
        &server,
        &format!("/v1/projects/{PROJECT}/hostingOrders/{id}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["type"], "TYPE_TEXT_ENABLE");
    assert_eq!(order["state"], "SUBMITTED");
    assert_eq!(order["campaignId"], "C3O84GA");
    assert_eq!(order["textEnableInfo"]["loaType"], "Direct");

    let mut over = body.clone();
    over["numbers"] = json!(many);
    assert_400(&post(&server, &path, Some(over)).await, "at most 500");
    let mut fine = body.clone();
    fine["numbers"] = json!(many[..500]);
    assert_eq!(
        post(&server, &path, Some(fine)).await.0,
        StatusCode::OK,
        "500 are accepted"
    );
    let mut no_letter = body.clone();
    no_letter.as_object_mut().unwrap().remove("directLoaInfo");
    assert_400(
        &post(&server, &path, Some(no_letter)).await,
        "must have exactly one of directLoaInfo, resellerLoaInfo, blanketLoaInfo; got none",
    );
    let mut two = body.clone();
    two["blanketLoaInfo"] = json!({});
    assert_400(
        &post(&server, &path, Some(two)).await,
        "got directLoaInfo and blanketLoaInfo",
    );
    let mut no_street = body.clone();
    no_street["directLoaInfo"]["address"]
        .as_object_mut()
        .unwrap()
        .remove("street");
    assert_400(
        &post(&server, &path, Some(no_street)).await,
        "`body.directLoaInfo.address.street` is required",
    );
    let mut canada = body.clone();
    canada["regionCode"] = json!("FR");
    assert_400(
        &post(&server, &path, Some(canada)).await,
        "regionCode \"FR\"",
    );

    let toll_free = format!("{}:textEnableTollFreeNumbers", numbers());
    let tf_body = json!({
        "projectId": PROJECT,
        "regionCode": "US",
        "numbers": ["+18335870229"],
        "servicePlanId": "plan",
        "resellerLoaInfo": {"businessName": "Resold Inc.", "authorisedPerson": direct_loa()["authorisedPerson"],
                            "address": direct_loa()["address"], "currentVoiceCarrier": "TMO"},
    });
    let (status, order) = post(&server, &toll_free, Some(tf_body.clone())).await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["textEnableInfo"]["loaType"], "Reseller");
    assert_eq!(order["textEnableInfo"]["businessName"], "Resold Inc.");
    let mut other_project = tf_body.clone();
    other_project["projectId"] = json!("someone-else");
    assert_400(
        &post(&server, &toll_free, Some(other_project)).await,
        "does not match the project",
    );
    let mut blanket = tf_body.clone();
    blanket.as_object_mut().unwrap().remove("resellerLoaInfo");
    blanket["blanketLoaInfo"] = json!({});
    assert_400(
        &post(&server, &toll_free, Some(blanket)).await,
        "unknown field `body.blanketLoaInfo`",
    );
    let mut no_business = tf_body;
    no_business["resellerLoaInfo"]["businessName"] = json!("");
    assert_400(
        &post(&server, &toll_free, Some(no_business)).await,
        "body.resellerLoaInfo.businessName must not be empty",
    );
    assert_eq!(server.hosting_order_count(PROJECT), 3);
}

#[tokio::test]
async fn verbs_methods_and_auth() {
    let server = still().await;
    add(&server, &["+12065550100"]).await;
    let number = format!("{}/+12065550100", numbers());
    assert_404(&post(&server, &format!("{number}:callMe"), None).await);
    assert_404(
        &post(
            &server,
            &format!("{}:removeNumbers", numbers()),
            Some(json!({})),
        )
        .await,
    );
    let (status, body) = get(&server, &format!("{number}:sendVoiceChallenge")).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["code"], "405");
    let (status, body) = post(&server, &number, None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED, "{body}");
    assert_eq!(body["code"], "405");
    assert_400(
        &post(
            &server,
            &format!("{}/2065550100:sendVoiceChallenge", numbers()),
            None,
        )
        .await,
        "must start with +",
    );
    let (status, _) = get(
        &server,
        &format!("{}/+12065550100%3AsendVoiceChallenge", numbers()),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::METHOD_NOT_ALLOWED,
        "an encoded colon is a colon"
    );

    // A 405 names in `Allow` exactly the methods of the path it answers for:
    // a number has GET (and HEAD) and DELETE, a number's `:verb` POST only.
    for (method, path, allowed) in [
        (Method::POST, number.clone(), "GET, HEAD, DELETE"),
        (Method::PUT, number.clone(), "GET, HEAD, DELETE"),
        (Method::OPTIONS, number.clone(), "GET, HEAD, DELETE"),
        (Method::GET, format!("{number}:sendVoiceChallenge"), "POST"),
        (
            Method::DELETE,
            format!("{number}:verifyVoiceChallenge"),
            "POST",
        ),
        (
            Method::OPTIONS,
            format!("{number}:sendVoiceChallenge"),
            "POST",
        ),
    ] {
        let answer = workspace_tests::http()
            .request(method.clone(), format!("{}{path}", server.base_url()))
            .basic_auth(server.key_id(), Some(server.key_secret()))
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(
            answer.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some(allowed),
            "{method} {path}"
        );
    }

    let routes = [
        (
            Method::GET,
            format!("{}?states=GLOBAL_PROCESS_STATE_VERIFIED", numbers()),
        ),
        (Method::GET, number.clone()),
        (Method::DELETE, number.clone()),
        (Method::POST, format!("{}:addNumbers", numbers())),
        (Method::POST, format!("{}:textEnableNumbers", numbers())),
        (
            Method::POST,
            format!("{}:textEnableTollFreeNumbers", numbers()),
        ),
        (Method::POST, format!("{number}:sendVoiceChallenge")),
        (Method::POST, format!("{number}:verifyVoiceChallenge")),
    ];
    for (method, path) in routes {
        let (status, body) = send_json(&server.base_url(), None, method.clone(), &path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(body["code"], "401");
        assert_eq!(body["status"], "UNAUTHENTICATED");
    }
    let (_, got) = get(&server, &number).await;
    assert_eq!(
        got["globalProcessState"], "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
        "untouched"
    );
}

/// The flow delay of the tests below: long enough that a read in the
/// middle of a step lands in it on a busy machine.
const D: Duration = Duration::from_millis(800);

/// Sleeps until the middle of step `n` counted from `t0`.
async fn mid_step(t0: Instant, n: u32) {
    tokio::time::sleep_until((t0 + D * n + D / 2).into()).await;
}

async fn number(server: &FakeServer, phone: &str) -> Value {
    let (status, number) = get(server, &format!("{}/{phone}", numbers())).await;
    assert_eq!(status, StatusCode::OK, "{number}");
    number
}

async fn state(server: &FakeServer, phone: &str) -> String {
    let number = number(server, phone).await;
    number["globalProcessState"]
        .as_str()
        .unwrap()
        .trim_start_matches("GLOBAL_PROCESS_STATE_")
        .to_owned()
}

#[tokio::test]
async fn added_numbers_are_checked_then_verified_by_invoice_unless_called() {
    let server = FakeServer::builder().flow_delay(D).start().await.unwrap();
    let (invoice, voice, refused) = ("+12065550100", "+12065550101", "+12065550102");
    server.make_not_eligible(refused);
    let t0 = Instant::now();
    let (status, body) = add(&server, &[invoice, voice, refused]).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    mid_step(t0, 0).await;
    for phone in [invoice, voice, refused] {
        assert_eq!(state(&server, phone).await, "ELIGIBLE_CHECK_PENDING");
    }
    mid_step(t0, 1).await;
    let eligible = number(&server, invoice).await;
    assert_eq!(
        eligible["globalProcessState"],
        "GLOBAL_PROCESS_STATE_ELIGIBLE"
    );
    assert_eq!(eligible["osrEligibility"]["status"], "DONE");
    assert_eq!(eligible["ownershipVerification"]["status"], "WAITING");
    let not = number(&server, refused).await;
    assert_eq!(
        not["globalProcessState"],
        "GLOBAL_PROCESS_STATE_NOT_ELIGIBLE"
    );
    assert_eq!(not["osrEligibility"]["status"], "FAILED");
    assert!(!not["osrEligibility"]["error"].as_str().unwrap().is_empty());
    let send = |phone: &str| format!("{}/{phone}:sendVoiceChallenge", numbers());
    assert_eq!(
        post(&server, &send(refused), None).await.0,
        StatusCode::BAD_REQUEST
    );

    // A voice challenge takes the number off the invoice path.
    let (status, called) = post(&server, &send(voice), None).await;
    assert_eq!(status, StatusCode::OK, "{called}");
    mid_step(t0, 4).await;
    assert_eq!(
        state(&server, invoice).await,
        "ELIGIBLE",
        "invoices take four steps"
    );
    mid_step(t0, 5).await;
    let reviewed = number(&server, invoice).await;
    assert_eq!(
        reviewed["globalProcessState"],
        "GLOBAL_PROCESS_STATE_VERIFIED"
    );
    assert_eq!(reviewed["ownershipVerification"]["status"], "DONE");
    assert_eq!(state(&server, voice).await, "VERIFICATION_PENDING");
    assert_eq!(state(&server, refused).await, "NOT_ELIGIBLE");

    // Three wrong codes in a row block the number.
    let verify = format!("{}/{voice}:verifyVoiceChallenge", numbers());
    for attempt in 1..=3 {
        if attempt > 1 {
            post(&server, &send(voice), None).await;
        }
        let code = server.voice_code(PROJECT, voice).unwrap();
        let (status, answer) = post(
            &server,
            &verify,
            Some(json!({ "code": format!("{code}0") })),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        let expected = if attempt < 3 {
            "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
        } else {
            "GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED"
        };
        assert_eq!(answer["globalProcessState"], expected, "attempt {attempt}");
        assert_eq!(answer["ownershipVerification"]["status"], "FAILED");
    }
    let (status, body) = post(&server, &send(voice), None).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "blocked: {body}");
    assert!(!server.approve_invoices(PROJECT, voice), "blocked");
}

#[tokio::test]
async fn invoices_can_wait_for_a_person() {
    let server = FakeServer::builder()
        .flow_delay(D)
        .invoice_review(None)
        .start()
        .await
        .unwrap();
    let phone = "+12065550100";
    let t0 = Instant::now();
    add(&server, &[phone]).await;
    assert!(
        !server.approve_invoices(PROJECT, phone),
        "still being checked"
    );
    mid_step(t0, 7).await;
    assert_eq!(
        state(&server, phone).await,
        "ELIGIBLE",
        "never reviewed on its own"
    );
    assert!(server.approve_invoices(PROJECT, phone));
    assert_eq!(state(&server, phone).await, "VERIFIED");
    assert!(!server.approve_invoices(PROJECT, phone), "already verified");
    assert!(!server.approve_invoices(PROJECT, "+12065550199"));
    // A voice challenge under way, then the invoices: verified all the same.
    server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12065550101", GlobalProcessState::Eligible),
    );
    post(
        &server,
        &format!("{}/+12065550101:sendVoiceChallenge", numbers()),
        None,
    )
    .await;
    assert!(server.approve_invoices(PROJECT, "+12065550101"));
    assert_eq!(server.voice_code(PROJECT, "+12065550101"), None);
    assert_eq!(state(&server, "+12065550101").await, "VERIFIED");
}

#[tokio::test]
async fn text_enabling_hosts_verified_numbers() {
    let server = FakeServer::builder().flow_delay(D).start().await.unwrap();
    let (hosted, failing, pending) = ("+12065550100", "+12065550101", "+12065550102");
    server.seed_qualified_number(PROJECT, verified(hosted));
    server.seed_qualified_number(PROJECT, verified(failing));
    server.seed_qualified_number(PROJECT, verified("+18335870229"));
    add(&server, &[pending]).await;
    server.fail_hosting_of_number(failing, HostingStep::CampaignProvisioning);
    let path = format!("{}:textEnableNumbers", numbers());
    let body = |phones: &[&str]| {
        json!({
            "regionCode": "US",
            "numbers": phones,
            "servicePlanId": "plan",
            "campaignId": "C3O84GA",
            "blanketLoaInfo": {},
        })
    };
    assert_400(
        &post(
            &server,
            &path,
            Some(body(&[hosted, pending, "+12065550103"])),
        )
        .await,
        "not verified: +12065550102, +12065550103",
    );
    assert_eq!(
        state(&server, hosted).await,
        "VERIFIED",
        "nothing was opened"
    );
    assert_eq!(server.hosting_order_count(PROJECT), 0);

    let (status, answer) = post(&server, &path, Some(body(&[hosted, failing]))).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let id = answer["hostingOrderId"].as_str().unwrap().to_owned();
    assert_eq!(state(&server, hosted).await, "HOSTING_IN_PROGRESS");
    assert_400(
        &post(&server, &path, Some(body(&[hosted]))).await,
        "not verified: +12065550100",
    );
    let order_path = format!("/v1/projects/{PROJECT}/hostingOrders/{id}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while get(&server, &order_path).await.1["state"] != "COMPLETED" {
        assert!(Instant::now() < deadline, "the order never completed");
        tokio::time::sleep(D / 4).await;
    }
    let done = number(&server, hosted).await;
    assert_eq!(
        done["globalProcessState"],
        "GLOBAL_PROCESS_STATE_HOSTING_DONE"
    );
    assert_eq!(done["hostedNumber"], json!({"status": 1, "error": ""}));
    let failed = number(&server, failing).await;
    assert_eq!(
        failed["globalProcessState"],
        "GLOBAL_PROCESS_STATE_HOSTING_FAILED"
    );
    assert_eq!(failed["hostedNumber"]["status"], json!(2));
    assert!(!failed["hostedNumber"]["error"].as_str().unwrap().is_empty());

    // Toll-free: the letter is signed, then the number is hosted.
    let (status, order) = post(
        &server,
        &format!("{}:textEnableTollFreeNumbers", numbers()),
        Some(json!({
            "projectId": PROJECT,
            "regionCode": "US",
            "numbers": ["+18335870229"],
            "servicePlanId": "plan",
            "directLoaInfo": direct_loa(),
        })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    let id = order["hostingOrderId"].as_str().unwrap();
    assert_eq!(state(&server, "+18335870229").await, "HOSTING_IN_PROGRESS");
    assert!(server.sign_loa(PROJECT, id));
    let order_path = format!("/v1/projects/{PROJECT}/hostingOrders/{id}");
    while get(&server, &order_path).await.1["state"] != "COMPLETED" {
        assert!(
            Instant::now() < deadline,
            "the toll-free order never completed"
        );
        tokio::time::sleep(D / 4).await;
    }
    assert_eq!(state(&server, "+18335870229").await, "HOSTING_DONE");
}

/// For a fake in its own process: the code a voice call read out, from a
/// loopback helper route (what a person answering the phone would hear),
/// and signing a seeded order that waits for its letter.
#[tokio::test]
async fn helper_routes_hear_the_code_and_sign_seeded_orders() {
    let server = FakeServer::start().await.unwrap();
    let phone = "+12065550210";
    assert!(server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new(phone, GlobalProcessState::Eligible)
    ));
    let http = workspace_tests::http();
    let code_url = format!(
        "{}/_fake/projects/{PROJECT}/qualifiedNumbers/{phone}/voiceCode",
        server.base_url()
    );
    let none = http.get(&code_url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::NOT_FOUND, "no call placed yet");
    let (status, _) = post(
        &server,
        &format!("{}/{phone}:sendVoiceChallenge", numbers()),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let heard: Value = http
        .get(&code_url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        heard["code"].as_str(),
        server.voice_code(PROJECT, phone).as_deref()
    );

    let id = server.seed_hosting_order(
        PROJECT,
        sinch_imported_numbers_fake::HostingOrderSeed::new().state(
            sinch_imported_numbers_api::open_enum::HostingOrderState::WaitingForLoaSignature,
        ),
    );
    let sign = format!(
        "{}/_fake/projects/{PROJECT}/hostingOrders/{id}:signLoa",
        server.base_url()
    );
    assert_eq!(
        http.post(&sign).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let (_, order) = get(
        &server,
        &format!("/v1/projects/{PROJECT}/hostingOrders/{id}"),
    )
    .await;
    assert_eq!(order["state"], "IN_PROGRESS");
    assert_eq!(
        http.post(&sign).send().await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "signed already"
    );
}
