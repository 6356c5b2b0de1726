//! Stanzas (RFC 6120 §8): zero-copy typed views of received `<message/>`, `<presence/>`
//! and `<iq/>` elements, with the RFC 6121 children, and builders for outgoing ones.
//!
//! ```
//! use xmpp_core::stanza::{Message, MessageType, Stanza};
//! use xmpp_core::xml::{Limits, StreamContext, StreamEvent, StreamReader, Writer};
//!
//! let msg = Message::builder()
//!     .with_to("romeo@example.net")
//!     .with_type(MessageType::Chat)
//!     .with_body("Art thou not Romeo, and a Montague?")
//!     .build();
//! let mut bytes = b"<stream:stream xmlns='jabber:client' \
//!     xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>".to_vec();
//! Writer::new(&mut bytes, &StreamContext::new("jabber:client")).xml_element(&msg);
//!
//! let mut reader = StreamReader::new(Limits::default());
//! let mut input = &bytes[..];
//! while let Some(event) = reader.next_event(&mut input)? {
//!     if let StreamEvent::Element(el) = event {
//!         let Some(Stanza::Message(m)) = Stanza::from_element(el.root()) else {
//!             panic!("not a message")
//!         };
//!         assert_eq!(m.type_(), MessageType::Chat);
//!         assert_eq!(m.to().as_deref(), Some("romeo@example.net"));
//!         assert_eq!(m.body().as_deref(), Some("Art thou not Romeo, and a Montague?"));
//!     }
//! }
//! # Ok::<(), xmpp_core::error::StreamError>(())
//! ```

mod common;
mod iq;
mod message;
mod presence;

pub use iq::{Iq, IqBuilder, IqError, IqType};
pub use message::{Message, MessageBuilder, MessageType, Thread};
pub use presence::{Presence, PresenceBuilder, PresenceType, Show};

use crate::xml::ElementRef;
use common::common_accessors;

/// A received stanza of any kind.
#[derive(Debug, Clone, Copy)]
pub enum Stanza<'a> {
    /// A `<message/>`.
    Message(Message<'a>),
    /// A `<presence/>`.
    Presence(Presence<'a>),
    /// An `<iq/>`.
    Iq(Iq<'a>),
}

impl<'a> Stanza<'a> {
    /// The view of `el` if it is a message, presence or iq in a content namespace
    /// (`jabber:client`, `jabber:server`, `jabber:component:accept`); `None` for anything
    /// else (a nonza such as `<stream:features/>`, or an element in another namespace).
    pub fn from_element(el: ElementRef<'a>) -> Option<Self> {
        match el.name() {
            "message" => Message::from_element(el).map(Stanza::Message),
            "presence" => Presence::from_element(el).map(Stanza::Presence),
            "iq" => Iq::from_element(el).map(Stanza::Iq),
            _ => None,
        }
    }

    /// The underlying element.
    pub fn element(&self) -> ElementRef<'a> {
        match self {
            Stanza::Message(m) => m.element(),
            Stanza::Presence(p) => p.element(),
            Stanza::Iq(i) => i.element(),
        }
    }
}

common_accessors!(Stanza);

#[cfg(test)]
mod tests;
