//! Imported numbers (`.../importedNumbers`) and the callback configuration:
//! the operations the fake served first, with asynchronous provisioning and
//! callbacks.

pub(crate) mod handlers;
pub(crate) mod store;
