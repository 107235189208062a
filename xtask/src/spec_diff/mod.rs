//! `cargo xtask spec-diff [PAGES...]`: compare the spec with the vendor's
//! documentation pages and documents and report drift.
//!
//! Each page's format (Redoc text, markdown reference or OpenAPI document)
//! is detected from its content (`detect.rs`) or forced with `--format-in`;
//! operations are matched by method and full path template (an OpenAPI
//! server URL's path joined to each path), a moved API version being one
//! finding. Exit status: 0 when nothing unaccepted at or above `--fail-on`
//! differs, 1 on drift, 2 when a page, the spec or the accepted-drift file
//! cannot be read, or a page describes another API.

mod accepted;
mod compare;
mod detect;
mod finding;
mod from_spec;
mod markdown;
mod model;
mod openapi;
mod redoc;
mod report;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use detect::Detected;
use finding::{Finding, Severity};
use model::{Api, Kind};
use report::{Format, PageInfo};

const USAGE: &str = "\
usage: cargo xtask spec-diff [--format text|json|markdown] [--all] [--spec FILE]
                             [--accepted FILE | --no-accepted] [--fail-on error|warning]
                             [--format-in redoc|markdown|openapi] [--rules] [PAGES...]

Compares openapi/imported-numbers.yaml with vendor documentation pages and OpenAPI
documents (default: every file in openapi/vendor-docs/; `-` reads one from standard input).
Exit 0: no drift at or above --fail-on (default warning); 1: drift; 2: unreadable input,
or a document of another API.
";

struct Options {
    format: Format,
    all: bool,
    spec: PathBuf,
    accepted: Option<PathBuf>,
    fail_on: Severity,
    format_in: Option<Kind>,
    pages: Vec<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Option<Options>, String> {
    let root = crate::workspace_root();
    let mut options = Options {
        format: Format::Text,
        all: false,
        spec: root.join(crate::spec::SPEC_PATH),
        accepted: Some(root.join("openapi/accepted-drift.toml")),
        fail_on: Severity::Warning,
        format_in: None,
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
            "--fail-on" => {
                let word = value("--fail-on")?;
                options.fail_on = match word.as_str() {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    _ => return Err(format!("--fail-on takes error or warning, not `{word}`")),
                };
            }
            "--format-in" => {
                let word = value("--format-in")?;
                options.format_in = Some(Kind::parse(&word).ok_or(format!(
                    "--format-in takes redoc, markdown or openapi, not `{word}`"
                ))?);
            }
            "-" => options.pages.push(PathBuf::from("-")),
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

/// Reads a page (`-`: standard input) and detects its format, unless
/// `format_in` forces one.
pub fn read_page(path: &Path, format_in: Option<Kind>) -> Result<Api, String> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
            .map_err(|e| format!("standard input: cannot read: {e}"))?
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?
    };
    read_text(&text, format_in).map_err(|problem| format!("{}: {problem}", path.display()))
}

/// Reads page text in the format detected (or forced).
pub fn read_text(text: &str, format_in: Option<Kind>) -> Result<Api, String> {
    let detected = match format_in {
        Some(kind) => Detected::Page(kind),
        None => detect::detect(text)?,
    };
    let api = match &detected {
        Detected::Document(parsed) => parsed.read(),
        Detected::Page(Kind::OpenApi) => openapi::read(text)?,
        Detected::Page(Kind::Markdown) => markdown::read(text),
        Detected::Page(Kind::Redoc) => redoc::read(text),
        Detected::Page(Kind::Spec) => return Err("the spec is not a kind of page".into()),
    };
    if api.operations.is_empty() {
        return Err(format!(
            "read as {}, but no operations found",
            detected.kind().name()
        ));
    }
    Ok(api)
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Why `page` (read from `path`) is refused: it describes another API.
fn another_api(path: &Path, page: &Api) -> String {
    format!(
        "{}: this document does not describe this API: it describes {}, and none of its \
         operations is in a collection of the spec (whatever the version); check that the right \
         file was saved or fetched",
        path.display(),
        compare::what_it_describes(page)
    )
}

/// Every finding for `pages` against the spec at `spec_path`, before acceptance.
///
/// A page that shares no operation with the spec (by base path and
/// collection) describes another API. A whole-API page or document of that
/// kind is refused: it is the wrong file. A per-operation page (the markdown
/// reference) is refused when no page read describes this API, and is
/// otherwise reported for information, as pages saved in bulk from the
/// vendor's reference include other APIs' pages.
pub fn findings(
    spec_path: &Path,
    pages: &[PathBuf],
    format_in: Option<Kind>,
) -> Result<(Vec<Finding>, Vec<PageInfo>), String> {
    let spec = crate::spec::load(spec_path).map_err(|e| e.to_string())?;
    let spec_api = from_spec::read(&spec, Kind::Spec);
    let mut all = Vec::new();
    let mut infos = Vec::new();
    let mut describes_this_api = false;
    let mut strangers = Vec::new();
    for path in pages {
        let page = read_page(path, format_in)?;
        if compare::shares_operation(&spec_api, &page) {
            describes_this_api = true;
        } else if page.kind.covers_whole_api() {
            return Err(another_api(path, &page));
        } else {
            strangers.push(another_api(path, &page));
        }
        let name = file_name(path);
        all.extend(compare::compare(&spec_api, &page, &name));
        infos.push(PageInfo {
            file: name,
            format: page.kind.name(),
            operations: page.operations.len(),
        });
    }
    if !describes_this_api {
        if let Some(refusal) = strangers.into_iter().next() {
            return Err(refusal);
        }
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
    let result = findings(&options.spec, &options.pages, options.format_in).and_then(
        |(mut found, pages)| {
            if let Some(path) = &options.accepted {
                let file = accepted::load(path)?;
                let kinds: Vec<&str> = pages.iter().map(|p| p.format).collect();
                accepted::apply(&file, &mut found, &file_name(path), &kinds);
            }
            Ok((found, pages))
        },
    );
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
        report::render(
            options.format,
            &spec_name,
            &pages,
            &found,
            options.all,
            options.fail_on
        )
    );
    if found.iter().any(|f| f.fails(options.fail_on)) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod mutations;
#[cfg(test)]
mod tests;
