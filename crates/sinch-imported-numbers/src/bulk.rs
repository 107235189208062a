//! Importing many numbers at once.
//!
//! Imports run with bounded concurrency. Every input gets exactly one outcome
//! (imported, already existed, or failed with its error); a failure never
//! stops the others.

use std::sync::Arc;

use futures::stream::{self, BoxStream, StreamExt};

use crate::error::{Error, ErrorKind};
use crate::handle::Handle;
use crate::{ImportedNumber, NumberImport, PhoneNumber};

/// The default number of imports in flight.
const DEFAULT_CONCURRENCY: usize = 8;

/// A bulk import; run it with [`run`](Self::run) or [`stream`](Self::stream).
#[derive(Debug)]
#[must_use = "a bulk import does nothing until `run` or `stream` is awaited"]
pub struct BulkImport {
    handle: Arc<Handle>,
    imports: Vec<NumberImport>,
    concurrency: usize,
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
    pub(crate) fn new(handle: Arc<Handle>, imports: Vec<NumberImport>) -> Self {
        BulkImport {
            handle,
            imports,
            concurrency: DEFAULT_CONCURRENCY,
        }
    }

    /// How many imports may be in flight at once (default 8, at least 1).
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Outcomes as they complete (not in input order).
    pub fn stream(self) -> BoxStream<'static, ImportOutcome> {
        let handle = self.handle;
        stream::iter(self.imports.into_iter().enumerate())
            .map(move |(index, import)| {
                let handle = handle.clone();
                async move {
                    let number = import.number().clone();
                    let result = match handle.import(import).await {
                        Ok(n) => ImportResult::Imported(Box::new(n)),
                        Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                            ImportResult::AlreadyExisted
                        }
                        Err(e) => ImportResult::Failed(e),
                    };
                    ImportOutcome {
                        index,
                        number,
                        result,
                    }
                }
            })
            .buffer_unordered(self.concurrency)
            .boxed()
    }

    /// Runs every import and returns all outcomes in input order.
    pub async fn run(self) -> BulkReport {
        let mut outcomes: Vec<ImportOutcome> = self.stream().collect().await;
        outcomes.sort_by_key(|o| o.index);
        BulkReport { outcomes }
    }
}
