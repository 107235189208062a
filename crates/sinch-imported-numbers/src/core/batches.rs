//! Splitting a list of numbers into the batches one call accepts, with one
//! outcome per number: for the calls that take many numbers at once and cap
//! how many (hosting-order imports, text-enabling qualified numbers).
//!
//! Every input gets exactly one outcome, in input order: the order its
//! batch opened, or why it was refused (a second copy of a number, a number
//! its batch cannot hold, or the error of its batch's call). A refused batch
//! never stops the next one. Batches are sent one after another, so a long
//! list costs one request at a time.

use std::future::Future;
use std::sync::Arc;

use crate::error::{Error, InputError, Setting};
use crate::PhoneNumber;

/// What happened to one number of a batched request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct BatchOutcome {
    /// The number's position in the request's list.
    pub index: usize,
    /// The number.
    pub number: PhoneNumber,
    /// What happened.
    pub result: BatchResult,
}

/// The result for one number of a batched request.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BatchResult {
    /// Its batch opened this hosting order.
    Ordered {
        /// The order's id.
        hosting_order_id: String,
    },
    /// Not ordered: refused before sending (its error's kind is
    /// [`InvalidInput`](crate::ErrorKind::InvalidInput)), or its batch's call
    /// failed (the same error for every number of that batch).
    Failed(Arc<Error>),
}

/// Every outcome of a batched request, in input order.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct BatchReport {
    /// One outcome per input number, in input order.
    pub outcomes: Vec<BatchOutcome>,
}

impl BatchReport {
    /// The numbers that are in an order now, with the order's id.
    pub fn ordered(&self) -> impl Iterator<Item = (&PhoneNumber, &str)> {
        self.outcomes.iter().filter_map(|o| match &o.result {
            BatchResult::Ordered { hosting_order_id } => {
                Some((&o.number, hosting_order_id.as_str()))
            }
            BatchResult::Failed(_) => None,
        })
    }

    /// The numbers that are not, with why.
    pub fn failed(&self) -> impl Iterator<Item = (&PhoneNumber, &Error)> {
        self.outcomes.iter().filter_map(|o| match &o.result {
            BatchResult::Failed(e) => Some((&o.number, e.as_ref())),
            BatchResult::Ordered { .. } => None,
        })
    }

    /// The orders opened, each once, in the order they were opened.
    pub fn order_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for (_, id) in self.ordered() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Whether every number is in an order.
    pub fn all_ordered(&self) -> bool {
        self.failed().next().is_none()
    }
}

/// Sends `numbers` in batches of at most `limit` (at least 1). `group`
/// says which batch family a number belongs to (numbers of different groups,
/// e.g. regions, never share a batch) or why it cannot be sent at all;
/// `send` makes one call for a batch and returns the order it opened.
pub(crate) async fn run<K, F, Fut>(
    numbers: Vec<PhoneNumber>,
    limit: usize,
    group: impl Fn(&PhoneNumber) -> Result<K, InputError>,
    mut send: F,
) -> BatchReport
where
    K: PartialEq,
    F: FnMut(Vec<PhoneNumber>) -> Fut,
    Fut: Future<Output = Result<String, Error>>,
{
    let limit = limit.max(1);
    let mut results: Vec<Option<BatchResult>> = vec![None; numbers.len()];
    // (group, indices of its numbers), in order of first appearance.
    let mut groups: Vec<(K, Vec<usize>)> = Vec::new();
    for (i, number) in numbers.iter().enumerate() {
        if let Some(first) = numbers[..i].iter().position(|n| n == number) {
            results[i] = Some(refused(InputError::invalid(
                Setting::PhoneNumbers,
                format!("{number} is listed twice (first at position {first}); it is sent once"),
            )));
            continue;
        }
        match group(number) {
            Ok(key) => match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push(i),
                None => groups.push((key, vec![i])),
            },
            Err(e) => results[i] = Some(refused(e)),
        }
    }
    for (_, members) in groups {
        for batch in members.chunks(limit) {
            let batch_numbers = batch.iter().map(|&i| numbers[i].clone()).collect();
            let result = match send(batch_numbers).await {
                Ok(hosting_order_id) => BatchResult::Ordered { hosting_order_id },
                Err(e) => BatchResult::Failed(Arc::new(e)),
            };
            for &i in batch {
                results[i] = Some(result.clone());
            }
        }
    }
    let outcomes = numbers
        .into_iter()
        .zip(results)
        .enumerate()
        .map(|(index, (number, result))| BatchOutcome {
            index,
            number,
            // Every index was given a result above: a duplicate, a refusal,
            // or the result of the batch it joined.
            result: result.unwrap_or_else(|| {
                BatchResult::Failed(Arc::new(Error::new(
                    crate::ErrorKind::Other,
                    "no batch took this number",
                )))
            }),
        })
        .collect();
    BatchReport { outcomes }
}

