//! `<message/>` (RFC 6121 §5).

use crate::error::{ErrorParseError, ErrorType, StanzaError, StanzaErrorCondition};
use crate::stanza::{Message, MessageBuilder, MessageType, Thread};
use crate::test_util::{header, parse, parse_after, round_trip, round_trip_in};
use crate::xml::{Element, XmlElement};

fn view(el: &Element) -> Message<'_> {
    Message::from_element(el.root()).expect("a message")
}

#[test]
fn rfc6121_5_2_1_chat_message() {
    let el = parse(
        "<message
       from='juliet@example.com/balcony'
       id='ktx72v49'
       to='romeo@example.net'
       type='chat'
       xml:lang='en'>
     <body>Art thou not Romeo, and a Montague?</body>
   </message>",
    );
    let m = view(&el);
    assert_eq!(m.from().as_deref(), Some("juliet@example.com/balcony"));
    assert_eq!(m.to().as_deref(), Some("romeo@example.net"));
    assert_eq!(m.id().as_deref(), Some("ktx72v49"));
    assert_eq!(m.type_(), MessageType::Chat);
    assert_eq!(m.lang(), Some("en"));
    assert_eq!(
        m.body().as_deref(),
        Some("Art thou not Romeo, and a Montague?")
    );
    assert_eq!(m.subject(), None);
    assert_eq!(m.thread(), None);
    assert!(m.error().is_none());
}

#[test]
fn rfc6121_5_2_2_types() {
    for &t in MessageType::ALL {
        let el = parse(&format!("<message type='{t}'/>"));
        assert_eq!(view(&el).type_(), t);
    }
    // Absent, or a value the application does not understand: normal.
    assert_eq!(view(&parse("<message/>")).type_(), MessageType::Normal);
    assert_eq!(
        view(&parse("<message type='urgent'/>")).type_(),
        MessageType::Normal
    );
    assert_eq!(
        view(&parse("<message type='Chat'/>")).type_(),
        MessageType::Normal
    );
}

#[test]
fn rfc6121_5_2_3_bodies_in_several_languages() {
    let el = parse(
        "<message
       from='juliet@example.com/balcony'
       id='z94nb37h'
       to='romeo@example.net'
       type='chat'
       xml:lang='en'>
     <body>Wherefore art thou, Romeo?</body>
     <body xml:lang='cs'>
        Pro&#x010D;e&#x017D; jsi ty, Romeo?
      </body>
   </message>",
    );
    let m = view(&el);
    let bodies: Vec<_> = m.bodies().map(|(l, t)| (l, t.into_owned())).collect();
    assert_eq!(
        bodies,
        [
            (Some("en"), "Wherefore art thou, Romeo?".to_owned()),
            (
                Some("cs"),
                "\n        Pro\u{10d}e\u{17d} jsi ty, Romeo?\n      ".to_owned()
            ),
        ]
    );
    assert_eq!(m.body().as_deref(), Some("Wherefore art thou, Romeo?"));
}

#[test]
fn body_prefers_the_stanza_language_else_the_first() {
    // The body without xml:lang inherits the stanza's language.
    let el =
        parse("<message xml:lang='cs'><body xml:lang='en'>Hi</body><body>Ahoj</body></message>");
    assert_eq!(view(&el).body().as_deref(), Some("Ahoj"));
    // Tags compare case-insensitively.
    let el = parse(
        "<message xml:lang='CS'><body xml:lang='en'>Hi</body><body xml:lang='cs'>Ahoj</body></message>",
    );
    assert_eq!(view(&el).body().as_deref(), Some("Ahoj"));
    // No match: the first.
    let el = parse(
        "<message xml:lang='de'><body xml:lang='en'>Hi</body><body xml:lang='cs'>Ahoj</body></message>",
    );
    assert_eq!(view(&el).body().as_deref(), Some("Hi"));
    // No language anywhere: the first without one.
    let el = parse("<message><body xml:lang='en'>Hi</body><body>Ahoj</body></message>");
    assert_eq!(view(&el).body().as_deref(), Some("Ahoj"));
    // The stream's language is the stanza's when it has none (RFC 6120 §8.1.5).
    let el = parse_after(
        &header("jabber:client", Some("en")),
        "<message><body xml:lang='cs'>Ahoj</body><body>Hi</body></message>",
    );
    let m = view(&el);
    assert_eq!(m.body().as_deref(), Some("Hi"));
    let langs: Vec<_> = m.bodies().map(|(l, _)| l).collect();
    assert_eq!(langs, [Some("cs"), Some("en")]);
    // Bodies in another namespace (XHTML-IM's) are not bodies.
    let el = parse(
        "<message><html xmlns='http://jabber.org/protocol/xhtml-im'><body xmlns='http://www.w3.org/1999/xhtml'>x</body></html></message>",
    );
    assert_eq!(view(&el).body(), None);
    assert_eq!(view(&el).bodies().count(), 0);
}

