//! Outstanding iq requests, matched to their responses by id and sender (RFC 6120 §8.2.3,
//! §10.3.3: a response must come from the entity the request was sent to).

use std::collections::HashMap;

use crate::Jid;

/// Who asked: the application, or the engine itself (pings, bind), whose responses are
/// consumed rather than surfaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// Surface the response as `Event::IqResponse`.
    Application,
    /// An XEP-0199 ping of ours.
    Ping,
}

#[derive(Debug, Clone)]
struct Pending {
    to: Option<Jid>,
    owner: Owner,
}

/// The table of requests awaiting a response.
#[derive(Debug, Clone, Default)]
pub(crate) struct IqTracker {
    pending: HashMap<String, Pending>,
}

impl IqTracker {
    /// Number of outstanding requests.
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Whether a request with `id` is outstanding.
    pub(crate) fn contains(&self, id: &str) -> bool {
        self.pending.contains_key(id)
    }

    /// Records a request sent to `to` (`None`: the user's own server/account).
    pub(crate) fn insert(&mut self, id: String, to: Option<Jid>, owner: Owner) {
        self.pending.insert(id, Pending { to, owner });
    }

    /// Removes and returns the owner of the request `id` if `from` may answer it.
    /// `account` is our full JID once bound.
    pub(crate) fn take(&mut self, id: &str, from: Option<&Jid>, account: &Jid) -> Option<Owner> {
        let p = self.pending.get(id)?;
        if !sender_matches(p.to.as_ref(), from, account) {
            return None;
        }
        self.pending.remove(id).map(|p| p.owner)
    }
}

/// Whether a response from `from` answers a request sent to `to`. A request without `to`
/// (or to our own bare JID) is handled by our server on behalf of the account, which
/// answers without `from` or from the bare JID, full JID or domain (RFC 6120 §10.3.3).
fn sender_matches(to: Option<&Jid>, from: Option<&Jid>, account: &Jid) -> bool {
    let own = |j: &Jid| *j == account.bare() || j == account || j.as_str() == account.domain();
    match (to, from) {
        (None, None) => true,
        (None, Some(f)) => own(f),
        (Some(t), None) => own(t),
        (Some(t), Some(f)) => t == f || (own(t) && own(f) && t.local() == f.local()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn j(s: &str) -> Jid {
        s.parse().unwrap()
    }

    #[test]
    fn responses_match_only_from_the_addressee() {
        let me = j("juliet@example.com/balcony");
        let mut t = IqTracker::default();
        t.insert(
            "1".into(),
            Some(j("romeo@example.net/orchard")),
            Owner::Application,
        );
        assert_eq!(t.take("1", Some(&j("mallory@evil.example")), &me), None);
        assert_eq!(t.take("1", None, &me), None);
        assert_eq!(
            t.take("1", Some(&j("romeo@example.net/orchard")), &me),
            Some(Owner::Application)
        );
        assert_eq!(
            t.take("1", Some(&j("romeo@example.net/orchard")), &me),
            None
        );

        t.insert("2".into(), None, Owner::Ping);
        assert_eq!(t.take("2", Some(&j("example.com")), &me), Some(Owner::Ping));
        t.insert("3".into(), None, Owner::Application);
        assert_eq!(
            t.take("3", Some(&j("juliet@example.com")), &me),
            Some(Owner::Application)
        );
        t.insert(
            "4".into(),
            Some(j("juliet@example.com")),
            Owner::Application,
        );
        assert_eq!(t.take("4", None, &me), Some(Owner::Application));
        t.insert("5".into(), None, Owner::Application);
        assert_eq!(t.take("5", Some(&j("example.net")), &me), None);
        assert_eq!(t.len(), 1);
    }
}
