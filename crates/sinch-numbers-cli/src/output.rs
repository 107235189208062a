//! Writing records (numbers, orders, reports) in the formats people and
//! scripts want, one at a time: nothing is buffered beyond the current
//! record, so a listing of any size streams in flat memory.
//!
//! Each kind of record says once, in its [`Record`] implementation, what its
//! CSV columns are, which of them the table shows and how wide, and how it
//! reads as JSON (the API's own body, as received); [`RecordWriter`] does the
//! rest the same way for all of them: control characters escaped in tables
//! ([`visible`]), formulas quoted in CSV ([`spreadsheet_safe`]).

use std::borrow::Cow;
use std::io::{self, Write};

use sinch_imported_numbers::{ImportedNumber, ProvisioningOutcome};

use crate::args::Format;

/// One table column: its heading, the CSV field it shows, its width, and
/// whether a longer value is cut to the width (otherwise it overflows).
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// The heading, in capitals.
    pub heading: &'static str,
    /// The index of the field in [`Record::fields`].
    pub field: usize,
    /// The padded width (the last column is not padded).
    pub width: usize,
    /// Cut longer values to the width, marking the cut.
    pub clip: bool,
}

/// A shorthand for a table column.
pub const fn column(heading: &'static str, field: usize, width: usize, clip: bool) -> Column {
    Column {
        heading,
        field,
        width,
        clip,
    }
}

/// Something the commands print.
pub trait Record {
    /// The CSV header: one name per field.
    const COLUMNS: &'static [&'static str];
    /// The table's columns, in order.
    const TABLE: &'static [Column];
    /// The fields as text, in [`COLUMNS`](Self::COLUMNS) order; an absent
    /// value is empty.
    fn fields(&self) -> Vec<String>;
    /// Writes the record as one JSON value (the API's body as received).
    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()>;
}

/// A number's provisioning in a word, with the error codes of a failure.
pub fn provisioning_text(n: &ImportedNumber) -> String {
    let provisioning = n.provisioning();
    match provisioning.outcome() {
        ProvisioningOutcome::Pending => "pending".to_owned(),
        ProvisioningOutcome::Failed => {
            let codes: Vec<String> = provisioning
                .pending()
                .map(|p| p.error_codes().iter().map(|c| c.to_string()).collect())
                .unwrap_or_default();
            if codes.is_empty() {
                "failed".to_owned()
            } else {
                format!("failed ({})", codes.join(", "))
            }
        }
        _ => "ready".to_owned(),
    }
}

/// Writes a value as JSON, compact or indented.
pub fn json<T: serde::Serialize>(
    value: &T,
    out: &mut dyn Write,
    pretty: bool,
) -> serde_json::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(out, value)
    } else {
        serde_json::to_writer(out, value)
    }
}

/// `text` as it may be shown on a terminal: control characters (escape
/// sequences, bells, line ends, tabs), line and paragraph separators and
/// bidirectional overrides are written escaped (`\u{1b}`, `\n`), so nothing
/// the server sends can move the cursor, recolour, retitle or clear the
/// terminal, or split one table row into two.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

/// Whether `c` would act on a terminal or on the layout instead of showing.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `cell` as it may be put in a CSV file a person opens in a spreadsheet:
/// a cell the spreadsheet would run as a formula (one starting with `=`,
/// `@`, a tab or a carriage return, or with `+` or `-` not followed by just
/// a number such as `+12065550100` or `-5`) gets a `'` in front, which
/// spreadsheets read as "this is text".
pub fn spreadsheet_safe(cell: &str) -> Cow<'_, str> {
    let formula = match cell.chars().next() {
        Some('=' | '@' | '\t' | '\r') => true,
        Some('+' | '-') => !is_number(&cell[1..]),
        _ => false,
    };
    if formula {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Whether `text` is digits, with at most one `.` between digits.
fn is_number(text: &str) -> bool {
    let mut parts = text.splitn(2, '.');
    let whole = parts.next().unwrap_or_default();
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && parts.next().is_none_or(digits)
}

/// The `errors` cell: each failed part's name with what the server said
/// about it (a code, a message, or both), `; ` between parts; empty when
/// nothing failed.
pub fn reasons<'a>(parts: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>) -> String {
    parts
        .into_iter()
        .filter(|(_, said)| !said.is_empty())
        .map(|(name, said)| format!("{name}: {}", said.join(" ")))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Text of an optional value; empty when absent.
pub fn text<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

impl Record for ImportedNumber {
    const COLUMNS: &'static [&'static str] = &[
        "phone_number",
        "region",
        "display_name",
        "service_plan_id",
        "campaign_id",
        "callback_url",
        "provisioning",
    ];
    const TABLE: &'static [Column] = &[
        column("NUMBER", 0, 16, false),
        column("REGION", 1, 6, false),
        column("DISPLAY NAME", 2, 24, true),
        column("SERVICE PLAN", 3, 20, true),
        column("CAMPAIGN", 4, 20, true),
        column("PROVISIONING", 6, 0, false),
    ];

    fn fields(&self) -> Vec<String> {
        vec![
            self.phone_number().to_string(),
            text(self.region_code()),
            text(self.display_name()),
            text(self.service_plan_id()),
            text(self.campaign_id()),
            text(self.callback_url()),
            provisioning_text(self),
        ]
    }

    fn write_json(&self, out: &mut dyn Write, pretty: bool) -> serde_json::Result<()> {
        json(self.raw(), out, pretty)
    }
}

/// Where the records go: CSV has its own (buffered) writer.
enum Sink<W: Write> {
    // Boxed: the CSV writer is large, and a writer lives across awaits.
    Csv(Box<csv::Writer<W>>),
    Plain(io::BufWriter<W>),
}

