//! The write side of onboarding numbers: `qualify` (ownership by invoice),
//! `verify-voice` (ownership by a voice call), `text-enable` (under a letter
//! of authorization) and `orders import`. The bulk ones share `bulk.rs`:
//! numbers from arguments or a CSV file, one outcome per input number, a
//! dry run that checks everything and sends nothing, `--report`.

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use sinch_imported_numbers::hosting_orders::{
    BatchReport, BatchResult, OrderImport, TextEnable, TollFreeLoa, TollFreeTextEnable,
    IMPORT_ORDER_LIMIT, QUALIFIED_TEXT_ENABLE_LIMIT,
};
use sinch_imported_numbers::types::GlobalProcessState;
use sinch_imported_numbers::{Client, Error, ErrorKind, InputError, PhoneNumber};

use crate::args::{
    BulkOptions, NumbersInput, OrdersImportArgs, QualifyArgs, TextEnableArgs, VerifyVoiceArgs,
};
use crate::bulk::{self, Entry, OrderId, Outcome, Outcomes, QualificationState};
use crate::failure::{self, Failure};
use crate::loa::{self, Letter};
use crate::output::{text, visible};

use super::{number, sdk_failure, write_one};

/// The advice when the server does not know the qualified number.
const NOT_QUALIFIED: &str =
    "the number is not a qualified number of this project: submit it first with `sinch-numbers qualify`";

/// The way on for a number blocked from voice verification: no new call
/// can be asked for.
const BLOCKED: &str =
    "no new call can be asked for: ask Sinch support to unblock it, or prove its \
     ownership by invoice instead (e-mail the number's invoice to Sinch, as your account manager \
     tells you)";

/// Whether the service holds `n` as blocked from voice verification (after
/// repeated wrong codes); `false` when it cannot be read.
async fn is_blocked(client: &Client, n: &PhoneNumber) -> bool {
    match client.qualified_numbers().get(n).await {
        Ok(q) => matches!(q.state(), Some(GlobalProcessState::VerificationBlocked)),
        Err(_) => false,
    }
}

/// Whether the service refused the call for the number's state.
fn refused_for_state(error: &Error) -> bool {
    error.api_error().and_then(|a| a.status.as_deref()) == Some("FAILED_PRECONDITION")
}

/// Why a call about some numbers did not work, as the outcomes need it.
struct Refusal {
    message: String,
    hint: Option<&'static str>,
    /// No later call can work either (credentials or project refused).
    stops: bool,
}

impl Refusal {
    fn of(error: &Error) -> Self {
        let hint = match error.kind() {
            ErrorKind::NotFound if !failure::wrong_address(error) => {
                Some("check --project-id: the project may not exist")
            }
            ErrorKind::AlreadyExists => Some(
                "a number is already in an order or already hosted: see `sinch-numbers orders list`",
            ),
            _ => failure::advice(error, false),
        };
        Refusal {
            message: error.to_string(),
            hint,
            stops: bulk::stops_the_run(error),
        }
    }
}

