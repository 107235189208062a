//! The one pager every list operation goes through.
//!
//! A resource supplies "fetch the page after this token" (a closure over its
//! filter and the shared handle); [`Listing`] does the rest, the same way for
//! every list call: it follows `nextPageToken` until the server sends an
//! empty or absent one, fetches the next page while the caller works through
//! the current one (turn this off with [`Listing::prefetch`]), and holds one
//! page at a time, so memory stays flat however long the listing is.
//!
//! Every listing ends. A server that hands out a token it already gave
//! (among the last [`TOKEN_WINDOW`] tokens) is reported as an error instead of
//! looping, and so is one that keeps sending empty pages with fresh tokens
//! ([`Listing::max_empty_pages`] in a row).

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::handle::Handle;
use crate::error::{Error, ErrorKind, InputError, Result, Setting};

/// How many recent page tokens are remembered to notice a server that sends
/// the listing round in a circle: 8 bytes each, so memory stays bounded.
pub const TOKEN_WINDOW: usize = 4096;

/// The default limit of consecutive empty pages that still promise more.
const DEFAULT_MAX_EMPTY_PAGES: u32 = 10;

/// The order of a listing's items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrderBy {
    /// By creation time.
    CreatedTime,
    /// By last update time.
    UpdatedTime,
}

impl OrderBy {
    /// The wire value (every list operation shares the spec's `OrderBy`).
    pub(crate) fn wire(self) -> sinch_imported_numbers_api::types::OrderBy {
        use sinch_imported_numbers_api::types::OrderBy as Wire;
        match self {
            OrderBy::CreatedTime => Wire::CreatedTime,
            OrderBy::UpdatedTime => Wire::UpdatedTime,
        }
    }
}

/// One page of a listing, for callers who want page boundaries or totals.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items on this page, in the server's order.
    pub items: Vec<T>,
    /// The token of the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// How many items match in total, if the server said (a negative count
    /// from the server reads as unknown).
    pub total_size: Option<u64>,
}

impl<T> Page<T> {
    /// A page as decoded from the wire: an empty token means the last page,
    /// a negative total means unknown.
    pub(crate) fn new(
        items: Vec<T>,
        next_page_token: Option<String>,
        total_size: Option<i32>,
    ) -> Self {
        Page {
            items,
            next_page_token: next_page_token.filter(|t| !t.is_empty()),
            total_size: total_size.and_then(|n| u64::try_from(n).ok()),
        }
    }

    /// A page whose wire items `read` turns into models: an item that is not
    /// what the call returns fails the page instead of vanishing.
    pub(crate) fn read<W>(
        items: impl IntoIterator<Item = W>,
        read: impl FnMut(W) -> Result<T>,
        next_page_token: Option<String>,
        total_size: Option<i32>,
    ) -> Result<Self> {
        let items = items.into_iter().map(read).collect::<Result<_>>()?;
        Ok(Page::new(items, next_page_token, total_size))
    }
}

/// Adds the paging parameters every list operation takes (`orderBy`,
/// `pageSize`, `pageToken`) to a generated request builder: the builders are
/// distinct types with the same methods, so a macro serves them all.
macro_rules! with_paging {
    ($request:expr, $order_by:expr, $page_size:expr, $token:expr) => {{
        let mut request = $request;
        if let Some(order) = $order_by {
            request = request.order_by($crate::core::pager::OrderBy::wire(order));
        }
        if let Some(size) = $page_size {
            request = request.page_size(size as i32);
        }
        if let Some(token) = $token {
            request = request.page_token(token);
        }
        request
    }};
}
pub(crate) use with_paging;

/// Fetches the page after a token (`None`: the first page), asking for at
/// most `page_size` items when given.
pub(crate) type FetchPage<T> =
    Arc<dyn Fn(Option<u32>, Option<String>) -> BoxFuture<'static, Result<Page<T>>> + Send + Sync>;

/// A listing of `T`s; consume it with [`items`](Self::items) or
/// [`pages`](Self::pages). Nothing is sent until the stream is polled.
///
/// Every list operation of the client returns one: imported numbers
/// ([`ListRequest`](crate::ListRequest)), hosting orders, the numbers of a
/// hosting order, and qualified numbers.
#[must_use = "a listing does nothing until its stream is polled"]
pub struct Listing<T> {
    fetch: FetchPage<T>,
    /// What was wrong with the filter, found when the listing was made; the
    /// streams yield it first, before anything is sent.
    invalid: Option<InputError>,
    page_size: Option<u32>,
    prefetch: bool,
    max_empty_pages: u32,
}

