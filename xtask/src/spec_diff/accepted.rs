//! Known, intended differences: `openapi/accepted-drift.toml`.
//!
//! Each `[[accepted]]` entry names a `rule` and, optionally, the `operation`
//! and `location` it applies to (`*` matches any run of characters) and the
//! `kind` of page (`redoc`, `markdown`, `openapi`), with the `reason` it is
//! intended. Entries never name page files: a page saved under another name
//! is judged the same. A finding an entry covers is reported as accepted,
//! not as drift; the rule is matched exactly, so a wildcard never covers a
//! finding of another rule. An entry whose location is a wildcard (a
//! `location` or one of its `locations` with `*`, or no location at all)
//! must pin what it accepts with `spec` and/or `docs`, so it only covers
//! findings whose values say what its reason is about: `request.*` alone
//! would also swallow the opposite change at a place nobody thought of.
//! An entry that covers nothing in the pages read is reported for
//! information, naming its rule, operation, location and reason, but only
//! when a page of the kind it names was read.
//!
//! `[[out-of-scope]]` entries name operations (`operation`, a pattern) the
//! SDK deliberately does not cover, with a `reason`: a document that has
//! them reports them as out of scope, not as missing from the spec (the
//! project's file has none today: the SDK covers every operation of the
//! vendor's OpenAPI file).

use std::path::Path;

use serde::Deserialize;

use super::finding::{Finding, Severity, RULES};
use super::model::Kind;

/// One accepted difference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    /// `redoc`, `markdown` or `openapi`: only findings on pages of that kind.
    pub kind: Option<String>,
    pub operation: Option<String>,
    pub location: Option<String>,
    /// Several locations sharing one reason (instead of a broad wildcard).
    pub locations: Option<Vec<String>>,
    /// What the spec side must say (e.g. the one enum value accepted).
    pub spec: Option<String>,
    /// What the page side must say.
    pub docs: Option<String>,
    pub reason: String,
}

/// Operations this SDK does not cover, on purpose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutOfScope {
    pub operation: String,
    pub reason: String,
}

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    #[serde(default)]
    pub accepted: Vec<Entry>,
    #[serde(default, rename = "out-of-scope")]
    pub out_of_scope: Vec<OutOfScope>,
}

/// Reads the file; a problem is described with the file name.
pub fn load(path: &Path) -> Result<File, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, entry) in file.out_of_scope.iter().enumerate() {
        if entry.reason.trim().is_empty() || entry.operation.trim().is_empty() {
            return Err(format!(
                "{}: out-of-scope entry {} needs an operation and a reason",
                path.display(),
                i + 1
            ));
        }
    }
    for (i, entry) in file.accepted.iter().enumerate() {
        if let Some(kind) = &entry.kind {
            if Kind::parse(kind).is_none() {
                return Err(format!(
                    "{}: entry {} names unknown page kind `{kind}` (redoc, markdown, openapi)",
                    path.display(),
                    i + 1
                ));
            }
        }
        if !RULES.iter().any(|(id, _)| *id == entry.rule) {
            return Err(format!(
                "{}: entry {} names unknown rule `{}`",
                path.display(),
                i + 1,
                entry.rule
            ));
        }
        if entry.location.is_some() && entry.locations.is_some() {
            return Err(format!(
                "{}: entry {} has both location and locations",
                path.display(),
                i + 1
            ));
        }
        if entry.reason.trim().is_empty() {
            return Err(format!("{}: entry {} has no reason", path.display(), i + 1));
        }
        if entry.wildcard_location() && !(pins(&entry.spec) || pins(&entry.docs)) {
            return Err(format!(
                "{}: entry {} (rule {}) accepts a wildcard location (`*`, or no location) without \
                 pinning what it accepts: add `spec` and/or `docs` with the values the reason is \
                 about, or list the exact `locations`",
                path.display(),
                i + 1,
                entry.rule
            ));
        }
    }
    Ok(file)
}

