//! Criterion benchmarks of `xmpp_core::Connection`: what a connection costs on top of the
//! bare stream reader, what TLS adds, the server's `from` handling, and logins per second.
//!
//! Corpus: the stanza part of the generated 1 MiB c2s stream (`benches::c2s_corpus`, the
//! reader bench's corpus without its prologue), delivered in 1500-byte reads (one Ethernet
//! MTU) to a connection that is already online. After every read the drive loop drains
//! `poll_transmit` and `poll_event`, as a real loop does; events are dropped at once.
//!
//! - `reader`: the bare `StreamReader` (past the stream header) on the same bytes and
//!   reads: the floor, so `client / reader` is the connection layer's overhead.
//! - `client`: a plaintext client connection (TLS policy `Disabled`, PLAIN allowed, logged
//!   in against canned server bytes).
//! - `client_tls13`: the same over embedded rustls TLS 1.3 (AES-128-GCM, ring): before
//!   each iteration, untimed, a raw rustls server session encrypts the stanzas in 16 KiB
//!   records; the timed part is the client decrypting and parsing them. Throughput is
//!   counted in plaintext bytes, like the others.
//! - `server_from_set` / `server_stamped`: an online server connection (plaintext, logged
//!   in by a client engine) receiving the client's stanzas, with `from` already set to the
//!   bound JID (checked) or without `from` (stamped: each stanza is re-framed with
//!   `from='juliet@im.example.com/balcony'`, RFC 6120 §8.1.2.1).
//!
//! `login`: full client↔server logins between two engines in virtual time, per second:
//! over in-memory TLS 1.3 (ECDSA P-256 certificate, STARTTLS) with SCRAM-SHA-256 (4096
//! iterations, the server answering from stored keys) and with PLAIN, and PLAIN without
//! TLS to separate the XMPP negotiation from the TLS handshake. Each login is both sides'
//! work: TLS handshakes, SASL, bind.
//!
//! `cargo bench -p benches --bench connection -- --warm-up-time 1 --measurement-time 3`
//! takes about two minutes on two cores; `cargo test -p benches --benches` runs every
//! benchmark once.

use std::hint::black_box;
use std::time::{Duration, Instant};

use benches::connection::{
    FULL_JID, Pki, feed, login_pair, online_client, pki, stanza_bytes, stored_keys, with_from,
};
use benches::{Corpus, PROLOGUE, SEED, TARGET_BYTES, c2s_corpus};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};
use xmpp_core::Connection;
use xmpp_core::sasl::{Mechanism, ScramKeys};
use xmpp_core::xml::{Limits, StreamEvent, StreamReader};

/// Bytes per read.
const READ: usize = 1500;

/// A bare stream reader past the stream header, fed `bytes` in `READ`-byte reads; returns
/// the stanzas (depth-1 elements) it completed.
fn reader_feed(reader: &mut StreamReader, bytes: &[u8]) -> usize {
    let mut stanzas = 0;
    for read in bytes.chunks(READ) {
        let mut input = read;
        loop {
            match reader.next_event(&mut input) {
                Ok(Some(StreamEvent::Element(_))) => stanzas += 1,
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => panic!("xmpp-core: {e}"),
            }
        }
    }
    stanzas
}

fn header_read_reader() -> StreamReader {
    let mut reader = StreamReader::new(Limits::default());
    assert_eq!(reader_feed(&mut reader, PROLOGUE.as_bytes()), 0);
    reader
}

/// The client answers the corpus' XEP-0199 pings itself; every other stanza is an event.
fn pings(corpus: &Corpus) -> usize {
    let text = std::str::from_utf8(&corpus.bytes).expect("UTF-8");
    text.matches("<ping xmlns='urn:xmpp:ping'/>").count()
}

/// An online server connection, logged in by a client engine over plaintext.
fn online_server(keys: &ScramKeys, now: Instant) -> Connection {
    login_pair(None, Mechanism::Plain, keys, now).1
}

