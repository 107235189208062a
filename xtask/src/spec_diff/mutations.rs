//! The mutation test: single-edit copies of every saved page and of two
//! OpenAPI documents (the vendor's file, a copy of the project's spec). Each
//! real edit must be found as drift at the right operation and location,
//! and nothing else may change; each neutral edit (descriptions, ordering,
//! wrapping, line endings, sample values, JSON instead of YAML) must change
//! nothing. Findings are judged as a user sees them: with the project's
//! accepted-drift file applied, so a broad entry that swallows a real edit
//! fails here. An edit that turns a document into another API's or another
//! format's must be refused, with the words that say why; and every finding
//! of every copy must say where it is and what it is.

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::finding::Severity;

const REDOC: &str = "imported-numbers.redoc.txt";
const MD: &str = "list-imported-numbers.md";
const VENDOR: &str = "imported-numbers.vendor-openapi.yaml";
/// A copy of the project's own spec, read as a page.
const SPEC_COPY: &str = "spec-copy.yaml";

const LIST: &str = "GET /v1/projects/{projectId}/importedNumbers";
const IMPORT: &str = "POST /v1/projects/{projectId}/importedNumbers";
const GET: &str = "GET /v1/projects/{projectId}/importedNumbers/{phoneNumber}";
const DELETE: &str = "DELETE /v1/projects/{projectId}/importedNumbers/{phoneNumber}";
const PATCH: &str = "PATCH /v1/projects/{projectId}/importedNumbers/{phoneNumber}";
const GET_CALLBACKS: &str = "GET /v1/projects/{projectId}/callbackConfiguration";
const PATCH_CALLBACKS: &str = "PATCH /v1/projects/{projectId}/callbackConfiguration";
const LIST_ORDERS: &str = "GET /v1/projects/{projectId}/hostingOrders";
const GET_ORDER: &str = "GET /v1/projects/{projectId}/hostingOrders/{hostingOrderId}";
const ORDER_REPORT: &str = "GET /v1/projects/{projectId}/hostingOrders/{hostingOrderId}/report";
const LIST_ORDER_NUMBERS: &str =
    "GET /v1/projects/{projectId}/hostingOrders/{hostingOrderId}/numbers";
const IMPORT_ORDER: &str = "POST /v1/projects/{projectId}/hostingOrders:importNumbers";
const TEXT_ENABLE_ORDER: &str = "POST /v1/projects/{projectId}/hostingOrders:textEnableNumbers";
const TOLL_FREE_ORDER: &str =
    "POST /v1/projects/{projectId}/hostingOrders:textEnableTollFreeNumbers";
const LIST_QUALIFIED: &str = "GET /v1/projects/{projectId}/qualifiedNumbers";
const GET_QUALIFIED: &str = "GET /v1/projects/{projectId}/qualifiedNumbers/{phoneNumber}";
const ADD_QUALIFIED: &str = "POST /v1/projects/{projectId}/qualifiedNumbers:addNumbers";
const TOLL_FREE_QUALIFIED: &str =
    "POST /v1/projects/{projectId}/qualifiedNumbers:textEnableTollFreeNumbers";
const VERIFY_VOICE: &str =
    "POST /v1/projects/{projectId}/qualifiedNumbers/{phoneNumber}:verifyVoiceChallenge";
const SEND_VOICE: &str =
    "POST /v1/projects/{projectId}/qualifiedNumbers/{phoneNumber}:sendVoiceChallenge";
/// The list operations, which share the orderBy and pageSize parameters.
const LISTS: [&str; 4] = [LIST, LIST_ORDERS, LIST_ORDER_NUMBERS, LIST_QUALIFIED];

type Key = (String, String, String);

fn original(page: &str) -> String {
    let root = crate::workspace_root();
    let path = if page == SPEC_COPY {
        root.join(crate::spec::SPEC_PATH)
    } else {
        root.join("openapi/vendor-docs").join(page)
    };
    std::fs::read_to_string(path).unwrap()
}

/// The failing findings (rule, operation, location) for `text` saved as
/// `name`; a finding without a location, a description or a kind is an
/// error.
fn failing(name: &str, text: &str) -> Result<BTreeSet<Key>, String> {
    let root = crate::workspace_root();
    let path: PathBuf = crate::temp_file(name, text);
    let (mut found, pages) = super::findings(&root.join(crate::spec::SPEC_PATH), &[path], None)?;
    let accepted = super::accepted::load(&root.join("openapi/accepted-drift.toml"))?;
    let kinds: Vec<&str> = pages.iter().map(|p| p.format).collect();
    super::accepted::apply(&accepted, &mut found, "accepted-drift.toml", &kinds);
    let said = |side: &Option<String>| side.as_deref().is_some_and(|s| !s.trim().is_empty());
    if let Some(f) = found
        .iter()
        .find(|f| f.location.is_empty() || f.kind.is_empty() || !(said(&f.spec) || said(&f.docs)))
    {
        return Err(format!(
            "a finding lacks a location, description or kind: {f:?}"
        ));
    }
    Ok(found
        .into_iter()
        .filter(|f| f.fails(Severity::Warning))
        .map(|f| (f.rule.to_owned(), f.operation, f.location))
        .collect())
}

/// Replaces the first `from` with `to`, insisting it is there.
fn swap(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "{from:?} not found");
    text.replacen(from, to, 1)
}

/// [`swap`] within one operation of the Redoc page: the text up to its
/// glued `method/path` line, after the previous one.
fn in_op(text: &str, glued: &str, from: &str, to: &str) -> String {
    let end = text
        .find(&format!("\n{glued}\n"))
        .unwrap_or_else(|| panic!("{glued} not on the page"));
    let start = text[..end]
        .rfind("/v1/")
        .and_then(|at| text[at..end].find('\n').map(|n| at + n))
        .unwrap_or(0);
    let section = &text[start..end];
    assert!(section.contains(from), "{from:?} not in {glued}");
    format!(
        "{}{}{}",
        &text[..start],
        section.replacen(from, to, 1),
        &text[end..]
    )
}

