//! What the commands that send many numbers at once share (`qualify`,
//! `text-enable`, `orders import`): reading the numbers (arguments or a CSV
//! file, as `import --csv` reads it), setting aside repeats, splitting them
//! into the orders one call takes, and one outcome per input number, written
//! to the output (any format), to the `--report` file (flushed row by row)
//! and counted for the exit status: 0 every number done, 1 some invalid or
//! failed, 2 stopped because no call could succeed (wrong credentials or
//! project, service unreachable).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::marker::PhantomData;

use sinch_imported_numbers::{Error, ErrorKind, PhoneNumber, Region};

use crate::args::{BulkOptions, Format, NumbersInput};
use crate::failure::{self, Failure};
use crate::output::{column, visible, Column, Record, RecordWriter};
use crate::progress::Progress;
use crate::rows::{self, Rows};

/// One input number: where it was, as written, and the number or why it
/// is not one that can be sent.
#[derive(Debug)]
pub struct Entry {
    /// The CSV row as a spreadsheet shows it; 0 for a command-line argument.
    pub line: u64,
    /// As written.
    pub written: String,
    /// The number, or why it cannot be sent.
    pub number: Result<PhoneNumber, String>,
}

impl Entry {
    /// The entry as messages name it: `row 4 (12345)` or the argument.
    pub fn describe(&self) -> String {
        let written = visible(&self.written);
        if self.line == 0 {
            written.into_owned()
        } else {
            format!("row {} ({written})", self.line)
        }
    }

    fn e164(&self) -> String {
        self.number
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default()
    }
}

/// A number the service can take: US or Canadian (hosting is offered
/// there only).
fn hostable(number: PhoneNumber) -> Result<PhoneNumber, String> {
    match number.region() {
        Some(_) => Ok(number),
        None => Err(format!(
            "{number} is not a US or Canadian number; only those can be hosted"
        )),
    }
}

/// Every input number of `input`, in order; a CSV file is read as
/// `import --csv` reads it (only its number column).
pub fn read(input: &NumbersInput) -> Result<Vec<Entry>, Failure> {
    let region = input.default_region;
    let Some(path) = &input.csv else {
        return Ok(input
            .numbers
            .iter()
            .map(|written| Entry {
                line: 0,
                written: written.clone(),
                number: PhoneNumber::parse_with_region(written, region)
                    .map_err(|e| format!("invalid phone number: {e}"))
                    .and_then(hostable),
            })
            .collect());
    };
    let format = rows::Format {
        delimiter: input.delimiter,
        encoding: input.encoding,
    };
    let rows = Rows::open_numbers(path, format, region)?;
    if let Some(column) = rows.headerless_column() {
        eprintln!(
            "note: {} has no header line: column {column} of every row, from row 1, is read as \
             the number",
            path.display()
        );
    }
    rows.warn_unread_columns();
    Ok(rows
        .map(|row| Entry {
            line: row.line,
            written: row.written,
            number: row.import.map(|i| i.number().clone()).and_then(hostable),
        })
        .collect())
}

/// What happened to one input number.
#[derive(Debug)]
pub enum Outcome {
    /// Sent and taken: the order's id, or the number's state.
    Done(String),
    /// Dry run: would be sent (in the planned order named).
    Valid(String),
    /// The same number as an earlier input (named): only that one is sent.
    Repeat(String),
    /// Not a number that can be sent.
    Invalid(String),
    /// Sent and refused, or its call failed.
    Failed(String),
    /// Not sent: the run stopped first.
    NotAttempted,
}

/// The detail column of a bulk command's outcomes.
pub trait Detail {
    /// The CSV header: `import`'s report columns, then the detail's.
    const COLUMNS: &'static [&'static str];
    /// The outcome word of a number sent and taken.
    const DONE: &'static str;
    /// The table's columns.
    const TABLE: &'static [Column];
}

/// Outcomes whose detail is a hosting order's id.
pub struct OrderId;

impl Detail for OrderId {
    const COLUMNS: &'static [&'static str] = &[
        "row",
        "number",
        "outcome",
        "error",
        "e164",
        "hosting_order_id",
    ];
    const DONE: &'static str = "ordered";
    const TABLE: &'static [Column] = &[
        column("ROW", 0, 5, false),
        column("NUMBER", 1, 18, false),
        column("OUTCOME", 2, 13, false),
        column("ORDER", 5, 26, false),
        column("ERROR", 3, 0, false),
    ];
}

