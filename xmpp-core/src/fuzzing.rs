//! Entry points for the fuzz targets in `fuzz/` (not a stable API).
//!
//! Each function runs one input and checks the invariants a hostile peer must not break:
//! no panic, at most one error, memory bounded by the limits.

use crate::xml::{Limits, StreamEvent, StreamReader, Writer};

/// Feeds `data[1..]` to a reader with small limits, in chunks sized by `data[0]`, and
/// re-serialises every element it yields.
pub fn reader(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64) + 1;
    let limits = Limits {
        max_stanza_bytes: 4096,
        max_header_bytes: 1024,
        max_depth: 16,
        ..Limits::default()
    };
    let bound = 2 * (limits.max_stanza_bytes + 1);
    let mut reader = StreamReader::new(limits);
    for piece in rest.chunks(chunk) {
        let mut piece = piece;
        loop {
            match reader.next_event(&mut piece) {
                Ok(Some(StreamEvent::Element(el))) => {
                    let mut out = Vec::new();
                    if let Some(ctx) = reader.context() {
                        Writer::new(&mut out, ctx).element_ref(el.root());
                    }
                    let _ = el.root().to_owned();
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return,
            }
            assert!(
                reader.buffered().len() <= bound,
                "reader holds more than its limits allow"
            );
        }
    }
}
