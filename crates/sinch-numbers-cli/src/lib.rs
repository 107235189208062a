//! `sinch-numbers`: the command line for people who manage imported numbers
//! in bulk — a spreadsheet of numbers in, a report out — built on the
//! `sinch-imported-numbers` SDK, which does the validation, retries, paging
//! and bulk work.
//!
//! Where things live: [`args`] (the command line), `config` (the client from
//! flags and environment), `rows` (reading CSV files), `import` (the bulk
//! import), `commands` (every other command, one file per resource:
//! imported numbers, hosting orders, qualified numbers), `output` (the formats),
//! `progress` (the bar), `failure` (messages and exit statuses), `bulk`
//! (what the commands that send many numbers at once share), `loa` (the
//! letter of authorization of `text-enable`).

pub mod args;
mod bulk;
mod commands;
mod config;
mod failure;
mod import;
mod loa;
mod output;
mod progress;
mod rows;

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::args::{Cli, Command, OrdersCommand};
use crate::failure::Failure;

/// Runs the command line `args` (the program name first), writing results
/// to `out`; returns the exit status: 0 all done, 1 something failed, 2 a
/// usage or configuration error; `orders wait` and `verify-voice` also 3
/// (an order completed with failed numbers), 4 (Sinch answered no: an order
/// rejected, a wrong voice code), 5 (an order waits for its letter's
/// signature), 6 (an order still going at the deadline).
pub fn run<I, T>(args: I, out: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e) => {
            let e = typed_usage(e, &args);
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                failure::USAGE
            } else {
                failure::OK
            });
        }
    };
    if cli.verbose {
        let filter = tracing_subscriber::filter::Targets::new()
            .with_target("sinch_imported_numbers", tracing::Level::DEBUG);
        use tracing_subscriber::layer::SubscriberExt as _;
        let subscriber = tracing_subscriber::registry()
            .with(tracing_subscriber::fmt::layer().with_writer(std::io::stderr))
            .with(filter);
        let _ = tracing::subscriber::set_global_default(subscriber);
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(failure::SOME_FAILED);
        }
    };
    match runtime.block_on(dispatch(cli, out)) {
        Ok(status) => ExitCode::from(status),
        Err(failure) => {
            if !failure.is_quiet() {
                eprintln!("{failure}");
            }
            failure.exit_code()
        }
    }
}

/// clap counts a setting read from the environment as given, so a
/// missing-argument error's usage line would list `--project-id`,
/// `--key-id` and `--base-url` as if they were required. The same command
/// line parsed without environment fallbacks gives the same error with a
/// usage line of what was typed and what is really required.
fn typed_usage(error: clap::Error, args: &[std::ffi::OsString]) -> clap::Error {
    if error.kind() != clap::error::ErrorKind::MissingRequiredArgument {
        return error;
    }
    // Without the environment's values, what was missing is still missing:
    // the parse fails again, with the same kind of error.
    let without_env = Cli::command().mut_args(|arg| arg.env(None));
    match without_env.try_get_matches_from(args) {
        Err(plain) => plain,
        Ok(_) => error,
    }
}

async fn dispatch(cli: Cli, out: &mut dyn Write) -> Result<u8, Failure> {
    let show_progress = std::io::stderr().is_terminal();
    match cli.command {
        Command::Completions { shell } => {
            // Generated whole first: clap_complete panics when a write fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "sinch-numbers", &mut script);
            out.write_all(&script)
                .and_then(|()| out.flush())
                .map_err(Failure::output)?;
            Ok(failure::OK)
        }
        Command::Import(args) if args.dry_run => {
            // A dry run sends nothing and needs no credentials.
            import::run(None, args, "", out, show_progress).await
        }
        // Dry runs send nothing and need no credentials.
        Command::Qualify(args) if args.bulk.dry_run => {
            commands::onboarding::qualify(None, args, out, show_progress).await
        }
        Command::VerifyVoice(args) if args.dry_run => {
            commands::onboarding::verify_voice(None, args, out).await
        }
        Command::TextEnable(args) if args.bulk.dry_run => {
            commands::onboarding::text_enable(None, args, out, show_progress).await
        }
        Command::Orders(OrdersCommand::Import(args)) if args.bulk.dry_run => {
            commands::onboarding::orders_import(None, args, out, show_progress).await
        }
        Command::VerifyCallback(args) if args.secret_file.is_some() => {
            commands::imported::verify_callback(None, args, out).await
        }
        command => {
            let client = config::client(&cli.connection)?;
            match command {
                Command::Import(args) => {
                    let url = cli
                        .connection
                        .base_url
                        .as_deref()
                        .unwrap_or(sinch_imported_numbers::DEFAULT_BASE_URL);
                    import::run(Some(client), args, url, out, show_progress).await
                }
                Command::List(args) => commands::imported::list(&client, args, out).await,
                Command::Get(args) => commands::imported::get(&client, args, out).await,
                Command::Update(args) => commands::imported::update(&client, args, out).await,
                Command::Relink(args) => commands::imported::relink(&client, args, out).await,
                Command::Delete(args) => commands::imported::delete(&client, args, out).await,
                Command::Wait(args) => commands::imported::wait(&client, args, out).await,
                Command::CallbackSecret(c) => {
                    commands::imported::callback_secret(&client, c, out).await
                }
                Command::Qualify(args) => {
                    commands::onboarding::qualify(Some(&client), args, out, show_progress).await
                }
                Command::VerifyVoice(args) => {
                    commands::onboarding::verify_voice(Some(&client), args, out).await
                }
                Command::TextEnable(args) => {
                    commands::onboarding::text_enable(Some(&client), args, out, show_progress).await
                }
                Command::Orders(c) => commands::orders::run(&client, c, out, show_progress).await,
                Command::Qualified(c) => commands::qualified::run(&client, c, out).await,
                Command::VerifyCallback(args) => {
                    commands::imported::verify_callback(Some(&client), args, out).await
                }
                Command::Completions { .. } => unreachable!("handled above"),
            }
        }
    }
}