/// Outcomes whose detail is a qualified number's state.
pub struct QualificationState;

impl Detail for QualificationState {
    const COLUMNS: &'static [&'static str] =
        &["row", "number", "outcome", "error", "e164", "state"];
    const DONE: &'static str = "submitted";
    const TABLE: &'static [Column] = &[
        column("ROW", 0, 5, false),
        column("NUMBER", 1, 18, false),
        column("OUTCOME", 2, 13, false),
        column("STATE", 5, 43, false),
        column("ERROR", 3, 0, false),
    ];
}

/// One line of the outcomes: the columns of `import`'s report, then the
/// detail.
pub struct Line<D> {
    fields: [String; 6],
    detail: PhantomData<D>,
}

/// What is said of a repeat of `first`, in a run that sends or a dry run.
fn repeat_of(first: &str, dry_run: bool) -> String {
    let sent = if dry_run { "would be sent" } else { "is sent" };
    format!("the same number as {first}; only that one {sent}")
}

impl<D: Detail> Line<D> {
    fn new(entry: &Entry, outcome: &Outcome, dry_run: bool) -> Self {
        let (word, error, detail) = match outcome {
            Outcome::Done(detail) => (D::DONE, String::new(), detail.clone()),
            Outcome::Valid(plan) => ("valid", String::new(), plan.clone()),
            Outcome::Repeat(first) => ("repeat", repeat_of(first, dry_run), String::new()),
            Outcome::Invalid(why) => ("invalid", why.clone(), String::new()),
            Outcome::Failed(why) => ("failed", why.clone(), String::new()),
            Outcome::NotAttempted => ("not-attempted", String::new(), String::new()),
        };
        let row = if entry.line == 0 {
            String::new()
        } else {
            entry.line.to_string()
        };
        Line {
            fields: [
                row,
                entry.written.clone(),
                word.to_owned(),
                error,
                entry.e164(),
                detail,
            ],
            detail: PhantomData,
        }
    }
}

impl<D: Detail> Record for Line<D> {
    const COLUMNS: &'static [&'static str] = D::COLUMNS;
    const TABLE: &'static [Column] = D::TABLE;

    fn fields(&self) -> Vec<String> {
        self.fields.to_vec()
    }

    fn write_json(&self, out: &mut dyn Write, _pretty: bool) -> serde_json::Result<()> {
        let mut object = serde_json::Map::new();
        for (name, value) in D::COLUMNS.iter().zip(&self.fields) {
            if value.is_empty() {
                continue;
            }
            let value = match (*name, value.parse::<u64>()) {
                ("row", Ok(row)) => serde_json::Value::from(row),
                _ => serde_json::Value::from(value.as_str()),
            };
            object.insert((*name).to_owned(), value);
        }
        serde_json::to_writer(out, &object)
    }
}

/// The counts of a run.
#[derive(Debug, Default)]
pub struct Tally {
    /// Sent and taken.
    pub done: u64,
    /// Would be sent (dry run).
    pub valid: u64,
    /// Repeats of an earlier input.
    pub repeats: u64,
    /// Not numbers that can be sent.
    pub invalid: u64,
    /// Refused or failed.
    pub failed: u64,
    /// Not sent: the run stopped.
    pub not_attempted: u64,
}

impl Tally {
    fn done_so_far(&self) -> u64 {
        self.done + self.valid + self.repeats + self.invalid + self.failed + self.not_attempted
    }

    fn brief(&self) -> String {
        format!(
            "{} ok · {} failed · {} invalid",
            self.done + self.valid,
            self.failed,
            self.invalid
        )
    }

    /// The exit status: 2 stopped, 1 something invalid or failed, else 0.
    pub fn status(&self, stopped: bool) -> u8 {
        if stopped {
            failure::USAGE
        } else if self.failed + self.invalid > 0 {
            failure::SOME_FAILED
        } else {
            failure::OK
        }
    }
}

