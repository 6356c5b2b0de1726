//! The `xmpp-core` stream reader's allocation targets, measured with a counting global
//! allocator on the 1 MiB client-to-server corpus:
//!
//! - at most 2 heap allocations per stanza on average, in whole-buffer and 1500-byte reads
//!   (allocations are `alloc` plus `realloc` calls: a realloc may move, so it counts);
//! - at most 2 KiB of heap held by an idle reader right after the stream header.
//!
//! And `xmpp_core::Connection`'s, on the corpus' stanzas in 1500-byte reads through a
//! freshly logged-in connection (limits and their measurements below):
//!
//! - allocations per stanza: client (plaintext and TLS 1.3), server (`from` set, stamped);
//! - heap held by an idle online connection (client and server, plaintext and embedded
//!   TLS), right after login and after the corpus went through.
//!
//! Counting is per thread (see `benches::counting_alloc`), so these tests may run in
//! parallel with each other and with the test harness's own threads.

use std::time::Instant;

use benches::connection::{
    FULL_JID, Side, idle_heap, login_pair, measure_feed, online_client, pki, stanza_bytes,
    stored_keys, with_from,
};
use benches::counting_alloc::{self, CountingAlloc};
use benches::{
    Corpus, Feeder, READ_SIZES, SEED, TARGET_BYTES, c2s_corpus, measure_idle_heap, measure_parse,
};
use xmpp_core::Connection;
use xmpp_core::sasl::Mechanism;

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

// ----- Connection -----
//
// Limits are the values `alloc_report` measured when they were set (release build), times
// about 1.5 and rounded: a regression guard with headroom, not a target. Allocation counts
// follow code paths, so the debug build these tests usually run in passes the same limits.

/// Client, plaintext: measured 1.98 (1.84 allocs + 0.14 reallocs): the reader's node
/// table per stanza, the event queue, and the buffer of the replies to the corpus' pings.
const MAX_CLIENT_ALLOCATIONS_PER_STANZA: f64 = 3.0;
/// Client, TLS 1.3: measured 1.98; decrypted records reach the reader without a per-stanza
/// copy buffer, so TLS adds ~0.05 (one scratch buffer per decrypted read).
const MAX_CLIENT_TLS_ALLOCATIONS_PER_STANZA: f64 = 3.0;
/// Server, `from` already set: measured 3.78 (the `from` and `to` JIDs are parsed, one
/// allocation each).
const MAX_SERVER_FROM_SET_ALLOCATIONS_PER_STANZA: f64 = 5.7;
/// Server, `from` stamped: measured 5.78 (allocs + reallocs): the `from`-set path plus the
/// stamped copy of the bytes and of the node table (`Element::with_leading_attr`).
const MAX_SERVER_STAMPED_ALLOCATIONS_PER_STANZA: f64 = 9.5;

/// Idle online connections right after login; measured: client 2,487 B plaintext and
/// 11,293 B over TLS 1.3 (the rustls session is ~8.8 KB of it); server 2,642 B plaintext
/// and 10,896 B over TLS 1.3.
const MAX_IDLE_CLIENT: i64 = 3840;
const MAX_IDLE_CLIENT_TLS: i64 = 17 * 1024;
const MAX_IDLE_SERVER: i64 = 4096;
const MAX_IDLE_SERVER_TLS: i64 = 16 * 1024;
/// The same after the corpus went through; measured: client 2,935 B plaintext and
/// 51,758 B over TLS (rustls keeps its record buffers grown to a full 16 KiB record),
/// server 2,258 B plaintext and 22,617 B over TLS.
const MAX_IDLE_CLIENT_AFTER_TRAFFIC: i64 = 4608;
const MAX_IDLE_CLIENT_TLS_AFTER_TRAFFIC: i64 = 76 * 1024;
const MAX_IDLE_SERVER_AFTER_TRAFFIC: i64 = 4096;
const MAX_IDLE_SERVER_TLS_AFTER_TRAFFIC: i64 = 34 * 1024;

/// Allocations (allocs + reallocs) per stanza while `bytes` (the corpus' stanzas, maybe
/// sealed) go through the online `conn` in 1500-byte reads.
fn connection_allocations_per_stanza(conn: &mut Connection, bytes: &[u8], corpus: &Corpus) -> f64 {
    assert!(counting_alloc::installed());
    let (_, stats) = measure_feed(conn, Instant::now(), bytes, 1500);
    assert_eq!(conn.stats().stanzas_in, corpus.stanzas as u64);
    stats.allocations() as f64 / corpus.stanzas as f64
}

#[test]
fn client_connection_allocations_per_stanza() {
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    let now = Instant::now();
    let (mut client, _) = online_client(None, now);
    let plain = connection_allocations_per_stanza(&mut client, stanza_bytes(&corpus), &corpus);
    assert!(
        plain <= MAX_CLIENT_ALLOCATIONS_PER_STANZA,
        "client, plaintext: {plain:.3} allocations per stanza"
    );
    let pki = pki();
    let (mut client, mut server) = online_client(Some(&pki), now);
    let sealed = server.seal(stanza_bytes(&corpus));
    let tls = connection_allocations_per_stanza(&mut client, &sealed, &corpus);
    assert!(
        tls <= MAX_CLIENT_TLS_ALLOCATIONS_PER_STANZA,
        "client, TLS 1.3: {tls:.3} allocations per stanza"
    );
}

#[test]
fn server_connection_allocations_per_stanza() {
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    let from_set = with_from(&corpus, FULL_JID);
    let now = Instant::now();
    let keys = stored_keys();
    for (label, bytes, max) in [
        (
            "from set",
            stanza_bytes(&from_set),
            MAX_SERVER_FROM_SET_ALLOCATIONS_PER_STANZA,
        ),
        (
            "from stamped",
            stanza_bytes(&corpus),
            MAX_SERVER_STAMPED_ALLOCATIONS_PER_STANZA,
        ),
    ] {
        let (_, mut server) = login_pair(None, Mechanism::Plain, &keys, now);
        let per_stanza = connection_allocations_per_stanza(&mut server, bytes, &corpus);
        assert!(
            per_stanza <= max,
            "server, {label}: {per_stanza:.3} allocations per stanza (limit {max})"
        );
    }
}

#[test]
fn idle_online_connections_hold_little_heap() {
    assert!(counting_alloc::installed());
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    let pki = pki();
    let now = Instant::now();
    for (label, side, tls, max, max_after_traffic) in [
        (
            "client, plaintext",
            Side::Client,
            None,
            MAX_IDLE_CLIENT,
            MAX_IDLE_CLIENT_AFTER_TRAFFIC,
        ),
        (
            "client, TLS 1.3",
            Side::Client,
            Some(&pki),
            MAX_IDLE_CLIENT_TLS,
            MAX_IDLE_CLIENT_TLS_AFTER_TRAFFIC,
        ),
        (
            "server, plaintext",
            Side::Server,
            None,
            MAX_IDLE_SERVER,
            MAX_IDLE_SERVER_AFTER_TRAFFIC,
        ),
        (
            "server, TLS 1.3",
            Side::Server,
            Some(&pki),
            MAX_IDLE_SERVER_TLS,
            MAX_IDLE_SERVER_TLS_AFTER_TRAFFIC,
        ),
    ] {
        let idle = idle_heap(side, tls, None, now);
        assert!(
            idle <= max,
            "{label}, idle after login: {idle} bytes (limit {max})"
        );
        let idle = idle_heap(side, tls, Some(&corpus), now);
        assert!(
            idle <= max_after_traffic,
            "{label}, idle after the corpus: {idle} bytes (limit {max_after_traffic})"
        );
    }
}
