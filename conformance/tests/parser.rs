//! The transcript parser: every header key and step kind, and errors with line numbers.

use std::time::Duration;

use conformance::parser::{parse, unescape};
use conformance::transcript::{
    EventSpec, Payload, SendFrom, Side, StepKind, StreamKind, TlsPolicy,
};

const FULL: &str = "\
# a comment before the header
title: every key
spec: RFC 6120 §9.1
role: server
stream: s2s
domain: im.example.com
jid: juliet@im.example.com
password: r0m30myr0m30
resource: balcony
tls: optional
mechanisms: SCRAM-SHA-1, PLAIN
client-nonce: oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA
server-nonce: 3rfcNHYJY1ZVvWVs7j
salt: QSXCR+Q6sek8bf92
iterations: 4096
stream-ids: ++TR84Sm6A3hnt3Q065SnAbbk3Y= gPybzzOzN6ZQsvz7
send-from: after-tls
seed: 42
max-stanza-bytes: 10000
max-depth: 8
max-attributes: 16
---
C: <stream:stream to='im.example.com' version='1.0'
     xmlns='jabber:server'
     xmlns:stream='http://etherx.jabber.org/streams'>

# comments and blank lines between steps
S: <stream:features xmlns:stream='http://etherx.jabber.org/streams'>
     <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>
   </stream:features>
!raw C: <a>\\x41\\n\\r\\t\\\\</a>
!raw S: \\x20
!tls
!time +30s
!time +1500ms
!time +2m
!eof
!event secured
!event authenticated
!event online juliet@im.example.com/balcony
!event stanza
!event closed
!closed none
!closed not-well-formed
!closed restricted-xml|not-well-formed
!expect-nothing
!open
!skip-output
!stanzas 3
";

#[test]
fn every_header_key_and_step_kind_parses() {
    let t = parse(FULL, "default").unwrap();
    let h = &t.header;
    assert_eq!(h.title, "every key");
    assert_eq!(h.spec.as_deref(), Some("RFC 6120 §9.1"));
    assert_eq!(h.role, Side::Server);
    assert_eq!(h.stream, StreamKind::S2s);
    assert_eq!(h.domain, "im.example.com");
    assert_eq!(h.jid.as_deref(), Some("juliet@im.example.com"));
    assert_eq!(h.password.as_deref(), Some("r0m30myr0m30"));
    assert_eq!(h.resource.as_deref(), Some("balcony"));
    assert_eq!(h.tls, TlsPolicy::Optional);
    assert_eq!(
        h.mechanisms.as_deref(),
        Some(&["SCRAM-SHA-1".to_owned(), "PLAIN".to_owned()][..])
    );
    assert_eq!(
        h.client_nonce.as_deref(),
        Some("oMsTAAwAAAAMAAAANP0TAAAAAABPU0AA")
    );
    assert_eq!(h.server_nonce.as_deref(), Some("3rfcNHYJY1ZVvWVs7j"));
    assert_eq!(h.salt.as_ref().map(Vec::len), Some(12));
    assert_eq!(h.iterations, 4096);
    assert_eq!(h.stream_ids.as_ref().map(Vec::len), Some(2));
    assert_eq!(h.send_from, Some(SendFrom::AfterTls));
    assert_eq!(h.seed, 42);
    assert_eq!(
        (h.max_stanza_bytes, h.max_depth, h.max_attributes),
        (Some(10000), Some(8), Some(16))
    );

    let kinds: Vec<&StepKind> = t.steps.iter().map(|s| &s.kind).collect();
    assert_eq!(t.steps[0].line, 23);
    assert_eq!(t.steps[1].line, 28);
    let StepKind::Data {
        side: Side::Client,
        payload: Payload::Xml { text, items: None },
        stream_opens: 1,
        ..
    } = kinds[0]
    else {
        panic!("{:?}", kinds[0])
    };
    assert!(text.starts_with("<stream:stream to='im.example.com'"));
    let StepKind::Data {
        side: Side::Server,
        payload: Payload::Xml {
            text,
            items: Some(items),
        },
        ..
    } = kinds[1]
    else {
        panic!("{:?}", kinds[1])
    };
    assert_eq!(
        text,
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
    );
    assert_eq!(items.len(), 1);
    assert_eq!(
        kinds[2],
        &StepKind::Data {
            side: Side::Client,
            payload: Payload::Raw(b"<a>A\n\r\t\\</a>".to_vec()),
            stream_opens: 0,
            sasl_success: false
        }
    );
    assert!(
        matches!(kinds[3], StepKind::Data { side: Side::Server, payload: Payload::Raw(b), .. } if b == b" ")
    );
    let rest: Vec<StepKind> = vec![
        StepKind::Tls,
        StepKind::Time(Duration::from_secs(30)),
        StepKind::Time(Duration::from_millis(1500)),
        StepKind::Time(Duration::from_secs(120)),
        StepKind::Eof,
        StepKind::Event(EventSpec::Secured),
        StepKind::Event(EventSpec::Authenticated),
        StepKind::Event(EventSpec::Online("juliet@im.example.com/balcony".into())),
        StepKind::Event(EventSpec::Stanza),
        StepKind::Event(EventSpec::Closed),
        StepKind::Closed(None),
        StepKind::Closed(Some(vec!["not-well-formed".into()])),
        StepKind::Closed(Some(vec![
            "restricted-xml".into(),
            "not-well-formed".into(),
        ])),
        StepKind::ExpectNothing,
        StepKind::Open,
        StepKind::SkipOutput,
        StepKind::Stanzas(3),
    ];
    assert_eq!(
        kinds[4..].iter().map(|k| (*k).clone()).collect::<Vec<_>>(),
        rest
    );
}

