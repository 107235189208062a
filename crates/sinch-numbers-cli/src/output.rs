//! Writing numbers in the formats people and scripts want, one at a time:
//! nothing is buffered beyond the current number, so a listing of any size
//! streams in flat memory.

use std::io::{self, Write};

use sinch_imported_numbers::{ImportedNumber, ProvisioningOutcome};

use crate::args::Format;

const COLUMNS: [&str; 7] = [
    "phone_number",
    "region",
    "display_name",
    "service_plan_id",
    "campaign_id",
    "callback_url",
    "provisioning",
];

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

fn fields(n: &ImportedNumber) -> [String; 7] {
    [
        n.phone_number().to_string(),
        n.region_code().unwrap_or("").to_owned(),
        n.display_name().unwrap_or("").to_owned(),
        n.service_plan_id().unwrap_or("").to_owned(),
        n.campaign_id().unwrap_or("").to_owned(),
        n.callback_url().unwrap_or("").to_owned(),
        provisioning_text(n),
    ]
}

/// Where the records go: CSV has its own (buffered) writer.
enum Sink<W: Write> {
    // Boxed: the CSV writer is large, and a NumberWriter lives across awaits.
    Csv(Box<csv::Writer<W>>),
    Plain(io::BufWriter<W>),
}

/// Writes numbers to `out` in one format.
pub struct NumberWriter<W: Write> {
    format: Format,
    sink: Sink<W>,
    written: u64,
    /// A list (JSON array) or one number (JSON object).
    many: bool,
}

impl<W: Write> NumberWriter<W> {
    /// A writer for a list of numbers.
    pub fn list(format: Format, out: W) -> Self {
        Self::new(format, out, true)
    }

    /// A writer for exactly one number.
    pub fn single(format: Format, out: W) -> Self {
        Self::new(format, out, false)
    }

    fn new(format: Format, out: W, many: bool) -> Self {
        let sink = match format {
            Format::Csv => Sink::Csv(Box::new(csv::Writer::from_writer(out))),
            _ => Sink::Plain(io::BufWriter::new(out)),
        };
        NumberWriter {
            format,
            sink,
            written: 0,
            many,
        }
    }

    /// Writes one number.
    pub fn write(&mut self, n: &ImportedNumber) -> io::Result<()> {
        let first = self.written == 0;
        match &mut self.sink {
            Sink::Csv(csv) => {
                if first {
                    csv.write_record(COLUMNS)?;
                }
                csv.write_record(fields(n))?;
            }
            Sink::Plain(out) => match self.format {
                Format::Json if self.many => {
                    out.write_all(if first { b"[\n" } else { b",\n" })?;
                    serde_json::to_writer(&mut *out, n.raw())?;
                }
                Format::Json => {
                    serde_json::to_writer_pretty(&mut *out, n.raw())?;
                    out.write_all(b"\n")?;
                }
                Format::Jsonl => {
                    serde_json::to_writer(&mut *out, n.raw())?;
                    out.write_all(b"\n")?;
                }
                _ => {
                    if first {
                        writeln!(
                            out,
                            "{:<16} {:<6} {:<24} {:<20} {:<20} PROVISIONING",
                            "NUMBER", "REGION", "DISPLAY NAME", "SERVICE PLAN", "CAMPAIGN"
                        )?;
                    }
                    let [number, region, name, plan, campaign, _, provisioning] = fields(n);
                    writeln!(
                        out,
                        "{number:<16} {region:<6} {:<24} {:<20} {:<20} {provisioning}",
                        clip(&name, 24),
                        clip(&plan, 20),
                        clip(&campaign, 20)
                    )?;
                }
            },
        }
        self.written += 1;
        Ok(())
    }

    /// Closes the list and flushes; returns how many numbers were written.
    pub fn finish(mut self) -> io::Result<u64> {
        match &mut self.sink {
            Sink::Csv(csv) => {
                if self.written == 0 {
                    csv.write_record(COLUMNS)?;
                }
                csv.flush()?;
            }
            Sink::Plain(out) => {
                if self.format == Format::Json && self.many {
                    out.write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
                }
                out.flush()?;
            }
        }
        Ok(self.written)
    }
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