/// Whether a `spec`/`docs` value says something (more than `*`).
fn pins(value: &Option<String>) -> bool {
    value
        .as_deref()
        .is_some_and(|v| v.chars().any(|c| c != '*' && !c.is_whitespace()))
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

impl Entry {
    /// Whether the entry covers more than exact locations.
    fn wildcard_location(&self) -> bool {
        match (&self.location, &self.locations) {
            (Some(location), _) => location.contains('*'),
            (None, Some(all)) => all.is_empty() || all.iter().any(|l| l.contains('*')),
            (None, None) => true,
        }
    }

    /// The entry's locations as written (`*` when it names none).
    fn where_(&self) -> String {
        match (&self.location, &self.locations) {
            (Some(location), _) => location.clone(),
            (None, Some(all)) => all.join(", "),
            (None, None) => "*".into(),
        }
    }

    fn covers(&self, finding: &Finding) -> bool {
        let field = |pattern: &Option<String>, value: &str| {
            pattern.as_deref().is_none_or(|p| glob(p, value))
        };
        self.rule == finding.rule
            && self.kind.as_deref().is_none_or(|k| k == finding.kind)
            && field(&self.operation, &finding.operation)
            && field(&self.location, &finding.location)
            && self
                .locations
                .as_ref()
                .is_none_or(|all| all.iter().any(|l| glob(l, &finding.location)))
            && field(&self.spec, finding.spec.as_deref().unwrap_or(""))
            && field(&self.docs, finding.docs.as_deref().unwrap_or(""))
    }
}

/// Marks covered findings as accepted, operations out of scope as such, and
/// reports entries that cover nothing; `kinds_read` are the kinds of the
/// pages read (`redoc`, ...): an entry for another kind is not reported.
pub fn apply(file: &File, findings: &mut Vec<Finding>, file_name: &str, kinds_read: &[&str]) {
    let entries = &file.accepted;
    for finding in findings.iter_mut() {
        if finding.rule != "operation-missing-in-spec" {
            continue;
        }
        if let Some(scope) = file
            .out_of_scope
            .iter()
            .find(|o| glob(&o.operation, &finding.operation))
        {
            finding.rule = "operation-out-of-scope";
            finding.severity = Severity::Info;
            finding.docs = Some(format!("out of scope: {}", scope.reason));
        }
    }
    let mut used = vec![false; entries.len()];
    for finding in findings.iter_mut() {
        if let Some(i) = entries.iter().position(|e| e.covers(finding)) {
            used[i] = true;
            finding.accepted = Some(entries[i].reason.clone());
        }
    }
    for (i, entry) in entries.iter().enumerate().filter(|(i, _)| !used[*i]) {
        let kind = match entry.kind.as_deref().and_then(Kind::parse) {
            Some(kind) if !kinds_read.contains(&kind.name()) => continue,
            Some(kind) => kind.name(),
            None => "any",
        };
        let mut pinned = String::new();
        if let Some(spec) = &entry.spec {
            pinned.push_str(&format!(", spec `{spec}`"));
        }
        if let Some(docs) = &entry.docs {
            pinned.push_str(&format!(", docs `{docs}`"));
        }
        findings.push(Finding {
            rule: "accepted-entry-unused",
            severity: Severity::Info,
            page: file_name.to_owned(),
            kind,
            operation: entry.operation.clone().unwrap_or_else(|| "*".into()),
            location: entry.where_(),
            spec: None,
            docs: Some(format!(
                "entry {} (rule {}{pinned}) matches no finding in the pages read; its reason: {}",
                i + 1,
                entry.rule,
                entry.reason.trim()
            )),
            accepted: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_entries_for_kinds_not_read_are_not_reported() {
        let file: File = toml::from_str(
            r#"
            [[accepted]]
            rule = "field-missing-in-docs"
            kind = "redoc"
            location = "request.a"
            reason = "redoc only"

            [[accepted]]
            rule = "field-missing-in-docs"
            kind = "openapi"
            locations = ["request.b", "request.c"]
            reason = "openapi only"
            "#,
        )
        .unwrap();
        let mut findings = Vec::new();
        apply(&file, &mut findings, "accepted-drift.toml", &["openapi"]);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].kind, "openapi");
        assert_eq!(findings[0].location, "request.b, request.c");
        assert!(findings[0]
            .docs
            .as_deref()
            .unwrap()
            .ends_with("openapi only"));
    }

    #[test]
    fn glob_matching() {
        assert!(glob("response.*", "response.200.x"));
        assert!(glob(
            "*.mnoConfiguration.*",
            "response.200.importedNumbers.mnoConfiguration.smsTmo"
        ));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(glob("a*c", "abbbc"));
        assert!(!glob("a*c", "abbbd"));
        assert!(glob("*", ""));
    }

    fn finding(rule: &'static str, location: &str) -> Finding {
        Finding {
            rule,
            severity: Severity::Warning,
            page: "p.md".into(),
            kind: "markdown",
            operation: "GET /x".into(),
            location: location.into(),
            spec: None,
            docs: None,
            accepted: None,
        }
    }

    #[test]
    fn entries_accept_findings_and_unused_ones_are_reported() {
        let entries: File = toml::from_str(
            r#"
            [[accepted]]
            rule = "field-missing-in-docs"
            location = "response.200.a.*"
            reason = "collapsed"

            [[accepted]]
            rule = "status-missing-in-docs"
            reason = "never matches"
            "#,
        )
        .unwrap();
        let mut findings = vec![
            finding("field-missing-in-docs", "response.200.a.b"),
            finding("field-missing-in-docs", "response.200.c"),
        ];
        apply(
            &entries,
            &mut findings,
            "accepted-drift.toml",
            &["markdown"],
        );
        assert_eq!(findings[0].accepted.as_deref(), Some("collapsed"));
        assert!(findings[1].is_drift());
        assert_eq!(findings[2].rule, "accepted-entry-unused");
        assert!(!findings[2].is_drift(), "informational");
        assert_eq!(findings[2].location, "*");
        assert_eq!(findings[2].operation, "*");
        assert_eq!(findings[2].kind, "any");
        assert_eq!(
            findings[2].docs.as_deref(),
            Some("entry 2 (rule status-missing-in-docs) matches no finding in the pages read; its reason: never matches")
        );
    }

    #[test]
    fn entries_are_narrowed_by_kind_rule_and_value_never_by_file() {
        let file: File = toml::from_str(
            r#"
            [[accepted]]
            rule = "enum-value-missing-in-docs"
            kind = "markdown"
            location = "*.state"
            spec = '"STATE_UNSPECIFIED"'
            reason = "zero value"

            [[out-of-scope]]
            operation = "* /v1/projects/{projectId}/hostingOrders*"
            reason = "not imported numbers"
            "#,
        )
        .unwrap();
        let state = |page: &str, kind: &'static str, rule: &'static str, spec: &str| Finding {
            page: page.into(),
            kind,
            spec: Some(spec.into()),
            ..finding(rule, "response.200.mno.smsAtt.state")
        };
        let mut findings = vec![
            // Any file name, same kind: accepted.
            state(
                "renamed.md",
                "markdown",
                "enum-value-missing-in-docs",
                "\"STATE_UNSPECIFIED\"",
            ),
            // Another value at the same place: not swallowed.
            state("p.md", "markdown", "enum-value-missing-in-docs", "\"DONE\""),
            // Another rule at the same place: not swallowed.
            state(
                "p.md",
                "markdown",
                "field-missing-in-docs",
                "\"STATE_UNSPECIFIED\"",
            ),
            // Another kind of page: not covered.
            state(
                "p.txt",
                "redoc",
                "enum-value-missing-in-docs",
                "\"STATE_UNSPECIFIED\"",
            ),
            Finding {
                operation: "GET /v1/projects/{projectId}/hostingOrders".into(),
                ..finding("operation-missing-in-spec", "")
            },
        ];
        apply(
            &file,
            &mut findings,
            "accepted-drift.toml",
            &["markdown", "redoc"],
        );
        assert!(findings[0].accepted.is_some());
        assert!(findings[1].is_drift() && findings[2].is_drift() && findings[3].is_drift());
        assert_eq!(findings[4].rule, "operation-out-of-scope");
        assert!(!findings[4].is_drift());
    }
}