impl<T> Clone for Listing<T> {
    fn clone(&self) -> Self {
        Listing {
            fetch: self.fetch.clone(),
            invalid: self.invalid.clone(),
            page_size: self.page_size,
            prefetch: self.prefetch,
            max_empty_pages: self.max_empty_pages,
        }
    }
}

impl<T> fmt::Debug for Listing<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listing")
            .field("item", &std::any::type_name::<T>())
            .field("invalid", &self.invalid)
            .field("page_size", &self.page_size)
            .field("prefetch", &self.prefetch)
            .field("max_empty_pages", &self.max_empty_pages)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static> Listing<T> {
    /// A listing whose filter was checked (`checked` is its verdict) and
    /// whose pages `fetch` gets.
    pub(crate) fn new(checked: std::result::Result<(), InputError>, fetch: FetchPage<T>) -> Self {
        Listing {
            fetch,
            invalid: checked.err(),
            page_size: None,
            prefetch: true,
            max_empty_pages: DEFAULT_MAX_EMPTY_PAGES,
        }
    }

    /// A listing of `query` whose pages `fetch` gets through `handle`, each
    /// page's call owning its own handles on both.
    pub(crate) fn fetching<Q, F, Fut>(
        checked: std::result::Result<(), InputError>,
        handle: Arc<Handle>,
        query: Q,
        fetch: F,
    ) -> Self
    where
        Q: Send + Sync + 'static,
        F: Fn(Arc<Handle>, Arc<Q>, Option<u32>, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Page<T>>> + Send + 'static,
    {
        let query = Arc::new(query);
        Listing::new(
            checked,
            Arc::new(move |page_size, token| {
                Box::pin(fetch(handle.clone(), query.clone(), page_size, token))
            }),
        )
    }

    /// How many empty pages in a row, each with a next page token, the
    /// listing accepts before it fails with [`ErrorKind::Other`] (default 10,
    /// at least 1). A real server sends an empty page only at the end.
    pub fn max_empty_pages(mut self, pages: u32) -> Self {
        self.max_empty_pages = pages;
        self
    }

    /// How many items to ask for per page, 1 to 2^31-1 (the server may send
    /// fewer). Without it the server picks.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// Whether to fetch the next page while the current one is consumed
    /// (default on). The background fetch stops when the stream is dropped.
    pub fn prefetch(mut self, on: bool) -> Self {
        self.prefetch = on;
        self
    }

    /// Every matching item, page after page. A bad filter or setting is the
    /// first and only item, an [`ErrorKind::InvalidInput`] error, and
    /// nothing is sent.
    pub fn items(self) -> BoxStream<'static, Result<T>> {
        self.pages()
            .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// The pages themselves, for callers who want page boundaries or totals.
    pub fn pages(self) -> BoxStream<'static, Result<Page<T>>> {
        if let Err(e) = self.check() {
            return stream::once(async move { Err(e) }).boxed();
        }
        let (prefetch, max_empty_pages, page_size) =
            (self.prefetch, self.max_empty_pages, self.page_size);
        let fetch = self.fetch;
        let pager = Pager {
            next: Some(Next::Fetch(None)),
            seen: TokenWindow::default(),
            empty_run: 0,
        };
        stream::unfold(pager, move |mut pager| {
            let fetch = fetch.clone();
            async move {
                let page = match pager.next.take()? {
                    Next::Fetch(token) => fetch(page_size, token).await,
                    Next::Prefetched(task) => task.join().await,
                    Next::Fail(error) => Err(error),
                };
                let page = match page {
                    Ok(page) => page,
                    Err(e) => return Some((Err(e), pager)),
                };
                pager.empty_run = if page.items.is_empty() {
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
                                "server sent {} empty pages in a row, each promising more; stopping instead of paging forever (see max_empty_pages)",
                                pager.empty_run
                            ),
                        ))
                    } else if prefetch {
                        Next::Prefetched(Prefetch(tokio::spawn(fetch(page_size, Some(token)))))
                    } else {
                        Next::Fetch(Some(token))
                    });
                }
                Some((Ok(page), pager))
            }
        })
        .boxed()
    }

    fn check(&self) -> Result<()> {
        if let Some(invalid) = &self.invalid {
            return Err(invalid.clone().into());
        }
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
}

