//! Heap allocation report for the `xmpp-core` stream reader, with rxml for comparison.
//!
//! Feeds the 1 MiB client-to-server corpus in whole-buffer, 1500-byte and 1-byte reads and
//! prints a markdown table: allocator calls per stanza while parsing, and the heap an idle
//! parser holds right after the stream header. Run with
//! `cargo run --release -p benches --bin alloc_report`.

use benches::counting_alloc::{self, AllocStats, CountingAlloc};
use benches::{
    Feeder, READ_SIZES, RxmlFeeder, SEED, TARGET_BYTES, c2s_corpus, measure_idle_heap,
    measure_parse,
};

#[path = "../../shared/xmpp_core_feeder.rs"]
mod xmpp_core_feeder;

use xmpp_core_feeder::XmppCoreFeeder;

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

fn per_stanza(n: u64, stanzas: usize) -> f64 {
    n as f64 / stanzas as f64
}

fn rows<F: Feeder>(bytes: &[u8], expected_stanzas: usize) {
    for (label, read_size) in READ_SIZES {
        let (stanzas, s): (usize, AllocStats) = measure_parse::<F>(bytes, read_size);
        assert_eq!(stanzas, expected_stanzas, "{} at {label} reads", F::NAME);
        let idle = measure_idle_heap::<F>(read_size);
        println!(
            "| {} | {label} | {:.3} | {:.3} | {:.3} | {:.1} | {} |",
            F::NAME,
            per_stanza(s.allocs, stanzas),
            per_stanza(s.reallocs, stanzas),
            per_stanza(s.deallocs, stanzas),
            per_stanza(s.allocated_bytes, stanzas),
            idle,
        );
    }
}

fn main() {
    assert!(
        counting_alloc::installed(),
        "the counting allocator is not the global allocator"
    );
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    println!(
        "Corpus: seed {SEED:#x}, {} bytes, {} stanzas.\n",
        corpus.bytes.len(),
        corpus.stanzas
    );
    println!(
        "| parser | reads | allocs/stanza | reallocs/stanza | deallocs/stanza | \
         bytes allocated/stanza | idle heap after header (bytes) |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    rows::<XmppCoreFeeder>(&corpus.bytes, corpus.stanzas);
    rows::<RxmlFeeder>(&corpus.bytes, corpus.stanzas);
    println!(
        "\nPer stanza: allocator calls while feeding the whole corpus to a fresh parser \
         (created before counting), divided by the stanza count; events are dropped as \
         they come, so their frees count as deallocs. Idle heap: live bytes after creating \
         a parser, feeding it the XML declaration and stream header and dropping the \
         header events, minus live bytes before."
    );
}
