//! The conformance suite: it will parse the transcript format of `shared/conformance/FORMAT.md`
//! and replay RFC 6120 transcripts against the engine, whole, byte by byte and in random splits.
//!
//! Nothing is built here yet: the runner needs the engine's `Connection`, which does not exist
//! yet, so this crate exposes no API and has no binary. See the workspace README.
