//! XMPP addresses (JIDs), RFC 7622.
//!
//! A [`Jid`] is `[localpart "@"] domainpart ["/" resourcepart]` (RFC 7622 §3.1). Parsing
//! prepares and enforces every part, so a `Jid` always holds the canonical form: the
//! string that RFC 7622 compares octet for octet. Equality, hashing and ordering are
//! those of that string.
//!
//! - Localpart: PRECIS UsernameCaseMapped (RFC 8265 §3.3) without the eight characters
//!   of RFC 7622 §3.3.1 (`" & ' / : < > @`).
//! - Domainpart: IDNA2008 U-labels (RFC 7622 §3.2), or an IPv4 address, or an IPv6
//!   address in brackets.
//! - Resourcepart: PRECIS OpaqueString (RFC 8265 §4.2).
//! - Each part is 1 to 1023 octets of UTF-8 after preparation.
//!
//! Pure-ASCII parts take a fast path that calls neither PRECIS nor IDNA and gives the
//! same results (property-tested against the full pipelines).
//!
//! # Interpretations
//!
//! - RFC 7622 §3.5 lists `juliet@example.com/ foo` (example 18, leading space in the
//!   resourcepart) as invalid, but no rule of RFC 7622 §3.4 or of the OpaqueString
//!   profile it references (RFC 8265 §4.2) forbids spaces, leading or not. The rules
//!   win over the example: the JID is accepted and the space kept.
//! - Domainparts go through UTS #46 processing (non-transitional, STD3 ASCII rules,
//!   hyphen checks), which implements the IDNA2008 mappings of RFC 5895 and converts
//!   A-labels to U-labels. Because UTS #46 accepts some code points IDNA2008 does
//!   not, non-ASCII labels must also pass the PRECIS IdentifierClass, which is derived
//!   from the same properties (RFC 8264 §8); this rejects symbols such as U+2603 and
//!   applies the CONTEXTO rules. The PRECIS tables are those of Unicode 6.3, so code
//!   points assigned later are rejected in localparts and non-ASCII domain labels.
//! - RFC 7622 §3.2 strips one trailing "label separator"; the four dots IDNA
//!   recognises (RFC 3490 §3.1) count, so `example.com。` is `example.com`.
//! - A domainpart whose final label is all digits must be a dotted-decimal IPv4
//!   address (RFC 3986 §3.2.2 "first-match-wins", RFC 1123 §2.1): `256.0.0.1` and
//!   `01.2.3.4` are rejected instead of being taken as host names.
//! - IPv6 literals are written in RFC 5952 form (`[2001:DB8:0::1]` becomes
//!   `[2001:db8::1]`) so that equal addresses compare equal. Zone identifiers
//!   (RFC 6874) and `IPvFuture` literals are rejected: they cannot name an XMPP
//!   service.
//! - The DNS length limits (63 octets per label, 255 per name, RFC 1034 §3.1) are not
//!   enforced here; they matter when a name is resolved, and the only limit on the
//!   JID is 1023 octets.
//!
//! ```
//! use xmpp_core::Jid;
//!
//! let jid: Jid = "Juliet@Example.COM/Balcony".parse()?;
//! assert_eq!(jid.as_str(), "juliet@example.com/Balcony");
//! assert_eq!(jid.local(), Some("juliet"));
//! assert_eq!(jid.domain(), "example.com");
//! assert_eq!(jid.resource(), Some("Balcony"));
//! assert_eq!(jid.bare().to_string(), "juliet@example.com");
//! # Ok::<(), xmpp_core::jid::JidError>(())
//! ```

mod domainpart;
mod error;
mod localpart;
mod precis;
mod prepared;
mod resourcepart;

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

pub use error::{DomainError, JidError, Part, PrecisError, Reason};
use prepared::Prepared;

/// The maximum length of each part in octets, after preparation (RFC 7622 §3.1).
pub const MAX_PART_OCTETS: usize = 1023;

