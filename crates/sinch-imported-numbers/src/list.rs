//! Listing with automatic pagination.
//!
//! [`ListRequest::items`] is a `Stream` of numbers that follows
//! `nextPageToken` until the server returns an empty one. While the caller
//! works through one page, the next is already being fetched (turn this off
//! with [`ListRequest::prefetch`]). Only one page is held at a time, so memory
//! stays flat however many numbers there are.
//!
//! Every listing ends. A server that hands out a token it already gave (among
//! the last [`TOKEN_WINDOW`] tokens) is reported as an error instead of
//! looping, and so is one that keeps sending empty pages with fresh tokens
//! ([`ListRequest::max_empty_pages`] in a row).

use std::collections::{HashSet, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use sinch_imported_numbers_api::direct::ListQuery;
use sinch_imported_numbers_api::types;

use crate::error::{Error, ErrorKind, InputError, Result, Setting};
use crate::handle::{Handle, Idempotency};
use crate::{ImportedNumber, Page, Region};

/// How many recent page tokens are remembered to notice a server that sends
/// the listing round in a circle: 8 bytes each, so memory stays bounded.
pub const TOKEN_WINDOW: usize = 4096;

/// The default limit of consecutive empty pages that still promise more.
const DEFAULT_MAX_EMPTY_PAGES: u32 = 10;

/// The order of listed numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderBy {
    /// By creation time.
    CreatedTime,
    /// By last update time.
    UpdatedTime,
}

/// A digit pattern to search for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NumberPattern {
    pattern: String,
    search: types::SearchPattern,
}

impl NumberPattern {
    /// Numbers starting with `prefix`, which includes the `+` and country
    /// code, e.g. `+1206` for area code 206.
    pub fn starts_with(prefix: impl Into<String>) -> Self {
        NumberPattern {
            pattern: prefix.into(),
            search: types::SearchPattern::Start,
        }
    }

    /// Numbers containing `digits` anywhere.
    pub fn contains(digits: impl Into<String>) -> Self {
        NumberPattern {
            pattern: digits.into(),
            search: types::SearchPattern::Contain,
        }
    }

    /// Numbers ending with `digits`.
    pub fn ends_with(digits: impl Into<String>) -> Self {
        NumberPattern {
            pattern: digits.into(),
            search: types::SearchPattern::End,
        }
    }

    fn check(&self) -> Result<(), InputError> {
        let digits = match self.search {
            types::SearchPattern::Start => self.pattern.strip_prefix('+').unwrap_or(&self.pattern),
            _ => &self.pattern,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 15 {
            return Err(InputError::invalid(
                Setting::NumberPattern,
                format!(
                    "{:?} must be 1 to 15 digits (a leading + is allowed for starts_with)",
                    self.pattern
                ),
            ));
        }
        Ok(())
    }
}

/// Which numbers to list. The API requires the service plan and campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListFilter {
    service_plan_id: String,
    campaign_id: String,
    region: Option<Region>,
    pattern: Option<NumberPattern>,
    order_by: Option<OrderBy>,
}

impl ListFilter {
    /// Numbers of this hosting order (service plan and campaign).
    pub fn new(service_plan_id: impl Into<String>, campaign_id: impl Into<String>) -> Self {
        ListFilter {
            service_plan_id: service_plan_id.into(),
            campaign_id: campaign_id.into(),
            region: None,
            pattern: None,
            order_by: None,
        }
    }

    /// Only numbers of this region.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// Only numbers matching this pattern.
    pub fn pattern(mut self, pattern: NumberPattern) -> Self {
        self.pattern = Some(pattern);
        self
    }

    /// The order of the results.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order);
        self
    }

    fn check(&self) -> Result<(), InputError> {
        if self.service_plan_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::ServicePlanId));
        }
        if self.campaign_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::CampaignId));
        }
        self.pattern.as_ref().map_or(Ok(()), NumberPattern::check)
    }
}

/// A listing; consume it with [`items`](Self::items) or [`pages`](Self::pages).
#[derive(Clone, Debug)]
#[must_use = "a listing does nothing until its stream is polled"]
pub struct ListRequest {
    handle: Arc<Handle>,
    filter: ListFilter,
    page_size: Option<u32>,
    prefetch: bool,
    max_empty_pages: u32,
}