/// Writes records of one kind to `out` in one format.
pub struct RecordWriter<W: Write, R: Record> {
    format: Format,
    sink: Sink<W>,
    written: u64,
    /// A list (JSON array) or one record (JSON object).
    many: bool,
    record: std::marker::PhantomData<fn(&R)>,
}

/// The writer of imported numbers.
pub type NumberWriter<W> = RecordWriter<W, ImportedNumber>;

impl<W: Write, R: Record> RecordWriter<W, R> {
    /// A writer for a list of records.
    pub fn list(format: Format, out: W) -> Self {
        Self::new(format, out, true)
    }

    /// A writer for exactly one record.
    pub fn single(format: Format, out: W) -> Self {
        Self::new(format, out, false)
    }

    fn new(format: Format, out: W, many: bool) -> Self {
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
            _ => Sink::Plain(io::BufWriter::new(out)),
        };
        RecordWriter {
            format,
            sink,
            written: 0,
            many,
            record: std::marker::PhantomData,
        }
    }

    /// Writes one record.
    pub fn write(&mut self, record: &R) -> io::Result<()> {
        let first = self.written == 0;
        match &mut self.sink {
            Sink::Csv(csv) => {
                if first {
                    csv.write_record(R::COLUMNS)?;
                }
                csv.write_record(
                    record
                        .fields()
                        .iter()
                        .map(|f| spreadsheet_safe(f).into_owned()),
                )?;
            }
            Sink::Plain(out) => match self.format {
                Format::Json if self.many => {
                    out.write_all(if first { b"[\n" } else { b",\n" })?;
                    record.write_json(out, false)?;
                }
                Format::Json => {
                    record.write_json(out, true)?;
                    out.write_all(b"\n")?;
                }
                Format::Jsonl => {
                    record.write_json(out, false)?;
                    out.write_all(b"\n")?;
                }
                _ => {
                    if first {
                        table_line(out, R::TABLE.iter().map(|c| (*c, c.heading)))?;
                    }
                    let fields = record.fields();
                    table_line(
                        out,
                        R::TABLE
                            .iter()
                            .map(|c| (*c, fields.get(c.field).map_or("", String::as_str))),
                    )?;
                }
            },
        }
        self.written += 1;
        Ok(())
    }

    /// Hands what was written so far to the output.
    pub fn flush(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Csv(csv) => csv.flush(),
            Sink::Plain(out) => out.flush(),
        }
    }

    /// Closes the list and flushes; returns how many records were written.
    pub fn finish(mut self) -> io::Result<u64> {
        match &mut self.sink {
            Sink::Csv(csv) => {
                if self.written == 0 {
                    csv.write_record(R::COLUMNS)?;
                }
                csv.flush()?;
            }
            Sink::Plain(out) => {
                match self.format {
                    Format::Json if self.many => {
                        out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
                    }
                    // An empty listing still shows its columns, so the
                    // command is seen to have worked (as in CSV).
                    Format::Table if self.many && self.written == 0 => {
                        table_line(out, R::TABLE.iter().map(|c| (*c, c.heading)))?;
                    }
                    _ => {}
                }
                out.flush()?;
            }
        }
        Ok(self.written)
    }
}

/// One table line: cells padded to their columns' widths and separated by
/// a space; the last cell unpadded, and no spaces at the end of the line;
/// control characters shown escaped.
fn table_line<'a>(
    out: &mut dyn Write,
    cells: impl ExactSizeIterator<Item = (Column, &'a str)>,
) -> io::Result<()> {
    let last = cells.len().saturating_sub(1);
    let mut line = String::new();
    for (i, (column, cell)) in cells.enumerate() {
        let cell = visible(cell);
        let cell = if column.clip {
            clip(&cell, column.width)
        } else {
            cell.into_owned()
        };
        if i == last {
            line.push_str(&cell);
        } else {
            line.push_str(&format!("{cell:<width$} ", width = column.width));
        }
    }
    // Empty cells at the end leave no trailing spaces.
    writeln!(out, "{}", line.trim_end_matches(' '))
}

/// `text` cut to `width` characters, marking the cut.
fn clip(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(width - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_are_padded_clipped_or_left_long() {
        let mut out = Vec::new();
        let columns = [
            column("A", 0, 4, false),
            column("B", 1, 4, true),
            column("C", 2, 0, false),
        ];
        table_line(
            &mut out,
            columns
                .iter()
                .zip(["abcdef", "abcdef", "x"])
                .map(|(c, t)| (*c, t)),
        )
        .unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "abcdef abc… x\n");
    }

    #[test]
    fn formulas_are_quoted_and_numbers_left_alone() {
        for (cell, safe) in [
            ("=1+1", "'=1+1"),
            ("@A1", "'@A1"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("+1+1", "'+1+1"),
            ("-A1", "'-A1"),
            ("-", "'-"),
            ("+", "'+"),
            ("-1.", "'-1."),
            ("+1 206", "'+1 206"),
            ("-5", "-5"),
            ("-2.5", "-2.5"),
            ("+12065550100", "+12065550100"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe, "{cell:?}");
        }
    }

    #[test]
    fn control_characters_are_shown_escaped_and_other_text_is_left_alone() {
        assert_eq!(
            visible("\x1b[31mRED\x07 a\r\nb\tc\u{202e}d\u{9b}"),
            r"\u{1b}[31mRED\u{7} a\r\nb\tc\u{202e}d\u{9b}"
        );
        assert!(matches!(visible("Café, 東京 \\ ok"), Cow::Borrowed(_)));
    }
}