fn refused(e: InputError) -> BatchResult {
    BatchResult::Failed(Arc::new(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn n(s: &str) -> PhoneNumber {
        PhoneNumber::parse(s).unwrap()
    }

    #[tokio::test]
    async fn splits_at_the_limit_and_keeps_every_number() {
        let input: Vec<PhoneNumber> = (0..12)
            .map(|i| n(&format!("+1206555{:04}", 100 + i)))
            .collect();
        let sent = Mutex::new(Vec::new());
        let report = run(
            input.clone(),
            5,
            |_| Ok(()),
            |batch| {
                sent.lock().unwrap().push(batch.len());
                let id = format!("order-{}", sent.lock().unwrap().len());
                async move { Ok(id) }
            },
        )
        .await;
        assert_eq!(*sent.lock().unwrap(), vec![5, 5, 2]);
        assert_eq!(report.outcomes.len(), 12);
        assert!(report.all_ordered());
        assert_eq!(report.order_ids(), vec!["order-1", "order-2", "order-3"]);
        for (o, want) in report.outcomes.iter().zip(&input) {
            assert_eq!(&o.number, want);
        }
        assert!(
            matches!(&report.outcomes[5].result, BatchResult::Ordered { hosting_order_id } if hosting_order_id == "order-2")
        );
    }

    #[tokio::test]
    async fn a_failed_batch_does_not_stop_the_next_and_duplicates_are_named() {
        let input = vec![
            n("+12065550100"),
            n("+12065550101"),
            n("+12065550100"),
            n("+12065550102"),
        ];
        let calls = Mutex::new(0);
        let report = run(
            input,
            2,
            |_| Ok(()),
            |_| {
                *calls.lock().unwrap() += 1;
                let first = *calls.lock().unwrap() == 1;
                async move {
                    if first {
                        Err(Error::new(crate::ErrorKind::Server, "down"))
                    } else {
                        Ok("o2".to_owned())
                    }
                }
            },
        )
        .await;
        let failed: Vec<_> = report
            .failed()
            .map(|(n, e)| (n.to_string(), e.kind()))
            .collect();
        assert_eq!(
            failed,
            vec![
                ("+12065550100".to_owned(), crate::ErrorKind::Server),
                ("+12065550101".to_owned(), crate::ErrorKind::Server),
                ("+12065550100".to_owned(), crate::ErrorKind::InvalidInput),
            ]
        );
        assert_eq!(
            report
                .ordered()
                .map(|(n, id)| (n.to_string(), id))
                .collect::<Vec<_>>(),
            vec![("+12065550102".to_owned(), "o2")]
        );
        assert!(!report.all_ordered());
        let (_, dup) = report.failed().nth(2).unwrap();
        assert!(dup.to_string().contains("listed twice"), "{dup}");
    }

    #[tokio::test]
    async fn groups_never_share_a_batch() {
        let input = vec![
            n("+12065550100"),
            n("+14165550100"),
            n("+12065550101"),
            n("+14165550101"),
        ];
        let batches = Mutex::new(Vec::new());
        let report = run(
            input,
            5,
            |p| Ok(p.region()),
            |batch| {
                batches
                    .lock()
                    .unwrap()
                    .push(batch.iter().map(|p| p.to_string()).collect::<Vec<_>>());
                async { Ok("o".to_owned()) }
            },
        )
        .await;
        assert!(report.all_ordered());
        assert_eq!(
            *batches.lock().unwrap(),
            vec![
                vec!["+12065550100", "+12065550101"],
                vec!["+14165550100", "+14165550101"]
            ]
        );
    }
}
