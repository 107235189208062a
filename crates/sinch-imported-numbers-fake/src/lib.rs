//! A stateful, in-memory Imported Numbers API server on loopback.
//!
//! It follows the spec's semantics closely enough to try the SDK without a
//! Sinch account and to test behaviour that one-shot mocks make awkward:
//!
//! * opaque page tokens, a page-size cap, and the filters (`regionCode`,
//!   `numberPattern` START / CONTAIN / END, `orderBy`);
//! * 409 on a duplicate import, 404 on unknown numbers, 400 with a clear
//!   message on a bad page token, an invalid number, or an update mask naming
//!   a field that cannot be updated;
//! * linking a number that is still linked elsewhere is refused (unlink
//!   first); which fields an update may change comes from the SDK's
//!   `UpdatableField`, the one source of that fact;
//! * read-only fields are ignored on write and filled in by the server, as
//!   the live service sends them: enum names (not integers), the `state` of
//!   `smsProvisioning`/`campaignProvisioning`/`mnoConfiguration.*`, RFC 3339
//!   timestamps; errors in the flat `{code, message, status}` shape the
//!   vendor documents for these operations;
//! * the import body must carry `phoneNumber`, `regionCode` and
//!   `smsConfiguration` (the vendor's `CreateImportedNumberRequest`);
//! * every query string and body is validated against the embedded OpenAPI
//!   spec (the rules the spec states are the rules the fake enforces), so
//!   unknown parameters, fields a body does not name and values their
//!   schema refuses get a 400 saying why; a call the resource's state does not
//!   allow gets 400 `FAILED_PRECONDITION`, as the operation's description
//!   says;
//! * every error, the framework's own included (405, 413, a path that is not
//!   UTF-8), in the documented JSON shape;
//! * provisioning is asynchronous and observable: after an import or a
//!   (re)link the number shows `scheduledProvisioning` `WAITING`, then
//!   `IN_PROGRESS`, then done ([`FakeServerBuilder::provisioning_delays`],
//!   fast by default), or `FAILED` with chosen error codes
//!   ([`FakeServer::fail_campaign`], [`FakeServer::fail_provisioning_of_number`]);
//! * each finished change is reported to the number's `callbackUrl`
//!   (loopback only) as signed callbacks, retried with backoff on a non-2xx
//!   answer ([`FakeServerBuilder::callback_retries`]), optionally duplicated or
//!   reversed ([`FakeServerBuilder::duplicate_callbacks`],
//!   [`FakeServerBuilder::reverse_callbacks`]); the secret is managed with
//!   `GET`/`PATCH .../callbackConfiguration` (errors there in the google.rpc
//!   wrapper shape the vendor documents for them), and starts as
//!   [`DEFAULT_CALLBACK_SECRET`];
//! * Basic auth with the configured key (or per-project keys, whose bearer
//!   tokens are scoped like the key), and OAuth2 client credentials at
//!   `POST /oauth2/token`.
//!
//! The listing of imported numbers (`servicePlanId` and `campaignId`, both
//! required by the API) returns the numbers linked to both; the vendor
//! pages do not say more.
//!
//! Hosting orders (`.../hostingOrders`, all eight operations):
//!
//! * `:importNumbers` opens an `IMPORT` order for at most 5 numbers;
//!   `:textEnableNumbers` and `:textEnableTollFreeNumbers` open
//!   `TYPE_TEXT_ENABLE` orders under exactly one letter of authorization
//!   (direct, reseller or, not for toll-free, blanket) with every part of the
//!   signatory and address given, else a 400 naming the missing field; a
//!   body's `projectId` must be the path's. Every number is a US or CA
//!   number (+1, NANP-shaped) and the region US or CA;
//! * a new order is `SUBMITTED`, has a 26-character lowercase ULID-like id,
//!   RFC 3339 UTC times, `textEnableInfo` from its letter (`loaType`
//!   `Direct`/`Reseller`), and each number's steps (OSR update, platform and
//!   campaign provisioning, the four carriers) `WAITING`; then it moves on
//!   its own (see "Asynchronous flows" below). Seeded orders stay as seeded
//!   until a test moves them ([`FakeServer::set_hosting_order_state`],
//!   [`FakeServer::set_hosting_order_number_step`]); they can be seeded in
//!   any state ([`FakeServer::seed_hosting_order`], [`HostingOrderSeed`]);
//! * the listing filters by `states`, `type`, `servicePlanId`, `campaignId`
//!   (all required; an empty `campaignId` matches orders without one, as
//!   toll-free orders are) and `regionCode`; an order's numbers by the state
//!   of their OSR update, platform or campaign provisioning; both page with
//!   opaque tokens bound to the query;
//! * the report counts the order's numbers: `osrUpdated`, `smsProvisioned`,
//!   `addedToCampaign` those whose OSR update, platform or campaign
//!   provisioning is `DONE`, `ongoingManualAction` those with any step
//!   `FAILED`.
//!
//! Qualified numbers (`.../qualifiedNumbers`, all eight operations):
//!
//! * `:addNumbers` records +1 numbers in
//!   `GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING` (409 when one is already
//!   there; the region follows the area code), to be checked and reviewed
//!   with the clock (below); `:textEnableNumbers` opens a text-enable
//!   hosting order for at most 500 numbers and answers its id only;
//!   `:textEnableTollFreeNumbers` answers the whole order. Both take only
//!   verified qualified numbers of the project (a 400
//!   `FAILED_PRECONDITION` names the others);
//! * `{number}:sendVoiceChallenge` (no body) moves the number to
//!   `..._VERIFICATION_PENDING` with a random 4 to 6 digit code that tests
//!   read with [`FakeServer::voice_code`]; `{number}:verifyVoiceChallenge`
//!   with that code verifies it, with another code fails the verification
//!   (the third wrong code in a row blocks the number:
//!   `..._VERIFICATION_BLOCKED`, no more calls), and without a pending
//!   challenge answers 400;
//! * `hostedNumber.status` is sent as the integer the vendor documents
//!   (0, 1, 2); [`FakeServer::seed_qualified_number`] and
//!   [`QualifiedNumberSeed`] put numbers in any state.
//!
//! The same rules hold for every operation: auth, the spec check of query
//! and body, the flat error shape, and 404 for an unknown order or number or
//! for a `:verb` the API does not have.
//!
//! Asynchronous flows. Hosting orders opened through the API and qualified
//! numbers added through it move on their own, one step every flow delay
//! `d` ([`FakeServerBuilder::flow_delay`], 100 ms by default); where they
//! stand is worked out from the clock whenever the project is read, so a
//! test sees the same states whether it polls or not. Counted from the
//! call that created them:
//!
//! * a qualified number is `..._ELIGIBLE_CHECK_PENDING` (`osrEligibility`
//!   `IN_PROGRESS`) until `d`, then `..._ELIGIBLE` (`DONE`), or
//!   `..._NOT_ELIGIBLE` (`FAILED` with an error text) when chosen so with
//!   [`FakeServer::make_not_eligible`] before it was added. An eligible
//!   number that never had a voice challenge is `..._VERIFIED` when its
//!   invoices have been reviewed, at `d` + the review delay
//!   ([`FakeServerBuilder::invoice_review`], 4 × `d` by default: `5d` in
//!   all); with no review delay only [`FakeServer::approve_invoices`]
//!   verifies it;
//! * a hosting order is `SUBMITTED` until `d`. Then a text-enable order
//!   under a direct or reseller letter is `WAITING_FOR_LOA_SIGNATURE` until
//!   a person signs it ([`FakeServer::sign_loa`]); an import order, or one
//!   under a blanket letter, skips that. From the start of work `s` (`d`, or
//!   the signature), each number's `osrUpdate` is `IN_PROGRESS` until
//!   `s + d`, `platformProvisioning` until `s + 2d`, and, when the order
//!   names a campaign, `campaignProvisioning` until `s + 3d`; the carriers
//!   are `IN_PROGRESS` from `s + d` and `DONE` with the last track. The
//!   order is `IN_PROGRESS` from `s` and `COMPLETED` when every number has
//!   finished (an import order with a campaign: at `4d`), failed ones
//!   included. The report's counters follow the steps;
//! * [`FakeServer::fail_hosting_of_number`] (set before the order is
//!   opened) makes one step of a number end `FAILED`: its carriers say why
//!   in `errorCode`/`errorMessage`, its later tracks stay `WAITING`.
//!   [`FakeServer::reject_hosting_order`] rejects an order at once, and
//!   [`FakeServer::reject_hosting_orders_named`] has orders of a display
//!   name rejected at `d`: `REJECTED`, and numbers that had not finished
//!   stop;
//! * the numbers of an order opened by a qualified-number call are
//!   `..._HOSTING_IN_PROGRESS` from the call, then `..._HOSTING_DONE`
//!   (`hostedNumber.status` 1) or `..._HOSTING_FAILED` (2, with the error)
//!   when they finish. A number of an import order that finishes without
//!   failing becomes an imported number of the project (linked to the
//!   order's service plan and campaign) unless the project has it already;
//! * an order with a loopback `callbackUrl` gets a signed callback per
//!   finished track of each number (`resourceType` `HOSTING_ORDER_NUMBER`,
//!   `resourceId` the number, `eventType` `OSR_UPDATE`,
//!   `PROVISIONING_TO_SMS_PLATFORM`, `LINK_TO_10DLC_CAMPAIGN` when there is
//!   a campaign) and then `HOSTING_PROCESS` for the number as a whole,
//!   `SUCCEEDED` or `FAILED` with a `failureCode` (`INVALID_NNID` for the
//!   OSR update, `NUMBER_PROVISIONING_FAILED` for the platform,
//!   `CAMPAIGN_PROVISIONING_FAILED` for the campaign, `MNO_SHARING_ERROR`
//!   for a carrier; a rejection sends `internalFailureCode`
//!   `HOSTING_ORDER_REJECTED` instead), sent when the milestone is reached,
//!   with the retries and counters of the imported numbers' callbacks;
//! * for a fake running as its own process, the test helper
//!   `POST /_fake/projects/{projectId}/hostingOrders/{hostingOrderId}:signLoa`
//!   signs a letter (204; 404 for an unknown order; 400 when no letter
//!   waits), without auth and to loopback clients only, like
//!   `GET /_fake/stats`; neither is an API operation or in the spec.
//!
//! For testing clients under pressure (retry budgets, adaptive concurrency,
//! benchmarks), the fake can also throttle and fail:
//!
//! * [`FakeServerBuilder::rate_limit`] gives each project (the one in the
//!   path) a token bucket of `burst` requests refilled at `per_second`; a
//!   request over it gets `429` `RESOURCE_EXHAUSTED` with a `Retry-After`
//!   of the whole seconds until the next token (at least 1) and does
//!   nothing else. The token endpoint is not limited;
//! * an [`Outage`] answers every API operation with a chosen status
//!   ([`FakeServerBuilder::outage`]) or closes every connection
//!   ([`Outage::RefuseConnections`]), from the start
//!   ([`FakeServerBuilder::outage_for`]) or from any moment, for a while or
//!   until ended ([`FakeServer::set_outage`], [`FakeServer::set_outage_for`]);
//! * [`FakeServer::stats`] counts API requests answered, throttled and
//!   failed (the definitions are there); `GET /_fake/stats`
//!   ([`FakeServer::stats_url`]) serves the same as
//!   `{"answered": N, "throttled": M, "failed": K}`, without auth and to
//!   loopback clients only. It is a test helper, not an API operation, and
//!   is absent from the spec.
//!
//! The binary takes the same knobs as `--rate-limit PER_SECOND`,
//! `--burst N` (default: the rate rounded up) and `--outage STATUS`, and
//! the flow delay as `--flow-delay-ms N`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let server = sinch_imported_numbers_fake::FakeServer::start().await?;
//! println!("serving {} (key {} / {})", server.base_url(), server.key_id(), server.key_secret());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod auth;
mod callbacks;
mod flow_controls;
mod flows;
mod helper_routes;
mod hosting_orders;
mod imported_numbers;
mod limits;
mod page_token;
mod problem;
mod provisioning;
mod qualified_numbers;
mod request;
mod spec_check;

