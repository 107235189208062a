//! Reading a spreadsheet of numbers: columns are found by their header
//! (any case; spaces, `_` and `-` ignored), numbers are read as people write
//! them, empty cells take the defaults given by flags, and every row is
//! checked as the SDK would before anything is sent. Rows are read one at a
//! time, so a file of any size costs the same memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sinch_imported_numbers::{NumberImport, PhoneNumber, Region};

use crate::args::Defaults;
use crate::failure::Failure;

/// Header names accepted for each column, normalised.
const NUMBER: &[&str] = &["number", "phonenumber", "phone", "e164", "msisdn"];
const DISPLAY_NAME: &[&str] = &["displayname", "name"];
const SERVICE_PLAN: &[&str] = &["serviceplanid", "serviceplan", "plan"];
const CAMPAIGN: &[&str] = &["campaignid", "campaign"];
const CALLBACK_URL: &[&str] = &["callbackurl", "callback"];

fn normalise(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Where each known column is.
#[derive(Clone, Copy, Debug)]
struct Columns {
    number: usize,
    display_name: Option<usize>,
    service_plan: Option<usize>,
    campaign: Option<usize>,
    callback_url: Option<usize>,
}

impl Columns {
    fn find(headers: &csv::StringRecord) -> Result<Self, Failure> {
        let position = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.contains(&normalise(h).as_str()))
        };
        let number = position(NUMBER).ok_or_else(|| {
            Failure::usage(format!(
                "the CSV has no number column (headers: {})",
                headers.iter().collect::<Vec<_>>().join(", ")
            ))
            .hint(
                "name the column with the numbers `number` (or phone_number, phone, e164, msisdn)",
            )
        })?;
        Ok(Columns {
            number,
            display_name: position(DISPLAY_NAME),
            service_plan: position(SERVICE_PLAN),
            campaign: position(CAMPAIGN),
            callback_url: position(CALLBACK_URL),
        })
    }
}

/// One row of the file, checked.
#[derive(Debug)]
pub struct Row {
    /// The row's line in the file (the header is line 1).
    pub line: u64,
    /// The number as written in the file.
    pub written: String,
    /// What to import, or why the row cannot be.
    pub import: Result<NumberImport, String>,
}

/// The rows of a CSV file, read lazily.
pub struct Rows {
    records: csv::StringRecordsIntoIter<Box<dyn Read + Send>>,
    columns: Columns,
    defaults: Defaults,
    region: Region,
}

impl Rows {
    /// Opens `path` (`-`: standard input) and finds its columns.
    pub fn open(path: &Path, defaults: Defaults, region: Region) -> Result<Rows, Failure> {
        let input: Box<dyn Read + Send> = if path == Path::new("-") {
            Box::new(std::io::stdin())
        } else {
            Box::new(
                File::open(path)
                    .map_err(|e| Failure::usage(format!("cannot open {}: {e}", path.display())))?,
            )
        };
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let headers = reader
            .headers()
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?
            .clone();
        let columns = Columns::find(&headers)?;
        Ok(Rows {
            records: reader.into_records(),
            columns,
            defaults,
            region,
        })
    }

    fn check(&self, record: &csv::StringRecord) -> Result<NumberImport, String> {
        let cell = |at: Option<usize>| {
            at.and_then(|i| record.get(i))
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let written = cell(Some(self.columns.number)).ok_or("the number is empty")?;
        let number = PhoneNumber::parse_with_region(&written, self.region)
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

impl Iterator for Rows {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        let record = self.records.next()?;
        Some(match record {
            Ok(record) => {
                let line = record.position().map_or(0, |p| p.line());
                let written = record
                    .get(self.columns.number)
                    .unwrap_or_default()
                    .to_owned();
                let import = self.check(&record);
                Row {
                    line,
                    written,
                    import,
                }
            }
            Err(e) => Row {
                line: e.position().map_or(0, |p| p.line()),
                written: String::new(),
                import: Err(format!("the row cannot be read: {e}")),
            },
        })
    }
}

/// Counts the data rows of `path` quickly (for a progress bar with an
/// end), or `None` for standard input.
pub fn count(path: &Path) -> Option<u64> {
    if path == Path::new("-") {
        return None;
    }
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .ok()?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0;
    while reader.read_byte_record(&mut record).ok()? {
        rows += 1;
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, defaults: Defaults) -> Vec<Row> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.csv");
        std::fs::write(&path, text).unwrap();
        Rows::open(&path, defaults, Region::Us).unwrap().collect()
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
        assert_eq!(errors[2].1, "the number is empty");
        assert!(errors[3].1.contains("US or CA"), "{errors:?}");
    }

    #[test]
    fn a_file_without_a_number_column_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("numbers.csv");
        std::fs::write(&path, "name,plan\nx,y\n").unwrap();
        let err = Rows::open(&path, Defaults::default(), Region::Us)
            .err()
            .unwrap();
        assert!(err.to_string().contains("no number column"), "{err}");
    }
}
