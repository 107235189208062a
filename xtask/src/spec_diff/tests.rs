//! The spec-diff command end to end: the project's pages, exit statuses,
//! reports, detection and robustness. Single-edit copies of the pages are
//! in `mutations.rs`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::finding::Severity;

const LIST: &str = "GET /v1/projects/{projectId}/importedNumbers";

fn root() -> PathBuf {
    crate::workspace_root()
}

fn vendor_page(name: &str) -> String {
    std::fs::read_to_string(root().join("openapi/vendor-docs").join(name)).unwrap()
}

/// Findings for `text` saved as `name`, as (rule, operation, location).
fn findings_for(name: &str, text: &str) -> BTreeSet<(String, String, String)> {
    let path = crate::temp_file(name, text);
    let (found, _) = super::findings(&root().join(crate::spec::SPEC_PATH), &[path], None).unwrap();
    found
        .into_iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| (f.rule.to_owned(), f.operation, f.location))
        .collect()
}

const REDOC: &str = "imported-numbers.redoc.txt";
const MD: &str = "list-imported-numbers.md";

#[test]
fn project_pages_have_no_unaccepted_drift() {
    let pages = [REDOC, MD].map(|p| root().join("openapi/vendor-docs").join(p));
    let (mut found, infos) =
        super::findings(&root().join(crate::spec::SPEC_PATH), &pages, None).unwrap();
    let entries = super::accepted::load(&root().join("openapi/accepted-drift.toml")).unwrap();
    let kinds: Vec<&str> = infos.iter().map(|i| i.format).collect();
    super::accepted::apply(&entries, &mut found, "accepted-drift.toml", &kinds);
    let drift: Vec<_> = found.iter().filter(|f| f.is_drift()).collect();
    assert!(drift.is_empty(), "{drift:#?}");
    assert_eq!(
        infos.iter().map(|i| i.format).collect::<Vec<_>>(),
        ["redoc", "markdown"]
    );
    assert!(
        found
            .iter()
            .any(|f| f.rule == "format-cannot-express" && f.page == REDOC),
        "says what Redoc cannot show"
    );
}

#[test]
fn redoc_operation_missing_from_a_whole_api_page() {
    const DELETE: &str = "DELETE /v1/projects/{projectId}/importedNumbers/{phoneNumber}";
    let original = vendor_page(REDOC);
    // The whole operation, from its title to its method-and-path line.
    let start = original.find("Delete imported number").unwrap();
    let end_marker = "delete/v1/projects/{projectId}/importedNumbers/{phoneNumber}\n";
    let end = start + original[start..].find(end_marker).unwrap() + end_marker.len();
    let edited = format!("{}{}", &original[..start], &original[end..]);
    let before = findings_for(REDOC, &original);
    let after = findings_for(REDOC, &edited);
    let added: Vec<_> = after.difference(&before).collect();
    assert_eq!(
        added,
        [&(
            "operation-missing-in-docs".to_owned(),
            DELETE.to_owned(),
            "operation".to_owned()
        )]
    );
    // Only the removed operation's own findings go away with it.
    assert!(before.difference(&after).all(|(_, op, _)| op == DELETE));
}

#[test]
fn unreadable_or_unrecognised_pages_name_the_file() {
    let spec = root().join(crate::spec::SPEC_PATH);
    let missing = root().join("openapi/vendor-docs/no-such-page.md");
    let err = super::findings(&spec, &[missing], None).unwrap_err();
    assert!(err.contains("no-such-page.md: cannot read"), "{err}");

    let junk = crate::temp_file("notes.txt", "just some notes");
    let err = super::findings(&spec, &[junk], None).unwrap_err();
    assert!(err.contains("notes.txt: not clearly one format"), "{err}");
}

#[test]
fn exit_status_says_no_drift_drift_or_unreadable() {
    use std::process::ExitCode;
    let arg = |s: &str| s.to_owned();
    assert_eq!(
        super::run(&[]),
        ExitCode::SUCCESS,
        "the project's pages, with accepted drift"
    );
    assert_eq!(
        super::run(&[arg("--no-accepted")]),
        ExitCode::from(1),
        "the same pages without the accepted file"
    );
    assert_eq!(super::run(&[arg("no-such-page.txt")]), ExitCode::from(2));
    assert_eq!(
        super::run(&[arg("--format"), arg("yaml")]),
        ExitCode::from(2)
    );
}

