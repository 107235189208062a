//! `import`: one number or a whole CSV file, with bounded concurrency, a
//! progress bar, a per-row report and an exit status that says whether
//! anything failed. Re-running a file is safe: numbers already imported count
//! as existing, not as failures.

use std::io::Write;
use std::path::PathBuf;

use futures::stream::{self, FuturesOrdered, StreamExt};
use sinch_imported_numbers::{
    Client, ErrorKind, NumberImport, PhoneNumber, Provisioned, SharedRate, AREA_CODE_TABLE,
};

use crate::args::ImportArgs;
use crate::failure::{self, Failure};
use crate::output::{spreadsheet_safe, visible};
use crate::progress::Progress;
use crate::rows::{self, Row, Rows};

/// What happened to one row.
enum Outcome {
    Imported,
    Existing,
    Failed(sinch_imported_numbers::Error),
    Invalid(String),
    /// Checked in a dry run: would be sent. Carries the area code when the
    /// SDK's table of area codes in service does not list it.
    Valid {
        unlisted_area_code: Option<String>,
    },
    /// Not sent: the run stopped before this row.
    NotAttempted,
}

impl Outcome {
    fn word(&self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::Existing => "existing",
            Outcome::Failed(_) => "failed",
            Outcome::Invalid(_) => "invalid",
            Outcome::Valid { .. } => "valid",
            Outcome::NotAttempted => "not-attempted",
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
    not_attempted: u64,
}

impl Tally {
    fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::Imported => self.imported += 1,
            Outcome::Existing => self.existing += 1,
            Outcome::Failed(_) => self.failed += 1,
            Outcome::Invalid(_) => self.invalid += 1,
            Outcome::Valid { .. } => self.valid += 1,
            Outcome::NotAttempted => self.not_attempted += 1,
        }
    }

    /// Rows done so far, whatever their outcome.
    fn done(&self) -> u64 {
        self.imported + self.existing + self.failed + self.invalid + self.valid + self.not_attempted
    }

    /// The closing line; rows not attempted are named only when a run stopped.
    fn summary(&self, dry_run: bool, stopped: bool) -> String {
        if dry_run {
            format!(
                "{} valid, {} invalid (dry run: nothing sent)",
                self.valid, self.invalid
            )
        } else {
            let mut line = format!(
                "imported {}, already existed {}, failed {}, invalid {}",
                self.imported, self.existing, self.failed, self.invalid
            );
            if stopped {
                line.push_str(&format!(", not attempted {}", self.not_attempted));
            }
            line
        }
    }

    /// The counts on the progress line (short enough for 80 columns).
    fn brief(&self, dry_run: bool) -> String {
        if dry_run {
            format!("{} valid · {} invalid", self.valid, self.invalid)
        } else {
            format!(
                "{} ok · {} failed · {} invalid",
                self.imported + self.existing,
                self.failed,
                self.invalid
            )
        }
    }
}

/// Whether two paths name one file (the report may not exist yet: then its
/// folder and name are compared).
pub(crate) fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let canonical = |p: &std::path::Path| {
        p.canonicalize().ok().or_else(|| {
            let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
            let dir = parent.map_or_else(
                || std::path::Path::new(".").canonicalize(),
                |d| d.canonicalize(),
            );
            Some(dir.ok()?.join(p.file_name()?))
        })
    };
    matches!((canonical(a), canonical(b)), (Some(x), Some(y)) if x == y)
}

/// The report file: one CSV row per input.
struct Report(csv::Writer<std::fs::File>);

impl Report {
    fn create(path: &PathBuf) -> Result<Report, Failure> {
        let mut writer = csv::Writer::from_path(path)
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        writer
            .write_record(["row", "number", "outcome", "error", "e164"])
            .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
        Ok(Report(writer))
    }

    fn write(&mut self, row: &Done, outcome: &Outcome) -> Result<(), Failure> {
        let error = match outcome {
            Outcome::Failed(e) => e.to_string(),
            Outcome::Invalid(why) => why.clone(),
            _ => String::new(),
        };
        let line = if row.line == 0 {
            String::new()
        } else {
            row.line.to_string()
        };
        self.0
            .write_record(
                [
                    line.as_str(),
                    &row.written,
                    outcome.word(),
                    &error,
                    row.e164.as_deref().unwrap_or_default(),
                ]
                .map(|cell| spreadsheet_safe(cell).into_owned()),
            )
            .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))?;
        // Row by row: a run that is interrupted keeps every row done so far.
        self.0
            .flush()
            .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))
    }

    fn finish(mut self) -> Result<(), Failure> {
        self.0
            .flush()
            .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))
    }
}

/// A row whose request has been answered (or was never needed).
struct Done {
    line: u64,
    written: String,
    e164: Option<String>,
}

/// After how many requests in a row that could not reach the service (or,
/// before any request has worked, that got only server errors) a run stops.
const UNREACHABLE_STREAK: u32 = 3;

/// Why a run stops before the end of the file: something no row can fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// 401 or 403: the credentials or the project are wrong.
    Refused,
    /// No connection could be made (or kept) several times in a row.
    Unreachable,
    /// Every request so far got a server error.
    Failing,
}

