//! The adapter against a scripted server, without any real XMPP peer: login, stanzas both
//! ways, iq request/response, close handshake, backpressure, and the engine's timers in
//! paused (virtual) time.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use xmpp_core::connection::TimeoutKind;
use xmpp_core::sasl::Mechanism;
use xmpp_core::stanza::{Iq, IqType, Message, MessageType};
use xmpp_core::xml::XmlElement;
use xmpp_core::{CloseReason, Event, TlsPolicy};
use xmpp_tokio::{ClientOptions, Error, Security};

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='localhost' version='1.0'>";
const SASL_FEATURES: &str = "<stream:features><mechanisms \
    xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>\
    </stream:features>";
const BIND_FEATURES: &str =
    "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";

/// The server side of a scripted exchange.
struct Script<S> {
    io: S,
    buf: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Script<S> {
    fn new(io: S) -> Self {
        Script {
            io,
            buf: Vec::new(),
        }
    }

    /// Reads until `pat` arrives; returns everything up to and including it.
    async fn expect(&mut self, pat: &str) -> String {
        loop {
            if let Some(i) = find(&self.buf, pat.as_bytes()) {
                let rest = self.buf.split_off(i + pat.len());
                let got = std::mem::replace(&mut self.buf, rest);
                return String::from_utf8(got).unwrap();
            }
            let mut chunk = [0u8; 4096];
            let n = self.io.read(&mut chunk).await.unwrap();
            assert!(
                n > 0,
                "EOF while waiting for {pat:?}; got {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    async fn send(&mut self, s: &str) {
        self.io.write_all(s.as_bytes()).await.unwrap();
    }

    /// The client's stream header → ours and SASL PLAIN → success → restart → bind.
    async fn login(&mut self) {
        self.expect(">").await; // the client's header (one tag)
        self.send(HEADER).await;
        self.send(SASL_FEATURES).await;
        let auth = self.expect("</auth>").await;
        assert!(auth.contains("mechanism='PLAIN'") || auth.contains("mechanism=\"PLAIN\""));
        self.send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")
            .await;
        self.expect("<stream:stream").await;
        self.expect(">").await;
        self.send(HEADER).await;
        self.send(BIND_FEATURES).await;
        let bind = self.expect("</iq>").await;
        let id = attr(&bind, "id");
        self.send(&format!(
            "<iq type='result' id='{id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
             <jid>alice@localhost/tokio</jid></bind></iq>"
        ))
        .await;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The value of attribute `name` in the first tag of `xml` that has it.
fn attr(xml: &str, name: &str) -> String {
    for q in ['\'', '"'] {
        let pat = format!(" {name}={q}");
        if let Some(i) = xml.find(&pat) {
            let rest = &xml[i + pat.len()..];
            return rest[..rest.find(q).unwrap()].to_owned();
        }
    }
    panic!("no {name} in {xml}");
}

fn options() -> ClientOptions {
    ClientOptions::new("alice@localhost".parse().unwrap(), "secret").map_config(|c| {
        c.with_tls_policy(TlsPolicy::Disabled)
            .with_plain_without_tls(true)
            .with_mechanisms(vec![Mechanism::Plain])
    })
}

#[tokio::test]
async fn login_stanzas_request_and_close_over_tcp() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut s = Script::new(tcp);
        s.login().await;
        // A message from the client, then one to it.
        let msg = s.expect("</message>").await;
        assert!(msg.contains("<body>hi</body>"), "{msg}");
        s.send(
            "<message from='bob@localhost/x' to='alice@localhost/tokio' type='chat'>\
             <body>hello alice</body></message>",
        )
        .await;
        // An iq request from the client, answered.
        let iq = s.expect("</iq>").await;
        assert!(iq.contains("urn:xmpp:ping"), "{iq}");
        let id = attr(&iq, "id");
        s.send(&format!("<iq type='result' id='{id}' from='localhost'/>"))
            .await;
        // The close handshake.
        s.expect("</stream:stream>").await;
        s.send("</stream:stream>").await;
        let mut rest = Vec::new();
        s.io.read_to_end(&mut rest).await.unwrap();
    });

    let mut client = options()
        .with_server("127.0.0.1", port, Security::StartTls)
        .connect()
        .await
        .unwrap();
    assert_eq!(client.jid().as_str(), "alice@localhost/tokio");
    assert_eq!(client.mechanism(), Some(Mechanism::Plain));
    assert!(client.tls_info().is_none());
    // Negotiation events come first.
    assert!(matches!(
        client.next_event().await,
        Some(Event::Authenticated {
            mechanism: Mechanism::Plain,
            channel_binding: None,
        })
    ));
    assert!(matches!(
        client.next_event().await,
        Some(Event::Online { .. })
    ));

    let msg = Message::builder()
        .with_type(MessageType::Chat)
        .with_to("bob@localhost")
        .with_body("hi")
        .build();
    client.send(msg).await.unwrap();
    match client.next_event().await {
        Some(Event::Stanza(el)) => {
            let m = Message::from_element(el.root()).unwrap();
            assert_eq!(m.body().as_deref(), Some("hello alice"));
        }
        other => panic!("expected the message, got {other:?}"),
    }
    let ping = Iq::builder(IqType::Get, "p1")
        .with_to("localhost")
        .with_payload(XmlElement::new("urn:xmpp:ping", "ping"))
        .build();
    let reply = client.request(ping).await.unwrap();
    assert_eq!(reply.attr("type").as_deref(), Some("result"));
    assert_eq!(client.close().await.unwrap(), CloseReason::Local);
    server.await.unwrap();
}

#[tokio::test]
async fn refused_connection_is_a_connect_error() {
    // Bind then drop, so the port is (almost certainly) closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = options()
        .with_server("127.0.0.1", port, Security::StartTls)
        .connect()
        .await
        .unwrap_err();
    match err {
        Error::Connect(attempts) => {
            assert_eq!(attempts.len(), 1);
            assert_eq!(
                attempts[0].error.kind(),
                std::io::ErrorKind::ConnectionRefused
            );
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn negotiation_failure_is_returned_by_connect() {
    let (ours, theirs) = tokio::io::duplex(4096);
    let server = tokio::spawn(async move {
        let mut s = Script::new(theirs);
        s.expect(">").await;
        s.send(HEADER).await;
        s.send(SASL_FEATURES).await;
        s.expect("</auth>").await;
        s.send("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>")
            .await;
        s.expect("</stream:stream>").await;
    });
    let err = options()
        .connect_over(ours, Security::StartTls)
        .await
        .unwrap_err();
    assert!(
        matches!(err.close_reason(), Some(CloseReason::Negotiation(_))),
        "{err}"
    );
    server.await.unwrap();
}

#[tokio::test]
async fn eof_from_the_server_ends_the_event_stream() {
    let (ours, theirs) = tokio::io::duplex(4096);
    let server = tokio::spawn(async move {
        let mut s = Script::new(theirs);
        s.login().await;
        // Drop the connection without a stream close.
    });
    let mut client = options()
        .connect_over(ours, Security::StartTls)
        .await
        .unwrap();
    server.await.unwrap();
    let mut last = None;
    while let Some(ev) = client.next_event().await {
        last = Some(ev);
    }
    assert_eq!(last, Some(Event::Closed(CloseReason::Eof)));
    let handle = client.handle();
    assert!(handle.is_closed());
    assert!(matches!(
        handle.send(Message::builder().with_body("x").build()).await,
        Err(e) if e.close_reason() == Some(&CloseReason::Eof)
    ));
}

#[tokio::test]
async fn sends_wait_while_the_socket_is_blocked() {
    // A 1 KiB pipe the server does not read, and a 4 KiB engine queue: sends must stop
    // being accepted (backpressure) until the server reads.
    let (ours, theirs) = tokio::io::duplex(1024);
    let (go_tx, go_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let mut s = Script::new(theirs);
        s.login().await;
        go_rx.await.unwrap();
        let mut n = 0;
        while n < 200 {
            s.expect("</message>").await;
            n += 1;
        }
        n
    });
    let client = options()
        .map_config(|c| c.with_max_outbound_bytes(4096))
        .connect_over(ours, Security::StartTls)
        .await
        .unwrap();
    let handle = client.handle();
    let sender = tokio::spawn(async move {
        for i in 0..200 {
            let body = format!("{i:03}{}", "x".repeat(500));
            let msg = Message::builder()
                .with_to("bob@localhost")
                .with_body(body)
                .build();
            handle.send(msg).await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!sender.is_finished(), "100 KiB went into a 1 KiB pipe");
    go_tx.send(()).unwrap();
    sender.await.unwrap();
    assert_eq!(server.await.unwrap(), 200);
}

#[tokio::test(start_paused = true)]
async fn keepalive_and_ping_timeout_in_virtual_time() {
    let (ours, theirs) = tokio::io::duplex(4096);
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        let mut s = Script::new(theirs);
        s.login().await;
        // Silent from now on; record what the client sends.
        let mut seen = Vec::new();
        let mut chunk = [0u8; 1024];
        loop {
            match s.io.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&chunk[..n]),
            }
        }
        let _ = seen_tx.send(String::from_utf8(seen).unwrap());
    });
    let start = tokio::time::Instant::now();
    let mut client = options()
        .connect_over(ours, Security::StartTls)
        .await
        .unwrap();
    let mut closed = None;
    while let Some(ev) = client.next_event().await {
        if let Event::Closed(r) = ev {
            closed = Some(r);
        }
    }
    // Default timers: keepalive 60 s, ping after 300 s of silence, 60 s to answer.
    assert_eq!(closed, Some(CloseReason::Timeout(TimeoutKind::Ping)));
    let elapsed = start.elapsed();
    assert!(
        (Duration::from_secs(360)..Duration::from_secs(361)).contains(&elapsed),
        "{elapsed:?}"
    );
    server.await.unwrap();
    let seen = seen_rx.await.unwrap();
    assert!(
        seen.starts_with(' '),
        "whitespace keepalive first: {seen:?}"
    );
    assert!(seen.contains("urn:xmpp:ping"), "{seen:?}");
    assert!(seen.contains("connection-timeout"), "{seen:?}");
}
