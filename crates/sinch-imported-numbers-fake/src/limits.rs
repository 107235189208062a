//! Server-side traffic control for tests and benchmarks: a per-project rate
//! limit (a token bucket), outages, and counters of how requests were
//! answered.
//!
//! The bucket's methods take the current [`Instant`] as an argument, so the
//! unit tests below drive them with a made-up clock.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::connect_info::Connected;
use axum::http::StatusCode;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// How the fake misbehaves during an outage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outage {
    /// Every API operation is answered with this status (meant to be a 4xx
    /// or 5xx) in the documented error shape, before authentication. The
    /// token endpoint and `/_fake/stats` keep working.
    Status(StatusCode),
    /// New connections are closed as soon as they are accepted, and
    /// kept-alive connections are cut at their next read or write, so
    /// clients see a connection error. Everything is unreachable meanwhile,
    /// the token endpoint and `/_fake/stats` included.
    RefuseConnections,
}

/// How many API requests the fake answered, throttled or failed: see
/// [`FakeServer::stats`](crate::FakeServer::stats) for the definitions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FakeStats {
    /// API requests that reached authentication and the operation: 2xx
    /// answers and the API's own 4xx (bad input, not found, conflicts, and
    /// refused credentials).
    pub answered: u64,
    /// API requests refused with `429` by the rate limit.
    pub throttled: u64,
    /// API requests answered by an outage or an injected fault
    /// ([`FakeServer::fail_next`](crate::FakeServer::fail_next)), plus each
    /// connection closed by a [`Outage::RefuseConnections`] outage.
    pub failed: u64,
}

impl FakeStats {
    /// What happened between `earlier` and `self` (two readings of the
    /// same server), for measuring one phase of a test or benchmark.
    pub fn since(self, earlier: FakeStats) -> FakeStats {
        FakeStats {
            answered: self.answered.saturating_sub(earlier.answered),
            throttled: self.throttled.saturating_sub(earlier.throttled),
            failed: self.failed.saturating_sub(earlier.failed),
        }
    }

    /// All three counters added up.
    pub fn total(self) -> u64 {
        self.answered + self.throttled + self.failed
    }
}

/// A token bucket: holds up to `burst` tokens, gains `per_second` of them
/// each second, and each request takes one.
#[derive(Debug, Clone)]
pub(crate) struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// A rate and a burst, checked to be usable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rate {
    pub per_second: f64,
    pub burst: u32,
}

impl Rate {
    /// Panics unless `per_second` is positive and finite; a `burst` of 0
    /// is taken as 1.
    pub(crate) fn new(per_second: f64, burst: u32) -> Self {
        assert!(
            per_second.is_finite() && per_second > 0.0,
            "a rate limit needs a positive, finite rate, not {per_second}"
        );
        Rate {
            per_second,
            burst: burst.max(1),
        }
    }
}

impl Bucket {
    /// A full bucket.
    fn new(rate: Rate, now: Instant) -> Self {
        Bucket {
            tokens: f64::from(rate.burst),
            updated: now,
        }
    }

    fn refill(&mut self, rate: Rate, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate.per_second).min(f64::from(rate.burst));
        self.updated = self.updated.max(now);
    }

    /// Takes a token, or says how many seconds until the next one arrives.
    fn take(&mut self, rate: Rate, now: Instant) -> Result<(), f64> {
        self.refill(rate, now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            Err((1.0 - self.tokens) / rate.per_second)
        }
    }

    fn is_full(&mut self, rate: Rate, now: Instant) -> bool {
        self.refill(rate, now);
        self.tokens >= f64::from(rate.burst)
    }
}

/// One bucket per project.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    rate: Rate,
    buckets: HashMap<String, Bucket>,
}

/// Past this many buckets, full ones (which behave as absent ones) are
/// dropped, so made-up project ids cannot grow the map for ever.
const PRUNE_ABOVE: usize = 1024;

impl RateLimiter {
    pub(crate) fn new(rate: Rate) -> Self {
        RateLimiter {
            rate,
            buckets: HashMap::new(),
        }
    }

