//! A bulk import's report against the fake server: one outcome per input in
//! input order, told apart as imported, already imported, or failed.

use sinch_imported_numbers::{
    AuthMode, Client, ErrorKind, ImportResult, NumberImport, PhoneNumber, RetryPolicy,
};
use sinch_imported_numbers_fake::FakeServer;

fn number(text: &str) -> PhoneNumber {
    PhoneNumber::parse(text).unwrap()
}

#[tokio::test]
async fn the_report_tells_imported_existing_and_failed_numbers_apart() {
    let server = FakeServer::start().await.unwrap();
    let client = Client::builder()
        .auth(AuthMode::Basic)
        .project_id("p")
        .key_id(server.key_id())
        .key_secret(server.key_secret())
        .base_url(server.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let import = |n: &str| NumberImport::new(number(n)).service_plan_id("plan");
    client.import(import("+12065550101")).await.unwrap();

    let bulk = client
        .import_many([
            import("+12065550102"),
            import("+12065550101"),
            import("+12065550103").callback_url("ftp://example.com/hook"),
            import("+12065550104"),
        ])
        .concurrency(0)
        .max_rate(-1.0);
    assert_eq!(
        format!("{bulk:?}"),
        "BulkImport { concurrency: 1, adaptive: true, max_rate: None, .. }"
    );
    let report = bulk.run().await;
    let indexes: Vec<usize> = report.outcomes.iter().map(|o| o.index).collect();
    assert_eq!(indexes, [0, 1, 2, 3]);
    let imported: Vec<&str> = report.imported().map(|o| o.number.as_str()).collect();
    assert_eq!(imported, ["+12065550102", "+12065550104"]);
    let existing: Vec<usize> = report.already_existed().map(|o| o.index).collect();
    assert_eq!(existing, [1], "a 409 is not a failure");
    let failed: Vec<(usize, ErrorKind)> =
        report.failed().map(|(o, e)| (o.index, e.kind())).collect();
    assert_eq!(failed, [(2, ErrorKind::InvalidInput)]);
    match &report.outcomes[0].result {
        ImportResult::Imported(n) => assert_eq!(n.phone_number().as_str(), "+12065550102"),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.number_count("p"), 3);
}
