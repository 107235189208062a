//! Hosting orders (`.../hostingOrders`): importing numbers and text-enabling
//! them through orders, each number's steps, and the order's report.

pub(crate) mod flow;
pub(crate) mod handlers;
pub(crate) mod progress;
pub(crate) mod store;
