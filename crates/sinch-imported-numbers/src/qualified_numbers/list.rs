//! Listing qualified numbers: the filter (the API requires a global process
//! state, so [`QualifiedNumberFilter::new`] takes one) and the page fetch
//! behind the shared [`Listing`].

use std::sync::Arc;

use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::{with_paging, Listing, OrderBy, Page};
use crate::error::Result;
use crate::types::GlobalProcessState;
use crate::Region;

use super::QualifiedNumber;

/// Which qualified numbers to list. The service refuses a listing without
/// a state, so one is needed to build a filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QualifiedNumberFilter {
    state: GlobalProcessState,
    region: Option<Region>,
    order_by: Option<OrderBy>,
}

impl QualifiedNumberFilter {
    /// Numbers in `state`.
    pub fn new(state: GlobalProcessState) -> Self {
        QualifiedNumberFilter {
            state,
            region: None,
            order_by: None,
        }
    }

    /// Only numbers of this region.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The order of the results.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order);
        self
    }
}

pub(crate) fn qualified_numbers(
    handle: Arc<Handle>,
    filter: QualifiedNumberFilter,
) -> Listing<QualifiedNumber> {
    Listing::fetching(Ok(()), handle, filter, fetch)
}

async fn fetch(
    handle: Arc<Handle>,
    filter: Arc<QualifiedNumberFilter>,
    page_size: Option<u32>,
    token: Option<String>,
) -> Result<Page<QualifiedNumber>> {
    let (handle, filter) = (&*handle, &*filter);
    handle
        .call_then(
            Idempotency::Idempotent,
            || {
                let mut request = handle
                    .api
                    .list_qualified_numbers()
                    .project_id(&handle.project_id)
                    .states(filter.state.clone());
                if let Some(region) = filter.region {
                    request = request.region_code(region.code());
                }
                with_paging!(request, filter.order_by, page_size, token.as_deref()).send()
            },
            |response| {
                Page::read(
                    response.qualified_numbers.unwrap_or_default(),
                    QualifiedNumber::from_wire,
                    response.next_page_token,
                    response.total_size,
                )
            },
        )
        .await
}