#[test]
fn one_page_alone_or_renamed_is_clean() {
    use std::process::ExitCode;
    for name in [REDOC, MD, "imported-numbers.vendor-openapi.yaml"] {
        let path = root().join("openapi/vendor-docs").join(name);
        assert_eq!(
            super::run(&[path.display().to_string()]),
            ExitCode::SUCCESS,
            "{name} alone"
        );
        let renamed = crate::temp_file(&format!("saved-2025-06.{name}"), &vendor_page(name));
        assert_eq!(
            super::run(&[renamed.display().to_string()]),
            ExitCode::SUCCESS,
            "{name} saved under another name"
        );
    }
}

#[test]
fn fail_on_error_lets_warnings_pass() {
    use std::process::ExitCode;
    // A query parameter the page no longer shows: a warning.
    let text = vendor_page(MD).replacen(
        "- `regionCode` (string) Region code to filter by.",
        "Region code to filter by.",
        1,
    );
    let path = crate::temp_file("warning-only.md", &text)
        .display()
        .to_string();
    assert_eq!(super::run(std::slice::from_ref(&path)), ExitCode::from(1));
    let args = ["--fail-on".to_owned(), "error".to_owned(), path];
    assert_eq!(super::run(&args), ExitCode::SUCCESS);
}

#[test]
fn a_page_of_another_api_read_with_pages_of_this_one_is_information() {
    let text = vendor_page(MD).replace("/importedNumbers", "/activeNumbers");
    let other = crate::temp_file("active-numbers.md", &text);
    let ours = root().join("openapi/vendor-docs").join(MD);
    let pages = [ours, other];
    let (found, _) = super::findings(&root().join(crate::spec::SPEC_PATH), &pages, None).unwrap();
    let ops: Vec<_> = found
        .iter()
        .filter(|f| f.page == "active-numbers.md" && !f.operation.is_empty())
        .collect();
    assert!(!ops.is_empty());
    assert!(
        ops.iter()
            .all(|f| f.rule == "operation-other-api" && !f.is_drift()),
        "{ops:#?}"
    );
    let args: Vec<String> = pages.iter().map(|p| p.display().to_string()).collect();
    assert_eq!(super::run(&args), std::process::ExitCode::SUCCESS);
}

#[test]
fn json_report_has_a_schema_version_and_split_operations() {
    let path = root().join("openapi/vendor-docs").join(MD);
    let (found, pages) =
        super::findings(&root().join(crate::spec::SPEC_PATH), &[path], None).unwrap();
    let json = super::report::render(
        super::report::Format::Json,
        "spec.yaml",
        &pages,
        &found,
        true,
        Severity::Warning,
    );
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["schema_version"], super::report::JSON_SCHEMA_VERSION);
    assert_eq!(value["fail_on"], "warning");
    let with_op = value["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["operation"] == LIST)
        .expect("a finding on the list operation");
    assert_eq!(with_op["method"], "GET");
    assert_eq!(with_op["path"], "/v1/projects/{projectId}/importedNumbers");
    assert_eq!(with_op["kind"], "markdown");
}

#[test]
fn forcing_a_reader_skips_detection() {
    // One glued line is not enough evidence on its own...
    let text =
        "notes\nphoneNumber\nstring\n\nget/v1/projects/{projectId}/importedNumbers/{phoneNumber}\n";
    assert!(super::read_text(text, None).is_err());
    // ...but the user may say what it is.
    let api = super::read_text(text, Some(super::model::Kind::Redoc)).unwrap();
    assert_eq!(api.operations.len(), 1);
}

#[test]
fn self_referencing_schemas_are_read_to_a_bounded_depth() {
    let doc = r#"
openapi: 3.0.3
info: {title: loops, version: '1'}
paths:
  /v1/projects/{projectId}/importedNumbers:
    get:
      operationId: list
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Node'}
components:
  schemas:
    Node:
      type: object
      properties:
        name: {type: string}
        child: {$ref: '#/components/schemas/Node'}
        alias: {$ref: '#/components/schemas/A'}
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
"#;
    let api = super::openapi::read(doc).unwrap();
    let op = api.operations.values().next().unwrap();
    let Some(super::model::Fields::Paths(fields)) = &op.responses[&200].fields else {
        panic!("a body")
    };
    assert!(fields.contains_key("child.child.name"));
    assert!(fields.len() < 100, "bounded: {}", fields.len());
}

