//! The error vocabulary of RFC 6120: stream errors (§4.9) and stanza errors (§8.3), with
//! their conditions and their XML form.

pub(crate) mod condition_macro;
mod parse_error;
mod parts;
mod stanza_condition;
mod stanza_error;
mod stream_condition;
mod stream_error;

pub use parse_error::ErrorParseError;
pub use stanza_condition::{ErrorType, StanzaErrorCondition};
pub use stanza_error::StanzaError;
pub use stream_condition::StreamErrorCondition;
pub use stream_error::StreamError;

#[cfg(test)]
mod tests;