/// An XMPP address in canonical form (RFC 7622).
///
/// One allocation holds the whole canonical string; two offsets locate the parts.
/// Equality, hashing and ordering compare the canonical string.
#[derive(Clone)]
pub struct Jid {
    /// `[localpart "@"] domainpart ["/" resourcepart]`, every part prepared.
    full: Box<str>,
    /// Start of the domainpart: 0 without a localpart, else the localpart's length + 1.
    domain_start: u16,
    /// End of the domainpart: `full.len()` without a resourcepart, else the offset of
    /// the `/` that precedes it.
    ///
    /// Both offsets are at ASCII separators or the ends of `full`, so slicing there
    /// cannot split a character; each part is at most 1023 octets, so they fit a `u16`.
    domain_end: u16,
}

impl Jid {
    /// Parses and canonicalizes a JID; the same as [`str::parse`].
    ///
    /// The string is split before any part is prepared (RFC 7622 §3.1): the
    /// resourcepart starts after the first `/`, and the localpart ends at the first `@`
    /// before that.
    pub fn new(s: &str) -> Result<Jid, JidError> {
        let (head, resource) = match memchr::memchr(b'/', s.as_bytes()) {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        let (local, domain) = match memchr::memchr(b'@', head.as_bytes()) {
            Some(i) => (Some(&head[..i]), &head[i + 1..]),
            None => (None, head),
        };
        Self::from_parts(local, domain, resource)
    }

    /// Builds a JID from its parts, preparing each one.
    ///
    /// No splitting takes place: `@` in `local` or `domain`, and `/` in `domain`, are
    /// errors, while `resource` may contain both. `Some("")` is an empty part, which
    /// is an error.
    pub fn from_parts(
        local: Option<&str>,
        domain: &str,
        resource: Option<&str>,
    ) -> Result<Jid, JidError> {
        let local = local
            .map(|l| localpart::prepare(l).map_err(|r| JidError::new(Part::Localpart, r)))
            .transpose()?;
        let domain = domainpart::prepare(domain).map_err(|r| JidError::new(Part::Domainpart, r))?;
        let resource = resource
            .map(|r| resourcepart::prepare(r).map_err(|r| JidError::new(Part::Resourcepart, r)))
            .transpose()?;
        Ok(Self::assemble(local.as_ref(), &domain, resource.as_ref()))
    }

    /// Writes the prepared parts into one exactly sized allocation.
    fn assemble(
        local: Option<&Prepared<'_>>,
        domain: &Prepared<'_>,
        resource: Option<&Prepared<'_>>,
    ) -> Jid {
        let domain_start = local.map_or(0, |l| l.len() + 1);
        let domain_end = domain_start + domain.len();
        let mut full = String::with_capacity(domain_end + resource.map_or(0, |r| r.len() + 1));
        if let Some(local) = local {
            local.push_to(&mut full);
            full.push('@');
        }
        domain.push_to(&mut full);
        if let Some(resource) = resource {
            full.push('/');
            resource.push_to(&mut full);
        }
        Self::from_canonical(full, domain_start, domain_end)
    }

    /// Wraps a canonical string whose parts were each prepared (so at most
    /// [`MAX_PART_OCTETS`] long, making both offsets at most 2047).
    fn from_canonical(full: String, domain_start: usize, domain_end: usize) -> Jid {
        debug_assert!(domain_end <= 2 * MAX_PART_OCTETS + 1);
        Jid {
            full: full.into_boxed_str(),
            domain_start: domain_start as u16,
            domain_end: domain_end as u16,
        }
    }

    /// The localpart, if any.
    pub fn local(&self) -> Option<&str> {
        match self.domain_start {
            0 => None,
            start => Some(&self.full[..usize::from(start) - 1]),
        }
    }

    /// The domainpart.
    pub fn domain(&self) -> &str {
        &self.full[usize::from(self.domain_start)..usize::from(self.domain_end)]
    }

    /// The resourcepart, if any.
    pub fn resource(&self) -> Option<&str> {
        let end = usize::from(self.domain_end);
        (end < self.full.len()).then(|| &self.full[end + 1..])
    }

    /// Whether the JID has no resourcepart (`localpart@domainpart` or `domainpart`).
    pub fn is_bare(&self) -> bool {
        usize::from(self.domain_end) == self.full.len()
    }

    /// Whether the JID has a resourcepart.
    pub fn is_full(&self) -> bool {
        !self.is_bare()
    }

    /// The JID without its resourcepart.
    pub fn bare(&self) -> Jid {
        let end = usize::from(self.domain_end);
        Jid {
            full: self.full[..end].into(),
            domain_start: self.domain_start,
            domain_end: self.domain_end,
        }
    }

    /// The bare JID with `resource` (prepared as a resourcepart) as its resourcepart.
    pub fn with_resource(&self, resource: &str) -> Result<Jid, JidError> {
        let resource =
            resourcepart::prepare(resource).map_err(|r| JidError::new(Part::Resourcepart, r))?;
        let end = usize::from(self.domain_end);
        let mut full = String::with_capacity(end + 1 + resource.len());
        full.push_str(&self.full[..end]);
        full.push('/');
        resource.push_to(&mut full);
        Ok(Self::from_canonical(
            full,
            usize::from(self.domain_start),
            end,
        ))
    }

    /// The canonical form, as also printed by `Display`.
    pub fn as_str(&self) -> &str {
        &self.full
    }
}

impl FromStr for Jid {
    type Err = JidError;

