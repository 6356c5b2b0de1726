//! The conformance suite: replays `.xmpp` transcripts against the `xmpp-core` engine, each
//! input step fed whole, byte by byte and in seeded random splits, on a virtual clock, with
//! an in-memory TLS peer, comparing the engine's output as canonical XML.
//!
//! ```text
//! transcript ──parser──▶ steps ──runner──▶ Engine (feed / eof / timeout / send / close)
//!                                  ▲                │ poll_output, poll_event, deadline
//!                                  └── compare ◀────┘ (decrypted by the TLS peer)
//! ```
//!
//! `cargo run -p conformance -- [PATH ...] [--verbose]` runs the bundled transcripts (or the
//! given files and folders); `cargo test -p conformance` runs the bundled ones too.
//!
//! The rest of this page is the transcript format, copied from `shared/conformance/FORMAT.md`
//! (the contract), followed by what this runner adds to it.
//!
#![doc = include_str!("../FORMAT.md")]
//!
//! # What this runner adds (compatibly)
//!
//! - **Consecutive expectations** of the engine's side (`C:` then `C:` in the client role,
//!   nothing in between) are compared as one step. Under the plain reading the second could
//!   never match, so no passing transcript changes meaning.
//! - **The application's own stanzas.** When an expectation finds that the engine wrote
//!   nothing since the previous step and it holds only stanzas (`message`, `presence`,
//!   `iq`), the runner plays the application: it hands each stanza to the engine's `send`
//!   and then compares what the engine wrote. An expectation that is `</stream:stream>`
//!   alone makes the runner call `close`. Output the engine produced by itself is always
//!   compared as is, so protocol replies are never sent for the engine. For a stanza the
//!   runner sent, the step checks the engine's serialisation of it, not that the engine
//!   would have written it unprompted; transcripts pin automatic behaviour with
//!   `!stanzas 0` or `!expect-nothing` before such a step (the engine answered by itself,
//!   nothing was handed to the application).
//! - **Unclaimed output fails.** Output the engine wrote after the last step that claims
//!   output (an expectation, `!closed`, `!skip-output`) fails the transcript.
//! - **`!time`** delivers each deadline the engine asked for, in order, at its own instant,
//!   up to the new time; after each timeout the engine's next deadline must be later.
//! - **Chunking under TLS** splits the plaintext; each piece is sent as its own records.
//!
//! # Bundled transcripts
//!
//! `conformance/transcripts/` holds the suite: every file there passes against `xmpp-core`
//! whole, byte by byte and in random splits, and `cargo test -p conformance` checks that.
//! Transcripts that caught engine bugs live there too, once the bug is fixed.
//!
//! The production engine is [`xmpp::start`]: `xmpp_core::Connection` in either role with
//! embedded rustls (ring provider); in the server role the adapter also answers the
//! engine's authentication and bind questions from the header's account.

pub mod canon;
pub mod chunking;
pub mod compact;
pub mod compare;
pub mod diff;
pub mod engine;
pub mod parser;
pub mod report;
pub mod rng;
pub mod runner;
pub mod tls_peer;
pub mod transcript;
pub mod xml;
pub mod xmpp;