impl Stop {
    /// Whether `error` is one more instance of what stopped the run.
    fn explains(self, error: &sinch_imported_numbers::Error) -> bool {
        let kind = error.kind();
        match self {
            Stop::Refused => {
                matches!(
                    kind,
                    ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
                )
            }
            Stop::Unreachable => kind == ErrorKind::Transport,
            Stop::Failing => kind == ErrorKind::Server,
        }
    }
}

/// What the answers so far say about the service, to decide whether to
/// send more and how many at once.
#[derive(Default)]
struct Health {
    /// Some request has worked (or been refused for its own row only), so
    /// the service is reachable and accepts these credentials: send at full
    /// concurrency. Until then one request at a time, so a wrong secret or
    /// a wrong URL costs one request, not one per concurrent slot.
    proven: bool,
    /// Requests in a row that could not reach the service.
    unreachable: u32,
    /// Requests so far, when every one of them got a server error.
    server_errors: u32,
}

impl Health {
    /// Takes in one answered row; says whether the run must stop.
    fn record(&mut self, outcome: &Outcome) -> Option<Stop> {
        let error = match outcome {
            Outcome::Imported | Outcome::Existing => {
                self.proven = true;
                self.unreachable = 0;
                return None;
            }
            Outcome::Failed(e) => e,
            _ => return None,
        };
        match error.kind() {
            ErrorKind::Unauthenticated | ErrorKind::PermissionDenied => Some(Stop::Refused),
            ErrorKind::Transport => {
                self.unreachable += 1;
                (self.unreachable >= UNREACHABLE_STREAK).then_some(Stop::Unreachable)
            }
            ErrorKind::Server => {
                self.unreachable = 0;
                if self.proven {
                    return None;
                }
                self.server_errors += 1;
                (self.server_errors >= UNREACHABLE_STREAK).then_some(Stop::Failing)
            }
            // Rate limiting says nothing about this row or the credentials.
            ErrorKind::RateLimited => {
                self.unreachable = 0;
                None
            }
            _ => {
                self.proven = true;
                self.unreachable = 0;
                None
            }
        }
    }
}

/// The one line that says why a run stopped, and what to do.
fn stop_message(stop: Stop, at: &str, error: &sinch_imported_numbers::Error, url: &str) -> String {
    let (what, hint) = match stop {
        Stop::Refused => (
            format!(
                "{url} refused the request ({}); no row can be imported this way",
                visible(&error.to_string())
            ),
            failure::advice(error, true).unwrap_or_default().to_owned(),
        ),
        Stop::Unreachable => (
            format!(
                "{url} could not be reached {UNREACHABLE_STREAK} times in a row ({})",
                visible(&error.to_string())
            ),
            "check the network and --base-url (or SINCH_IMPORTED_NUMBERS_URL)".to_owned(),
        ),
        Stop::Failing => (
            format!(
                "every request to {url} so far failed with a server error ({})",
                visible(&error.to_string())
            ),
            "Sinch had a problem; run the same file again later".to_owned(),
        ),
    };
    format!(
        "error: stopped at {at}: {what}\n  hint: {hint}; rows already imported count as \
         existing when the file is run again"
    )
}

/// The one row of `import NUMBER`.
fn single_row(args: &ImportArgs, written: &str) -> Row {
    let d = &args.defaults;
    let parsed = PhoneNumber::parse_with_region(written, args.default_region);
    let e164 = parsed.as_ref().ok().map(|n| n.as_str().to_owned());
    let import = parsed
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
        e164,
        import,
    }
}

/// Sends one row (or not, in a dry run or once the run has stopped).
async fn attempt(row: Row, client: Option<Client>, rate: SharedRate) -> (Done, Outcome) {
    let outcome = match (row.import, client) {
        (Err(why), _) => Outcome::Invalid(why),
        (Ok(import), None) => {
            let number = import.number();
            Outcome::Valid {
                unlisted_area_code: (number.area_code_in_service() == Some(false))
                    .then(|| number.digits()[1..4].to_owned()),
            }
        }
        (Ok(import), Some(client)) => match client.import_sharing(&rate, import).await {
            Ok(_) => Outcome::Imported,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Outcome::Existing,
            Err(e) => Outcome::Failed(e),
        },
    };
    let done = Done {
        line: row.line,
        written: row.written,
        e164: row.e164,
    };
    (done, outcome)
}