#[test]
fn defaults_apply() {
    let t = parse("role: client\ndomain: example.com\n---\n", "file-name").unwrap();
    assert_eq!(t.header.title, "file-name");
    assert_eq!(t.header.stream, StreamKind::C2s);
    assert_eq!(t.header.tls, TlsPolicy::Required);
    assert_eq!(t.header.iterations, 4096);
    assert_eq!(t.header.seed, 0);
    assert!(t.steps.is_empty());
}

fn error_at(text: &str) -> (usize, String) {
    let e = parse(text, "t").expect_err("must not parse");
    (e.line, e.message)
}

#[test]
fn errors_name_their_line() {
    let cases: &[(&str, usize, &str)] = &[
        (
            "role: client\ndomain: d\ncolour: blue\n---\n",
            3,
            "unknown header key",
        ),
        (
            "role: client\nrole: server\ndomain: d\n---\n",
            2,
            "duplicate",
        ),
        ("domain: d\n---\n", 2, "no `role`"),
        ("role: client\n---\n", 2, "no `domain`"),
        ("role: client\ndomain: d\n", 0, "no `---`"),
        ("role: robot\ndomain: d\n---\n", 1, "role must be"),
        ("role: client\ndomain: d\nseed: -1\n---\n", 3, "seed"),
        ("role: client\ndomain: d\nsalt: ***\n---\n", 3, "base64"),
        (
            "role: client\ndomain: d\njust words\n---\n",
            3,
            "key: value",
        ),
        (
            "role: client\ndomain: d\n---\n  <a/>\n",
            4,
            "continuation line before any step",
        ),
        ("role: client\ndomain: d\n---\n!dance\n", 4, "unknown step"),
        ("role: client\ndomain: d\n---\n!tls now\n", 4, "no argument"),
        (
            "role: client\ndomain: d\n---\n!raw C: a\n  b\n",
            4,
            "only `C:` and `S:`",
        ),
        (
            "role: client\ndomain: d\n---\n!raw C: \\q\n",
            4,
            "unknown escape",
        ),
        (
            "role: client\ndomain: d\n---\n!raw X: a\n",
            4,
            "`C:` or `S:`",
        ),
        ("role: client\ndomain: d\n---\n!time 30s\n", 4, "+N"),
        ("role: client\ndomain: d\n---\n!time +30h\n", 4, "unit"),
        (
            "role: client\ndomain: d\n---\n!event online\n",
            4,
            "bound JID",
        ),
        (
            "role: client\ndomain: d\n---\n!event teleported\n",
            4,
            "unknown event",
        ),
        (
            "role: client\ndomain: d\n---\n!closed not-wellformed\n",
            4,
            "§4.9.3",
        ),
        ("role: client\ndomain: d\n---\n!stanzas many\n", 4, "count"),
        ("role: client\ndomain: d\n---\nC:\n", 4, "empty"),
        (
            "role: client\ndomain: d\n---\n\nC: <a xmlns='u'><b></a>\n",
            5,
            "does not match",
        ),
        ("role: client\ndomain: d\n---\nS: <a <<\n", 4, "!raw"),
    ];
    for (text, line, part) in cases {
        let (got_line, message) = error_at(text);
        assert_eq!(got_line, *line, "{text:?}: {message}");
        assert!(
            message.contains(part),
            "{text:?}: {message:?} lacks {part:?}"
        );
    }
}

#[test]
fn raw_escapes() {
    assert_eq!(unescape("a\\x00\\xff\\\\").unwrap(), b"a\x00\xff\\");
    assert_eq!(unescape("é").unwrap(), "é".as_bytes());
    assert!(unescape("\\x4").is_err());
    assert!(unescape("\\xzz").is_err());
    assert!(unescape("\\").is_err());
}

#[test]
fn expectations_resolve_namespaces_from_their_own_side() {
    // The server's header declares the default namespace its later steps rely on.
    let t = parse(
        "role: client\ndomain: d\n---\n\
         S: <stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\n\
         C: <stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\n\
         C: <message><body>x</body></message>\n",
        "t",
    )
    .unwrap();
    let StepKind::Data {
        payload: Payload::Xml {
            items: Some(items), ..
        },
        ..
    } = &t.steps[2].kind
    else {
        panic!()
    };
    let conformance::xml::Item::Element { element, .. } = &items[0] else {
        panic!()
    };
    assert!(element.name.is("jabber:client", "message"));
}
