//! The hand-written fast paths (`api::direct`) against the generated
//! builders they stand in for: the same request bytes for the same inputs,
//! and the same outcome for every kind of answer, so the facade can use
//! either without a user seeing a difference.

use serde_json::{json, Value};
use sinch_imported_numbers::api::direct::{decode_json, DirectCalls, ListQuery};
use sinch_imported_numbers::api::{self, types};
use sinch_imported_numbers::{AuthMode, Client, ErrorKind, InputError, Setting};
use workspace_tests::misbehaving::{Misbehaving, Reply, Request};
use workspace_tests::{number_json, PROJECT};

type Outcome<T> = Result<api::ResponseValue<T>, api::Error<types::Error>>;

fn client(server: &Misbehaving) -> api::Client {
    let http = workspace_tests::http();
    api::Client::new_with_client(&server.url(), http, api::Context::default())
}

/// What a request looked like on the wire, minus nothing.
fn wire(request: &Request) -> (String, String, Vec<(String, String)>) {
    (
        request.method.clone(),
        request.target.clone(),
        request.headers.clone(),
    )
}

/// What a caller can see of an outcome: success value, or the error's
/// status and (documented-shape) body, or its message.
async fn seen<T: serde::Serialize>(outcome: Outcome<T>) -> Value {
    match outcome {
        Ok(value) => json!({"ok": serde_json::to_value(value.status().as_u16()).unwrap(),
                            "value": serde_json::to_value(value.into_inner()).unwrap()}),
        Err(api::Error::ErrorResponse(error)) => json!({
            "status": error.status().as_u16(),
            "error": serde_json::to_value(error.into_inner()).unwrap(),
        }),
        Err(api::Error::UnexpectedResponse(response)) => {
            let status = response.status().as_u16();
            let body = response.bytes().await.unwrap();
            // A 4xx/5xx body is in the documented shape (the hooks see to
            // it), so it reads the same as an ErrorResponse.
            match serde_json::from_slice::<types::Error>(&body) {
                Ok(error) if status >= 400 => json!({
                    "status": status,
                    "error": serde_json::to_value(error).unwrap(),
                }),
                _ => json!({"unexpected": status, "body": String::from_utf8_lossy(&body)}),
            }
        }
        Err(api::Error::InvalidResponsePayload(body, e)) => {
            json!({"invalid": e.to_string(), "body": String::from_utf8_lossy(&body)})
        }
        Err(other) => json!({"other": other.to_string()}),
    }
}

#[tokio::test]
async fn a_get_sends_the_same_request_as_the_generated_builder() {
    let server = Misbehaving::start(|_, _| Reply::json(200, number_json("+12065550134"))).await;
    let api = client(&server);
    let direct = DirectCalls::new(&api).unwrap();
    // What the facade sends, and what a user of the low-level crate might.
    let cases = [
        (PROJECT, "+12065550134"),
        ("p_1-x", "+12065550134"),
        ("with space", "a+b"),
        ("per%cent", "slash/inside"),
        ("q?uery#frag", "{braces}`tick`"),
        ("ünïcode", "\"quoted\"<>"),
        ("brackets[]|^", "semi;colon=equals&amp"),
    ];
    for (project, number) in cases {
        api.get_imported_number()
            .project_id(project)
            .phone_number(number)
            .send()
            .await
            .unwrap();
        direct
            .get_imported_number(&api, project, number)
            .await
            .unwrap();
        let requests = server.requests();
        let [.., generated, fast] = requests.as_slice() else {
            panic!("two requests expected");
        };
        assert_eq!(wire(fast), wire(generated), "{project:?} / {number:?}");
    }
}

#[tokio::test]
async fn a_list_sends_the_same_request_as_the_generated_builder() {
    let page = json!({"importedNumbers": [number_json("+12065550134")], "nextPageToken": ""});
    let server = Misbehaving::start(move |_, _| Reply::json(200, page.clone())).await;
    let api = client(&server);
    let direct = DirectCalls::new(&api).unwrap();
    let everything = ListQuery {
        service_plan_id: "plan id/+1",
        campaign_id: "CAMP&=",
        number_pattern_pattern: Some("+1206 555"),
        number_pattern_search_pattern: Some(types::SearchPattern::Contain),
        order_by: Some(types::OrderBy::UpdatedTime),
        page_size: Some(250),
        page_token: Some("a+b/c=d%20e"),
        region_code: Some("US"),
    };
    let minimal = ListQuery {
        service_plan_id: "plan",
        campaign_id: "campaign",
        ..ListQuery::default()
    };
    for query in [everything, minimal] {
        let mut generated = api
            .list_imported_numbers()
            .project_id(PROJECT)
            .service_plan_id(query.service_plan_id)
            .campaign_id(query.campaign_id);
        if let Some(p) = query.number_pattern_pattern {
            generated = generated.number_pattern_pattern(p);
        }
        if let Some(s) = query.number_pattern_search_pattern {
            generated = generated.number_pattern_search_pattern(s);
        }
        if let Some(o) = query.order_by {
            generated = generated.order_by(o);
        }
        if let Some(n) = query.page_size {
            generated = generated.page_size(n);
        }
        if let Some(t) = query.page_token {
            generated = generated.page_token(t);
        }
        if let Some(r) = query.region_code {
            generated = generated.region_code(r);
        }
        generated.send().await.unwrap();
        direct
            .list_imported_numbers(&api, PROJECT, &query)
            .await
            .unwrap();
        let requests = server.requests();
        let [.., generated, fast] = requests.as_slice() else {
            panic!("two requests expected");
        };
        assert_eq!(wire(fast), wire(generated), "{query:?}");
    }
}

