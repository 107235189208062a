//! Listing hosting orders and the numbers of one order: the filters (the
//! API requires state, type, service plan and campaign for orders, so
//! [`HostingOrderFilter::new`] takes all four) and the page fetches behind
//! the shared [`Listing`].

use std::sync::Arc;

use crate::core::handle::{Handle, Idempotency};
use crate::core::pager::{with_paging, Listing, OrderBy, Page};
use crate::error::{InputError, Result, Setting};
use crate::types::{HostingOrderState, HostingOrderType, State};
use crate::Region;

use super::{check_id, HostingOrder, HostingOrderNumber};

/// Which hosting orders to list. The service refuses a listing without a
/// state, a type, a service plan and a campaign, so all four are needed to
/// build one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostingOrderFilter {
    state: HostingOrderState,
    order_type: HostingOrderType,
    service_plan_id: String,
    campaign_id: String,
    region: Option<Region>,
    order_by: Option<OrderBy>,
}

impl HostingOrderFilter {
    /// Orders in `state`, of `order_type`, for this service plan and campaign.
    /// A `campaign_id` of `""` lists the orders without a campaign
    /// (toll-free ones, which have none; it is sent empty). An empty service
    /// plan, or ids of spaces only, are refused when the listing starts,
    /// before anything is sent.
    pub fn new(
        state: HostingOrderState,
        order_type: HostingOrderType,
        service_plan_id: impl Into<String>,
        campaign_id: impl Into<String>,
    ) -> Self {
        HostingOrderFilter {
            state,
            order_type,
            service_plan_id: service_plan_id.into(),
            campaign_id: campaign_id.into(),
            region: None,
            order_by: None,
        }
    }

    /// Only orders of this region.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The order of the results.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order);
        self
    }

    fn check(&self) -> std::result::Result<(), InputError> {
        if self.service_plan_id.trim().is_empty() {
            return Err(InputError::Missing(Setting::ServicePlanId));
        }
        // Empty lists the orders without a campaign (toll-free ones);
        // only spaces is a slip.
        if !self.campaign_id.is_empty() && self.campaign_id.trim().is_empty() {
            return Err(InputError::invalid(
                Setting::CampaignId,
                "is blank; give \"\" for orders without a campaign (toll-free ones)",
            ));
        }
        Ok(())
    }
}

/// Which numbers of a hosting order to list: all of them by default, or
/// only those whose steps are in the given states.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HostingOrderNumberFilter {
    osr_update: Option<State>,
    platform_provisioning: Option<State>,
    campaign_provisioning: Option<State>,
    order_by: Option<OrderBy>,
}

impl HostingOrderNumberFilter {
    /// Every number of the order.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only numbers whose OSR update is in `state`.
    pub fn osr_update(mut self, state: State) -> Self {
        self.osr_update = Some(state);
        self
    }

    /// Only numbers whose SMS platform provisioning is in `state`.
    pub fn platform_provisioning(mut self, state: State) -> Self {
        self.platform_provisioning = Some(state);
        self
    }

    /// Only numbers whose campaign link is in `state`.
    pub fn campaign_provisioning(mut self, state: State) -> Self {
        self.campaign_provisioning = Some(state);
        self
    }

    /// The order of the results.
    pub fn order_by(mut self, order: OrderBy) -> Self {
        self.order_by = Some(order);
        self
    }
}

pub(crate) fn orders(handle: Arc<Handle>, filter: HostingOrderFilter) -> Listing<HostingOrder> {
    Listing::fetching(filter.check(), handle, filter, fetch_orders)
}

async fn fetch_orders(
    handle: Arc<Handle>,
    filter: Arc<HostingOrderFilter>,
    page_size: Option<u32>,
    token: Option<String>,
) -> Result<Page<HostingOrder>> {
    let (handle, filter) = (&*handle, &*filter);
    handle
        .call_then(
            Idempotency::Idempotent,
            || {
                let mut request = handle
                    .api
                    .list_hosting_orders()
                    .project_id(&handle.project_id)
                    .states(filter.state.clone())
                    .type_(filter.order_type.clone())
                    .service_plan_id(&filter.service_plan_id)
                    .campaign_id(&filter.campaign_id);
                if let Some(region) = filter.region {
                    request = request.region_code(region.code());
                }
                with_paging!(request, filter.order_by, page_size, token.as_deref()).send()
            },
            |response| {
                Page::read(
                    response.hosting_orders.unwrap_or_default(),
                    HostingOrder::from_wire,
                    response.next_page_token,
                    response.total_size,
                )
            },
        )
        .await
}

pub(crate) fn numbers(
    handle: Arc<Handle>,
    hosting_order_id: String,
    filter: HostingOrderNumberFilter,
) -> Listing<HostingOrderNumber> {
    let checked = check_id(&hosting_order_id);
    Listing::fetching(checked, handle, (hosting_order_id, filter), fetch_numbers)
}

async fn fetch_numbers(
    handle: Arc<Handle>,
    query: Arc<(String, HostingOrderNumberFilter)>,
    page_size: Option<u32>,
    token: Option<String>,
) -> Result<Page<HostingOrderNumber>> {
    let (handle, (hosting_order_id, filter)) = (&*handle, &*query);
    handle
        .call_then(
            Idempotency::Idempotent,
            || {
                let mut request = handle
                    .api
                    .list_hosting_order_numbers()
                    .project_id(&handle.project_id)
                    .hosting_order_id(hosting_order_id);
                if let Some(state) = &filter.osr_update {
                    request = request.osr_update_state(state.clone());
                }
                if let Some(state) = &filter.platform_provisioning {
                    request = request.platform_provisioning_state(state.clone());
                }
                if let Some(state) = &filter.campaign_provisioning {
                    request = request.campaign_provisioning_state(state.clone());
                }
                with_paging!(request, filter.order_by, page_size, token.as_deref()).send()
            },
            |response| {
                Page::read(
                    response.numbers.unwrap_or_default(),
                    HostingOrderNumber::from_wire,
                    response.next_page_token,
                    response.total_size,
                )
            },
        )
        .await
}
