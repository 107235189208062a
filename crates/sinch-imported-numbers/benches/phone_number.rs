//! `PhoneNumber` against the `phonenumber` crate (a libphonenumber port).
//!
//! Prints, before the criterion timings:
//! * agreement on valid/invalid over a corpus of NANP numbers (every area
//!   code and exchange shape, random lines), with each disagreement's reason;
//! * whether the NANP area-code table still matches libphonenumber's metadata;
//! * a one-run throughput ratio.
//!
//! `cargo bench -p sinch-imported-numbers --bench phone_number`

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sinch_imported_numbers::PhoneNumber;

fn theirs(text: &str) -> bool {
    phonenumber::parse(None, text).is_ok_and(|n| phonenumber::is_valid(&n))
}

fn ours(text: &str) -> bool {
    PhoneNumber::parse(text).is_ok()
}

/// A deterministic xorshift generator, so every run measures the same corpus.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Every area code (000-999) with random exchanges and lines: valid numbers,
/// N11 codes, leading 0/1 digits and unassigned area codes all occur.
fn nanp_corpus() -> Vec<String> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut corpus = Vec::new();
    for area in 0..1000 {
        for _ in 0..40 {
            corpus.push(format!(
                "+1{area:03}{:03}{:04}",
                rng.next(1000),
                rng.next(10_000)
            ));
        }
    }
    // Wrong lengths.
    for _ in 0..2000 {
        let len = [7, 8, 9, 11, 12][rng.next(5) as usize];
        let digits: String = (0..len)
            .map(|_| char::from(b'0' + rng.next(10) as u8))
            .collect();
        corpus.push(format!("+1{digits}"));
    }
    corpus
}

/// Which part of NANP a number's area code belongs to.
fn area_kind(text: &str) -> &'static str {
    let area = text.get(2..5).unwrap_or("");
    match PhoneNumber::parse(&format!("+1{area}5550000")).map(|n| n.region()) {
        Ok(Some(region)) => region.code(),
        Ok(None) => "other NANP regions",
        Err(_) => "malformed area code",
    }
}

fn report_agreement(corpus: &[String]) {
    let mut reasons: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut agree = 0;
    let mut valid = 0;
    for text in corpus {
        let (mine, lib) = (ours(text), theirs(text));
        valid += usize::from(lib);
        let kind = by_kind.entry(area_kind(text)).or_default();
        kind.0 += 1;
        if mine == lib {
            agree += 1;
            kind.1 += 1;
            continue;
        }
        let reason = match PhoneNumber::parse(text) {
            Ok(_) => "we accept, libphonenumber rejects".to_owned(),
            Err(e) => format!("we reject ({})", variant(&e)),
        };
        let entry = reasons
            .entry(format!("{reason} [{}]", area_kind(text)))
            .or_insert((0, text.clone()));
        entry.0 += 1;
    }
    println!(
        "agreement on {} NANP numbers ({valid} valid per libphonenumber): {agree} ({:.3}%)",
        corpus.len(),
        100.0 * agree as f64 / corpus.len() as f64
    );
    for (kind, (total, agreed)) in by_kind {
        println!(
            "  {kind}: {agreed}/{total} agree ({:.3}%)",
            100.0 * agreed as f64 / total as f64
        );
    }
    for (reason, (count, example)) in reasons {
        println!("  disagree x{count}: {reason}, e.g. {example}");
    }
}

fn variant(e: &sinch_imported_numbers::PhoneNumberError) -> String {
    format!("{e:?}")
        .split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Rebuilds the in-service area-code list from libphonenumber and compares.
fn report_area_code_table() {
    let mut differences = Vec::new();
    for area in 200..1000u32 {
        if area % 100 == 11 {
            continue;
        }
        let lib = (200..1000u32).any(|exchange| theirs(&format!("+1{area}{exchange}1234")));
        let mine = (200..1000u32)
            .filter(|e| e % 100 != 11)
            .any(|exchange| ours(&format!("+1{area}{exchange}1234")));
        if lib != mine {
            differences.push(format!("{area} (libphonenumber: {lib}, ours: {mine})"));
        }
    }
    if differences.is_empty() {
        println!("area-code table matches libphonenumber's metadata");
    } else {
        println!(
            "area-code table differs from libphonenumber: {}",
            differences.join(", ")
        );
    }
}

fn report_ratio(corpus: &[String]) {
    let time = |f: &dyn Fn(&str) -> bool| {
        let start = Instant::now();
        for _ in 0..3 {
            for text in corpus {
                black_box(f(black_box(text)));
            }
        }
        start.elapsed()
    };
    let (mine, lib) = (time(&ours), time(&theirs));
    let per = |d: std::time::Duration| d.as_nanos() as f64 / (3 * corpus.len()) as f64;
    println!(
        "one run: ours {:.0} ns/number, libphonenumber {:.0} ns/number: {:.1}x faster",
        per(mine),
        per(lib),
        lib.as_secs_f64() / mine.as_secs_f64()
    );
}

fn bench(c: &mut Criterion) {
    let corpus = nanp_corpus();
    report_agreement(&corpus);
    report_area_code_table();
    report_ratio(&corpus);

    let sample: Vec<_> = corpus.iter().step_by(20).cloned().collect();
    let mut group = c.benchmark_group("parse NANP corpus");
    group.throughput(Throughput::Elements(sample.len() as u64));
    group.bench_function("sinch_imported_numbers::PhoneNumber", |b| {
        b.iter(|| sample.iter().filter(|t| ours(t)).count())
    });
    group.bench_function("phonenumber", |b| {
        b.iter(|| sample.iter().filter(|t| theirs(t)).count())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