impl ListRequest {
    pub(crate) fn new(handle: Arc<Handle>, filter: ListFilter) -> Self {
        ListRequest {
            handle,
            filter,
            page_size: None,
            prefetch: true,
            max_empty_pages: DEFAULT_MAX_EMPTY_PAGES,
        }
    }

    /// How many empty pages in a row, each with a next page token, the
    /// listing accepts before it fails with [`ErrorKind::Other`] (default 10,
    /// at least 1). A real server sends an empty page only at the end.
    pub fn max_empty_pages(mut self, pages: u32) -> Self {
        self.max_empty_pages = pages;
        self
    }

    /// How many numbers to ask for per page (the server may cap it). Must be at least 1.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Whether to fetch the next page while the current one is consumed (default on).
    pub fn prefetch(mut self, on: bool) -> Self {
        self.prefetch = on;
        self
    }

    /// Every matching number, page after page.
    pub fn items(self) -> BoxStream<'static, Result<ImportedNumber>> {
        self.pages()
            .map_ok(|page| stream::iter(page.numbers.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// The pages themselves, for callers who want page boundaries or totals.
    pub fn pages(self) -> BoxStream<'static, Result<Page>> {
        if let Err(e) = self.check() {
            return stream::once(async move { Err(e) }).boxed();
        }
        let (prefetch, max_empty_pages) = (self.prefetch, self.max_empty_pages);
        let pager = Pager {
            fetcher: Arc::new(self),
            next: Some(Next::Fetch(None)),
            seen: TokenWindow::default(),
            empty_run: 0,
        };
        stream::unfold(pager, move |mut pager| async move {
            let page = match pager.next.take()? {
                Next::Fetch(token) => pager.fetcher.clone().fetch(token).await,
                Next::Prefetched(task) => task.join().await,
                Next::Fail(error) => Err(error),
            };
            let page = match page {
                Ok(page) => page,
                Err(e) => return Some((Err(e), pager)),
            };
            pager.empty_run = if page.numbers.is_empty() {
                pager.empty_run.saturating_add(1)
            } else {
                0
            };
            if let Some(token) = page.next_page_token.clone() {
                pager.next = Some(if !pager.seen.insert(fingerprint(&token)) {
                    Next::Fail(Error::new(
                        ErrorKind::Other,
                        format!(
                            "server repeated page token {token:?}; stopping instead of looping"
                        ),
                    ))
                } else if pager.empty_run >= max_empty_pages {
                    Next::Fail(Error::new(
                        ErrorKind::Other,
                        format!(
                            "server sent {} empty pages in a row, each promising more; stopping instead of paging forever (see ListRequest::max_empty_pages)",
                            pager.empty_run
                        ),
                    ))
                } else if prefetch {
                    Next::Prefetched(Prefetch(tokio::spawn(
                        pager.fetcher.clone().fetch(Some(token)),
                    )))
                } else {
                    Next::Fetch(Some(token))
                });
            }
            Some((Ok(page), pager))
        })
        .boxed()
    }

    fn check(&self) -> Result<()> {
        self.filter.check()?;
        if self.max_empty_pages == 0 {
            return Err(InputError::invalid(Setting::MaxEmptyPages, "must be at least 1").into());
        }
        if self.page_size == Some(0) || self.page_size.is_some_and(|s| s > i32::MAX as u32) {
            return Err(
                InputError::invalid(Setting::PageSize, "must be between 1 and 2^31-1").into(),
            );
        }
        Ok(())
    }

    async fn fetch(self: Arc<Self>, token: Option<String>) -> Result<Page> {
        let (handle, filter) = (&self.handle, &self.filter);
        let response = handle
            .call(Idempotency::Idempotent, || {
                let query = ListQuery {
                    service_plan_id: &filter.service_plan_id,
                    campaign_id: &filter.campaign_id,
                    region_code: filter.region.map(|r| r.code()),
                    number_pattern_pattern: filter.pattern.as_ref().map(|p| p.pattern.as_str()),
                    number_pattern_search_pattern: filter.pattern.as_ref().map(|p| p.search),
                    order_by: filter.order_by.map(|order| match order {
                        OrderBy::CreatedTime => types::OrderBy::CreatedTime,
                        OrderBy::UpdatedTime => types::OrderBy::UpdatedTime,
                    }),
                    page_size: self.page_size.map(|size| size as i32),
                    page_token: token.as_deref(),
                };
                // The query is moved into the future, which then borrows it.
                async move {
                    handle
                        .direct
                        .list_imported_numbers(&handle.api, &handle.project_id, &query)
                        .await
                }
            })
            .await?;
        tracing::trace!(
            numbers = response.imported_numbers.len(),
            more = response
                .next_page_token
                .as_deref()
                .is_some_and(|t| !t.is_empty()),
            "fetched a page"
        );
        let numbers = response
            .imported_numbers
            .into_iter()
            .map(ImportedNumber::from_wire)
            .collect::<Result<_>>()?;
        Ok(Page {
            numbers,
            next_page_token: response.next_page_token.filter(|t| !t.is_empty()),
            total_size: response.total_size.and_then(|n| u64::try_from(n).ok()),
        })
    }
}

struct Pager {
    fetcher: Arc<ListRequest>,
    next: Option<Next>,
    seen: TokenWindow,
    /// Empty pages in a row so far.
    empty_run: u32,
}

/// Hashes of the last [`TOKEN_WINDOW`] page tokens.
#[derive(Default)]
struct TokenWindow {
    set: HashSet<u64>,
    order: VecDeque<u64>,
}

impl TokenWindow {
    /// Remembers `fingerprint`; false if it is already among the remembered.
    fn insert(&mut self, fingerprint: u64) -> bool {
        if !self.set.insert(fingerprint) {
            return false;
        }
        self.order.push_back(fingerprint);
        if self.order.len() > TOKEN_WINDOW {
            if let Some(oldest) = self.order.pop_front() {
                self.set.remove(&oldest);
            }
        }
        true
    }
}

enum Next {
    Fetch(Option<String>),
    Prefetched(Prefetch),
    Fail(Error),
}

/// A page being fetched in the background; dropping the stream cancels it.
struct Prefetch(tokio::task::JoinHandle<Result<Page>>);

impl Prefetch {
    async fn join(mut self) -> Result<Page> {
        (&mut self.0).await.unwrap_or_else(|e| {
            Err(Error::new(
                ErrorKind::Other,
                format!("page prefetch task failed: {e}"),
            ))
        })
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn fingerprint(token: &str) -> u64 {
    let mut h = DefaultHasher::new();
    token.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_token_window_forgets_the_oldest() {
        let mut window = super::TokenWindow::default();
        for n in 0..(super::TOKEN_WINDOW as u64 + 10) {
            assert!(window.insert(n));
        }
        assert_eq!(window.set.len(), super::TOKEN_WINDOW);
        assert!(
            !window.insert(super::TOKEN_WINDOW as u64),
            "recent: a repeat"
        );
        assert!(window.insert(0), "forgotten");
    }
}

#[cfg(test)]
mod input_tests {
    use super::*;
    use crate::Client;

    fn client() -> Client {
        Client::builder()
            .project_id("p")
            .key_id("k")
            .key_secret("s")
            .build()
            .unwrap()
    }

    async fn first_error(request: ListRequest) -> InputError {
        let mut pages = request.pages();
        let err = pages.next().await.unwrap().unwrap_err();
        assert!(
            pages.next().await.is_none(),
            "stream ends after an input error"
        );
        err.input_error().cloned().unwrap()
    }

    #[tokio::test]
    async fn bad_filters_fail_before_sending() {
        let c = client();
        assert_eq!(
            first_error(c.list(ListFilter::new("", "c"))).await,
            InputError::Missing(Setting::ServicePlanId)
        );
        assert_eq!(
            first_error(c.list(ListFilter::new("p", " "))).await,
            InputError::Missing(Setting::CampaignId)
        );
        assert_eq!(
            first_error(c.list(ListFilter::new("p", "c").pattern(NumberPattern::contains("+1"))))
                .await
                .setting(),
            Some(Setting::NumberPattern)
        );
        assert_eq!(
            first_error(c.list(ListFilter::new("p", "c")).page_size(0))
                .await
                .setting(),
            Some(Setting::PageSize)
        );
        assert_eq!(
            first_error(c.list(ListFilter::new("p", "c")).max_empty_pages(0))
                .await
                .setting(),
            Some(Setting::MaxEmptyPages)
        );
        assert!(NumberPattern::starts_with("+1206").check().is_ok());
        assert!(NumberPattern::ends_with("12a").check().is_err());
    }
}
