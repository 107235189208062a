//! The eight qualified-number operations. The ones on one number share the
//! route `.../qualifiedNumbers/{rest}`: `rest` is the number, optionally
//! followed by `:verb` (`sendVoiceChallenge`, `verifyVoiceChallenge`).

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use sinch_imported_numbers_api::open_enum::HostingStatus;
use sinch_imported_numbers_api::types::{
    BatchCreateQualifiedNumbersRequest, QualifiedNumber, VerifyVoiceChallengeRequest,
};

use crate::hosting_orders::handlers::{open_text_enable_order, open_toll_free_order};
use crate::problem::Problem;
use crate::qualified_numbers::store::QualifiedQuery;
use crate::request::{
    by_updated, check_phone, check_phone_list, check_region, checked_query, no_body, page_size,
    page_token as token_param, param, parse_body,
};
use crate::{page_token, AppState};

type Reply = Result<Json<Value>, Problem>;

/// At most this many numbers per `qualifiedNumbers:textEnableNumbers` call.
pub(crate) const TEXT_ENABLE_LIMIT: usize = 500;

/// A qualified number as sent: `hostedNumber.status` is an integer (0, 1,
/// 2) on the wire, as the vendor documents it, not the name the SDK's type
/// writes.
pub(crate) fn qualified_json(number: &QualifiedNumber) -> Value {
    let mut value = serde_json::to_value(number).expect("generated types serialize");
    if let Some(status) = number
        .hosted_number
        .as_ref()
        .and_then(|h| h.status.as_ref())
    {
        let code = match status {
            HostingStatus::Unspecified => Value::from(0),
            HostingStatus::Hosted => Value::from(1),
            HostingStatus::Failed => Value::from(2),
            other => other
                .as_str()
                .parse::<i64>()
                .map_or_else(|_| Value::from(other.as_str()), Value::from),
        };
        value["hostedNumber"]["status"] = code;
    }
    value
}

/// `GET .../qualifiedNumbers`
pub(crate) async fn list(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let pairs = checked_query(raw, "ListQualifiedNumbers")?;
    let region = param(&pairs, "regionCode").map(str::to_owned);
    if let Some(region) = &region {
        check_region(region)?;
    }
    let query = QualifiedQuery {
        // Required and checked against the enum by the spec.
        state: param(&pairs, "states")
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|e| match e {}),
        region,
        by_updated: by_updated(&pairs),
    };
    let after = token_param(&pairs)
        .map(|t| page_token::decode(&project_id, &query, t))
        .transpose()?;
    let store = app.qualified.read().unwrap_or_else(|p| p.into_inner());
    let page = store.list(&project_id, &query, after, page_size(&app, &pairs));
    let next = page
        .more_after
        .map(|position| page_token::encode(&project_id, &query, position))
        .unwrap_or_default();
    let numbers: Vec<Value> = page.items.into_iter().map(qualified_json).collect();
    Ok(Json(json!({
        "qualifiedNumbers": numbers,
        "nextPageToken": next,
        "totalSize": page.total,
    })))
}

/// `POST .../qualifiedNumbers:addNumbers`: every number starts in
/// `GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING`, and its eligibility check
/// and invoice review follow with the clock.
pub(crate) async fn add_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "AddQualifiedNumbers")?;
    let request: BatchCreateQualifiedNumbersRequest = parse_body(
        &body,
        "AddQualifiedNumbers",
        "BatchCreateQualifiedNumbersRequest",
    )?;
    // The API states no limit. The spec's pattern takes US and CA numbers
    // only: no others can be hosted.
    check_phone_list(&request.phone_numbers, "phoneNumbers", usize::MAX)?;
    let added = app
        .qualified
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .add(&project_id, &request.phone_numbers, Instant::now())?;
    let numbers: Vec<Value> = added.iter().map(qualified_json).collect();
    Ok(Json(json!({ "qualifiedNumbers": numbers })))
}

/// `POST .../qualifiedNumbers:textEnableNumbers`: opens a text-enable order
/// for verified qualified numbers of the project and answers its id only.
pub(crate) async fn text_enable_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "TextEnableQualifiedNumbers")?;
    let request = parse_body(
        &body,
        "TextEnableQualifiedNumbers",
        "TextEnableNumbersRequest",
    )?;
    let order = open_text_enable_order(&app, &project_id, request, TEXT_ENABLE_LIMIT, true)?;
    Ok(Json(json!({ "hostingOrderId": order.hosting_order_id })))
}

/// `POST .../qualifiedNumbers:textEnableTollFreeNumbers`: opens an order for
/// verified qualified numbers of the project and answers the whole order.
pub(crate) async fn text_enable_toll_free_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "TextEnableQualifiedTollFreeNumbers")?;
    let request = parse_body(
        &body,
        "TextEnableQualifiedTollFreeNumbers",
        "TextEnableTollFreeNumbersRequest",
    )?;
    let order = open_toll_free_order(&app, &project_id, request, true)?;
    Ok(Json(
        serde_json::to_value(order).expect("generated types serialize"),
    ))
}

