//! An owned, mutable element tree for building outgoing XML.

/// An attribute of an [`XmlElement`]: namespace (`""` for none), local name, value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XmlAttr {
    /// The attribute's namespace; `""` for an unqualified attribute (the common case).
    pub ns: String,
    /// The local name.
    pub name: String,
    /// The value, unescaped.
    pub value: String,
}

/// A child of an [`XmlElement`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum XmlNode {
    /// A child element.
    Element(XmlElement),
    /// Character data, unescaped.
    Text(String),
}

/// An owned element: namespace, local name, attributes and children, all unescaped.
///
/// Build one with the `with_*` methods, serialise it with [`Writer`](super::Writer), or get
/// one from a received element with [`ElementRef::to_owned`](super::ElementRef::to_owned).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct XmlElement {
    ns: String,
    name: String,
    attrs: Vec<XmlAttr>,
    children: Vec<XmlNode>,
}

impl XmlElement {
    /// An empty element `name` qualified by namespace `ns`.
    pub fn new(ns: impl Into<String>, name: impl Into<String>) -> Self {
        XmlElement {
            ns: ns.into(),
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
        }
    }

    /// The namespace name.
    pub fn ns(&self) -> &str {
        &self.ns
    }

    /// The local name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this element has local name `name` in namespace `ns`.
    pub fn is(&self, name: &str, ns: &str) -> bool {
        self.name == name && self.ns == ns
    }

    /// The value of the unqualified attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attr_ns("", name)
    }

    /// The value of attribute `name` in namespace `ns` (`""` for unqualified).
    pub fn attr_ns(&self, ns: &str, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name == name && a.ns == ns)
            .map(|a| a.value.as_str())
    }

    /// All attributes, in insertion order.
    pub fn attrs(&self) -> &[XmlAttr] {
        &self.attrs
    }

    /// Sets (or replaces) the unqualified attribute `name`.
    pub fn set_attr(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.set_attr_ns("", name, value);
    }

    /// Sets (or replaces) attribute `name` in namespace `ns` (`""` for unqualified).
    pub fn set_attr_ns(
        &mut self,
        ns: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) {
        let (ns, name, value) = (ns.into(), name.into(), value.into());
        match self.attrs.iter_mut().find(|a| a.name == name && a.ns == ns) {
            Some(a) => a.value = value,
            None => self.attrs.push(XmlAttr { ns, name, value }),
        }
    }

    /// Removes attribute `name` in namespace `ns`, returning its value.
    pub fn remove_attr_ns(&mut self, ns: &str, name: &str) -> Option<String> {
        let i = self
            .attrs
            .iter()
            .position(|a| a.name == name && a.ns == ns)?;
        Some(self.attrs.remove(i).value)
    }

    /// Builder form of [`set_attr`](Self::set_attr).
    pub fn with_attr(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Builder form of [`set_attr_ns`](Self::set_attr_ns).
    pub fn with_attr_ns(
        mut self,
        ns: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.set_attr_ns(ns, name, value);
        self
    }

    /// Builder form of [`push_child`](Self::push_child).
    pub fn with_child(mut self, child: XmlElement) -> Self {
        self.push_child(child);
        self
    }

    /// Builder form of [`push_text`](Self::push_text).
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.push_text(text);
        self
    }

    /// Appends a child element.
    pub fn push_child(&mut self, child: XmlElement) {
        self.children.push(XmlNode::Element(child));
    }

    /// Appends character data (merged with a preceding text node; empty text is ignored).
    pub fn push_text(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text.is_empty() {
            return;
        }
        match self.children.last_mut() {
            Some(XmlNode::Text(t)) => t.push_str(&text),
            _ => self.children.push(XmlNode::Text(text)),
        }
    }

    /// All children, in order.
    pub fn nodes(&self) -> &[XmlNode] {
        &self.children
    }

    /// Mutable access to the children.
    pub fn nodes_mut(&mut self) -> &mut Vec<XmlNode> {
        &mut self.children
    }

    /// The child elements, in order.
    pub fn elements(&self) -> impl Iterator<Item = &XmlElement> {
        self.children.iter().filter_map(|n| match n {
            XmlNode::Element(e) => Some(e),
            XmlNode::Text(_) => None,
        })
    }

    /// The first child element with local name `name` in namespace `ns`.
    pub fn element(&self, name: &str, ns: &str) -> Option<&XmlElement> {
        self.elements().find(|e| e.is(name, ns))
    }

    /// The concatenated direct character data of this element.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for n in &self.children {
            if let XmlNode::Text(t) = n {
                s.push_str(t);
            }
        }
        s
    }
}