pub use hosting_orders::store::{HostingOrderNumberSeed, HostingOrderSeed, HostingStep};
pub use limits::{FakeStats, Outage};
pub use qualified_numbers::store::QualifiedNumberSeed;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use sinch_imported_numbers_api::open_enum::{HostingOrderState, State as StepState};
use sinch_imported_numbers_api::types::ImportedNumber;
use tokio::sync::oneshot;

use crate::auth::Auth;
use crate::callbacks::{Delivery, Sent};
use crate::hosting_orders::store::HostingOrders;
use crate::imported_numbers::handlers;
use crate::imported_numbers::store::Store;
use crate::limits::{Peer, Rate, RefusingListener, Traffic, Verdict};
use crate::problem::Problem;
use crate::provisioning::{FailRule, FailWhen, Timing};
use crate::qualified_numbers::progress::Qualification;
use crate::qualified_numbers::store::QualifiedNumbers;

/// The key id the fake accepts unless configured otherwise.
pub const DEFAULT_KEY_ID: &str = "fake-key-id";
/// The key secret the fake accepts unless configured otherwise.
pub const DEFAULT_KEY_SECRET: &str = "fake-key-secret";
/// Every project's callback secret until it is changed with
/// `PATCH .../callbackConfiguration`.
pub const DEFAULT_CALLBACK_SECRET: &str = "fake-callback-secret";

