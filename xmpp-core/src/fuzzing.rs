//! Entry points for the fuzz targets in `fuzz/` (not a stable API).
//!
//! Each function runs one input and checks the invariants a hostile peer must not break:
//! no panic, at most one error, memory bounded by the limits.

use crate::xml::{Limits, StreamEvent, StreamReader, Writer};

/// Feeds `data[1..]` to a reader with small limits, in chunks sized by `data[0]`, and
/// re-serialises every element it yields.
pub fn reader(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64) + 1;
    let limits = Limits {
        max_stanza_bytes: 4096,
        max_header_bytes: 1024,
        max_depth: 16,
        ..Limits::default()
    };
    let bound = 2 * (limits.max_stanza_bytes + 1);
    let mut reader = StreamReader::new(limits);
    for piece in rest.chunks(chunk) {
        let mut piece = piece;
        loop {
            match reader.next_event(&mut piece) {
                Ok(Some(StreamEvent::Element(el))) => {
                    let mut out = Vec::new();
                    if let Some(ctx) = reader.context() {
                        Writer::new(&mut out, ctx).element_ref(el.root());
                    }
                    let _ = el.root().to_owned();
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return,
            }
            assert!(
                reader.buffered().len() <= bound,
                "reader holds more than its limits allow"
            );
        }
    }
}

/// Drives a client (`data[0]` even) or server (odd) connection with `data[1..]` as the
/// peer's bytes, in chunks sized by `data[0]`, answering every question the engine asks
/// and advancing virtual time between chunks. Checks: no panic, one `Closed` event at
/// most and nothing after it, deadlines never in the past after a timeout.
pub fn connection(data: &[u8], start: std::time::Instant) {
    use crate::connection::{
        AuthAnswer, AuthRequest, BindAnswer, ClientConfig, Connection, Event, Input, ServerConfig,
        TlsPolicy,
    };
    use crate::sasl::{ScramHash, ScramKeys};
    use std::time::Duration;

    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first >> 1) + 1;
    let mut conn = if first & 1 == 0 {
        let config = ClientConfig::new(crate::Jid::new("juliet@im.example.com").expect("valid"))
            .with_password("r0m30myr0m30")
            .with_tls_policy(TlsPolicy::Optional)
            .with_plain_without_tls(true);
        Connection::client(config, start)
    } else {
        let config = ServerConfig::new("im.example.com")
            .with_tls_policy(TlsPolicy::Optional)
            .with_plain_without_tls(true);
        Connection::server(config, start)
    };
    let keys = ScramKeys::derive(ScramHash::Sha1, "pw", b"salt", 1).expect("keys");
    let mut now = start;
    let mut closed = 0;
    for piece in rest.chunks(chunk) {
        now += Duration::from_secs(u64::from(piece[0] % 8) * 20);
        let _ = conn.handle_input(now, Input::Timeout);
        if let Some(t) = conn.poll_timeout() {
            assert!(t > now, "deadline not after a handled timeout");
        }
        let _ = conn.handle_input(now, Input::Data(piece));
        while conn.poll_transmit().is_some() {}
        while let Some(event) = conn.poll_event() {
            assert_eq!(closed, 0, "event after Closed: {event:?}");
            let _ = match event {
                Event::Closed(_) => {
                    closed += 1;
                    Ok(())
                }
                Event::AuthRequest(AuthRequest::Scram { .. }) => {
                    conn.answer_auth(now, AuthAnswer::Keys(Some(keys.clone())))
                }
                Event::AuthRequest(_) => conn.answer_auth(
                    now,
                    AuthAnswer::Accept {
                        username: Some("a".into()),
                    },
                ),
                Event::BindRequest { proposed, .. } => {
                    conn.answer_bind(now, BindAnswer::Accept(proposed))
                }
                _ => Ok(()),
            };
        }
        if closed > 0 {
            assert!(
                conn.poll_transmit().is_none(),
                "output after Closed was drained"
            );
        }
    }
}
