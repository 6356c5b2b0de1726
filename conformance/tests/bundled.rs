//! `cargo test` runs the bundled transcripts against `xmpp-core`, as `cargo run -p
//! conformance` does, so CI covers them.

use conformance::report::{bundled_dir, run_paths};

#[test]
fn every_bundled_transcript_passes() {
    let mut report = Vec::new();
    let summary = run_paths(
        &[bundled_dir()],
        &conformance::xmpp::start,
        true,
        &mut report,
    )
    .unwrap();
    let report = String::from_utf8(report).unwrap();
    assert_eq!(summary.failed, 0, "\n{report}");
    assert!(summary.passed >= 60, "\n{report}");
}