    /// Lets a request for `project` through, or answers the `Retry-After`
    /// to send: whole seconds until its next token, at least 1.
    pub(crate) fn check(&mut self, project: &str, now: Instant) -> Result<(), u64> {
        let rate = self.rate;
        if self.buckets.len() > PRUNE_ABOVE {
            self.buckets.retain(|_, b| !b.is_full(rate, now));
        }
        let bucket = match self.buckets.get_mut(project) {
            Some(bucket) => bucket,
            None => self
                .buckets
                .entry(project.to_owned())
                .or_insert_with(|| Bucket::new(rate, now)),
        };
        bucket
            .take(rate, now)
            .map_err(|seconds| seconds.ceil().max(1.0) as u64)
    }
}

/// The outage in force, the rate limit, and the counters; shared by the
/// request guard and the listener.
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    /// Whether `outage` holds one: read without the lock on every read and
    /// write of every connection.
    any_outage: AtomicBool,
    outage: Mutex<Option<(Outage, Option<Instant>)>>,
    limiter: Mutex<Option<RateLimiter>>,
    answered: AtomicU64,
    throttled: AtomicU64,
    failed: AtomicU64,
}

/// What the guard does with a request.
pub(crate) enum Verdict {
    /// Serve it.
    Pass,
    /// Answer this outage status.
    Outage(StatusCode),
    /// Answer 429 with this `Retry-After`.
    Throttle(u64),
}

impl Traffic {
    pub(crate) fn set_outage(&self, outage: Option<Outage>, duration: Option<Duration>) {
        let until = duration.map(|d| Instant::now() + d);
        let mut current = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        *current = outage.map(|o| (o, until));
        self.any_outage.store(current.is_some(), Ordering::Release);
    }

    /// The outage in force now; one whose time is up is forgotten.
    pub(crate) fn outage(&self) -> Option<Outage> {
        if !self.any_outage.load(Ordering::Acquire) {
            return None;
        }
        let mut outage = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        match *outage {
            Some((_, Some(until))) if Instant::now() >= until => {
                *outage = None;
                self.any_outage.store(false, Ordering::Release);
                None
            }
            Some((o, _)) => Some(o),
            None => None,
        }
    }

    fn refusing(&self) -> bool {
        self.outage() == Some(Outage::RefuseConnections)
    }

    pub(crate) fn set_rate_limit(&self, rate: Option<Rate>) {
        *self.limiter.lock().unwrap_or_else(|p| p.into_inner()) = rate.map(RateLimiter::new);
    }

    /// Decides, and counts, what happens to an API request for `project`.
    /// A request that passes is not counted yet: the caller counts it as
    /// answered or failed once it knows.
    pub(crate) fn admit(&self, project: &str) -> Verdict {
        if let Some(Outage::Status(status)) = self.outage() {
            self.count_failed();
            return Verdict::Outage(status);
        }
        let mut limiter = self.limiter.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(limiter) = limiter.as_mut() {
            if let Err(retry_after) = limiter.check(project, Instant::now()) {
                self.throttled.fetch_add(1, Ordering::Relaxed);
                return Verdict::Throttle(retry_after);
            }
        }
        Verdict::Pass
    }

