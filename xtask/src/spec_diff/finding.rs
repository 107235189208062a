//! A difference between the spec and a documentation page.

use std::fmt;

use serde::Serialize;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The docs show something the spec lacks or contradicts.
    Error,
    /// The spec has something the docs do not show.
    Warning,
    /// Not drift: what a format cannot express, or what the vendor does not publish.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

/// One difference. `rule` is a stable id, safe to match on in
/// `openapi/accepted-drift.toml` and in tools.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The page's file name (`-` for standard input).
    pub page: String,
    /// The kind of page: `redoc`, `markdown` or `openapi`; for an unused
    /// accepted-drift entry, the kind it names (`any` when it names none).
    pub kind: &'static str,
    /// `GET /v1/...`, or empty for page-wide findings; for an unused
    /// accepted-drift entry, its operation pattern (`*` when it names none).
    pub operation: String,
    /// Where: `query.pageSize`, `response.200.importedNumbers.displayName`,
    /// `operation` (the operation as a whole), `servers`, `base path`, ...
    /// Never empty.
    pub location: String,
    /// What the spec says, if anything.
    pub spec: Option<String>,
    /// What the page says, if anything.
    pub docs: Option<String>,
    /// Set when an accepted-drift entry covers this finding: its reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted: Option<String>,
}

impl Finding {
    /// Whether this finding counts as drift (fails the command).
    pub fn is_drift(&self) -> bool {
        self.severity != Severity::Info && self.accepted.is_none()
    }

    /// Whether this finding fails a run with `--fail-on fail_on`: drift of
    /// that severity or worse.
    pub fn fails(&self, fail_on: Severity) -> bool {
        self.is_drift() && self.severity <= fail_on
    }

    /// The operation's method and path (`None` for page-wide findings).
    pub fn method_and_path(&self) -> (Option<&str>, Option<&str>) {
        match self.operation.split_once(' ') {
            Some((method, path)) => (Some(method), Some(path)),
            None => (None, None),
        }
    }
}

/// Every rule id, with what it means: printed by `--rules` and kept here so
/// ids are never renamed by accident.
pub const RULES: &[(&str, &str)] = &[
    (
        "operation-missing-in-spec",
        "the page documents an operation the spec lacks",
    ),
    (
        "operation-missing-in-docs",
        "the spec has an operation no whole-API page documents",
    ),
    (
        "parameter-missing-in-spec",
        "the page documents a parameter the spec lacks",
    ),
    (
        "parameter-missing-in-docs",
        "the spec has a parameter the page does not show",
    ),
    ("parameter-type-differs", "a parameter's type differs"),
    (
        "parameter-required-differs",
        "a parameter is required on one side only",
    ),
    (
        "enum-value-missing-in-spec",
        "the page lists an enum value the spec lacks",
    ),
    (
        "enum-value-missing-in-docs",
        "the spec has an enum value the page does not list",
    ),
    (
        "enum-not-in-docs",
        "the spec has enum values where the page lists none",
    ),
    (
        "enum-values-unpublished",
        "the page calls it an enum but lists no values (info)",
    ),
    (
        "field-missing-in-spec",
        "the page documents a body field the spec lacks",
    ),
    (
        "field-missing-in-docs",
        "the spec has a body field the page does not show",
    ),
    ("field-type-differs", "a body field's type differs"),
    (
        "field-required-differs",
        "a body field is required on one side only",
    ),
    (
        "schema-missing-in-spec",
        "the page shows a nested object schema the spec does not use there",
    ),
    (
        "schema-missing-in-docs",
        "the spec uses a nested object schema the page does not show",
    ),
    (
        "request-body-missing-in-spec",
        "the page documents a request body the spec lacks",
    ),
    (
        "request-body-missing-in-docs",
        "the spec has a request body the page does not show",
    ),
    (
        "status-missing-in-spec",
        "the page documents a response status the spec lacks",
    ),
    (
        "status-missing-in-docs",
        "the spec has a response status the page does not show",
    ),
    (
        "response-body-missing-in-spec",
        "the page documents a response body the spec lacks",
    ),
    (
        "response-body-missing-in-docs",
        "the spec has a response body the page does not show",
    ),
    (
        "format-cannot-express",
        "something the page's format cannot show, so it is not compared (info)",
    ),
    (
        "type-not-shown",
        "the page shows a field without a type (info)",
    ),
    (
        "accepted-entry-unused",
        "an accepted-drift entry matches no finding in the pages read (info)",
    ),
    (
        "format-differs",
        "a parameter's or field's format differs (`string <date-time>` vs `string`)",
    ),
    (
        "read-only-differs",
        "a field is read-only on one side only (OpenAPI documents)",
    ),
    (
        "read-only-in-request",
        "the page lists a field the spec marks read-only under a request (info)",
    ),
    (
        "security-scheme-missing-in-spec",
        "the page accepts an authentication scheme the spec lacks",
    ),
    (
        "security-scheme-missing-in-docs",
        "the spec accepts an authentication scheme the page does not show",
    ),
    (
        "server-missing-in-spec",
        "the document names a server host the spec lacks",
    ),
    (
        "server-missing-in-docs",
        "the spec names a server host the document lacks",
    ),
    (
        "path-parameter-renamed",
        "a path parameter has another name on the page (same operation otherwise)",
    ),
    (
        "operation-other-api",
        "the page documents an operation of another API (other host or base path) (info)",
    ),
    (
        "document-repaired",
        "the document breaks OpenAPI where the meaning is evident, and is read with that meaning (info)",
    ),
    (
        "schema-renamed",
        "the page shows a nested object under another schema name, with the spec schema's fields (info)",
    ),
    (
        "api-version-differs",
        "the page's operations are under another API version (`/v2/...` where the spec has `/v1/...`)",
    ),
    (
        "operation-out-of-scope",
        "the document has an operation `openapi/accepted-drift.toml` lists as out of this SDK's scope (info)",
    ),
];