pub(crate) struct AppState {
    store: RwLock<Store>,
    hosting: RwLock<HostingOrders>,
    qualified: RwLock<QualifiedNumbers>,
    timing: Timing,
    /// How long each step of a hosting order or qualified number takes.
    flow_delay: Duration,
    qualification: Qualification,
    /// Where callbacks and order watchers run, also when started from a
    /// `FakeServer` method called outside a task.
    runtime: tokio::runtime::Handle,
    delivery: Delivery,
    sent: Sent,
    http: reqwest::Client,
    callback_secrets: Mutex<std::collections::HashMap<String, String>>,
    auth: Auth,
    max_page_size: usize,
    default_page_size: usize,
    latency: Duration,
    faults: Mutex<VecDeque<Problem>>,
    requests: AtomicU64,
    /// Nanoseconds spent handling API requests, injected latency excluded.
    busy_nanos: AtomicU64,
    /// The rate limit, the outage, and the answered/throttled/failed counts.
    traffic: Arc<Traffic>,
}

/// Configures a [`FakeServer`].
#[derive(Clone, Debug)]
pub struct FakeServerBuilder {
    key_id: String,
    key_secret: String,
    project_keys: Vec<auth::Key>,
    max_page_size: usize,
    default_page_size: usize,
    latency: Duration,
    token_ttl: Duration,
    port: u16,
    timing: Timing,
    flow_delay: Duration,
    /// `None`: four flow delays.
    invoice_review: Option<Option<Duration>>,
    delivery: Delivery,
    rate: Option<Rate>,
    outage: Option<(Outage, Option<Duration>)>,
}

