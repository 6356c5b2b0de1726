//! Tests of the SASL layer against the RFC examples, client↔server round trips, and the
//! selection rules.

mod failure;
mod no_panic;
mod rfc_examples;
mod round_trip;
mod select;
mod single_message;
