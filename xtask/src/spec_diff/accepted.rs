//! Known, intended differences: `openapi/accepted-drift.toml`.
//!
//! Each `[[accepted]]` entry names a `rule` and, optionally, the `page`,
//! `operation` and `location` it applies to (`*` matches any run of
//! characters), with the `reason` it is intended. A finding an entry covers
//! is reported as accepted, not as drift; an entry that covers nothing is
//! itself reported, so the file cannot rot.

use std::path::Path;

use serde::Deserialize;

use super::finding::{Finding, Severity, RULES};

/// One accepted difference.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub page: Option<String>,
    pub operation: Option<String>,
    pub location: Option<String>,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    accepted: Vec<Entry>,
}

/// Reads the file; a problem is described with the file name.
pub fn load(path: &Path) -> Result<Vec<Entry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (i, entry) in file.accepted.iter().enumerate() {
        if !RULES.iter().any(|(id, _)| *id == entry.rule) {
            return Err(format!(
                "{}: entry {} names unknown rule `{}`",
                path.display(),
                i + 1,
                entry.rule
            ));
        }
        if entry.reason.trim().is_empty() {
            return Err(format!("{}: entry {} has no reason", path.display(), i + 1));
        }
    }
    Ok(file.accepted)
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
    fn covers(&self, finding: &Finding) -> bool {
        let field = |pattern: &Option<String>, value: &str| {
            pattern.as_deref().is_none_or(|p| glob(p, value))
        };
        self.rule == finding.rule
            && field(&self.page, &finding.page)
            && field(&self.operation, &finding.operation)
            && field(&self.location, &finding.location)
    }
}

/// Marks covered findings as accepted and reports entries that cover nothing.
pub fn apply(entries: &[Entry], findings: &mut Vec<Finding>, file_name: &str) {
    let mut used = vec![false; entries.len()];
    for finding in findings.iter_mut() {
        if let Some(i) = entries.iter().position(|e| e.covers(finding)) {
            used[i] = true;
            finding.accepted = Some(entries[i].reason.clone());
        }
    }
    for (i, entry) in entries.iter().enumerate().filter(|(i, _)| !used[*i]) {
        findings.push(Finding {
            rule: "accepted-entry-unused",
            severity: Severity::Warning,
            page: file_name.to_owned(),
            operation: entry.operation.clone().unwrap_or_default(),
            location: format!("entry {} (rule {})", i + 1, entry.rule),
            spec: None,
            docs: None,
            accepted: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        apply(&entries.accepted, &mut findings, "accepted-drift.toml");
        assert_eq!(findings[0].accepted.as_deref(), Some("collapsed"));
        assert!(findings[1].is_drift());
        assert_eq!(findings[2].rule, "accepted-entry-unused");
        assert_eq!(
            findings[2].location,
            "entry 2 (rule status-missing-in-docs)"
        );
    }
}
