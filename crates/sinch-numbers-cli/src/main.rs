//! The `sinch-numbers` binary; everything is in the library (see `lib.rs`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    sinch_numbers_cli::run(std::env::args_os(), &mut out)
}
