//! [`Page`]: one page of a listing.

use crate::ImportedNumber;

/// One page of a listing, for callers who want page boundaries or totals.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Page {
    /// The numbers on this page.
    pub numbers: Vec<ImportedNumber>,
    /// The token of the next page; `None` on the last page.
    pub next_page_token: Option<String>,
    /// How many numbers match in total, if the server said (a negative
    /// count from the server reads as unknown).
    pub total_size: Option<u64>,
}
