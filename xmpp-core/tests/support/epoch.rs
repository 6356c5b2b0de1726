//! The start of a test's virtual time, shared by the unit tests (through
//! `src/test_util.rs`) and the integration tests. The engine never reads a clock; a test
//! needs one `Instant` to count from, and this file is the only place that takes it.

use std::time::Instant;

/// An instant to start virtual time at.
#[allow(clippy::disallowed_methods)]
pub fn epoch() -> Instant {
    Instant::now()
}
