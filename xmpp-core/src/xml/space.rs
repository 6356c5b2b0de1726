//! XML whitespace (production S of XML 1.0 §2.3), for values that are tokens rather than
//! human-readable text.

use std::borrow::Cow;

/// Whether `c` is XML whitespace: space, tab, CR or LF.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// `s` without surrounding XML whitespace, borrowing when `s` does.
pub(crate) fn trim_xml_space(s: Cow<'_, str>) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.trim_matches(is_xml_space)),
        Cow::Owned(o) => {
            let t = o.trim_matches(is_xml_space);
            if t.len() == o.len() {
                Cow::Owned(o)
            } else {
                Cow::Owned(t.to_owned())
            }
        }
    }
}
