//! Printing findings as text, JSON or markdown.

use std::fmt::Write as _;

use serde::Serialize;

use super::finding::{Finding, Severity};

/// The version of the JSON report's layout: bumped when a field changes
/// meaning or goes away (new fields may appear without a bump).
pub const JSON_SCHEMA_VERSION: u32 = 2;

/// How to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

impl Format {
    pub fn parse(word: &str) -> Option<Format> {
        Some(match word {
            "text" => Format::Text,
            "json" => Format::Json,
            "markdown" | "md" => Format::Markdown,
            _ => return None,
        })
    }
}

/// A page that was read, and the format it was detected as.
#[derive(Clone, Debug, Serialize)]
pub struct PageInfo {
    pub file: String,
    pub format: &'static str,
    pub operations: usize,
}

#[derive(Serialize)]
struct Summary {
    /// Unaccepted errors and warnings.
    drift: usize,
    /// Those at or above `--fail-on`: the run fails when this is not 0.
    failing: usize,
    errors: usize,
    warnings: usize,
    accepted: usize,
    info: usize,
}

fn summary(findings: &[Finding], fail_on: Severity) -> Summary {
    let unaccepted = |severity| {
        findings
            .iter()
            .filter(|f| f.accepted.is_none() && f.severity == severity)
            .count()
    };
    Summary {
        drift: findings.iter().filter(|f| f.is_drift()).count(),
        failing: findings.iter().filter(|f| f.fails(fail_on)).count(),
        errors: unaccepted(Severity::Error),
        warnings: unaccepted(Severity::Warning),
        accepted: findings.iter().filter(|f| f.accepted.is_some()).count(),
        info: findings
            .iter()
            .filter(|f| f.severity == Severity::Info && f.accepted.is_none())
            .count(),
    }
}

fn sides(f: &Finding) -> String {
    let mut text = String::new();
    if let Some(spec) = &f.spec {
        let _ = write!(text, "spec: {spec}");
    }
    if let Some(docs) = &f.docs {
        if !text.is_empty() {
            text.push_str("; ");
        }
        let _ = write!(text, "docs: {docs}");
    }
    text
}

/// Renders the report. Text shows drift only unless `all`; JSON always has everything.
pub fn render(
    format: Format,
    spec: &str,
    pages: &[PageInfo],
    findings: &[Finding],
    all: bool,
    fail_on: Severity,
) -> String {
    let counts = summary(findings, fail_on);
    let shown: Vec<&Finding> = findings.iter().filter(|f| all || f.is_drift()).collect();
    match format {
        Format::Json => {
            #[derive(Serialize)]
            struct Report<'a> {
                schema_version: u32,
                spec: &'a str,
                fail_on: Severity,
                pages: &'a [PageInfo],
                summary: Summary,
                findings: Vec<JsonFinding<'a>>,
            }
            #[derive(Serialize)]
            struct JsonFinding<'a> {
                #[serde(flatten)]
                finding: &'a Finding,
                method: Option<&'a str>,
                path: Option<&'a str>,
                fails: bool,
            }
            let report = Report {
                schema_version: JSON_SCHEMA_VERSION,
                spec,
                fail_on,
                pages,
                summary: counts,
                findings: findings
                    .iter()
                    .map(|finding| {
                        let (method, path) = finding.method_and_path();
                        JsonFinding {
                            finding,
                            method,
                            path,
                            fails: finding.fails(fail_on),
                        }
                    })
                    .collect(),
            };
            serde_json::to_string_pretty(&report).expect("findings serialize") + "\n"
        }
        Format::Text => {
            let mut out = String::new();
            let page_list: Vec<_> = pages
                .iter()
                .map(|p| format!("{} ({})", p.file, p.format))
                .collect();
            let _ = writeln!(out, "spec-diff: {spec} against {}", page_list.join(", "));
            let mut last: Option<(&str, &str)> = None;
            for f in &shown {
                if last != Some((&f.page, &f.operation)) {
                    let op = if f.operation.is_empty() {
                        "(page)"
                    } else {
                        &f.operation
                    };
                    let _ = writeln!(out, "\n{} — {op}", f.page);
                    last = Some((&f.page, &f.operation));
                }
                let status = if f.accepted.is_some() { "accepted" } else { "" };
                let _ = writeln!(
                    out,
                    "  {:<8}{:<9}{} {}: {}",
                    f.severity.to_string(),
                    status,
                    f.rule,
                    f.location,
                    sides(f)
                );
                if let Some(reason) = &f.accepted {
                    let _ = writeln!(out, "          reason: {reason}");
                }
            }
            let _ = writeln!(
                out,
                "\n{} drift ({} errors, {} warnings; failing on {fail_on}: {}), {} accepted, {} info{}",
                counts.drift,
                counts.errors,
                counts.warnings,
                counts.failing,
                counts.accepted,
                counts.info,
                if all {
                    ""
                } else {
                    " (--all shows accepted and info findings)"
                }
            );
            out
        }
        Format::Markdown => {
            let mut out = String::new();
            let _ = writeln!(out, "# Spec drift: `{spec}`\n");
            let _ = writeln!(
                out,
                "**{} drift**, {} accepted, {} info.\n",
                counts.drift, counts.accepted, counts.info
            );
            if !shown.is_empty() {
                let _ = writeln!(out, "| severity | rule | page | operation | location | spec | docs | accepted because |");
                let _ = writeln!(out, "| --- | --- | --- | --- | --- | --- | --- | --- |");
                for f in &shown {
                    let cell = |s: &str| s.replace('|', "\\|");
                    let _ = writeln!(
                        out,
                        "| {} | `{}` | {} | {} | `{}` | {} | {} | {} |",
                        f.severity,
                        f.rule,
                        cell(&f.page),
                        cell(&f.operation),
                        cell(&f.location),
                        cell(f.spec.as_deref().unwrap_or("")),
                        cell(f.docs.as_deref().unwrap_or("")),
                        cell(f.accepted.as_deref().unwrap_or("")),
                    );
                }
            }
            out
        }
    }
}
