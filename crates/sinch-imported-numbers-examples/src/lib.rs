//! Runnable examples of the Imported Numbers SDK, each against the
//! in-process fake server, so they need no account and no network:
//!
//! * `cargo run --example quickstart`: import (one and bulk), list page by
//!   page, get, update, relink, delete.
//! * `cargo run --example provisioning`: a callback receiver, imports that
//!   succeed and fail, and `wait_for_provisioning`.
//!
//! The code is in `examples/`; this library is empty.
