//! The test helper routes under `/_fake/`, for a fake running as its own
//! process (CLI tests, examples, benchmarks). They are not API operations,
//! are absent from the spec, need no authentication, and answer loopback
//! clients only:
//!
//! * `GET /_fake/stats`: the request counters as JSON;
//! * `POST /_fake/projects/{projectId}/hostingOrders/{hostingOrderId}:signLoa`:
//!   a person signs the order's e-mailed letter of authorization (as
//!   [`FakeServer::sign_loa`](crate::FakeServer::sign_loa)); 204, or 404
//!   for an unknown order, or 400 `FAILED_PRECONDITION` for an order with
//!   no letter waiting to be signed (a seeded order waiting for its
//!   signature goes to `IN_PROGRESS`);
//! * `GET /_fake/projects/{projectId}/qualifiedNumbers/{phoneNumber}/voiceCode`:
//!   the code the last voice call read out, as `{"code": "..."}` (as
//!   [`FakeServer::voice_code`](crate::FakeServer::voice_code)): what a
//!   person answering the phone would hear; 404 when no challenge is
//!   pending.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};

use crate::hosting_orders::progress::Signing;
use crate::limits::Peer;
use crate::problem::Problem;
use crate::AppState;

/// The helper routes, to merge outside the API's guard.
pub(crate) fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_fake/stats", get(stats))
        .route(
            "/_fake/projects/{project_id}/hostingOrders/{rest}",
            post(sign_loa),
        )
        .route(
            "/_fake/projects/{project_id}/qualifiedNumbers/{phone_number}/voiceCode",
            get(voice_code),
        )
}

/// `GET /_fake/projects/{projectId}/qualifiedNumbers/{phoneNumber}/voiceCode`.
async fn voice_code(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Path((project_id, phone_number)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = refuse_remote(&peer, "/_fake/projects/.../voiceCode") {
        return refused;
    }
    app.settle(&project_id);
    let code = app
        .qualified
        .read()
        .unwrap_or_else(|p| p.into_inner())
        .code(&project_id, &phone_number);
    match code {
        Some(code) => Json(serde_json::json!({ "code": code })).into_response(),
        None => Problem::no_such(format!(
            "no voice challenge is pending for {phone_number:?}"
        ))
        .into_response(),
    }
}

/// A 403 for a peer off this machine.
fn refuse_remote(peer: &Peer, path: &str) -> Option<Response> {
    (!peer.0.ip().is_loopback()).then(|| {
        Problem::new(
            StatusCode::FORBIDDEN,
            "PERMISSION_DENIED",
            format!("{path} answers loopback clients only"),
        )
        .into_response()
    })
}

/// `GET /_fake/stats`: the counters as JSON.
async fn stats(State(app): State<Arc<AppState>>, ConnectInfo(peer): ConnectInfo<Peer>) -> Response {
    if let Some(refused) = refuse_remote(&peer, "/_fake/stats") {
        return refused;
    }
    let stats = app.traffic.stats();
    Json(serde_json::json!({
        "answered": stats.answered,
        "throttled": stats.throttled,
        "failed": stats.failed,
    }))
    .into_response()
}

/// `POST /_fake/projects/{projectId}/hostingOrders/{hostingOrderId}:signLoa`.
/// A route cannot mix a parameter and text in one segment, so `rest` is
/// the id with its verb.
async fn sign_loa(
    State(app): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    Path((project_id, rest)): Path<(String, String)>,
) -> Response {
    if let Some(refused) = refuse_remote(&peer, "/_fake/projects/.../hostingOrders/...:signLoa") {
        return refused;
    }
    let Some(id) = rest.strip_suffix(":signLoa") else {
        return Problem::no_such("the only helper on a hosting order is :signLoa").into_response();
    };
    app.settle(&project_id);
    let signing = app.hosting.write().unwrap_or_else(|p| p.into_inner()).sign(
        &project_id,
        id,
        Instant::now(),
    );
    match signing {
        Signing::Signed => StatusCode::NO_CONTENT.into_response(),
        Signing::Unknown => {
            Problem::no_such(format!("The hosting order {id:?} could not be found."))
                .into_response()
        }
        Signing::NotWaiting => Problem::failed_precondition(format!(
            "hosting order {id:?} has no letter of authorization waiting to be signed"
        ))
        .into_response(),
    }
}
