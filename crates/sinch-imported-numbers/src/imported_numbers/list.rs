//! Listing imported numbers: the filter the API requires (service plan and
//! campaign) and its options; paging is the shared [`Listing`]'s.

use std::sync::Arc;

use sinch_imported_numbers_api::direct::ListQuery;
use sinch_imported_numbers_api::types;

use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::{Listing, OrderBy, Page};
use crate::error::{InputError, Result, Setting};
use crate::{ImportedNumber, Region};

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

    pub(crate) fn check(&self) -> Result<(), InputError> {
        if self.service_plan_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::ServicePlanId));
        }
        if self.campaign_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::CampaignId));
        }
        self.pattern.as_ref().map_or(Ok(()), NumberPattern::check)
    }
}

/// A listing of imported numbers; see [`Listing`] for paging, prefetch and
/// the guards that make every listing end.
pub type ListRequest = Listing<ImportedNumber>;

/// The listing of `filter`'s numbers: the filter is checked now (its error
/// is the stream's first item), each page fetched through the fast path.
pub(crate) fn list(handle: Arc<Handle>, filter: ListFilter) -> ListRequest {
    Listing::fetching(filter.check(), handle, filter, fetch)
}

async fn fetch(
    handle: Arc<Handle>,
    filter: Arc<ListFilter>,
    page_size: Option<u32>,
    token: Option<String>,
) -> Result<Page<ImportedNumber>> {
    let (handle, filter) = (&*handle, &*filter);
    handle
        .call_then(
            Idempotency::Idempotent,
            || {
                let query = ListQuery {
                    service_plan_id: &filter.service_plan_id,
                    campaign_id: &filter.campaign_id,
                    region_code: filter.region.map(|r| r.code()),
                    number_pattern_pattern: filter.pattern.as_ref().map(|p| p.pattern.as_str()),
                    number_pattern_search_pattern: filter.pattern.as_ref().map(|p| p.search),
                    order_by: filter.order_by.map(OrderBy::wire),
                    page_size: page_size.map(|size| size as i32),
                    page_token: token.as_deref(),
                };
                // The query is moved into the future, which then borrows it.
                async move {
                    handle
                        .direct
                        .list_imported_numbers(&handle.api, &handle.project_id, &query)
                        .await
                }
            },
            |response| {
                tracing::trace!(
                    numbers = response.imported_numbers.len(),
                    more = response
                        .next_page_token
                        .as_deref()
                        .is_some_and(|t| !t.is_empty()),
                    "fetched a page"
                );
                Page::read(
                    response.imported_numbers,
                    ImportedNumber::from_wire,
                    response.next_page_token,
                    response.total_size,
                )
            },
        )
        .await
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

    use futures::StreamExt;

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

    #[test]
    fn number_patterns_are_1_to_15_digits() {
        let fifteen = "120655501341234";
        for pattern in [
            NumberPattern::contains("1"),
            NumberPattern::ends_with(fifteen),
            NumberPattern::starts_with(format!("+{fifteen}")),
        ] {
            assert!(pattern.check().is_ok(), "{pattern:?}");
        }
        for pattern in [
            NumberPattern::contains(""),
            NumberPattern::starts_with("+"),
            NumberPattern::ends_with(format!("{fifteen}5")),
            NumberPattern::starts_with(format!("+{fifteen}5")),
            NumberPattern::ends_with("+1206"),
        ] {
            let error = pattern.check().unwrap_err();
            assert_eq!(error.setting(), Some(Setting::NumberPattern), "{pattern:?}");
        }
        assert_eq!(
            NumberPattern::contains("12x").check().unwrap_err().to_string(),
            format!(
                "{} is invalid: \"12x\" must be 1 to 15 digits (a leading + is allowed for starts_with)",
                Setting::NumberPattern
            )
        );
    }
}
