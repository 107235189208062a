//! Errors for people: what went wrong, about what, and what to do; and the
//! exit status each kind of failure gives.

use std::fmt;
use std::process::ExitCode;

use sinch_imported_numbers::{Error, ErrorKind};

use crate::output::visible;

/// Exit status when everything worked.
pub const OK: u8 = 0;
/// Exit status when some numbers failed or were invalid (the rest were done).
pub const SOME_FAILED: u8 = 1;
/// Exit status for a usage or configuration error: nothing was done.
pub const USAGE: u8 = 2;
/// Exit status of `orders wait` for an order that completed with some of
/// its numbers failed (each is printed with why).
pub const COMPLETED_WITH_FAILURES: u8 = 3;
/// Exit status when Sinch answered no: `orders wait` on a rejected order,
/// `verify-voice --code` with a wrong code (or a number blocked after too
/// many wrong codes).
pub const REFUSED: u8 = 4;
/// Exit status of `orders wait` for an order that waits for a person to
/// sign its letter of authorization.
pub const AWAITING_SIGNATURE: u8 = 5;
/// Exit status of `orders wait` when the order was still going at the
/// deadline (`--timeout-minutes`).
pub const DEADLINE: u8 = 6;

/// A failure that ends the command.
#[derive(Debug)]
pub struct Failure {
    message: String,
    hint: Option<String>,
    status: u8,
    /// Ends the command without a word: the reader of the output went away.
    quiet: bool,
}

impl Failure {
    /// A configuration or usage problem (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: None,
            status: USAGE,
            quiet: false,
        }
    }

    /// An operation that failed (exit 1).
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            hint: None,
            status: SOME_FAILED,
            quiet: false,
        }
    }

    /// A failure with its own exit status (one of this module's constants).
    pub fn with_status(message: impl Into<String>, status: u8) -> Self {
        Failure {
            message: message.into(),
            hint: None,
            status,
            quiet: false,
        }
    }

    /// An SDK error about `subject` (a number, a row), with advice.
    pub fn from_sdk(subject: &str, error: &Error) -> Self {
        let status = if error.kind() == ErrorKind::InvalidInput {
            USAGE
        } else {
            SOME_FAILED
        };
        Failure {
            message: format!("{subject}: {error}"),
            hint: advice(error, false).map(str::to_owned),
            status,
            quiet: false,
        }
    }

    /// A failure to write the output. When the output was a pipe whose
    /// reader has gone (`| head -1` read what it wanted), the command ends
    /// quietly with exit 0, as command line tools do.
    pub fn output(error: std::io::Error) -> Self {
        if is_broken_pipe(&error) {
            Failure {
                message: String::new(),
                hint: None,
                status: OK,
                quiet: true,
            }
        } else {
            Failure::failed(format!("cannot write the output: {error}"))
        }
    }

    /// Whether the command ends without a message (see [`Failure::output`]).
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Adds what to do about it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The exit status.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.status)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages quote the server and the input: shown, never obeyed.
        write!(f, "error: {}", visible(&self.message))?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// Whether `error` says the reader of the output has gone, also when the
/// CSV or JSON writer wrapped it.
fn is_broken_pipe(error: &std::io::Error) -> bool {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        return true;
    }
    let Some(inner) = error.get_ref() else {
        return false;
    };
    if let Some(csv) = inner.downcast_ref::<csv::Error>() {
        return matches!(csv.kind(), csv::ErrorKind::Io(io) if is_broken_pipe(io));
    }
    if let Some(json) = inner.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    }
    inner
        .downcast_ref::<std::io::Error>()
        .is_some_and(is_broken_pipe)
}

/// The advice for a 404 that came from a wrong address, not an unknown
/// resource (see [`wrong_address`]).
pub const WRONG_ADDRESS: &str = "the server has no such operation: the base URL may be wrong \
     (it is the API's root, without /v1 or any other path); check --base-url or \
     SINCH_IMPORTED_NUMBERS_URL";

/// What the SDK writes for an error answer without the API's error body.
const NOT_AN_API_ERROR: [&str; 2] = [
    "(empty response body)",
    "(response body is not the documented error",
];