/// `qualify`: submits the numbers for qualification by invoice, in one call
/// (the service takes all of them or none); numbers that cannot be sent are
/// reported on their row and left out.
pub async fn qualify(
    client: Option<&Client>,
    args: QualifyArgs,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let entries = bulk::read(&args.input)?;
    let (keep, repeats) = bulk::distinct(&entries);
    let total = entries.len() as u64;
    let mut outcomes =
        Outcomes::<QualificationState>::open(&args.bulk, &args.input, total, show_progress, out)?;
    set_aside(&mut outcomes, &entries, &repeats)?;
    let numbers = bulk::numbers(&entries, &keep);
    let mut stopped = false;
    match client {
        None => {
            for &i in &keep {
                outcomes.record(i, &entries[i], Outcome::Valid(String::new()))?;
            }
            if !numbers.is_empty() {
                outcomes.note(&format!(
                    "dry run: would submit {} numbers for qualification by invoice, in one call",
                    numbers.len()
                ));
            }
        }
        Some(_) if numbers.is_empty() => {}
        Some(client) => match client.qualified_numbers().add(numbers).await {
            Ok(added) => {
                let states: HashMap<String, String> = added
                    .iter()
                    .map(|q| (q.phone_number().as_str().to_owned(), text(q.state())))
                    .collect();
                for &i in &keep {
                    let e164 = entries[i].number.as_ref().map(PhoneNumber::as_str);
                    let state = e164
                        .ok()
                        .and_then(|n| states.get(n).cloned())
                        .unwrap_or_default();
                    outcomes.record(i, &entries[i], Outcome::Done(state))?;
                }
            }
            Err(e) => {
                let refusal = Refusal::of(&e);
                stopped = refusal.stops;
                let hint = match e.kind() {
                    ErrorKind::AlreadyExists => Some(
                        "a number of the list is already submitted (`sinch-numbers qualified get \
                         NUMBER` shows it); the call takes all the numbers or none, so none was \
                         submitted: leave that number out and run again",
                    ),
                    _ => refusal.hint,
                };
                outcomes.note(&with_hint(
                    format!(
                        "error: submitting {} numbers failed: {}",
                        keep.len(),
                        visible(&refusal.message)
                    ),
                    hint,
                ));
                for &i in &keep {
                    outcomes.record(i, &entries[i], Outcome::Failed(refusal.message.clone()))?;
                }
            }
        },
    }
    let tally = outcomes.finish()?;
    if client.is_none() {
        eprintln!(
            "{} valid, {} invalid (dry run: nothing sent)",
            tally.valid, tally.invalid
        );
    } else {
        eprintln!(
            "submitted {}, failed {}, invalid {}{}",
            tally.done,
            tally.failed,
            tally.invalid,
            repeats_note(tally.repeats)
        );
        if tally.done > 0 {
            eprintln!(
                "next: e-mail an invoice for each submitted number to Sinch, as your account \
                 manager tells you; Sinch checks each number and reviews its invoice (one to \
                 three days). Follow them with `sinch-numbers qualified get NUMBER`; a number \
                 can prove its ownership by a voice call instead (`sinch-numbers verify-voice \
                 NUMBER`). Once verified: `sinch-numbers text-enable --qualified ...`"
            );
        }
    }
    Ok(tally.status(stopped))
}

/// Records the inputs that are not sent: numbers that cannot be, and repeats.
fn set_aside<D: bulk::Detail>(
    outcomes: &mut Outcomes<'_, D>,
    entries: &[Entry],
    repeats: &HashMap<usize, usize>,
) -> Result<(), Failure> {
    for (i, entry) in entries.iter().enumerate() {
        if let Err(why) = &entry.number {
            outcomes.record(i, entry, Outcome::Invalid(why.clone()))?;
        } else if let Some(&first) = repeats.get(&i) {
            outcomes.record(i, entry, Outcome::Repeat(entries[first].describe()))?;
        }
    }
    Ok(())
}

/// `1 order`, `2 orders`.
fn plural(count: u64, what: &str) -> String {
    if count == 1 {
        format!("1 {what}")
    } else {
        format!("{count} {what}s")
    }
}

fn repeats_note(repeats: u64) -> String {
    if repeats == 0 {
        String::new()
    } else {
        format!(", repeats {repeats} (sent once)")
    }
}

fn with_hint(message: String, hint: Option<&str>) -> String {
    match hint {
        Some(hint) => format!("{message}\n  hint: {hint}"),
        None => message,
    }
}

