//! Tests of the SASL layer against the RFC examples, client↔server round trips, and the
//! selection rules.
