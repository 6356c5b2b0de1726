//! Connection tests in virtual time: the engine against scripted peer bytes, and client
//! engine against server engine over in-memory rustls.

// Tests take their starting instant from the clock; everything after is virtual time.
#![allow(clippy::disallowed_methods)]

mod harness;
mod liveness;
mod negotiation;
mod online;
#[cfg(feature = "rustls")]
mod pair;
mod scram;
mod server;
mod stamping;
