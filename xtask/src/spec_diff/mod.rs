//! `cargo xtask spec-diff [PAGES...]`: compare the spec with the vendor's
//! documentation pages and report drift.
//!
//! Each page's format (Redoc text or markdown reference) is detected from
//! its content; operations are matched by method and path. Exit status: 0
//! when nothing unaccepted differs, 1 on drift, 2 when a page, the spec or
//! the accepted-drift file cannot be read.

mod accepted;
mod compare;
mod finding;
mod from_spec;
mod markdown;
mod model;
mod redoc;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use finding::Finding;
use model::Api;
use report::{Format, PageInfo};

const USAGE: &str = "\
usage: cargo xtask spec-diff [--format text|json|markdown] [--all] [--spec FILE]
                             [--accepted FILE | --no-accepted] [--rules] [PAGES...]

Compares openapi/imported-numbers.yaml with vendor documentation pages
(default: every file in openapi/vendor-docs/). Exit 0: no drift; 1: drift; 2: unreadable input.
";

struct Options {
    format: Format,
    all: bool,
    spec: PathBuf,
    accepted: Option<PathBuf>,
    pages: Vec<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let root = crate::workspace_root();
    let mut options = Options {
        format: Format::Text,
        all: false,
        spec: root.join(crate::spec::SPEC_PATH),
        accepted: Some(root.join("openapi/accepted-drift.toml")),
        pages: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--format" => {
                let word = value("--format")?;
                options.format = Format::parse(&word).ok_or(format!("unknown format `{word}`"))?;
            }
            "--all" => options.all = true,
            "--spec" => options.spec = PathBuf::from(value("--spec")?),
            "--accepted" => options.accepted = Some(PathBuf::from(value("--accepted")?)),
            "--no-accepted" => options.accepted = None,
            "--rules" => {
                for (id, meaning) in finding::RULES {
                    println!("{id:<30} {meaning}");
                }
                return Ok(None);
            }
            "-h" | "--help" => {
                print!("{USAGE}");
                return Ok(None);
            }
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            page => options.pages.push(PathBuf::from(page)),
        }
    }
    if options.pages.is_empty() {
        let dir = root.join("openapi/vendor-docs");
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("{}: cannot list: {e}", dir.display()))?;
        let mut pages: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        pages.sort();
        options.pages = pages;
    }
    Ok(Some(options))
}

/// Reads a page and detects its format.
pub fn read_page(path: &Path) -> Result<(Api, &'static str), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let (api, format) = if markdown::detect(&text) {
        (markdown::read(&text), "markdown")
    } else if redoc::detect(&text) {
        (redoc::read(&text), "redoc")
    } else {
        return Err(format!(
            "{}: not a recognised documentation page (neither Redoc text with `get/v1/...` lines nor a markdown reference with `Endpoint: GET ...`)",
            path.display()
        ));
    };
    if api.operations.is_empty() {
        return Err(format!("{}: no operations found", path.display()));
    }
    Ok((api, format))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Every finding for `pages` against the spec at `spec_path`, before acceptance.
pub fn findings(
    spec_path: &Path,
    pages: &[PathBuf],
) -> Result<(Vec<Finding>, Vec<PageInfo>), String> {
    let spec = crate::spec::load(spec_path).map_err(|e| e.to_string())?;
    let spec_api = from_spec::read(&spec);
    let mut all = Vec::new();
    let mut infos = Vec::new();
    for path in pages {
        let (page, format) = read_page(path)?;
        let name = file_name(path);
        all.extend(compare::compare(&spec_api, &page, &name));
        infos.push(PageInfo {
            file: name,
            format,
            operations: page.operations.len(),
        });
    }
    all.sort_by(|a, b| {
        (&a.page, &a.operation, &a.location, a.rule, &a.docs).cmp(&(
            &b.page,
            &b.operation,
            &b.location,
            b.rule,
            &b.docs,
        ))
    });
    all.dedup();
    Ok((all, infos))
}

pub fn run(args: &[String]) -> ExitCode {
    let options = match parse_args(args) {
        Ok(Some(options)) => options,
        Ok(None) => return ExitCode::SUCCESS,
        Err(problem) => {
            eprintln!("error: {problem}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let result = findings(&options.spec, &options.pages).and_then(|(mut found, pages)| {
        if let Some(path) = &options.accepted {
            let entries = accepted::load(path)?;
            accepted::apply(&entries, &mut found, &file_name(path));
        }
        Ok((found, pages))
    });
    let (found, pages) = match result {
        Ok(ok) => ok,
        Err(problem) => {
            eprintln!("error: {problem}");
            return ExitCode::from(2);
        }
    };
    let spec_name = options
        .spec
        .strip_prefix(crate::workspace_root())
        .unwrap_or(&options.spec)
        .display()
        .to_string();
    print!(
        "{}",
        report::render(options.format, &spec_name, &pages, &found, options.all)
    );
    if found.iter().any(Finding::is_drift) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests;
