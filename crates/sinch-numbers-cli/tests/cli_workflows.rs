//! The write side of qualified numbers and hosting orders as people run it:
//! `qualify`, `verify-voice`, `text-enable`, `orders import` and `orders
//! wait`, the binary against the fake server: success paths, dry runs that
//! send nothing, letters of authorization the tool refuses before sending,
//! a wrong voice code, and how waits on seeded orders end (seeded orders do
//! not move on their own).

use std::path::{Path, PathBuf};
use std::process::Output;

use predicates::prelude::*;
use sinch_imported_numbers::types::{
    GlobalProcessState, HostingOrderState, HostingOrderType, State,
};
use sinch_imported_numbers_fake::{
    FakeServer, FakeServerBuilder, HostingOrderNumberSeed, HostingOrderSeed, HostingStep,
    QualifiedNumberSeed,
};

const PROJECT: &str = "workflow-project";

mod common;
use common::Fake;

impl Fake {
    fn start() -> Fake {
        Self::with(FakeServer::builder())
    }

    fn with(builder: FakeServerBuilder) -> Fake {
        Fake::in_project(PROJECT, builder)
    }

    fn requests(&self) -> u64 {
        self.server.request_count()
    }

    fn orders(&self) -> usize {
        self.server.hosting_order_count(PROJECT)
    }
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The rows of a report, header first.
fn report_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// The JSON array of `-o json`.
fn json_array(output: &Output) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stdout(output)));
    value.as_array().unwrap().clone()
}

/// A complete direct letter, as TOML.
const DIRECT_TOML: &str = r#"
type = "direct"
signer_first_name = "Alex"
signer_last_name = "Example"
signer_email = "alex@example.com"
building_number = "2433"
street = "Main Street"
city = "Springfield"
state = "IL"
postal_code = "01002"
country = "US"
current_voice_carrier = "Verizon"
"#;

