//! Stanza view and builder tests: the RFC 6120/6121 examples read through the real stream
//! reader, and builder → writer → reader → view round trips.

mod arbitrary;
mod iq;
mod message;
mod presence;
mod stanza;
