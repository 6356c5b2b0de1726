//! A macro for the closed vocabularies of RFC 6120 (condition names ↔ enum variants).

/// Defines a `Copy` enum whose variants map one-to-one to XML element names, with
/// `ALL`, `name()`, `from_name()` and `Display`.
macro_rules! conditions {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $name:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $ty {
            /// Every value, in the order the RFC lists them.
            pub const ALL: &'static [$ty] = &[ $( $ty::$variant, )+ ];

            /// The element name used on the wire.
            pub const fn name(self) -> &'static str {
                match self { $( $ty::$variant => $name, )+ }
            }

            /// The value for an element name, if the name is one of the vocabulary's.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $( $name => Some($ty::$variant), )+ _ => None }
            }
        }

        impl core::fmt::Display for $ty {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

pub(crate) use conditions;