/// `verify-voice`: places the call, or checks the code heard. A wrong code
/// is an answer: the number's state is printed, then exit status 4.
pub async fn verify_voice(
    client: Option<&Client>,
    args: VerifyVoiceArgs,
    out: &mut dyn Write,
) -> Result<u8, Failure> {
    let n = number(&args.number, args.default_region)?;
    if n.region().is_none() {
        return Err(Failure::usage(format!(
            "{n} is not a US or Canadian number; only those can be qualified"
        )));
    }
    let Some(client) = client else {
        match &args.code {
            None => {
                eprintln!("dry run: would ask Sinch to call {n} and read out a code; nothing sent")
            }
            Some(code) => eprintln!(
                "dry run: would send the code {} for {n}; nothing sent",
                visible(code)
            ),
        }
        return Ok(failure::OK);
    };
    let qualified = client.qualified_numbers();
    let Some(code) = &args.code else {
        let got = match qualified.send_voice_challenge(&n).await {
            Ok(got) => got,
            Err(e) => {
                let failure = sdk_failure(n.as_str(), &e, NOT_QUALIFIED);
                return Err(if refused_for_state(&e) && is_blocked(client, &n).await {
                    failure.hint(format!(
                        "{n} is blocked from voice verification after repeated wrong codes; \
                         {BLOCKED}"
                    ))
                } else {
                    failure
                });
            }
        };
        write_one(&got, args.output, out)?;
        eprintln!(
            "Sinch is calling {n} now and will read out a code; then run: sinch-numbers \
             verify-voice {n} --code CODE"
        );
        return Ok(failure::OK);
    };
    let got = match qualified.verify_voice_challenge(&n, code).await {
        Ok(got) => got,
        Err(e) => {
            let failure = sdk_failure(n.as_str(), &e, NOT_QUALIFIED);
            return Err(if !refused_for_state(&e) {
                failure
            } else if is_blocked(client, &n).await {
                // Asking for a call would be refused too: say the way on.
                failure.hint(format!(
                    "{n} is blocked from voice verification after repeated wrong codes, so no \
                     code is checked; {BLOCKED}"
                ))
            } else {
                failure.hint(format!(
                    "a code is checked once: ask for a call first with `sinch-numbers verify-voice {n}`"
                ))
            });
        }
    };
    write_one(&got, args.output, out)?;
    let state = text(got.state());
    match got.state() {
        Some(GlobalProcessState::Verified) => {
            eprintln!(
                "{n} is verified: its ownership is proven; text-enable it with \
                 `sinch-numbers text-enable --qualified`"
            );
            Ok(failure::OK)
        }
        Some(GlobalProcessState::VerificationFailed) => Err(Failure::with_status(
            format!("{n}: the code {} is wrong, so the verification failed ({state})", visible(code)),
            failure::REFUSED,
        )
        .hint(format!(
            "ask for a new call with `sinch-numbers verify-voice {n}` and give its code; after \
             repeated wrong codes the number is blocked"
        ))),
        Some(GlobalProcessState::VerificationBlocked) => Err(Failure::with_status(
            format!("{n}: the code is wrong, and after repeated wrong codes the number is blocked from voice verification ({state})"),
            failure::REFUSED,
        )
        .hint(BLOCKED)),
        _ => Err(Failure::failed(format!(
            "{n} is {} after the check, not verified",
            if state.is_empty() { "without a state" } else { &state }
        ))),
    }
}

/// `text-enable`: the letter first (a bad one stops everything before the
/// numbers are read), then the numbers in orders.
pub async fn text_enable(
    client: Option<&Client>,
    args: Box<TextEnableArgs>,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let letter = loa::letter(&args)?;
    let kind = if args.toll_free {
        Kind::TollFree {
            plan: &args.service_plan_id,
            loa: Box::new(letter.toll_free()?),
            letter: &letter,
            qualified: args.qualified,
        }
    } else {
        Kind::TextEnable {
            plan: &args.service_plan_id,
            campaign: args.campaign_id.as_deref(),
            letter: &letter,
            qualified: args.qualified,
        }
    };
    send_orders(client, &args.input, &args.bulk, &kind, out, show_progress).await
}

/// `orders import`: hosting-order imports of 5 numbers each.
pub async fn orders_import(
    client: Option<&Client>,
    args: OrdersImportArgs,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let kind = Kind::Import {
        plan: &args.service_plan_id,
        campaign: args.campaign_id.as_deref(),
    };
    send_orders(client, &args.input, &args.bulk, &kind, out, show_progress).await
}

/// The orders a command opens.
enum Kind<'a> {
    Import {
        plan: &'a str,
        campaign: Option<&'a str>,
    },
    TextEnable {
        plan: &'a str,
        campaign: Option<&'a str>,
        letter: &'a Letter,
        qualified: bool,
    },
    TollFree {
        plan: &'a str,
        loa: Box<TollFreeLoa>,
        letter: &'a Letter,
        qualified: bool,
    },
}

/// The request of one order.
enum Request {
    Import(OrderImport),
    TextEnable(TextEnable, bool),
    TollFree(TollFreeTextEnable, bool),
}

