//! Heap allocation report for the `xmpp-core` stream reader, with rxml for comparison, and
//! for online `xmpp_core::Connection`s.
//!
//! Feeds the 1 MiB client-to-server corpus in whole-buffer, 1500-byte and 1-byte reads and
//! prints a markdown table: allocator calls per stanza while parsing, and the heap an idle
//! parser holds right after the stream header. Then two connection tables: allocator calls
//! per stanza through an online connection (client plaintext and TLS 1.3, server with
//! `from` set and stamped; 1500-byte reads), and the heap one idle online connection holds
//! (client and server, plaintext and embedded TLS), right after login and after the corpus
//! went through. Run with `cargo run --release -p benches --bin alloc_report`.

use std::time::Instant;

use benches::connection::{
    FULL_JID, Side, idle_heap, login_pair, measure_feed, online_client, pki, stanza_bytes,
    stored_keys, with_from,
};
use benches::counting_alloc::{self, AllocStats, CountingAlloc};
use benches::{
    Corpus, Feeder, READ_SIZES, RxmlFeeder, SEED, TARGET_BYTES, c2s_corpus, measure_idle_heap,
    measure_parse,
};
use xmpp_core::sasl::Mechanism;

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
    connection_tables(&corpus);
}

/// One per-stanza row for a connection fed `bytes` (already online, outputs drained).
fn connection_row(label: &str, conn: &mut xmpp_core::Connection, bytes: &[u8], corpus: &Corpus) {
    let now = Instant::now();
    let before = conn.stats().stanzas_in;
    let (_, s) = measure_feed(conn, now, bytes, 1500);
    let stanzas = (conn.stats().stanzas_in - before) as usize;
    assert_eq!(stanzas, corpus.stanzas, "{label}");
    println!(
        "| {label} | {:.3} | {:.3} | {:.3} | {:.1} |",
        per_stanza(s.allocs, stanzas),
        per_stanza(s.reallocs, stanzas),
        per_stanza(s.deallocs, stanzas),
        per_stanza(s.allocated_bytes, stanzas),
    );
}

fn connection_tables(corpus: &Corpus) {
    let now = Instant::now();
    let pki = pki();
    let keys = stored_keys();
    let from_set = with_from(corpus, FULL_JID);
    let bytes = stanza_bytes(corpus);

    println!(
        "\n| online connection, 1500 B reads | allocs/stanza | reallocs/stanza | \
         deallocs/stanza | bytes allocated/stanza |"
    );
    println!("|---|---:|---:|---:|---:|");
    let (mut client, _) = online_client(None, now);
    connection_row("client, plaintext", &mut client, bytes, corpus);
    let (mut client, mut server) = online_client(Some(&pki), now);
    let sealed = server.seal(bytes);
    connection_row("client, TLS 1.3", &mut client, &sealed, corpus);
    let (_, mut server) = login_pair(None, Mechanism::Plain, &keys, now);
    connection_row(
        "server, `from` set",
        &mut server,
        stanza_bytes(&from_set),
        corpus,
    );
    let (_, mut server) = login_pair(None, Mechanism::Plain, &keys, now);
    connection_row("server, `from` stamped", &mut server, bytes, corpus);
    println!(
        "\nPer stanza: allocator calls while the stanzas go through a freshly logged-in \
         connection in 1500-byte reads (TLS: ciphertext sealed beforehand, uncounted), \
         transmits and events drained and dropped after every read, divided by the stanza \
         count."
    );

    println!(
        "\n| idle online connection | after login (bytes) | after the corpus went through (bytes) |"
    );
    println!("|---|---:|---:|");
    for (label, side, tls) in [
        ("client, plaintext", Side::Client, None),
        ("client, TLS 1.3 (rustls)", Side::Client, Some(&pki)),
        ("server, plaintext", Side::Server, None),
        ("server, TLS 1.3 (rustls)", Side::Server, Some(&pki)),
    ] {
        let login = idle_heap(side, tls, None, now);
        let traffic = idle_heap(side, tls, Some(corpus), now);
        println!("| {label} | {login} | {traffic} |");
    }
    println!(
        "\nIdle heap: live bytes after minus before creating the connection (its \
         configuration included), logging it in with PLAIN (client: canned server bytes, \
         STARTTLS to a raw rustls server for TLS; server: a client engine) and draining \
         every output, peers freed; the per-process rustls configurations are excluded. \
         After the corpus: the same with the corpus' stanzas received first (client: \
         1500-byte reads; server: one stanza per client write)."
    );
}
