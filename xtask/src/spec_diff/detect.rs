//! Which reader a page needs, decided on consistent evidence.
//!
//! Each format has an anchor (Redoc: a method glued to a path,
//! `get/v1/...`; markdown: `Endpoint: GET /v1/...`; OpenAPI: a document with
//! `openapi: 3.0.x` and `paths`) and other signals of its structure. A page
//! is read as a format only when it has the anchor and at least one more of
//! its signals, and more kinds of that format's signals than of the other's:
//! one stray `Endpoint: GET ...` sentence in a Redoc page, or one
//! `get/v1/...` line in a page of unknown layout, is not enough. Anything
//! else is refused with what was seen; `--format-in` forces a reader.

use std::sync::LazyLock;

use regex::Regex;

use super::model::Kind;

struct Signal {
    name: &'static str,
    anchor: bool,
    pattern: Regex,
}

fn signal(name: &'static str, anchor: bool, pattern: &str) -> Signal {
    Signal {
        name,
        anchor,
        pattern: Regex::new(pattern).expect("valid regex"),
    }
}

static REDOC: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    vec![
        signal(
            "a method glued to a path (`get/v1/...`)",
            true,
            r"(?m)^\s*(get|post|put|patch|delete|head|options)/\S*\s*$",
        ),
        signal(
            "`path/query/header Parameters` lines",
            false,
            r"(?m)^\s*(path|query|header) Parameters\s*$",
        ),
        signal(
            "`Request Body schema:` lines",
            false,
            r"(?m)^\s*Request Body schema:",
        ),
        signal(
            "`Response Schema:` lines",
            false,
            r"(?m)^\s*Response Schema:",
        ),
        signal("a `Responses` line", false, r"(?m)^\s*Responses\s*$"),
        signal(
            "`object (Name)` lines",
            false,
            r"(?m)^\s*(object|Array of objects) \([A-Za-z0-9_]+\)\s*$",
        ),
        signal(
            "a glued `SecurityName` line",
            false,
            r"(?m)^\s*Security[A-Z][A-Za-z0-9.]*( or [A-Za-z0-9.]+)*\s*$",
        ),
    ]
});

static MARKDOWN: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    vec![
        signal(
            "`Endpoint: GET /...`",
            true,
            r"Endpoint: (GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /",
        ),
        signal(
            "`## ... parameters:` headings",
            false,
            r"## (Path|Query|Header) parameters:",
        ),
        signal(
            "`## Request fields` / `## Response NNN fields` headings",
            false,
            r"## (Request fields|Response \d{3} fields)",
        ),
        signal(
            "``- `name` (type)`` entries",
            false,
            r"- `?[A-Za-z][A-Za-z0-9_.]*`? \((string|integer|number|boolean|object|array)(, required)?\)",
        ),
        signal("a `Security: ...` line", false, r"Security: [A-Za-z]"),
    ]
});

/// The vendor's HTML rendering, which no reader here understands: names,
/// types and `required` run together (`projectIdstringrequired`), enums in
/// `| Enum Value | Description |` tables.
static HTML_LAYOUT: LazyLock<Vec<Signal>> = LazyLock::new(|| {
    vec![
        signal(
            "names glued to types (`projectIdstringrequired`)",
            false,
            r"\b[a-z][A-Za-z0-9.]*(string|integer|boolean|number|object|array)required\b",
        ),
        signal(
            "`| Enum Value | Description |` tables",
            false,
            r"\|\s*Enum Value\s*\|\s*Description\s*\|",
        ),
    ]
});

/// The signals of `signals` found in `text`, and whether the anchor was.
fn seen(signals: &[Signal], text: &str) -> (bool, Vec<&'static str>) {
    let mut anchor = false;
    let mut names = Vec::new();
    for s in signals {
        if s.pattern.is_match(text) {
            anchor |= s.anchor;
            names.push(s.name);
        }
    }
    (anchor, names)
}

/// What a page turned out to be. An OpenAPI document comes parsed, so it
/// is parsed once.
pub enum Detected {
    Document(Box<super::openapi::Parsed>),
    Page(Kind),
}