impl Kind<'_> {
    /// The most numbers one order takes.
    fn limit(&self) -> usize {
        match self {
            Kind::Import { .. } => IMPORT_ORDER_LIMIT,
            Kind::TextEnable {
                qualified: true, ..
            } => QUALIFIED_TEXT_ENABLE_LIMIT,
            _ => usize::MAX,
        }
    }

    fn request(&self, numbers: Vec<PhoneNumber>) -> Request {
        match self {
            Kind::Import { plan, campaign } => {
                let mut request = OrderImport::new(numbers, *plan);
                if let Some(campaign) = campaign {
                    request = request.campaign_id(*campaign);
                }
                Request::Import(request)
            }
            Kind::TextEnable {
                plan,
                campaign,
                letter,
                qualified,
            } => {
                let mut request = TextEnable::new(numbers, *plan, letter.loa.clone());
                if let Some(campaign) = campaign {
                    request = request.campaign_id(*campaign);
                }
                if let Some(nnid) = &letter.nnid {
                    request = request.nnid(nnid);
                }
                Request::TextEnable(request, *qualified)
            }
            Kind::TollFree {
                plan,
                loa,
                qualified,
                ..
            } => Request::TollFree(
                TollFreeTextEnable::new(numbers, *plan, TollFreeLoa::clone(loa)),
                *qualified,
            ),
        }
    }

    /// What every order is, in words (for a dry run).
    fn describe(&self) -> String {
        let (what, plan, campaign, letter) = match self {
            Kind::Import { plan, campaign } => ("an import", plan, *campaign, None),
            Kind::TextEnable {
                plan,
                campaign,
                letter,
                qualified,
            } => (
                if *qualified {
                    "a text-enable of qualified numbers"
                } else {
                    "a text-enable"
                },
                plan,
                *campaign,
                Some(letter),
            ),
            Kind::TollFree {
                plan,
                letter,
                qualified,
                ..
            } => (
                if *qualified {
                    "a toll-free text-enable of qualified numbers"
                } else {
                    "a toll-free text-enable"
                },
                plan,
                None,
                Some(letter),
            ),
        };
        let mut line = format!("{what} on service plan {}", visible(plan));
        if let Some(campaign) = campaign {
            line.push_str(&format!(", campaign {}", visible(campaign)));
        }
        if let Some(letter) = letter {
            line.push_str(&format!(", under {}", letter.describe()));
            if let Some(nnid) = &letter.nnid {
                line.push_str(&format!(", NNID {}", visible(nnid)));
            }
        }
        line
    }

    /// The letter, for the closing lines.
    fn letter(&self) -> Option<&Letter> {
        match self {
            Kind::Import { .. } => None,
            Kind::TextEnable { letter, .. } | Kind::TollFree { letter, .. } => Some(letter),
        }
    }
}

