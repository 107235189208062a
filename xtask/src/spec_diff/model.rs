//! What one source says about the API, in a shape every source can fill.
//!
//! The spec, the Redoc text and the markdown reference are each read into an
//! [`Api`]; comparing two `Api`s is then source-agnostic. Where a format
//! cannot express something (the Redoc text drops nested property names), the
//! model says so with [`Fields::Flat`] instead of guessing a structure.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The JSON type of a parameter or field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ty {
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

impl Ty {
    pub fn parse(word: &str) -> Option<Ty> {
        Some(match word {
            "string" => Ty::String,
            "integer" => Ty::Integer,
            "number" => Ty::Number,
            "boolean" => Ty::Boolean,
            "object" => Ty::Object,
            "array" => Ty::Array,
            _ => return None,
        })
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::String => "string",
            Ty::Integer => "integer",
            Ty::Number => "number",
            Ty::Boolean => "boolean",
            Ty::Object => "object",
            Ty::Array => "array",
        })
    }
}

/// What a source says about the allowed values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum EnumInfo {
    /// Not an enum (or the source does not say).
    #[default]
    None,
    /// Documented as an enum whose values are not listed (Redoc's `integer <enum>`).
    Unlisted,
    /// The listed values.
    Values(BTreeSet<String>),
}

/// A parameter or a body field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field {
    /// `None` when the source shows no type.
    pub ty: Option<Ty>,
    pub required: bool,
    pub enumeration: EnumInfo,
    /// The component schema an object (or array of objects) field refers to.
    pub schema: Option<String>,
}

/// The fields of a request or response body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fields {
    /// Full dotted paths (`importedNumbers.smsConfiguration.servicePlanId`);
    /// array items share their array's path.
    Paths(BTreeMap<String, Field>),
    /// Only leaf names and the schema names of nested objects are known: the
    /// Redoc text flattens nesting and drops nested objects' property names.
    Flat(FlatFields),
}

/// See [`Fields::Flat`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatFields {
    /// Every occurrence of each leaf name.
    pub names: BTreeMap<String, Vec<Field>>,
    /// Schema names shown as `object (Name)` / `Array of objects (Name)`.
    pub schemas: BTreeSet<String>,
}

/// One response status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// `None` when the source shows no body for this status.
    pub fields: Option<Fields>,
}

/// One operation, as a source describes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Operation {
    /// Keyed `path.<name>` or `query.<name>`.
    pub params: BTreeMap<String, Field>,
    pub request: Option<Fields>,
    pub responses: BTreeMap<u16, Response>,
}

/// Method and path template: how operations are matched across sources.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OpKey {
    pub method: String,
    pub path: String,
}

impl OpKey {
    pub fn new(method: &str, path: &str) -> Self {
        OpKey {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        }
    }
}

impl fmt::Display for OpKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// What one source says: its operations, and what its format can express.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Api {
    pub operations: BTreeMap<OpKey, Operation>,
    /// Whether the source lists statuses that have no body.
    pub shows_bodiless_statuses: bool,
    /// Whether the source documents the whole API (so an operation it lacks
    /// is missing), rather than one operation per page.
    pub covers_whole_api: bool,
}

/// Enum values in a description: `Enum: "A" "B"` or `Enum: "A", "B"`.
pub fn enum_values(text: &str) -> Option<BTreeSet<String>> {
    let start = text.find("Enum:")? + "Enum:".len();
    let mut values = BTreeSet::new();
    let mut rest = text[start..].trim_start();
    while let Some(after_quote) = rest.strip_prefix('"') {
        let end = after_quote.find('"')?;
        values.insert(after_quote[..end].to_owned());
        rest = after_quote[end + 1..].trim_start_matches([',', ' ']);
    }
    (!values.is_empty()).then_some(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_in_both_styles() {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert_eq!(
            enum_values(r#"Enum: "START" "CONTAIN" "END""#),
            Some(set(&["START", "CONTAIN", "END"]))
        );
        assert_eq!(
            enum_values(r#"Order. Enum: "createdTime", "updatedTime" - next"#),
            Some(set(&["createdTime", "updatedTime"]))
        );
        assert_eq!(enum_values("no enum here"), None);
    }
}