/// Where a run's outcomes go: the output, the report, the progress bar.
/// Outcomes are recorded as they are known (numbers set aside first, then
/// order by order) but written in input order: each line as soon as every
/// input before it has its outcome.
pub struct Outcomes<'a, D: Detail> {
    out: RecordWriter<&'a mut dyn Write, Line<D>>,
    report: Option<RecordWriter<std::fs::File, Line<D>>>,
    progress: Progress,
    /// Lines known but not written yet, by input position.
    pending: BTreeMap<usize, Line<D>>,
    /// The input position of the next line to write.
    next: usize,
    /// Nothing is sent: outcomes say what would be.
    dry_run: bool,
    /// The counts so far.
    pub tally: Tally,
}

impl<'a, D: Detail> Outcomes<'a, D> {
    /// Opens the report (never the input file itself) and the progress bar
    /// for `total` numbers (drawn for a CSV file on a terminal only).
    pub fn open(
        options: &BulkOptions,
        input: &NumbersInput,
        total: u64,
        show_progress: bool,
        out: &'a mut dyn Write,
    ) -> Result<Self, Failure> {
        let report = match &options.report {
            Some(path) => {
                if input
                    .csv
                    .as_deref()
                    .is_some_and(|csv| crate::import::same_file(path, csv))
                {
                    return Err(Failure::usage(format!(
                        "--report {} is the input file; writing it would destroy the numbers",
                        path.display()
                    )));
                }
                let file = std::fs::File::create(path)
                    .map_err(|e| Failure::usage(format!("cannot write {}: {e}", path.display())))?;
                Some(RecordWriter::list(Format::Csv, file))
            }
            None => None,
        };
        let progress = Progress::new(
            Some(total),
            show_progress && !options.no_progress && input.csv.is_some(),
        );
        Ok(Outcomes {
            out: RecordWriter::list(options.output, out),
            report,
            progress,
            pending: BTreeMap::new(),
            next: 0,
            dry_run: options.dry_run,
            tally: Tally::default(),
        })
    }

    /// Prints a line to stderr without tearing the progress bar.
    pub fn note(&self, text: &str) {
        self.progress.line(text);
    }

    /// Records the outcome of `entry`, the input at position `at` (from 0):
    /// counts, a line on stderr for an invalid or repeated number, and the
    /// output and report lines, written in input order.
    pub fn record(&mut self, at: usize, entry: &Entry, outcome: Outcome) -> Result<(), Failure> {
        match &outcome {
            Outcome::Done(_) => self.tally.done += 1,
            Outcome::Valid(_) => self.tally.valid += 1,
            Outcome::Repeat(first) => {
                self.tally.repeats += 1;
                self.note(&format!(
                    "note: {} is {}",
                    entry.describe(),
                    repeat_of(first, self.dry_run)
                ));
            }
            Outcome::Invalid(why) => {
                self.tally.invalid += 1;
                self.note(&format!("{}: {}", entry.describe(), visible(why)));
            }
            Outcome::Failed(_) => self.tally.failed += 1,
            Outcome::NotAttempted => self.tally.not_attempted += 1,
        }
        self.pending
            .insert(at, Line::<D>::new(entry, &outcome, self.dry_run));
        while let Some(line) = self.pending.remove(&self.next) {
            self.write(&line)?;
            self.next += 1;
        }
        self.progress
            .advance(self.tally.done_so_far(), &self.tally.brief());
        Ok(())
    }

    fn write(&mut self, line: &Line<D>) -> Result<(), Failure> {
        self.out.write(line).map_err(Failure::output)?;
        if let Some(report) = self.report.as_mut() {
            // Row by row: an interrupted run keeps every row written so far.
            report
                .write(line)
                .and_then(|()| report.flush())
                .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))?;
        }
        Ok(())
    }

    /// Writes what is left (in input order), closes the output and the
    /// report; returns the counts.
    pub fn finish(mut self) -> Result<Tally, Failure> {
        for line in std::mem::take(&mut self.pending).into_values() {
            self.write(&line)?;
        }
        self.progress.finish();
        self.out.finish().map_err(Failure::output)?;
        if let Some(report) = self.report {
            report
                .finish()
                .map_err(|e| Failure::failed(format!("cannot write the report: {e}")))?;
        }
        Ok(self.tally)
    }
}

