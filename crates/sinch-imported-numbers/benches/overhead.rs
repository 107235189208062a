//! `cargo bench -p sinch-imported-numbers --bench overhead`: what the SDK
//! costs over hand-written code, on a canned loopback server that answers
//! with prepared bytes (so the server's own cost is small and the same for
//! everyone). Three contenders, alternated (GET by GET, listing by listing)
//! so machine noise hits each alike, ratios from one run:
//!
//! * the facade (`Client::get`, `Client::list(..).items()`);
//! * the generated client (`api::Client`), decoding into the wire types;
//! * reqwest + serde_json by hand, into plain structs as a user would write
//!   them: `chrono::DateTime<Utc>` timestamps and `String` enums.
//!
//! The client runs on CPU 0 and the server's threads on CPU 1 (when the
//! machine lets us pin them), so the two do not take turns on one core.
//! Figures are printed, never asserted. Name sections to run only those:
//! `cargo bench -p sinch-imported-numbers --bench overhead -- get decode list`
//! (`decode` alone runs without a server, handy under a profiler).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use futures::TryStreamExt;
use serde::Deserialize;
use sinch_imported_numbers::{api, AuthMode, Client, ListFilter, PhoneNumber, RetryPolicy};

const PROJECT: &str = "bench-project";
const NUMBER: &str = "+12065550134";
const ROUNDS: usize = 7;
const GETS_PER_ROUND: usize = 2_000;
const LISTED: usize = 100_000;

// --- the canned server -----------------------------------------------------

fn number_json(i: usize) -> String {
    let t = "2025-04-02T19:45:28.650924Z";
    let op = format!(
        r#"{{"state":"DONE","errorCode":"","errorMessage":"","updateTime":"{t}","operation":"PROVISIONING"}}"#
    );
    let prov = |kind: &str, id: &str| {
        format!(
            r#"{{"serviceType":"{kind}","serviceId":"{id}","type":"PROVISIONING","state":"DONE","updateTime":"{t}","errorMessage":"","errorCode":""}}"#
        )
    };
    format!(
        r#"{{"phoneNumber":"+1206{:07}","projectId":"{PROJECT}","regionCode":"US","displayName":"Line {i}","smsConfiguration":{{"servicePlanId":"0130a21c9ed6461ba3a1fefda83f7ec7","scheduledProvisioning":{{"servicePlanId":"0130a21c9ed6461ba3a1fefda83f7ec7","status":"IN_PROGRESS","lastUpdatedTime":"{t}","campaignId":"CX7ZB2K","errorCodes":["CAMPAIGN_PENDING_ACCEPTANCE"]}},"campaignId":"CX7ZB2K","migrateToSinchTmo":false}},"callbackUrl":"https://example.com/callbacks","mnoConfiguration":{{"smsAtt":{op},"smsTmo":{op},"mmsAtt":{op},"mmsTmo":{op}}},"smsProvisioning":{},"campaignProvisioning":{}}}"#,
        2_000_000 + i,
        prov("SMS", "0130a21c9ed6461ba3a1fefda83f7ec7"),
        prov("CAMPAIGN", "CX7ZB2K")
    )
}

/// Answers every request on a keep-alive connection with canned bytes: one
/// number for a GET of a number, pages of `?pageSize` numbers otherwise,
/// with `nextPageToken` `p{n+1}` until `LISTED` numbers were served.
fn serve(listener: TcpListener) {
    let one = number_json(0);
    let page = |size: usize| -> String { (0..size).map(number_json).collect::<Vec<_>>().join(",") };
    let pages = [(100, page(100)), (1000, page(1000))];
    for stream in listener.incoming().flatten() {
        let (one, pages) = (one.clone(), pages.clone());
        std::thread::spawn(move || connection(stream, &one, &pages));
    }
}

/// Keeps the calling thread on `cpu` (best effort: benches print, never fail).
fn pin_to(cpu: usize) -> bool {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the calls only read it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
    }
}