/// Words with which a server says the path itself is unknown, not what it
/// names: "no such operation", "no route", "unknown endpoint".
const NO_SUCH_PATH: [&str; 5] = ["operation", "route", "endpoint", "path", "url"];

/// Whether a 404 says the address is wrong (a base URL ending in `/v1`, a
/// path of another service) rather than that the thing asked for does not
/// exist: the answer has no API error body, or its message says there is no
/// such operation or route.
pub fn wrong_address(error: &Error) -> bool {
    if error.kind() != ErrorKind::NotFound {
        return false;
    }
    let Some(message) = error.api_error().and_then(|a| a.message.as_deref()) else {
        return true;
    };
    let message = message.to_lowercase();
    NOT_AN_API_ERROR.iter().any(|m| message.contains(m))
        || NO_SUCH_PATH.iter().any(|w| message.contains(w))
}

/// What a person can do about an SDK error, when there is something;
/// `concurrency`: the command has `--concurrency` (only `import` does).
pub fn advice(error: &Error, concurrency: bool) -> Option<&'static str> {
    Some(match error.kind() {
        ErrorKind::Unauthenticated => {
            "check SINCH_KEY_ID and SINCH_KEY_SECRET (or --key-secret-file) for this project"
        }
        ErrorKind::PermissionDenied => "this key may not use this project; check --project-id",
        ErrorKind::NotFound if wrong_address(error) => WRONG_ADDRESS,
        ErrorKind::NotFound => "the number is not imported in this project",
        ErrorKind::AlreadyExists => "the number is already imported; nothing to do",
        ErrorKind::RateLimited if concurrency => {
            "the API is rate limiting; retry later or lower --concurrency"
        }
        ErrorKind::RateLimited => "the API is rate limiting; retry later",
        ErrorKind::Transport => "check the network and --base-url",
        ErrorKind::Server => "Sinch had a problem; retrying later may work",
        ErrorKind::DeadlineExceeded => "it may still finish; try again with a longer deadline",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use http::StatusCode;
    use sinch_imported_numbers::{AuthMode, Client, NumberImport, PhoneNumber, RetryPolicy};
    use sinch_imported_numbers_fake::FakeServer;

    #[test]
    fn each_failure_has_its_exit_status_and_shows_its_hint() {
        let status = |f: &Failure| f.exit_code();
        assert_eq!(status(&Failure::usage("u")), ExitCode::from(2));
        assert_eq!(status(&Failure::failed("f")), ExitCode::from(1));
        assert_eq!(
            status(&Failure::with_status("w", DEADLINE)),
            ExitCode::from(6)
        );
        let failure = Failure::failed("row 3: refused").hint("try again");
        assert!(!failure.is_quiet());
        assert_eq!(
            failure.to_string(),
            "error: row 3: refused\n  hint: try again"
        );
        assert_eq!(
            Failure::usage("no project").to_string(),
            "error: no project"
        );
    }

    /// An SDK error from a call to the fake server, the next answer `status`.
    async fn injected(server: &FakeServer, client: &Client, status: StatusCode) -> Error {
        server.fail_next(1, status, None);
        let number = PhoneNumber::parse("+12065550199").unwrap();
        client.get(&number).await.unwrap_err()
    }

    #[tokio::test]
    async fn each_kind_of_sdk_error_gets_its_status_and_advice() {
        // Provisioning that takes ten minutes: a wait with no time fails.
        let long = Duration::from_secs(600);
        let server = FakeServer::builder()
            .provisioning_delays(long, long)
            .start()
            .await
            .unwrap();
        let client = |secret: &str, base_url: String| {
            Client::builder()
                .auth(AuthMode::Basic)
                .project_id("p")
                .key_id(server.key_id())
                .key_secret(secret)
                .base_url(base_url)
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap()
        };
        let good = client(server.key_secret(), server.base_url());
        let number = PhoneNumber::parse("+12065550134").unwrap();
        let advised = |error: &Error| advice(error, false).unwrap_or("(none)");

        let wrong_secret = client("not-the-secret", server.base_url())
            .get(&number)
            .await
            .unwrap_err();
        assert!(advised(&wrong_secret).starts_with("check SINCH_KEY_ID"));
        let forbidden = injected(&server, &good, StatusCode::FORBIDDEN).await;
        assert!(advised(&forbidden).contains("--project-id"));

        let unknown = good.get(&number).await.unwrap_err();
        assert!(!wrong_address(&unknown), "{unknown}");
        assert_eq!(
            advised(&unknown),
            "the number is not imported in this project"
        );
        let elsewhere = client(server.key_secret(), format!("{}/v1", server.base_url()))
            .get(&number)
            .await
            .unwrap_err();
        assert!(wrong_address(&elsewhere), "{elsewhere}");
        assert_eq!(advised(&elsewhere), WRONG_ADDRESS);
        assert!(
            !wrong_address(&forbidden),
            "only a 404 can be a wrong address"
        );
        let injected_404 = injected(&server, &good, StatusCode::NOT_FOUND).await;
        assert!(
            !wrong_address(&injected_404),
            "an API error about a resource"
        );

        good.import(NumberImport::new(number.clone()).service_plan_id("plan"))
            .await
            .unwrap();
        let twice = good
            .import(NumberImport::new(number.clone()).service_plan_id("plan"))
            .await
            .unwrap_err();
        assert_eq!(
            advised(&twice),
            "the number is already imported; nothing to do"
        );

        let throttled = injected(&server, &good, StatusCode::TOO_MANY_REQUESTS).await;
        assert_eq!(advised(&throttled), "the API is rate limiting; retry later");
        assert!(advice(&throttled, true).unwrap().contains("--concurrency"));
        let failing = injected(&server, &good, StatusCode::SERVICE_UNAVAILABLE).await;
        assert!(advised(&failing).starts_with("Sinch had a problem"));

        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = closed.local_addr().unwrap().port();
        drop(closed);
        let unreachable = client(server.key_secret(), format!("http://127.0.0.1:{port}"))
            .get(&number)
            .await
            .unwrap_err();
        assert_eq!(advised(&unreachable), "check the network and --base-url");

        let late = good
            .wait_for_provisioning(&number)
            .deadline(Duration::ZERO)
            .await
            .unwrap_err();
        assert_eq!(late.kind(), ErrorKind::DeadlineExceeded, "{late}");
        assert!(advised(&late).contains("longer deadline"));

        // Input refused before sending: a usage error, no advice.
        let empty = good.update(&number).send().await.unwrap_err();
        let failure = Failure::from_sdk("row 2", &empty);
        assert_eq!(failure.exit_code(), ExitCode::from(USAGE));
        assert_eq!(failure.to_string(), format!("error: row 2: {empty}"));
        // A failed call: exit 1, with its advice as the hint.
        let failure = Failure::from_sdk("+12065550134", &forbidden);
        assert_eq!(failure.exit_code(), ExitCode::from(SOME_FAILED));
        assert!(failure
            .to_string()
            .ends_with("\n  hint: this key may not use this project; check --project-id"));
    }

    #[test]
    fn a_closed_pipe_is_quiet_however_it_is_wrapped() {
        let pipe = || std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(Failure::output(pipe()).is_quiet());
        let csv: std::io::Error = csv::Error::from(pipe()).into();
        assert!(Failure::output(csv).is_quiet());
        let json: std::io::Error = serde_json::Error::io(pipe()).into();
        assert!(Failure::output(json).is_quiet());
        // A JSON error carried inside another I/O error.
        let carried = std::io::Error::other(serde_json::Error::io(pipe()));
        assert!(Failure::output(carried).is_quiet());
        let disk = serde_json::Error::io(std::io::Error::other("disk full"));
        assert!(!Failure::output(std::io::Error::other(disk)).is_quiet());
        let full = Failure::output(std::io::Error::other("disk full"));
        assert!(!full.is_quiet());
        assert_eq!(
            full.to_string(),
            "error: cannot write the output: disk full"
        );
    }
}