/// Checks, once before measuring, that every variant sees every stanza.
fn check(corpus: &Corpus, from_set: &Corpus, pki: &Pki, keys: &ScramKeys, now: Instant) {
    let bytes = stanza_bytes(corpus);
    let events = corpus.stanzas - pings(corpus);
    assert_eq!(
        reader_feed(&mut header_read_reader(), bytes),
        corpus.stanzas
    );

    let (mut client, _) = online_client(None, now);
    assert_eq!(feed(&mut client, now, bytes, READ), events, "client");
    assert_eq!(client.stats().stanzas_in, corpus.stanzas as u64);

    let (mut client, mut server) = online_client(Some(pki), now);
    assert!(client.is_secure());
    for _ in 0..2 {
        let sealed = server.seal(bytes);
        assert!(sealed.len() > bytes.len());
        assert_eq!(
            feed(&mut client, now, &sealed, READ),
            events,
            "client_tls13"
        );
    }

    for (name, c) in [("server_from_set", from_set), ("server_stamped", corpus)] {
        let mut server = online_server(keys, now);
        // The server surfaces everything: the pings go to example.com, not to it.
        assert_eq!(
            feed(&mut server, now, stanza_bytes(c), READ),
            c.stanzas,
            "{name}"
        );
    }
    let (client, server) = login_pair(Some(pki), Mechanism::ScramSha256, keys, now);
    assert!(client.is_secure() && server.is_secure());
}

fn online_group(
    g: &mut BenchmarkGroup<'_, WallTime>,
    elements: bool,
    corpus: &Corpus,
    from_set: &Corpus,
    pki: &Pki,
    keys: &ScramKeys,
) {
    let now = Instant::now();
    let throughput = |c: &Corpus| {
        if elements {
            Throughput::Elements(c.stanzas as u64)
        } else {
            Throughput::Bytes(stanza_bytes(c).len() as u64)
        }
    };
    let bytes = stanza_bytes(corpus);
    g.throughput(throughput(corpus));

    let mut reader = header_read_reader();
    g.bench_function("reader", |b| {
        b.iter(|| reader_feed(&mut reader, black_box(bytes)))
    });

    let (mut client, _) = online_client(None, now);
    g.bench_function("client", |b| {
        b.iter(|| feed(&mut client, now, black_box(bytes), READ))
    });

    let (mut client, mut server) = online_client(Some(pki), now);
    g.bench_function("client_tls13", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            for _ in 0..iters {
                let sealed = server.seal(bytes);
                let start = Instant::now();
                black_box(feed(&mut client, now, black_box(&sealed), READ));
                timed += start.elapsed();
            }
            timed
        })
    });

    g.throughput(throughput(from_set));
    let mut server = online_server(keys, now);
    let from_bytes = stanza_bytes(from_set);
    g.bench_function("server_from_set", |b| {
        b.iter(|| feed(&mut server, now, black_box(from_bytes), READ))
    });

    g.throughput(throughput(corpus));
    let mut server = online_server(keys, now);
    g.bench_function("server_stamped", |b| {
        b.iter(|| feed(&mut server, now, black_box(bytes), READ))
    });
}

fn login_group(c: &mut Criterion, pki: &Pki, keys: &ScramKeys) {
    let mut g = c.benchmark_group("login");
    g.throughput(Throughput::Elements(1));
    let now = Instant::now();
    for (name, tls, mechanism) in [
        ("scram_sha_256_tls13", Some(pki), Mechanism::ScramSha256),
        ("plain_tls13", Some(pki), Mechanism::Plain),
        ("plain_no_tls", None, Mechanism::Plain),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| login_pair(tls, mechanism, black_box(keys), now))
        });
    }
    g.finish();
}

fn connection(c: &mut Criterion) {
    let corpus = c2s_corpus(SEED, TARGET_BYTES);
    let from_set = with_from(&corpus, FULL_JID);
    let pki = pki();
    let keys = stored_keys();
    check(&corpus, &from_set, &pki, &keys, Instant::now());

    for (name, elements) in [("connection_bytes", false), ("connection_stanzas", true)] {
        let mut g = c.benchmark_group(name);
        g.sample_size(20);
        online_group(&mut g, elements, &corpus, &from_set, &pki, &keys);
        g.finish();
    }
    login_group(c, &pki, &keys);
}

criterion_group!(benches, connection);
criterion_main!(benches);