    fn from_str(s: &str) -> Result<Jid, JidError> {
        Jid::new(s)
    }
}

impl fmt::Display for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.full)
    }
}

impl fmt::Debug for Jid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Jid").field(&&*self.full).finish()
    }
}

impl AsRef<str> for Jid {
    fn as_ref(&self) -> &str {
        &self.full
    }
}

impl PartialEq for Jid {
    fn eq(&self, other: &Jid) -> bool {
        self.full == other.full
    }
}

impl Eq for Jid {}

impl Hash for Jid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.full.hash(state);
    }
}

impl PartialOrd for Jid {
    fn partial_cmp(&self, other: &Jid) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Jid {
    fn cmp(&self, other: &Jid) -> Ordering {
        self.full.cmp(&other.full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    fn jid(s: &str) -> Jid {
        s.parse().unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    /// Local, domain and resource parts.
    type Parts = (Option<String>, String, Option<String>);

    fn parts(s: &str) -> Parts {
        let j = jid(s);
        (
            j.local().map(str::to_owned),
            j.domain().to_owned(),
            j.resource().map(str::to_owned),
        )
    }

    fn err(s: &str) -> JidError {
        match s.parse::<Jid>() {
            Ok(j) => panic!("{s:?} parsed as {j:?}"),
            Err(e) => e,
        }
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    /// RFC 7622 §3.5, Table 1: legal JIDs, with their canonical parts.
    #[test]
    fn rfc7622_valid_examples() {
        let ex = "example.com".to_owned();
        let cases: [(&str, Parts); 15] = [
            ("juliet@example.com", (some("juliet"), ex.clone(), None)),
            (
                "juliet@example.com/foo",
                (some("juliet"), ex.clone(), some("foo")),
            ),
            (
                "juliet@example.com/foo bar",
                (some("juliet"), ex.clone(), some("foo bar")),
            ),
            (
                "juliet@example.com/foo@bar",
                (some("juliet"), ex.clone(), some("foo@bar")),
            ),
            (
                "foo\\20bar@example.com",
                (some("foo\\20bar"), ex.clone(), None),
            ),
            ("fussball@example.com", (some("fussball"), ex.clone(), None)),
            (
                "fu\u{DF}ball@example.com",
                (some("fu\u{DF}ball"), ex.clone(), None),
            ),
            ("\u{3C0}@example.com", (some("\u{3C0}"), ex.clone(), None)),
            (
                "\u{3A3}@example.com/foo",
                (some("\u{3C3}"), ex.clone(), some("foo")),
            ),
            (
                "\u{3C3}@example.com/foo",
                (some("\u{3C3}"), ex.clone(), some("foo")),
            ),
            (
                "\u{3C2}@example.com/foo",
                (some("\u{3C2}"), ex.clone(), some("foo")),
            ),
            (
                "king@example.com/\u{265A}",
                (some("king"), ex.clone(), some("\u{265A}")),
            ),
            ("example.com", (None, ex.clone(), None)),
            ("example.com/foobar", (None, ex.clone(), some("foobar"))),
            (
                "a.example.com/b@example.net",
                (None, "a.example.com".into(), some("b@example.net")),
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(parts(input), expected, "{input}");
        }
        // Examples 9 and 10 are the same JID; 11 differs from both.
        assert_eq!(
            jid("\u{3A3}@example.com/foo"),
            jid("\u{3C3}@example.com/foo")
        );
        assert_ne!(
            jid("\u{3C3}@example.com/foo"),
            jid("\u{3C2}@example.com/foo")
        );
        // Examples 6 and 7 differ.
        assert_ne!(jid("fussball@example.com"), jid("fu\u{DF}ball@example.com"));
    }

    /// RFC 7622 §3.5, Table 2: strings that are not JIDs.
    #[test]
    fn rfc7622_invalid_examples() {
        let cases = [
            (
                "\"juliet\"@example.com",
                Part::Localpart,
                Reason::ForbiddenChar('"'),
            ),
            (
                "foo bar@example.com",
                Part::Localpart,
                Reason::ForbiddenChar(' '),
            ),
            ("@example.com/", Part::Localpart, Reason::Empty),
            (
                "henry\u{2163}@example.com",
                Part::Localpart,
                Reason::ForbiddenChar('\u{2163}'),
            ),
            (
                "\u{265A}@example.com",
                Part::Localpart,
                Reason::ForbiddenChar('\u{265A}'),
            ),
            ("juliet@", Part::Domainpart, Reason::Empty),
            ("/foobar", Part::Domainpart, Reason::Empty),
        ];
        for (input, part, reason) in cases {
            assert_eq!(err(input), JidError::new(part, reason), "{input}");
        }
        // Example 19 without its empty localpart still has an empty resourcepart.
        assert_eq!(
            err("example.com/"),
            JidError::new(Part::Resourcepart, Reason::Empty)
        );
        // Example 18 is accepted: see "Interpretations" in the module documentation.
        assert_eq!(jid("juliet@example.com/ foo").resource(), Some(" foo"));
    }

    #[test]
    fn each_part_reports_its_errors() {
        assert_eq!(err(""), JidError::new(Part::Domainpart, Reason::Empty));
        assert_eq!(err("@"), JidError::new(Part::Localpart, Reason::Empty));
        assert_eq!(err("a@"), JidError::new(Part::Domainpart, Reason::Empty));
        assert_eq!(err("a@."), JidError::new(Part::Domainpart, Reason::Empty));
        assert_eq!(
            err("a@b@example.com"),
            JidError::new(Part::Domainpart, Reason::ForbiddenChar('@'))
        );
        assert_eq!(
            err("a@exa_mple.com"),
            JidError::new(Part::Domainpart, Reason::ForbiddenChar('_'))
        );
        assert_eq!(
            err("a@example..com"),
            JidError::new(
                Part::Domainpart,
                Reason::InvalidDomain(DomainError::EmptyLabel)
            )
        );
        assert_eq!(
            err("a@[nonsense]"),
            JidError::new(
                Part::Domainpart,
                Reason::InvalidDomain(DomainError::InvalidIpLiteral)
            )
        );
        assert_eq!(
            err("a@example.com/x\ty"),
            JidError::new(Part::Resourcepart, Reason::ForbiddenChar('\t'))
        );
        assert_eq!(
            err("a\u{200D}b@example.com"),
            JidError::new(
                Part::Localpart,
                Reason::Precis(PrecisError::ContextRule('\u{200D}'))
            )
        );
        // Parts are checked from left to right.
        assert_eq!(
            err("a b@exa_mple.com/\t"),
            JidError::new(Part::Localpart, Reason::ForbiddenChar(' '))
        );
        // Splitting happens before preparation (RFC 7622 §3.1): FULLWIDTH SOLIDUS and
        // FULLWIDTH COMMERCIAL AT are not separators.
        assert_eq!(
            err("juliet\u{FF20}example.com"),
            JidError::new(Part::Domainpart, Reason::ForbiddenChar('@'))
        );
        assert_eq!(
            err("a\u{FF0F}b@example.com"),
            JidError::new(Part::Localpart, Reason::ForbiddenChar('/'))
        );
    }

    #[test]
    fn splitting_follows_rfc7622() {
        // The resource starts at the first '/', the localpart ends at the first '@'
        // before it (RFC 7622 §3.2, example 15).
        assert_eq!(parts("a@b/c@d/e"), (some("a"), "b".into(), some("c@d/e")));
        assert_eq!(parts("b/@"), (None, "b".into(), some("@")));
        assert_eq!(parts("b//"), (None, "b".into(), some("/")));
    }

    #[test]
    fn case_mapping_and_canonical_display() {
        let j = jid("Juliet@Example.COM/Balcony");
        assert_eq!(j.to_string(), "juliet@example.com/Balcony");
        assert_eq!(j.as_str(), "juliet@example.com/Balcony");
        assert_eq!(j, jid("juliet@example.com/Balcony"));
        assert_ne!(j, jid("juliet@example.com/balcony"));
        assert_eq!(format!("{j:>30}"), "    juliet@example.com/Balcony");
        assert_eq!(format!("{j:?}"), "Jid(\"juliet@example.com/Balcony\")");
    }

    #[test]
    fn domain_forms() {
        assert_eq!(
            jid("juliet@xn--caf-dma.example").domain(),
            "caf\u{E9}.example"
        );
        assert_eq!(
            jid("juliet@example.com./r").as_str(),
            "juliet@example.com/r"
        );
        assert_eq!(jid("juliet@192.0.2.1/r").domain(), "192.0.2.1");
        assert_eq!(jid("juliet@[::1]/r").domain(), "[::1]");
        assert_eq!(jid("[2001:DB8::0:1]").as_str(), "[2001:db8::1]");
        assert_eq!(
            jid("\u{FF2A}uliet@\u{FF25}xample.com/\u{FF22}alcony").as_str(),
            "juliet@example.com/\u{FF22}alcony"
        );
    }

    #[test]
    fn length_limits_per_part() {
        let long = |n| "a".repeat(n);
        let j = jid(&format!("{}@example.com/{}", long(1023), long(1023)));
        assert_eq!(j.local().map(str::len), Some(1023));
        assert_eq!(j.resource().map(str::len), Some(1023));
        assert_eq!(
            err(&format!("{}@example.com", long(1024))),
            JidError::new(Part::Localpart, Reason::TooLong { octets: 1024 })
        );
        assert_eq!(
            err(&format!("example.com/{}", long(1024))),
            JidError::new(Part::Resourcepart, Reason::TooLong { octets: 1024 })
        );
        // The largest JID: three parts of 1023 octets and two separators.
        let domain = vec!["d".repeat(63); 16].join(".");
        let j = jid(&format!("{}@{domain}/{}", long(1023), long(1023)));
        assert_eq!(j.as_str().len(), 3071);
        assert_eq!(j.domain(), domain);
        assert_eq!(j.resource().map(str::len), Some(1023));
        assert_eq!(
            err(&format!("{domain}x")),
            JidError::new(Part::Domainpart, Reason::TooLong { octets: 1024 })
        );
    }

    #[test]
    fn bare_and_full() {
        let full = jid("juliet@example.com/balcony");
        assert!(full.is_full() && !full.is_bare());
        let bare = full.bare();
        assert_eq!(bare, jid("juliet@example.com"));
        assert!(bare.is_bare() && !bare.is_full());
        assert_eq!(bare.local(), Some("juliet"));
        assert_eq!(bare.domain(), "example.com");
        assert_eq!(bare.resource(), None);
        assert_eq!(bare.bare(), bare);

        let domain = jid("example.com");
        assert_eq!((domain.local(), domain.resource()), (None, None));
        assert!(domain.is_bare());

        let other = full.with_resource("Orchard").unwrap();
        assert_eq!(other.as_str(), "juliet@example.com/Orchard");
        assert_eq!(other.resource(), Some("Orchard"));
        assert_eq!(other.local(), Some("juliet"));
        assert_eq!(
            bare.with_resource("x/y@z").unwrap().resource(),
            Some("x/y@z")
        );
        assert_eq!(domain.with_resource("r").unwrap(), jid("example.com/r"));
        assert_eq!(
            full.with_resource(""),
            Err(JidError::new(Part::Resourcepart, Reason::Empty))
        );
    }

    #[test]
    fn from_parts_prepares_without_splitting() {
        let j = Jid::from_parts(Some("Juliet"), "Example.com", Some("a/b@c")).unwrap();
        assert_eq!(j, jid("juliet@example.com/a/b@c"));
        assert_eq!(
            Jid::from_parts(None, "example.com", None).unwrap(),
            jid("example.com")
        );
        assert_eq!(
            Jid::from_parts(Some("a@b"), "example.com", None),
            Err(JidError::new(Part::Localpart, Reason::ForbiddenChar('@')))
        );
        assert_eq!(
            Jid::from_parts(Some("a/b"), "example.com", None),
            Err(JidError::new(Part::Localpart, Reason::ForbiddenChar('/')))
        );
        assert_eq!(
            Jid::from_parts(None, "example.com/r", None),
            Err(JidError::new(Part::Domainpart, Reason::ForbiddenChar('/')))
        );
        assert_eq!(
            Jid::from_parts(Some(""), "example.com", None),
            Err(JidError::new(Part::Localpart, Reason::Empty))
        );
        assert_eq!(
            Jid::from_parts(None, "example.com", Some("")),
            Err(JidError::new(Part::Resourcepart, Reason::Empty))
        );
        assert_eq!(Jid::new("a@b"), "a@b".parse());
    }

    #[test]
    fn equality_hash_and_order_use_the_canonical_form() {
        let set: HashSet<Jid> = [
            "Juliet@Example.com",
            "juliet@example.com",
            "juliet@example.com.",
        ]
        .iter()
        .map(|s| jid(s))
        .collect();
        assert_eq!(set.len(), 1);
        let mut list = [jid("b"), jid("a@b"), jid("a"), jid("a/r")];
        list.sort();
        let sorted: Vec<&str> = list.iter().map(Jid::as_str).collect();
        assert_eq!(sorted, ["a", "a/r", "a@b", "b"]);
    }

    #[test]
    fn compact_representation() {
        assert_eq!(std::mem::size_of::<Jid>(), 24);
        assert_eq!(std::mem::size_of::<Option<Jid>>(), 24);
    }

    proptest! {
        /// Display∘FromStr is the identity on parsed JIDs, and parsing is idempotent.
        #[test]
        fn display_parse_round_trip(
            local in proptest::option::of("[a-zA-Z0-9.\u{E9}\u{3A3}\u{FF21}-]{1,8}"),
            domain in "([a-zA-Z0-9\u{E9}\u{FF21}-]{1,6}\\.){0,2}[a-zA-Z\u{E9}]{1,4}\\.?",
            resource in proptest::option::of("\\PC{1,8}"),
        ) {
            let mut s = String::new();
            if let Some(l) = &local {
                s.push_str(l);
                s.push('@');
            }
            s.push_str(&domain);
            if let Some(r) = &resource {
                s.push('/');
                s.push_str(r);
            }
            if let Ok(j) = s.parse::<Jid>() {
                let again: Jid = j.to_string().parse().unwrap();
                prop_assert_eq!(&again, &j);
                prop_assert_eq!(again.local(), j.local());
                prop_assert_eq!(again.domain(), j.domain());
                prop_assert_eq!(again.resource(), j.resource());
                prop_assert_eq!(j.local().is_some(), local.is_some());
                prop_assert_eq!(j.resource().is_some(), resource.is_some());
            }
        }

        /// Parsing never panics, and what parses round-trips.
        #[test]
        fn arbitrary_input(s in "\\PC{0,24}|[\\x00-\\x7F]{0,24}") {
            if let Ok(j) = s.parse::<Jid>() {
                prop_assert_eq!(j.to_string().parse::<Jid>(), Ok(j.clone()));
                let rebuilt = Jid::from_parts(j.local(), j.domain(), j.resource());
                prop_assert_eq!(rebuilt, Ok(j));
            }
        }
    }
}