impl Request {
    /// Everything the call would check, without sending.
    fn check(&self) -> Result<(), InputError> {
        match self {
            Request::Import(r) => r.check(),
            Request::TextEnable(r, _) => r.check(),
            Request::TollFree(r, _) => r.check(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Request::Import(r) => r.numbers().len(),
            Request::TextEnable(r, _) => r.numbers().len(),
            Request::TollFree(r, _) => r.numbers().len(),
        }
    }

    /// Sends the order; one result per number, in order.
    async fn send(&self, client: &Client) -> Vec<Result<String, Arc<Refusal>>> {
        let orders = client.hosting_orders();
        let qualified = client.qualified_numbers();
        let one = match self {
            Request::Import(r) => return batch(orders.import_numbers_in_batches(r).await),
            Request::TextEnable(r, true) => {
                return batch(qualified.text_enable_in_batches(r).await)
            }
            Request::TextEnable(r, false) => orders.text_enable(r).await.map(|o| o.id().to_owned()),
            Request::TollFree(r, true) => qualified
                .text_enable_toll_free(r)
                .await
                .map(|o| o.id().to_owned()),
            Request::TollFree(r, false) => orders
                .text_enable_toll_free(r)
                .await
                .map(|o| o.id().to_owned()),
        };
        let one = one.map_err(|e| Arc::new(Refusal::of(&e)));
        vec![one; self.len()]
    }
}

/// The SDK's batch outcomes as results.
fn batch(report: BatchReport) -> Vec<Result<String, Arc<Refusal>>> {
    report
        .outcomes
        .into_iter()
        .map(|o| match o.result {
            BatchResult::Ordered { hosting_order_id } => Ok(hosting_order_id),
            BatchResult::Failed(e) => Err(Arc::new(Refusal::of(&e))),
            _ => Err(Arc::new(Refusal {
                message: "an outcome this version of the tool does not know".to_owned(),
                hint: None,
                stops: false,
            })),
        })
        .collect()
}

/// Opens the orders of `kind` for the numbers of `input` (or, with no
/// client, checks them and says what would be sent).
async fn send_orders(
    client: Option<&Client>,
    input: &NumbersInput,
    options: &BulkOptions,
    kind: &Kind<'_>,
    out: &mut dyn Write,
    show_progress: bool,
) -> Result<u8, Failure> {
    let entries = bulk::read(input)?;
    let (keep, repeats) = bulk::distinct(&entries);
    let orders = bulk::orders(&entries, &keep, kind.limit());
    // Every order is checked before the first is sent: a setting the
    // service would refuse stops the run here, with nothing sent.
    let requests: Vec<Request> = orders
        .iter()
        .map(|(_, at)| kind.request(bulk::numbers(&entries, at)))
        .collect();
    for request in &requests {
        request
            .check()
            .map_err(|e| Failure::usage(format!("nothing sent: {e}")))?;
    }
    let total = entries.len() as u64;
    let mut outcomes = Outcomes::<OrderId>::open(options, input, total, show_progress, out)?;
    set_aside(&mut outcomes, &entries, &repeats)?;
    let mut stopped = false;
    let mut ids: Vec<String> = Vec::new();
    let count = orders.len();
    for (n, ((region, at), request)) in orders.iter().zip(&requests).enumerate() {
        let plan = format!("order {} of {count}", n + 1);
        let Some(client) = client else {
            outcomes.note(&format!(
                "would open {plan}: {} ({}), {}",
                plural(at.len() as u64, &format!("{region} number")),
                bulk::span(&entries, at),
                kind.describe()
            ));
            for &i in at {
                outcomes.record(i, &entries[i], Outcome::Valid(plan.clone()))?;
            }
            continue;
        };
        if stopped {
            for &i in at {
                outcomes.record(i, &entries[i], Outcome::NotAttempted)?;
            }
            continue;
        }
        let results = request.send(client).await;
        let mut said: Vec<String> = Vec::new();
        for (k, &i) in at.iter().enumerate() {
            let result = results.get(k).cloned().unwrap_or_else(|| {
                Err(Arc::new(Refusal {
                    message: "the call gave no outcome for this number".to_owned(),
                    hint: None,
                    stops: false,
                }))
            });
            match result {
                Ok(id) => {
                    if !ids.contains(&id) {
                        ids.push(id.clone());
                    }
                    outcomes.record(i, &entries[i], Outcome::Done(id))?;
                }
                Err(refusal) => {
                    if !said.contains(&refusal.message) {
                        said.push(refusal.message.clone());
                        outcomes.note(&with_hint(
                            format!(
                                "error: {plan} ({}): {}",
                                bulk::span(&entries, at),
                                visible(&refusal.message)
                            ),
                            refusal.hint,
                        ));
                    }
                    stopped |= refusal.stops;
                    outcomes.record(i, &entries[i], Outcome::Failed(refusal.message.clone()))?;
                }
            }
        }
    }
    let tally = outcomes.finish()?;
    if client.is_none() {
        eprintln!(
            "{} valid in {}, {} invalid (dry run: nothing sent)",
            tally.valid,
            plural(count as u64, "order"),
            tally.invalid
        );
        return Ok(tally.status(false));
    }
    let mut summary = format!(
        "ordered {} in {}, failed {}, invalid {}{}",
        plural(tally.done, "number"),
        plural(ids.len() as u64, "order"),
        tally.failed,
        tally.invalid,
        repeats_note(tally.repeats)
    );
    if stopped {
        summary.push_str(&format!(", not attempted {}", tally.not_attempted));
    }
    eprintln!("{summary}");
    if !ids.is_empty() {
        eprintln!("orders: {}", ids.join(", "));
        match kind.letter().and_then(|l| l.signer_email.as_deref()) {
            Some(email) => eprintln!(
                "next: the letter of authorization is e-mailed to {} to sign; each order waits \
                 for the signature, then goes on. Follow an order with `sinch-numbers orders \
                 wait ID`",
                visible(email)
            ),
            None => eprintln!("next: follow an order with `sinch-numbers orders wait ID`"),
        }
    }
    Ok(tally.status(stopped))
}
