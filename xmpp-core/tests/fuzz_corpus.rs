//! Replays the fuzz corpus on stable Rust, so CI covers what fuzzing found (DESIGN §8).

mod support {
    pub mod epoch;
}

#[test]
fn fuzz_corpus_replays_without_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/reader");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz corpus directory") {
        let path = entry.expect("corpus entry").path();
        if path.is_file() {
            xmpp_core::fuzzing::reader(&std::fs::read(&path).expect("corpus file"));
            count += 1;
        }
    }
    assert!(count >= 9, "corpus has {count} inputs");
}

#[test]
fn connection_corpus_replays_without_panic() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus/connection");
    let mut count = 0;
    for entry in std::fs::read_dir(&dir).expect("fuzz corpus directory") {
        let path = entry.expect("corpus entry").path();
        if path.is_file() {
            let data = std::fs::read(&path).expect("corpus file");
            xmpp_core::fuzzing::connection(&data, support::epoch::epoch());
            count += 1;
        }
    }
    assert!(count >= 6, "corpus has {count} inputs");
}
