//! Corpus generators for the benches.
