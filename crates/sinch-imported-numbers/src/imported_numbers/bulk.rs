//! Importing many numbers at once.
//!
//! Imports run with bounded concurrency. Every input gets exactly one outcome
//! (imported, already existed, or failed with its error); a failure never
//! stops the others. Inputs are pulled lazily, as capacity frees up, so an
//! iterator or stream of any length costs memory for `concurrency` inputs,
//! not for all of them.
//!
//! The imports share an adaptive rate (`core/adaptive.rs`, on by default): a
//! `429` pauses them all for its `Retry-After` and the group learns the rate
//! the server allows, so a rate-limited project is used fully without a
//! flood of refused requests; `max_rate` caps it.

use std::fmt;
use std::sync::{Arc, Mutex};

use futures::stream::{BoxStream, Stream, StreamExt};

use crate::core::adaptive::AdaptiveRate;
use crate::core::handle::Handle;
use crate::error::{Error, ErrorKind};
use crate::{ImportedNumber, NumberImport, PhoneNumber};

/// The default number of imports in flight.
const DEFAULT_CONCURRENCY: usize = 8;

/// A bulk import; run it with [`run`](Self::run), [`stream`](Self::stream)
/// or [`ordered`](Self::ordered).
#[must_use = "a bulk import does nothing until `run` or a stream is awaited"]
pub struct BulkImport {
    handle: Arc<Handle>,
    /// Behind a lock only so the builder is `Sync`; taken once, when it runs.
    imports: Mutex<BoxStream<'static, NumberImport>>,
    concurrency: usize,
    adaptive: bool,
    max_rate: Option<f64>,
}

impl fmt::Debug for BulkImport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkImport")
            .field("concurrency", &self.concurrency)
            .field("adaptive", &self.adaptive)
            .field("max_rate", &self.max_rate)
            .finish_non_exhaustive()
    }
}

/// What happened to one number.
#[derive(Debug)]
#[non_exhaustive]
pub struct ImportOutcome {
    /// The position of this number in the input.
    pub index: usize,
    /// The number.
    pub number: PhoneNumber,
    /// What happened.
    pub result: ImportResult,
}

/// The result of importing one number.
#[derive(Debug)]
#[non_exhaustive]
pub enum ImportResult {
    /// Imported now; the number as the server returned it.
    Imported(Box<ImportedNumber>),
    /// The server answered 409: the number was already imported.
    AlreadyExisted,
    /// The import failed.
    Failed(Error),
}

/// Every outcome of a bulk import, in input order.
#[derive(Debug)]
#[non_exhaustive]
pub struct BulkReport {
    /// One outcome per input, in input order.
    pub outcomes: Vec<ImportOutcome>,
}

impl BulkReport {
    /// The numbers imported now.
    pub fn imported(&self) -> impl Iterator<Item = &ImportOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.result, ImportResult::Imported(_)))
    }

    /// The numbers that were already imported.
    pub fn already_existed(&self) -> impl Iterator<Item = &ImportOutcome> {
        self.outcomes
            .iter()
            .filter(|o| matches!(o.result, ImportResult::AlreadyExisted))
    }

    /// The numbers that failed, with their errors.
    pub fn failed(&self) -> impl Iterator<Item = (&ImportOutcome, &Error)> {
        self.outcomes.iter().filter_map(|o| match &o.result {
            ImportResult::Failed(e) => Some((o, e)),
            _ => None,
        })
    }
}

impl BulkImport {
    pub(crate) fn new(
        handle: Arc<Handle>,
        imports: impl Stream<Item = NumberImport> + Send + 'static,
    ) -> Self {
        BulkImport {
            handle,
            imports: Mutex::new(imports.boxed()),
            concurrency: DEFAULT_CONCURRENCY,
            adaptive: true,
            max_rate: None,
        }
    }

    /// Whether the imports share an adaptive rate (default on): a `429`
    /// pauses all of them for its `Retry-After`, and the group then holds
    /// just below the rate the server allows, learned from its `429`s.
    /// Until the first `429` it changes nothing. Off, each import handles
    /// its own `429`s as any call does.
    pub fn adaptive(mut self, on: bool) -> Self {
        self.adaptive = on;
        self
    }

    /// Never start more than `per_second` imports a second (a positive,
    /// finite number; others are ignored), adaptive or not.
    pub fn max_rate(mut self, per_second: f64) -> Self {
        self.max_rate = crate::core::adaptive::valid_rate(per_second);
        self
    }

    /// How many imports may be in flight at once (default 8, at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Outcomes as they complete (not in input order).
    pub fn stream(self) -> BoxStream<'static, ImportOutcome> {
        let concurrency = self.concurrency;
        self.outcomes().buffer_unordered(concurrency).boxed()
    }

    /// Outcomes in input order, as soon as each and those before it are
    /// done; memory stays bounded by the concurrency however long the input.
    pub fn ordered(self) -> BoxStream<'static, ImportOutcome> {
        let concurrency = self.concurrency;
        self.outcomes().buffered(concurrency).boxed()
    }

    /// Runs every import and returns all outcomes in input order.
    pub async fn run(self) -> BulkReport {
        let outcomes = self.ordered().collect().await;
        BulkReport { outcomes }
    }

    /// One future per input, pulled only when the caller's buffer has room.
    fn outcomes(
        self,
    ) -> impl Stream<Item = impl std::future::Future<Output = ImportOutcome> + Send> + Send {
        let handle = self.handle;
        let group = match (self.adaptive, self.max_rate) {
            (true, max_rate) => Some(Arc::new(AdaptiveRate::new(max_rate))),
            (false, Some(max_rate)) => Some(Arc::new(AdaptiveRate::fixed(max_rate))),
            (false, None) => None,
        };
        let imports = self.imports.into_inner().unwrap_or_else(|p| p.into_inner());
        imports.enumerate().map(move |(index, import)| {
            let (handle, group) = (handle.clone(), group.clone());
            async move {
                let number = import.number().clone();
                let result = match super::import_in(&handle, group.as_deref(), import).await {
                    Ok(n) => ImportResult::Imported(Box::new(n)),
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => ImportResult::AlreadyExisted,
                    Err(e) => ImportResult::Failed(e),
                };
                ImportOutcome {
                    index,
                    number,
                    result,
                }
            }
        })
    }
}