#[test]
fn qualify_a_spreadsheet_with_bad_rows_reports_each_row_and_says_to_send_invoices() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    // Semicolons and CRLF, as Excel saves in many locales; only the
    // number column matters.
    let sheet = write(
        dir.path(),
        "numbers.csv",
        "Notes;Phone Number\r\nfront;(206) 555-0101\r\ntypo;12345\r\nuk;+44 20 7183 8750\r\nagain;206-555-0101\r\ntoronto;+1 416 555 0134\r\n",
    );
    let report = dir.path().join("report.csv");
    let output = fake
        .cli()
        .args(["qualify", "--csv", sheet.to_str().unwrap(), "-o", "json"])
        .args(["--report", report.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let err = stderr(&output);
    assert!(err.contains("row 3 (12345): invalid phone number"), "{err}");
    assert!(err.contains("row 4 (+44 20 7183 8750)"), "{err}");
    assert!(err.contains("not a US or Canadian number"), "{err}");
    assert!(
        err.contains("row 5 (206-555-0101) is the same number as row 2"),
        "{err}"
    );
    assert!(err.contains("submitted 2, failed 0, invalid 2"), "{err}");
    assert!(
        err.contains("e-mail an invoice for each submitted number to Sinch"),
        "{err}"
    );

    let lines = json_array(&output);
    assert_eq!(lines.len(), 5, "one outcome per input row: {lines:?}");
    let submitted: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["outcome"] == "submitted")
        .collect();
    assert_eq!(submitted.len(), 2);
    assert_eq!(submitted[0]["e164"], "+12065550101");
    assert_eq!(submitted[0]["row"], 2);
    assert_eq!(
        submitted[0]["state"],
        "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING"
    );

    let rows = report_rows(&report);
    assert_eq!(
        rows[0],
        ["row", "number", "outcome", "error", "e164", "state"]
    );
    assert_eq!(rows.len(), 6, "{rows:?}");
    let order: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(order, ["2", "3", "4", "5", "6"], "input order: {rows:?}");
    let json_rows: Vec<u64> = lines.iter().map(|l| l["row"].as_u64().unwrap()).collect();
    assert_eq!(json_rows, [2, 3, 4, 5, 6], "input order on stdout too");
    let outcome_of = |row: &str| {
        rows.iter()
            .find(|r| r[0] == row)
            .map(|r| r[2].clone())
            .unwrap()
    };
    assert_eq!(outcome_of("2"), "submitted");
    assert_eq!(outcome_of("3"), "invalid");
    assert_eq!(outcome_of("4"), "invalid");
    assert_eq!(outcome_of("5"), "repeat");
    assert_eq!(outcome_of("6"), "submitted");

    // The numbers are now qualified numbers of the project.
    fake.cli()
        .args(["qualified", "get", "+14165550134"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ELIGIBLE_CHECK_PENDING"));

    // Submitting one again is refused by the service: all or nothing.
    fake.cli()
        .args(["qualify", "+12065550101", "+12065550199"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("none was submitted"));
}

#[test]
fn qualify_arguments_and_a_file_without_a_header_and_a_dry_run_that_sends_nothing() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let bare = write(dir.path(), "bare.csv", "+12025550101\n202 555 0102\n");
    let before = fake.requests();
    let output = fake
        .cli()
        .args(["qualify", "--csv", bare.to_str().unwrap(), "--dry-run"])
        .env_remove("SINCH_KEY_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let err = stderr(&output);
    assert!(err.contains("has no header line: column 1"), "{err}");
    assert!(
        err.contains("2 valid, 0 invalid (dry run: nothing sent)"),
        "{err}"
    );
    assert_eq!(fake.requests(), before, "a dry run sends nothing");

    fake.cli()
        .args(["qualify", "+12025550101", "(202) 555-0102", "-o", "csv"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "row,number,outcome,error,e164,state\n,+12025550101,submitted,,+12025550101,GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING\n",
        ));
}

#[test]
fn verify_voice_calls_then_a_wrong_code_is_an_answer_and_the_right_one_verifies() {
    let fake = Fake::start();
    let n = "+12025550134";
    assert!(fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new(n, GlobalProcessState::Eligible)
    ));
    let before = fake.requests();
    fake.cli()
        .args(["verify-voice", n, "--dry-run"])
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .success()
        .stderr(predicate::str::contains("would ask Sinch to call"));
    assert_eq!(fake.requests(), before, "a dry run sends nothing");

    fake.cli()
        .args(["verify-voice", "(202) 555-0134"])
        .assert()
        .success()
        .stdout(predicate::str::contains("VERIFICATION_PENDING"))
        .stderr(predicate::str::contains(
            "Sinch is calling +12025550134 now",
        ));
    let code = fake
        .server
        .voice_code(PROJECT, n)
        .expect("a challenge is pending");
    let wrong = if code == "0000" { "1111" } else { "0000" };
    let output = fake
        .cli()
        .args(["verify-voice", n, "--code", wrong, "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let number: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        number["globalProcessState"],
        "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
    );
    let err = stderr(&output);
    assert!(err.contains(&format!("the code {wrong} is wrong")), "{err}");
    assert!(err.contains("ask for a new call"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // A code with spaces is refused before anything is sent.
    fake.cli()
        .args(["verify-voice", n, "--code", "12 34"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("spaces"));

    fake.cli().args(["verify-voice", n]).assert().success();
    let code = fake.server.voice_code(PROJECT, n).unwrap();
    fake.cli()
        .args(["verify-voice", n, "--code", &code])
        .assert()
        .success()
        .stdout(predicate::str::contains("GLOBAL_PROCESS_STATE_VERIFIED"))
        .stderr(predicate::str::contains("is verified"));

    // A number the project never submitted.
    fake.cli()
        .args(["verify-voice", "+12025550199"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("sinch-numbers qualify"));
}

#[test]
fn a_blocked_number_is_told_the_way_on_not_to_ask_for_another_call() {
    let fake = Fake::start();
    let blocked = "+12025550141";
    let failed = "+12025550142";
    fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new(blocked, GlobalProcessState::VerificationBlocked),
    );
    fake.server.seed_qualified_number(
        PROJECT,
        QualifiedNumberSeed::new(failed, GlobalProcessState::VerificationFailed),
    );
    for args in [vec!["--code", "0000"], vec![]] {
        let output = fake
            .cli()
            .args(["verify-voice", blocked])
            .args(&args)
            .output()
            .unwrap();
        assert_ne!(output.status.code(), Some(0), "{output:?}");
        let err = stderr(&output);
        assert!(
            err.contains("is blocked from voice verification after repeated wrong codes"),
            "{args:?}: {err}"
        );
        assert!(err.contains("Sinch support"), "{err}");
        assert!(err.contains("by invoice"), "{err}");
        assert!(!err.contains("ask for a call"), "{err}");
        assert!(!err.contains("ask for a new call"), "{err}");
    }
    // A failed verification may ask for a new call: that hint stays.
    fake.cli()
        .args(["verify-voice", failed, "--code", "0000"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("ask for a call first"));

    // The wrong code that blocks the number says the same way on.
    let mut last = None;
    for _ in 0..3 {
        fake.cli().args(["verify-voice", failed]).assert().success();
        let code = fake.server.voice_code(PROJECT, failed).unwrap();
        let wrong = if code == "0000" { "1111" } else { "0000" };
        last = Some(
            fake.cli()
                .args(["verify-voice", failed, "--code", wrong])
                .output()
                .unwrap(),
        );
    }
    let output = last.unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let err = stderr(&output);
    assert!(err.contains("VERIFICATION_BLOCKED"), "{err}");
    assert!(err.contains("Sinch support"), "{err}");
    assert!(!err.contains("ask for a new call"), "{err}");
}

#[test]
fn text_enable_under_a_letter_file_or_flags_prints_the_orders_and_who_signs() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let toml = write(dir.path(), "loa.toml", DIRECT_TOML);

    let before = fake.requests();
    fake.cli()
        .args(["text-enable", "+12065550101", "+14165550102"])
        .args(["--service-plan-id", "plan", "--campaign-id", "C3O84GA"])
        .args(["--loa", toml.to_str().unwrap(), "--dry-run"])
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "would open order 1 of 2: 1 US number (+12065550101), a text-enable on service plan plan, campaign C3O84GA, under a direct letter of authorization, e-mailed to alex@example.com to sign",
        ))
        .stderr(predicate::str::contains("would open order 2 of 2: 1 CA number"));
    assert_eq!(fake.requests(), before, "a dry run sends nothing");
    assert_eq!(fake.orders(), 0);

    let output = fake
        .cli()
        .args(["text-enable", "+12065550101", "206 555 0102"])
        .args(["--service-plan-id", "plan", "--loa", toml.to_str().unwrap()])
        .args(["-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    let id = lines[0]["hosting_order_id"].as_str().unwrap().to_owned();
    assert_eq!(lines[1]["hosting_order_id"], id.as_str(), "one order");
    assert_eq!(lines[0]["outcome"], "ordered");
    let err = stderr(&output);
    assert!(err.contains(&format!("orders: {id}")), "{err}");
    assert!(
        err.contains("the letter of authorization is e-mailed to alex@example.com to sign"),
        "{err}"
    );
    assert_eq!(fake.orders(), 1);
    let order = fake
        .cli()
        .args(["orders", "get", &id, "-o", "json"])
        .output()
        .unwrap();
    let order: serde_json::Value = serde_json::from_slice(&order.stdout).unwrap();
    assert_eq!(order["type"], "TYPE_TEXT_ENABLE");
    assert_eq!(
        order["textEnableInfo"]["authorisedPerson"]["email"],
        "alex@example.com"
    );

    // The same letter as JSON, a reseller letter by flags, and the blanket one.
    let json = write(
        dir.path(),
        "loa.json",
        r#"{"type": "reseller", "business_name": "Shop Inc.", "signer_first_name": "Sam",
            "signer_last_name": "Seller", "signer_email": "sam@example.com", "building_number": "1",
            "street": "King St", "city": "Toronto", "state": "ON", "postal_code": "M5H 2N2",
            "country": "CA", "current_voice_carrier": "Bell", "nnid": "104029"}"#,
    );
    fake.cli()
        .args(["text-enable", "+14165550103", "--service-plan-id", "plan"])
        .args(["--loa", json.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("e-mailed to sam@example.com"));
    fake.cli()
        .args(["text-enable", "+12065550104", "--service-plan-id", "plan"])
        .args(["--loa-type", "reseller", "--business-name", "Shop Inc."])
        .args(["--signer-first-name", "Sam", "--signer-last-name", "Seller"])
        .args([
            "--signer-email",
            "sam@example.com",
            "--building-number",
            "1",
        ])
        .args(["--street", "Pike St", "--city", "Seattle", "--state", "WA"])
        .args(["--postal-code", "98101", "--country", "US"])
        .args(["--current-voice-carrier", "AT&T"])
        .assert()
        .success()
        .stderr(predicate::str::contains("ordered 1 number in 1 order"));
    fake.cli()
        .args(["text-enable", "+12065550105", "--service-plan-id", "plan"])
        .arg("--blanket-loa")
        .assert()
        .success()
        .stderr(predicate::str::contains("follow an order with"))
        .stderr(predicate::str::contains("to sign").not());
    assert_eq!(fake.orders(), 4);
}

#[test]
fn text_enable_of_qualified_and_toll_free_numbers() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let toml = write(dir.path(), "loa.toml", DIRECT_TOML);
    for n in ["+12025550111", "+12025550112"] {
        fake.server.seed_qualified_number(
            PROJECT,
            QualifiedNumberSeed::new(n, GlobalProcessState::Verified),
        );
    }
    let sheet = write(dir.path(), "q.csv", "number\n+12025550111\n+12025550112\n");
    let report = dir.path().join("report.csv");
    fake.cli()
        .args([
            "text-enable",
            "--qualified",
            "--csv",
            sheet.to_str().unwrap(),
        ])
        .args(["--service-plan-id", "plan", "--loa", toml.to_str().unwrap()])
        .args(["--report", report.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("ordered 2 numbers in 1 order"));
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[1][2], "ordered");
    assert!(!rows[1][5].is_empty(), "the order id: {rows:?}");

    // Not verified: the service refuses, per number, with its reason.
    fake.cli()
        .args(["text-enable", "--qualified", "+12025550199"])
        .args(["--service-plan-id", "plan", "--loa", toml.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "error: order 1 of 1 (+12025550199)",
        ));

    // Toll-free: no blanket letter, no campaign.
    fake.cli()
        .args(["text-enable", "--toll-free", "+18335870229"])
        .args(["--service-plan-id", "plan", "--loa", toml.to_str().unwrap()])
        .assert()
        .success()
        .stderr(predicate::str::contains("ordered 1 number in 1 order"));
    let blanket = write(dir.path(), "blanket.toml", "type = \"blanket\"\n");
    let before = fake.requests();
    fake.cli()
        .args(["text-enable", "--toll-free", "+18335870230"])
        .args([
            "--service-plan-id",
            "plan",
            "--loa",
            blanket.to_str().unwrap(),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "toll-free numbers take no blanket letter",
        ));
    fake.cli()
        .args([
            "text-enable",
            "--toll-free",
            "+18335870230",
            "--campaign-id",
            "c",
        ])
        .args(["--service-plan-id", "plan", "--loa", toml.to_str().unwrap()])
        .assert()
        .code(2);
    assert_eq!(fake.requests(), before, "refused before sending");
}

#[test]
fn bad_letters_of_authorization_are_refused_before_anything_is_sent() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let no_email = write(
        dir.path(),
        "no-email.toml",
        &DIRECT_TOML.replace("signer_email = \"alex@example.com\"\n", ""),
    );
    let bad_email = write(
        dir.path(),
        "bad-email.json",
        r#"{"type": "direct", "signer_first_name": "A", "signer_last_name": "E",
            "signer_email": "alex", "building_number": "1", "street": "S", "city": "C",
            "state": "NY", "postal_code": "10001", "country": "US", "current_voice_carrier": "V"}"#,
    );
    let unknown = write(
        dir.path(),
        "unknown.toml",
        &format!("{DIRECT_TOML}signer_phone = \"+12065550100\"\n"),
    );
    let malformed_toml = write(dir.path(), "malformed.toml", "type = \"direct\n");
    let malformed_json = write(dir.path(), "malformed.json", "{\"type\": \"direct\",");
    let number_postcode = write(
        dir.path(),
        "zip.toml",
        &DIRECT_TOML.replace("\"01002\"", "1002"),
    );
    let reseller_detail_on_direct = write(
        dir.path(),
        "mixed.toml",
        &format!("{DIRECT_TOML}business_name = \"Shop\"\n"),
    );
    let directory = dir.path().join("letter.toml");
    std::fs::create_dir(&directory).unwrap();
    let text_file = write(dir.path(), "loa.txt", DIRECT_TOML);
    let cases: [(&Path, &[&str]); 9] = [
        (
            &no_email,
            &[
                "no-email.toml",
                "signer_email",
                "authorisedPerson.email is required",
            ],
        ),
        (
            &bad_email,
            &[
                "bad-email.json",
                "signer_email",
                "\"alex\" is not an e-mail address",
            ],
        ),
        (
            &unknown,
            &["unknown.toml", "unknown field `signer_phone`", "line 13"],
        ),
        (&malformed_toml, &["malformed.toml", "line 1"]),
        (&malformed_json, &["malformed.json", "EOF while parsing"]),
        (
            &number_postcode,
            &[
                "zip.toml",
                "invalid type: integer `1002`, expected a string",
            ],
        ),
        (
            &reseller_detail_on_direct,
            &[
                "mixed.toml",
                "business_name is given, but only a reseller letter has one",
            ],
        ),
        (&directory, &["letter.toml", "is a directory"]),
        (&text_file, &["loa.txt", ".toml or .json"]),
    ];
    let before = fake.requests();
    for (path, expected) in cases {
        let output = fake
            .cli()
            .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
            .args(["--loa", path.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{path:?}: {output:?}");
        let err = stderr(&output);
        assert!(
            err.starts_with("error: letter of authorization file "),
            "{err}"
        );
        for part in expected {
            assert!(err.contains(part), "{path:?}: {part:?} not in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
    }
    // By flags: the missing flag is named.
    fake.cli()
        .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
        .args(["--loa-type", "direct", "--signer-first-name", "A"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--signer-last-name"));
    // No letter at all, or two.
    fake.cli()
        .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
        .assert()
        .code(2);
    fake.cli()
        .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
        .args(["--blanket-loa", "--loa", no_email.to_str().unwrap()])
        .assert()
        .code(2);
    assert_eq!(fake.requests(), before, "nothing was sent");
    assert_eq!(fake.orders(), 0);
}

#[test]
fn letter_flags_beside_a_letter_file_are_refused_not_dropped() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let toml = write(dir.path(), "loa.toml", DIRECT_TOML);
    let before = fake.requests();
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["--signer-email", "bob@example.com"],
            &["--signer-email is given too"],
        ),
        (&["--street", "Elm Street"], &["--street is given too"]),
        (
            &["--business-name", "Shop", "--city", "Albany"],
            &["--business-name, --city are given too"],
        ),
    ];
    for (flags, expected) in cases {
        let output = fake
            .cli()
            .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
            .args(["--loa", toml.to_str().unwrap()])
            .args(flags)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {output:?}");
        let err = stderr(&output);
        assert!(
            err.starts_with("error: letter of authorization file ") && err.contains("loa.toml"),
            "{err}"
        );
        for part in expected {
            assert!(err.contains(part), "{flags:?}: {part:?} not in {err}");
        }
        assert!(err.contains("give the letter in one place"), "{err}");
        assert!(stdout(&output).is_empty(), "{output:?}");
    }
    // A dry run is refused the same way.
    fake.cli()
        .args(["text-enable", "+12065550101", "--service-plan-id", "plan"])
        .args([
            "--loa",
            toml.to_str().unwrap(),
            "--signer-email",
            "bob@example.com",
        ])
        .args(["--dry-run"])
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--signer-email is given too"));
    assert_eq!(fake.requests(), before, "nothing was sent");
    assert_eq!(fake.orders(), 0);
}

#[test]
fn columns_the_number_commands_do_not_read_are_named() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let toml = write(dir.path(), "loa.toml", DIRECT_TOML);
    let sheet = write(
        dir.path(),
        "numbers.csv",
        "number,display name,campaign,mobile,Number\n(206) 555-0101,Desk,c1,+12065550199,+12065550198\n",
    );
    let sheet = sheet.to_str().unwrap();
    let commands: [&[&str]; 3] = [
        &["qualify"],
        &[
            "text-enable",
            "--service-plan-id",
            "p",
            "--loa",
            toml.to_str().unwrap(),
        ],
        &["orders", "import", "--service-plan-id", "p"],
    ];
    for command in commands {
        let output = fake
            .cli()
            .args(command)
            .args(["--csv", sheet, "--dry-run"])
            .env_remove("SINCH_KEY_SECRET")
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{command:?}: {output:?}");
        let err = stderr(&output);
        for column in ["display name", "campaign", "mobile", "Number"] {
            assert!(
                err.contains(&format!(
                    "warning: column {column:?} is not one this command reads"
                )),
                "{command:?}: {column}: {err}"
            );
        }
        assert!(!err.contains("column \"number\""), "{err}");
        assert!(err.contains("its cells are not used"), "{err}");
    }
}

#[test]
fn outcomes_are_in_input_order_whatever_order_they_are_known_in() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.csv");
    // An invalid number and a repeat (known before anything is sent), and a
    // Canadian number between US ones (a second order, sent after the US one).
    let inputs = [
        "12345",
        "+12065550101",
        "+14165550102",
        "206 555 0101",
        "+12065550103",
    ];
    let expected = ["invalid", "valid", "valid", "repeat", "valid"];
    let output = fake
        .cli()
        .args(["orders", "import"])
        .args(inputs)
        .args(["--service-plan-id", "plan", "--dry-run", "-o", "csv"])
        .args(["--report", report.to_str().unwrap()])
        .env_remove("SINCH_KEY_SECRET")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let rows = report_rows(&report);
    let got: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    let want: Vec<(&str, &str)> = inputs.into_iter().zip(expected).collect();
    assert_eq!(got, want, "{rows:?}");
    assert_eq!(stdout(&output), std::fs::read_to_string(&report).unwrap());
    // A dry run says what would be sent, each thing once.
    assert_eq!(
        rows[4][3],
        "the same number as +12065550101; only that one would be sent"
    );
    let err = stderr(&output);
    assert!(
        err.contains(
            "would open order 1 of 2: 2 US numbers (+12065550101, +12065550103), an import"
        ),
        "{err}"
    );
    assert!(
        err.contains("would open order 2 of 2: 1 CA number (+14165550102)"),
        "{err}"
    );
    assert!(
        err.contains(
            "note: 206 555 0101 is the same number as +12065550101; only that one would be sent"
        ),
        "{err}"
    );

    let output = fake
        .cli()
        .args(["orders", "import"])
        .args(inputs)
        .args(["--service-plan-id", "plan", "-o", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["number"].as_str().unwrap(),
                l["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines[3]["error"],
        "the same number as +12065550101; only that one is sent"
    );
    let expected = expected.map(|o| if o == "valid" { "ordered" } else { o });
    let want: Vec<(&str, &str)> = inputs.into_iter().zip(expected).collect();
    assert_eq!(got, want, "{lines:?}");
    assert_ne!(
        lines[1]["hosting_order_id"], lines[2]["hosting_order_id"],
        "US and CA numbers are in orders of their own"
    );
}

#[test]
fn orders_import_five_numbers_an_order_with_a_report_and_a_dry_run() {
    let fake = Fake::start();
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("number,display name\n");
    for i in 0..7 {
        text.push_str(&format!("+1206555{:04},n{i}\n", 200 + i));
    }
    text.push_str("12345,bad\n");
    let sheet = write(dir.path(), "orders.csv", &text);
    let sheet = sheet.to_str().unwrap();

    let before = fake.requests();
    fake.cli()
        .args(["orders", "import", "--csv", sheet, "--service-plan-id", "plan"])
        .args(["--campaign-id", "c1", "--dry-run"])
        .env_remove("SINCH_KEY_SECRET")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "would open order 1 of 2: 5 US numbers (rows 2-6), an import on service plan plan, campaign c1",
        ))
        .stderr(predicate::str::contains("would open order 2 of 2: 2 US numbers"))
        .stderr(predicate::str::contains("row 9 (12345): invalid phone number"))
        .stderr(predicate::str::contains("7 valid in 2 orders, 1 invalid (dry run: nothing sent)"));
    assert_eq!(fake.requests(), before, "a dry run sends nothing");

    let report = dir.path().join("report.csv");
    let output = fake
        .cli()
        .args([
            "orders",
            "import",
            "--csv",
            sheet,
            "--service-plan-id",
            "plan",
        ])
        .args(["--report", report.to_str().unwrap(), "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let err = stderr(&output);
    assert!(
        err.contains("ordered 7 numbers in 2 orders, failed 0, invalid 1"),
        "{err}"
    );
    assert!(err.contains("orders wait ID"), "{err}");
    assert_eq!(fake.orders(), 2);
    let rows = report_rows(&report);
    assert_eq!(rows.len(), 9, "one row per input: {rows:?}");
    assert_eq!(
        rows[0],
        [
            "row",
            "number",
            "outcome",
            "error",
            "e164",
            "hosting_order_id"
        ]
    );
    let ordered: Vec<&Vec<String>> = rows.iter().filter(|r| r[2] == "ordered").collect();
    assert_eq!(ordered.len(), 7);
    assert_eq!(
        ordered[0][5], ordered[4][5],
        "the first five share an order"
    );
    assert_ne!(ordered[4][5], ordered[5][5], "the sixth is in the next");
    assert_eq!(stdout(&output), std::fs::read_to_string(&report).unwrap());

    // The report is never the input file.
    fake.cli()
        .args([
            "orders",
            "import",
            "--csv",
            sheet,
            "--service-plan-id",
            "plan",
        ])
        .args(["--report", sheet])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is the input file"));
    // A blank service plan is refused before anything is sent.
    let before = fake.requests();
    fake.cli()
        .args(["orders", "import", "+12065550300", "--service-plan-id", " "])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("service plan id is required"));
    assert_eq!(fake.requests(), before);
}

/// A seeded order with `state`, and numbers: one done, one whose platform
/// provisioning failed.
fn seeded(fake: &Fake, id: &str, state: HostingOrderState, one_failed: bool) -> String {
    let mut seed = HostingOrderSeed::new()
        .id(id)
        .state(state)
        .order_type(HostingOrderType::TextEnable)
        .number(HostingOrderNumberSeed::new("+12065550101").all_steps(State::Done));
    if one_failed {
        seed = seed.number(
            HostingOrderNumberSeed::new("+12065550102")
                .step(HostingStep::OsrUpdate, State::Done)
                .step(HostingStep::PlatformProvisioning, State::Failed),
        );
    }
    fake.server.seed_hosting_order(PROJECT, seed)
}

#[test]
fn orders_wait_says_how_an_order_ended_with_its_own_exit_status() {
    let fake = Fake::start();
    seeded(&fake, "done-order", HostingOrderState::Completed, false);
    seeded(&fake, "partial-order", HostingOrderState::Completed, true);
    seeded(&fake, "rejected-order", HostingOrderState::Rejected, true);
    seeded(
        &fake,
        "unsigned-order",
        HostingOrderState::WaitingForLoaSignature,
        false,
    );
    seeded(&fake, "busy-order", HostingOrderState::InProgress, true);
    seeded(&fake, "quiet-order", HostingOrderState::InProgress, false);

    fake.cli()
        .args(["orders", "wait", "done-order"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "hosting order done-order: COMPLETED (completed)\ntotal 1, OSR updated 1",
        ))
        .stdout(predicate::str::contains("failed numbers: 0"));

    let output = fake
        .cli()
        .args(["orders", "wait", "partial-order"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{output:?}");
    let out = stdout(&output);
    assert!(out.contains("COMPLETED (completed-with-failures)"), "{out}");
    assert!(
        out.contains("failed numbers: 1\n+12065550102     platformProvisioning failed"),
        "{out}"
    );
    assert!(stderr(&output).contains("completed, but 1 of its numbers failed"));

    let json = fake
        .cli()
        .args(["orders", "wait", "partial-order", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(3));
    let end: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(end["outcome"], "completed-with-failures");
    assert_eq!(end["report"]["total"], 2);
    assert_eq!(end["failedNumbers"][0]["phoneNumber"], "+12065550102");
    assert_eq!(
        end["failedNumbers"][0]["failure"],
        "platformProvisioning failed"
    );

    let output = fake
        .cli()
        .args(["orders", "wait", "rejected-order", "-o", "csv"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    assert_eq!(
        stdout(&output),
        "hosting_order_id,state,outcome,phone_number,failure\nrejected-order,REJECTED,rejected,+12065550102,platformProvisioning failed\n"
    );
    assert!(stderr(&output).contains("was rejected by Sinch"));

    let output = fake
        .cli()
        .args(["orders", "wait", "unsigned-order"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "{output:?}");
    assert!(stdout(&output).contains("WAITING_FOR_LOA_SIGNATURE (awaiting-signature)"));
    let err = stderr(&output);
    assert!(
        err.contains("a person must sign the LOA e-mailed to alex@example.com"),
        "{err}"
    );

    // At the deadline: the order as last read, in every format, as for
    // the other endings.
    let output = fake
        .cli()
        .args(["orders", "wait", "busy-order", "--timeout-minutes", "0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{output:?}");
    let out = stdout(&output);
    assert!(
        out.starts_with(
            "hosting order busy-order: IN_PROGRESS (still-going)\ntotal 2, OSR updated 2"
        ),
        "{out}"
    );
    assert!(
        out.contains("failed numbers: 1\n+12065550102     platformProvisioning failed"),
        "{out}"
    );
    let err = stderr(&output);
    assert!(
        err.starts_with(
            "error: hosting order busy-order has not ended: it is IN_PROGRESS (--timeout-minutes 0 \
             reads the order once and does not wait)"
        ),
        "{err}"
    );
    assert!(!err.contains("0ns") && !err.contains("reads)"), "{err}");
    assert!(err.contains("a longer --timeout-minutes"), "{err}");
    let output = fake
        .cli()
        .args([
            "orders",
            "wait",
            "busy-order",
            "--timeout-minutes",
            "0",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{output:?}");
    let end: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(end["state"], "IN_PROGRESS");
    assert_eq!(end["outcome"], "still-going");
    assert_eq!(end["report"]["total"], 2);
    assert_eq!(end["failedNumbers"][0]["phoneNumber"], "+12065550102");
    let output = fake
        .cli()
        .args([
            "orders",
            "wait",
            "quiet-order",
            "--timeout-minutes",
            "0",
            "-o",
            "csv",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(6), "{output:?}");
    assert_eq!(
        stdout(&output),
        "hosting_order_id,state,outcome,phone_number,failure\nquiet-order,IN_PROGRESS,still-going,,\n",
        "nothing failed: one row, for the state"
    );

    fake.cli()
        .args(["orders", "wait", "no-such-order"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no hosting order with this id"));
}