/// The entries to send, without repeats: the indices of the first time
/// each number appears, and for every later time, the index of the first.
pub fn distinct(entries: &[Entry]) -> (Vec<usize>, HashMap<usize, usize>) {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut keep = Vec::new();
    let mut repeats = HashMap::new();
    for (i, entry) in entries.iter().enumerate() {
        let Ok(number) = &entry.number else { continue };
        match first.get(number.as_str()) {
            Some(&at) => {
                repeats.insert(i, at);
            }
            None => {
                first.insert(number.as_str(), i);
                keep.push(i);
            }
        }
    }
    (keep, repeats)
}

/// Splits the entries `keep` into the orders one call takes: numbers of
/// one region per order (in the order each region first appears), at most
/// `limit` per order.
pub fn orders(entries: &[Entry], keep: &[usize], limit: usize) -> Vec<(Region, Vec<usize>)> {
    let mut regions: Vec<(Region, Vec<usize>)> = Vec::new();
    for &i in keep {
        let Ok(number) = &entries[i].number else {
            continue;
        };
        let region = number.region().unwrap_or(Region::Us);
        match regions.iter_mut().find(|(r, _)| *r == region) {
            Some((_, members)) => members.push(i),
            None => regions.push((region, vec![i])),
        }
    }
    regions
        .into_iter()
        .flat_map(|(region, members)| {
            members
                .chunks(limit.max(1))
                .map(|chunk| (region, chunk.to_vec()))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The numbers of entries `at`.
pub fn numbers(entries: &[Entry], at: &[usize]) -> Vec<PhoneNumber> {
    at.iter()
        .filter_map(|&i| entries[i].number.as_ref().ok().cloned())
        .collect()
}

/// Whether an error says no later call can work either: the credentials
/// or the project are refused.
pub fn stops_the_run(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Unauthenticated | ErrorKind::PermissionDenied
    )
}

/// The entries `at` as a message names them, without their count (which
/// the message says, when it does, in its own words): `row 3`, `rows 2-6`,
/// or the numbers given as arguments (the first two and the last, when
/// there are more than four).
pub fn span(entries: &[Entry], at: &[usize]) -> String {
    let lines: Vec<u64> = at.iter().map(|&i| entries[i].line).collect();
    match (lines.first(), lines.last()) {
        (Some(first), Some(last)) if *first > 0 && first == last => format!("row {first}"),
        (Some(first), Some(last)) if *first > 0 => format!("rows {first}-{last}"),
        _ => {
            let numbers: Vec<String> = at.iter().map(|&i| entries[i].e164()).collect();
            match numbers.as_slice() {
                [first, second, .., last] if numbers.len() > 4 => {
                    format!("{first}, {second}, ..., {last}")
                }
                _ => numbers.join(", "),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(lines: &[u64]) -> Vec<Entry> {
        lines
            .iter()
            .enumerate()
            .map(|(i, &line)| {
                let written = format!("+1206555{:04}", 100 + i);
                Entry {
                    line,
                    number: PhoneNumber::parse(&written).map_err(|e| e.to_string()),
                    written,
                }
            })
            .collect()
    }

    #[test]
    fn spans_name_rows_or_numbers_without_repeating_the_count() {
        let rows = entries(&[2, 3, 4]);
        assert_eq!(span(&rows, &[1]), "row 3");
        assert_eq!(span(&rows, &[0, 2]), "rows 2-4");
        let given = entries(&[0; 6]);
        assert_eq!(span(&given, &[0]), "+12065550100");
        assert_eq!(
            span(&given, &[0, 1, 2]),
            "+12065550100, +12065550101, +12065550102"
        );
        assert_eq!(
            span(&given, &[0, 1, 2, 3, 4, 5]),
            "+12065550100, +12065550101, ..., +12065550105"
        );
    }

    #[test]
    fn a_repeat_says_whether_it_is_or_would_be_sent() {
        assert_eq!(
            repeat_of("row 2 (+12065550101)", false),
            "the same number as row 2 (+12065550101); only that one is sent"
        );
        assert_eq!(
            repeat_of("row 2 (+12065550101)", true),
            "the same number as row 2 (+12065550101); only that one would be sent"
        );
    }
}
