//! `import`: one number or a whole CSV file, with bounded concurrency, a
//! progress bar, a per-row report and an exit status that says whether
//! anything failed. Re-running a file is safe: numbers already imported count
//! as existing, not as failures.

use std::io::Write;
use std::path::PathBuf;

use futures::{stream, StreamExt};
use sinch_imported_numbers::{Client, ErrorKind, NumberImport, PhoneNumber, Provisioned};

use crate::args::ImportArgs;
use crate::failure::{self, Failure};
use crate::progress::Progress;
use crate::rows::{self, Row, Rows};

/// What happened to one row.
enum Outcome {
    Imported,
    Existing,
    Failed(sinch_imported_numbers::Error),
    Invalid(String),
    /// Checked in a dry run: would be sent.
    Valid,
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::Existing => "existing",
            Outcome::Failed(_) => "failed",
            Outcome::Invalid(_) => "invalid",
            Outcome::Valid => "valid",
        }
    }
}

#[derive(Default)]
struct Tally {
    imported: u64,
    existing: u64,
    failed: u64,
    invalid: u64,
    valid: u64,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Imported => self.imported += 1,
            Outcome::Existing => self.existing += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Invalid(_) => self.invalid += 1,
            Outcome::Valid => self.valid += 1,
        }
    }

    fn summary(&self, dry_run: bool) -> String {
        if dry_run {
            format!(
                "{} valid, {} invalid (dry run: nothing sent)",
                self.valid, self.invalid
            )
        } else {
            format!(
                "imported {}, already existed {}, failed {}, invalid {}",
                self.imported, self.existing, self.failed, self.invalid
            )
        }
    }
}

/// The report file: one CSV row per input.
struct Report(csv::Writer<std::fs::File>);

impl Report {
    fn create(path: &PathBuf) -> Result<Report, Failure> {
        let mut writer = csv::Writer::from_path(path)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        writer
            .write_record(["row", "number", "outcome", "error"])
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        Ok(Report(writer))
    }

    fn write(&mut self, line: u64, number: &str, outcome: &Outcome) -> Result<(), Failure> {
        let error = match outcome {
            Outcome::Failed(e) => e.to_string(),
            Outcome::Invalid(why) => why.clone(),
            _ => String::new(),
        };
        self.0
            .write_record([line.to_string().as_str(), number, outcome.word(), &error])
            .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))
    }

    fn finish(mut self) -> Result<(), Failure> {
        self.0
            .flush()
            .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))
    }
}

/// The one row of `import NUMBER`.
fn single_row(args: &ImportArgs, written: &str) -> Row {
    let d = &args.defaults;
    let import = PhoneNumber::parse_with_region(written, args.default_region)
        .map_err(|e| format!("invalid phone number: {e}"))
        .and_then(|number| {
            let mut import = NumberImport::new(number);
            if let Some(v) = &d.display_name {
                import = import.display_name(v);
            }
            if let Some(v) = &d.service_plan_id {
                import = import.service_plan_id(v);
            }
            if let Some(v) = &d.campaign_id {
                import = import.campaign_id(v);
            }
            if let Some(v) = &d.callback_url {
                import = import.callback_url(v);
            }
            import.check().map_err(|e| e.to_string())?;
            Ok(import)
        });
    Row {
        line: 0,
        written: written.to_owned(),
        import,
    }
}

/// Runs `import`; returns the exit status.
pub async fn run(
    client: Option<Client>,
    args: ImportArgs,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let (rows, total): (Box<dyn Iterator<Item = Row> + Send>, Option<u64>) = match &args.csv {
        Some(path) => (
            Box::new(Rows::open(
                path,
                args.defaults.clone(),
                args.default_region,
            )?),
            rows::count(path),
        ),
        None => {
            let written = args.number.clone().unwrap_or_default();
            (
                Box::new(std::iter::once(single_row(&args, &written))),
                Some(1),
            )
        }
    };
    let mut report = args.report.as_ref().map(Report::create).transpose()?;
    let progress = Progress::new(
        total,
        show_progress && !args.no_progress && args.csv.is_some(),
    );
    let describe = |line: u64, written: &str| {
        if line == 0 {
            written.to_owned()
        } else {
            format!("row {line} ({written})")
        }
    };
    let mut tally = Tally::default();
    let mut to_wait = Vec::new();
    let client = match (&client, args.dry_run) {
        (Some(c), _) => Some(c.clone()),
        (None, true) => None,
        (None, false) => return Err(Failure::usage("no client configured")),
    };
    let dry_run = args.dry_run;
    let mut outcomes = stream::iter(rows)
        .map(|row| {
            let client = client.clone();
            async move {
                let outcome = match (row.import, client) {
                    (Err(why), _) => Outcome::Invalid(why),
                    (Ok(_), None) => Outcome::Valid,
                    (Ok(import), Some(client)) => match client.import(import).await {
                        Ok(_) => Outcome::Imported,
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => Outcome::Existing,
                        Err(e) => Outcome::Failed(e),
                    },
                };
                (row.line, row.written, outcome)
            }
        })
        .buffered(usize::from(args.concurrency));
    while let Some((line, written, outcome)) = outcomes.next().await {
        tally.add(&outcome);
        match &outcome {
            Outcome::Invalid(why) => {
                let hint = if why.starts_with("invalid phone number") {
                    format!(
                        "\n  hint: numbers without + are read as {} numbers (see --default-region)",
                        args.default_region
                    )
                } else {
                    String::new()
                };
                progress.line(&format!("{}: {why}{hint}", describe(line, &written)));
            }
            Outcome::Failed(e) => {
                let hint = failure::advice(e)
                    .map(|h| format!("\n  hint: {h}"))
                    .unwrap_or_default();
                progress.line(&format!("{}: {e}{hint}", describe(line, &written)));
            }
            Outcome::Imported | Outcome::Existing if args.wait => {
                if let Ok(number) = PhoneNumber::parse_with_region(&written, args.default_region) {
                    to_wait.push(number);
                }
            }
            _ => {}
        }
        if let Some(report) = report.as_mut() {
            report.write(line, &written, &outcome)?;
        }
        progress.advance(tally.summary(dry_run));
    }
    drop(outcomes);
    progress.finish();
    if let Some(report) = report {
        report.finish()?;
    }
    let io = |e: std::io::Error| Failure::failed(format!("cannot write the output: {e}"));
    writeln!(out, "{}", tally.summary(dry_run)).map_err(io)?;
    let mut failed = tally.failed + tally.invalid;
    if let (Some(client), false) = (client, to_wait.is_empty()) {
        writeln!(out, "waiting for provisioning of {} numbers", to_wait.len()).map_err(io)?;
        let deadline = args.wait_deadline;
        let mut waits = stream::iter(to_wait)
            .map(|number| {
                let client = client.clone();
                async move {
                    let result = client
                        .wait_for_provisioning(&number)
                        .deadline(deadline)
                        .await;
                    (number, result)
                }
            })
            .buffer_unordered(usize::from(args.concurrency));
        while let Some((number, result)) = waits.next().await {
            let line = match result {
                Ok(Provisioned::Ready(_)) => format!("{number}\tready"),
                Ok(done) => {
                    failed += 1;
                    format!(
                        "{number}\t{}",
                        crate::output::provisioning_text(done.number())
                    )
                }
                Err(e) => {
                    failed += 1;
                    format!("{number}\terror: {e}")
                }
            };
            writeln!(out, "{line}").map_err(io)?;
        }
    }
    Ok(if failed > 0 {
        failure::SOME_FAILED
    } else {
        failure::OK
    })
}