/// Runs `import` against the service at `base_url` (named in messages);
/// returns the exit status.
pub async fn run(
    client: Option<Client>,
    args: ImportArgs,
    base_url: &str,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let format = rows::Format {
        delimiter: args.delimiter,
        encoding: args.encoding,
    };
    let (mut rows, total): (Box<dyn Iterator<Item = Row> + Send>, Option<u64>) = match &args.csv {
        Some(path) => {
            let rows = Rows::open(path, format, args.defaults.clone(), args.default_region)?;
            rows.warn_unread_columns();
            (Box::new(rows), rows::count(path, format))
        }
        None => {
            let written = args.number.clone().unwrap_or_default();
            (
                Box::new(std::iter::once(single_row(&args, &written))),
                Some(1),
            )
        }
    };
    if let (Some(report), Some(csv)) = (&args.report, &args.csv) {
        if same_file(report, csv) {
            return Err(Failure::usage(format!(
                "--report {} is the input file; writing it would destroy the rows still to read",
                report.display()
            )));
        }
    }
    let mut report = args.report.as_ref().map(Report::create).transpose()?;
    let progress = Progress::new(
        total,
        show_progress && !args.no_progress && args.csv.is_some(),
    );
    // What the file and the server say is shown escaped, never obeyed.
    let describe = |line: u64, written: &str| {
        let written = visible(written);
        if line == 0 {
            written.into_owned()
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
    let mut health = Health::default();
    let mut stopped: Option<Stop> = None;
    // Every row shares one adaptive rate: a 429 pauses them all.
    let rate = match args.max_rate {
        Some(max) => SharedRate::adaptive_with_max(max),
        None => SharedRate::adaptive(),
    };
    let mut in_flight = FuturesOrdered::new();
    let mut rows_left = true;
    loop {
        // Start rows up to the allowed number in flight: one until the
        // service has shown it works for these credentials, then all.
        let allowed = if health.proven || dry_run {
            usize::from(args.concurrency)
        } else {
            1
        };
        while stopped.is_none() && rows_left && in_flight.len() < allowed {
            match rows.next() {
                Some(row) => in_flight.push_back(attempt(row, client.clone(), rate.clone())),
                None => rows_left = false,
            }
        }
        let Some((done, outcome)) = in_flight.next().await else {
            break;
        };
        tally.add(&outcome);
        let stops_now = if stopped.is_none() {
            health.record(&outcome)
        } else {
            None
        };
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
                progress.line(&format!(
                    "{}: {}{hint}",
                    describe(done.line, &done.written),
                    visible(why)
                ));
            }
            Outcome::Failed(e) => {
                if let Some(stop) = stops_now {
                    let at = describe(done.line, &done.written);
                    progress.line(&stop_message(stop, &at, e, base_url));
                    stopped = Some(stop);
                } else if stopped.is_none_or(|stop| !stop.explains(e)) {
                    // After a stop, requests already in flight that fail the
                    // same way are in the report but not repeated here.
                    // A 404 on an import is about the project or the
                    // address, never the number.
                    let hint = match e.kind() {
                        ErrorKind::NotFound if !failure::wrong_address(e) => {
                            Some("check --project-id: the project may not exist")
                        }
                        _ => failure::advice(e, true),
                    }
                    .map(|h| format!("\n  hint: {h}"))
                    .unwrap_or_default();
                    progress.line(&format!(
                        "{}: {}{hint}",
                        describe(done.line, &done.written),
                        visible(&e.to_string())
                    ));
                }
            }
            Outcome::Valid {
                unlisted_area_code: Some(area),
            } => {
                // Information only: area codes come into service every year.
                progress.line(&format!(
                    "warning: {}: area code {area} is not in the SDK's table of area codes in \
                     service ({AREA_CODE_TABLE}); the number is accepted, and the API decides \
                     whether it can be imported",
                    describe(done.line, &done.written)
                ));
            }
            Outcome::Imported | Outcome::Existing if args.wait => {
                if let Ok(number) =
                    PhoneNumber::parse_with_region(&done.written, args.default_region)
                {
                    to_wait.push(number);
                }
            }
            _ => {}
        }
        if let Some(report) = report.as_mut() {
            report.write(&done, &outcome)?;
        }
        progress.advance(tally.done(), &tally.brief(dry_run));
    }
    // The rest of the file, once stopped: each row in the report and the
    // counts as not attempted, never as failed.
    if stopped.is_some() {
        for row in rows {
            let done = Done {
                line: row.line,
                written: row.written,
                e164: row.e164,
            };
            tally.add(&Outcome::NotAttempted);
            if let Some(report) = report.as_mut() {
                report.write(&done, &Outcome::NotAttempted)?;
            }
            progress.advance(tally.done(), &tally.brief(dry_run));
        }
    }
    progress.finish();
    if let Some(report) = report {
        report.finish()?;
    }
    let io = Failure::output;
    writeln!(out, "{}", tally.summary(dry_run, stopped.is_some())).map_err(io)?;
    if stopped.is_some() {
        return Ok(failure::USAGE);
    }
    let mut failed = tally.failed + tally.invalid;
    if let (Some(client), false) = (client, to_wait.is_empty()) {
        writeln!(out, "waiting for provisioning of {} numbers", to_wait.len()).map_err(io)?;
        let deadline = args.wait_deadline;
        let mut waits = stream::iter(to_wait)
            .map(|number| {
                // The waits share the rows' rate: the project's limit is
                // the same, and a 429 pauses every wait.
                let wait = client
                    .wait_for_provisioning(&number)
                    .deadline(deadline)
                    .sharing(&rate);
                async move { (number, wait.await) }
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