fn connection(mut stream: TcpStream, one: &str, pages: &[(usize, String)]) {
    pin_to(1);
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        let end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
        buffer.drain(..end);
        let target = head.split(' ').nth(1).unwrap_or("/");
        // The body in three parts, so a page's numbers are written from the
        // canned text without being copied into each response.
        let (open, items, close) = if target.contains("/importedNumbers/") {
            (String::new(), one, String::new())
        } else {
            let size: usize = query(target, "pageSize")
                .and_then(|s| s.parse().ok())
                .unwrap_or(100);
            let n: usize = query(target, "pageToken")
                .and_then(|t| t.trim_start_matches('p').parse().ok())
                .unwrap_or(0);
            let items = &pages
                .iter()
                .find(|(s, _)| *s == size)
                .expect("a canned page size")
                .1;
            let next = if (n + 1) * size < LISTED {
                format!("p{}", n + 1)
            } else {
                String::new()
            };
            (
                r#"{"importedNumbers":["#.to_owned(),
                items.as_str(),
                format!(r#"],"nextPageToken":"{next}","totalSize":{LISTED}}}"#),
            )
        };
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{open}",
            open.len() + items.len() + close.len()
        );
        let sent = stream
            .write_all(head.as_bytes())
            .and_then(|()| stream.write_all(items.as_bytes()))
            .and_then(|()| stream.write_all(close.as_bytes()));
        if sent.is_err() {
            return;
        }
    }
}

fn query<'a>(target: &'a str, name: &str) -> Option<&'a str> {
    target
        .split_once('?')?
        .1
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

