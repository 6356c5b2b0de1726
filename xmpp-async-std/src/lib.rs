//! Runtime adapter for [`xmpp-core`](https://docs.rs/xmpp-core) built on `futures-io` and
//! `async-io`, so that async-std and smol applications can drive the engine (async-std itself
//! is discontinued, RUSTSEC-2025-0052).
//!
//! Nothing is built here yet: the engine's `Connection` does not exist, so this crate exposes
//! no API. See the workspace README for what works today.
