//! The `xmpp-core` stream reader's allocation targets, measured with a counting global
//! allocator on the 1 MiB client-to-server corpus:
//!
//! - at most 2 heap allocations per stanza on average, in whole-buffer and 1500-byte reads
//!   (allocations are `alloc` plus `realloc` calls: a realloc may move, so it counts);
//! - at most 2 KiB of heap held by an idle reader right after the stream header.
//!
//! Counting is per thread (see `benches::counting_alloc`), so these tests may run in
//! parallel with each other and with the test harness's own threads.

use benches::counting_alloc::{self, CountingAlloc};
use benches::{
    Feeder, READ_SIZES, SEED, TARGET_BYTES, c2s_corpus, measure_idle_heap, measure_parse,
};

#[path = "../shared/xmpp_core_feeder.rs"]
mod xmpp_core_feeder;

use xmpp_core_feeder::XmppCoreFeeder;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

const MAX_ALLOCATIONS_PER_STANZA: f64 = 2.0;
const MAX_IDLE_HEAP: i64 = 2048;

fn allocations_per_stanza(read_size: usize) -> f64 {
    assert!(counting_alloc::installed());
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    let (stanzas, stats) = measure_parse::<XmppCoreFeeder>(&corpus.bytes, read_size);
    assert_eq!(stanzas, corpus.stanzas);
    stats.allocations() as f64 / stanzas as f64
}

#[test]
fn at_most_two_allocations_per_stanza_whole_buffer() {
    let per_stanza = allocations_per_stanza(usize::MAX);
    assert!(
        per_stanza <= MAX_ALLOCATIONS_PER_STANZA,
        "{} whole-buffer: {per_stanza:.3} allocations per stanza",
        XmppCoreFeeder::NAME
    );
}

#[test]
fn at_most_two_allocations_per_stanza_1500_byte_reads() {
    let per_stanza = allocations_per_stanza(1500);
    assert!(
        per_stanza <= MAX_ALLOCATIONS_PER_STANZA,
        "{} 1500-byte reads: {per_stanza:.3} allocations per stanza",
        XmppCoreFeeder::NAME
    );
}

#[test]
fn idle_reader_after_header_holds_at_most_2_kib() {
    assert!(counting_alloc::installed());
    for (label, read_size) in READ_SIZES {
        let idle = measure_idle_heap::<XmppCoreFeeder>(read_size);
        assert!(
            idle <= MAX_IDLE_HEAP,
            "{} idle after header fed in {label} reads: {idle} bytes",
            XmppCoreFeeder::NAME
        );
    }
}
