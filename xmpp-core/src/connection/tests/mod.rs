//! Connection tests in virtual time: the engine against scripted peer bytes, and client
//! engine against server engine over in-memory rustls.

mod harness;
mod liveness;
mod negotiation;
mod online;
#[cfg(feature = "rustls")]
mod pair;
mod scram;
mod server;
mod stamping;