impl Default for FakeServerBuilder {
    fn default() -> Self {
        FakeServerBuilder {
            key_id: DEFAULT_KEY_ID.to_owned(),
            key_secret: DEFAULT_KEY_SECRET.to_owned(),
            project_keys: Vec::new(),
            max_page_size: 100,
            default_page_size: 20,
            latency: Duration::ZERO,
            token_ttl: Duration::from_secs(3600),
            port: 0,
            timing: Timing {
                waiting: Duration::from_millis(20),
                in_progress: Duration::from_millis(30),
            },
            flow_delay: flow_controls::DEFAULT_FLOW_DELAY,
            invoice_review: None,
            delivery: Delivery {
                max_attempts: 5,
                first_backoff: Duration::from_millis(20),
                duplicate: false,
                reverse: false,
            },
            rate: None,
            outage: None,
        }
    }
}

impl FakeServerBuilder {
    /// The access key the server accepts.
    pub fn credentials(mut self, key_id: impl Into<String>, key_secret: impl Into<String>) -> Self {
        self.key_id = key_id.into();
        self.key_secret = key_secret.into();
        self
    }

    /// Also accepts this key, on `project_id` only: any other project
    /// answers 403 `PERMISSION_DENIED`, and so do the bearer tokens the key
    /// obtains. (The main key of [`credentials`](Self::credentials) may use
    /// every project.)
    pub fn project_key(
        mut self,
        project_id: impl Into<String>,
        key_id: impl Into<String>,
        key_secret: impl Into<String>,
    ) -> Self {
        self.project_keys.push(auth::Key {
            id: key_id.into(),
            secret: key_secret.into(),
            project: Some(project_id.into()),
        });
        self
    }

    /// The most numbers one page may hold (default 100); larger `pageSize`s are capped.
    pub fn max_page_size(mut self, n: usize) -> Self {
        self.max_page_size = n.max(1);
        self
    }

    /// The page size when the request gives none (default 20).
    pub fn default_page_size(mut self, n: usize) -> Self {
        self.default_page_size = n.max(1);
        self
    }

