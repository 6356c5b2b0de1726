//! Error (de)serialisation tests: every condition and type round-trips through the real
//! writer and reader; the RFC 6120 examples parse as printed; malformed input is reported.

mod stanza;
mod stream;
