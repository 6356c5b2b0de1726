//! Every bundled transcript (and every pending one) parses, cites its spec, and the suite
//! holds at least 60 runnable transcripts.

use conformance::parser::parse_file;
use conformance::report::{bundled_dir, discover};

#[test]
fn bundled_transcripts_parse_and_cite_their_spec() {
    let pending = bundled_dir().with_file_name("transcripts-pending");
    let mut paths = discover(&[bundled_dir()]).unwrap();
    let runnable = paths.len();
    if pending.is_dir() {
        paths.extend(discover(&[pending]).unwrap());
    }
    let mut errors = Vec::new();
    for path in &paths {
        match parse_file(path) {
            Ok(t) if t.header.spec.is_none() => errors.push(format!("{}: no spec", path.display())),
            Ok(_) => {}
            Err(e) => errors.push(format!("{}: {e}", path.display())),
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert!(runnable >= 60, "only {runnable} bundled transcripts");
}