/// Every kind of answer: a number, bodies that are not one, statuses the
/// spec lists and statuses it does not, error bodies in each shape.
fn answers() -> Vec<Reply> {
    vec![
        Reply::json(200, number_json("+12065550134")),
        Reply::json(
            200,
            json!({"phoneNumber": "+12065550134", "state": "SOMETHING_NEW"}),
        ),
        Reply::json(200, json!([1, 2])),
        Reply::text(200, "application/json", "{\"phoneNumber\": "),
        Reply::text(
            200,
            "application/json",
            b"{\"displayName\": \"\xff\xfe\"}".to_vec(),
        ),
        Reply::text(200, "text/html", "<html>hello</html>"),
        Reply::json(201, number_json("+12065550134")),
        Reply::text(204, "application/json", ""),
        Reply::text(302, "text/plain", "").header("location", "https://elsewhere.example/"),
        Reply::json(
            400,
            json!({"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}),
        ),
        Reply::json(
            401,
            json!({"error": {"code": 401, "message": "no", "status": "UNAUTHENTICATED"}}),
        ),
        Reply::json(
            404,
            json!({"code": 404, "message": "gone", "status": "NOT_FOUND"}),
        ),
        Reply::text(429, "text/plain", "slow down").header("retry-after", "1"),
        Reply::json(
            500,
            json!({"type": "about:blank", "title": "boom", "status": 500}),
        ),
        Reply::text(503, "text/html", "<h1>maintenance</h1>"),
    ]
}

#[tokio::test]
async fn every_answer_reads_the_same_through_either_path() {
    let replies = answers();
    let count = replies.len();
    let server = Misbehaving::start(move |_, n| replies[(n / 2) % count].clone()).await;
    let api = client(&server);
    let direct = DirectCalls::new(&api).unwrap();
    for case in 0..count {
        let generated = seen(
            api.get_imported_number()
                .project_id(PROJECT)
                .phone_number("+12065550134")
                .send()
                .await,
        )
        .await;
        let fast = seen(
            direct
                .get_imported_number(&api, PROJECT, "+12065550134")
                .await,
        )
        .await;
        assert_eq!(fast, generated, "answer {case}");
    }
    let replies = answers();
    // Listing gets the same treatment: a page, or the same errors.
    let server = Misbehaving::start(move |_, n| {
        if n / 2 == 0 {
            Reply::json(
                200,
                json!({"importedNumbers": [number_json("+12065550134")], "nextPageToken": "t", "totalSize": 3}),
            )
        } else {
            replies[(n / 2) % replies.len()].clone()
        }
    })
    .await;
    let api = client(&server);
    let direct = DirectCalls::new(&api).unwrap();
    let query = ListQuery {
        service_plan_id: "plan",
        campaign_id: "campaign",
        ..ListQuery::default()
    };
    for case in 0..count {
        let generated = seen(
            api.list_imported_numbers()
                .project_id(PROJECT)
                .service_plan_id("plan")
                .campaign_id("campaign")
                .send()
                .await,
        )
        .await;
        let fast = seen(direct.list_imported_numbers(&api, PROJECT, &query).await).await;
        assert_eq!(fast, generated, "list answer {case}");
    }
}

#[tokio::test]
async fn segments_that_would_vanish_are_refused_before_sending() {
    let server = Misbehaving::start(|_, _| Reply::json(200, number_json("+12065550134"))).await;
    let api = client(&server);
    let direct = DirectCalls::new(&api).unwrap();
    for (project, number) in [
        ("..", "+12065550134"),
        (PROJECT, "."),
        ("", "+1"),
        (PROJECT, ""),
    ] {
        match direct.get_imported_number(&api, project, number).await {
            Err(api::Error::InvalidRequest(message)) => {
                assert!(message.contains("path segment"), "{message}")
            }
            other => panic!(
                "{project:?}/{number:?} was not refused: {:?}",
                other.map(|_| ())
            ),
        }
    }
    let query = ListQuery {
        service_plan_id: "plan",
        campaign_id: "campaign",
        ..ListQuery::default()
    };
    assert!(matches!(
        direct.list_imported_numbers(&api, ".", &query).await,
        Err(api::Error::InvalidRequest(_))
    ));
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}

#[test]
fn a_body_decodes_alike_from_text_or_bytes() {
    let good = serde_json::to_vec(&number_json("+12065550134")).unwrap();
    let from_text: types::ImportedNumber = decode_json(&good).unwrap();
    let from_bytes: types::ImportedNumber = serde_json::from_slice(&good).unwrap();
    assert_eq!(
        serde_json::to_value(from_text).unwrap(),
        serde_json::to_value(from_bytes).unwrap()
    );
    for bad in [
        &b"{\"phoneNumber\": 1"[..],
        b"{\"phoneNumber\": \"\xff\"}",
        b"",
        b"nul",
    ] {
        let text = decode_json::<types::ImportedNumber>(bad)
            .unwrap_err()
            .to_string();
        let bytes = serde_json::from_slice::<types::ImportedNumber>(bad)
            .unwrap_err()
            .to_string();
        assert_eq!(text, bytes, "{:?}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn a_base_url_with_a_query_or_fragment_is_refused() {
    for url in ["http://127.0.0.1:9/?x=1", "http://127.0.0.1:9/#top"] {
        let error = Client::builder()
            .auth(AuthMode::Basic)
            .project_id(PROJECT)
            .key_id("id")
            .key_secret("secret")
            .base_url(url)
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidInput, "{url}");
        let input = error.input_error().expect("an input error");
        assert_eq!(input.setting(), Some(Setting::BaseUrl), "{url}");
        assert!(matches!(input, InputError::Invalid { .. }), "{url}");
    }
}