    /// Delay added to every API request, to model a distant server.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// How long issued OAuth2 tokens live (default one hour).
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl = ttl;
        self
    }

    /// How long a provisioning change stays `WAITING`, then `IN_PROGRESS`,
    /// before it is done or failed (default 20 ms and 30 ms).
    pub fn provisioning_delays(mut self, waiting: Duration, in_progress: Duration) -> Self {
        self.timing = Timing {
            waiting,
            in_progress,
        };
        self
    }

    /// How a callback that is not answered 2xx is retried: up to
    /// `max_attempts` tries in all, pausing `first_backoff`, doubling
    /// (default 5 tries from 20 ms).
    pub fn callback_retries(mut self, max_attempts: u32, first_backoff: Duration) -> Self {
        self.delivery.max_attempts = max_attempts.max(1);
        self.delivery.first_backoff = first_backoff;
        self
    }

    /// Sends every callback twice, as an at-least-once sender may.
    pub fn duplicate_callbacks(mut self, on: bool) -> Self {
        self.delivery.duplicate = on;
        self
    }

    /// Sends a change's callbacks in reverse order (campaign before SMS),
    /// as nothing guarantees their order.
    pub fn reverse_callbacks(mut self, on: bool) -> Self {
        self.delivery.reverse = on;
        self
    }

    /// The loopback port to listen on (default: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Limits each project to `per_second` API requests a second on
    /// average, with bursts of up to `burst` (a token bucket that starts
    /// full); a request over the limit is answered `429`
    /// `RESOURCE_EXHAUSTED` with a `Retry-After` of the whole seconds until
    /// the project's next token (at least 1), and does nothing else. The
    /// project is the one in the path; the limit is checked before
    /// authentication, and the token endpoint and `/_fake/stats` are not
    /// limited. No limit by default.
    ///
    /// # Panics
    ///
    /// When `per_second` is not positive and finite. A `burst` of 0 is
    /// taken as 1.
    pub fn rate_limit(mut self, per_second: f64, burst: u32) -> Self {
        self.rate = Some(Rate::new(per_second, burst));
        self
    }

    /// Starts the server in an outage that lasts until
    /// [`FakeServer::set_outage`] ends it: every API operation is answered
    /// `status` (a 4xx or 5xx) in the documented error shape. See
    /// [`Outage::Status`].
    pub fn outage(mut self, status: StatusCode) -> Self {
        self.outage = Some((Outage::Status(status), None));
        self
    }

    /// Starts the server in `outage`, which ends by itself `duration` after
    /// [`start`](Self::start) (or earlier through
    /// [`FakeServer::set_outage`]).
    pub fn outage_for(mut self, outage: Outage, duration: Duration) -> Self {
        self.outage = Some((outage, Some(duration)));
        self
    }

    /// Starts serving on `127.0.0.1`.
    pub async fn start(self) -> std::io::Result<FakeServer> {
        let traffic = Arc::new(Traffic::default());
        traffic.set_rate_limit(self.rate);
        if let Some((outage, duration)) = self.outage {
            traffic.set_outage(Some(outage), duration);
        }
        let state = Arc::new(AppState {
            store: RwLock::new(Store::new(self.timing)),
            hosting: RwLock::default(),
            qualified: RwLock::default(),
            timing: self.timing,
            flow_delay: self.flow_delay,
            qualification: Qualification {
                check: self.flow_delay,
                review: self
                    .invoice_review
                    .unwrap_or(Some(self.flow_delay * flow_controls::INVOICE_REVIEW_STEPS)),
            },
            runtime: tokio::runtime::Handle::current(),
            delivery: self.delivery,
            sent: Sent::default(),
            http: sinch_imported_numbers::tls::http_client_builder()
                .map_err(std::io::Error::other)?
                .timeout(Duration::from_secs(5))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(std::io::Error::other)?,
            callback_secrets: Mutex::default(),
            auth: Auth::new(
                std::iter::once(auth::Key {
                    id: self.key_id.clone(),
                    secret: self.key_secret.clone(),
                    project: None,
                })
                .chain(self.project_keys)
                .collect(),
                self.token_ttl,
            ),
            max_page_size: self.max_page_size,
            default_page_size: self.default_page_size.min(self.max_page_size),
            latency: self.latency,
            faults: Mutex::new(VecDeque::new()),
            requests: AtomicU64::new(0),
            busy_nanos: AtomicU64::new(0),
            traffic: traffic.clone(),
        });
        let api = Router::new()
            .route(
                "/v1/projects/{project_id}/importedNumbers",
                get(handlers::list).post(handlers::import),
            )
            .route(
                "/v1/projects/{project_id}/importedNumbers/{phone_number}",
                get(handlers::get)
                    .patch(handlers::update)
                    .delete(handlers::delete),
            )
            .route(
                "/v1/projects/{project_id}/callbackConfiguration",
                get(handlers::get_callback_configuration)
                    .patch(handlers::update_callback_configuration),
            )
            .merge(hosting_order_routes())
            .merge(qualified_number_routes())
            .route_layer(middleware::from_fn_with_state(state.clone(), guard));
        let app = Router::new()
            .merge(api)
            .route("/oauth2/token", post(handlers::token))
            .merge(helper_routes::routes())
            .fallback(handlers::no_route)
            .layer(middleware::map_response(problem::json_errors))
            .with_state(state.clone());
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], self.port))).await?;
        let addr = listener.local_addr()?;
        let listener = RefusingListener {
            inner: listener,
            traffic,
        };
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let app = app.into_make_service_with_connect_info::<Peer>();
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            // Serving on loopback only fails if the runtime is shutting down.
            let _ = serve.await;
        });
        Ok(FakeServer {
            addr,
            state,
            key_id: self.key_id,
            key_secret: self.key_secret,
            _stop: stop,
        })
    }
}

