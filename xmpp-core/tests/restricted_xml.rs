//! Rejections of hostile or broken input, each with its RFC 6120 condition (§4.9.3, §11).

mod common;

use common::*;
use xmpp_core::error::StreamErrorCondition as C;
use xmpp_core::xml::Limits;

#[test]
fn comments_are_restricted_everywhere() {
    // RFC 6120 §11.1: comments are prohibited.
    assert_condition(b"<!-- hi --><stream:stream/>", C::RestrictedXml);
    assert_condition(&stream("<!-- hi -->"), C::RestrictedXml);
    assert_condition(&stream("<message><!-- hi --></message>"), C::RestrictedXml);
    // Rejected at `<!--`, without waiting for the end of the comment.
    assert_condition(&stream("<message><!-- never ends"), C::RestrictedXml);
}

#[test]
fn processing_instructions_are_restricted() {
    // RFC 6120 §11.1.
    assert_condition(
        b"<?xml-stylesheet href='a'?><stream:stream/>",
        C::RestrictedXml,
    );
    assert_condition(&stream("<?pi data?>"), C::RestrictedXml);
    assert_condition(&stream("<message><?pi?></message>"), C::RestrictedXml);
    // A second XML declaration inside the stream is a processing instruction there.
    assert_condition(&stream("<?xml version='1.0'?>"), C::RestrictedXml);
}

#[test]
fn dtds_are_restricted() {
    // RFC 6120 §11.1: internal or external DTD subsets.
    assert_condition(
        b"<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'y'>]>",
        C::RestrictedXml,
    );
    assert_condition(&stream("<message><!DOCTYPE x></message>"), C::RestrictedXml);
}

#[test]
fn only_predefined_entities_are_allowed() {
    // RFC 6120 §11.1: entity references other than the five predefined ones.
    assert_condition(
        &stream("<message><body>&nbsp;</body></message>"),
        C::RestrictedXml,
    );
    assert_condition(&stream("<message to='&ent;'/>"), C::RestrictedXml);
    let ok = parse_one("<message><body>&lt;&gt;&amp;&quot;&apos;&#x263A;&#9731;</body></message>");
    let body = ok.root().element("body", "jabber:client").unwrap();
    assert_eq!(body.text(), "<>&\"'☺☃");
}

#[test]
fn malformed_xml_is_not_well_formed() {
    // RFC 6120 §11.3 and §4.9.3.13.
    let cases: &[&str] = &[
        "<message><body>x</message>", // mismatched end tag
        "<message></body>",           // end tag of nothing open
        "<message to='a' to='b'/>",   // duplicate attribute
        "<message xmlns:a='urn:x' xmlns:b='urn:x' a:k='1' b:k='2'/>", // same expanded name
        "<foo:message/>",             // unbound element prefix
        "<message foo:x='1'/>",       // unbound attribute prefix
        "<message xmlns:xmlns='urn:x'/>", // declaring xmlns
        "<message xmlns:xml='urn:x'/>", // rebinding xml
        "<message xmlns:a=''/>",      // undeclaring a prefix (XML 1.0)
        "<xmlns:message/>",           // xmlns as element prefix
        "<message><body>a]]>b</body></message>", // ]]> in text
        "<message to='a<b'/>",        // < in attribute value
        "<message to=a/>",            // unquoted attribute
        "<message><body>&amp</body></message>", // unterminated reference
        "<message><body>&#0;</body></message>", // reference to a non-Char
        "<message><body>&#xD800;</body></message>", // surrogate
        "<1message/>",                // bad name
        "<message><body>\u{1}</body></message>", // control character
        "<message to='\u{0}'/>",      // NUL in attribute
        "<message><body>\u{FFFE}</body></message>", // non-Char U+FFFE
        "</stream:foo>",              // wrong stream end tag
        "<message><!x></message>",    // junk after <!
    ];
    for case in cases {
        assert_condition(&stream(case), C::NotWellFormed);
    }
    assert_condition(b"text before<stream:stream/>", C::NotWellFormed);
    // RFC 6120 §11.6: U+FEFF is a character, not a byte order mark.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(HEADER.as_bytes());
    assert_condition(&bom, C::NotWellFormed);
}