struct Pager<T> {
    next: Option<Next<T>>,
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

enum Next<T> {
    Fetch(Option<String>),
    Prefetched(Prefetch<T>),
    Fail(Error),
}

/// A page being fetched in the background; dropping the stream cancels it.
struct Prefetch<T>(tokio::task::JoinHandle<Result<Page<T>>>);

impl<T> Prefetch<T> {
    async fn join(mut self) -> Result<Page<T>> {
        (&mut self.0).await.unwrap_or_else(|e| {
            Err(Error::new(
                ErrorKind::Other,
                format!("page prefetch task failed: {e}"),
            ))
        })
    }
}

impl<T> Drop for Prefetch<T> {
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
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn the_token_window_forgets_the_oldest() {
        let mut window = TokenWindow::default();
        for n in 0..(TOKEN_WINDOW as u64 + 10) {
            assert!(window.insert(n));
        }
        assert_eq!(window.set.len(), TOKEN_WINDOW);
        assert!(!window.insert(TOKEN_WINDOW as u64), "recent: a repeat");
        assert!(window.insert(0), "forgotten");
    }

    /// A listing over canned pages: page `n` has token `n+1` until `last`.
    fn canned(last: usize, calls: Arc<AtomicUsize>) -> Listing<usize> {
        Listing::new(
            Ok(()),
            Arc::new(move |_size, token: Option<String>| {
                calls.fetch_add(1, Ordering::SeqCst);
                let n: usize = token.map_or(0, |t| t.parse().unwrap());
                Box::pin(async move {
                    let next = (n < last).then(|| (n + 1).to_string());
                    Ok(Page::new(vec![n], next, Some(-1)))
                })
            }),
        )
    }

    #[tokio::test]
    async fn follows_tokens_to_the_end() {
        let calls = Arc::new(AtomicUsize::new(0));
        let items: Vec<usize> = canned(4, calls.clone())
            .items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(items, [0, 1, 2, 3, 4]);
        assert_eq!(calls.load(Ordering::SeqCst), 5);
    }

    #[tokio::test]
    async fn dropping_a_listing_stops_its_prefetch() {
        /// Marks `dropped` when the page fetch it lives in is dropped.
        struct Guard(Arc<AtomicUsize>);
        impl Drop for Guard {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicUsize::new(0));
        let listing = Listing::new(Ok(()), {
            let dropped = dropped.clone();
            Arc::new(move |_size, token: Option<String>| {
                let guard = Guard(dropped.clone());
                Box::pin(async move {
                    if token.is_some() {
                        // The second page never comes.
                        std::future::pending::<()>().await;
                    }
                    drop(guard);
                    Ok(Page::new(vec![0_usize], Some("next".to_owned()), None))
                })
            })
        });
        let mut pages = listing.pages();
        pages.next().await.unwrap().unwrap();
        tokio::task::yield_now().await;
        assert_eq!(dropped.load(Ordering::SeqCst), 1, "the first fetch ended");
        drop(pages);
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(
            dropped.load(Ordering::SeqCst),
            2,
            "the prefetch of the second page was stopped"
        );
    }

    #[tokio::test]
    async fn page_size_and_empty_page_limits_are_inclusive() {
        let calls = Arc::new(AtomicUsize::new(0));
        for (size, ok) in [
            (0, false),
            (1, true),
            (i32::MAX as u32, true),
            (i32::MAX as u32 + 1, false),
        ] {
            let first = canned(0, calls.clone())
                .page_size(size)
                .pages()
                .next()
                .await;
            assert_eq!(first.unwrap().is_ok(), ok, "page size {size}");
        }
        for (pages, ok) in [(0, false), (1, true)] {
            let first = canned(0, calls.clone())
                .max_empty_pages(pages)
                .pages()
                .next()
                .await;
            assert_eq!(first.unwrap().is_ok(), ok, "max_empty_pages {pages}");
        }
    }

    #[test]
    fn debug_shows_the_settings() {
        let listing = canned(0, Arc::new(AtomicUsize::new(0)))
            .page_size(50)
            .prefetch(false);
        assert_eq!(
            format!("{:?}", listing.clone()),
            "Listing { item: \"usize\", invalid: None, page_size: Some(50), prefetch: false, max_empty_pages: 10, .. }"
        );
    }

    #[tokio::test]
    async fn a_bad_setting_sends_nothing() {
        let calls = Arc::new(AtomicUsize::new(0));
        let mut pages = canned(4, calls.clone()).page_size(0).pages();
        let err = pages.next().await.unwrap().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(pages.next().await.is_none());
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }
}