/// The hosting-order operations. The custom methods (`:importNumbers`, ...)
/// are literal text in the collection's segment.
fn hosting_order_routes() -> Router<Arc<AppState>> {
    use hosting_orders::handlers as h;
    const ORDERS: &str = "/v1/projects/{project_id}/hostingOrders";
    Router::new()
        .route(ORDERS, get(h::list))
        .route(&format!("{ORDERS}:importNumbers"), post(h::import_numbers))
        .route(
            &format!("{ORDERS}:textEnableNumbers"),
            post(h::text_enable_numbers),
        )
        .route(
            &format!("{ORDERS}:textEnableTollFreeNumbers"),
            post(h::text_enable_toll_free_numbers),
        )
        .route(&format!("{ORDERS}/{{order_id}}"), get(h::get))
        .route(&format!("{ORDERS}/{{order_id}}/report"), get(h::report))
        .route(
            &format!("{ORDERS}/{{order_id}}/numbers"),
            get(h::list_numbers),
        )
        .route(
            &format!("{ORDERS}/{{order_id}}/numbers/{{phone_number}}"),
            get(h::get_number),
        )
}

/// The qualified-number operations. A route cannot hold a parameter and
/// literal text in one segment, so `{rest}` takes the number with its
/// optional `:verb`, which the handlers split off.
fn qualified_number_routes() -> Router<Arc<AppState>> {
    use qualified_numbers::handlers as h;
    const NUMBERS: &str = "/v1/projects/{project_id}/qualifiedNumbers";
    Router::new()
        .route(NUMBERS, get(h::list))
        .route(&format!("{NUMBERS}:addNumbers"), post(h::add_numbers))
        .route(
            &format!("{NUMBERS}:textEnableNumbers"),
            post(h::text_enable_numbers),
        )
        .route(
            &format!("{NUMBERS}:textEnableTollFreeNumbers"),
            post(h::text_enable_toll_free_numbers),
        )
        .route(&format!("{NUMBERS}/{{rest}}"), any(h::on_number))
}

impl AppState {
    /// The secret `project_id`'s callbacks are signed with.
    pub(crate) fn callback_secret(&self, project_id: &str) -> String {
        self.callback_secrets
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(project_id)
            .cloned()
            .unwrap_or_else(|| DEFAULT_CALLBACK_SECRET.to_owned())
    }
}

/// Runs before every API operation: counts it, adds latency, answers for an
/// outage, the rate limit or a queued fault, and checks authentication.
async fn guard(State(app): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    app.requests.fetch_add(1, Ordering::Relaxed);
    if !app.latency.is_zero() {
        tokio::time::sleep(app.latency).await;
    }
    let started = Instant::now();
    let response = handle(&app, request, next).await;
    let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
    app.busy_nanos.fetch_add(nanos, Ordering::Relaxed);
    response
}

