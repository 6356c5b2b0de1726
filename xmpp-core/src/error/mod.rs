//! The error vocabulary of RFC 6120: stream errors (§4.9) and stanza errors (§8.3).

mod condition_macro;
mod stanza_condition;
mod stream_condition;
mod stream_error;

pub use stanza_condition::{ErrorType, StanzaErrorCondition};
pub use stream_condition::StreamErrorCondition;
pub use stream_error::StreamError;
