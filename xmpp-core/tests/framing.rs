//! Framing of depth-1 elements, the stream header, keepalives, close and restarts
//! (RFC 6120 §4.1–§4.4, §4.7, §11.7).

mod common;

use common::*;
use xmpp_core::xml::{Limits, NodeRef, StreamEvent, StreamReader, StreamVersion};

#[test]
fn header_attributes_are_reported() {
    // RFC 6120 §4.7.
    let (events, _, err) = run(
        b"<?xml version='1.0'?><stream:stream from='juliet@im.example.com' \
        to='im.example.com' id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' version='1.0' xml:lang='en' \
        xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    );
    assert_eq!(err, None);
    let [Ev::Header(h)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(h.from.as_deref(), Some("juliet@im.example.com"));
    assert_eq!(h.to.as_deref(), Some("im.example.com"));
    assert_eq!(h.id.as_deref(), Some("++TR84Sm6A3hnt3Q065SnAbbk3Y="));
    assert_eq!(h.version, Some(StreamVersion::V1_0));
    assert_eq!(h.lang(), Some("en"));
    assert_eq!(h.content_ns(), "jabber:client");
    assert_eq!(h.prefix.as_deref(), Some("stream"));
}

#[test]
fn elements_come_out_whole_with_their_exact_bytes() {
    let stanzas = [
        "<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat'>\
         <body>Wherefore art thou, Romeo?</body></message>",
        "<presence/>",
        "<iq type=\"get\" id='r1'><query xmlns='jabber:iq:roster'/></iq>",
        "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>",
    ];
    let input = stream(&stanzas.join("\n"));
    for chunk in [input.len(), 1, 2, 3, 1500] {
        let (events, elements, err) = run_with(&input, chunk, Limits::default());
        assert_eq!(err, None);
        assert_eq!(elements.len(), 4);
        for (el, text) in elements.iter().zip(stanzas) {
            assert_eq!(el.as_str(), text, "chunk {chunk}");
            assert_eq!(&el.bytes()[..], text.as_bytes());
        }
        assert_eq!(
            events.iter().filter(|e| **e == Ev::Whitespace).count(),
            3,
            "chunk {chunk}"
        );
    }
    let (_, elements, _) = run(&input);
    assert!(
        elements[3]
            .root()
            .is("features", "http://etherx.jabber.org/streams")
    );
    assert_eq!(elements[3].root().prefix(), Some("stream"));
}

#[test]
fn parsed_view_resolves_names_namespaces_text_and_lang() {
    let el = parse_one(
        "<message to='romeo@example.net' xml:lang='fr' xmlns:x='urn:x'>\
         <body>a &amp; b &lt;3 &#x1F600;</body><body xml:lang='en'>hi</body>\
         <x:data x:attr='v' plain='p&apos;s'><inner xmlns=''>t<![CDATA[<raw> & ]]>u</inner></x:data></message>",
    );
    let root = el.root();
    assert!(root.is("message", "jabber:client"));
    assert_eq!(root.lang(), Some("fr"));
    assert_eq!(root.attr("to").as_deref(), Some("romeo@example.net"));
    assert_eq!(
        root.attr_ns("http://www.w3.org/XML/1998/namespace", "lang")
            .as_deref(),
        Some("fr")
    );
    let bodies: Vec<_> = root.elements().filter(|e| e.name() == "body").collect();
    assert_eq!(bodies[0].text(), "a & b <3 😀");
    assert_eq!(bodies[0].lang(), Some("fr"), "inherited from the stanza");
    assert_eq!(bodies[1].lang(), Some("en"));
    let data = root.element("data", "urn:x").unwrap();
    assert_eq!(data.prefix(), Some("x"));
    assert_eq!(data.attr_ns("urn:x", "attr").as_deref(), Some("v"));
    assert_eq!(data.attr("plain").as_deref(), Some("p's"));
    let inner = data.element("inner", "").unwrap();
    assert_eq!(inner.text(), "t<raw> & u");
    let kids: Vec<_> = inner.children().collect();
    assert_eq!(kids.len(), 3);
    assert!(matches!(kids[1], NodeRef::Text(t) if t.raw() == "<raw> & "));
    assert_eq!(
        data.as_str(),
        "<x:data x:attr='v' plain='p&apos;s'><inner xmlns=''>t<![CDATA[<raw> & ]]>u</inner></x:data>"
    );
    // The stream's xml:lang applies where the stanza sets none (RFC 6120 §8.1.5).
    assert_eq!(parse_one("<presence/>").root().lang(), Some("en"));
}

#[test]
fn attribute_values_and_line_ends_are_normalised() {
    // XML 1.0 §2.11 (line ends) and §3.3.3 (attribute-value normalisation).
    let el =
        parse_one("<message a='x\ty\nz\r\nw' b='&#9;&#10;'><body>l1\r\nl2\rl3</body></message>");
    assert_eq!(el.attr("a").as_deref(), Some("x y z w"));
    assert_eq!(el.attr("b").as_deref(), Some("\t\n"));
    assert_eq!(
        el.root().element("body", "jabber:client").unwrap().text(),
        "l1\nl2\nl3"
    );
}

#[test]
fn close_is_reported_and_later_input_ignored() {
    // RFC 6120 §4.4.
    let (events, _, err) = run(&stream("<presence/></stream:stream><garbage"));
    assert_eq!(err, None);
    assert!(matches!(
        &events[..],
        [Ev::Header(_), Ev::Element(_), Ev::Close]
    ));
    let (events, _, _) = run(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'/>",
    );
    assert!(matches!(&events[..], [Ev::Header(_), Ev::Close]));
}

#[test]
fn restart_keeps_bytes_already_buffered() {
    // RFC 6120 §6.4.6: after <success/>, the initiating entity's new header may arrive in
    // the same read; those bytes belong to the new stream.
    let input = stream(
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\
         <?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' id='second' version='1.0'><presence/>",
    );
    let mut reader = StreamReader::new(Limits::default());
    let mut slice = &input[..];
    let mut seen = Vec::new();
    while let Some(ev) = reader.next_event(&mut slice).unwrap() {
        match ev {
            StreamEvent::Header(h) => seen.push(format!("header {:?}", h.id)),
            StreamEvent::Element(e) => {
                seen.push(e.name().to_owned());
                if e.name() == "success" {
                    assert!(!reader.buffered().is_empty(), "the new header is buffered");
                    reader.restart();
                }
            }
            other => seen.push(format!("{other:?}")),
        }
    }
    assert_eq!(
        seen,
        [
            "header None",
            "success",
            "header Some(\"second\")",
            "presence"
        ]
    );
}

#[test]
fn whitespace_before_the_declaration_of_a_restarted_stream() {
    // go-sendxmpp writes `</auth>\n`, then after <success/> `<?xml version='1.0'?>\n<stream:stream`:
    // the newline belongs to the old stream, so the declaration still opens the new one,
    // whether it is buffered at the restart or arrives after it.
    let second = "<?xml version='1.0'?>\n<stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' id='second' version='1.0'>";
    for split in [false, true] {
        let mut input = stream("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\n \r\n");
        if !split {
            input.extend_from_slice(second.as_bytes());
        }
        let mut reader = StreamReader::new(Limits::default());
        let mut slice = &input[..];
        let mut headers = 0;
        while let Some(ev) = reader.next_event(&mut slice).unwrap() {
            match ev {
                StreamEvent::Header(_) => headers += 1,
                StreamEvent::Element(e) if e.name() == "success" => reader.restart(),
                _ => {}
            }
        }
        if split {
            let mut rest = second.as_bytes();
            while let Some(ev) = reader.next_event(&mut rest).unwrap() {
                headers += usize::from(matches!(ev, StreamEvent::Header(_)));
            }
        }
        assert_eq!(headers, 2, "split={split}");
    }
    // A fresh reader still refuses whitespace before the declaration (XML 1.0 §2.8).
    let mut reader = StreamReader::new(Limits::default());
    let mut input: &[u8] = b" <?xml version='1.0'?><stream:stream xmlns='jabber:client' \
        xmlns:stream='http://etherx.jabber.org/streams'>";
    assert!(reader.next_event(&mut input).is_err());
}

#[test]
fn one_byte_reads_cost_linear_work() {
    // DESIGN §4: a 200 KiB stanza fed one byte at a time is scanned once, not once per read.
    let mut input = stream("<message><body>");
    let body_len = 200 * 1024;
    input.extend(std::iter::repeat_n(b'x', body_len));
    input.extend_from_slice(b"</body></message>");
    let mut reader = StreamReader::new(Limits::default());
    let mut elements = 0;
    for b in input.chunks(1) {
        let mut piece = b;
        while let Some(ev) = reader.next_event(&mut piece).unwrap() {
            elements += matches!(ev, StreamEvent::Element(_)) as usize;
        }
    }
    assert_eq!(elements, 1);
    let header_len = HEADER.len() as u64;
    let scanned = reader.scanned_bytes();
    assert!(
        scanned <= input.len() as u64 - header_len + 16,
        "scanned {scanned} of {}",
        input.len()
    );
}

#[test]
fn multibyte_utf8_split_across_reads() {
    let text = "héllo wörld 日本語 😀 Ω";
    let input = stream(&format!("<message><body>{text}</body></message>"));
    for chunk in 1..8 {
        let (_, elements, err) = run_with(&input, chunk, Limits::default());
        assert_eq!(err, None);
        assert_eq!(
            elements[0]
                .root()
                .element("body", "jabber:client")
                .unwrap()
                .text(),
            text
        );
    }
}
