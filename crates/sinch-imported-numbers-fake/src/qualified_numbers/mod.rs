//! Qualified numbers (`.../qualifiedNumbers`): proving ownership of numbers
//! by invoice or voice challenge, and text-enabling them.

pub(crate) mod handlers;
pub(crate) mod progress;
pub(crate) mod store;
