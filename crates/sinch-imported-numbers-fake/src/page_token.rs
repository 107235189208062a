//! Opaque page tokens, and cutting a listing into pages.
//!
//! A token records where the previous page ended and a fingerprint of the
//! query it belongs to, so a token reused with other filters, or edited, is
//! refused with a clear 400 instead of returning the wrong numbers. Every
//! listing uses them: the fingerprint covers whatever query type it hashes.

use std::hash::{DefaultHasher, Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::problem::Problem;

fn fingerprint<Q: Hash>(project_id: &str, query: &Q) -> u64 {
    let mut h = DefaultHasher::new();
    (project_id, query).hash(&mut h);
    h.finish()
}

/// The token for the page after sequence number `after`.
pub(crate) fn encode<Q: Hash>(project_id: &str, query: &Q, after: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{after}:{:x}", fingerprint(project_id, query)))
}

/// Where the page for `token` starts.
pub(crate) fn decode<Q: Hash>(project_id: &str, query: &Q, token: &str) -> Result<u64, Problem> {
    let invalid = || Problem::invalid(format!("page_token {token:?} is not valid"));
    let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let mut parts = text.split(':');
    let (Some("v1"), Some(after), Some(print), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid());
    };
    let after: u64 = after.parse().map_err(|_| invalid())?;
    if print != format!("{:x}", fingerprint(project_id, query)) {
        return Err(Problem::invalid(format!(
            "page_token {token:?} belongs to a listing with other filters or order"
        )));
    }
    Ok(after)
}

/// One page of a listing.
pub(crate) struct Page<T> {
    pub items: Vec<T>,
    /// The position of the page's last item, when more follow.
    pub more_after: Option<u64>,
    /// How many items match, over all pages.
    pub total: usize,
}

/// Cuts the page after position `after` (none: the first page) of at most
/// `size` items from `hits`, every matching item keyed by its position in
/// the listing's order (positions are unique).
pub(crate) fn paginate<T>(mut hits: Vec<(u64, T)>, after: Option<u64>, size: usize) -> Page<T> {
    let total = hits.len();
    hits.sort_unstable_by_key(|(position, _)| *position);
    let mut rest = hits
        .into_iter()
        .filter(|(position, _)| after.is_none_or(|a| *position > a))
        .peekable();
    let mut items = Vec::with_capacity(size.min(1024));
    let mut last = None;
    while items.len() < size {
        let Some((position, item)) = rest.next() else {
            break;
        };
        items.push(item);
        last = Some(position);
    }
    let more_after = if rest.peek().is_some() { last } else { None };
    Page {
        items,
        more_after,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::imported_numbers::store::{ListQuery, Order};

    fn query(plan: &str) -> ListQuery {
        ListQuery {
            service_plan_id: plan.into(),
            campaign_id: "c".into(),
            region: None,
            pattern: None,
            order: Order::Created,
        }
    }

    #[test]
    fn round_trip_and_rejections() {
        let token = encode("p", &query("a"), 42);
        assert_eq!(decode("p", &query("a"), &token), Ok(42));
        assert!(decode("p", &query("b"), &token)
            .unwrap_err()
            .message
            .contains("other filters"));
        assert!(decode("q", &query("a"), &token).is_err());
        assert!(decode("p", &query("a"), "garbage!")
            .unwrap_err()
            .message
            .contains("is not valid"));
        assert!(decode("p", &query("a"), &URL_SAFE_NO_PAD.encode("v1:x:0")).is_err());
    }

    #[test]
    fn pages_follow_positions() {
        let hits = vec![(5, 'c'), (1, 'a'), (3, 'b')];
        let first = paginate(hits.clone(), None, 2);
        assert_eq!(
            (first.items, first.more_after, first.total),
            (vec!['a', 'b'], Some(3), 3)
        );
        let second = paginate(hits.clone(), Some(3), 2);
        assert_eq!((second.items, second.more_after), (vec!['c'], None));
        let exact = paginate(hits, None, 3);
        assert_eq!(exact.more_after, None);
    }
}
