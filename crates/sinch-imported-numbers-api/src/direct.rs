//! Hand-written fast paths for the two calls made most often: fetching one
//! number and listing a page of numbers.
//!
//! They send the same request as the generated builders
//! ([`Client::get_imported_number`], [`Client::list_imported_numbers`]) and
//! go through the same hooks, but skip the generated code's per-call costs:
//!
//! * the base URL is parsed once ([`DirectCalls::new`]) and each call only
//!   appends its path segments and query pairs, where the generated code
//!   formats a URL string that reqwest parses again;
//! * inputs are borrowed, not copied into `String`s first;
//! * the response headers are moved into the [`ResponseValue`], not cloned;
//! * a success body is checked as UTF-8 once and decoded from `&str`, which
//!   spares serde_json a UTF-8 check per string (a page of numbers holds
//!   tens of thousands of strings).
//!
//! Outcomes are those of the generated builders, with one simplification:
//! every 4xx or 5xx answer is an [`Error::ErrorResponse`] (the hooks have
//! brought its body into the documented shape), where the generated code
//! returns `UnexpectedResponse` for statuses the spec does not list.
//! `tests/tests/direct_calls.rs` holds the two paths to the same requests and
//! results.

use reqwest::header::{HeaderName, HeaderValue, ACCEPT};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use progenitor_client::{ClientHooks, OperationInfo};

use crate::{types, Client, ClientInfo, Context, Error, ResponseValue};

/// The query of one `listImportedNumbers` call: the spec's parameters, borrowed.
///
/// `None` leaves a parameter out, as the generated builder does.
#[derive(Clone, Copy, Debug, Default)]
pub struct ListQuery<'a> {
    /// `servicePlanId` (required by the service).
    pub service_plan_id: &'a str,
    /// `campaignId` (required by the service).
    pub campaign_id: &'a str,
    /// `numberPattern.pattern`.
    pub number_pattern_pattern: Option<&'a str>,
    /// `numberPattern.searchPattern`.
    pub number_pattern_search_pattern: Option<types::SearchPattern>,
    /// `orderBy`.
    pub order_by: Option<types::OrderBy>,
    /// `pageSize`.
    pub page_size: Option<i32>,
    /// `pageToken`.
    pub page_token: Option<&'a str>,
    /// `regionCode`.
    pub region_code: Option<&'a str>,
}

/// The fast paths of one [`Client`]: its base URL, parsed once.
#[derive(Clone, Debug)]
pub struct DirectCalls {
    base: Url,
}

impl DirectCalls {
    /// Parses `client`'s base URL once. Fails when it is not an absolute URL
    /// that can have a path (such as `http://host:port`), saying why.
    pub fn new(client: &Client) -> Result<Self, String> {
        let text = client.baseurl();
        let base = Url::parse(text).map_err(|e| format!("base URL {text:?}: {e}"))?;
        if base.cannot_be_a_base() {
            return Err(format!("base URL {text:?} cannot have a path"));
        }
        Ok(DirectCalls { base })
    }

    /// `GET /v1/projects/{projectId}/importedNumbers/{phoneNumber}`, as
    /// [`Client::get_imported_number`] sends it.
    pub async fn get_imported_number(
        &self,
        client: &Client,
        project_id: &str,
        phone_number: &str,
    ) -> Result<ResponseValue<types::ImportedNumber>, Error<types::Error>> {
        let url = self.url(&[
            "v1",
            "projects",
            segment("project_id", project_id).map_err(Error::InvalidRequest)?,
            "importedNumbers",
            segment("phone_number", phone_number).map_err(Error::InvalidRequest)?,
        ]);
        send(client, url, "get_imported_number").await
    }

    /// `GET /v1/projects/{projectId}/importedNumbers`, as
    /// [`Client::list_imported_numbers`] sends it.
    pub async fn list_imported_numbers(
        &self,
        client: &Client,
        project_id: &str,
        query: &ListQuery<'_>,
    ) -> Result<ResponseValue<types::ListImportedNumbersResponse>, Error<types::Error>> {
        let mut url = self.url(&[
            "v1",
            "projects",
            segment("project_id", project_id).map_err(Error::InvalidRequest)?,
            "importedNumbers",
        ]);
        {
            // The generated builder's order (alphabetical), so the two send
            // the same bytes.
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("campaignId", query.campaign_id);
            if let Some(pattern) = query.number_pattern_pattern {
                pairs.append_pair("numberPattern.pattern", pattern);
            }
            if let Some(search) = query.number_pattern_search_pattern {
                pairs.append_pair("numberPattern.searchPattern", &search.to_string());
            }
            if let Some(order) = query.order_by {
                pairs.append_pair("orderBy", &order.to_string());
            }
            if let Some(size) = query.page_size {
                pairs.append_pair("pageSize", &size.to_string());
            }
            if let Some(token) = query.page_token {
                pairs.append_pair("pageToken", token);
            }
            if let Some(region) = query.region_code {
                pairs.append_pair("regionCode", region);
            }
            pairs.append_pair("servicePlanId", query.service_plan_id);
        }
        send(client, url, "list_imported_numbers").await
    }

    /// The base URL with `segments` appended (each percent-encoded as the
    /// generated code's `encode_path` does).
    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            // `http://host` has the path `/`: one empty segment to replace.
            path.pop_if_empty().extend(segments);
        }
        url
    }
}

/// A path parameter fit to be one segment. `url` would silently drop `.` and
/// `..` (and an empty one would merge two segments), so they are refused.
fn segment<'a>(name: &str, value: &'a str) -> Result<&'a str, String> {
    match value {
        "" | "." | ".." => Err(format!("{name} {value:?} cannot be a path segment")),
        _ => Ok(value),
    }
}

/// Sends a GET to `url` through the client's hooks and decodes the answer.
async fn send<T: DeserializeOwned>(
    client: &Client,
    url: Url,
    operation_id: &'static str,
) -> Result<ResponseValue<T>, Error<types::Error>> {
    let mut request = reqwest::Request::new(Method::GET, url);
    let headers = request.headers_mut();
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert(
        HeaderName::from_static("api-version"),
        HeaderValue::from_static(<Client as ClientInfo<Context>>::api_version()),
    );
    let info = OperationInfo { operation_id };
    client.pre(&mut request, &info).await?;
    let result = client.exec(request, &info).await;
    client.post(&result, &info).await?;
    let response = result?;
    let status = response.status();
    if status == StatusCode::OK {
        decode(response).await
    } else if status.is_client_error() || status.is_server_error() {
        Err(Error::ErrorResponse(decode(response).await?))
    } else {
        Err(Error::UnexpectedResponse(response))
    }
}

/// Reads the whole body and decodes it; the headers are moved, not copied.
async fn decode<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner = decode_json(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// Decodes a JSON body as the fast paths do: the whole body is checked as
/// UTF-8 once, then decoded from `&str` (serde_json then skips its check of
/// each string). Errors are serde_json's own, as from `from_slice`.
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        // Not UTF-8: decoding the bytes finds where, in serde_json's words.
        Err(_) => serde_json::from_slice(body),
    }
}
