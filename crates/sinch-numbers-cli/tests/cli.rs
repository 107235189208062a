//! `sinch-numbers` as people run it: the binary against the fake server, for
//! every subcommand and output format, CSV files with bad rows (dry run and
//! real), re-runs, reports, exit statuses, and the progress bar on a
//! terminal (under `script`, which gives the program a pseudo-terminal);
//! hosting orders and qualified numbers from the fake's seeding helpers.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use sinch_imported_numbers::callbacks::{self, CallbackSecret};
use sinch_imported_numbers::types::{
    GlobalProcessState, HostingOrderState, HostingOrderType, HostingStatus, State,
};
use sinch_imported_numbers_fake::{
    FakeServer, FakeServerBuilder, HostingOrderNumberSeed, HostingOrderSeed, HostingStep,
    QualifiedNumberSeed,
};

const PROJECT: &str = "cli-project";

mod common;
use common::Fake;

impl Fake {
    fn start() -> Fake {
        Self::with(FakeServer::builder())
    }

    fn with(builder: FakeServerBuilder) -> Fake {
        Fake::in_project(PROJECT, builder)
    }

    fn count(&self) -> usize {
        self.server.number_count(PROJECT)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn csv_file(dir: &Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("numbers.csv");
    std::fs::write(&path, text).unwrap();
    path
}

const SHEET: &str = "number,display name,campaign\n(206) 555-0101,Front desk,c1\n206.555.0102,Back office,\n12345,Bad,c1\n+44 20 7183 8750,UK,c1\n";

#[test]
fn import_one_number_then_again() {
    let fake = Fake::start();
    fake.cli()
        .args([
            "import",
            "(206) 555-0134",
            "--service-plan-id",
            "plan",
            "--campaign-id",
            "c1",
        ])
        .assert()
        .success()
        .stdout("imported 1, already existed 0, failed 0, invalid 0\n");
    fake.cli()
        .args(["import", "+12065550134", "--service-plan-id", "plan"])
        .assert()
        .success()
        .stdout(predicate::str::contains("already existed 1"));
    fake.cli()
        .args(["import", "206555"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("206555: invalid phone number"));
    assert_eq!(fake.count(), 1);
}

#[test]
fn a_csv_with_bad_rows_dry_run_real_run_report_and_rerun() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(dir.path(), SHEET);
    let sheet = sheet.to_str().unwrap();

    let dry = fake
        .cli()
        .args([
            "import",
            "--csv",
            sheet,
            "--dry-run",
            "--service-plan-id",
            "plan-a",
            "--campaign-id",
            "c9",
        ])
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .code(1)
        .stdout("2 valid, 2 invalid (dry run: nothing sent)\n")
        .stderr(predicate::str::contains(
            "row 4 (12345): invalid phone number",
        ))
        .stderr(predicate::str::contains("row 5 (+44 20 7183 8750)"))
        .stderr(predicate::str::contains("US or CA"));
    drop(dry);
    assert_eq!(fake.count(), 0, "a dry run sends nothing");

    let report = dir.path().join("report.csv");
    fake.cli()
        .args([
            "import",
            "--csv",
            sheet,
            "--service-plan-id",
            "plan-a",
            "--campaign-id",
            "c9",
        ])
        .args(["--report", report.to_str().unwrap(), "--concurrency", "2"])
        .assert()
        .code(1)
        .stdout("imported 2, already existed 0, failed 0, invalid 2\n");
    let mut rows = csv::Reader::from_path(&report).unwrap();
    let rows: Vec<Vec<String>> = rows
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 4, "one row per input");
    assert_eq!(rows[0][..3], ["2", "(206) 555-0101", "imported"]);
    assert_eq!(rows[1][..3], ["3", "206.555.0102", "imported"]);
    assert_eq!(rows[2][2], "invalid");
    assert!(rows[2][3].contains("10 digits"), "{:?}", rows[2]);

    // Re-running the same file is safe: the imported ones exist now.
    fake.cli()
        .args(["import", "--csv", sheet, "--service-plan-id", "plan-a"])
        .assert()
        .code(1)
        .stdout("imported 0, already existed 2, failed 0, invalid 2\n");
    assert_eq!(fake.count(), 2);

    // Column defaults: the row's own campaign wins, the flag fills the blank.
    fake.cli()
        .args(["get", "+12065550102", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "+12065550102,US,Back office,plan-a,c9,",
        ));
    fake.cli()
        .args(["get", "+12065550101", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(",plan-a,c1,"));

    // A file without a number column is refused before anything is read.
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "name\nx\n").unwrap();
    fake.cli()
        .args(["import", "--csv", odd.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no number column"));
}

#[test]
fn list_in_every_format_with_filters() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(
        dir.path(),
        "number,name\n+12065550101,a\n+12065550102,b\n+14165550103,\"c, with comma\"\n",
    );
    // One at a time, so the listing (in creation order) is in file order.
    fake.cli()
        .args([
            "import",
            "--csv",
            sheet.to_str().unwrap(),
            "--service-plan-id",
            "p",
            "--campaign-id",
            "c",
            "--concurrency",
            "1",
        ])
        .assert()
        .success();
    let list = |format: &str, extra: &[&str]| -> String {
        let output = fake
            .cli()
            .args([
                "list",
                "--service-plan-id",
                "p",
                "--campaign-id",
                "c",
                "--page-size",
                "2",
                "-o",
                format,
            ])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        stdout(&output)
    };
    let table = list("table", &[]);
    assert!(table.starts_with("NUMBER "), "{table}");
    assert_eq!(table.lines().count(), 4);
    let csv_text = list("csv", &[]);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let names: Vec<String> = reader.records().map(|r| r.unwrap()[2].to_owned()).collect();
    assert_eq!(names, ["a", "b", "c, with comma"]);
    let json: serde_json::Value = serde_json::from_str(&list("json", &[])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[0]["phoneNumber"], "+12065550101");
    let jsonl = list("jsonl", &[]);
    assert_eq!(jsonl.lines().count(), 3);
    for line in jsonl.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap();
    }
    assert_eq!(list("jsonl", &["--region", "CA"]).lines().count(), 1);
    assert_eq!(
        list("jsonl", &["--starts-with", "+1206"]).lines().count(),
        2
    );
    assert_eq!(list("jsonl", &["--ends-with", "0103"]).lines().count(), 1);
    let empty = list("json", &["--contains", "999999"]);
    assert_eq!(empty.trim(), "[]");
    fake.cli()
        .args([
            "list",
            "--service-plan-id",
            "p",
            "--campaign-id",
            "c",
            "--starts-with",
            "+1",
            "--contains",
            "2",
        ])
        .assert()
        .code(2);
}

#[test]
fn get_update_relink_and_their_errors() {
    let fake = Fake::start();
    fake.cli()
        .args([
            "import",
            "+12065550134",
            "--service-plan-id",
            "p1",
            "--campaign-id",
            "c1",
        ])
        .assert()
        .success();
    let json = fake
        .cli()
        .args(["get", "206-555-0134", "-o", "json"])
        .output()
        .unwrap();
    let got: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(got["smsConfiguration"]["servicePlanId"], "p1");
    fake.cli()
        .args(["get", "+12065550199"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"))
        .stderr(predicate::str::contains(
            "hint: the number is not imported in this project",
        ));

    fake.cli()
        .args([
            "update",
            "+12065550134",
            "--display-name",
            "Reception",
            "--callback-url",
            "https://example.com/cb",
            "-o",
            "jsonl",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""displayName":"Reception""#))
        .stdout(predicate::str::contains(
            r#""callbackUrl":"https://example.com/cb""#,
        ));
    fake.cli()
        .args(["update", "+12065550134"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to update"));
    fake.cli()
        .args(["update", "+12065550134", "--callback-url", "not a url"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("callback url is invalid"));
    fake.cli()
        .args(["update", "+12065550134", "--service-plan-id", "p2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("FAILED_PRECONDITION"))
        .stderr(predicate::str::contains("use `sinch-numbers relink`"));
    fake.cli()
        .args([
            "relink",
            "+12065550134",
            "--service-plan-id",
            "p2",
            "--campaign-id",
            "c2",
            "-o",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(",p2,c2,"));
    fake.cli()
        .args(["update", "+12065550134", "--unlink-campaign", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains(",p2,,"));
}

#[test]
fn delete_asks_unless_told_and_is_safe_to_repeat() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(dir.path(), "number\n+12065550101\n+12065550102\nnonsense\n");
    fake.cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(fake.count(), 2);
    fake.cli()
        .args(["delete", "+12065550101"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    assert_eq!(fake.count(), 2, "nothing deleted without confirmation");
    fake.cli()
        .args(["delete", "--csv", sheet.to_str().unwrap(), "--yes"])
        .assert()
        .code(1)
        .stdout("+12065550101\tdeleted\n+12065550102\tdeleted\n")
        .stderr(predicate::str::contains("row 4 (nonsense)"));
    assert_eq!(fake.count(), 0);
    fake.cli()
        .args(["delete", "+12065550101", "--yes", "-o", "jsonl"])
        .assert()
        .success()
        .stdout(r#"{"number":"+12065550101","outcome":"not found"}"#.to_owned() + "\n");
}

#[test]
fn wait_and_import_wait_report_ready_and_failed() {
    let fake = Fake::start();
    fake.server
        .fail_campaign("bad-campaign", &["CAMPAIGN_EXPIRED"]);
    fake.cli()
        .args([
            "import",
            "+12065550101",
            "--service-plan-id",
            "p",
            "--campaign-id",
            "good",
        ])
        .assert()
        .success();
    fake.cli()
        .args([
            "import",
            "+12065550102",
            "--service-plan-id",
            "p",
            "--campaign-id",
            "bad-campaign",
        ])
        .assert()
        .success();
    fake.cli()
        .args([
            "wait",
            "+12065550101",
            "+12065550102",
            "--poll-interval",
            "20ms",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("+12065550101\tready"))
        .stdout(predicate::str::contains(
            "+12065550102\tfailed\tfailed (CAMPAIGN_EXPIRED)",
        ));
    fake.cli()
        .args(["import", "+12065550103", "--service-plan-id", "p", "--wait"])
        .assert()
        .success()
        .stdout(predicate::str::contains("+12065550103\tready"));
    fake.cli()
        .args(["wait", "+12065550199", "-o", "jsonl"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(r#""outcome":"error""#));
}

#[test]
fn callback_secret_and_verify_callback() {
    let fake = Fake::start();
    fake.cli()
        .args(["callback-secret", "get"])
        .assert()
        .success()
        .stdout("fake-callback-secret\n");
    fake.cli()
        .args(["callback-secret", "set"])
        .write_stdin("rotated-secret-1\n")
        .assert()
        .success();
    assert_eq!(fake.server.callback_secret(PROJECT), "rotated-secret-1");

    let dir = tempfile::tempdir().unwrap();
    let body = br#"{"eventId":"e1","resourceId":"+12065550134","eventType":"LINK_TO_10DLC_CAMPAIGN","status":"FAILED","failureCode":"CAMPAIGN_EXPIRED"}"#;
    let body_path = dir.path().join("body.json");
    std::fs::write(&body_path, body).unwrap();
    let signature = callbacks::sign(&CallbackSecret::new("rotated-secret-1").unwrap(), body);
    // The project's secret is fetched with the configured key.
    fake.cli()
        .args([
            "verify-callback",
            "--body",
            body_path.to_str().unwrap(),
            "--signature",
            &signature,
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("signature ok"))
        .stdout(predicate::str::contains("failure CAMPAIGN_EXPIRED"));
    // Or given in a file, with no configuration at all.
    let secret_path = dir.path().join("secret");
    std::fs::write(&secret_path, "rotated-secret-1\n").unwrap();
    Command::cargo_bin("sinch-numbers")
        .unwrap()
        .env_clear()
        .args([
            "verify-callback",
            "--body",
            "-",
            "--signature",
            &signature,
            "-o",
            "json",
        ])
        .args(["--secret-file", secret_path.to_str().unwrap()])
        .write_stdin(body.to_vec())
        .assert()
        .success()
        .stdout(predicate::str::contains(r#""eventId":"e1""#));
    let mut tampered = body.to_vec();
    tampered[10] = b'X';
    std::fs::write(&body_path, tampered).unwrap();
    fake.cli()
        .args([
            "verify-callback",
            "--body",
            body_path.to_str().unwrap(),
            "--signature",
            &signature,
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("does not match the body"));
}

#[test]
fn configuration_comes_from_the_environment_or_flags_and_never_the_secret_flag() {
    let fake = Fake::start();
    fake.cli()
        .env_remove("SINCH_PROJECT_ID")
        .args(["get", "+12065550134"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the project id is not set"))
        .stderr(predicate::str::contains(
            "pass --project-id or set SINCH_PROJECT_ID",
        ));
    fake.cli()
        .env_remove("SINCH_KEY_SECRET")
        .args(["get", "+12065550134"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("SINCH_KEY_SECRET"));
    fake.cli()
        .args(["--key-secret", "x", "get", "+12065550134"])
        .assert()
        .code(2);
    // Flags override the environment; the secret comes from a file or stdin.
    fake.cli()
        .env_remove("SINCH_KEY_SECRET")
        .env("SINCH_PROJECT_ID", "other")
        .args([
            "--project-id",
            PROJECT,
            "--key-secret-file",
            "-",
            "get",
            "+12065550134",
        ])
        .write_stdin(format!("{}\n", fake.server.key_secret()))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"));
    // A file saved by Notepad starts with a UTF-8 byte order mark: not
    // part of the secret.
    let dir = tempfile::tempdir().unwrap();
    let notepad = dir.path().join("secret.txt");
    std::fs::write(
        &notepad,
        format!("\u{feff}{}\r\n", fake.server.key_secret()),
    )
    .unwrap();
    fake.cli()
        .env_remove("SINCH_KEY_SECRET")
        .args(["--key-secret-file", notepad.to_str().unwrap()])
        .args(["get", "+12065550134"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"))
        .stderr(predicate::str::contains("byte order mark").not());
    fake.cli()
        .env("SINCH_KEY_SECRET", "wrong")
        .args(["get", "+12065550134"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "check SINCH_KEY_ID and SINCH_KEY_SECRET",
        ))
        .stderr(predicate::str::contains("wrong").not());
    // OAuth2 with --verbose: the SDK's events, and no secret, on stderr.
    fake.cli()
        .args([
            "--verbose",
            "--auth",
            "oauth2",
            "--token-url",
            &fake.server.token_url(),
        ])
        .args(["get", "+12065550134"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("fetched an OAuth2 access token"))
        .stderr(predicate::str::contains(fake.server.key_secret()).not());
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        Command::cargo_bin("sinch-numbers")
            .unwrap()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("sinch-numbers").and(predicate::str::contains("import")),
            );
    }
}

/// A CSV of `rows` numbers.
fn many_numbers(dir: &Path, rows: u32) -> std::path::PathBuf {
    let mut text = String::from("number\n");
    for i in 0..rows {
        text.push_str(&format!("+1206555{i:04}\n"));
    }
    csv_file(dir, &text)
}

#[test]
fn the_progress_bar_is_drawn_on_a_terminal_only() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 300);
    let command = format!(
        "{} import --csv {}",
        assert_cmd::cargo::cargo_bin("sinch-numbers").display(),
        sheet.display()
    );
    // `script` runs the command with a pseudo-terminal as stdout and stderr.
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("SINCH_PROJECT_ID", PROJECT)
        .env("SINCH_KEY_ID", fake.server.key_id())
        .env("SINCH_KEY_SECRET", fake.server.key_secret())
        .env("SINCH_IMPORTED_NUMBERS_URL", fake.server.base_url())
        .output()
        .expect("script (util-linux) runs");
    let seen = stdout(&on_terminal);
    assert!(on_terminal.status.success(), "{seen}");
    assert!(seen.contains("rows ·"), "a bar on the terminal: {seen:?}");
    assert!(seen.contains("imported 300"), "{seen:?}");

    // Piped: no bar, only the summary.
    let piped = fake
        .cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&piped),
        "imported 0, already existed 300, failed 0, invalid 0\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&piped.stderr),
        "",
        "no bar off a terminal"
    );
}

/// `orders list` with the four filters the API requires and `extra`.
fn orders_list(fake: &Fake, format: &str, extra: &[&str]) -> Output {
    fake.cli()
        .args(["orders", "list", "--state", "completed", "--type", "import"])
        .args(["--service-plan-id", "p", "--campaign-id", "c", "-o", format])
        .args(extra)
        .output()
        .unwrap()
}

/// A completed import order for plan `p` and campaign `c`.
fn completed_order(id: &str) -> HostingOrderSeed {
    HostingOrderSeed::new()
        .id(id)
        .state(HostingOrderState::Completed)
        .service_plan_id("p")
        .campaign_id("c")
}

#[test]
fn orders_list_in_every_format_with_filters() {
    let fake = Fake::start();
    for i in 1..=3 {
        fake.server.seed_hosting_order(
            PROJECT,
            completed_order(&format!("order-{i}")).display_name(format!("Batch {i}")),
        );
    }
    fake.server
        .seed_hosting_order(PROJECT, completed_order("order-ca").region_code("CA"));
    // Not listed: another state, another type, another campaign.
    fake.server.seed_hosting_order(
        PROJECT,
        completed_order("other-state").state(HostingOrderState::Rejected),
    );
    fake.server.seed_hosting_order(
        PROJECT,
        completed_order("other-type").order_type(HostingOrderType::TextEnable),
    );
    fake.server
        .seed_hosting_order(PROJECT, completed_order("other-campaign").campaign_id("c2"));

    let table = stdout(&orders_list(&fake, "table", &["--page-size", "2"]));
    let mut lines = table.lines();
    let header = lines.next().unwrap();
    for heading in [
        "ID",
        "STATE",
        "TYPE",
        "REGION",
        "DISPLAY NAME",
        "SERVICE PLAN",
        "CAMPAIGN",
        "CREATED",
        "UPDATED",
    ] {
        assert!(header.contains(heading), "{header}");
    }
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(rows.iter().any(|r| r.starts_with("order-1 ")
        && r.contains("COMPLETED")
        && r.contains("IMPORT")
        && r.contains("Batch 1")));

    let json: serde_json::Value =
        serde_json::from_slice(&orders_list(&fake, "json", &["--page-size", "2"]).stdout).unwrap();
    let ids: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["hostingOrderId"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 4, "{json}");
    assert!(ids.contains(&"order-ca") && !ids.contains(&"other-state"));

    let csv_text = stdout(&orders_list(&fake, "csv", &["--region", "CA"]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "hosting_order_id",
            "state",
            "type",
            "region",
            "display_name",
            "service_plan_id",
            "campaign_id",
            "created_time",
            "updated_time"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].iter().take(7).collect::<Vec<_>>(),
        ["order-ca", "COMPLETED", "IMPORT", "CA", "", "p", "c"]
    );

    let jsonl = stdout(&orders_list(&fake, "jsonl", &["--order-by", "updated"]));
    assert_eq!(jsonl.lines().count(), 4);

    // States and types in any case and short form.
    let output = fake
        .cli()
        .args([
            "orders",
            "list",
            "--state",
            "COMPLETED",
            "--type",
            "text-enable",
        ])
        .args([
            "--service-plan-id",
            "p",
            "--campaign-id",
            "c",
            "-o",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(stdout(&output).contains(r#""hostingOrderId":"other-type""#));
    let empty = orders_list(&fake, "json", &["--region", "CA", "--order-by", "created"]);
    assert_eq!(
        stdout(&empty).lines().count(),
        3,
        "one order, one line each"
    );
    fake.cli()
        .args(["orders", "list", "--state", "draft", "--type", "import"])
        .args(["--service-plan-id", "p", "--campaign-id", "c", "-o", "json"])
        .assert()
        .success()
        .stdout("[]\n");
}

#[test]
fn orders_list_needs_its_four_filters_and_known_values() {
    let fake = Fake::start();
    fake.cli()
        .args(["orders", "list", "--state", "completed"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--type <TYPE>"))
        .stderr(predicate::str::contains("--service-plan-id"))
        .stderr(predicate::str::contains("--campaign-id"));
    fake.cli()
        .args(["orders", "list", "--type", "import"])
        .args(["--service-plan-id", "p", "--campaign-id", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--state <STATE>"));
    fake.cli()
        .args(["orders", "list", "--state", "finished", "--type", "import"])
        .args(["--service-plan-id", "p", "--campaign-id", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            r#"unknown hosting order state "finished""#,
        ))
        .stderr(predicate::str::contains(
            "draft, submitted, waiting-for-loa-signature, in-progress, completed, rejected",
        ));
    fake.cli()
        .args([
            "orders",
            "list",
            "--state",
            "completed",
            "--type",
            "port-in",
        ])
        .args(["--service-plan-id", "p", "--campaign-id", "c"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("import, text-enable"));
    fake.cli()
        .args(["orders", "numbers", "some-order", "--osr-update", "stuck"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "waiting, in-progress, done, failed",
        ));
    fake.cli()
        .args(["qualified", "list", "--state", "pending"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "eligible-check-pending, eligible, not-eligible, verification-pending",
        ));
    fake.cli()
        .args(["qualified", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--state <STATE>"));
    assert_eq!(fake.server.request_count(), 0, "nothing was sent");
}

#[test]
fn orders_get_report_and_numbers() {
    let fake = Fake::start();
    let id = fake.server.seed_hosting_order(
        PROJECT,
        completed_order("order-1")
            .display_name("Spring batch")
            .number(HostingOrderNumberSeed::new("+12065550101").all_steps(State::Done))
            .number(
                HostingOrderNumberSeed::new("+12065550102")
                    .step(HostingStep::OsrUpdate, State::Done)
                    .step(HostingStep::PlatformProvisioning, State::Failed),
            )
            .number(HostingOrderNumberSeed::new("+12065550103")),
    );
    assert_eq!(id, "order-1");

    fake.cli()
        .args(["orders", "get", "order-1"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ID "))
        .stdout(predicate::str::contains("order-1 "))
        .stdout(predicate::str::contains("Spring batch"));
    let json = fake
        .cli()
        .args(["orders", "get", "order-1", "-o", "json"])
        .output()
        .unwrap();
    let order: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(order["hostingOrderId"], "order-1");
    assert_eq!(order["state"], "COMPLETED");
    assert_eq!(order["campaignId"], "c");

    // The report: table, CSV and JSON.
    fake.cli()
        .args(["orders", "report", "order-1"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "TOTAL    OSR UPDATED SMS PROVISIONED ADDED TO CAMPAIGN ONGOING MANUAL ACTION\n3 ",
        ));
    fake.cli()
        .args(["orders", "report", "order-1", "-o", "csv"])
        .assert()
        .success()
        .stdout(
            "total,osr_updated,sms_provisioned,added_to_campaign,ongoing_manual_action\n3,2,1,1,1\n",
        );
    let json = fake
        .cli()
        .args(["orders", "report", "order-1", "-o", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["total"], 3);
    assert_eq!(report["osrUpdated"], 2);
    assert_eq!(report["ongoingManualAction"], 1);

    // The numbers, all or filtered, and one of them.
    let table = fake
        .cli()
        .args(["orders", "numbers", "order-1", "--page-size", "2"])
        .output()
        .unwrap();
    let table = stdout(&table);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 4, "{table}");
    assert!(lines[0].starts_with("NUMBER           OSR UPDATE  PLATFORM    CAMPAIGN    SMS ATT"));
    assert!(table.contains("+12065550102     DONE        FAILED      WAITING     WAITING"));
    let filtered = fake
        .cli()
        .args(["orders", "numbers", "order-1", "--osr-update", "DONE"])
        .args(["--platform", "failed", "-o", "jsonl"])
        .output()
        .unwrap();
    let filtered = stdout(&filtered);
    assert_eq!(filtered.lines().count(), 1, "{filtered}");
    assert!(filtered.contains(r#""phoneNumber":"+12065550102""#));
    let json = fake
        .cli()
        .args(["orders", "numbers", "order-1", "--campaign", "in-progress"])
        .args(["-o", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&json).trim(), "[]");
    let one = fake
        .cli()
        .args(["orders", "numbers", "order-1", "206-555-0101", "-o", "json"])
        .output()
        .unwrap();
    assert!(one.status.success(), "{one:?}");
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(one["phoneNumber"], "+12065550101");
    assert_eq!(one["osrUpdate"]["state"], "DONE");
    fake.cli()
        .args(["orders", "numbers", "order-1", "+12065550101", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::ends_with(
            "\n+12065550101,DONE,DONE,DONE,DONE,DONE,DONE,DONE,\n",
        ));
    fake.cli()
        .args(["orders", "numbers", "order-1", "+12065550199"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"));
    fake.cli()
        .args([
            "orders",
            "numbers",
            "order-1",
            "+12065550101",
            "--osr-update",
            "done",
        ])
        .assert()
        .code(2);
}

#[test]
fn orders_not_found_absent_fields_and_unknown_values() {
    let fake = Fake::start();
    fake.cli()
        .args(["orders", "get", "nope"])
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("hosting order nope"))
        .stderr(predicate::str::contains("HTTP 404"))
        .stderr(predicate::str::contains(
            "hint: no hosting order with this id",
        ));
    fake.cli()
        .args(["orders", "report", "nope"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"));
    fake.cli()
        .args(["orders", "numbers", "nope", "-o", "json"])
        .assert()
        .code(1)
        .stdout("[]\n")
        .stderr(predicate::str::contains("listing stopped after 0 numbers"));
    // An id that cannot be one: refused before sending (usage, exit 2).
    fake.cli().args(["orders", "get", "a/b"]).assert().code(2);

    // No campaign, no display name, a state this SDK does not know.
    fake.server.seed_hosting_order(
        PROJECT,
        HostingOrderSeed::new()
            .id("bare")
            .state(HostingOrderState::Unknown("PAUSED".into())),
    );
    fake.cli()
        .args(["orders", "get", "bare", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("\nbare,PAUSED,IMPORT,US,,plan,,"));
    fake.cli()
        .args(["orders", "get", "bare"])
        .assert()
        .success()
        .stdout(predicate::str::contains("PAUSED"));
    let json = fake
        .cli()
        .args(["orders", "get", "bare", "-o", "json"])
        .output()
        .unwrap();
    let order: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(order["state"], "PAUSED");
    assert!(order.get("campaignId").is_none(), "{order}");
    assert!(order.get("displayName").is_none(), "{order}");
}

#[test]
fn a_listing_of_many_pages_is_streamed_page_by_page() {
    use std::io::BufRead;
    // Each request takes 300 ms: the first page is printed while the later
    // ones are still on their way.
    let fake = Fake::with(FakeServer::builder().latency(Duration::from_millis(300)));
    for i in 0..6 {
        fake.server
            .seed_hosting_order(PROJECT, completed_order(&format!("order-{i}")));
    }
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-numbers"))
        .env_clear()
        .env("SINCH_PROJECT_ID", PROJECT)
        .env("SINCH_KEY_ID", fake.server.key_id())
        .env("SINCH_KEY_SECRET", fake.server.key_secret())
        .env("SINCH_IMPORTED_NUMBERS_URL", fake.server.base_url())
        .args(["orders", "list", "--state", "completed", "--type", "import"])
        .args(["--service-plan-id", "p", "--campaign-id", "c"])
        .args(["--page-size", "2", "-o", "jsonl"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let first_seen = std::time::Instant::now();
    assert!(first.contains("hostingOrderId"), "{first}");
    assert_eq!(lines.count(), 5);
    assert!(child.wait().unwrap().success());
    // Two more pages (two more 300 ms requests) came after the first line.
    let rest = first_seen.elapsed();
    assert!(
        rest >= Duration::from_millis(400),
        "the first page should be printed as soon as it comes; it came only {rest:?} before the end"
    );
    assert_eq!(fake.server.request_count(), 3, "one request per page");
}

#[test]
fn qualified_list_get_and_delete() {
    let fake = Fake::start();
    for (number, state) in [
        ("+12025550134", GlobalProcessState::VerificationPending),
        ("+12025550135", GlobalProcessState::VerificationPending),
        ("+14165550136", GlobalProcessState::VerificationPending),
        ("+12025550137", GlobalProcessState::Verified),
    ] {
        assert!(fake
            .server
            .seed_qualified_number(PROJECT, QualifiedNumberSeed::new(number, state)));
    }
    fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12025550138", GlobalProcessState::HostingFailed)
            .hosted_number(HostingStatus::Unknown("7".into()), "carrier said no"),
    );
    let list = |state: &str, format: &str, extra: &[&str]| -> String {
        let output = fake
            .cli()
            .args(["qualified", "list", "--state", state, "-o", format])
            .args(["--page-size", "2"])
            .args(extra)
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        stdout(&output)
    };
    let table = list("verification-pending", "table", &[]);
    assert!(
        table.starts_with("NUMBER           REGION STATE "),
        "{table}"
    );
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.contains("GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"));
    let json: serde_json::Value = serde_json::from_str(&list(
        "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING",
        "json",
        &[],
    ))
    .unwrap();
    assert_eq!(json.as_array().unwrap().len(), 3);
    assert_eq!(json[0]["ownershipVerification"]["status"], "IN_PROGRESS");
    assert_eq!(
        list("Verification_Pending", "jsonl", &["--region", "CA"])
            .lines()
            .count(),
        1
    );
    let csv_text = list("verified", "csv", &[]);
    assert!(
        csv_text.starts_with("phone_number,region,state,osr_eligibility,"),
        "{csv_text}"
    );
    assert!(
        csv_text.contains("\n+12025550137,US,GLOBAL_PROCESS_STATE_VERIFIED,DONE,,DONE,,HOSTING_STATUS_UNSPECIFIED,,"),
        "{csv_text}"
    );

    // One number; a hosting status this SDK does not know, as received.
    fake.cli()
        .args(["qualified", "get", "(202) 555-0138"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "GLOBAL_PROCESS_STATE_HOSTING_FAILED",
        ))
        .stdout(predicate::str::contains(" 7 "));
    let one = fake
        .cli()
        .args(["qualified", "get", "+12025550138", "-o", "json"])
        .output()
        .unwrap();
    let one: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert_eq!(one["hostedNumber"]["error"], "carrier said no");
    fake.cli()
        .args(["qualified", "get", "+12025550199"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("HTTP 404"))
        .stderr(predicate::str::contains(
            "not a qualified number of this project",
        ));

    // Deletes ask first, refuse bad numbers before sending, and repeat safely.
    fake.cli()
        .args(["qualified", "delete", "+12025550134"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pass --yes"));
    fake.cli()
        .args(["qualified", "delete", "+12025550134", "12345", "--yes"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "\"12345\" is not a valid phone number",
        ));
    assert_eq!(
        list("verification-pending", "jsonl", &[]).lines().count(),
        3
    );
    fake.cli()
        .args([
            "qualified",
            "delete",
            "+12025550134",
            "202-555-0135",
            "--yes",
        ])
        .assert()
        .success()
        .stdout("+12025550134\tdeleted\n+12025550135\tdeleted\n")
        .stderr(predicate::str::contains("deleted 2, failed 0"));
    fake.cli()
        .args(["qualified", "delete", "+12025550134", "-y", "-o", "jsonl"])
        .assert()
        .success()
        .stdout(r#"{"number":"+12025550134","outcome":"not found"}"#.to_owned() + "\n");
    assert_eq!(
        list("verification-pending", "jsonl", &[]).lines().count(),
        1
    );
}

// Files as spreadsheets save them, and runs that cannot succeed (issue 20).

/// A file under `tests/fixtures`.
fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The rows of a `--report` file, header left out.
fn report_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        ["row", "number", "outcome", "error", "e164"]
    );
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The display name of `number` as the fake holds it.
fn display_name(fake: &Fake, number: &str) -> String {
    let output = fake
        .cli()
        .args(["get", number, "-o", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    json["displayName"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them_whatever_the_line_ends() {
    for file in ["lf.csv", "crlf.csv", "cr.csv"] {
        let fake = Fake::start();
        let dir = tempfile::tempdir().unwrap();
        fake.cli()
            .args(["import", "--csv", &fixture(file), "--dry-run"])
            .assert()
            .code(1)
            .stdout("3 valid, 1 invalid (dry run: nothing sent)\n")
            .stderr(predicate::str::contains(
                "row 4 (12345): invalid phone number",
            ))
            .stderr(predicate::str::contains("row 3").not())
            .stderr(predicate::str::contains("row 1 ").not());
        let report = dir.path().join("report.csv");
        fake.cli()
            .args(["import", "--csv", &fixture(file), "--concurrency", "3"])
            .args(["--report", report.to_str().unwrap()])
            .assert()
            .code(1)
            .stdout("imported 3, already existed 0, failed 0, invalid 1\n");
        let rows = report_rows(&report);
        assert_eq!(rows.len(), 4, "{file}: {rows:?}");
        assert_eq!(
            rows[0],
            ["2", "+12065550101", "imported", "", "+12065550101"]
        );
        assert_eq!(
            rows[1],
            ["3", "(206) 555-0102", "imported", "", "+12065550102"]
        );
        assert_eq!(rows[2][..3], ["4", "12345", "invalid"], "{file}");
        assert_eq!(rows[2][4], "", "no E.164 form for a bad number");
        assert_eq!(rows[3][..3], ["5", "+12065550104", "imported"], "{file}");
    }
}

#[test]
fn semicolon_and_tab_files_are_read_and_the_delimiter_can_be_given() {
    let fake = Fake::start();
    for file in ["semicolon.csv", "tab.csv"] {
        fake.cli()
            .args(["import", "--csv", &fixture(file)])
            .assert()
            .success()
            .stdout("imported 2, already existed 0, failed 0, invalid 0\n");
    }
    assert_eq!(display_name(&fake, "+12065550111"), "Desk, left");
    assert_eq!(display_name(&fake, "+12065550121"), "Desk, right");

    // A separator that is none of the three: the error says what was seen.
    fake.cli()
        .args(["import", "--csv", &fixture("pipe.csv")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            r#"header line "number|display name" has no comma, semicolon or tab"#,
        ))
        .stderr(predicate::str::contains("--delimiter"));
    fake.cli()
        .args(["import", "--csv", &fixture("pipe.csv"), "--delimiter", "|"])
        .assert()
        .success()
        .stdout("imported 1, already existed 0, failed 0, invalid 0\n");
    assert_eq!(display_name(&fake, "+12065550151"), "Pipe");
    // The flag wins over detection.
    fake.cli()
        .args([
            "import",
            "--csv",
            &fixture("semicolon.csv"),
            "--delimiter",
            "comma",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("read with comma as the delimiter"));
    fake.cli()
        .args(["import", "--csv", &fixture("lf.csv"), "--delimiter", "ab"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "comma, semicolon, tab or one character",
        ));
}

#[test]
fn utf16_and_utf8_with_a_mark_are_read_windows_1252_only_when_asked() {
    let fake = Fake::start();
    for file in ["utf16le.csv", "utf16be.csv"] {
        fake.cli()
            .args(["import", "--csv", &fixture(file)])
            .assert()
            .success()
            .stdout("imported 2, already existed 0, failed 0, invalid 0\n");
    }
    fake.cli()
        .args(["import", "--csv", &fixture("utf8-bom.csv")])
        .assert()
        .success()
        .stdout("imported 1, already existed 0, failed 0, invalid 0\n");
    for number in ["+12065550131", "+12065550133", "+12065550135"] {
        assert_eq!(display_name(&fake, number), "Café", "{number}");
    }

    // Windows-1252 without --encoding: the row, its number, the problem
    // and what to do; the other rows are imported.
    fake.cli()
        .args(["import", "--csv", &fixture("windows-1252.csv")])
        .assert()
        .code(1)
        .stdout("imported 1, already existed 0, failed 0, invalid 1\n")
        .stderr(predicate::str::contains(
            r#"row 2 (+12065550141): the "display name" column is not UTF-8 text (byte 0xE9)"#,
        ))
        .stderr(predicate::str::contains(r#"save the file as "CSV UTF-8""#))
        .stderr(predicate::str::contains("--encoding windows-1252"));
    fake.cli()
        .args(["import", "--csv", &fixture("windows-1252.csv")])
        .args(["--encoding", "windows-1252"])
        .assert()
        .success()
        .stdout("imported 1, already existed 1, failed 0, invalid 0\n");
    assert_eq!(display_name(&fake, "+12065550141"), "Café");
    fake.cli()
        .args([
            "import",
            "--csv",
            &fixture("lf.csv"),
            "--encoding",
            "klingon",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("e.g. windows-1252"));
}

/// Stderr's lines, hints (the indented lines under an error) left out.
fn error_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| !l.starts_with("  hint:"))
        .map(str::to_owned)
        .collect()
}

/// The outcome column of a report, counted: (outcome, rows).
fn outcomes(rows: &[Vec<String>]) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for row in rows {
        *counts.entry(row[2].clone()).or_insert(0) += 1;
    }
    counts
}

#[test]
fn a_wrong_secret_stops_the_run_with_one_error() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 10_000);
    let report = dir.path().join("report.csv");
    let output = fake
        .cli()
        .env("SINCH_KEY_SECRET", "wrong")
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .args(["--report", report.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        stdout(&output),
        "imported 0, already existed 0, failed 1, invalid 0, not attempted 9999\n"
    );
    let errors = error_lines(&output);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("row 2 (+12065550000)"), "{errors:?}");
    assert!(errors[0].contains("HTTP 401"), "{errors:?}");
    assert!(errors[0].contains(&fake.server.base_url()), "{errors:?}");
    assert!(!errors[0].contains("wrong"), "no secret in messages");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("check SINCH_KEY_ID and SINCH_KEY_SECRET"),
        "{stderr}"
    );
    // OAuth2 (the default) is refused at the token endpoint, before any
    // API request; with Basic the one API request is refused.
    assert!(
        fake.server.request_count() <= 1,
        "one request, not one per row"
    );
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 10_000);
    assert_eq!(rows[0][..3], ["2", "+12065550000", "failed"]);
    assert_eq!(rows[1][..3], ["3", "+12065550001", "not-attempted"]);
    assert_eq!(rows[9_999][0], "10001");
    assert_eq!(outcomes(&rows)["not-attempted"], 9_999);
}

#[test]
fn an_unreachable_service_stops_the_run_and_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 10_000);
    let report = dir.path().join("report.csv");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = Command::cargo_bin("sinch-numbers")
        .unwrap()
        .env_clear()
        .env("SINCH_PROJECT_ID", PROJECT)
        .env("SINCH_KEY_ID", "key")
        .env("SINCH_KEY_SECRET", "secret")
        .env("SINCH_IMPORTED_NUMBERS_URL", &url)
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .args(["--report", report.to_str().unwrap()])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert_eq!(
        stdout(&output),
        "imported 0, already existed 0, failed 3, invalid 0, not attempted 9997\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("{url} could not be reached 3 times in a row")),
        "{stderr}"
    );
    assert!(stderr.contains("--base-url"), "{stderr}");
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 10_000);
    assert_eq!(outcomes(&rows)["failed"], 3);
    assert_eq!(outcomes(&rows)["not-attempted"], 9_997);
}

#[test]
fn server_errors_on_every_request_stop_the_run_but_not_once_it_worked() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 50);
    fake.server
        .fail_next(1_000, http::StatusCode::INTERNAL_SERVER_ERROR, None);
    fake.cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .assert()
        .code(2)
        .stdout("imported 0, already existed 0, failed 3, invalid 0, not attempted 47\n")
        .stderr(predicate::str::contains(format!(
            "every request to {} so far failed with a server error",
            fake.server.base_url()
        )));
    assert_eq!(fake.server.request_count(), 3);

    // Once a request has worked, a server error is that row's failure only.
    let fake = Fake::with(FakeServer::builder().latency(Duration::from_millis(5)));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            if !fake.requests_reach(2) {
                return;
            }
            fake.server
                .fail_next(3, http::StatusCode::INTERNAL_SERVER_ERROR, None);
        });
        fake.cli()
            .args([
                "import",
                "--csv",
                sheet.to_str().unwrap(),
                "--concurrency",
                "1",
            ])
            .assert()
            .code(1)
            .stdout("imported 47, already existed 0, failed 3, invalid 0\n");
    });
}

#[test]
fn a_stop_keeps_every_imported_row_in_the_report() {
    let fake = Fake::with(FakeServer::builder().latency(Duration::from_millis(5)));
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 400);
    let report = dir.path().join("report.csv");
    // The key loses its rights part way through the file.
    std::thread::scope(|scope| {
        scope.spawn(|| {
            if !fake.requests_reach(20) {
                return;
            }
            fake.server
                .fail_next(100_000, http::StatusCode::FORBIDDEN, None);
        });
        fake.cli()
            .args(["import", "--csv", sheet.to_str().unwrap()])
            .args(["--report", report.to_str().unwrap()])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("HTTP 403"))
            .stdout(predicate::str::contains("not attempted"));
    });
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 400);
    let counts = outcomes(&rows);
    assert_eq!(counts["imported"], fake.count(), "{counts:?}");
    assert!(counts["imported"] >= 1, "{counts:?}");
    assert!(counts["not-attempted"] > 0, "{counts:?}");
    assert_eq!(counts.get("existing"), None, "{counts:?}");
}

#[test]
fn import_usage_names_both_forms_and_no_setting_from_the_environment() {
    let fake = Fake::start();
    for args in [&["import"][..], &["import", "--dry-run"]] {
        let output = fake.cli().args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("<NUMBER|--csv <FILE>>"), "{stderr}");
        for flag in ["--project-id", "--key-id", "--base-url"] {
            assert!(!stderr.contains(flag), "{flag} shown as required: {stderr}");
        }
    }
    let output = fake.cli().args(["get"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("<NUMBER>"), "{stderr}");
    assert!(!stderr.contains("--project-id"), "{stderr}");
    fake.cli()
        .args(["import", "+12065550101", "--csv", &fixture("lf.csv")])
        .assert()
        .code(2);
    fake.cli()
        .args(["import", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("<NUMBER|--csv <FILE>>"))
        .stdout(predicate::str::contains("Give either NUMBER or --csv FILE"));
}

/// Terminal output split into the lines a person would see (each redraw
/// of the bar is one), escape sequences removed.
fn screen_lines(raw: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for c in chars.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            plain.push('\n');
        } else {
            plain.push(c);
        }
    }
    plain
        .split(['\r', '\n'])
        .map(|l| l.trim_end().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_progress_line_fits_80_columns_with_whole_rates_and_counts_that_agree() {
    let fake = Fake::with(FakeServer::builder().latency(Duration::from_millis(2)));
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("number,display name\n");
    for i in 0..1_500 {
        if i % 100 == 7 {
            text.push_str("12345,bad\n");
        } else {
            text.push_str(&format!("+1206555{i:04},Desk {i}\n"));
        }
    }
    let sheet = csv_file(dir.path(), &text);
    let command = format!(
        "stty cols 80 rows 24; {} import --csv {}",
        assert_cmd::cargo::cargo_bin("sinch-numbers").display(),
        sheet.display()
    );
    let on_terminal = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("SINCH_PROJECT_ID", PROJECT)
        .env("SINCH_KEY_ID", fake.server.key_id())
        .env("SINCH_KEY_SECRET", fake.server.key_secret())
        .env("SINCH_IMPORTED_NUMBERS_URL", fake.server.base_url())
        .output()
        .expect("script (util-linux) runs");
    let seen = stdout(&on_terminal);
    let bars: Vec<String> = screen_lines(&seen)
        .into_iter()
        .filter(|l| l.contains(" rows · "))
        .collect();
    assert!(!bars.is_empty(), "a bar on the terminal: {seen:?}");
    for bar in &bars {
        assert!(bar.chars().count() <= 80, "wider than 80 columns: {bar:?}");
        let words: Vec<&str> = bar.split_whitespace().collect();
        let rate = words.iter().find(|w| w.ends_with("/s")).expect(bar);
        assert!(
            rate.trim_end_matches("/s")
                .chars()
                .all(|c| c.is_ascii_digit()),
            "a whole rate: {bar:?}"
        );
        let position = words.iter().find(|w| w.contains("/1500")).expect(bar);
        let done: u64 = position.trim_end_matches("/1500").parse().expect(bar);
        let count = |label: &str| -> u64 {
            let at = words.iter().position(|w| *w == label).expect(bar);
            words[at - 1].parse().expect(bar)
        };
        assert_eq!(
            done,
            count("ok") + count("failed") + count("invalid"),
            "the position and the counts agree: {bar:?}"
        );
    }
    assert!(
        seen.contains("imported 1485, already existed 0, failed 0, invalid 15"),
        "{seen:?}"
    );
}

// What a new user found: server text on the terminal, spreadsheet formulas,
// closed pipes, misleading hints, dropped failure reasons, silent empty
// tables, echoed deletes and area codes the table does not know.

/// Text the server sends that would drive a terminal or break a table row.
const HOSTILE_NAME: &str = "\x1b[31mRED\x1b[0m\x1b]0;pwned\x07 two\r\nlines";

#[test]
fn tables_show_control_characters_escaped_while_csv_and_json_keep_them() {
    let fake = Fake::start();
    fake.server.seed_hosting_order(
        PROJECT,
        completed_order("order-\x1b[2J").display_name(HOSTILE_NAME),
    );
    let table = stdout(&orders_list(&fake, "table", &[]));
    assert!(
        !table.contains(|c: char| c.is_control() && c != '\n'),
        "no control character reaches the terminal: {table:?}"
    );
    assert_eq!(table.lines().count(), 2, "one header, one row: {table}");
    let row = table.lines().nth(1).unwrap();
    assert!(row.starts_with(r"order-\u{1b}[2J "), "{row}");
    assert!(row.contains(r"\u{1b}[31mRED"), "{row}");
    let get = fake
        .cli()
        .args(["orders", "list", "--state", "completed", "--type", "import"])
        .args([
            "--service-plan-id",
            "p",
            "--campaign-id",
            "c",
            "-o",
            "jsonl",
        ])
        .output()
        .unwrap();
    let order: serde_json::Value = serde_json::from_slice(&get.stdout).unwrap();
    assert_eq!(order["displayName"], HOSTILE_NAME);
    let csv_text = stdout(&orders_list(&fake, "csv", &[]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(&row[0], "order-\x1b[2J");
    assert_eq!(&row[4], HOSTILE_NAME);

    // Error messages, which quote what they are about, are escaped too.
    fake.cli()
        .args(["orders", "get", "order-\x1b[2J"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(r"hosting order order-\u{1b}[2J: "))
        .stderr(predicate::str::contains("\x1b").not());
}

#[test]
fn csv_cells_a_spreadsheet_would_run_as_formulas_are_quoted() {
    let fake = Fake::start();
    let names = [
        (
            "=HYPERLINK(\"http://evil\")",
            "'=HYPERLINK(\"http://evil\")",
        ),
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("+1+2", "'+1+2"),
        ("-2-3", "'-2-3"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("-5", "-5"),
        ("+12065550100", "+12065550100"),
        ("1+1", "1+1"),
        ("Front desk", "Front desk"),
    ];
    for (i, (name, _)) in names.iter().enumerate() {
        fake.server.seed_hosting_order(
            PROJECT,
            completed_order(&format!("order-{i:02}")).display_name(*name),
        );
    }
    let csv_text = stdout(&orders_list(&fake, "csv", &[]));
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut shown: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_owned(), r[4].to_owned())
        })
        .collect();
    shown.sort();
    let shown: Vec<String> = shown.into_iter().map(|(_, name)| name).collect();
    let expected: Vec<String> = names.iter().map(|(_, safe)| (*safe).to_owned()).collect();
    assert_eq!(shown, expected, "{csv_text}");
    // JSON keeps the text as the server sent it.
    let jsonl = stdout(&orders_list(&fake, "jsonl", &[]));
    assert!(jsonl.contains(r#""displayName":"=1+1""#), "{jsonl}");
    // The import report is a CSV for spreadsheets too.
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(dir.path(), "number\n=1+1\n+12065550101\n");
    let report = dir.path().join("report.csv");
    fake.cli()
        .args(["import", "--dry-run", "--csv", sheet.to_str().unwrap()])
        .args(["--report", report.to_str().unwrap()])
        .assert()
        .code(1);
    let rows = report_rows(&report);
    assert_eq!(rows[0][1], "'=1+1");
    assert_eq!(rows[1][1], "+12065550101");
}

/// Runs the CLI with `args` against `fake`, its output a pipe whose reader
/// reads `lines` lines and then goes away (as `| head -N` does); returns
/// the exit status and what went to stderr.
fn with_output_closed_after(
    fake: &Fake,
    args: &[&str],
    lines: usize,
) -> (std::process::ExitStatus, String) {
    use std::io::BufRead;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("sinch-numbers"))
        .env_clear()
        .env("SINCH_PROJECT_ID", PROJECT)
        .env("SINCH_KEY_ID", fake.server.key_id())
        .env("SINCH_KEY_SECRET", fake.server.key_secret())
        .env("SINCH_IMPORTED_NUMBERS_URL", fake.server.base_url())
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "{args:?}: the output ended early");
    }
    drop(reader);
    let output = child.wait_with_output().unwrap();
    (
        output.status,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_closed_output_pipe_ends_every_command_quietly() {
    // Every request takes 150 ms: the pipe is closed while pages are still
    // on their way, so the next write finds it closed.
    let fake = Fake::with(FakeServer::builder().latency(Duration::from_millis(150)));
    let numbers = ["+12065550101", "+12065550102", "+12065550103"];
    let mut order = completed_order("order-1");
    for n in numbers {
        order = order.number(HostingOrderNumberSeed::new(n));
        fake.server.seed_qualified_number(
            PROJECT,
            QualifiedNumberSeed::new(n, GlobalProcessState::Verified),
        );
    }
    fake.server.seed_hosting_order(PROJECT, order);
    for i in 2..=3 {
        fake.server
            .seed_hosting_order(PROJECT, completed_order(&format!("order-{i}")));
    }
    let sheet_dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(
        sheet_dir.path(),
        &format!("number\n{}\n", numbers.join("\n")),
    );
    let sheet = sheet.to_str().unwrap();
    fake.cli()
        .args(["import", "--csv", sheet, "--service-plan-id", "p"])
        .args(["--campaign-id", "c"])
        .assert()
        .success();

    let orders_list = [
        "orders",
        "list",
        "--state",
        "completed",
        "--type",
        "import",
        "--service-plan-id",
        "p",
        "--campaign-id",
        "c",
        "--page-size",
        "1",
    ];
    let list = [
        "list",
        "--service-plan-id",
        "p",
        "--campaign-id",
        "c",
        "--page-size",
        "1",
    ];
    let order_numbers = ["orders", "numbers", "order-1", "--page-size", "1"];
    let qualified = [
        "qualified",
        "list",
        "--state",
        "verified",
        "--page-size",
        "1",
    ];
    // Like `| head -1`: the header and one row were read, the rest is not wanted.
    for args in [&orders_list[..], &list, &order_numbers, &qualified] {
        for format in ["table", "csv", "jsonl"] {
            let args = [args, &["-o", format]].concat();
            let (status, stderr) = with_output_closed_after(&fake, &args, 1);
            assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
            assert_eq!(stderr, "", "{args:?}");
        }
    }
    // Closed before anything is written, for commands that print one thing.
    let delete = ["delete", "+12065550101", "--yes"];
    let wait = ["wait", "+12065550102"];
    for args in [
        &["orders", "get", "order-1"][..],
        &["orders", "report", "order-1"],
        &["qualified", "get", "+12065550103"],
        &["get", "+12065550102"],
        &["completions", "bash"],
        &wait,
        &delete,
    ] {
        let (status, stderr) = with_output_closed_after(&fake, args, 0);
        assert_eq!(status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// A server on 127.0.0.1 that answers every request with `status` and
/// `body` (and `content_type`), for answers the fake does not give; its URL.
fn canned_server(status: &str, content_type: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            // The request: read up to the end of its headers (no body here).
            let mut seen = Vec::new();
            let mut byte = [0u8; 1];
            while !seen.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                seen.push(byte[0]);
            }
            let _ = stream.write_all(answer.as_bytes());
        }
    });
    url
}

#[test]
fn hints_fit_the_command_and_a_wrong_base_url_is_named() {
    let fake = Fake::start();
    fake.server
        .seed_hosting_order(PROJECT, completed_order("order-1"));
    // A 429 (retried until the SDK gives up): only import has --concurrency.
    fake.server.fail_next(
        50,
        http::StatusCode::TOO_MANY_REQUESTS,
        Some(Duration::ZERO),
    );
    fake.cli()
        .args(["orders", "get", "order-1"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("hint: the API is rate limiting"))
        .stderr(predicate::str::contains("--concurrency").not());
    let fake = Fake::start();
    fake.server.fail_next(
        50,
        http::StatusCode::TOO_MANY_REQUESTS,
        Some(Duration::ZERO),
    );
    fake.cli()
        .args(["import", "+12065550101", "--service-plan-id", "p"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("lower --concurrency"));

    // A base URL ending in /v1: the fake has no such operation.
    let fake = Fake::start();
    fake.server
        .seed_hosting_order(PROJECT, completed_order("order-1"));
    let wrong = format!("{}/v1", fake.server.base_url());
    for args in [
        &["orders", "get", "order-1"][..],
        &["orders", "numbers", "order-1", "+12065550101"],
        &["orders", "numbers", "order-1"],
        &["get", "+12065550101"],
        &["qualified", "get", "+12065550101"],
        &["import", "+12065550101", "--service-plan-id", "p"],
    ] {
        fake.cli()
            .env("SINCH_IMPORTED_NUMBERS_URL", &wrong)
            .env("SINCH_AUTH", "basic")
            .args(args)
            .assert()
            .failure()
            .stderr(predicate::str::contains("the base URL may be wrong"))
            .stderr(predicate::str::contains("no hosting order with this id").not())
            .stderr(predicate::str::contains("not imported").not())
            .stderr(predicate::str::contains("not a qualified number").not());
    }
    // A 404 without an API error body: a web server, not the API, answered.
    for (content_type, body) in [
        ("text/html", "<html><body>404 Not Found</body></html>"),
        ("application/json", ""),
    ] {
        let url = canned_server("404 Not Found", content_type, body);
        fake.cli()
            .env("SINCH_IMPORTED_NUMBERS_URL", &url)
            .env("SINCH_AUTH", "basic")
            .args(["orders", "get", "order-1"])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("the base URL may be wrong"))
            .stderr(predicate::str::contains("no hosting order with this id").not());
    }
    // A real 404 keeps the hint about what was asked for.
    fake.cli()
        .args(["orders", "get", "order-2"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "hint: no hosting order with this id",
        ));
}

#[test]
fn failure_reasons_are_an_errors_column_in_tables_and_csv() {
    let fake = Fake::start();
    fake.server.seed_hosting_order(
        PROJECT,
        completed_order("order-1")
            .number(
                HostingOrderNumberSeed::new("+12065550101")
                    .all_steps(State::Done)
                    .step(HostingStep::SmsTmo, State::Failed)
                    .step(HostingStep::MmsAtt, State::Failed),
            )
            .number(HostingOrderNumberSeed::new("+12065550102").all_steps(State::Done)),
    );
    let table = fake
        .cli()
        .args(["orders", "numbers", "order-1"])
        .output()
        .unwrap();
    let table = stdout(&table);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].ends_with(" MMS TMO     ERRORS"), "{table}");
    let failed = lines
        .iter()
        .find(|l| l.starts_with("+12065550101"))
        .unwrap();
    assert!(
        failed.ends_with(
            "smsTmo: UNKNOWN the carrier refused the number; \
             mmsAtt: UNKNOWN the carrier refused the number"
        ),
        "{table}"
    );
    let done = lines
        .iter()
        .find(|l| l.starts_with("+12065550102"))
        .unwrap();
    assert!(done.ends_with("DONE"), "{table}");
    let csv_text = fake
        .cli()
        .args(["orders", "numbers", "order-1", "+12065550101", "-o", "csv"])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.stdout.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(headers.iter().next_back(), Some("errors"));
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        row.iter().next_back().unwrap(),
        "smsTmo: UNKNOWN the carrier refused the number; \
         mmsAtt: UNKNOWN the carrier refused the number"
    );

    fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12025550138", GlobalProcessState::HostingFailed)
            .osr_eligibility(State::Done, "")
            .ownership_verification(State::Failed, "no answer to the call")
            .hosted_number(HostingStatus::Unknown("7".into()), "carrier said no"),
    );
    let reasons = "ownershipVerification: no answer to the call; hosting: carrier said no";
    fake.cli()
        .args(["qualified", "get", "+12025550138"])
        .assert()
        .success()
        .stdout(predicate::str::contains(" ERRORS\n"))
        .stdout(predicate::str::ends_with(format!(" {reasons}\n")));
    let csv_text = fake
        .cli()
        .args([
            "qualified",
            "list",
            "--state",
            "hosting-failed",
            "-o",
            "csv",
        ])
        .output()
        .unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.stdout.as_slice());
    assert_eq!(reader.headers().unwrap().iter().next_back(), Some("errors"));
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(row.iter().next_back().unwrap(), reasons);
}

#[test]
fn an_empty_listing_in_a_table_still_shows_its_header() {
    let fake = Fake::start();
    fake.server
        .seed_hosting_order(PROJECT, completed_order("order-1"));
    let links = ["--service-plan-id", "p", "--campaign-id", "c"];
    let draft_orders = [
        &["orders", "list", "--state", "draft", "--type", "import"][..],
        &links,
    ]
    .concat();
    let numbers = [&["list"][..], &links].concat();
    for (args, header) in [
        (&draft_orders[..], "ID "),
        (&numbers, "NUMBER "),
        (
            &["orders", "numbers", "order-1", "--platform", "failed"],
            "NUMBER ",
        ),
        (&["qualified", "list", "--state", "verified"], "NUMBER "),
    ] {
        let output = fake.cli().args(args).output().unwrap();
        assert!(output.status.success(), "{args:?}: {output:?}");
        let text = stdout(&output);
        assert_eq!(text.lines().count(), 1, "{args:?}: {text:?}");
        assert!(text.starts_with(header), "{args:?}: {text:?}");
        assert!(text.ends_with('\n'), "{args:?}: {text:?}");
    }
}

#[test]
fn deletes_report_each_number_in_e164_once() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(
        dir.path(),
        "number\n(206) 555-0101\n+12065550102\n206.555.0101\nnonsense\n",
    );
    fake.cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(fake.count(), 2);
    fake.cli()
        .args(["delete", "--csv", sheet.to_str().unwrap(), "--yes"])
        .assert()
        .code(1)
        .stdout("+12065550101\tdeleted\n+12065550102\tdeleted\n")
        .stderr(predicate::str::contains(
            "row 4 (206.555.0101) is +12065550101 again, as on row 2: deleted once",
        ))
        .stderr(predicate::str::contains("row 5 (nonsense)"))
        .stderr(predicate::str::contains("deleted 2, failed 1"));
    fake.cli()
        .args(["delete", "(206) 555-0101", "--yes"])
        .assert()
        .success()
        .stdout("+12065550101\tnot found\n");

    fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new("+12025550134", GlobalProcessState::Verified),
    );
    fake.cli()
        .args([
            "qualified",
            "delete",
            "+12025550134",
            "(202) 555-0134",
            "--yes",
        ])
        .assert()
        .success()
        .stdout("+12025550134\tdeleted\n")
        .stderr(predicate::str::contains(
            "(202) 555-0134 is +12025550134 again: deleted once",
        ))
        .stderr(predicate::str::contains("deleted 1, failed 0"));
    fake.cli()
        .args(["qualified", "delete", "202-555-0134", "-y", "-o", "jsonl"])
        .assert()
        .success()
        .stdout(r#"{"number":"+12025550134","outcome":"not found"}"#.to_owned() + "\n");
}

#[test]
fn a_dry_run_warns_of_area_codes_the_table_does_not_know_and_accepts_them() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(
        dir.path(),
        "number\n+18612334567\n(206) 555-0101\n764-233-4567\n",
    );
    let dry = fake
        .cli()
        .args(["import", "--dry-run", "--csv", sheet.to_str().unwrap()])
        .env_remove("SINCH_KEY_SECRET")
        .output()
        .unwrap();
    assert_eq!(dry.status.code(), Some(0), "{dry:?}");
    assert_eq!(stdout(&dry), "3 valid, 0 invalid (dry run: nothing sent)\n");
    let stderr = String::from_utf8_lossy(&dry.stderr);
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    assert_eq!(warnings.len(), 2, "one line per number: {stderr}");
    assert!(
        warnings[0].starts_with("warning: row 2 (+18612334567): area code 861 "),
        "{stderr}"
    );
    assert!(
        warnings[1].starts_with("warning: row 4 (764-233-4567): area code 764 "),
        "{stderr}"
    );
    for warning in &warnings {
        assert!(
            warning.contains(sinch_imported_numbers::AREA_CODE_TABLE),
            "names the table: {warning}"
        );
        assert!(warning.contains("accepted"), "{warning}");
    }
    fake.cli()
        .args(["import", "+17642334567", "--dry-run"])
        .assert()
        .success()
        .stderr(predicate::str::starts_with(
            "warning: +17642334567: area code 764 ",
        ));
    fake.cli()
        .args(["import", "+12065550101", "--dry-run"])
        .assert()
        .success()
        .stderr("");
}

#[test]
fn imports_adapt_to_a_rate_limited_project_and_honour_max_rate() {
    let fake = Fake::with(FakeServer::builder().rate_limit(100.0, 10));
    let dir = tempfile::tempdir().unwrap();
    let sheet = many_numbers(dir.path(), 150);
    let output = fake
        .cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .args(["--service-plan-id", "plan"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(fake.count(), 150);
    let stats = fake.server.stats();
    assert!(
        stats.throttled <= 30,
        "a few 429s, not one per row: {stats:?}"
    );

    // A cap of the user's own: 11 rows at 20 a second take half a second.
    let fake = Fake::start();
    let sheet = many_numbers(dir.path(), 11);
    let started = std::time::Instant::now();
    fake.cli()
        .args(["import", "--csv", sheet.to_str().unwrap()])
        .args(["--service-plan-id", "plan", "--max-rate", "20"])
        .assert()
        .success();
    assert!(started.elapsed() >= Duration::from_millis(490));
    for bad in ["0", "-0.5", "fast", "inf"] {
        fake.cli()
            .args(["import", "+12065550100"])
            .arg(format!("--max-rate={bad}"))
            .assert()
            .code(2)
            .stderr(predicates::str::contains("--max-rate"));
    }
    // A negative value after a space is the flag's value, refused for what
    // it is (not taken for an unknown flag, with a tip that would make it a
    // number to import).
    for (flag, value) in [("--max-rate", "-5"), ("--concurrency", "-3")] {
        fake.cli()
            .args(["import", "+12065550100", flag, value])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(flag))
            .stderr(predicates::str::contains("unexpected argument").not());
    }
}

#[test]
fn a_report_over_its_own_input_is_refused_and_reports_read_back() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(dir.path(), "number\n'+1 (206) 555-0125\n1.20655E+10\n");
    let before = std::fs::read_to_string(&sheet).unwrap();
    fake.cli()
        .args(["import", "--csv", sheet.to_str().unwrap(), "--dry-run"])
        .args(["--report", sheet.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is the input file"));
    assert_eq!(
        std::fs::read_to_string(&sheet).unwrap(),
        before,
        "input untouched"
    );
    // The text mark a spreadsheet (or this tool's report) puts before a
    // number is not part of it; scientific notation says what happened.
    let report = dir.path().join("report.csv");
    let output = fake
        .cli()
        .args(["import", "--csv", sheet.to_str().unwrap(), "--dry-run"])
        .args(["--report", report.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("scientific notation"), "{stderr}");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("+12065550125"), "{text}");
    assert_eq!(output.status.code(), Some(1), "one invalid row");
}

#[test]
fn auth_in_any_case_and_a_request_timeout() {
    let fake = Fake::start();
    for auth in ["OAuth2", "BASIC", "basic"] {
        fake.cli()
            .env("SINCH_AUTH", auth)
            .args(["import", "+12065550188", "--service-plan-id", "plan"])
            .assert()
            .success();
    }
    fake.cli()
        .args(["--timeout", "5", "get", "+12065550188"])
        .assert()
        .success();
    fake.cli()
        .args(["--timeout", "0", "get", "+12065550188"])
        .assert()
        .code(2);
}

#[test]
fn columns_that_are_not_read_are_named() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let sheet = csv_file(
        dir.path(),
        "number,Dispaly Name,notes,display name,name\n2065550146,Bob,call after 5,Rob,R\n",
    );
    let output = fake
        .cli()
        .args(["import", "--csv", sheet.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    for column in ["Dispaly Name", "notes", "name"] {
        assert!(
            stderr.contains(&format!("column {column:?}")),
            "{column}: {stderr}"
        );
    }
    assert!(!stderr.contains("column \"display name\""), "{stderr}");
}