async fn handle(app: &Arc<AppState>, request: Request, next: Next) -> Response {
    let project = request
        .uri()
        .path()
        .strip_prefix("/v1/projects/")
        .and_then(|rest| rest.split('/').next())
        .map(str::to_owned);
    match app.traffic.admit(project.as_deref().unwrap_or("")) {
        Verdict::Pass => {}
        Verdict::Outage(status) => {
            return Problem::for_status(status, "the fake server is in an outage").into_response();
        }
        Verdict::Throttle(retry_after) => {
            let mut problem = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RESOURCE_EXHAUSTED",
                format!("the project's rate limit is exceeded; retry after {retry_after} s"),
            );
            problem.retry_after = Some(retry_after);
            return problem.into_response();
        }
    }
    let fault = app
        .faults
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .pop_front();
    if let Some(fault) = fault {
        app.traffic.count_failed();
        return fault.into_response();
    }
    app.traffic.count_answered();
    if let Err(problem) = app.auth.check(request.headers(), project.as_deref()) {
        return problem.into_response();
    }
    // The project's flows move with the clock: bring them up to now first.
    if let Some(project) = &project {
        app.settle(project);
    }
    next.run(request).await
}

/// A running fake server. It stops when dropped.
pub struct FakeServer {
    addr: SocketAddr,
    state: Arc<AppState>,
    key_id: String,
    key_secret: String,
    _stop: oneshot::Sender<()>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl FakeServer {
    /// Configures a server.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder::default()
    }

    /// Starts a server with the default settings.
    pub async fn start() -> std::io::Result<FakeServer> {
        Self::builder().start().await
    }

