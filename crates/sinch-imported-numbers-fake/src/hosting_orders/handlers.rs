//! The eight hosting-order operations, and the opening of text-enable
//! orders that the qualified-number operations share: the checks on the
//! letter of authorization, the limits, and the order that results, which
//! then moves on its own (see `flow`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde_json::{json, Value};
use sinch_imported_numbers_api::open_enum::{HostingOrderState, HostingOrderType, LoaType};
use sinch_imported_numbers_api::types::{
    Address, AuthorizedPerson, BlanketLoaInfo, DirectLoaInfo, HostingOrder, ImportHostingOrder,
    ImportNumbersRequest, LoaAddress, LoaAuthorizedPerson, ResellerLoaInfo, TextEnableInfo,
    TextEnableNumbersRequest, TextEnableTollFreeNumbersRequest,
};

use crate::flows;
use crate::hosting_orders::store::{NumberQuery, OrderQuery, DEFAULT_NNID, SERVICE_PROVIDER};
use crate::page_token;
use crate::problem::Problem;
use crate::request::{
    by_updated, check_phone, check_phone_list, check_region, checked_query, page_size,
    page_token as token_param, param, parse_body,
};
use crate::AppState;

type Reply = Result<Json<Value>, Problem>;

/// At most this many numbers per `hostingOrders:importNumbers` call.
pub(crate) const IMPORT_LIMIT: usize = 5;

fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("generated types serialize")
}

/// `GET .../hostingOrders`
pub(crate) async fn list(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let pairs = checked_query(raw, "ListHostingOrders")?;
    let region = param(&pairs, "regionCode").map(str::to_owned);
    if let Some(region) = &region {
        check_region(region)?;
    }
    // The spec makes these four required and checks the enum values.
    let text = |name: &str| param(&pairs, name).unwrap_or_default().to_owned();
    let query = OrderQuery {
        state: text("states").parse().unwrap_or_else(|e| match e {}),
        order_type: text("type").parse().unwrap_or_else(|e| match e {}),
        service_plan_id: text("servicePlanId"),
        campaign_id: text("campaignId"),
        region,
        by_updated: by_updated(&pairs),
    };
    let after = token_param(&pairs)
        .map(|t| page_token::decode(&project_id, &query, t))
        .transpose()?;
    let store = app.hosting.read().unwrap_or_else(|p| p.into_inner());
    let page = store.list(&project_id, &query, after, page_size(&app, &pairs));
    let next = page
        .more_after
        .map(|position| page_token::encode(&project_id, &query, position))
        .unwrap_or_default();
    Ok(Json(json!({
        "hostingOrders": page.items,
        "nextPageToken": next,
        "totalSize": page.total,
    })))
}

