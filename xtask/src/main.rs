//! Project automation for the Sinch Imported Numbers SDK workspace.
//!
//! * `cargo xtask codegen [--check]` regenerates the API crate from the spec.
//! * `cargo xtask spec-diff [PAGES...]` compares the spec with the vendor's documentation pages.

mod codegen;
#[cfg(test)]
mod own_words;
mod spec;
mod spec_diff;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate crates/sinch-imported-numbers-api/src/generated.rs from
                      openapi/imported-numbers.yaml; --check fails if the file is stale
  spec-diff [PAGES]   compare the spec with the vendor documentation pages
                      (default: openapi/vendor-docs/*); --help for options
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    match command.as_str() {
        "codegen" => codegen::run(rest),
        "spec-diff" => spec_diff::run(rest),
        "-h" | "--help" | "help" => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Writes `text` to a file named `name` in a directory of its own, for tests
/// that need a spec or page on disk. Each call gets a fresh directory, so
/// tests running in parallel never share a file.
#[cfg(test)]
pub fn temp_file(name: &str, text: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let unique = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("xtask-test-{}-{unique}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir is writable");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("temp file is writable");
    path
}

/// The workspace root, found from this crate's manifest directory so the
/// commands work from any current directory.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
