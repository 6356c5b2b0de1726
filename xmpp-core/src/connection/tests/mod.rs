//! Connection tests in virtual time: the engine against scripted server bytes, and against
//! a rustls server in memory.

mod harness;
mod liveness;
mod negotiation;
mod online;
mod pair;
mod scram;
