//! The XML stream layer: an incremental reader that frames depth-1 elements, zero-copy
//! element views, an owned element tree, and an escaping writer.
//!
//! ```text
//!  bytes ──► StreamReader ──► StreamEvent::{Header, Element, Whitespace, Close}
//!                                  │ Element = exact input bytes + parsed view
//!  XmlElement / Element ──► Writer ──► bytes
//! ```

mod element;
mod escape;
mod header;
mod limits;
pub mod ns;
mod owned;
mod reader;
pub(crate) mod space;
mod writer;

pub use element::{Attribute, Children, Element, ElementRef, NodeRef, TextRef};
pub use escape::{escape_attr, escape_text};
pub use header::{StreamContext, StreamHeader, StreamVersion};
pub use limits::Limits;
pub use owned::{XmlAttr, XmlElement, XmlNode};
pub use reader::{StreamEvent, StreamReader};
pub use writer::Writer;
