//! Reading a spreadsheet of numbers: columns are found by their header
//! (any case; spaces, `_` and `-` ignored), numbers are read as people write
//! them, empty cells take the defaults given by flags, and every row is
//! checked as the SDK would before anything is sent. Rows are read one at a
//! time, so a file of any size costs the same memory.
//!
//! Files come as spreadsheets save them: UTF-8 with or without a byte order
//! mark, UTF-16 with one, or (when asked with `--encoding`) a legacy code
//! page; lines end in LF, CRLF or CR; cells are separated by commas,
//! semicolons or tabs, detected from the header line. Rows are numbered as a
//! spreadsheet shows them: the header is row 1, a blank line is a row, and a
//! cell spanning lines does not add rows.

use std::fs::File;
use std::io::{BufRead, BufReader, Cursor, Read};
use std::path::Path;

use encoding_rs::Encoding;
use encoding_rs_io::DecodeReaderBytesBuilder;
use sinch_imported_numbers::{NumberImport, PhoneNumber, Region};

use crate::args::Defaults;
use crate::failure::Failure;

/// Header names accepted for each column, normalised.
const NUMBER: &[&str] = &["number", "phonenumber", "phone", "e164", "msisdn"];
const DISPLAY_NAME: &[&str] = &["displayname", "name"];
const SERVICE_PLAN: &[&str] = &["serviceplanid", "serviceplan", "plan"];
const CAMPAIGN: &[&str] = &["campaignid", "campaign"];
const CALLBACK_URL: &[&str] = &["callbackurl", "callback"];

/// The delimiters tried on the header line, with their names.
const DELIMITERS: &[(u8, &str)] = &[(b',', "comma"), (b';', "semicolon"), (b'\t', "tab")];

/// What people are told to do with a file that is not UTF-8.
const SAVE_AS_UTF8: &str = "save the file as \"CSV UTF-8\" (Excel: File > Save As > CSV UTF-8), \
     or pass --encoding windows-1252 if it comes from a Windows program";

fn normalise(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// How to read a file: its delimiter and encoding, when not detected.
#[derive(Clone, Copy, Debug, Default)]
pub struct Format {
    /// The cell delimiter; `None`: detected from the header line.
    pub delimiter: Option<u8>,
    /// The encoding of files without a byte order mark; `None`: UTF-8.
    pub encoding: Option<&'static Encoding>,
}

/// The name people know a delimiter by.
fn delimiter_name(delimiter: u8) -> String {
    DELIMITERS
        .iter()
        .find(|(d, _)| *d == delimiter)
        .map_or_else(
            || format!("{:?}", delimiter as char),
            |(_, n)| (*n).to_owned(),
        )
}

/// Where each known column is.
#[derive(Clone, Debug)]
struct Columns {
    number: usize,
    display_name: Option<usize>,
    service_plan: Option<usize>,
    campaign: Option<usize>,
    callback_url: Option<usize>,
    /// Every header, as written (to name a column in messages).
    names: Vec<String>,
}

impl Columns {
    fn find(headers: &[String], delimiter: u8, detected: bool) -> Result<Self, Failure> {
        let position = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.contains(&normalise(h).as_str()))
        };
        let Some(number) = position(NUMBER) else {
            let seen = headers.join(&(delimiter as char).to_string());
            let failure = if headers.len() == 1 && detected {
                Failure::usage(format!(
                    "the CSV has no number column: its header line {seen:?} has no comma, \
                     semicolon or tab, so it was read as one column"
                ))
                .hint("pass --delimiter with the character that separates the columns")
            } else {
                Failure::usage(format!(
                    "the CSV has no number column (read with {} as the delimiter; headers: {})",
                    delimiter_name(delimiter),
                    headers.join(", ")
                ))
                .hint(
                    "name the column with the numbers `number` (or phone_number, phone, e164, \
                     msisdn); pass --delimiter if the columns are split wrongly",
                )
            };
            return Err(failure);
        };
        Ok(Columns {
            number,
            display_name: position(DISPLAY_NAME),
            service_plan: position(SERVICE_PLAN),
            campaign: position(CAMPAIGN),
            callback_url: position(CALLBACK_URL),
            names: headers.to_vec(),
        })
    }

    /// Only a number column, at `number`; `names`: the header's cells
    /// (empty for a file without a header line).
    fn number_only(number: usize, names: Vec<String>) -> Self {
        Columns {
            number,
            display_name: None,
            service_plan: None,
            campaign: None,
            callback_url: None,
            names,
        }
    }

    /// The columns this tool does not read, as written: a header it does
    /// not know (a typo, a notes column), or a second column of a kind it
    /// already reads (only the first is used). Their cells are not imported.
    fn ignored(&self) -> Vec<String> {
        let used = [
            Some(self.number),
            self.display_name,
            self.service_plan,
            self.campaign,
            self.callback_url,
        ];
        self.names
            .iter()
            .enumerate()
            .filter(|(i, name)| !used.contains(&Some(*i)) && !name.trim().is_empty())
            .map(|(_, name)| name.clone())
            .collect()
    }
}