// --- the hand-written contender ----------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainNumber {
    phone_number: String,
    project_id: Option<String>,
    region_code: Option<String>,
    display_name: Option<String>,
    sms_configuration: Option<PlainSms>,
    callback_url: Option<String>,
    mno_configuration: Option<PlainMno>,
    sms_provisioning: Option<PlainProvisioning>,
    campaign_provisioning: Option<PlainProvisioning>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainSms {
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
    migrate_to_sinch_tmo: Option<bool>,
    scheduled_provisioning: Option<PlainScheduled>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainScheduled {
    service_plan_id: Option<String>,
    campaign_id: Option<String>,
    status: Option<String>,
    last_updated_time: Option<DateTime<Utc>>,
    error_codes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainMno {
    sms_att: Option<PlainCarrier>,
    sms_tmo: Option<PlainCarrier>,
    mms_att: Option<PlainCarrier>,
    mms_tmo: Option<PlainCarrier>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainCarrier {
    state: Option<String>,
    error_code: Option<String>,
    error_message: Option<String>,
    update_time: Option<DateTime<Utc>>,
    operation: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct PlainProvisioning {
    service_type: Option<String>,
    service_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    state: Option<String>,
    update_time: Option<DateTime<Utc>>,
    error_message: Option<String>,
    error_code: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlainPage {
    imported_numbers: Vec<PlainNumber>,
    next_page_token: Option<String>,
}

struct ByHand {
    http: reqwest::Client,
    base: String,
}

impl ByHand {
    async fn get(&self) -> PlainNumber {
        self.http
            .get(format!(
                "{}/v1/projects/{PROJECT}/importedNumbers/{NUMBER}",
                self.base
            ))
            .basic_auth("key", Some("secret"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    async fn list(&self, page_size: usize) -> usize {
        let (mut count, mut token) = (0, String::new());
        loop {
            let mut request = self
                .http
                .get(format!(
                    "{}/v1/projects/{PROJECT}/importedNumbers",
                    self.base
                ))
                .basic_auth("key", Some("secret"))
                .query(&[("servicePlanId", "plan"), ("campaignId", "campaign")])
                .query(&[("pageSize", page_size.to_string())]);
            if !token.is_empty() {
                request = request.query(&[("pageToken", &token)]);
            }
            let page: PlainPage = request.send().await.unwrap().json().await.unwrap();
            count += page.imported_numbers.len();
            token = page.next_page_token.unwrap_or_default();
            if token.is_empty() {
                return count;
            }
        }
    }
}

// --- the other contenders ----------------------------------------------------

async fn generated_list(api: &api::Client, page_size: usize) -> usize {
    let (mut count, mut token): (usize, Option<String>) = (0, None);
    loop {
        let mut request = api
            .list_imported_numbers()
            .project_id(PROJECT)
            .service_plan_id("plan")
            .campaign_id("campaign")
            .page_size(page_size as i32);
        if let Some(t) = &token {
            request = request.page_token(t.as_str());
        }
        let page = request.send().await.unwrap().into_inner();
        count += page.imported_numbers.len();
        token = page.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            return count;
        }
    }
}

/// The facade as users get it (`prefetch` true, the default: the next page
/// is fetched while the current one is consumed), or one page at a time as
/// the other contenders go.
async fn facade_list(client: &Client, page_size: usize, prefetch: bool) -> usize {
    let mut items = client
        .list(ListFilter::new("plan", "campaign"))
        .page_size(page_size as u32)
        .prefetch(prefetch)
        .items();
    let mut count = 0;
    while items.try_next().await.unwrap().is_some() {
        count += 1;
    }
    count
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap());
    values[values.len() / 2]
}

/// Decoding only, no network: the same page bytes into each contender's
/// types, best of `ROUNDS` runs of 20 decodes; returns numbers per second.
fn decode_only() {
    let items: Vec<String> = (0..1000).map(number_json).collect();
    let page = format!(
        r#"{{"importedNumbers":[{}],"nextPageToken":"","totalSize":1000}}"#,
        items.join(",")
    );
    let bytes = page.as_bytes();
    let mut best = [f64::MAX; 3];
    for _ in 0..ROUNDS {
        for (contender, best) in best.iter_mut().enumerate() {
            let started = Instant::now();
            for _ in 0..20 {
                let count = match contender {
                    0 => sinch_imported_numbers::bench_support::decode_page(bytes),
                    1 => serde_json::from_slice::<api::types::ListImportedNumbersResponse>(bytes)
                        .unwrap()
                        .imported_numbers
                        .len(),
                    _ => serde_json::from_slice::<PlainPage>(bytes)
                        .unwrap()
                        .imported_numbers
                        .len(),
                };
                assert_eq!(count, 1000);
            }
            *best = best.min(started.elapsed().as_secs_f64() / 20_000.0);
        }
    }
    println!(
        "  decode only (1,000-number page): facade {:.2} µs/number, generated {:.2}, by hand {:.2}; by hand / facade = {:.2}",
        best[0] * 1e6,
        best[1] * 1e6,
        best[2] * 1e6,
        best[2] / best[0]
    );
}

/// The sections to run: those named on the command line (`get`, `decode`,
/// `list`), or all of them. Cargo's own `--bench` flag is ignored.
fn wanted(section: &str) -> bool {
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    named.is_empty() || named.iter().any(|n| n == section)
}

fn main() {
    if wanted("decode") && !wanted("get") && !wanted("list") {
        // Decoding alone needs no server (handy under a profiler).
        decode_only();
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || serve(listener));
    let pinned = pin_to(0);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // One HTTP client (and so one keep-alive connection) for all three, so
    // no contender gets a luckier connection or server thread.
    let http = sinch_imported_numbers::tls::http_client_builder()
        .unwrap()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(1)
        .build()
        .unwrap();
    let facade = Client::builder()
        .auth(AuthMode::Basic)
        .project_id(PROJECT)
        .key_id("key")
        .key_secret("secret")
        .base_url(&base)
        .retry_policy(RetryPolicy::none())
        .reqwest_client(http.clone())
        .build()
        .unwrap();
    let generated = api::Client::new_with_client(&base, http.clone(), api::Context::default());
    let by_hand = ByHand { http, base };

    println!(
        "overhead: facade vs generated client vs reqwest + serde_json by hand (canned loopback server; {})",
        if pinned { "client on CPU 0, server on CPU 1" } else { "not pinned" }
    );
    if wanted("get") {
        get_latency(&runtime, &facade, &generated, &by_hand);
    }
    if wanted("decode") {
        decode_only();
    }
    if wanted("list") {
        for page_size in [100, 1000] {
            list_rate(&runtime, page_size, &facade, &generated, &by_hand);
        }
    }
}

/// GET latency, p50 and p99 per contender.
fn get_latency(
    runtime: &tokio::runtime::Runtime,
    facade: &Client,
    generated: &api::Client,
    by_hand: &ByHand,
) {
    let number = PhoneNumber::parse(NUMBER).unwrap();
    let mut latencies: [Vec<Duration>; 3] = Default::default();
    runtime.block_on(async {
        for round in 0..ROUNDS + 1 {
            for _ in 0..GETS_PER_ROUND {
                // One GET each in turn, so drift in the machine's speed
                // reaches all three alike.
                for (contender, samples) in latencies.iter_mut().enumerate() {
                    let started = Instant::now();
                    match contender {
                        0 => drop(facade.get(&number).await.unwrap()),
                        1 => drop(
                            generated
                                .get_imported_number()
                                .project_id(PROJECT)
                                .phone_number(NUMBER)
                                .send()
                                .await
                                .unwrap(),
                        ),
                        _ => drop(by_hand.get().await),
                    }
                    // The first round warms connections and caches up.
                    if round > 0 {
                        samples.push(started.elapsed());
                    }
                }
            }
        }
    });
    let names = ["facade", "generated client", "by hand"];
    let p50: Vec<Duration> = latencies.iter_mut().map(|s| percentile(s, 0.5)).collect();
    for (i, samples) in latencies.iter_mut().enumerate() {
        println!(
            "  GET  {:<17} p50 {:>6.1} µs   p99 {:>6.1} µs",
            names[i],
            p50[i].as_secs_f64() * 1e6,
            percentile(samples, 0.99).as_secs_f64() * 1e6
        );
    }
    println!(
        "  GET  p50 facade / by hand = {:.3}, generated / by hand = {:.3}",
        p50[0].as_secs_f64() / p50[2].as_secs_f64(),
        p50[1].as_secs_f64() / p50[2].as_secs_f64()
    );
}

/// Numbers per second listed through each contender, in pages of `page_size`.
fn list_rate(
    runtime: &tokio::runtime::Runtime,
    page_size: usize,
    facade: &Client,
    generated: &api::Client,
    by_hand: &ByHand,
) {
    let mut rates: [Vec<f64>; 4] = Default::default();
    runtime.block_on(async {
        for round in 0..ROUNDS + 1 {
            for (contender, rate) in rates.iter_mut().enumerate() {
                let started = Instant::now();
                let count = match contender {
                    0 => facade_list(facade, page_size, true).await,
                    1 => facade_list(facade, page_size, false).await,
                    2 => generated_list(generated, page_size).await,
                    _ => by_hand.list(page_size).await,
                };
                assert_eq!(count, LISTED);
                if round > 0 {
                    rate.push(count as f64 / started.elapsed().as_secs_f64());
                }
            }
        }
    });
    let medians: Vec<f64> = rates.iter_mut().map(|r| median(r)).collect();
    println!(
        "  list {LISTED} in pages of {page_size:>4}: facade {:>7.0}/s ({:>7.0}/s without prefetch), generated {:>7.0}/s, by hand {:>7.0}/s",
        medians[0], medians[1], medians[2], medians[3]
    );
    println!(
        "       facade / by hand = {:.2} ({:.2} without prefetch)",
        medians[0] / medians[3],
        medians[1] / medians[3]
    );
}