const G_LIST: &str = "get/v1/projects/{projectId}/importedNumbers";
const G_IMPORT: &str = "post/v1/projects/{projectId}/importedNumbers";
const G_GET: &str = "get/v1/projects/{projectId}/importedNumbers/{phoneNumber}";
const G_DELETE: &str = "delete/v1/projects/{projectId}/importedNumbers/{phoneNumber}";
const G_PATCH: &str = "patch/v1/projects/{projectId}/importedNumbers/{phoneNumber}";

/// A YAML document as JSON, for the "same document, other syntax" edit.
fn as_json(yaml: &str) -> String {
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).unwrap();
    serde_json::to_string_pretty(&super::openapi::to_json(value)).unwrap()
}

struct Mutation {
    name: &'static str,
    page: &'static str,
    edit: Box<dyn Fn(&str) -> String>,
    /// The drift the edit must add; empty for a neutral edit.
    expect: Vec<(&'static str, &'static str, &'static str)>,
    /// For an edit that must be refused: words the refusal must contain.
    refused: Option<&'static str>,
}

fn real(
    name: &'static str,
    page: &'static str,
    edit: impl Fn(&str) -> String + 'static,
    expect: &[(&'static str, &'static str, &'static str)],
) -> Mutation {
    assert!(!expect.is_empty());
    Mutation {
        name,
        page,
        edit: Box::new(edit),
        expect: expect.to_vec(),
        refused: None,
    }
}

/// An edit after which the page must be refused (exit 2), saying `why`.
fn refused(
    name: &'static str,
    page: &'static str,
    edit: impl Fn(&str) -> String + 'static,
    why: &'static str,
) -> Mutation {
    Mutation {
        name,
        page,
        edit: Box::new(edit),
        expect: Vec::new(),
        refused: Some(why),
    }
}

fn neutral(
    name: &'static str,
    page: &'static str,
    edit: impl Fn(&str) -> String + 'static,
) -> Mutation {
    Mutation {
        name,
        page,
        edit: Box::new(edit),
        expect: Vec::new(),
        refused: None,
    }
}

fn redoc_mutations() -> Vec<Mutation> {
    let p = REDOC;
    vec![
        real(
            "redoc: query parameter removed",
            p,
            |t| in_op(t, G_LIST, "regionCode\nstring\n", "\n"),
            &[("parameter-missing-in-docs", LIST, "query.regionCode")],
        ),
        real(
            "redoc: query parameter made required",
            p,
            |t| {
                in_op(
                    t,
                    G_LIST,
                    "regionCode\nstring",
                    "regionCode\nrequired\nstring",
                )
            },
            &[("parameter-required-differs", LIST, "query.regionCode")],
        ),
        real(
            "redoc: enum value added",
            p,
            |t| {
                in_op(
                    t,
                    G_LIST,
                    r#"Enum: "START" "CONTAIN" "END""#,
                    r#"Enum: "START" "CONTAIN" "END" "ANY""#,
                )
            },
            &[(
                "enum-value-missing-in-spec",
                LIST,
                "query.numberPattern.searchPattern",
            )],
        ),
        real(
            "redoc: enum value removed",
            p,
            |t| {
                in_op(
                    t,
                    G_LIST,
                    r#"Enum: "START" "CONTAIN" "END""#,
                    r#"Enum: "START" "CONTAIN""#,
                )
            },
            &[(
                "enum-value-missing-in-docs",
                LIST,
                "query.numberPattern.searchPattern",
            )],
        ),
        real(
            "redoc: parameter type changed",
            p,
            |t| in_op(t, G_LIST, "pageSize\ninteger", "pageSize\nstring"),
            &[("parameter-type-differs", LIST, "query.pageSize")],
        ),
        real(
            "redoc: parameter format changed",
            p,
            |t| in_op(t, G_LIST, "pageSize\ninteger", "pageSize\ninteger <int64>"),
            &[("format-differs", LIST, "query.pageSize")],
        ),
        real(
            "redoc: response field format dropped",
            p,
            |t| {
                in_op(
                    t,
                    G_GET,
                    "lastUpdatedTime\nstring <date-time>",
                    "lastUpdatedTime\nstring",
                )
            },
            &[(
                "format-differs",
                GET,
                "response.200.smsConfiguration.scheduledProvisioning.lastUpdatedTime",
            )],
        ),
        real(
            "redoc: a security scheme dropped",
            p,
            |t| in_op(t, G_LIST, "SecurityBasic or OAuth2.0", "SecurityOAuth2.0"),
            &[("security-scheme-missing-in-docs", LIST, "security")],
        ),
        real(
            "redoc: a security scheme added",
            p,
            |t| {
                in_op(
                    t,
                    G_GET,
                    "SecurityBasic or OAuth2.0",
                    "SecurityBasic or OAuth2.0 or Bearer",
                )
            },
            &[("security-scheme-missing-in-spec", GET, "security")],
        ),
        real(
            "redoc: required header parameter added",
            p,
            |t| {
                in_op(t, G_LIST, "query Parameters\n", "header Parameters\nX-Request-Id\nrequired\nstring\n\nA request id.\n\nquery Parameters\n")
            },
            &[("parameter-missing-in-spec", LIST, "header.X-Request-Id")],
        ),
        real(
            "redoc: array of objects became one object",
            p,
            |t| {
                in_op(
                    t,
                    G_LIST,
                    "Array of objects (ImportedNumber)",
                    "object (ImportedNumber)",
                )
            },
            &[(
                "field-type-differs",
                LIST,
                "response.200.object(ImportedNumber)",
            )],
        ),
        real(
            "redoc: response field removed",
            p,
            |t| {
                in_op(
                    t,
                    G_GET,
                    "displayName\nstring\n\nUser supplied name for the phone number.\n",
                    "\n",
                )
            },
            &[("field-missing-in-docs", GET, "response.200.displayName")],
        ),
        real(
            "redoc: request field made required",
            p,
            |t| {
                in_op(
                    t,
                    G_PATCH,
                    "displayName\nstring",
                    "displayName\nrequired\nstring",
                )
            },
            &[("field-required-differs", PATCH, "request.displayName")],
        ),
        real(
            "redoc: status added",
            p,
            |t| in_op(t, G_LIST, "500\n", "404\n\nNot found.\n\n500\n"),
            &[("status-missing-in-spec", LIST, "response.404")],
        ),
        real(
            "redoc: status removed",
            p,
            |t| in_op(t, G_GET, "500\n\nINTERNAL", "\nINTERNAL"),
            &[("status-missing-in-docs", GET, "response.500")],
        ),
        real(
            "redoc: operation added",
            p,
            |t| {
                swap(t, "\nget/v1/projects/{projectId}/importedNumbers/{phoneNumber}\n",
                "\nget/v1/projects/{projectId}/importedNumbers/{phoneNumber}\nReplace number\n\nSecurityBasic or OAuth2.0\nResponses\n200\n\nOK\n\nput/v1/projects/{projectId}/importedNumbers/{phoneNumber}\n")
            },
            &[(
                "operation-missing-in-spec",
                "PUT /v1/projects/{projectId}/importedNumbers/{phoneNumber}",
                "operation",
            )],
        ),
        real(
            "redoc: operation removed",
            p,
            // The whole section, from its title to its method-and-path line.
            |t| {
                let start = t.find("Delete imported number").unwrap();
                let end = t.find(&format!("\n{G_DELETE}\n")).unwrap() + G_DELETE.len() + 2;
                format!("{}{}", &t[..start], &t[end..])
            },
            &[("operation-missing-in-docs", DELETE, "operation")],
        ),
        real(
            "redoc: path parameter renamed",
            p,
            |t| {
                swap(
                    t,
                    &format!("\n{G_GET}\n"),
                    "\nget/v1/projects/{projectId}/importedNumbers/{number}\n",
                )
            },
            &[("path-parameter-renamed", GET, "path.phoneNumber")],
        ),
        real(
            "redoc: response field type changed",
            p,
            |t| in_op(t, G_GET, "callbackUrl\nstring", "callbackUrl\ninteger"),
            &[("field-type-differs", GET, "response.200.callbackUrl")],
        ),
        real(
            "redoc: response field added",
            p,
            |t| {
                in_op(
                    t,
                    G_GET,
                    "callbackUrl\nstring\n",
                    "carrier\nstring\n\nThe carrier.\n\ncallbackUrl\nstring\n",
                )
            },
            &[("field-missing-in-spec", GET, "response.200.carrier")],
        ),
        real(
            "redoc: path parameter dropped",
            p,
            |t| in_op(t, G_DELETE, "phoneNumber\nrequired\nstring\n", "\n"),
            &[("parameter-missing-in-docs", DELETE, "path.phoneNumber")],
        ),
        real(
            "redoc: import request field removed",
            p,
            |t| in_op(t, G_IMPORT, "callbackUrl\nstring\n", "\n"),
            &[("field-missing-in-docs", IMPORT, "request.callbackUrl")],
        ),
        real(
            "redoc: query parameter added",
            p,
            |t| {
                in_op(
                    t,
                    G_LIST,
                    "pageToken\nstring",
                    "pageOffset\ninteger\n\nHow many numbers to skip.\n\npageToken\nstring",
                )
            },
            &[("parameter-missing-in-spec", LIST, "query.pageOffset")],
        ),
        real(
            "redoc: nested field added under a name used elsewhere",
            p,
            |t| {
                in_op(t, G_GET, "Service plan of the scheduled provisioning task.\n", "Service plan of the scheduled provisioning task.\n\ndisplayName\nstring\n\nA name for the task.\n")
            },
            &[("field-missing-in-spec", GET, "response.200.displayName")],
        ),
        neutral("redoc: description reworded", p, |t| {
            swap(
                t,
                "Lists all imported numbers for the project.",
                "Lists every number imported into the project.",
            )
        }),
        neutral("redoc: CRLF line endings", p, |t| t.replace('\n', "\r\n")),
        neutral("redoc: sample value changed", p, |t| {
            swap(t, "Example: pageSize=20", "Example: pageSize=50")
        }),
        neutral("redoc: lines rewrapped with blank lines", p, |t| {
            t.replace("\nstring\n", "\n\nstring\n\n")
        }),
        neutral("redoc: trailing spaces", p, |t| t.replace('\n', "  \n")),
        neutral("redoc: query parameters reordered", p, |t| {
            let block = "pageToken\nstring\n\nThe next page token value returned from a previous listing.\n\nExample: pageToken=C2VNYXJrEg4KDCsxMjAxMjI2MzUyOQ==\n";
            swap(
                &swap(t, block, ""),
                "pageSize\ninteger\n",
                &format!("{block}pageSize\ninteger\n"),
            )
        }),
        neutral("redoc: a stray Endpoint sentence", p, |t| {
            swap(t, "Lists all imported numbers for the project.",
                "Lists all imported numbers for the project. Endpoint: GET /v1/projects/{projectId}/importedNumbers is the one to call.")
        }),
        neutral("redoc: response samples changed", p, |t| {
            swap(
                t,
                "\"nextPageToken\": \"string\"",
                "\"nextPageToken\": \"abc\"",
            )
        }),
    ]
}

fn markdown_mutations() -> Vec<Mutation> {
    let p = MD;
    vec![
        real(
            "markdown: query parameter removed",
            p,
            |t| {
                swap(
                    t,
                    "- `regionCode` (string) Region code to filter by.",
                    "Region code to filter by.",
                )
            },
            &[("parameter-missing-in-docs", LIST, "query.regionCode")],
        ),
        real(
            "markdown: parameter made required",
            p,
            |t| {
                swap(
                    t,
                    "- `pageSize` (integer)",
                    "- `pageSize` (integer, required)",
                )
            },
            &[("parameter-required-differs", LIST, "query.pageSize")],
        ),
        real(
            "markdown: enum value added",
            p,
            |t| {
                swap(
                    t,
                    r#"Enum: "createdTime", "updatedTime""#,
                    r#"Enum: "createdTime", "updatedTime", "phoneNumber""#,
                )
            },
            &[("enum-value-missing-in-spec", LIST, "query.orderBy")],
        ),
        real(
            "markdown: enum value removed",
            p,
            |t| {
                swap(
                    t,
                    r#"Enum: "START", "CONTAIN", "END""#,
                    r#"Enum: "START", "CONTAIN""#,
                )
            },
            &[(
                "enum-value-missing-in-docs",
                LIST,
                "query.numberPattern.searchPattern",
            )],
        ),
        real(
            "markdown: response field type changed",
            p,
            |t| swap(t, "- `totalSize` (integer)", "- `totalSize` (string)"),
            &[("field-type-differs", LIST, "response.200.totalSize")],
        ),
        real(
            "markdown: nested state field removed",
            p,
            |t| {
                swap(t, "- `importedNumbers.mnoConfiguration.smsAtt.state` (string) Indicates the current state of the operation. Enum: \"DONE\", \"FAILED\", \"IN_PROGRESS\", \"WAITING\" ", "")
            },
            &[(
                "field-missing-in-docs",
                LIST,
                "response.200.importedNumbers.mnoConfiguration.smsAtt.state",
            )],
        ),
        real(
            "markdown: response field added",
            p,
            |t| {
                swap(
                    t,
                    "- `nextPageToken` (string)",
                    "- `importedNumbers.carrier` (string) The carrier. - `nextPageToken` (string)",
                )
            },
            &[(
                "field-missing-in-spec",
                LIST,
                "response.200.importedNumbers.carrier",
            )],
        ),
        real(
            "markdown: a security scheme dropped",
            p,
            |t| swap(t, "Security: Basic, OAuth2.0", "Security: OAuth2.0"),
            &[("security-scheme-missing-in-docs", LIST, "security")],
        ),
        real(
            "markdown: required header parameter added",
            p,
            |t| {
                swap(t, "## Query parameters:", "## Header parameters: - `X-Request-Id` (string, required) A request id. ## Query parameters:")
            },
            &[("parameter-missing-in-spec", LIST, "header.X-Request-Id")],
        ),
        real(
            "markdown: status added",
            p,
            |t| {
                swap(t, "## Response 500 fields", "## Response 404 fields (application/json): - `code` (string) The code. ## Response 500 fields")
            },
            &[("status-missing-in-spec", LIST, "response.404")],
        ),
        real(
            "markdown: path parameter renamed",
            p,
            |t| {
                swap(
                    &swap(
                        t,
                        "Endpoint: GET /v1/projects/{projectId}/importedNumbers",
                        "Endpoint: GET /v1/projects/{project_id}/importedNumbers",
                    ),
                    "- `projectId` (string, required)",
                    "- `project_id` (string, required)",
                )
            },
            &[("path-parameter-renamed", LIST, "path.projectId")],
        ),
        real(
            "markdown: nested field moved up a level",
            p,
            |t| {
                swap(
                    t,
                    "- `importedNumbers.smsConfiguration.campaignId` (string)",
                    "- `importedNumbers.campaignId` (string)",
                )
            },
            &[
                (
                    "field-missing-in-spec",
                    LIST,
                    "response.200.importedNumbers.campaignId",
                ),
                (
                    "field-missing-in-docs",
                    LIST,
                    "response.200.importedNumbers.smsConfiguration.campaignId",
                ),
            ],
        ),
        real(
            "markdown: object became an array",
            p,
            |t| {
                swap(
                    t,
                    "- `importedNumbers.smsConfiguration` (object)",
                    "- `importedNumbers.smsConfiguration` (array)",
                )
            },
            &[(
                "field-type-differs",
                LIST,
                "response.200.importedNumbers.smsConfiguration",
            )],
        ),
        real(
            "markdown: required query parameter made optional",
            p,
            |t| {
                swap(
                    t,
                    "- `servicePlanId` (string, required)",
                    "- `servicePlanId` (string)",
                )
            },
            &[("parameter-required-differs", LIST, "query.servicePlanId")],
        ),
        real(
            "markdown: operation appended",
            p,
            |t| {
                format!("{t} # Release all Endpoint: DELETE /v1/projects/{{projectId}}/importedNumbers ## Path parameters: - projectId (string, required) The project.")
            },
            &[(
                "operation-missing-in-spec",
                "DELETE /v1/projects/{projectId}/importedNumbers",
                "operation",
            )],
        ),
        real(
            "markdown: response field removed",
            p,
            |t| swap(t, "- `importedNumbers.regionCode` (string)", ""),
            &[(
                "field-missing-in-docs",
                LIST,
                "response.200.importedNumbers.regionCode",
            )],
        ),
        neutral("markdown: description reworded", p, |t| {
            swap(
                t,
                "Lists all imported numbers for the project.",
                "Lists every number imported into the project.",
            )
        }),
        neutral("markdown: sections on separate lines", p, |t| {
            t.replace(" ## ", "\n\n## ").replace(" - `", "\n- `")
        }),
        neutral("markdown: CRLF line endings", p, |t| {
            t.replace(" ## ", "\r\n\r\n## ").replace(" - `", "\r\n- `")
        }),
        neutral("markdown: sample value changed", p, |t| {
            swap(t, "Example: 20", "Example: 50")
        }),
        neutral("markdown: names without backticks", p, |t| {
            t.replace("- `", "- ").replace("` (", " (")
        }),
        neutral("markdown: query parameters reordered", p, |t| {
            let entry = "- `pageToken` (string) The next page token value returned from a previous listing. Example: \"C2VNYXJrEg4KDCsxMjAxMjI2MzUyOQ==\" ";
            swap(
                &swap(t, entry, ""),
                "- `pageSize` (integer)",
                &format!("{entry}- `pageSize` (integer)"),
            )
        }),
    ]
}

fn vendor_mutations() -> Vec<Mutation> {
    let p = VENDOR;
    vec![
        real("openapi: parameter reference removed", p,
            |t| swap(t, "        - $ref: '#/components/parameters/regionCode'\n", ""),
            &[("parameter-missing-in-docs", LIST, "query.regionCode")]),
        real("openapi: shared parameter made required", p,
            |t| swap(t, "      name: regionCode\n      in: query\n", "      name: regionCode\n      in: query\n      required: true\n"),
            &[
                ("parameter-required-differs", LIST, "query.regionCode"),
                ("parameter-required-differs", LIST_ORDERS, "query.regionCode"),
                ("parameter-required-differs", LIST_QUALIFIED, "query.regionCode"),
            ]),
        real("openapi: enum value added to a shared parameter", p,
            |t| swap(t, "enum: [START, CONTAIN, END]", "enum: [START, CONTAIN, END, ANY]"),
            &[("enum-value-missing-in-spec", LIST, "query.numberPattern.searchPattern")]),
        real("openapi: enum value removed", p,
            |t| swap(t, "enum: [createdTime, updatedTime]", "enum: [createdTime]"),
            &LISTS.map(|op| ("enum-value-missing-in-docs", op, "query.orderBy"))),
        real("openapi: parameter format changed", p,
            |t| swap(t, "      name: pageSize\n      in: query\n      schema:\n        type: integer\n", "      name: pageSize\n      in: query\n      schema:\n        type: integer\n        format: int64\n"),
            &LISTS.map(|op| ("format-differs", op, "query.pageSize"))),
        real("openapi: date-time format dropped", p,
            |t| swap(t, "        lastUpdatedTime:\n          type: string\n          format: date-time\n", "        lastUpdatedTime:\n          type: string\n"),
            &[
                ("format-differs", LIST, "response.200.importedNumbers.smsConfiguration.scheduledProvisioning.lastUpdatedTime"),
                ("format-differs", GET, "response.200.smsConfiguration.scheduledProvisioning.lastUpdatedTime"),
                ("format-differs", IMPORT, "response.200.smsConfiguration.scheduledProvisioning.lastUpdatedTime"),
                ("format-differs", PATCH, "response.200.smsConfiguration.scheduledProvisioning.lastUpdatedTime"),
            ]),
        real("openapi: an operation accepts Basic only", p,
            |t| swap(t, "      operationId: ImportNumberService_GetImportedNumber\n", "      operationId: ImportNumberService_GetImportedNumber\n      security:\n        - Basic: []\n"),
            &[("security-scheme-missing-in-docs", GET, "security")]),
        real("openapi: an operation accepts a bearer token too", p,
            |t| swap(&swap(t, "      operationId: ImportNumberService_GetImportedNumber\n", "      operationId: ImportNumberService_GetImportedNumber\n      security:\n        - Basic: []\n        - OAuth2.0: []\n        - Token: []\n"),
                "  securitySchemes:\n", "  securitySchemes:\n    Token:\n      type: http\n      scheme: bearer\n"),
            &[("security-scheme-missing-in-spec", GET, "security")]),
        real("openapi: required header parameter added", p,
            |t| swap(t, "      operationId: ImportNumberService_GetImportedNumber\n      tags: [Imported Numbers]\n      parameters:\n", "      operationId: ImportNumberService_GetImportedNumber\n      tags: [Imported Numbers]\n      parameters:\n        - name: X-Request-Id\n          in: header\n          required: true\n          schema:\n            type: string\n"),
            &[("parameter-missing-in-spec", GET, "header.X-Request-Id")]),
        real("openapi: a response field made read-only", p,
            |t| swap(t, "        nextPageToken:\n          type: string\n        totalSize:", "        nextPageToken:\n          type: string\n          readOnly: true\n        totalSize:"),
            &[("read-only-differs", LIST, "response.200.nextPageToken")]),
        real("openapi: an array became one object", p,
            |t| swap(t, "        importedNumbers:\n          type: array\n          items:\n            $ref: '#/components/schemas/ImportedNumberResponse'", "        importedNumbers:\n          $ref: '#/components/schemas/ImportedNumberResponse'"),
            &[("field-type-differs", LIST, "response.200.importedNumbers")]),
        real("openapi: operation added", p,
            |t| swap(t, "    delete:\n      operationId: ImportNumberService_DeleteImportedNumber\n", "    put:\n      operationId: ReplaceImportedNumber\n      responses:\n        200:\n          description: Replaced.\n    delete:\n      operationId: ImportNumberService_DeleteImportedNumber\n"),
            &[("operation-missing-in-spec", "PUT /v1/projects/{projectId}/importedNumbers/{phoneNumber}", "operation")]),
        real("openapi: operation removed", p,
            |t| swap(t, "    delete:\n      operationId: ImportNumberService_DeleteImportedNumber\n", "    x-delete:\n      operationId: ImportNumberService_DeleteImportedNumber\n"),
            &[("operation-missing-in-docs", DELETE, "operation")]),
        real("openapi: path parameter renamed", p,
            |t| swap(t, "  /v1/projects/{projectId}/importedNumbers/{phoneNumber}:\n", "  /v1/projects/{projectId}/importedNumbers/{number}:\n"),
            &[
                ("path-parameter-renamed", GET, "path.phoneNumber"),
                ("path-parameter-renamed", DELETE, "path.phoneNumber"),
                ("path-parameter-renamed", PATCH, "path.phoneNumber"),
            ]),
        real("openapi: status added", p,
            |t| swap(t, "                $ref: '#/components/schemas/ImportedNumberResponse'\n        404:", "                $ref: '#/components/schemas/ImportedNumberResponse'\n        429:\n          description: Too many requests.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/ErrorResponse'\n        404:"),
            &[("status-missing-in-spec", GET, "response.429")]),
        real("openapi: server host changed", p,
            |t| swap(t, "  - url: https://imported.numbers.api.sinch.com", "  - url: https://us.imported.numbers.api.sinch.com"),
            &[
                ("server-missing-in-spec", "", "servers"),
                ("server-missing-in-docs", "", "servers"),
            ]),
        real("openapi: response field removed", p,
            |t| swap(t, "        totalSize:\n          type: integer\n          format: int32\n    ImportedNumberResponse:", "    ImportedNumberResponse:"),
            &[("field-missing-in-docs", LIST, "response.200.totalSize")]),
        real("openapi: response field added", p,
            |t| swap(t, "        nextPageToken:\n          type: string\n        totalSize:", "        nextPageToken:\n          type: string\n        nextPageUrl:\n          type: string\n        totalSize:"),
            &[("field-missing-in-spec", LIST, "response.200.nextPageUrl")]),
        real("openapi: response field type changed", p,
            |t| swap(t, "        totalSize:\n          type: integer\n          format: int32\n    ImportedNumberResponse:", "        totalSize:\n          type: string\n    ImportedNumberResponse:"),
            &[("field-type-differs", LIST, "response.200.totalSize")]),
        real("openapi: required field dropped from the import body", p,
            |t| swap(t, "required: [regionCode, smsConfiguration]", "required: [smsConfiguration]"),
            &[("field-required-differs", IMPORT, "request.regionCode")]),
        real("openapi: a field removed behind a requestBodies component", p,
            |t| swap(t, "        callbackUrl:\n          type: string\n        migrateToSinchTmo:\n          type: boolean\n          description: Set to true", "        migrateToSinchTmo:\n          type: boolean\n          description: Set to true"),
            &[("field-missing-in-docs", IMPORT_ORDER, "request.callbackUrl")]),
        real("openapi: a field removed behind a responses component", p,
            |t| swap(t, "        ongoingManualAction:\n          type: integer\n          format: int32\n", ""),
            &[("field-missing-in-docs", ORDER_REPORT, "response.200.ongoingManualAction")]),
        real("openapi: a custom-method operation removed", p,
            |t| swap(t, "    post:\n      operationId: QualifiedNumberService_SendVoiceChallenge\n", "    x-post:\n      operationId: QualifiedNumberService_SendVoiceChallenge\n"),
            &[("operation-missing-in-docs", SEND_VOICE, "operation")]),
        real("openapi: a custom-method operation added", p,
            |t| swap(t, "  /v1/projects/{projectId}/callbackConfiguration:\n", "  /v1/projects/{projectId}/hostingOrders:cancel:\n    post:\n      operationId: CancelHostingOrder\n      responses:\n        200:\n          description: Cancelled.\n  /v1/projects/{projectId}/callbackConfiguration:\n"),
            &[("operation-missing-in-spec", "POST /v1/projects/{projectId}/hostingOrders:cancel", "operation")]),
        real("openapi: a field common to both oneOf alternatives made optional", p,
            |t| swap(t, "      required: [projectId, regionCode, numbers, servicePlanId]", "      required: [projectId, numbers, servicePlanId]"),
            &[
                ("field-required-differs", TOLL_FREE_ORDER, "request.regionCode"),
                ("field-required-differs", TOLL_FREE_QUALIFIED, "request.regionCode"),
            ]),
        real("openapi: one oneOf alternative left", p,
            |t| swap(t, "        - $ref: '#/components/schemas/TextEnableTollFreeNumbersResellerLoaInfoRequest'\n", ""),
            &[
                ("field-required-differs", TOLL_FREE_ORDER, "request.directLoaInfo"),
                ("field-required-differs", TOLL_FREE_QUALIFIED, "request.directLoaInfo"),
                ("field-missing-in-docs", TOLL_FREE_ORDER, "request.resellerLoaInfo"),
                ("field-missing-in-docs", TOLL_FREE_QUALIFIED, "request.resellerLoaInfo"),
            ]),
        real("openapi: integer enum value added", p,
            |t| swap(t, "          enum: [0, 1, 2]\n", "          enum: [0, 1, 2, 3]\n"),
            &[
                ("enum-value-missing-in-spec", GET_QUALIFIED, "response.200.hostedNumber.status"),
                ("enum-value-missing-in-spec", VERIFY_VOICE, "response.200.hostedNumber.status"),
                ("enum-value-missing-in-spec", SEND_VOICE, "response.200.hostedNumber.status"),
                ("enum-value-missing-in-spec", LIST_QUALIFIED, "response.200.qualifiedNumbers.hostedNumber.status"),
                ("enum-value-missing-in-spec", ADD_QUALIFIED, "response.200.qualifiedNumbers.hostedNumber.status"),
            ]),
        real("openapi: a value added to one of the two `states` parameters", p,
            |t| swap(t, "          - REJECTED\n    type:\n", "          - REJECTED\n          - CANCELLED\n    type:\n"),
            &[("enum-value-missing-in-spec", LIST_ORDERS, "query.states")]),
        real("openapi: a response field no longer read-only", p,
            |t| swap(t, "        scheduledOsrUpdateTime:\n          type: string\n          format: date-time\n          readOnly: true\n", "        scheduledOsrUpdateTime:\n          type: string\n          format: date-time\n"),
            &[
                ("read-only-differs", LIST_ORDERS, "response.200.hostingOrders.scheduledOsrUpdateTime"),
                ("read-only-differs", GET_ORDER, "response.200.scheduledOsrUpdateTime"),
                ("read-only-differs", TEXT_ENABLE_ORDER, "response.200.scheduledOsrUpdateTime"),
                ("read-only-differs", TOLL_FREE_ORDER, "response.200.scheduledOsrUpdateTime"),
                ("read-only-differs", TOLL_FREE_QUALIFIED, "response.200.scheduledOsrUpdateTime"),
            ]),
        neutral("openapi: the misplaced allOf written where it belongs", p, |t| {
            swap(t, "      required: [directLoaInfo]\n      properties:\n        allOf:\n          - $ref: '#/components/schemas/TextEnableTollFreeNumbersLoaInfoCommon'\n",
                "      required: [directLoaInfo]\n      allOf:\n        - $ref: '#/components/schemas/TextEnableTollFreeNumbersLoaInfoCommon'\n      properties:\n")
        }),
        neutral("openapi: paths reordered", p, |t| {
            let start = t.find("  /v1/projects/{projectId}/callbackConfiguration:\n").unwrap();
            let end = t.find("  /v1/projects/{projectId}/qualifiedNumbers:\n").unwrap();
            let block = &t[start..end];
            swap(&t.replacen(block, "", 1), "paths:\n", &format!("paths:\n{block}"))
        }),
        neutral("openapi: descriptions added", p,
            |t| swap(t, "      name: pageSize\n      in: query\n", "      name: pageSize\n      in: query\n      description: The most numbers in one page.\n")),
        neutral("openapi: the same document as JSON", p, as_json),
        neutral("openapi: CRLF line endings", p, |t| t.replace('\n', "\r\n")),
        neutral("openapi: example values changed", p, |t| swap(t, "displayName: Front desk", "displayName: Reception")),
        neutral("openapi: status codes quoted", p, |t| t.replace("        200:\n", "        '200':\n")),
        neutral("openapi: a shared parameter written inline", p, |t| {
            swap(t, "      operationId: ImportNumberService_ImportNumber\n      tags: [Imported Numbers]\n      summary: Import number\n      parameters:\n        - $ref: '#/components/parameters/projectId'\n",
                "      operationId: ImportNumberService_ImportNumber\n      tags: [Imported Numbers]\n      summary: Import number\n      parameters:\n        - name: projectId\n          in: path\n          required: true\n          schema:\n            type: string\n")
        }),
    ]
}

fn spec_copy_mutations() -> Vec<Mutation> {
    let p = SPEC_COPY;
    vec![
        real(
            "spec copy: operation removed",
            p,
            |t| {
                swap(
                    t,
                    "    delete:\n      operationId: DeleteImportedNumber\n",
                    "    x-delete:\n      operationId: DeleteImportedNumber\n",
                )
            },
            &[("operation-missing-in-docs", DELETE, "operation")],
        ),
        real(
            "spec copy: enum value added",
            p,
            |t| {
                swap(
                    t,
                    "enum: [createdTime, updatedTime]",
                    "enum: [createdTime, updatedTime, phoneNumber]",
                )
            },
            &LISTS.map(|op| ("enum-value-missing-in-spec", op, "query.orderBy")),
        ),
        real(
            "spec copy: a field made read-only",
            p,
            |t| {
                swap(
                    t,
                    "        nextPageToken:\n          type: string\n",
                    "        nextPageToken:\n          type: string\n          readOnly: true\n",
                )
            },
            &[("read-only-differs", LIST, "response.200.nextPageToken")],
        ),
        real(
            "spec copy: an operation accepts Basic only",
            p,
            |t| {
                swap(t, "      operationId: GetCallbackConfiguration\n", "      operationId: GetCallbackConfiguration\n      security:\n        - Basic: []\n")
            },
            &[("security-scheme-missing-in-docs", GET_CALLBACKS, "security")],
        ),
        real(
            "spec copy: server host changed",
            p,
            |t| {
                swap(
                    t,
                    "  - url: https://imported.numbers.api.sinch.com",
                    "  - url: https://eu.imported.numbers.api.sinch.com",
                )
            },
            &[
                ("server-missing-in-spec", "", "servers"),
                ("server-missing-in-docs", "", "servers"),
            ],
        ),
        real(
            "spec copy: path parameter renamed",
            p,
            |t| {
                swap(
                    t,
                    "  /v1/projects/{projectId}/callbackConfiguration:\n",
                    "  /v1/projects/{project}/callbackConfiguration:\n",
                )
            },
            &[
                ("path-parameter-renamed", GET_CALLBACKS, "path.projectId"),
                ("path-parameter-renamed", PATCH_CALLBACKS, "path.projectId"),
            ],
        ),
        real(
            "spec copy: a response field's format changed",
            p,
            |t| {
                swap(
                    t,
                    "        totalSize:\n          type: integer\n          format: int32\n",
                    "        totalSize:\n          type: integer\n          format: int64\n",
                )
            },
            &[("format-differs", LIST, "response.200.totalSize")],
        ),
        real(
            "spec copy: a custom-method operation removed",
            p,
            |t| {
                swap(
                    t,
                    "    post:\n      operationId: ImportHostingOrderNumbers\n",
                    "    x-post:\n      operationId: ImportHostingOrderNumbers\n",
                )
            },
            &[("operation-missing-in-docs", IMPORT_ORDER, "operation")],
        ),
        neutral("spec copy: description reworded", p, |t| {
            swap(
                t,
                "description: One page of imported numbers.",
                "description: A page of imported numbers.",
            )
        }),
        neutral("spec copy: CRLF line endings", p, |t| {
            t.replace('\n', "\r\n")
        }),
        neutral("spec copy: the same document as JSON", p, as_json),
    ]
}

/// The vendor's document or the spec with `/v1` moved from every path to
/// the server URL, which then ends in `/{version}`.
fn base_in_server(t: &str, host: &str, version: &str) -> String {
    let line = format!("  - url: {host}\n");
    swap(
        &t.replace("\n  /v1/", "\n  /"),
        &line,
        &format!("  - url: {host}/{version}\n"),
    )
}

const HOST: &str = "https://imported.numbers.api.sinch.com";
const VERSION: (&str, &str, &str) = ("api-version-differs", "", "base path");

/// The cases of issue 17 (versions, documents of another API or format,
/// wildcard entries, renamed components) and more edits of those kinds.
fn issue_17_mutations() -> Vec<Mutation> {
    vec![
        // Versions and base paths.
        real(
            "markdown: the operation moved to /v2",
            MD,
            |t| t.replace("/v1/", "/v2/"),
            &[VERSION],
        ),
        real(
            "redoc: every operation moved to /v2",
            REDOC,
            |t| t.replace("/v1/", "/v2/"),
            &[VERSION],
        ),
        real(
            "openapi: /v2 in the server URL, paths without a version",
            VENDOR,
            |t| base_in_server(t, HOST, "v2"),
            &[VERSION],
        ),
        neutral(
            "openapi: /v1 moved from the paths to the server URL",
            VENDOR,
            |t| base_in_server(t, HOST, "v1"),
        ),
        neutral(
            "spec copy: /v1 moved from the paths to the server URL",
            SPEC_COPY,
            |t| base_in_server(t, HOST, "v1"),
        ),
        real(
            "spec copy: /v3 in the server URL, paths without a version",
            SPEC_COPY,
            |t| base_in_server(t, HOST, "v3"),
            &[VERSION],
        ),
        neutral("openapi: a trailing slash on the server URL", VENDOR, |t| {
            swap(
                t,
                &format!("  - url: {HOST}\n"),
                &format!("  - url: {HOST}/\n"),
            )
        }),
        real(
            "redoc: only the GET operations moved to /v2",
            REDOC,
            |t| t.replace("\nget/v1/", "\nget/v2/"),
            &[VERSION],
        ),
        real(
            "redoc: the version became v1beta1",
            REDOC,
            |t| t.replace("/v1/", "/v1beta1/"),
            &[VERSION],
        ),
        real(
            "markdown: moved to /v2 and a parameter dropped",
            MD,
            |t| {
                swap(
                    &t.replace("/v1/", "/v2/"),
                    "- `regionCode` (string) Region code to filter by.",
                    "Region code to filter by.",
                )
            },
            &[
                VERSION,
                ("parameter-missing-in-docs", LIST, "query.regionCode"),
            ],
        ),
        // Documents of another API.
        refused(
            "openapi: every path under another collection",
            VENDOR,
            |t| t.replace("/v1/projects/{projectId}/", "/v1/stores/{storeId}/"),
            "does not describe this API",
        ),
        refused(
            "markdown: a page of the Active Numbers API alone",
            MD,
            |t| t.replace("/importedNumbers", "/activeNumbers"),
            "does not describe this API",
        ),
        refused(
            "redoc: a page about accounts, not projects",
            REDOC,
            |t| t.replace("/projects/{projectId}/", "/accounts/{accountId}/"),
            "does not describe this API",
        ),
        // Other formats, refused by name.
        refused(
            "openapi: a Swagger 2.0 document",
            VENDOR,
            |t| swap(t, "openapi: 3.0.3\n", "swagger: '2.0'\n"),
            "Swagger 2.0",
        ),
        refused(
            "spec copy: an OpenAPI 3.1 document",
            SPEC_COPY,
            |t| swap(t, "openapi: 3.0.3\n", "openapi: 3.1.0\n"),
            "OpenAPI 3.1.0",
        ),
        refused(
            "openapi: an AsyncAPI document",
            VENDOR,
            |t| swap(t, "openapi: 3.0.3\n", "asyncapi: 2.6.0\n"),
            "AsyncAPI",
        ),
        // What wildcard entries used to accept.
        real(
            "redoc: import displayName newly required",
            REDOC,
            |t| {
                in_op(
                    t,
                    G_IMPORT,
                    "displayName\nstring",
                    "displayName\nrequired\nstring",
                )
            },
            &[("field-required-differs", IMPORT, "request.displayName")],
        ),
        real(
            "redoc: import callbackUrl newly required",
            REDOC,
            |t| {
                in_op(
                    t,
                    G_IMPORT,
                    "callbackUrl\nstring",
                    "callbackUrl\nrequired\nstring",
                )
            },
            &[("field-required-differs", IMPORT, "request.callbackUrl")],
        ),
        real(
            "redoc: Get's 200 body no longer shown",
            REDOC,
            |t| in_op(t, G_GET, "Response Schema: application/json\n", ""),
            &[("response-body-missing-in-docs", GET, "response.200")],
        ),
        real(
            "redoc: scheduledProvisioning.status shown as a boolean",
            REDOC,
            |t| in_op(t, G_GET, "status\ninteger <enum>", "status\nboolean"),
            &[(
                "field-type-differs",
                GET,
                "response.200.smsConfiguration.scheduledProvisioning.status",
            )],
        ),
        // Renamed components.
        neutral("redoc: SmsConfiguration renamed everywhere", REDOC, |t| {
            t.replace("object (SmsConfiguration)", "object (SMSConfiguration)")
        }),
        neutral(
            "redoc: ScheduledProvisioning renamed everywhere",
            REDOC,
            |t| {
                t.replace(
                    "object (ScheduledProvisioning)",
                    "object (PendingProvisioning)",
                )
            },
        ),
        neutral("redoc: the list's item component renamed", REDOC, |t| {
            swap(
                t,
                "Array of objects (ImportedNumber)",
                "Array of objects (Number)",
            )
        }),
        real(
            "redoc: SmsConfiguration renamed in Get, with a new first field",
            REDOC,
            |t| {
                in_op(t, G_GET, "object (SmsConfiguration)\n\nConfiguration for SMS\n\n", "object (SMSConfiguration)\n\nConfiguration for SMS\n\nsenderId\nstring\n\nA sender.\n\n")
            },
            &[
                ("field-missing-in-spec", GET, "response.200.senderId"),
                (
                    "schema-missing-in-spec",
                    GET,
                    "response.200.object(SMSConfiguration)",
                ),
                (
                    "field-missing-in-docs",
                    GET,
                    "response.200.smsConfiguration",
                ),
            ],
        ),
        real(
            "redoc: the list's items renamed and shown as one object",
            REDOC,
            |t| swap(t, "Array of objects (ImportedNumber)", "object (Number)"),
            &[
                (
                    "schema-missing-in-spec",
                    LIST,
                    "response.200.object(Number)",
                ),
                (
                    "field-missing-in-docs",
                    LIST,
                    "response.200.importedNumbers",
                ),
            ],
        ),
    ]
}

#[test]
fn every_real_edit_is_found_where_it_was_made_and_no_neutral_edit_is() {
    let mutations: Vec<Mutation> = [
        redoc_mutations(),
        markdown_mutations(),
        vendor_mutations(),
        spec_copy_mutations(),
        issue_17_mutations(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(mutations.len() >= 120, "only {} mutations", mutations.len());
    let mut problems = Vec::new();
    // Each page's own findings, read once.
    let mut baselines: std::collections::BTreeMap<&str, (String, BTreeSet<Key>)> =
        std::collections::BTreeMap::new();
    for m in &mutations {
        let (text, before) = baselines.entry(m.page).or_insert_with(|| {
            let text = original(m.page);
            let before = failing(m.page, &text).unwrap_or_else(|e| panic!("{}: {e}", m.page));
            (text, before)
        });
        let (text, before) = (&*text, &*before);
        let edited = (m.edit)(text);
        assert_ne!(&edited, text, "{}: the edit changes nothing", m.name);
        let result = failing(m.page, &edited);
        if let Some(why) = m.refused {
            match result {
                Err(e) if e.contains(why) => {}
                Err(e) => problems.push(format!("{}: refused without {why:?}: {e}", m.name)),
                Ok(after) => problems.push(format!("{}: not refused: {after:?}", m.name)),
            }
            continue;
        }
        let after = match result {
            Ok(after) => after,
            Err(e) => {
                problems.push(format!("{}: unreadable after the edit: {e}", m.name));
                continue;
            }
        };
        let added: BTreeSet<Key> = after.difference(before).cloned().collect();
        let removed: BTreeSet<Key> = before.difference(&after).cloned().collect();
        let expected: BTreeSet<Key> = m
            .expect
            .iter()
            .map(|(r, o, l)| (r.to_string(), o.to_string(), l.to_string()))
            .collect();
        if added != expected || !removed.is_empty() {
            problems.push(format!(
                "{}:\n    expected {expected:?}\n    added    {added:?}\n    removed  {removed:?}",
                m.name
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} mutations misjudged:\n{}",
        problems.len(),
        mutations.len(),
        problems.join("\n")
    );
}
