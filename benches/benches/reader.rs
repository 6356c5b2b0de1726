//! Stream reader throughput on a 1 MiB client-to-server corpus: the `xmpp-core`
//! `StreamReader` against rxml's namespace-aware push parser (what tokio-xmpp uses), both
//! fed in whole-buffer, 1500-byte and 1-byte reads, and against plain `xmlparser`
//! tokenisation of the whole buffer.
//!
//! Two groups measure the same runs: `reader_bytes` reports bytes/s, `reader_stanzas`
//! stanzas/s. `cargo bench -p benches --bench reader` takes under two minutes on two cores;
//! `cargo test -p benches --benches` runs every benchmark once.

use std::hint::black_box;
use std::time::Duration;

use benches::{
    Corpus, Feeder, READ_SIZES, RxmlFeeder, SEED, TARGET_BYTES, c2s_corpus, feed_reads,
    xmlparser_stanza_spans, xmlparser_stanzas,
};
use criterion::measurement::WallTime;
use criterion::{
    BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group,
    criterion_main,
};
use xmpp_core::xml::{Limits, StreamEvent, StreamReader};

#[path = "../shared/xmpp_core_feeder.rs"]
mod xmpp_core_feeder;

use xmpp_core_feeder::XmppCoreFeeder;

/// Checks, once before measuring, that every parser at every read size sees the corpus's
/// stanzas, and that `xmpp-core` hands out exactly each stanza's bytes.
fn check(corpus: &Corpus) {
    let text = std::str::from_utf8(&corpus.bytes).expect("corpus is UTF-8");
    for (label, read_size) in READ_SIZES {
        let core = feed_reads(&mut XmppCoreFeeder::new(), &corpus.bytes, read_size);
        assert_eq!(core, corpus.stanzas, "xmpp-core, {label} reads");
        let rxml = feed_reads(&mut RxmlFeeder::new(), &corpus.bytes, read_size);
        assert_eq!(rxml, corpus.stanzas, "rxml, {label} reads");
    }
    assert_eq!(xmlparser_stanzas(text), corpus.stanzas, "xmlparser");

    let spans = xmlparser_stanza_spans(text);
    for (label, read_size) in READ_SIZES {
        let mut reader = StreamReader::new(Limits::default());
        let mut expected = spans.iter();
        for read in corpus.bytes.chunks(read_size) {
            let mut input = read;
            loop {
                match reader.next_event(&mut input) {
                    Ok(Some(StreamEvent::Element(el))) => {
                        let span = expected.next().expect("more elements than stanzas");
                        assert_eq!(
                            &el.bytes()[..],
                            &corpus.bytes[span.clone()],
                            "xmpp-core element bytes at {span:?}, {label} reads"
                        );
                    }
                    Ok(Some(_)) => {}
                    Ok(None) => break,
                    Err(e) => panic!("xmpp-core, {label} reads: {e}"),
                }
            }
        }
        assert!(expected.next().is_none(), "xmpp-core missed stanzas");
    }
}

fn bench_feeder<F: Feeder>(
    g: &mut BenchmarkGroup<'_, WallTime>,
    corpus: &Corpus,
    read: (&str, usize),
) {
    let (label, read_size) = read;
    g.bench_with_input(
        BenchmarkId::new(F::NAME, label),
        &corpus.bytes,
        |b, bytes| {
            b.iter(|| feed_reads(&mut F::new(), black_box(bytes), read_size));
        },
    );
}

fn group(c: &mut Criterion, name: &str, throughput: Throughput, corpus: &Corpus) {
    let mut g = c.benchmark_group(name);
    g.throughput(throughput);
    for read in READ_SIZES {
        if read.1 == 1 {
            // 1-byte reads take tens to hundreds of milliseconds per pass over the corpus.
            g.sampling_mode(SamplingMode::Flat)
                .sample_size(10)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(5));
        } else {
            g.sampling_mode(SamplingMode::Auto)
                .sample_size(30)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(4));
        }
        bench_feeder::<XmppCoreFeeder>(&mut g, corpus, read);
        bench_feeder::<RxmlFeeder>(&mut g, corpus, read);
    }
    // Tokenisation only, no namespaces, entity expansion or events to hand out. UTF-8
    // validation of the received bytes is included, as every reader above does it too.
    g.bench_with_input(
        BenchmarkId::new("xmlparser", "whole"),
        &corpus.bytes,
        |b, bytes| {
            b.iter(|| {
                let text = std::str::from_utf8(black_box(bytes)).expect("corpus is UTF-8");
                xmlparser_stanzas(text)
            });
        },
    );
    g.finish();
}

fn reader(c: &mut Criterion) {
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    check(&corpus);
    let bytes = corpus.bytes.len() as u64;
    let stanzas = corpus.stanzas as u64;
    group(c, "reader_bytes", Throughput::Bytes(bytes), &corpus);
    group(c, "reader_stanzas", Throughput::Elements(stanzas), &corpus);
}

criterion_group!(benches, reader);
criterion_main!(benches);