/// `GET .../hostingOrders/{hostingOrderId}`
pub(crate) async fn get(
    State(app): State<Arc<AppState>>,
    Path((project_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    checked_query(raw, "GetHostingOrder")?;
    let store = app.hosting.read().unwrap_or_else(|p| p.into_inner());
    Ok(Json(to_json(store.get(&project_id, &id)?)))
}

/// `GET .../hostingOrders/{hostingOrderId}/report`
pub(crate) async fn report(
    State(app): State<Arc<AppState>>,
    Path((project_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    checked_query(raw, "GetHostingOrderReport")?;
    let store = app.hosting.read().unwrap_or_else(|p| p.into_inner());
    Ok(Json(to_json(&store.report(&project_id, &id)?)))
}

/// `GET .../hostingOrders/{hostingOrderId}/numbers`
pub(crate) async fn list_numbers(
    State(app): State<Arc<AppState>>,
    Path((project_id, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    let pairs = checked_query(raw, "ListHostingOrderNumbers")?;
    let state = |name: &str| param(&pairs, name).map(|s| s.parse().unwrap_or_else(|e| match e {}));
    let query = NumberQuery {
        hosting_order_id: id,
        osr_update: state("osrUpdateState"),
        platform_provisioning: state("platformProvisioningState"),
        campaign_provisioning: state("campaignProvisioningState"),
        by_updated: by_updated(&pairs),
    };
    let after = token_param(&pairs)
        .map(|t| page_token::decode(&project_id, &query, t))
        .transpose()?;
    let store = app.hosting.read().unwrap_or_else(|p| p.into_inner());
    let page = store.list_numbers(&project_id, &query, after, page_size(&app, &pairs))?;
    let next = page
        .more_after
        .map(|position| page_token::encode(&project_id, &query, position))
        .unwrap_or_default();
    Ok(Json(json!({
        "numbers": page.items,
        "nextPageToken": next,
        "totalSize": page.total,
    })))
}

/// `GET .../hostingOrders/{hostingOrderId}/numbers/{phoneNumber}`
pub(crate) async fn get_number(
    State(app): State<Arc<AppState>>,
    Path((project_id, id, phone)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
) -> Reply {
    checked_query(raw, "GetHostingOrderNumber")?;
    check_phone(&phone, "phoneNumber")?;
    let store = app.hosting.read().unwrap_or_else(|p| p.into_inner());
    Ok(Json(to_json(store.number(&project_id, &id, &phone)?)))
}

/// Refuses a body's `projectId` that names another project than the path.
fn check_project(body_project: Option<&str>, path_project: &str) -> Result<(), Problem> {
    match body_project {
        Some(p) if p != path_project => Err(Problem::invalid(format!(
            "projectId {p:?} does not match the project in the path"
        ))),
        _ => Ok(()),
    }
}

/// Stores an order opened through the API and sets it moving. For a
/// qualified-number call (`qualified`), every number must be a verified
/// qualified number of the project (else a 400 naming the others); they
/// are then being hosted.
fn store_opened(
    app: &Arc<AppState>,
    project_id: &str,
    order: HostingOrder,
    numbers: Vec<String>,
    qualified: bool,
) -> Result<HostingOrder, Problem> {
    let order = if qualified {
        let mut qualified_numbers = app.qualified.write().unwrap_or_else(|p| p.into_inner());
        qualified_numbers.check_verified(project_id, &numbers)?;
        qualified_numbers.start_hosting(project_id, &numbers);
        app.hosting.write().unwrap_or_else(|p| p.into_inner()).open(
            project_id,
            order,
            numbers,
            app.flow_delay,
            true,
        )
    } else {
        app.hosting.write().unwrap_or_else(|p| p.into_inner()).open(
            project_id,
            order,
            numbers,
            app.flow_delay,
            false,
        )
    };
    flows::watch(app, project_id, &order);
    Ok(order)
}

/// `POST .../hostingOrders:importNumbers`: an `IMPORT` order, answered in
/// the `ImportHostingOrder` shape.
pub(crate) async fn import_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "ImportHostingOrderNumbers")?;
    let request: ImportNumbersRequest =
        parse_body(&body, "ImportHostingOrderNumbers", "ImportNumbersRequest")?;
    check_project(request.project_id.as_deref(), &project_id)?;
    check_region(&request.region_code)?;
    check_phone_list(&request.numbers, "numbers", IMPORT_LIMIT)?;
    let order = HostingOrder {
        display_name: request.display_name,
        region_code: Some(request.region_code),
        state: Some(HostingOrderState::Submitted),
        type_: Some(HostingOrderType::Import),
        service_plan_id: Some(request.service_plan_id),
        campaign_id: request.campaign_id.filter(|c| !c.is_empty()),
        migrate_to_sinch_tmo: Some(request.migrate_to_sinch_tmo.unwrap_or(false)),
        callback_url: request.callback_url,
        ..HostingOrder::default()
    };
    let order = store_opened(&app, &project_id, order, request.numbers, false)?;
    let answer = ImportHostingOrder {
        project_id: order.project_id,
        hosting_order_id: order.hosting_order_id,
        display_name: order.display_name,
        region_code: order.region_code,
        state: order.state,
        type_: order.type_,
        created_time: order.created_time,
        updated_time: order.updated_time,
        service_plan_id: order.service_plan_id,
        campaign_id: order.campaign_id,
        migrate_to_sinch_tmo: order.migrate_to_sinch_tmo,
        callback_url: order.callback_url,
    };
    Ok(Json(to_json(&answer)))
}

/// The letter of authorization a text-enable request carries.
enum Loa {
    Direct(DirectLoaInfo),
    Reseller(ResellerLoaInfo),
    Blanket,
}

/// The one letter of authorization among those given. The spec's `oneOf`
/// (checked before the body is read) lets exactly one through, with every
/// part given and none blank; the 400 here is for a body read without that
/// check. `blanket_allowed` is false for toll-free orders, whose schema has
/// no blanket letter.
fn choose_loa(
    direct: Option<DirectLoaInfo>,
    reseller: Option<ResellerLoaInfo>,
    blanket: Option<BlanketLoaInfo>,
    blanket_allowed: bool,
) -> Result<Loa, Problem> {
    match (direct, reseller, blanket) {
        (Some(direct), None, None) => Ok(Loa::Direct(direct)),
        (None, Some(reseller), None) => Ok(Loa::Reseller(reseller)),
        (None, None, Some(_)) if blanket_allowed => Ok(Loa::Blanket),
        _ => Err(Problem::invalid(if blanket_allowed {
            "exactly one of directLoaInfo, resellerLoaInfo and blanketLoaInfo must be given"
        } else {
            "exactly one of directLoaInfo and resellerLoaInfo must be given"
        })),
    }
}

/// The signatory as an order reports it.
fn person_info(person: LoaAuthorizedPerson) -> AuthorizedPerson {
    AuthorizedPerson {
        first_name: Some(person.first_name),
        last_name: Some(person.last_name),
        email: Some(person.email),
    }
}

/// The address as an order reports it.
fn address_info(address: LoaAddress) -> Address {
    Address {
        building_number: Some(address.building_number),
        street: Some(address.street),
        city: Some(address.city),
        state: Some(address.state),
        postal_code: Some(address.postal_code),
        country: Some(address.country),
    }
}

/// The order's `textEnableInfo`, from its letter of authorization.
fn text_enable_info(loa: Loa, nnid: Option<String>) -> TextEnableInfo {
    let mut info = TextEnableInfo {
        service_provider: Some(SERVICE_PROVIDER.to_owned()),
        nnid: Some(
            nnid.filter(|n| !n.is_empty())
                .unwrap_or_else(|| DEFAULT_NNID.to_owned()),
        ),
        ..TextEnableInfo::default()
    };
    match loa {
        Loa::Direct(direct) => {
            info.authorised_person = Some(person_info(direct.authorised_person));
            info.address = Some(address_info(direct.address));
            info.current_voice_carrier = Some(direct.current_voice_carrier);
            info.loa_type = Some(LoaType::Direct);
        }
        Loa::Reseller(reseller) => {
            info.business_name = Some(reseller.business_name);
            info.authorised_person = Some(person_info(reseller.authorised_person));
            info.address = Some(address_info(reseller.address));
            info.current_voice_carrier = Some(reseller.current_voice_carrier);
            info.loa_type = Some(LoaType::Reseller);
        }
        // A pre-approved blanket letter carries no details of its own.
        Loa::Blanket => {}
    }
    info
}

/// Checks a text-enable body (`TextEnableNumbersRequest`, at most `limit`
/// numbers) and opens its `TYPE_TEXT_ENABLE` order; `qualified` for the
/// qualified-number call (see [`store_opened`]).
pub(crate) fn open_text_enable_order(
    app: &Arc<AppState>,
    project_id: &str,
    request: TextEnableNumbersRequest,
    limit: usize,
    qualified: bool,
) -> Result<HostingOrder, Problem> {
    check_project(request.project_id.as_deref(), project_id)?;
    check_region(&request.region_code)?;
    let loa = choose_loa(
        request.direct_loa_info,
        request.reseller_loa_info,
        request.blanket_loa_info,
        true,
    )?;
    check_phone_list(&request.numbers, "numbers", limit)?;
    let order = HostingOrder {
        display_name: request.display_name,
        region_code: Some(request.region_code),
        state: Some(HostingOrderState::Submitted),
        type_: Some(HostingOrderType::TextEnable),
        scheduled_osr_update_time: request.scheduled_osr_update_time,
        service_plan_id: Some(request.service_plan_id),
        campaign_id: request.campaign_id.filter(|c| !c.is_empty()),
        migrate_to_sinch_tmo: Some(request.migrate_to_sinch_tmo.unwrap_or(false)),
        text_enable_info: Some(text_enable_info(loa, request.nnid)),
        callback_url: request.callback_url,
        ..HostingOrder::default()
    };
    store_opened(app, project_id, order, request.numbers, qualified)
}

/// Checks a toll-free text-enable body and opens its order (no campaign);
/// `qualified` for the qualified-number call (see [`store_opened`]).
pub(crate) fn open_toll_free_order(
    app: &Arc<AppState>,
    project_id: &str,
    request: TextEnableTollFreeNumbersRequest,
    qualified: bool,
) -> Result<HostingOrder, Problem> {
    if request.project_id != project_id {
        return Err(Problem::invalid(format!(
            "projectId {:?} does not match the project in the path",
            request.project_id
        )));
    }
    check_region(&request.region_code)?;
    let loa = choose_loa(
        request.direct_loa_info,
        request.reseller_loa_info,
        None,
        false,
    )?;
    check_phone_list(&request.numbers, "numbers", usize::MAX)?;
    let order = HostingOrder {
        display_name: request.display_name,
        region_code: Some(request.region_code),
        state: Some(HostingOrderState::Submitted),
        type_: Some(HostingOrderType::TextEnable),
        service_plan_id: Some(request.service_plan_id),
        migrate_to_sinch_tmo: Some(false),
        text_enable_info: Some(text_enable_info(loa, None)),
        callback_url: request.callback_url,
        ..HostingOrder::default()
    };
    store_opened(app, project_id, order, request.numbers, qualified)
}

/// `POST .../hostingOrders:textEnableNumbers`: answers the whole order.
pub(crate) async fn text_enable_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "TextEnableHostingOrderNumbers")?;
    let request = parse_body(
        &body,
        "TextEnableHostingOrderNumbers",
        "TextEnableNumbersRequest",
    )?;
    // The API states no limit for this operation.
    let order = open_text_enable_order(&app, &project_id, request, usize::MAX, false)?;
    Ok(Json(to_json(&order)))
}

/// `POST .../hostingOrders:textEnableTollFreeNumbers`: answers the whole order.
pub(crate) async fn text_enable_toll_free_numbers(
    State(app): State<Arc<AppState>>,
    Path(project_id): Path<String>,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Reply {
    checked_query(raw, "TextEnableHostingOrderTollFreeNumbers")?;
    let request = parse_body(
        &body,
        "TextEnableHostingOrderTollFreeNumbers",
        "TextEnableTollFreeNumbersRequest",
    )?;
    let order = open_toll_free_order(&app, &project_id, request, false)?;
    Ok(Json(to_json(&order)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person() -> LoaAuthorizedPerson {
        LoaAuthorizedPerson {
            first_name: "A".into(),
            last_name: "B".into(),
            email: "a@b.example".into(),
        }
    }

    fn address() -> LoaAddress {
        LoaAddress {
            building_number: "1".into(),
            street: "S".into(),
            city: "C".into(),
            state: "NY".into(),
            postal_code: "01002".into(),
            country: "US".into(),
        }
    }

    fn direct() -> DirectLoaInfo {
        DirectLoaInfo {
            authorised_person: person(),
            address: address(),
            current_voice_carrier: "Verizon".into(),
        }
    }

    #[test]
    fn exactly_one_letter() {
        assert!(matches!(
            choose_loa(Some(direct()), None, None, true),
            Ok(Loa::Direct(_))
        ));
        let blanket = || Some(BlanketLoaInfo(Default::default()));
        assert!(matches!(
            choose_loa(None, None, blanket(), true),
            Ok(Loa::Blanket)
        ));
        assert!(choose_loa(None, None, blanket(), false).is_err());
        assert!(choose_loa(None, None, None, true).is_err());
        assert!(choose_loa(Some(direct()), None, blanket(), true).is_err());
    }
}