/// The custom methods on one number.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Verb {
    SendVoiceChallenge,
    VerifyVoiceChallenge,
}

/// Splits `rest` into the number and its verb (after the last `:`); a 404
/// for a verb the API does not have.
fn split(rest: &str) -> Result<(&str, Option<Verb>), Problem> {
    let Some((phone, verb)) = rest.rsplit_once(':') else {
        return Ok((rest, None));
    };
    let verb = match verb {
        "sendVoiceChallenge" => Verb::SendVoiceChallenge,
        "verifyVoiceChallenge" => Verb::VerifyVoiceChallenge,
        other => {
            return Err(Problem::no_such(format!(
                "no such operation on a qualified number: :{other}"
            )))
        }
    };
    Ok((phone, Some(verb)))
}

/// The methods each kind of path on one number has, as `Allow` lists them.
const NUMBER_METHODS: &str = "GET, HEAD, DELETE";
const VERB_METHODS: &str = "POST";

/// A 405 with the `Allow` header naming the methods the path has.
fn method_not_allowed(allowed: &'static str) -> Response {
    let mut response = Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        format!("this path accepts {allowed} only"),
    )
    .into_response();
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
}

/// Every request to `.../qualifiedNumbers/{rest}`: `GET` and `DELETE` on a
/// number, `POST` on a number's `:verb`, and a 405 whose `Allow` names
/// exactly those for any other method (one route serves both kinds of path,
/// so the framework's own 405 would list the methods of both).
pub(crate) async fn on_number(
    State(app): State<Arc<AppState>>,
    Path((project_id, rest)): Path<(String, String)>,
    method: Method,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let (phone, verb) = match split(&rest) {
        Ok(parts) => parts,
        Err(problem) => return problem.into_response(),
    };
    match (verb, method) {
        (None, Method::GET | Method::HEAD) => get(&app, &project_id, phone, raw).into_response(),
        (None, Method::DELETE) => delete(&app, &project_id, phone, raw).into_response(),
        (None, _) => method_not_allowed(NUMBER_METHODS),
        (Some(verb), Method::POST) => {
            post_verb(&app, &project_id, phone, verb, raw, &body).into_response()
        }
        (Some(_), _) => method_not_allowed(VERB_METHODS),
    }
}

/// `GET .../qualifiedNumbers/{phoneNumber}`
fn get(app: &AppState, project_id: &str, phone: &str, raw: Option<String>) -> Reply {
    check_phone(phone, "phoneNumber")?;
    checked_query(raw, "GetQualifiedNumber")?;
    let store = app.qualified.read().unwrap_or_else(|p| p.into_inner());
    Ok(Json(qualified_json(store.get(project_id, phone)?)))
}

/// `DELETE .../qualifiedNumbers/{phoneNumber}`: 200 without a body.
fn delete(
    app: &AppState,
    project_id: &str,
    phone: &str,
    raw: Option<String>,
) -> Result<(), Problem> {
    check_phone(phone, "phoneNumber")?;
    checked_query(raw, "DeleteQualifiedNumber")?;
    app.qualified
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .delete(project_id, phone)
}

/// `POST .../qualifiedNumbers/{phoneNumber}:sendVoiceChallenge` and
/// `...:verifyVoiceChallenge`.
fn post_verb(
    app: &AppState,
    project_id: &str,
    phone: &str,
    verb: Verb,
    raw: Option<String>,
    body: &Bytes,
) -> Reply {
    check_phone(phone, "phoneNumber")?;
    let mut store = app.qualified.write().unwrap_or_else(|p| p.into_inner());
    let number = match verb {
        Verb::SendVoiceChallenge => {
            checked_query(raw, "SendVoiceChallenge")?;
            no_body(body)?;
            store.send_challenge(project_id, phone)?
        }
        Verb::VerifyVoiceChallenge => {
            checked_query(raw, "VerifyVoiceChallenge")?;
            let request: VerifyVoiceChallengeRequest =
                parse_body(body, "VerifyVoiceChallenge", "VerifyVoiceChallengeRequest")?;
            // The spec refuses an empty code; any other wrong code fails
            // the verification.
            store.verify_challenge(project_id, phone, &request.code)?
        }
    };
    Ok(Json(qualified_json(&number)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sinch_imported_numbers_api::types::QualifiedNumberHosting;

    #[test]
    fn verbs_split_on_the_last_colon() {
        assert!(matches!(split("+12065550100"), Ok(("+12065550100", None))));
        assert!(matches!(
            split("+12065550100:sendVoiceChallenge"),
            Ok(("+12065550100", Some(Verb::SendVoiceChallenge)))
        ));
        let err = split("+12065550100:call").err().unwrap();
        assert_eq!(err.http, StatusCode::NOT_FOUND);
    }

    #[test]
    fn hosting_status_is_an_integer() {
        let number = QualifiedNumber {
            hosted_number: Some(QualifiedNumberHosting {
                status: Some(HostingStatus::Failed),
                error: Some("x".into()),
            }),
            ..QualifiedNumber::default()
        };
        assert_eq!(qualified_json(&number)["hostedNumber"]["status"], json!(2));
    }
}
