//! The five imported-number operations, the two callback-configuration
//! ones, the OAuth2 token endpoint and the answer for unknown paths.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::Value;
use sinch_imported_numbers::{FieldMask, UpdatableField};
use sinch_imported_numbers_api::types::{CreateImportedNumberRequest, ImportedNumber};

use crate::callbacks;
use crate::imported_numbers::store::{ListQuery, Order, Search};
use crate::page_token;
use crate::problem::Problem;
use crate::provisioning::Pending;
use crate::request::{check_phone, check_region, page_size, param, parse_json, query_pairs};
use crate::spec_check::SPEC;
use crate::AppState;

type Reply = Result<Json<Value>, Problem>;

pub(crate) async fn list(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, Problem> {
    let pairs = query_pairs(raw)?;
    SPEC.check_query("ListImportedNumbers", &pairs)
        .map_err(Problem::invalid)?;
    let region = param(&pairs, "regionCode").map(str::to_owned);
    if let Some(region) = &region {
        check_region(region)?;
    }
    let search = match param(&pairs, "numberPattern.searchPattern") {
        None | Some("START") => Search::Start,
        Some("CONTAIN") => Search::Contain,
        Some(_) => Search::End,
    };
    // The spec's pattern holds the digits (and an optional leading +); a
    // searchPattern without a pattern has nothing to place, so filters nothing.
    let pattern = param(&pairs, "numberPattern.pattern").map(|p| (p.to_owned(), search));
    let query = ListQuery {
        service_plan_id: param(&pairs, "servicePlanId")
            .unwrap_or_default()
            .to_owned(),
        campaign_id: param(&pairs, "campaignId").unwrap_or_default().to_owned(),
        region,
        pattern,
        order: match param(&pairs, "orderBy") {
            Some("updatedTime") => Order::Updated,
            _ => Order::Created,
        },
    };
    let page_size = page_size(&app, &pairs);
    let after = match param(&pairs, "pageToken").filter(|t| !t.is_empty()) {
        Some(token) => Some(page_token::decode(&project_id, &query, token)?),
        None => None,
    };
    app.store
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .settle(&project_id);
    let store = app.store.read().unwrap_or_else(|p| p.into_inner());
    let page = store.list(&project_id, &query, after, page_size);
    let next = page
        .more_after
        .map(|seq| page_token::encode(&project_id, &query, seq))
        .unwrap_or_default();
    // Serialised straight from the stored numbers: no copies, no JSON tree.
    let body = ListBody {
        imported_numbers: &page.numbers,
        next_page_token: &next,
        total_size: page.total,
    };
    let bytes = serde_json::to_vec(&body).expect("numbers serialize");
    Ok(([(CONTENT_TYPE, "application/json")], bytes).into_response())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListBody<'a> {
    imported_numbers: &'a [&'a ImportedNumber],
    next_page_token: &'a str,
    total_size: usize,
}

pub(crate) async fn import(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    SPEC.check_query("ImportNumber", &query_pairs(raw)?)
        .map_err(Problem::invalid)?;
    let request: CreateImportedNumberRequest =
        serde_json::from_value(parse_json(&body, "ImportNumber")?).map_err(|e| {
            Problem::invalid(format!(
                "request body does not match CreateImportedNumberRequest: {e}"
            ))
        })?;
    check_phone(&request.phone_number, "importedNumber.phoneNumber")?;
    check_region(&request.region_code)?;
    let number = ImportedNumber {
        phone_number: Some(request.phone_number),
        project_id: request.project_id,
        region_code: Some(request.region_code),
        display_name: request.display_name,
        sms_configuration: Some(request.sms_configuration),
        callback_url: request.callback_url,
        // Read-only: whatever the caller sent is ignored.
        mno_configuration: None,
        sms_provisioning: None,
        campaign_provisioning: None,
    };
    if number
        .project_id
        .as_deref()
        .is_some_and(|p| p != project_id)
    {
        return Err(Problem::invalid(
            "importedNumber.projectId does not match the project in the path",
        ));
    }
    // A blank service plan or campaign breaks the spec's pattern (checked
    // above); "" means none, as the store reads it.
    let (stored, change) = app
        .store
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .import(&project_id, number, false)?;
    notify(&app, &project_id, &stored, change);
    Ok(Json(
        serde_json::to_value(stored).expect("numbers serialize"),
    ))
}

