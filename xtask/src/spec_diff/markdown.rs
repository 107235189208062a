//! Reading the per-operation markdown reference.
//!
//! The format: `# Title`, `Endpoint: GET /v1/...`, then `## Path parameters:`,
//! `## Query parameters:`, `## Request fields (application/json):` and
//! `## Response 200 fields (application/json):` sections whose entries are
//! ``- `name` (type, required) description``, with dotted paths for nested
//! fields and `Enum: "A", "B"` in the description. Pages are also published
//! with all whitespace collapsed onto one line and inline code stripped, so
//! the reader works on whitespace-collapsed text and accepts names with or
//! without backticks. A status with no body fields has no section, so this
//! format cannot show bodiless statuses.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::model::{
    enum_values, security_line, Api, EnumInfo, Field, Fields, Kind, OpKey, Operation, Response, Ty,
};

static ENDPOINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Endpoint: (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)").expect("valid regex")
});
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"## ([^:#]+?):").expect("valid regex"));
static ENTRY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)- `?([A-Za-z][A-Za-z0-9_.-]*)`? \(([a-z]+)(, required)?\)")
        .expect("valid regex")
});
static RESPONSE_HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^Response (\d{3}) fields").expect("valid regex"));

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads every operation on the page (usually one).
pub fn read(text: &str) -> Api {
    let text = collapse(text);
    let mut api = Api::new(Kind::Markdown);
    let endpoints: Vec<_> = ENDPOINT.captures_iter(&text).collect();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let whole = endpoint.get(0).expect("match");
        let end = endpoints
            .get(i + 1)
            .map_or(text.len(), |next| next.get(0).expect("match").start());
        let key = OpKey::new(&endpoint[1], &endpoint[2]);
        api.operations
            .insert(key, read_operation(&text[whole.end()..end]));
    }
    api
}

static SECURITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Security: ([A-Za-z0-9., ]+?)(?: ##| Version:|$)").expect("valid regex")
});

fn read_operation(text: &str) -> Operation {
    let mut op = Operation {
        security: SECURITY
            .captures(text)
            .and_then(|c| security_line(&format!("Security: {}", &c[1]))),
        ..Operation::default()
    };
    let headings: Vec<_> = HEADING.captures_iter(text).collect();
    for (i, heading) in headings.iter().enumerate() {
        let end = headings
            .get(i + 1)
            .map_or(text.len(), |next| next.get(0).expect("match").start());
        let body = &text[heading.get(0).expect("match").end()..end];
        let title = heading[1].trim();
        let entries = read_entries(body);
        let location = match title {
            "Path parameters" => Some("path"),
            "Query parameters" => Some("query"),
            "Header parameters" => Some("header"),
            _ => None,
        };
        if let Some(location) = location {
            op.params.extend(
                entries
                    .into_iter()
                    .map(|(name, field)| (format!("{location}.{name}"), field)),
            );
        } else if title.starts_with("Request fields") {
            op.request = Some(Fields::Paths(entries));
        } else if let Some(status) = RESPONSE_HEADING
            .captures(title)
            .and_then(|c| c[1].parse().ok())
        {
            op.responses.insert(
                status,
                Response {
                    fields: Some(Fields::Paths(entries)),
                },
            );
        }
    }
    op
}

fn read_entries(section: &str) -> BTreeMap<String, Field> {
    let found: Vec<_> = ENTRY.captures_iter(section).collect();
    let mut entries = BTreeMap::new();
    for (i, entry) in found.iter().enumerate() {
        let end = found
            .get(i + 1)
            .map_or(section.len(), |next| next.get(0).expect("match").start());
        let description = &section[entry.get(0).expect("match").end()..end];
        let field = Field {
            ty: Ty::parse(&entry[2]),
            required: entry.get(3).is_some(),
            enumeration: enum_values(description).map_or(EnumInfo::None, EnumInfo::Values),
            ..Field::default()
        };
        entries.insert(entry[1].to_owned(), field);
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> String {
        std::fs::read_to_string(
            crate::workspace_root().join("openapi/vendor-docs/list-imported-numbers.md"),
        )
        .unwrap()
    }

    #[test]
    fn reads_the_collapsed_vendor_page() {
        let api = read(&page());
        assert_eq!(api.operations.len(), 1);
        let op = &api.operations[&OpKey::new("get", "/v1/projects/{projectId}/importedNumbers")];
        assert_eq!(op.params.len(), 9);
        assert!(op.params["query.campaignId"].required);
        let order = &op.params["query.orderBy"].enumeration;
        assert!(matches!(order, EnumInfo::Values(v) if v.len() == 2 && v.contains("updatedTime")));
        assert_eq!(
            op.responses.keys().copied().collect::<Vec<_>>(),
            [200, 400, 500]
        );
        let Some(Fields::Paths(body)) = &op.responses[&200].fields else {
            panic!("200 has fields")
        };
        assert_eq!(body["totalSize"].ty, Some(Ty::Integer));
        let state = &body["importedNumbers.mnoConfiguration.smsAtt.state"];
        assert!(matches!(&state.enumeration, EnumInfo::Values(v) if v.len() == 4));
        assert_eq!(
            body["importedNumbers.smsProvisioning.type"].ty,
            Some(Ty::String)
        );
        let Some(Fields::Paths(error)) = &op.responses[&400].fields else {
            panic!("400 has fields")
        };
        assert_eq!(
            error.keys().collect::<Vec<_>>(),
            ["code", "message", "status"]
        );
    }

    #[test]
    fn reads_multi_line_pages_and_names_without_backticks() {
        let text = "# Get\n\nEndpoint: GET /v1/x/{id}\n\n## Path parameters:\n\n- id (string, required) The id.\n\n## Response 200 fields (application/json):\n\n- `name` (string) Name.\n  Enum: \"A\", \"B\"\n";
        let api = read(text);
        let op = &api.operations[&OpKey::new("GET", "/v1/x/{id}")];
        assert!(op.params["path.id"].required);
        let Some(Fields::Paths(body)) = &op.responses[&200].fields else {
            panic!()
        };
        assert!(matches!(&body["name"].enumeration, EnumInfo::Values(v) if v.len() == 2));
    }
}
