//! A macro for the closed vocabularies of RFC 6120 and RFC 6121 (wire names ↔ enum
//! variants): error conditions, error types, stanza `type` values, `<show/>` values.

/// Defines a `Copy` enum whose variants map one-to-one to wire names (element names or
/// attribute values), with `ALL`, `name()`, `from_name()` and `Display`.
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

            /// The name used on the wire.
            pub const fn name(self) -> &'static str {
                match self { $( $ty::$variant => $name, )+ }
            }

            /// The value for a wire name, if the name is one of the vocabulary's.
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