impl Detected {
    pub fn kind(&self) -> Kind {
        match self {
            Detected::Document(_) => Kind::OpenApi,
            Detected::Page(kind) => *kind,
        }
    }
}

/// The format `text` is in, or why it cannot be told.
pub fn detect(text: &str) -> Result<Detected, String> {
    if let Some(parsed) = super::openapi::parse(text)? {
        return Ok(Detected::Document(Box::new(parsed)));
    }
    let (redoc_anchor, redoc) = seen(&REDOC, text);
    // The markdown reference is also published collapsed onto one line.
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let (markdown_anchor, markdown) = seen(&MARKDOWN, &collapsed);
    let redoc_ok = redoc_anchor && redoc.len() >= 2 && redoc.len() > markdown.len();
    let markdown_ok = markdown_anchor && markdown.len() >= 2 && markdown.len() > redoc.len();
    match (redoc_ok, markdown_ok) {
        (true, false) => return Ok(Detected::Page(Kind::Redoc)),
        (false, true) => return Ok(Detected::Page(Kind::Markdown)),
        _ => {}
    }
    let (_, html) = seen(&HTML_LAYOUT, text);
    let list = |names: &[&str]| {
        if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(", ")
        }
    };
    let mut why = format!(
        "not clearly one format this tool reads (redoc, markdown, openapi): saw {} of Redoc's signals ({}) and {} of the markdown reference's ({})",
        redoc.len(),
        list(&redoc),
        markdown.len(),
        list(&markdown)
    );
    if !html.is_empty() {
        why.push_str(&format!(
            "; it looks like the vendor's HTML rendering ({}), which cannot be read: save the Redoc text, the markdown reference or the OpenAPI file instead",
            list(&html)
        ));
    }
    why.push_str("; --format-in redoc|markdown|openapi forces a reader");
    Err(why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> String {
        std::fs::read_to_string(
            crate::workspace_root()
                .join("openapi/vendor-docs")
                .join(name),
        )
        .unwrap()
    }

    fn kind(text: &str) -> Result<Kind, String> {
        detect(text).map(|d| d.kind())
    }

    #[test]
    fn the_saved_pages_are_told_apart() {
        assert_eq!(kind(&page("imported-numbers.redoc.txt")), Ok(Kind::Redoc));
        assert_eq!(kind(&page("list-imported-numbers.md")), Ok(Kind::Markdown));
        let spec =
            std::fs::read_to_string(crate::workspace_root().join(crate::spec::SPEC_PATH)).unwrap();
        assert_eq!(kind(&spec), Ok(Kind::OpenApi));
    }

    #[test]
    fn a_stray_endpoint_sentence_does_not_flip_a_redoc_page() {
        let text = page("imported-numbers.redoc.txt").replacen(
            "Lists all imported numbers for the project.",
            "Lists all imported numbers for the project. Endpoint: GET /v1/projects/{projectId}/importedNumbers is the one to call.",
            1,
        );
        assert_eq!(kind(&text), Ok(Kind::Redoc));
    }

    #[test]
    fn one_glued_line_in_an_unknown_layout_is_refused() {
        let text = "Some notes\nget/v1/projects/{projectId}/importedNumbers\nphoneNumber string\n";
        let why = kind(text).unwrap_err();
        assert!(why.contains("not clearly one format"), "{why}");
        assert!(why.contains("--format-in"), "{why}");
    }

    #[test]
    fn the_html_rendering_is_refused_by_name() {
        let text = "List imported numbers\nGET /v1/projects/{projectId}/importedNumbers\nprojectIdstringrequired\nFound on your dashboard.\n| Enum Value | Description |\n| --- | --- |\n| START | begins with |\n";
        let why = kind(text).unwrap_err();
        assert!(why.contains("HTML rendering"), "{why}");
    }

    #[test]
    fn an_openapi_3_1_document_is_refused() {
        let why = kind("openapi: 3.1.0\ninfo: {title: x, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(why.contains("3.1.0"), "{why}");
    }
}
