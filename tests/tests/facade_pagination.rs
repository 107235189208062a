//! Auto-pagination against httpmock: following tokens, page size, filters,
//! and stopping on a repeated token.

use futures::TryStreamExt;
use httpmock::prelude::*;
use serde_json::json;
use sinch_imported_numbers::{ErrorKind, ListFilter, NumberPattern, OrderBy, Region};
use workspace_tests::{client, number_json, numbers_path};

fn page(numbers: &[&str], next: &str) -> serde_json::Value {
    json!({
        "importedNumbers": numbers.iter().map(|n| number_json(n)).collect::<Vec<_>>(),
        "nextPageToken": next,
        "totalSize": 5
    })
}

async fn three_pages(server: &MockServer) {
    let pages = [
        (None, vec!["+12065550001", "+12065550002"], "t2"),
        (Some("t2"), vec!["+12065550003", "+12065550004"], "t3"),
        (Some("t3"), vec!["+12065550005"], ""),
    ];
    for (token, numbers, next) in pages {
        server
            .mock_async(|when, then| {
                let when = when
                    .method(GET)
                    .path(numbers_path())
                    .query_param("servicePlanId", "plan")
                    .query_param("campaignId", "campaign")
                    .query_param("regionCode", "US")
                    .query_param("numberPattern.pattern", "+1206")
                    .query_param("numberPattern.searchPattern", "START")
                    .query_param("orderBy", "updatedTime")
                    .query_param("pageSize", "2");
                match token {
                    Some(t) => when.query_param("pageToken", t),
                    None => when.query_param_missing("pageToken"),
                };
                then.status(200).json_body(page(&numbers, next));
            })
            .await;
    }
}

fn filter() -> ListFilter {
    ListFilter::new("plan", "campaign")
        .region(Region::Us)
        .pattern(NumberPattern::starts_with("+1206"))
        .order_by(OrderBy::UpdatedTime)
}

#[tokio::test]
async fn items_follow_next_page_token_to_the_end() {
    let server = MockServer::start_async().await;
    three_pages(&server).await;
    for prefetch in [true, false] {
        let numbers: Vec<_> = client(&server.base_url())
            .list(filter())
            .page_size(2)
            .prefetch(prefetch)
            .items()
            .map_ok(|n| n.phone_number().to_string())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(
            numbers,
            [
                "+12065550001",
                "+12065550002",
                "+12065550003",
                "+12065550004",
                "+12065550005"
            ]
        );
    }
}

#[tokio::test]
async fn pages_expose_boundaries_and_totals() {
    let server = MockServer::start_async().await;
    three_pages(&server).await;
    let pages: Vec<_> = client(&server.base_url())
        .list(filter())
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    let shape: Vec<_> = pages
        .iter()
        .map(|p| (p.items.len(), p.next_page_token.clone(), p.total_size))
        .collect();
    assert_eq!(
        shape,
        [
            (2, Some("t2".to_owned()), Some(5)),
            (2, Some("t3".to_owned()), Some(5)),
            (1, None, Some(5))
        ]
    );
}

#[tokio::test]
async fn a_repeated_token_stops_with_an_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(numbers_path())
                .query_param_missing("pageToken");
            then.status(200).json_body(page(&["+12065550001"], "A"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(numbers_path())
                .query_param("pageToken", "A");
            then.status(200).json_body(page(&["+12065550002"], "B"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(numbers_path())
                .query_param("pageToken", "B");
            then.status(200).json_body(page(&["+12065550003"], "A"));
        })
        .await;
    let mut items = client(&server.base_url())
        .list(ListFilter::new("plan", "campaign"))
        .items();
    let mut seen = Vec::new();
    let err = loop {
        match items.try_next().await {
            Ok(Some(n)) => seen.push(n.phone_number().to_string()),
            Ok(None) => panic!("a looping server must not end quietly"),
            Err(e) => break e,
        }
    };
    assert_eq!(seen, ["+12065550001", "+12065550002", "+12065550003"]);
    assert_eq!(err.kind(), ErrorKind::Other);
    assert!(
        err.to_string().contains("repeated page token \"A\""),
        "{err}"
    );
    assert!(
        items.try_next().await.unwrap().is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(GET)
                .path(numbers_path())
                .query_param_missing("pageToken");
            then.status(200).json_body(page(&["+12065550001"], "bad"));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.method(GET).path(numbers_path()).query_param("pageToken", "bad");
            then.status(400).json_body(json!({"code": "400", "status": "INVALID_ARGUMENT", "message": "page_token is not valid"}));
        })
        .await;
    let results: Vec<_> = futures::StreamExt::collect(
        client(&server.base_url())
            .list(ListFilter::new("plan", "campaign"))
            .items(),
    )
    .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert_eq!(
        results[1].as_ref().unwrap_err().kind(),
        ErrorKind::InvalidArgument
    );
}
