//! A minimal, panic-free DER reader: just enough to find a certificate's
//! `signatureAlgorithm` (X.690 §8.1 identifier and length octets, DER rules of §10.1).

/// `SEQUENCE` (constructed, universal 16).
pub(super) const SEQUENCE: u8 = 0x30;
/// `OBJECT IDENTIFIER` (universal 6).
pub(super) const OID: u8 = 0x06;
/// `[0]` context-specific, constructed (an EXPLICIT tag).
pub(super) const CONTEXT_0: u8 = 0xa0;

/// A cursor over DER-encoded bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reader<'a> {
    input: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(super) fn new(input: &'a [u8]) -> Self {
        Self { input }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.input.is_empty()
    }

    /// The tag of the next element, without consuming it.
    pub(super) fn peek_tag(&self) -> Option<u8> {
        self.input.first().copied()
    }

    /// Reads one element and returns its tag and contents.
    ///
    /// Only single-octet tags and definite lengths of at most four octets are accepted
    /// (a certificate never needs more); non-minimal lengths are rejected as DER requires.
    pub(super) fn read_any(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.input.split_first()?;
        if tag & 0x1f == 0x1f {
            return None; // high-tag-number form
        }
        let (&first, mut rest) = rest.split_first()?;
        let len = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 {
                return None; // indefinite length (BER only) or absurdly long
            }
            let (octets, after) = rest.split_at_checked(count)?;
            rest = after;
            if octets.first() == Some(&0) {
                return None; // non-minimal
            }
            let len = octets
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            if len < 0x80 {
                return None; // should have used the short form
            }
            len
        };
        let (contents, after) = rest.split_at_checked(len)?;
        self.input = after;
        Some((tag, contents))
    }

    /// Reads one element that must carry `tag` and returns its contents.
    pub(super) fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        match self.read_any()? {
            (t, contents) if t == tag => Some(contents),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        let mut r = Reader::new(&[0x04, 0x02, 0xaa, 0xbb, 0x05, 0x00]);
        assert_eq!(r.read(0x04), Some(&[0xaa, 0xbb][..]));
        assert_eq!(r.read(0x05), Some(&[][..]));
        assert!(r.is_empty());

        let mut long = vec![0x04, 0x81, 0x80];
        long.extend([7u8; 0x80]);
        assert_eq!(Reader::new(&long).read(0x04).map(<[u8]>::len), Some(0x80));
    }

    #[test]
    fn rejects_malformed_lengths() {
        for bad in [
            &[0x04, 0x80, 0x00, 0x00][..],      // indefinite
            &[0x04, 0x81, 0x05, 0, 0, 0, 0, 0], // long form for a short length
            &[0x04, 0x82, 0x00, 0x80],          // leading zero
            &[0x04, 0x85, 1, 1, 1, 1, 1],       // five length octets
            &[0x04, 0x03, 0x00],                // truncated contents
            &[0x04, 0x82, 0x01],                // truncated length
            &[0x1f, 0x01, 0x00],                // high tag number
            &[0x04],                            // no length
            &[],
        ] {
            assert_eq!(Reader::new(bad).read_any(), None, "{bad:02x?}");
        }
    }

    #[test]
    fn wrong_tag_is_none() {
        assert_eq!(Reader::new(&[0x04, 0x00]).read(SEQUENCE), None);
    }
}