pub(crate) async fn get(
    State(app): State<Arc<AppState>>,
    Path((project_id, phone)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    SPEC.check_query("GetImportedNumber", &query_pairs(raw)?)
        .map_err(Problem::invalid)?;
    check_phone(&phone, "phoneNumber")?;
    let mut store = app.store.write().unwrap_or_else(|p| p.into_inner());
    store.settle(&project_id);
    let number = store.get(&project_id, &phone)?;
    Ok(Json(
        serde_json::to_value(number).expect("numbers serialize"),
    ))
}

pub(crate) async fn delete(
    State(app): State<Arc<AppState>>,
    Path((project_id, phone)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<(), Problem> {
    SPEC.check_query("DeleteImportedNumber", &query_pairs(raw)?)
        .map_err(Problem::invalid)?;
    check_phone(&phone, "phoneNumber")?;
    app.store
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .delete(&project_id, &phone)
}

pub(crate) async fn update(
    State(app): State<Arc<AppState>>,
    Path((project_id, phone)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    let pairs = query_pairs(raw)?;
    // The service's own words for a missing or blank mask, before the spec's check.
    if param(&pairs, "updateMask").is_none_or(|m| m.trim().is_empty()) {
        return Err(Problem::invalid("fieldMask is not provided"));
    }
    SPEC.check_query("UpdateImportedNumber", &pairs)
        .map_err(Problem::invalid)?;
    check_phone(&phone, "phoneNumber")?;
    let mask: FieldMask = param(&pairs, "updateMask")
        .filter(|m| !m.trim().is_empty())
        .ok_or_else(|| Problem::invalid("fieldMask is not provided"))?
        .parse()
        .map_err(|e| Problem::invalid(format!("updateMask: {e}")))?;
    let patch = parse_json(&body, "UpdateImportedNumber")?;
    let mut store = app.store.write().unwrap_or_else(|p| p.into_inner());
    let (updated, change) = store.update(&project_id, &phone, |number| {
        let mut current = serde_json::to_value(&*number).expect("numbers serialize");
        for field in mask.fields() {
            let wanted = match field.get(&patch) {
                None | Some(Value::Null) => "",
                Some(Value::String(text)) => text.as_str(),
                Some(other) => {
                    return Err(Problem::invalid(format!(
                        "{field} must be a string; got {other}"
                    )))
                }
            };
            let now = field.get(&current).and_then(Value::as_str);
            let value = if field.is_link() {
                relink(now, wanted, field)?
            } else {
                Some(wanted.to_owned())
            };
            field.set(&mut current, value.map_or(Value::Null, Value::String));
        }
        *number = serde_json::from_value(current)
            .map_err(|e| Problem::invalid(format!("the update does not fit a number: {e}")))?;
        Ok(())
    })?;
    drop(store);
    notify(&app, &project_id, &updated, change);
    Ok(Json(
        serde_json::to_value(updated).expect("numbers serialize"),
    ))
}

/// The link after setting it to `wanted`: unlinked for an empty value, or
/// refused when the number is still linked to something else (it must be
/// unlinked first).
fn relink(
    current: Option<&str>,
    wanted: &str,
    field: UpdatableField,
) -> Result<Option<String>, Problem> {
    match current.filter(|c| !c.is_empty()) {
        _ if wanted.is_empty() => Ok(None),
        Some(linked) if linked != wanted => Err(Problem::failed_precondition(format!(
            "the number is linked to {field} {linked:?}; unlink it (set it to \"\") before linking it to {wanted:?}"
        ))),
        _ => Ok(Some(wanted.to_owned())),
    }
}

/// Reports a change that just started to the number's callback URL, once
/// it finishes.
fn notify(app: &Arc<AppState>, project_id: &str, number: &ImportedNumber, change: Option<Pending>) {
    if let (Some(change), Some(url), Some(phone)) = (
        change,
        number.callback_url.as_ref().filter(|u| !u.is_empty()),
        number.phone_number.as_ref(),
    ) {
        callbacks::schedule(
            app.clone(),
            project_id.to_owned(),
            phone.clone(),
            url.clone(),
            change,
        );
    }
}

/// `GET .../callbackConfiguration`: the project's secret.
pub(crate) async fn get_callback_configuration(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    SPEC.check_query("GetCallbackConfiguration", &query_pairs(raw)?)
        .map_err(|e| Problem::invalid(e).wrapped())?;
    Ok(Json(serde_json::json!({
        "projectId": project_id,
        "hmacSecret": app.callback_secret(&project_id),
    })))
}

/// `PATCH .../callbackConfiguration`: sets the project's secret. Errors
/// come in the google.rpc wrapper, as the vendor documents for this path.
pub(crate) async fn update_callback_configuration(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    SPEC.check_query("UpdateCallbackConfiguration", &query_pairs(raw)?)
        .map_err(|e| Problem::invalid(e).wrapped())?;
    let body = parse_json(&body, "UpdateCallbackConfiguration").map_err(Problem::wrapped)?;
    // Required, 1 to 1024 characters, no control characters, no whitespace
    // at either end: the spec's rules, checked above.
    let secret = body["hmacSecret"].as_str().unwrap_or_default();
    app.callback_secrets
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(project_id.clone(), secret.to_owned());
    Ok(Json(serde_json::json!({
        "projectId": project_id,
        "hmacSecret": secret,
    })))
}

pub(crate) async fn token(
    State(app): State<Arc<AppState>>,
    headers: HeaderMap,
    body: String,
) -> Reply {
    app.auth.issue_token(&headers, &body).map(Json)
}

pub(crate) async fn no_route() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "NOT_FOUND",
        "no such operation in the Imported Numbers API",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relink_requires_unlink_first() {
        let plan = UpdatableField::ServicePlanId;
        assert!(relink(Some("a"), "b", plan).is_err());
        assert_eq!(relink(Some("a"), "a", plan).unwrap().as_deref(), Some("a"));
        assert_eq!(relink(Some("a"), "", plan).unwrap(), None);
        assert_eq!(relink(None, "b", plan).unwrap().as_deref(), Some("b"));
        assert_eq!(relink(Some(""), "b", plan).unwrap().as_deref(), Some("b"));
    }
}
