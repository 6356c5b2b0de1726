//! [`Feeder`] for the `xmpp-core` stream reader.
//!
//! Included by path (`#[path = …] mod xmpp_core_feeder;`) from the bench, the allocation
//! report and the allocation test rather than living in the `benches` library, so that the
//! library (corpus generator, baselines, counting allocator) builds on its own.

use benches::Feeder;
use xmpp_core::xml::{Limits, StreamEvent, StreamReader};

/// `xmpp_core::xml::StreamReader` with default limits, counting `Element` events.
pub struct XmppCoreFeeder {
    reader: StreamReader,
}

impl Feeder for XmppCoreFeeder {
    const NAME: &'static str = "xmpp-core";

    fn new() -> Self {
        Self {
            reader: StreamReader::new(Limits::default()),
        }
    }

    fn feed(&mut self, mut input: &[u8]) -> usize {
        let mut stanzas = 0;
        loop {
            match self.reader.next_event(&mut input) {
                Ok(Some(StreamEvent::Element(_))) => stanzas += 1,
                Ok(Some(_)) => {}
                Ok(None) => return stanzas,
                Err(e) => panic!("xmpp-core: {e}"),
            }
        }
    }
}