impl Rows {
    /// Warns on stderr, one line each, of the header's columns whose cells
    /// are not read (see the README's list of the columns read): `import`
    /// reads five kinds of column, the commands of [`Rows::open_numbers`]
    /// only the number; a second column of a kind read is not read either.
    pub fn warn_unread_columns(&self) {
        let (read, effect) = if self.numbers_only {
            ("only the first number column", "its cells are not used")
        } else {
            (
                "number, display name, service plan, campaign, callback url; only the first of each",
                "its cells are not imported",
            )
        };
        for column in self.columns.ignored() {
            eprintln!(
                "warning: column {column:?} is not one this command reads ({read}); {effect}"
            );
        }
    }
}

/// One row of the file, checked.
#[derive(Debug)]
pub struct Row {
    /// The row's number as a spreadsheet shows it (the header is row 1).
    pub line: u64,
    /// The number as written in the file.
    pub written: String,
    /// The number in E.164 form, when it could be read.
    pub e164: Option<String>,
    /// What to import, or why the row cannot be.
    pub import: Result<NumberImport, String>,
}

/// Makes every line of the file a record the CSV reader sees, so records
/// can be counted as a spreadsheet counts rows: CRLF and lone CR line ends
/// become LF (each counts once, whatever program saved the file), and an
/// empty line (which the reader would skip) becomes one empty quoted cell.
/// Line ends inside quoted cells are left alone: they do not start rows.
struct SpreadsheetLines<R> {
    inner: R,
    /// The last byte read was a CR (already written out as LF).
    after_cr: bool,
    /// Inside a quoted cell.
    quoted: bool,
    /// Nothing of the current line written yet.
    line_start: bool,
    /// Bytes ready to be read, from `at` on.
    ready: Vec<u8>,
    at: usize,
}

impl<R: Read> SpreadsheetLines<R> {
    fn new(inner: R) -> Self {
        SpreadsheetLines {
            inner,
            after_cr: false,
            quoted: false,
            line_start: true,
            ready: Vec::new(),
            at: 0,
        }
    }

    fn push(&mut self, byte: u8) {
        if byte == b'\n' && self.after_cr {
            self.after_cr = false;
            return;
        }
        self.after_cr = byte == b'\r';
        let byte = if self.after_cr { b'\n' } else { byte };
        if byte == b'\n' && !self.quoted {
            if self.line_start {
                self.ready.extend_from_slice(b"\"\"");
            }
            self.ready.push(b'\n');
            self.line_start = true;
            return;
        }
        if byte == b'"' {
            self.quoted = !self.quoted;
        }
        self.line_start = false;
        self.ready.push(byte);
    }
}