    /// The base URL to give the SDK, e.g. `http://127.0.0.1:41234`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The OAuth2 token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/oauth2/token", self.base_url())
    }

    /// The accepted key id.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The accepted key secret.
    pub fn key_secret(&self) -> &str {
        &self.key_secret
    }

    /// Stores numbers directly, as if imported long ago (provisioning done),
    /// without HTTP. Numbers already present are skipped. Returns how many
    /// were added.
    pub fn seed(
        &self,
        project_id: &str,
        numbers: impl IntoIterator<Item = ImportedNumber>,
    ) -> usize {
        let mut store = self.state.store.write().unwrap_or_else(|p| p.into_inner());
        numbers
            .into_iter()
            .filter(|n| store.import(project_id, n.clone(), true).is_ok())
            .count()
    }

    /// How many numbers `project_id` has.
    pub fn number_count(&self, project_id: &str) -> usize {
        self.state
            .store
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len(project_id)
    }

    /// Makes the next `count` API requests fail with `status` (and a
    /// `Retry-After` header when given), before authentication.
    pub fn fail_next(&self, count: usize, status: StatusCode, retry_after: Option<Duration>) {
        let mut problem = Problem::for_status(status, "fault injected by the fake server");
        problem.retry_after = retry_after.map(|d| d.as_secs());
        let mut faults = self.state.faults.lock().unwrap_or_else(|p| p.into_inner());
        faults.extend(std::iter::repeat_n(problem, count));
    }

    /// The counters of API requests (not token or stats requests), also
    /// served as JSON at [`stats_url`](Self::stats_url):
    ///
    /// * `answered`: requests that got past the outage, the rate limit and
    ///   the injected faults to authentication and the operation, so a 2xx
    ///   or one of the API's own 4xx (401 and 403 included);
    /// * `throttled`: requests refused `429` by the
    ///   [rate limit](FakeServerBuilder::rate_limit);
    /// * `failed`: requests answered by an [`Outage::Status`] or a
    ///   [`fail_next`](Self::fail_next) fault (an injected 429 included),
    ///   plus each connection closed by [`Outage::RefuseConnections`].
    ///
    /// Requests to paths the API does not have are not counted.
    pub fn stats(&self) -> FakeStats {
        self.state.traffic.stats()
    }

    /// `GET` this URL for the [counters](Self::stats) as
    /// `{"answered": N, "throttled": M, "failed": K}`: a test and benchmark
    /// helper that needs no authentication and answers loopback clients
    /// only (the server listens on `127.0.0.1` anyway). It is not part of
    /// the API, nor of its spec.
    pub fn stats_url(&self) -> String {
        format!("{}/_fake/stats", self.base_url())
    }

    /// Starts an outage (see [`Outage`]) that lasts until the next call, or
    /// ends the one in force with `None`.
    pub fn set_outage(&self, outage: Option<Outage>) {
        self.state.traffic.set_outage(outage, None);
    }

    /// Starts an outage that ends by itself after `duration`.
    pub fn set_outage_for(&self, outage: Outage, duration: Duration) {
        self.state.traffic.set_outage(Some(outage), Some(duration));
    }

    /// The outage in force, if any.
    pub fn outage(&self) -> Option<Outage> {
        self.state.traffic.outage()
    }

    /// Replaces the rate limit (see [`FakeServerBuilder::rate_limit`],
    /// which also says when this panics); every project's bucket starts
    /// full again.
    pub fn set_rate_limit(&self, per_second: f64, burst: u32) {
        self.state
            .traffic
            .set_rate_limit(Some(Rate::new(per_second, burst)));
    }

    /// Removes the rate limit.
    pub fn remove_rate_limit(&self) {
        self.state.traffic.set_rate_limit(None);
    }

    /// How many API requests (not token requests) the server has received.
    pub fn request_count(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// Total time spent handling API requests (injected latency excluded):
    /// compare with a benchmark's wall time to see whether the server is the
    /// bottleneck.
    pub fn busy_time(&self) -> Duration {
        Duration::from_nanos(self.state.busy_nanos.load(Ordering::Relaxed))
    }

    /// Makes provisioning of `phone_number` fail with `error_codes` (names
    /// such as `"NUMBER_PROVISIONING_FAILED"`) from its next change on.
    pub fn fail_provisioning_of_number(&self, phone_number: &str, error_codes: &[&str]) {
        self.add_rule(FailWhen::Number(phone_number.to_owned()), error_codes);
    }

    /// Makes linking any number to `campaign_id` fail with `error_codes`
    /// from the next change on.
    pub fn fail_campaign(&self, campaign_id: &str, error_codes: &[&str]) {
        self.add_rule(FailWhen::Campaign(campaign_id.to_owned()), error_codes);
    }

    fn add_rule(&self, when: FailWhen, error_codes: &[&str]) {
        let codes = error_codes
            .iter()
            .map(|c| c.parse().unwrap_or_else(|e| match e {}))
            .collect();
        self.state
            .store
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .add_rule(FailRule { when, codes });
    }

    /// The secret `project_id`'s callbacks are signed with.
    pub fn callback_secret(&self, project_id: &str) -> String {
        self.state.callback_secret(project_id)
    }

    /// How many callback POSTs were tried, retries and duplicates included.
    pub fn callback_attempts(&self) -> u64 {
        self.state.sent.attempts.load(Ordering::Relaxed)
    }

    /// How many callback POSTs were answered 2xx.
    pub fn callbacks_delivered(&self) -> u64 {
        self.state.sent.delivered.load(Ordering::Relaxed)
    }

    /// How many issued OAuth2 tokens are live.
    pub fn token_count(&self) -> usize {
        self.state.auth.token_count()
    }

    /// Revokes every issued OAuth2 token, as if they had expired server-side.
    pub fn revoke_tokens(&self) {
        self.state.auth.revoke_all();
    }

    /// Stores a hosting order directly, without HTTP, with its numbers and
    /// their step states as `seed` describes; returns the order's id.
    pub fn seed_hosting_order(&self, project_id: &str, seed: HostingOrderSeed) -> String {
        self.state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .seed(project_id, seed)
    }

    /// Moves a hosting order to `state` (its `updatedTime` follows).
    /// Returns `false` when the project has no such order.
    pub fn set_hosting_order_state(
        &self,
        project_id: &str,
        hosting_order_id: &str,
        state: HostingOrderState,
    ) -> bool {
        self.state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .set_state(project_id, hosting_order_id, state)
    }

    /// Sets one step of a hosting-order number to `state`. Returns `false`
    /// when the order or the number in it does not exist.
    pub fn set_hosting_order_number_step(
        &self,
        project_id: &str,
        hosting_order_id: &str,
        phone_number: &str,
        step: HostingStep,
        state: StepState,
    ) -> bool {
        self.state
            .hosting
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .set_step(project_id, hosting_order_id, phone_number, step, state)
    }

    /// How many hosting orders `project_id` has.
    pub fn hosting_order_count(&self, project_id: &str) -> usize {
        self.state
            .hosting
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .len(project_id)
    }

    /// Stores a qualified number directly, without HTTP. Returns `false`
    /// (and changes nothing) when the project already has the number.
    pub fn seed_qualified_number(&self, project_id: &str, seed: QualifiedNumberSeed) -> bool {
        self.state
            .qualified
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .seed(project_id, seed)
    }

    /// The code the last `:sendVoiceChallenge` call "read out" to
    /// `phone_number`, while it waits to be checked; `None` when no
    /// challenge is pending.
    pub fn voice_code(&self, project_id: &str, phone_number: &str) -> Option<String> {
        self.state.settle(project_id);
        self.state
            .qualified
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .code(project_id, phone_number)
    }
}