#[test]
fn rfc6121_5_2_4_subjects_and_5_2_5_thread() {
    let el = parse(
        "<message
       from='juliet@example.com/balcony'
       to='romeo@example.net'
       type='chat'
       xml:lang='en'>
     <subject>I implore you!</subject>
     <subject xml:lang='cs'>
       &#x00DA;p&#x011B;nliv&#x011B; pros&#x00ED;m!
     </subject>
     <body>Wherefore art thou, Romeo?</body>
     <body xml:lang='cs'>
        Pro&#x010D;e&#x017E; jsi ty, Romeo?
     </body>
     <thread parent='e0ffe42b28561960c6b12b944a092794b9683a38'>
       0e3141cd80894871a68e6fe6b1ec56fa
     </thread>
   </message>",
    );
    let m = view(&el);
    assert_eq!(m.subject().as_deref(), Some("I implore you!"));
    let subjects: Vec<_> = m
        .subjects()
        .map(|(l, t)| (l, t.trim().to_owned()))
        .collect();
    assert_eq!(
        subjects,
        [
            (Some("en"), "I implore you!".to_owned()),
            (
                Some("cs"),
                "\u{da}p\u{11b}nliv\u{11b} pros\u{ed}m!".to_owned()
            ),
        ]
    );
    assert_eq!(m.bodies().count(), 2);
    assert_eq!(
        m.thread(),
        Some(Thread {
            id: "0e3141cd80894871a68e6fe6b1ec56fa".into(),
            parent: Some("e0ffe42b28561960c6b12b944a092794b9683a38".into()),
        })
    );
    let el = parse("<message><thread>abc</thread></message>");
    assert_eq!(
        view(&el).thread(),
        Some(Thread {
            id: "abc".into(),
            parent: None
        })
    );
}

#[test]
fn rfc6121_5_3_extended_content_is_left_to_the_element() {
    let el = parse(
        "<message
       from='juliet@example.com/balcony'
       to='romeo@example.net'
       type='chat'
       xml:lang='en'>
     <body>Wherefore art thou, Romeo?</body>
     <html xmlns='http://jabber.org/protocol/xhtml-im'>
       <body xmlns='http://www.w3.org/1999/xhtml'>
         <p>Wherefore <span style='font-style: italic'>art</span>
         thou, <span style='color:red'>Romeo</span>?</p>
       </body>
     </html>
   </message>",
    );
    let m = view(&el);
    assert_eq!(m.body().as_deref(), Some("Wherefore art thou, Romeo?"));
    assert!(
        m.element()
            .element("html", "http://jabber.org/protocol/xhtml-im")
            .is_some()
    );
}

#[test]
fn error_message_rfc6120_8_3_3_5() {
    let el = parse(
        "<message
          from='romeo@example.net'
          id='sj2b371v'
          to='juliet@im.example.com/churchyard'
          type='error'>
        <error by='example.net'
               type='cancel'>
          <gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>
            xmpp:romeo@afterlife.example.net
          </gone>
        </error>
      </message>",
    );
    let m = view(&el);
    assert_eq!(m.type_(), MessageType::Error);
    let e = m.error().unwrap().unwrap();
    assert_eq!(e.condition, StanzaErrorCondition::Gone);
    assert_eq!(e.uri.as_deref(), Some("xmpp:romeo@afterlife.example.net"));

    // §8.3.1 rule 4: an error stanza without <error/>.
    let el = parse("<message type='error'><body>?</body></message>");
    assert_eq!(
        view(&el).error(),
        Some(Err(ErrorParseError::MissingErrorElement))
    );
    // An <error/> child in a stanza of another type is not an error (rule 7).
    let el = parse("<message type='chat'><error type='cancel'/></message>");
    assert_eq!(view(&el).error(), None);
}