impl<R: Read> Read for SpreadsheetLines<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.ready.len() {
            self.ready.clear();
            self.at = 0;
            let mut chunk = [0u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            if n == 0 {
                return Ok(0);
            }
            for &byte in &chunk[..n] {
                self.push(byte);
            }
        }
        let n = buf.len().min(self.ready.len() - self.at);
        buf[..n].copy_from_slice(&self.ready[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Whether a record is a line that was empty in the file.
fn is_empty_line(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && record[0].is_empty()
}

type Input = Box<dyn Read + Send>;

/// Opens `path` (`-`: standard input), decoded to UTF-8 (or passed through
/// as it is, when it has no byte order mark and no encoding was given) with
/// LF line ends.
fn open_decoded(path: &Path, format: Format) -> Result<BufReader<Input>, Failure> {
    let raw: Input = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        Box::new(
            File::open(path)
                .map_err(|e| Failure::usage(format!("cannot open {}: {e}", path.display())))?,
        )
    };
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(format.encoding)
        // A byte order mark says what the file is, whatever --encoding says.
        .bom_override(true)
        // Without a mark or --encoding, bytes are checked as UTF-8 row by
        // row (so a bad byte is reported on its row), not replaced.
        .utf8_passthru(true)
        .strip_bom(true)
        .build(raw);
    let lines: Input = Box::new(SpreadsheetLines::new(decoded));
    Ok(BufReader::new(lines))
}

/// Picks the delimiter from the header line: the one of comma, semicolon
/// and tab seen most often outside quotes; a comma when there is none (a
/// file of one column).
fn detect_delimiter(header: &[u8]) -> Result<u8, Failure> {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &byte in header {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = DELIMITERS.iter().position(|(d, _)| *d == byte) {
                counts[i] += 1;
            }
        }
    }
    let most = counts.iter().copied().max().unwrap_or(0);
    if most == 0 {
        return Ok(b',');
    }
    let tied: Vec<String> = DELIMITERS
        .iter()
        .zip(counts)
        .filter(|(_, n)| *n == most)
        .map(|((_, name), n)| format!("{n} {name}{}", if n == 1 { "" } else { "s" }))
        .collect();
    if tied.len() > 1 {
        let line = String::from_utf8_lossy(header);
        return Err(Failure::usage(format!(
            "cannot tell how the columns are separated: the header line {:?} has {}",
            line.trim_end(),
            tied.join(" and ")
        ))
        .hint("pass --delimiter comma, --delimiter semicolon or --delimiter tab"));
    }
    let at = counts.iter().position(|n| *n == most).unwrap_or(0);
    Ok(DELIMITERS[at].0)
}

/// A cell as text, or what is wrong with its bytes.
fn text(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    std::str::from_utf8(bytes).map(str::trim)
}

/// The rows of a CSV file, read lazily.
pub struct Rows {
    records: csv::ByteRecordsIntoIter<BufReader<Input>>,
    columns: Columns,
    defaults: Defaults,
    region: Region,
    /// The spreadsheet row of the last record read (the header is row 1).
    row: u64,
    /// Only the number column is read (see [`Rows::open_numbers`]).
    numbers_only: bool,
    /// The first line of a file without a header line, still to be read.
    first: Option<csv::ByteRecord>,
}

impl Rows {
    /// Opens `path` (`-`: standard input) and finds its delimiter and columns.
    pub fn open(
        path: &Path,
        format: Format,
        defaults: Defaults,
        region: Region,
    ) -> Result<Rows, Failure> {
        let (mut reader, delimiter) = reader(path, format)?;
        let headers = reader
            .byte_headers()
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?
            .clone();
        let names = header_names(&headers, path)?;
        let columns = Columns::find(&names, delimiter, format.delimiter.is_none())?;
        Ok(Rows {
            records: reader.into_byte_records(),
            columns,
            defaults,
            region,
            row: 1,
            numbers_only: false,
            first: None,
        })
    }

    /// Opens `path` for the commands that read only numbers (`qualify`,
    /// `text-enable`, `orders import`): the same files as [`Rows::open`],
    /// where only the number column is read (the other cells are not
    /// checked), and a file may also have no header line at all: when no
    /// header names a number column but a cell of the first line is a phone
    /// number, that line is row 1 and that cell's column holds the numbers
    /// ([`Rows::headerless_column`] says which, for the caller to tell).
    pub fn open_numbers(path: &Path, format: Format, region: Region) -> Result<Rows, Failure> {
        let (mut reader, delimiter) = reader(path, format)?;
        let headers = reader
            .byte_headers()
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?
            .clone();
        let names = header_names(&headers, path)?;
        let (columns, first, row) =
            match Columns::find(&names, delimiter, format.delimiter.is_none()) {
                Ok(found) => (Columns::number_only(found.number, names), None, 1),
                Err(refusal) => {
                    let is_number = |cell: &String| {
                        spreadsheet_number(cell)
                            .ok()
                            .is_some_and(|t| PhoneNumber::parse_with_region(t, region).is_ok())
                    };
                    let Some(at) = names.iter().position(is_number) else {
                        return Err(refusal);
                    };
                    (Columns::number_only(at, Vec::new()), Some(headers), 0)
                }
            };
        Ok(Rows {
            records: reader.into_byte_records(),
            columns,
            defaults: Defaults::default(),
            region,
            row,
            numbers_only: true,
            first,
        })
    }

