//! Tokio adapter for [`xmpp-core`](https://docs.rs/xmpp-core): it will own the sockets, DNS SRV
//! look-ups, TLS plumbing and timers, and drive the core engine from one `select!` loop.
//!
//! Nothing is built here yet: the engine's `Connection` does not exist, so this crate exposes
//! no API. See the workspace README for what works today.