#[test]
/// RFC 6120 §4.9.3.22: "improperly encoded the stream (e.g., by violating the rules of
/// the UTF-8 encoding)" is `unsupported-encoding`.
fn invalid_utf8_is_unsupported_encoding() {
    for bad in [
        &[0xFF][..],
        &[0xC3],
        &[0xE2, 0x82],
        &[0xC0, 0xAF],
        &[0xED, 0xA0, 0x80],
        &[0xF8, 0x88, 0x80, 0x80],
    ] {
        let mut input = stream("<message><body>");
        input.extend_from_slice(bad);
        input.extend_from_slice(b"</body></message>");
        assert_condition(&input, C::UnsupportedEncoding);
        let mut attr = stream("<message to='");
        attr.extend_from_slice(bad);
        attr.extend_from_slice(b"'/>");
        assert_condition(&attr, C::UnsupportedEncoding);
    }
}

#[test]
fn other_encodings_are_unsupported() {
    // RFC 6120 §11.6.
    assert_condition(
        b"<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream/>",
        C::UnsupportedEncoding,
    );
    assert_condition(b"\xFE\xFF\x00<\x00s", C::UnsupportedEncoding);
    assert_condition(b"\xFF\xFE<\x00s\x00", C::UnsupportedEncoding);
    assert_condition(b"<\x00?\x00x\x00", C::UnsupportedEncoding);
    assert_condition(b"\x00<\x00?", C::UnsupportedEncoding);
    // UTF-8 in any case is fine.
    let (events, _, err) = run(b"<?xml version='1.0' encoding='Utf-8'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    assert_eq!(err, None);
    assert_eq!(events.len(), 1);
}

#[test]
fn wrong_namespaces_are_invalid_namespace() {
    // RFC 6120 §4.8.1, §4.8.2, §4.9.3.10.
    assert_condition(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://wrong.example/streams'>",
        C::InvalidNamespace,
    );
    assert_condition(
        b"<stream:stream xmlns='jabber:wrong' xmlns:stream='http://etherx.jabber.org/streams'>",
        C::InvalidNamespace,
    );
    assert_condition(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>",
        C::InvalidNamespace,
    );
}

#[test]
fn stream_prefix_rules() {
    // RFC 6120 §4.8.5: any prefix bound to the stream namespace is accepted ...
    let (events, _, err) = run(b"<foobar:stream xmlns='jabber:server' xmlns:foobar='http://etherx.jabber.org/streams'></foobar:stream>");
    assert_eq!(err, None);
    assert!(
        matches!(&events[..], [Ev::Header(h), Ev::Close] if h.prefix.as_deref() == Some("foobar") && h.content_ns() == "jabber:server")
    );
    // ... but the stream namespace cannot be the default namespace ...
    assert_condition(
        b"<stream xmlns='http://etherx.jabber.org/streams'>",
        C::BadNamespacePrefix,
    );
    // ... and content-namespace elements must not be prefixed.
    assert_condition(
        &stream("<c:message xmlns:c='jabber:client'/>"),
        C::BadNamespacePrefix,
    );
    // A different root element in the stream namespace cannot be processed.
    assert_condition(
        b"<stream:features xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
        C::BadFormat,
    );
}

#[test]
fn version_rules() {
    // RFC 6120 §4.7.5: numeric comparison, leading zeros ignored, major > 1 unsupported.
    let header = |v: &str| {
        format!(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='{v}'>"
        )
    };
    assert_condition(header("2.0").as_bytes(), C::UnsupportedVersion);
    assert_condition(header("10.0").as_bytes(), C::UnsupportedVersion);
    assert_condition(header("1").as_bytes(), C::BadFormat);
    assert_condition(header("1.x").as_bytes(), C::BadFormat);
    for (v, minor) in [("1.0", 0), ("1.5", 5), ("01.00", 0), ("1.10", 10)] {
        let (events, _, err) = run(header(v).as_bytes());
        assert_eq!(err, None, "{v}");
        let Ev::Header(h) = &events[0] else { panic!() };
        assert_eq!(h.version.map(|v| (v.major, v.minor)), Some((1, minor)));
    }
    let (events, _, _) = run(
        b"<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>",
    );
    let Ev::Header(h) = &events[0] else { panic!() };
    assert_eq!(h.version, None, "absent version means pre-1.0");
}

#[test]
fn text_between_stanzas_is_bad_format() {
    // RFC 6120 §11.7 allows only whitespace between depth-1 elements.
    assert_condition(&stream("hello"), C::BadFormat);
    assert_condition(&stream(" \n x"), C::BadFormat);
    assert_condition(&stream("<![CDATA[x]]>"), C::BadFormat);
}

#[test]
fn limits_are_policy_violations_while_parsing() {
    // RFC 6120 §4.9.3.14; caps apply before the element is complete (DESIGN §4).
    let mut limits = Limits::default();
    limits.max_stanza_bytes = 1000;
    let mut big = stream("<message><body>");
    big.extend(std::iter::repeat_n(b'x', 2000));
    assert_condition_with(&big, C::PolicyViolation, limits.clone());
    let mut long_tag = stream("<message to='");
    long_tag.extend(std::iter::repeat_n(b'x', 2000));
    assert_condition_with(&long_tag, C::PolicyViolation, limits.clone());

    limits = Limits::default();
    limits.max_depth = 3;
    assert_condition_with(
        &stream("<a><b><c><d/></c></b></a>"),
        C::PolicyViolation,
        limits.clone(),
    );
    assert_eq!(run_with(&stream("<a><b><c/></b></a>"), 100, limits).2, None);

    limits = Limits::default();
    limits.max_attributes = 5; // the header has 5
    assert_condition_with(
        &stream("<a a='1' b='2' c='3' d='4' e='5' f='6'/>"),
        C::PolicyViolation,
        limits.clone(),
    );
    assert_eq!(
        run_with(&stream("<a a='1' b='2' c='3' d='4' e='5'/>"), 100, limits).2,
        None
    );

    limits = Limits::default();
    limits.max_name_bytes = 8;
    assert_condition_with(&stream("<abcdefghi/>"), C::PolicyViolation, limits.clone());
    assert_condition_with(
        &stream("<a abcdefghi='1'/>"),
        C::PolicyViolation,
        limits.clone(),
    );

    limits = Limits::default();
    limits.max_header_bytes = 100;
    assert_condition_with(&[b' '; 200], C::PolicyViolation, limits.clone());
    let long_header = format!(
        "<stream:stream xmlns='jabber:client' to='{}'",
        "x".repeat(200)
    );
    assert_condition_with(long_header.as_bytes(), C::PolicyViolation, limits);
}

#[test]
fn a_huge_read_is_not_buffered_whole() {
    // 8 MiB of one unclosed stanza in a single read: the reader stops copying once the
    // stanza limit is crossed, so most of the input is never taken.
    let mut input = stream("<message><body>");
    input.extend(std::iter::repeat_n(b'x', 8 << 20));
    let mut reader = xmpp_core::xml::StreamReader::new(Limits::default());
    let mut slice = &input[..];
    let mut err = None;
    loop {
        match reader.next_event(&mut slice) {
            Ok(Some(_)) => continue,
            Ok(None) => break,
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    assert_eq!(err.map(|e| e.condition), Some(C::PolicyViolation));
    assert!(
        slice.len() > 7 << 20,
        "only about the limit was taken, {} left",
        slice.len()
    );
}

#[test]
fn errors_are_sticky() {
    let mut reader = xmpp_core::xml::StreamReader::new(Limits::default());
    let input = stream("<!---->");
    let mut slice = &input[..];
    let first = loop {
        match reader.next_event(&mut slice) {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("expected an error"),
            Err(e) => break e,
        }
    };
    let mut more: &[u8] = b"<message/>";
    assert_eq!(reader.next_event(&mut more), Err(first));
}