    /// For a file without a header line (see [`Rows::open_numbers`]): the
    /// column, counted from 1, read as the numbers.
    pub fn headerless_column(&self) -> Option<usize> {
        self.columns
            .names
            .is_empty()
            .then_some(self.columns.number + 1)
    }

    /// The number cell of `record`, checked: for [`Rows::open_numbers`].
    fn check_number(&self, record: &csv::ByteRecord) -> Result<NumberImport, String> {
        let bytes = record.get(self.columns.number).unwrap_or_default();
        let cell = text(bytes).map_err(|e| {
            format!(
                "the number is not UTF-8 text (byte 0x{:02X}); {SAVE_AS_UTF8}",
                bytes[e.valid_up_to()]
            )
        })?;
        if cell.is_empty() {
            return Err("the number is empty".to_owned());
        }
        let number = PhoneNumber::parse_with_region(spreadsheet_number(cell)?, self.region)
            .map_err(|e| format!("invalid phone number: {e}"))?;
        Ok(NumberImport::new(number))
    }

    fn check(&self, record: &csv::ByteRecord) -> Result<NumberImport, String> {
        let mut cells = Vec::with_capacity(record.len());
        for (i, bytes) in record.iter().enumerate() {
            let cell = text(bytes).map_err(|e| {
                let column = self.columns.names.get(i).map_or("?", String::as_str);
                format!(
                    "the {column:?} column is not UTF-8 text (byte 0x{:02X}); {SAVE_AS_UTF8}",
                    bytes[e.valid_up_to()]
                )
            })?;
            cells.push(cell);
        }
        let cell = |at: Option<usize>| {
            at.and_then(|i| cells.get(i))
                .filter(|v| !v.is_empty())
                .map(|v| (*v).to_owned())
        };
        let written = cell(Some(self.columns.number)).ok_or("the number is empty")?;
        let text = spreadsheet_number(&written)?;
        let number = PhoneNumber::parse_with_region(text, self.region)
            .map_err(|e| format!("invalid phone number: {e}"))?;
        let mut import = NumberImport::new(number);
        let d = &self.defaults;
        if let Some(name) = cell(self.columns.display_name).or_else(|| d.display_name.clone()) {
            import = import.display_name(name);
        }
        if let Some(plan) = cell(self.columns.service_plan).or_else(|| d.service_plan_id.clone()) {
            import = import.service_plan_id(plan);
        }
        if let Some(campaign) = cell(self.columns.campaign).or_else(|| d.campaign_id.clone()) {
            import = import.campaign_id(campaign);
        }
        if let Some(url) = cell(self.columns.callback_url).or_else(|| d.callback_url.clone()) {
            import = import.callback_url(url);
        }
        import.check().map_err(|e| e.to_string())?;
        Ok(import)
    }
}

/// The header line's cells as text; a header of UTF-16 without a mark, or
/// of bytes that are not UTF-8, is refused with what to do.
fn header_names(headers: &csv::ByteRecord, path: &Path) -> Result<Vec<String>, Failure> {
    let mut names = Vec::with_capacity(headers.len());
    for (i, cell) in headers.iter().enumerate() {
        if cell.contains(&0) {
            return Err(Failure::usage(format!(
                "row 1 (the header) of {} holds NUL bytes: it looks like UTF-16 without a \
                 byte order mark",
                path.display()
            ))
            .hint(SAVE_AS_UTF8.replace("windows-1252", "utf-16le")));
        }
        let name = text(cell).map_err(|e| {
            Failure::usage(format!(
                "row 1 (the header), column {}: the bytes are not UTF-8 ({e})",
                i + 1
            ))
            .hint(SAVE_AS_UTF8)
        })?;
        names.push(name.to_owned());
    }
    Ok(names)
}

/// A CSV reader for `path` with its delimiter (given or detected).
fn reader(path: &Path, format: Format) -> Result<(csv::Reader<BufReader<Input>>, u8), Failure> {
    let mut input = open_decoded(path, format)?;
    let mut header = Vec::new();
    input
        .read_until(b'\n', &mut header)
        .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?;
    let delimiter = match format.delimiter {
        Some(d) => d,
        None => detect_delimiter(&header)?,
    };
    let input: Input = Box::new(Cursor::new(header).chain(input));
    let reader = csv::ReaderBuilder::new()
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(BufReader::new(input));
    Ok((reader, delimiter))
}

impl Iterator for Rows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        loop {
            let record = match self.first.take() {
                Some(first) => Ok(first),
                None => self.records.next()?,
            };
            self.row += 1;
            let line = self.row;
            return Some(match record {
                Ok(record) if is_empty_line(&record) => continue,
                Ok(record) => {
                    let written = record
                        .get(self.columns.number)
                        .map(|b| String::from_utf8_lossy(b).trim().to_owned())
                        .unwrap_or_default();
                    let import = if self.numbers_only {
                        self.check_number(&record)
                    } else {
                        self.check(&record)
                    };
                    let e164 = spreadsheet_number(&written)
                        .ok()
                        .and_then(|text| PhoneNumber::parse_with_region(text, self.region).ok())
                        .map(|n| n.as_str().to_owned());
                    Row {
                        line,
                        written,
                        e164,
                        import,
                    }
                }
                Err(e) => Row {
                    line,
                    written: String::new(),
                    e164: None,
                    import: Err(format!("the row cannot be read: {e}")),
                },
            });
        }
    }
}