mod robustness {
    use proptest::prelude::*;

    use super::{vendor_page, MD, REDOC};
    use crate::spec_diff::{detect, markdown, openapi, redoc};

    /// A vendor page with some pieces (lines, or words of the one-line
    /// markdown page) dropped, duplicated or cut off: the half-broken pages a
    /// copy-paste produces.
    fn mangled(page: &'static str, separator: &'static str) -> impl Strategy<Value = String> {
        let lines: Vec<String> = vendor_page(page)
            .split(separator)
            .map(str::to_owned)
            .collect();
        let n = lines.len();
        proptest::collection::vec((0..n, 0u8..3), 0..n).prop_map(move |edits| {
            let mut out = lines.clone();
            for (at, what) in edits {
                let at = at % out.len().max(1);
                match what {
                    0 if !out.is_empty() => {
                        out.remove(at);
                    }
                    1 if !out.is_empty() => {
                        let line = out[at].clone();
                        out.insert(at, line);
                    }
                    _ => out.truncate(at.max(1)),
                }
            }
            out.join(separator)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn readers_never_panic_on_arbitrary_text(text in any::<String>()) {
            let _ = redoc::read(&text);
            let _ = markdown::read(&text);
            let _ = openapi::read(&text);
        }

        #[test]
        fn detection_refuses_arbitrary_text(text in any::<String>()) {
            prop_assert!(detect::detect(&text).is_err());
        }

        #[test]
        fn mangled_pages_are_read_with_operations_or_refused(
            text in prop_oneof![mangled(REDOC, "\n"), mangled(MD, " ")]
        ) {
            if let Ok(api) = crate::spec_diff::read_text(&text, None) {
                prop_assert!(!api.operations.is_empty());
            }
        }

        #[test]
        fn openapi_reader_never_panics_on_mangled_documents(
            text in mangled("imported-numbers.vendor-openapi.yaml", "\n")
        ) {
            let _ = openapi::read(&text);
            let _ = detect::detect(&text);
        }

        #[test]
        fn redoc_reader_never_panics_on_mangled_pages(text in mangled(REDOC, "\n")) {
            let _ = redoc::read(&text);
        }

        #[test]
        fn markdown_reader_never_panics_on_mangled_pages(text in mangled(MD, " ")) {
            let _ = markdown::read(&text);
        }
    }
}

// --- Issue 17: versions, documents of another API, wildcard entries,
// --- refusals by name, complete findings, renamed components. ---

const VENDOR: &str = "imported-numbers.vendor-openapi.yaml";
const IMPORT: &str = "POST /v1/projects/{projectId}/importedNumbers";

/// Every finding for `text` saved as `name`, with the project's accepted
/// file applied, as a user of the command sees them.
fn judged(name: &str, text: &str) -> Result<Vec<super::finding::Finding>, String> {
    let path = crate::temp_file(name, text);
    let (mut found, pages) = super::findings(&root().join(crate::spec::SPEC_PATH), &[path], None)?;
    let file = super::accepted::load(&root().join("openapi/accepted-drift.toml"))?;
    let kinds: Vec<&str> = pages.iter().map(|p| p.format).collect();
    super::accepted::apply(&file, &mut found, "accepted-drift.toml", &kinds);
    Ok(found)
}

fn drift_of(found: &[super::finding::Finding]) -> Vec<&super::finding::Finding> {
    found.iter().filter(|f| f.is_drift()).collect()
}

/// The one finding a move from /v1 to /v2 must give.
fn assert_one_version_finding(found: &[super::finding::Finding], what: &str) {
    let drift = drift_of(found);
    assert_eq!(drift.len(), 1, "{what}: {drift:#?}");
    let f = drift[0];
    assert_eq!(f.rule, "api-version-differs", "{what}");
    assert_eq!(f.severity, Severity::Error, "{what}");
    assert!(
        f.spec.as_deref().unwrap_or("").contains("v1"),
        "{what}: {f:?}"
    );
    assert!(
        f.docs.as_deref().unwrap_or("").contains("v2"),
        "{what}: {f:?}"
    );
}

#[test]
fn a_version_change_in_a_page_is_one_finding_naming_both_versions() {
    let md = vendor_page(MD).replace("/v1/", "/v2/");
    assert_one_version_finding(&judged(MD, &md).unwrap(), "markdown");
    let redoc = vendor_page(REDOC).replace("/v1/", "/v2/");
    assert_one_version_finding(&judged(REDOC, &redoc).unwrap(), "redoc");
}

#[test]
fn a_version_change_is_still_compared_under_the_matching_path() {
    // The version moves and a parameter goes: both are said.
    let md = vendor_page(MD).replace("/v1/", "/v2/").replacen(
        "- `regionCode` (string) Region code to filter by.",
        "Region code to filter by.",
        1,
    );
    let found = judged(MD, &md).unwrap();
    let drift: BTreeSet<(&str, &str, &str)> = drift_of(&found)
        .iter()
        .map(|f| (f.rule, f.operation.as_str(), f.location.as_str()))
        .collect();
    assert!(
        drift.contains(&("parameter-missing-in-docs", LIST, "query.regionCode")),
        "{drift:?}"
    );
    assert_eq!(drift.len(), 2, "{drift:?}");
}

/// The vendor's document with `/v1` moved from its paths to its server URL,
/// the server then saying `version`.
fn vendor_with_base_in_server(version: &str) -> String {
    let text = vendor_page(VENDOR);
    assert!(text.contains("\n  /v1/"));
    text.replace("\n  /v1/", "\n  /").replacen(
        "  - url: https://imported.numbers.api.sinch.com\n",
        &format!("  - url: https://imported.numbers.api.sinch.com/{version}\n"),
        1,
    )
}

#[test]
fn the_base_path_may_be_split_between_server_url_and_paths() {
    let found = judged(VENDOR, &vendor_with_base_in_server("v1")).unwrap();
    assert!(drift_of(&found).is_empty(), "{:#?}", drift_of(&found));
}

#[test]
fn a_version_in_a_server_url_is_compared() {
    let found = judged(VENDOR, &vendor_with_base_in_server("v2")).unwrap();
    assert_one_version_finding(&found, "openapi server URL");
}

const PETSTORE: &str = r#"
openapi: 3.0.3
info: {title: Swagger Petstore, version: '1.0'}
paths:
  /pets:
    get:
      operationId: listPets
      responses:
        '200':
          description: A list of pets.
          content:
            application/json:
              schema:
                type: array
                items: {type: object, properties: {name: {type: string}}}
"#;

#[test]
fn a_document_of_another_api_is_refused_and_says_what_it_describes() {
    let path = crate::temp_file("petstore.yaml", PETSTORE);
    assert_eq!(
        super::run(&[path.display().to_string()]),
        std::process::ExitCode::from(2)
    );
    let err = judged("petstore.yaml", PETSTORE).unwrap_err();
    assert!(err.contains("does not describe this API"), "{err}");
    assert!(
        err.contains("Swagger Petstore") && err.contains("/pets"),
        "{err}"
    );
}

#[test]
fn a_markdown_page_of_another_api_alone_is_refused() {
    let text = vendor_page(MD).replace("/importedNumbers", "/activeNumbers");
    let err = judged("active-numbers.md", &text).unwrap_err();
    assert!(err.contains("does not describe this API"), "{err}");
    assert!(err.contains("activeNumbers"), "{err}");
}

#[test]
fn a_wildcard_entry_does_not_accept_the_opposite_change() {
    // The Redoc page newly marks displayName required in the import body.
    let original = vendor_page(REDOC);
    let start = original
        .find("Request Body schema: application/json")
        .unwrap();
    let (head, tail) = original.split_at(start);
    let text = format!(
        "{head}{}",
        tail.replacen("displayName\nstring", "displayName\nrequired\nstring", 1)
    );
    let found = judged(REDOC, &text).unwrap();
    assert!(
        drift_of(&found)
            .iter()
            .any(|f| f.rule == "field-required-differs"
                && f.operation == IMPORT
                && f.location == "request.displayName"),
        "{:#?}",
        drift_of(&found)
    );
}

#[test]
fn a_wildcard_location_must_pin_values_or_list_locations() {
    let entry = |extra: &str| {
        let text = format!(
            "[[accepted]]\nrule = \"field-required-differs\"\nlocation = \"request.*\"\n{extra}reason = \"r\"\n"
        );
        super::accepted::load(&crate::temp_file("accepted.toml", &text))
    };
    let err = entry("").unwrap_err();
    assert!(err.contains("entry 1") && err.contains("`*`"), "{err}");
    assert!(entry("docs = \"string\"\n").is_ok());
}

#[test]
fn swagger_2_is_refused_by_name_with_what_to_do() {
    let text = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /v1/x:\n    get:\n      responses:\n        '200': {description: ok}\n";
    let err = super::read_text(text, None).unwrap_err();
    assert!(err.contains("Swagger 2.0"), "{err}");
    assert!(err.contains("OpenAPI 3.0"), "{err}");
}

#[test]
fn every_finding_has_a_location_a_description_and_a_kind() {
    for name in [REDOC, MD, VENDOR] {
        let found = judged(name, &vendor_page(name)).unwrap();
        for f in &found {
            assert!(!f.location.is_empty(), "{name}: no location: {f:?}");
            assert!(
                f.spec.as_deref().is_some_and(|s| !s.is_empty())
                    || f.docs.as_deref().is_some_and(|s| !s.is_empty()),
                "{name}: no description: {f:?}"
            );
            assert!(!f.kind.is_empty(), "{name}: no kind: {f:?}");
        }
    }
}

#[test]
fn unused_entries_name_themselves_and_only_for_kinds_read() {
    let found = judged(MD, &vendor_page(MD)).unwrap();
    let unused: Vec<_> = found
        .iter()
        .filter(|f| f.rule == "accepted-entry-unused")
        .collect();
    assert!(!unused.is_empty());
    for f in &unused {
        assert!(
            f.kind == "markdown" || f.kind == "any",
            "an entry for another kind of page: {f:?}"
        );
        assert!(!f.operation.is_empty(), "{f:?}");
        let docs = f.docs.as_deref().unwrap_or("");
        assert!(docs.contains("rule "), "{f:?}");
    }
    // The Redoc-only entry for mnoConfiguration is not listed when only a
    // markdown page is read; the pageSize format entry (any kind; the
    // markdown reference shows no formats) is, with its reason.
    assert!(!unused.iter().any(|f| f.location == "*.mnoConfiguration"));
    let page_size = unused
        .iter()
        .find(|f| f.location == "query.pageSize")
        .expect("the pageSize entry is unused on the markdown page");
    assert_eq!(page_size.kind, "any");
    assert_eq!(page_size.operation, "GET /v1/projects/{projectId}/*");
    let docs = page_size.docs.as_deref().unwrap();
    assert!(docs.contains("rule format-differs"), "{docs}");
    assert!(docs.contains("holds any page size"), "{docs}");
}

#[test]
fn a_renamed_component_with_the_same_fields_is_not_drift_on_redoc() {
    let before = judged(REDOC, &vendor_page(REDOC)).unwrap();
    assert!(drift_of(&before).is_empty());
    let renamed =
        vendor_page(REDOC).replace("object (SmsConfiguration)", "object (SMSConfiguration)");
    let after = judged(REDOC, &renamed).unwrap();
    assert!(drift_of(&after).is_empty(), "{:#?}", drift_of(&after));
    // A renamed component whose fields change is still drift.
    let changed = vendor_page(REDOC).replace(
        "object (SmsConfiguration)\n\nConfiguration for SMS\n\nservicePlanId\nstring\n",
        "object (SMSConfiguration)\n\nConfiguration for SMS\n\nsenderId\nstring\n\nA sender.\n\nservicePlanId\nstring\n",
    );
    assert_ne!(changed, vendor_page(REDOC));
    let found = judged(REDOC, &changed).unwrap();
    assert!(!drift_of(&found).is_empty());
}
