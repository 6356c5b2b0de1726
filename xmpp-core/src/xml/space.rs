//! XML whitespace (production S of XML 1.0 §2.3), for values that are tokens rather than
//! human-readable text.

/// Whether `c` is XML whitespace: space, tab, CR or LF.
pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