/// Counts the data rows of `path` quickly (for a progress bar with an
/// end), or `None` for standard input.
pub fn count(path: &Path, format: Format) -> Option<u64> {
    if path == Path::new("-") {
        return None;
    }
    let (mut reader, _) = reader(path, format).ok()?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).ok()? {
        if !is_empty_line(&record) {
            rows += 1;
        }
    }
    Some(rows)
}

/// A number cell as a spreadsheet leaves it: one leading `'` (the mark
/// that keeps a cell as text, which this tool's own reports add) is not part
/// of the number; a number shown in scientific notation (`1.20655E+10`) has
/// lost its last digits, which no parser can bring back.
fn spreadsheet_number(written: &str) -> Result<&str, String> {
    let text = written.strip_prefix('\'').unwrap_or(written);
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, ""));
    let scientific = !exponent.is_empty()
        && exponent
            .trim_start_matches('+')
            .bytes()
            .all(|b| b.is_ascii_digit())
        && mantissa.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if scientific {
        return Err(format!(
            "{written:?} is in scientific notation, so its last digits are lost: format the column as Text in the spreadsheet and export again"
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_number_cells() {
        assert_eq!(
            spreadsheet_number("'+1 (206) 555-0125"),
            Ok("+1 (206) 555-0125")
        );
        assert_eq!(spreadsheet_number("2065550125"), Ok("2065550125"));
        assert_eq!(spreadsheet_number("''2065550125"), Ok("'2065550125"));
        for excel in ["1.20655E+10", "1.20655e10", "2E+10"] {
            let err = spreadsheet_number(excel).unwrap_err();
            assert!(err.contains("scientific notation"), "{err}");
        }
    }

    /// Runs `read` on a thread of its own, and ends the whole test binary
    /// with a failure if it is still reading after 5 s: a reader that never
    /// reaches the end of its input (and may fill memory meanwhile) fails
    /// the tests instead of hanging them. Reading these files takes
    /// milliseconds.
    fn bounded<T: Send + 'static>(read: impl FnOnce() -> T + Send + 'static) -> T {
        use std::sync::mpsc::RecvTimeoutError;
        let (done, result) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = done.send(read());
        });
        match result.recv_timeout(std::time::Duration::from_secs(5)) {
            Ok(value) => value,
            Err(RecvTimeoutError::Timeout) => {
                eprintln!("a file is still being read after 5 s: the reader never ends");
                std::process::exit(101)
            }
            Err(RecvTimeoutError::Disconnected) => panic!("the reader panicked"),
        }
    }

    fn rows_of(bytes: &[u8], format: Format, defaults: Defaults) -> Result<Vec<Row>, Failure> {
        with_file(bytes, move |path| {
            Ok(Rows::open(path, format, defaults, Region::Us)?.collect())
        })
    }

    /// Why a file of `bytes` is refused as a whole, read with `format`.
    fn refusal(bytes: &[u8], format: Format) -> String {
        rows_of(bytes, format, Defaults::default())
            .err()
            .unwrap()
            .to_string()
    }

    fn rows(text: &str, defaults: Defaults) -> Vec<Row> {
        rows_of(text.as_bytes(), Format::default(), defaults).unwrap()
    }

    #[test]
    fn columns_by_header_and_defaults_for_empty_cells() {
        let defaults = Defaults {
            service_plan_id: Some("default-plan".into()),
            ..Defaults::default()
        };
        let read = rows(
            "Phone Number,Display_Name,Service Plan\n(206) 555-0134,Desk,\n+1 416 555 0134,,plan-b\n",
            defaults,
        );
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].line, 2);
        let first = read[0].import.as_ref().unwrap();
        assert_eq!(first.number().as_str(), "+12065550134");
        assert_eq!(read[0].e164.as_deref(), Some("+12065550134"));
        assert!(read[1].import.is_ok());
    }

    #[test]
    fn bad_rows_say_why_with_their_line() {
        let read = rows(
            "number,campaign,callback_url\n12345,c,\n+12065550134,c,ftp://x\n,c,\n+442071838750,c,\n",
            Defaults::default(),
        );
        let errors: Vec<_> = read
            .iter()
            .map(|r| (r.line, r.import.as_ref().err().cloned().unwrap_or_default()))
            .collect();
        assert!(
            errors[0].1.starts_with("invalid phone number"),
            "{errors:?}"
        );
        assert_eq!(errors[0].0, 2);
        assert!(errors[1].1.contains("callback url"), "{errors:?}");
        assert_eq!(read[1].e164.as_deref(), Some("+12065550134"));
        assert_eq!(errors[2].1, "the number is empty");
        assert!(errors[3].1.contains("US or CA"), "{errors:?}");
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them_whatever_the_line_ends() {
        for end in ["\n", "\r\n", "\r"] {
            let text = [
                "number,name",
                "+12065550101,a",
                "",
                "+12065550102,\"two",
                "lines\"",
                "+12065550103,c",
                "",
            ]
            .join(end);
            let read = rows(&text, Defaults::default());
            let lines: Vec<u64> = read.iter().map(|r| r.line).collect();
            assert_eq!(lines, [2, 4, 5], "line end {end:?}");
        }
    }

    #[test]
    fn the_delimiter_is_detected_from_the_header_or_given() {
        for text in [
            "phone_number;display_name\n+12065550101;Desk, left\n",
            "phone_number\tdisplay_name\n+12065550101\tDesk, left\n",
            "phone_number,\"name; full\"\n+12065550101,\"Desk; left\"\n",
        ] {
            let read = rows(text, Defaults::default());
            assert_eq!(read.len(), 1, "{text:?}");
            let import = read[0].import.as_ref().expect(text);
            assert_eq!(import.number().as_str(), "+12065550101", "{text:?}");
        }
        let tied = refusal(b"number;name,x\n", Format::default());
        assert!(tied.contains("1 comma and 1 semicolon"), "{tied}");
        let piped = refusal(b"number|name\n+12065550101|a\n", Format::default());
        assert!(
            piped.contains("\"number|name\" has no comma, semicolon or tab"),
            "{piped}"
        );
        assert!(piped.contains("--delimiter"), "{piped}");
        let given = Format {
            delimiter: Some(b'|'),
            ..Format::default()
        };
        let read = rows_of(b"number|name\n+12065550101|a\n", given, Defaults::default()).unwrap();
        assert!(read[0].import.is_ok());
    }

    #[test]
    fn utf8_with_a_mark_and_utf16_are_read_other_bytes_only_when_asked() {
        let text = "number,display name\r\n+12065550101,Café\r\n";
        let mut utf8 = b"\xEF\xBB\xBF".to_vec();
        utf8.extend_from_slice(text.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        for bytes in [utf8, le, be] {
            let read = rows_of(&bytes, Format::default(), Defaults::default()).unwrap();
            let import = read[0].import.as_ref().unwrap();
            assert_eq!(import.number().as_str(), "+12065550101");
            assert_eq!(read[0].line, 2);
        }
        let cp1252 = b"number,display name\n+12065550101,Caf\xE9\n";
        let read = rows_of(cp1252, Format::default(), Defaults::default()).unwrap();
        assert_eq!(read[0].line, 2);
        assert_eq!(read[0].written, "+12065550101");
        let why = read[0].import.as_ref().err().unwrap();
        assert!(
            why.contains("\"display name\" column is not UTF-8 text (byte 0xE9)"),
            "{why}"
        );
        assert!(why.contains("CSV UTF-8"), "{why}");
        let asked = Format {
            encoding: Some(encoding_rs::WINDOWS_1252),
            ..Format::default()
        };
        let read = rows_of(cp1252, asked, Defaults::default()).unwrap();
        assert!(read[0].import.is_ok());
    }

    #[test]
    fn number_lists_read_only_the_number_with_or_without_a_header() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.csv");
        // Only the number column is read: a bad byte elsewhere is no matter.
        std::fs::write(&path, b"notes;number\r\nCaf\xE9;+12065550101\r\n;12345\r\n").unwrap();
        let read_numbers = |path: &Path| {
            let path = path.to_owned();
            bounded(move || {
                let rows = Rows::open_numbers(&path, Format::default(), Region::Us)?;
                Ok::<_, Failure>((rows.headerless_column(), rows.collect::<Vec<Row>>()))
            })
        };
        let (headerless, read) = read_numbers(&path).unwrap();
        assert_eq!(headerless, None);
        assert_eq!(read[0].line, 2);
        assert!(read[0].import.is_ok(), "{:?}", read[0].import);
        assert!(read[1]
            .import
            .as_ref()
            .unwrap_err()
            .starts_with("invalid phone number"));
        // No header: the first line is row 1, its number's column is read.
        std::fs::write(&path, "x,(206) 555-0101\ny,206 555 0102\n").unwrap();
        let (headerless, read) = read_numbers(&path).unwrap();
        assert_eq!(headerless, Some(2));
        let lines: Vec<u64> = read.iter().map(|r| r.line).collect();
        assert_eq!(lines, [1, 2]);
        assert_eq!(read[1].e164.as_deref(), Some("+12065550102"));
        // Neither a number header nor a number: refused as `import` refuses it.
        std::fs::write(&path, "name,plan\nx,y\n").unwrap();
        let refused = read_numbers(&path).err().unwrap();
        assert!(
            refused.to_string().contains("no number column"),
            "{refused}"
        );
    }

    /// `bytes` written to a temporary file, for `read` to open.
    fn with_file<T: Send + 'static>(
        bytes: &[u8],
        read: impl FnOnce(&Path) -> T + Send + 'static,
    ) -> T {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.csv");
        std::fs::write(&path, bytes).unwrap();
        bounded(move || read(&path))
    }

    #[test]
    fn counting_skips_blank_lines_and_standard_input() {
        let text = b"number\r\n+12065550101\r\n\r\n+12065550102\r\n+12065550103\r\n\r\n";
        assert_eq!(with_file(text, |p| count(p, Format::default())), Some(3));
        assert_eq!(count(Path::new("-"), Format::default()), None);
        assert_eq!(
            count(Path::new("/no/such/file.csv"), Format::default()),
            None
        );
    }

    #[test]
    fn columns_not_read_are_named_as_written() {
        let rows = with_file(b"number,Notes,name,Number, \n", |p| {
            Rows::open(p, Format::default(), Defaults::default(), Region::Us).unwrap()
        });
        // A second number column is not read either; an unnamed one is no matter.
        assert_eq!(rows.columns.ignored(), ["Notes", "Number"]);
        let rows = with_file(b"notes;phone\n", |p| {
            Rows::open_numbers(p, Format::default(), Region::Us).unwrap()
        });
        assert_eq!(rows.columns.ignored(), ["notes"]);
    }

    #[test]
    fn a_header_of_utf16_without_a_mark_or_of_other_bytes_is_refused() {
        let utf16: Vec<u8> = "number,name\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let refused = refusal(&utf16, Format::default());
        assert!(
            refused.contains("holds NUL bytes: it looks like UTF-16 without a byte order mark"),
            "{refused}"
        );
        assert!(refused.contains("--encoding utf-16le"), "{refused}");
        let refused = refusal(b"number,caf\xE9\n", Format::default());
        assert!(
            refused.contains("row 1 (the header), column 2: the bytes are not UTF-8"),
            "{refused}"
        );
    }

    #[test]
    fn number_cells_that_cannot_be_read_say_why() {
        let read: Vec<Row> = with_file(b"name,number\nx,+1206555\xE90101\ny,\n", |p| {
            Rows::open_numbers(p, Format::default(), Region::Us)
                .unwrap()
                .collect()
        });
        let why: Vec<&str> = read
            .iter()
            .map(|r| r.import.as_ref().err().unwrap().as_str())
            .collect();
        assert!(
            why[0].starts_with("the number is not UTF-8 text (byte 0xE9); save the file"),
            "{why:?}"
        );
        assert_eq!(why[1], "the number is empty");
        assert_eq!((read[0].line, read[1].line), (2, 3));
    }

    #[test]
    fn the_delimiter_is_named_when_no_number_column_is_found() {
        let piped = Format {
            delimiter: Some(b'|'),
            ..Format::default()
        };
        assert!(refusal(b"name|plan\n", piped).contains("read with '|' as the delimiter"));
        assert!(refusal(b"name;plan\n", Format::default())
            .contains("read with semicolon as the delimiter; headers: name, plan"));
        assert!(refusal(b"name\tplan\n", Format::default()).contains("read with tab as"));
    }

    #[test]
    fn long_files_keep_their_row_numbers_across_read_buffers() {
        // About 40 KiB with CRLF line ends: several 8 KiB reads, CRs and
        // LFs split between them, a blank line now and then.
        let mut text = String::from("number,name\r\n");
        for i in 0..2000 {
            if i % 300 == 299 {
                text.push_str("\r\n");
            }
            text.push_str(&format!("+1206555{:04},row {i}\r\n", i % 10_000));
        }
        let read = rows_of(text.as_bytes(), Format::default(), Defaults::default()).unwrap();
        assert_eq!(read.len(), 2000);
        assert!(read.iter().all(|r| r.import.is_ok()));
        let blanks_before = |i: u64| i / 300;
        for (i, row) in read.iter().enumerate() {
            let i = i as u64;
            assert_eq!(row.line, 2 + i + blanks_before(i + 1), "row {i}");
        }
    }

    /// What `SpreadsheetLines` makes of `input`, read `step` bytes at a time.
    fn spreadsheet_lines(input: &'static [u8], step: usize) -> String {
        bounded(move || read_in_steps(input, step))
    }

    fn read_in_steps(input: &[u8], step: usize) -> String {
        let mut lines = SpreadsheetLines::new(input);
        let (mut out, mut buf) = (Vec::new(), vec![0u8; step]);
        loop {
            let n = lines.read(&mut buf).unwrap();
            if n == 0 {
                return String::from_utf8(out).unwrap();
            }
            out.extend_from_slice(&buf[..n]);
        }
    }

    #[test]
    fn blank_lines_become_empty_records_but_not_inside_quoted_cells() {
        let input = b"number,name\r\n\r\n+12065550101,\"two\r\n\r\nlines\"\r\rx\n";
        let expected = "number,name\n\"\"\n+12065550101,\"two\n\nlines\"\n\"\"\nx\n";
        for step in [1, 3, 7, 4096] {
            assert_eq!(spreadsheet_lines(input, step), expected, "step {step}");
        }
    }

    #[test]
    fn a_file_without_a_number_column_is_refused() {
        let err = refusal(b"name,plan\nx,y\n", Format::default());
        assert!(err.contains("no number column"), "{err}");
    }
}
