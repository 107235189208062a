//! What both CLI test files share: the fake server on a runtime of its own
//! that outlives each command, and the binary configured from the
//! environment as a user would. Each file adds its own helpers to `Fake`.

use std::time::Duration;

use assert_cmd::Command;
use sinch_imported_numbers_fake::{FakeServer, FakeServerBuilder};

/// The fake server, serving `project`, on a runtime of its own.
pub struct Fake {
    pub server: FakeServer,
    pub project: &'static str,
    _runtime: tokio::runtime::Runtime,
}

impl Fake {
    /// Starts the fake `builder` describes, for `project`.
    pub fn in_project(project: &'static str, builder: FakeServerBuilder) -> Fake {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let server = runtime.block_on(builder.start()).unwrap();
        Fake {
            server,
            project,
            _runtime: runtime,
        }
    }

    /// Waits until the fake has had `count` API requests; false after 10 s
    /// without them (a command that sends nothing must fail its test, not
    /// hang it).
    #[allow(dead_code)] // Not every test file waits.
    pub fn requests_reach(&self, count: u64) -> bool {
        let start = std::time::Instant::now();
        while self.server.request_count() < count {
            if start.elapsed() > Duration::from_secs(10) {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    }

    /// The CLI, configured from the environment as a user would.
    pub fn cli(&self) -> Command {
        let mut cmd = Command::cargo_bin("sinch-numbers").unwrap();
        cmd.env_clear()
            .env("SINCH_PROJECT_ID", self.project)
            .env("SINCH_KEY_ID", self.server.key_id())
            .env("SINCH_KEY_SECRET", self.server.key_secret())
            .env("SINCH_IMPORTED_NUMBERS_URL", self.server.base_url())
            .timeout(Duration::from_secs(60));
        cmd
    }
}
