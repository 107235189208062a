//! Opaque page tokens.
//!
//! A token records where the previous page ended and a fingerprint of the
//! query it belongs to, so a token reused with other filters, or edited, is
//! refused with a clear 400 instead of returning the wrong numbers.

use std::hash::{DefaultHasher, Hash, Hasher};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::problem::Problem;
use crate::store::ListQuery;

fn fingerprint(project_id: &str, query: &ListQuery) -> u64 {
    let mut h = DefaultHasher::new();
    (project_id, query).hash(&mut h);
    h.finish()
}

/// The token for the page after sequence number `after`.
pub(crate) fn encode(project_id: &str, query: &ListQuery, after: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("v1:{after}:{:x}", fingerprint(project_id, query)))
}

/// Where the page for `token` starts.
pub(crate) fn decode(project_id: &str, query: &ListQuery, token: &str) -> Result<u64, Problem> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Order;

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
}
