//! The commands other than `import`, one file per resource: `imported`
//! (imported numbers, the callback secret, callback checks), `orders`
//! (hosting orders), `qualified` (qualified numbers) and `onboarding`
//! (qualifying, text-enabling and importing numbers through orders). This file holds
//! what they share: reading numbers, streaming a listing, asking before a
//! delete and running deletes. Each command returns the exit status; output
//! goes to `out`, problems to stderr.

pub mod imported;
pub mod onboarding;
pub mod orders;
pub mod qualified;

use std::future::Future;
use std::io::{IsTerminal, Write};

use futures::stream::{self, BoxStream};
use futures::{FutureExt, StreamExt, TryStreamExt};
use sinch_imported_numbers::{Error, ErrorKind, PhoneNumber, Region};

use crate::args::Format;
use crate::failure::{self, Failure};
use crate::output::{visible, Record, RecordWriter};

/// A failure to write the output (quiet when the reader has gone).
fn io(e: std::io::Error) -> Failure {
    Failure::output(e)
}

/// A number as people write it; a bad one is a usage error.
fn number(text: &str, region: Region) -> Result<PhoneNumber, Failure> {
    PhoneNumber::parse_with_region(text, region).map_err(|e| {
        Failure::usage(format!("{text:?} is not a valid phone number: {e}"))
            .hint("write it in E.164 (+12065550134) or as a national number of --default-region")
    })
}

/// An SDK error about `subject`, with `not_found` as the advice when the
/// server did not know what was asked for (and not the address asked at).
fn sdk_failure(subject: &str, error: &Error, not_found: &str) -> Failure {
    let failure = Failure::from_sdk(subject, error);
    if error.kind() == ErrorKind::NotFound && !failure::wrong_address(error) {
        failure.hint(not_found)
    } else {
        failure
    }
}

/// The advice for a 404 on a listing of the whole project.
const NO_PROJECT: &str = "the project may not exist: check --project-id";

/// Writes every item of a listing as it arrives. An error part way closes
/// what was written (a valid JSON array, say) and then fails, saying how far
/// the listing got; `not_found` is the advice for a 404.
async fn stream_listing<R: Record>(
    mut items: BoxStream<'static, sinch_imported_numbers::Result<R>>,
    format: Format,
    out: &mut dyn Write,
    what: &str,
    not_found: &str,
) -> Result<u8, Failure> {
    let mut writer = RecordWriter::<_, R>::list(format, out);
    let mut listed = 0u64;
    loop {
        // What is written reaches the reader whenever the next item is not
        // ready yet (a page is on its way), not only when the buffer fills.
        let next = match items.try_next().now_or_never() {
            Some(next) => next,
            None => {
                writer.flush().map_err(io)?;
                items.try_next().await
            }
        };
        match next {
            Ok(Some(item)) => {
                writer.write(&item).map_err(io)?;
                listed += 1;
            }
            Ok(None) => break,
            Err(e) => {
                writer.finish().map_err(io)?;
                let subject = format!("listing stopped after {listed} {what}");
                return Err(sdk_failure(&subject, &e, not_found));
            }
        }
    }
    writer.finish().map_err(io)?;
    Ok(failure::OK)
}

/// Writes exactly one record.
fn write_one<R: Record>(record: &R, format: Format, out: &mut dyn Write) -> Result<u8, Failure> {
    let mut writer = RecordWriter::<_, R>::single(format, out);
    writer.write(record).map_err(io)?;
    writer.finish().map_err(io)?;
    Ok(failure::OK)
}

/// Asks on the terminal; refuses when there is none to ask on.
fn confirm(question: &str) -> Result<bool, Failure> {
    if !std::io::stdin().is_terminal() {
        return Err(Failure::usage("refusing to delete without confirmation")
            .hint("pass --yes to delete without being asked"));
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES"))
}

/// What to delete: the CSV line (0 for a number given as an argument), the
/// number as written, and the number or why it is not one.
type Target = (u64, String, Result<PhoneNumber, String>);

/// The targets without repeats: a number given again (in another form, or
/// on another row) is kept once, at its first place, and each repeat is
/// named on stderr.
fn distinct(targets: Vec<Target>) -> Vec<Target> {
    let mut first: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    targets
        .into_iter()
        .filter(|(line, written, n)| {
            let Ok(n) = n else { return true };
            match first.get(n.as_str()) {
                None => {
                    first.insert(n.as_str().to_owned(), *line);
                    true
                }
                Some(at) => {
                    let written = visible(written);
                    match (*line, *at) {
                        (0, _) => eprintln!("note: {written} is {n} again: deleted once"),
                        (line, at) => eprintln!(
                            "note: row {line} ({written}) is {n} again, as on row {at}: deleted once"
                        ),
                    }
                    false
                }
            }
        })
        .collect()
}

/// Runs `delete` on every valid target, eight at a time, printing one line
/// per deleted number in E.164; a number already gone counts as deleted, so
/// re-running is safe. Exit 1 when any target failed or was invalid.
async fn delete_all<F, Fut>(
    targets: Vec<Target>,
    format: Format,
    out: &mut dyn Write,
    delete: F,
) -> Result<u8, Failure>
where
    F: Fn(PhoneNumber) -> Fut,
    Fut: Future<Output = sinch_imported_numbers::Result<()>>,
{
    let mut results = stream::iter(targets)
        .map(|(line, written, n)| {
            let deleting = n.map(|n| (n.as_str().to_owned(), delete(n)));
            async move {
                let result = match deleting {
                    Err(why) => Err(why),
                    Ok((e164, deleting)) => match deleting.await {
                        Ok(()) => Ok((e164, "deleted")),
                        Err(e) if e.kind() == ErrorKind::NotFound => Ok((e164, "not found")),
                        Err(e) => Err(e.to_string()),
                    },
                };
                (line, written, result)
            }
        })
        .buffered(8);
    let (mut deleted, mut failed) = (0u64, 0u64);
    while let Some((line, written, result)) = results.next().await {
        match result {
            Ok((e164, word)) => {
                deleted += 1;
                if matches!(format, Format::Json | Format::Jsonl) {
                    writeln!(
                        out,
                        "{}",
                        serde_json::json!({"number": e164, "outcome": word})
                    )
                    .map_err(io)?;
                } else {
                    writeln!(out, "{e164}\t{word}").map_err(io)?;
                }
            }
            Err(why) => {
                failed += 1;
                let (written, why) = (visible(&written), visible(&why));
                if line == 0 {
                    eprintln!("error: {written}: {why}");
                } else {
                    eprintln!("error: row {line} ({written}): {why}");
                }
            }
        }
    }
    eprintln!("deleted {deleted}, failed {failed}");
    Ok(if failed > 0 {
        failure::SOME_FAILED
    } else {
        failure::OK
    })
}
