//! The declarative description of an integration type: its fields, which are required,
//! which are secret, their rules and what a read shows when they are unset. Parsing, merging
//! and masking are written once against this description.

use super::IntegrationType;

/// How one field is stored, checked and shown.
#[derive(Clone, Copy, Debug)]
pub enum FieldKind {
    /// A string shown in clear.
    Text(TextRule),
    /// A key or token: shown with all but its last four characters masked.
    Secret(TextRule),
    /// A URL that carries a secret: shown as `scheme://host/****` and its last four.
    SecretUrl,
    /// Accepted, stored, never shown (Prometheus `password`).
    WriteOnly(TextRule),
    /// Stored sealed and shown as `******` (webhook templates); `******` sent back keeps it.
    Redacted(TextRule),
    /// A boolean.
    Flag,
    /// One string of a fixed set.
    Choice(&'static [&'static str]),
}

impl FieldKind {
    /// Whether reads never show the value as it was written (masked, redacted or omitted).
    pub fn is_hidden(self) -> bool {
        matches!(
            self,
            FieldKind::Secret(_) | FieldKind::SecretUrl | FieldKind::WriteOnly(_) | FieldKind::Redacted(_)
        )
    }
}

/// What a [`FieldKind::Redacted`] field reads back as.
pub const REDACTED: &str = "******";

/// What a string must look like.
#[derive(Clone, Copy, Debug)]
pub struct TextRule {
    /// Fewest characters (1 unless said otherwise: empty strings are refused).
    pub min_chars: usize,
    /// Most characters.
    pub max_chars: usize,
    /// The shape the characters must have.
    pub shape: Shape,
}

/// A character-level constraint on a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Any characters.
    Any,
    /// Hexadecimal digits only, either case.
    Hex,
    /// Exactly 40 lower-case hexadecimal digits (`^([0-9a-f]){40}$`).
    LowerHex40,
    /// An absolute `http` or `https` URL with a host.
    HttpUrl,
}

impl TextRule {
    /// A string of 1 to `max_chars` characters of any kind.
    pub const fn any(max_chars: usize) -> Self {
        TextRule { min_chars: 1, max_chars, shape: Shape::Any }
    }

    /// A string of 1 to `max_chars` characters with the given shape.
    pub const fn shaped(max_chars: usize, shape: Shape) -> Self {
        TextRule { min_chars: 1, max_chars, shape }
    }
}

/// What a read shows for a field that holds no value.
#[derive(Clone, Copy, Debug)]
pub enum Unset {
    /// Nothing: the key is left out.
    Omit,
    /// `null`.
    Null,
    /// A default string.
    Text(&'static str),
    /// A default boolean.
    Flag(bool),
}

/// One field of an integration type.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The wire name.
    pub name: &'static str,
    /// How it is stored, checked and shown.
    pub kind: FieldKind,
    /// Whether a configured integration must have it.
    pub required: bool,
    /// What a read shows while it is unset.
    pub unset: Unset,
}

impl FieldSpec {
    /// A required field.
    pub const fn required(name: &'static str, kind: FieldKind) -> Self {
        FieldSpec { name, kind, required: true, unset: Unset::Omit }
    }

    /// An optional field, shown as `unset` when it has no value.
    pub const fn optional(name: &'static str, kind: FieldKind, unset: Unset) -> Self {
        FieldSpec { name, kind, required: false, unset }
    }
}

/// The description of one integration type.
#[derive(Debug)]
pub struct TypeSpec {
    /// The type described.
    pub kind: IntegrationType,
    /// Its fields, in the order their errors are reported.
    pub fields: &'static [FieldSpec],
    /// Whether reads put `type` after every other key (WEBHOOK does, as recorded from
    /// Atlas); otherwise keys are in alphabetical order.
    pub type_last: bool,
}

impl TypeSpec {
    /// The field called `name`, if this type has it.
    pub fn field(&self, name: &str) -> Option<&'static FieldSpec> {
        self.fields.iter().find(|field| field.name == name)
    }
}
