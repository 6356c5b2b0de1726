//! SCRAM (RFC 5802) with SHA-1, SHA-256 (RFC 7677) and SHA-512, with and without channel
//! binding: key derivation, message syntax, and the client and server state machines.

mod client;
mod gs2;
mod hash;
mod keys;
mod message;
mod server;

pub(crate) use client::ScramClient;
pub use gs2::Gs2Flag;
pub use hash::ScramHash;
pub use keys::{KeyDerivationError, ScramKeys};
pub use message::ScramFormatError;
pub use server::{DecoyKeys, ScramIdentity, ScramServer, ServerChannelBindings};
