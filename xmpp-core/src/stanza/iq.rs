//! `<iq/>`: a view of a received IQ, the checks of RFC 6120 §8.2.3, and a builder.

use std::fmt;

use super::common::{self, Head, common_accessors, head_setters};
use crate::error::StanzaError;
use crate::error::condition_macro::conditions;
use crate::xml::{ElementRef, XmlElement};

conditions! {
    /// The `type` of an IQ (RFC 6120 §8.2.3, rule 2); the attribute is required.
    pub enum IqType {
        /// A request for information.
        Get = "get",
        /// A request that provides data or changes state.
        Set = "set",
        /// A successful response to a get or set.
        Result = "result",
        /// An error response to a get or set (RFC 6120 §8.3).
        Error = "error",
    }
}

/// What makes a received IQ break the rules of RFC 6120 §8.2.3; the recipient answers a
/// request with such a fault with a `bad-request` stanza error (§8.2.3, §8.3.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IqError {
    /// No `id` attribute (rule 1).
    MissingId,
    /// No `type` attribute (rule 2).
    MissingType,
    /// A `type` other than get, set, result and error (rule 2).
    InvalidType(String),
    /// A get or set without exactly one payload element (rule 5), or a result with more
    /// than one (rule 6). `count` excludes the `<error/>` child.
    PayloadCount {
        /// The IQ's type.
        type_: IqType,
        /// How many payload elements it has.
        count: usize,
    },
    /// An IQ of type error without an `<error/>` child (rule 7).
    MissingErrorChild,
    /// An `<error/>` child in an IQ whose type is not error (RFC 6120 §8.3.1, rule 7).
    UnexpectedErrorChild,
}

impl fmt::Display for IqError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IqError::MissingId => f.write_str("iq without an 'id'"),
            IqError::MissingType => f.write_str("iq without a 'type'"),
            IqError::InvalidType(t) => write!(f, "iq with invalid type '{t}'"),
            IqError::PayloadCount { type_, count } => {
                write!(f, "iq of type '{type_}' with {count} payload elements")
            }
            IqError::MissingErrorChild => f.write_str("iq of type 'error' without <error/>"),
            IqError::UnexpectedErrorChild => {
                f.write_str("<error/> in an iq whose type is not 'error'")
            }
        }
    }
}

impl std::error::Error for IqError {}

/// A received `<iq/>` (zero-copy view).
#[derive(Debug, Clone, Copy)]
pub struct Iq<'a> {
    el: ElementRef<'a>,
}

impl<'a> Iq<'a> {
    /// The view of `el` if it is an `<iq/>` in a content namespace. The IQ rules are not
    /// checked here: see [`validate`](Self::validate).
    pub fn from_element(el: ElementRef<'a>) -> Option<Self> {
        common::is_stanza(el, "iq").then_some(Iq { el })
    }

    /// A builder for an outgoing IQ of type `type_` with `id`.
    pub fn builder(type_: IqType, id: impl Into<String>) -> IqBuilder {
        IqBuilder::new(type_, id)
    }

    /// The underlying element.
    pub fn element(&self) -> ElementRef<'a> {
        self.el
    }

    /// The `type`; `None` when it is absent or not one of the four defined values (§8.2.3,
    /// rule 2). The raw value is `element().attr("type")`.
    pub fn type_(&self) -> Option<IqType> {
        IqType::from_name(&self.el.attr("type")?)
    }

    /// The child elements other than the `<error/>` child: the request or response data
    /// (or, in an error, the optional copy of the request's).
    pub fn payloads(&self) -> impl Iterator<Item = ElementRef<'a>> + use<'a> {
        let stanza_ns = self.el.ns();
        self.el
            .elements()
            .filter(move |c| !c.is("error", stanza_ns))
    }

    /// The payload: the single child element other than `<error/>`; `None` when there is
    /// none or more than one (a get or set must have exactly one, §8.2.3 rule 5; a result
    /// zero or one, rule 6).
    pub fn payload(&self) -> Option<ElementRef<'a>> {
        let mut payloads = self.payloads();
        let first = payloads.next()?;
        payloads.next().is_none().then_some(first)
    }

    /// Checks the rules of RFC 6120 §8.2.3: `id` and a defined `type` present, exactly one
    /// payload in a get or set, at most one in a result, and an `<error/>` child exactly
    /// when the type is error (§8.3.1, rule 7). The error child itself is not parsed here:
    /// see [`error`](Self::error).
    pub fn validate(&self) -> Result<(), IqError> {
        if self.el.attr("id").is_none() {
            return Err(IqError::MissingId);
        }
        let type_ = match self.el.attr("type") {
            None => return Err(IqError::MissingType),
            Some(t) => IqType::from_name(&t).ok_or_else(|| IqError::InvalidType(t.into_owned()))?,
        };
        let has_error = common::child(self.el, "error").is_some();
        let count = self.payloads().count();
        match type_ {
            IqType::Error if !has_error => Err(IqError::MissingErrorChild),
            IqType::Error => Ok(()),
            _ if has_error => Err(IqError::UnexpectedErrorChild),
            IqType::Get | IqType::Set if count != 1 => Err(IqError::PayloadCount { type_, count }),
            IqType::Result if count > 1 => Err(IqError::PayloadCount { type_, count }),
            _ => Ok(()),
        }
    }

    /// A builder for the `result` response: same `id` (empty if the request had none),
    /// `from` and `to` swapped, same content namespace (§8.2.3 rule 3, §8.3.1 rule 2).
    pub fn result_reply(&self) -> IqBuilder {
        self.reply(IqType::Result)
    }

    /// A builder for the `error` response carrying `error`, addressed like
    /// [`result_reply`](Self::result_reply) (§8.3.1).
    pub fn error_reply(&self, error: StanzaError) -> IqBuilder {
        self.reply(IqType::Error).with_error(error)
    }

    fn reply(&self, type_: IqType) -> IqBuilder {
        let mut b =
            IqBuilder::new(type_, self.id().unwrap_or_default()).with_content_ns(self.el.ns());
        b.head.from = self.to().map(|j| j.into_owned());
        b.head.to = self.from().map(|j| j.into_owned());
        b
    }
}

common_accessors!(Iq);

/// Builds an outgoing `<iq/>`: attributes, then payloads and error, in that order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IqBuilder {
    head: Head,
    type_: IqType,
}

impl IqBuilder {
    /// An IQ of type `type_` with `id` (both required, §8.2.3) in `jabber:client`. Add the
    /// payload of a get or set with [`with_payload`](Self::with_payload).
    pub fn new(type_: IqType, id: impl Into<String>) -> Self {
        let head = Head {
            id: Some(id.into()),
            ..Head::default()
        };
        IqBuilder { head, type_ }
    }

    head_setters!();

    /// Sets `type`.
    pub fn with_type(mut self, type_: IqType) -> Self {
        self.type_ = type_;
        self
    }

    /// Sets the `<error/>` child and `type='error'` (RFC 6120 §8.3); a later
    /// [`with_type`](Self::with_type) overrides the type.
    pub fn with_error(mut self, error: StanzaError) -> Self {
        self.head.error = Some(error);
        self.type_ = IqType::Error;
        self
    }

    /// The `<iq/>` element.
    pub fn build(self) -> XmlElement {
        let mut el = self.head.open("iq", Some(self.type_.name()));
        self.head.close(&mut el);
        el
    }
}
