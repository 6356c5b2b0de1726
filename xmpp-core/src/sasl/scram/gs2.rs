//! The GS2 header of SCRAM (RFC 5802 §7 `gs2-header`, RFC 5801 §4): the channel-binding
//! flag and the optional authorization identity.

use super::message::{ScramFormatError, escape_saslname, unescape_saslname};
use crate::sasl::{ChannelBinding, ChannelBindingType};

/// The client's channel-binding flag (RFC 5802 §6, §7 `gs2-cbind-flag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gs2Flag {
    /// `n`: the client does not support channel binding, or cannot use it here.
    Unsupported,
    /// `y`: the client supports channel binding but thinks the server does not (it saw no
    /// `-PLUS` mechanism); a server that does support it fails the exchange, which detects
    /// a stripped mechanism list (RFC 5802 §6).
    ServerLacksSupport,
    /// `p=<type>`: the client binds to the channel with this data (`-PLUS` mechanisms).
    Used(ChannelBinding),
}

impl Gs2Flag {
    /// The channel-binding type, for [`Gs2Flag::Used`].
    pub fn binding_type(&self) -> Option<ChannelBindingType> {
        match self {
            Gs2Flag::Used(cb) => Some(cb.kind),
            Gs2Flag::Unsupported | Gs2Flag::ServerLacksSupport => None,
        }
    }

    /// The GS2 header for this flag and `authzid` (RFC 5802 §7): e.g. `n,,`,
    /// `y,a=juliet,`, `p=tls-exporter,,`.
    pub(crate) fn header(&self, authzid: Option<&str>) -> String {
        let flag = match self {
            Gs2Flag::Unsupported => "n",
            Gs2Flag::ServerLacksSupport => "y",
            Gs2Flag::Used(cb) => return with_authzid(&format!("p={}", cb.kind), authzid),
        };
        with_authzid(flag, authzid)
    }

    /// `cbind-input`: the GS2 header, then the channel-binding data for `p` (RFC 5802 §7).
    pub(crate) fn cbind_input(&self, header: &str) -> Vec<u8> {
        let mut input = header.as_bytes().to_vec();
        if let Gs2Flag::Used(cb) = self {
            input.extend_from_slice(&cb.data);
        }
        input
    }
}

fn with_authzid(flag: &str, authzid: Option<&str>) -> String {
    match authzid {
        Some(a) => format!("{flag},a={},", escape_saslname(a)),
        None => format!("{flag},,"),
    }
}

/// The channel-binding flag as received by a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReceivedFlag<'a> {
    /// `n`.
    No,
    /// `y`.
    Yes,
    /// `p=` and the channel-binding name as sent (RFC 5802 §7 `cb-name`).
    Bind(&'a str),
}

/// A received GS2 header and what follows it.
#[derive(Debug)]
pub(crate) struct ReceivedHeader<'a> {
    pub flag: ReceivedFlag<'a>,
    pub authzid: Option<String>,
    /// The header exactly as sent, including its two commas (for `c=`).
    pub header: &'a str,
    /// The rest of the message (`client-first-message-bare`).
    pub rest: &'a str,
}

/// Splits a client-first message into its GS2 header and the bare message (RFC 5802 §7).
pub(crate) fn parse_header(message: &str) -> Result<ReceivedHeader<'_>, ScramFormatError> {
    let mut parts = message.splitn(3, ',');
    let (Some(flag), Some(authzid), Some(rest)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(ScramFormatError::InvalidGs2Header);
    };
    let flag = match flag {
        "n" => ReceivedFlag::No,
        "y" => ReceivedFlag::Yes,
        _ => match flag.strip_prefix("p=") {
            Some(name) if is_cb_name(name) => ReceivedFlag::Bind(name),
            _ => return Err(ScramFormatError::InvalidGs2Header),
        },
    };
    let authzid = match authzid {
        "" => None,
        _ => match authzid.strip_prefix("a=") {
            Some(name) => Some(unescape_saslname(name)?),
            None => return Err(ScramFormatError::InvalidGs2Header),
        },
    };
    let header_len = message.len() - rest.len();
    Ok(ReceivedHeader {
        flag,
        authzid,
        header: &message[..header_len],
        rest,
    })
}

/// `cb-name = 1*(ALPHA / DIGIT / "." / "-")` (RFC 5802 §7, RFC 5056 §7).
fn is_cb_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers() {
        let cb = ChannelBinding::new(ChannelBindingType::TlsExporter, vec![1, 2]);
        assert_eq!(Gs2Flag::Unsupported.header(None), "n,,");
        assert_eq!(
            Gs2Flag::ServerLacksSupport.header(Some("a,b")),
            "y,a=a=2Cb,"
        );
        let used = Gs2Flag::Used(cb);
        assert_eq!(used.header(None), "p=tls-exporter,,");
        assert_eq!(
            used.cbind_input("p=tls-exporter,,"),
            b"p=tls-exporter,,\x01\x02"
        );
        assert_eq!(Gs2Flag::Unsupported.cbind_input("n,,"), b"n,,");
    }

    #[test]
    fn parses_headers() {
        let h = parse_header("n,,n=user,r=abc").unwrap();
        assert_eq!(
            (h.flag, h.authzid, h.header, h.rest),
            (ReceivedFlag::No, None, "n,,", "n=user,r=abc")
        );
        let h = parse_header("y,a=a=3Db,n=u,r=x").unwrap();
        assert_eq!(
            (h.flag, h.authzid.as_deref(), h.header),
            (ReceivedFlag::Yes, Some("a=b"), "y,a=a=3Db,")
        );
        let h = parse_header("p=tls-server-end-point,,n=u,r=x").unwrap();
        assert_eq!(h.flag, ReceivedFlag::Bind("tls-server-end-point"));
        for bad in [
            "",
            "n",
            "n,",
            "x,,n=u",
            "p=,,n=u",
            "p=a_b,,n=u",
            "n,b=x,n=u",
            "n,a=,n=u",
            "n,a=x=,n=u",
            "F,n,,n=u",
        ] {
            assert!(parse_header(bad).is_err(), "{bad}");
        }
    }
}