    pub(crate) fn count_answered(&self) {
        self.answered.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_failed(&self) {
        self.failed.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> FakeStats {
        FakeStats {
            answered: self.answered.load(Ordering::Relaxed),
            throttled: self.throttled.load(Ordering::Relaxed),
            failed: self.failed.load(Ordering::Relaxed),
        }
    }
}

/// The TCP listener, closing connections while an
/// [`Outage::RefuseConnections`] lasts.
pub(crate) struct RefusingListener {
    pub inner: TcpListener,
    pub traffic: Arc<Traffic>,
}

impl Listener for RefusingListener {
    type Io = Cuttable;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Cuttable, SocketAddr) {
        loop {
            let (stream, addr) = Listener::accept(&mut self.inner).await;
            if self.traffic.refusing() {
                self.traffic.count_failed();
                drop(stream);
                continue;
            }
            let io = Cuttable {
                inner: stream,
                traffic: self.traffic.clone(),
                cut: false,
            };
            return (io, addr);
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// An accepted connection that fails its next read or write once an
/// [`Outage::RefuseConnections`] starts, so kept-alive connections are cut
/// too.
pub(crate) struct Cuttable {
    inner: TcpStream,
    traffic: Arc<Traffic>,
    cut: bool,
}

impl Cuttable {
    fn check(&mut self) -> io::Result<()> {
        if self.cut || self.traffic.refusing() {
            if !self.cut {
                self.cut = true;
                self.traffic.count_failed();
            }
            return Err(io::Error::new(
                io::ErrorKind::ConnectionReset,
                "the fake server is refusing connections",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for Cuttable {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Cuttable {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The peer of a connection, for the loopback check of `/_fake/stats`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer(pub SocketAddr);

impl Connected<IncomingStream<'_, RefusingListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, RefusingListener>) -> Self {
        Peer(*stream.remote_addr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_full_bucket_lets_the_burst_through_then_says_when_to_come_back() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Rate::new(2.0, 3));
        for _ in 0..3 {
            assert_eq!(limiter.check("p", t0), Ok(()));
        }
        // The next token arrives in 0.5 s: rounded up to one whole second.
        assert_eq!(limiter.check("p", t0), Err(1));
    }

    #[test]
    fn tokens_come_back_at_the_rate_and_never_beyond_the_burst() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Rate::new(10.0, 2));
        assert_eq!(limiter.check("p", t0), Ok(()));
        assert_eq!(limiter.check("p", t0), Ok(()));
        assert!(limiter.check("p", t0).is_err());
        // 150 ms at 10/s is one token and a half.
        assert_eq!(limiter.check("p", t0 + ms(150)), Ok(()));
        assert!(limiter.check("p", t0 + ms(150)).is_err());
        // A long pause fills the bucket to the burst, no further.
        let later = t0 + Duration::from_secs(60);
        assert_eq!(limiter.check("p", later), Ok(()));
        assert_eq!(limiter.check("p", later), Ok(()));
        assert!(limiter.check("p", later).is_err());
    }

    #[test]
    fn retry_after_counts_whole_seconds_until_the_next_token() {
        let t0 = Instant::now();
        // One token every 4 s.
        let mut limiter = RateLimiter::new(Rate::new(0.25, 1));
        assert_eq!(limiter.check("p", t0), Ok(()));
        assert_eq!(limiter.check("p", t0), Err(4));
        assert_eq!(limiter.check("p", t0 + ms(1500)), Err(3));
        assert_eq!(limiter.check("p", t0 + ms(3999)), Err(1));
        assert_eq!(limiter.check("p", t0 + ms(4000)), Ok(()));
    }

    #[test]
    fn refused_requests_do_not_use_tokens() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Rate::new(10.0, 1));
        assert_eq!(limiter.check("p", t0), Ok(()));
        for i in 0..10 {
            assert!(limiter.check("p", t0 + ms(i * 5)).is_err());
        }
        assert_eq!(limiter.check("p", t0 + ms(150)), Ok(()));
    }

    #[test]
    fn each_project_has_its_own_bucket() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Rate::new(1.0, 1));
        assert_eq!(limiter.check("a", t0), Ok(()));
        assert!(limiter.check("a", t0).is_err());
        assert_eq!(limiter.check("b", t0), Ok(()));
    }

    #[test]
    fn full_buckets_are_pruned_without_changing_answers() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Rate::new(100.0, 1));
        for i in 0..=PRUNE_ABOVE {
            assert_eq!(limiter.check(&format!("p{i}"), t0), Ok(()));
        }
        assert!(limiter.check("p0", t0).is_err());
        let later = t0 + Duration::from_secs(1);
        assert_eq!(limiter.check("p0", later), Ok(()));
        assert!(limiter.buckets.len() <= 2, "{}", limiter.buckets.len());
    }

    #[test]
    #[should_panic(expected = "positive, finite rate")]
    fn a_zero_rate_is_refused() {
        Rate::new(0.0, 1);
    }

    #[test]
    fn outages_end_when_their_time_is_up() {
        let traffic = Traffic::default();
        traffic.set_outage(Some(Outage::RefuseConnections), Some(Duration::ZERO));
        assert_eq!(traffic.outage(), None);
        let status = Outage::Status(StatusCode::SERVICE_UNAVAILABLE);
        traffic.set_outage(Some(status), Some(Duration::from_secs(3600)));
        assert_eq!(traffic.outage(), Some(status));
        traffic.set_outage(None, None);
        assert_eq!(traffic.outage(), None);
    }

    #[test]
    fn stats_since_subtracts_readings() {
        let a = FakeStats {
            answered: 5,
            throttled: 2,
            failed: 1,
        };
        let b = FakeStats {
            answered: 9,
            throttled: 2,
            failed: 4,
        };
        let d = b.since(a);
        assert_eq!((d.answered, d.throttled, d.failed), (4, 0, 3));
        assert_eq!(d.total(), 7);
    }
}