#[test]
fn from_element_checks_name_and_namespace() {
    assert!(Message::from_element(parse("<presence/>").root()).is_none());
    assert!(Message::from_element(parse("<message xmlns='urn:x'/>").root()).is_none());
    let el = parse_after(&header("jabber:server", None), "<message/>");
    assert!(Message::from_element(el.root()).is_some());
}

#[test]
fn builder_round_trips_every_field() {
    let extension = XmlElement::new("http://jabber.org/protocol/chatstates", "active");
    let built = Message::builder()
        .with_from("juliet@example.com/balcony")
        .with_to("romeo@example.net")
        .with_id("b4vs9km4")
        .with_type(MessageType::Chat)
        .with_lang("en")
        .with_subject("I implore you!")
        .with_subject_lang("cs", "\u{da}p\u{11b}nliv\u{11b} pros\u{ed}m!")
        .with_body("Wherefore art thou, Romeo? <&>")
        .with_body_lang("cs", "Pro\u{10d}e\u{17e} jsi ty, Romeo?")
        .with_thread_parent("0e3141cd", "e0ffe42b")
        .with_payload(extension.clone())
        .build();
    let el = round_trip(&built);
    let m = view(&el);
    assert_eq!(m.from().as_deref(), Some("juliet@example.com/balcony"));
    assert_eq!(m.to().as_deref(), Some("romeo@example.net"));
    assert_eq!(m.id().as_deref(), Some("b4vs9km4"));
    assert_eq!(m.type_(), MessageType::Chat);
    assert_eq!(m.lang(), Some("en"));
    assert_eq!(m.subject().as_deref(), Some("I implore you!"));
    assert_eq!(
        m.subjects().map(|(l, _)| l).collect::<Vec<_>>(),
        [Some("en"), Some("cs")]
    );
    assert_eq!(m.body().as_deref(), Some("Wherefore art thou, Romeo? <&>"));
    let cs: Vec<_> = m.bodies().filter(|(l, _)| *l == Some("cs")).collect();
    assert_eq!(cs[0].1, "Pro\u{10d}e\u{17e} jsi ty, Romeo?");
    assert_eq!(
        m.thread(),
        Some(Thread {
            id: "0e3141cd".into(),
            parent: Some("e0ffe42b".into())
        })
    );
    let ext = m
        .element()
        .element("active", "http://jabber.org/protocol/chatstates")
        .unwrap();
    assert_eq!(ext.to_owned(), extension);
    assert!(m.error().is_none());
    // The received element is the built one.
    assert_eq!(el.root().to_owned(), built);
}

#[test]
fn builder_defaults_and_error() {
    let built = MessageBuilder::new().build();
    assert_eq!(built, XmlElement::new("jabber:client", "message"));
    assert_eq!(view(&round_trip(&built)).type_(), MessageType::Normal);

    let error = StanzaError::new(ErrorType::Cancel, StanzaErrorCondition::ServiceUnavailable)
        .with_text("nobody home");
    let built = Message::builder()
        .with_content_ns("jabber:server")
        .with_from("juliet@im.example.com/foo")
        .with_to("romeo@example.net")
        .with_thread("t1")
        .with_error(error.clone())
        .build();
    let el = round_trip_in("jabber:server", &built);
    let m = view(&el);
    assert!(m.element().is("message", "jabber:server"));
    assert_eq!(m.type_(), MessageType::Error);
    assert_eq!(m.error(), Some(Ok(error)));
    assert_eq!(m.thread().map(|t| t.id.into_owned()).as_deref(), Some("t1"));
}
